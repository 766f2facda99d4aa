/*
 * The declared conflicts (回避关系) of one inspector, in a drawer: the
 * list (only units of the user's jurisdiction, INS-014), a declaration
 * against a unit found by name (INS-013: "other" needs a note of 4-500
 * characters) and withdrawals with the version read (If-Match).
 */
import { computed, reactive, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { ElMessageBox } from 'element-plus'
import { declareConflict, listConflicts, withdrawConflict } from '@/api/inspection'
import type { Conflict, Inspector } from '@/api/inspection'
import { listUnit } from '@/api/registry'
import type { UnitBrief } from '@/api/registry'
import { IdempotencyKeeper } from '@/api/http'
import { useUserStore } from '@/store/user'
import { clearFields, showError, success } from '@/utils/feedback'
import { codePoints } from '@/utils/validate'

export const CONFLICT_FORM_FIELDS = ['unit_id', 'kind', 'note'] as const

/* Why a declaration cannot be sent yet, as a locale key, or null. */
export function conflictProblem(f: { unit_id: string; kind: string; note: string }): { field: string; key: string } | null {
  if (!f.unit_id)
    return { field: 'unit_id', key: 'inspectionDir.conflicts.pickUnit' }
  if (!f.kind)
    return { field: 'kind', key: 'inspectionDir.conflicts.pickKind' }
  const n = codePoints(f.note.trim())
  if (n > 500 || (f.kind === 'other' && n < 4))
    return { field: 'note', key: 'inspectionDir.conflicts.noteRule' }
  return null
}

export function useConflicts(onChanged?: () => void | Promise<void>) {
  const { t } = useI18n()
  const user = useUserStore()
  const open = ref(false)
  const inspector = ref<Inspector | null>(null)
  const rows = ref<Conflict[]>([])
  const loading = ref(false)
  const status = ref('')
  const saving = ref(false)
  const units = ref<UnitBrief[]>([])
  const searching = ref(false)
  const keeper = new IdempotencyKeeper()
  const form = reactive({ unit_id: '', kind: 'relative', note: '' })
  const fieldErrors = reactive<Record<string, string>>(Object.fromEntries(CONFLICT_FORM_FIELDS.map((f) => [f, ''])))
  const canWrite = computed(() => user.can('inspection:write') && inspector.value?.status !== 'archived')

  async function load(): Promise<void> {
    if (!inspector.value)
      return
    loading.value = true
    try {
      rows.value = (await listConflicts(inspector.value.id, { status: status.value || undefined })).items
    } catch (e) {
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  async function show(p: Inspector): Promise<void> {
    inspector.value = p
    status.value = ''
    rows.value = []
    units.value = []
    Object.assign(form, { unit_id: '', kind: 'relative', note: '' })
    clearFields(fieldErrors)
    keeper.reset()
    open.value = true
    await load()
  }

  /* Units of the user's jurisdiction whose name or credit code holds q. */
  async function findUnits(q: string): Promise<void> {
    if (!q.trim()) {
      units.value = []
      return
    }
    searching.value = true
    try {
      units.value = (await listUnit({ q: q.trim().slice(0, 64), status: 'active', limit: 20 })).items
    } catch {
      units.value = []
    } finally {
      searching.value = false
    }
  }

  async function declare(): Promise<void> {
    clearFields(fieldErrors)
    const p = conflictProblem(form)
    if (p) {
      fieldErrors[p.field] = t(p.key)
      return
    }
    saving.value = true
    try {
      const body = { unit_id: form.unit_id, kind: form.kind, ...(form.note.trim() ? { note: form.note.trim() } : {}) }
      await declareConflict(inspector.value!.id, body, keeper.get())
      keeper.reset()
      Object.assign(form, { unit_id: '', kind: 'relative', note: '' })
      success(t('inspectionDir.conflicts.declared'))
      await load()
      await onChanged?.()
    } catch (e) {
      await showError(e, { fields: fieldErrors, formFields: CONFLICT_FORM_FIELDS })
    } finally {
      saving.value = false
    }
  }

  async function withdraw(c: Conflict): Promise<void> {
    try {
      await ElMessageBox.confirm(t('inspectionDir.conflicts.withdrawConfirm', { name: c.unit_name }), t('common.prompt'),
        { type: 'warning', confirmButtonText: t('common.confirm'), cancelButtonText: t('common.cancel') })
    } catch {
      return
    }
    try {
      await withdrawConflict(c.id, c.version)
      success(t('inspectionDir.conflicts.withdrawn'))
      await onChanged?.()
    } catch (e) {
      await showError(e, { onReload: load })
    }
    await load()
  }

  return {
    open, inspector, rows, loading, status, saving, units, searching, form, fieldErrors, canWrite,
    show, load, findUnits, declare, withdraw,
  }
}
