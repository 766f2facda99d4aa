/*
 * SM3 (GB/T 32905-2016), the hash of the audit log's Merkle tree, so that
 * an auditor's browser recomputes leaf hashes and roots itself rather than
 * trusting the server's.  Straight from the standard: 512-bit blocks,
 * 68 + 64 expanded words, 64 rounds; big-endian throughout.
 */

const IV = [
  0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600,
  0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e,
]

function rotl(x: number, n: number): number {
  n &= 31
  return n === 0 ? x >>> 0 : ((x << n) | (x >>> (32 - n))) >>> 0
}

function p0(x: number): number {
  return (x ^ rotl(x, 9) ^ rotl(x, 17)) >>> 0
}

function p1(x: number): number {
  return (x ^ rotl(x, 15) ^ rotl(x, 23)) >>> 0
}

/* The round constants T_j <<< j, precomputed. */
const TJ: number[] = []
for (let j = 0; j < 64; j++)
  TJ.push(rotl(j < 16 ? 0x79cc4519 : 0x7a879d8a, j))

function compress(v: number[], b: Uint8Array, off: number, w: Uint32Array, w1: Uint32Array): void {
  for (let j = 0; j < 16; j++) {
    const o = off + 4 * j
    w[j] = ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0
  }
  for (let j = 16; j < 68; j++)
    w[j] = (p1(w[j - 16]! ^ w[j - 9]! ^ rotl(w[j - 3]!, 15)) ^ rotl(w[j - 13]!, 7) ^ w[j - 6]!) >>> 0
  for (let j = 0; j < 64; j++)
    w1[j] = (w[j]! ^ w[j + 4]!) >>> 0
  let [a, bb, c, d, e, f, g, h] = v as [number, number, number, number, number, number, number, number]
  for (let j = 0; j < 64; j++) {
    const a12 = rotl(a, 12)
    const ss1 = rotl((a12 + e + TJ[j]!) >>> 0, 7)
    const ss2 = (ss1 ^ a12) >>> 0
    const ff = j < 16 ? a ^ bb ^ c : (a & bb) | (a & c) | (bb & c)
    const gg = j < 16 ? e ^ f ^ g : (e & f) | (~e & g)
    const tt1 = (((ff >>> 0) + d + ss2 + w1[j]!) >>> 0)
    const tt2 = (((gg >>> 0) + h + ss1 + w[j]!) >>> 0)
    d = c
    c = rotl(bb, 9)
    bb = a
    a = tt1
    h = g
    g = rotl(f, 19)
    f = e
    e = p0(tt2)
  }
  v[0] = (v[0]! ^ a) >>> 0
  v[1] = (v[1]! ^ bb) >>> 0
  v[2] = (v[2]! ^ c) >>> 0
  v[3] = (v[3]! ^ d) >>> 0
  v[4] = (v[4]! ^ e) >>> 0
  v[5] = (v[5]! ^ f) >>> 0
  v[6] = (v[6]! ^ g) >>> 0
  v[7] = (v[7]! ^ h) >>> 0
}

/* SM3 of bytes: 32 bytes. */
export function sm3(data: Uint8Array): Uint8Array {
  const len = data.length
  /* Message, 0x80, zeros, 64-bit big-endian bit length; multiple of 64. */
  const total = Math.ceil((len + 9) / 64) * 64
  const buf = new Uint8Array(total)
  buf.set(data)
  buf[len] = 0x80
  const bits = len * 8
  const hi = Math.floor(bits / 0x100000000)
  const lo = bits >>> 0
  const dv = new DataView(buf.buffer)
  dv.setUint32(total - 8, hi)
  dv.setUint32(total - 4, lo)
  const v = IV.slice()
  const w = new Uint32Array(68)
  const w1 = new Uint32Array(64)
  for (let off = 0; off < total; off += 64)
    compress(v, buf, off, w, w1)
  const out = new Uint8Array(32)
  const ov = new DataView(out.buffer)
  v.forEach((x, i) => ov.setUint32(4 * i, x))
  return out
}

export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s)
}

export function toHex(b: Uint8Array): string {
  let s = ''
  for (const x of b)
    s += x.toString(16).padStart(2, '0')
  return s
}

export function fromHex(h: string): Uint8Array {
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h))
    throw new Error('bad hex')
  const out = new Uint8Array(h.length / 2)
  for (let i = 0; i < out.length; i++)
    out[i] = parseInt(h.substr(2 * i, 2), 16)
  return out
}

export function sm3Hex(data: Uint8Array | string): string {
  return toHex(sm3(typeof data === 'string' ? utf8(data) : data))
}
