/*
 * 首页: what needs attention in the user's jurisdiction, from the APIs the
 * user may call.  Each section is loaded only when its permission is held
 * (the server answers within the jurisdiction on its own): users for
 * account:read, roles for role:write, the audit trail for audit:read.
 */
import { computed, reactive, ref } from 'vue'
import { listRole, listUser, listMySession } from '@/api/account'
import type { Role, User } from '@/api/account'
import { getAuditSth, listAudit } from '@/api/audit'
import { getCalendar } from '@/api/calendar'
import type { Sth } from '@/api/audit'
import { ApiError } from '@/api/http'
import { listUnit, UNIT_CATEGORIES } from '@/api/registry'
import { useRegistryStore } from '@/store/registry'
import { useUserStore } from '@/store/user'
import { showError } from '@/utils/feedback'

/* Below this many users the page reads them all and counts locally. */
export const USER_SCAN_MAX = 2000
const DAY = 86400

export interface UserStats {
  total: number
  active: number
  disabled: number
  locked: number | null
  mustChange: number | null
  byRole: { role: string; count: number }[]
}

/* Counts over a list of users (pure; tested). */
export function countUsers(users: User[], roleIds: string[]): UserStats {
  const byRole = new Map<string, number>(roleIds.map((r) => [r, 0]))
  let active = 0
  let locked = 0
  let mustChange = 0
  for (const u of users) {
    if (u.status === 'active')
      active++
    if (u.locked)
      locked++
    if (u.must_change)
      mustChange++
    for (const r of u.roles)
      byRole.set(r, (byRole.get(r) ?? 0) + 1)
  }
  return {
    total: users.length, active, disabled: users.length - active, locked, mustChange,
    byRole: [...byRole.entries()].map(([role, count]) => ({ role, count })),
  }
}

/* Midnight (local) of the day that contains t, in Unix seconds. */
export function dayStart(t: Date): number {
  const d = new Date(t)
  d.setHours(0, 0, 0, 0)
  return Math.floor(d.getTime() / 1000)
}

async function countAudit(q: { action?: string; from?: number; to?: number }): Promise<number> {
  return (await listAudit({ ...q, limit: 1 })).page.total
}

async function allUsers(first: User[], total: number): Promise<User[]> {
  const out = [...first]
  const pages: Promise<User[]>[] = []
  for (let off = first.length; off < total; off += 200)
    pages.push(listUser({ offset: off, limit: 200 }).then((r) => r.items))
  for (const p of await Promise.all(pages))
    out.push(...p)
  return out
}

