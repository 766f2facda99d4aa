/*
 * Checking an electronic certificate (电子证照, specs/ecert-v1.md) in the
 * browser, without trusting the server: the QR text
 * "FWC1.<base64url(content)>.<base64url(signature)>" is split and decoded
 * as strictly as the server does (docs/modules/ecert.md, ECERT-005), the
 * content's `kid` picks a published key (GET /api/v1/public/ecert/keys,
 * PEM SubjectPublicKeyInfo, accepted only when its SM3 is that kid), and
 * the SM2 signature (SM3, identifier 1234567812345678, DER) is verified
 * over the exact content bytes; a valid signature over content that is
 * not in canonical form is invalid (not_canonical), as on the server.
 * sm-crypto does the elliptic-curve arithmetic (loaded on demand).
 */
import { sm3Hex, toHex } from './sm3'

export const ECERT_PREFIX = 'FWC1'
/* The server refuses longer texts as "not a certificate code". */
export const ECERT_CODE_MAX = 8192
export const SM2_USER_ID = '1234567812345678'

/* OIDs of an SM2 SubjectPublicKeyInfo: id-ecPublicKey and the SM2 curve (GB/T 33560). */
const OID_EC_PUBLIC_KEY = '2a8648ce3d0201'
const OID_SM2_CURVE = '2a811ccf5501822d'

/* The permit's content (ECERT-002); other types carry their own keys. */
export interface EcertContent {
  v: number
  type: string
  no: string
  kid: string
  holder?: string
  uscc?: string
  place?: string
  address?: string
  use?: string
  area_m2?: number
  route?: string
  issued: string
  issuer?: string
  url?: string
  [key: string]: unknown
}

export interface DecodedCode {
  content: EcertContent
  /* The exact signed bytes. */
  bytes: Uint8Array
  /* DER signature. */
  signature: Uint8Array
}

/* Why a text is not a certificate code (the server answers 400 on `code`). */
export type CodeProblem = 'empty' | 'too_long' | 'prefix' | 'parts' | 'base64' | 'json' | 'kid'

/* The offline verdict; the reasons are the server's (ECERT-005). */
export type Verdict = 'valid' | 'unknown_key' | 'bad_signature' | 'not_canonical'

export interface PublishedKey {
  kid: string
  pem: string
  created_at?: number
  retired_at?: number | null
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/*
 * RFC 4648 §5 without padding, strict: only the alphabet, a length that
 * is not 1 modulo 4, and zero unused bits in the last character (so each
 * byte string has exactly one text).  null when the text breaks a rule.
 */
export function base64urlDecode(s: string): Uint8Array | null {
  if (s.length % 4 === 1)
    return null
  const out = new Uint8Array(Math.floor(s.length * 3 / 4))
  let acc = 0
  let bits = 0
  let n = 0
  for (const c of s) {
    const v = B64URL.indexOf(c)
    if (v < 0)
      return null
    acc = (acc << 6) | v
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[n++] = (acc >> bits) & 0xff
    }
    acc &= (1 << bits) - 1
  }
  if (acc !== 0)
    return null
  return out
}

export function base64urlEncode(b: Uint8Array): string {
  let out = ''
  let i = 0
  for (; i + 2 < b.length; i += 3) {
    const x = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!
    out += B64URL[x >> 18]! + B64URL[(x >> 12) & 63]! + B64URL[(x >> 6) & 63]! + B64URL[x & 63]!
  }
  if (b.length - i === 1) {
    const x = b[i]! << 16
    out += B64URL[x >> 18]! + B64URL[(x >> 12) & 63]!
  } else if (b.length - i === 2) {
    const x = (b[i]! << 16) | (b[i + 1]! << 8)
    out += B64URL[x >> 18]! + B64URL[(x >> 12) & 63]! + B64URL[(x >> 6) & 63]!
  }
  return out
}

