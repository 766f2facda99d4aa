/*
 * A random draw (双随机) verified in the browser: the bundle of
 * specs/draw-v1.md §6 is read strictly (one JSON object, the spec's fields
 * and types only), its inputs checked against the character and roster
 * rules, and the canonical roster, both hashes, the seed, the selection and
 * the assignment recomputed from the bundle alone and compared field by
 * field.  The first difference is named the way `firewarden draw verify`
 * names it (`selected[3].candidate: expected "u17", bundle has "u19"`),
 * checks run in the same order, so the page and the command line agree.
 * Reading, checking and hashing yield to the event loop every few
 * thousand entries or messages, and hashing reports progress, so a page
 * stays responsive on bundles of 10^5–10^6 candidates.  Pure: no DOM, no
 * network.
 */
import { Sm3, toHex } from './sm3'

export const DRAW_VERSION = 'firewarden-draw-v1'
/* Limits shared with the C engine (src/domain/draw.h). */
export const DRAW_NAME_MAX = 256
export const DRAW_TEXT_MAX = 4096
export const DRAW_LIST_MAX = 10000000
const JSON_DEPTH = 64
/* Hashes between two yields to the event loop. */
export const DRAW_YIELD_EVERY = 4096
/* List entries read between two yields. */
const PARSE_CHUNK = 8192

/* ------------------------------------------------------------ types */

export interface DrawBeacon { source: string; round: string; value: string }
export interface DrawQuota { stratum: string; count: number }
export interface DrawMember { department: string; count: number }
export interface DrawCandidate { id: string; stratum: string; area: string }
export interface DrawInspector { id: string; department: string; areas: string[] }
export interface DrawConflict { inspector: string; candidate: string }
export interface DrawEntry { candidate: string; key: string; inspectors: string[] }

/* The inputs of a draw; inspectors and conflicts are null in a public bundle. */
export interface DrawInput {
  version: string
  plan_id: string
  beacon: DrawBeacon
  quotas: DrawQuota[]
  team: DrawMember[]
  max_load: number
  candidates: DrawCandidate[]
  inspectors: DrawInspector[] | null
  conflicts: DrawConflict[] | null
}

/* What a draw computes (spec §1–§5). */
export interface DrawComputed {
  candidates_hash: string
  roster_hash: string
  seed: string
  selected: DrawEntry[]
  unassigned: string[]
}

export type DrawBundle = DrawInput & DrawComputed

export type DrawErrorCode = 'bad_json' | 'duplicate_key' | 'unknown_field' | 'missing' | 'type' | 'range' | 'invalid'

/* A bundle that cannot be read or breaks a rule; field names the entry ("candidates[7].id"). */
export class DrawError extends Error {
  readonly code: DrawErrorCode
  readonly field: string

  constructor(code: DrawErrorCode, field: string, message: string) {
    super(message)
    this.name = 'DrawError'
    this.code = code
    this.field = field
  }
}

export type StepName = 'parse' | 'version' | 'inputs' | 'candidates_hash' | 'roster_hash' | 'seed' | 'selected' | 'unassigned'

/* The steps in the order they run; a failed step ends the verification. */
export const STEP_NAMES: StepName[] = ['parse', 'version', 'inputs', 'candidates_hash', 'roster_hash', 'seed', 'selected', 'unassigned']

export interface DrawStep {
  name: StepName
  ok: boolean
  /* One line: the recomputed value, or what differs. */
  detail: string
  /* roster_hash of a public bundle: taken as given, not recomputed. */
  skipped?: boolean
}

export interface DrawSummary {
  planId: string
  /* A public bundle: inspectors and conflicts withheld. */
  public: boolean
  candidates: number
  strata: number
  inspectors: number | null
  conflicts: number | null
  selected: number
  unassigned: number
}

export interface VerifyResult {
  ok: boolean
  steps: DrawStep[]
  /* The first difference or rule broken, e.g. `seed: expected "…", bundle has "…"`. */
  firstDifference: string | null
  /* The field it names ("selected[3].candidate"), "" when none applies. */
  field: string | null
  /* The selected entry the first difference is in, if any. */
  failedEntry: number | null
  /* Selected entries compared and found equal (all of them when ok). */
  checkedEntries: number
  summary: DrawSummary | null
  /* The bundle as read (null when it could not be read). */
  bundle: DrawBundle | null
}

export type DrawPhase = 'roster' | 'keys' | 'assign'

export interface DrawProgress {
  phase: DrawPhase
  done: number
  total: number
}

export interface DrawOptions {
  onProgress?: (p: DrawProgress) => void
  signal?: AbortSignal
}

/* ------------------------------------------------------ byte helpers */

const utf8Enc = new TextEncoder()
/* ignoreBOM: a U+FEFF at the start of a string is part of it, not a mark to drop. */
const utf8Dec = new TextDecoder('utf-8', { ignoreBOM: true })

/*
 * Bytewise comparison of the UTF-8 encodings of a and b (the spec's
 * order), without encoding: UTF-8 orders like code points, and UTF-16
 * code units order differently only between a surrogate (a code point
 * above U+FFFF) and a unit in U+E000..U+FFFF, which is fixed up here.
 */
export function cmpUtf8(a: string, b: string): number {
  if (a === b)
    return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i)
    let y = b.charCodeAt(i)
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000
      }
      return x < y ? -1 : 1
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0
}

/* Bytes of s in UTF-8. */
function byteLength(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80)
      n += 1
    else if (c < 0x800)
      n += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4
      i++
    } else
      n += 3
  }
  return n
}

/* s cut to at most max bytes of UTF-8 (as C's "%.64s"), whole characters only. */
function cut(s: string, max: number): string {
  if (s.length <= max / 4 || byteLength(s) <= max)
    return s
  let n = 0
  let i = 0
  for (; i < s.length; i++) {
    const c = s.codePointAt(i)!
    const w = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4
    if (n + w > max)
      break
    n += w
    if (w === 4)
      i++
  }
  return s.slice(0, i)
}

/*
 * s quoted for a message, as the C engine quotes: '"' and '\' escaped,
 * bytes outside printable ASCII as \xNN, at most 64 bytes then "...".
 */
export function quote(s: string): string {
  const b = utf8Enc.encode(s)
  let out = '"'
  for (let i = 0; i < b.length; i++) {
    if (i === 64) {
      out += '...'
      break
    }
    const c = b[i]!
    if (c === 0x22 || c === 0x5c)
      out += '\\' + String.fromCharCode(c)
    else if (c < 0x20 || c > 0x7e)
      out += '\\x' + c.toString(16).padStart(2, '0')
    else
      out += String.fromCharCode(c)
  }
  return out + '"'
}

function differ(field: string, want: string, got: string): DrawError {
  return new DrawError('invalid', field, `${field}: expected ${quote(want)}, bundle has ${quote(got)}`)
}

function countDiffer(field: string, want: number, got: number): DrawError {
  return new DrawError('invalid', field, `${field}: expected ${want} entr${want === 1 ? 'y' : 'ies'}, bundle has ${got}`)
}

/* ------------------------------------------------------------ reader */

type Kind = 'str' | 'int' | 'strs'

