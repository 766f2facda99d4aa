/*
 * The enforcement-cases module's API (执法办案: src/api/api_enforce*.c,
 * api_payment.c; contract docs/modules/enforce.md): the rules, the
 * discretion engine (penalty items and suggestions), officers'
 * certificates and conflicts, cases with their violations, evidence and
 * measures, the steps of the procedure (each with If-Match), the PDF
 * documents, payments, the supervisors' flags and the public decisions.
 * Money goes out in yuan (`amount`) and comes back in fen (`*_fen`).
 */
import { request, requestBlob, requestList, requestVersioned } from './http'
import type { ListResult, Query, Versioned } from './http'

export const CASE_STATUSES = ['filed', 'notified', 'hearing', 'review', 'discussion', 'decided', 'served', 'closed', 'cancelled'] as const
export const CASE_PROCEDURES = ['general', 'simple'] as const
export const CASE_SOURCES = ['inspection', 'hazard', 'permit', 'referral', 'on_spot'] as const
export const PARTY_TYPES = ['unit', 'individual'] as const
export const TIERS = ['minor', 'general', 'serious'] as const
export const HARMS = ['none', 'minor', 'serious'] as const
/* 行政处罚法 art. 32 grounds (penalty.h enum penalty_ground). */
export const GROUNDS = ['eliminated_harm', 'coerced', 'confessed', 'meritorious', 'other_statutory'] as const
/* The list's sorts (enforce_case.c): newest filing first by default. */
export const CASE_SORTS = ['-created', 'step_due', '-fine', 'filed_on'] as const
export const PAY_STATUSES = ['none', 'due', 'paid', 'overdue', 'mismatch'] as const
export const SERVICE_METHODS = ['on_spot', 'direct', 'post', 'electronic', 'notice'] as const
export const REVIEW_CONCLUSIONS = ['approve', 'amend', 'return'] as const
export const DISCUSSION_CONCLUSIONS = ['approve', 'amend', 'no_penalty', 'return'] as const
export const EVIDENCE_KINDS = ['document', 'photo', 'video', 'statement', 'record', 'inspection', 'hazard'] as const
export const CONFLICT_RELATIONS = ['relative', 'employment', 'interest', 'other'] as const
export const DOC_KINDS = ['notice', 'hearing', 'decision', 'no_penalty', 'payment'] as const
export const FLAG_KINDS = ['out_of_range', 'outlier'] as const

export type CaseStatus = typeof CASE_STATUSES[number]
export type Procedure = typeof CASE_PROCEDURES[number]
export type CaseSource = typeof CASE_SOURCES[number]
export type PartyType = typeof PARTY_TYPES[number]
export type Tier = typeof TIERS[number]
export type Harm = typeof HARMS[number]
export type Ground = typeof GROUNDS[number]
export type DocKind = typeof DOC_KINDS[number]
export type FlagKind = typeof FLAG_KINDS[number]

/* ---- the discretion engine (penalty.h) ---------------------------------- */

export interface PenaltyBand {
  band: string
  min: number
  max: number
  warning: boolean
  area?: { ge?: number; gt?: number; le?: number; lt?: number }
  confirmed: boolean
}

export interface PenaltyItem {
  id: string
  name: string
  basis: string
  authority: string
  fire_service_decides: boolean
  fine_condition: 'none' | 'deadline' | 'refusal'
  parties: Partial<Record<PartyType, PenaltyBand[]>>
  minor_limits: number
  own_tiers: boolean
}

export interface PenaltyItems {
  version: string
  effective: string
  template: boolean
  tiers: { tier: Tier; from: number; to: number }[]
  first_violation: { window_months: number; max_tier: Tier }
  items: PenaltyItem[]
}

export interface Range { min: number; max: number }

export interface PenaltyRule {
  id: string
  rule: string
  status: 'applied' | 'proposed' | 'available' | 'not-available'
  source: string
  reason: string
}

