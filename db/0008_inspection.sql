-- 0008: 双随机、一公开 random inspections (docs/modules/inspection.md):
-- 一单 the item list, 两库 the inspector directory (the object directory is
-- the registry), 一细则 the ratio rules, plans with their frozen rosters,
-- the verifiable draw (specs/draw-v1.md), tasks and checks.

-- 检查事项清单: what an inspection checks, with its legal basis.
CREATE TABLE inspection_items (
  id           BIGINT NOT NULL PRIMARY KEY,
  code         TEXT NOT NULL,           -- e.g. XF-01, unique
  name         TEXT NOT NULL,
  legal_basis  TEXT NOT NULL,
  content      TEXT NOT NULL,           -- what is checked
  method       TEXT NOT NULL,           -- how: 查阅资料, 现场检查, 测试 …
  department   TEXT NOT NULL,           -- fire | market | housing | …
  categories   INTEGER NOT NULL DEFAULT 0, -- unit categories it applies to; 0 all
  status       TEXT NOT NULL,           -- active | archived
  version      BIGINT NOT NULL DEFAULT 1,
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL,
  created_by   TEXT NOT NULL
);
CREATE UNIQUE INDEX inspection_items_code ON inspection_items (code);

-- 执法检查人员名录库: officers and partner-department inspectors.  An
-- inspector may be a platform user (user_id) or only a directory entry
-- of a partner department.  areas: town codes, sorted, comma-separated.
CREATE TABLE inspectors (
  id                BIGINT NOT NULL PRIMARY KEY,
  user_id           BIGINT REFERENCES users(id),
  name              TEXT NOT NULL,
  department        TEXT NOT NULL,      -- fire | market | housing | …
  cert_no           TEXT NOT NULL,      -- enforcement certificate number
  cert_valid_until  TEXT NOT NULL,      -- YYYY-MM-DD, last valid day
  areas             TEXT NOT NULL,
  specialty         TEXT,
  status            TEXT NOT NULL,      -- active | suspended | archived
  version           BIGINT NOT NULL DEFAULT 1,
  created_at        BIGINT NOT NULL,
  updated_at        BIGINT NOT NULL,
  created_by        TEXT NOT NULL
);
CREATE UNIQUE INDEX inspectors_cert ON inspectors (department, cert_no);
CREATE UNIQUE INDEX inspectors_user ON inspectors (user_id);

-- Declared relationships that exclude an inspector from a unit (回避).
CREATE TABLE inspector_conflicts (
  id            BIGINT NOT NULL PRIMARY KEY,
  inspector_id  BIGINT NOT NULL REFERENCES inspectors(id),
  unit_id       BIGINT NOT NULL REFERENCES units(id),
  kind          TEXT NOT NULL,          -- relative | former_employer | interest | other
  note          TEXT,
  status        TEXT NOT NULL,          -- active | withdrawn
  version       BIGINT NOT NULL DEFAULT 1,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL,
  created_by    TEXT NOT NULL
);
CREATE INDEX inspector_conflicts_inspector ON inspector_conflicts
  (inspector_id, unit_id);
CREATE INDEX inspector_conflicts_unit ON inspector_conflicts (unit_id);

-- 一细则: ratio rules as data, versioned; a plan records the version it
-- used.  rules is the JSON document of docs/modules/inspection.md.
CREATE TABLE inspection_rules (
  version     INTEGER NOT NULL PRIMARY KEY,
  rules       TEXT NOT NULL,
  note        TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  created_by  TEXT NOT NULL
);

