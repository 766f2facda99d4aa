/* Names of the audit actions in both languages (action codes contain dots, so not in the i18n tree). */
import { pick } from '@/utils/format'

export const AUDIT_ACTIONS: Record<string, [string, string]> = {
  'auth.': ['登录认证（全部）', 'Sign-in (all)'],
  'auth.login': ['登录成功', 'Signed in'],
  'auth.login_failed': ['登录失败', 'Sign-in failed'],
  'auth.locked': ['账号锁定', 'Account locked'],
  'auth.logout': ['退出登录', 'Signed out'],
  'auth.session_end': ['结束会话', 'Session ended'],
  'auth.session_expired': ['会话过期', 'Session expired'],
  'user.': ['用户管理（全部）', 'Users (all)'],
  'user.create': ['创建用户', 'User created'],
  'user.update': ['修改用户', 'User changed'],
  'user.disable': ['停用用户', 'User disabled'],
  'user.enable': ['启用用户', 'User enabled'],
  'user.reset_password': ['重置密码', 'Password reset'],
  'user.password_change': ['修改密码', 'Password changed'],
  'user.totp_start': ['开始绑定双因素认证', '2FA enrolment started'],
  'user.totp_enable': ['启用双因素认证', '2FA enabled'],
  'role.update': ['修改角色权限', 'Role permissions changed'],
  'access.denied': ['拒绝访问', 'Access refused'],
  'audit.sign': ['签发树头', 'Tree head signed'],
  'unit.': ['单位档案（全部）', 'Units (all)'],
  'unit.create': ['新增单位', 'Unit created'],
  'unit.update': ['修改单位', 'Unit changed'],
  'unit.archive': ['归档单位', 'Unit archived'],
  'unit.close': ['标记停业', 'Unit closed'],
  'unit.unmask': ['查看个人信息明文', 'Personal data shown in clear'],
  'unit.lookup': ['按个人信息查询单位', 'Units looked up by personal data'],
  'building.create': ['新增建筑', 'Building added'],
  'building.update': ['修改建筑', 'Building changed'],
  'building.archive': ['归档建筑', 'Building archived'],
  'place.create': ['新增场所', 'Place added'],
  'place.update': ['修改场所', 'Place changed'],
  'place.archive': ['归档场所', 'Place archived'],
  'grid.create': ['新增网格', 'Grid created'],
  'grid.update': ['修改网格', 'Grid changed'],
  'grid.archive': ['归档网格', 'Grid archived'],
  'town.sync': ['同步镇街', 'Towns synchronised'],
}

export function actionLabel(code: string): string {
  const a = AUDIT_ACTIONS[code]
  return a ? pick(a[0], a[1]) : code
}
