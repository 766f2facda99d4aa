/*
 * 巡查覆盖率 (patrol:read): the share of active units visited by a patrol
 * in a month, per grid (a grid worker's own, a town's grids, one town's
 * grids for the city) or per town for the city (PAT-010); the police
 * stations' yearly coverage of special-industry places per town (PAT-011)
 * and the places still due a police check this year (PAT-012), for the
 * city and towns.
 */
import { computed, ref, watch } from 'vue'
import { getCoverage, getPoliceCoverage, listPoliceDue } from '@/api/patrol'
import type { CoverageRow, DueUnit, PoliceCoverageRow } from '@/api/patrol'
import { useRegistryStore } from '@/store/registry'
import { useUserStore } from '@/store/user'
import { showError } from '@/utils/feedback'
import { scopeOf } from '@/views/hazard/hazard'
import { monthOf } from './patrol'

export const DUE_PAGE = 20

export function usePatrolCoverage() {
  const user = useUserStore()
  const registry = useRegistryStore()
  const scope = computed(() => scopeOf(user.me?.jurisdiction))
  const city = computed(() => scope.value.kind === 'city')
  const police = computed(() => scope.value.kind === 'city' || scope.value.kind === 'town')

  const month = ref(monthOf(new Date()))
  /* The city may look at one town's grids. */
  const town = ref('')
  const rows = ref<CoverageRow[]>([])
  const loading = ref(false)
  const byTown = computed(() => city.value && !town.value)

  const year = ref(String(new Date().getFullYear()))
  const policeRows = ref<PoliceCoverageRow[]>([])
  const policeLoading = ref(false)
  const dueTown = ref('')
  const due = ref<DueUnit[]>([])
  const dueTotal = ref(0)
  const dueOffset = ref(0)
  const dueLoading = ref(false)

  const totals = computed(() => {
    const units = rows.value.reduce((s, r) => s + r.units, 0)
    const visited = rows.value.reduce((s, r) => s + r.visited, 0)
    return { units, visited, pct: units ? Math.round(visited * 1000 / units) / 10 : 0 }
  })

  async function loadCoverage(): Promise<void> {
    loading.value = true
    try {
      rows.value = await getCoverage({ month: month.value || undefined, town: city.value && town.value ? town.value : undefined })
    } catch (e) {
      rows.value = []
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  async function loadPolice(): Promise<void> {
    if (!police.value)
      return
    policeLoading.value = true
    try {
      policeRows.value = await getPoliceCoverage(year.value || undefined)
    } catch (e) {
      policeRows.value = []
      await showError(e)
    } finally {
      policeLoading.value = false
    }
  }

  async function loadDue(): Promise<void> {
    if (!police.value)
      return
    dueLoading.value = true
    try {
      const r = await listPoliceDue({ year: year.value || undefined, town: city.value && dueTown.value ? dueTown.value : undefined,
        offset: dueOffset.value, limit: DUE_PAGE })
      due.value = r.items
      dueTotal.value = r.page.total
    } catch (e) {
      due.value = []
      await showError(e)
    } finally {
      dueLoading.value = false
    }
  }

  function duePage(p: number): void {
    dueOffset.value = (p - 1) * DUE_PAGE
    void loadDue()
  }

  /* From the police chart: that town's due list. */
  function showDue(code: string): void {
    dueTown.value = code
    dueOffset.value = 0
    void loadDue()
  }

  watch([month, town], () => void loadCoverage())
  watch(year, () => { dueOffset.value = 0; void loadPolice(); void loadDue() })
  watch(dueTown, () => { dueOffset.value = 0; void loadDue() })

  void loadCoverage()
  void loadPolice()
  void loadDue()
  void registry.loadTowns().catch(() => undefined)

  return {
    scope, city, police, month, town, rows, loading, byTown, totals, year, policeRows, policeLoading, dueTown, due, dueTotal,
    dueOffset, dueLoading, registry, loadCoverage, loadPolice, loadDue, duePage, showDue,
  }
}
