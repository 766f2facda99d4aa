import { describe, expect, it } from 'vitest'
import type { Case, OfficerCert, PublicDecision, Suggestion, Violation } from '@/api/enforce'
import { caseExportUrl } from '@/api/enforce'
import {
  ACTION_PATH, allNoPenalty, archiveDocuments, amountCheck, blankCalc, blankCaseForm, blankStep, blankViolation, caseActions, caseApiQuery, caseBody,
  caseClocks, caseDocuments, caseFieldOf, enforceErrorText, caseFormProblem, caseUrlQuery, daysBetween, keyOf, needsJustification, parseCaseQuery,
  prefillFromQuery, rangeText, reviewReasons, stepBody, stepFieldOf, stepProblem, suggestBody, timeline, violationBody, violationProblem,
  yuan,
} from './enforce'
import type { CaseAction } from './enforce'
import { officerOptions } from './useOfficerPicker'
import { certProblem, conflictBody, conflictProblem } from './useOfficers'
import { decisionLines } from './usePublicDecisions'

const can = (...perms: string[]) => (p: string): boolean => perms.includes(p)
const OFFICER = can('case:read', 'case:write')

function sug(over: Partial<Suggestion> = {}): Suggestion {
  return {
    version: 'v1', item: 'FPL-60-1', name: '消防设施不符合标准', basis: '《消防法》第六十条第一款第（一）项', authority: '消防救援机构',
    fire_service_decides: true, party: 'unit', band: null, tier: 'general', statutory: { min: 5000, max: 50000, warning: false },
    outcome: 'fine', range: { min: 18500, max: 36500 }, tier_range: { min: 18500, max: 36500 }, reduction: null, warning: false,
    simple_procedure: false, measures: '', minor: { on_the_spot: false, limits: [] }, template: false,
    rules: [{ id: 'PEN-003', rule: 'statutory-range', status: 'applied', source: '消防法', reason: 'FPL-60-1 for a unit: a fine of 5000 to 50000 yuan' }],
    ...over,
  }
}

function violation(over: Partial<Violation> = {}): Violation {
  return {
    id: '1', seq: 1, act: 1, item: 'FPL-60-1', tier: 'general', facts: '喷淋系统停用', suggestion: sug(), outcome: 'fine', amount_fen: 2000000,
    amount_check: 'in_range', first_exempt: false, status: 'active', ...over,
  }
}

function kase(over: Partial<Case> = {}): Case {
  return {
    id: '9', no: '东消立字〔2026〕第1号', procedure: 'general', source: 'hazard', source_id: '3', party_type: 'unit', unit_id: '7',
    party_name: '示例公司', town: '441900003', facts: '检查发现喷淋系统停用', found_on: '2026-11-20', filed_on: '2026-11-21', status: 'filed',
    step: 'decide', step_due: '2027-02-19', overdue: 0, decision_due: '2027-02-19', fine_fen: 0, pay_status: 'none', version: 3,
    hearing_status: 'none', review_required: 0, discussion_required: 0, paid_fen: 0, late_fee_fen: 0, violations: [violation()], ...over,
  } as Case
}

describe('case list query', () => {
  it('keeps only what the server accepts', () => {
    expect(parseCaseQuery({ status: 'review', procedure: 'simple', source: 'hazard', town: '441900003', overdue: '1', sort: 'step_due',
      q: ' 示例 ', limit: '50', offset: '100' })).toEqual({
      q: '示例', status: 'review', procedure: 'simple', source: 'hazard', town: '441900003', overdue: true, sort: 'step_due', limit: 50, offset: 100,
    })
    expect(parseCaseQuery({ status: 'open', procedure: 'fast', source: 'tv', town: '12', sort: 'name', limit: '7', offset: '-3' }))
      .toMatchObject({ status: '', procedure: '', source: '', town: '', sort: '-created', limit: 20, offset: 0 })
    expect(parseCaseQuery({ sort: '-fine' }).sort).toBe('-fine')
    expect(parseCaseQuery({ sort: '-decision_due' }).sort).toBe('-created')
  })
  it('writes only what differs from the defaults, sends the page, exports the same filters', () => {
    const q = parseCaseQuery({ status: 'review', overdue: 'true' })
    expect(caseUrlQuery(q)).toEqual({ status: 'review', overdue: '1' })
    expect(caseUrlQuery(parseCaseQuery({}))).toEqual({})
    const api = caseApiQuery(q)
    expect(api).toEqual({ status: 'review', overdue: '1', sort: '-created', offset: 0, limit: 20 })
    const url = caseExportUrl(api, 'xlsx')
    expect(url).toBe('/api/v1/cases?status=review&overdue=1&sort=-created&format=xlsx')
    expect(caseExportUrl(api, 'csv')).toContain('format=csv')
  })
})

