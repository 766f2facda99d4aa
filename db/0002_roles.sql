-- 0002: the role catalogue (the 三员 and the business roles) with the
-- permissions each starts with, and the account columns that logins need.
-- Role ids are those of DESIGN.md.  Permissions must be in the catalogue
-- account_permissions[] (src/domain/account.c); docs/modules/account.md
-- says what each one allows.

ALTER TABLE roles ADD COLUMN position INTEGER NOT NULL DEFAULT 100;

-- The last TOTP time step accepted, so a code is good once (ACC-010),
-- and a secret being enrolled, sealed like totp_secret.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_pending TEXT;
CREATE INDEX users_jurisdiction ON users (jurisdiction);

-- Orders entries set within the same second (A-1 history of 5).
ALTER TABLE password_history ADD COLUMN id BIGINT NOT NULL DEFAULT 0;

INSERT INTO roles (id, name_zh, name_en, admin_kind, position) VALUES
  ('sysadmin', '系统管理员',     'System administrator',     'sys',   1),
  ('secadmin', '安全管理员',     'Security administrator',   'sec',   2),
  ('auditor',  '审计管理员',     'Audit administrator',      'audit', 3),
  ('officer',  '监督员',         'Fire supervision officer', NULL,    10),
  ('legal',    '法制审核员',     'Legal reviewer',           NULL,    11),
  ('leader',   '领导',           'Leader',                   NULL,    12),
  ('town',     '镇街消安委办',   'Town safety office',       NULL,    13),
  ('grid',     '网格员',         'Grid worker',              NULL,    14),
  ('police',   '派出所',         'Police station',           NULL,    15),
  ('dept',     '行业部门',       'Partner department',       NULL,    16),
  ('unit',     '社会单位',       'Unit',                     NULL,    17),
  ('agency',   '技术服务机构',   'Technical service agency', NULL,    18);

-- 三员分立 (A-7): each administrator holds only its own duty.
INSERT INTO role_permissions (role_id, permission) VALUES
  ('sysadmin', 'account:read'),
  ('sysadmin', 'account:write'),
  ('sysadmin', 'role:read'),
  ('secadmin', 'role:read'),
  ('secadmin', 'role:write'),
  ('auditor',  'audit:read');

-- Business roles: the registry for now; later modules add theirs.
INSERT INTO role_permissions (role_id, permission) VALUES
  ('officer', 'registry:read'),
  ('officer', 'registry:write'),
  ('legal',   'registry:read'),
  ('leader',  'registry:read'),
  ('town',    'registry:read'),
  ('town',    'registry:write'),
  ('grid',    'registry:read'),
  ('police',  'registry:read'),
  ('dept',    'registry:read');
