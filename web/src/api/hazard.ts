/*
 * The hazard module's API (隐患治理: src/api/api_hazard.c and
 * src/domain/hazard.h): the catalogue, recording, the list with its
 * export and the town summary, one hazard with its steps (order, report,
 * re-check, dismiss), transfers to other departments with their disputes,
 * major-hazard judgements (GB 35181), listing for supervision (挂牌督办)
 * and temporary seals (临时查封).  Every step sends If-Match with the
 * version the person saw.
 */
import { request, requestBlob, requestList, requestVersioned } from './http'
import type { ListResult, Versioned } from './http'

export const HAZARD_STATUSES = ['found', 'ordered', 'reported', 'transferred', 'closed'] as const
/* Every source a hazard may come from (the list filter). */
export const HAZARD_SOURCES = ['officer', 'patrol', 'police', 'inspection', 'tipoff', 'self', 'iot'] as const
/* The sources a person records directly (HAZ-003). */
export const DIRECT_SOURCES = ['officer', 'patrol', 'police'] as const
export const HAZARD_LEVELS = ['general', 'major'] as const
/* The list's sorts; a leading '-' descends (the server's default is -found_on). */
export const HAZARD_SORTS = ['found_on', 'step_due', 'no'] as const
export const CLOSE_REASONS = ['on_spot', 'rectified', 'transferred', 'not_hazard'] as const
export const STEP_ACTIONS = ['create', 'on_spot', 'order', 'report', 'recheck_pass', 'recheck_fail', 'dismiss',
  'transfer', 'transfer_accept', 'transfer_return', 'transfer_complete', 'transfer_dispute', 'transfer_upheld',
  'transfer_released', 'escalate_town', 'escalate_city', 'judge', 'list', 'delist', 'seal', 'seal_extend',
  'seal_apply_lift', 'seal_lift', 'seal_refuse_lift'] as const
export const TRANSFER_STATUSES = ['pending', 'accepted', 'returned', 'disputed', 'completed', 'released'] as const
export const JUDGE_OUTCOMES = ['major', 'not-major', 'excluded'] as const
export const JUDGE_PROCEDURES = ['discussion', 'expert'] as const
export const LISTING_LEVELS = ['town', 'city'] as const
export const LISTING_STATUSES = ['listed', 'delisted'] as const
export const SEAL_STATUSES = ['active', 'lift_applied', 'lifted'] as const
/* The server's limits (api_hazard.c field tables). */
export const HAZARD_PHOTOS_MAX = 20
export const HAZARD_NOTE_MAX = 2000
export const HAZARD_REASON_MIN = 4
export const HAZARD_DAYS_MAX = 366

export type HazardStatus = typeof HAZARD_STATUSES[number]
export type HazardSource = typeof HAZARD_SOURCES[number]
export type DirectSource = typeof DIRECT_SOURCES[number]
export type HazardLevel = typeof HAZARD_LEVELS[number]
export type StepAction = typeof STEP_ACTIONS[number]
export type TransferStatus = typeof TRANSFER_STATUSES[number]
export type JudgeOutcome = typeof JUDGE_OUTCOMES[number]
export type JudgeProcedure = typeof JUDGE_PROCEDURES[number]
export type ListingLevel = typeof LISTING_LEVELS[number]
export type ListingStatus = typeof LISTING_STATUSES[number]
export type SealStatus = typeof SEAL_STATUSES[number]
export type ExportFormat = 'csv' | 'xlsx'
/* C: matches the source; P: partly checked; U: an unchecked template value. */
export type SourceStatus = 'C' | 'P' | 'U'

/* The catalogue (HAZ-001, data/hazard/catalogue.json). */
export interface HazardType {
  code: string
  name: string
  legal_basis: string
  deadline_days: number
  dept: string
  on_spot: boolean
  status: SourceStatus
  note?: string
}

export interface HazardDept {
  code: string
  name: string
}

export interface HazardClock {
  value: number
  status: SourceStatus
  note: string
}

export interface HazardCatalogue {
  format: string
  version: string
  source?: string
  note?: string
  clocks: Record<string, HazardClock>
  departments: HazardDept[]
  types: HazardType[]
}

/* A row of the list (HAZ-007). */
export interface HazardBrief {
  id: string
  no: string
  unit_id: string
  unit_name: string
  town: string
  type_code: string | null
  source: HazardSource
  description: string
  dept: string
  found_on: string
  deadline: string | null
  status: HazardStatus
  step_due: string | null
  escalation: number
  level: HazardLevel
  version: number
  overdue: boolean
}

