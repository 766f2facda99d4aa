/*
 * RFC 9162 Merkle tree verification over SM3, as the server builds the
 * audit log (src/domain/merkle.c): leaf = SM3(0x00 || entry),
 * node = SM3(0x01 || left || right); inclusion proofs checked per
 * RFC 9162 section 2.1.3.2.
 */
import { fromHex, sm3, toHex, utf8 } from './sm3'

function concat(...parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((a, p) => a + p.length, 0)
  const out = new Uint8Array(n)
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

const ZERO = new Uint8Array([0])
const ONE = new Uint8Array([1])

export function leafHash(entry: string | Uint8Array): Uint8Array {
  return sm3(concat(ZERO, typeof entry === 'string' ? utf8(entry) : entry))
}

export function nodeHash(l: Uint8Array, r: Uint8Array): Uint8Array {
  return sm3(concat(ONE, l, r))
}

/*
 * The root that the inclusion proof yields for leaf at index in a tree of
 * treeSize leaves, or null when the proof has the wrong shape.
 */
export function rootFromInclusion(index: number, treeSize: number,
  leaf: Uint8Array, path: string[]): Uint8Array | null {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) ||
      index < 0 || index >= treeSize)
    return null
  /* fn, sn may exceed 2^31: plain numbers with division, not bit ops. */
  let fn = index
  let sn = treeSize - 1
  let r = leaf
  for (const h of path) {
    if (sn === 0)
      return null
    const p = fromHex(h)
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r)
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2)
        sn = Math.floor(sn / 2)
      }
    } else {
      r = nodeHash(r, p)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  return sn === 0 ? r : null
}

export interface InclusionCheck {
  leaf: string
  root: string | null
  ok: boolean
}

export function verifyInclusion(entry: string, index: number, treeSize: number,
  path: string[], expectedRoot: string): InclusionCheck {
  const leaf = leafHash(entry)
  const root = rootFromInclusion(index, treeSize, leaf, path)
  const rootHex = root ? toHex(root) : null
  return { leaf: toHex(leaf), root: rootHex, ok: rootHex !== null && rootHex === expectedRoot.toLowerCase() }
}

/* MTH over leaf hashes (for tests and small trees): RFC 9162 2.1.1. */
export function merkleRoot(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0)
    return sm3(new Uint8Array(0))
  if (leaves.length === 1)
    return leaves[0]!
  let k = 1
  while (k * 2 < leaves.length)
    k *= 2
  return nodeHash(merkleRoot(leaves.slice(0, k)), merkleRoot(leaves.slice(k)))
}

/* The inclusion path of leaf m in leaves (RFC 9162 2.1.3.1), for tests. */
export function inclusionPath(m: number, leaves: Uint8Array[]): Uint8Array[] {
  const n = leaves.length
  if (n <= 1)
    return []
  let k = 1
  while (k * 2 < n)
    k *= 2
  if (m < k)
    return [...inclusionPath(m, leaves.slice(0, k)), merkleRoot(leaves.slice(k))]
  return [...inclusionPath(m - k, leaves.slice(k)), merkleRoot(leaves.slice(0, k))]
}