/* The fields of an entry object: names, their UTF-8 bytes (to match keys undecoded), kinds. */
interface ObjectSpec {
  names: string[]
  bytes: Uint8Array[]
  kinds: Kind[]
}

function objectSpec(fields: [string, Kind][]): ObjectSpec {
  return { names: fields.map((f) => f[0]), bytes: fields.map((f) => utf8Enc.encode(f[0])), kinds: fields.map((f) => f[1]) }
}

const BEACON = objectSpec([['source', 'str'], ['round', 'str'], ['value', 'str']])
const QUOTA = objectSpec([['stratum', 'str'], ['count', 'int']])
const MEMBER = objectSpec([['department', 'str'], ['count', 'int']])
const CANDIDATE = objectSpec([['id', 'str'], ['stratum', 'str'], ['area', 'str']])
const INSPECTOR = objectSpec([['id', 'str'], ['department', 'str'], ['areas', 'strs']])
const CONFLICT = objectSpec([['inspector', 'str'], ['candidate', 'str']])
const ENTRY = objectSpec([['candidate', 'str'], ['key', 'str'], ['inspectors', 'strs']])

/* A field's name for a message: list, list[idx], with .field when given (idx < 0: none). */
function path(list: string, idx: number, field?: string): string {
  return (idx < 0 ? list : `${list}[${idx}]`) + (field ? `.${field}` : '')
}

/*
 * A strict JSON reader over UTF-8 bytes (RFC 8259): no duplicate keys, no
 * \u0000, no lone surrogates, valid UTF-8 only.  A syntax-only pass runs
 * first, so text that is not JSON at all is reported as such (with line
 * and column in bytes) rather than as a wrong field.
 */
class Reader {
  p = 0
  private readonly n: number

  constructor(private readonly b: Uint8Array) {
    this.n = b.length
  }

  syntax(what: string): DrawError {
    let line = 1
    let col = 1
    for (let q = 0; q < this.p && q < this.n; q++) {
      if (this.b[q] === 0x0a) {
        line++
        col = 1
      } else
        col++
    }
    return new DrawError('bad_json', '', `malformed JSON at line ${line} column ${col}: ${what}`)
  }

