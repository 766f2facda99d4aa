/*
 * The audit module's API (docs/modules/audit.md): search, one entry's
 * inclusion proof, signed tree heads and the signing keys.
 */
import { request, requestList } from './http'
import type { ListResult } from './http'

export interface AuditRow {
  index: number
  /* The exact bytes that were hashed, as a string. */
  entry: string
  at: number
  actor: string
  action: string
  object: string | null
  state: string | null
}

export interface AuditQuery {
  actor?: string
  action?: string
  object?: string
  from?: number
  to?: number
  offset?: number
  limit?: number
}

export interface Sth {
  tree_size: number
  root_hash: string
  timestamp: number
  key_id: string
  signature: string
}

export interface InclusionProof {
  index: number
  tree_size: number
  path: string[]
}

export interface AuditKey {
  key_id: string
  pem: string
}

export function listAudit(q: AuditQuery): Promise<ListResult<AuditRow>> {
  return requestList<AuditRow>('/api/v1/audit/search', { ...q })
}

export function listAuditEntries(start: number, end: number): Promise<{ index: number; entry: string }[]> {
  return request('GET', '/api/v1/audit/entries', { query: { start, end } })
}

export function getAuditInclusion(index: number, size: number): Promise<InclusionProof> {
  return request<InclusionProof>('GET', '/api/v1/audit/inclusion', { query: { index, size } })
}

export function getAuditSth(size?: number): Promise<Sth> {
  return request<Sth>('GET', '/api/v1/public/audit/sth', { query: { size } })
}

export function listAuditKey(): Promise<AuditKey[]> {
  return request<AuditKey[]>('GET', '/api/v1/public/audit/keys')
}

export function addAuditSth(): Promise<Sth> {
  return request<Sth>('POST', '/api/v1/audit/sth')
}
