-- 0006: the risk module (docs/modules/risk.md): the score and grade of
-- every unit with the factors that produced them, the feed of events
-- (hazards, penalties, upheld complaints, fires) the score counts over
-- the last 12 months, the record of recompute runs, and the risk:write
-- permission.  units.risk_grade (0003) is kept equal to unit_risk.grade.

-- One row per unit once its risk has been computed.  factors is the JSON
-- list of the factors that contributed, each {id, value, points[, gte]};
-- inputs_hash is the SM3 (hex) of the model file's SM3 and the unit's
-- measured inputs, so a row is rewritten only when its inputs or the
-- model change (RISK-006).
CREATE TABLE unit_risk (
  unit_id        BIGINT NOT NULL PRIMARY KEY REFERENCES units(id),
  score          INTEGER NOT NULL,
  grade          TEXT NOT NULL,            -- high | medium_high | medium | low
  factors        TEXT NOT NULL,
  model_version  TEXT NOT NULL,
  inputs_hash    TEXT NOT NULL,
  computed_at    BIGINT NOT NULL
);

-- What other modules (inspections, hazards, enforcement, tip-offs, IoT)
-- report through POST /units/{id}/risk/events; nothing else writes here.
-- A source record counts once per unit and kind (RISK-009).
CREATE TABLE risk_events (
  id          BIGINT NOT NULL PRIMARY KEY,
  unit_id     BIGINT NOT NULL REFERENCES units(id),
  kind        TEXT NOT NULL,   -- hazard | major_hazard | penalty | complaint_upheld | fire
  ref_type    TEXT NOT NULL,   -- the source record's type, e.g. hazard, case
  ref_id      TEXT NOT NULL,   -- its id or business number
  at          BIGINT NOT NULL, -- when it happened (Unix seconds)
  created_at  BIGINT NOT NULL,
  created_by  TEXT NOT NULL    -- actor as in audit entries
);
CREATE INDEX risk_events_unit_at ON risk_events (unit_id, at);
CREATE UNIQUE INDEX risk_events_ref ON risk_events (unit_id, kind, ref_type,
  ref_id);

-- A recompute that changed something (RISK-007): counts and the SM3 of
-- the sorted "unit_id\tscore\tgrade\n" lines of every unit.
CREATE TABLE risk_runs (
  id             BIGINT NOT NULL PRIMARY KEY,
  model_version  TEXT NOT NULL,
  model_sm3      TEXT NOT NULL,
  units          BIGINT NOT NULL,
  changed        BIGINT NOT NULL,
  digest         TEXT NOT NULL,
  actor          TEXT NOT NULL,
  at             BIGINT NOT NULL
);

-- Recording risk events (catalogue: account_permissions[] in
-- src/domain/account.c); reads follow registry:read.
INSERT INTO role_permissions (role_id, permission) VALUES
  ('officer', 'risk:write'),
  ('town',    'risk:write');
