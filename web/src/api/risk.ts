/*
 * The risk module's API (风险分级: src/api/api_risk.c): a unit's score and
 * grade with the factors that made them, its risk events, the loaded
 * model and the grade counts of one's jurisdiction.
 */
import { request, requestList } from './http'
import type { ListResult } from './http'

export const RISK_GRADES = ['high', 'medium_high', 'medium', 'low'] as const
export const RISK_EVENT_KINDS = ['hazard', 'major_hazard', 'penalty', 'complaint_upheld', 'fire'] as const
/* The server's limits (src/domain/risk.h). */
export const RISK_REF_TYPE_MAX = 32
export const RISK_REF_ID_MAX = 64
export const RISK_AT_MIN = 946684800

export type RiskGrade = typeof RISK_GRADES[number]
export type RiskEventKind = typeof RISK_EVENT_KINDS[number]

/* One factor that contributed: the measured value, the points, and for
 * banded factors the band reached (gte). */
export interface RiskFactor {
  id: string
  name_zh: string
  name_en: string
  value: number
  points: number
  gte?: number
}

export interface UnitRisk {
  unit_id: string
  score: number
  grade: RiskGrade
  grade_name_zh: string
  grade_name_en: string
  factors: RiskFactor[]
  model_version: string
  current_model_version: string
  inputs_hash: string
  /* null when not stored yet (computed for this answer only). */
  computed_at: number | null
  stored: boolean
}

export interface RiskEvent {
  id: string
  unit_id: string
  kind: RiskEventKind
  ref_type: string
  ref_id: string
  at: number
  created_at: number
  created_by: string
  /* Within the model's window now. */
  counted: boolean
}

export interface RiskEventInput {
  kind: RiskEventKind
  ref_type: string
  ref_id: string
  at: number
}

export interface RiskBand { gte: number; points: number }

/* A factor of the model file (data/rules/risk-v1.json). */
export interface RiskModelFactor {
  id: string
  name_zh: string
  name_en: string
  status: string
  source: string
  note?: string
  points?: number
  measure?: string
  bands?: RiskBand[]
  large?: { floor_area_m2: number; height_cm: number }
  event?: string
  each?: number
  cap?: number
}

export interface RiskCutoff {
  grade: RiskGrade
  name_zh: string
  name_en: string
  min_score: number
}

export interface RiskModel {
  format: string
  version: string
  template: boolean
  status: string
  about: string
  sm3: string
  window_days: number
  score_max: number
  grades: { status: string; source: string; cutoffs: RiskCutoff[] }
  factors: RiskModelFactor[]
}

export interface RiskSummary {
  scope: string
  town: string | null
  total: number
  grades: Record<RiskGrade | 'none', number>
}

export function getUnitRisk(unitId: string): Promise<UnitRisk> {
  return request<UnitRisk>('GET', `/api/v1/units/${encodeURIComponent(unitId)}/risk`)
}

export function listRiskEvents(unitId: string, offset = 0, limit = 20): Promise<ListResult<RiskEvent>> {
  return requestList<RiskEvent>(`/api/v1/units/${encodeURIComponent(unitId)}/risk/events`, { offset, limit })
}

export function addRiskEvent(unitId: string, body: RiskEventInput, idempotencyKey?: string): Promise<RiskEvent> {
  return request<RiskEvent>('POST', `/api/v1/units/${encodeURIComponent(unitId)}/risk/events`, { body, idempotencyKey })
}

export function getRiskModel(): Promise<RiskModel> {
  return request<RiskModel>('GET', '/api/v1/risk/model')
}

export function getRiskSummary(town?: string): Promise<RiskSummary> {
  return request<RiskSummary>('GET', '/api/v1/risk/summary', { query: { town } })
}
