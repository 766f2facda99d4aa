/*
 * One patrol record (patrol:read, PAT-008): every item with its answer,
 * photos and the hazard it became (links to the hazards), both
 * signatures or the unit's refusal, the position, and the re-check view —
 * each item beside the unit's previous record's answer to it.  The record
 * names its unit by id only, so the unit's name comes from the registry.
 */
import { computed, ref, watch } from 'vue'
import { useRoute } from 'vue-router'
import { getPatrol } from '@/api/patrol'
import type { PatrolRecord } from '@/api/patrol'
import { getUnit } from '@/api/registry'
import { useUserStore } from '@/store/user'
import { showError } from '@/utils/feedback'
import { compareRows } from './patrol'

export function usePatrolDetail() {
  const route = useRoute()
  const user = useUserStore()
  const rec = ref<PatrolRecord | null>(null)
  const unitName = ref('')
  const loading = ref(false)
  const rows = computed(() => (rec.value ? compareRows(rec.value) : []))

  async function load(): Promise<void> {
    const id = String(route.params.id ?? '')
    if (!id)
      return
    loading.value = true
    try {
      rec.value = await getPatrol(id)
      if (user.can('registry:read'))
        unitName.value = (await getUnit(rec.value.unit_id).catch(() => null))?.data.name ?? ''
    } catch (e) {
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  watch(() => route.params.id, () => {
    if (route.name === 'PatrolDetail')
      void load()
  }, { immediate: true })

  return { rec, unitName, loading, rows, user, load }
}
