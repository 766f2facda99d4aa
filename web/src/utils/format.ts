/* Dates, jurisdictions and role names for display. */
import { currentLang, t } from '@/i18n'

function pad(n: number): string {
  return n < 10 ? '0' + n : String(n)
}

/* Unix seconds -> "2026-11-29 12:30:05" in local time. */
export function formatTime(sec: number | null | undefined): string {
  if (!sec)
    return '—'
  const d = new Date(sec * 1000)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

export function formatTimeMs(ms: number): string {
  return formatTime(Math.floor(ms / 1000)) + '.' + String(ms % 1000).padStart(3, '0')
}

export function formatDate(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/*
 * Today in Asia/Shanghai (UTC+8, no daylight saving), as YYYY-MM-DD: the
 * day every legal deadline and form default counts from, whatever the
 * browser's own time zone (a browser on UTC is a day behind from 16:00).
 */
export function todayCN(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600e3).toISOString().slice(0, 10)
}

/* "town:441900003" -> "镇街 441900003"; names arrive with the registry. */
export function formatJurisdiction(j: string | null | undefined, names?: Record<string, string>): string {
  if (!j)
    return '—'
  if (j === 'city')
    return t('jurisdiction.city')
  const d = /^dept:([a-z]+)(?::(\d{9}))?$/.exec(j)
  if (d) {
    const k = `hazard.deptName.${d[1]}`
    const dept = t(k) === k ? d[1] : t(k)
    if (!d[2])
      return t('jurisdiction.dept', { id: dept })
    return t('jurisdiction.deptTown', { id: dept, town: names?.[`town:${d[2]}`] ?? d[2] })
  }
  const m = /^(town|grid|unit):(.+)$/.exec(j)
  if (!m)
    return j
  const name = names?.[j]
  if (name)
    return name
  return t(`jurisdiction.${m[1]}`, { id: m[2] })
}

export function roleName(id: string): string {
  const k = `roleName.${id}`
  const s = t(k)
  return s === k ? id : s
}

/* A server title pair {title_zh, title_en} in the current language. */
export function pick(zh: string, en: string): string {
  return currentLang() === 'en' ? en : zh
}
