/*
 * The permit module's API (营业前消防安全检查: src/api/api_permit.c and
 * src/domain/permit.h): the rules, applying by commitment (告知承诺) or
 * by inspection, the list with its verification tasks, one application
 * with its timeline and certificate, the decisions (inspect, issue,
 * refuse, reissue) and the verification of a commitment with its
 * re-check, each with If-Match; the documents as PDF.
 */
import { request, requestBlob, requestList, requestVersioned } from './http'
import type { ListResult, Versioned } from './http'

export const PERMIT_STATUSES = ['submitted', 'inspected', 'issued', 'refused', 'revoked'] as const
export const PERMIT_ROUTES = ['commitment', 'inspection'] as const
export const VERIFY_STATUSES = ['pending', 'matched', 'mismatch', 'rectified', 'revoked'] as const
export const PERMIT_SORTS = ['-created', 'step_due', 'verify_due'] as const
export const PERMIT_DOCUMENTS = ['certificate', 'refusal', 'notice', 'revocation'] as const
export const CERT_STATUSES = ['valid', 'revoked', 'superseded'] as const
export const STEP_ACTIONS = ['apply', 'inspect', 'issue', 'refuse', 'verify_matched', 'verify_mismatch',
  'recheck_fixed', 'revoke', 'reissue'] as const
/* The server's limits (api_permit.c field tables, permit.c). */
export const PERMIT_LIMITS = {
  placeName: [2, 100], address: [2, 200], area: [1, 10000000], capacity: [1, 1000000], note: 2000,
  reasons: [4, 2000], reissue: [2, 200], items: 100, listFiles: 10,
} as const

export type PermitStatus = typeof PERMIT_STATUSES[number]
export type PermitRoute = typeof PERMIT_ROUTES[number]
export type VerifyStatus = typeof VERIFY_STATUSES[number]
export type PermitDocument = typeof PERMIT_DOCUMENTS[number]
export type CertStatus = typeof CERT_STATUSES[number]

export interface PermitClock { value: number; status: string; note: string }

/* GET /permits/rules (PRM-001, data/permit/rules.json). */
export interface PermitRules {
  format: string
  version: string
  source?: string
  note?: string
  clocks: Record<string, PermitClock>
  verify_days_by_grade: Record<string, number | string>
  numbers: Record<string, { template: string; status: string; note?: string }>
  issuer: { name: string; status: string }
  verify_url?: { template: string; note?: string }
  uses: string[]
  commitment: { version: string; status: string; text: string }
}

export interface PermitDocuments {
  licence: string
  rules: string
  plans: string[]
  other: string[]
}

/* One row of verification: what was committed, what was found. */
export interface VerifyItem {
  item: string
  committed?: string
  found?: string
  match: boolean
}

export interface PermitStep {
  id: string
  action: string
  note: string | null
  due: string | null
  actor: string
  at: number
}

/* A certificate of the registry (ecert_get). */
export interface Certificate {
  id: string
  no: string
  type: string
  subject_type: string
  subject_id: string
  kid: string
  content: string
  signature: string
  /* The QR text FWC1.<content>.<signature>. */
  code: string
  status: CertStatus
  issued_on: string
  revoked_on: string | null
  revoke_reason: string | null
  superseded_by: string | null
  version: number
}

/* A row of the list. */
export interface PermitBrief {
  id: string
  no: string
  unit_id: string
  unit_name: string
  town: string
  place_name: string
  use: string
  area_m2: number
  route: PermitRoute
  status: PermitStatus
  step_due: string | null
  permit_no: string | null
  verify_status: VerifyStatus | null
  verify_due: string | null
  submitted_on: string
  version: number
  overdue: boolean
}