-- Plans: draft → approved → committed → drawn → in_progress → closed, or
-- cancelled with a reason.  From the commit on, the roster below and the
-- parameters here never change (INS-0xx).
CREATE TABLE inspection_plans (
  id               BIGINT NOT NULL PRIMARY KEY,
  name             TEXT NOT NULL,
  owner            TEXT NOT NULL,       -- city | town:CODE (who runs it)
  towns            TEXT NOT NULL,       -- scope: town codes, comma-separated
  categories       INTEGER NOT NULL,    -- scope: unit category bits; 0 all
  period_start     TEXT NOT NULL,       -- YYYY-MM-DD
  period_end       TEXT NOT NULL,
  due_days         INTEGER NOT NULL,    -- working days to do a check
  team             TEXT NOT NULL,       -- JSON [{"department","count"}]
  max_load         INTEGER NOT NULL,
  beacon_source    TEXT NOT NULL,
  beacon_round     TEXT NOT NULL,
  rule_version     INTEGER,             -- set when quotas are fixed
  quotas           TEXT,                -- JSON [{"stratum","population","count"}]
  status           TEXT NOT NULL,
  cancel_reason    TEXT,
  approved_by      TEXT,
  approved_at      BIGINT,
  candidates_hash  TEXT,
  roster_hash      TEXT,
  committed_at     BIGINT,
  commit_seq       BIGINT,              -- audit entry of the commit
  beacon_value     TEXT,
  seed             TEXT,
  drawn_at         BIGINT,
  ncandidates      BIGINT NOT NULL DEFAULT 0,
  ninspectors      BIGINT NOT NULL DEFAULT 0,
  nselected        BIGINT NOT NULL DEFAULT 0,
  nunassigned      BIGINT NOT NULL DEFAULT 0,
  version          BIGINT NOT NULL DEFAULT 1,
  created_at       BIGINT NOT NULL,
  updated_at       BIGINT NOT NULL,
  created_by       TEXT NOT NULL
);
CREATE INDEX inspection_plans_status ON inspection_plans (status, created_at);

-- The frozen roster of a committed plan (spec section 1): what the hashes
-- bind.  Candidate and inspector ids are the unit and inspector ids.
CREATE TABLE inspection_roster_candidates (
  plan_id   BIGINT NOT NULL REFERENCES inspection_plans(id),
  unit_id   BIGINT NOT NULL,
  stratum   TEXT NOT NULL,
  area      TEXT NOT NULL,
  PRIMARY KEY (plan_id, unit_id)
);
CREATE TABLE inspection_roster_inspectors (
  plan_id       BIGINT NOT NULL REFERENCES inspection_plans(id),
  inspector_id  BIGINT NOT NULL,
  department    TEXT NOT NULL,
  areas         TEXT NOT NULL,
  PRIMARY KEY (plan_id, inspector_id)
);
CREATE TABLE inspection_roster_conflicts (
  plan_id       BIGINT NOT NULL REFERENCES inspection_plans(id),
  inspector_id  BIGINT NOT NULL,
  unit_id       BIGINT NOT NULL,
  reason        TEXT NOT NULL,          -- declared | certificate | last_inspector
  PRIMARY KEY (plan_id, inspector_id, unit_id)
);

-- The beacon value as each of the two authorised users entered it.
CREATE TABLE inspection_beacon_entries (
  plan_id     BIGINT NOT NULL REFERENCES inspection_plans(id),
  user_id     BIGINT NOT NULL,
  value       TEXT NOT NULL,
  entered_at  BIGINT NOT NULL,
  PRIMARY KEY (plan_id, user_id)
);

