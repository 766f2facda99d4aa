/*
 * Pure helpers of the permit pages (营业前消防安全检查): the list query in
 * the URL and the one sent to the server (with the verification tasks
 * preset, PRM-009), the clocks a row shows, the steps an officer may take
 * by status (PRM-005..016), the documents an application has as PDF
 * (PRM-017), the application form's checks and body (PRM-002..004), the
 * verification rows (PRM-012) and the other step forms.  No UI, no HTTP:
 * unit-tested in permit.spec.ts.
 */
import { PERMIT_LIMITS, PERMIT_ROUTES, PERMIT_SORTS, PERMIT_STATUSES, VERIFY_STATUSES } from '@/api/permit'
import { PAGE_SIZES, listApiQuery, listUrlQuery, parseListQuery } from '@/views/shared/listQuery'
import type { ListQueryOf, ListSpec } from '@/views/shared/listQuery'
import type {
  Permit, PermitBrief, PermitDocument, PermitInput, PermitQuery, PermitRoute, PermitRules, PermitStep, VerifyInput,
  VerifyItem,
} from '@/api/permit'

export { PAGE_SIZES }
export const DEFAULT_SORT = '-created'

/* The permit list (filters: status, route, verify_status). */
const PERMIT_LIST: ListSpec<'status' | 'route' | 'verify_status'> = {
  filters: { status: PERMIT_STATUSES, route: PERMIT_ROUTES, verify_status: VERIFY_STATUSES },
  sorts: PERMIT_SORTS,
  defaultSort: DEFAULT_SORT,
}

/* The list's state as the URL keeps it. */
export type PermitListQuery = ListQueryOf<'status' | 'route' | 'verify_status'>

/* Route query -> list query, keeping only what the server accepts. */
export function parsePermitQuery(q: Record<string, unknown>): PermitListQuery {
  return parseListQuery(PERMIT_LIST, q)
}

/* List query -> route query: only what differs from the defaults. */
export function permitUrlQuery(q: PermitListQuery): Record<string, string> {
  return listUrlQuery(PERMIT_LIST, q)
}

export function permitApiQuery(q: PermitListQuery): PermitQuery {
  return listApiQuery(PERMIT_LIST, q)
}

/* The verification tasks (PRM-009): pending, soonest and riskiest first. */
export const TASKS_QUERY: Record<string, string> = { verify_status: 'pending', sort: 'verify_due' }

export function isTasksView(q: PermitListQuery): boolean {
  return q.verify_status === 'pending' && q.sort === 'verify_due'
}

type TagType = 'danger' | 'warning' | 'primary' | 'info' | 'success'

export function statusType(s: string): TagType {
  switch (s) {
  case 'submitted': return 'warning'
  case 'inspected': return 'primary'
  case 'issued': return 'success'
  case 'refused': return 'info'
  default: return 'danger'
  }
}

export function verifyType(s: string | null): TagType {
  switch (s) {
  case 'pending': return 'warning'
  case 'matched': return 'success'
  case 'rectified': return 'success'
  case 'mismatch': return 'danger'
  default: return 'info'
  }
}

export function certType(s: string): TagType {
  return s === 'valid' ? 'success' : s === 'revoked' ? 'danger' : 'info'
}

/*
 * What step_due is the deadline of, by where the application stands:
 * the decision (submitted or inspected), the inspection (submitted on the
 * inspection route), the verification, or the re-check after a mismatch.
 */
export function dueKind(p: Pick<PermitBrief, 'status' | 'route' | 'verify_status'>): 'decide' | 'inspect' | 'verify' | 'recheck' | null {
  if (p.status === 'submitted')
    return p.route === 'inspection' ? 'inspect' : 'decide'
  if (p.status === 'inspected')
    return 'decide'
  if (p.status === 'issued' && p.verify_status === 'pending')
    return 'verify'
  if (p.status === 'issued' && p.verify_status === 'mismatch')
    return 'recheck'
  return null
}

