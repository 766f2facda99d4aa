import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createApp, defineComponent, h, nextTick } from 'vue'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Router } from 'vue-router'
import type { Inspector, InspectionItem } from '@/api/inspection'
import type { Me } from '@/api/account'
import { i18n } from '@/i18n'
import zhCN from '@/i18n/locales/zh-CN'
import { useUserStore } from '@/store/user'
import {
  certState, checkAreas, checkCertDate, checkItemCode, checkLine, daysBetween, exportFilename, exportFilter,
  inspectorCreate, inspectorPatch, inspectorToModel, itemCreate, itemPatch, itemToModel, parseInspectorQuery,
  parseItemQuery, toRouteQuery, todayShanghai,
} from './dir'
import { conflictProblem, useConflicts } from './useConflicts'
import { useInspectorList } from './useInspectorList'
import { useItemList } from './useItemList'

const item: InspectionItem = {
  id: '11', code: 'XF-01', name: '疏散通道畅通', legal_basis: '《中华人民共和国消防法》第二十八条', content: '是否畅通',
  method: '现场检查', department: 'fire', categories: ['key', 'crowded'], status: 'active', version: 3, created_at: 1,
  updated_at: 2, created_by: '7',
}

const inspector: Inspector = {
  id: '21', user_id: null, user_login: null, name: '检查员甲', department: 'fire', cert_no: '粤消执 2024-0001',
  cert_valid_until: '2030-12-31', cert_valid: true, areas: ['441900003', '441900121'], specialty: null,
  status: 'active', conflicts_active: 0, version: 2, created_at: 1, updated_at: 2, created_by: '7',
}

describe('list queries (INS-016)', () => {
  it('keeps what the item list accepts', () => {
    expect(parseItemQuery({ q: 'xf', department: 'market', status: 'archived', category: 'key', sort: '-updated_at',
      limit: '50', offset: '100' }))
      .toEqual({ q: 'xf', department: 'market', status: 'archived', category: 'key', sort: '-updated_at', limit: 50, offset: 100 })
    expect(parseItemQuery({ department: 'navy', status: 'gone', category: 'castle', sort: 'uscc', limit: '7', offset: '-2' }))
      .toEqual({ q: '', department: '', status: '', category: '', sort: 'code', limit: 20, offset: 0 })
    expect(parseItemQuery({ category: 'general' }).category).toBe('general')
    expect(parseItemQuery({ q: 'x'.repeat(80) }).q).toHaveLength(64)
  })

  it('keeps what the inspector list accepts', () => {
    expect(parseInspectorQuery({ area: '441900003', cert: 'expired', expiring: '030', sort: '-cert_valid_until', status: 'suspended' }))
      .toMatchObject({ area: '441900003', cert: 'expired', expiring: '30', sort: '-cert_valid_until', status: 'suspended' })
    expect(parseInspectorQuery({ area: '4419', cert: 'soon', expiring: '3651', sort: 'cert_no', status: 'deleted' }))
      .toMatchObject({ area: '', cert: '', expiring: '', sort: 'name', status: '' })
    expect(parseInspectorQuery({ expiring: '-1' }).expiring).toBe('')
  })

  it('puts only non-defaults in the URL and exports without paging', () => {
    expect(toRouteQuery({ q: 'a', department: '', sort: 'code', offset: 0, limit: 20 }, 'code')).toEqual({ q: 'a' })
    expect(toRouteQuery({ q: '', sort: '-name', offset: 40, limit: 50 }, 'code')).toEqual({ sort: '-name', offset: '40', limit: '50' })
    expect(exportFilter({ q: ' 东城 ', area: '', sort: '-name', offset: 40, limit: 50 })).toEqual({ q: '东城', sort: '-name' })
    expect(exportFilename('检查事项清单', 'xlsx', new Date(2026, 10, 9))).toBe('检查事项清单-20261109.xlsx')
  })
})

