-- 0011: the hazard module (docs/modules/hazard.md) takes over the hazards
-- table of 0008 and adds its lifecycle: where a hazard was found, who
-- must remove it, the clock of its current step, escalation, transfers to
-- other departments, major-hazard judgements (GB 35181), listing for
-- supervision (挂牌督办) and temporary seals (临时查封).

-- Business numbers people read (hazard numbers, document numbers): one
-- counter per series and year.
CREATE TABLE doc_counters (
  series  TEXT NOT NULL,
  year    INTEGER NOT NULL,
  last    BIGINT NOT NULL,
  PRIMARY KEY (series, year)
);

DROP INDEX hazards_unit;
DROP INDEX hazards_deadline;
DROP INDEX hazards_source;
ALTER TABLE hazards RENAME TO hazards_0008;

-- status: found (recorded, not yet ordered) | ordered (rectification
-- ordered, deadline running) | reported (the unit says it is fixed,
-- re-check due) | transferred (with other departments) | closed.
-- step_due is the deadline of the current step (NULL once closed);
-- escalation 0 none, 1 town, 2 city (HAZ-010).
CREATE TABLE hazards (
  id            BIGINT NOT NULL PRIMARY KEY,
  no            TEXT NOT NULL,
  unit_id       BIGINT NOT NULL REFERENCES units(id),
  town          TEXT NOT NULL,
  grid_id       BIGINT,
  type_code     TEXT,
  source        TEXT NOT NULL,          -- inspection | patrol | police | tipoff | self | iot | officer
  source_id     BIGINT,
  item_code     TEXT,
  description   TEXT NOT NULL,
  legal_basis   TEXT,
  location      TEXT,
  dept          TEXT NOT NULL,          -- department responsible (fire, housing, …)
  photos        TEXT NOT NULL,          -- file ids, comma-separated
  found_on      TEXT NOT NULL,
  deadline      TEXT,                   -- rectification deadline, YYYY-MM-DD
  status        TEXT NOT NULL,
  step_due      TEXT,
  escalation    INTEGER NOT NULL DEFAULT 0,
  escalated_on  TEXT,
  level         TEXT NOT NULL DEFAULT 'general',  -- general | major
  returns       INTEGER NOT NULL DEFAULT 0,
  notice_no     TEXT,                   -- 责令改正通知书 number
  close_reason  TEXT,                   -- on_spot | rectified | transferred | not_hazard
  closed_on     TEXT,
  version       BIGINT NOT NULL DEFAULT 1,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL,
  created_by    TEXT NOT NULL
);

INSERT INTO hazards (id, no, unit_id, town, grid_id, type_code, source,
  source_id, item_code, description, legal_basis, location, dept, photos,
  found_on, deadline, status, step_due, escalation, level, returns,
  close_reason, closed_on, version, created_at, updated_at, created_by)
SELECT h.id, 'YH' || h.id, h.unit_id, u.town_code, u.grid_id, NULL, h.source,
  h.source_id, h.item_code, h.description, h.legal_basis, NULL, 'fire',
  h.photos, h.found_on, h.deadline,
  CASE WHEN h.status = 'closed' THEN 'closed' ELSE 'ordered' END,
  CASE WHEN h.status = 'closed' THEN NULL ELSE h.deadline END, 0,
  'general', 0, CASE WHEN h.status = 'closed' THEN 'rectified' END, NULL,
  h.version, h.created_at, h.updated_at, h.created_by
FROM hazards_0008 h JOIN units u ON u.id = h.unit_id;
DROP TABLE hazards_0008;

CREATE UNIQUE INDEX hazards_no ON hazards (no);
CREATE INDEX hazards_unit ON hazards (unit_id, status, found_on);
-- The overdue scan (HAZ-009): open hazards by the deadline of their step.
CREATE INDEX hazards_due ON hazards (step_due) WHERE status <> 'closed';
CREATE INDEX hazards_town ON hazards (town, status, level);
CREATE INDEX hazards_grid ON hazards (grid_id, status);
CREATE INDEX hazards_source ON hazards (source, source_id);
CREATE INDEX hazards_found ON hazards (found_on, id);

-- The timeline of a hazard: one row per step, with who, when, what was
-- said and shown.  The re-check view compares the photos of the finding
-- with those of the rectification report.
CREATE TABLE hazard_steps (
  id          BIGINT NOT NULL PRIMARY KEY,
  hazard_id   BIGINT NOT NULL REFERENCES hazards(id),
  action      TEXT NOT NULL,
  from_status TEXT,
  to_status   TEXT NOT NULL,
  note        TEXT,
  photos      TEXT NOT NULL,
  due         TEXT,
  actor       TEXT NOT NULL,
  at          BIGINT NOT NULL
);
CREATE INDEX hazard_steps_hazard ON hazard_steps (hazard_id, at, id);

