/*
 * Form rules mirroring the server's limits (docs/modules/account.md), so a
 * person hears about a bad value before sending it.  The server checks
 * everything again; these only save a round trip.  Each check returns null
 * or the i18n key (with parameters) of the problem.
 */
export const LOGIN_MIN = 3
export const LOGIN_MAX = 32
export const NAME_MAX = 64
export const PW_MIN = 8
export const PW_MIN_ADMIN = 12
export const PW_MAX = 128
export const ADMIN_ROLES = ['sysadmin', 'secadmin', 'auditor'] as const

export interface Problem {
  key: string
  params?: Record<string, unknown>
}

/* Length in code points, as the server counts. */
export function codePoints(s: string): number {
  let n = 0
  for (const _ of s)
    n++
  return n
}

/* ACC-001: 3-32 of [a-z0-9_.-] (the server folds case first). */
export function checkLogin(v: string): Problem | null {
  const s = v.trim().toLowerCase()
  if (s.length < LOGIN_MIN || s.length > LOGIN_MAX)
    return { key: 'rules.loginLength' }
  if (!/^[a-z0-9_.-]+$/.test(s))
    return { key: 'rules.loginChars' }
  return null
}

/* ACC-002: 1-64 code points, no control characters. */
export function checkDisplayName(v: string): Problem | null {
  const n = codePoints(v)
  if (n < 1 || n > NAME_MAX)
    return { key: 'rules.displayNameLength' }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(v))
    return { key: 'rules.displayNameChars' }
  return null
}

export function isAdminRoleSet(roles: readonly string[]): boolean {
  return roles.some((r) => (ADMIN_ROLES as readonly string[]).includes(r))
}

/*
 * A-1 basics: length (12 for 三员 holders), three of four classes, not the
 * login or its reverse.  The common list and history are the server's.
 */
export function checkPassword(pw: string, login = '', admin = false): Problem | null {
  const min = admin ? PW_MIN_ADMIN : PW_MIN
  const n = codePoints(pw)
  if (n < min || n > PW_MAX)
    return { key: 'rules.pwLength', params: { min } }
  let lo = 0
  let up = 0
  let dig = 0
  let oth = 0
  for (const ch of pw) {
    if (ch >= 'a' && ch <= 'z')
      lo = 1
    else if (ch >= 'A' && ch <= 'Z')
      up = 1
    else if (ch >= '0' && ch <= '9')
      dig = 1
    else
      oth = 1
  }
  if (lo + up + dig + oth < 3)
    return { key: 'rules.pwMix' }
  if (login) {
    const l = login.toLowerCase()
    const p = pw.toLowerCase()
    if (p === l || p === [...l].reverse().join(''))
      return { key: 'rules.pwLogin' }
  }
  return null
}

/*
 * ACC-004: city, town:<9 digits>, grid:<id>, unit:<id>, and a partner
 * department (HAZ-014) city-wide dept:<code> or one town's office
 * dept:<code>:<9 digits>, the code 1-15 of a-z.
 */
export function checkJurisdiction(v: string): Problem | null {
  if (/^(city|town:\d{9}|grid:[1-9]\d{0,18}|unit:[1-9]\d{0,18}|dept:[a-z]{1,15}(:\d{9})?)$/.test(v))
    return null
  return { key: 'rules.jurisdiction' }
}

export function checkOtp(v: string): Problem | null {
  return /^\d{6}$/.test(v) ? null : { key: 'rules.otp' }
}

/*
 * A one-time password that passes A-1 for anybody: 16 characters from
 * four classes, from the browser's CSPRNG.
 */
export function generatePassword(len = 16): string {
  const sets = ['abcdefghijkmnpqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '#%+-=@_.!']
  const all = sets.join('')
  const rnd = new Uint32Array(len)
  crypto.getRandomValues(rnd)
  const out: string[] = []
  for (let i = 0; i < len; i++) {
    const set = i < sets.length ? sets[i]! : all
    out.push(set[rnd[i]! % set.length]!)
  }
  /* Shuffle so the classes are not always in front. */
  const sh = new Uint32Array(len)
  crypto.getRandomValues(sh)
  for (let i = len - 1; i > 0; i--) {
    const j = sh[i]! % (i + 1)
    const tmp = out[i]!
    out[i] = out[j]!
    out[j] = tmp
  }
  return out.join('')
}

type Translate = (key: string, named?: Record<string, unknown>) => string
type Validator = (rule: unknown, value: unknown, cb: (e?: Error) => void) => void

/* An Element Plus form rule from one of the checks above. */
export function rule(check: (v: string) => Problem | null, t: Translate,
  trigger: 'blur' | 'change' = 'blur'): { validator: Validator; trigger: string } {
  return {
    trigger,
    validator: (_r, value, cb) => {
      const p = check(String(value ?? ''))
      cb(p ? new Error(t(p.key, p.params)) : undefined)
    },
  }
}

export function required(field: string, t: Translate, trigger: 'blur' | 'change' = 'blur') {
  return { required: true, trigger, message: () => t('rules.required', { field }) }
}
