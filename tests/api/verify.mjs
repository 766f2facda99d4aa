// An independent verifier of specs/audit-log-v1.md for the tests: SM3
// from Node's OpenSSL, the RFC 9162 tree, inclusion and consistency
// proof checks, and SM2 signature verification written out in BigInt
// arithmetic (GB/T 32918.2), so that nothing of the server is reused.
import { createHash, createPublicKey } from 'node:crypto';

export function sm3(...parts) {
  const h = createHash('sm3');
  for (const p of parts) h.update(p);
  return h.digest();
}

export const leafHash = (entry) => sm3(Buffer.from([0]), Buffer.from(entry, 'utf8'));
export const nodeHash = (l, r) => sm3(Buffer.from([1]), l, r);

// The largest power of two smaller than n (n > 1).
function split(n) {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// MTH of RFC 9162 2.1.1 over leaf hashes.
export function merkleRoot(leaves) {
  if (leaves.length === 0) return sm3(Buffer.alloc(0));
  if (leaves.length === 1) return leaves[0];
  const k = split(leaves.length);
  return nodeHash(merkleRoot(leaves.slice(0, k)), merkleRoot(leaves.slice(k)));
}

// RFC 9162 2.1.3.2: verify an inclusion proof.
export function verifyInclusion(index, size, leaf, path, root) {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

// RFC 9162 2.1.4.2: verify a consistency proof between two roots.
export function verifyConsistency(first, second, firstRoot, secondRoot, path) {
  if (first > second) return false;
  if (first === second) return path.length === 0 && firstRoot.equals(secondRoot);
  if (first === 0) return false;
  let proof = [...path];
  if ((first & (first - 1)) === 0) proof = [firstRoot, ...proof];
  if (proof.length === 0) return false;
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
  let fr = proof[0];
  let sr = proof[0];
  for (const c of proof.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}

export const sthText = (h) => `firewarden-sth-v1\n${h.tree_size}\n${h.root_hash}\n${h.timestamp}\n`;

// SM2 (GB/T 32918.5 recommended curve).
const P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFFn;
const A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFCn;
const B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93n;
const N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123n;
const GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7n;
const GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0n;

const mod = (x, m = P) => ((x % m) + m) % m;
function inv(x, m = P) {
  // Extended Euclid.
  let [a, b, u, v] = [mod(x, m), m, 1n, 0n];
  while (a !== 0n) {
    const q = b / a;
    [a, b] = [b - q * a, a];
    [u, v] = [v - q * u, u];
  }
  return mod(v, m);
}

// Jacobian coordinates; null is the point at infinity.
function jdouble(p) {
  if (!p) return null;
  const [x, y, z] = p;
  if (y === 0n) return null;
  const yy = mod(y * y);
  const s = mod(4n * x * yy);
  const zz = mod(z * z);
  const m = mod(3n * x * x + A * zz * zz);
  const x3 = mod(m * m - 2n * s);
  const y3 = mod(m * (s - x3) - 8n * yy * yy);
  const z3 = mod(2n * y * z);
  return [x3, y3, z3];
}

function jadd(p, q) {
  if (!p) return q;
  if (!q) return p;
  const [x1, y1, z1] = p;
  const [x2, y2, z2] = q;
  const z1z1 = mod(z1 * z1);
  const z2z2 = mod(z2 * z2);
  const u1 = mod(x1 * z2z2);
  const u2 = mod(x2 * z1z1);
  const s1 = mod(y1 * z2 * z2z2);
  const s2 = mod(y2 * z1 * z1z1);
  if (u1 === u2) return s1 === s2 ? jdouble(p) : null;
  const h = mod(u2 - u1);
  const r = mod(s2 - s1);
  const hh = mod(h * h);
  const hhh = mod(h * hh);
  const v = mod(u1 * hh);
  const x3 = mod(r * r - hhh - 2n * v);
  const y3 = mod(r * (v - x3) - s1 * hhh);
  const z3 = mod(z1 * z2 * h);
  return [x3, y3, z3];
}

function jmul(k, p) {
  let r = null;
  for (let i = BigInt(k.toString(2).length) - 1n; i >= 0n; i--) {
    r = jdouble(r);
    if ((k >> i) & 1n) r = jadd(r, p);
  }
  return r;
}

function affine(p) {
  if (!p) return null;
  const zi = inv(p[2]);
  const zi2 = mod(zi * zi);
  return [mod(p[0] * zi2), mod(p[1] * zi2 * zi)];
}

const be32 = (x) => Buffer.from(x.toString(16).padStart(64, '0'), 'hex');
const big = (buf) => BigInt(`0x${Buffer.from(buf).toString('hex') || '0'}`);

// The uncompressed point of an SM2 public key in PEM.
export function sm2PublicPoint(pem) {
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  const pt = der.subarray(der.length - 65);
  if (pt[0] !== 4) throw new Error('not an uncompressed point');
  const x = big(pt.subarray(1, 33));
  const y = big(pt.subarray(33));
  if (mod(y * y - (x * x * x + A * x + B)) !== 0n) throw new Error('point not on the SM2 curve');
  return [x, y];
}

export function spkiDer(pem) {
  return createPublicKey(pem).export({ type: 'spki', format: 'der' });
}

// DER SEQUENCE { INTEGER r, INTEGER s }.
function derSig(buf) {
  let i = 0;
  const len = () => {
    let l = buf[i++];
    if (l & 0x80) {
      let n = l & 0x7f;
      l = 0;
      while (n--) l = (l << 8) | buf[i++];
    }
    return l;
  };
  if (buf[i++] !== 0x30) throw new Error('not a SEQUENCE');
  if (len() !== buf.length - i) throw new Error('bad SEQUENCE length');
  const ints = [];
  for (let k = 0; k < 2; k++) {
    if (buf[i++] !== 0x02) throw new Error('not an INTEGER');
    const l = len();
    ints.push(big(buf.subarray(i, i + l)));
    i += l;
  }
  if (i !== buf.length) throw new Error('trailing bytes');
  return ints;
}

// GB/T 32918.2 section 7: verify signature (DER) of msg by the key at
// point pub with the identifier id.
export function sm2Verify(pub, msg, sigDer, id = '1234567812345678') {
  const [r, s] = derSig(sigDer);
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  const idb = Buffer.from(id, 'utf8');
  const entl = Buffer.from([(idb.length * 8) >> 8, (idb.length * 8) & 0xff]);
  const z = sm3(entl, idb, be32(A), be32(B), be32(GX), be32(GY), be32(pub[0]), be32(pub[1]));
  const e = big(sm3(z, Buffer.from(msg)));
  const t = mod(r + s, N);
  if (t === 0n) return false;
  const pt = affine(jadd(jmul(s, [GX, GY, 1n]), jmul(t, [pub[0], pub[1], 1n])));
  if (!pt) return false;
  return mod(e + pt[0], N) === r;
}