-- A transfer to another department (HAZ-013..017): pending → accepted →
-- completed, or returned (with a reason) → disputed → decided by the
-- town safety office (消安委办): upheld (the department must act) or
-- released (the fire service keeps it).
CREATE TABLE hazard_transfers (
  id            BIGINT NOT NULL PRIMARY KEY,
  hazard_id     BIGINT NOT NULL REFERENCES hazards(id),
  dept          TEXT NOT NULL,
  town          TEXT NOT NULL,
  status        TEXT NOT NULL,   -- pending | accepted | returned | disputed | completed | released
  note          TEXT,
  return_reason TEXT,
  dispute_note  TEXT,
  decision      TEXT,            -- upheld | released
  decision_note TEXT,
  due           TEXT NOT NULL,   -- the current step's deadline
  complete_due  TEXT,
  escalation    INTEGER NOT NULL DEFAULT 0,
  version       BIGINT NOT NULL DEFAULT 1,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL,
  created_by    TEXT NOT NULL
);
CREATE INDEX hazard_transfers_hazard ON hazard_transfers (hazard_id);
CREATE INDEX hazard_transfers_dept ON hazard_transfers (dept, status, due);
CREATE INDEX hazard_transfers_due ON hazard_transfers (due)
  WHERE status IN ('pending', 'accepted', 'disputed');

-- Major-hazard judgements (GB 35181, HAZ-020..024): the edition, the
-- elements, the outcome, and the collective discussion (≥ 3 people) or
-- expert review (≥ 7 experts, ≥ 2/3 agreeing) that made it.
CREATE TABLE hazard_judgements (
  id            BIGINT NOT NULL PRIMARY KEY,
  hazard_id     BIGINT NOT NULL REFERENCES hazards(id),
  edition       TEXT NOT NULL,
  place         TEXT NOT NULL,
  elements      TEXT NOT NULL,   -- JSON array
  exclusion     TEXT,
  outcome       TEXT NOT NULL,   -- major | not-major | excluded
  method        TEXT,
  counted       INTEGER,
  threshold     INTEGER,
  reason        TEXT NOT NULL,
  procedure     TEXT NOT NULL,   -- discussion | expert
  participants  TEXT NOT NULL,   -- JSON array of names
  agreeing      INTEGER,
  conclusion    TEXT NOT NULL,
  judged_on     TEXT NOT NULL,
  created_at    BIGINT NOT NULL,
  created_by    TEXT NOT NULL
);
CREATE INDEX hazard_judgements_hazard ON hazard_judgements (hazard_id);

-- Listing for supervision (挂牌督办, HAZ-025..028).
CREATE TABLE hazard_listings (
  id            BIGINT NOT NULL PRIMARY KEY,
  hazard_id     BIGINT NOT NULL REFERENCES hazards(id),
  no            TEXT NOT NULL,
  level         TEXT NOT NULL,   -- town | city
  body          TEXT NOT NULL,   -- the supervising body
  deadline      TEXT NOT NULL,
  status        TEXT NOT NULL,   -- listed | delisted
  published     INTEGER NOT NULL DEFAULT 0,
  listed_on     TEXT NOT NULL,
  delisted_on   TEXT,
  delist_note   TEXT,
  version       BIGINT NOT NULL DEFAULT 1,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL,
  created_by    TEXT NOT NULL
);
CREATE UNIQUE INDEX hazard_listings_no ON hazard_listings (no);
CREATE INDEX hazard_listings_hazard ON hazard_listings (hazard_id);
CREATE INDEX hazard_listings_status ON hazard_listings (status, level);

CREATE TABLE hazard_listing_reports (
  id          BIGINT NOT NULL PRIMARY KEY,
  listing_id  BIGINT NOT NULL REFERENCES hazard_listings(id),
  text        TEXT NOT NULL,
  photos      TEXT NOT NULL,
  reported_on TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  created_by  TEXT NOT NULL
);
CREATE INDEX hazard_listing_reports_listing ON hazard_listing_reports
  (listing_id, created_at);

-- Temporary seals (临时查封, HAZ-030..034): at most one month unless
-- extended because the hazard persists; the unit applies online to lift.
CREATE TABLE hazard_seals (
  id            BIGINT NOT NULL PRIMARY KEY,
  hazard_id     BIGINT NOT NULL REFERENCES hazards(id),
  unit_id       BIGINT NOT NULL REFERENCES units(id),
  no            TEXT NOT NULL,
  scope         TEXT NOT NULL,
  reason        TEXT NOT NULL,
  start_on      TEXT NOT NULL,
  end_on        TEXT NOT NULL,
  extended      INTEGER NOT NULL DEFAULT 0,
  status        TEXT NOT NULL,   -- active | lift_applied | lifted
  lift_request  TEXT,
  lift_requested_at BIGINT,
  lift_note     TEXT,
  lifted_on     TEXT,
  version       BIGINT NOT NULL DEFAULT 1,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL,
  created_by    TEXT NOT NULL
);
CREATE UNIQUE INDEX hazard_seals_no ON hazard_seals (no);
CREATE INDEX hazard_seals_hazard ON hazard_seals (hazard_id);
CREATE INDEX hazard_seals_status ON hazard_seals (status, end_on);

INSERT INTO role_permissions (role_id, permission) VALUES
  ('officer', 'hazard:read'),
  ('officer', 'hazard:write'),
  ('officer', 'hazard:judge'),
  ('officer', 'hazard:seal'),
  ('leader',  'hazard:read'),
  ('leader',  'hazard:judge'),
  ('leader',  'hazard:list'),
  ('legal',   'hazard:read'),
  ('town',    'hazard:read'),
  ('town',    'hazard:write'),
  ('town',    'hazard:decide'),
  ('town',    'hazard:list'),
  ('grid',    'hazard:read'),
  ('grid',    'hazard:write'),
  ('police',  'hazard:read'),
  ('police',  'hazard:write'),
  ('dept',    'hazard:read'),
  ('dept',    'hazard:dept'),
  ('unit',    'hazard:read'),
  ('unit',    'hazard:report');
