-- 0015: opening permits of public gathering places (公众聚集场所投入使用、
-- 营业前消防安全检查; docs/modules/permit.md): the application by either
-- route, the decision with its document number and e-certificate
-- (certificates, 0014), the post-permit verification of a commitment and
-- what follows a mismatch (notice, re-check, revocation).
--
-- status: submitted | inspected (inspection route) | issued | refused |
-- revoked.  verify_status (commitment route, after issue): pending |
-- matched | mismatch | rectified | revoked.  step_due: the deadline of
-- whatever is due next (decision, inspection, verification, re-check).
CREATE TABLE permits (
  id              BIGINT NOT NULL PRIMARY KEY,
  no              TEXT NOT NULL,            -- application number
  unit_id         BIGINT NOT NULL REFERENCES units(id),
  town            TEXT NOT NULL,
  place_name      TEXT NOT NULL,
  address         TEXT NOT NULL,
  use             TEXT NOT NULL,
  area_m2         INTEGER NOT NULL,
  capacity        INTEGER NOT NULL,
  route           TEXT NOT NULL,            -- commitment | inspection
  commitment_version TEXT,
  documents       TEXT NOT NULL,            -- JSON {licence, rules, plans:[…], other:[…]}
  status          TEXT NOT NULL,
  step_due        TEXT,
  submitted_on    TEXT NOT NULL,
  inspected_on    TEXT,
  inspection      TEXT,                     -- JSON {result, items, note}
  permit_no       TEXT,
  decided_on      TEXT,
  refusal_no      TEXT,
  refusal_reasons TEXT,
  cert_id         BIGINT,
  verify_status   TEXT,
  verify_due      TEXT,
  verified_on     TEXT,
  verification    TEXT,                     -- JSON {items, note}
  notice_no       TEXT,
  rectify_deadline TEXT,
  recheck_due     TEXT,
  revocation_no   TEXT,
  revoked_on      TEXT,
  revoke_reason   TEXT,
  previous_id     BIGINT,                   -- a re-application after changes
  version         BIGINT NOT NULL DEFAULT 1,
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL,
  created_by      TEXT NOT NULL
);
CREATE UNIQUE INDEX permits_no ON permits (no);
CREATE UNIQUE INDEX permits_permit_no ON permits (permit_no);
CREATE INDEX permits_unit ON permits (unit_id, created_at);
CREATE INDEX permits_town ON permits (town, status, created_at);
CREATE INDEX permits_due ON permits (step_due) WHERE step_due IS NOT NULL;
CREATE INDEX permits_verify ON permits (verify_status, verify_due);

CREATE TABLE permit_steps (
  id          BIGINT NOT NULL PRIMARY KEY,
  permit_id   BIGINT NOT NULL REFERENCES permits(id),
  action      TEXT NOT NULL,
  note        TEXT,
  due         TEXT,
  actor       TEXT NOT NULL,
  at          BIGINT NOT NULL
);
CREATE INDEX permit_steps_permit ON permit_steps (permit_id, at, id);

-- Events the credit module consumes (issue 7: a false commitment is
-- recorded for credit): what happened to which unit, from which record.
CREATE TABLE credit_events (
  id           BIGINT NOT NULL PRIMARY KEY,
  unit_id      BIGINT NOT NULL REFERENCES units(id),
  kind         TEXT NOT NULL,               -- false_commitment | …
  ref_type     TEXT NOT NULL,
  ref_id       BIGINT NOT NULL,
  occurred_on  TEXT NOT NULL,
  note         TEXT,
  created_at   BIGINT NOT NULL
);
CREATE INDEX credit_events_unit ON credit_events (unit_id, occurred_on);

INSERT INTO role_permissions (role_id, permission) VALUES
  ('unit',    'permit:apply'),
  ('unit',    'permit:read'),
  ('officer', 'permit:read'),
  ('officer', 'permit:apply'),
  ('officer', 'permit:decide'),
  ('officer', 'permit:verify'),
  ('leader',  'permit:read'),
  ('legal',   'permit:read'),
  ('town',    'permit:read');
