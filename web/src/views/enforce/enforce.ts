/*
 * Pure helpers of the enforcement-case pages (执法办案, issue 8 part 8):
 * the list query in the URL and the one sent to the server, the tags and
 * clocks a case shows, the steps a person may take by status and
 * permission (ENF-020..029, the server checks again), the PDF documents a
 * case has (ENF-040), the discretion calculator's request and the check
 * of a proposed amount against the suggested range (ENF-012: outside it
 * needs a written justification), the new-case form with its prefill from
 * a hazard, and the step forms' checks and bodies.  No UI, no HTTP:
 * unit-tested in enforce.spec.ts.
 */
import { CASE_PROCEDURES, CASE_SORTS, CASE_SOURCES, CASE_STATUSES, DOC_KINDS, GROUNDS } from '@/api/enforce'
import { PAGE_SIZES, listApiQuery, listUrlQuery, parseListQuery } from '@/views/shared/listQuery'
import type { ListQueryOf, ListSpec } from '@/views/shared/listQuery'
import type {
  ArchiveDocument, Case, CaseBrief, CaseInput, CaseQuery, CaseSource, CaseStep, DocKind, Ground, Harm, PartyType, Participant, Procedure,
  Range, SuggestInput, Suggestion, Tier, ViolationInput,
} from '@/api/enforce'

export { PAGE_SIZES }
export const DEFAULT_SORT = '-created'
export const FACTS_MAX = 4000
export const TEXT_MAX = 2000
export const REASON_MIN = 4
export const PARTICIPANTS_MIN = 3

/* ---- the list ---------------------------------------------------------------- */

/* The case list (filters: status, procedure, source). */
const CASE_LIST: ListSpec<'status' | 'procedure' | 'source'> = {
  filters: { status: CASE_STATUSES, procedure: CASE_PROCEDURES, source: CASE_SOURCES },
  sorts: CASE_SORTS,
  defaultSort: DEFAULT_SORT,
}

export type CaseListQuery = ListQueryOf<'status' | 'procedure' | 'source'>

export function parseCaseQuery(q: Record<string, unknown>): CaseListQuery {
  return parseListQuery(CASE_LIST, q)
}

export function caseUrlQuery(q: CaseListQuery): Record<string, string> {
  return listUrlQuery(CASE_LIST, q)
}

export function caseApiQuery(q: CaseListQuery): CaseQuery {
  return listApiQuery(CASE_LIST, q)
}

/* The review queue (/cases/review): the cases waiting for 法制审核, oldest clock first. */
export const REVIEW_QUERY: Record<string, string> = { status: 'review', sort: 'step_due' }

type TagType = 'danger' | 'warning' | 'primary' | 'info' | 'success'

export function statusType(s: string): TagType {
  switch (s) {
  case 'filed': case 'notified': return 'primary'
  case 'hearing': case 'review': case 'discussion': return 'warning'
  case 'decided': case 'served': return 'success'
  case 'closed': case 'cancelled': return 'info'
  default: return 'danger'
  }
}

export function payType(s: string): TagType {
  switch (s) {
  case 'paid': return 'success'
  case 'due': return 'warning'
  case 'overdue': case 'mismatch': return 'danger'
  default: return 'info'
  }
}

export function isOverdue(c: Pick<CaseBrief, 'overdue'>): boolean {
  return c.overdue === true || c.overdue === 1
}

function truthy(v: unknown): boolean {
  return v === true || v === 1 || v === '1'
}

/* Whole days from a to b (YYYY-MM-DD), b later is positive. */
export function daysBetween(a: string, b: string): number {
  const pa = Date.parse(a + 'T00:00:00Z')
  const pb = Date.parse(b + 'T00:00:00Z')
  return Math.round((pb - pa) / 86400000)
}

export interface Clock {
  /* i18n key under enforce.clock. */
  kind: 'step' | 'decision' | 'payment'
  step?: string
  due: string
  /* days left (negative: late), from today */
  left: number
  late: boolean
}