  /* The next byte after white space, or 0 at the end. */
  peek(): number {
    const b = this.b
    while (this.p < this.n) {
      const c = b[this.p]!
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09)
        return c
      this.p++
    }
    return 0
  }

  expect(c: number, what: string): void {
    if (this.peek() !== c)
      throw this.syntax(what)
    this.p++
  }

  literal(word: string): void {
    for (let i = 0; i < word.length; i++)
      if (this.p + i >= this.n || this.b[this.p + i] !== word.charCodeAt(i))
        throw this.syntax('unexpected character')
    this.p += word.length
  }

  private hex4(at: number): number {
    if (this.n - at < 4)
      return -1
    let v = 0
    for (let i = 0; i < 4; i++) {
      const c = this.b[at + i]!
      let d: number
      if (c >= 0x30 && c <= 0x39)
        d = c - 0x30
      else if (c >= 0x61 && c <= 0x66)
        d = c - 0x61 + 10
      else if (c >= 0x41 && c <= 0x46)
        d = c - 0x41 + 10
      else
        return -1
      v = v * 16 + d
    }
    return v
  }

  /* Length of the valid UTF-8 sequence at q (RFC 3629), or 0. */
  private utf8At(q: number): number {
    const b = this.b
    const c = b[q]!
    let lo = 0x80
    let hi = 0xbf
    let len: number
    if (c >= 0xc2 && c <= 0xdf)
      len = 2
    else if (c >= 0xe0 && c <= 0xef) {
      len = 3
      if (c === 0xe0)
        lo = 0xa0
      else if (c === 0xed)
        hi = 0x9f
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4
      if (c === 0xf0)
        lo = 0x90
      else if (c === 0xf4)
        hi = 0x8f
    } else
      return 0
    if (this.n - q < len || b[q + 1]! < lo || b[q + 1]! > hi)
      return 0
    for (let i = 2; i < len; i++)
      if ((b[q + i]! & 0xc0) !== 0x80)
        return 0
    return len
  }

  /*
   * At a key's opening quote: the index in keys of the key whose bytes
   * follow verbatim, advancing past it; -1 (not advancing) otherwise, when
   * the caller decodes the key.
   */
  keyIndex(keys: Uint8Array[]): number {
    const b = this.b
    const q = this.p + 1
    for (let k = 0; k < keys.length; k++) {
      const w = keys[k]!
      if (q + w.length >= this.n || b[q + w.length] !== 0x22)
        continue
      let i = 0
      while (i < w.length && b[q + i] === w[i])
        i++
      if (i === w.length) {
        this.p = q + w.length + 1
        return k
      }
    }
    return -1
  }

  /* The string at p (at its opening quote), decoded unless only checking. */
  string(decode: boolean): string {
    const b = this.b
    const n = this.n
    let q = this.p + 1
    const s = q
    while (q < n) {
      const c = b[q]!
      if (c < 0x20 || c >= 0x80 || c === 0x22 || c === 0x5c)
        break
      q++
    }
    if (q < n && b[q] === 0x22) {
      this.p = q + 1
      return decode ? utf8Dec.decode(b.subarray(s, q)) : ''
    }
    /* Escapes or non-ASCII: decode piece by piece. */
    let out = decode ? utf8Dec.decode(b.subarray(s, q)) : ''
    let run = q
    for (;;) {
      if (q >= n) {
        this.p = n
        throw this.syntax('unterminated string')
      }
      const c = b[q]!
      if (c === 0x22)
        break
      this.p = q
      if (c < 0x20)
        throw this.syntax('control character in a string')
      if (c === 0x5c) {
        if (decode)
          out += utf8Dec.decode(b.subarray(run, q))
        q++
        if (q >= n)
          throw this.syntax('unterminated string')
        const e = b[q++]!
        let piece: string
        switch (e) {
        case 0x22: piece = '"'; break
        case 0x5c: piece = '\\'; break
        case 0x2f: piece = '/'; break
        case 0x62: piece = '\b'; break
        case 0x66: piece = '\f'; break
        case 0x6e: piece = '\n'; break
        case 0x72: piece = '\r'; break
        case 0x74: piece = '\t'; break
        case 0x75: {
          let cp = this.hex4(q)
          if (cp < 0)
            throw this.syntax('bad \\u escape')
          q += 4
          if (cp >= 0xdc00 && cp <= 0xdfff)
            throw this.syntax('lone surrogate in \\u escape')
          if (cp >= 0xd800 && cp <= 0xdbff) {
            const lo = n - q >= 6 && b[q] === 0x5c && b[q + 1] === 0x75 ? this.hex4(q + 2) : -1
            if (lo < 0xdc00 || lo > 0xdfff)
              throw this.syntax('lone surrogate in \\u escape')
            q += 6
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00)
          }
          if (cp === 0)
            throw this.syntax('\\u0000 is not allowed')
          piece = String.fromCodePoint(cp)
          break
        }
        default:
          throw this.syntax('bad escape in string')
        }
        if (decode)
          out += piece
        run = q
      } else if (c < 0x80)
        q++
      else {
        const len = this.utf8At(q)
        if (len === 0)
          throw this.syntax('invalid UTF-8')
        q += len
      }
    }
    if (decode)
      out += utf8Dec.decode(b.subarray(run, q))
    this.p = q + 1
    return out
  }

  /*
   * A number (RFC 8259 grammar): its value when it is a whole number
   * within int64 (as a JS number, which is exact up to 2^53), 'frac' for
   * a fraction or exponent, 'big' beyond int64.
   */
  number(): number | 'frac' | 'big' {
    const b = this.b
    const n = this.n
    let q = this.p
    const start = q
    if (q < n && b[q] === 0x2d)
      q++
    if (q >= n || b[q]! < 0x30 || b[q]! > 0x39) {
      this.p = q
      throw this.syntax('malformed number')
    }
    const digits = q
    if (b[q] === 0x30)
      q++
    else
      while (q < n && b[q]! >= 0x30 && b[q]! <= 0x39)
        q++
    const intEnd = q
    let whole = true
    if (q < n && b[q] === 0x2e) {
      whole = false
      q++
      if (q >= n || b[q]! < 0x30 || b[q]! > 0x39) {
        this.p = q
        throw this.syntax('malformed number')
      }
      while (q < n && b[q]! >= 0x30 && b[q]! <= 0x39)
        q++
    }
    if (q < n && (b[q] === 0x65 || b[q] === 0x45)) {
      whole = false
      q++
      if (q < n && (b[q] === 0x2b || b[q] === 0x2d))
        q++
      if (q >= n || b[q]! < 0x30 || b[q]! > 0x39) {
        this.p = q
        throw this.syntax('malformed number')
      }
      while (q < n && b[q]! >= 0x30 && b[q]! <= 0x39)
        q++
    }
    this.p = q
    if (!whole)
      return 'frac'
    const text = utf8Dec.decode(b.subarray(start, intEnd))
    if (intEnd - digits <= 15)
      return Number(text)
    const v = BigInt(text)
    if (v > 9223372036854775807n || v < -9223372036854775808n)
      return 'big'
    return Number(v)
  }

  /* Any value, for syntax only. */
  skip(depth: number): void {
    if (depth > JSON_DEPTH)
      throw this.syntax('nested too deeply')
    const c = this.peek()
    if (c === 0x22) {
      this.string(false)
      return
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      this.number()
      return
    }
    if (c === 0x74)
      return this.literal('true')
    if (c === 0x66)
      return this.literal('false')
    if (c === 0x6e)
      return this.literal('null')
    if (c !== 0x7b && c !== 0x5b)
      throw this.syntax(c ? 'unexpected character' : 'unexpected end of text')
    const close = c === 0x7b ? 0x7d : 0x5d
    this.p++
    if (this.peek() === close) {
      this.p++
      return
    }
    for (;;) {
      if (c === 0x7b) {
        if (this.peek() !== 0x22)
          throw this.syntax('expected a key')
        this.string(false)
        this.expect(0x3a, "expected ':'")
      }
      this.skip(depth + 1)
      if (this.peek() === 0x2c) {
        this.p++
        continue
      }
      this.expect(close, c === 0x7b ? "expected ',' or '}'" : "expected ',' or ']'")
      return
    }
  }

  typeName(c: number): string {
    switch (c) {
    case 0x22: return 'a string'
    case 0x7b: return 'an object'
    case 0x5b: return 'a list'
    case 0x6e: return 'null'
    case 0x74:
    case 0x66: return 'a boolean'
    default: return 'a number'
    }
  }

  fail(code: DrawErrorCode, field: string, msg: string): DrawError {
    return new DrawError(code, field, `${field}: ${msg}`)
  }

  /* A string value; the field is list[idx].field, named only in a message. */
  str(list: string, idx: number, field?: string): string {
    const c = this.peek()
    if (c !== 0x22)
      throw this.fail('type', path(list, idx, field), `must be a string, not ${this.typeName(c)}`)
    return this.string(true)
  }

  int(list: string, idx: number, field?: string): number {
    const c = this.peek()
    if (c !== 0x2d && (c < 0x30 || c > 0x39))
      throw this.fail('type', path(list, idx, field), `must be a whole number, not ${this.typeName(c)}`)
    const v = this.number()
    if (v === 'frac')
      throw this.fail('type', path(list, idx, field), 'must be a whole number')
    if (v === 'big')
      throw this.fail('range', path(list, idx, field), 'out of range')
    return v
  }

  strs(list: string, idx: number, field?: string): string[] {
    const c = this.peek()
    if (c !== 0x5b)
      throw this.fail('type', path(list, idx, field), `must be a list, not ${this.typeName(c)}`)
    this.p++
    const out: string[] = []
    if (this.peek() !== 0x5d)
      for (;;) {
        if (out.length === DRAW_LIST_MAX)
          throw this.fail('range', path(list, idx, field), `more than ${DRAW_LIST_MAX} entries`)
        const d = this.peek()
        if (d !== 0x22)
          throw this.fail('type', `${path(list, idx, field)}[${out.length}]`, `must be a string, not ${this.typeName(d)}`)
        out.push(this.string(true))
        if (this.peek() !== 0x2c)
          break
        this.p++
      }
    this.expect(0x5d, "expected ',' or ']'")
    return out
  }

  /*
   * An object with exactly the fields of spec, in any order (list[idx]
   * names it): their values in the spec's order.
   */
  object(list: string, idx: number, spec: ObjectSpec): unknown[] {
    const c = this.peek()
    if (c !== 0x7b)
      throw this.fail('type', path(list, idx), `must be an object, not ${this.typeName(c)}`)
    this.p++
    const out = new Array<unknown>(spec.names.length)
    let seen = 0
    if (this.peek() !== 0x7d)
      for (;;) {
        if (this.peek() !== 0x22)
          throw this.syntax('expected a key')
        let k = this.keyIndex(spec.bytes)
        if (k < 0) {
          const key = this.string(true)
          k = spec.names.indexOf(key)
          if (k < 0)
            throw this.fail('unknown_field', path(list, idx), `unknown field "${cut(key, 40)}"`)
        }
        const name = spec.names[k]!
        if (seen & (1 << k))
          throw this.fail('duplicate_key', path(list, idx, name), 'duplicate key')
        seen |= 1 << k
        this.expect(0x3a, "expected ':'")
        const kind = spec.kinds[k]
        out[k] = kind === 'str' ? this.str(list, idx, name) : kind === 'int' ? this.int(list, idx, name) : this.strs(list, idx, name)
        if (this.peek() !== 0x2c)
          break
        this.p++
      }
    this.expect(0x7d, "expected ',' or '}'")
    for (let k = 0; k < spec.names.length; k++)
      if (!(seen & (1 << k)))
        throw this.fail('missing', path(list, idx, spec.names[k]), 'missing')
    return out
  }

  /* A list of entries read by item; pauses (yields) every PARSE_CHUNK entries so a caller may breathe. */
  *list<T>(name: string, item: (idx: number) => T): Generator<void, T[]> {
    const c = this.peek()
    if (c !== 0x5b)
      throw this.fail('type', name, `must be a list, not ${this.typeName(c)}`)
    this.p++
    const out: T[] = []
    if (this.peek() !== 0x5d)
      for (;;) {
        if (out.length === DRAW_LIST_MAX)
          throw this.fail('range', name, `more than ${DRAW_LIST_MAX} entries`)
        out.push(item(out.length))
        if (out.length % PARSE_CHUNK === 0)
          yield
        if (this.peek() !== 0x2c)
          break
        this.p++
      }
    this.expect(0x5d, "expected ',' or ']'")
    return out
  }
}

