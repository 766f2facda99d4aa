/*
 * The live alarm board (IOT-007): GET /iot/alarms?since=0 once, then
 * every 1.5 s ?since=<cursor>; each answer is folded into one map keeping
 * the latest state per alarm (mergeBoard).  New unconfirmed alarms flash
 * and raise a banner (no sound); a clock ticks the confirmation
 * countdowns.  The unit (iot:confirm) or an officer (iot:write) confirms
 * real or false with the alarm's version as If-Match; a stale version
 * gets the conflict box and the alarm is re-read.
 */
import { computed, onBeforeUnmount, onMounted, reactive, ref, shallowRef, triggerRef } from 'vue'
import { confirmIotAlarm, getIotBoard } from '@/api/iot'
import type { IotAlarm } from '@/api/iot'
import { t } from '@/i18n'
import { useUserStore } from '@/store/user'
import { showError, success } from '@/utils/feedback'
import { boardOrder, mergeBoard } from './iot'

export const BOARD_POLL_MS = 1500
const FLASH_MS = 15000

export function useAlarmBoard() {
  const user = useUserStore()
  const held = shallowRef(new Map<string, IotAlarm>())
  const cursor = ref('0')
  const unconfirmed = ref(0)
  const now = ref(Math.floor(Date.now() / 1000))
  const connected = ref(true)
  const showDone = ref(false)
  const flash = reactive(new Set<string>())
  const fresh = ref(0)
  let timer: ReturnType<typeof setTimeout> | null = null
  let clock: ReturnType<typeof setInterval> | null = null
  let stopped = false
  let ctl: AbortController | null = null

  const canConfirm = computed(() => user.can('iot:confirm') || user.can('iot:write'))
  const rows = computed(() => {
    const all = boardOrder(held.value.values(), now.value)
    return showDone.value ? all : all.filter((a) => a.unconfirmed)
  })

  async function poll(): Promise<void> {
    ctl = new AbortController()
    try {
      const b = await getIotBoard(cursor.value, ctl.signal)
      const first = cursor.value === '0'
      const ids = mergeBoard(held.value, b.alarms)
      cursor.value = b.cursor
      unconfirmed.value = b.unconfirmed
      connected.value = true
      triggerRef(held)
      if (!first && ids.length) {
        fresh.value += ids.length
        for (const id of ids) {
          flash.add(id)
          setTimeout(() => flash.delete(id), FLASH_MS)
        }
      }
    } catch (e) {
      if (stopped) return
      if (connected.value)
        await showError(e)
      connected.value = false
    } finally {
      if (!stopped)
        timer = setTimeout(() => void poll(), BOARD_POLL_MS)
    }
  }

  /* The confirmation dialog. */
  const dialog = reactive({ open: false, saving: false, alarm: null as IotAlarm | null, result: 'false' as 'real' | 'false', note: '' })

  function openConfirm(a: IotAlarm, result: 'real' | 'false'): void {
    Object.assign(dialog, { open: true, saving: false, alarm: a, result, note: '' })
  }

  async function submitConfirm(): Promise<void> {
    const a = dialog.alarm
    if (!a) return
    dialog.saving = true
    try {
      const r = await confirmIotAlarm(a.id, a.version, dialog.result, dialog.note.trim() || undefined)
      held.value.set(a.id, { ...a, ...r.data })
      triggerRef(held)
      dialog.open = false
      success(t(dialog.result === 'real' ? 'iot.board.confirmedReal' : 'iot.board.confirmedFalse'))
    } catch (e) {
      await showError(e, {
        onReload: async () => {
          dialog.open = false
          cursor.value = '0'
          held.value.clear()
        },
      })
    } finally {
      dialog.saving = false
    }
  }

  function dismissBanner(): void {
    fresh.value = 0
  }

  onMounted(() => {
    void poll()
    clock = setInterval(() => { now.value = Math.floor(Date.now() / 1000) }, 1000)
  })
  onBeforeUnmount(() => {
    stopped = true
    ctl?.abort()
    if (timer) clearTimeout(timer)
    if (clock) clearInterval(clock)
  })

  return { rows, cursor, unconfirmed, now, connected, showDone, flash, fresh, canConfirm, dialog,
    openConfirm, submitConfirm, dismissBanner }
}
