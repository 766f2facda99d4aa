/*
 * Pure helpers of the patrol pages (网格巡查 / 派出所消防检查): the
 * checklist of a unit's trade as the server chooses it (PAT-002), the
 * answers of a patrol and what the server would refuse (PAT-004..006),
 * the request body, the ledger query in the URL (PAT-009), the re-check
 * view beside the previous record (PAT-008), and the coverage charts
 * (PAT-010..012).  No UI, no HTTP: unit-tested in patrol.spec.ts.
 */
import { ITEM_NOTE_MAX, PATROL_KINDS, PATROL_NOTE_MAX, PATROL_OUTCOMES, PATROL_PHOTOS_MAX, REFUSAL_MAX, REFUSAL_MIN } from '@/api/patrol'
import type {
  Checklist, Checklists, CoverageRow, ItemResult, PatrolInput, PatrolKind, PatrolQuery, PatrolRecord, PoliceCoverageRow,
  ResultInput,
} from '@/api/patrol'
import type { HazardType } from '@/api/hazard'

/* The registry's fields the choice needs (UnitBrief). */
export interface UnitTrade {
  categories: readonly string[]
  three_small_kind: string | null
}

/* The checklists a person may use: those of their kind. */
export function templatesOf(c: Checklists | null, kind: PatrolKind): Checklist[] {
  return (c?.templates ?? []).filter((t) => t.kind === kind)
}

/*
 * PAT-002 as patrol.c's pat_choose(): among the checklists of the kind,
 * the unit's three-small kind first, then a category it has, then the
 * default; null when none applies (a police check of a unit that is not
 * a special-industry place has no checklist of its own).
 */
export function chooseTemplate(c: Checklists | null, kind: PatrolKind, u: UnitTrade | null): Checklist | null {
  if (!u)
    return null
  const of = templatesOf(c, kind)
  const three = of.find((t) => t.applies.three_small_kind && t.applies.three_small_kind === u.three_small_kind)
  if (three)
    return three
  let def: Checklist | null = null
  for (const t of of) {
    if (t.applies.category && u.categories.includes(t.applies.category))
      return t
    if (t.applies.default && !def)
      def = t
  }
  return def
}

/* Police stations record police checks (PAT-003); everyone else patrols. */
export function kindFor(can: (p: string) => boolean): PatrolKind {
  return can('patrol:police') ? 'police' : 'patrol'
}

/* One item's answer as the form holds it. */
export interface Answer {
  result: ItemResult | ''
  note: string
  photos: string[]
  on_spot: boolean
  deadline_days: number
}

export function blankAnswers(t: Checklist, types: readonly HazardType[]): Record<string, Answer> {
  return Object.fromEntries(t.items.map((i) => [i.code, {
    result: '', note: '', photos: [], on_spot: false,
    deadline_days: types.find((x) => x.code === i.hazard_type)?.deadline_days ?? 10,
  } as Answer]))
}

/* PAT-005: corrected on the spot only where the item's hazard type allows it. */
export function onSpotAllowed(hazardType: string, types: readonly HazardType[]): boolean {
  return types.find((x) => x.code === hazardType)?.on_spot === true
}

export interface Signing {
  patroller: boolean
  unit: boolean
  refused: boolean
  refusal: string
}

export interface PatrolProblem {
  /* An item's code, or the form's part: signatures, note, unit_id, location. */
  field: string
  key: string
  params?: Record<string, unknown>
}

function cp(s: string): number {
  return [...s].length
}

/* The first thing to fix before sending (PAT-004..006), or null. */
export function patrolProblem(t: Checklist | null, answers: Record<string, Answer>, types: readonly HazardType[],
  sign: Signing, note: string, maxDays: number): PatrolProblem | null {
  if (!t)
    return { field: 'unit_id', key: 'patrol.form.pickUnit' }
  for (const [n, item] of t.items.entries()) {
    const a = answers[item.code]
    const at = { n: n + 1, item: item.text }
    if (!a || !a.result)
      return { field: item.code, key: 'patrol.form.answerAll', params: at }
    if (a.result !== 'fail')
      continue
    if (!a.note.trim())
      return { field: item.code, key: 'patrol.form.failNote', params: at }
    if (cp(a.note.trim()) > ITEM_NOTE_MAX)
      return { field: item.code, key: 'patrol.form.noteMax', params: { ...at, max: ITEM_NOTE_MAX } }
    if (!a.photos.length)
      return { field: item.code, key: 'patrol.form.failPhoto', params: at }
    if (a.photos.length > PATROL_PHOTOS_MAX)
      return { field: item.code, key: 'patrol.form.photosMax', params: { ...at, max: PATROL_PHOTOS_MAX } }
    if (a.on_spot && !onSpotAllowed(item.hazard_type, types))
      return { field: item.code, key: 'patrol.form.noOnSpot', params: at }
    if (!a.on_spot && (!Number.isInteger(a.deadline_days) || a.deadline_days < 1 || a.deadline_days > maxDays))
      return { field: item.code, key: 'patrol.form.daysRule', params: { ...at, max: maxDays } }
  }
  if (cp(note.trim()) > PATROL_NOTE_MAX)
    return { field: 'note', key: 'patrol.form.noteTooLong', params: { max: PATROL_NOTE_MAX } }
  if (!sign.patroller)
    return { field: 'signatures', key: 'patrol.form.patrollerSigns' }
  if (sign.refused) {
    const r = cp(sign.refusal.trim())
    if (r < REFUSAL_MIN || r > REFUSAL_MAX)
      return { field: 'signatures', key: 'patrol.form.refusalRule', params: { min: REFUSAL_MIN, max: REFUSAL_MAX } }
  } else if (!sign.unit) {
    return { field: 'signatures', key: 'patrol.form.unitSigns' }
  }
  return null
}

