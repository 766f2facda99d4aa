import { describe, expect, it } from 'vitest'
import type { Hazard, HazardType, JudgeEditionFile, Seal } from '@/api/hazard'
import {
  agreeingNeeded, blankHazardForm, csvText, defaultSource, editionOn, elementGroups, fixSeals, hazardActions, hazardApiQuery,
  hazardBody, hazardExportFilename, hazardFormProblem, hazardUrlQuery, heatChart, heatRows, judgeBody, judgeFormProblem,
  judgeReasonText, judgeTally, listingActions, outcomeKey, parseHazardQuery, parseNames, recheckView, scopeOf, sealActions, sealsNeedFix, showsHeat,
  showsTownFilter, sourceChoices, timeline, transferActions, transferDue,
} from './hazard'
import { actionBody, actionFields, actionProblem, addDays, blankAction } from './actions'
import type { ActionContext, ActionForm } from './actions'
import { listingCsv, publicCsv } from './useListingBoard'
import { inboxRole } from './useTransferInbox'

const hazard = (extra: Partial<Hazard> = {}): Hazard => ({
  id: '7', no: 'YH20260000007', unit_id: '3', unit_name: '隐患测试商店', town: '441900003', grid_id: null, type_code: 'HZ-EXIT',
  source: 'patrol', source_id: null, item_code: null, description: '安全出口堆放纸箱', legal_basis: null, location: null,
  dept: 'fire', photos: ['11'], found_on: '2026-11-02', deadline: '2026-11-05', status: 'ordered', step_due: '2026-11-05',
  escalation: 0, escalated_on: null, level: 'general', returns: 0, notice_no: null, close_reason: null, closed_on: null,
  version: 2, created_at: 1, updated_at: 2, created_by: '9', steps: [], transfers: [], judgements: [], listings: [], seals: [],
  ...extra,
})

const perms = (...p: string[]) => (x: string) => p.includes(x)

const EXIT: HazardType = { code: 'HZ-EXIT', name: '占用、堵塞、封闭疏散通道、安全出口', legal_basis: '消防法第六十条', deadline_days: 3,
  dept: 'fire', on_spot: true, status: 'C' }
const FACILITY: HazardType = { ...EXIT, code: 'HZ-FACILITY', deadline_days: 10, on_spot: false }

describe('hazard list query (HAZ-007)', () => {
  it('keeps only what the server accepts', () => {
    expect(parseHazardQuery({ q: ' YH1 ', status: 'ordered', town: '441900003', source: 'patrol', level: 'major', overdue: '1',
      escalated: 'true', from: '2026-01-01', to: '2026-02-30', sort: 'step_due', limit: '50', offset: '100' }))
      .toEqual({ q: 'YH1', status: 'ordered', town: '441900003', source: 'patrol', level: 'major', overdue: true, escalated: true,
        from: '2026-01-01', to: '', sort: 'step_due', limit: 50, offset: 100 })
    expect(parseHazardQuery({ status: 'open', town: '12', source: 'x', level: 'minor', sort: 'name', limit: '7', offset: '-3' }))
      .toMatchObject({ status: '', town: '', source: '', level: '', sort: '-found_on', limit: 20, offset: 0, overdue: false })
  })
  it('swaps a reversed date range', () => {
    expect(parseHazardQuery({ from: '2026-05-01', to: '2026-01-01' })).toMatchObject({ from: '2026-01-01', to: '2026-05-01' })
  })
  it('writes the URL with only what differs and the server query with the flags', () => {
    const q = parseHazardQuery({ status: 'found', overdue: '1' })
    expect(hazardUrlQuery(q)).toEqual({ status: 'found', overdue: '1' })
    expect(hazardApiQuery(q)).toEqual({ status: 'found', overdue: '1', sort: '-found_on', offset: 0, limit: 20 })
    expect(hazardApiQuery({ ...q, offset: 40 }, false)).toEqual({ status: 'found', overdue: '1', sort: '-found_on' })
  })
  it('names the export file', () => {
    expect(hazardExportFilename('xlsx', new Date(2026, 10, 9), '火灾隐患')).toBe('火灾隐患-20261109.xlsx')
  })
})

