import { describe, expect, it } from 'vitest'
import { Sm3, fromHex, sm3, sm3Hex, sm3hex, toHex, utf8 } from './sm3'
import { inclusionPath, leafHash, merkleRoot, rootFromInclusion, verifyInclusion } from './merkle'
import { keyIdOf, pemToDer, spkiPoint, sthText, verifySth } from './sth'

describe('SM3 (GB/T 32905-2016)', () => {
  it('hashes "abc" (example 1)', () => {
    expect(sm3Hex('abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0')
  })
  it('hashes "abcd" x 16 (example 2, two blocks)', () => {
    expect(sm3Hex('abcd'.repeat(16))).toBe('debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732')
  })
  it('hashes the empty string and padding edges', () => {
    expect(sm3Hex('')).toBe('1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b')
    /* 55, 56 and 64 bytes straddle the padding boundary: must not throw and must differ. */
    const h = new Set([55, 56, 63, 64, 65].map((n) => sm3Hex('a'.repeat(n))))
    expect(h.size).toBe(5)
  })
  it('hashes UTF-8 text', () => {
    expect(toHex(utf8('消防'))).toBe('e6b688e998b2')
    expect(fromHex('e6b688e998b2')).toEqual(utf8('消防'))
    expect(() => fromHex('abc')).toThrow()
  })
})

/* Expected values computed on this machine with `openssl dgst -sm3` and python3 hashlib.new('sm3'). */
const PATTERN = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7 + 3) % 256)

describe('SM3 long inputs and the incremental interface', () => {
  it('hashes a million "a" (openssl dgst -sm3)', () => {
    expect(sm3hex(new Uint8Array(1000000).fill(0x61))).toBe('c8aaf89429554029e231941a2acc0ad61ff2a5acd8fadd25847a3a732b3b02c3')
  })
  it('hashes 1000 patterned bytes, at once and in odd pieces alike', () => {
    const want = 'ed9960fb8b097873d9d584bf7a82df416c3b686f88435d3cb1f50568eac06dff'
    expect(toHex(sm3(PATTERN))).toBe(want)
    for (const step of [1, 3, 63, 64, 65, 200, 999]) {
      const h = new Sm3()
      for (let i = 0; i < PATTERN.length; i += step)
        h.update(PATTERN, i, Math.min(PATTERN.length, i + step))
      expect(toHex(h.digest())).toBe(want)
    }
  })
  it('pads at the block boundaries like openssl', () => {
    const want: Record<number, string> = {
      55: '288337eef51eec62e7544d7270424c8dbe656254c99852870a73b2453a6a7fb1',
      56: 'ba00ebedaab54065a5fd4f9f56326016203166bcee3eed44ea868d59d67aa3c8',
      63: '587308543551881ebd70d27ad358ff5dcdf24ac54822e2f7b7c3edce0985d21b',
      64: '616ec433c359e7c2b19f360e2b8f2a1b6e9ed76b8dc1a7d207b31a5341c611e9',
      65: '3d1d94afa238ec3e2bbc20ad504702b24c16f2889c94973f2f8da3526c44e4bc',
      119: '53282a90724e9eb79b18d06b5b8f7f02d046e18b29247dcdb064a136d5c4459a',
      120: '4c9f0fe9f36ffe0191af73560c4afb1b671be02ba2d0e0c161b1e03488c2a45c',
    }
    for (const [n, h] of Object.entries(want))
      expect(sm3hex('a'.repeat(Number(n)))).toBe(h)
  })
  it('hashes UTF-8 text', () => {
    expect(sm3hex('消防监督执法平台')).toBe('7e664bb19edd37ff3b7a31a8d567f529d5b1def0794a2e782ea361d9121aa07b')
  })
  it('resets after digest, clones a shared prefix, and gives words in big-endian order', () => {
    const h = new Sm3()
    expect(toHex(h.update(utf8('abc')).digest())).toBe(sm3Hex('abc'))
    expect(toHex(h.digest())).toBe(sm3Hex(''))
    h.update(utf8('abcd'.repeat(8)))
    const c = h.clone()
    expect(toHex(c.update(utf8('abcd'.repeat(8))).digest())).toBe(sm3Hex('abcd'.repeat(16)))
    expect(toHex(h.digest())).toBe(sm3Hex('abcd'.repeat(8)))
    const w = h.update(utf8('abc')).digestWords(new Uint32Array(9), 1)
    expect(w[0]).toBe(0)
    expect(w[1]).toBe(0x66c7f0f4)
    expect(w[8]).toBe(0x8f4ba8e0)
    expect(() => h.update(utf8('abc'), 2, 5)).toThrow(RangeError)
  })
})