-- One task per selected unit, in the draw's assignment order (rank).
-- status: assigned | unassigned | done | cancelled.  inspectors: ids in
-- team order, comma-separated (the draw's; a manual reassignment
-- replaces them and says why).
CREATE TABLE inspection_tasks (
  id                 BIGINT NOT NULL PRIMARY KEY,
  plan_id            BIGINT NOT NULL REFERENCES inspection_plans(id),
  unit_id            BIGINT NOT NULL REFERENCES units(id),
  rank               INTEGER NOT NULL,
  draw_key           TEXT NOT NULL,
  inspectors         TEXT NOT NULL,
  status             TEXT NOT NULL,
  due_on             TEXT NOT NULL,     -- YYYY-MM-DD, working days (CAL-)
  outcome            TEXT,              -- compliant | ordered | referred
  checked_on         TEXT,
  reassigned         INTEGER NOT NULL DEFAULT 0,
  reassign_reason    TEXT,
  version            BIGINT NOT NULL DEFAULT 1,
  created_at         BIGINT NOT NULL,
  updated_at         BIGINT NOT NULL
);
CREATE UNIQUE INDEX inspection_tasks_plan ON inspection_tasks (plan_id, rank);
CREATE INDEX inspection_tasks_unit ON inspection_tasks (unit_id, created_at);
-- Who may work on a task: one row per inspector, for "my tasks".
CREATE TABLE inspection_task_inspectors (
  task_id       BIGINT NOT NULL REFERENCES inspection_tasks(id),
  inspector_id  BIGINT NOT NULL,
  PRIMARY KEY (task_id, inspector_id)
);
CREATE INDEX inspection_task_inspectors_by ON inspection_task_inspectors
  (inspector_id, task_id);

-- Permissions of the module (account_permissions[] has their names).
INSERT INTO role_permissions (role_id, permission) VALUES
  ('officer',  'inspection:read'),
  ('officer',  'inspection:write'),
  ('officer',  'inspection:check'),
  ('leader',   'inspection:read'),
  ('leader',   'inspection:approve'),
  ('leader',   'inspection:draw'),
  ('legal',    'inspection:read'),
  ('legal',    'inspection:draw'),
  ('town',     'inspection:read'),
  ('dept',     'inspection:read'),
  ('dept',     'inspection:check'),
  ('secadmin', 'inspection:rules');

-- A check of a task (INS-032..036): the checklist results, the
-- inspectors' signatures, where and when, and the outcome.  One per task.
-- results: JSON [{"item", "code", "result": pass|fail|na, "note",
-- "photos": [file ids], "on_spot": bool, "deadline_days"}].
CREATE TABLE inspection_checks (
  id             BIGINT NOT NULL PRIMARY KEY,
  task_id        BIGINT NOT NULL REFERENCES inspection_tasks(id),
  unit_id        BIGINT NOT NULL REFERENCES units(id),
  results        TEXT NOT NULL,
  outcome        TEXT NOT NULL,         -- compliant | ordered | referred
  summary        TEXT,
  signatures     TEXT NOT NULL,         -- JSON [{"inspector", "file"}]
  lat_e6         BIGINT,                -- WGS-84 × 10^6, when the phone gave it
  lng_e6         BIGINT,
  accuracy_m     INTEGER,
  located_at     BIGINT,
  checked_on     TEXT NOT NULL,         -- YYYY-MM-DD, Asia/Shanghai
  submitted_by   TEXT NOT NULL,
  submitted_at   BIGINT NOT NULL,
  version        BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX inspection_checks_task ON inspection_checks (task_id);
CREATE INDEX inspection_checks_unit ON inspection_checks (unit_id, checked_on);

-- Hazards (火灾隐患) found by checks and not corrected on the spot, with
-- their rectification deadline in working days.  The hazard module
-- (issue 6) takes this table over and adds its own sources and steps.
CREATE TABLE hazards (
  id            BIGINT NOT NULL PRIMARY KEY,
  unit_id       BIGINT NOT NULL REFERENCES units(id),
  source        TEXT NOT NULL,          -- inspection | …
  source_id     BIGINT NOT NULL,        -- the check
  item_code     TEXT,
  description   TEXT NOT NULL,
  legal_basis   TEXT,
  photos        TEXT NOT NULL,          -- file ids, comma-separated
  found_on      TEXT NOT NULL,
  deadline      TEXT NOT NULL,          -- YYYY-MM-DD
  status        TEXT NOT NULL,          -- open | rectified | closed
  version       BIGINT NOT NULL DEFAULT 1,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL,
  created_by    TEXT NOT NULL
);
CREATE INDEX hazards_unit ON hazards (unit_id, status, deadline);
CREATE INDEX hazards_deadline ON hazards (status, deadline);
CREATE INDEX hazards_source ON hazards (source, source_id);
