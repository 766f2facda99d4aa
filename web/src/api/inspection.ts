/*
 * 一单两库 of 双随机抽查 (src/api/api_inspection_dir.c): the list of
 * inspection items (检查事项清单) with its published form, the inspector
 * directory (执法检查人员名录库) and declared conflicts (回避).  Plans,
 * tasks and rules are api/inspectionPlan.ts.
 */
import { request, requestBlob, requestList, requestVersioned } from './http'
import type { ListResult, Versioned } from './http'

export const INSPECTION_DEPARTMENTS = ['fire', 'market', 'housing', 'emergency', 'urban', 'power', 'police',
  'other'] as const
/* The registry's unit categories an item may name (INS-003: [] = every unit). */
export const ITEM_CATEGORIES = ['high_risk', 'key', 'public_gathering', 'crowded', 'special_industry',
  'three_small', 'rental'] as const
export const ITEM_STATUSES = ['active', 'archived'] as const
export const ITEM_SORTS = ['code', 'name', 'department', 'updated_at', 'created_at'] as const
export const INSPECTOR_STATUSES = ['active', 'suspended', 'archived'] as const
export const INSPECTOR_SORTS = ['name', 'department', 'cert_valid_until', 'updated_at', 'created_at'] as const
export const CERT_FILTERS = ['valid', 'expired'] as const
export const CONFLICT_KINDS = ['relative', 'former_employer', 'interest', 'other'] as const
export const CONFLICT_STATUSES = ['active', 'withdrawn'] as const

export type Department = typeof INSPECTION_DEPARTMENTS[number]
export type ExportFormat = 'csv' | 'xlsx'

/* INS-001..003: the record is the view. */
export interface InspectionItem {
  id: string
  code: string
  name: string
  legal_basis: string
  content: string
  method: string
  department: Department
  categories: string[]
  status: 'active' | 'archived'
  version: number
  created_at: number
  updated_at: number
  created_by: string
}

export interface InspectionItemInput {
  code?: string
  name?: string
  legal_basis?: string
  content?: string
  method?: string
  department?: string
  categories?: string[]
}

/* The published list (INS-017): no ids, no people. */
export interface PublicItem {
  code: string
  name: string
  legal_basis: string
  content: string
  method: string
  department: Department
  department_name: string
  categories: string[]
  updated_at: number
}

export interface ItemQuery {
  q?: string
  department?: string
  status?: string
  category?: string
  sort?: string
  offset?: number
  limit?: number
}

export interface Inspector {
  id: string
  user_id: string | null
  user_login: string | null
  name: string
  department: Department
  cert_no: string
  cert_valid_until: string
  cert_valid: boolean
  areas: string[]
  specialty: string | null
  status: 'active' | 'suspended' | 'archived'
  conflicts_active: number
  version: number
  created_at: number
  updated_at: number
  created_by: string
}

export interface InspectorInput {
  name?: string
  department?: string
  cert_no?: string
  cert_valid_until?: string
  areas?: string[]
  specialty?: string | null
  user_id?: string | null
  status?: 'active' | 'suspended'
}

export interface InspectorQuery {
  q?: string
  department?: string
  area?: string
  status?: string
  cert?: string
  expiring?: string
  sort?: string
  offset?: number
  limit?: number
}

export interface Conflict {
  id: string
  inspector_id: string
  unit_id: string
  kind: typeof CONFLICT_KINDS[number]
  note: string | null
  status: 'active' | 'withdrawn'
  version: number
  created_at: number
  updated_at: number
  created_by: string
  inspector_name: string
  inspector_department: Department
  unit_name: string
  unit_town: string
}

export interface ConflictInput {
  unit_id: string
  kind: string
  note?: string
}

const enc = encodeURIComponent

export function listItems(q: ItemQuery): Promise<ListResult<InspectionItem>> {
  return requestList<InspectionItem>('/api/v1/inspection/items', { ...q })
}

export function getItem(id: string): Promise<Versioned<InspectionItem>> {
  return requestVersioned<InspectionItem>('GET', `/api/v1/inspection/items/${enc(id)}`)
}