const TOP_FIELDS = [
  'version', 'plan_id', 'beacon', 'quotas', 'team', 'max_load', 'candidates', 'inspectors', 'conflicts',
  'candidates_hash', 'roster_hash', 'seed', 'selected', 'unassigned',
] as const
type TopField = typeof TOP_FIELDS[number]

/* Text into UTF-8 bytes; a pasted string with a lone surrogate is not valid text. */
function toBytes(input: string | Uint8Array): Uint8Array {
  if (typeof input !== 'string')
    return input
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdfff) {
      const ok = c <= 0xdbff && i + 1 < input.length &&
        input.charCodeAt(i + 1) >= 0xdc00 && input.charCodeAt(i + 1) <= 0xdfff
      if (!ok) {
        const before = input.slice(0, i)
        const line = before.split('\n').length
        const col = byteLength(before.slice(before.lastIndexOf('\n') + 1)) + 1
        throw new DrawError('bad_json', '', `malformed JSON at line ${line} column ${col}: invalid UTF-8`)
      }
      i++
    }
  }
  return utf8Enc.encode(input)
}

/*
 * Read a bundle (spec §6, public or full form) from its text or bytes.
 * Strict: one JSON object, exactly the spec's fields, each of its type,
 * inspectors and conflicts both lists or both null.  Values are checked
 * by verifyBundle (validateInput).  Throws DrawError.
 */
export function parseBundle(input: string | Uint8Array): DrawBundle {
  const bytes = toBytes(input)
  try {
    const g = readBundle(bytes)
    for (;;) {
      const r = g.next()
      if (r.done)
        return r.value
    }
  } catch (e) {
    throw notJson(bytes, e)
  }
}

/* parseBundle, breathing between chunks of long lists. */
async function parseBundleChunked(input: string | Uint8Array, pace: Pacer): Promise<DrawBundle> {
  const bytes = toBytes(input)
  try {
    return await drive(readBundle(bytes), pace)
  } catch (e) {
    throw notJson(bytes, e)
  }
}

/* A wrong field in text that is not JSON at all: say the latter (a truncated download, a wrong file). */
function notJson(bytes: Uint8Array, e: unknown): unknown {
  if (!(e instanceof DrawError) || e.code === 'bad_json')
    return e
  const check = new Reader(bytes)
  try {
    check.skip(0)
    if (check.peek() !== 0)
      throw check.syntax('text after the end of the bundle')
  } catch (syntax) {
    return syntax
  }
  return e
}

function* readBundle(bytes: Uint8Array): Generator<void, DrawBundle> {
  const r = new Reader(bytes)
  const doc: Partial<Record<TopField, unknown>> = {}
  const seen = new Set<TopField>()
  let nulls = 0
  r.expect(0x7b, "expected '{'")
  if (r.peek() !== 0x7d)
    for (;;) {
      if (r.peek() !== 0x22)
        throw r.syntax('expected a key')
      const key = r.string(true)
      const f = (TOP_FIELDS as readonly string[]).includes(key) ? key as TopField : null
      if (f === null)
        throw new DrawError('unknown_field', '', `unknown field "${cut(key, 40)}"`)
      if (seen.has(f))
        throw new DrawError('duplicate_key', f, `${f}: duplicate key`)
      seen.add(f)
      r.expect(0x3a, "expected ':'")
      switch (f) {
      case 'version':
      case 'plan_id':
      case 'candidates_hash':
      case 'roster_hash':
      case 'seed':
        doc[f] = r.str(f, -1)
        break
      case 'beacon': {
        const v = r.object('beacon', -1, BEACON) as string[]
        doc.beacon = { source: v[0]!, round: v[1]!, value: v[2]! }
        break
      }
      case 'quotas':
        doc.quotas = yield* r.list('quotas', (i) => {
          const v = r.object('quotas', i, QUOTA)
          return { stratum: v[0] as string, count: v[1] as number }
        })
        break
      case 'team':
        doc.team = yield* r.list('team', (i) => {
          const v = r.object('team', i, MEMBER)
          return { department: v[0] as string, count: v[1] as number }
        })
        break
      case 'max_load':
        doc.max_load = r.int('max_load', -1)
        break
      case 'candidates':
        doc.candidates = yield* r.list('candidates', (i) => {
          const v = r.object('candidates', i, CANDIDATE) as string[]
          return { id: v[0]!, stratum: v[1]!, area: v[2]! }
        })
        break
      case 'inspectors':
      case 'conflicts':
        if (r.peek() === 0x6e) {
          r.literal('null')
          nulls |= f === 'inspectors' ? 1 : 2
          doc[f] = null
        } else if (f === 'inspectors')
          doc.inspectors = yield* r.list('inspectors', (i) => {
            const v = r.object('inspectors', i, INSPECTOR)
            return { id: v[0] as string, department: v[1] as string, areas: v[2] as string[] }
          })
        else
          doc.conflicts = yield* r.list('conflicts', (i) => {
            const v = r.object('conflicts', i, CONFLICT) as string[]
            return { inspector: v[0]!, candidate: v[1]! }
          })
        break
      case 'selected':
        doc.selected = yield* r.list('selected', (i) => {
          const v = r.object('selected', i, ENTRY)
          return { candidate: v[0] as string, key: v[1] as string, inspectors: v[2] as string[] }
        })
        break
      case 'unassigned':
        doc.unassigned = r.strs('unassigned', -1)
        break
      }
      if (r.peek() !== 0x2c)
        break
      r.p++
    }
  r.expect(0x7d, "expected ',' or '}'")
  if (r.peek() !== 0)
    throw r.syntax('text after the end of the bundle')
  for (const f of TOP_FIELDS)
    if (!seen.has(f))
      throw new DrawError('missing', f, `${f}: missing`)
  if (nulls !== 0 && nulls !== 3)
    throw new DrawError('invalid', 'inspectors', 'inspectors and conflicts must both be lists (a full bundle) or both be null (a public bundle)')
  return doc as unknown as DrawBundle
}

/* -------------------------------------------------------- validation */

/* The canonical orders a verified input yields (spec §1). */
interface Canon {
  /* Candidate indices sorted by id. */
  cand: number[]
  /* Per candidate: the index of its quota. */
  candQuota: Uint32Array
  /* Per quota: how many candidates have its stratum. */
  quotaSize: number[]
  /* Full form only: inspector indices sorted by id, each one's areas sorted, conflicts in X-line order. */
  insp: number[] | null
  areas: string[][] | null
  pairs: { insp: number; cand: number }[] | null
}

