import { describe, expect, it } from 'vitest'
import { todayCN } from './format'

describe('todayCN', () => {
  it('is the date in Asia/Shanghai, whatever the browser time zone', () => {
    expect(todayCN(new Date('2026-11-29T15:59:59Z'))).toBe('2026-11-29')
    /* 00:00 in Shanghai: a browser on UTC still says the 29th. */
    expect(todayCN(new Date('2026-11-29T16:00:00Z'))).toBe('2026-11-30')
    expect(todayCN(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01')
    expect(todayCN(new Date('2024-02-28T16:30:00Z'))).toBe('2024-02-29')
  })
})
