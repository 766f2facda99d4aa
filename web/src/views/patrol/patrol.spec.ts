import { describe, expect, it } from 'vitest'
import type { HazardType } from '@/api/hazard'
import type { Checklists, PatrolRecord } from '@/api/patrol'
import {
  blankAnswers, chooseTemplate, compareRows, coverageChart, expectedOutcome, hazardOf, kindFor, onSpotAllowed, parsePatrolQuery,
  patrolApiQuery, patrolBody, patrolProblem, patrolUrlQuery, policeChart, problemField, templatesOf,
} from './patrol'
import type { Answer, Signing } from './patrol'

/* The shape of data/patrol/checklists.json, cut down. */
const CL: Checklists = {
  format: 'firewarden-patrol-checklists-v1', version: '2026.1',
  templates: [
    { code: 'shop', name: '小档口', kind: 'patrol', applies: { three_small_kind: 'shop' }, items: [
      { code: 'SHOP-01', text: '安全出口畅通', hazard_type: 'HZ-EXIT' },
      { code: 'SHOP-02', text: '灭火器有效', hazard_type: 'HZ-FACILITY' },
      { code: 'SHOP-03', text: '未住人', hazard_type: 'HZ-RESIDE' },
    ] },
    { code: 'rental', name: '出租屋', kind: 'patrol', applies: { category: 'rental' }, items: [
      { code: 'RENT-01', text: '楼梯间无杂物', hazard_type: 'HZ-EXIT' },
    ] },
    { code: 'special', name: '特种行业', kind: 'police', applies: { category: 'special_industry' }, items: [
      { code: 'SPEC-01', text: '合格证明', hazard_type: 'HZ-DUTY' },
    ] },
    { code: 'enterprise', name: '一般企业', kind: 'patrol', applies: { default: true }, items: [
      { code: 'ENTP-01', text: '责任人明确', hazard_type: 'HZ-DUTY' },
    ] },
  ],
}

const TYPES = [
  { code: 'HZ-EXIT', on_spot: true, deadline_days: 3 },
  { code: 'HZ-FACILITY', on_spot: true, deadline_days: 10 },
  { code: 'HZ-RESIDE', on_spot: false, deadline_days: 15 },
  { code: 'HZ-DUTY', on_spot: false, deadline_days: 30 },
] as HazardType[]

const shop = CL.templates[0]!
const signed: Signing = { patroller: true, unit: true, refused: false, refusal: '' }

function answers(over: Record<string, Partial<Answer>> = {}): Record<string, Answer> {
  const a = blankAnswers(shop, TYPES)
  for (const k of Object.keys(a))
    a[k] = { ...a[k]!, result: 'pass', ...(over[k] ?? {}) }
  return a
}

describe('the checklist of a unit (PAT-002, PAT-003)', () => {
  it('chooses as the server does: three-small kind, then category, then the default', () => {
    expect(chooseTemplate(CL, 'patrol', { categories: ['three_small', 'rental'], three_small_kind: 'shop' })?.code).toBe('shop')
    expect(chooseTemplate(CL, 'patrol', { categories: ['rental'], three_small_kind: null })?.code).toBe('rental')
    expect(chooseTemplate(CL, 'patrol', { categories: ['general'], three_small_kind: null })?.code).toBe('enterprise')
    expect(chooseTemplate(CL, 'police', { categories: ['special_industry'], three_small_kind: null })?.code).toBe('special')
    /* A police check of a place that is not special industry has no checklist of its own. */
    expect(chooseTemplate(CL, 'police', { categories: ['general'], three_small_kind: null })).toBeNull()
    expect(chooseTemplate(CL, 'patrol', null)).toBeNull()
  })
  it('offers the checklists of one\'s kind; police stations check as police', () => {
    expect(templatesOf(CL, 'patrol').map((t) => t.code)).toEqual(['shop', 'rental', 'enterprise'])
    expect(templatesOf(CL, 'police').map((t) => t.code)).toEqual(['special'])
    expect(kindFor((p) => ['patrol:write', 'patrol:police'].includes(p))).toBe('police')
    expect(kindFor((p) => p === 'patrol:write')).toBe('patrol')
  })
})

