/*
 * 单位档案 (registry:read): search by name, address or credit code; filter
 * by town, grid, category, status and industry; sort; page.  The query
 * lives in the URL so a reload, the back button or a shared link shows
 * the same list.  The server answers within the user's jurisdiction only.
 */
import { computed, reactive, ref, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { exportUnit, listUnit, UNIT_CATEGORIES, UNIT_SORTS, UNIT_STATUSES } from '@/api/registry'
import type { ExportFormat, Grid, UnitBrief, UnitQuery } from '@/api/registry'
import { t } from '@/i18n'
import { ElMessage } from 'element-plus'
import { exportFilename, exportQuery } from './unitIo'
import { useUserStore } from '@/store/user'
import { useRegistryStore } from '@/store/registry'
import { showError } from '@/utils/feedback'

export const PAGE_SIZES = [10, 20, 50, 100]
const FILTERS = ['q', 'town', 'grid', 'category', 'status', 'industry'] as const
type Filter = typeof FILTERS[number]

/* Route query -> list query, dropping anything the server would refuse (REG-021). */
export function parseUnitQuery(q: Record<string, unknown>): Required<Pick<UnitQuery, Filter | 'sort' | 'offset' | 'limit'>> {
  const str = (k: string): string => (typeof q[k] === 'string' ? (q[k] as string) : '')
  const sort = str('sort') || 'name'
  const limit = Number(q.limit)
  const offset = Number(q.offset)
  return {
    q: str('q').slice(0, 64),
    town: /^\d{9}$/.test(str('town')) ? str('town') : '',
    grid: /^[1-9]\d{0,18}$/.test(str('grid')) ? str('grid') : '',
    category: (UNIT_CATEGORIES as readonly string[]).includes(str('category')) ? str('category') : '',
    status: (UNIT_STATUSES as readonly string[]).includes(str('status')) ? str('status') : '',
    industry: str('industry').slice(0, 64),
    sort: (UNIT_SORTS as readonly string[]).includes(sort.replace(/^-/, '')) ? sort : 'name',
    limit: PAGE_SIZES.includes(limit) ? limit : 20,
    offset: Number.isInteger(offset) && offset >= 0 ? offset : 0,
  }
}

export function useUnitList() {
  const route = useRoute()
  const router = useRouter()
  const user = useUserStore()
  const registry = useRegistryStore()

  const query = reactive(parseUnitQuery({}))
  const total = ref(0)
  const totalExact = ref(true)
  const rows = ref<UnitBrief[]>([])
  const loading = ref(false)
  const grids = ref<Grid[]>([])
  const canWrite = computed(() => user.can('registry:write'))
  /* A town-level user has one town: no town filter to offer. */
  const fixedTown = computed(() => {
    const m = /^town:(\d{9})$/.exec(user.me?.jurisdiction ?? '')
    return m ? m[1]! : ''
  })
  const showTownFilter = computed(() => user.me?.jurisdiction === 'city')

  function toUrl(): void {
    const q: Record<string, string> = {}
    for (const k of FILTERS)
      if (query[k]) q[k] = String(query[k])
    if (query.sort !== 'name') q.sort = query.sort
    if (query.offset) q.offset = String(query.offset)
    if (query.limit !== 20) q.limit = String(query.limit)
    void router.replace({ query: q })
  }

  async function load(): Promise<void> {
    loading.value = true
    try {
      const r = await listUnit({ ...query, q: query.q.trim(), industry: query.industry.trim() })
      rows.value = r.items
      total.value = r.page.total
      totalExact.value = r.page.total_exact !== false
    } catch (e) {
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  /* The filtered list as a file (REG-029), named by the console. */
  const exporting = ref<ExportFormat | null>(null)
  async function exportAs(format: ExportFormat): Promise<void> {
    exporting.value = format
    try {
      const blob = await exportUnit(exportQuery(query), format)
      const name = exportFilename(format, new Date(), t('units.io.filename'))
      const url = URL.createObjectURL(blob)
      const a = document.createElement('a')
      a.href = url
      a.download = name
      document.body.appendChild(a)
      a.click()
      a.remove()
      setTimeout(() => URL.revokeObjectURL(url), 60000)
      ElMessage.success(t('units.io.exported', { name }))
    } catch (e) {
      await showError(e)
    } finally {
      exporting.value = null
    }
  }

  async function loadGrids(): Promise<void> {
    const town = query.town || fixedTown.value
    try {
      grids.value = town ? await registry.loadGrids(town) : []
    } catch (e) {
      grids.value = []
      await showError(e)
    }
  }

  function search(): void {
    query.offset = 0
    toUrl()
  }

  function reset(): void {
    Object.assign(query, parseUnitQuery({}))
    toUrl()
  }

  function onTown(): void {
    query.grid = ''
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

  function onSort(s: { prop: string | null; order: 'ascending' | 'descending' | null }): void {
    const prop = s.prop === 'town_name' ? 'town' : s.prop
    query.sort = !prop || !s.order ? 'name' : (s.order === 'descending' ? '-' : '') + prop
    search()
  }

  const defaultSort = computed(() => {
    const p = query.sort.replace(/^-/, '')
    return { prop: p === 'town' ? 'town_name' : p, order: (query.sort.startsWith('-') ? 'descending' : 'ascending') as 'ascending' | 'descending' }
  })

  watch(() => route.query, () => {
    if (route.name !== 'UnitList')
      return
    Object.assign(query, parseUnitQuery(route.query))
    void load()
  }, { immediate: true })

  void registry.loadTowns().catch(() => undefined)
  void loadGrids()

  return {
    query, total, totalExact, rows, loading, grids, canWrite, fixedTown, showTownFilter, registry,
    load, search, reset, exportAs, exporting, onTown, currentPage, onSize, onSort, defaultSort,
  }
}
