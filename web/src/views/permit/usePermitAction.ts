/*
 * One dialog for an officer's steps on an application, each sent with
 * If-Match = the version the person saw: inspect (pass / fail, note),
 * issue (note), refuse (reasons), verify (item-by-item rows: item,
 * committed, found, match; note; rectification days when something does
 * not match), re-check (fixed or not, note), reissue (reason).  What the
 * server would refuse is refused first, on its field; a 412 explains
 * that someone else changed the application and reloads it.
 */
import { computed, reactive, ref } from 'vue'
import {
  inspectPermit, issuePermit, recheckPermit, refusePermit, reissuePermit, verifyPermit,
} from '@/api/permit'
import type { Permit, PermitRules } from '@/api/permit'
import { ApiError } from '@/api/http'
import { t } from '@/i18n'
import { errorText } from '@/utils/errors'
import { clearFields, showError, success } from '@/utils/feedback'
import { blankStep, stepProblem, verifyBody, verifyProblem, verifyRows } from './permit'
import type { PermitAction, VerifyRow } from './permit'

export function usePermitAction(rules: () => PermitRules | null, onDone: () => void | Promise<void>) {
  const open = ref(false)
  const kind = ref<PermitAction>('issue')
  const permit = ref<Permit | null>(null)
  const form = reactive(blankStep())
  const rows = ref<VerifyRow[]>([])
  const rectifyDays = ref<number | null>(10)
  const fieldErrors = reactive<Record<string, string>>({})
  const saving = ref(false)

  const maxDays = computed(() => rules()?.clocks.max_deadline_days?.value ?? 60)
  const defaultDays = computed(() => rules()?.clocks.rectify_default_days?.value ?? 10)
  const mismatches = computed(() => rows.value.filter((r) => r.item.trim() && r.match === false).length)

  function show(k: PermitAction, p: Permit): void {
    kind.value = k
    permit.value = p
    Object.assign(form, blankStep())
    for (const key of Object.keys(fieldErrors))
      delete fieldErrors[key]
    if (k === 'verify') {
      rows.value = verifyRows(p, t)
      rectifyDays.value = defaultDays.value
    }
    open.value = true
  }

  function addRow(): void {
    rows.value.push({ item: '', committed: '', found: '', match: null })
  }

  function removeRow(i: number): void {
    rows.value.splice(i, 1)
  }

  async function send(p: Permit): Promise<string> {
    const v = p.version
    switch (kind.value) {
    case 'inspect':
      await inspectPermit(p.id, v, { result: form.result as 'pass' | 'fail', note: form.note.trim() })
      return t(form.result === 'pass' ? 'permit.done.inspectPass' : 'permit.done.inspectFail')
    case 'issue': {
      const r = await issuePermit(p.id, v, form.note.trim() || undefined)
      return t('permit.done.issue', { no: r.data.permit_no ?? '' })
    }
    case 'refuse': {
      const r = await refusePermit(p.id, v, form.reasons.trim())
      return t('permit.done.refuse', { no: r.data.refusal_no ?? '' })
    }
    case 'verify': {
      const r = await verifyPermit(p.id, v, verifyBody(rows.value, form.note, rectifyDays.value))
      return r.data.verify_status === 'matched' ? t('permit.done.matched')
        : t('permit.done.mismatch', { no: r.data.notice_no ?? '', d: r.data.rectify_deadline ?? '' })
    }
    case 'recheck': {
      const r = await recheckPermit(p.id, v, { fixed: form.fixed === 'yes', note: form.note.trim() })
      return r.data.status === 'revoked' ? t('permit.done.revoked', { no: r.data.revocation_no ?? '' }) : t('permit.done.rectified')
    }
    case 'reissue': {
      const r = await reissuePermit(p.id, v, form.reason.trim())
      return t('permit.done.reissue', { no: r.data.permit_no ?? '' })
    }
    }
  }

  async function submit(): Promise<void> {
    clearFields(fieldErrors)
    const p = kind.value === 'verify'
      ? verifyProblem(rows.value, form.note, rectifyDays.value, maxDays.value)
      : stepProblem(kind.value, form)
    if (p) {
      fieldErrors[p.field] = t(p.key, p.params)
      return
    }
    saving.value = true
    try {
      const msg = await send(permit.value!)
      open.value = false
      success(msg)
      await onDone()
    } catch (e) {
      /* items[3] names the row (among those sent); other fields as they are. */
      if (e instanceof ApiError && e.field && e.status < 500 && e.status !== 412 && e.status !== 428) {
        const m = /^items\[(\d+)\]$/.exec(e.field)
        const sent = rows.value.map((r, i) => (r.item.trim() ? i : -1)).filter((i) => i >= 0)
        const key = m ? `row${sent[Number(m[1])] ?? 0}` : e.field
        if (m || ['note', 'result', 'reasons', 'fixed', 'reason', 'rectify_days', 'items'].includes(key)) {
          fieldErrors[key] = errorText(e, t, false)
          return
        }
      }
      await showError(e, { onReload: async () => { open.value = false; await onDone() } })
    } finally {
      saving.value = false
    }
  }

  return {
    open, kind, permit, form, rows, rectifyDays, fieldErrors, saving, maxDays, mismatches, show, addRow, removeRow, submit,
  }
}

export type PermitActionCtl = ReturnType<typeof usePermitAction>
