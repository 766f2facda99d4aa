/*
 * One unit (registry:read): its record with personal data masked, its
 * buildings, places and change history; edit (If-Match), mark closed,
 * archive (both with the version read, so a stale page gets a 412), and
 * for registry:unmask holders the personal data in clear with a reason
 * (recorded by the server, P-2).
 */
import { computed, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { ElMessageBox } from 'element-plus'
import {
  archiveBuilding, archivePlace, archiveUnit, closeUnit, getUnit, listUnitBuilding, listUnitHistory,
  listUnitPlace, unmaskUnit,
} from '@/api/registry'
import type { Building, Place, Unit } from '@/api/registry'
import type { AuditRow } from '@/api/audit'
import { useUserStore } from '@/store/user'
import { showError, success } from '@/utils/feedback'
import { codePoints } from '@/utils/validate'

export function useUnitDetail(id: () => string) {
  const { t } = useI18n()
  const user = useUserStore()
  const unit = ref<Unit | null>(null)
  const etag = ref<string | null>(null)
  const clear = ref<Unit | null>(null)
  const buildings = ref<Building[]>([])
  const places = ref<Place[]>([])
  const history = ref<AuditRow[]>([])
  const historyTotal = ref(0)
  const loading = ref(false)
  const notFound = ref(false)
  const canWrite = computed(() => user.can('registry:write') && unit.value?.status !== 'archived')
  const canUnmask = computed(() => user.can('registry:unmask'))
  /* What the people section shows: clear values after an unmask, else masked. */
  const people = computed(() => clear.value ?? unit.value)

  async function loadUnit(): Promise<void> {
    const r = await getUnit(id())
    unit.value = r.data
    etag.value = r.etag
    clear.value = null
  }

  async function loadParts(): Promise<void> {
    const [b, p] = await Promise.all([listUnitBuilding(id()), listUnitPlace(id())])
    buildings.value = b.items
    places.value = p.items
  }

  async function loadHistory(): Promise<void> {
    const h = await listUnitHistory(id(), 0, 100)
    history.value = h.items
    historyTotal.value = h.page.total
  }

  async function load(): Promise<void> {
    loading.value = true
    notFound.value = false
    try {
      await loadUnit()
      await Promise.all([loadParts(), loadHistory()])
    } catch (e) {
      if ((e as { status?: number }).status === 404)
        notFound.value = true
      else
        await showError(e)
    } finally {
      loading.value = false
    }
  }

  async function confirm(msg: string): Promise<boolean> {
    try {
      await ElMessageBox.confirm(msg, t('common.prompt'), {
        type: 'warning', confirmButtonText: t('common.confirm'), cancelButtonText: t('common.cancel'),
      })
      return true
    } catch {
      return false
    }
  }

  async function setStatus(to: 'closed' | 'archived'): Promise<void> {
    const u = unit.value
    if (!u || !(await confirm(t(to === 'closed' ? 'units.closeConfirm' : 'units.archiveConfirm', { name: u.name }))))
      return
    try {
      const r = await (to === 'closed' ? closeUnit : archiveUnit)(u.id, etag.value ?? u.version)
      unit.value = r.data
      etag.value = r.etag
      success(t(to === 'closed' ? 'units.closedOk' : 'units.archivedOk'))
      await loadHistory()
    } catch (e) {
      await showError(e, { onReload: load })
    }
  }

  async function archivePart(kind: 'building' | 'place', rec: Building | Place): Promise<void> {
    if (!(await confirm(t('units.archiveConfirm', { name: rec.name }))))
      return
    try {
      await (kind === 'building' ? archiveBuilding : archivePlace)(rec.id, rec.version)
      success(t('units.archivedOk'))
      await Promise.all([loadParts(), loadHistory()])
    } catch (e) {
      await showError(e, { onReload: loadParts })
    }
  }

  const unmask = ref({ open: false, reason: '', error: '', busy: false })

  async function submitUnmask(): Promise<void> {
    const n = codePoints(unmask.value.reason.trim())
    if (n < 4 || n > 200) {
      unmask.value.error = t('rules.reason')
      return
    }
    unmask.value.busy = true
    unmask.value.error = ''
    try {
      clear.value = await unmaskUnit(id(), unmask.value.reason.trim())
      unmask.value.open = false
      unmask.value.reason = ''
      await loadHistory()
    } catch (e) {
      const f = { reason: '' }
      await showError(e, { fields: f, formFields: ['reason'] })
      unmask.value.error = f.reason
    } finally {
      unmask.value.busy = false
    }
  }

  async function onSaved(u: Unit): Promise<void> {
    unit.value = u
    await load()
  }

  return {
    unit, etag, clear, people, buildings, places, history, historyTotal, loading, notFound, canWrite, canUnmask,
    load, loadParts, loadHistory, setStatus, archivePart, unmask, submitUnmask, onSaved,
  }
}