describe('clocks (ENF-020)', () => {
  it('counts days between ISO dates', () => {
    expect(daysBetween('2026-11-29', '2026-12-01')).toBe(2)
    expect(daysBetween('2026-12-01', '2026-11-29')).toBe(-2)
  })
  it('shows the running step, the decision limit or its extension, the payment; late ones flagged', () => {
    const c = kase({ status: 'notified', step: 'statement', step_due: '2026-11-28', overdue: 1, extended_to: '2027-03-21' })
    const k = caseClocks(c, '2026-11-29')
    expect(k[0]).toMatchObject({ kind: 'step', step: 'statement', due: '2026-11-28', left: -1, late: true })
    expect(k[1]).toMatchObject({ kind: 'decision', due: '2027-03-21', late: false })
    const served = kase({ status: 'served', step: 'pay', step_due: '2026-12-14', payment_due: '2026-12-14', pay_status: 'due' })
    expect(caseClocks(served, '2026-11-29').map((x) => x.kind)).toEqual(['step'])
    const closed = kase({ status: 'closed', step: null, step_due: null })
    expect(caseClocks(closed, '2026-11-29')).toEqual([])
  })
})

describe('steps by status and permission', () => {
  const acts = (c: Case, ...p: string[]): CaseAction[] => caseActions(c, can(...p))

  it('filed: notify once a violation is recorded; decide at once when all are 不予处罚; extend for case:approve only', () => {
    expect(acts(kase({ violations: [] }), 'case:write')).toEqual(['cancel'])
    expect(acts(kase(), 'case:write')).toEqual(['notify', 'cancel'])
    const none = kase({ violations: [violation({ outcome: 'no_penalty' })] })
    expect(allNoPenalty(none)).toBe(true)
    expect(acts(none, 'case:write')).toEqual(['decide', 'cancel'])
    expect(acts(kase(), 'case:approve')).toEqual(['extend'])
    expect(acts(kase({ extended_to: '2027-03-21' }), 'case:approve')).toEqual([])
    expect(acts(kase(), 'case:read')).toEqual([])
  })
  it('notified: statement, hearing request or waiver; submit after the window, the hearing or a waiver (ENF-022)', () => {
    const n = kase({ status: 'notified', step: 'statement', statement_due: '2026-12-04' })
    expect(acts(n, 'case:write')).toEqual(['statement', 'hearing_request', 'hearing_waive', 'submit', 'cancel'])
    expect(caseActions(n, OFFICER, '2026-12-04')).toEqual(['statement', 'hearing_request', 'hearing_waive', 'cancel'])
    expect(caseActions(n, OFFICER, '2026-12-05')).toContain('submit')
    expect(acts(kase({ status: 'notified', step: 'submit', hearing_status: 'waived' }), 'case:write'))
      .toEqual(['statement', 'submit', 'cancel'])
    expect(acts(kase({ status: 'notified', step: 'submit', hearing_status: 'held' }), 'case:write')).toEqual(['statement', 'submit', 'cancel'])
    expect(acts(kase({ status: 'notified', step: 'decide' }), 'case:write')).toEqual(['decide', 'cancel'])
  })
  it('hearing: schedule, hold, or withdraw it', () => {
    expect(acts(kase({ status: 'hearing', step: 'hearing', hearing_status: 'requested' }), 'case:write'))
      .toEqual(['statement', 'hearing_schedule', 'hearing_waive', 'cancel'])
    expect(acts(kase({ status: 'hearing', step: 'hearing', hearing_status: 'scheduled' }), 'case:write'))
      .toEqual(['statement', 'hearing_hold', 'hearing_waive', 'cancel'])
  })
  it('review and discussion belong to case:review and case:discuss', () => {
    const r = kase({ status: 'review', step: 'review' })
    expect(acts(r, 'case:write')).toEqual(['cancel'])
    expect(acts(r, 'case:review')).toEqual(['review'])
    expect(acts(kase({ status: 'discussion', step: 'discussion' }), 'case:discuss')).toEqual(['discussion'])
    expect(acts(kase({ status: 'review', step: 'decide' }), 'case:write', 'case:review')).toEqual(['decide', 'cancel'])
  })
  it('decided → serve; served → close only when paid or no fine; publish once decided', () => {
    const d = kase({ status: 'decided', step: 'serve', outcome: 'fine', decision_no: '东消行罚决字〔2026〕第1号' })
    expect(acts(d, 'case:write')).toEqual(['serve', 'publish'])
    const s = kase({ status: 'served', step: 'pay', outcome: 'fine', pay_status: 'due', decision_no: 'x', published_on: '2026-11-29' })
    expect(acts(s, 'case:write')).toEqual([])
    expect(acts({ ...s, pay_status: 'paid' }, 'case:write')).toEqual(['close'])
    expect(acts(kase({ status: 'served', outcome: 'warning', decision_no: 'x', published_on: '2026-11-29' }), 'case:write')).toEqual(['close'])
    expect(acts(kase({ status: 'closed', step: null }), 'case:write', 'case:approve')).toEqual([])
  })
  it('every step has its path under /cases/{id}/', () => {
    expect(ACTION_PATH.hearing_request).toBe('hearing/request')
    expect(ACTION_PATH.hearing_waive).toBe('hearing/waive')
    expect(Object.keys(ACTION_PATH)).toHaveLength(15)
  })
})