/*
 * What a person pastes or a scanner hands over: the bare text, or a link
 * carrying it as ?code= (the certificate's url with the code).  Spaces
 * and line breaks around it are dropped; inside, they make it invalid.
 */
export function extractCode(input: string): string {
  const s = input.trim()
  if (/^https?:\/\//i.test(s)) {
    try {
      const c = new URL(s).searchParams.get('code')
      if (c)
        return c.trim()
    } catch {
      return s
    }
  }
  return s
}

/* The text split and decoded, or why it is not a certificate code. */
export function decodeCode(text: string): { code: DecodedCode } | { problem: CodeProblem } {
  if (!text)
    return { problem: 'empty' }
  if (text.length > ECERT_CODE_MAX)
    return { problem: 'too_long' }
  if (!text.startsWith(ECERT_PREFIX + '.'))
    return { problem: 'prefix' }
  const parts = text.split('.')
  if (parts.length !== 3 || !parts[1] || !parts[2])
    return { problem: 'parts' }
  const bytes = base64urlDecode(parts[1])
  const signature = base64urlDecode(parts[2])
  if (!bytes || !signature)
    return { problem: 'base64' }
  let content: unknown
  try {
    content = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    return { problem: 'json' }
  }
  if (content === null || typeof content !== 'object' || Array.isArray(content))
    return { problem: 'json' }
  if (typeof (content as Record<string, unknown>).kid !== 'string')
    return { problem: 'kid' }
  return { code: { content: content as EcertContent, bytes, signature } }
}

/* Compare two keys by their UTF-8 bytes (the canonical order). */
const enc = new TextEncoder()
function byteOrder(a: string, b: string): number {
  const x = enc.encode(a)
  const y = enc.encode(b)
  const n = Math.min(x.length, y.length)
  for (let i = 0; i < n; i++)
    if (x[i] !== y[i])
      return x[i]! - y[i]!
  return x.length - y.length
}

const SHORT: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' }