const OPEN = ['filed', 'notified', 'hearing', 'review', 'discussion']

/*
 * The clocks a case shows (ENF-020): the running step and its last day,
 * the decision's 90-day limit (or the extension) while undecided, the
 * payment's last day while a fine is unpaid.
 */
export function caseClocks(c: Pick<Case, 'status' | 'step' | 'step_due' | 'overdue' | 'decision_due' | 'extended_to'> &
  Partial<Pick<Case, 'payment_due' | 'pay_status'>>, today: string): Clock[] {
  const out: Clock[] = []
  if (c.step && c.step_due && c.status !== 'closed' && c.status !== 'cancelled') {
    const left = daysBetween(today, c.step_due)
    out.push({ kind: 'step', step: c.step, due: c.step_due, left, late: isOverdue(c) || left < 0 })
  }
  if (OPEN.includes(c.status)) {
    const due = c.extended_to || c.decision_due
    if (due) {
      const left = daysBetween(today, due)
      out.push({ kind: 'decision', due, left, late: left < 0 })
    }
  }
  if (c.payment_due && (c.pay_status === 'due' || c.pay_status === 'overdue') && c.step !== 'pay') {
    const left = daysBetween(today, c.payment_due)
    out.push({ kind: 'payment', due: c.payment_due, left, late: left < 0 || c.pay_status === 'overdue' })
  }
  return out
}

/* ---- steps --------------------------------------------------------------------- */

export type CaseAction = 'notify' | 'statement' | 'hearing_request' | 'hearing_schedule' | 'hearing_hold' | 'hearing_waive' |
  'submit' | 'review' | 'discussion' | 'extend' | 'decide' | 'serve' | 'close' | 'cancel' | 'publish'

/* The path under /cases/{id}/ of each step. */
export const ACTION_PATH: Record<CaseAction, string> = {
  notify: 'notify', statement: 'statement', hearing_request: 'hearing/request', hearing_schedule: 'hearing/schedule',
  hearing_hold: 'hearing/hold', hearing_waive: 'hearing/waive', submit: 'submit', review: 'review', discussion: 'discussion',
  extend: 'extend', decide: 'decide', serve: 'serve', close: 'close', cancel: 'cancel', publish: 'publish',
}

export type Can = (perm: string) => boolean

type ActionCase = Pick<Case, 'status' | 'step' | 'hearing_status' | 'outcome' | 'pay_status' | 'procedure'> &
  Partial<Pick<Case, 'violations' | 'review_required' | 'discussion_required' | 'reviews' | 'discussions' | 'published_on' |
  'decision_no' | 'extended_to'>>

function activeViolations(c: ActionCase) {
  return (c.violations ?? []).filter((v) => v.status !== 'withdrawn')
}

/* Every active violation is 不予处罚: the case may be decided at once (no notice needed). */
export function allNoPenalty(c: ActionCase): boolean {
  const vs = activeViolations(c)
  return vs.length > 0 && vs.every((v) => v.outcome === 'no_penalty')
}

/*
 * The steps a person may take now (enforce.md, States).  The server
 * checks state and permission again; this only hides what cannot work.
 */
