/*
 * The steps people take on hazards, transfers, seals and listings, each
 * described once as data — its fields with their limits (the server's
 * field tables in api_hazard.c and the contract of the judgement, listing
 * and seal endpoints) — so one dialog renders every step, one check
 * refuses what the server would, and one function builds the body.
 * Pure: unit-tested in hazard.spec.ts.
 */
import { HAZARD_NOTE_MAX, HAZARD_PHOTOS_MAX, HAZARD_REASON_MIN } from '@/api/hazard'
import { daysOk, isDate } from './hazard'
import type { FieldProblem } from './hazard'

export type ActionKind =
  | 'order' | 'dismiss' | 'report' | 'recheck' | 'transfer'
  | 'accept' | 'return' | 'complete' | 'dispute' | 'decide'
  | 'seal' | 'extend' | 'apply' | 'lift' | 'refuse'
  | 'list' | 'progress' | 'delist'

export type FieldType = 'text' | 'textarea' | 'days' | 'photos' | 'radio' | 'select' | 'date' | 'switch'
export type Value = string | number | boolean | string[]
export type ActionForm = Record<string, Value>

export interface ActionField {
  /* The server's JSON key. */
  key: string
  type: FieldType
  /* i18n key of the label. */
  label: string
  required?: boolean
  /* Length in code points (text), count (photos), or days. */
  min?: number
  max?: number
  /* A date must come after this one, and not after until (YYYY-MM-DD). */
  after?: string
  until?: string
  options?: { value: string; label: string }[]
  /* i18n key of a hint under the field. */
  hint?: string
  hintParams?: Record<string, unknown>
  /* i18n key of the problem text. */
  rule?: string
  ruleParams?: Record<string, unknown>
  initial: Value
  /* Shown and sent only when this holds. */
  when?: (f: ActionForm) => boolean
}

export interface ActionContext {
  /* The longest deadline (catalogue clock max_deadline_days). */
  maxDays: number
  /* The hazard type's default deadline. */
  typeDays: number
  /* The longest seal (catalogue clock seal_max_days); a seal starts today or up to 30 days later. */
  sealDays: number
  sealLatest: string
  /* The listing levels one may use: the city lists at city level, a town at town level (HAZ-025). */
  listLevels: ('town' | 'city')[]
  /* Departments a hazard may go to. */
  depts: { value: string; label: string }[]
  today: string
}

const note = (required: boolean, min = 2): ActionField => ({
  key: 'note', type: 'textarea', label: required ? 'hazard.step.note' : 'hazard.step.noteOptional', required, min,
  max: HAZARD_NOTE_MAX, rule: min >= HAZARD_REASON_MIN ? 'hazard.step.reasonRule' : 'hazard.step.noteRule', initial: '',
})
const reason = (key = 'reason', label = 'hazard.step.reason'): ActionField => ({
  key, type: 'textarea', label, required: true, min: HAZARD_REASON_MIN, max: HAZARD_NOTE_MAX, hint: 'hazard.step.reasonHint',
  rule: 'hazard.step.reasonRule', initial: '',
})
const days = (key: string, label: string, initial: number, max: number, when?: ActionField['when']): ActionField => ({
  key, type: 'days', label, required: true, min: 1, max, rule: 'hazard.step.daysRule', ruleParams: { max }, initial,
  ...(when ? { when } : {}),
})
const photos = (min: number): ActionField => ({
  key: 'photos', type: 'photos', label: 'hazard.step.photos', required: min > 0, min, max: HAZARD_PHOTOS_MAX,
  rule: 'hazard.step.photoRequired', initial: [],
})

