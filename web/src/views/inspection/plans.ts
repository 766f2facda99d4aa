/*
 * Pure helpers of the plan pages: the form model and the body it sends,
 * the step a status is at, the actions a person may take on a plan, and
 * the chart rows of a quota preview.  Unit-tested in plans.spec.ts.
 */
import type { Plan, PlanInput, PlanStatus, Quota, Stratum, TeamRow } from '@/api/inspectionPlan'

export interface PlanForm {
  name: string
  towns: string[]
  categories: string[]
  period: [string, string] | null
  due_days: number
  team: TeamRow[]
  max_load: number
  beacon_source: string
  beacon_round: string
}

export function blankPlan(town: string): PlanForm {
  return {
    name: '',
    towns: town ? [town] : [],
    categories: [],
    period: null,
    due_days: 20,
    team: [{ department: 'fire', count: 2 }],
    max_load: 30,
    beacon_source: '',
    beacon_round: '',
  }
}

export function planToForm(p: Plan): PlanForm {
  return {
    name: p.name,
    towns: [...p.towns],
    categories: [...p.categories],
    period: [p.period_start, p.period_end],
    due_days: p.due_days,
    team: p.team.map((r) => ({ ...r })),
    max_load: p.max_load,
    beacon_source: p.beacon.source,
    beacon_round: p.beacon.round,
  }
}

/* The body of a create (everything) or of a change (only what differs). */
export function planBody(f: PlanForm, before?: Plan): PlanInput {
  const b: PlanInput = {
    name: f.name.trim(),
    towns: [...f.towns].sort(),
    categories: [...f.categories],
    period_start: f.period?.[0] ?? '',
    period_end: f.period?.[1] ?? '',
    due_days: f.due_days,
    team: f.team.map((r) => ({ department: r.department, count: r.count })),
    max_load: f.max_load,
    beacon: { source: f.beacon_source.trim(), round: f.beacon_round.trim() },
  }
  if (!before)
    return b
  const p: PlanInput = {}
  if (b.name !== before.name) p.name = b.name
  if (b.towns!.join() !== [...before.towns].sort().join()) p.towns = b.towns
  if ([...b.categories!].sort().join() !== [...before.categories].sort().join()) p.categories = b.categories
  if (b.period_start !== before.period_start) p.period_start = b.period_start
  if (b.period_end !== before.period_end) p.period_end = b.period_end
  if (b.due_days !== before.due_days) p.due_days = b.due_days
  if (JSON.stringify(b.team) !== JSON.stringify(before.team)) p.team = b.team
  if (b.max_load !== before.max_load) p.max_load = b.max_load
  if (b.beacon!.source !== before.beacon.source || b.beacon!.round !== before.beacon.round) p.beacon = b.beacon
  return p
}

/* INS-021, said before the server says it: at least two inspectors. */
export function teamSize(team: TeamRow[]): number {
  return team.reduce((a, r) => a + (Number.isInteger(r.count) ? r.count : 0), 0)
}

/* The el-steps index of a status; cancelled stays where it stopped. */
const STEPS: PlanStatus[] = ['draft', 'approved', 'committed', 'drawn', 'closed']
export function stepOf(p: Pick<Plan, 'status' | 'approved_at' | 'committed_at' | 'drawn_at'>): number {
  if (p.status === 'in_progress')
    return 3
  if (p.status !== 'cancelled')
    return STEPS.indexOf(p.status)
  if (p.drawn_at) return 3
  if (p.committed_at) return 2
  if (p.approved_at) return 1
  return 0
}

export type PlanAction = 'edit' | 'approve' | 'commit' | 'beacon' | 'cancel' | 'close'

/* What who may do now (the server decides; this only shows the buttons). */
export function planActions(p: Pick<Plan, 'status' | 'created_by'>, can: (perm: string) => boolean,
  me: string): PlanAction[] {
  const a: PlanAction[] = []
  const w = can('inspection:write')
  if (p.status === 'draft' && w) a.push('edit')
  if (p.status === 'draft' && can('inspection:approve') && p.created_by !== me) a.push('approve')
  if (p.status === 'approved' && w) a.push('commit')
  if (p.status === 'committed' && can('inspection:draw')) a.push('beacon')
  if ((p.status === 'drawn' || p.status === 'in_progress') && w) a.push('close')
  if (!['closed', 'cancelled'].includes(p.status) && w) a.push('cancel')
  return a
}

/* A stratum "TOWN|class|grade" in words, via the given namers. */
export function stratumLabel(s: string, name: (kind: 'town' | 'class' | 'grade', v: string) => string,
  withTown = true): string {
  const [town = '', cls = '', grade = ''] = s.split('|')
  const parts = [name('class', cls), name('grade', grade)]
  return (withTown ? [name('town', town), ...parts] : parts).join(' · ')
}

/* Chart rows: one per stratum, population and selection side by side. */
export function quotaRows(rows: (Stratum | Quota)[],
  name: (kind: 'town' | 'class' | 'grade', v: string) => string = (_k, v) => v, withTown = false):
  { label: string; population: number; count: number }[] {
  return rows.map((s) => ({ label: stratumLabel(s.stratum, name, withTown), population: s.population, count: s.count }))
}

/* The town code of a stratum "TOWN|class|grade". */
export function stratumTown(s: string): string {
  return s.split('|')[0] ?? ''
}

/* The tag colour of a plan status. */
export function statusType(s: string): 'success' | 'warning' | 'info' | 'danger' | 'primary' {
  return s === 'drawn' || s === 'in_progress' ? 'success' : s === 'cancelled' ? 'danger'
    : s === 'closed' ? 'info' : s === 'committed' ? 'primary' : 'warning'
}
