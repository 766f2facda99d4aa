/*
 * Adding and editing an inspector.  A town user's inspector covers that
 * town alone (INS-012), so the areas are fixed for them.  Create keeps
 * one Idempotency-Key until it succeeds; edit sends the version read as
 * If-Match and reloads on a 412.
 */
import { computed, reactive, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import type { FormInstance, FormRules } from 'element-plus'
import { addInspector, getInspector, updateInspector } from '@/api/inspection'
import type { Inspector } from '@/api/inspection'
import { IdempotencyKeeper } from '@/api/http'
import { useRegistryStore } from '@/store/registry'
import { clearFields, showError, success } from '@/utils/feedback'
import { rule } from '@/utils/validate'
import { blankInspector, checkAreas, checkCertDate, checkLine, inspectorCreate, inspectorPatch, inspectorToModel } from './dir'
import type { InspectorFormModel } from './dir'

export const INSPECTOR_FORM_FIELDS = ['name', 'department', 'cert_no', 'cert_valid_until', 'areas', 'specialty',
  'user_id', 'status'] as const

export function useInspectorForm(fixedTown: () => string, onSaved: (p: Inspector) => void | Promise<void>,
  onReloaded?: () => void | Promise<void>) {
  const { t } = useI18n()
  const registry = useRegistryStore()
  const formRef = ref<FormInstance>()
  const open = ref(false)
  const mode = ref<'create' | 'edit'>('create')
  const saving = ref(false)
  const loadingRecord = ref(false)
  const editing = ref<Inspector | null>(null)
  const version = ref<string | null>(null)
  const keeper = new IdempotencyKeeper()
  const form = reactive<InspectorFormModel>(blankInspector(''))
  const fieldErrors = reactive<Record<string, string>>(Object.fromEntries(INSPECTOR_FORM_FIELDS.map((f) => [f, ''])))
  const areasLocked = computed(() => fixedTown() !== '')

  const rules = computed<FormRules>(() => ({
    name: [rule(checkLine(50), t)],
    cert_no: [rule(checkLine(32), t)],
    cert_valid_until: [rule(checkCertDate, t, 'change')],
    areas: [{
      trigger: 'change',
      validator: (_r: unknown, v: string[], cb: (e?: Error) => void) => {
        const p = checkAreas(v ?? [])
        cb(p ? new Error(t(p.key)) : undefined)
      },
    }],
    user_id: [{
      trigger: 'blur',
      validator: (_r: unknown, v: string, cb: (e?: Error) => void) =>
        cb(v && !/^[1-9]\d{0,18}$/.test(v.trim()) ? new Error(t('inspectionDir.rules.userId')) : undefined),
    }],
  }))

  function openCreate(): void {
    mode.value = 'create'
    editing.value = null
    keeper.reset()
    Object.assign(form, blankInspector(fixedTown()))
    clearFields(fieldErrors)
    void registry.loadTowns().catch(() => undefined)
    open.value = true
    formRef.value?.clearValidate()
  }

  async function reload(): Promise<void> {
    if (!editing.value)
      return
    loadingRecord.value = true
    try {
      const r = await getInspector(editing.value.id)
      editing.value = r.data
      version.value = r.etag ?? String(r.data.version)
      Object.assign(form, inspectorToModel(r.data))
      clearFields(fieldErrors)
    } catch (e) {
      await showError(e)
      open.value = false
    } finally {
      loadingRecord.value = false
    }
  }

  async function openEdit(p: Inspector): Promise<void> {
    mode.value = 'edit'
    editing.value = p
    Object.assign(form, inspectorToModel(p))
    clearFields(fieldErrors)
    void registry.loadTowns().catch(() => undefined)
    open.value = true
    formRef.value?.clearValidate()
    await reload()
  }

  async function submit(): Promise<void> {
    clearFields(fieldErrors)
    if (!formRef.value || !(await formRef.value.validate().catch(() => false)))
      return
    saving.value = true
    try {
      let saved: Inspector
      if (mode.value === 'create') {
        saved = (await addInspector(inspectorCreate(form), keeper.get())).data
        keeper.reset()
        success(t('inspectionDir.inspectors.created'))
      } else {
        const p = inspectorPatch(editing.value!, form)
        saved = Object.keys(p).length
          ? (await updateInspector(editing.value!.id, version.value ?? editing.value!.version, p)).data
          : editing.value!
        success(t('inspectionDir.updated'))
      }
      open.value = false
      await onSaved(saved)
    } catch (e) {
      await showError(e, {
        fields: fieldErrors,
        formFields: INSPECTOR_FORM_FIELDS,
        onReload: async () => { await reload(); await onReloaded?.() },
      })
    } finally {
      saving.value = false
    }
  }

  return {
    formRef, open, mode, saving, loadingRecord, form, fieldErrors, rules, editing, registry, areasLocked,
    openCreate, openEdit, submit, reload,
  }
}
