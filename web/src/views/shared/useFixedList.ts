/*
 * A filtered list whose query lives in the URL, optionally fixed to a
 * preset (a queue: the cases in review, the permits to verify): the state
 * parsed from the route, paging, search and reset, reload when the route's
 * query changes, the town filter for a city-wide account.  The case and
 * permit lists are this with their own parse / URL / fetch functions.
 */
import { computed, reactive, ref, watch } from 'vue'
import type { UnwrapRef } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import type { ListResult } from '@/api/http'
import { useRegistryStore } from '@/store/registry'
import { useUserStore } from '@/store/user'
import { showError } from '@/utils/feedback'
import { scopeOf, showsTownFilter } from '@/views/hazard/hazard'

export interface PagedQuery { offset: number; limit: number }

export interface FixedListOptions<Q extends PagedQuery, R> {
  name: string                                    /* the route it follows */
  preset: Record<string, unknown> | null          /* fixed keys, or null */
  parse: (q: Record<string, unknown>) => Q        /* URL query → state */
  urlQuery: (q: Q) => Record<string, string>      /* state → URL query */
  fetch: (q: Q) => Promise<ListResult<R>>
}

export function useFixedList<Q extends PagedQuery, R>(o: FixedListOptions<Q, R>) {
  const route = useRoute()
  const router = useRouter()
  const user = useUserStore()
  const registry = useRegistryStore()
  const fixed = (q: Record<string, unknown>) => (o.preset ? { ...q, ...o.preset } : q)
  const query = reactive(o.parse(fixed({}))) as Q
  const rows = ref<R[]>([])
  const total = ref(0)
  const loading = ref(false)
  const scope = computed(() => scopeOf(user.me?.jurisdiction))
  const showTown = computed(() => showsTownFilter(scope.value))

  /* The preset's keys stay out of the URL: the route says them. */
  function toUrl(): void {
    const q = o.urlQuery(query)
    for (const k of Object.keys(o.preset ?? {})) delete q[k]
    void router.replace({ query: q })
  }

  async function load(): Promise<void> {
    loading.value = true
    try {
      const r = await o.fetch(query)
      rows.value = r.items as UnwrapRef<R[]>
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
    Object.assign(query, o.parse(fixed({})))
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
    if (route.name !== o.name)
      return
    Object.assign(query, o.parse(fixed(route.query)))
    void load()
  }, { immediate: true })

  if (showTown.value)
    void registry.loadTowns().catch(() => undefined)

  return { query, rows, total, loading, scope, showTown, registry, load, search, reset, currentPage, onSize }
}
