/*
 * The registry module's API (户籍化管理: src/api/api_registry.c): towns,
 * grids, units with history and unmasking, buildings and places.
 */
import { request, requestBlob, requestList, requestVersioned } from './http'
import type { ListResult, Versioned } from './http'
import type { AuditRow } from './audit'

export interface Town {
  code: string
  name: string
  kind: 'street' | 'town' | 'area'
  population: number | null
}

export interface Grid {
  id: string
  town: string
  town_name?: string | null
  code: string
  name: string
  status: 'active' | 'archived'
  version: number
}

export const UNIT_CATEGORIES = ['high_risk', 'key', 'public_gathering', 'crowded', 'special_industry',
  'three_small', 'rental', 'general'] as const
export const THREE_SMALL_KINDS = ['shop', 'workshop', 'entertainment'] as const
export const UNIT_STATUSES = ['active', 'closed', 'archived'] as const
export const BUILDING_USES = ['residential', 'public', 'factory', 'warehouse', 'mixed', 'other'] as const
export const FIRE_RATINGS = ['一级', '二级', '三级', '四级'] as const
export const PLACE_KINDS = ['mall', 'market', 'shop', 'hotel', 'restaurant', 'entertainment', 'internet_cafe',
  'sports', 'theatre', 'hospital', 'elderly_care', 'school', 'kindergarten', 'library', 'museum', 'exhibition',
  'station', 'office', 'factory', 'workshop', 'warehouse', 'chemical', 'fuel_station', 'rental_housing',
  'dormitory', 'residential', 'government', 'heritage', 'finance', 'broadcast', 'metro', 'other'] as const
export const PERSON_ROLES = ['legal_rep', 'responsible', 'manager'] as const
export const PERSON_FIELDS = ['name', 'phone', 'id_number'] as const
export const UNIT_SORTS = ['name', 'town', 'created_at', 'updated_at'] as const

export type UnitStatus = typeof UNIT_STATUSES[number]
export type PersonRole = typeof PERSON_ROLES[number]

/* The list view: no personal data. */
export interface UnitBrief {
  id: string
  name: string
  uscc: string | null
  address: string
  town: string
  town_name: string | null
  grid_id: string | null
  grid_name: string | null
  industry: string | null
  categories: string[]
  primary_category: string
  three_small_kind: string | null
  status: UnitStatus
  risk_grade: string | null
  version: number
  created_at: number
  updated_at: number
}

/* The single view: people masked unless unmasked (P-2). */
export interface Unit extends UnitBrief {
  legal_rep_name: string | null
  legal_rep_phone: string | null
  legal_rep_id_number: string | null
  responsible_name: string | null
  responsible_phone: string | null
  responsible_id_number: string | null
  manager_name: string | null
  manager_phone: string | null
  manager_id_number: string | null
  uscc_warning: boolean
  /* 住所 and 成立日期 (YYYY-MM-DD) as market supervision registered them. */
  registered_address: string | null
  registered_on: string | null
  created_by: string
  masked: boolean
}

export type UnitInput = Partial<Record<string, string | string[] | null>>

export interface UnitQuery {
  q?: string
  town?: string
  grid?: string
  category?: string
  status?: string
  industry?: string
  risk_grade?: string
  sort?: string
  offset?: number
  limit?: number
}

export interface Building {
  id: string
  unit_id: string
  status: string
  version: number
  name: string
  floors_above: number | null
  floors_below: number | null
  height_cm: number | null
  floor_area_m2: number | null
  use: string
  fire_resistance_rating: string | null
  occupancy: number | null
  has_control_room: boolean | null
  has_sprinklers: boolean | null
  has_auto_alarm: boolean | null
  created_at: number
  updated_at: number
}

export interface Place {
  id: string
  unit_id: string
  status: string
  version: number
  name: string
  kind: string
  building_id: string | null
  floor_area_m2: number | null
  rooms: number | null
  beds: number | null
  seats: number | null
  occupancy: number | null
  underground: boolean | null
  created_at: number
  updated_at: number
}

export function listTown(): Promise<Town[]> {
  return request<Town[]>('GET', '/api/v1/towns')
}

export function listGrid(q: { town?: string; status?: string; offset?: number; limit?: number }): Promise<ListResult<Grid>> {
  return requestList<Grid>('/api/v1/grids', { ...q })
}

export function listUnit(q: UnitQuery): Promise<ListResult<UnitBrief>> {
  return requestList<UnitBrief>('/api/v1/units', { ...q })
}

export function getUnit(id: string): Promise<Versioned<Unit>> {
  return requestVersioned<Unit>('GET', `/api/v1/units/${encodeURIComponent(id)}`)
}

