/*
 * One hazard (HAZ-006): the record with its version, the timeline of its
 * steps with their photos, the re-check view (the finding's photos beside
 * the latest report's), its transfers, judgements, listings and seals,
 * and the steps a person may take now — each sent with If-Match = the
 * version read, through the one step dialog; the judgement has its own
 * wizard.  Every answer reloads the hazard.
 */
import { computed, ref, watch } from 'vue'
import { useRoute } from 'vue-router'
import { getHazard, listSeal } from '@/api/hazard'
import type { Hazard, HazardTransfer, Listing, Seal } from '@/api/hazard'
import { useUserStore } from '@/store/user'
import { showError } from '@/utils/feedback'
import type { ActionKind } from './actions'
import { fixSeals, hazardActions, listingActions, recheckView, sealActions, sealsNeedFix, timeline, transferActions } from './hazard'
import type { HazardAction } from './hazard'
import { actionContext, useActionDialog } from './useActionDialog'
import { useCatalogue } from './useCatalogue'
import { todayCN } from '@/utils/format'

export function useHazardDetail() {
  const route = useRoute()
  const user = useUserStore()
  const cat = useCatalogue()
  const hazard = ref<Hazard | null>(null)
  const loading = ref(false)
  const today = todayCN()
  const can = (p: string): boolean => user.can(p)

  const actions = computed<HazardAction[]>(() => (hazard.value ? hazardActions(hazard.value, can) : []))
  const steps = computed(() => timeline(hazard.value?.steps))
  const recheck = computed(() => (hazard.value ? recheckView(hazard.value) : null))
  /* The re-check view matters once a report exists or one is awaited. */
  const showRecheck = computed(() => !!hazard.value && (hazard.value.status === 'reported' ||
    (hazard.value.steps ?? []).some((s) => s.action === 'report')))

  /* The open seals of one's jurisdiction by id (see fixSeals): few, as seals are exceptional. */
  async function openSeals(): Promise<Record<string, Seal['status']>> {
    const out: Record<string, Seal['status']> = {}
    for (const status of ['active', 'lift_applied'] as const)
      for (const x of (await listSeal({ status, limit: 200 })).items)
        out[x.id] = x.status
    return out
  }

  async function load(): Promise<void> {
    const id = String(route.params.id ?? '')
    if (!id)
      return
    loading.value = true
    try {
      const h = (await getHazard(id)).data
      if (sealsNeedFix(h.seals))
        h.seals = fixSeals(h.seals ?? [], await openSeals())
      hazard.value = h
    } catch (e) {
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  const dialog = useActionDialog(() => actionContext(cat, user.me?.jurisdiction,
    cat.type(hazard.value?.type_code)?.deadline_days ?? 10), load, (c) => cat.deptName(c))

  function subtitle(): string {
    const h = hazard.value
    return h ? `${h.no} · ${h.unit_name ?? ''}` : ''
  }

  /* A step on the hazard itself (the judgement opens its wizard instead). */
  function act(k: Exclude<HazardAction, 'judge'>): void {
    const h = hazard.value!
    dialog.show(k as ActionKind, { id: h.id, version: h.version, subtitle: subtitle() })
  }

  function actTransfer(k: ActionKind, x: HazardTransfer): void {
    dialog.show(k, { id: x.id, version: x.version, subtitle: `${subtitle()} · ${cat.deptName(x.dept)}` })
  }

  function actSeal(k: ActionKind, s: Seal): void {
    dialog.show(k, { id: s.id, version: s.version, subtitle: `${s.no} · ${s.scope}` })
  }

  function actListing(k: ActionKind, l: Listing): void {
    dialog.show(k, { id: l.id, version: l.version, subtitle: l.no })
  }

  const transferActs = (x: HazardTransfer) => transferActions(x, can)
  const sealActs = (s: Seal) => sealActions(s, can)
  const listingActs = (l: Listing) => listingActions(l, hazard.value?.status, can)

  watch(() => route.params.id, () => {
    if (route.name === 'HazardDetail')
      void load()
  }, { immediate: true })
  void cat.load().catch(() => undefined)

  return {
    hazard, loading, today, actions, steps, recheck, showRecheck, cat, dialog, user,
    load, act, actTransfer, actSeal, actListing, transferActs, sealActs, listingActs,
  }
}
