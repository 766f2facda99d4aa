/*
 * Register a device (iot:write) or edit one: unit, protocol with its
 * source address (GB/T 26875.3: 12 hex digits; MQTT: the device id),
 * kind, name.  Create is idempotent (one key until it succeeds); edit
 * re-reads the device and sends only what changed with If-Match.
 */
import { reactive, ref } from 'vue'
import { IdempotencyKeeper } from '@/api/http'
import { addIotDevice, getIotDevice, updateIotDevice } from '@/api/iot'
import type { IotDevice, IotDeviceInput } from '@/api/iot'
import { listUnit } from '@/api/registry'
import type { UnitBrief } from '@/api/registry'
import { t } from '@/i18n'
import { clearFields, showError, success } from '@/utils/feedback'
import { normSource, sourceProblem } from './iot'

export const DEVICE_FORM_FIELDS = ['unit_id', 'protocol', 'source', 'kind', 'name'] as const

export function useDeviceForm(onSaved: (d: IotDevice) => void | Promise<void>) {
  const open = ref(false)
  const saving = ref(false)
  const searching = ref(false)
  const editing = ref<IotDevice | null>(null)
  let etag: string | number = 0
  const units = ref<UnitBrief[]>([])
  const form = reactive({ unit_id: '', protocol: 'gb26875', source: '', kind: 'uitd', name: '' })
  const fieldErrors = reactive<Record<string, string>>({})
  const keeper = new IdempotencyKeeper()

  function openCreate(): void {
    editing.value = null
    Object.assign(form, { unit_id: '', protocol: 'gb26875', source: '', kind: 'uitd', name: '' })
    clearFields(fieldErrors)
    keeper.reset()
    open.value = true
  }

  async function openEdit(id: string): Promise<void> {
    clearFields(fieldErrors)
    try {
      const r = await getIotDevice(id)
      editing.value = r.data
      etag = r.etag ?? r.data.version
      Object.assign(form, { unit_id: r.data.unit_id, protocol: r.data.protocol, source: r.data.source,
        kind: r.data.kind, name: r.data.name })
      units.value = [{ id: r.data.unit_id, name: r.data.unit_name ?? r.data.unit_id } as UnitBrief]
      open.value = true
    } catch (e) {
      await showError(e)
    }
  }

  async function findUnits(q: string): Promise<void> {
    if (!q.trim()) {
      units.value = []
      return
    }
    searching.value = true
    try {
      units.value = (await listUnit({ q: q.trim().slice(0, 64), status: 'active', limit: 20 })).items
    } catch (e) {
      await showError(e)
    } finally {
      searching.value = false
    }
  }

  /* The first problem found in the browser, on its field. */
  function check(): boolean {
    clearFields(fieldErrors)
    if (!editing.value) {
      if (!form.unit_id) fieldErrors.unit_id = t('iot.form.unitRequired')
      const sp = sourceProblem(form.protocol, form.source)
      if (sp) fieldErrors.source = t(sp)
    }
    const n = form.name.trim()
    if (!n || [...n].length > 100) fieldErrors.name = t('iot.form.nameRule')
    return Object.keys(fieldErrors).every((k) => !fieldErrors[k])
  }

  async function submit(): Promise<void> {
    if (!check())
      return
    saving.value = true
    try {
      let r
      if (editing.value) {
        const body: IotDeviceInput = {}
        if (form.name.trim() !== editing.value.name) body.name = form.name.trim()
        if (form.kind !== editing.value.kind) body.kind = form.kind
        r = await updateIotDevice(editing.value.id, etag, body)
      } else {
        r = await addIotDevice({ unit_id: form.unit_id, protocol: form.protocol, source: normSource(form.protocol, form.source),
          kind: form.kind, name: form.name.trim() }, keeper.get())
        keeper.reset()
      }
      open.value = false
      success(t('common.saved'))
      await onSaved(r.data)
    } catch (e) {
      await showError(e, {
        fields: fieldErrors,
        formFields: DEVICE_FORM_FIELDS,
        onReload: async () => {
          if (editing.value) await openEdit(editing.value.id)
          await onSaved(editing.value as IotDevice)
        },
      })
    } finally {
      saving.value = false
    }
  }

  return { open, saving, searching, editing, units, form, fieldErrors, openCreate, openEdit, findUnits, submit }
}

export type DeviceFormCtl = ReturnType<typeof useDeviceForm>