describe('a patrol\'s answers (PAT-004..006)', () => {
  it('starts each item unanswered with its hazard type\'s deadline', () => {
    const a = blankAnswers(shop, TYPES)
    expect(a['SHOP-01']).toEqual({ result: '', note: '', photos: [], on_spot: false, deadline_days: 3 })
    expect(a['SHOP-03']!.deadline_days).toBe(15)
  })

  it('finds the first problem: an item without a result, a failure without note or photo, on the spot where not allowed', () => {
    expect(patrolProblem(null, {}, TYPES, signed, '', 60)?.field).toBe('unit_id')
    expect(patrolProblem(shop, answers({ 'SHOP-02': { result: '' } }), TYPES, signed, '', 60))
      .toMatchObject({ field: 'SHOP-02', key: 'patrol.form.answerAll', params: { n: 2 } })
    expect(patrolProblem(shop, answers({ 'SHOP-01': { result: 'fail', photos: ['1'] } }), TYPES, signed, '', 60)?.key)
      .toBe('patrol.form.failNote')
    expect(patrolProblem(shop, answers({ 'SHOP-01': { result: 'fail', note: '堆放纸箱' } }), TYPES, signed, '', 60)?.key)
      .toBe('patrol.form.failPhoto')
    expect(patrolProblem(shop, answers({ 'SHOP-03': { result: 'fail', note: '阁楼住人', photos: ['1'], on_spot: true } }), TYPES, signed, '', 60)?.key)
      .toBe('patrol.form.noOnSpot')
    expect(patrolProblem(shop, answers({ 'SHOP-03': { result: 'fail', note: '阁楼住人', photos: ['1'], deadline_days: 61 } }), TYPES, signed, '', 60)?.key)
      .toBe('patrol.form.daysRule')
    expect(patrolProblem(shop, answers({ 'SHOP-01': { result: 'fail', note: '堆放纸箱', photos: ['1'], on_spot: true } }), TYPES, signed, '', 60))
      .toBeNull()
  })

  it('needs the patroller\'s signature and the unit\'s, or its refusal with a reason', () => {
    const a = answers()
    expect(patrolProblem(shop, a, TYPES, { ...signed, patroller: false }, '', 60)?.key).toBe('patrol.form.patrollerSigns')
    expect(patrolProblem(shop, a, TYPES, { ...signed, unit: false }, '', 60)?.key).toBe('patrol.form.unitSigns')
    expect(patrolProblem(shop, a, TYPES, { ...signed, unit: false, refused: true, refusal: 'x' }, '', 60)?.key).toBe('patrol.form.refusalRule')
    expect(patrolProblem(shop, a, TYPES, { ...signed, unit: false, refused: true, refusal: '负责人不在场' }, '', 60)).toBeNull()
  })

  it('allows on the spot only where the hazard type does (PAT-005)', () => {
    expect(onSpotAllowed('HZ-EXIT', TYPES)).toBe(true)
    expect(onSpotAllowed('HZ-RESIDE', TYPES)).toBe(false)
    expect(onSpotAllowed('HZ-NOPE', TYPES)).toBe(false)
  })

  it('builds the body: failures with note and photos, on the spot or a deadline other than the type\'s', () => {
    const a = answers({
      'SHOP-01': { result: 'fail', note: ' 门口堆放纸箱 ', photos: ['p1'], on_spot: true },
      'SHOP-02': { result: 'na' },
      'SHOP-03': { result: 'fail', note: '阁楼住人', photos: ['p2'], deadline_days: 5 },
    })
    const b = patrolBody('7', 'patrol', shop, shop, a, TYPES, { patroller: 's1', unit: 's2' }, '', { lat: 23.02, lng: 113.75, accuracy_m: 15 })
    expect(b).toEqual({
      unit_id: '7',
      results: [
        { code: 'SHOP-01', result: 'fail', note: '门口堆放纸箱', photos: ['p1'], on_spot: true },
        { code: 'SHOP-02', result: 'na' },
        { code: 'SHOP-03', result: 'fail', note: '阁楼住人', photos: ['p2'], deadline_days: 5 },
      ],
      signatures: { patroller: 's1', unit: 's2' },
      location: { lat: 23.02, lng: 113.75, accuracy_m: 15 },
    })
    /* The type's own deadline is left to the server; another checklist is named; a refusal instead of the unit's signature. */
    const c = patrolBody('7', 'patrol', shop, CL.templates[3]!, answers({ 'SHOP-03': { result: 'fail', note: 'x', photos: ['p'] } }), TYPES,
      { patroller: 's1', refusal: ' 拒签 ' }, ' 复查 ', null)
    expect(c.results[2]).toEqual({ code: 'SHOP-03', result: 'fail', note: 'x', photos: ['p'] })
    expect(c.template).toBe('shop')
    expect(c.signatures).toEqual({ patroller: 's1', unit_refused: '拒签' })
    expect(c.note).toBe('复查')
    expect(c.location).toBeUndefined()
    expect(patrolBody('9', 'police', CL.templates[2]!, CL.templates[2]!, { 'SPEC-01': { result: 'pass', note: '', photos: [], on_spot: false, deadline_days: 30 } },
      TYPES, { patroller: 's', unit: 'u' }, '', null)).toMatchObject({ kind: 'police', results: [{ code: 'SPEC-01', result: 'pass' }] })
  })

  it('predicts the outcome as the server states it', () => {
    expect(expectedOutcome(answers())).toBe('compliant')
    expect(expectedOutcome(answers({ 'SHOP-01': { result: 'fail', on_spot: true } }))).toBe('corrected')
    expect(expectedOutcome(answers({ 'SHOP-01': { result: 'fail', on_spot: true }, 'SHOP-03': { result: 'fail' } }))).toBe('hazards')
  })

  it('puts a server error on the item it names', () => {
    expect(problemField('results[2]', shop)).toBe('SHOP-03')
    expect(problemField('location.lat', shop)).toBe('location')
    expect(problemField('signatures', shop)).toBe('signatures')
  })
})

