/*
 * The check form's rules before the server's (INS-033..035): every item
 * answered, a failure described and either corrected on the spot or
 * given a deadline, every inspector signed, and the outcome that the
 * results allow.  Pure; unit-tested in checks.spec.ts.
 */
import type { CheckInput, ChecklistItem, ItemResult } from '@/api/inspectionPlan'

export interface ItemAnswer {
  result: ItemResult | ''
  note: string
  onSpot: boolean
  deadlineDays: number
  photos: string[]
}

export function blankAnswers(items: ChecklistItem[]): Record<string, ItemAnswer> {
  return Object.fromEntries(items.map((i) => [i.id, { result: '', note: '', onSpot: false, deadlineDays: 10, photos: [] }]))
}

/* Failures left to correct after the check. */
export function openFailures(a: Record<string, ItemAnswer>): number {
  return Object.values(a).filter((x) => x.result === 'fail' && !x.onSpot).length
}

/* The outcomes the results allow (INS-035). */
export function allowedOutcomes(a: Record<string, ItemAnswer>): CheckInput['outcome'][] {
  return openFailures(a) === 0 ? ['compliant'] : ['ordered', 'referred']
}

export interface CheckProblem {
  key: string
  item?: string
}

/* The first thing to fix before sending, or null. */
export function checkProblem(items: ChecklistItem[], a: Record<string, ItemAnswer>,
  signatures: Record<string, string>, inspectors: string[], outcome: string): CheckProblem | null {
  for (const i of items) {
    const x = a[i.id]
    if (!x || !x.result)
      return { key: 'check.unanswered', item: i.code }
    if (x.result === 'fail' && !x.note.trim())
      return { key: 'check.failNote', item: i.code }
  }
  for (const id of inspectors)
    if (!signatures[id])
      return { key: 'check.unsigned' }
  if (!allowedOutcomes(a).includes(outcome as CheckInput['outcome']))
    return { key: 'check.badOutcome' }
  return null
}

/* The request body. */
export function checkBody(items: ChecklistItem[], a: Record<string, ItemAnswer>, signatures: Record<string, string>,
  inspectors: string[], outcome: CheckInput['outcome'], summary: string,
  location: CheckInput['location'] | null): CheckInput {
  const body: CheckInput = {
    results: items.map((i) => {
      const x = a[i.id]!
      const r: CheckInput['results'][number] = { item: i.id, result: x.result as ItemResult }
      if (x.note.trim()) r.note = x.note.trim()
      if (x.photos.length) r.photos = [...x.photos]
      if (x.result === 'fail') {
        if (x.onSpot) r.on_spot = true
        else r.deadline_days = x.deadlineDays
      }
      return r
    }),
    signatures: inspectors.map((id) => ({ inspector: id, file: signatures[id]! })),
    outcome,
  }
  if (summary.trim()) body.summary = summary.trim()
  if (location) body.location = location
  return body
}