/* GET /penalty/suggest (the same JSON as `firewarden penalty suggest`). */
export interface Suggestion {
  version: string
  item: string
  name: string
  basis: string
  authority: string
  fire_service_decides: boolean
  party: PartyType
  band: string | null
  tier: Tier
  statutory: Range & { warning: boolean }
  outcome: 'no-penalty' | 'fine' | 'warning'
  range: Range | null
  tier_range: Range | null
  reduction: Range | null
  warning: boolean
  simple_procedure: boolean
  measures: string
  minor: { on_the_spot: boolean; limits: { code: string; text: string; limit: number | null; confirmed: boolean }[] }
  template: boolean
  rules: PenaltyRule[]
}

export interface SuggestInput {
  item: string
  party: PartyType
  tier: Tier
  band?: string
  area?: number
  first?: boolean
  corrected?: boolean
  harm?: Harm
  self_found?: boolean
  no_fault?: boolean
  mitigating?: Ground[]
  age?: number
  reduce?: boolean
}

/* ---- cases ------------------------------------------------------------------- */

export interface CaseOfficer {
  user_id: string
  login?: string
  name?: string
  role: 'lead' | 'assist'
  cert_no: string
  status: 'active' | 'recused'
  recusal_reason?: string | null
}

export interface Violation {
  id: string
  seq: number
  act: number
  item: string
  tier: Tier
  facts: string
  query?: Record<string, unknown>
  suggestion: Suggestion
  outcome: 'fine' | 'warning' | 'no_penalty'
  amount_fen: number
  amount?: number
  amount_check: string
  justification?: string | null
  first_exempt: boolean
  exempt_reason?: string | null
  status: 'active' | 'withdrawn'
}

export interface Evidence {
  id: string
  kind: string
  file_id?: string | null
  ref_id?: string | null
  description: string
  collected_on: string
}

export interface CaseStep {
  id: string
  action: string
  note?: string | null
  due?: string | null
  actor: string
  at: number
}

export interface Hearing {
  id: string
  requested_on: string
  notice_on?: string | null
  hearing_on?: string | null
  place?: string | null
  host_id?: string | null
  held_on?: string | null
  record?: string | null
  opinion?: string | null
  status: string
}

export interface Review {
  id: string
  reviewer_id: string
  reviewer_name?: string
  conclusion: string
  opinion: string
  reviewed_on: string
}

export interface Participant { user_id?: string; name: string; title: string }

export interface Discussion {
  id: string
  held_on: string
  chair_id: string
  chair_name?: string
  participants: Participant[]
  conclusion: string
  minutes: string
}

export interface Measure {
  id: string
  kind: string
  coercive: boolean
  legal_ground?: string | null
  note?: string | null
  decided_on: string
}

export interface Payment {
  id: string
  code: string
  amount_fen: number
  due: string
  status: 'open' | 'paid' | 'cancelled'
  paid_fen: number
  late_fee_fen: number
  paid_on?: string | null
  platform?: string | null
  txn_id?: string | null
}

/* A row of the list. */
export interface CaseBrief {
  id: string
  no: string
  procedure: Procedure
  source: CaseSource
  source_id?: string | null
  party_type: PartyType
  unit_id?: string | null
  party_name: string
  town: string
  facts?: string
  found_on: string
  filed_on: string
  status: CaseStatus
  step?: string | null
  step_due?: string | null
  overdue: boolean | number
  decision_due: string
  extended_to?: string | null
  outcome?: string | null
  decision_no?: string | null
  fine_fen: number
  pay_status: string
  version: number
}

export interface Case extends CaseBrief {
  party_code?: string | null
  party_idno?: string | null
  party_phone?: string | null
  party_address?: string | null
  party_age?: number | null
  facts: string
  occurred_on?: string | null
  extension_reason?: string | null
  notice_no?: string | null
  notified_on?: string | null
  statement_due?: string | null
  statement?: string | null
  hearing_status: string
  review_required: boolean | number
  review_reasons?: string | string[] | null
  discussion_required: boolean | number
  decided_on?: string | null
  decision_hash?: string | null
  service_due?: string | null
  served_on?: string | null
  service_method?: string | null
  payment_due?: string | null
  paid_fen: number
  late_fee_fen: number
  paid_on?: string | null
  publish_due?: string | null
  published_on?: string | null
  closed_on?: string | null
  close_reason?: string | null
  officers?: CaseOfficer[]
  violations?: Violation[]
  evidence?: Evidence[]
  steps?: CaseStep[]
  hearings?: Hearing[]
  reviews?: Review[]
  discussions?: Discussion[]
  measures?: Measure[]
  payments?: Payment[]
  /* Whatever else the server adds (documents list, allowed actions). */
  [k: string]: unknown
}