describe('Merkle inclusion over SM3 (RFC 9162)', () => {
  it('verifies every leaf of trees of size 1..17, and rejects tampering', () => {
    for (let n = 1; n <= 17; n++) {
      const entries = Array.from({ length: n }, (_, i) => `{"seq":${i},"action":"user.create"}`)
      const leaves = entries.map((e) => leafHash(e))
      const root = toHex(merkleRoot(leaves))
      for (let i = 0; i < n; i++) {
        const path = inclusionPath(i, leaves).map(toHex)
        expect(verifyInclusion(entries[i]!, i, n, path, root).ok).toBe(true)
        expect(verifyInclusion(entries[i]! + ' ', i, n, path, root).ok).toBe(false)
        if (n > 1) {
          expect(verifyInclusion(entries[i]!, (i + 1) % n, n, path, root).ok).toBe(false)
          expect(verifyInclusion(entries[i]!, i, n, path.slice(1), root).ok).toBe(false)
        }
      }
    }
  })
  it('rejects indexes outside the tree', () => {
    expect(rootFromInclusion(3, 3, leafHash('x'), [])).toBeNull()
    expect(rootFromInclusion(-1, 3, leafHash('x'), [])).toBeNull()
  })
})

/* A head signed with `openssl dgst -sm3 -sign key -sigopt distid:1234567812345678`. */
const PEM = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAEfCUgT5A33d2QLqObP3zc+LORVGHC
qSE95Rcug1yctSaPf1U7c3GX8/FXarE/hx0g75H714witHn3q+OME02aaQ==
-----END PUBLIC KEY-----`
const HEAD = {
  tree_size: 42,
  root_hash: '6f6e15eb15a080a96a55e1a3ac1368490b293d356bbca7b6128252053726b26e',
  timestamp: 1795926063776,
  key_id: 'aaa19ad7cb36b4c47e599b25f67a7aa9be9975b780856c2fb74dfcd1a5ac4301',
  signature: 'MEYCIQCkgNwYyF3f9/LxksOIk4tzL5lOuRPgEw4hpWROJ2P/OwIhAM5OYc0ztSR5zidbX+zkLP7kbpIC7cFA+nwcujoAuT58',
}

describe('signed tree head (AUD-002)', () => {
  it('builds the head text', () => {
    expect(sthText(HEAD)).toBe(`firewarden-sth-v1\n42\n${HEAD.root_hash}\n1795926063776\n`)
  })
  it('derives the key id and the EC point from the PEM', () => {
    expect(keyIdOf(PEM)).toBe(HEAD.key_id)
    expect(spkiPoint(pemToDer(PEM))).toMatch(/^04[0-9a-f]{128}$/)
  })
  it('verifies an OpenSSL SM2 signature and rejects a changed head', async () => {
    expect(await verifySth(HEAD, PEM)).toBe(true)
    expect(await verifySth({ ...HEAD, tree_size: 43 }, PEM)).toBe(false)
    expect(await verifySth({ ...HEAD, root_hash: HEAD.root_hash.replace('6f', '7f') }, PEM)).toBe(false)
  })
})
