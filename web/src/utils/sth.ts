/*
 * Checking a signed tree head in the browser (AUD-002): the head text
 * "firewarden-sth-v1\n<size>\n<root hex>\n<timestamp ms>\n", SM2 with SM3
 * and the identifier 1234567812345678, DER signature in base64, public
 * key as a PEM SubjectPublicKeyInfo.  sm-crypto does the elliptic-curve
 * arithmetic; this file only shapes its inputs.
 */
import { sm3Hex, toHex } from './sm3'

export const SM2_ID = '1234567812345678'

export interface SignedHead {
  tree_size: number
  root_hash: string
  timestamp: number
  key_id: string
  signature: string
}

export function sthText(h: SignedHead): string {
  return `firewarden-sth-v1\n${h.tree_size}\n${h.root_hash}\n${h.timestamp}\n`
}

export function base64ToBytes(b64: string): Uint8Array {
  const s = atob(b64.replace(/\s+/g, ''))
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++)
    out[i] = s.charCodeAt(i)
  return out
}

export function pemToDer(pem: string): Uint8Array {
  const body = pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '')
  return base64ToBytes(body)
}

/* The key id: SM3 of the DER SubjectPublicKeyInfo. */
export function keyIdOf(pem: string): string {
  return sm3Hex(pemToDer(pem))
}

/*
 * The uncompressed EC point (04 || X || Y) inside an SM2
 * SubjectPublicKeyInfo: the content of its final BIT STRING.
 */
export function spkiPoint(der: Uint8Array): string | null {
  /* The point is the last 65 bytes, preceded by the BIT STRING's 00. */
  if (der.length < 67)
    return null
  const p = der.slice(der.length - 65)
  if (p[0] !== 0x04 || der[der.length - 66] !== 0x00)
    return null
  return toHex(p)
}

/* True when the head's signature verifies with the PEM key. */
export async function verifySth(h: SignedHead, pem: string): Promise<boolean> {
  const point = spkiPoint(pemToDer(pem))
  if (!point)
    return false
  const { doVerifySignature } = await import('./sm2')
  return doVerifySignature(sthText(h), toHex(base64ToBytes(h.signature)), point,
    { der: true, hash: true, userId: SM2_ID })
}
