/*
 * The risk card of a unit (registry:read): its score and grade with the
 * factors that made them ("why"), the model version and when it was
 * computed, its risk events, and for risk:write holders a form to record
 * one (checked here as the server checks it, sent with an
 * Idempotency-Key kept across retries of the same submission).
 */
import { computed, reactive, ref } from 'vue'
import { addRiskEvent, getUnitRisk, listRiskEvents } from '@/api/risk'
import type { RiskEvent, UnitRisk } from '@/api/risk'
import { IdempotencyKeeper } from '@/api/http'
import { t } from '@/i18n'
import { useUserStore } from '@/store/user'
import { clearFields, showError, success } from '@/utils/feedback'
import { checkEvent, emptyEventForm, eventBody } from './risk'
import type { EventForm } from './risk'

export const EVENT_PAGE = 10
export const EVENT_FIELDS = ['kind', 'ref_type', 'ref_id', 'at'] as const

export function useRiskCard(unitId: () => string, archived: () => boolean, onChanged?: () => void | Promise<void>) {
  const user = useUserStore()
  const risk = ref<UnitRisk | null>(null)
  const events = ref<RiskEvent[]>([])
  const eventTotal = ref(0)
  const eventOffset = ref(0)
  const loading = ref(false)
  const formOpen = ref(false)
  const saving = ref(false)
  const form = reactive<EventForm>(emptyEventForm(Date.now()))
  const fieldErrors = reactive<Record<string, string>>({ kind: '', ref_type: '', ref_id: '', at: '' })
  const keeper = new IdempotencyKeeper()
  const canRecord = computed(() => user.can('risk:write') && !archived())
  /* Stored with an older model than the one loaded: the nightly run updates it. */
  const outdated = computed(() => !!risk.value && risk.value.model_version !== risk.value.current_model_version)

  async function loadEvents(offset = eventOffset.value): Promise<void> {
    const r = await listRiskEvents(unitId(), offset, EVENT_PAGE)
    events.value = r.items
    eventTotal.value = r.page.total
    eventOffset.value = offset
  }

  async function load(): Promise<void> {
    loading.value = true
    try {
      const [r] = await Promise.all([getUnitRisk(unitId()), loadEvents(0)])
      risk.value = r
    } catch (e) {
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  function openForm(): void {
    Object.assign(form, emptyEventForm(Date.now()))
    clearFields(fieldErrors)
    keeper.reset()
    formOpen.value = true
  }

  /* 1 when recorded, 0 when the form or the server refused it. */
  async function submit(): Promise<number> {
    clearFields(fieldErrors)
    const problems = checkEvent(form, Date.now())
    for (const [k, v] of Object.entries(problems))
      fieldErrors[k] = t(v)
    if (Object.keys(problems).length)
      return 0
    saving.value = true
    try {
      await addRiskEvent(unitId(), eventBody(form), keeper.get())
      keeper.reset()
      formOpen.value = false
      success(t('risk.eventAdded'))
      await load()
      if (onChanged)
        await onChanged()
      return 1
    } catch (e) {
      await showError(e, { fields: fieldErrors, formFields: EVENT_FIELDS })
      return 0
    } finally {
      saving.value = false
    }
  }

  return {
    risk, events, eventTotal, eventOffset, loading, formOpen, saving, form, fieldErrors, canRecord, outdated,
    load, loadEvents, openForm, submit,
  }
}
