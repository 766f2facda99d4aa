/*
 * SM3 (GB/T 32905-2016), the hash of the audit log's Merkle tree and of
 * the random draw (specs/draw-v1.md), so that a browser recomputes both
 * itself rather than trusting the server.  Written from the standard:
 * 512-bit blocks, the message expanded to 68 + 64 words, 64 rounds,
 * big-endian throughout.  Incremental (Sm3: update, digest) and one-shot
 * (sm3, sm3hex).  A draw hashes hundreds of thousands of short messages,
 * so the hasher allocates nothing per block or per message: one block
 * buffer per hasher, one shared expansion table, state in 32-bit ints.
 */

/* Initial value IV (standard 4.1). */
const IV = new Int32Array([
  0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600,
  0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e,
])

/*
 * The constants T_j (standard 4.2) already rotated left by j mod 32, as
 * the compression function uses them.
 */
const TJ = new Int32Array(64)
for (let j = 0; j < 64; j++) {
  const t = j < 16 ? 0x79cc4519 : 0x7a879d8a
  const n = j % 32
  TJ[j] = n === 0 ? t : (t << n) | (t >>> (32 - n))
}

/* The expanded message W_0..W_67 (standard 5.3.2); shared, JS is single-threaded. */
const W = new Int32Array(68)

/*
 * The compression function CF (standard 5.3.3) on the 64 bytes of b at
 * off, updating v in place.  All arithmetic is on int32: additions are
 * truncated with |0, rotations are (x << n) | (x >>> 32 - n).
 */
function compress(v: Int32Array, b: Uint8Array, off: number): void {
  for (let j = 0; j < 16; j++, off += 4)
    W[j] = (b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!
  for (let j = 16; j < 68; j++) {
    const x = W[j - 16]! ^ W[j - 9]! ^ ((W[j - 3]! << 15) | (W[j - 3]! >>> 17))
    const p1 = x ^ ((x << 15) | (x >>> 17)) ^ ((x << 23) | (x >>> 9))
    W[j] = p1 ^ ((W[j - 13]! << 7) | (W[j - 13]! >>> 25)) ^ W[j - 6]!
  }
  let a = v[0]!, bb = v[1]!, c = v[2]!, d = v[3]!
  let e = v[4]!, f = v[5]!, g = v[6]!, h = v[7]!
  for (let j = 0; j < 64; j++) {
    const a12 = (a << 12) | (a >>> 20)
    const s = (a12 + e + TJ[j]!) | 0
    const ss1 = (s << 7) | (s >>> 25)
    const ss2 = ss1 ^ a12
    let ff: number, gg: number
    if (j < 16) {
      ff = a ^ bb ^ c
      gg = e ^ f ^ g
    } else {
      ff = (a & bb) | (a & c) | (bb & c)
      gg = (e & f) | (~e & g)
    }
    const tt1 = (ff + d + ss2 + (W[j]! ^ W[j + 4]!)) | 0
    const tt2 = (gg + h + ss1 + W[j]!) | 0
    d = c
    c = (bb << 9) | (bb >>> 23)
    bb = a
    a = tt1
    h = g
    g = (f << 19) | (f >>> 13)
    f = e
    e = tt2 ^ ((tt2 << 9) | (tt2 >>> 23)) ^ ((tt2 << 17) | (tt2 >>> 15))
  }
  v[0] ^= a
  v[1] ^= bb
  v[2] ^= c
  v[3] ^= d
  v[4] ^= e
  v[5] ^= f
  v[6] ^= g
  v[7] ^= h
}

/*
 * An incremental SM3 computation.  update() any number of times, then
 * digest() (32 bytes) or digestWords() (8 big-endian words); both finish
 * the message and reset the hasher for the next one.
 */
export class Sm3 {
  private readonly v = new Int32Array(8)
  private readonly block = new Uint8Array(64)
  private used = 0
  /* Message length in bytes so far (exact up to 2^53). */
  private length = 0

  constructor() {
    this.reset()
  }

  /* Start a new message. */
  reset(): this {
    this.v.set(IV)
    this.used = 0
    this.length = 0
    return this
  }

  /* A hasher in the same state: hash a common prefix once, finish both. */
  clone(): Sm3 {
    const h = new Sm3()
    h.v.set(this.v)
    h.block.set(this.block)
    h.used = this.used
    h.length = this.length
    return h
  }

  /* Append data[start, end) to the message. */
  update(data: Uint8Array, start = 0, end = data.length): this {
    if (start < 0 || end > data.length || start > end)
      throw new RangeError('sm3: bad range')
    this.length += end - start
    let p = start
    if (this.used > 0) {
      const n = Math.min(64 - this.used, end - p)
      for (let i = 0; i < n; i++)
        this.block[this.used + i] = data[p + i]!
      this.used += n
      p += n
      if (this.used < 64)
        return this
      compress(this.v, this.block, 0)
      this.used = 0
    }
    /* Whole blocks straight from the input, without copying. */
    for (; end - p >= 64; p += 64)
      compress(this.v, data, p)
    const rest = end - p
    for (let i = 0; i < rest; i++)
      this.block[i] = data[p + i]!
    this.used = rest
    return this
  }

  /*
   * Padding (standard 5.2): a 1 bit, zeros to 448 bits mod 512, then the
   * length in bits as a 64-bit big-endian number.
   */
  private finish(): void {
    const bits = this.length * 8
    const b = this.block
    let u = this.used
    b[u++] = 0x80
    if (u > 56) {
      b.fill(0, u, 64)
      compress(this.v, b, 0)
      u = 0
    }
    b.fill(0, u, 56)
    const hi = Math.floor(bits / 0x100000000)
    const lo = bits >>> 0
    b[56] = hi >>> 24
    b[57] = hi >>> 16
    b[58] = hi >>> 8
    b[59] = hi
    b[60] = lo >>> 24
    b[61] = lo >>> 16
    b[62] = lo >>> 8
    b[63] = lo
    compress(this.v, b, 0)
  }

  /* Finish: the 32-byte hash into out at off (a new array by default); resets. */
  digest(out: Uint8Array = new Uint8Array(32), off = 0): Uint8Array {
    this.finish()
    for (let i = 0; i < 8; i++) {
      const x = this.v[i]!
      out[off + 4 * i] = x >>> 24
      out[off + 4 * i + 1] = x >>> 16
      out[off + 4 * i + 2] = x >>> 8
      out[off + 4 * i + 3] = x
    }
    this.reset()
    return out
  }

  /*
   * Finish: the hash as 8 unsigned 32-bit words (big-endian order, so
   * comparing words in order compares the hashes as numbers) into out at
   * off; resets.
   */
  digestWords(out: Uint32Array, off = 0): Uint32Array {
    this.finish()
    for (let i = 0; i < 8; i++)
      out[off + i] = this.v[i]!
    this.reset()
    return out
  }
}

const shared = new Sm3()

/* SM3 of bytes: 32 bytes. */
export function sm3(data: Uint8Array): Uint8Array {
  return shared.reset().update(data).digest()
}

export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s)
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

export function toHex(b: Uint8Array): string {
  let s = ''
  for (let i = 0; i < b.length; i++)
    s += HEX[b[i]!]
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

/* SM3 of bytes, or of a string's UTF-8, as 64 lowercase hex digits. */
export function sm3hex(data: Uint8Array | string): string {
  return toHex(sm3(typeof data === 'string' ? utf8(data) : data))
}

/* The name the audit page's modules use. */
export const sm3Hex = sm3hex