export function addItem(body: InspectionItemInput, idempotencyKey?: string): Promise<Versioned<InspectionItem>> {
  return requestVersioned<InspectionItem>('POST', '/api/v1/inspection/items', { body, idempotencyKey })
}

export function updateItem(id: string, version: string | number, body: InspectionItemInput): Promise<Versioned<InspectionItem>> {
  return requestVersioned<InspectionItem>('PATCH', `/api/v1/inspection/items/${enc(id)}`, { body, ifMatch: version })
}

export function archiveItem(id: string, version: string | number): Promise<Versioned<InspectionItem>> {
  return requestVersioned<InspectionItem>('POST', `/api/v1/inspection/items/${enc(id)}/archive`, { ifMatch: version })
}

/* The list's filters and sort as a file (paging ignored by the server). */
export function exportItems(q: ItemQuery, format: ExportFormat): Promise<Blob> {
  return requestBlob('/api/v1/inspection/items/export', { ...q, format }).then((r) => r.blob)
}

export function listPublicItems(q: ItemQuery): Promise<ListResult<PublicItem>> {
  return requestList<PublicItem>('/api/v1/public/inspection/items', { ...q })
}

export function listInspectors(q: InspectorQuery): Promise<ListResult<Inspector>> {
  return requestList<Inspector>('/api/v1/inspectors', { ...q })
}

export function getInspector(id: string): Promise<Versioned<Inspector>> {
  return requestVersioned<Inspector>('GET', `/api/v1/inspectors/${enc(id)}`)
}

export function addInspector(body: InspectorInput, idempotencyKey?: string): Promise<Versioned<Inspector>> {
  return requestVersioned<Inspector>('POST', '/api/v1/inspectors', { body, idempotencyKey })
}

export function updateInspector(id: string, version: string | number, body: InspectorInput): Promise<Versioned<Inspector>> {
  return requestVersioned<Inspector>('PATCH', `/api/v1/inspectors/${enc(id)}`, { body, ifMatch: version })
}

export function archiveInspector(id: string, version: string | number): Promise<Versioned<Inspector>> {
  return requestVersioned<Inspector>('POST', `/api/v1/inspectors/${enc(id)}/archive`, { ifMatch: version })
}

export function exportInspectors(q: InspectorQuery, format: ExportFormat): Promise<Blob> {
  return requestBlob('/api/v1/inspectors/export', { ...q, format }).then((r) => r.blob)
}

/* The conflicts of an inspector (the units the caller may see). */
export function listConflicts(inspectorId: string, q: { status?: string; offset?: number; limit?: number } = {}):
  Promise<ListResult<Conflict>> {
  return requestList<Conflict>(`/api/v1/inspectors/${enc(inspectorId)}/conflicts`, { limit: 200, ...q })
}

/* The conflicts declared with a unit (the inspectors the caller may see). */
export function listUnitConflicts(unitId: string, q: { status?: string; offset?: number; limit?: number } = {}):
  Promise<ListResult<Conflict>> {
  return requestList<Conflict>(`/api/v1/units/${enc(unitId)}/conflicts`, { limit: 200, ...q })
}

export function declareConflict(inspectorId: string, body: ConflictInput, idempotencyKey?: string):
  Promise<Versioned<Conflict>> {
  return requestVersioned<Conflict>('POST', `/api/v1/inspectors/${enc(inspectorId)}/conflicts`, { body, idempotencyKey })
}

export function withdrawConflict(id: string, version: string | number): Promise<Versioned<Conflict>> {
  return requestVersioned<Conflict>('POST', `/api/v1/inspector-conflicts/${enc(id)}/withdraw`, { ifMatch: version })
}

/* For pickers: the active items, codes first (a plan's items, a check's list). */
export function activeItems(): Promise<InspectionItem[]> {
  return request<InspectionItem[]>('GET', '/api/v1/inspection/items', { query: { status: 'active', limit: 200 } })
}