export function caseActions(c: ActionCase & Partial<Pick<Case, 'statement_due'>>, can: Can, today = ''): CaseAction[] {
  const out: CaseAction[] = []
  const w = can('case:write')
  const s = c.status
  const hs = c.hearing_status
  const decideStep = c.step === 'decide'
  if (w && s === 'filed' && activeViolations(c).length > 0 && !allNoPenalty(c))
    out.push('notify')
  if (w && s === 'notified' && !decideStep) {
    out.push('statement')
    if (hs === 'none')
      out.push('hearing_request', 'hearing_waive')
    /* ENF-022: submitted once the window is over, or the hearing held or waived. */
    if (c.step === 'submit' || (c.step === 'statement' && (!today || !c.statement_due || today > c.statement_due)))
      out.push('submit')
  }
  if (w && s === 'hearing') {
    out.push('statement')
    if (hs === 'requested')
      out.push('hearing_schedule')
    if (hs === 'scheduled')
      out.push('hearing_hold')
    if (hs === 'requested' || hs === 'scheduled')
      out.push('hearing_waive')
  }
  if (s === 'review' && can('case:review') && !decideStep)
    out.push('review')
  if (s === 'discussion' && can('case:discuss') && !decideStep)
    out.push('discussion')
  /* A filed case's step is the 90-day decision clock itself: decide only after notice, or at once for 不予处罚. */
  if (w && ((s !== 'filed' && OPEN.includes(s) && decideStep) || (s === 'filed' && allNoPenalty(c))))
    out.push('decide')
  if (w && s === 'decided')
    out.push('serve')
  if (w && s === 'served' && (c.outcome !== 'fine' || c.pay_status === 'paid'))
    out.push('close')
  if (w && (s === 'decided' || s === 'served' || s === 'closed') && c.decision_no && !c.published_on && c.outcome !== 'no_penalty')
    out.push('publish')
  /* ENF-028: extended once. */
  if (can('case:approve') && OPEN.includes(s) && !c.extended_to)
    out.push('extend')
  if (w && OPEN.includes(s))
    out.push('cancel')
  return out
}

/* The documents a case has (ENF-040), in the order they arise. */
export function caseDocuments(c: Pick<Case, 'notice_no' | 'outcome' | 'decision_no' | 'pay_status' | 'status'> &
  Partial<Pick<Case, 'hearings' | 'hearing_status' | 'payments'>>): DocKind[] {
  const out: DocKind[] = []
  if (c.notice_no)
    out.push('notice')
  if ((c.hearings ?? []).some((h) => h.hearing_on) || c.hearing_status === 'scheduled' || c.hearing_status === 'held')
    out.push('hearing')
  if (c.decision_no && c.outcome === 'no_penalty')
    out.push('no_penalty')
  else if (c.decision_no)
    out.push('decision')
  if ((c.payments ?? []).length > 0 || (c.pay_status && c.pay_status !== 'none'))
    out.push('payment')
  return out
}

/* The documents the server says exist (the archive, ENF-071), in the console's order; unknown kinds left out. */
export function archiveDocuments(docs: readonly ArchiveDocument[]): DocKind[] {
  const have = new Set(docs.map((d) => d.kind))
  return DOC_KINDS.filter((k) => have.has(k))
}

/* Steps newest first. */
export function timeline(steps: readonly CaseStep[] | undefined): CaseStep[] {
  return [...(steps ?? [])].sort((a, b) => b.at - a.at || (Number(b.id) - Number(a.id)))
}

export function stepType(action: string): TagType {
  switch (action) {
  case 'decide': case 'serve': case 'paid': case 'close': return 'success'
  case 'cancel': case 'overdue': return 'danger'
  case 'review': case 'discussion': case 'hearing_request': case 'hearing_schedule': case 'hearing_hold': return 'warning'
  case 'create': case 'file': return 'info'
  default: return 'primary'
  }
}

/* ---- money -------------------------------------------------------------------- */

/* 123456 fen -> "1,234.56" yuan (whole yuan without decimals). */
export function yuan(fen: number | null | undefined): string {
  const f = Number(fen ?? 0)
  const whole = f % 100 === 0
  return (f / 100).toLocaleString('en-US', { minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: 2 })
}

export function rangeText(r: Range | null | undefined): string {
  if (!r)
    return '—'
  return r.min === r.max ? `${r.min.toLocaleString('en-US')}` : `${r.min.toLocaleString('en-US')} – ${r.max.toLocaleString('en-US')}`
}

/* ---- the discretion calculator ------------------------------------------------ */

export interface CalcForm {
  item: string
  party: PartyType
  tier: Tier
  band: string
  area: number | null
  first: boolean
  corrected: boolean
  harm: Harm
  self_found: boolean
  no_fault: boolean
  mitigating: Ground[]
  age: number | null
  reduce: boolean
}

