/*
 * 执法办案 list (case:read): filters (status, procedure, source, town for
 * a city-wide view, overdue, a number or the party's name), sort and
 * paging in the URL, the CSV / Excel export of the same filters; the
 * review queue (/cases/review) is the same list fixed to status=review.
 * A unit sees its own cases only (the server cuts the list).
 */
import { computed, reactive, ref, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { caseExportUrl, listCase } from '@/api/enforce'
import type { CaseBrief } from '@/api/enforce'
import { useRegistryStore } from '@/store/registry'
import { useUserStore } from '@/store/user'
import { showError } from '@/utils/feedback'
import { scopeOf, showsTownFilter } from '@/views/hazard/hazard'
import { REVIEW_QUERY, caseApiQuery, caseUrlQuery, parseCaseQuery } from './enforce'

export function useCaseList(review: boolean) {
  const route = useRoute()
  const router = useRouter()
  const user = useUserStore()
  const registry = useRegistryStore()
  const name = review ? 'CaseReview' : 'CaseList'

  const fixed = (q: Record<string, unknown>) => (review ? { ...q, ...REVIEW_QUERY } : q)
  const query = reactive(parseCaseQuery(fixed({})))
  const rows = ref<CaseBrief[]>([])
  const total = ref(0)
  const loading = ref(false)
  const scope = computed(() => scopeOf(user.me?.jurisdiction))
  const showTown = computed(() => showsTownFilter(scope.value))
  const exportCsv = computed(() => caseExportUrl(caseApiQuery(query), 'csv'))
  const exportXlsx = computed(() => caseExportUrl(caseApiQuery(query), 'xlsx'))

  function toUrl(): void {
    const q = caseUrlQuery(query)
    if (review) {
      delete q.status
      delete q.sort
    }
    void router.replace({ query: q })
  }

  async function load(): Promise<void> {
    loading.value = true
    try {
      const r = await listCase(caseApiQuery(query))
      rows.value = r.items
      total.value = r.page.total
    } catch (e) {
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  function search(): void {
    query.offset = 0
    toUrl()
  }

  function reset(): void {
    Object.assign(query, parseCaseQuery(fixed({})))
    toUrl()
  }

  const currentPage = computed({
    get: () => Math.floor(query.offset / query.limit) + 1,
    set: (p: number) => { query.offset = (p - 1) * query.limit; toUrl() },
  })

  function onSize(n: number): void {
    query.limit = n
    query.offset = 0
    toUrl()
  }

  watch(() => route.query, () => {
    if (route.name !== name)
      return
    Object.assign(query, parseCaseQuery(fixed(route.query)))
    void load()
  }, { immediate: true })

  if (showTown.value)
    void registry.loadTowns().catch(() => undefined)

  return { query, rows, total, loading, scope, showTown, registry, exportCsv, exportXlsx, load, search, reset, currentPage, onSize }
}
