-- 0012: grid patrols and police stations' checks (docs/modules/patrol.md):
-- one record per visit with the checklist of the place's trade, the
-- results, photos, both parties' signatures, the phone's position, and
-- the hazards the failures became.  Ledgers (台账) and coverage are
-- queries over this table.
CREATE TABLE patrol_records (
  id             BIGINT NOT NULL PRIMARY KEY,
  unit_id        BIGINT NOT NULL REFERENCES units(id),
  town           TEXT NOT NULL,
  grid_id        BIGINT,
  kind           TEXT NOT NULL,          -- patrol | police
  template       TEXT NOT NULL,          -- checklist code
  template_version TEXT NOT NULL,
  results        TEXT NOT NULL,          -- JSON [{code, text, hazard_type, result, note, photos, on_spot, deadline_days, hazard_id}]
  outcome        TEXT NOT NULL,          -- compliant | corrected | hazards
  failures       INTEGER NOT NULL,
  note           TEXT,
  signatures     TEXT NOT NULL,          -- JSON {patroller: file, unit: file|null, unit_refused: text|null}
  lat_e6         BIGINT,
  lng_e6         BIGINT,
  accuracy_m     INTEGER,
  located_at     BIGINT,
  patrolled_on   TEXT NOT NULL,          -- YYYY-MM-DD, Asia/Shanghai
  created_at     BIGINT NOT NULL,
  created_by     TEXT NOT NULL,
  version        BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX patrol_records_unit ON patrol_records (unit_id, patrolled_on);
CREATE INDEX patrol_records_grid ON patrol_records (grid_id, patrolled_on);
CREATE INDEX patrol_records_town ON patrol_records (town, kind, patrolled_on);

INSERT INTO role_permissions (role_id, permission) VALUES
  ('grid',    'patrol:read'),
  ('grid',    'patrol:write'),
  ('town',    'patrol:read'),
  ('town',    'patrol:write'),
  ('police',  'patrol:read'),
  ('police',  'patrol:write'),
  ('police',  'patrol:police'),
  ('officer', 'patrol:read'),
  ('leader',  'patrol:read'),
  ('unit',    'patrol:read');