/* The spec's character rules ("Inputs"), with the C engine's length limit. */
function nameCheck(s: string, field: string): void {
  let bytes = 0
  for (let i = 0; i < s.length; i++) {
    if (bytes >= DRAW_NAME_MAX)
      throw new DrawError('range', field, `${field}: longer than ${DRAW_NAME_MAX} bytes`)
    const c = s.charCodeAt(i)
    if (c >= 0x20 && c <= 0x7e && c !== 0x2c) {
      bytes++
      continue
    }
    let why: string
    if (c === 0x09)
      why = 'contains a tab'
    else if (c === 0x0a)
      why = 'contains a newline'
    else if (c === 0x2c)
      why = 'contains a comma'
    else {
      const cp = s.codePointAt(i)!
      const first = cp < 0x80 ? cp : cp < 0x800 ? 0xc0 | (cp >> 6) : cp < 0x10000 ? 0xe0 | (cp >> 12) : 0xf0 | (cp >> 18)
      why = `contains the byte 0x${first.toString(16).padStart(2, '0')} (only printable ASCII is allowed)`
    }
    throw new DrawError('invalid', field, `${field}: ${why}`)
  }
  if (s.length === 0)
    throw new DrawError('invalid', field, `${field}: must not be empty`)
}

/* Beacon texts: any UTF-8 text, not empty, at most 4096 bytes. */
function textCheck(s: string, field: string): void {
  if (s.length === 0)
    throw new DrawError('invalid', field, `${field}: must not be empty`)
  if (byteLength(s) > DRAW_TEXT_MAX)
    throw new DrawError('range', field, `${field}: longer than ${DRAW_TEXT_MAX} bytes`)
}

function rangeCheck(v: number, lo: number, hi: number, field: string): void {
  if (v < lo || v > hi)
    throw new DrawError('range', field, `${field}: must be ${lo} to ${hi}`)
}

/* Indices 0..n-1 sorted by key(i) bytewise, ties by index; rosters often arrive sorted. */
function sortedBy(n: number, key: (i: number) => string): number[] {
  const order = Array.from({ length: n }, (_, i) => i)
  let sorted = true
  for (let i = 1; i < n && sorted; i++)
    if (cmpUtf8(key(i - 1), key(i)) > 0)
      sorted = false
  if (!sorted)
    order.sort((a, b) => cmpUtf8(key(a), key(b)) || a - b)
  return order
}

/* The first position whose value repeats an earlier one, or -1. */
function firstRepeat(n: number, key: (i: number) => string): number {
  const seen = new Set<string>()
  for (let i = 0; i < n; i++) {
    const k = key(i)
    if (seen.has(k))
      return i
    seen.add(k)
  }
  return -1
}

/*
 * Check a draw's inputs against the spec's rules, in the C engine's order
 * (draw_validate): plan id, beacon, max_load, team, the public roster
 * hash; quotas and candidates (a quota for every stratum, a candidate for
 * every quota, no id twice); inspectors (no id twice, no area twice);
 * conflicts (naming roster members, no pair twice).  Returns the canonical
 * orders; throws DrawError for the first problem.
 */
function* validateInput(b: DrawInput): Generator<void, Canon> {
  nameCheck(b.plan_id, 'plan_id')
  textCheck(b.beacon.source, 'beacon.source')
  textCheck(b.beacon.round, 'beacon.round')
  textCheck(b.beacon.value, 'beacon.value')
  rangeCheck(b.max_load, 1, DRAW_LIST_MAX, 'max_load')
  if (b.team.length === 0)
    throw new DrawError('missing', 'team', 'team: must name at least one department')
  b.team.forEach((m, i) => {
    nameCheck(m.department, `team[${i}].department`)
    rangeCheck(m.count, 1, DRAW_LIST_MAX, `team[${i}].count`)
  })
  const withheld = b.inspectors === null
  if (withheld && !/^[0-9a-f]{64}$/.test((b as Partial<DrawBundle>).roster_hash ?? ''))
    throw new DrawError('invalid', 'roster_hash', 'roster_hash: must be 64 lowercase hex digits')

  const strata = new Map<string, number>()
  b.quotas.forEach((q, i) => {
    const f = `quotas[${i}].stratum`
    nameCheck(q.stratum, f)
    if (q.count < 0)
      throw new DrawError('range', `quotas[${i}].count`, `quotas[${i}].count: must be 0 or more`)
    if (strata.has(q.stratum))
      throw new DrawError('invalid', f, `${f}: a second quota for stratum "${cut(q.stratum, 64)}"`)
    strata.set(q.stratum, i)
  })
  const nc = b.candidates.length
  if (nc === 0)
    throw new DrawError('missing', 'candidates', 'candidates: must not be empty')
  const candQuota = new Uint32Array(nc)
  const quotaSize = new Array<number>(b.quotas.length).fill(0)
  for (let i = 0; i < nc; i++) {
    const c = b.candidates[i]!
    nameCheck(c.id, `candidates[${i}].id`)
    nameCheck(c.stratum, `candidates[${i}].stratum`)
    nameCheck(c.area, `candidates[${i}].area`)
    const q = strata.get(c.stratum)
    if (q === undefined) {
      const f = `candidates[${i}].stratum`
      throw new DrawError('invalid', f, `${f}: no quota for stratum "${cut(c.stratum, 64)}"`)
    }
    candQuota[i] = q
    quotaSize[q]!++
    if ((i + 1) % PARSE_CHUNK === 0)
      yield
  }
  /* A quota the ratio rules made for no candidate means a roster lost. */
  quotaSize.forEach((n, i) => {
    if (n === 0) {
      const f = `quotas[${i}].stratum`
      throw new DrawError('invalid', f, `${f}: no candidate has stratum "${cut(b.quotas[i]!.stratum, 64)}"`)
    }
  })
  const cid = (i: number): string => b.candidates[i]!.id
  const dupc = firstRepeat(nc, cid)
  if (dupc >= 0) {
    const f = `candidates[${dupc}].id`
    throw new DrawError('invalid', f, `${f}: duplicate candidate id "${cut(cid(dupc), 64)}"`)
  }
  yield
  const canon: Canon = { cand: sortedBy(nc, cid), candQuota, quotaSize, insp: null, areas: null, pairs: null }
  yield
  if (withheld)
    return canon

  const insp = b.inspectors!
  insp.forEach((p, i) => {
    nameCheck(p.id, `inspectors[${i}].id`)
    nameCheck(p.department, `inspectors[${i}].department`)
    p.areas.forEach((a, j) => nameCheck(a, `inspectors[${i}].areas[${j}]`))
  })
  canon.areas = insp.map((p, i) => {
    const dup = firstRepeat(p.areas.length, (j) => p.areas[j]!)
    if (dup >= 0) {
      const f = `inspectors[${i}].areas[${dup}]`
      throw new DrawError('invalid', f, `${f}: area "${cut(p.areas[dup]!, 64)}" listed twice`)
    }
    return [...p.areas].sort(cmpUtf8)
  })
  const iid = (i: number): string => insp[i]!.id
  const dupi = firstRepeat(insp.length, iid)
  if (dupi >= 0) {
    const f = `inspectors[${dupi}].id`
    throw new DrawError('invalid', f, `${f}: duplicate inspector id "${cut(iid(dupi), 64)}"`)
  }
  canon.insp = sortedBy(insp.length, iid)

  const inspIndex = new Map<string, number>()
  insp.forEach((p, i) => inspIndex.set(p.id, i))
  const candIndex = new Map<string, number>()
  b.candidates.forEach((c, i) => candIndex.set(c.id, i))
  yield
  const xs = b.conflicts!.map((x, i) => {
    nameCheck(x.inspector, `conflicts[${i}].inspector`)
    nameCheck(x.candidate, `conflicts[${i}].candidate`)
    /* A conflict naming nobody would protect nobody: a typo. */
    const ii = inspIndex.get(x.inspector)
    if (ii === undefined) {
      const f = `conflicts[${i}].inspector`
      throw new DrawError('invalid', f, `${f}: no inspector "${cut(x.inspector, 64)}" in the roster`)
    }
    const ci = candIndex.get(x.candidate)
    if (ci === undefined) {
      const f = `conflicts[${i}].candidate`
      throw new DrawError('invalid', f, `${f}: no candidate "${cut(x.candidate, 64)}" in the roster`)
    }
    return { line: `X\t${x.inspector}\t${x.candidate}\n`, insp: ii, cand: ci, idx: i }
  })
  xs.sort((p, q) => cmpUtf8(p.line, q.line) || p.idx - q.idx)
  for (let i = 1; i < xs.length; i++)
    if (xs[i]!.line === xs[i - 1]!.line) {
      const x = b.conflicts![xs[i]!.idx]!
      const f = `conflicts[${xs[i]!.idx}]`
      throw new DrawError('invalid', f, `${f}: the same conflict twice ("${cut(x.inspector, 64)}", "${cut(x.candidate, 64)}")`)
    }
  canon.pairs = xs.map((x) => ({ insp: x.insp, cand: x.cand }))
  return canon
}