describe('the ledger query (PAT-009)', () => {
  it('keeps only what the server accepts', () => {
    expect(parsePatrolQuery({ unit_id: '12', grid_id: '0', town: '441900003', kind: 'police', outcome: 'hazards', from: '2026-05-31',
      to: '2026-05-01', limit: '50' })).toEqual({
      unit_id: '12', grid_id: '', town: '441900003', kind: 'police', outcome: 'hazards', from: '2026-05-01', to: '2026-05-31',
      limit: 50, offset: 0,
    })
    expect(parsePatrolQuery({ kind: 'walk', outcome: 'ok', from: '2026-02-30' })).toMatchObject({ kind: '', outcome: '', from: '' })
    const q = parsePatrolQuery({ outcome: 'hazards', offset: '20' })
    expect(patrolUrlQuery(q)).toEqual({ outcome: 'hazards', offset: '20' })
    expect(patrolApiQuery(q, false)).toEqual({ outcome: 'hazards' })
  })
})

describe('the re-check view (PAT-008)', () => {
  const res = (code: string, result: 'pass' | 'fail' | 'na') => ({ code, text: code, hazard_type: 'HZ-EXIT', result, note: null, photos: [],
    on_spot: false, deadline_days: null, hazard_id: null })
  it('sets each item beside its previous answer', () => {
    const r = {
      results: [res('A', 'pass'), res('B', 'fail'), res('C', 'fail'), res('D', 'pass')],
      hazards: [{ id: '5', no: 'YH1', status: 'ordered', deadline: null, item_code: 'C' }],
      previous: { results: [res('A', 'fail'), res('B', 'fail'), res('C', 'pass')] },
    } as unknown as PatrolRecord
    expect(compareRows(r).map((x) => x.change)).toEqual(['fixed', 'still', 'new', 'same'])
    expect(compareRows(r)[3]!.before).toBeNull()
    expect(hazardOf(r, 'C')?.no).toBe('YH1')
    expect(hazardOf(r, 'A')).toBeNull()
    expect(compareRows({ ...r, previous: null }).map((x) => x.change)).toEqual(['same', 'new', 'new', 'same'])
  })
})

describe('coverage charts (PAT-010, PAT-011)', () => {
  const t = (k: string) => k
  it('orders grids by coverage, lowest first, in percent', () => {
    const o = coverageChart([
      { name: '甲', units: 10, visited: 10, share_pct_x10: 1000, month: '2026-05', town: 'x', grid_id: '1', code: 'G1' },
      { name: '乙', units: 3, visited: 1, share_pct_x10: 333, month: '2026-05', town: 'x', grid_id: '2', code: 'G2' },
    ], t, (r) => r.name)
    expect(o.xAxis.data).toEqual(['乙', '甲'])
    expect(o.series[2]!.data).toEqual([33.3, 100])
  })
  it('shows police coverage per town', () => {
    const o = policeChart([{ town: '1', name: '东城', units: 4, checked: 1, year: '2026' }], t)
    expect(o.series[2]!.data).toEqual([25])
  })
})
