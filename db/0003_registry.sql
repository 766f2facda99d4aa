-- 0003: the registry (户籍化管理): towns, grids, units with their
-- personal contacts, buildings and places; the registry:unmask permission.
-- docs/modules/registry.md describes every column and rule (REG-xxx).
-- Sized for 2 000 000 units on one SQLite file (about 1.2 GB without
-- people): every list the console shows by default is served by an index
-- in its sort order, and personal data lives in a side table with a row
-- only where a person was given.

-- Towns and streets (镇街) with their 9-digit NBS codes (FACTS.md §8.1).
-- Reference data: loaded from data/towns/<city>.csv at start-up by
-- registry_sync_towns(), never through the API.
CREATE TABLE towns (
  code        TEXT NOT NULL PRIMARY KEY,  -- 9 digits, e.g. 441900003
  name        TEXT NOT NULL,
  kind        TEXT NOT NULL,              -- street | town | area
  population  BIGINT,                     -- 7th census; NULL if not published
  sort_order  INTEGER NOT NULL,
  version     BIGINT NOT NULL DEFAULT 1,
  updated_at  BIGINT NOT NULL
);

-- Grids (网格) of the town grid-management system; a grid belongs to one
-- town and its code is unique within the town (REG-019).
CREATE TABLE grids (
  id          BIGINT NOT NULL PRIMARY KEY,
  town_code   TEXT NOT NULL REFERENCES towns(code),
  code        TEXT NOT NULL,
  name        TEXT NOT NULL,
  status      TEXT NOT NULL,              -- active | archived
  version     BIGINT NOT NULL DEFAULT 1,
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL,
  created_by  TEXT NOT NULL               -- actor as in audit entries
);
CREATE UNIQUE INDEX grids_town_code ON grids (town_code, code);

-- Units (社会单位).  name_key is the hex of the first 24 bytes of the name
-- with ASCII letters lower-cased: a text of [0-9a-f] only, so that its
-- order is the code-point order of the name under any collation, and a
-- name prefix is an index range on both databases (REG-022).
-- categories is a bitmask (key 1, high_risk 2, public_gathering 4,
-- crowded 8, three_small 16, rental 32, special_industry 64; 0 = general);
-- primary_category is the highest-ranked of them, for indexed filters.
-- risk_grade belongs to the risk module (not in the unit's audit record).
CREATE TABLE units (
  id                BIGINT NOT NULL PRIMARY KEY,
  name              TEXT NOT NULL,
  name_key          TEXT NOT NULL,
  uscc              TEXT,                 -- normalised GB 32100; NULL if none
  address           TEXT NOT NULL,
  town_code         TEXT NOT NULL REFERENCES towns(code),
  grid_id           BIGINT REFERENCES grids(id),
  industry          TEXT,
  categories        INTEGER NOT NULL DEFAULT 0,
  primary_category  TEXT NOT NULL,
  three_small_kind  TEXT,                 -- shop | workshop | entertainment
  status            TEXT NOT NULL,        -- active | closed | archived
  risk_grade        TEXT,
  version           BIGINT NOT NULL DEFAULT 1,
  created_at        BIGINT NOT NULL,
  updated_at        BIGINT NOT NULL,
  created_by        TEXT NOT NULL
);
-- Several NULLs are allowed by a UNIQUE index on both databases.
CREATE UNIQUE INDEX units_uscc ON units (uscc);
-- Lists are read in name order within the caller's scope (city, town,
-- grid); categories and status ride along in the index, so that the
-- category and status filters and the page's COUNT(*) never touch the
-- table (a town of 160 000 units counts in a few milliseconds).
CREATE INDEX units_name ON units (name_key, id, categories, status);
CREATE INDEX units_town_name ON units (town_code, name_key, id, categories,
  status);
CREATE INDEX units_grid_name ON units (grid_id, name_key, id, categories,
  status);
CREATE INDEX units_town_category ON units (town_code, primary_category,
  name_key, id);
CREATE INDEX units_updated ON units (updated_at, id);