/* Run a step that pauses (a generator) to its end, breathing at each pause. */
async function drive<T>(g: Generator<void, T>, pace: Pacer): Promise<T> {
  for (;;) {
    const r = g.next()
    if (r.done)
      return r.value
    await pace.breathe()
  }
}

/* ------------------------------------------------------------- hashing */

/* Progress and cooperative yielding for one run. */
class Pacer {
  private hashes = 0

  constructor(private readonly opts: DrawOptions) {}

  /* Count one hash; every DRAW_YIELD_EVERY, report and let the page breathe. */
  tick(phase: DrawPhase, done: number, total: number): Promise<void> | null {
    if (++this.hashes % DRAW_YIELD_EVERY !== 0)
      return null
    return this.pause(phase, done, total)
  }

  async pause(phase: DrawPhase, done: number, total: number): Promise<void> {
    this.opts.onProgress?.({ phase, done, total })
    await yieldToEventLoop()
    if (this.opts.signal?.aborted)
      throw new DOMException('verification cancelled', 'AbortError')
  }

  report(phase: DrawPhase, done: number, total: number): void {
    this.opts.onProgress?.({ phase, done, total })
  }

  /* Between two long synchronous steps (reading, checking, sorting): let the page breathe. */
  async breathe(): Promise<void> {
    await yieldToEventLoop()
    if (this.opts.signal?.aborted)
      throw new DOMException('verification cancelled', 'AbortError')
  }
}

/* A macrotask boundary (MessageChannel: no 4 ms timer clamping), so input and painting run. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof MessageChannel === 'function') {
      const ch = new MessageChannel()
      ch.port1.onmessage = () => {
        ch.port1.close()
        ch.port2.close()
        resolve()
      }
      ch.port2.postMessage(null)
    } else
      setTimeout(resolve, 0)
  })
}

/* Write the ASCII name s at off (names are checked printable ASCII); returns its length. */
function putName(buf: Uint8Array, off: number, s: string): number {
  for (let i = 0; i < s.length; i++)
    buf[off + i] = s.charCodeAt(i)
  return s.length
}

/* SM3 over a stream of lines, fed in 64 KiB chunks. */
class LineHasher {
  readonly h = new Sm3()
  private readonly buf = new Uint8Array(65536)
  private n = 0

  add(s: string): void {
    if (this.n + s.length > this.buf.length)
      this.flush()
    if (s.length > this.buf.length) {
      this.h.update(utf8Enc.encode(s))
      return
    }
    this.n += putName(this.buf, this.n, s)
  }

  flush(): void {
    this.h.update(this.buf, 0, this.n)
    this.n = 0
  }
}

/*
 * Spec §1: the canonical roster's hashes.  The roster begins with the C
 * lines, so the hasher's state after them, finished on a copy, gives
 * candidates_hash.  A public input has no I or X lines to hash.
 */
async function rosterHashes(b: DrawInput, k: Canon, pace: Pacer): Promise<{ candidates: string; roster: string | null }> {
  const lh = new LineHasher()
  const total = b.candidates.length + (b.inspectors?.length ?? 0) + (b.conflicts?.length ?? 0)
  let done = 0
  for (const i of k.cand) {
    const c = b.candidates[i]!
    lh.add('C\t')
    lh.add(c.id)
    lh.add('\t')
    lh.add(c.stratum)
    lh.add('\t')
    lh.add(c.area)
    lh.add('\n')
    if (++done % DRAW_YIELD_EVERY === 0)
      await pace.pause('roster', done, total)
  }
  lh.flush()
  const candidates = toHex(lh.h.clone().digest())
  if (b.inspectors === null)
    return { candidates, roster: null }
  for (const i of k.insp!) {
    const p = b.inspectors[i]!
    lh.add('I\t')
    lh.add(p.id)
    lh.add('\t')
    lh.add(p.department)
    lh.add('\t')
    lh.add(k.areas![i]!.join(','))
    lh.add('\n')
    if (++done % DRAW_YIELD_EVERY === 0)
      await pace.pause('roster', done, total)
  }
  for (const x of k.pairs!) {
    lh.add('X\t')
    lh.add(b.inspectors[x.insp]!.id)
    lh.add('\t')
    lh.add(b.candidates[x.cand]!.id)
    lh.add('\n')
    if (++done % DRAW_YIELD_EVERY === 0)
      await pace.pause('roster', done, total)
  }
  lh.flush()
  pace.report('roster', total, total)
  return { candidates, roster: toHex(lh.h.digest()) }
}

/* Spec §3: SM3("firewarden-draw-v1" || 0 || plan_id || 0 || roster_hash_hex || 0 || beacon_value). */
export function drawSeed(planId: string, rosterHashHex: string, beaconValue: string): Uint8Array {
  const h = new Sm3()
  const zero = new Uint8Array(1)
  h.update(utf8Enc.encode(DRAW_VERSION)).update(zero)
  h.update(utf8Enc.encode(planId)).update(zero)
  h.update(utf8Enc.encode(rosterHashHex)).update(zero)
  h.update(utf8Enc.encode(beaconValue))
  return h.digest()
}

/* Compare the 8-word keys at a[i*8] and b[j*8] as 256-bit big-endian numbers. */
function cmpKey(a: Uint32Array, i: number, b: Uint32Array, j: number): number {
  const x = i * 8
  const y = j * 8
  for (let w = 0; w < 8; w++) {
    const u = a[x + w]!
    const v = b[y + w]!
    if (u !== v)
      return u < v ? -1 : 1
  }
  return 0
}

