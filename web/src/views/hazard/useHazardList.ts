/*
 * 隐患列表 (hazard:read): filters (status, town for a city-wide view,
 * source, level, overdue, escalated, the found-on range, a number or
 * words of the description), sort, paging and the CSV / Excel export
 * with the same filters (HAZ-007); the town heat table for those who
 * look at a town or the city (HAZ-018).  The query lives in the URL.
 */
import { computed, reactive, ref, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { ElMessage } from 'element-plus'
import { exportHazard, getHazardSummary, listHazard } from '@/api/hazard'
import type { ExportFormat, HazardBrief, HazardSummaryRow } from '@/api/hazard'
import { t } from '@/i18n'
import { useRegistryStore } from '@/store/registry'
import { useUserStore } from '@/store/user'
import { showError } from '@/utils/feedback'
import {
  DEFAULT_SORT, hazardApiQuery, hazardExportFilename, hazardUrlQuery, parseHazardQuery, scopeOf, showsHeat,
  showsTownFilter,
} from './hazard'
import { loadCatalogue } from './useCatalogue'

/* Save a blob under a name through an object URL. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60000)
}

export function useHazardList() {
  const route = useRoute()
  const router = useRouter()
  const user = useUserStore()
  const registry = useRegistryStore()

  const query = reactive(parseHazardQuery({}))
  const rows = ref<HazardBrief[]>([])
  const total = ref(0)
  const loading = ref(false)
  const summary = ref<HazardSummaryRow[]>([])
  const summaryLoading = ref(false)
  const scope = computed(() => scopeOf(user.me?.jurisdiction))
  const showTown = computed(() => showsTownFilter(scope.value))
  const showHeat = computed(() => showsHeat(scope.value))
  /* The found-on range as the date picker holds it. */
  const range = computed<[string, string] | null>({
    get: (): [string, string] | null => (query.from && query.to ? [query.from, query.to] : null),
    set: (v: [string, string] | null) => { query.from = v?.[0] ?? ''; query.to = v?.[1] ?? '' },
  })

  function toUrl(): void {
    void router.replace({ query: hazardUrlQuery(query) })
  }

  async function load(): Promise<void> {
    loading.value = true
    try {
      const r = await listHazard(hazardApiQuery(query))
      rows.value = r.items
      total.value = r.page.total
    } catch (e) {
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  async function loadSummary(): Promise<void> {
    if (!showHeat.value)
      return
    summaryLoading.value = true
    try {
      summary.value = await getHazardSummary()
    } catch (e) {
      await showError(e)
    } finally {
      summaryLoading.value = false
    }
  }

  const exporting = ref<ExportFormat | null>(null)
  async function exportAs(format: ExportFormat): Promise<void> {
    exporting.value = format
    try {
      const blob = await exportHazard(hazardApiQuery(query, false), format)
      const name = hazardExportFilename(format, new Date(), t('hazard.filename'))
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
    Object.assign(query, parseHazardQuery({}))
    toUrl()
  }

  /* From the heat table: this town's open hazards. */
  function showTownRows(town: string): void {
    Object.assign(query, parseHazardQuery({}), { town: showTown.value ? town : '' })
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

  function onSort(s: { prop: string | null; order: 'ascending' | 'descending' | null }): void {
    query.sort = !s.prop || !s.order ? DEFAULT_SORT : (s.order === 'descending' ? '-' : '') + s.prop
    search()
  }

  const defaultSort = computed(() => ({
    prop: query.sort.replace(/^-/, ''),
    order: (query.sort.startsWith('-') ? 'descending' : 'ascending') as 'ascending' | 'descending',
  }))

  watch(() => route.query, () => {
    if (route.name !== 'HazardList')
      return
    Object.assign(query, parseHazardQuery(route.query))
    void load()
  }, { immediate: true })

  void loadSummary()
  void loadCatalogue().catch(() => undefined)
  if (showTown.value || showHeat.value)
    void registry.loadTowns().catch(() => undefined)

  return {
    query, rows, total, loading, summary, summaryLoading, scope, showTown, showHeat, range, registry, exporting,
    load, loadSummary, exportAs, search, reset, showTownRows, currentPage, onSize, onSort, defaultSort,
  }
}
