-- 0010: notices to a unit's own accounts (docs/modules/notice.md): that
-- the unit was selected for a random inspection, and the result of its
-- check with the deadlines of what it must correct.  A notice is read by
-- the accounts whose jurisdiction is unit:<id>.
CREATE TABLE notices (
  id          BIGINT NOT NULL PRIMARY KEY,
  unit_id     BIGINT NOT NULL REFERENCES units(id),
  kind        TEXT NOT NULL,        -- inspection.selected | inspection.result
  title       TEXT NOT NULL,
  body        TEXT NOT NULL,
  ref_type    TEXT NOT NULL,
  ref_id      BIGINT NOT NULL,
  created_at  BIGINT NOT NULL,
  read_at     BIGINT,
  read_by     TEXT
);
CREATE INDEX notices_unit ON notices (unit_id, created_at, id);

INSERT INTO role_permissions (role_id, permission) VALUES
  ('unit', 'notice:read');
