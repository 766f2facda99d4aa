import { describe, expect, it } from 'vitest'
import type { Permit, PermitRules } from '@/api/permit'
import {
  DOC_MAX_BYTES, blankPermitForm, docProblem, dueKind, formFieldOf, isTasksView, parsePermitQuery, permitActions, permitApiQuery,
  permitBody, permitDocuments, permitFormProblem, permitUrlQuery, stepProblem, timeline, verifyBody, verifyProblem, verifyRows,
  blankStep,
} from './permit'
import type { PermitForm, VerifyRow } from './permit'

const RULES = {
  uses: ['宾馆', '饭店', '歌舞娱乐'],
  commitment: { version: '2026.1', status: 'P', text: '本单位承诺……' },
  clocks: { max_deadline_days: { value: 60, status: 'U', note: '' } },
} as unknown as PermitRules

const can = (...perms: string[]) => (p: string): boolean => perms.includes(p)

function permit(over: Partial<Permit>): Permit {
  return {
    id: '1', no: 'XKSQ2026000001', unit_id: '7', town: '441900003', place_name: '示例酒店', address: '示例路 8 号', use: '宾馆',
    area_m2: 1800, capacity: 300, route: 'commitment', commitment_version: '2026.1',
    documents: { licence: '11', rules: '12', plans: [], other: [] }, status: 'submitted', step_due: '2026-05-21',
    submitted_on: '2026-05-20', inspected_on: null, inspection: null, permit_no: null, decided_on: null, refusal_no: null,
    refusal_reasons: null, cert_id: null, verify_status: null, verify_due: null, verified_on: null, verification: null,
    notice_no: null, rectify_deadline: null, recheck_due: null, revocation_no: null, revoked_on: null, revoke_reason: null,
    previous_id: null, version: 1, created_at: 0, updated_at: 0, created_by: 'u1', ...over,
  }
}

describe('permit list query', () => {
  it('keeps only what the server accepts', () => {
    expect(parsePermitQuery({ status: 'issued', route: 'inspection', verify_status: 'mismatch', town: '441900003', overdue: '1',
      sort: 'verify_due', q: ' 酒店 ', limit: '50', offset: '100' })).toEqual({
      q: '酒店', status: 'issued', route: 'inspection', verify_status: 'mismatch', town: '441900003', overdue: true,
      sort: 'verify_due', limit: 50, offset: 100,
    })
    expect(parsePermitQuery({ status: 'open', route: 'fast', verify_status: 'x', town: '12', sort: 'name', limit: '7', offset: '-3' }))
      .toMatchObject({ status: '', route: '', verify_status: '', town: '', sort: '-created', limit: 20, offset: 0 })
  })
  it('writes only what differs from the defaults, and sends the page', () => {
    const q = parsePermitQuery({ verify_status: 'pending', sort: 'verify_due' })
    expect(permitUrlQuery(q)).toEqual({ verify_status: 'pending', sort: 'verify_due' })
    expect(isTasksView(q)).toBe(true)
    expect(permitApiQuery(q)).toEqual({ verify_status: 'pending', sort: 'verify_due', offset: 0, limit: 20 })
    expect(permitUrlQuery(parsePermitQuery({}))).toEqual({})
  })
})

