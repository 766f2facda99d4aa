import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import zh from '@/i18n/locales/zh-CN'
import en from '@/i18n/locales/en'
import type { Me } from '@/api/account'
import type { RiskModel } from '@/api/risk'
import { retryPolicy } from '@/api/http'
import { useUserStore } from '@/store/user'
import type { Translate } from '@/utils/errors'
import {
  checkEvent, emptyEventForm, eventBody, factorBandText, factorName, factorRule, factorValueText, gradeColor, gradeName,
  modelRows,
} from './risk'
import { useRiskCard } from './useRiskCard'

vi.mock('@/utils/feedback', async (orig) => ({ ...(await orig<typeof import('@/utils/feedback')>()), success: vi.fn() }))

/* A tiny translator over a locale tree, enough for {name} placeholders. */
function tr(tree: unknown): Translate {
  return (key, named) => {
    let v: unknown = tree
    for (const p of key.split('.'))
      v = (v as Record<string, unknown> | undefined)?.[p]
    if (typeof v !== 'string')
      return key
    return v.replace(/\{(\w+)\}/g, (_, k: string) => String(named?.[k] ?? `{${k}}`))
  }
}
const tz = tr(zh)
const te = tr(en)
const NOW = Date.UTC(2026, 10, 29, 4, 0, 0)

describe('grades', () => {
  it('has the four colours of risk grading, grey for none', () => {
    const cs = ['high', 'medium_high', 'medium', 'low'].map(gradeColor)
    expect(new Set(cs).size).toBe(4)
    expect(gradeColor('high')).toBe('#d9001b')
    expect(gradeColor(null)).toBe('#909399')
    expect(gradeColor('A')).toBe('#909399')
  })
  it('names the grades 高 / 较高 / 一般 / 低', () => {
    expect(['high', 'medium_high', 'medium', 'low'].map((g) => gradeName(g, tz))).toEqual(['高', '较高', '一般', '低'])
    expect(gradeName('medium_high', te)).toBe('Medium-high')
    expect(gradeName('A', tz)).toBe('—')
  })
})

describe('factors in words', () => {
  it('reads each measure in its unit', () => {
    expect(factorValueText({ id: 'building.height', value: 5600 }, tz)).toBe('56 米')
    expect(factorBandText({ id: 'building.height', gte: 5000 }, te)).toBe('≥ 50 m')
    expect(factorValueText({ id: 'building.floor_area', value: 12000 }, tz)).toBe('12000 平方米')
    expect(factorValueText({ id: 'building.occupancy', value: 1800 }, te)).toBe('1800 persons')
    expect(factorValueText({ id: 'building.floors_below', value: 2 }, tz)).toBe('2 层')
    expect(factorValueText({ id: 'building.no_sprinklers', value: 1 }, tz)).toBe('1 栋')
    expect(factorValueText({ id: 'history.major_hazard', value: 3 }, te)).toBe('3 times')
    expect(factorValueText({ id: 'category.key', value: 1 }, tz)).toBe('是')
    expect(factorBandText({ id: 'category.key' }, tz)).toBe('')
    expect(factorName({ name_zh: '建筑高度', name_en: 'Building height' }, 'en')).toBe('Building height')
    expect(factorName({ name_zh: '建筑高度', name_en: 'Building height' }, 'zh-CN')).toBe('建筑高度')
  })
  it('states every kind of rule of the model', () => {
    expect(factorRule({ id: 'building.height', name_zh: '', name_en: '', status: 'U', source: '',
      bands: [{ gte: 2400, points: 8 }, { gte: 5000, points: 15 }] }, tz)).toBe('≥ 24 米：8 分；≥ 50 米：15 分')
    expect(factorRule({ id: 'building.no_sprinklers', name_zh: '', name_en: '', status: 'U', source: '',
      large: { floor_area_m2: 5000, height_cm: 2400 }, points: 10 }, te))
      .toBe('Area ≥ 5000 m² or height ≥ 24 m and none fitted: 10 points')
    expect(factorRule({ id: 'history.hazard', name_zh: '', name_en: '', status: 'U', source: '', event: 'hazard',
      each: 2, cap: 10 }, tz)).toBe('每次 2 分，最多 10 分')
    expect(factorRule({ id: 'category.key', name_zh: '', name_en: '', status: 'U', source: '', points: 20 }, te))
      .toBe('20 points')
  })
  it('turns the model into grouped rows', () => {
    const m = {
      factors: [
        { id: 'category.key', name_zh: '重点单位', name_en: 'Key unit', status: 'U', source: 's1', points: 20 },
        { id: 'history.fire', name_zh: '火灾', name_en: 'Fires', status: 'C', source: 's2', event: 'fire', each: 15, cap: 30 },
      ],
    } as unknown as RiskModel
    expect(modelRows(m, 'zh-CN', tz)).toEqual([
      { id: 'category.key', group: 'category', name: '重点单位', rule: '20 分', status: 'U', source: 's1' },
      { id: 'history.fire', group: 'history', name: '火灾', rule: '每次 15 分，最多 30 分', status: 'C', source: 's2' },
    ])
  })
})