describe('documents (ENF-040)', () => {
  it('lists what the case has, in order', () => {
    expect(caseDocuments(kase())).toEqual([])
    expect(caseDocuments(kase({ notice_no: 'n', hearing_status: 'scheduled' }))).toEqual(['notice', 'hearing'])
    expect(caseDocuments(kase({ notice_no: 'n', decision_no: 'd', outcome: 'fine', pay_status: 'due' }))).toEqual(['notice', 'decision', 'payment'])
    expect(caseDocuments(kase({ decision_no: 'd', outcome: 'no_penalty' }))).toEqual(['no_penalty'])
  })
})

describe('documents from the archive (ENF-071)', () => {
  it('keeps the kinds the console knows, in its order', () => {
    const d = (kind: string) => ({ kind, title_zh: kind, url: `/api/v1/cases/9/documents/${kind}.pdf` })
    expect(archiveDocuments([d('payment'), d('decision'), d('notice'), d('service_receipt')])).toEqual(['notice', 'decision', 'payment'])
    expect(archiveDocuments([])).toEqual([])
  })
})

describe('timeline and money', () => {
  it('sorts newest first', () => {
    const t = timeline([{ id: '1', action: 'create', actor: 'u1', at: 10 }, { id: '2', action: 'notify', actor: 'u1', at: 20 },
      { id: '3', action: 'violation', actor: 'u1', at: 10 }])
    expect(t.map((s) => s.id)).toEqual(['2', '3', '1'])
  })
  it('shows fen as yuan and ranges as text; engine words as keys', () => {
    expect(yuan(2000000)).toBe('20,000')
    expect(yuan(12345)).toBe('123.45')
    expect(yuan(null)).toBe('0')
    expect(rangeText({ min: 5000, max: 50000 })).toBe('5,000 – 50,000')
    expect(rangeText({ min: 200, max: 200 })).toBe('200')
    expect(rangeText(null)).toBe('—')
    expect(keyOf('no-penalty')).toBe('no_penalty')
    expect(keyOf('first-violation-exemption')).toBe('first_violation_exemption')
  })
})