/* One step of the timeline. */
export interface HazardStep {
  id: string
  action: StepAction
  from_status: string | null
  to_status: string
  note: string | null
  photos: string[]
  due: string | null
  /* The user id of who took it, or "system". */
  actor: string
  at: number
}

export interface HazardTransfer {
  id: string
  hazard_id?: string
  dept: string
  town: string
  status: TransferStatus
  note: string | null
  return_reason: string | null
  dispute_note: string | null
  decision: 'upheld' | 'released' | null
  decision_note: string | null
  due: string
  complete_due: string | null
  escalation: number
  version: number
  created_at: number
  updated_at: number
  created_by: string
}

/* A row of the transfer list (a department's inbox, a town's view). */
export interface TransferBrief {
  id: string
  hazard_id: string
  dept: string
  town: string
  status: TransferStatus
  due: string
  complete_due: string | null
  escalation: number
  version: number
  hazard_no: string
  description: string
  unit_name: string
}

export interface Judgement {
  id: string
  hazard_id?: string
  edition: string
  place: string
  elements: string[]
  exclusion: string | null
  outcome: JudgeOutcome
  method: 'direct' | 'composite' | null
  counted: number | null
  threshold: number | null
  reason: string
  procedure: JudgeProcedure
  participants: string[]
  agreeing: number | null
  conclusion: string
  judged_on: string
  created_at?: number
  created_by?: string
}

/* A progress report on a listing (POST /hazard-listings/{id}/reports). */
export interface ListingReport {
  id: string
  listing_id: string
  text: string
  photos: string[]
  reported_on: string
  created_at: number
  created_by: string
}

/* A listing as a hazard carries it and as created or delisted. */
export interface Listing {
  id: string
  no: string
  hazard_id?: string
  level: ListingLevel
  body: string
  deadline: string
  status: ListingStatus
  published: boolean
  listed_on: string
  delisted_on: string | null
  delist_note?: string | null
  version: number
}

/* A row of the board (GET /hazard-listings): with its hazard and the number of progress reports. */
export interface ListingBrief extends Listing {
  hazard_id: string
  hazard_no: string
  description: string
  hazard_status: HazardStatus
  unit_name: string
  town: string
  reports: number
}

/* What the public sees (GET /public/hazard-listings): listings in force, no ids, no people. */
export interface PublicListing {
  no: string
  level: ListingLevel
  body: string
  deadline: string
  listed_on: string
  unit_name: string
  address: string
  town: string
  description: string
  type: string | null
}

/* A seal (HAZ-028..032); the list rows carry only the short form with the hazard and unit. */
export interface Seal {
  id: string
  no: string
  hazard_id?: string
  unit_id?: string
  scope: string
  reason?: string
  start_on: string
  end_on: string
  extended: boolean
  status: SealStatus
  lift_request?: string | null
  lift_note?: string | null
  lifted_on?: string | null
  version: number
  /* In the seal list. */
  hazard_no?: string
  unit_name?: string
  expired?: boolean
}

/* One hazard (HAZ-006): the record with its history. */
export interface Hazard {
  id: string
  no: string
  unit_id: string
  unit_name?: string | null
  town: string
  grid_id: string | null
  type_code: string | null
  source: HazardSource
  source_id: string | null
  item_code: string | null
  description: string
  legal_basis: string | null
  location: string | null
  dept: string
  photos: string[]
  found_on: string
  deadline: string | null
  status: HazardStatus
  step_due: string | null
  escalation: number
  escalated_on: string | null
  level: HazardLevel
  returns: number
  notice_no: string | null
  close_reason: typeof CLOSE_REASONS[number] | null
  closed_on: string | null
  version: number
  created_at: number
  updated_at: number
  created_by: string
  overdue?: boolean
  steps?: HazardStep[]
  transfers?: HazardTransfer[]
  judgements?: Judgement[]
  listings?: Listing[]
  seals?: Seal[]
}

/* Per town (HAZ-018): the heat table. */
export interface HazardSummaryRow {
  town: string
  town_name: string | null
  open: number
  overdue: number
  escalated: number
  major: number
  closed_this_year: number
  total: number
}

export interface HazardQuery {
  status?: string
  town?: string
  source?: string
  level?: string
  dept?: string
  q?: string
  from?: string
  to?: string
  overdue?: string
  escalated?: string
  unit_id?: string
  grid_id?: string
  sort?: string
  offset?: number
  limit?: number
}