/* One item as sent: a failure's note, photos and either on_spot or a deadline other than the type's. */
export function resultBody(code: string, hazardType: string, a: Answer, types: readonly HazardType[]): ResultInput {
  const r: ResultInput = { code, result: a.result as ItemResult }
  if (a.result === 'fail') {
    r.note = a.note.trim()
    r.photos = [...a.photos]
    if (a.on_spot && onSpotAllowed(hazardType, types))
      r.on_spot = true
    else if (a.deadline_days !== types.find((x) => x.code === hazardType)?.deadline_days)
      r.deadline_days = a.deadline_days
  } else if (a.note.trim()) {
    r.note = a.note.trim()
  }
  return r
}

export interface Position { lat: number; lng: number; accuracy_m?: number; at?: number }

/*
 * The request: the checklist named only when it is not the one the
 * server would choose; the unit's signature or its refusal.
 */
export function patrolBody(unitId: string, kind: PatrolKind, t: Checklist, chosen: Checklist | null,
  answers: Record<string, Answer>, types: readonly HazardType[],
  sigs: { patroller: string; unit?: string; refusal?: string }, note: string, pos: Position | null): PatrolInput {
  const b: PatrolInput = {
    unit_id: unitId,
    results: t.items.map((i) => resultBody(i.code, i.hazard_type, answers[i.code]!, types)),
    signatures: { patroller: sigs.patroller },
  }
  if (kind === 'police')
    b.kind = 'police'
  if (!chosen || chosen.code !== t.code)
    b.template = t.code
  if (sigs.refusal !== undefined)
    b.signatures.unit_refused = sigs.refusal.trim()
  else if (sigs.unit)
    b.signatures.unit = sigs.unit
  if (note.trim())
    b.note = note.trim()
  if (pos)
    b.location = { ...pos }
  return b
}

/* What a patrol comes to, before it is sent (the server says the same). */
export function expectedOutcome(answers: Record<string, Answer>): 'compliant' | 'corrected' | 'hazards' {
  const fails = Object.values(answers).filter((a) => a.result === 'fail')
  if (!fails.length)
    return 'compliant'
  return fails.every((a) => a.on_spot) ? 'corrected' : 'hazards'
}

/* The server's field ("results[3]", "signatures", "location.lat") -> where the form shows it. */
export function problemField(field: string | null, t: Checklist | null): string {
  const m = /^results\[(\d+)\]$/.exec(field ?? '')
  if (m && t)
    return t.items[Number(m[1])]?.code ?? 'results'
  if (field?.startsWith('location'))
    return 'location'
  return field ?? ''
}

/* The ledger (台账) query in the URL. */
export const PAGE_SIZES = [10, 20, 50, 100]

