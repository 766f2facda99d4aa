/*
 * Pure helpers of the public 双随机 pages: whether a bundle is the one the
 * platform committed to (the plan's published record: hashes, beacon,
 * parameters the bundle's own hashes do not bind), the state of each step
 * and selected entry for display, and progress as a percentage.
 */
import type { PublicPlan } from '@/api/public'
import { STEP_NAMES, quote } from '@/utils/drawVerify'
import type { DrawBundle, DrawProgress, StepName, VerifyResult } from '@/utils/drawVerify'

export type StepState = 'ok' | 'fail' | 'given' | 'notRun'

export { shortHash } from './hash'

/*
 * The first way the bundle differs from the plan the platform published
 * (and committed to in the audit log before the beacon existed), or null.
 * The roster hashes bind the candidates, inspectors and conflicts; the
 * plan's record also fixes the beacon's source and round, the quotas, the
 * team and max_load, which the bundle's hashes do not cover.
 */
export function compareWithPlan(b: DrawBundle, p: PublicPlan): string | null {
  const same = (field: string, published: string | number | null, got: string | number): string | null => {
    if (published === got)
      return null
    const show = (v: string | number | null): string => typeof v === 'string' ? quote(v) : String(v)
    return `${field}: the published plan has ${show(published)}, bundle has ${show(got)}`
  }
  const checks: (() => string | null)[] = [
    () => same('plan_id', p.id, b.plan_id),
    () => same('candidates_hash', p.candidates_hash, b.candidates_hash),
    () => same('roster_hash', p.roster_hash, b.roster_hash),
    () => same('beacon.source', p.beacon.source, b.beacon.source),
    () => same('beacon.round', p.beacon.round, b.beacon.round),
    () => same('beacon.value', p.beacon.value, b.beacon.value),
    () => same('seed', p.seed, b.seed),
    () => same('max_load', p.max_load, b.max_load),
    () => same('team', JSON.stringify((p.team ?? []).map((m) => [m.department, m.count])),
      JSON.stringify(b.team.map((m) => [m.department, m.count]))),
    () => {
      const key = (q: { stratum: string; count: number }[]): string =>
        JSON.stringify(q.map((x) => [x.stratum, x.count]).sort((x, y) => (x[0]! < y[0]! ? -1 : x[0]! > y[0]! ? 1 : 0)))
      return same('quotas', key(p.quotas ?? []), key(b.quotas))
    },
  ]
  for (const c of checks) {
    const d = c()
    if (d)
      return d
  }
  return null
}

/* Every step of the spec with what became of it (notRun after a failure). */
export function stepStates(r: VerifyResult | null): { name: StepName; state: StepState; detail: string }[] {
  return STEP_NAMES.map((name) => {
    const s = r?.steps.find((x) => x.name === name)
    if (!s)
      return { name, state: 'notRun', detail: '' }
    return { name, state: !s.ok ? 'fail' : s.skipped ? 'given' : 'ok', detail: s.detail }
  })
}

/* A selected entry: equal to the recomputed one, the first difference, or not compared. */
export function entryState(r: VerifyResult, i: number): 'ok' | 'fail' | 'unchecked' {
  if (r.failedEntry === i)
    return 'fail'
  return i < r.checkedEntries ? 'ok' : 'unchecked'
}

/* Progress of a run as one percentage: the roster 0–20 %, the keys 20–60 %, the assignment 60–100 %. */
export function progressPercent(p: DrawProgress | null): number {
  if (!p)
    return 0
  const span: Record<DrawProgress['phase'], [number, number]> = { roster: [0, 20], keys: [20, 60], assign: [60, 100] }
  const [lo, hi] = span[p.phase]
  const f = p.total > 0 ? Math.min(1, p.done / p.total) : 1
  return Math.round(lo + (hi - lo) * f)
}

/* The plan id of /public/verify/:planId, or '' (ids are decimal). */
export function planIdOf(v: unknown): string {
  const s = Array.isArray(v) ? v[0] : v
  return typeof s === 'string' && /^[1-9][0-9]{0,18}$/.test(s) ? s : ''
}
