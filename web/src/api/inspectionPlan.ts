/*
 * 双随机 plans, tasks and sampling rules (docs/modules/inspection.md).
 * The directories (items, inspectors) are api/inspection.ts.
 */
import { request, requestList, requestVersioned } from './http'
import type { ListResult, Versioned } from './http'

export const PLAN_STATUSES = ['draft', 'approved', 'committed', 'drawn', 'in_progress', 'closed', 'cancelled'] as const
export type PlanStatus = typeof PLAN_STATUSES[number]
export const TASK_STATUSES = ['assigned', 'unassigned', 'done', 'cancelled'] as const
export const DEPARTMENTS = ['fire', 'market', 'housing', 'emergency', 'urban', 'power', 'police', 'other'] as const
export const PLAN_CATEGORIES = ['key', 'high_risk', 'public_gathering', 'crowded', 'three_small', 'rental',
  'special_industry'] as const
export const RULE_CLASSES = ['key_crowded', 'high_risk', 'key', 'public_gathering', 'crowded', 'special_industry',
  'three_small', 'rental', 'general'] as const
export const RULE_GRADES = ['high', 'medium_high', 'medium', 'low', 'none'] as const

export interface TeamRow {
  department: string
  count: number
}

export interface Quota {
  stratum: string
  population: number
  count: number
  rule: number | null
}

export interface Plan {
  id: string
  name: string
  owner: string
  towns: string[]
  categories: string[]
  period_start: string
  period_end: string
  due_days: number
  team: TeamRow[]
  max_load: number
  beacon: { source: string; round: string; value: string | null }
  rule_version: number | null
  quotas: Quota[] | null
  status: PlanStatus
  cancel_reason: string | null
  approved_by: string | null
  approved_at: number | null
  candidates_hash: string | null
  roster_hash: string | null
  committed_at: number | null
  commit_seq: number | null
  seed: string | null
  drawn_at: number | null
  counts: { candidates: number; inspectors: number; selected: number; unassigned: number }
  version: number
  created_at: number
  updated_at: number
  created_by: string
  /* Only in the answer to a beacon entry. */
  drawn?: boolean
}

export interface PlanInput {
  name?: string
  towns?: string[]
  categories?: string[]
  period_start?: string
  period_end?: string
  due_days?: number
  team?: TeamRow[]
  max_load?: number
  beacon?: { source: string; round: string }
}

export interface Stratum {
  stratum: string
  town: string
  class: string
  grade: string
  population: number
  count: number
  rule: number | null
}

export interface Preview {
  rule_version: number
  strata: Stratum[]
  population: number
  selected: number
}

export interface Task {
  id: string
  plan_id: string
  plan_name: string
  unit_id: string
  unit_name: string
  town: string
  rank: number
  draw_key: string
  inspectors: string[]
  status: typeof TASK_STATUSES[number]
  due_on: string
  outcome: string | null
  checked_on: string | null
  reassigned: boolean
  reassign_reason: string | null
  /* id -> name, in lists and single views. */
  inspector_names?: Record<string, string>
  version: number
  created_at: number
  updated_at: number
}

export interface Rule {
  class: string
  grade: string
  ratio_pct: number
  min?: number
  source: string
}

export interface RulesDoc {
  version: number
  note: string
  created_at: number
  created_by: string
  rules: Rule[]
}

export interface PlanQuery {
  status?: string
  q?: string
  offset?: number
  limit?: number
}

const plan = (id: string, tail = ''): string => `/api/v1/inspection/plans/${encodeURIComponent(id)}${tail}`

export function listPlan(q: PlanQuery): Promise<ListResult<Plan>> {
  return requestList<Plan>('/api/v1/inspection/plans', { ...q })
}

export function getPlan(id: string): Promise<Versioned<Plan>> {
  return requestVersioned<Plan>('GET', plan(id))
}

export function addPlan(body: PlanInput, idempotencyKey?: string): Promise<Versioned<Plan>> {
  return requestVersioned<Plan>('POST', '/api/v1/inspection/plans', { body, idempotencyKey })
}

export function updatePlan(id: string, version: number, body: PlanInput): Promise<Versioned<Plan>> {
  return requestVersioned<Plan>('PATCH', plan(id), { body, ifMatch: version })
}

export function previewPlan(id: string): Promise<Preview> {
  return request<Preview>('GET', plan(id, '/preview'))
}

export function approvePlan(id: string, version: number): Promise<Versioned<Plan>> {
  return requestVersioned<Plan>('POST', plan(id, '/approve'), { ifMatch: version })
}