describe('discretion calculator', () => {
  it('sends only the flags set (PEN-002)', () => {
    const f = blankCalc('unit')
    f.item = 'FPL-60-1'
    expect(suggestBody(f)).toEqual({ item: 'FPL-60-1', party: 'unit', tier: 'general' })
    Object.assign(f, { first: true, corrected: true, harm: 'minor', self_found: true, no_fault: true, reduce: true, band: 'b2', area: 300,
      mitigating: ['confessed', 'nonsense'], age: 12 })
    expect(suggestBody(f)).toEqual({ item: 'FPL-60-1', party: 'unit', tier: 'general', band: 'b2', area: 300, first: true, corrected: true,
      harm: 'minor', self_found: true, no_fault: true, mitigating: ['confessed'], reduce: true })
    f.party = 'individual'
    expect(suggestBody(f).age).toBe(12)
  })
  it('checks a proposed amount against the suggestion (PEN-017, ENF-012)', () => {
    const s = sug()
    expect(amountCheck(null, s)).toBe('none')
    expect(amountCheck(20000, s)).toBe('in_range')
    expect(amountCheck(18500, s)).toBe('in_range')
    expect(amountCheck(36500, s)).toBe('in_range')
    expect(amountCheck(18499, s)).toBe('below_range')
    expect(amountCheck(36501, s)).toBe('above_range')
    expect(amountCheck(4999, s)).toBe('below_minimum')
    expect(amountCheck(50001, s)).toBe('above_maximum')
    /* 减轻 makes amounts below the minimum lawful (down to the reduction's floor). */
    expect(amountCheck(3000, sug({ reduction: { min: 0, max: 5000 } }))).toBe('below_range')
    expect(amountCheck(100, sug({ outcome: 'no-penalty', range: null }))).toBe('not_due')
    expect(amountCheck(0, sug({ outcome: 'no-penalty', range: null }))).toBe('none')
    expect(needsJustification('below_range')).toBe(true)
    expect(needsJustification('above_range')).toBe(true)
    expect(needsJustification('in_range')).toBe(false)
    expect(needsJustification('above_maximum')).toBe(false)
  })
  it('a violation: the facts, an amount when fined, a justification outside the range, a reason for 首违不罚', () => {
    const c = blankCalc('unit')
    const v = blankViolation()
    expect(violationProblem(c, v, null)?.field).toBe('item')
    c.item = 'FPL-60-1'
    expect(violationProblem(c, v, null)?.key).toBe('enforce.calc.askFirst')
    const s = sug()
    expect(violationProblem(c, v, s)?.field).toBe('facts')
    v.facts = '喷淋系统停用'
    expect(violationProblem(c, v, s)?.key).toBe('enforce.v.amountNeeded')
    v.amount = 60000
    expect(violationProblem(c, v, s)?.key).toBe('enforce.check.above_maximum')
    v.amount = 40000
    expect(violationProblem(c, v, s)?.field).toBe('justification')
    v.justification = '多次整改不到位，情节较重'
    expect(violationProblem(c, v, s)).toBeNull()
    expect(violationBody(c, v, s)).toEqual({ item: 'FPL-60-1', tier: 'general', facts: '喷淋系统停用', amount: 40000,
      justification: '多次整改不到位，情节较重' })
    v.amount = 20000
    expect(violationBody(c, v, s)).toEqual({ item: 'FPL-60-1', tier: 'general', facts: '喷淋系统停用', amount: 20000 })
    v.first_exempt = true
    expect(violationProblem(c, v, s)?.field).toBe('exempt_reason')
    v.exempt_reason = '首次违法且当场改正'
    expect(violationProblem(c, v, s)).toBeNull()
    expect(violationBody(c, v, s)).toMatchObject({ first_exempt: true, exempt_reason: '首次违法且当场改正' })
    expect(violationBody(c, v, s).amount).toBeUndefined()
  })
})