describe('event form (RISK-008)', () => {
  const ok = { kind: 'hazard' as const, ref_type: 'hazard', ref_id: ' 东消隐字〔2026〕第7号 ', at: NOW - 3600e3 }
  it('accepts a good event and sends seconds, trimmed', () => {
    expect(checkEvent(ok, NOW)).toEqual({})
    expect(eventBody(ok)).toEqual({ kind: 'hazard', ref_type: 'hazard', ref_id: '东消隐字〔2026〕第7号',
      at: Math.floor((NOW - 3600e3) / 1000) })
    expect(emptyEventForm(NOW)).toEqual({ kind: 'hazard', ref_type: '', ref_id: '', at: NOW })
  })
  it('names each bad field as the server would', () => {
    expect(checkEvent({ ...ok, kind: '' }, NOW)).toEqual({ kind: 'risk.rules.kind' })
    for (const rt of ['', 'Hazard', '1x', 'ha zard', 'h-x', 'a'.repeat(33)])
      expect(checkEvent({ ...ok, ref_type: rt }, NOW)).toEqual({ ref_type: 'risk.rules.refType' })
    expect(checkEvent({ ...ok, ref_type: 'a'.repeat(32) }, NOW)).toEqual({})
    for (const ri of ['', '   ', 'a\u0001b', 'x'.repeat(65)])
      expect(checkEvent({ ...ok, ref_id: ri }, NOW)).toEqual({ ref_id: 'risk.rules.refId' })
    expect(checkEvent({ ...ok, ref_id: '号'.repeat(64) }, NOW)).toEqual({})
    expect(checkEvent({ ...ok, at: null }, NOW)).toEqual({ at: 'risk.rules.at' })
    expect(checkEvent({ ...ok, at: 946684799e3 }, NOW)).toEqual({ at: 'risk.rules.at' })
    expect(checkEvent({ ...ok, at: NOW + 1000 }, NOW)).toEqual({ at: 'risk.rules.atFuture' })
    expect(checkEvent({ ...ok, at: NOW }, NOW)).toEqual({})
  })
})

describe('useRiskCard', () => {
  interface Call { url: string; init: RequestInit }
  let calls: Call[] = []
  let replies: Response[] = []
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body),
    { status, headers: { 'Content-Type': 'application/json' } })
  const risk = {
    unit_id: '7', score: 20, grade: 'medium', grade_name_zh: '一般', grade_name_en: 'Medium',
    factors: [{ id: 'category.key', name_zh: '重点单位', name_en: 'Key unit', value: 1, points: 20 }],
    model_version: 'v1', current_model_version: 'v1', inputs_hash: 'ab', computed_at: 1, stored: true,
  }
  const noEvents = { data: [], page: { offset: 0, limit: 10, total: 0 } }

  beforeEach(() => {
    setActivePinia(createPinia())
    calls = []
    replies = []
    retryPolicy.sleep = () => Promise.resolve()
    vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => {
      calls.push({ url, init })
      const r = replies.shift()
      if (!r)
        throw new Error(`no reply queued for ${url}`)
      return r
    }))
  })
  afterEach(() => { vi.unstubAllGlobals() })

  function asUser(perms: string[]): void {
    useUserStore().me = { permissions: perms } as unknown as Me
  }

  it('loads the risk and the events; only risk:write holders may record, never on an archived unit', async () => {
    asUser(['registry:read'])
    let archived = false
    const c = useRiskCard(() => '7', () => archived)
    replies.push(json(200, { data: risk }), json(200, noEvents))
    await c.load()
    expect(c.risk.value?.grade).toBe('medium')
    expect(calls.map((x) => x.url).sort()).toEqual(['/api/v1/units/7/risk', '/api/v1/units/7/risk/events?offset=0&limit=10'])
    expect(c.canRecord.value).toBe(false)
    expect(c.outdated.value).toBe(false)
    asUser(['registry:read', 'risk:write'])
    expect(c.canRecord.value).toBe(true)
    archived = true
    const c2 = useRiskCard(() => '7', () => archived)
    expect(c2.canRecord.value).toBe(false)
  })

  it('refuses a bad form without a request, sends a good one once and reloads', async () => {
    asUser(['registry:read', 'risk:write'])
    const changed = vi.fn()
    const c = useRiskCard(() => '7', () => false, changed)
    c.openForm()
    c.form.ref_type = 'Bad'
    c.form.ref_id = 'H-1'
    expect(await c.submit()).toBe(0)
    expect(calls.length).toBe(0)
    expect(c.fieldErrors.ref_type).toBe(zh.risk.rules.refType)
    c.form.ref_type = 'hazard'
    c.form.at = Date.now() - 60e3
    replies.push(json(201, { data: { id: '9' } }), json(200, { data: { ...risk, score: 22 } }), json(200, noEvents))
    expect(await c.submit()).toBe(1)
    const post = calls[0]!
    expect(post.init.method).toBe('POST')
    expect(post.url).toBe('/api/v1/units/7/risk/events')
    const body = JSON.parse(String(post.init.body))
    expect(body).toMatchObject({ kind: 'hazard', ref_type: 'hazard', ref_id: 'H-1' })
    expect(Number.isInteger(body.at)).toBe(true)
    expect(new Headers(post.init.headers).get('Idempotency-Key')).toBeTruthy()
    expect(c.risk.value?.score).toBe(22)
    expect(c.formOpen.value).toBe(false)
    expect(changed).toHaveBeenCalledTimes(1)
  })

  it('puts the server\'s field error next to its field (409 on ref_id)', async () => {
    asUser(['registry:read', 'risk:write'])
    const c = useRiskCard(() => '7', () => false)
    c.openForm()
    c.form.ref_type = 'hazard'
    c.form.ref_id = 'H-1'
    c.form.at = Date.now() - 60e3
    replies.push(json(409, { error: { code: 'conflict', message: 'dup', field: 'ref_id' }, request_id: 'r' }))
    expect(await c.submit()).toBe(0)
    expect(c.fieldErrors.ref_id).toBe(zh.errors.conflict)
    expect(c.formOpen.value).toBe(true)
  })
})
