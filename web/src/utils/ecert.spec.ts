import { describe, expect, it } from 'vitest'
import smCrypto from 'sm-crypto'
import {
  base64urlDecode, base64urlEncode, canonicalJson, decodeCode, extractCode, keyFor, pemKeyId, spkiPointFromDer,
  spkiPointFromPem, verifyOffline,
} from './ecert'
import type { DecodedCode, PublishedKey } from './ecert'
import { fromHex, toHex } from './sm3'
import vector from './__fixtures__/ecert/server-vector.json'

/* An SM2 SubjectPublicKeyInfo around a point, as OpenSSL writes it. */
const SPKI_PREFIX = '3059301306072a8648ce3d020106082a811ccf5501822d034200'

function pemOf(point: string): string {
  const der = fromHex(SPKI_PREFIX + point)
  const b64 = btoa(String.fromCharCode(...der))
  return `-----BEGIN PUBLIC KEY-----\n${b64.slice(0, 64)}\n${b64.slice(64)}\n-----END PUBLIC KEY-----\n`
}

/* A certificate signed here with sm-crypto: key pair, canonical bytes, DER signature. */
function issue(fields: Record<string, unknown>, over: { bytes?: Uint8Array } = {}) {
  const { privateKey, publicKey } = smCrypto.sm2.generateKeyPairHex()
  const pem = pemOf(publicKey)
  const kid = pemKeyId(pem)!
  const content = { ...fields, kid }
  const bytes = over.bytes ?? new TextEncoder().encode(canonicalJson(content)!)
  const sig = smCrypto.sm2.doSignature(Array.from(bytes), privateKey, { der: true, hash: true, publicKey, userId: '1234567812345678' })
  const code = `FWC1.${base64urlEncode(bytes)}.${base64urlEncode(fromHex(sig))}`
  return { code, pem, kid, publicKey, privateKey }
}

const PERMIT = {
  v: 1, type: 'gathering-place-permit', no: '东莞消安检字〔2026〕第000001号', holder: '东莞市测试酒店有限公司',
  uscc: '91441900MAC8G9H0J1', place: '测试酒店', address: '东莞市东城街道测试路 1 号', use: '宾馆', area_m2: 1250,
  route: 'commitment', issued: '2026-03-15', issuer: '东莞市消防救援支队', url: 'https://xf.example.cn/public/ecert',
}

function decoded(code: string): DecodedCode {
  const d = decodeCode(code)
  if (!('code' in d))
    throw new Error(`not a code: ${d.problem}`)
  return d.code
}

describe('base64url (RFC 4648 §5, unpadded, strict)', () => {
  it('round-trips every length', () => {
    for (let n = 0; n < 10; n++) {
      const b = new Uint8Array(n).map((_, i) => (i * 73 + 251) & 0xff)
      expect(base64urlDecode(base64urlEncode(b))).toEqual(b)
    }
    expect(base64urlEncode(new Uint8Array([0xfb, 0xff]))).toBe('-_8')
  })
  it('refuses padding, the other alphabet, white space, a bad length and non-zero unused bits', () => {
    for (const s of ['QQ==', 'a+b/', 'QQ QQ', 'QUJDR', 'QR', 'QUF'])
      expect(base64urlDecode(s), s).toBeNull()
    expect(base64urlDecode('QQ')).toEqual(new Uint8Array([0x41]))
    expect(base64urlDecode('QUE')).toEqual(new Uint8Array([0x41, 0x41]))
  })
})

describe('canonical JSON (ECERT-001)', () => {
  it('sorts keys by UTF-8 bytes, escapes only what it must, upper-case hex', () => {
    expect(canonicalJson({ b: 1, a_b: 2, a1: 3, ab: 4 })).toBe('{"a1":3,"a_b":2,"ab":4,"b":1}')
    expect(canonicalJson({ s: '东莞 "x" \\ / \n \u0001' })).toBe('{"s":"东莞 \\"x\\" \\\\ / \\n \\u0001"}')
    /* UTF-16 order would put the surrogate pairs first; UTF-8 bytes do not (EF BC 81 < F0 9F 98 80). */
    expect(canonicalJson({ '\u{1F600}': 1, '\uFF01': 2 })).toBe('{"\uFF01":2,"\u{1F600}":1}')
    expect(canonicalJson({ '\uE000': 1, '\u{10000}': 2 })).toBe('{"\uE000":1,"\u{10000}":2}')
    expect(canonicalJson({ n: [1, true, null, { z: 'a', y: [] }] })).toBe('{"n":[1,true,null,{"y":[],"z":"a"}]}')
  })
  it('has no form for floats', () => {
    expect(canonicalJson({ a: 1.5 })).toBeNull()
    expect(canonicalJson([2 ** 60])).toBeNull()
  })
})