-- The three people of a unit (法定代表人, 消防安全责任人, 消防安全管理人),
-- one row per role given.  P-1: every value is sealed (hex of SM4-CTR +
-- HMAC-SM3 under the data key); phone and ID number also carry a keyed
-- SM3 index (HMAC-SM3 under a key derived from the data key) for exact
-- look-up.  No clear personal data is stored anywhere.
CREATE TABLE unit_contacts (
  unit_id       BIGINT NOT NULL REFERENCES units(id),
  role          TEXT NOT NULL,            -- legal_rep | responsible | manager
  name_sealed   TEXT,
  phone_sealed  TEXT,
  phone_index   TEXT,
  idno_sealed   TEXT,
  idno_index    TEXT,
  PRIMARY KEY (unit_id, role)
);
CREATE INDEX unit_contacts_phone ON unit_contacts (phone_index);
CREATE INDEX unit_contacts_idno ON unit_contacts (idno_index);

-- Who saw a unit's personal data in clear, and why (P-2, REG-009).
CREATE TABLE unit_unmasks (
  id            BIGINT NOT NULL PRIMARY KEY,
  unit_id       BIGINT NOT NULL REFERENCES units(id),
  unit_version  BIGINT NOT NULL,
  actor         TEXT NOT NULL,
  reason        TEXT NOT NULL,
  at            BIGINT NOT NULL
);
CREATE INDEX unit_unmasks_unit ON unit_unmasks (unit_id, at);

-- Buildings (建筑) of a unit.  Height in centimetres, areas in whole m².
CREATE TABLE buildings (
  id                      BIGINT NOT NULL PRIMARY KEY,
  unit_id                 BIGINT NOT NULL REFERENCES units(id),
  name                    TEXT NOT NULL,
  floors_above            INTEGER NOT NULL DEFAULT 0,
  floors_below            INTEGER NOT NULL DEFAULT 0,
  height_cm               INTEGER NOT NULL DEFAULT 0,
  floor_area_m2           BIGINT NOT NULL DEFAULT 0,
  use                     TEXT NOT NULL,
  fire_resistance_rating  TEXT,           -- 一级 | 二级 | 三级 | 四级
  occupancy               INTEGER NOT NULL DEFAULT 0,
  has_control_room        INTEGER NOT NULL DEFAULT 0,
  has_sprinklers          INTEGER NOT NULL DEFAULT 0,
  has_auto_alarm          INTEGER NOT NULL DEFAULT 0,
  status                  TEXT NOT NULL,  -- active | archived
  version                 BIGINT NOT NULL DEFAULT 1,
  created_at              BIGINT NOT NULL,
  updated_at              BIGINT NOT NULL,
  created_by              TEXT NOT NULL
);
CREATE INDEX buildings_unit ON buildings (unit_id, id);

-- Places (场所) of a unit, optionally inside one of its buildings.
CREATE TABLE places (
  id              BIGINT NOT NULL PRIMARY KEY,
  unit_id         BIGINT NOT NULL REFERENCES units(id),
  building_id     BIGINT REFERENCES buildings(id),
  name            TEXT NOT NULL,
  kind            TEXT NOT NULL,
  floor_area_m2   BIGINT NOT NULL DEFAULT 0,
  rooms           INTEGER NOT NULL DEFAULT 0,
  beds            INTEGER NOT NULL DEFAULT 0,
  seats           INTEGER NOT NULL DEFAULT 0,
  occupancy       INTEGER NOT NULL DEFAULT 0,
  underground     INTEGER NOT NULL DEFAULT 0,
  status          TEXT NOT NULL,          -- active | archived
  version         BIGINT NOT NULL DEFAULT 1,
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL,
  created_by      TEXT NOT NULL
);
CREATE INDEX places_unit ON places (unit_id, id);
CREATE INDEX places_building ON places (building_id);

-- Permissions (catalogue: account_permissions[] in src/domain/account.c).
-- registry:unmask shows personal data in clear, with a reason (P-2).
-- A unit account reads its own unit (Z-3).
INSERT INTO role_permissions (role_id, permission) VALUES
  ('leader', 'registry:unmask'),
  ('legal',  'registry:unmask'),
  ('unit',   'registry:read');