export type Can = (perm: string) => boolean
export type PermitAction = 'inspect' | 'issue' | 'refuse' | 'verify' | 'recheck' | 'reissue'

/* The steps a person may take now (the server checks status and permission again). */
export function permitActions(p: Pick<Permit, 'status' | 'route' | 'verify_status' | 'inspection'>, can: Can): PermitAction[] {
  const out: PermitAction[] = []
  if (can('permit:decide')) {
    if (p.route === 'inspection' && p.status === 'submitted')
      out.push('inspect')
    if ((p.route === 'commitment' && p.status === 'submitted') ||
        (p.status === 'inspected' && p.inspection?.result === 'pass'))
      out.push('issue')
    if (p.status === 'submitted' || p.status === 'inspected')
      out.push('refuse')
  }
  if (can('permit:verify') && p.status === 'issued') {
    if (p.verify_status === 'pending')
      out.push('verify')
    if (p.verify_status === 'mismatch')
      out.push('recheck')
  }
  if (can('permit:decide') && p.status === 'issued')
    out.push('reissue')
  return out
}

/* The documents the application has (PRM-017), in the order they arise. */
export function permitDocuments(p: Pick<Permit, 'cert_id' | 'status' | 'notice_no'>): PermitDocument[] {
  const out: PermitDocument[] = []
  if (p.cert_id)
    out.push('certificate')
  if (p.status === 'refused')
    out.push('refusal')
  if (p.notice_no)
    out.push('notice')
  if (p.status === 'revoked')
    out.push('revocation')
  return out
}

/* Steps newest first. */
export function timeline(steps: readonly PermitStep[] | undefined): PermitStep[] {
  return [...(steps ?? [])].sort((a, b) => b.at - a.at || (b.id > a.id ? 1 : b.id < a.id ? -1 : 0))
}

export function stepType(action: string): 'primary' | 'success' | 'warning' | 'danger' | 'info' {
  switch (action) {
  case 'issue': case 'verify_matched': case 'recheck_fixed': return 'success'
  case 'verify_mismatch': case 'refuse': return 'warning'
  case 'revoke': return 'danger'
  case 'apply': return 'info'
  default: return 'primary'
  }
}

/* Length in code points, as the server counts. */
function cp(s: string): number {
  return [...s].length
}

export interface FieldProblem {
  field: string
  key: string
  params?: Record<string, unknown>
}

/* The application form (/permits/new). */
export interface PermitForm {
  unit_id: string
  place_name: string
  address: string
  use: string
  area_m2: number | null
  capacity: number | null
  route: PermitRoute
  accepted: boolean
  licence: string
  rules: string
  plans: string[]
  other: string[]
}

export function blankPermitForm(): PermitForm {
  return {
    unit_id: '', place_name: '', address: '', use: '', area_m2: null, capacity: null, route: 'commitment', accepted: false,
    licence: '', rules: '', plans: [], other: [],
  }
}

function wholeIn(n: number | null, [lo, hi]: readonly [number, number]): boolean {
  return typeof n === 'number' && Number.isInteger(n) && n >= lo && n <= hi
}

/*
 * The first thing to fix before applying (PRM-002, PRM-003), or null.
 * pickUnit: an officer at the window chooses the unit; a unit applies for itself.
 */
