/*
 * Pure helpers of the hazard pages (隐患治理): the list query in the URL
 * and the one sent to the server, the jurisdiction a person looks from,
 * the actions a person may take on a hazard or a transfer (each only in
 * the statuses the server allows, HAZ-009..017), the recording form's
 * checks and body, the re-check view, the town heat chart, and the
 * checks of the judgement, listing and seal forms.  No UI, no HTTP:
 * unit-tested in hazard.spec.ts.
 */
import { DIRECT_SOURCES, HAZARD_LEVELS, HAZARD_SORTS, HAZARD_SOURCES, HAZARD_STATUSES } from '@/api/hazard'
import type {
  DirectSource, ExportFormat, Hazard, HazardInput, HazardQuery, HazardStatus, HazardStep, HazardSummaryRow,
  HazardTransfer, HazardType, JudgeEditionFile, JudgeElement, JudgeProcedure, Listing, Seal, TransferBrief,
} from '@/api/hazard'

export const PAGE_SIZES = [10, 20, 50, 100]
export const DEFAULT_SORT = '-found_on'

/* The list's state as the URL keeps it. */
export interface HazardListQuery {
  q: string
  status: string
  town: string
  source: string
  level: string
  overdue: boolean
  escalated: boolean
  from: string
  to: string
  sort: string
  offset: number
  limit: number
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

export function isDate(s: string): boolean {
  if (!DATE.test(s))
    return false
  const d = new Date(s + 'T00:00:00Z')
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

function oneOf(list: readonly string[], v: string): string {
  return list.includes(v) ? v : ''
}

/* Route query -> list query, keeping only what the server accepts (HAZ-007). */
export function parseHazardQuery(q: Record<string, unknown>): HazardListQuery {
  const str = (k: string): string => (typeof q[k] === 'string' ? (q[k] as string) : '')
  const flag = (k: string): boolean => str(k) === '1' || str(k) === 'true'
  const sort = str('sort')
  const limit = Number(q.limit)
  const offset = Number(q.offset)
  let from = isDate(str('from')) ? str('from') : ''
  let to = isDate(str('to')) ? str('to') : ''
  if (from && to && from > to)
    [from, to] = [to, from]
  return {
    q: str('q').trim().slice(0, 100),
    status: oneOf(HAZARD_STATUSES, str('status')),
    town: /^\d{9}$/.test(str('town')) ? str('town') : '',
    source: oneOf(HAZARD_SOURCES, str('source')),
    level: oneOf(HAZARD_LEVELS, str('level')),
    overdue: flag('overdue'),
    escalated: flag('escalated'),
    from,
    to,
    sort: (HAZARD_SORTS as readonly string[]).includes(sort.replace(/^-/, '')) ? sort : DEFAULT_SORT,
    limit: PAGE_SIZES.includes(limit) ? limit : 20,
    offset: Number.isInteger(offset) && offset >= 0 ? offset : 0,
  }
}

/* List query -> route query: only what differs from the defaults. */
export function hazardUrlQuery(q: HazardListQuery): Record<string, string> {
  const out: Record<string, string> = {}
  for (const k of ['q', 'status', 'town', 'source', 'level', 'from', 'to'] as const)
    if (q[k].trim()) out[k] = q[k].trim()
  if (q.overdue) out.overdue = '1'
  if (q.escalated) out.escalated = '1'
  if (q.sort !== DEFAULT_SORT) out.sort = q.sort
  if (q.offset) out.offset = String(q.offset)
  if (q.limit !== 20) out.limit = String(q.limit)
  return out
}

/* What the server's list (and, without paging, its export) is sent. */
export function hazardApiQuery(q: HazardListQuery, paged = true): HazardQuery {
  const out: HazardQuery = {}
  for (const k of ['q', 'status', 'town', 'source', 'level', 'from', 'to'] as const)
    if (q[k].trim()) out[k] = q[k].trim()
  if (q.overdue) out.overdue = '1'
  if (q.escalated) out.escalated = '1'
  out.sort = q.sort
  if (paged) {
    out.offset = q.offset
    out.limit = q.limit
  }
  return out
}

function pad(n: number): string {
  return n < 10 ? '0' + n : String(n)
}

/* 火灾隐患-20261129.xlsx (the console names the file, as for units). */
export function hazardExportFilename(format: ExportFormat, d: Date, base: string): string {
  return `${base}-${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}.${format}`
}

/* Tag colours of a hazard's status. */
export function statusType(s: HazardStatus | string): 'danger' | 'warning' | 'primary' | 'info' | 'success' {
  switch (s) {
  case 'found': return 'danger'
  case 'ordered': return 'warning'
  case 'reported': return 'primary'
  case 'transferred': return 'info'
  default: return 'success'
  }
}

export function transferStatusType(s: string): 'danger' | 'warning' | 'primary' | 'info' | 'success' {
  switch (s) {
  case 'pending': return 'warning'
  case 'accepted': return 'primary'
  case 'returned': return 'danger'
  case 'disputed': return 'danger'
  case 'completed': return 'success'
  default: return 'info'
  }
}

/* The view a jurisdiction gives (Z-2 and HAZ-006). */
export interface Scope {
  kind: 'city' | 'town' | 'grid' | 'unit' | 'dept' | 'none'
  /* The town of a town-level user or of a town's department office. */
  town: string
  /* The department code of a partner department. */
  dept: string
}

export function scopeOf(jurisdiction: string | null | undefined): Scope {
  const j = jurisdiction ?? ''
  if (j === 'city')
    return { kind: 'city', town: '', dept: '' }
  let m = /^town:(\d{9})$/.exec(j)
  if (m)
    return { kind: 'town', town: m[1]!, dept: '' }
  m = /^dept:([a-z]{1,15})(?::(\d{9}))?$/.exec(j)
  if (m)
    return { kind: 'dept', town: m[2] ?? '', dept: m[1]! }
  if (/^grid:\d+$/.test(j))
    return { kind: 'grid', town: '', dept: '' }
  if (/^unit:\d+$/.test(j))
    return { kind: 'unit', town: '', dept: '' }
  return { kind: 'none', town: '', dept: '' }
}

/* A city-wide view has towns to choose between. */
export function showsTownFilter(s: Scope): boolean {
  return s.kind === 'city' || (s.kind === 'dept' && !s.town)
}

/* The town heat table is for those who look at a town or the city (HAZ-018). */
export function showsHeat(s: Scope): boolean {
  return s.kind === 'city' || s.kind === 'town'
}

/* The source a person's hazards usually come from (HAZ-003). */
export function defaultSource(roles: readonly string[]): DirectSource {
  if (roles.includes('officer') || roles.includes('town'))
    return 'officer'
  if (roles.includes('grid'))
    return 'patrol'
  if (roles.includes('police'))
    return 'police'
  return 'officer'
}

/* The direct sources offered to a person: their own first. */
export function sourceChoices(roles: readonly string[]): DirectSource[] {
  const first = defaultSource(roles)
  return [first, ...DIRECT_SOURCES.filter((s) => s !== first)]
}

export type Can = (perm: string) => boolean

export type HazardAction = 'order' | 'dismiss' | 'transfer' | 'report' | 'recheck' | 'judge' | 'list' | 'seal'

/*
 * The steps a person may take on a hazard now (HAZ-009..013 and the
 * judgement, listing and seal rules): the status allows it and the person
 * holds the permission.  The server checks both again.
 */
export function hazardActions(h: Hazard, can: Can): HazardAction[] {
  const out: HazardAction[] = []
  const s = h.status
  if (can('hazard:write')) {
    if (s === 'found')
      out.push('order')
    if (s === 'reported' || s === 'ordered')
      out.push('recheck')
    if (s === 'found' || s === 'ordered')
      out.push('transfer')
    if (s === 'found')
      out.push('dismiss')
  }
  if (s === 'ordered' && can('hazard:report'))
    out.push('report')
  if (s !== 'closed' && can('hazard:judge'))
    out.push('judge')
  if (h.level === 'major' && s !== 'closed' && can('hazard:list') &&
      !(h.listings ?? []).some((l) => l.status === 'listed'))
    out.push('list')
  if (s !== 'closed' && can('hazard:seal') && !(h.seals ?? []).some((x) => x.status !== 'lifted'))
    out.push('seal')
  return out
}

export type TransferAction = 'accept' | 'return' | 'complete' | 'dispute' | 'decide'

/*
 * HAZ-014..017: the department it went to accepts or returns a pending
 * transfer and completes an accepted one; the fire service disputes a
 * return; the town safety office decides a dispute.
 */
export function transferActions(t: Pick<HazardTransfer | TransferBrief, 'status'>, can: Can): TransferAction[] {
  const out: TransferAction[] = []
  if (can('hazard:dept')) {
    if (t.status === 'pending')
      out.push('accept', 'return')
    if (t.status === 'accepted')
      out.push('complete')
  }
  if (t.status === 'returned' && can('hazard:write') && !can('hazard:dept'))
    out.push('dispute')
  if (t.status === 'disputed' && can('hazard:decide'))
    out.push('decide')
  return out
}

/* The deadline of a transfer's current step. */
export function transferDue(t: Pick<HazardTransfer, 'status' | 'due' | 'complete_due'>): string | null {
  if (t.status === 'completed' || t.status === 'released')
    return null
  return t.status === 'accepted' ? (t.complete_due ?? t.due) : t.due
}

/* Past the given day (YYYY-MM-DD strings compare as dates). */
export function isPast(due: string | null | undefined, today: string): boolean {
  return !!due && due < today
}

/* The re-check view: the finding's photos beside the latest report's. */
export interface RecheckView {
  finding: string[]
  findingNote: string
  report: string[]
  reportNote: string
  reportAt: number | null
}

export function recheckView(h: Hazard): RecheckView {
  const steps = h.steps ?? []
  const first = steps.find((s) => s.action === 'create' || s.action === 'on_spot')
  const report = [...steps].reverse().find((s) => s.action === 'report')
  return {
    finding: h.photos.length ? [...h.photos] : [...(first?.photos ?? [])],
    findingNote: h.description,
    report: [...(report?.photos ?? [])],
    reportNote: report?.note ?? '',
    reportAt: report?.at ?? null,
  }
}

/* Steps newest first, for the timeline. */
export function timeline(steps: readonly HazardStep[] | undefined): HazardStep[] {
  return [...(steps ?? [])].sort((a, b) => b.at - a.at || (b.id > a.id ? 1 : b.id < a.id ? -1 : 0))
}

/* Timeline dot colour by action. */
export function stepType(action: string): 'primary' | 'success' | 'warning' | 'danger' | 'info' {
  if (action === 'recheck_pass' || action === 'transfer_complete' || action === 'on_spot' || action === 'dismiss')
    return 'success'
  if (action === 'recheck_fail' || action === 'transfer_return' || action === 'transfer_dispute')
    return 'warning'
  if (action.startsWith('escalate'))
    return 'danger'
  if (action === 'create')
    return 'info'
  return 'primary'
}

/* The recording form (/hazards/new). */
export interface HazardForm {
  unit_id: string
  type_code: string
  description: string
  location: string
  photos: string[]
  on_spot: boolean
  decide_later: boolean
  deadline_days: number
  source: DirectSource
}

export function blankHazardForm(source: DirectSource): HazardForm {
  return {
    unit_id: '', type_code: '', description: '', location: '', photos: [], on_spot: false, decide_later: false,
    deadline_days: 0, source,
  }
}

/* Length in code points, as the server counts. */
function cp(s: string): number {
  return [...s].length
}

export interface FieldProblem {
  field: string
  key: string
  params?: Record<string, unknown>
}

/* The first thing to fix before recording, or null (HAZ-002..004). */
export function hazardFormProblem(f: HazardForm, type: HazardType | null, maxDays: number): FieldProblem | null {
  if (!f.unit_id)
    return { field: 'unit_id', key: 'hazard.form.pickUnit' }
  if (!f.type_code || !type)
    return { field: 'type_code', key: 'hazard.form.pickType' }
  const d = f.description.trim()
  if (cp(d) < 2 || cp(d) > 2000)
    return { field: 'description', key: 'hazard.form.descriptionRule' }
  if (cp(f.location.trim()) > 200)
    return { field: 'location', key: 'hazard.form.locationRule' }
  if (f.photos.length > 20)
    return { field: 'photos', key: 'hazard.form.photosMax', params: { n: 20 } }
  if (f.on_spot && !type.on_spot)
    return { field: 'on_spot', key: 'hazard.form.noOnSpot' }
  if (!f.on_spot && !f.decide_later &&
      (!Number.isInteger(f.deadline_days) || f.deadline_days < 1 || f.deadline_days > maxDays))
    return { field: 'deadline_days', key: 'hazard.form.daysRule', params: { max: maxDays } }
  return null
}

/* The request body: a deadline only when one is set, the type's default omitted. */
export function hazardBody(f: HazardForm, type: HazardType): HazardInput {
  const b: HazardInput = {
    unit_id: f.unit_id,
    type_code: f.type_code,
    description: f.description.trim(),
    source: f.source,
  }
  if (f.location.trim())
    b.location = f.location.trim()
  if (f.photos.length)
    b.photos = [...f.photos]
  if (f.on_spot && type.on_spot)
    b.on_spot = true
  else if (f.decide_later)
    b.decide_later = true
  else if (f.deadline_days !== type.deadline_days)
    b.deadline_days = f.deadline_days
  return b
}

/* The heat chart (HAZ-018): towns with open hazards first. */
export function heatRows(rows: readonly HazardSummaryRow[]): HazardSummaryRow[] {
  return [...rows].sort((a, b) => b.overdue - a.overdue || b.open - a.open || a.town.localeCompare(b.town))
}

export type Translate = (key: string, named?: Record<string, unknown>) => string

export function heatChart(rows: readonly HazardSummaryRow[], t: Translate, townName: (c: string) => string) {
  const data = heatRows(rows).slice(0, 40)
  const names = data.map((r) => r.town_name ?? townName(r.town))
  const bar = (key: 'open' | 'overdue' | 'escalated' | 'major') => ({
    type: 'bar', name: t(`hazard.heat.${key}`), data: data.map((r) => r[key]), barMaxWidth: 18,
  })
  return {
    color: ['#1f6fd1', '#e03131', '#f08c00', '#7048e8', '#2f9e44'],
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 36, bottom: names.length > 6 ? 70 : 30 },
    xAxis: { type: 'category', data: names, axisLabel: { rotate: names.length > 6 ? 40 : 0, interval: 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [bar('open'), bar('overdue'), bar('escalated'), bar('major'),
      { type: 'line', name: t('hazard.heat.closed_this_year'), data: data.map((r) => r.closed_this_year), smooth: true }],
  }
}

/* A step's days: 1 to max, whole. */
export function daysOk(n: unknown, max: number): boolean {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= max
}

/* Texts of 2 (or min) to 2000 code points. */
export function textOk(s: string, min = 2, max = 2000): boolean {
  const n = cp(s.trim())
  return n >= min && n <= max
}

/* GB 35181 judgement wizard. */
export interface ElementGroup {
  code: string
  name: string
  confirmed: boolean
  direct: boolean
  elements: JudgeElement[]
}

/* The edition's elements by group: the direct group(s) first, then the composite ones. */
export function elementGroups(ed: JudgeEditionFile): ElementGroup[] {
  const direct = new Set(ed.direct.map((e) => e.group))
  return ed.groups.map((g) => ({
    code: g.code,
    name: g.name_zh,
    confirmed: g.confirmed,
    direct: direct.has(g.code),
    elements: [...ed.direct, ...ed.composite].filter((e) => e.group === g.code),
  })).filter((g) => g.elements.length > 0)
    .sort((a, b) => Number(b.direct) - Number(a.direct))
}

/* Participants typed one per line or separated by commas: trimmed, distinct. */
export function parseNames(s: string): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const raw of s.split(/[\n,，、;；]+/)) {
    const n = raw.trim()
    if (n && !seen.has(n)) {
      seen.add(n)
      out.push(n)
    }
  }
  return out
}

/* A collective discussion needs ≥ 3 people, an expert review ≥ 7 experts of whom ≥ 2/3 agree (HAZ-021). */
export const DISCUSSION_MIN = 3
export const EXPERT_MIN = 7
/* The server's limits: a name is 1 to 40 characters, at most 64 names. */
export const NAME_MAX = 40
export const NAMES_MAX = 64

export function agreeingNeeded(n: number): number {
  return Math.ceil((n * 2) / 3)
}

export interface JudgeForm {
  edition: string
  place: string
  elements: string[]
  exclusion: string
  procedure: JudgeProcedure
  participants: string
  agreeing: number
  conclusion: string
}

export function judgeFormProblem(f: JudgeForm, step: number): FieldProblem | null {
  if (step >= 0 && !f.edition)
    return { field: 'edition', key: 'hazard.judge.pickEdition' }
  if (step >= 1 && !f.place)
    return { field: 'place', key: 'hazard.judge.pickPlace' }
  if (step >= 4) {
    const people = parseNames(f.participants)
    if (people.length > NAMES_MAX || people.some((n) => cp(n) > NAME_MAX))
      return { field: 'participants', key: 'hazard.judge.namesRule', params: { n: NAME_MAX, max: NAMES_MAX } }
    if (f.procedure === 'discussion' && people.length < DISCUSSION_MIN)
      return { field: 'participants', key: 'hazard.judge.needDiscussion', params: { n: DISCUSSION_MIN } }
    if (f.procedure === 'expert') {
      if (people.length < EXPERT_MIN)
        return { field: 'participants', key: 'hazard.judge.needExperts', params: { n: EXPERT_MIN } }
      if (!Number.isInteger(f.agreeing) || f.agreeing > people.length || f.agreeing < agreeingNeeded(people.length))
        return { field: 'agreeing', key: 'hazard.judge.needAgreeing', params: { n: agreeingNeeded(people.length), of: people.length } }
    }
    if (!textOk(f.conclusion))
      return { field: 'conclusion', key: 'hazard.judge.conclusionRule' }
  }
  return null
}

export function judgeBody(f: JudgeForm) {
  const b: {
    edition: string; place: string; elements: string[]; exclusion?: string; procedure: JudgeProcedure;
    participants: string[]; agreeing?: number; conclusion: string
  } = {
    edition: f.edition,
    place: f.place,
    elements: [...f.elements].sort(),
    procedure: f.procedure,
    participants: parseNames(f.participants),
    conclusion: f.conclusion.trim(),
  }
  if (f.exclusion)
    b.exclusion = f.exclusion
  if (f.procedure === 'expert')
    b.agreeing = f.agreeing
  return b
}

/*
 * What the ticked elements amount to under the place's rules, as a guide
 * while ticking (the server's judgement is the one recorded): the direct
 * elements ticked, and per counting rule the elements counted and the
 * threshold.
 */
export function judgeTally(ed: JudgeEditionFile, place: string, ticked: readonly string[]) {
  const set = new Set(ticked)
  const direct = ed.direct.filter((e) => set.has(e.code)).map((e) => e.code)
  const composite = ed.composite.filter((e) => set.has(e.code)).map((e) => e.code)
  const p = ed.places.find((x) => x.code === place)
  const rules = (p?.rules ?? []).map((r) => {
    const counted = r.counts === 'any' ? composite.length
      : composite.filter((c) => (r.counts as string[]).includes(c)).length
    return { any: r.counts === 'any', counts: r.counts === 'any' ? [] : r.counts, threshold: r.threshold, counted,
      met: counted >= r.threshold, confirmed: r.confirmed }
  })
  return { direct, composite, rules }
}

export type SealAction = 'extend' | 'apply' | 'lift' | 'refuse'

/* Who may do what with a seal: the officer extends, lifts or refuses; the unit applies. */
export function sealActions(s: Pick<Seal, 'status'>, can: Can): SealAction[] {
  const out: SealAction[] = []
  if (can('hazard:seal')) {
    if (s.status === 'active')
      out.push('extend', 'lift')
    if (s.status === 'lift_applied')
      out.push('lift', 'refuse')
  }
  if (s.status === 'active' && can('hazard:report'))
    out.push('apply')
  return out
}

export type ListingAction = 'progress' | 'delist'

/*
 * A listed hazard's progress is reported by the unit or the town; it is
 * delisted once the hazard is closed (where the hazard's status is not
 * known, as on the board, the server says so if it is still open).
 */
export function listingActions(l: Pick<Listing, 'status'>, hazardStatus: HazardStatus | undefined, can: Can): ListingAction[] {
  const out: ListingAction[] = []
  if (l.status !== 'listed')
    return out
  if (can('hazard:report') || can('hazard:list'))
    out.push('progress')
  if (can('hazard:list') && (hazardStatus === 'closed' || hazardStatus === undefined))
    out.push('delist')
  return out
}

/* A CSV cell and row (RFC 4180; a leading = + - @ made inert for spreadsheets). */
export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v)
  if (/^[=+\-@\t\r]/.test(s))
    s = "'" + s
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function csvText(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return '\ufeff' + [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n'
}

/* The edition in force on a date (HAZ-J02): the latest effective then and not yet superseded. */
export function editionOn<T extends { edition: string; effective: string; superseded: string | null }>(
  eds: readonly T[], date: string): T | null {
  const live = eds.filter((e) => e.effective <= date && (!e.superseded || e.superseded > date))
    .sort((a, b) => b.effective.localeCompare(a.effective))
  return live[0] ?? [...eds].sort((a, b) => b.effective.localeCompare(a.effective))[0] ?? null
}

/* "not-major" -> the locale key part "not_major". */
export function outcomeKey(o: string): string {
  return o.replace(/-/g, '_')
}

/*
 * A hazard's seals as GET /hazards/{id} returns them, made whole: that
 * answer carries extended as "0"/"1" and status as a boolean (the type
 * string of hazard_get's seal rows is shifted by one column); the status
 * then comes from the open seals of the seal list (open: id -> status),
 * and a seal not open is lifted.
 */
export function fixSeals(seals: readonly Seal[], open: Readonly<Record<string, Seal['status']>>): Seal[] {
  return seals.map((x) => {
    const raw = x as unknown as { extended: unknown; status: unknown }
    const extended = typeof raw.extended === 'boolean' ? raw.extended : Number(raw.extended) > 0
    const status = typeof raw.status === 'string' ? x.status : (open[x.id] ?? 'lifted')
    return { ...x, extended, status }
  })
}

/* True when a seal's status did not come as a word (see fixSeals). */
export function sealsNeedFix(seals: readonly Seal[] | undefined): boolean {
  return (seals ?? []).some((x) => typeof (x as unknown as { status: unknown }).status !== 'string')
}

/*
 * The judgement's reason (hazard_judge.c writes it in English) in the
 * reader's language: the exclusion, the direct elements, or the counting
 * rule closest to firing with its count and threshold; place is the
 * place category's name to show.  An unknown form is kept as it came.
 */
export function judgeReasonText(reason: string, t: Translate, place: string): string {
  let m = /^excluded by (.+) \((\S+)\): not judged a major hazard$/.exec(reason)
  if (m)
    return t('hazard.judge.why.excluded', { clause: m[1], code: m[2] })
  m = /^direct elements? (.+)$/.exec(reason)
  if (m)
    return t('hazard.judge.why.direct', { codes: m[1] })
  m = /^(no direct element; closest rule: )?(\d+) (composite elements?|of the counted elements) for .+? \(threshold (\d+)\)(?:: (.+))?$/.exec(reason)
  if (m) {
    const named = { n: Number(m[2]), threshold: Number(m[4]), place, codes: m[5] ?? '—' }
    const rule = t(m[3]!.startsWith('composite') ? 'hazard.judge.why.any' : 'hazard.judge.why.listed', named)
    return m[1] ? t('hazard.judge.why.closest', { rule }) : rule
  }
  return reason
}
