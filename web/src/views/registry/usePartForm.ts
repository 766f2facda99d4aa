/*
 * Adding or changing a building or a place of a unit: one dialog driven by
 * the field table of parts.ts; create with an Idempotency-Key, change with
 * If-Match (a concurrent change is a 412, reloaded).
 */
import { computed, reactive, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import type { FormInstance, FormRules } from 'element-plus'
import { addUnitBuilding, addUnitPlace, updateBuilding, updatePlace } from '@/api/registry'
import { IdempotencyKeeper, request } from '@/api/http'
import { clearFields, showError, success } from '@/utils/feedback'
import { partBody, partFields, partToModel } from './parts'
import type { PartKind, PartModel } from './parts'

export function usePartForm(unitId: () => string, onSaved: () => void | Promise<void>) {
  const { t } = useI18n()
  const formRef = ref<FormInstance>()
  const open = ref(false)
  const kind = ref<PartKind>('building')
  const saving = ref(false)
  const editing = ref<Record<string, unknown> | null>(null)
  const model = reactive<PartModel>({})
  const fieldErrors = reactive<Record<string, string>>({})
  const keeper = new IdempotencyKeeper()
  const fields = computed(() => partFields(kind.value))

  const rules = computed<FormRules>(() => Object.fromEntries(fields.value.filter((f) => f.required).map((f) => [
    f.key, [{ required: true, trigger: f.type === 'enum' ? 'change' : 'blur', message: () => t('rules.required', { field: t(f.label) }) }],
  ])))

  function reset(rec: Record<string, unknown> | null): void {
    for (const k of Object.keys(model))
      delete model[k]
    Object.assign(model, partToModel(fields.value, rec))
    for (const k of Object.keys(fieldErrors))
      delete fieldErrors[k]
    for (const f of fields.value)
      fieldErrors[f.key] = ''
  }

  function openCreate(k: PartKind): void {
    kind.value = k
    editing.value = null
    keeper.reset()
    reset(null)
    open.value = true
  }

  function openEdit(k: PartKind, rec: Record<string, unknown>): void {
    kind.value = k
    editing.value = rec
    reset(rec)
    open.value = true
  }

  async function reload(): Promise<void> {
    if (!editing.value)
      return
    const path = kind.value === 'building' ? '/api/v1/buildings/' : '/api/v1/places/'
    editing.value = await request<Record<string, unknown>>('GET', path + String(editing.value.id))
    reset(editing.value)
  }

  async function submit(): Promise<void> {
    clearFields(fieldErrors)
    if (!formRef.value || !(await formRef.value.validate().catch(() => false)))
      return
    saving.value = true
    try {
      const body = partBody(fields.value, model, editing.value)
      if (!editing.value) {
        await (kind.value === 'building' ? addUnitBuilding : addUnitPlace)(unitId(), body, keeper.get())
        keeper.reset()
        success(t(kind.value === 'building' ? 'units.building.created' : 'units.place.created'))
      } else if (Object.keys(body).length) {
        const id = String(editing.value.id)
        const v = Number(editing.value.version)
        await (kind.value === 'building' ? updateBuilding : updatePlace)(id, v, body)
        success(t('common.saved'))
      }
      open.value = false
      await onSaved()
    } catch (e) {
      await showError(e, {
        fields: fieldErrors, formFields: fields.value.map((f) => f.key),
        onReload: async () => { await reload(); await onSaved() },
      })
    } finally {
      saving.value = false
    }
  }

  return { formRef, open, kind, saving, editing, model, fieldErrors, fields, rules, openCreate, openEdit, submit }
}