export interface PatrolListQuery {
  unit_id: string
  grid_id: string
  town: string
  kind: string
  outcome: string
  from: string
  to: string
  offset: number
  limit: number
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

function isDate(s: string): boolean {
  if (!DATE.test(s))
    return false
  const d = new Date(s + 'T00:00:00Z')
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

export function parsePatrolQuery(q: Record<string, unknown>): PatrolListQuery {
  const str = (k: string): string => (typeof q[k] === 'string' ? (q[k] as string) : '')
  const id = (k: string): string => (/^[1-9]\d{0,18}$/.test(str(k)) ? str(k) : '')
  const limit = Number(q.limit)
  const offset = Number(q.offset)
  let from = isDate(str('from')) ? str('from') : ''
  let to = isDate(str('to')) ? str('to') : ''
  if (from && to && from > to)
    [from, to] = [to, from]
  return {
    unit_id: id('unit_id'),
    grid_id: id('grid_id'),
    town: /^\d{9}$/.test(str('town')) ? str('town') : '',
    kind: (PATROL_KINDS as readonly string[]).includes(str('kind')) ? str('kind') : '',
    outcome: (PATROL_OUTCOMES as readonly string[]).includes(str('outcome')) ? str('outcome') : '',
    from,
    to,
    limit: PAGE_SIZES.includes(limit) ? limit : 20,
    offset: Number.isInteger(offset) && offset >= 0 ? offset : 0,
  }
}

const QKEYS = ['unit_id', 'grid_id', 'town', 'kind', 'outcome', 'from', 'to'] as const

export function patrolUrlQuery(q: PatrolListQuery): Record<string, string> {
  const out: Record<string, string> = {}
  for (const k of QKEYS)
    if (q[k]) out[k] = q[k]
  if (q.offset) out.offset = String(q.offset)
  if (q.limit !== 20) out.limit = String(q.limit)
  return out
}

export function patrolApiQuery(q: PatrolListQuery, paged = true): PatrolQuery {
  const out: PatrolQuery = {}
  for (const k of QKEYS)
    if (q[k]) out[k] = q[k]
  if (paged) {
    out.offset = q.offset
    out.limit = q.limit
  }
  return out
}

export function outcomeType(o: string): 'success' | 'warning' | 'danger' {
  return o === 'compliant' ? 'success' : o === 'corrected' ? 'warning' : 'danger'
}

export function resultType(r: string): 'success' | 'danger' | 'info' {
  return r === 'pass' ? 'success' : r === 'fail' ? 'danger' : 'info'
}

/* The re-check view (PAT-008): each item of this record beside the previous record's answer to it. */
export interface CompareRow {
  code: string
  text: string
  now: PatrolRecord['results'][number]
  before: PatrolRecord['results'][number] | null
  /* failed before and passes now; still failing; newly failing. */
  change: 'fixed' | 'still' | 'new' | 'same'
}

export function compareRows(r: PatrolRecord): CompareRow[] {
  const prev = r.previous?.results ?? []
  return r.results.map((now) => {
    const before = prev.find((x) => x.code === now.code) ?? null
    let change: CompareRow['change'] = 'same'
    if (before?.result === 'fail' && now.result !== 'fail')
      change = 'fixed'
    else if (before?.result === 'fail' && now.result === 'fail')
      change = 'still'
    else if (now.result === 'fail')
      change = 'new'
    return { code: now.code, text: now.text, now, before, change }
  })
}

/* The hazard made from an item (PAT-007). */
export function hazardOf(r: PatrolRecord, code: string): { id: string; no: string; status: string } | null {
  return r.hazards?.find((h) => h.item_code === code) ?? null
}

/* Coverage in percent, one decimal (share_pct_x10 is tenths of a percent). */
export function pct(x10: number): number {
  return Math.round(x10) / 10
}

export type Translate = (key: string, named?: Record<string, unknown>) => string

/* PAT-010: the share of units visited per grid or town, lowest first, with the counts. */
export function coverageChart(rows: readonly CoverageRow[], t: Translate, name: (r: CoverageRow) => string) {
  const data = [...rows].sort((a, b) => a.share_pct_x10 - b.share_pct_x10 || name(a).localeCompare(name(b))).slice(0, 60)
  const names = data.map(name)
  return {
    color: ['#1f6fd1', '#2f9e44', '#f08c00'],
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 36, right: 48, top: 40, bottom: names.length > 6 ? 70 : 30 },
    xAxis: { type: 'category', data: names, axisLabel: { rotate: names.length > 6 ? 40 : 0, interval: 0 } },
    yAxis: [{ type: 'value', minInterval: 1 },
      { type: 'value', max: 100, axisLabel: { formatter: '{value}%' }, splitLine: { show: false } }],
    series: [
      { type: 'bar', name: t('patrol.cov.units'), data: data.map((r) => r.units), barMaxWidth: 18 },
      { type: 'bar', name: t('patrol.cov.visited'), data: data.map((r) => r.visited), barMaxWidth: 18 },
      { type: 'line', name: t('patrol.cov.share'), yAxisIndex: 1, data: data.map((r) => pct(r.share_pct_x10)) },
    ],
  }
}

/* PAT-011: special-industry places per town and those checked this year. */
export function policeChart(rows: readonly PoliceCoverageRow[], t: Translate) {
  const data = rows.filter((r) => r.units > 0 || rows.length <= 12)
  const names = data.map((r) => r.name)
  return {
    color: ['#7048e8', '#2f9e44', '#f08c00'],
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 36, right: 48, top: 40, bottom: names.length > 6 ? 70 : 30 },
    xAxis: { type: 'category', data: names, axisLabel: { rotate: names.length > 6 ? 40 : 0, interval: 0 } },
    yAxis: [{ type: 'value', minInterval: 1 }, { type: 'value', max: 100, axisLabel: { formatter: '{value}%' }, splitLine: { show: false } }],
    series: [
      { type: 'bar', name: t('patrol.police.units'), data: data.map((r) => r.units), barMaxWidth: 18 },
      { type: 'bar', name: t('patrol.police.checked'), data: data.map((r) => r.checked), barMaxWidth: 18 },
      { type: 'line', name: t('patrol.cov.share'), yAxisIndex: 1,
        data: data.map((r) => (r.units ? Math.round(r.checked * 1000 / r.units) / 10 : 0)) },
    ],
  }
}

/* The month and year of a local date, as the server takes them. */
export function monthOf(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`
}