describe('jurisdiction views', () => {
  it('reads every jurisdiction form, departments included', () => {
    expect(scopeOf('city').kind).toBe('city')
    expect(scopeOf('town:441900003')).toEqual({ kind: 'town', town: '441900003', dept: '' })
    expect(scopeOf('dept:housing')).toEqual({ kind: 'dept', town: '', dept: 'housing' })
    expect(scopeOf('dept:power:441900121')).toEqual({ kind: 'dept', town: '441900121', dept: 'power' })
    expect(scopeOf('grid:12').kind).toBe('grid')
    expect(scopeOf('unit:3').kind).toBe('unit')
    expect(scopeOf('').kind).toBe('none')
  })
  it('offers a town filter to city-wide views and the heat table to towns and the city', () => {
    expect(showsTownFilter(scopeOf('city'))).toBe(true)
    expect(showsTownFilter(scopeOf('dept:housing'))).toBe(true)
    expect(showsTownFilter(scopeOf('dept:power:441900121'))).toBe(false)
    expect(showsTownFilter(scopeOf('town:441900003'))).toBe(false)
    expect(showsHeat(scopeOf('town:441900003'))).toBe(true)
    expect(showsHeat(scopeOf('grid:1'))).toBe(false)
    expect(showsHeat(scopeOf('dept:housing'))).toBe(false)
  })
  it('defaults the source by role (HAZ-003)', () => {
    expect(defaultSource(['grid'])).toBe('patrol')
    expect(defaultSource(['police'])).toBe('police')
    expect(defaultSource(['officer'])).toBe('officer')
    expect(sourceChoices(['grid'])).toEqual(['patrol', 'officer', 'police'])
  })
})

describe('hazard actions by status and permission (HAZ-009..013)', () => {
  const officer = perms('hazard:read', 'hazard:write', 'hazard:judge', 'hazard:seal')
  it('a found hazard is ordered, transferred or dismissed', () => {
    expect(hazardActions(hazard({ status: 'found' }), officer)).toEqual(['order', 'transfer', 'dismiss', 'judge', 'seal'])
  })
  it('an ordered hazard is reported by the unit and re-checked by the officer', () => {
    expect(hazardActions(hazard(), perms('hazard:read', 'hazard:report'))).toEqual(['report'])
    expect(hazardActions(hazard(), officer)).toEqual(['recheck', 'transfer', 'judge', 'seal'])
    expect(hazardActions(hazard({ status: 'reported' }), officer)).toEqual(['recheck', 'judge', 'seal'])
  })
  it('a closed hazard has nothing left; a transferred one only the judgement and seal', () => {
    expect(hazardActions(hazard({ status: 'closed' }), officer)).toEqual([])
    expect(hazardActions(hazard({ status: 'transferred' }), officer)).toEqual(['judge', 'seal'])
  })
  it('listing needs a major hazard not already listed; one open seal at a time', () => {
    const town = perms('hazard:write', 'hazard:list')
    expect(hazardActions(hazard({ status: 'found' }), town)).not.toContain('list')
    expect(hazardActions(hazard({ status: 'found', level: 'major' }), town)).toContain('list')
    const listed = { id: '1', no: 'L1', level: 'town', body: 'x', deadline: '2026-12-01', status: 'listed', published: false,
      listed_on: '2026-11-01', delisted_on: null, delist_note: null, version: 1 } as const
    expect(hazardActions(hazard({ level: 'major', listings: [listed] }), town)).not.toContain('list')
    const seal = { id: '1', no: 'S1', scope: 'x', reason: 'y', start_on: '2026-11-01', end_on: '2026-11-30', extended: false,
      status: 'lift_applied', lift_request: null, lift_note: null, lifted_on: null, version: 1 } as const
    expect(hazardActions(hazard({ seals: [seal] }), officer)).not.toContain('seal')
    expect(hazardActions(hazard({ seals: [{ ...seal, status: 'lifted' }] }), officer)).toContain('seal')
  })
})