describe('new case', () => {
  it('is prefilled from a hazard (?source=hazard&source_id&unit_id), ignoring what is not a number', () => {
    const f = prefillFromQuery(blankCaseForm('2026-11-29'), { source: 'hazard', source_id: '12', unit_id: '7' })
    expect(f).toMatchObject({ source: 'hazard', source_id: '12', unit_id: '7', party_type: 'unit', found_on: '2026-11-29' })
    const g = prefillFromQuery(blankCaseForm('2026-11-29'), { source: 'tv', source_id: '1;drop', unit_id: 'x' })
    expect(g).toMatchObject({ source: 'inspection', source_id: '', unit_id: '' })
  })
  it('asks for what the server requires, two distinct officers first of all (ENF-002)', () => {
    const f = blankCaseForm('2026-11-29')
    f.source = 'hazard'
    expect(caseFormProblem(f, 0)?.field).toBe('source_id')
    f.source_id = '12'
    expect(caseFormProblem(f, 0)?.field).toBe('unit_id')
    f.unit_id = '7'
    expect(caseFormProblem(f, 0)?.field).toBe('facts')
    f.facts = '检查发现喷淋系统停用'
    f.occurred_on = '2026-12-01'
    expect(caseFormProblem(f, 0)?.field).toBe('occurred_on')
    f.occurred_on = '2026-11-20'
    expect(caseFormProblem(f, 0)).toMatchObject({ field: 'officers', key: 'enforce.form.twoOfficers' })
    f.lead = '5'
    f.assist = '5'
    expect(caseFormProblem(f, 0)).toMatchObject({ field: 'officers', key: 'enforce.form.distinctOfficers' })
    f.assist = '6'
    expect(caseFormProblem(f, 0)).toBeNull()
    f.procedure = 'simple'
    expect(caseFormProblem(f, 0)?.field).toBe('violations')
    expect(caseFormProblem(f, 1)).toBeNull()
  })
  it('an individual party: name, a well-formed ID number, an age', () => {
    const f = blankCaseForm('2026-11-29')
    Object.assign(f, { source: 'on_spot', party_type: 'individual', facts: '占用疏散通道', lead: '1', assist: '2' })
    expect(caseFormProblem(f, 0)?.field).toBe('party_name')
    f.party_name = '张三'
    f.party_idno = '1234'
    expect(caseFormProblem(f, 0)?.field).toBe('party_idno')
    f.party_idno = '44190019900101123x'
    f.party_age = 200
    expect(caseFormProblem(f, 0)?.field).toBe('party_age')
    f.party_age = 36
    /* Without a unit at the place, the town where the act took place. */
    expect(caseFormProblem(f, 0)?.field).toBe('town')
    f.town = '441900003'
    expect(caseFormProblem(f, 0)).toBeNull()
    const b = caseBody(f, [])
    expect(b).toEqual({ procedure: 'general', source: 'on_spot', party_type: 'individual', facts: '占用疏散通道', found_on: '2026-11-29',
      officers: [{ user_id: '1', role: 'lead' }, { user_id: '2', role: 'assist' }], party_name: '张三', party_idno: '44190019900101123X',
      party_age: 36, town: '441900003' })
    /* With the place's unit, its town is the unit's. */
    const withUnit = caseBody({ ...f, unit_id: '7' }, [])
    expect(withUnit.unit_id).toBe('7')
    expect(withUnit.town).toBeUndefined()
    expect(caseFormProblem({ ...f, town: '', unit_id: '7' }, 0)).toBeNull()
    expect(caseFormProblem({ ...f, party_name: '张'.repeat(51) }, 0)?.field).toBe('party_name')
  })
  it('a unit party sends its id, the source and the violations', () => {
    const f = prefillFromQuery(blankCaseForm('2026-11-29'), { source: 'hazard', source_id: '12', unit_id: '7' })
    Object.assign(f, { facts: '喷淋系统停用', lead: '1', assist: '2', party_name: 'ignored' })
    const b = caseBody(f, [{ item: 'FPL-60-1', tier: 'general', facts: 'x', amount: 20000 }])
    expect(b).toMatchObject({ source: 'hazard', source_id: '12', unit_id: '7', party_type: 'unit' })
    expect(b.party_name).toBeUndefined()
    expect(b.violations).toHaveLength(1)
  })
  it('shows the server refusal of an officer at the officers (422 officers / officers[1].user_id)', () => {
    expect(caseFieldOf('officers')).toBe('officers')
    expect(caseFieldOf('officers[1]')).toBe('officers')
    expect(caseFieldOf('officers[0].user_id')).toBe('officers')
    expect(caseFieldOf('violations[0].amount')).toBe('violations')
    expect(caseFieldOf('facts')).toBe('facts')
    expect(caseFieldOf('officers_x')).toBe('officers_x')
  })
})

