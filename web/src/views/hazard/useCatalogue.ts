/*
 * The hazard catalogue (HAZ-001: types with their legal basis, default
 * deadline, department and whether on-the-spot correction is allowed;
 * departments; clocks), loaded once and shared by the hazard pages, with
 * the names pages show for a type or a department.
 */
import { computed, ref } from 'vue'
import { getHazardCatalogue } from '@/api/hazard'
import type { HazardCatalogue, HazardType } from '@/api/hazard'
import { t } from '@/i18n'

const catalogue = ref<HazardCatalogue | null>(null)
let loading: Promise<HazardCatalogue> | null = null

export function loadCatalogue(): Promise<HazardCatalogue> {
  if (catalogue.value)
    return Promise.resolve(catalogue.value)
  loading ??= getHazardCatalogue().then((c) => {
    catalogue.value = c
    return c
  }).finally(() => { loading = null })
  return loading
}

export function useCatalogue() {
  const types = computed<HazardType[]>(() => catalogue.value?.types ?? [])
  /* Departments a hazard may be transferred to: all but the fire service (HAZ-013). */
  const transferDepts = computed(() => (catalogue.value?.departments ?? []).filter((d) => d.code !== 'fire'))

  function type(code: string | null | undefined): HazardType | null {
    return types.value.find((x) => x.code === code) ?? null
  }

  function typeName(code: string | null | undefined): string {
    return type(code)?.name ?? code ?? '—'
  }

  function deptName(code: string | null | undefined): string {
    if (!code)
      return '—'
    const k = `hazard.deptName.${code}`
    const s = t(k)
    if (s !== k)
      return s
    return catalogue.value?.departments.find((d) => d.code === code)?.name ?? code
  }

  /* A clock of the catalogue in days, or the fallback before it is loaded. */
  function clock(name: string, fallback: number): number {
    return catalogue.value?.clocks[name]?.value ?? fallback
  }

  return { catalogue, types, transferDepts, type, typeName, deptName, clock, load: loadCatalogue }
}