describe('transfers (HAZ-014..017)', () => {
  const dept = perms('hazard:read', 'hazard:dept')
  const fire = perms('hazard:read', 'hazard:write')
  const town = perms('hazard:read', 'hazard:write', 'hazard:decide')
  it('the department accepts or returns, then completes; the fire service disputes; the town decides', () => {
    expect(transferActions({ status: 'pending' }, dept)).toEqual(['accept', 'return'])
    expect(transferActions({ status: 'accepted' }, dept)).toEqual(['complete'])
    expect(transferActions({ status: 'returned' }, dept)).toEqual([])
    expect(transferActions({ status: 'returned' }, fire)).toEqual(['dispute'])
    expect(transferActions({ status: 'disputed' }, fire)).toEqual([])
    expect(transferActions({ status: 'disputed' }, town)).toEqual(['decide'])
    expect(transferActions({ status: 'completed' }, town)).toEqual([])
  })
  it('the due date is that of the current step', () => {
    expect(transferDue({ status: 'pending', due: '2026-11-05', complete_due: '2026-11-30' })).toBe('2026-11-05')
    expect(transferDue({ status: 'accepted', due: '2026-11-05', complete_due: '2026-11-30' })).toBe('2026-11-30')
    expect(transferDue({ status: 'completed', due: '2026-11-05', complete_due: '2026-11-30' })).toBeNull()
  })
  it('the inbox belongs to the department, the town office or the fire side', () => {
    expect(inboxRole(dept)).toBe('dept')
    expect(inboxRole(town)).toBe('town')
    expect(inboxRole(fire)).toBe('fire')
  })
})

describe('seals and listings', () => {
  it('the officer extends and lifts, the unit applies', () => {
    const off = perms('hazard:seal')
    const unit = perms('hazard:report')
    expect(sealActions({ status: 'active' }, off)).toEqual(['extend', 'lift'])
    expect(sealActions({ status: 'lift_applied' }, off)).toEqual(['lift', 'refuse'])
    expect(sealActions({ status: 'active' }, unit)).toEqual(['apply'])
    expect(sealActions({ status: 'lifted' }, off)).toEqual([])
  })
  it('a listing is delisted only once the hazard is closed', () => {
    const town = perms('hazard:list')
    expect(listingActions({ status: 'listed' }, 'ordered', town)).toEqual(['progress'])
    expect(listingActions({ status: 'listed' }, 'closed', town)).toEqual(['progress', 'delist'])
    expect(listingActions({ status: 'delisted' }, 'closed', town)).toEqual([])
    expect(listingActions({ status: 'listed' }, 'ordered', perms('hazard:read'))).toEqual([])
  })
  it('the board as CSV, with a BOM and inert formulas', () => {
    const csv = listingCsv([{ id: '1', no: '东莞消督字〔2026〕第0001号', hazard_id: '7', hazard_no: 'YH1', unit_name: '=HYPERLINK("x")',
      town: '441900003', description: '未设报警', hazard_status: 'ordered', level: 'city', body: '市消安委', deadline: '2026-12-31',
      status: 'listed', published: true, listed_on: '2026-11-01', delisted_on: null, version: 1, reports: 2 }], (k) => k, () => '东城街道')
    const lines = csv.split('\r\n')
    expect(lines[0]!.startsWith('\ufeffhazard.listing.no,')).toBe(true)
    expect(lines[1]).toBe(`东莞消督字〔2026〕第0001号,YH1,"'=HYPERLINK(""x"")",东城街道,未设报警,hazard.listing.level.city,市消安委,` +
      '2026-11-01,2026-12-31,hazard.listing.status.listed,common.yes,2')
    const pub = publicCsv([{ no: 'N1', level: 'town', body: '东城街道办', deadline: '2026-12-31', listed_on: '2026-11-01', unit_name: '某店',
      address: '东城路 1 号', town: '441900003', description: '出口不足', type: null }], (k) => k, (c) => c)
    expect(pub.split('\r\n')[1]).toBe('N1,某店,东城路 1 号,441900003,,出口不足,hazard.listing.level.town,东城街道办,2026-11-01,2026-12-31')
    expect(csvText(['a'], [['x,y']])).toBe('\ufeffa\r\n"x,y"\r\n')
  })
  it('mends the seals of a hazard\'s answer (extended as "0", status as a boolean)', () => {
    const broken = [{ id: '1', no: 'S1', scope: '一楼', reason: '住人', start_on: '2026-11-01', end_on: '2026-12-01', extended: '1',
      status: false, lift_request: null, lift_note: null, lifted_on: null, version: 2 },
    { id: '2', no: 'S2', scope: '二楼', reason: '住人', start_on: '2026-10-01', end_on: '2026-10-31', extended: '0',
      status: false, lift_request: null, lift_note: '已整改', lifted_on: '2026-10-20', version: 3 }] as unknown as Seal[]
    expect(sealsNeedFix(broken)).toBe(true)
    const fixed = fixSeals(broken, { 1: 'lift_applied' })
    expect(fixed.map((x) => [x.status, x.extended])).toEqual([['lift_applied', true], ['lifted', false]])
    expect(sealsNeedFix(fixed)).toBe(false)
    expect(fixSeals(fixed, {})).toEqual(fixed)
  })
})

