/*
 * 一单两库 in the console, the pure parts (no UI, no HTTP): the list
 * queries as the URL carries them, the bodies the item and inspector
 * forms send, the checks that mirror the server's (INS-001, INS-007,
 * INS-008), and certificate states by the Asia/Shanghai calendar
 * (INS-010).  docs/modules/inspection_dir.md has the rules.
 */
import {
  CERT_FILTERS, INSPECTION_DEPARTMENTS, INSPECTOR_SORTS, INSPECTOR_STATUSES, ITEM_CATEGORIES, ITEM_SORTS,
  ITEM_STATUSES,
} from '@/api/inspection'
import type { Inspector, InspectorInput, InspectorQuery, InspectionItem, InspectionItemInput, ItemQuery } from '@/api/inspection'
import type { Problem } from '@/utils/validate'
import { codePoints } from '@/utils/validate'

export const PAGE_SIZES = [10, 20, 50, 100]
export const EXPIRING_DAYS = [30, 60, 90, 180] as const
/* A certificate this close to its last day is shown as expiring. */
export const SOON_DAYS = 30

const str = (q: Record<string, unknown>, k: string): string => (typeof q[k] === 'string' ? (q[k] as string) : '')
const oneOf = (list: readonly string[], v: string): string => (list.includes(v) ? v : '')
function page(q: Record<string, unknown>): { limit: number; offset: number } {
  const limit = Number(q.limit)
  const offset = Number(q.offset)
  return {
    limit: PAGE_SIZES.includes(limit) ? limit : 20,
    offset: Number.isInteger(offset) && offset >= 0 ? offset : 0,
  }
}
function sortOf(list: readonly string[], v: string, def: string): string {
  return list.includes(v.replace(/^-/, '')) ? v : def
}

export type ItemListQuery = Required<Pick<ItemQuery, 'q' | 'department' | 'status' | 'category' | 'sort' | 'offset' | 'limit'>>
export type InspectorListQuery = Required<Pick<InspectorQuery, 'q' | 'department' | 'area' | 'status' | 'cert' |
  'expiring' | 'sort' | 'offset' | 'limit'>>

/* Route query -> item list query, dropping what the server would refuse (INS-016). */
export function parseItemQuery(q: Record<string, unknown>): ItemListQuery {
  const category = str(q, 'category')
  return {
    q: str(q, 'q').slice(0, 64),
    department: oneOf(INSPECTION_DEPARTMENTS, str(q, 'department')),
    status: oneOf(ITEM_STATUSES, str(q, 'status')),
    category: category === 'general' || (ITEM_CATEGORIES as readonly string[]).includes(category) ? category : '',
    sort: sortOf(ITEM_SORTS, str(q, 'sort'), 'code'),
    ...page(q),
  }
}

export function parseInspectorQuery(q: Record<string, unknown>): InspectorListQuery {
  const expiring = str(q, 'expiring')
  return {
    q: str(q, 'q').slice(0, 64),
    department: oneOf(INSPECTION_DEPARTMENTS, str(q, 'department')),
    area: /^\d{9}$/.test(str(q, 'area')) ? str(q, 'area') : '',
    status: oneOf(INSPECTOR_STATUSES, str(q, 'status')),
    cert: oneOf(CERT_FILTERS, str(q, 'cert')),
    expiring: /^\d{1,4}$/.test(expiring) && Number(expiring) <= 3650 ? String(Number(expiring)) : '',
    sort: sortOf(INSPECTOR_SORTS, str(q, 'sort'), 'name'),
    ...page(q),
  }
}

/* The query in the URL: only what differs from the defaults. */
export function toRouteQuery(q: Record<string, string | number>, defSort: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(q)) {
    if (k === 'sort' && v === defSort)
      continue
    if ((k === 'offset' && v === 0) || (k === 'limit' && v === 20))
      continue
    if (v !== '' && v !== undefined)
      out[k] = String(v)
  }
  return out
}

/* The list's filters and sort for an export: no paging, no empty values. */
export function exportFilter<T extends Record<string, unknown>>(q: T): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(q))
    if (k !== 'offset' && k !== 'limit' && typeof v === 'string' && v.trim() !== '')
      out[k] = v.trim()
  return out
}

function pad(n: number): string {
  return n < 10 ? '0' + n : String(n)
}

/* 检查事项清单-20261129.xlsx */
export function exportFilename(base: string, format: 'csv' | 'xlsx', d: Date): string {
  return `${base}-${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}.${format}`
}

/* Checks mirroring the server's. */

/* INS-001: 2-16 of A-Z 0-9 '-', lower-case letters accepted (upper-cased). */
export function checkItemCode(v: string): Problem | null {
  const s = v.trim().toUpperCase()
  if (s.length < 2 || s.length > 16)
    return { key: 'inspectionDir.rules.codeLength' }
  if (!/^[A-Z0-9-]+$/.test(s))
    return { key: 'inspectionDir.rules.codeChars' }
  return null
}

/* INS-002: 1..max code points on one line. */
export function checkLine(max: number) {
  return (v: string): Problem | null => {
    const s = v.trim()
    const n = codePoints(s)
    if (n < 1 || n > max)
      return { key: 'inspectionDir.rules.length', params: { max } }
    if (/[\r\n\t]/.test(s))
      return { key: 'inspectionDir.rules.oneLine' }
    return null
  }
}

/* INS-007: a real day YYYY-MM-DD of 1990-2099. */
export function checkCertDate(v: string): Problem | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v)
  if (!m)
    return { key: 'inspectionDir.rules.date' }
  const y = Number(m[1])
  const mo = Number(m[2])
  const d = Number(m[3])
  const dt = new Date(Date.UTC(y, mo - 1, d))
  if (y < 1990 || y > 2099 || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d)
    return { key: 'inspectionDir.rules.date' }
  return null
}