export function commitPlan(id: string, version: number): Promise<Versioned<Plan>> {
  return requestVersioned<Plan>('POST', plan(id, '/commit'), { ifMatch: version })
}

export function enterBeacon(id: string, value: string): Promise<Versioned<Plan>> {
  return requestVersioned<Plan>('POST', plan(id, '/beacon'), { body: { value } })
}

export function cancelPlan(id: string, version: number, reason: string): Promise<Versioned<Plan>> {
  return requestVersioned<Plan>('POST', plan(id, '/cancel'), { body: { reason }, ifMatch: version })
}

export function closePlan(id: string, version: number): Promise<Versioned<Plan>> {
  return requestVersioned<Plan>('POST', plan(id, '/close'), { ifMatch: version })
}

export function listPlanTask(id: string, q: { status?: string; offset?: number; limit?: number }): Promise<ListResult<Task>> {
  return requestList<Task>(plan(id, '/tasks'), { ...q })
}

export function listTask(q: { plan_id?: string; status?: string; mine?: boolean; offset?: number; limit?: number }):
  Promise<ListResult<Task>> {
  return requestList<Task>('/api/v1/inspection/tasks', { ...q, mine: q.mine ? 1 : undefined })
}

export function reassignTask(id: string, version: number, inspectors: string[], reason: string): Promise<Versioned<Task>> {
  return requestVersioned<Task>('POST', `/api/v1/inspection/tasks/${encodeURIComponent(id)}/reassign`,
    { body: { inspectors, reason }, ifMatch: version })
}

export function getRules(version?: number): Promise<RulesDoc> {
  return request<RulesDoc>('GET', '/api/v1/inspection/rules', { query: { version } })
}

export function listRulesVersion(): Promise<ListResult<Omit<RulesDoc, 'rules'>>> {
  return requestList<Omit<RulesDoc, 'rules'>>('/api/v1/inspection/rules/versions')
}

export function addRules(rules: Rule[], note: string): Promise<RulesDoc> {
  return request<RulesDoc>('POST', '/api/v1/inspection/rules', { body: { rules, note } })
}

/* The bundle as the server wrote it: text, never re-serialised. */
export async function getBundleText(id: string, full: boolean): Promise<string> {
  const path = full ? `/api/v1/draws/${encodeURIComponent(id)}/bundle`
    : `/api/v1/public/draws/${encodeURIComponent(id)}/bundle`
  const r = await fetch(path, { credentials: 'same-origin' })
  if (!r.ok)
    throw new Error(`HTTP ${r.status}`)
  return r.text()
}

export interface ChecklistItem {
  id: string
  code: string
  name: string
  legal_basis: string
}

export interface TaskChecklist extends Task {
  items: ChecklistItem[]
  can_check: boolean
  /* id -> name of the task's inspectors. */
  inspector_names: Record<string, string>
}

export type ItemResult = 'pass' | 'fail' | 'na'

export interface CheckResultInput {
  item: string
  result: ItemResult
  note?: string
  photos?: string[]
  on_spot?: boolean
  deadline_days?: number
}

export interface CheckInput {
  results: CheckResultInput[]
  signatures: { inspector: string; file: string }[]
  outcome: 'compliant' | 'ordered' | 'referred'
  summary?: string
  location?: { lat: number; lng: number; accuracy_m?: number; at?: number }
}

export interface Check {
  id: string
  task_id: string
  unit_id: string
  results: (CheckResultInput & { code: string; photos: string[] })[]
  outcome: string
  summary: string | null
  signatures: { inspector: string; file: string }[]
  location: { lat: number; lng: number; accuracy_m: number | null; at: number | null } | null
  checked_on: string
  submitted_by: string
  submitted_at: number
  version: number
}

export function getChecklist(taskId: string): Promise<Versioned<TaskChecklist>> {
  return requestVersioned<TaskChecklist>('GET', `/api/v1/inspection/tasks/${encodeURIComponent(taskId)}/checklist`)
}

export function submitCheck(taskId: string, version: number, body: CheckInput, idempotencyKey?: string): Promise<Check> {
  return request<Check>('POST', `/api/v1/inspection/tasks/${encodeURIComponent(taskId)}/check`,
    { body, ifMatch: version, idempotencyKey })
}

export function getCheck(taskId: string): Promise<Check> {
  return request<Check>('GET', `/api/v1/inspection/tasks/${encodeURIComponent(taskId)}/check`)
}