describe('recording a hazard (HAZ-002..004)', () => {
  it('checks before sending', () => {
    const f = blankHazardForm('patrol')
    expect(hazardFormProblem(f, null, 60)?.field).toBe('unit_id')
    Object.assign(f, { unit_id: '3' })
    expect(hazardFormProblem(f, null, 60)?.field).toBe('type_code')
    Object.assign(f, { type_code: 'HZ-FACILITY', description: 'x', deadline_days: 10 })
    expect(hazardFormProblem(f, FACILITY, 60)?.field).toBe('description')
    Object.assign(f, { description: '灭火器过期', on_spot: true })
    expect(hazardFormProblem(f, FACILITY, 60)?.key).toBe('hazard.form.noOnSpot')
    Object.assign(f, { on_spot: false, deadline_days: 61 })
    expect(hazardFormProblem(f, FACILITY, 60)).toMatchObject({ field: 'deadline_days', params: { max: 60 } })
    Object.assign(f, { decide_later: true })
    expect(hazardFormProblem(f, FACILITY, 60)).toBeNull()
  })
  it('sends the type\'s default deadline by leaving it out', () => {
    const f = { ...blankHazardForm('patrol'), unit_id: '3', type_code: 'HZ-EXIT', description: ' 出口堵塞 ', deadline_days: 3, photos: ['5'] }
    expect(hazardBody(f, EXIT)).toEqual({ unit_id: '3', type_code: 'HZ-EXIT', description: '出口堵塞', source: 'patrol', photos: ['5'] })
    expect(hazardBody({ ...f, deadline_days: 5, location: ' 二楼 ' }, EXIT)).toMatchObject({ deadline_days: 5, location: '二楼' })
    expect(hazardBody({ ...f, on_spot: true, deadline_days: 5 }, EXIT)).toMatchObject({ on_spot: true })
    expect(hazardBody({ ...f, on_spot: true }, EXIT)).not.toHaveProperty('deadline_days')
    expect(hazardBody({ ...f, decide_later: true, deadline_days: 9 }, EXIT)).toMatchObject({ decide_later: true })
    expect(hazardBody({ ...f, decide_later: true, deadline_days: 9 }, EXIT)).not.toHaveProperty('deadline_days')
  })
})