export interface HazardInput {
  unit_id: string
  type_code: string
  description: string
  location?: string
  photos?: string[]
  on_spot?: boolean
  deadline_days?: number
  decide_later?: boolean
  source?: DirectSource
}

export interface OrderInput { deadline_days?: number; note?: string }
export interface ReportInput { note: string; photos: string[] }
export interface RecheckInput { result: 'pass' | 'fail'; note: string; photos?: string[]; deadline_days?: number }
export interface TransferInput { dept: string; note?: string; deadline_days?: number }
export interface DecideInput { decision: 'upheld' | 'released'; note: string; deadline_days?: number }

/* GB 35181 editions (HAZ-J01). */
export interface JudgeEdition {
  edition: string
  standard: string
  title: string
  title_en?: string
  effective: string
  effective_confirmed?: boolean
  superseded: string | null
  template: boolean
}

export interface JudgeGroup { code: string; name_zh: string; confirmed: boolean }
export interface JudgeElement { code: string; group: string; confirmed: boolean; text_zh: string; note?: string }
export interface JudgeRule { counts: string[] | 'any'; threshold: number; confirmed: boolean; source?: string; note?: string }
export interface JudgePlace { code: string; name_zh: string; name_en: string; rules: JudgeRule[] }
export interface JudgeExclusion { code: string; clause: string; confirmed: boolean; text_zh: string; source?: string }

export interface JudgeEditionFile {
  format: string
  edition: string
  standard: string
  title: string
  title_en?: string
  effective: string
  superseded: string | null
  template: boolean
  note?: string
  groups: JudgeGroup[]
  direct: JudgeElement[]
  composite: JudgeElement[]
  places: JudgePlace[]
  exclusions: JudgeExclusion[]
}

export interface JudgementInput {
  edition: string
  place: string
  elements: string[]
  exclusion?: string
  procedure: JudgeProcedure
  participants: string[]
  agreeing?: number
  conclusion: string
}

export interface ListingInput { level: ListingLevel; body: string; deadline: string; publish: boolean }
export interface ListingQuery { status?: string; level?: string; offset?: number; limit?: number }
export interface SealInput { scope: string; reason: string; start_on: string; days: number }

const enc = encodeURIComponent
const H = '/api/v1/hazards'
const T = '/api/v1/hazard-transfers'
const L = '/api/v1/hazard-listings'
const S = '/api/v1/hazard-seals'

export function getHazardCatalogue(): Promise<HazardCatalogue> {
  return request<HazardCatalogue>('GET', `${H}/catalogue`)
}

export function listHazard(q: HazardQuery): Promise<ListResult<HazardBrief>> {
  return requestList<HazardBrief>(H, { ...q })
}

/* The list's filters and sort as a file (paging ignored by the server). */
export function exportHazard(q: HazardQuery, format: ExportFormat): Promise<Blob> {
  return requestBlob(`${H}/export`, { ...q, format }).then((r) => r.blob)
}

export function getHazardSummary(): Promise<HazardSummaryRow[]> {
  return request<HazardSummaryRow[]>('GET', `${H}/summary`)
}

export function getHazard(id: string): Promise<Versioned<Hazard>> {
  return requestVersioned<Hazard>('GET', `${H}/${enc(id)}`)
}

export function addHazard(body: HazardInput, idempotencyKey?: string): Promise<Versioned<Hazard>> {
  return requestVersioned<Hazard>('POST', H, { body, idempotencyKey })
}

export function orderHazard(id: string, version: number, body: OrderInput): Promise<Versioned<Hazard>> {
  return requestVersioned<Hazard>('POST', `${H}/${enc(id)}/order`, { body, ifMatch: version })
}

export function reportHazard(id: string, version: number, body: ReportInput): Promise<Versioned<Hazard>> {
  return requestVersioned<Hazard>('POST', `${H}/${enc(id)}/report`, { body, ifMatch: version })
}

export function recheckHazard(id: string, version: number, body: RecheckInput): Promise<Versioned<Hazard>> {
  return requestVersioned<Hazard>('POST', `${H}/${enc(id)}/recheck`, { body, ifMatch: version })
}

export function dismissHazard(id: string, version: number, reason: string): Promise<Versioned<Hazard>> {
  return requestVersioned<Hazard>('POST', `${H}/${enc(id)}/dismiss`, { body: { reason }, ifMatch: version })
}

/* A new transfer (no If-Match: the server checks the hazard's status). */
export function transferHazard(id: string, body: TransferInput, idempotencyKey?: string): Promise<Versioned<HazardTransfer>> {
  return requestVersioned<HazardTransfer>('POST', `${H}/${enc(id)}/transfers`, { body, idempotencyKey })
}

