/*
 * The working-day calendar in force (docs/modules/calendar.md): the loaded
 * years, official or provisional (CAL-008), and the provisional years from
 * this year on.
 */
import { request } from './http'

export interface CalendarYear {
  year: number
  status: 'official' | 'provisional'
}

export interface CalendarInfo {
  today: string
  years: CalendarYear[]
  provisional: number[]
}

export function getCalendar(): Promise<CalendarInfo> {
  return request<CalendarInfo>('GET', '/api/v1/calendar')
}
