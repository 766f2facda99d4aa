/*
 * The risk module's display rules, pure and tested: the colour of a grade
 * (the four-colour red / orange / yellow / blue of risk grading), a
 * factor's value and band in words, the checks of the event form (the
 * server's RISK-008, so a mistake is named before anything is sent), and
 * the model file as table rows.
 */
import { RISK_AT_MIN, RISK_EVENT_KINDS, RISK_GRADES, RISK_REF_ID_MAX, RISK_REF_TYPE_MAX } from '@/api/risk'
import type { RiskEventInput, RiskEventKind, RiskFactor, RiskModel, RiskModelFactor } from '@/api/risk'
import type { Translate } from '@/utils/errors'
import { codePoints } from '@/utils/validate'

/* 红橙黄蓝: high, medium-high, medium, low. */
const GRADE_COLORS: Record<string, string> = {
  high: '#d9001b',
  medium_high: '#f56c00',
  medium: '#d4a100',
  low: '#1f6fd1',
}

export function gradeColor(grade: string | null | undefined): string {
  return (grade && GRADE_COLORS[grade]) || '#909399'
}

/* The grade's name in the console's words (risk.grades.*), '—' if none. */
export function gradeName(grade: string | null | undefined, t: Translate): string {
  return grade && (RISK_GRADES as readonly string[]).includes(grade) ? t(`risk.grades.${grade}`) : '—'
}

/* How a factor's number reads: by what the factor measures. */
function measureText(id: string, v: number, t: Translate): string {
  if (id.startsWith('category.'))
    return t('risk.measure.yes')
  switch (id) {
  case 'building.height':
    return t('risk.measure.metres', { v: v / 100 })
  case 'building.floors_below':
    return t('risk.measure.floors', { v })
  case 'building.floor_area':
    return t('risk.measure.area', { v })
  case 'building.occupancy':
    return t('risk.measure.persons', { v })
  case 'building.no_sprinklers':
  case 'building.no_auto_alarm':
    return t('risk.measure.buildings', { v })
  default:
    return id.startsWith('history.') ? t('risk.measure.times', { v }) : String(v)
  }
}

export function factorValueText(f: Pick<RiskFactor, 'id' | 'value'>, t: Translate): string {
  return measureText(f.id, f.value, t)
}

/* "≥ 50 m" for a banded factor, '' otherwise. */
export function factorBandText(f: Pick<RiskFactor, 'id' | 'gte'>, t: Translate): string {
  return f.gte === undefined ? '' : `≥ ${measureText(f.id, f.gte, t)}`
}

export function factorName(f: { name_zh: string; name_en: string }, lang: string): string {
  return lang === 'en' ? f.name_en : f.name_zh
}

/* The event form as the user fills it: at is a date-time in ms. */
export interface EventForm {
  kind: RiskEventKind | ''
  ref_type: string
  ref_id: string
  at: number | null
}

export function emptyEventForm(nowMs: number): EventForm {
  return { kind: 'hazard', ref_type: '', ref_id: '', at: nowMs }
}

/* Problems by field, as i18n keys (empty when the form may be sent). */
export function checkEvent(f: EventForm, nowMs: number): Record<string, string> {
  const p: Record<string, string> = {}
  if (!(RISK_EVENT_KINDS as readonly string[]).includes(f.kind))
    p.kind = 'risk.rules.kind'
  if (f.ref_type.length === 0 || f.ref_type.length > RISK_REF_TYPE_MAX || !/^[a-z][a-z0-9_]*$/.test(f.ref_type))
    p.ref_type = 'risk.rules.refType'
  const id = f.ref_id.trim()
  if (codePoints(id) < 1 || codePoints(id) > RISK_REF_ID_MAX || /[\u0000-\u001f\u007f]/.test(id))
    p.ref_id = 'risk.rules.refId'
  if (f.at === null || !Number.isFinite(f.at) || Math.floor(f.at / 1000) < RISK_AT_MIN)
    p.at = 'risk.rules.at'
  else if (Math.floor(f.at / 1000) > Math.floor(nowMs / 1000))
    p.at = 'risk.rules.atFuture'
  return p
}

/* The body the server takes (call after checkEvent found nothing). */
export function eventBody(f: EventForm): RiskEventInput {
  return {
    kind: f.kind as RiskEventKind,
    ref_type: f.ref_type,
    ref_id: f.ref_id.trim(),
    at: Math.floor((f.at ?? 0) / 1000),
  }
}

export type FactorGroup = 'category' | 'building' | 'history'

/* One row of the model page: the factor and its rule in words. */
export interface ModelRow {
  id: string
  group: FactorGroup
  name: string
  rule: string
  status: string
  source: string
}

export function factorRule(f: RiskModelFactor, t: Translate): string {
  if (f.bands)
    return f.bands.map((b) => t('risk.model.band', { gte: measureText(f.id, b.gte, t), points: b.points })).join('；')
  if (f.large)
    return t('risk.model.large', { area: f.large.floor_area_m2, height: f.large.height_cm / 100, points: f.points ?? 0 })
  if (f.each !== undefined)
    return t('risk.model.each', { each: f.each, cap: f.cap ?? 0 })
  return t('risk.model.points', { points: f.points ?? 0 })
}

export function modelRows(m: RiskModel, lang: string, t: Translate): ModelRow[] {
  return m.factors.map((f) => ({
    id: f.id,
    group: f.id.split('.')[0] as FactorGroup,
    name: factorName(f, lang),
    rule: factorRule(f, t),
    status: f.status,
    source: f.source,
  }))
}
