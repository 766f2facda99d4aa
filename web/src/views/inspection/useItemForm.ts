/*
 * Adding and editing an inspection item.  Create keeps one
 * Idempotency-Key until it succeeds; edit reads the item afresh and sends
 * its version as If-Match, so a change made by someone else in between
 * is reported (412) and reloaded instead of overwritten.
 */
import { computed, reactive, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import type { FormInstance, FormRules } from 'element-plus'
import { addItem, getItem, updateItem } from '@/api/inspection'
import type { InspectionItem } from '@/api/inspection'
import { IdempotencyKeeper } from '@/api/http'
import { clearFields, showError, success } from '@/utils/feedback'
import { rule } from '@/utils/validate'
import { blankItem, checkItemCode, checkLine, itemCreate, itemPatch, itemToModel } from './dir'
import type { ItemFormModel } from './dir'

export const ITEM_FORM_FIELDS = ['code', 'name', 'legal_basis', 'content', 'method', 'department', 'categories'] as const

export function useItemForm(onSaved: (it: InspectionItem) => void | Promise<void>,
  onReloaded?: () => void | Promise<void>) {
  const { t } = useI18n()
  const formRef = ref<FormInstance>()
  const open = ref(false)
  const mode = ref<'create' | 'edit'>('create')
  const saving = ref(false)
  const loadingRecord = ref(false)
  const editing = ref<InspectionItem | null>(null)
  const version = ref<string | null>(null)
  const keeper = new IdempotencyKeeper()
  const form = reactive<ItemFormModel>(blankItem())
  const fieldErrors = reactive<Record<string, string>>(Object.fromEntries(ITEM_FORM_FIELDS.map((f) => [f, ''])))

  const rules = computed<FormRules>(() => ({
    code: [rule(checkItemCode, t)],
    name: [rule(checkLine(100), t)],
    legal_basis: [rule(checkLine(1000), t)],
    content: [rule(checkLine(2000), t)],
    method: [rule(checkLine(200), t)],
    department: [{ required: true, trigger: 'change', message: () => t('rules.required', { field: t('inspectionDir.department') }) }],
  }))

  function openCreate(): void {
    mode.value = 'create'
    editing.value = null
    keeper.reset()
    Object.assign(form, blankItem())
    clearFields(fieldErrors)
    open.value = true
    formRef.value?.clearValidate()
  }

  async function reload(): Promise<void> {
    if (!editing.value)
      return
    loadingRecord.value = true
    try {
      const r = await getItem(editing.value.id)
      editing.value = r.data
      version.value = r.etag ?? String(r.data.version)
      Object.assign(form, itemToModel(r.data))
      clearFields(fieldErrors)
    } catch (e) {
      await showError(e)
      open.value = false
    } finally {
      loadingRecord.value = false
    }
  }

  async function openEdit(it: InspectionItem): Promise<void> {
    mode.value = 'edit'
    editing.value = it
    Object.assign(form, itemToModel(it))
    clearFields(fieldErrors)
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
      let saved: InspectionItem
      if (mode.value === 'create') {
        saved = (await addItem(itemCreate(form), keeper.get())).data
        keeper.reset()
        success(t('inspectionDir.items.created'))
      } else {
        const p = itemPatch(editing.value!, form)
        saved = Object.keys(p).length
          ? (await updateItem(editing.value!.id, version.value ?? editing.value!.version, p)).data
          : editing.value!
        success(t('inspectionDir.updated'))
      }
      open.value = false
      await onSaved(saved)
    } catch (e) {
      await showError(e, {
        fields: fieldErrors,
        formFields: ITEM_FORM_FIELDS,
        onReload: async () => { await reload(); await onReloaded?.() },
      })
    } finally {
      saving.value = false
    }
  }

  return { formRef, open, mode, saving, loadingRecord, form, fieldErrors, rules, editing, openCreate, openEdit, submit, reload }
}
