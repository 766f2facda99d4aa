/*
 * 临时查封 (hazard:read): the seals of one's jurisdiction by status, with
 * the steps the contract allows (HAZ-030..034): the officer extends,
 * lifts, or refuses to lift after an application; the unit applies to
 * lift.  Each with the seal's version as If-Match.
 */
import { ref, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { listSeal, SEAL_STATUSES } from '@/api/hazard'
import type { Seal } from '@/api/hazard'
import { useUserStore } from '@/store/user'
import { showError } from '@/utils/feedback'
import type { ActionKind } from './actions'
import { sealActions } from './hazard'
import { actionContext, useActionDialog } from './useActionDialog'
import { useCatalogue } from './useCatalogue'
import { todayCN } from '@/utils/format'

export function useSealList() {
  const route = useRoute()
  const router = useRouter()
  const user = useUserStore()
  const cat = useCatalogue()
  const can = (p: string): boolean => user.can(p)
  const status = ref('')
  const offset = ref(0)
  const limit = 20
  const rows = ref<Seal[]>([])
  const total = ref(0)
  const loading = ref(false)
  const today = todayCN()

  async function load(): Promise<void> {
    loading.value = true
    try {
      const r = await listSeal({ status: status.value || undefined, offset: offset.value, limit })
      rows.value = r.items
      total.value = r.page.total
    } catch (e) {
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  function setStatus(s: string): void {
    void router.replace({ query: s ? { status: s } : {} })
  }

  function toPage(p: number): void {
    offset.value = (p - 1) * limit
    void load()
  }

  const dialog = useActionDialog(() => actionContext(cat, user.me?.jurisdiction), load, (c) => cat.deptName(c))

  function act(k: ActionKind, s: Seal): void {
    dialog.show(k, { id: s.id, version: s.version, subtitle: `${s.no} · ${s.unit_name ?? s.scope}` })
  }

  const actions = (s: Seal) => sealActions(s, can)

  watch(() => route.query.status, (q) => {
    if (route.name !== 'HazardSeals')
      return
    status.value = typeof q === 'string' && (SEAL_STATUSES as readonly string[]).includes(q) ? q : ''
    offset.value = 0
    void load()
  }, { immediate: true })
  void cat.load().catch(() => undefined)

  return { status, offset, limit, rows, total, loading, today, dialog, load, setStatus, toPage, act, actions }
}