describe('permit clocks and steps', () => {
  it('names what step_due is the deadline of', () => {
    expect(dueKind({ status: 'submitted', route: 'commitment', verify_status: null })).toBe('decide')
    expect(dueKind({ status: 'submitted', route: 'inspection', verify_status: null })).toBe('inspect')
    expect(dueKind({ status: 'inspected', route: 'inspection', verify_status: null })).toBe('decide')
    expect(dueKind({ status: 'issued', route: 'commitment', verify_status: 'pending' })).toBe('verify')
    expect(dueKind({ status: 'issued', route: 'commitment', verify_status: 'mismatch' })).toBe('recheck')
    expect(dueKind({ status: 'issued', route: 'commitment', verify_status: 'matched' })).toBeNull()
    expect(dueKind({ status: 'revoked', route: 'commitment', verify_status: 'revoked' })).toBeNull()
  })

  it('offers each step only in the statuses and to the permissions the server allows (PRM-005..016)', () => {
    const off = can('permit:decide', 'permit:verify', 'permit:read')
    expect(permitActions(permit({}), off)).toEqual(['issue', 'refuse'])
    expect(permitActions(permit({ route: 'inspection' }), off)).toEqual(['inspect', 'refuse'])
    expect(permitActions(permit({ route: 'inspection', status: 'inspected', inspection: { result: 'pass', note: '', items: [] } }), off))
      .toEqual(['issue', 'refuse'])
    expect(permitActions(permit({ route: 'inspection', status: 'inspected', inspection: { result: 'fail', note: '', items: [] } }), off))
      .toEqual(['refuse'])
    expect(permitActions(permit({ status: 'issued', verify_status: 'pending' }), off)).toEqual(['verify', 'reissue'])
    expect(permitActions(permit({ status: 'issued', verify_status: 'mismatch' }), off)).toEqual(['recheck', 'reissue'])
    expect(permitActions(permit({ status: 'issued', verify_status: 'matched' }), off)).toEqual(['reissue'])
    expect(permitActions(permit({ status: 'revoked', verify_status: 'revoked' }), off)).toEqual([])
    expect(permitActions(permit({ status: 'refused' }), off)).toEqual([])
    /* A unit only applies and reads; a leader only reads. */
    expect(permitActions(permit({}), can('permit:apply', 'permit:read'))).toEqual([])
    expect(permitActions(permit({ status: 'issued', verify_status: 'pending' }), can('permit:read'))).toEqual([])
  })

  it('lists the documents an application has (PRM-017)', () => {
    expect(permitDocuments(permit({}))).toEqual([])
    expect(permitDocuments(permit({ status: 'issued', cert_id: '9' }))).toEqual(['certificate'])
    expect(permitDocuments(permit({ status: 'refused' }))).toEqual(['refusal'])
    expect(permitDocuments(permit({ status: 'revoked', cert_id: '9', notice_no: 'N1' }))).toEqual(['certificate', 'notice', 'revocation'])
  })

  it('orders the timeline newest first', () => {
    const s = (id: string, at: number) => ({ id, action: 'x', note: null, due: null, actor: 'u', at })
    expect(timeline([s('1', 10), s('2', 30), s('3', 30)]).map((x) => x.id)).toEqual(['3', '2', '1'])
  })
})

describe('the application form (PRM-002, PRM-003)', () => {
  const good = (): PermitForm => ({
    ...blankPermitForm(), place_name: ' 示例酒店 ', address: '东莞市东城街道示例路8号', use: '宾馆', area_m2: 1800, capacity: 300,
    accepted: true, licence: '11', rules: '12',
  })

  it('finds the first problem on its field', () => {
    expect(permitFormProblem(good(), RULES, false)).toBeNull()
    expect(permitFormProblem(good(), RULES, true)?.field).toBe('unit_id')
    const cases: [Partial<PermitForm>, string][] = [
      [{ place_name: 'x' }, 'place_name'], [{ address: '' }, 'address'], [{ use: '工厂' }, 'use'],
      [{ area_m2: 0 }, 'area_m2'], [{ area_m2: 12.5 }, 'area_m2'], [{ area_m2: null }, 'area_m2'],
      [{ capacity: 1000001 }, 'capacity'], [{ accepted: false }, 'commitment'], [{ licence: '' }, 'documents.licence'],
      [{ rules: '' }, 'documents.rules'], [{ plans: Array(11).fill('1') }, 'documents.plans'],
    ]
    for (const [over, field] of cases)
      expect(permitFormProblem({ ...good(), ...over }, RULES, false)?.field, field).toBe(field)
    /* The inspection route needs no commitment. */
    expect(permitFormProblem({ ...good(), route: 'inspection', accepted: false }, RULES, false)).toBeNull()
  })

  it('sends the commitment of the version in force on its route only, and the unit only from the window', () => {
    expect(permitBody(good(), RULES, false)).toEqual({
      place_name: '示例酒店', address: '东莞市东城街道示例路8号', use: '宾馆', area_m2: 1800, capacity: 300, route: 'commitment',
      commitment: { version: '2026.1', accepted: true }, documents: { licence: '11', rules: '12' },
    })
    const b = permitBody({ ...good(), route: 'inspection', unit_id: '7', plans: ['13'], other: ['14', '15'] }, RULES, true)
    expect(b.commitment).toBeUndefined()
    expect(b.unit_id).toBe('7')
    expect(b.documents).toEqual({ licence: '11', rules: '12', plans: ['13'], other: ['14', '15'] })
  })

  it('shows server field errors where the form has them', () => {
    expect(formFieldOf('commitment.accepted')).toBe('commitment')
    expect(formFieldOf('commitment.version')).toBe('commitment')
    expect(formFieldOf('documents')).toBe('documents.licence')
    expect(formFieldOf('documents.rules')).toBe('documents.rules')
  })

  it('takes PDF and images up to 20 MiB as documents', () => {
    expect(docProblem({ type: 'application/pdf', size: 1000 })).toBeNull()
    expect(docProblem({ type: 'image/png', size: DOC_MAX_BYTES })).toBeNull()
    expect(docProblem({ type: 'image/gif', size: 10 })).toBe('permit.doc.badType')
    expect(docProblem({ type: 'application/pdf', size: DOC_MAX_BYTES + 1 })).toBe('permit.doc.tooLarge')
    expect(docProblem({ type: 'application/pdf', size: 0 })).toBe('permit.doc.empty')
  })
})