describe('re-check view and timeline', () => {
  const steps = [
    { id: '1', action: 'create', from_status: null, to_status: 'ordered', note: '堵塞', photos: ['11'], due: null, actor: '9', at: 100 },
    { id: '2', action: 'report', from_status: 'ordered', to_status: 'reported', note: '已清理', photos: ['21'], due: null, actor: '8', at: 200 },
    { id: '3', action: 'recheck_fail', from_status: 'reported', to_status: 'ordered', note: '仍有', photos: [], due: null, actor: '9', at: 300 },
    { id: '4', action: 'report', from_status: 'ordered', to_status: 'reported', note: '全部清理', photos: ['31', '32'], due: null, actor: '8', at: 400 },
  ] as const
  it('puts the finding beside the latest report', () => {
    const v = recheckView(hazard({ steps: steps.map((s) => ({ ...s, photos: [...s.photos] })) }))
    expect(v).toEqual({ finding: ['11'], findingNote: '安全出口堆放纸箱', report: ['31', '32'], reportNote: '全部清理', reportAt: 400 })
    expect(recheckView(hazard({ photos: [] })).report).toEqual([])
  })
  it('lists the newest step first', () => {
    expect(timeline(steps.map((s) => ({ ...s, photos: [...s.photos] }))).map((s) => s.id)).toEqual(['4', '3', '2', '1'])
  })
})

describe('town heat table (HAZ-018)', () => {
  const rows = [
    { town: '441900003', town_name: '东城街道', open: 3, overdue: 0, escalated: 0, major: 0, closed_this_year: 5, total: 8 },
    { town: '441900121', town_name: '虎门镇', open: 2, overdue: 1, escalated: 1, major: 1, closed_this_year: 0, total: 2 },
  ]
  it('puts the towns with overdue hazards first', () => {
    expect(heatRows(rows).map((r) => r.town)).toEqual(['441900121', '441900003'])
  })
  it('draws one bar series per count and the closures as a line', () => {
    const o = heatChart(rows, (k) => k, (c) => c)
    expect(o.xAxis.data).toEqual(['虎门镇', '东城街道'])
    expect(o.series.map((s) => s.type)).toEqual(['bar', 'bar', 'bar', 'bar', 'line'])
    expect(o.series[1]!.data).toEqual([1, 0])
  })
})

