/*
 * Registry reference data shared by pages: the towns (loaded once per
 * session) and the grids of each town (loaded when first needed).
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { listGrid, listTown } from '@/api/registry'
import type { Grid, Town } from '@/api/registry'

export const useRegistryStore = defineStore('registry', () => {
  const towns = ref<Town[]>([])
  const grids = ref<Record<string, Grid[]>>({})
  let townsLoading: Promise<void> | null = null

  /* "town:441900003" -> "东城街道", for formatJurisdiction(). */
  const jurisdictionNames = computed<Record<string, string>>(() =>
    Object.fromEntries(towns.value.map((t) => [`town:${t.code}`, t.name])))

  function townName(code: string | null | undefined): string {
    if (!code)
      return '—'
    return towns.value.find((t) => t.code === code)?.name ?? code
  }

  async function loadTowns(): Promise<void> {
    if (towns.value.length)
      return
    townsLoading ??= listTown().then((t) => { towns.value = t }).finally(() => { townsLoading = null })
    await townsLoading
  }

  async function loadGrids(town: string): Promise<Grid[]> {
    if (!town)
      return []
    if (!grids.value[town]) {
      const r = await listGrid({ town, status: 'active', limit: 200 })
      grids.value = { ...grids.value, [town]: r.items }
    }
    return grids.value[town] ?? []
  }

  function reset(): void {
    towns.value = []
    grids.value = {}
  }

  return { towns, grids, jurisdictionNames, townName, loadTowns, loadGrids, reset }
})