describe('step forms', () => {
  const f = () => blankStep('2026-11-29')
  it('refuses what the server would, at the field', () => {
    expect(stepProblem('notify', f())).toBeNull()
    expect(stepProblem('statement', f())?.field).toBe('text')
    expect(stepProblem('hearing_schedule', f())?.field).toBe('hearing_on')
    expect(stepProblem('hearing_schedule', { ...f(), hearing_on: '2026-12-10', place: '会议室' })?.field).toBe('host_id')
    expect(stepProblem('hearing_hold', { ...f(), record: '记录' })?.field).toBe('opinion')
    expect(stepProblem('review', f())?.field).toBe('conclusion')
    expect(stepProblem('review', { ...f(), conclusion: 'approve' })?.field).toBe('opinion')
    expect(stepProblem('review', { ...f(), conclusion: 'approve', opinion: '同意' })).toBeNull()
    expect(stepProblem('extend', { ...f(), days: 31, reason: '案情复杂' }, 30)?.field).toBe('days')
    expect(stepProblem('extend', { ...f(), days: 30, reason: '复杂' }, 30)?.field).toBe('reason')
    expect(stepProblem('cancel', f())?.field).toBe('reason')
    expect(stepProblem('serve', { ...f(), method: '' })?.field).toBe('method')
  })
  it('a collective discussion has a chair and at least three named participants with titles (art. 57)', () => {
    const d = { ...f(), chair_id: '3', conclusion: 'approve', minutes: '一致同意' }
    expect(stepProblem('discussion', d)).toMatchObject({ field: 'participants', params: { n: 3 } })
    d.participants = [{ name: '甲', title: '支队长' }, { name: '乙', title: '政委' }, { name: '丙', title: '' }]
    expect(stepProblem('discussion', d)?.key).toBe('enforce.step.participantTitle')
    d.participants[2]!.title = '法制科长'
    expect(stepProblem('discussion', d)).toBeNull()
    expect(stepBody('discussion', d)).toEqual({ held_on: '2026-11-29', chair_id: '3', conclusion: 'approve', minutes: '一致同意',
      participants: [{ name: '甲', title: '支队长' }, { name: '乙', title: '政委' }, { name: '丙', title: '法制科长' }] })
    expect(stepFieldOf('participants[2].title')).toBe('participants')
  })
  it('sends each step its body', () => {
    expect(stepBody('notify', f())).toEqual({})
    expect(stepBody('statement', { ...f(), text: ' 无异议 ' })).toEqual({ text: '无异议' })
    expect(stepBody('statement', { ...f(), text: '无异议', waive: true })).toEqual({ text: '无异议', waive: true })
    expect(stepBody('serve', f())).toEqual({ method: 'direct', served_on: '2026-11-29' })
    expect(stepBody('close', f())).toEqual({})
    expect(stepBody('close', { ...f(), reason: '已缴清' })).toEqual({ reason: '已缴清' })
    expect(stepBody('extend', { ...f(), days: 10, reason: '案情复杂' })).toEqual({ days: 10, reason: '案情复杂' })
    expect(stepBody('hearing_schedule', { ...f(), hearing_on: '2026-12-10', place: ' 会议室 ', host_id: '4' }))
      .toEqual({ hearing_on: '2026-12-10', place: '会议室', host_id: '4' })
  })
  it('reads the review reasons in either form', () => {
    expect(reviewReasons('major,out_of_range')).toEqual(['major', 'out_of_range'])
    expect(reviewReasons(['hearing'])).toEqual(['hearing'])
    expect(reviewReasons(null)).toEqual([])
  })
})