function keyHex(keys: Uint32Array, i: number): string {
  let s = ''
  for (let w = 0; w < 8; w++)
    s += keys[i * 8 + w]!.toString(16).padStart(8, '0')
  return s
}

interface Selection {
  /* Candidate indices in assignment order (spec §5). */
  picks: number[]
  /* key(c) of every candidate of a stratum with a non-zero quota, 8 words each. */
  keys: Uint32Array
}

/*
 * Spec §4: key(c) = SM3(seed || 0x01 || c.id); per stratum the count
 * smallest (key, id), all of it when the stratum is smaller; then all of
 * them in ascending (key, id), the order of §5.
 */
async function select(b: DrawInput, k: Canon, seed: Uint8Array, pace: Pacer): Promise<Selection> {
  const n = b.candidates.length
  const keys = new Uint32Array(n * 8)
  const cap = b.quotas.map((q, i) => Math.min(q.count, k.quotaSize[i]!))
  const msg = new Uint8Array(32 + 1 + DRAW_NAME_MAX)
  msg.set(seed)
  msg[32] = 0x01
  const h = new Sm3()
  const groups: number[][] = b.quotas.map(() => [])
  for (let i = 0; i < n; i++) {
    const q = k.candQuota[i]!
    if (cap[q] === 0)
      continue
    const len = putName(msg, 33, b.candidates[i]!.id)
    h.update(msg, 0, 33 + len).digestWords(keys, i * 8)
    groups[q]!.push(i)
    const t = pace.tick('keys', i + 1, n)
    if (t)
      await t
  }
  pace.report('keys', n, n)
  await pace.breathe()
  const byKey = (x: number, y: number): number => cmpKey(keys, x, keys, y) || cmpUtf8(b.candidates[x]!.id, b.candidates[y]!.id)
  const picks: number[] = []
  groups.forEach((g, q) => {
    if (g.length > cap[q]!) {
      g.sort(byKey)
      g.length = cap[q]!
    }
    for (const i of g)
      picks.push(i)
  })
  picks.sort(byKey)
  return { picks, keys }
}

/*
 * Spec §5.  For each pick in order and each team row in its listed
 * order: the inspectors of that department covering the candidate's area,
 * without a conflict with it, below max_load and not yet chosen for it;
 * the count of them with the smallest key(c, i) = SM3(seed || 0x02 ||
 * c.id || 0x00 || i.id), ties by id.  A row that cannot be filled leaves
 * the candidate unassigned: nobody, and nobody's load changes.  Returns
 * per pick the inspector indices (empty when unassigned).
 */
async function assign(b: DrawInput, k: Canon, seed: Uint8Array, picks: number[], pace: Pacer): Promise<number[][]> {
  const insp = b.inspectors!
  const ni = insp.length
  const slots = new Map<string, number>()
  const rowSlot = b.team.map((m) => {
    if (!slots.has(m.department))
      slots.set(m.department, slots.size)
    return slots.get(m.department)!
  })
  /* Pools of (department, area); an inspector leaves them at max_load. */
  const pools = new Map<string, number[]>()
  for (let i = 0; i < ni; i++) {
    const s = slots.get(insp[i]!.department)
    if (s === undefined)
      continue
    for (const a of insp[i]!.areas) {
      const key = `${s}\t${a}`
      let pool = pools.get(key)
      if (!pool)
        pools.set(key, pool = [])
      pool.push(i)
    }
  }
  const conflictsOf = new Map<number, number[]>()
  for (const x of k.pairs!) {
    let l = conflictsOf.get(x.cand)
    if (!l)
      conflictsOf.set(x.cand, l = [])
    l.push(x.insp)
  }
  const load = new Uint32Array(ni)
  const confMark = new Int32Array(ni)
  const pickMark = new Int32Array(ni)
  const ekeys = new Uint32Array(Math.max(1, ni) * 8)
  const msg = new Uint8Array(32 + 2 + 2 * DRAW_NAME_MAX)
  msg.set(seed)
  msg[32] = 0x02
  const h = new Sm3()
  const out: number[][] = []
  for (let p = 0; p < picks.length; p++) {
    const c = b.candidates[picks[p]!]!
    const tick = p + 1
    for (const ii of conflictsOf.get(picks[p]!) ?? [])
      confMark[ii] = tick
    const cl = putName(msg, 33, c.id)
    msg[33 + cl] = 0x00
    const base = 34 + cl
    const chosen: number[] = []
    let ok = true
    for (let t = 0; t < b.team.length && ok; t++) {
      const need = b.team[t]!.count
      const pool = pools.get(`${rowSlot[t]}\t${c.area}`)
      if (!pool) {
        ok = false
        break
      }
      const elig: number[] = []
      for (let j = 0; j < pool.length;) {
        const ii = pool[j]!
        if (load[ii]! >= b.max_load) {
          /* Full for good: out of the pool. */
          pool[j] = pool[pool.length - 1]!
          pool.pop()
          continue
        }
        j++
        if (confMark[ii] === tick || pickMark[ii] === tick)
          continue
        const il = putName(msg, base, insp[ii]!.id)
        h.update(msg, 0, base + il).digestWords(ekeys, elig.length * 8)
        elig.push(ii)
        const w = pace.tick('assign', p, picks.length)
        if (w)
          await w
      }
      if (elig.length < need) {
        ok = false
        break
      }
      const pos = elig.map((_, x) => x)
      pos.sort((x, y) => cmpKey(ekeys, x, ekeys, y) || cmpUtf8(insp[elig[x]!]!.id, insp[elig[y]!]!.id))
      for (let x = 0; x < need; x++) {
        const ii = elig[pos[x]!]!
        pickMark[ii] = tick
        chosen.push(ii)
      }
    }
    if (ok) {
      for (const ii of chosen)
        load[ii]!++
      out.push(chosen)
    } else
      out.push([])
  }
  pace.report('assign', picks.length, picks.length)
  return out
}

/* ------------------------------------------------------------ the run */

/*
 * Run a draw from its inputs (a full input: inspectors and conflicts
 * lists): the computed fields of its bundle, in the spec's order.  For
 * producing bundles (tests, demonstrations); throws DrawError when the
 * inputs break a rule.
 */
export async function computeDraw(input: DrawInput, opts: DrawOptions = {}): Promise<DrawComputed> {
  if (input.inspectors === null || input.conflicts === null)
    throw new DrawError('invalid', 'inspectors', 'inspectors: a draw needs the full roster, not null')
  const pace = new Pacer(opts)
  const canon = await drive(validateInput(input), pace)
  const hashes = await rosterHashes(input, canon, pace)
  const seed = drawSeed(input.plan_id, hashes.roster!, input.beacon.value)
  const sel = await select(input, canon, seed, pace)
  const assigned = await assign(input, canon, seed, sel.picks, pace)
  const selected = sel.picks.map((c, p) => ({
    candidate: input.candidates[c]!.id,
    key: keyHex(sel.keys, c),
    inspectors: assigned[p]!.map((i) => input.inspectors![i]!.id),
  }))
  return {
    candidates_hash: hashes.candidates,
    roster_hash: hashes.roster!,
    seed: toHex(seed),
    selected,
    unassigned: selected.filter((s) => s.inspectors.length === 0).map((s) => s.candidate),
  }
}

