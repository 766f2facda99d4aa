/*
 * One device (iot:read): its record (with the ETag for edit and retire),
 * the components it reported, its events (paged, a time range, a kind),
 * its conditions (fault, power, low pressure, offline … with the hazard
 * they opened; the unit or an officer confirms a restored one), the
 * readings of the range as chart series, and its unit's statistics over
 * 30 and 90 days.
 */
import { computed, reactive, ref, watch } from 'vue'
import { useRoute } from 'vue-router'
import { ElMessageBox } from 'element-plus'
import {
  confirmIotCondition, getIotDevice, getIotStats, IOT_READINGS, listIotComponent, listIotCondition, listIotEvent,
  retireIotDevice,
} from '@/api/iot'
import type { IotComponent, IotCondition, IotDevice, IotEvent, IotStats } from '@/api/iot'
import { t } from '@/i18n'
import { useUserStore } from '@/store/user'
import { showError, success } from '@/utils/feedback'
import { rangeSeconds, readingSeries } from './iot'
import { useDeviceForm } from './useDeviceForm'

/* The chart's readings: at most this many per kind (the server's page maximum). */
export const READINGS_MAX = 200

export function useDeviceDetail() {
  const route = useRoute()
  const user = useUserStore()
  const id = computed(() => String(route.params.id ?? ''))
  const device = ref<IotDevice | null>(null)
  const etag = ref<string | number>(0)
  const loading = ref(false)
  const components = ref<IotComponent[]>([])
  const conditions = ref<IotCondition[]>([])
  const stats = ref<IotStats | null>(null)
  const events = ref<IotEvent[]>([])
  const evTotal = ref(0)
  const evExact = ref(true)
  const week = (): [Date, Date] => [new Date(Date.now() - 6 * 86400e3), new Date()]
  const ev = reactive({ range: week() as [Date, Date] | null, kind: '', offset: 0, limit: 20, loading: false })
  const readings = ref<Record<string, [number, number][]>>({})
  const canConfirm = computed(() => user.can('iot:confirm') || user.can('iot:write'))

  async function loadDevice(): Promise<void> {
    const r = await getIotDevice(id.value)
    device.value = r.data
    etag.value = r.etag ?? r.data.version
  }

  async function loadEvents(): Promise<void> {
    ev.loading = true
    try {
      const r = await listIotEvent(id.value, { ...rangeSeconds(ev.range), kind: ev.kind || undefined, offset: ev.offset, limit: ev.limit })
      events.value = r.items
      evTotal.value = r.page.total
      evExact.value = r.page.total_exact !== false
    } catch (e) {
      await showError(e)
    } finally {
      ev.loading = false
    }
  }

  async function loadReadings(): Promise<void> {
    const rs = rangeSeconds(ev.range)
    const all: IotEvent[] = []
    for (const kind of Object.keys(IOT_READINGS))
      all.push(...(await listIotEvent(id.value, { ...rs, kind, limit: READINGS_MAX })).items)
    readings.value = readingSeries(all)
  }

  async function loadConditions(unitId: string): Promise<void> {
    /* This device's conditions, open ones first (the server's order). */
    const r = await listIotCondition({ unit_id: unitId, device_id: id.value, limit: 200 })
    conditions.value = r.items
  }

  async function load(): Promise<void> {
    if (!id.value) return
    loading.value = true
    try {
      await loadDevice()
      const d = device.value!
      const [c] = await Promise.all([
        listIotComponent(id.value, 0, 200),
        loadConditions(d.unit_id),
        getIotStats(d.unit_id).then((s) => { stats.value = s }),
        loadEvents(),
        loadReadings(),
      ])
      components.value = c.items
    } catch (e) {
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  function applyRange(): void {
    ev.offset = 0
    void loadEvents()
    void loadReadings().catch((e) => showError(e))
  }

  function toPage(p: number): void {
    ev.offset = (p - 1) * ev.limit
    void loadEvents()
  }

  async function retire(): Promise<void> {
    if (!device.value) return
    try {
      await ElMessageBox.confirm(t('iot.detail.retireBody'), t('iot.detail.retire'), { type: 'warning' })
    } catch {
      return
    }
    try {
      const r = await retireIotDevice(device.value.id, etag.value)
      device.value = { ...device.value, ...r.data }
      etag.value = r.etag ?? r.data.version
      success(t('iot.detail.retired'))
    } catch (e) {
      await showError(e, { onReload: load })
    }
  }

  async function confirmRepair(c: IotCondition): Promise<void> {
    let note = ''
    try {
      const r = await ElMessageBox.prompt(t('iot.cond.confirmBody'), t('iot.cond.confirm'), {
        inputPattern: /^[\s\S]{0,2000}$/, inputErrorMessage: t('iot.cond.noteMax'),
      })
      note = r.value?.trim() ?? ''
    } catch {
      return
    }
    try {
      await confirmIotCondition(c.id, c.version, note || undefined)
      success(t('iot.cond.confirmed'))
      if (device.value) await loadConditions(device.value.unit_id)
    } catch (e) {
      await showError(e, { onReload: load })
    }
  }

  const editor = useDeviceForm(async () => { await loadDevice().catch((e) => showError(e)) })

  watch(id, () => { ev.offset = 0; void load() }, { immediate: true })

  return { id, device, loading, components, conditions, stats, events, evTotal, evExact, ev, readings, canConfirm,
    load, loadEvents, applyRange, toPage, retire, confirmRepair, editor }
}
