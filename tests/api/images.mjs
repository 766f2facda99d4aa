// Image files built byte by byte for the API tests (tests/api/files and
// the inspection checks that attach photos and signatures): a grey 8-bit
// PNG with valid CRCs and a stored-block zlib stream.  Only Node's
// standard library.
export const u16 = (v) => Buffer.from([v >> 8 & 0xff, v & 0xff]);
export const u32 = (v) => Buffer.from([v >>> 24 & 0xff, v >>> 16 & 0xff, v >>> 8 & 0xff, v & 0xff]);

export function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return (c ^ 0xffffffff) >>> 0;
}

function adler32(buf) {
  let a = 1; let b = 0;
  for (const byte of buf) { a = (a + byte) % 65521; b = (b + a) % 65521; }
  return ((b << 16) | a) >>> 0;
}

function chunk(type, data = Buffer.alloc(0)) {
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  return Buffer.concat([u32(data.length), td, u32(crc32(td))]);
}

// A grey 8-bit PNG; its IDAT a zlib stream of one stored block (small
// images), or a stand-in for sizes only the header is meant to claim.
export function png(w, h, { meta = false } = {}) {
  const n = (w + 1) * h;
  const raw = Buffer.alloc(n > 60000 ? 2 : n);
  const z = Buffer.concat([Buffer.from([0x78, 0x01, 0x01]), Buffer.from([raw.length & 0xff, raw.length >> 8,
    ~raw.length & 0xff, (~raw.length >> 8) & 0xff]), raw, u32(adler32(raw))]);
  const ihdr = Buffer.concat([u32(w), u32(h), Buffer.from([8, 0, 0, 0, 0])]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...(meta ? [chunk('tEXt', Buffer.from('Comment\0Dongguan 22.9N 113.7E', 'latin1')),
      chunk('eXIf', Buffer.from('MM\0*\0\0\0\x08GPSLatitude', 'latin1'))] : []),
    chunk('IDAT', z),
    chunk('IEND'),
  ]);
}

