/*
 * 风险模型 (registry:read): the loaded model — every factor with its rule
 * and source, the grade cut-offs, the window — said plainly to be an
 * operator-editable template, and the units per grade within the user's
 * jurisdiction.
 */
import { computed, ref } from 'vue'
import { getRiskModel, getRiskSummary, RISK_GRADES } from '@/api/risk'
import type { RiskModel, RiskSummary } from '@/api/risk'
import { currentLang, t } from '@/i18n'
import { showError } from '@/utils/feedback'
import { modelRows } from './risk'

export function useRiskModel() {
  const model = ref<RiskModel | null>(null)
  const summary = ref<RiskSummary | null>(null)
  const loading = ref(false)
  const rows = computed(() => (model.value ? modelRows(model.value, currentLang(), t) : []))
  /* One bar per grade plus the units not graded yet. */
  const summaryRows = computed(() => {
    const s = summary.value
    if (!s)
      return []
    return [...RISK_GRADES, 'none' as const].map((g) => ({ grade: g, count: s.grades[g] ?? 0 }))
  })

  async function load(): Promise<void> {
    loading.value = true
    try {
      const [m, s] = await Promise.all([getRiskModel(), getRiskSummary()])
      model.value = m
      summary.value = s
    } catch (e) {
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  return { model, summary, loading, rows, summaryRows, load }
}