export function useHome() {
  const user = useUserStore()
  const loading = ref(false)
  const users = ref<UserStats | null>(null)
  const roles = ref<Role[]>([])
  const sessions = ref<number | null>(null)
  const audit = reactive({
    total: null as number | null, today: null as number | null, failed: null as number | null,
    locked: null as number | null, denied: null as number | null,
    days: [] as { day: number; count: number }[], kinds: [] as { kind: string; count: number }[],
    sth: null as Sth | null,
  })
  const units = reactive({
    active: null as number | null, closed: null as number | null, archived: null as number | null,
    highRisk: null as number | null, key: null as number | null,
    byCategory: [] as { category: string; count: number }[],
    /* By town for a city-wide user, by grid for a town's. */
    byArea: [] as { name: string; count: number }[],
  })
  /* CAL-008: provisional calendar years from this year on. */
  const provisionalYears = ref<number[]>([])
  const registry = useRegistryStore()
  const show = computed(() => ({
    users: user.can('account:read'),
    roles: user.can('role:write'),
    audit: user.can('audit:read'),
    units: user.can('registry:read'),
  }))

  async function countUnits(q: Record<string, string>): Promise<number> {
    return (await listUnit({ ...q, limit: 1 })).page.total
  }

  async function loadUnits(): Promise<void> {
    const cats = UNIT_CATEGORIES.filter((c) => c !== 'general')
    const [active, closed, archived, ...perCat] = await Promise.all([
      countUnits({ status: 'active' }), countUnits({ status: 'closed' }), countUnits({ status: 'archived' }),
      ...cats.map((c) => countUnits({ status: 'active', category: c })),
    ])
    Object.assign(units, { active, closed, archived })
    units.byCategory = cats.map((c, i) => ({ category: c, count: perCat[i]! }))
    units.highRisk = units.byCategory.find((c) => c.category === 'high_risk')?.count ?? 0
    units.key = units.byCategory.find((c) => c.category === 'key')?.count ?? 0
    const j = user.me?.jurisdiction ?? ''
    if (j === 'city') {
      await registry.loadTowns()
      const counts = await Promise.all(registry.towns.map((t) => countUnits({ status: 'active', town: t.code })))
      units.byArea = registry.towns.map((t, i) => ({ name: t.name, count: counts[i]! })).filter((x) => x.count > 0)
    } else if (j.startsWith('town:')) {
      const grids = await registry.loadGrids(j.slice(5))
      const counts = await Promise.all(grids.map((g) => countUnits({ status: 'active', grid: g.id })))
      units.byArea = grids.map((g, i) => ({ name: g.name, count: counts[i]! })).filter((x) => x.count > 0)
    }
  }

  async function loadUsers(): Promise<void> {
    const roleIds = user.can('role:read') ? (await listRole()).items.map((r) => r.id) : []
    const first = await listUser({ limit: 200, sort: 'login' })
    if (first.page.total <= USER_SCAN_MAX) {
      users.value = countUsers(await allUsers(first.items, first.page.total), roleIds)
      return
    }
    /* Many users: exact counts by the server's filters; no lock scan. */
    const [active, disabled, ...per] = await Promise.all([
      listUser({ status: 'active', limit: 1 }), listUser({ status: 'disabled', limit: 1 }),
      ...roleIds.map((r) => listUser({ role: r, limit: 1 })),
    ])
    users.value = {
      total: first.page.total, active: active!.page.total, disabled: disabled!.page.total,
      locked: null, mustChange: null,
      byRole: roleIds.map((r, i) => ({ role: r, count: per[i]!.page.total })),
    }
  }

  async function loadAudit(): Promise<void> {
    const now = Math.floor(Date.now() / 1000)
    const today = dayStart(new Date())
    const since = now - DAY
    const days = Array.from({ length: 7 }, (_, i) => today - (6 - i) * DAY)
    const kinds = ['auth.', 'user.', 'role.', 'access.denied', 'audit.']
    const week = days[0]!
    const [total, todayN, failed, locked, denied, ...rest] = await Promise.all([
      countAudit({}), countAudit({ from: today }),
      countAudit({ action: 'auth.login_failed', from: since }),
      countAudit({ action: 'auth.locked', from: since }),
      countAudit({ action: 'access.denied', from: since }),
      ...days.map((d) => countAudit({ from: d, to: d + DAY })),
      ...kinds.map((k) => countAudit({ action: k, from: week })),
    ])
    Object.assign(audit, { total, today: todayN, failed, locked, denied })
    audit.days = days.map((d, i) => ({ day: d, count: rest[i]! }))
    const kindCounts = kinds.map((k, i) => ({ kind: k, count: rest[7 + i]! }))
    const weekTotal = audit.days.reduce((a, d) => a + d.count, 0)
    const other = weekTotal - kindCounts.reduce((a, k) => a + k.count, 0)
    audit.kinds = [...kindCounts, { kind: 'other', count: Math.max(0, other) }].filter((k) => k.count > 0)
    try {
      audit.sth = await getAuditSth()
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404))
        throw e
    }
  }

  async function load(): Promise<void> {
    loading.value = true
    const jobs: Promise<void>[] = [
      listMySession().then((r) => { sessions.value = r.page.total }),
      getCalendar().then((c) => { provisionalYears.value = c.provisional }),
    ]
    if (show.value.users)
      jobs.push(loadUsers())
    if (show.value.roles)
      jobs.push(listRole().then((r) => { roles.value = r.items }))
    if (show.value.audit)
      jobs.push(loadAudit())
    if (show.value.units)
      jobs.push(loadUnits())
    const results = await Promise.allSettled(jobs)
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed)
      await showError(failed.reason)
    loading.value = false
  }

  return { user, loading, users, roles, sessions, audit, units, show, provisionalYears, load }
}