/* The fields of a step, in the order they are shown. */
export function actionFields(kind: ActionKind, c: ActionContext): ActionField[] {
  switch (kind) {
  case 'order':
    return [days('deadline_days', 'hazard.step.deadlineDays', c.typeDays, c.maxDays), note(false)]
  case 'dismiss':
    return [reason()]
  case 'report':
    return [note(true), photos(1)]
  case 'recheck':
    return [
      { key: 'result', type: 'radio', label: 'hazard.step.result', required: true, rule: 'hazard.step.pickResult', initial: '',
        options: [{ value: 'pass', label: 'hazard.step.pass' }, { value: 'fail', label: 'hazard.step.fail' }] },
      note(true), photos(0),
      days('deadline_days', 'hazard.step.newDeadline', c.typeDays, c.maxDays, (f) => f.result === 'fail'),
    ]
  case 'transfer':
    return [
      { key: 'dept', type: 'select', label: 'hazard.step.dept', required: true, rule: 'hazard.step.pickDept', initial: '',
        options: c.depts },
      days('deadline_days', 'hazard.step.transferDays', c.typeDays, c.maxDays), note(false),
    ]
  case 'accept':
    return [note(false)]
  case 'return':
    return [reason()]
  case 'complete':
    return [note(true), photos(0)]
  case 'dispute':
    return [note(true, HAZARD_REASON_MIN)]
  case 'decide':
    return [
      { key: 'decision', type: 'radio', label: 'hazard.step.decision', required: true, rule: 'hazard.step.pickDecision',
        initial: '', options: [{ value: 'upheld', label: 'hazard.decision.upheld' }, { value: 'released', label: 'hazard.decision.released' }] },
      note(true, HAZARD_REASON_MIN),
      days('deadline_days', 'hazard.step.decideDays', 10, c.maxDays, (f) => f.decision === 'upheld'),
    ]
  case 'seal':
    return [
      { key: 'scope', type: 'text', label: 'hazard.seal.scope', required: true, min: 2, max: 200, hint: 'hazard.seal.scopeHint',
        rule: 'hazard.seal.scopeRule', initial: '' },
      { ...reason('reason', 'hazard.seal.reason'), rule: 'hazard.seal.reasonRule' },
      { key: 'start_on', type: 'date', label: 'hazard.seal.startOn', required: true, rule: 'hazard.seal.startRule', initial: c.today,
        after: prevDay(c.today), until: c.sealLatest },
      { ...days('days', 'hazard.seal.days', c.sealDays, c.sealDays), rule: 'hazard.seal.daysRule', hint: 'hazard.seal.daysHint',
        hintParams: { max: c.sealDays } },
    ]
  case 'extend':
    return [
      { ...days('days', 'hazard.seal.extendDays', c.sealDays, c.sealDays), rule: 'hazard.seal.daysRule' },
      { ...reason('reason', 'hazard.seal.extendReason') },
    ]
  case 'apply':
    return [reason('request', 'hazard.seal.request')]
  case 'lift':
    return [{ ...note(true), label: 'hazard.seal.liftNote' }]
  case 'refuse':
    return [{ ...note(true), label: 'hazard.seal.refuseNote' }]
  case 'list':
    return [
      { key: 'level', type: 'radio', label: 'fields.level', required: true, initial: c.listLevels.at(-1) ?? 'town',
        options: c.listLevels.map((l) => ({ value: l, label: `hazard.listing.level.${l}` })) },
      { key: 'body', type: 'text', label: 'hazard.listing.body', required: true, min: 2, max: 100, hint: 'hazard.listing.bodyHint',
        rule: 'hazard.listing.bodyRule', initial: '' },
      { key: 'deadline', type: 'date', label: 'hazard.listing.deadline', required: true, after: c.today,
        rule: 'hazard.listing.deadlineRule', initial: '' },
      { key: 'publish', type: 'switch', label: 'hazard.listing.publish', initial: true },
    ]
  case 'progress':
    return [
      { key: 'text', type: 'textarea', label: 'hazard.listing.reportText', required: true, min: 2, max: HAZARD_NOTE_MAX,
        rule: 'hazard.listing.textRule', initial: '' },
      { ...photos(0) },
    ]
  case 'delist':
    return [{ ...note(true, HAZARD_REASON_MIN), label: 'hazard.listing.delistNote', rule: 'hazard.listing.noteRule' }]
  }
}

/* The day before and n days after a YYYY-MM-DD date (calendar days, as the server counts a seal's). */
export function prevDay(d: string): string {
  return addDays(d, -1)
}

export function addDays(d: string, n: number): string {
  const t = new Date(d + 'T00:00:00Z')
  t.setUTCDate(t.getUTCDate() + n)
  return t.toISOString().slice(0, 10)
}

export function blankAction(fields: readonly ActionField[]): ActionForm {
  return Object.fromEntries(fields.map((f) => [f.key, Array.isArray(f.initial) ? [...f.initial] : f.initial]))
}

function shown(f: ActionField, form: ActionForm): boolean {
  return !f.when || f.when(form)
}

function cp(s: string): number {
  return [...s].length
}

/* The first field the server would refuse, or null. */
export function actionProblem(fields: readonly ActionField[], form: ActionForm): FieldProblem | null {
  for (const f of fields) {
    if (!shown(f, form))
      continue
    const v = form[f.key]
    const bad = (): FieldProblem => ({ field: f.key, key: f.rule ?? 'rules.required', params: f.ruleParams ?? {} })
    switch (f.type) {
    case 'text':
    case 'textarea': {
      const n = cp(String(v ?? '').trim())
      if ((f.required || n > 0) && (n < (f.min ?? 1) || n > (f.max ?? HAZARD_NOTE_MAX)))
        return bad()
      break
    }
    case 'days':
      if (!daysOk(v, f.max ?? 366))
        return bad()
      break
    case 'photos': {
      const n = Array.isArray(v) ? v.length : 0
      if (n < (f.min ?? 0) || n > (f.max ?? HAZARD_PHOTOS_MAX))
        return bad()
      break
    }
    case 'radio':
    case 'select':
      if (f.required && !(f.options ?? []).some((o) => o.value === v))
        return bad()
      break
    case 'date':
      if (!isDate(String(v ?? '')) || (f.after !== undefined && String(v) <= f.after) ||
          (f.until !== undefined && String(v) > f.until))
        return bad()
      break
    case 'switch':
      break
    }
  }
  return null
}

/* The request body: shown fields only, optional empty texts and photo lists left out. */
export function actionBody(fields: readonly ActionField[], form: ActionForm): Record<string, Value> {
  const out: Record<string, Value> = {}
  for (const f of fields) {
    if (!shown(f, form))
      continue
    const v = form[f.key]
    if (f.type === 'text' || f.type === 'textarea') {
      const s = String(v ?? '').trim()
      if (s || f.required)
        out[f.key] = s
    } else if (f.type === 'photos') {
      if (Array.isArray(v) && v.length)
        out[f.key] = [...v]
    } else if (v !== undefined && v !== '') {
      out[f.key] = v
    }
  }
  return out
}