/* INS-008: 1-36 distinct towns. */
export function checkAreas(v: readonly string[]): Problem | null {
  if (v.length < 1 || v.length > 36)
    return { key: 'inspectionDir.rules.areas' }
  if (new Set(v).size !== v.length)
    return { key: 'inspectionDir.rules.areasTwice' }
  return null
}

/* Days and certificates (INS-010). */

/* Today in Asia/Shanghai (UTC+8, no daylight saving), YYYY-MM-DD. */
export function todayShanghai(nowMs = Date.now()): string {
  return new Date(nowMs + 8 * 3600 * 1000).toISOString().slice(0, 10)
}

/* Whole days from a to b (both YYYY-MM-DD). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b + 'T00:00:00Z') - Date.parse(a + 'T00:00:00Z')) / 86400000)
}

export type CertState = 'valid' | 'soon' | 'expired'

/* Valid through its last day; "soon" within SOON_DAYS of it. */
export function certState(until: string, today: string): CertState {
  const d = daysBetween(today, until)
  return d < 0 ? 'expired' : d <= SOON_DAYS ? 'soon' : 'valid'
}

export function certTagType(s: CertState): 'success' | 'warning' | 'danger' {
  return s === 'valid' ? 'success' : s === 'soon' ? 'warning' : 'danger'
}

export function statusTagType(s: string): 'success' | 'warning' | 'info' {
  return s === 'active' ? 'success' : s === 'suspended' ? 'warning' : 'info'
}

/* Form bodies. */

export interface ItemFormModel {
  code: string
  name: string
  legal_basis: string
  content: string
  method: string
  department: string
  categories: string[]
}

export function blankItem(): ItemFormModel {
  return { code: '', name: '', legal_basis: '', content: '', method: '', department: 'fire', categories: [] }
}

export function itemToModel(i: InspectionItem): ItemFormModel {
  return {
    code: i.code, name: i.name, legal_basis: i.legal_basis, content: i.content, method: i.method,
    department: i.department, categories: [...i.categories],
  }
}

const TEXTS = ['name', 'legal_basis', 'content', 'method'] as const

/* The POST body of a new item: trimmed, the code upper-cased. */
export function itemCreate(f: ItemFormModel): InspectionItemInput {
  const b: InspectionItemInput = { code: f.code.trim().toUpperCase(), department: f.department, categories: [...f.categories] }
  for (const k of TEXTS)
    b[k] = f[k].trim()
  return b
}

/* The PATCH body: only what changed. */
export function itemPatch(cur: InspectionItem, f: ItemFormModel): InspectionItemInput {
  const p: InspectionItemInput = {}
  const code = f.code.trim().toUpperCase()
  if (code !== cur.code)
    p.code = code
  for (const k of TEXTS)
    if (f[k].trim() !== cur[k])
      p[k] = f[k].trim()
  if (f.department !== cur.department)
    p.department = f.department
  const order = (a: readonly string[]) => ITEM_CATEGORIES.filter((c) => a.includes(c))
  if (order(f.categories).join() !== order(cur.categories).join())
    p.categories = order(f.categories)
  return p
}

export interface InspectorFormModel {
  name: string
  department: string
  cert_no: string
  cert_valid_until: string
  areas: string[]
  specialty: string
  user_id: string
  status: 'active' | 'suspended'
}

export function blankInspector(town: string): InspectorFormModel {
  return {
    name: '', department: 'fire', cert_no: '', cert_valid_until: '', areas: town ? [town] : [], specialty: '',
    user_id: '', status: 'active',
  }
}

export function inspectorToModel(p: Inspector): InspectorFormModel {
  return {
    name: p.name, department: p.department, cert_no: p.cert_no, cert_valid_until: p.cert_valid_until,
    areas: [...p.areas], specialty: p.specialty ?? '', user_id: p.user_id ?? '',
    status: p.status === 'suspended' ? 'suspended' : 'active',
  }
}

const sorted = (a: readonly string[]): string[] => [...a].sort()

export function inspectorCreate(f: InspectorFormModel): InspectorInput {
  const b: InspectorInput = {
    name: f.name.trim(), department: f.department, cert_no: f.cert_no.trim(),
    cert_valid_until: f.cert_valid_until, areas: sorted(f.areas),
  }
  if (f.specialty.trim())
    b.specialty = f.specialty.trim()
  if (f.user_id.trim())
    b.user_id = f.user_id.trim()
  return b
}

/* The PATCH body: only what changed; an emptied optional field is null. */
export function inspectorPatch(cur: Inspector, f: InspectorFormModel): InspectorInput {
  const p: InspectorInput = {}
  if (f.name.trim() !== cur.name)
    p.name = f.name.trim()
  if (f.department !== cur.department)
    p.department = f.department
  if (f.cert_no.trim() !== cur.cert_no)
    p.cert_no = f.cert_no.trim()
  if (f.cert_valid_until !== cur.cert_valid_until)
    p.cert_valid_until = f.cert_valid_until
  if (sorted(f.areas).join() !== sorted(cur.areas).join())
    p.areas = sorted(f.areas)
  const spec = f.specialty.trim() || null
  if (spec !== cur.specialty)
    p.specialty = spec
  const uid = f.user_id.trim() || null
  if (uid !== cur.user_id)
    p.user_id = uid
  if (cur.status !== 'archived' && f.status !== cur.status)
    p.status = f.status
  return p
}
