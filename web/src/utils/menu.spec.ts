import { describe, expect, it } from 'vitest'
import type { MenuItem } from '@/api/account'
import { filterMenu, permitted, permittedAny } from './menu'

const m = (key: string, perm: string): MenuItem => ({ key, perm, path: '/' + key, title_zh: key, title_en: key })
const known = {
  home: { path: '/', icon: 'HomeFilled' },
  users: { path: '/users', icon: 'User' },
  roles: { path: '/roles', icon: 'Lock' },
  audit: { path: '/audit', icon: 'Tickets' },
  profile: { path: '/profile', icon: 'UserFilled' },
}
const serverMenu = [m('home', 'login'), m('units', 'registry:read'), m('users', 'account:read'),
  m('roles', 'role:read'), m('audit', 'audit:read'), m('profile', 'login')]

describe('permissions', () => {
  it('login and public need nothing', () => {
    expect(permitted('login', [])).toBe(true)
    expect(permitted(undefined, [])).toBe(true)
    expect(permitted('account:write', ['account:read'])).toBe(false)
    expect(permittedAny(['a', 'b'], ['b'])).toBe(true)
    expect(permittedAny(['a'], [])).toBe(false)
  })
})

describe('filterMenu (三员 each see their own pages)', () => {
  it('sysadmin: users and roles, no audit', () => {
    const keys = filterMenu(serverMenu, ['account:read', 'account:write', 'role:read'], known).map((x) => x.key)
    expect(keys).toEqual(['home', 'users', 'roles', 'profile'])
  })

  it('secadmin: roles only', () => {
    const keys = filterMenu(serverMenu, ['role:read', 'role:write'], known).map((x) => x.key)
    expect(keys).toEqual(['home', 'roles', 'profile'])
  })

  it('auditor: audit only', () => {
    const keys = filterMenu(serverMenu, ['audit:read'], known).map((x) => x.key)
    expect(keys).toEqual(['home', 'audit', 'profile'])
  })

  it('drops entries without a console page (no placeholders) and keeps server order', () => {
    const keys = filterMenu(serverMenu, ['registry:read'], known).map((x) => x.key)
    expect(keys).toEqual(['home', 'profile'])
    const withUnits = filterMenu(serverMenu, ['registry:read'], { ...known, units: { path: '/units', icon: 'OfficeBuilding' } })
    expect(withUnits.map((x) => x.key)).toEqual(['home', 'units', 'profile'])
    expect(withUnits[1]!.to).toBe('/units')
  })

  it('does not trust a menu entry whose permission is not held', () => {
    const keys = filterMenu([m('users', 'account:read'), m('users', 'account:read')], [], known)
    expect(keys).toEqual([])
  })
})
