/*
 * 物联网设备 (iot:read): the devices of one's jurisdiction, the query in
 * the URL (parseDeviceQuery), one watcher loading; registering opens the
 * device dialog (iot:write) and goes to the new device.
 */
import { reactive, ref, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { listIotDevice } from '@/api/iot'
import type { IotDevice } from '@/api/iot'
import { showError } from '@/utils/feedback'
import { deviceApiQuery, deviceQueryUrl, parseDeviceQuery } from './iot'
import type { DeviceQuery } from './iot'
import { useDeviceForm } from './useDeviceForm'

export function useDeviceList() {
  const route = useRoute()
  const router = useRouter()
  const query = reactive<DeviceQuery>(parseDeviceQuery(route.query))
  const rows = ref<IotDevice[]>([])
  const total = ref(0)
  const loading = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    try {
      const r = await listIotDevice(deviceApiQuery(query))
      rows.value = r.items
      total.value = r.page.total
    } catch (e) {
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  function toUrl(): void {
    void router.push({ query: deviceQueryUrl(query) })
  }

  function search(): void {
    query.offset = 0
    toUrl()
  }

  function reset(): void {
    Object.assign(query, parseDeviceQuery({}))
    toUrl()
  }

  function toPage(p: number): void {
    query.offset = (p - 1) * query.limit
    toUrl()
  }

  function setLimit(n: number): void {
    query.limit = n
    query.offset = 0
    toUrl()
  }

  const editor = useDeviceForm(async (d) => {
    if (d?.id)
      await router.push({ name: 'IotDevice', params: { id: d.id } })
  })

  watch(() => route.query, (q) => {
    if (route.name !== 'IotDevices')
      return
    Object.assign(query, parseDeviceQuery(q))
    void load()
  }, { immediate: true })

  return { query, rows, total, loading, load, search, reset, toPage, setLimit, editor }
}