export function listHazardTransfer(q: { status?: string; offset?: number; limit?: number }): Promise<ListResult<TransferBrief>> {
  return requestList<TransferBrief>(T, { ...q })
}

export function acceptTransfer(id: string, version: number, note?: string): Promise<Versioned<HazardTransfer>> {
  return requestVersioned<HazardTransfer>('POST', `${T}/${enc(id)}/accept`, { body: note ? { note } : {}, ifMatch: version })
}

export function returnTransfer(id: string, version: number, reason: string): Promise<Versioned<HazardTransfer>> {
  return requestVersioned<HazardTransfer>('POST', `${T}/${enc(id)}/return`, { body: { reason }, ifMatch: version })
}

export function completeTransfer(id: string, version: number, body: { note: string; photos?: string[] }):
  Promise<Versioned<HazardTransfer>> {
  return requestVersioned<HazardTransfer>('POST', `${T}/${enc(id)}/complete`, { body, ifMatch: version })
}

export function disputeTransfer(id: string, version: number, note: string): Promise<Versioned<HazardTransfer>> {
  return requestVersioned<HazardTransfer>('POST', `${T}/${enc(id)}/dispute`, { body: { note }, ifMatch: version })
}

export function decideTransfer(id: string, version: number, body: DecideInput): Promise<Versioned<HazardTransfer>> {
  return requestVersioned<HazardTransfer>('POST', `${T}/${enc(id)}/decide`, { body, ifMatch: version })
}

export function listJudgeEditions(): Promise<JudgeEdition[]> {
  return requestList<JudgeEdition>('/api/v1/hazard-judge/editions').then((r) => r.items)
}

export function getJudgeEdition(edition: string): Promise<JudgeEditionFile> {
  return request<JudgeEditionFile>('GET', `/api/v1/hazard-judge/editions/${enc(edition)}`)
}

export function addJudgement(hazardId: string, body: JudgementInput, idempotencyKey?: string): Promise<Judgement> {
  return request<Judgement>('POST', `${H}/${enc(hazardId)}/judgements`, { body, idempotencyKey })
}

export function addListing(hazardId: string, body: ListingInput, idempotencyKey?: string): Promise<Listing> {
  return request<Listing>('POST', `${H}/${enc(hazardId)}/listings`, { body, idempotencyKey })
}

export function listListing(q: ListingQuery): Promise<ListResult<ListingBrief>> {
  return requestList<ListingBrief>(L, { ...q })
}

export function reportListing(id: string, body: { text: string; photos: string[] }, idempotencyKey?: string):
  Promise<ListingReport> {
  return request<ListingReport>('POST', `${L}/${enc(id)}/reports`, { body, idempotencyKey })
}

export function delistListing(id: string, version: number, note: string): Promise<Versioned<Listing>> {
  return requestVersioned<Listing>('POST', `${L}/${enc(id)}/delist`, { body: { note }, ifMatch: version })
}

/* Published listings, readable without a login. */
export function listPublicListing(q: { offset?: number; limit?: number } = {}): Promise<ListResult<PublicListing>> {
  return requestList<PublicListing>('/api/v1/public/hazard-listings', { ...q }, { noAuthRedirect: true })
}

export function addSeal(hazardId: string, body: SealInput, idempotencyKey?: string): Promise<Seal> {
  return request<Seal>('POST', `${H}/${enc(hazardId)}/seals`, { body, idempotencyKey })
}

export function listSeal(q: { status?: string; offset?: number; limit?: number }): Promise<ListResult<Seal>> {
  return requestList<Seal>(S, { ...q })
}

export function extendSeal(id: string, version: number, body: { days: number; reason: string }): Promise<Versioned<Seal>> {
  return requestVersioned<Seal>('POST', `${S}/${enc(id)}/extend`, { body, ifMatch: version })
}

export function applyLiftSeal(id: string, version: number, request: string): Promise<Versioned<Seal>> {
  return requestVersioned<Seal>('POST', `${S}/${enc(id)}/apply-lift`, { body: { request }, ifMatch: version })
}

export function liftSeal(id: string, version: number, note: string): Promise<Versioned<Seal>> {
  return requestVersioned<Seal>('POST', `${S}/${enc(id)}/lift`, { body: { note }, ifMatch: version })
}

export function refuseLiftSeal(id: string, version: number, note: string): Promise<Versioned<Seal>> {
  return requestVersioned<Seal>('POST', `${S}/${enc(id)}/refuse-lift`, { body: { note }, ifMatch: version })
}
