/*
 * 登记隐患 (hazard:write), phone first: the unit found by name within
 * one's jurisdiction, the type from the catalogue (its legal basis,
 * default deadline and whether it may be corrected on the spot shown),
 * description, location, photos uploaded as they are taken, corrected on
 * the spot (only when the type allows it, HAZ-004), a deadline in working
 * days or "decide later", and the source (a grid worker's patrol, a
 * police station's check, an officer's inspection).  The create keeps one
 * Idempotency-Key until it succeeds.
 */
import { computed, reactive, ref, watch } from 'vue'
import { useRouter } from 'vue-router'
import { addHazard } from '@/api/hazard'
import { IdempotencyKeeper } from '@/api/http'
import { listUnit } from '@/api/registry'
import type { UnitBrief } from '@/api/registry'
import { t } from '@/i18n'
import { useUserStore } from '@/store/user'
import { clearFields, showError, success } from '@/utils/feedback'
import { blankHazardForm, defaultSource, hazardBody, hazardFormProblem, sourceChoices } from './hazard'
import { useCatalogue } from './useCatalogue'

export const HAZARD_FORM_FIELDS = ['unit_id', 'type_code', 'description', 'location', 'photos', 'on_spot',
  'deadline_days', 'decide_later', 'source'] as const

export function useHazardForm() {
  const router = useRouter()
  const user = useUserStore()
  const cat = useCatalogue()
  const roles = computed(() => user.me?.roles ?? [])
  const sources = computed(() => sourceChoices(roles.value))
  const form = reactive(blankHazardForm(defaultSource(roles.value)))
  const fieldErrors = reactive<Record<string, string>>(Object.fromEntries(HAZARD_FORM_FIELDS.map((f) => [f, ''])))
  const units = ref<UnitBrief[]>([])
  const searching = ref(false)
  const uploading = ref(0)
  const saving = ref(false)
  const keeper = new IdempotencyKeeper()

  const type = computed(() => cat.type(form.type_code))
  const maxDays = computed(() => cat.clock('max_deadline_days', 60))
  const decideDays = computed(() => cat.clock('decide_days', 3))

  /* A new type: its default deadline; on the spot only where allowed. */
  watch(type, (ty) => {
    if (!ty)
      return
    form.deadline_days = ty.deadline_days
    if (!ty.on_spot)
      form.on_spot = false
  })

  async function findUnits(q: string): Promise<void> {
    if (!q.trim()) {
      units.value = []
      return
    }
    searching.value = true
    try {
      units.value = (await listUnit({ q: q.trim().slice(0, 64), status: 'active', limit: 20 })).items
    } catch (e) {
      await showError(e)
    } finally {
      searching.value = false
    }
  }

  async function submit(): Promise<void> {
    clearFields(fieldErrors)
    const p = hazardFormProblem(form, type.value, maxDays.value)
    if (p) {
      fieldErrors[p.field] = t(p.key, p.params)
      return
    }
    saving.value = true
    try {
      const r = await addHazard(hazardBody(form, type.value!), keeper.get())
      keeper.reset()
      success(t('hazard.form.created', { no: r.data.no }))
      await router.push({ name: 'HazardDetail', params: { id: r.data.id } })
    } catch (e) {
      await showError(e, { fields: fieldErrors, formFields: HAZARD_FORM_FIELDS })
    } finally {
      saving.value = false
    }
  }

  void cat.load().catch((e: unknown) => showError(e))

  return {
    form, fieldErrors, units, searching, uploading, saving, type, maxDays, decideDays, sources, cat,
    findUnits, submit,
  }
}
