/*
 * Registering and editing a unit.  Create keeps one Idempotency-Key until
 * it succeeds; edit reads the unit afresh and sends its version as
 * If-Match, so someone else's change in between is reported (412) and
 * reloaded rather than overwritten.  Personal values arrive masked (P-2):
 * the form never sends them back; a person field is sent only when typed.
 */
import { computed, reactive, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import type { FormInstance, FormRules } from 'element-plus'
import { addUnit, getUnit, PERSON_FIELDS, PERSON_ROLES, updateUnit } from '@/api/registry'
import type { Grid, Unit, UnitInput } from '@/api/registry'
import { IdempotencyKeeper } from '@/api/http'
import { useRegistryStore } from '@/store/registry'
import { clearFields, showError, success } from '@/utils/feedback'
import { checkIdNumber, checkPhone, checkUscc } from '@/utils/ident'
import { codePoints, rule } from '@/utils/validate'
import type { Problem } from '@/utils/validate'

export const PERSON_KEYS = PERSON_ROLES.flatMap((r) => PERSON_FIELDS.map((f) => `${r}_${f}`))
export const UNIT_FORM_FIELDS = ['name', 'uscc', 'address', 'town', 'grid_id', 'industry', 'registered_address',
  'registered_on', 'categories',
  'three_small_kind', ...PERSON_KEYS] as const

const textLen = (max: number, key: string) => (v: string): Problem | null => {
  const n = codePoints(v.trim())
  return n < 1 || n > max ? { key } : null
}

interface UnitFormModel {
  name: string
  uscc: string
  address: string
  town: string
  grid_id: string
  industry: string
  registered_address: string
  registered_on: string
  categories: string[]
  three_small_kind: string
  persons: Record<string, string>
}

function blank(town: string): UnitFormModel {
  return {
    name: '', uscc: '', address: '', town, grid_id: '', industry: '', registered_address: '', registered_on: '',
    categories: [], three_small_kind: '',
    persons: Object.fromEntries(PERSON_KEYS.map((k) => [k, ''])),
  }
}

/* The PATCH body: only what changed; people only when typed. */
export function unitPatch(u: Unit, f: UnitFormModel): UnitInput {
  const p: UnitInput = {}
  const opt = (v: string): string | null => (v.trim() === '' ? null : v.trim())
  if (f.name.trim() !== u.name) p.name = f.name.trim()
  if (opt(f.uscc.toUpperCase()) !== u.uscc) p.uscc = opt(f.uscc.toUpperCase())
  if (f.address.trim() !== u.address) p.address = f.address.trim()
  if (f.town !== u.town) p.town = f.town
  if ((f.grid_id || null) !== u.grid_id) p.grid_id = f.grid_id || null
  if (opt(f.industry) !== u.industry) p.industry = opt(f.industry)
  if (opt(f.registered_address) !== u.registered_address) p.registered_address = opt(f.registered_address)
  if ((f.registered_on || null) !== u.registered_on) p.registered_on = f.registered_on || null
  if ([...f.categories].sort().join() !== [...u.categories].sort().join()) p.categories = [...f.categories]
  const tsk = f.categories.includes('three_small') ? (f.three_small_kind || null) : null
  if (tsk !== u.three_small_kind) p.three_small_kind = tsk
  for (const k of PERSON_KEYS)
    if ((f.persons[k] ?? '').trim() !== '')
      p[k] = f.persons[k]!.trim()
  return p
}

/* The POST body of a new unit. */
export function unitCreate(f: UnitFormModel): UnitInput {
  const b: UnitInput = { name: f.name.trim(), address: f.address.trim(), town: f.town, categories: [...f.categories] }
  if (f.uscc.trim()) b.uscc = f.uscc.trim().toUpperCase()
  if (f.grid_id) b.grid_id = f.grid_id
  if (f.industry.trim()) b.industry = f.industry.trim()
  if (f.registered_address.trim()) b.registered_address = f.registered_address.trim()
  if (f.registered_on) b.registered_on = f.registered_on
  if (f.categories.includes('three_small') && f.three_small_kind) b.three_small_kind = f.three_small_kind
  for (const k of PERSON_KEYS)
    if ((f.persons[k] ?? '').trim() !== '')
      b[k] = f.persons[k]!.trim()
  return b
}

/*
 * onReloaded: after a 412 the form re-reads the unit; the page behind it
 * is stale too and is told so it can re-read (detail page) or re-list.
 */
export function useUnitForm(fixedTown: () => string, onSaved: (u: Unit) => void | Promise<void>,
  onReloaded?: () => void | Promise<void>) {
  const { t } = useI18n()
  const registry = useRegistryStore()
  const formRef = ref<FormInstance>()
  const open = ref(false)
  const mode = ref<'create' | 'edit'>('create')
  const saving = ref(false)
  const loadingRecord = ref(false)
  const editing = ref<Unit | null>(null)
  const version = ref<string | null>(null)
  const grids = ref<Grid[]>([])
  const keeper = new IdempotencyKeeper()
  const form = reactive<UnitFormModel>(blank(''))
  const fieldErrors = reactive<Record<string, string>>(Object.fromEntries(UNIT_FORM_FIELDS.map((f) => [f, ''])))

  const personRule = (f: string) => rule((v) => (f === 'phone' ? checkPhone(v) : f === 'id_number' ? checkIdNumber(v) : null), t)
  const rules = computed<FormRules>(() => ({
    name: [rule(textLen(200, 'rules.unitName'), t)],
    address: [rule(textLen(200, 'rules.address'), t)],
    registered_address: [rule((v: string) => (v.trim() === '' ? null : textLen(200, 'rules.address')(v)), t)],
    uscc: [rule(checkUscc, t)],
    town: [{ required: true, trigger: 'change', message: () => t('rules.required', { field: t('units.town') }) }],
    three_small_kind: [{
      trigger: 'change',
      validator: (_r: unknown, v: string, cb: (e?: Error) => void) =>
        cb(form.categories.includes('three_small') && !v
          ? new Error(t('rules.required', { field: t('units.threeSmallKind') })) : undefined),
    }],
    ...Object.fromEntries(PERSON_KEYS.map((k) => [`persons.${k}`, [personRule(k.replace(/^(legal_rep|responsible|manager)_/, ''))]])),
  }))

  async function loadGrids(): Promise<void> {
    try {
      grids.value = form.town ? await registry.loadGrids(form.town) : []
    } catch {
      grids.value = []
    }
  }

  function onTown(): void {
    form.grid_id = ''
    void loadGrids()
  }

  function fill(u: Unit): void {
    Object.assign(form, {
      name: u.name, uscc: u.uscc ?? '', address: u.address, town: u.town, grid_id: u.grid_id ?? '',
      industry: u.industry ?? '', registered_address: u.registered_address ?? '', registered_on: u.registered_on ?? '',
      categories: [...u.categories], three_small_kind: u.three_small_kind ?? '',
      persons: Object.fromEntries(PERSON_KEYS.map((k) => [k, ''])),
    })
    void loadGrids()
  }

  function openCreate(): void {
    mode.value = 'create'
    editing.value = null
    keeper.reset()
    Object.assign(form, blank(fixedTown()))
    clearFields(fieldErrors)
    void registry.loadTowns().catch(() => undefined)
    void loadGrids()
    open.value = true
    formRef.value?.clearValidate()
  }

  async function reload(): Promise<void> {
    if (!editing.value)
      return
    loadingRecord.value = true
    try {
      const r = await getUnit(editing.value.id)
      editing.value = r.data
      version.value = r.etag ?? String(r.data.version)
      fill(r.data)
      clearFields(fieldErrors)
    } catch (e) {
      await showError(e)
      open.value = false
    } finally {
      loadingRecord.value = false
    }
  }

  async function openEdit(u: Unit): Promise<void> {
    mode.value = 'edit'
    editing.value = u
    clearFields(fieldErrors)
    void registry.loadTowns().catch(() => undefined)
    open.value = true
    formRef.value?.clearValidate()
    await reload()
  }

  /* Placeholder of a person field on edit: the masked current value. */
  function personPlaceholder(k: string): string {
    const v = editing.value ? (editing.value as unknown as Record<string, string | null>)[k] : null
    return v ?? ''
  }

  async function submit(): Promise<void> {
    clearFields(fieldErrors)
    if (!formRef.value || !(await formRef.value.validate().catch(() => false)))
      return
    saving.value = true
    try {
      let saved: Unit
      if (mode.value === 'create') {
        saved = (await addUnit(unitCreate(form), keeper.get())).data
        keeper.reset()
        success(t('units.created'))
      } else {
        const p = unitPatch(editing.value!, form)
        saved = Object.keys(p).length
          ? (await updateUnit(editing.value!.id, version.value ?? editing.value!.version, p)).data
          : editing.value!
        success(t('units.updated'))
      }
      open.value = false
      await onSaved(saved)
    } catch (e) {
      await showError(e, {
        fields: fieldErrors,
        formFields: UNIT_FORM_FIELDS,
        onReload: async () => { await reload(); await onReloaded?.() },
      })
    } finally {
      saving.value = false
    }
  }

  return {
    formRef, open, mode, saving, loadingRecord, form, fieldErrors, rules, grids, editing, registry,
    openCreate, openEdit, submit, reload, onTown, personPlaceholder,
  }
}