describe('step dialogs from one table', () => {
  const ctx: ActionContext = { maxDays: 60, typeDays: 10, sealDays: 30, sealLatest: '2026-12-09', listLevels: ['town'],
    depts: [{ value: 'housing', label: '住建' }], today: '2026-11-09' }
  it('a report needs a note and a photo (HAZ-010)', () => {
    const f = actionFields('report', ctx)
    const form = blankAction(f)
    expect(actionProblem(f, form)?.field).toBe('note')
    form.note = '已清理'
    expect(actionProblem(f, form)).toEqual({ field: 'photos', key: 'hazard.step.photoRequired', params: {} })
    form.photos = ['9']
    expect(actionProblem(f, form)).toBeNull()
    expect(actionBody(f, form)).toEqual({ note: '已清理', photos: ['9'] })
  })
  it('a re-check asks for a new deadline only when it fails (HAZ-011)', () => {
    const f = actionFields('recheck', ctx)
    const form: ActionForm = { ...blankAction(f), result: 'pass', note: '复查合格' }
    expect(actionProblem(f, form)).toBeNull()
    expect(actionBody(f, form)).toEqual({ result: 'pass', note: '复查合格' })
    form.result = 'fail'
    form.deadline_days = 0
    expect(actionProblem(f, form)?.field).toBe('deadline_days')
    form.deadline_days = 2
    expect(actionBody(f, form)).toEqual({ result: 'fail', note: '复查合格', deadline_days: 2 })
  })
  it('reasons are at least four characters; optional notes are left out when empty', () => {
    const d = actionFields('dismiss', ctx)
    expect(actionProblem(d, { reason: 'no' })?.field).toBe('reason')
    expect(actionProblem(d, { reason: '临时卸货' })).toBeNull()
    const o = actionFields('order', ctx)
    expect(actionBody(o, blankAction(o))).toEqual({ deadline_days: 10 })
    const t = actionFields('transfer', ctx)
    expect(actionProblem(t, blankAction(t))?.field).toBe('dept')
    expect(actionBody(t, { ...blankAction(t), dept: 'housing', note: ' 移送 ' })).toEqual({ dept: 'housing', deadline_days: 10, note: '移送' })
  })
  it('a decision sets a deadline only when the department must act', () => {
    const f = actionFields('decide', ctx)
    expect(actionBody(f, { ...blankAction(f), decision: 'released', note: '消防继续处理' })).toEqual({ decision: 'released', note: '消防继续处理' })
    expect(actionBody(f, { ...blankAction(f), decision: 'upheld', note: '属住建职责' })).toEqual({ decision: 'upheld', note: '属住建职责', deadline_days: 10 })
  })
  it('a seal lasts at most the catalogue\'s days; a listing\'s deadline is after today', () => {
    const s = actionFields('seal', ctx)
    const form: ActionForm = { ...blankAction(s), scope: '二层仓库', reason: '重大火灾隐患未消除', days: 31 }
    expect(actionProblem(s, form)).toMatchObject({ field: 'days', params: { max: 30 } })
    form.days = 30
    expect(actionBody(s, form)).toEqual({ scope: '二层仓库', reason: '重大火灾隐患未消除', start_on: '2026-11-09', days: 30 })
    /* A seal starts today or within 30 days (HAZ-028). */
    expect(actionProblem(s, { ...form, start_on: '2026-11-08' })?.field).toBe('start_on')
    expect(actionProblem(s, { ...form, start_on: '2026-12-10' })?.field).toBe('start_on')
    expect(actionProblem(s, { ...form, start_on: '2026-12-09' })).toBeNull()
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    const l = actionFields('list', ctx)
    const lf: ActionForm = { ...blankAction(l), body: '市消安委办', deadline: '2026-11-09' }
    expect(actionProblem(l, lf)?.field).toBe('deadline')
    lf.deadline = '2026-12-31'
    expect(actionBody(l, lf)).toEqual({ level: 'town', body: '市消安委办', deadline: '2026-12-31', publish: true })
    /* Only the city lists at city level (HAZ-025): a town user is offered the town level alone. */
    expect(actionFields('list', ctx)[0]!.options!.map((o) => o.value)).toEqual(['town'])
    const city = actionFields('list', { ...ctx, listLevels: ['town', 'city'] })[0]!
    expect([city.initial, city.options!.map((o) => o.value)]).toEqual(['city', ['town', 'city']])
    const d = actionFields('delist', ctx)
    expect(actionProblem(d, { note: '合格' })?.field).toBe('note')
  })
})

const edition: JudgeEditionFile = {
  format: 'firewarden-gb35181-v1', edition: '2017', standard: 'GB 35181-2017', title: '重大火灾隐患判定方法', effective: '2018-07-01',
  superseded: '2025-11-01', template: true,
  groups: [{ code: '6', name_zh: '直接判定要素', confirmed: true }, { code: '7.3', name_zh: '安全疏散', confirmed: true },
    { code: '7.5', name_zh: '防烟排烟', confirmed: false }],
  direct: [{ code: '6.5', group: '6', confirmed: true, text_zh: '安全出口不足' }],
  composite: [{ code: '7.3.1', group: '7.3', confirmed: true, text_zh: 'a' }, { code: '7.3.2', group: '7.3', confirmed: true, text_zh: 'b' },
    { code: '7.5', group: '7.5', confirmed: false, text_zh: 'c' }],
  places: [{ code: 'crowded', name_zh: '人员密集场所', name_en: 'crowded', rules: [
    { counts: ['7.3.1', '7.3.2'], threshold: 2, confirmed: false }, { counts: 'any', threshold: 4, confirmed: false }] }],
  exclusions: [{ code: 'stopped', clause: '5.1.3 b)', confirmed: true, text_zh: '停产停业' }],
}