export function permitFormProblem(f: PermitForm, rules: PermitRules | null, pickUnit: boolean): FieldProblem | null {
  const L = PERMIT_LIMITS
  if (pickUnit && !f.unit_id)
    return { field: 'unit_id', key: 'permit.form.pickUnit' }
  const place = cp(f.place_name.trim())
  if (place < L.placeName[0] || place > L.placeName[1])
    return { field: 'place_name', key: 'permit.form.placeRule', params: { min: L.placeName[0], max: L.placeName[1] } }
  const addr = cp(f.address.trim())
  if (addr < L.address[0] || addr > L.address[1])
    return { field: 'address', key: 'permit.form.addressRule', params: { min: L.address[0], max: L.address[1] } }
  if (!f.use || (rules && !rules.uses.includes(f.use)))
    return { field: 'use', key: 'permit.form.pickUse' }
  if (!wholeIn(f.area_m2, L.area))
    return { field: 'area_m2', key: 'permit.form.areaRule', params: { max: L.area[1] } }
  if (!wholeIn(f.capacity, L.capacity))
    return { field: 'capacity', key: 'permit.form.capacityRule', params: { max: L.capacity[1] } }
  if (f.route === 'commitment' && !f.accepted)
    return { field: 'commitment', key: 'permit.form.mustCommit' }
  if (!f.licence)
    return { field: 'documents.licence', key: 'permit.form.needLicence' }
  if (!f.rules)
    return { field: 'documents.rules', key: 'permit.form.needRules' }
  if (f.plans.length > L.listFiles)
    return { field: 'documents.plans', key: 'permit.form.filesMax', params: { n: L.listFiles } }
  if (f.other.length > L.listFiles)
    return { field: 'documents.other', key: 'permit.form.filesMax', params: { n: L.listFiles } }
  return null
}

/* The request body: the commitment of the version in force on its route only. */
export function permitBody(f: PermitForm, rules: PermitRules, pickUnit: boolean): PermitInput {
  const b: PermitInput = {
    place_name: f.place_name.trim(),
    address: f.address.trim(),
    use: f.use,
    area_m2: f.area_m2 ?? 0,
    capacity: f.capacity ?? 0,
    route: f.route,
    documents: { licence: f.licence, rules: f.rules },
  }
  if (pickUnit)
    b.unit_id = f.unit_id
  if (f.route === 'commitment')
    b.commitment = { version: rules.commitment.version, accepted: true }
  if (f.plans.length)
    b.documents.plans = [...f.plans]
  if (f.other.length)
    b.documents.other = [...f.other]
  return b
}

/* The server's field names the form shows an error for. */
export const PERMIT_FORM_FIELDS = ['unit_id', 'place_name', 'address', 'use', 'area_m2', 'capacity', 'route',
  'commitment', 'commitment.version', 'commitment.accepted', 'documents', 'documents.licence', 'documents.rules',
  'documents.plans', 'documents.other', 'previous_id'] as const

/* Where a server field error is shown on the form (commitment.* on the checkbox, documents on the licence). */
export function formFieldOf(field: string): string {
  if (field.startsWith('commitment'))
    return 'commitment'
  if (field === 'documents')
    return 'documents.licence'
  return field
}

/* One row of the verification (PRM-012); match null until chosen. */
export interface VerifyRow {
  item: string
  committed: string
  found: string
  match: boolean | null
}

/*
 * The rows a verification starts with: what the application declared
 * (use, area, capacity) and the usual items of a commitment, the
 * committed column filled where the application says it.
 */
export function verifyRows(p: Pick<Permit, 'use' | 'area_m2' | 'capacity'>, t: (k: string, n?: Record<string, unknown>) => string): VerifyRow[] {
  const row = (item: string, committed = ''): VerifyRow => ({ item, committed, found: '', match: null })
  return [
    row(t('permit.verify.item.use'), p.use),
    row(t('permit.verify.item.area'), t('permit.verify.areaValue', { n: p.area_m2 })),
    row(t('permit.verify.item.capacity'), t('permit.verify.capacityValue', { n: p.capacity })),
    row(t('permit.verify.item.exits')),
    row(t('permit.verify.item.facilities')),
    row(t('permit.verify.item.decoration')),
  ]
}

export const ITEM_MAX = 200

