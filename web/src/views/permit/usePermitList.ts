/*
 * 营业前检查 list (permit:read): filters (status, route, verification
 * status, overdue, town for a city-wide view, a number or the place's
 * name), sort and paging, the query in the URL; the verification tasks
 * (PRM-009) are the same list fixed to verify_status=pending sorted by
 * verify_due, soonest and riskiest first.  A unit sees its own only.
 */
import { computed, reactive, ref, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { listPermit } from '@/api/permit'
import type { PermitBrief } from '@/api/permit'
import { useRegistryStore } from '@/store/registry'
import { useUserStore } from '@/store/user'
import { showError } from '@/utils/feedback'
import { scopeOf, showsTownFilter } from '@/views/hazard/hazard'
import { TASKS_QUERY, parsePermitQuery, permitApiQuery, permitUrlQuery } from './permit'

export function usePermitList(tasks: boolean) {
  const route = useRoute()
  const router = useRouter()
  const user = useUserStore()
  const registry = useRegistryStore()
  const name = tasks ? 'PermitTasks' : 'PermitList'

  const fixed = (q: Record<string, unknown>) => (tasks ? { ...q, ...TASKS_QUERY } : q)
  const query = reactive(parsePermitQuery(fixed({})))
  const rows = ref<PermitBrief[]>([])
  const total = ref(0)
  const loading = ref(false)
  const scope = computed(() => scopeOf(user.me?.jurisdiction))
  const showTown = computed(() => showsTownFilter(scope.value))

  function toUrl(): void {
    const q = permitUrlQuery(query)
    if (tasks) {
      delete q.verify_status
      delete q.sort
    }
    void router.replace({ query: q })
  }

  async function load(): Promise<void> {
    loading.value = true
    try {
      const r = await listPermit(permitApiQuery(query))
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
    Object.assign(query, parsePermitQuery(fixed({})))
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
    Object.assign(query, parsePermitQuery(fixed(route.query)))
    void load()
  }, { immediate: true })

  if (showTown.value)
    void registry.loadTowns().catch(() => undefined)

  return { query, rows, total, loading, scope, showTown, registry, load, search, reset, currentPage, onSize }
}
