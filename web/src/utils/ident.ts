/*
 * Identifier checks the registry form runs before sending (the server's
 * src/domain/ident.c and REG-006 run again): the unified social credit
 * code (GB 32100-2015), the resident ID number (GB 11643-1999), and a
 * phone number (a mobile, or a landline with its area code).
 */
import type { Problem } from './validate'

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

/* The check character for the first 17 characters of a USCC, or null. */
export function usccCheckChar(first17: string): string | null {
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARS.indexOf(first17[i] ?? '')
    if (v < 0)
      return null
    sum += v * USCC_W[i]!
  }
  return USCC_CHARS[(31 - (sum % 31)) % 31]!
}

/* REG-003: 18 characters of the GB 32100 set with the right check character. */
export function checkUscc(v: string): Problem | null {
  const s = v.trim().toUpperCase()
  if (s === '')
    return null
  if (s.length !== 18)
    return { key: 'rules.usccLength' }
  for (const c of s)
    if (!USCC_CHARS.includes(c))
      return { key: 'rules.usccChars' }
  if (usccCheckChar(s.slice(0, 17)) !== s[17])
    return { key: 'rules.usccCheck' }
  return null
}

const ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_C = '10X98765432'

/* 18-character ID number with a valid birth date and check character (15-digit numbers pass to the server). */
export function checkIdNumber(v: string): Problem | null {
  const s = v.trim().toUpperCase()
  if (s === '')
    return null
  if (/^\d{15}$/.test(s))
    return null
  if (!/^\d{17}[\dX]$/.test(s))
    return { key: 'rules.idFormat' }
  const y = Number(s.slice(6, 10))
  const m = Number(s.slice(10, 12))
  const d = Number(s.slice(12, 14))
  const dt = new Date(Date.UTC(y, m - 1, d))
  if (y < 1900 || dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d)
    return { key: 'rules.idFormat' }
  let sum = 0
  for (let i = 0; i < 17; i++)
    sum += Number(s[i]) * ID_W[i]!
  if (ID_C[sum % 11] !== s[17])
    return { key: 'rules.idCheck' }
  return null
}

/* REG-006: 1[3-9] and 9 more digits, or 0AA(A)-NNNNNNN(N)[-EXT]. */
export function checkPhone(v: string): Problem | null {
  const s = v.trim()
  if (s === '')
    return null
  if (/^1[3-9]\d{9}$/.test(s))
    return null
  if (/^0[1-9]\d{1,2}-[2-9]\d{6,7}(-\d{1,6})?$/.test(s))
    return null
  return { key: 'rules.phone' }
}