/* The unassigned list against the ids the draw left unassigned. */
function checkUnassigned(b: DrawBundle, want: string[]): void {
  for (let i = 0; i < want.length && i < b.unassigned.length; i++)
    if (want[i] !== b.unassigned[i])
      throw differ(`unassigned[${i}]`, want[i]!, b.unassigned[i]!)
  if (want.length !== b.unassigned.length)
    throw countDiffer('unassigned', want.length, b.unassigned.length)
}

/*
 * What a public bundle's inspector lists can be checked for without the
 * roster: each names the whole team or nobody, the unassigned list names
 * exactly those with nobody, nobody twice for one candidate, nobody above
 * max_load.
 */
function checkPublic(b: DrawBundle): void {
  const team = b.team.reduce((n, m) => n + m.count, 0)
  const want: string[] = []
  b.selected.forEach((s, i) => {
    const n = s.inspectors.length
    if (n !== 0 && n !== team) {
      const f = `selected[${i}].inspectors`
      throw new DrawError('invalid', f, `${f}: expected ${team} entries (the team) or none (unassigned), bundle has ${n}`)
    }
    if (n === 0)
      want.push(s.candidate)
  })
  checkUnassigned(b, want)
  const named: { id: string; entry: number }[] = []
  b.selected.forEach((s, i) => s.inspectors.forEach((id) => named.push({ id, entry: i })))
  named.sort((x, y) => cmpUtf8(x.id, y.id) || x.entry - y.entry)
  let run = 0
  named.forEach((x, i) => {
    run = i > 0 && x.id === named[i - 1]!.id ? run + 1 : 1
    const f = `selected[${x.entry}].inspectors`
    if (run > 1 && x.entry === named[i - 1]!.entry)
      throw new DrawError('invalid', f, `${f}: inspector "${cut(x.id, 64)}" listed twice`)
    if (run > b.max_load)
      throw new DrawError('invalid', f, `${f}: inspector "${cut(x.id, 64)}" would have more than max_load (${b.max_load}) candidates`)
  })
}

/* The entry index a field like "selected[3].key" names, or null. */
function entryOf(field: string): number | null {
  const m = /^selected\[(\d+)\]/.exec(field)
  return m ? Number(m[1]) : null
}

/*
 * Verify a bundle (spec "Verifying") from its text or bytes: read it,
 * check the version and the inputs, recompute candidates_hash,
 * roster_hash (full form; a public bundle's is taken as given), the seed,
 * every selected entry (candidate, key and, in the full form, inspectors)
 * in order and the unassigned list (for a public bundle: what its lists
 * can show without the roster).  Resolves with the steps run and, when
 * one fails, the first difference; rejects only when opts.signal aborts.
 */
export async function verifyBundle(input: string | Uint8Array, opts: DrawOptions = {}): Promise<VerifyResult> {
  const steps: DrawStep[] = []
  let bundle: DrawBundle | null = null
  let checkedEntries = 0
  const pace = new Pacer(opts)
  let current: StepName = 'parse'
  const pass = (detail: string, skipped = false): void => {
    steps.push(skipped ? { name: current, ok: true, detail, skipped } : { name: current, ok: true, detail })
  }
  try {
    bundle = await parseBundleChunked(input, pace)
    await pace.breathe()
    const b = bundle
    const withheld = b.inspectors === null
    pass(withheld ? 'public bundle: inspectors and conflicts withheld' : 'full bundle')

    current = 'version'
    if (b.version !== DRAW_VERSION)
      throw differ('version', DRAW_VERSION, b.version)
    pass(DRAW_VERSION)

    current = 'inputs'
    const canon = await drive(validateInput(b), pace)
    await pace.breathe()
    pass(`${b.candidates.length} candidates in ${b.quotas.length} strata, ` +
      (withheld ? 'inspectors and conflicts withheld' : `${b.inspectors!.length} inspectors, ${b.conflicts!.length} conflicts`))

    current = 'candidates_hash'
    const hashes = await rosterHashes(b, canon, pace)
    if (hashes.candidates !== b.candidates_hash)
      throw differ('candidates_hash', hashes.candidates, b.candidates_hash)
    pass(hashes.candidates)

    current = 'roster_hash'
    if (hashes.roster !== null && hashes.roster !== b.roster_hash)
      throw differ('roster_hash', hashes.roster, b.roster_hash)
    pass(hashes.roster ?? `taken as given: ${b.roster_hash}`, hashes.roster === null)

    current = 'seed'
    const seed = drawSeed(b.plan_id, hashes.roster ?? b.roster_hash, b.beacon.value)
    const seedHex = toHex(seed)
    if (seedHex !== b.seed)
      throw differ('seed', seedHex, b.seed)
    pass(seedHex)

    current = 'selected'
    const sel = await select(b, canon, seed, pace)
    const assigned = withheld ? null : await assign(b, canon, seed, sel.picks, pace)
    for (let k = 0; k < sel.picks.length && k < b.selected.length; k++) {
      const c = sel.picks[k]!
      const s = b.selected[k]!
      const id = b.candidates[c]!.id
      if (id !== s.candidate)
        throw differ(`selected[${k}].candidate`, id, s.candidate)
      const hex = keyHex(sel.keys, c)
      if (hex !== s.key)
        throw differ(`selected[${k}].key`, hex, s.key)
      if (assigned) {
        const want = assigned[k]!.map((i) => b.inspectors![i]!.id)
        for (let j = 0; j < want.length && j < s.inspectors.length; j++)
          if (want[j] !== s.inspectors[j])
            throw differ(`selected[${k}].inspectors[${j}]`, want[j]!, s.inspectors[j]!)
        if (want.length !== s.inspectors.length)
          throw countDiffer(`selected[${k}].inspectors`, want.length, s.inspectors.length)
      }
      checkedEntries = k + 1
    }
    if (sel.picks.length !== b.selected.length)
      throw countDiffer('selected', sel.picks.length, b.selected.length)
    pass(`${b.selected.length} entries: ` + (withheld ? 'candidates and keys match' : 'candidates, keys and inspectors match'))

    current = 'unassigned'
    if (assigned)
      checkUnassigned(b, sel.picks.filter((_, p) => assigned[p]!.length === 0).map((c) => b.candidates[c]!.id))
    else
      checkPublic(b)
    pass(`${b.unassigned.length} unassigned` + (withheld ? ' (inspectors withheld: lists checked against the team and max_load)' : ''))

    return {
      ok: true, steps, firstDifference: null, field: null, failedEntry: null, checkedEntries, bundle,
      summary: {
        planId: b.plan_id, public: withheld, candidates: b.candidates.length, strata: b.quotas.length,
        inspectors: withheld ? null : b.inspectors!.length, conflicts: withheld ? null : b.conflicts!.length,
        selected: b.selected.length, unassigned: b.unassigned.length,
      },
    }
  } catch (e) {
    if (!(e instanceof DrawError))
      throw e
    steps.push({ name: current, ok: false, detail: e.message })
    return {
      ok: false, steps, firstDifference: e.message, field: e.field, failedEntry: entryOf(e.field),
      checkedEntries, summary: null, bundle,
    }
  }
}