export interface Permit {
  id: string
  no: string
  unit_id: string
  unit_name?: string | null
  town: string
  place_name: string
  address: string
  use: string
  area_m2: number
  capacity: number
  route: PermitRoute
  commitment_version: string | null
  documents: PermitDocuments
  status: PermitStatus
  step_due: string | null
  submitted_on: string
  inspected_on: string | null
  inspection: { result: 'pass' | 'fail'; note: string; items: unknown[] } | null
  permit_no: string | null
  decided_on: string | null
  refusal_no: string | null
  refusal_reasons: string | null
  cert_id: string | null
  verify_status: VerifyStatus | null
  verify_due: string | null
  verified_on: string | null
  verification: { items: VerifyItem[]; note: string | null } | null
  notice_no: string | null
  rectify_deadline: string | null
  recheck_due: string | null
  revocation_no: string | null
  revoked_on: string | null
  revoke_reason: string | null
  previous_id: string | null
  version: number
  created_at: number
  updated_at: number
  created_by: string
  steps?: PermitStep[]
  certificate?: Certificate | null
  overdue?: boolean
}

export interface PermitQuery {
  status?: string
  route?: string
  verify_status?: string
  town?: string
  unit_id?: string
  overdue?: string
  q?: string
  sort?: string
  offset?: number
  limit?: number
}

export interface PermitInput {
  unit_id?: string
  place_name: string
  address: string
  use: string
  area_m2: number
  capacity: number
  route: PermitRoute
  commitment?: { version: string; accepted: true }
  documents: { licence: string; rules: string; plans?: string[]; other?: string[] }
  previous_id?: string
}

export interface InspectInput { result: 'pass' | 'fail'; note: string }
export interface VerifyInput { items: VerifyItem[]; note?: string; rectify_days?: number }
export interface RecheckInput { fixed: boolean; note: string }

const enc = encodeURIComponent
const P = '/api/v1/permits'

export function getPermitRules(): Promise<PermitRules> {
  return request<PermitRules>('GET', `${P}/rules`)
}

export function listPermit(q: PermitQuery): Promise<ListResult<PermitBrief>> {
  return requestList<PermitBrief>(P, { ...q })
}

export function getPermit(id: string): Promise<Versioned<Permit>> {
  return requestVersioned<Permit>('GET', `${P}/${enc(id)}`)
}

export function addPermit(body: PermitInput, idempotencyKey?: string): Promise<Versioned<Permit>> {
  return requestVersioned<Permit>('POST', P, { body, idempotencyKey })
}

export function inspectPermit(id: string, version: number, body: InspectInput): Promise<Versioned<Permit>> {
  return requestVersioned<Permit>('POST', `${P}/${enc(id)}/inspect`, { body, ifMatch: version })
}

export function issuePermit(id: string, version: number, note?: string): Promise<Versioned<Permit>> {
  return requestVersioned<Permit>('POST', `${P}/${enc(id)}/issue`, { body: note ? { note } : {}, ifMatch: version })
}

export function refusePermit(id: string, version: number, reasons: string): Promise<Versioned<Permit>> {
  return requestVersioned<Permit>('POST', `${P}/${enc(id)}/refuse`, { body: { reasons }, ifMatch: version })
}

export function verifyPermit(id: string, version: number, body: VerifyInput): Promise<Versioned<Permit>> {
  return requestVersioned<Permit>('POST', `${P}/${enc(id)}/verify`, { body, ifMatch: version })
}

export function recheckPermit(id: string, version: number, body: RecheckInput): Promise<Versioned<Permit>> {
  return requestVersioned<Permit>('POST', `${P}/${enc(id)}/recheck`, { body, ifMatch: version })
}

export function reissuePermit(id: string, version: number, reason: string): Promise<Versioned<Permit>> {
  return requestVersioned<Permit>('POST', `${P}/${enc(id)}/reissue`, { body: { reason }, ifMatch: version })
}

/* A document as PDF, with the server's download name. */
export function getPermitDocument(id: string, kind: PermitDocument): Promise<{ blob: Blob; filename: string | null }> {
  return requestBlob(`${P}/${enc(id)}/documents/${kind}`)
}
