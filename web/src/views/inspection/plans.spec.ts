import { describe, expect, it } from 'vitest'
import type { Plan } from '@/api/inspectionPlan'
import { blankPlan, planActions, planBody, planToForm, quotaRows, statusType, stepOf, stratumLabel, teamSize } from './plans'

const plan = (extra: Partial<Plan> = {}): Plan => ({
  id: '1', name: '虎门抽查', owner: 'city', towns: ['441900121'], categories: [], period_start: '2026-10-01',
  period_end: '2026-12-31', due_days: 20, team: [{ department: 'fire', count: 2 }], max_load: 30,
  beacon: { source: 'lottery', round: '2026138', value: null }, rule_version: null, quotas: null, status: 'draft',
  cancel_reason: null, approved_by: null, approved_at: null, candidates_hash: null, roster_hash: null, committed_at: null,
  commit_seq: null, seed: null, drawn_at: null, counts: { candidates: 0, inspectors: 0, selected: 0, unassigned: 0 },
  version: 1, created_at: 0, updated_at: 0, created_by: '42', ...extra,
})

describe('plan form', () => {
  it('a new plan sends every field, trimmed and sorted', () => {
    const f = blankPlan('441900121')
    Object.assign(f, { name: ' 虎门抽查 ', towns: ['441900121', '441900003'], period: ['2026-10-01', '2026-12-31'],
      beacon_source: ' lottery ', beacon_round: '2026138' })
    expect(planBody(f)).toEqual({
      name: '虎门抽查', towns: ['441900003', '441900121'], categories: [], period_start: '2026-10-01',
      period_end: '2026-12-31', due_days: 20, team: [{ department: 'fire', count: 2 }], max_load: 30,
      beacon: { source: 'lottery', round: '2026138' },
    })
  })
  it('a change sends only what differs', () => {
    const p = plan()
    const f = planToForm(p)
    expect(planBody(f, p)).toEqual({})
    f.max_load = 10
    f.team.push({ department: 'market', count: 1 })
    expect(planBody(f, p)).toEqual({ max_load: 10, team: [{ department: 'fire', count: 2 }, { department: 'market', count: 1 }] })
    f.beacon_round = '2026139'
    expect(planBody(f, p).beacon).toEqual({ source: 'lottery', round: '2026139' })
  })
  it('counts the team (INS-021: at least two)', () => {
    expect(teamSize([{ department: 'fire', count: 1 }])).toBe(1)
    expect(teamSize([{ department: 'fire', count: 1 }, { department: 'market', count: 1 }])).toBe(2)
  })
})

describe('plan steps and actions', () => {
  it('maps statuses to steps, a cancelled plan where it stopped', () => {
    expect(stepOf(plan())).toBe(0)
    expect(stepOf(plan({ status: 'committed', approved_at: 1, committed_at: 2 }))).toBe(2)
    expect(stepOf(plan({ status: 'in_progress' }))).toBe(3)
    expect(stepOf(plan({ status: 'closed' }))).toBe(4)
    expect(stepOf(plan({ status: 'cancelled', approved_at: 1 }))).toBe(1)
    expect(stepOf(plan({ status: 'cancelled', approved_at: 1, committed_at: 2, drawn_at: 3 }))).toBe(3)
  })
  it('offers each person only their steps; never approval of one\'s own plan', () => {
    const all = (p: string) => ['inspection:write', 'inspection:approve', 'inspection:draw'].includes(p)
    expect(planActions(plan(), all, '42')).toEqual(['edit', 'cancel'])
    expect(planActions(plan(), all, '7')).toEqual(['edit', 'approve', 'cancel'])
    expect(planActions(plan({ status: 'approved' }), all, '7')).toEqual(['commit', 'cancel'])
    expect(planActions(plan({ status: 'committed' }), (p) => p === 'inspection:draw', '7')).toEqual(['beacon'])
    expect(planActions(plan({ status: 'drawn' }), all, '7')).toEqual(['close', 'cancel'])
    expect(planActions(plan({ status: 'closed' }), all, '7')).toEqual([])
  })
  it('labels strata for the chart and colours statuses', () => {
    expect(quotaRows([{ stratum: '441900121|key|high', population: 10, count: 3, rule: 2 }]))
      .toEqual([{ label: 'key · high', population: 10, count: 3 }])
    expect(stratumLabel('441900121|key|high', (k, v) => `${k}:${v}`)).toBe('town:441900121 · class:key · grade:high')
    expect(statusType('cancelled')).toBe('danger')
    expect(statusType('drawn')).toBe('success')
  })
})
