/*
 * The patrol checklists (PAT-001), loaded once and shared by the patrol
 * pages, with the name a page shows for a checklist code: the console's
 * text for the shipped templates, else the data file's own name (an
 * operator may add templates), else the code.
 */
import { ref } from 'vue'
import { getChecklists } from '@/api/patrol'
import type { Checklists } from '@/api/patrol'
import { t } from '@/i18n'

const checklists = ref<Checklists | null>(null)
let loading: Promise<Checklists> | null = null

export function loadChecklists(): Promise<Checklists> {
  if (checklists.value)
    return Promise.resolve(checklists.value)
  loading ??= getChecklists().then((c) => {
    checklists.value = c
    return c
  }).finally(() => { loading = null })
  return loading
}

export function templateName(code: string): string {
  const k = `patrol.template.${code}`
  const s = t(k)
  if (s !== k)
    return s
  return checklists.value?.templates.find((x) => x.code === code)?.name ?? code
}

export function useChecklists() {
  void loadChecklists().catch(() => undefined)
  return { checklists, templateName, load: loadChecklists }
}
