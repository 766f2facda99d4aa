/*
 * The IoT monitoring API (远程监控: src/api/api_iot.c, docs/modules/iot.md):
 * devices (register, edit with If-Match, retire), their components and
 * events, the alarms with the live board (?since=CURSOR) and their
 * confirmation, device conditions and the repair confirmation, a unit's
 * statistics over 30 and 90 days.
 */
import { request, requestList, requestVersioned } from './http'
import type { ListResult, Versioned } from './http'

export const IOT_PROTOCOLS = ['gb26875', 'mqtt'] as const
/* The rules' device kinds (data/iot/rules.json). */
export const IOT_KINDS = ['uitd', 'water_pressure', 'electrical', 'smoke', 'other'] as const
export const IOT_DEVICE_STATUSES = ['active', 'retired'] as const
export const IOT_DEVICE_SORTS = ['created_at', 'name', 'last_seen_at'] as const
export const IOT_ALARM_STATES = ['open', 'escalated', 'confirmed_real', 'confirmed_false'] as const
export const IOT_COND_KINDS = ['fault', 'power', 'low_pressure', 'leakage', 'overheat', 'offline'] as const
export const IOT_COND_STATES = ['pending', 'cleared', 'hazard', 'restored', 'closed'] as const
export const IOT_EVENT_KINDS = ['alarm', 'fault', 'restore', 'state', 'pressure', 'leakage_current', 'temperature',
  'analog', 'operation', 'config', 'info', 'raw'] as const
/* Kinds whose value is a reading worth a chart, with its unit. */
export const IOT_READINGS: Record<string, string> = { pressure: 'kPa', leakage_current: 'mA', temperature: '°C' }
/* The server's limits (api_iot.c field tables). */
export const IOT_NAME_MAX = 100
export const IOT_NOTE_MAX = 2000
export const IOT_MQTT_ID_MAX = 64

export type IotProtocol = typeof IOT_PROTOCOLS[number]
export type IotKind = typeof IOT_KINDS[number]
export type IotAlarmState = typeof IOT_ALARM_STATES[number]

export interface IotDevice {
  id: string
  protocol: IotProtocol
  source: string
  unit_id: string
  unit_name?: string
  building_id: string | null
  building_name?: string | null
  town: string
  grid_id: string | null
  name: string
  kind: string
  kind_name?: string
  thresholds: Record<string, number>
  status: 'active' | 'retired'
  retired_at: number | null
  online?: boolean
  last_seen_at?: number | null
  version: number
  created_at: number
  updated_at: number
}

export interface IotDeviceQuery {
  unit_id?: string
  town?: string
  kind?: string
  protocol?: string
  status?: string
  online?: string
  q?: string
  sort?: string
  offset?: number
  limit?: number
}

export interface IotDeviceInput {
  protocol?: string
  source?: string
  unit_id?: string
  building_id?: string | null
  name?: string
  kind?: string
}

export interface IotComponent {
  id: string
  sys_type: number | null
  sys_addr: number | null
  comp_type: number | null
  comp_addr: number | null
  description: string | null
  last_kind: string | null
  last_state: string | null
  first_seen_at: number
  last_seen_at: number
}

export interface IotEvent {
  id: string
  at: number
  device_at: number | null
  kind: string
  sys_type: number | null
  sys_addr: number | null
  comp_type: number | null
  comp_addr: number | null
  state: number | null
  value: number | null
  detail: string | null
}

export interface IotAlarm {
  id: string
  device_id: string
  unit_id: string
  building_id: string | null
  target: string
  sys_type: number | null
  sys_addr: number | null
  comp_type: number | null
  comp_addr: number | null
  description: string | null
  raised_at: number
  device_at: number | null
  deadline_at: number
  state: IotAlarmState
  escalated_at: number | null
  confirmed_at: number | null
  confirmed_by: string | null
  note: string | null
  version: number
  town: string
  repeats: number
  last_at: number
  rev: string
  unit_name: string
  building_name: string | null
  device_name: string
  device_source: string
  device_kind: string
  system_name?: string
  component_name?: string
  /** The same in Chinese, as GB/T 26875.3 names them. */
  system_name_zh?: string
  component_name_zh?: string
  zone?: number
  point?: number
  unconfirmed: boolean
  overdue: boolean
}