export function blankCalc(party: PartyType = 'unit'): CalcForm {
  return {
    item: '', party, tier: 'general', band: '', area: null, first: false, corrected: false, harm: 'none', self_found: false,
    no_fault: false, mitigating: [], age: null, reduce: false,
  }
}

/* The request to /penalty/suggest: flags only when set. */
export function suggestBody(f: CalcForm): SuggestInput {
  const b: SuggestInput = { item: f.item, party: f.party, tier: f.tier }
  if (f.band) b.band = f.band
  if (typeof f.area === 'number' && Number.isFinite(f.area)) b.area = f.area
  if (f.first) b.first = true
  if (f.corrected) b.corrected = true
  if (f.harm !== 'none') b.harm = f.harm
  if (f.self_found) b.self_found = true
  if (f.no_fault) b.no_fault = true
  const g = f.mitigating.filter((x) => (GROUNDS as readonly string[]).includes(x))
  if (g.length) b.mitigating = g
  if (f.party === 'individual' && typeof f.age === 'number' && Number.isInteger(f.age)) b.age = f.age
  if (f.reduce) b.reduce = true
  return b
}

export type AmountCheck = 'in_range' | 'below_range' | 'above_range' | 'below_minimum' | 'above_maximum' | 'not_due' | 'none'

/*
 * A proposed amount (yuan) against a suggestion (PEN-017): within the
 * suggested range; lawful but outside it (a justification is required,
 * ENF-012, and the case goes to legal review); outside the law's range
 * (refused); or a fine where none is due.  'none' when no amount is
 * given.  The 减轻 range counts as lawful when reduction is available.
 */
export function amountCheck(amount: number | null | undefined, s: Pick<Suggestion, 'outcome' | 'range' | 'statutory' | 'reduction'>): AmountCheck {
  if (amount === null || amount === undefined || !Number.isFinite(amount))
    return 'none'
  if (s.outcome !== 'fine')
    return amount > 0 ? 'not_due' : 'none'
  const lawMin = s.reduction ? Math.min(s.reduction.min, s.statutory.min) : s.statutory.min
  if (amount < lawMin)
    return 'below_minimum'
  if (amount > s.statutory.max)
    return 'above_maximum'
  if (s.range && amount < s.range.min)
    return 'below_range'
  if (s.range && amount > s.range.max)
    return 'above_range'
  return 'in_range'
}

export function needsJustification(c: AmountCheck): boolean {
  return c === 'below_range' || c === 'above_range'
}

/* The rule names of the trace, for their i18n keys (enforce.rule.*). */
export const RULE_NAMES = ['statutory-range', 'fine-condition', 'no-fault', 'age-under-14', 'minor-corrected-no-harm', 'education',
  'warning', 'tier', 'first-violation-exemption', 'reduction', 'lighter', 'self-found', 'higher-norm'] as const

export function ruleType(status: string): TagType {
  switch (status) {
  case 'applied': return 'success'
  case 'proposed': return 'warning'
  case 'available': return 'primary'
  default: return 'info'
  }
}

export interface FieldProblem {
  field: string
  key: string
  params?: Record<string, unknown>
}

function cp(s: string): number {
  return [...s].length
}

/* A violation as the officer adds it: the calculator's facts, the amount, the why. */
export interface ViolationForm {
  facts: string
  amount: number | null
  warning: boolean
  first_exempt: boolean
  exempt_reason: string
  justification: string
}

export function blankViolation(): ViolationForm {
  return { facts: '', amount: null, warning: false, first_exempt: false, exempt_reason: '', justification: '' }
}