export function addUnit(body: UnitInput, idempotencyKey?: string): Promise<Versioned<Unit>> {
  return requestVersioned<Unit>('POST', '/api/v1/units', { body, idempotencyKey })
}

export function updateUnit(id: string, version: string | number, body: UnitInput): Promise<Versioned<Unit>> {
  return requestVersioned<Unit>('PATCH', `/api/v1/units/${encodeURIComponent(id)}`, { body, ifMatch: version })
}

export function closeUnit(id: string, version: string | number): Promise<Versioned<Unit>> {
  return requestVersioned<Unit>('POST', `/api/v1/units/${encodeURIComponent(id)}/close`, { ifMatch: version })
}

export function archiveUnit(id: string, version: string | number): Promise<Versioned<Unit>> {
  return requestVersioned<Unit>('POST', `/api/v1/units/${encodeURIComponent(id)}/archive`, { ifMatch: version })
}

/* No Idempotency-Key: the server refuses one here, so that personal data
 * in clear is never stored as a replayable answer. */
export function unmaskUnit(id: string, reason: string): Promise<Unit> {
  return request<Unit>('POST', `/api/v1/units/${encodeURIComponent(id)}/unmask`, { body: { reason }, noIdempotency: true })
}

export function listUnitHistory(id: string, offset = 0, limit = 50): Promise<ListResult<AuditRow>> {
  return requestList<AuditRow>(`/api/v1/units/${encodeURIComponent(id)}/history`, { offset, limit })
}

export function listUnitBuilding(id: string): Promise<ListResult<Building>> {
  return requestList<Building>(`/api/v1/units/${encodeURIComponent(id)}/buildings`, { limit: 200 })
}

export function addUnitBuilding(id: string, body: Record<string, unknown>, idempotencyKey?: string): Promise<Versioned<Building>> {
  return requestVersioned<Building>('POST', `/api/v1/units/${encodeURIComponent(id)}/buildings`, { body, idempotencyKey })
}

export function updateBuilding(id: string, version: string | number, body: Record<string, unknown>): Promise<Versioned<Building>> {
  return requestVersioned<Building>('PATCH', `/api/v1/buildings/${encodeURIComponent(id)}`, { body, ifMatch: version })
}

export function archiveBuilding(id: string, version: string | number): Promise<Versioned<Building>> {
  return requestVersioned<Building>('POST', `/api/v1/buildings/${encodeURIComponent(id)}/archive`, { ifMatch: version })
}

export function listUnitPlace(id: string): Promise<ListResult<Place>> {
  return requestList<Place>(`/api/v1/units/${encodeURIComponent(id)}/places`, { limit: 200 })
}

export function addUnitPlace(id: string, body: Record<string, unknown>, idempotencyKey?: string): Promise<Versioned<Place>> {
  return requestVersioned<Place>('POST', `/api/v1/units/${encodeURIComponent(id)}/places`, { body, idempotencyKey })
}

export function updatePlace(id: string, version: string | number, body: Record<string, unknown>): Promise<Versioned<Place>> {
  return requestVersioned<Place>('PATCH', `/api/v1/places/${encodeURIComponent(id)}`, { body, ifMatch: version })
}

export function archivePlace(id: string, version: string | number): Promise<Versioned<Place>> {
  return requestVersioned<Place>('POST', `/api/v1/places/${encodeURIComponent(id)}/archive`, { ifMatch: version })
}

/* One rejected (or warned) row of an import: the spreadsheet's row number,
 * the column key (or "row" for the whole row) and the server's reason. */
export interface ImportIssue {
  row: number
  field: string
  reason: string
}

/* The answer of POST /units/import (docs/modules/registry.md "Import"). */
export interface ImportReport {
  import_id: string
  mode: 'dry-run' | 'commit'
  encoding: string
  rows: number
  created: number
  updated: number
  unchanged: number
  rejected: number
  changed: boolean
  summary: string
  ignored_columns: string[]
  errors: ImportIssue[]
  errors_truncated: boolean
  warnings: ImportIssue[]
}

export type ImportMode = 'dry-run' | 'commit'
export type ExportFormat = 'csv' | 'xlsx'

/* The CSV file as the body; the server detects UTF-8 or GB18030. */
export function importUnit(file: Blob, mode: ImportMode): Promise<ImportReport> {
  return request<ImportReport>('POST', '/api/v1/units/import', {
    query: { mode }, raw: { data: file, type: 'text/csv' },
  })
}

/* The list's filters and sort as a file (paging ignored by the server). */
export function exportUnit(q: UnitQuery, format: ExportFormat): Promise<Blob> {
  return requestBlob('/api/v1/units/export', { ...q, format }).then((r) => r.blob)
}