export interface IotBoard {
  alarms: IotAlarm[]
  cursor: string
  unconfirmed: number
}

export interface IotCondition {
  id: string
  device_id: string
  unit_id: string
  kind: string
  kind_name?: string
  target: string
  description: string | null
  since_at: number
  last_at: number
  state: string
  value: number | null
  hazard_id: string | null
  hazard_no: string | null
  hazard_status: string | null
  restored_at: number | null
  closed_at: number | null
  device_name: string
  device_source: string
  unit_name: string
  version: number
}

export interface IotStatsWindow {
  days: number
  alarms: number
  confirmed_real: number
  confirmed_false: number
  unconfirmed: number
  escalated: number
  false_alarm_rate: number | null
  faults: number
  hazards: number
}

export interface IotStats {
  unit_id: string
  devices: number
  online: number
  days30: IotStatsWindow
  days90: IotStatsWindow
}

const dev = (id: string) => `/api/v1/iot/devices/${encodeURIComponent(id)}`

export function listIotDevice(q: IotDeviceQuery): Promise<ListResult<IotDevice>> {
  return requestList<IotDevice>('/api/v1/iot/devices', { ...q })
}

export function getIotDevice(id: string): Promise<Versioned<IotDevice>> {
  return requestVersioned<IotDevice>('GET', dev(id))
}

export function addIotDevice(body: IotDeviceInput, idempotencyKey?: string): Promise<Versioned<IotDevice>> {
  return requestVersioned<IotDevice>('POST', '/api/v1/iot/devices', { body, idempotencyKey })
}

export function updateIotDevice(id: string, version: string | number, body: IotDeviceInput): Promise<Versioned<IotDevice>> {
  return requestVersioned<IotDevice>('PATCH', dev(id), { body, ifMatch: version })
}

export function retireIotDevice(id: string, version: string | number): Promise<Versioned<IotDevice>> {
  return requestVersioned<IotDevice>('POST', `${dev(id)}/retire`, { ifMatch: version })
}

export function listIotComponent(id: string, offset = 0, limit = 100): Promise<ListResult<IotComponent>> {
  return requestList<IotComponent>(`${dev(id)}/components`, { offset, limit })
}

export function listIotEvent(id: string, q: { from?: number; to?: number; kind?: string; offset?: number; limit?: number }):
  Promise<ListResult<IotEvent>> {
  return requestList<IotEvent>(`${dev(id)}/events`, { ...q })
}

export function getIotBoard(since: string, signal?: AbortSignal): Promise<IotBoard> {
  return request<IotBoard>('GET', '/api/v1/iot/alarms', { query: { since }, signal })
}

export function listIotAlarm(q: { state?: string; unit_id?: string; town?: string; from?: number; to?: number;
  offset?: number; limit?: number }): Promise<ListResult<IotAlarm>> {
  return requestList<IotAlarm>('/api/v1/iot/alarms', { ...q })
}

export function confirmIotAlarm(id: string, version: string | number, result: 'real' | 'false', note?: string):
  Promise<Versioned<IotAlarm>> {
  return requestVersioned<IotAlarm>('POST', `/api/v1/iot/alarms/${encodeURIComponent(id)}/confirm`,
    { body: note ? { result, note } : { result }, ifMatch: version })
}

export function listIotCondition(q: { state?: string; unit_id?: string; device_id?: string; offset?: number;
  limit?: number }):
  Promise<ListResult<IotCondition>> {
  return requestList<IotCondition>('/api/v1/iot/conditions', { ...q })
}

export function confirmIotCondition(id: string, version: string | number, note?: string): Promise<Versioned<IotCondition>> {
  return requestVersioned<IotCondition>('POST', `/api/v1/iot/conditions/${encodeURIComponent(id)}/confirm`,
    { body: note ? { note } : {}, ifMatch: version })
}

export function getIotStats(unitId: string): Promise<IotStats> {
  return request<IotStats>('GET', `/api/v1/iot/units/${encodeURIComponent(unitId)}/stats`)
}
