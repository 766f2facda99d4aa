-- 0017: progress reports on hazards listed for supervision (HAZ-026) are
-- written by the officers, the town safety office, grid workers, police
-- stations and the unit itself: a permission of their own.
INSERT INTO role_permissions (role_id, permission) VALUES
  ('officer', 'hazard:progress'),
  ('town',    'hazard:progress'),
  ('grid',    'hazard:progress'),
  ('police',  'hazard:progress'),
  ('unit',    'hazard:progress');