describe('verification item by item (PRM-012, PRM-013)', () => {
  const tr = (k: string, n?: Record<string, unknown>) => (n ? `${k}:${JSON.stringify(n)}` : k)
  const row = (item: string, match: boolean | null, committed = '', found = ''): VerifyRow => ({ item, committed, found, match })

  it('starts from what the application declared', () => {
    const rows = verifyRows(permit({}), tr)
    expect(rows[0]).toEqual({ item: 'permit.verify.item.use', committed: '宾馆', found: '', match: null })
    expect(rows[1]!.committed).toBe('permit.verify.areaValue:{"n":1800}')
    expect(rows.every((r) => r.match === null)).toBe(true)
  })

  it('needs an answer for every row with an item, and a deadline when something does not match', () => {
    expect(verifyProblem([row('', null)], '', 10, 60)?.field).toBe('items')
    expect(verifyProblem([row('安全出口', true), row('喷淋', null)], '', 10, 60)).toMatchObject({ field: 'row1', params: { item: '喷淋' } })
    expect(verifyProblem([row('安全出口', true), row('', null)], '', null, 60)).toBeNull()
    expect(verifyProblem([row('喷淋', false)], '', null, 60)?.field).toBe('rectify_days')
    expect(verifyProblem([row('喷淋', false)], '', 61, 60)?.field).toBe('rectify_days')
    expect(verifyProblem([row('喷淋', false)], '', 10, 60)).toBeNull()
    expect(verifyProblem([row('x'.repeat(201), true)], '', 10, 60)?.field).toBe('row0')
  })

  it('sends the rows with an item; a deadline only with a mismatch', () => {
    const rows = [row(' 安全出口数量 ', true, '4 个', '4 个'), row('', null), row('自动喷水灭火系统', false, '全覆盖', ' 三层未设置 ')]
    expect(verifyBody(rows, ' 三层喷淋未设置 ', 10)).toEqual({
      items: [
        { item: '安全出口数量', committed: '4 个', found: '4 个', match: true },
        { item: '自动喷水灭火系统', committed: '全覆盖', found: '三层未设置', match: false },
      ],
      note: '三层喷淋未设置', rectify_days: 10,
    })
    expect(verifyBody([row('疏散通道', true)], '', 10)).toEqual({ items: [{ item: '疏散通道', match: true }] })
  })
})

describe('the other steps', () => {
  it('checks what the server would refuse', () => {
    const f = (over: Partial<ReturnType<typeof blankStep>>) => ({ ...blankStep(), ...over })
    expect(stepProblem('inspect', f({ note: '合格' }))?.field).toBe('result')
    expect(stepProblem('inspect', f({ result: 'pass', note: 'x' }))?.field).toBe('note')
    expect(stepProblem('inspect', f({ result: 'fail', note: '疏散楼梯不合格' }))).toBeNull()
    expect(stepProblem('issue', f({}))).toBeNull()
    expect(stepProblem('refuse', f({ reasons: '不符' }))?.field).toBe('reasons')
    expect(stepProblem('refuse', f({ reasons: '疏散楼梯形式不符合国家标准' }))).toBeNull()
    expect(stepProblem('recheck', f({ note: '逾期仍未设置喷淋' }))?.field).toBe('fixed')
    expect(stepProblem('recheck', f({ fixed: 'no', note: '逾期仍未设置喷淋' }))).toBeNull()
    expect(stepProblem('reissue', f({ reason: '丢' }))?.field).toBe('reason')
    expect(stepProblem('reissue', f({ reason: '证书遗失' }))).toBeNull()
  })
})