export function violationProblem(calc: CalcForm, v: ViolationForm, s: Suggestion | null): FieldProblem | null {
  if (!calc.item)
    return { field: 'item', key: 'enforce.calc.pickItem' }
  if (!s)
    return { field: 'item', key: 'enforce.calc.askFirst' }
  const n = cp(v.facts.trim())
  if (n < 2 || n > TEXT_MAX)
    return { field: 'facts', key: 'enforce.v.factsRule', params: { max: TEXT_MAX } }
  const chk = amountCheck(v.amount, s)
  if (s.outcome === 'fine' && !v.first_exempt && !v.warning && chk === 'none')
    return { field: 'amount', key: 'enforce.v.amountNeeded' }
  if (chk === 'below_minimum' || chk === 'above_maximum' || chk === 'not_due')
    return { field: 'amount', key: `enforce.check.${chk}` }
  if (needsJustification(chk) && cp(v.justification.trim()) < REASON_MIN)
    return { field: 'justification', key: 'enforce.v.justifyNeeded', params: { min: REASON_MIN } }
  if (v.first_exempt && cp(v.exempt_reason.trim()) < REASON_MIN)
    return { field: 'exempt_reason', key: 'enforce.v.exemptReason', params: { min: REASON_MIN } }
  return null
}

export function violationBody(calc: CalcForm, v: ViolationForm, s: Suggestion | null): ViolationInput {
  /* The party (and an individual's age) are the case's, not the violation's. */
  const { party: _party, age: _age, ...q } = suggestBody(calc)
  const b: ViolationInput = { ...q, facts: v.facts.trim() }
  if (v.first_exempt) {
    b.first_exempt = true
    b.exempt_reason = v.exempt_reason.trim()
  } else if (v.warning) {
    b.warning = true
  } else if (typeof v.amount === 'number' && s?.outcome === 'fine') {
    b.amount = v.amount
  }
  if (s && needsJustification(amountCheck(v.amount, s)) && !v.first_exempt && !v.warning)
    b.justification = v.justification.trim()
  return b
}

/* ---- the new case ---------------------------------------------------------------- */

export interface CaseForm {
  procedure: Procedure
  source: CaseSource
  source_id: string
  party_type: PartyType
  unit_id: string
  party_name: string
  party_idno: string
  party_phone: string
  party_address: string
  party_age: number | null
  /* An individual's case without a unit at the place: its town. */
  town: string
  facts: string
  occurred_on: string
  found_on: string
  lead: string
  assist: string
}

export function blankCaseForm(today: string): CaseForm {
  return {
    procedure: 'general', source: 'inspection', source_id: '', party_type: 'unit', unit_id: '', party_name: '', party_idno: '',
    party_phone: '', party_address: '', party_age: null, town: '', facts: '', occurred_on: '', found_on: today, lead: '', assist: '',
  }
}

/* ?source=hazard&source_id=12&unit_id=7 (the hazard page's 立案 button) -> the form's prefill. */
export function prefillFromQuery(f: CaseForm, q: Record<string, unknown>): CaseForm {
  const str = (k: string): string => (typeof q[k] === 'string' ? (q[k] as string) : '')
  const out = { ...f }
  if ((CASE_SOURCES as readonly string[]).includes(str('source')))
    out.source = str('source') as CaseSource
  if (/^\d{1,19}$/.test(str('source_id')))
    out.source_id = str('source_id')
  if (/^\d{1,19}$/.test(str('unit_id'))) {
    out.unit_id = str('unit_id')
    out.party_type = 'unit'
  }
  if ((CASE_PROCEDURES as readonly string[]).includes(str('procedure')))
    out.procedure = str('procedure') as Procedure
  return out
}

const ISO = /^\d{4}-\d{2}-\d{2}$/
const IDNO = /^\d{17}[\dXx]$/

