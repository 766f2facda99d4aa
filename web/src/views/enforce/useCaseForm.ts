/*
 * 立案 (/cases/new, case:write): procedure, source (prefilled from
 * ?source=hazard&source_id=…&unit_id=… when opened from a hazard), the
 * party (a registered unit, or a person with sealed personal data), the
 * facts and dates, two certified officers (lead and assist, ENF-002/003),
 * and violations each added through the inline discretion calculator
 * with its suggestion kept for review.  The server's refusal naming the
 * officers (an expired certificate, a conflict: 422 field "officers") is
 * shown at the officers' pickers.
 */
import { computed, reactive, ref, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { addCase } from '@/api/enforce'
import type { Suggestion, ViolationInput } from '@/api/enforce'
import { ApiError, IdempotencyKeeper } from '@/api/http'
import { getUnit, listUnit } from '@/api/registry'
import type { UnitBrief } from '@/api/registry'
import { t } from '@/i18n'
import { useRegistryStore } from '@/store/registry'
import { useUserStore } from '@/store/user'
import { scopeOf } from '@/views/hazard/hazard'
import { clearFields, showError, success } from '@/utils/feedback'
import { CASE_FORM_FIELDS, blankCaseForm, caseBody, caseFieldOf, caseFormProblem, prefillFromQuery, violationBody, violationProblem } from './enforce'
import { useCalculator } from './useCalculator'
import { useOfficerPicker } from './useOfficerPicker'
import { caseErrorText } from './errorText'
import { todayCN } from '@/utils/format'

export interface AddedViolation {
  body: ViolationInput
  suggestion: Suggestion
}

export function useCaseForm() {
  const route = useRoute()
  const router = useRouter()
  const today = todayCN()
  const form = reactive(prefillFromQuery(blankCaseForm(today), route.query))
  const fieldErrors = reactive<Record<string, string>>({})
  const units = ref<UnitBrief[]>([])
  const searching = ref(false)
  const saving = ref(false)
  const violations = ref<AddedViolation[]>([])
  const calcOpen = ref(false)
  const calc = useCalculator(form.party_type)
  const officers = useOfficerPicker(today)
  const keeper = new IdempotencyKeeper()
  const registry = useRegistryStore()
  const scope = scopeOf(useUserStore().me?.jurisdiction)
  /* A town's officer files in the town; the city chooses. */
  if (scope.town)
    form.town = scope.town
  const towns = computed(() => (scope.town ? registry.towns.filter((x) => x.code === scope.town) : registry.towns))

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

  /* The prefilled unit shown by name. */
  async function loadPrefillUnit(): Promise<void> {
    if (!form.unit_id)
      return
    try {
      const u = (await getUnit(form.unit_id)).data
      units.value = [u]
    } catch {
      /* not readable: the id stays, the server decides */
    }
  }

  /* A changed field of the violation drops the errors shown for it. */
  watch(() => ({ ...calc.v, item: calc.calc.item }), () => {
    for (const k of Object.keys(fieldErrors))
      if (k.startsWith('v.'))
        fieldErrors[k] = ''
  })

  function openCalc(): void {
    calc.reset()
    calc.calc.party = form.party_type
    calcOpen.value = true
  }

  function addViolation(): boolean {
    clearFields(fieldErrors)
    const p = violationProblem(calc.calc, calc.v, calc.suggestion.value)
    if (p) {
      fieldErrors[`v.${p.field}`] = t(p.key, p.params)
      return false
    }
    violations.value.push({ body: violationBody(calc.calc, calc.v, calc.suggestion.value), suggestion: calc.suggestion.value! })
    calcOpen.value = false
    return true
  }

  function removeViolation(i: number): void {
    violations.value.splice(i, 1)
  }

  async function submit(): Promise<void> {
    clearFields(fieldErrors)
    const p = caseFormProblem(form, violations.value.length)
    if (p) {
      fieldErrors[p.field] = t(p.key, p.params)
      return
    }
    saving.value = true
    try {
      const r = await addCase(caseBody(form, violations.value.map((v) => v.body)), keeper.get())
      keeper.reset()
      success(t('enforce.form.created', { no: r.data.no }))
      await router.push({ name: 'CaseDetail', params: { id: r.data.id } })
    } catch (e) {
      if (e instanceof ApiError && e.field && e.status < 500 && e.status !== 401) {
        const f = caseFieldOf(e.field)
        if ((CASE_FORM_FIELDS as readonly string[]).includes(f)) {
          fieldErrors[f] = caseErrorText(e)
          return
        }
      }
      await showError(e)
    } finally {
      saving.value = false
    }
  }

  void loadPrefillUnit()
  void registry.loadTowns().catch(() => undefined)
  void officers.load()
  void calc.loadItems()

  return {
    today, form, fieldErrors, towns, units, searching, saving, violations, calcOpen, calc, officers,
    findUnits, openCalc, addViolation, removeViolation, submit,
  }
}