/* The first problem of a verification, or null (rows without an item are dropped). */
export function verifyProblem(rows: readonly VerifyRow[], note: string, rectifyDays: number | null, maxDays: number): FieldProblem | null {
  const used = rows.filter((r) => r.item.trim())
  if (!used.length)
    return { field: 'items', key: 'permit.verify.needItem' }
  if (used.length > PERMIT_LIMITS.items)
    return { field: 'items', key: 'permit.verify.tooMany', params: { n: PERMIT_LIMITS.items } }
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!
    if (!r.item.trim())
      continue
    if (cp(r.item.trim()) > ITEM_MAX || cp(r.committed.trim()) > ITEM_MAX || cp(r.found.trim()) > ITEM_MAX)
      return { field: `row${i}`, key: 'permit.verify.cellRule', params: { max: ITEM_MAX } }
    if (r.match === null)
      return { field: `row${i}`, key: 'permit.verify.pickMatch', params: { item: r.item.trim() } }
  }
  if (cp(note.trim()) > PERMIT_LIMITS.note)
    return { field: 'note', key: 'permit.step.noteRule', params: { max: PERMIT_LIMITS.note } }
  if (used.some((r) => r.match === false) &&
      (rectifyDays === null || !Number.isInteger(rectifyDays) || rectifyDays < 1 || rectifyDays > maxDays))
    return { field: 'rectify_days', key: 'permit.verify.daysRule', params: { max: maxDays } }
  return null
}

export function verifyBody(rows: readonly VerifyRow[], note: string, rectifyDays: number | null): VerifyInput {
  const items: VerifyItem[] = rows.filter((r) => r.item.trim()).map((r) => {
    const x: VerifyItem = { item: r.item.trim(), match: r.match === true }
    if (r.committed.trim()) x.committed = r.committed.trim()
    if (r.found.trim()) x.found = r.found.trim()
    return x
  })
  const b: VerifyInput = { items }
  if (note.trim())
    b.note = note.trim()
  /* The server refuses a deadline on a matching verification. */
  if (items.some((x) => !x.match) && rectifyDays !== null)
    b.rectify_days = rectifyDays
  return b
}

/* The simple steps: their fields and checks. */
export interface StepForm {
  result: '' | 'pass' | 'fail'
  fixed: '' | 'yes' | 'no'
  note: string
  reasons: string
  reason: string
}

export function blankStep(): StepForm {
  return { result: '', fixed: '', note: '', reasons: '', reason: '' }
}

export function stepProblem(kind: Exclude<PermitAction, 'verify'>, f: StepForm): FieldProblem | null {
  const L = PERMIT_LIMITS
  const n = cp(f.note.trim())
  switch (kind) {
  case 'inspect':
    if (!f.result)
      return { field: 'result', key: 'permit.step.pickResult' }
    if (n < 2 || n > L.note)
      return { field: 'note', key: 'permit.step.noteNeeded', params: { max: L.note } }
    return null
  case 'issue':
    return n > L.note ? { field: 'note', key: 'permit.step.noteRule', params: { max: L.note } } : null
  case 'refuse': {
    const r = cp(f.reasons.trim())
    return r < L.reasons[0] || r > L.reasons[1]
      ? { field: 'reasons', key: 'permit.step.reasonsRule', params: { min: L.reasons[0], max: L.reasons[1] } } : null
  }
  case 'recheck':
    if (!f.fixed)
      return { field: 'fixed', key: 'permit.step.pickFixed' }
    if (n < 2 || n > L.note)
      return { field: 'note', key: 'permit.step.noteNeeded', params: { max: L.note } }
    return null
  case 'reissue': {
    const r = cp(f.reason.trim())
    return r < L.reissue[0] || r > L.reissue[1]
      ? { field: 'reason', key: 'permit.step.reasonRule', params: { min: L.reissue[0], max: L.reissue[1] } } : null
  }
  }
}

/* What the server takes as a document (FILE-004): PDF, JPEG or PNG up to 20 MiB. */
export const DOC_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const
export const DOC_MAX_BYTES = 20 << 20

/* An i18n key when the file cannot be a document, else null. */
export function docProblem(f: { type: string; size: number }): string | null {
  if (!(DOC_TYPES as readonly string[]).includes(f.type))
    return 'permit.doc.badType'
  if (f.size > DOC_MAX_BYTES)
    return 'permit.doc.tooLarge'
  if (f.size === 0)
    return 'permit.doc.empty'
  return null
}
