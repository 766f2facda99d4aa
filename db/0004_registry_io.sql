-- 0004: what the registry records about imports, exports, key-unit
-- classification decisions and the demo city (docs/modules/registry.md,
-- "Import", "Export", "Key-unit classification", "Demo city").  Each row
-- is the canonical record of one audit entry (import/<id>, export/<id>,
-- classification/<id>, seed/<id>), written once and never changed.

-- A key-unit classification confirmed by an officer (REG-024): the
-- categories decided (bitmask of the classifiable categories: key 1,
-- high_risk 2), what the rules proposed at that moment, the rule ids the
-- officer cited and the version and SM3 of data/rules/key-units.json.
CREATE TABLE unit_classifications (
  id             BIGINT NOT NULL PRIMARY KEY,
  unit_id        BIGINT NOT NULL REFERENCES units(id),
  unit_version   BIGINT NOT NULL,        -- the unit's version after it
  categories     INTEGER NOT NULL,
  proposed       INTEGER NOT NULL,
  rule_ids       TEXT NOT NULL,          -- JSON array of rule ids
  rules_version  TEXT NOT NULL,
  rules_sha      TEXT NOT NULL,          -- SM3 hex of the rules file
  note           TEXT,
  actor          TEXT NOT NULL,
  at             BIGINT NOT NULL
);
CREATE INDEX unit_classifications_unit ON unit_classifications (unit_id, id);

-- One CSV import of units (REG-025..REG-028): who, when, which file
-- (SM3 of its bytes), the mode and the counts.  Each unit it created or
-- changed has its own unit.create / unit.update entry.
CREATE TABLE unit_imports (
  id          BIGINT NOT NULL PRIMARY KEY,
  actor       TEXT NOT NULL,
  at          BIGINT NOT NULL,
  mode        TEXT NOT NULL,             -- dry-run | commit
  via         TEXT NOT NULL,             -- http | cli
  file_sm3    TEXT NOT NULL,
  bytes       BIGINT NOT NULL,
  encoding    TEXT NOT NULL,
  rows        BIGINT NOT NULL,           -- data rows read
  created     BIGINT NOT NULL,
  updated     BIGINT NOT NULL,
  unchanged   BIGINT NOT NULL,
  rejected    BIGINT NOT NULL
);

-- One export of a unit list (REG-029, L-4): the filter as canonical JSON,
-- the format and the number of rows.
CREATE TABLE unit_exports (
  id          BIGINT NOT NULL PRIMARY KEY,
  actor       TEXT NOT NULL,
  at          BIGINT NOT NULL,
  format      TEXT NOT NULL,             -- csv | xlsx
  filter      TEXT NOT NULL,
  rows        BIGINT NOT NULL
);

-- One run of `firewarden seed-demo` (REG-030): the seed, what was made
-- and the SM3 digest of the generated content (the same seed gives the
-- same digest).  The seeded rows have no audit entries of their own.
CREATE TABLE demo_seeds (
  id          BIGINT NOT NULL PRIMARY KEY,
  actor       TEXT NOT NULL,
  at          BIGINT NOT NULL,
  seed        BIGINT NOT NULL,
  units       BIGINT NOT NULL,
  grids       BIGINT NOT NULL,
  buildings   BIGINT NOT NULL,
  places      BIGINT NOT NULL,
  people      BIGINT NOT NULL,
  digest      TEXT NOT NULL
);