export function caseFormProblem(f: CaseForm, violations: number): FieldProblem | null {
  if (f.source !== 'on_spot' && f.source !== 'referral' && f.source_id === '' && f.source === 'hazard')
    return { field: 'source_id', key: 'enforce.form.sourceIdNeeded' }
  if (f.party_type === 'unit' && !f.unit_id)
    return { field: 'unit_id', key: 'enforce.form.pickUnit' }
  if (f.party_type === 'individual') {
    const n = cp(f.party_name.trim())
    if (n < 2 || n > 50)
      return { field: 'party_name', key: 'enforce.form.nameRule' }
    if (f.party_idno.trim() && !IDNO.test(f.party_idno.trim()))
      return { field: 'party_idno', key: 'enforce.form.idnoRule' }
    if (f.party_age !== null && (!Number.isInteger(f.party_age) || f.party_age < 0 || f.party_age > 150))
      return { field: 'party_age', key: 'enforce.form.ageRule' }
    if (!f.unit_id && !/^\d{9}$/.test(f.town))
      return { field: 'town', key: 'enforce.form.pickTown' }
  }
  const n = cp(f.facts.trim())
  if (n < 2 || n > FACTS_MAX)
    return { field: 'facts', key: 'enforce.form.factsRule', params: { min: 2, max: FACTS_MAX } }
  if (!ISO.test(f.found_on))
    return { field: 'found_on', key: 'enforce.form.dateRule' }
  if (f.occurred_on && (!ISO.test(f.occurred_on) || f.occurred_on > f.found_on))
    return { field: 'occurred_on', key: 'enforce.form.occurredRule' }
  if (!f.lead || !f.assist)
    return { field: 'officers', key: 'enforce.form.twoOfficers' }
  if (f.lead === f.assist)
    return { field: 'officers', key: 'enforce.form.distinctOfficers' }
  if (f.procedure === 'simple' && violations === 0)
    return { field: 'violations', key: 'enforce.form.simpleNeedsViolation' }
  return null
}

export function caseBody(f: CaseForm, violations: ViolationInput[]): CaseInput {
  const b: CaseInput = {
    procedure: f.procedure,
    source: f.source,
    party_type: f.party_type,
    facts: f.facts.trim(),
    found_on: f.found_on,
    officers: [{ user_id: f.lead, role: 'lead' }, { user_id: f.assist, role: 'assist' }],
  }
  if (f.source_id) b.source_id = f.source_id
  if (f.occurred_on) b.occurred_on = f.occurred_on
  if (f.party_type === 'unit') {
    b.unit_id = f.unit_id
  } else {
    b.party_name = f.party_name.trim()
    if (f.party_idno.trim()) b.party_idno = f.party_idno.trim().toUpperCase()
    if (f.party_phone.trim()) b.party_phone = f.party_phone.trim()
    if (f.party_address.trim()) b.party_address = f.party_address.trim()
    if (f.party_age !== null) b.party_age = f.party_age
    if (f.unit_id) b.unit_id = f.unit_id
    else b.town = f.town
  }
  if (violations.length) b.violations = violations
  return b
}

/*
 * Where a server field error is shown on the new-case form: anything
 * about the officers (officers, officers[1], officers[0].user_id) at the
 * officers' pickers, a violation's at the violations, else the field.
 */
