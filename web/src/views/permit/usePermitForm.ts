/*
 * 申请营业前消防安全检查 (permit:apply): a unit applies for itself, an
 * officer at the window for a unit of their jurisdiction (PRM-002); the
 * place, its use from the rules' list, area and capacity; the route —
 * 告知承诺 with the commitment text of the version in force shown and
 * accepted, or 检查 — and the documents (licence and the fire-safety
 * rules with the evacuation plan required, floor plans and others
 * optional; PRM-003).  A problem is shown on its field before anything is
 * sent; the server's field errors land on the same fields.  The create
 * keeps one Idempotency-Key until it succeeds.
 */
import { computed, reactive, ref } from 'vue'
import { useRouter } from 'vue-router'
import { addPermit, getPermitRules } from '@/api/permit'
import type { PermitRules } from '@/api/permit'
import { ApiError, IdempotencyKeeper } from '@/api/http'
import { listUnit } from '@/api/registry'
import type { UnitBrief } from '@/api/registry'
import { t } from '@/i18n'
import { useUserStore } from '@/store/user'
import { errorText } from '@/utils/errors'
import { clearFields, showError, success } from '@/utils/feedback'
import { PERMIT_FORM_FIELDS, blankPermitForm, formFieldOf, permitBody, permitFormProblem } from './permit'

const SHOWN = ['unit_id', 'place_name', 'address', 'use', 'area_m2', 'capacity', 'route', 'commitment',
  'documents.licence', 'documents.rules', 'documents.plans', 'documents.other'] as const

export function usePermitForm() {
  const router = useRouter()
  const user = useUserStore()
  const rules = ref<PermitRules | null>(null)
  const form = reactive(blankPermitForm())
  const fieldErrors = reactive<Record<string, string>>(Object.fromEntries(SHOWN.map((f) => [f, ''])))
  /* A unit applies for itself; everyone else chooses the unit. */
  const pickUnit = computed(() => !/^unit:\d+$/.test(user.me?.jurisdiction ?? ''))
  const ownUnit = ref<UnitBrief | null>(null)
  const units = ref<UnitBrief[]>([])
  const searching = ref(false)
  const uploading = ref(0)
  const saving = ref(false)
  const keeper = new IdempotencyKeeper()

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

  /* A chosen unit's address is a good first guess for the place's. */
  function onUnit(id: string): void {
    const u = units.value.find((x) => x.id === id)
    if (u && !form.address.trim())
      form.address = u.address
  }

  async function load(): Promise<void> {
    try {
      rules.value = await getPermitRules()
    } catch (e) {
      await showError(e)
    }
    if (!pickUnit.value) {
      try {
        ownUnit.value = (await listUnit({ limit: 1 })).items[0] ?? null
        if (ownUnit.value && !form.address)
          form.address = ownUnit.value.address
      } catch {
        ownUnit.value = null
      }
    }
  }

  async function submit(): Promise<void> {
    clearFields(fieldErrors)
    const p = permitFormProblem(form, rules.value, pickUnit.value)
    if (p) {
      fieldErrors[p.field] = t(p.key, p.params)
      return
    }
    saving.value = true
    try {
      const r = await addPermit(permitBody(form, rules.value!, pickUnit.value), keeper.get())
      keeper.reset()
      success(t('permit.form.created', { no: r.data.no }))
      await router.push({ name: 'PermitDetail', params: { id: r.data.id } })
    } catch (e) {
      /* documents.licence, commitment.accepted …: on the field that shows them. */
      if (e instanceof ApiError && e.field && (PERMIT_FORM_FIELDS as readonly string[]).includes(e.field) &&
          e.status < 500 && e.status !== 412 && e.status !== 428) {
        fieldErrors[formFieldOf(e.field)] = errorText(e, t, false)
        return
      }
      await showError(e)
    } finally {
      saving.value = false
    }
  }

  const commitmentText = computed(() => rules.value?.commitment.text ?? '')
  void load()

  return {
    form, fieldErrors, rules, pickUnit, ownUnit, units, searching, uploading, saving, commitmentText,
    findUnits, onUnit, submit,
  }
}
