-- 0001: accounts, sessions, idempotency, the audit trail.
-- Portable between SQLite and PostgreSQL: BIGINT, INTEGER and TEXT only.
-- Ids are application-generated 64-bit integers (src/core/id.h); instants
-- are Unix seconds; no row is ever hard-deleted.

CREATE TABLE roles (
  id          TEXT NOT NULL PRIMARY KEY,
  name_zh     TEXT NOT NULL,
  name_en     TEXT NOT NULL,
  admin_kind  TEXT,                  -- sys | sec | audit for the 三员, else NULL
  version     BIGINT NOT NULL DEFAULT 1,
  updated_at  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE role_permissions (
  role_id     TEXT NOT NULL REFERENCES roles(id),
  permission  TEXT NOT NULL,
  PRIMARY KEY (role_id, permission)
);

CREATE TABLE users (
  id                   BIGINT NOT NULL PRIMARY KEY,
  login                TEXT NOT NULL UNIQUE,
  display_name         TEXT NOT NULL,
  jurisdiction         TEXT NOT NULL,     -- city | town:CODE | grid:ID | unit:ID
  status               TEXT NOT NULL,     -- active | disabled
  password_hash        TEXT,
  password_changed_at  BIGINT NOT NULL DEFAULT 0,
  must_change          INTEGER NOT NULL DEFAULT 1,
  failed_count         INTEGER NOT NULL DEFAULT 0,
  locked_until         BIGINT NOT NULL DEFAULT 0,
  totp_secret          TEXT,              -- sealed (SM4-CTR + HMAC-SM3), hex
  totp_enabled         INTEGER NOT NULL DEFAULT 0,
  version              BIGINT NOT NULL DEFAULT 1,
  created_at           BIGINT NOT NULL,
  updated_at           BIGINT NOT NULL
);

CREATE TABLE user_roles (
  user_id     BIGINT NOT NULL REFERENCES users(id),
  role_id     TEXT NOT NULL REFERENCES roles(id),
  PRIMARY KEY (user_id, role_id)
);

CREATE TABLE password_history (
  user_id     BIGINT NOT NULL REFERENCES users(id),
  hash        TEXT NOT NULL,
  created_at  BIGINT NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, created_at);

CREATE TABLE sessions (
  id            BIGINT NOT NULL PRIMARY KEY,
  token_hash    TEXT NOT NULL UNIQUE,    -- SM3 hex of the cookie token
  user_id       BIGINT NOT NULL REFERENCES users(id),
  csrf          TEXT NOT NULL,
  ip            TEXT NOT NULL,
  user_agent    TEXT NOT NULL,
  created_at    BIGINT NOT NULL,
  last_seen_at  BIGINT NOT NULL,
  ended_at      BIGINT,
  end_reason    TEXT
);
CREATE INDEX sessions_user ON sessions (user_id, ended_at);

CREATE TABLE login_attempts (
  id          BIGINT NOT NULL PRIMARY KEY,
  ip          TEXT NOT NULL,
  login       TEXT NOT NULL,
  at          BIGINT NOT NULL,
  ok          INTEGER NOT NULL
);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

CREATE TABLE idempotency (
  user_id     BIGINT NOT NULL,
  idem_key    TEXT NOT NULL,
  method      TEXT NOT NULL,
  path        TEXT NOT NULL,
  body_hash   TEXT NOT NULL,
  status      INTEGER NOT NULL,
  response    TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  PRIMARY KEY (user_id, idem_key)
);

-- The audit trail (specs/audit-log-v1.md).  audit_head holds the tree
-- size; appending updates it first, which serialises appenders on both
-- backends (a row lock on PostgreSQL, the write lock on SQLite).
CREATE TABLE audit_head (
  id          INTEGER NOT NULL PRIMARY KEY,
  size        BIGINT NOT NULL
);
INSERT INTO audit_head (id, size) VALUES (1, 0);

CREATE TABLE audit_entries (
  seq         BIGINT NOT NULL PRIMARY KEY,
  entry       TEXT NOT NULL,            -- the exact bytes hashed
  at          BIGINT NOT NULL,
  actor       TEXT NOT NULL,
  action      TEXT NOT NULL,
  object      TEXT,
  state       TEXT
);
CREATE INDEX audit_entries_object ON audit_entries (object, seq);
CREATE INDEX audit_entries_actor ON audit_entries (actor, seq);
CREATE INDEX audit_entries_action ON audit_entries (action, seq);
CREATE INDEX audit_entries_at ON audit_entries (at);

-- Hashes of complete aligned subtrees: level 0 = leaves, node (l, i)
-- covers entries [i*2^l, (i+1)*2^l).
CREATE TABLE audit_nodes (
  level       INTEGER NOT NULL,
  idx         BIGINT NOT NULL,
  hash        TEXT NOT NULL,
  PRIMARY KEY (level, idx)
);

CREATE TABLE audit_keys (
  key_id      TEXT NOT NULL PRIMARY KEY,
  pem         TEXT NOT NULL,
  created_at  BIGINT NOT NULL
);

CREATE TABLE audit_sth (
  id          BIGINT NOT NULL PRIMARY KEY,
  tree_size   BIGINT NOT NULL,
  root_hash   TEXT NOT NULL,
  timestamp   BIGINT NOT NULL,           -- Unix milliseconds
  key_id      TEXT NOT NULL REFERENCES audit_keys(key_id),
  signature   TEXT NOT NULL
);
CREATE INDEX audit_sth_size ON audit_sth (tree_size, id);

-- Scheduler bookkeeping: one lease row per job so that on several nodes
-- each job runs once; every run is recorded.
CREATE TABLE job_leases (
  job         TEXT NOT NULL PRIMARY KEY,
  holder      TEXT NOT NULL,
  expires_at  BIGINT NOT NULL
);
CREATE TABLE job_runs (
  id          BIGINT NOT NULL PRIMARY KEY,
  job         TEXT NOT NULL,
  holder      TEXT NOT NULL,
  started_at  BIGINT NOT NULL,
  finished_at BIGINT NOT NULL,
  ok          INTEGER NOT NULL,
  detail      TEXT NOT NULL
);
