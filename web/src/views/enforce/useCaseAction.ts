/*
 * One dialog for the steps of a case (ENF-020..029), each sent with
 * If-Match = the version the person saw: notify, the party's statement,
 * hearing request / schedule / hold / waive, submit, legal review
 * (case:review), collective discussion (case:discuss), extension
 * (case:approve), decide, serve, close, cancel, publish.  What the server
 * would refuse is refused first, at its field; a server field error is
 * shown at the field; a 412 explains that someone else changed the case
 * and reloads it.
 */
import { reactive, ref } from 'vue'
import { caseStep } from '@/api/enforce'
import type { Case } from '@/api/enforce'
import { ApiError } from '@/api/http'
import { t } from '@/i18n'
import { clearFields, showError, success } from '@/utils/feedback'
import { ACTION_PATH, STEP_FIELDS, blankStep, stepBody, stepFieldOf, stepProblem } from './enforce'
import type { CaseAction } from './enforce'
import { caseErrorText } from './errorText'
import { todayCN } from '@/utils/format'

/* The fields each step's dialog shows (CaseActionDialog.vue); the others have none. */
const DIALOG_FIELDS: Partial<Record<CaseAction, readonly string[]>> = {
  statement: ['text'],
  hearing_request: ['requested_on'],
  hearing_schedule: ['hearing_on', 'place', 'host_id'],
  hearing_hold: ['record', 'opinion'],
  review: ['conclusion', 'opinion'],
  discussion: ['held_on', 'chair_id', 'participants', 'conclusion', 'minutes'],
  extend: ['days', 'reason'],
  serve: ['method', 'served_on'],
  cancel: ['reason'],
  close: ['reason'],
}

export function useCaseAction(extensionMax: () => number, onDone: (c: Case | null) => void | Promise<void>) {
  const open = ref(false)
  const kind = ref<CaseAction>('notify')
  const kase = ref<Case | null>(null)
  const form = reactive(blankStep(todayCN()))
  const fieldErrors = reactive<Record<string, string>>({})
  const saving = ref(false)

  function show(a: CaseAction, c: Case): void {
    kind.value = a
    kase.value = c
    Object.assign(form, blankStep(todayCN()))
    if (a === 'review')
      form.conclusion = 'approve'
    clearFields(fieldErrors)
    open.value = true
  }

  function addParticipant(): void {
    form.participants.push({ name: '', title: '' })
  }

  function removeParticipant(i: number): void {
    form.participants.splice(i, 1)
  }

  async function submit(): Promise<void> {
    clearFields(fieldErrors)
    const p = stepProblem(kind.value, form, extensionMax())
    if (p) {
      fieldErrors[p.field] = t(p.key, p.params)
      return
    }
    const c = kase.value!
    saving.value = true
    try {
      const r = await caseStep(c.id, c.version, ACTION_PATH[kind.value], stepBody(kind.value, form))
      open.value = false
      success(t(`enforce.done.${kind.value}`))
      await onDone(r.data ?? null)
    } catch (e) {
      if (e instanceof ApiError && e.field && e.status < 500 && e.status !== 412 && e.status !== 428) {
        const f = stepFieldOf(e.field)
        /* At the field only when this dialog shows it (a hearing held before its day names hearing_on). */
        if ((STEP_FIELDS as readonly string[]).includes(f) && (DIALOG_FIELDS[kind.value] ?? []).includes(f)) {
          fieldErrors[f] = caseErrorText(e)
          return
        }
        /* A refusal of the whole step (status, violations, review missing): said in the dialog. */
        fieldErrors._ = caseErrorText(e)
        return
      }
      await showError(e, { onReload: async () => { open.value = false; await onDone(null) } })
    } finally {
      saving.value = false
    }
  }

  return { open, kind, kase, form, fieldErrors, saving, show, addParticipant, removeParticipant, submit }
}

export type CaseActionCtl = ReturnType<typeof useCaseAction>