describe('checks mirroring the server', () => {
  it('INS-001 item codes', () => {
    expect(checkItemCode('xf-01')).toBeNull()
    expect(checkItemCode('X')?.key).toBe('inspectionDir.rules.codeLength')
    expect(checkItemCode('A'.repeat(17))?.key).toBe('inspectionDir.rules.codeLength')
    expect(checkItemCode('XF_01')?.key).toBe('inspectionDir.rules.codeChars')
    expect(checkItemCode('消防-01')?.key).toBe('inspectionDir.rules.codeChars')
  })

  it('INS-002 one line, bounded in code points', () => {
    expect(checkLine(3)('防火门')).toBeNull()
    expect(checkLine(3)('防火门窗')?.params).toEqual({ max: 3 })
    expect(checkLine(10)('   ')?.key).toBe('inspectionDir.rules.length')
    expect(checkLine(10)('一\n二')?.key).toBe('inspectionDir.rules.oneLine')
  })

  it('INS-007 real dates of 1990-2099', () => {
    expect(checkCertDate('2028-02-29')).toBeNull()
    for (const bad of ['2027-02-29', '2026-13-01', '2026/01/01', '1989-12-31', '2100-01-01', ''])
      expect(checkCertDate(bad), bad).not.toBeNull()
  })

  it('INS-008 areas', () => {
    expect(checkAreas(['441900003'])).toBeNull()
    expect(checkAreas([])?.key).toBe('inspectionDir.rules.areas')
    expect(checkAreas(['441900003', '441900003'])?.key).toBe('inspectionDir.rules.areasTwice')
  })

  it('INS-010 certificate states by the Shanghai calendar', () => {
    /* 2026-11-29 17:00 UTC is already 11-30 in Shanghai. */
    expect(todayShanghai(Date.UTC(2026, 10, 29, 17, 0))).toBe('2026-11-30')
    expect(todayShanghai(Date.UTC(2026, 10, 29, 15, 59))).toBe('2026-11-29')
    expect(daysBetween('2026-11-29', '2026-12-29')).toBe(30)
    expect(certState('2026-11-28', '2026-11-29')).toBe('expired')
    expect(certState('2026-11-29', '2026-11-29')).toBe('soon')
    expect(certState('2026-12-29', '2026-11-29')).toBe('soon')
    expect(certState('2026-12-30', '2026-11-29')).toBe('valid')
  })

  it('INS-013 a declaration names a unit and a kind; "other" says what', () => {
    expect(conflictProblem({ unit_id: '', kind: 'relative', note: '' })?.field).toBe('unit_id')
    expect(conflictProblem({ unit_id: '5', kind: '', note: '' })?.field).toBe('kind')
    expect(conflictProblem({ unit_id: '5', kind: 'other', note: '同学' })?.field).toBe('note')
    expect(conflictProblem({ unit_id: '5', kind: 'relative', note: '长'.repeat(501) })?.field).toBe('note')
    expect(conflictProblem({ unit_id: '5', kind: 'other', note: '曾合伙经营' })).toBeNull()
    expect(conflictProblem({ unit_id: '5', kind: 'relative', note: '' })).toBeNull()
  })
})

describe('form bodies', () => {
  it('a new item is trimmed, its code upper-cased', () => {
    expect(itemCreate({ code: ' xf-09 ', name: ' 防火门 ', legal_basis: '依据', content: '内容', method: '现场检查',
      department: 'fire', categories: [] }))
      .toEqual({ code: 'XF-09', name: '防火门', legal_basis: '依据', content: '内容', method: '现场检查', department: 'fire', categories: [] })
  })

  it('an item edit sends only what changed, categories in rank order', () => {
    const m = itemToModel(item)
    expect(itemPatch(item, m)).toEqual({})
    m.categories = ['crowded', 'key']
    expect(itemPatch(item, m)).toEqual({})
    m.categories = ['rental', 'key']
    m.code = 'xf-02'
    m.method = ' 查阅资料 '
    expect(itemPatch(item, m)).toEqual({ code: 'XF-02', method: '查阅资料', categories: ['key', 'rental'] })
  })

  it('a new inspector: areas sorted, empty optional fields left out', () => {
    expect(inspectorCreate({ name: ' 甲 ', department: 'market', cert_no: ' C-1 ', cert_valid_until: '2030-01-01',
      areas: ['441900121', '441900003'], specialty: ' ', user_id: '', status: 'active' }))
      .toEqual({ name: '甲', department: 'market', cert_no: 'C-1', cert_valid_until: '2030-01-01', areas: ['441900003', '441900121'] })
  })

  it('an inspector edit sends changes; emptied optional fields become null', () => {
    const m = inspectorToModel({ ...inspector, specialty: '电气防火', user_id: '99' })
    const cur = { ...inspector, specialty: '电气防火', user_id: '99' }
    expect(inspectorPatch(cur, m)).toEqual({})
    m.areas = ['441900121', '441900003']
    expect(inspectorPatch(cur, m)).toEqual({})
    m.specialty = ''
    m.user_id = ' '
    m.status = 'suspended'
    expect(inspectorPatch(cur, m)).toEqual({ specialty: null, user_id: null, status: 'suspended' })
  })
})

/* Composables in a mounted component with a router, pinia, i18n and a stubbed fetch. */
interface Call { method: string; url: string; body: unknown; headers: Record<string, string> }
let calls: Call[] = []
let answers: ((c: Call) => unknown)[] = []

function me(jurisdiction: string, permissions: string[]): Me {
  return {
    user: { id: '7', login: 'u', display_name: 'u' } as Me['user'], roles: ['officer'], permissions, jurisdiction,
    admin_kind: null, must_change: false, totp_enabled: false, totp_required: false, menu: [],
  }
}