function canonicalString(s: string): string {
  // eslint-disable-next-line no-control-regex
  return '"' + s.replace(/["\\\u0000-\u001f]/g, (c) => SHORT[c] ??
    '\\u' + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')) + '"'
}

/*
 * The canonical form (ECERT-001): compact, keys sorted by their UTF-8
 * bytes at every level, strings not \u-escaped (only " and \ and control
 * characters, upper-case hex), integers only.  null for a value that has
 * no canonical form (a float, a number beyond 2^53).
 */
export function canonicalJson(v: unknown): string | null {
  if (v === null)
    return 'null'
  switch (typeof v) {
  case 'boolean':
    return v ? 'true' : 'false'
  case 'number':
    return Number.isSafeInteger(v) ? String(v) : null
  case 'string':
    return canonicalString(v)
  case 'object': {
    if (Array.isArray(v)) {
      const items = v.map(canonicalJson)
      return items.includes(null) ? null : '[' + items.join(',') + ']'
    }
    const o = v as Record<string, unknown>
    const parts: string[] = []
    for (const k of Object.keys(o).sort(byteOrder)) {
      const x = canonicalJson(o[k])
      if (x === null)
        return null
      parts.push(canonicalString(k) + ':' + x)
    }
    return '{' + parts.join(',') + '}'
  }
  default:
    return null
  }
}

/* The bytes are exactly the canonical form of what they parse to. */
export function isCanonical(code: DecodedCode): boolean {
  const c = canonicalJson(code.content)
  if (c === null)
    return false
  const b = enc.encode(c)
  return b.length === code.bytes.length && b.every((x, i) => x === code.bytes[i])
}

export function pemToDer(pem: string): Uint8Array | null {
  const m = /-----BEGIN PUBLIC KEY-----([\s\S]*?)-----END PUBLIC KEY-----/.exec(pem)
  if (!m)
    return null
  try {
    const s = atob(m[1]!.replace(/\s+/g, ''))
    const out = new Uint8Array(s.length)
    for (let i = 0; i < s.length; i++)
      out[i] = s.charCodeAt(i)
    return out
  } catch {
    return null
  }
}

/* One DER element: tag, where its content starts and ends. */
interface Tlv { tag: number; start: number; end: number }

function readTlv(d: Uint8Array, at: number, limit: number): Tlv | null {
  if (at + 2 > limit)
    return null
  const tag = d[at]!
  let len = d[at + 1]!
  let start = at + 2
  if (len & 0x80) {
    const n = len & 0x7f
    if (n < 1 || n > 2 || start + n > limit)
      return null
    len = 0
    for (let i = 0; i < n; i++)
      len = (len << 8) | d[start + i]!
    start += n
  }
  const end = start + len
  return end <= limit ? { tag, start, end } : null
}

/*
 * The public point 04 || x || y (130 hex digits) of an SM2
 * SubjectPublicKeyInfo:
 *   SEQUENCE { SEQUENCE { OID id-ecPublicKey, OID sm2 }, BIT STRING (00 04 x y) }
 * null when the DER is anything else (another curve, a compressed point,
 * trailing bytes).
 */
export function spkiPointFromDer(der: Uint8Array): string | null {
  const spki = readTlv(der, 0, der.length)
  if (!spki || spki.tag !== 0x30 || spki.end !== der.length)
    return null
  const alg = readTlv(der, spki.start, spki.end)
  if (!alg || alg.tag !== 0x30)
    return null
  const oid1 = readTlv(der, alg.start, alg.end)
  const oid2 = oid1 && readTlv(der, oid1.end, alg.end)
  if (!oid1 || !oid2 || oid1.tag !== 0x06 || oid2.tag !== 0x06 || oid2.end !== alg.end ||
      toHex(der.subarray(oid1.start, oid1.end)) !== OID_EC_PUBLIC_KEY ||
      toHex(der.subarray(oid2.start, oid2.end)) !== OID_SM2_CURVE)
    return null
  const bits = readTlv(der, alg.end, spki.end)
  if (!bits || bits.tag !== 0x03 || bits.end !== spki.end || bits.end - bits.start !== 66 ||
      der[bits.start] !== 0x00 || der[bits.start + 1] !== 0x04)
    return null
  return toHex(der.subarray(bits.start + 1, bits.end))
}

export function spkiPointFromPem(pem: string): string | null {
  const der = pemToDer(pem)
  return der ? spkiPointFromDer(der) : null
}

/* The key id of a PEM: SM3 of its DER (ECERT-007). */
export function pemKeyId(pem: string): string | null {
  const der = pemToDer(pem)
  return der ? sm3Hex(der) : null
}

/* The published key of kid, only if its PEM hashes to that kid; its point. */
export function keyFor(kid: string, keys: readonly PublishedKey[]): string | null {
  for (const k of keys) {
    if (k.kid !== kid || pemKeyId(k.pem) !== kid)
      continue
    const p = spkiPointFromPem(k.pem)
    if (p)
      return p
  }
  return null
}

/* SM2 with SM3 and the default identifier over the bytes; DER signature. */
export async function verifySm2(bytes: Uint8Array, signature: Uint8Array, point: string): Promise<boolean> {
  const { doVerifySignature } = await import('./sm2')
  try {
    return doVerifySignature(Array.from(bytes), toHex(signature), point, { der: true, hash: true, userId: SM2_USER_ID })
  } catch {
    return false
  }
}

/*
 * The offline check: the key of the content's kid among the published
 * ones, the signature over the exact bytes, then the canonical form (the
 * server's order: a changed code always answers bad_signature).
 */
export async function verifyOffline(code: DecodedCode, keys: readonly PublishedKey[]): Promise<Verdict> {
  const point = keyFor(code.content.kid, keys)
  if (!point)
    return 'unknown_key'
  if (!(await verifySm2(code.bytes, code.signature, point)))
    return 'bad_signature'
  return isCanonical(code) ? 'valid' : 'not_canonical'
}
