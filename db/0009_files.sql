-- 0009: uploaded files (docs/modules/files.md, SECURITY.md I-5).  The
-- bytes live outside the database, content-addressed under the blob
-- directory as ab/cd/<sm3>; a row says what they are, who sent them and
-- which record claimed them.  Rows are never deleted: an unclaimed upload
-- becomes orphaned, and purged_at records when its blob was released.

CREATE TABLE files (
  id             BIGINT NOT NULL PRIMARY KEY,
  sm3            TEXT NOT NULL,          -- SM3 hex of the original bytes; the blob's name
  kind           TEXT NOT NULL,          -- jpeg | png | pdf, from the magic bytes
  bytes          BIGINT NOT NULL,
  width          INTEGER,                -- images only
  height         INTEGER,
  display_sm3    TEXT NOT NULL,          -- the copy without metadata (= sm3 when none was removed)
  display_bytes  BIGINT NOT NULL,
  purpose        TEXT NOT NULL,          -- photo | signature | document
  uploaded_by    TEXT NOT NULL,          -- user id, or "system"
  uploaded_at    BIGINT NOT NULL,
  owner_type     TEXT,                   -- NULL until a record claims the file
  owner_id       BIGINT,
  attached_at    BIGINT,
  status         TEXT NOT NULL,          -- pending | attached | orphaned
  purged_at      BIGINT,                 -- orphaned and its blob released
  version        BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX files_sm3 ON files (sm3);
CREATE INDEX files_display_sm3 ON files (display_sm3);
CREATE INDEX files_owner ON files (owner_type, owner_id);
-- The sweep: pending files by age, orphaned ones not yet purged.
CREATE INDEX files_status ON files (status, uploaded_at);
-- FILE-011: pending uploads per account.
CREATE INDEX files_uploader ON files (uploaded_by, status);

-- Permissions of the module (account_permissions[] has their names):
-- every business role uploads; the originals, which may carry where a
-- photo was taken, are for officers and legal reviewers.
INSERT INTO role_permissions (role_id, permission) VALUES
  ('officer', 'files:write'),
  ('legal',   'files:write'),
  ('leader',  'files:write'),
  ('town',    'files:write'),
  ('grid',    'files:write'),
  ('police',  'files:write'),
  ('dept',    'files:write'),
  ('unit',    'files:write'),
  ('agency',  'files:write'),
  ('officer', 'files:original'),
  ('legal',   'files:original');