async function mountWith<T>(path: string, who: Me, fn: () => T): Promise<{ result: T; router: Router; unmount: () => void }> {
  const pinia = createPinia()
  setActivePinia(pinia)
  useUserStore().me = who
  const blank = { render: () => null }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/inspection/items', name: 'InspectionItems', component: blank },
      { path: '/inspection/inspectors', name: 'InspectionInspectors', component: blank },
    ],
  })
  await router.push(path)
  await router.isReady()
  let result: T | undefined
  const app = createApp(defineComponent({ setup() { result = fn(); return () => h('div') } }))
  app.use(pinia)
  app.use(router)
  app.use(i18n)
  app.mount(document.createElement('div'))
  await flush()
  return { result: result as T, router, unmount: () => app.unmount() }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await nextTick()
    await new Promise((r) => setTimeout(r, 0))
  }
}

beforeEach(() => {
  calls = []
  answers = []
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit = {}) => {
    const c: Call = {
      method: init.method ?? 'GET', url, body: init.body ? JSON.parse(String(init.body)) : undefined,
      headers: (init.headers ?? {}) as Record<string, string>,
    }
    calls.push(c)
    const answer = answers.shift()
    const body = answer ? answer(c) : { data: [], page: { offset: 0, limit: 20, total: 0 } }
    return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } })
  }))
})
afterEach(() => { vi.unstubAllGlobals() })

describe('useItemList', () => {
  it('lists with the URL\'s query; only a city writer may change the list (INS-004)', async () => {
    answers.push(() => ({ data: [item], page: { offset: 0, limit: 50, total: 1 } }))
    const { result, router, unmount } = await mountWith('/inspection/items?q=xf&department=fire&sort=-name&limit=50',
      me('city', ['inspection:read', 'inspection:write']), () => useItemList())
    const u = new URL(calls[0]!.url, 'http://x')
    expect(u.pathname).toBe('/api/v1/inspection/items')
    expect(Object.fromEntries(u.searchParams)).toEqual({ q: 'xf', department: 'fire', sort: '-name', offset: '0', limit: '50' })
    expect(result.rows.value).toEqual([item])
    expect(result.total.value).toBe(1)
    expect(result.canWrite.value).toBe(true)
    result.query.category = 'key'
    result.search()
    await flush()
    expect(router.currentRoute.value.query).toEqual({ q: 'xf', department: 'fire', category: 'key', sort: '-name', limit: '50' })
    expect(calls.at(-1)!.url).toContain('category=key')
    unmount()
    const town = await mountWith('/inspection/items', me('town:441900003', ['inspection:read', 'inspection:write']),
      () => useItemList())
    expect(town.result.canWrite.value).toBe(false)
    town.unmount()
  })
})

describe('useInspectorList', () => {
  it('a town user edits only inspectors of its town alone (INS-012)', async () => {
    const { result, unmount } = await mountWith('/inspection/inspectors?cert=expired',
      me('town:441900003', ['inspection:read', 'inspection:write']), () => useInspectorList())
    expect(calls.some((c) => c.url.startsWith('/api/v1/inspectors?cert=expired'))).toBe(true)
    expect(result.canEdit(inspector)).toBe(false)
    expect(result.canEdit({ ...inspector, areas: ['441900003'] })).toBe(true)
    expect(result.canEdit({ ...inspector, areas: ['441900003'], status: 'archived' })).toBe(false)
    expect(result.certChoice.value).toBe('expired')
    result.certChoice.value = 'expiring:60'
    expect(result.query.expiring).toBe('60')
    expect(result.query.cert).toBe('')
    unmount()
  })
})

describe('useConflicts', () => {
  it('declares with an Idempotency-Key, refuses an incomplete form locally, withdraws with If-Match', async () => {
    const { result, unmount } = await mountWith('/inspection/inspectors', me('city', ['inspection:read', 'inspection:write']),
      () => useConflicts())
    await result.show(inspector)
    expect(calls.at(-1)!.url).toBe('/api/v1/inspectors/21/conflicts?limit=200')
    const n = calls.length
    await result.declare()
    expect(calls.length).toBe(n)
    expect(result.fieldErrors.unit_id).toBe(zhCN.inspectionDir.conflicts.pickUnit)
    result.form.unit_id = '501'
    result.form.kind = 'other'
    result.form.note = ' 曾合伙经营 '
    answers.push(() => ({ data: { id: '9', version: 1 } }))
    await result.declare()
    const post = calls[n]!
    expect(post.method).toBe('POST')
    expect(post.url).toBe('/api/v1/inspectors/21/conflicts')
    expect(post.body).toEqual({ unit_id: '501', kind: 'other', note: '曾合伙经营' })
    expect(post.headers['Idempotency-Key']).toBeTruthy()
    expect(result.form.unit_id).toBe('')
    unmount()
  })
})