describe('reading a QR text (ECERT-005)', () => {
  it('takes the code from a pasted text or a link', () => {
    expect(extractCode('  FWC1.a.b \n')).toBe('FWC1.a.b')
    expect(extractCode('https://xf.example.cn/public/ecert?code=FWC1.a.b')).toBe('FWC1.a.b')
    expect(extractCode('https://xf.example.cn/public/ecert')).toBe('https://xf.example.cn/public/ecert')
  })
  it('says why a text is not a certificate code', () => {
    const ok = vector.code
    const [, c, s] = ok.split('.')
    expect(decodeCode('')).toEqual({ problem: 'empty' })
    expect(decodeCode('FWC2.' + c + '.' + s)).toEqual({ problem: 'prefix' })
    expect(decodeCode(`FWC1.${c}`)).toEqual({ problem: 'parts' })
    expect(decodeCode(`FWC1.${c}.${s}.x`)).toEqual({ problem: 'parts' })
    expect(decodeCode(`FWC1.${c}=.${s}`)).toEqual({ problem: 'base64' })
    expect(decodeCode(`FWC1.${base64urlEncode(new TextEncoder().encode('[1]'))}.${s}`)).toEqual({ problem: 'json' })
    expect(decodeCode(`FWC1.${base64urlEncode(new TextEncoder().encode('{"no":"1"}'))}.${s}`)).toEqual({ problem: 'kid' })
    expect(decodeCode('FWC1.' + 'A'.repeat(9000) + '.x')).toEqual({ problem: 'too_long' })
    expect(decoded(ok).content).toEqual({ ...vector.content, kid: vector.kid })
  })
})

describe('SM2 public keys from PEM', () => {
  it('extracts 04||x||y from the server vector and from a built SubjectPublicKeyInfo', () => {
    const p = spkiPointFromPem(vector.pem)!
    expect(p).toMatch(/^04[0-9a-f]{128}$/)
    expect(pemOf(p).replace(/\s/g, '')).toBe(vector.pem.replace(/\s/g, ''))
    const { publicKey } = smCrypto.sm2.generateKeyPairHex()
    expect(spkiPointFromPem(pemOf(publicKey))).toBe(publicKey)
  })
  it('refuses other curves, compressed points, trailing bytes and non-PEM text', () => {
    const der = fromHex(SPKI_PREFIX + spkiPointFromPem(vector.pem)!.slice(0))
    expect(spkiPointFromDer(der)).not.toBeNull()
    /* prime256v1 instead of the SM2 curve. */
    const p256 = fromHex(toHex(der).replace('06082a811ccf5501822d', '06082a8648ce3d030107'))
    expect(spkiPointFromDer(p256)).toBeNull()
    const compressed = fromHex(toHex(der).replace(/03420004/, '034200' + '02'))
    expect(spkiPointFromDer(compressed)).toBeNull()
    expect(spkiPointFromDer(new Uint8Array([...der, 0]))).toBeNull()
    expect(spkiPointFromDer(der.subarray(0, der.length - 1))).toBeNull()
    expect(spkiPointFromPem('not a key')).toBeNull()
  })
  it('uses a published key only for the kid its PEM hashes to', () => {
    expect(pemKeyId(vector.pem)).toBe(vector.kid)
    expect(keyFor(vector.kid, [{ kid: vector.kid, pem: vector.pem }])).toBe(spkiPointFromPem(vector.pem))
    const other = pemOf(smCrypto.sm2.generateKeyPairHex().publicKey)
    expect(keyFor(vector.kid, [{ kid: vector.kid, pem: other }])).toBeNull()
    expect(keyFor('00'.repeat(32), [{ kid: vector.kid, pem: vector.pem }])).toBeNull()
  })
})

describe('verifying certificates offline', () => {
  const keys: PublishedKey[] = [{ kid: vector.kid, pem: vector.pem, created_at: 1, retired_at: null }]

  it('verifies the certificate signed by the C signer (firewarden ecert sign)', async () => {
    expect(await verifyOffline(decoded(vector.code), keys)).toBe('valid')
  })

  it('refuses the server vector changed by one byte, re-signed by someone else, or with an unknown key', async () => {
    const [, c, s] = vector.code.split('.')
    const bytes = base64urlDecode(c!)!
    const changed = new TextEncoder().encode(new TextDecoder().decode(bytes).replace('1800', '1900'))
    expect(await verifyOffline(decoded(`FWC1.${base64urlEncode(changed)}.${s}`), keys)).toBe('bad_signature')
    const sig = base64urlDecode(s!)!
    sig[sig.length - 1] ^= 1
    expect(await verifyOffline(decoded(`FWC1.${c}.${base64urlEncode(sig)}`), keys)).toBe('bad_signature')
    expect(await verifyOffline(decoded(vector.code), [])).toBe('unknown_key')
    /* Someone else's key published under the vector's kid is not used. */
    const forged = issue(PERMIT)
    expect(await verifyOffline(decoded(forged.code), [{ kid: forged.kid, pem: vector.pem }])).toBe('unknown_key')
  })

  it('verifies a certificate signed with sm-crypto, and no other key verifies it', async () => {
    const a = issue(PERMIT)
    const code = decoded(a.code)
    expect(code.content.holder).toBe('东莞市测试酒店有限公司')
    expect(await verifyOffline(code, [...keys, { kid: a.kid, pem: a.pem }])).toBe('valid')
    const b = issue(PERMIT)
    expect(await verifyOffline(code, [{ kid: a.kid, pem: b.pem }])).toBe('unknown_key')
  })

  it('a valid signature over content not in canonical form is not_canonical', async () => {
    const { privateKey, publicKey } = smCrypto.sm2.generateKeyPairHex()
    const pem = pemOf(publicKey)
    const kid = pemKeyId(pem)!
    const bytes = new TextEncoder().encode(JSON.stringify({ v: 1, kid, no: 'x', issued: '2026-01-01' }, null, 1))
    const sig = smCrypto.sm2.doSignature(Array.from(bytes), privateKey, { der: true, hash: true, publicKey, userId: '1234567812345678' })
    const code = decoded(`FWC1.${base64urlEncode(bytes)}.${base64urlEncode(fromHex(sig))}`)
    expect(await verifyOffline(code, [{ kid, pem }])).toBe('not_canonical')
  })
})