export interface CaseQuery {
  status?: string
  procedure?: string
  source?: string
  town?: string
  unit_id?: string
  mine?: string
  overdue?: string
  q?: string
  sort?: string
  offset?: number
  limit?: number
  [k: string]: string | number | undefined
}

/* A violation: the engine's question (without the party, which is the case's) and the officer's proposal. */
export interface ViolationInput extends Omit<SuggestInput, 'party' | 'age'> {
  act?: number
  facts: string
  amount?: number
  warning?: boolean
  first_exempt?: boolean
  exempt_reason?: string
  justification?: string
}

export interface CaseInput {
  procedure: Procedure
  source: CaseSource
  source_id?: string
  party_type: PartyType
  unit_id?: string
  party_name?: string
  party_idno?: string
  party_phone?: string
  party_address?: string
  party_age?: number
  town?: string
  facts: string
  occurred_on?: string
  found_on: string
  officers: { user_id: string; role: 'lead' | 'assist' }[]
  violations?: ViolationInput[]
}

/* ---- officers ------------------------------------------------------------------ */

export interface OfficerCert {
  id: string
  user_id: string
  login?: string
  name?: string
  cert_no: string
  issued_on: string
  valid_to: string
  status: 'active' | 'revoked'
  revoked_on?: string | null
  revoke_reason?: string | null
  version?: number
}

export interface OfficerConflict {
  id: string
  user_id: string
  login?: string
  unit_id?: string | null
  unit_name?: string | null
  party_name?: string | null
  relation: string
  note?: string | null
  from_on: string
  to_on?: string | null
  status: 'active' | 'ended'
  version?: number
}

export interface Flag {
  kind: FlagKind
  case_id: string
  case_no?: string
  violation_id?: string
  item: string
  tier: string
  amount_fen: number
  range?: Range | null
  amount_check?: string
  z?: number | null
  median_fen?: number | null
  method?: string
  name_zh?: string
  party_name?: string
  justification?: string | null
  officer?: string | null
  decided_on?: string | null
  [k: string]: unknown
}

export interface PublicDecision {
  id: string
  decision_no: string
  published_on: string
  town: string
  town_name?: string | null
  content: Record<string, unknown>
  [k: string]: unknown
}

/* GET /cases/{id}/archive (一案一档, ENF-070..072). */
export interface ArchiveItem { seq: number; item: string; no?: string | null; day?: string | null; ref?: string | null }
export interface ArchiveDocument { kind: string; title_zh: string; no?: string | null; day?: string | null; url: string }
export interface CaseArchive {
  case: Case
  catalogue: ArchiveItem[]
  documents: ArchiveDocument[]
  evidence: Record<string, unknown>[]
  decision_seal: { hash: string; recomputed: string; intact: boolean } | null
  audit: Record<string, unknown>[]
  audit_total: number
  closed: boolean
}

const C = '/api/v1/cases'
const enc = encodeURIComponent

export function getCaseRules(): Promise<Record<string, unknown>> {
  return request<Record<string, unknown>>('GET', `${C}/rules`)
}

export function getPenaltyItems(): Promise<PenaltyItems> {
  return request<PenaltyItems>('GET', '/api/v1/penalty/items')
}

/* GET /penalty/suggest: a calculation, the facts in the query string
 * (mitigating grounds comma-separated). */
export function suggestQuery(body: SuggestInput): Query {
  const q: Query = {}
  for (const [k, v] of Object.entries(body)) {
    if (v === undefined || v === null) continue
    q[k] = Array.isArray(v) ? v.join(',') : v
  }
  return q
}

export function suggestPenalty(body: SuggestInput): Promise<Suggestion> {
  return request<Suggestion>('GET', '/api/v1/penalty/suggest', { query: suggestQuery(body) })
}

