import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { RouteLocationNormalized } from 'vue-router'
import type { Me } from '@/api/account'

vi.mock('@/api/account', () => ({ getMe: vi.fn(), login: vi.fn(), logout: vi.fn() }))

const { guard, menuRoutes, safeRedirect } = await import('./index')
const { useUserStore } = await import('@/store/user')

function me(over: Partial<Me>): Me {
  return {
    user: { id: '1', login: 'x' } as Me['user'], roles: ['officer'], permissions: ['registry:read'],
    jurisdiction: 'town:441900003', admin_kind: null, must_change: false, totp_enabled: false,
    totp_required: false, menu: [], ...over,
  }
}

function to(name: string, meta: Record<string, unknown> = {}, fullPath = '/x'): RouteLocationNormalized {
  return { name, meta, fullPath, query: {}, path: fullPath } as unknown as RouteLocationNormalized
}

beforeEach(() => {
  setActivePinia(createPinia())
})

describe('route guard', () => {
  it('sends a signed-out visitor to the login page with the way back', async () => {
    const account = await import('@/api/account')
    vi.mocked(account.getMe).mockRejectedValueOnce(Object.assign(new Error('x'), { status: 401 }))
    expect(await guard(to('UserList', { perm: 'account:read' }, '/users'))).toEqual({ name: 'Login', query: { redirect: '/users' } })
  })

  it('forces the password change first, then TOTP enrolment', async () => {
    const u = useUserStore()
    u.me = me({ must_change: true, totp_required: true })
    expect(await guard(to('Home', { perm: 'login' }, '/'))).toMatchObject({ name: 'ForcePassword' })
    expect(await guard(to('ForcePassword'))).toBe(true)
    u.me = me({ totp_required: true })
    expect(await guard(to('Home', { perm: 'login' }, '/'))).toMatchObject({ name: 'ForceTotp' })
    u.me = me({ totp_required: true, totp_enabled: true })
    expect(await guard(to('Home', { perm: 'login' }, '/'))).toBe(true)
    expect(await guard(to('ForceTotp'))).toBe('/')
  })

  it('refuses a page whose permission is not held', async () => {
    useUserStore().me = me({ permissions: ['registry:read'] })
    expect(await guard(to('UserList', { perm: 'account:read' }))).toEqual({ name: 'Forbidden' })
    expect(await guard(to('UnitList', { perm: 'registry:read' }))).toBe(true)
  })

  it('keeps redirects on this site', () => {
    expect(safeRedirect('/units?q=1')).toBe('/units?q=1')
    expect(safeRedirect('//evil.example/')).toBe('/')
    expect(safeRedirect('https://evil.example/')).toBe('/')
    expect(safeRedirect(undefined)).toBe('/')
  })

  it('has a page for each menu key the server may send, except none', () => {
    expect(Object.keys(menuRoutes).sort()).toEqual(['audit', 'cases', 'hazards', 'home', 'inspection', 'iot', 'notices', 'patrols', 'permits', 'profile',
      'risk', 'roles', 'sampling', 'units', 'users'])
  })
})
