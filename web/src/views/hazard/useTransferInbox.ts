/*
 * 移送协办 (hazard:read): a department's inbox — the hazards transferred to
 * it, accepted or returned with a reason, then completed (HAZ-014..016);
 * the town safety office's disputes to decide (HAZ-017); an officer's view
 * of the transfers of their area.  Each step carries the transfer's
 * version as If-Match; the list reloads after it.
 */
import { computed, ref, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { listHazardTransfer, TRANSFER_STATUSES } from '@/api/hazard'
import type { TransferBrief } from '@/api/hazard'
import { useUserStore } from '@/store/user'
import { showError } from '@/utils/feedback'
import type { ActionKind } from './actions'
import { transferActions } from './hazard'
import { actionContext, useActionDialog } from './useActionDialog'
import { useCatalogue } from './useCatalogue'
import { todayCN } from '@/utils/format'

/* Whose inbox this is: a department's, the town office's disputes, or a look at one's area. */
export function inboxRole(can: (p: string) => boolean): 'dept' | 'town' | 'fire' {
  if (can('hazard:dept'))
    return 'dept'
  if (can('hazard:decide'))
    return 'town'
  return 'fire'
}

export function useTransferInbox() {
  const route = useRoute()
  const router = useRouter()
  const user = useUserStore()
  const cat = useCatalogue()
  const can = (p: string): boolean => user.can(p)
  const role = computed(() => inboxRole(can))
  const defaultStatus = computed(() => (role.value === 'dept' ? 'pending' : role.value === 'town' ? 'disputed' : ''))
  const status = ref('')
  const offset = ref(0)
  const limit = 20
  const rows = ref<TransferBrief[]>([])
  const total = ref(0)
  const loading = ref(false)
  const today = todayCN()

  async function load(): Promise<void> {
    loading.value = true
    try {
      const r = await listHazardTransfer({ status: status.value || undefined, offset: offset.value, limit })
      rows.value = r.items
      total.value = r.page.total
    } catch (e) {
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  function setStatus(s: string): void {
    void router.replace({ query: { ...(s !== defaultStatus.value ? { status: s || 'all' } : {}) } })
  }

  function toPage(p: number): void {
    offset.value = (p - 1) * limit
    void load()
  }

  const dialog = useActionDialog(() => actionContext(cat, user.me?.jurisdiction), load, (c) => cat.deptName(c))

  function act(k: ActionKind, x: TransferBrief): void {
    dialog.show(k, { id: x.id, version: x.version, subtitle: `${x.hazard_no} · ${x.unit_name}` })
  }

  const actions = (x: TransferBrief) => transferActions(x, can)

  watch(() => route.query.status, (q) => {
    if (route.name !== 'HazardTransfers')
      return
    const s = typeof q === 'string' ? q : ''
    status.value = s === 'all' ? '' : (TRANSFER_STATUSES as readonly string[]).includes(s) ? s : defaultStatus.value
    offset.value = 0
    void load()
  }, { immediate: true })
  void cat.load().catch(() => undefined)

  return { role, status, offset, limit, rows, total, loading, today, cat, dialog, load, setStatus, toPage, act, actions }
}
