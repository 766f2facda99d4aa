import { describe, expect, it } from 'vitest'
import type { IotAlarm, IotEvent } from '@/api/iot'
import {
  boardOrder, countdown, deviceApiQuery, deviceQueryUrl, mergeBoard, normSource, parseDeviceQuery, rangeSeconds, ratePct,
  readingSeries, sourceProblem, zonePoint,
} from './iot'

function alarm(id: string, o: Partial<IotAlarm> = {}): IotAlarm {
  return {
    id, device_id: '9', unit_id: '1', building_id: null, target: 'D', sys_type: 1, sys_addr: 1, comp_type: 40, comp_addr: 1,
    description: null, raised_at: 1000, device_at: null, deadline_at: 1600, state: 'open', escalated_at: null,
    confirmed_at: null, confirmed_by: null, note: null, version: 1, town: '441900003', repeats: 0, last_at: 1000, rev: '10',
    unit_name: 'U', building_name: null, device_name: 'D1', device_source: '000000200000', device_kind: 'uitd',
    unconfirmed: true, overdue: false, ...o,
  }
}

describe('device query', () => {
  it('keeps only values the server accepts', () => {
    const q = parseDeviceQuery({ protocol: 'x25', kind: 'smoke', status: 'bogus', online: 'true', sort: '-name', limit: '7', offset: '-3' })
    expect(q).toEqual({ q: '', protocol: '', kind: 'smoke', status: 'active', online: 'true', sort: '-name', offset: 0, limit: 20 })
    expect(parseDeviceQuery({ sort: 'unit', status: 'all', limit: '50', offset: '100' })).toMatchObject({ sort: '', status: 'all', limit: 50, offset: 100 })
  })
  it('round-trips through the URL and drops defaults', () => {
    const q = parseDeviceQuery({ q: '用传', kind: 'uitd', status: 'retired', offset: '20' })
    expect(deviceQueryUrl(q)).toEqual({ q: '用传', kind: 'uitd', status: 'retired', offset: '20' })
    expect(parseDeviceQuery(deviceQueryUrl(q))).toEqual(q)
    expect(deviceQueryUrl(parseDeviceQuery({}))).toEqual({})
  })
  it('asks without a status filter for all', () => {
    expect(deviceApiQuery(parseDeviceQuery({ status: 'all', q: '  ' }))).toMatchObject({ status: undefined, q: undefined })
  })
})

describe('source address (IOT-002)', () => {
  it('GB/T 26875.3: 12 hex digits, stored upper-case', () => {
    expect(sourceProblem('gb26875', '000000200000')).toBe('')
    expect(sourceProblem('gb26875', 'abcdef012345')).toBe('')
    expect(sourceProblem('gb26875', '00000020000')).toBe('iot.form.sourceGb')
    expect(sourceProblem('gb26875', '00000020000G')).toBe('iot.form.sourceGb')
    expect(sourceProblem('gb26875', ' ')).toBe('iot.form.sourceRequired')
    expect(normSource('gb26875', ' abcdef012345 ')).toBe('ABCDEF012345')
  })
  it('MQTT: letters, digits, _ . -, at most 64', () => {
    expect(sourceProblem('mqtt', 'wp-0001.a_b')).toBe('')
    expect(sourceProblem('mqtt', 'wp/1')).toBe('iot.form.sourceMqtt')
    expect(sourceProblem('mqtt', 'x'.repeat(65))).toBe('iot.form.sourceMqtt')
    expect(normSource('mqtt', ' Wp-1 ')).toBe('Wp-1')
  })
})

describe('alarm board (IOT-007)', () => {
  it('keeps the latest state per id when the cursor repeats changes', () => {
    const held = new Map<string, IotAlarm>()
    expect(mergeBoard(held, [alarm('1'), alarm('2', { rev: '11' })])).toEqual(['1', '2'])
    /* the confirmation, then the older raise repeated by the trailing cursor */
    const done = alarm('1', { rev: '20', version: 2, state: 'confirmed_false', unconfirmed: false })
    expect(mergeBoard(held, [done])).toEqual([])
    expect(mergeBoard(held, [alarm('1'), alarm('2', { rev: '11' })])).toEqual([])
    expect(held.get('1')!.state).toBe('confirmed_false')
    expect(held.size).toBe(2)
    /* a repeat of an open alarm is no new alarm */
    expect(mergeBoard(held, [alarm('2', { rev: '30', repeats: 3 })])).toEqual([])
    expect(held.get('2')!.repeats).toBe(3)
  })
  it('compares change stamps as big integers', () => {
    const held = new Map<string, IotAlarm>()
    mergeBoard(held, [alarm('1', { rev: '9007199254740993', version: 2, state: 'escalated' })])
    mergeBoard(held, [alarm('1', { rev: '9007199254740992', version: 2 })])
    expect(held.get('1')!.state).toBe('escalated')
  })
  it('orders escalated and overdue first, then unconfirmed, newest first, confirmed last', () => {
    const list = [
      alarm('1', { raised_at: 100, deadline_at: 5000 }),
      alarm('2', { raised_at: 300, deadline_at: 5000 }),
      alarm('3', { raised_at: 50, state: 'escalated' }),
      alarm('4', { raised_at: 900, state: 'confirmed_real', unconfirmed: false }),
      alarm('5', { raised_at: 20, deadline_at: 1000 }),
    ]
    expect(boardOrder(list, 2000).map((a) => a.id)).toEqual(['3', '5', '2', '1', '4'])
  })
  it('counts down to the deadline and past it', () => {
    expect(countdown(1600, 1000)).toEqual({ text: '10:00', late: false })
    expect(countdown(1000, 1065)).toEqual({ text: '-1:05', late: true })
    expect(countdown(10000, 1000).text).toBe('2:30:00')
    expect(zonePoint({ zone: 3, point: 7 })).toBe('3-7')
    expect(zonePoint({})).toBe('')
  })
})

describe('readings and statistics', () => {
  const ev = (kind: string, at: number, value: number | null, device_at: number | null = null): IotEvent => ({
    id: String(at), at, device_at, kind, sys_type: 1, sys_addr: 1, comp_type: 1, comp_addr: 1, state: null, value, detail: null,
  })
  it('turns readings into series, oldest first, device time preferred', () => {
    const s = readingSeries([ev('pressure', 30, 310.5), ev('pressure', 10, 320, 9), ev('alarm', 20, null), ev('temperature', 5, 41),
      ev('analog', 6, 3)])
    expect(s).toEqual({ pressure: [[9000, 320], [30000, 310.5]], temperature: [[5000, 41]] })
  })
  it('shows the false-alarm rate as a percentage', () => {
    expect(ratePct(0.25)).toBe('25.0%')
    expect(ratePct(null)).toBe('—')
  })
  it('covers whole days of a date range', () => {
    const r = rangeSeconds([new Date(2026, 0, 1, 15), new Date(2026, 0, 2, 3)])
    expect(r.from).toBe(new Date(2026, 0, 1).getTime() / 1000)
    expect(r.to).toBe(new Date(2026, 0, 2, 23, 59, 59).getTime() / 1000)
    expect(rangeSeconds(null)).toEqual({})
  })
})
