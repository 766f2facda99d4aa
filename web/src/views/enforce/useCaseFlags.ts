/*
 * The supervisors' flags (case:supervise, ENF-060..069): decisions
 * outside the engine's suggested range and, per item and tier, decisions
 * far from the distribution of similar ones (outliers), each with its
 * case and officer.  GET /cases/flags?kind=out_of_range|outlier.
 */
import { ref, watch } from 'vue'
import { listCaseFlag } from '@/api/enforce'
import type { Flag, FlagKind } from '@/api/enforce'
import { showError } from '@/utils/feedback'

export function useCaseFlags() {
  const kind = ref<FlagKind>('out_of_range')
  const rows = ref<Flag[]>([])
  const total = ref(0)
  const offset = ref(0)
  const limit = ref(20)
  const loading = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    try {
      const r = await listCaseFlag(kind.value, { offset: offset.value, limit: limit.value })
      rows.value = r.items
      total.value = r.page.total
    } catch (e) {
      rows.value = []
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  function toPage(p: number): void {
    offset.value = (p - 1) * limit.value
    void load()
  }

  watch(kind, () => { offset.value = 0; void load() }, { immediate: true })

  return { kind, rows, total, offset, limit, loading, load, toPage }
}