describe('GB 35181 judgement wizard', () => {
  it('groups elements, the direct ones first', () => {
    expect(elementGroups(edition).map((g) => [g.code, g.direct, g.elements.length])).toEqual([['6', true, 1], ['7.3', false, 2], ['7.5', false, 1]])
  })
  it('tallies the ticked elements against the place\'s rules', () => {
    const t = judgeTally(edition, 'crowded', ['6.5', '7.3.1', '7.3.2'])
    expect(t.direct).toEqual(['6.5'])
    expect(t.rules.map((r) => [r.counted, r.threshold, r.met])).toEqual([[2, 2, true], [2, 4, false]])
  })
  it('picks the edition in force on the day found (HAZ-J02)', () => {
    const eds = [{ edition: '2017', effective: '2018-07-01', superseded: '2025-11-01' }, { edition: '2025', effective: '2025-11-01', superseded: null }]
    expect(editionOn(eds, '2024-05-01')?.edition).toBe('2017')
    expect(editionOn(eds, '2026-01-01')?.edition).toBe('2025')
    expect(editionOn(eds, '2010-01-01')?.edition).toBe('2025')
  })
  it('needs ≥ 3 for a discussion, ≥ 7 experts with two thirds agreeing', () => {
    const f = { edition: '2017', place: 'crowded', elements: ['7.3.2', '6.5'], exclusion: '', procedure: 'discussion' as const,
      participants: '张三\n李四', agreeing: 0, conclusion: '构成重大火灾隐患' }
    expect(judgeFormProblem(f, 2)).toBeNull()
    expect(judgeFormProblem(f, 4)?.field).toBe('participants')
    f.participants = '张三，李四、王五'
    expect(judgeFormProblem(f, 4)).toBeNull()
    const e = { ...f, procedure: 'expert' as const, participants: 'a,b,c,d,e,f,g', agreeing: 4 }
    expect(agreeingNeeded(7)).toBe(5)
    expect(judgeFormProblem(e, 4)).toMatchObject({ field: 'agreeing', params: { n: 5, of: 7 } })
    e.agreeing = 5
    expect(judgeFormProblem(e, 4)).toBeNull()
    expect(judgeBody(e)).toEqual({ edition: '2017', place: 'crowded', elements: ['6.5', '7.3.2'], procedure: 'expert',
      participants: ['a', 'b', 'c', 'd', 'e', 'f', 'g'], agreeing: 5, conclusion: '构成重大火灾隐患' })
    expect(judgeBody({ ...f, exclusion: 'stopped' })).toMatchObject({ exclusion: 'stopped' })
    expect(judgeBody(f)).not.toHaveProperty('agreeing')
    expect(judgeFormProblem({ ...f, participants: `张三,李四,${'王'.repeat(41)}` }, 4)?.key).toBe('hazard.judge.namesRule')
  })
  it('says the engine\'s reason in the reader\'s language', () => {
    const tr = (k: string, n?: Record<string, unknown>) => `${k}${n ? JSON.stringify(n) : ''}`
    expect(judgeReasonText('direct element 6.6', tr, '人员密集场所')).toBe('hazard.judge.why.direct{"codes":"6.6"}')
    expect(judgeReasonText('excluded by GB 35181-2017 5.1.3 b) (stopped): not judged a major hazard', tr, 'x'))
      .toBe('hazard.judge.why.excluded{"clause":"GB 35181-2017 5.1.3 b)","code":"stopped"}')
    expect(judgeReasonText('4 composite elements for crowded places (threshold 4): 7.1.1, 7.3.1, 7.3.2, 7.5', tr, '人员密集场所'))
      .toBe('hazard.judge.why.any{"n":4,"threshold":4,"place":"人员密集场所","codes":"7.1.1, 7.3.1, 7.3.2, 7.5"}')
    expect(judgeReasonText('no direct element; closest rule: 2 of the counted elements for crowded places (threshold 3): 7.3.1, 7.3.2',
      (k, n) => (k === 'hazard.judge.why.closest' ? `C(${String(n!.rule)})` : `${k}:${String(n!.n)}/${String(n!.threshold)}`), 'p'))
      .toBe('C(hazard.judge.why.listed:2/3)')
    expect(judgeReasonText('something new', tr, 'p')).toBe('something new')
  })
  it('reads names one per line or by commas, once each', () => {
    expect(parseNames(' 张三\n李四,张三；王五 ')).toEqual(['张三', '李四', '王五'])
    expect(outcomeKey('not-major')).toBe('not_major')
  })
})
