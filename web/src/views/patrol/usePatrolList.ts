/*
 * 巡查台账 (patrol:read, PAT-009): the records of one's jurisdiction,
 * newest first, filtered by unit, grid, town, kind, outcome and dates,
 * paged, the query in the URL; the same filters exported as CSV or Excel.
 * A grid worker sees their grid, a town its grids, a unit its own.
 */
import { computed, reactive, ref, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { ElMessage } from 'element-plus'
import { exportPatrol, listPatrol } from '@/api/patrol'
import type { ExportFormat, PatrolBrief } from '@/api/patrol'
import { listUnit } from '@/api/registry'
import type { Grid, UnitBrief } from '@/api/registry'
import { t } from '@/i18n'
import { useRegistryStore } from '@/store/registry'
import { useUserStore } from '@/store/user'
import { datedFilename, saveBlob } from '@/utils/download'
import { showError } from '@/utils/feedback'
import { scopeOf, showsTownFilter } from '@/views/hazard/hazard'
import { parsePatrolQuery, patrolApiQuery, patrolUrlQuery } from './patrol'

export function usePatrolList() {
  const route = useRoute()
  const router = useRouter()
  const user = useUserStore()
  const registry = useRegistryStore()

  const query = reactive(parsePatrolQuery({}))
  const rows = ref<PatrolBrief[]>([])
  const total = ref(0)
  const loading = ref(false)
  const exporting = ref<ExportFormat | null>(null)
  const scope = computed(() => scopeOf(user.me?.jurisdiction))
  const showTown = computed(() => showsTownFilter(scope.value))
  /* Grids to filter by: a town's own, or the chosen town's for the city. */
  const showGrid = computed(() => scope.value.kind === 'town' || scope.value.kind === 'city')
  const grids = ref<Grid[]>([])
  const units = ref<UnitBrief[]>([])
  const searching = ref(false)
  const range = computed<[string, string] | null>({
    get: (): [string, string] | null => (query.from && query.to ? [query.from, query.to] : null),
    set: (v: [string, string] | null) => { query.from = v?.[0] ?? ''; query.to = v?.[1] ?? '' },
  })

  async function loadGrids(): Promise<void> {
    const town = scope.value.kind === 'town' ? scope.value.town : query.town
    try {
      grids.value = town ? await registry.loadGrids(town) : []
    } catch {
      grids.value = []
    }
  }

  async function findUnits(q: string): Promise<void> {
    if (!q.trim())
      return
    searching.value = true
    try {
      units.value = (await listUnit({ q: q.trim().slice(0, 64), limit: 20 })).items
    } catch (e) {
      await showError(e)
    } finally {
      searching.value = false
    }
  }

  function toUrl(): void {
    void router.replace({ query: patrolUrlQuery(query) })
  }

  async function load(): Promise<void> {
    loading.value = true
    try {
      const r = await listPatrol(patrolApiQuery(query))
      rows.value = r.items
      total.value = r.page.total
    } catch (e) {
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  async function exportAs(format: ExportFormat): Promise<void> {
    exporting.value = format
    try {
      const blob = await exportPatrol(patrolApiQuery(query, false), format)
      const name = datedFilename(t('patrol.filename'), format, new Date())
      saveBlob(blob, name)
      ElMessage.success(t('hazard.exported', { name }))
    } catch (e) {
      await showError(e)
    } finally {
      exporting.value = null
    }
  }

  function search(): void {
    query.offset = 0
    toUrl()
  }

  function reset(): void {
    Object.assign(query, parsePatrolQuery({}))
    toUrl()
  }

  function onTown(): void {
    query.grid_id = ''
    void loadGrids()
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

  function gridName(id: string | null): string {
    if (!id)
      return '—'
    for (const list of Object.values(registry.grids))
      for (const g of list)
        if (g.id === id)
          return g.name
    return id
  }

  watch(() => route.query, () => {
    if (route.name !== 'PatrolList')
      return
    Object.assign(query, parsePatrolQuery(route.query))
    void load()
  }, { immediate: true })

  if (showTown.value || showGrid.value)
    void registry.loadTowns().catch(() => undefined)
  if (showGrid.value)
    void loadGrids()

  return {
    query, rows, total, loading, exporting, scope, showTown, showGrid, grids, units, searching, range, registry,
    load, exportAs, search, reset, onTown, findUnits, currentPage, onSize, gridName,
  }
}
