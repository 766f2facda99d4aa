/*
 * Pure helpers of the IoT pages (tested in iot.spec.ts): the device
 * list's query from the URL, the registration checks (IOT-002), the alarm
 * board's merge (the cursor may repeat a change: keep the latest per
 * alarm id) and order, the confirmation countdown, the readings of a
 * device's events as chart series.
 */
import type { LocationQuery } from 'vue-router'
import {
  IOT_DEVICE_SORTS, IOT_DEVICE_STATUSES, IOT_KINDS, IOT_MQTT_ID_MAX, IOT_PROTOCOLS, IOT_READINGS,
} from '@/api/iot'
import type { IotAlarm, IotDeviceQuery, IotEvent } from '@/api/iot'

export const IOT_PAGE_SIZES = [20, 50, 100] as const

export interface DeviceQuery {
  q: string
  protocol: string
  kind: string
  status: string
  online: string
  sort: string
  offset: number
  limit: number
}

const one = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '')
const within = (list: readonly string[], v: string): string => (list.includes(v) ? v : '')

/* The device list's query from the URL: only values the server accepts. */
export function parseDeviceQuery(q: LocationQuery): DeviceQuery {
  const limit = Number(one(q.limit))
  const offset = Number(one(q.offset))
  const sort = one(q.sort)
  return {
    q: one(q.q).slice(0, 100),
    protocol: within(IOT_PROTOCOLS, one(q.protocol)),
    kind: within(IOT_KINDS, one(q.kind)),
    status: one(q.status) === 'all' ? 'all' : within(IOT_DEVICE_STATUSES, one(q.status)) || 'active',
    online: within(['true', 'false'], one(q.online)),
    sort: IOT_DEVICE_SORTS.includes(sort.replace(/^-/, '') as never) ? sort : '',
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
    limit: (IOT_PAGE_SIZES as readonly number[]).includes(limit) ? limit : 20,
  }
}

/* The URL of a device query (defaults left out). */
export function deviceQueryUrl(q: DeviceQuery): Record<string, string> {
  const o: Record<string, string> = {}
  for (const k of ['q', 'protocol', 'kind', 'online', 'sort'] as const)
    if (q[k]) o[k] = q[k]
  if (q.status !== 'active') o.status = q.status
  if (q.offset) o.offset = String(q.offset)
  if (q.limit !== 20) o.limit = String(q.limit)
  return o
}

/* The API query of a device query ('all' statuses: no filter). */
export function deviceApiQuery(q: DeviceQuery): IotDeviceQuery {
  return {
    q: q.q.trim() || undefined,
    protocol: q.protocol || undefined,
    kind: q.kind || undefined,
    status: q.status === 'all' ? undefined : q.status,
    online: q.online || undefined,
    sort: q.sort || undefined,
    offset: q.offset,
    limit: q.limit,
  }
}

/*
 * IOT-002: what is wrong with a source address, as a locale key ('' when
 * none): GB/T 26875.3 takes 12 hex digits, MQTT a device id of letters,
 * digits, _ . and -.
 */
export function sourceProblem(protocol: string, source: string): string {
  const s = source.trim()
  if (!s)
    return 'iot.form.sourceRequired'
  if (protocol === 'gb26875')
    return /^[0-9A-Fa-f]{12}$/.test(s) ? '' : 'iot.form.sourceGb'
  if (s.length > IOT_MQTT_ID_MAX || !/^[A-Za-z0-9_.-]+$/.test(s))
    return 'iot.form.sourceMqtt'
  return ''
}

/* The source as the server stores it (GB addresses upper-case). */
export function normSource(protocol: string, source: string): string {
  const s = source.trim()
  return protocol === 'gb26875' ? s.toUpperCase() : s
}

/* Of two states of an alarm, the later one: the higher change stamp, then version. */
function later(a: IotAlarm, b: IotAlarm): IotAlarm {
  const ra = BigInt(a.rev || '0')
  const rb = BigInt(b.rev || '0')
  if (ra !== rb)
    return ra > rb ? a : b
  return b.version >= a.version ? b : a
}

/*
 * IOT-007: fold a board answer into what the page holds.  The cursor
 * trails by 5 s, so a change may come twice, or an older state after a
 * newer one was shown: keep the latest per id.  Returns the ids seen for
 * the first time (the visual alert).
 */
export function mergeBoard(held: Map<string, IotAlarm>, changes: IotAlarm[]): string[] {
  const fresh: string[] = []
  for (const a of changes) {
    const old = held.get(a.id)
    if (!old) {
      held.set(a.id, a)
      if (a.unconfirmed)
        fresh.push(a.id)
    } else {
      held.set(a.id, later(old, a))
    }
  }
  return fresh
}

/* The board's order: unconfirmed first (escalated or overdue before the rest), then newest raised. */
export function boardOrder(list: Iterable<IotAlarm>, now: number): IotAlarm[] {
  const rank = (a: IotAlarm) => (!a.unconfirmed ? 2 : a.state === 'escalated' || a.deadline_at < now ? 0 : 1)
  return [...list].sort((a, b) => rank(a) - rank(b) || b.raised_at - a.raised_at || (a.id < b.id ? 1 : -1))
}

/* The time left to confirm: "m:ss" (or "h:mm:ss"), negative when past the deadline. */
export function countdown(deadline: number, now: number): { text: string; late: boolean } {
  const left = deadline - now
  const s = Math.abs(left)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const ss = String(s % 60).padStart(2, '0')
  const body = h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`
  return { text: left < 0 ? `-${body}` : body, late: left < 0 }
}

/* 区号-位号 of an alarm's component, or ''. */
export function zonePoint(a: { zone?: number; point?: number }): string {
  return a.zone === undefined || a.point === undefined ? '' : `${a.zone}-${a.point}`
}

/* The readings among events, per kind, oldest first, as [ms, value] pairs. */
export function readingSeries(events: IotEvent[]): Record<string, [number, number][]> {
  const out: Record<string, [number, number][]> = {}
  for (const e of events) {
    if (!(e.kind in IOT_READINGS) || e.value === null || e.value === undefined)
      continue
    ;(out[e.kind] ??= []).push([(e.device_at ?? e.at) * 1000, e.value])
  }
  for (const k of Object.keys(out))
    out[k]!.sort((a, b) => a[0] - b[0])
  return out
}

/* A false-alarm rate as a percentage text, '—' when nothing was confirmed. */
export function ratePct(r: number | null | undefined): string {
  return r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`
}

/* Unix seconds of a [from, to] date-picker range (to: the end of its day). */
export function rangeSeconds(r: [Date, Date] | null | undefined): { from?: number; to?: number } {
  if (!r) return {}
  const to = new Date(r[1])
  to.setHours(23, 59, 59, 0)
  return { from: Math.floor(new Date(r[0]).setHours(0, 0, 0, 0) / 1000), to: Math.floor(to.getTime() / 1000) }
}