export function listCase(q: CaseQuery): Promise<ListResult<CaseBrief>> {
  return requestList<CaseBrief>(C, q)
}

/* Where the list's export is served (format csv or xlsx, the list's filters). */
export function caseExportUrl(q: CaseQuery, format: 'csv' | 'xlsx'): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(q))
    if (v !== undefined && v !== '' && k !== 'offset' && k !== 'limit')
      p.append(k, String(v))
  p.append('format', format)
  return `${C}?${p.toString()}`
}

export function getCase(id: string): Promise<Versioned<Case>> {
  return requestVersioned<Case>('GET', `${C}/${enc(id)}`)
}

export function addCase(body: CaseInput, idempotencyKey?: string): Promise<Versioned<Case>> {
  return requestVersioned<Case>('POST', C, { body, idempotencyKey })
}

/*
 * One step or addition of a case: POST /cases/{id}/{path} with If-Match
 * (the version the person saw), answering the updated case.
 */
export function caseStep(id: string, version: number, path: string, body: unknown = {}): Promise<Versioned<Case>> {
  return requestVersioned<Case>('POST', `${C}/${enc(id)}/${path}`, { body, ifMatch: version })
}

export function getCaseArchive(id: string): Promise<CaseArchive> {
  return request<CaseArchive>('GET', `${C}/${enc(id)}/archive`)
}

export function getCaseDocument(id: string, kind: DocKind): Promise<{ blob: Blob; filename: string | null }> {
  return requestBlob(caseDocumentUrl(id, kind))
}

export function caseDocumentUrl(id: string, kind: DocKind): string {
  return `${C}/${enc(id)}/documents/${kind}.pdf`
}

export function listCasePayment(id: string): Promise<ListResult<Payment>> {
  return requestList<Payment>(`${C}/${enc(id)}/payments`)
}

export function listCaseFlag(kind: FlagKind, q: { offset?: number; limit?: number } = {}): Promise<ListResult<Flag>> {
  return requestList<Flag>(`${C}/flags`, { kind, ...q })
}

export function listOfficerCert(q: { user_id?: string; status?: string; valid_on?: string; offset?: number; limit?: number } = {}):
  Promise<ListResult<OfficerCert>> {
  return requestList<OfficerCert>('/api/v1/officer-certs', q)
}

export function addOfficerCert(body: { user_id: string; cert_no: string; issued_on: string; valid_to: string }):
  Promise<Versioned<OfficerCert>> {
  return requestVersioned<OfficerCert>('POST', '/api/v1/officer-certs', { body })
}

export function revokeOfficerCert(id: string, reason: string, version?: number): Promise<Versioned<OfficerCert>> {
  return requestVersioned<OfficerCert>('POST', `/api/v1/officer-certs/${enc(id)}/revoke`, { body: { reason }, ifMatch: version })
}

export function listOfficerConflict(q: { user_id?: string; status?: string; offset?: number; limit?: number } = {}):
  Promise<ListResult<OfficerConflict>> {
  return requestList<OfficerConflict>('/api/v1/officer-conflicts', q)
}

export function addOfficerConflict(body: {
  user_id: string; unit_id?: string; party_name?: string; relation: string; note?: string; from_on: string; to_on?: string
}): Promise<Versioned<OfficerConflict>> {
  return requestVersioned<OfficerConflict>('POST', '/api/v1/officer-conflicts', { body })
}

export function endOfficerConflict(id: string, version?: number): Promise<Versioned<OfficerConflict>> {
  return requestVersioned<OfficerConflict>('POST', `/api/v1/officer-conflicts/${enc(id)}/end`, { body: {}, ifMatch: version })
}

export function listPublicDecision(q: { q?: string; town?: string; offset?: number; limit?: number } = {}):
  Promise<ListResult<PublicDecision>> {
  return requestList<PublicDecision>('/api/v1/public/decisions', q, { noAuthRedirect: true })
}

export function getPublicDecision(id: string): Promise<PublicDecision> {
  return request<PublicDecision>('GET', `/api/v1/public/decisions/${enc(id)}`, { noAuthRedirect: true })
}
