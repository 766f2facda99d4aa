/*
 * The patrol module's API (网格巡查 and 派出所消防检查: src/api/api_patrol.c
 * and src/domain/patrol.h): the checklists per trade, recording a patrol
 * or a police check, the ledger (台账) with its CSV / Excel export, one
 * record beside the unit's previous one, monthly coverage per grid or
 * town, and the police stations' yearly coverage and due list.
 */
import { request, requestBlob, requestList } from './http'
import type { ListResult } from './http'

export const PATROL_KINDS = ['patrol', 'police'] as const
export const PATROL_OUTCOMES = ['compliant', 'corrected', 'hazards'] as const
export const ITEM_RESULTS = ['pass', 'fail', 'na'] as const
/* The server's limits (api_patrol.c, patrol.c). */
export const PATROL_NOTE_MAX = 2000
export const ITEM_NOTE_MAX = 500
export const PATROL_PHOTOS_MAX = 9
export const REFUSAL_MIN = 2
export const REFUSAL_MAX = 200

export type PatrolKind = typeof PATROL_KINDS[number]
export type PatrolOutcome = typeof PATROL_OUTCOMES[number]
export type ItemResult = typeof ITEM_RESULTS[number]
export type ExportFormat = 'csv' | 'xlsx'

export interface ChecklistItem {
  code: string
  text: string
  hazard_type: string
}

export interface Checklist {
  code: string
  name: string
  kind: PatrolKind
  applies: { three_small_kind?: string; category?: string; default?: boolean }
  items: ChecklistItem[]
}

/* GET /patrols/checklists (PAT-001, data/patrol/checklists.json). */
export interface Checklists {
  format: string
  version: string
  source?: string
  note?: string
  templates: Checklist[]
}

/* One item's result as stored. */
export interface PatrolResult {
  code: string
  text: string
  hazard_type: string
  result: ItemResult
  note: string | null
  photos: string[]
  on_spot: boolean
  deadline_days: number | null
  hazard_id: string | null
}

export interface PatrolSignatures {
  patroller: string
  unit: string | null
  unit_refused: string | null
}

export interface PatrolHazard {
  id: string
  no: string
  status: string
  deadline: string | null
  item_code: string | null
}

export interface PatrolRecord {
  id: string
  unit_id: string
  unit_name?: string
  town: string
  grid_id: string | null
  kind: PatrolKind
  template: string
  template_version: string
  results: PatrolResult[]
  outcome: PatrolOutcome
  failures: number
  note: string | null
  signatures: PatrolSignatures
  lat_e6: number | null
  lng_e6: number | null
  accuracy_m: number | null
  located_at: number | null
  patrolled_on: string
  created_at: number
  created_by: string
  version: number
  hazards?: PatrolHazard[]
  previous?: PatrolRecord | null
}

/* A row of the ledger. */
export interface PatrolBrief {
  id: string
  unit_id: string
  unit_name: string
  town: string
  grid_id: string | null
  kind: PatrolKind
  template: string
  outcome: PatrolOutcome
  failures: number
  patrolled_on: string
  created_by: string
}

export interface PatrolQuery {
  unit_id?: string
  grid_id?: string
  town?: string
  kind?: string
  outcome?: string
  from?: string
  to?: string
  offset?: number
  limit?: number
}

export interface ResultInput {
  code: string
  result: ItemResult
  note?: string
  photos?: string[]
  on_spot?: boolean
  deadline_days?: number
}

export interface PatrolInput {
  unit_id: string
  kind?: PatrolKind
  template?: string
  results: ResultInput[]
  note?: string
  signatures: { patroller: string; unit?: string; unit_refused?: string }
  location?: { lat: number; lng: number; accuracy_m?: number; at?: number }
}

/* Monthly coverage: per grid (grid_id, code) or, for the city, per town. */
export interface CoverageRow {
  name: string
  units: number
  visited: number
  /* Visited share in tenths of a percent. */
  share_pct_x10: number
  month: string
  town: string
  grid_id?: string
  code?: string
}

export interface PoliceCoverageRow {
  town: string
  name: string
  units: number
  checked: number
  year: string
}

export interface DueUnit {
  id: string
  name: string
  address: string
  town: string
}

const enc = encodeURIComponent
const P = '/api/v1/patrols'

export function getChecklists(): Promise<Checklists> {
  return request<Checklists>('GET', `${P}/checklists`)
}

export function listPatrol(q: PatrolQuery): Promise<ListResult<PatrolBrief>> {
  return requestList<PatrolBrief>(P, { ...q })
}

export function exportPatrol(q: PatrolQuery, format: ExportFormat): Promise<Blob> {
  return requestBlob(`${P}/export`, { ...q, format }).then((r) => r.blob)
}

export function getPatrol(id: string): Promise<PatrolRecord> {
  return request<PatrolRecord>('GET', `${P}/${enc(id)}`)
}

export function addPatrol(body: PatrolInput, idempotencyKey?: string): Promise<PatrolRecord> {
  return request<PatrolRecord>('POST', P, { body, idempotencyKey })
}

export function getCoverage(q: { month?: string; town?: string }): Promise<CoverageRow[]> {
  return requestList<CoverageRow>(`${P}/coverage`, { ...q }).then((r) => r.items)
}

export function getPoliceCoverage(year?: string): Promise<PoliceCoverageRow[]> {
  return requestList<PoliceCoverageRow>(`${P}/police-coverage`, { year }).then((r) => r.items)
}

export function listPoliceDue(q: { year?: string; town?: string; offset?: number; limit?: number }): Promise<ListResult<DueUnit>> {
  return requestList<DueUnit>(`${P}/police-due`, { ...q })
}