describe('officers (ENF-003/004)', () => {
  const cert = (o: Partial<OfficerCert>): OfficerCert => ({ id: '1', user_id: '5', login: 'off.a', cert_no: 'GD001', issued_on: '2025-01-01',
    valid_to: '2027-01-01', status: 'active', ...o })
  it('offers each holder of a certificate valid today once', () => {
    const o = officerOptions([cert({}), cert({ id: '2', cert_no: 'GD002', valid_to: '2028-01-01' }), cert({ id: '3', user_id: '6', login: 'off.b', status: 'revoked' }),
      cert({ id: '4', user_id: '7', login: 'off.c', valid_to: '2026-01-01' }), cert({ id: '5', user_id: '8', login: 'off.d', issued_on: '2027-01-01' })],
    '2026-11-29')
    expect(o).toEqual([{ user_id: '5', label: 'off.a', cert_no: 'GD002', valid_to: '2028-01-01' }])
  })
  it('checks a certificate and a conflict before sending', () => {
    expect(certProblem({ user_id: '', cert_no: 'GD001', issued_on: '2026-01-01', valid_to: '2027-01-01' })?.field).toBe('user_id')
    expect(certProblem({ user_id: '5', cert_no: 'G', issued_on: '2026-01-01', valid_to: '2027-01-01' })?.field).toBe('cert_no')
    expect(certProblem({ user_id: '5', cert_no: 'GD001', issued_on: '2026-01-01', valid_to: '2025-01-01' })?.field).toBe('valid_to')
    expect(certProblem({ user_id: '5', cert_no: 'GD001', issued_on: '2026-01-01', valid_to: '2027-01-01' })).toBeNull()
    const c = { user_id: '5', party: 'unit' as const, unit_id: '', party_name: '', relation: '', note: '', from_on: '2026-11-01', to_on: '' }
    expect(conflictProblem(c)?.field).toBe('unit_id')
    c.unit_id = '7'
    expect(conflictProblem(c)?.field).toBe('relation')
    c.relation = 'relative'
    c.to_on = '2026-10-01'
    expect(conflictProblem(c)?.field).toBe('to_on')
    c.to_on = ''
    expect(conflictProblem(c)).toBeNull()
    expect(conflictBody(c)).toEqual({ user_id: '5', relation: 'relative', from_on: '2026-11-01', unit_id: '7' })
    expect(conflictBody({ ...c, party: 'individual', party_name: ' 李四 ', note: '表兄' }))
      .toEqual({ user_id: '5', relation: 'relative', from_on: '2026-11-01', party_name: '李四', note: '表兄' })
  })
})

describe('public decisions (ENF-050)', () => {
  it('shows the published content in a stable order, without repeating the head', () => {
    const d: PublicDecision = { id: '1', decision_no: 'D1', published_on: '2026-11-29', town: '441900003',
      content: { decision_no: 'D1', town_name: '东城街道', fine_fen: 2000000, issuer: '东莞市消防救援支队', penalty: { outcome: 'fine', text: '罚款人民币20000元' },
        party: { type: 'unit', name: '示例公司', code: '91441900MA00000000' }, facts: '喷淋系统停用', empty: '',
        violations: [{ item: 'FPL-60-1', name_zh: '消防设施不符合标准', facts: '停用' }], basis: '《消防法》第六十条', extra: { a: 1 } } }
    expect(decisionLines(d)).toEqual([
      { key: 'party', value: '示例公司（91441900MA00000000）' }, { key: 'facts', value: '喷淋系统停用' },
      { key: 'violations', value: 'FPL-60-1 消防设施不符合标准：停用' }, { key: 'basis', value: '《消防法》第六十条' },
      { key: 'penalty', value: '罚款人民币20000元' }, { key: 'issuer', value: '东莞市消防救援支队' }, { key: 'extra', value: '{"a":1}' },
    ])
  })
})

describe('refusals in words', () => {
  const tr = (k: string, n?: Record<string, unknown>) => (n ? `${k} ${JSON.stringify(n)}` : k)
  it('names the officer and the reason of a refused officer (ENF-003/004)', () => {
    expect(enforceErrorText('officer ce.b has no enforcement certificate valid on 2026-11-29 (none recorded; ENF-003, 行政处罚法 art. 42)',
      'policy', '不符合', tr)).toBe('enforce.err.noCert {"who":"ce.b","d":"2026-11-29"}')
    expect(enforceErrorText('officer ce.b has a recorded conflict of interest with the party and must withdraw (ENF-004)', 'policy', 'x', tr))
      .toBe('enforce.err.conflict {"who":"ce.b"}')
    expect(enforceErrorText('the party may state a defence or ask for a hearing until 2026-12-04 (art. 64, ENF-022)', 'policy', 'x', tr))
      .toBe('enforce.err.window {"d":"2026-12-04"}')
    expect(enforceErrorText('legal review (法制审核) must approve the decision first (art. 58, ENF-024)', 'policy', 'x', tr)).toBe('enforce.err.reviewFirst')
  })
  it('keeps the server sentence after a refusal it does not know, and the plain text otherwise', () => {
    expect(enforceErrorText('a case filed (step decide) cannot be served (ENF-026)', 'policy', '不符合规则', tr))
      .toBe('不符合规则：a case filed (step decide) cannot be served (ENF-026)')
    expect(enforceErrorText('facts is required', 'missing', '必填', tr)).toBe('必填')
  })
})