export function caseFieldOf(field: string): string {
  if (/^officers(\[|\.|$)/.test(field))
    return 'officers'
  if (/^violations(\[|\.|$)/.test(field))
    return 'violations'
  return field
}

export const CASE_FORM_FIELDS = ['procedure', 'source', 'source_id', 'party_type', 'unit_id', 'party_name', 'party_idno', 'party_phone',
  'party_address', 'party_age', 'town', 'facts', 'occurred_on', 'found_on', 'officers', 'violations'] as const

/* ---- the step forms --------------------------------------------------------------- */

export interface StepForm {
  text: string
  waive: boolean
  requested_on: string
  hearing_on: string
  place: string
  host_id: string
  record: string
  opinion: string
  conclusion: string
  held_on: string
  chair_id: string
  participants: Participant[]
  minutes: string
  days: number | null
  reason: string
  method: string
  served_on: string
}

export function blankStep(today: string): StepForm {
  return {
    text: '', waive: false, requested_on: today, hearing_on: '', place: '', host_id: '', record: '', opinion: '', conclusion: '', held_on: today,
    chair_id: '', participants: [{ name: '', title: '' }, { name: '', title: '' }, { name: '', title: '' }], minutes: '', days: 30,
    reason: '', method: 'direct', served_on: today,
  }
}

function textIn(s: string, min: number, max: number): boolean {
  const n = cp(s.trim())
  return n >= min && n <= max
}

export function stepProblem(a: CaseAction, f: StepForm, extensionMax = 30): FieldProblem | null {
  switch (a) {
  case 'statement':
    return textIn(f.text, 2, TEXT_MAX) ? null : { field: 'text', key: 'enforce.step.textRule', params: { max: TEXT_MAX } }
  case 'hearing_request':
    return f.requested_on && !ISO.test(f.requested_on) ? { field: 'requested_on', key: 'enforce.form.dateRule' } : null
  case 'hearing_schedule':
    if (!ISO.test(f.hearing_on))
      return { field: 'hearing_on', key: 'enforce.form.dateRule' }
    if (!textIn(f.place, 2, 200))
      return { field: 'place', key: 'enforce.step.placeRule' }
    if (!f.host_id)
      return { field: 'host_id', key: 'enforce.step.pickHost' }
    return null
  case 'hearing_hold':
    if (!textIn(f.record, 2, TEXT_MAX))
      return { field: 'record', key: 'enforce.step.textRule', params: { max: TEXT_MAX } }
    return textIn(f.opinion, 2, TEXT_MAX) ? null : { field: 'opinion', key: 'enforce.step.textRule', params: { max: TEXT_MAX } }
  case 'review':
    if (!f.conclusion)
      return { field: 'conclusion', key: 'enforce.step.pickConclusion' }
    return textIn(f.opinion, 2, TEXT_MAX) ? null : { field: 'opinion', key: 'enforce.step.textRule', params: { max: TEXT_MAX } }
  case 'discussion': {
    if (!ISO.test(f.held_on))
      return { field: 'held_on', key: 'enforce.form.dateRule' }
    if (!f.chair_id)
      return { field: 'chair_id', key: 'enforce.step.pickChair' }
    const ps = f.participants.filter((p) => p.name.trim())
    if (ps.length < PARTICIPANTS_MIN)
      return { field: 'participants', key: 'enforce.step.participantsMin', params: { n: PARTICIPANTS_MIN } }
    if (ps.some((p) => !p.title.trim()))
      return { field: 'participants', key: 'enforce.step.participantTitle' }
    if (!f.conclusion)
      return { field: 'conclusion', key: 'enforce.step.pickConclusion' }
    return textIn(f.minutes, 2, TEXT_MAX) ? null : { field: 'minutes', key: 'enforce.step.textRule', params: { max: TEXT_MAX } }
  }
  case 'extend':
    if (f.days === null || !Number.isInteger(f.days) || f.days < 1 || f.days > extensionMax)
      return { field: 'days', key: 'enforce.step.daysRule', params: { max: extensionMax } }
    return textIn(f.reason, REASON_MIN, 500) ? null : { field: 'reason', key: 'enforce.step.reasonRule', params: { min: REASON_MIN } }
  case 'serve':
    if (!f.method)
      return { field: 'method', key: 'enforce.step.pickMethod' }
    return f.served_on && !ISO.test(f.served_on) ? { field: 'served_on', key: 'enforce.form.dateRule' } : null
  case 'cancel':
    return textIn(f.reason, REASON_MIN, 500) ? null : { field: 'reason', key: 'enforce.step.reasonRule', params: { min: REASON_MIN } }
  default:
    return null
  }
}

export function stepBody(a: CaseAction, f: StepForm): Record<string, unknown> {
  switch (a) {
  case 'statement': return f.waive ? { text: f.text.trim(), waive: true } : { text: f.text.trim() }
  case 'hearing_request': return f.requested_on ? { requested_on: f.requested_on } : {}
  case 'hearing_schedule': return { hearing_on: f.hearing_on, place: f.place.trim(), host_id: f.host_id }
  case 'hearing_hold': return { record: f.record.trim(), opinion: f.opinion.trim() }
  case 'review': return { conclusion: f.conclusion, opinion: f.opinion.trim() }
  case 'discussion': return {
    held_on: f.held_on,
    chair_id: f.chair_id,
    participants: f.participants.filter((p) => p.name.trim()).map((p) => {
      const x: Participant = { name: p.name.trim(), title: p.title.trim() }
      if (p.user_id) x.user_id = p.user_id
      return x
    }),
    conclusion: f.conclusion,
    minutes: f.minutes.trim(),
  }
  case 'extend': return { days: f.days, reason: f.reason.trim() }
  case 'serve': return f.served_on ? { method: f.method, served_on: f.served_on } : { method: f.method }
  case 'close': return f.reason.trim() ? { reason: f.reason.trim() } : {}
  case 'cancel': return { reason: f.reason.trim() }
  default: return {}
  }
}

/* The server fields each step form shows at a field (others go to a message). */
export const STEP_FIELDS = ['text', 'requested_on', 'hearing_on', 'place', 'host_id', 'record', 'opinion', 'conclusion', 'held_on',
  'chair_id', 'participants', 'minutes', 'days', 'reason', 'method', 'served_on'] as const

export function stepFieldOf(field: string): string {
  return /^participants(\[|\.|$)/.test(field) ? 'participants' : field
}

/* review_reasons as the server keeps it ("major,out_of_range") or as a list. */
export function reviewReasons(r: string | string[] | null | undefined): string[] {
  if (!r)
    return []
  return (Array.isArray(r) ? r : r.split(',')).map((x) => x.trim()).filter(Boolean)
}

export function needsReview(c: Pick<Case, 'review_required'>): boolean {
  return truthy(c.review_required)
}

export function needsDiscussion(c: Pick<Case, 'discussion_required'>): boolean {
  return truthy(c.discussion_required)
}

/* An engine word ("no-penalty", "not-available", "statutory-range") as an i18n key part. */
export function keyOf(s: string): string {
  return s.replace(/-/g, '_')
}

/* ---- the server's refusals, said precisely ------------------------------------- */

type Tr = (key: string, named?: Record<string, unknown>) => string

/* The enforcement module's refusals (ENF-002..029) worth a precise text, in the order tried. */
const ENF_DETAILS: { re: RegExp; key: string; named?: (m: RegExpExecArray) => Record<string, unknown> }[] = [
  { re: /officer (\S+) has no enforcement certificate valid on (\S+)/, key: 'noCert', named: (m) => ({ who: m[1], d: m[2] }) },
  { re: /officer (\S+) has a recorded conflict of interest/, key: 'conflict', named: (m) => ({ who: m[1] }) },
  { re: /^(\S+) may not act in town/, key: 'town', named: (m) => ({ who: m[1] }) },
  { re: /^(\S+) is not an active enforcement officer/, key: 'notOfficer', named: (m) => ({ who: m[1] }) },
  { re: /names at least two enforcement officers/, key: 'twoOfficers' },
  { re: /an officer is named twice/, key: 'twice' },
  { re: /notified of the intended penalty first/, key: 'notifyFirst' },
  { re: /legal review \(法制审核\) must approve/, key: 'reviewFirst' },
  { re: /must discuss the case first/, key: 'discussFirst' },
  { re: /may state a defence or ask for a hearing until (\S+)/, key: 'window', named: (m) => ({ d: m[1].replace(/\W+$/, '') }) },
  { re: /the fine is not paid/, key: 'notPaid' },
  { re: /the hearing host must/, key: 'host' },
  { re: /an officer of the case/, key: 'reviewerOfficer' },
]

/*
 * The words for an error of this module: a known refusal precisely, else
 * the console's text for the code, with the server's own sentence after
 * it for a refusal by rule (422), which names the reason.
 */
export function enforceErrorText(msg: string, code: string, base: string, t: Tr): string {
  for (const d of ENF_DETAILS) {
    const m = d.re.exec(msg)
    if (m)
      return t(`enforce.err.${d.key}`, d.named ? d.named(m) : undefined)
  }
  return code === 'policy' && msg ? `${base}：${msg}` : base
}
