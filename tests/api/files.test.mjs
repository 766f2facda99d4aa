// Uploaded files over HTTP (docs/modules/files.md, SECURITY.md I-5):
// uploads of each type with the sniffed kind and the SM3 (FILE-001,
// FILE-005), refused types and sizes with the field or header named and
// nothing stored — rows, audit entries, blobs (FILE-001..004), the
// display copy without EXIF and the original behind files:original
// (FILE-006, FILE-007), download headers and 304 (FILE-012), dedup and
// Idempotency-Key, and the sweep job from the command line (FILE-009,
// FILE-010).  The JPEG, PNG and PDF files are built here byte by byte.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { png, u16 } from './images.mjs';
import { Server, assertError } from './lib.mjs';

let srv;
let blobDir;
let off;     // officer: uploads, holds files:original
let unit;    // unit account: uploads, no files:original
let grid;    // grid worker: uploads
let aud;     // auditor: no files:write

const sm3 = (b) => createHash('sm3').update(b).digest('hex');

// ---- files built byte by byte ----

const seg = (m, data) => Buffer.concat([Buffer.from([0xff, m]), u16(data.length + 2), data]);

// A baseline grey JPEG: every 8 × 8 block is DC category 0 then EOB, each
// a one-bit Huffman code.  meta adds JFIF, EXIF with GPS, and a comment.
function jpeg(w, h, { meta = false, pad = 0 } = {}) {
  const blocks = Math.ceil(w / 8) * Math.ceil(h / 8);
  const bits = 2 * blocks;
  const scan = Buffer.alloc(Math.ceil(bits / 8));
  if (bits % 8) scan[scan.length - 1] = 0xff >> (bits % 8);
  const dht = (cls) => Buffer.concat([Buffer.from([cls, 1]), Buffer.alloc(15), Buffer.from([0])]);
  const parts = [Buffer.from([0xff, 0xd8])];
  if (meta) {
    parts.push(seg(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')));
    parts.push(seg(0xe1, Buffer.from('Exif\0\0MM\0*\0\0\0\x08GPSLatitude 22.9N', 'latin1')));
    parts.push(seg(0xfe, Buffer.from('taken at Dongguan', 'latin1')));
  }
  for (let left = pad; left > 0; left -= 60000) parts.push(seg(0xfe, Buffer.alloc(Math.min(left, 60000), 0x63)));
  parts.push(seg(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)])));
  parts.push(seg(0xc0, Buffer.from([8, h >> 8, h & 0xff, w >> 8, w & 0xff, 1, 1, 0x11, 0])));
  parts.push(seg(0xc4, dht(0x00)), seg(0xc4, dht(0x10)));
  parts.push(seg(0xda, Buffer.from([1, 1, 0, 0, 63, 0])), scan, Buffer.from([0xff, 0xd9]));
  return Buffer.concat(parts);
}

// A one-page PDF with a correct cross-reference table.
function pdf() {
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    '<< /Length 40 >>\nstream\nBT /F1 12 Tf 20 50 Td (Firewarden) Tj ET\nendstream',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let s = '%PDF-1.4\n';
  const off = [];
  objs.forEach((o, i) => { off.push(s.length); s += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = s.length;
  s += 'xref\n0 6\n0000000000 65535 f \n' + off.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  s += `trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(s, 'latin1');
}

// ---- helpers ----

const JPEG = { 'Content-Type': 'image/jpeg' };
const PNG = { 'Content-Type': 'image/png' };
const PDF = { 'Content-Type': 'application/pdf' };

function blobs() {
  return readdirSync(blobDir, { recursive: true })
    .filter((p) => !String(p).startsWith('tmp') && /^[0-9a-f]{64}$/.test(String(p).split('/').pop()));
}

async function getBytes(c, path, headers = {}) {
  const r = await fetch(srv.base + path, { headers: { Cookie: c.cookie, ...headers } });
  return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
}

async function auditCount(action) {
  const r = await aud.get(`/api/v1/audit/search?action=${action}&limit=1`);
  assert.equal(r.status, 200, r.text);
  return r.body.page.total;
}

before(async () => {
  srv = new Server();
  blobDir = join(srv.dir, 'blobs');
  await srv.start(['--blobs', blobDir]);
  srv.addUser('f.off', 'officer', 'city');
  srv.addUser('f.unit', 'unit', 'unit:42');
  srv.addUser('f.grid', 'grid', 'grid:7');
  srv.addUser('f.aud', 'auditor', 'city');
  [off, unit, grid, aud] = await Promise.all(['f.off', 'f.unit', 'f.grid', 'f.aud'].map((l) => srv.login(l)));
});
after(async () => { await srv?.close(); });

test('FILE-001/005 upload a JPEG, a PNG and a PDF: 201 with the sniffed kind, size and SM3', async () => {
  const cases = [
    [jpeg(32, 16), JPEG, 'photo', 'jpeg', 32, 16],
    [png(5, 3), PNG, 'signature', 'png', 5, 3],
    [pdf(), PDF, 'document', 'pdf', null, null],
    // A scan may be an image too; charset-like parameters are ignored.
    [png(2, 2), { 'Content-Type': 'image/png; foo=bar' }, 'document', 'png', 2, 2],
  ];
  for (const [bytes, h, purpose, kind, w, ht] of cases) {
    const r = await off.post(`/api/v1/files?purpose=${purpose}`, bytes, h);
    assert.equal(r.status, 201, r.text);
    const d = r.body.data;
    assert.match(d.id, /^[1-9][0-9]*$/);
    assert.equal(d.sm3, sm3(bytes));
    assert.deepEqual([d.kind, d.bytes, d.width, d.height, d.purpose, d.status],
      [kind, bytes.length, w, ht, purpose, 'pending']);
    assert.equal(d.uploaded_by, off.user.id);
    // Stored under a name the server chose: ab/cd/<sm3>.
    assert.ok(blobs().includes(join(d.sm3.slice(0, 2), d.sm3.slice(2, 4), d.sm3)), d.sm3);
    const m = await off.get(`/api/v1/files/${d.id}`);
    assert.equal(m.status, 200, m.text);
    assert.deepEqual(m.body.data, d);
  }
  assert.ok(await auditCount('file.upload') >= 4);
});

test('FILE-001..004 refused uploads name the field or header and store nothing', async () => {
  const rows0 = srv.count('files');
  const blobs0 = blobs().length;
  const up0 = await auditCount('file.upload');
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');
  const html = Buffer.from('<!DOCTYPE html><html><script>alert(1)</script></html>');
  const gif = Buffer.from('GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff!\xf9\x04\x01\0\0\0\0,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;', 'latin1');
  const webp = Buffer.from('RIFF\x1a\0\0\0WEBPVP8L\x0d\0\0\0/\0\0\0\x10\x07\x10\x11\x11\x88\x88\xfe\x07\0', 'latin1');
  const badCrc = png(4, 4);
  badCrc[40] ^= 1;
  const polyglot = Buffer.concat([jpeg(8, 8).subarray(0, 3), html]);
  const cases = [
    // Types that are not accepted at all: the header is named.
    ['svg', svg, { 'Content-Type': 'image/svg+xml' }, 'photo', 415, 'unsupported_media_type', 'Content-Type'],
    ['html', html, { 'Content-Type': 'text/html' }, 'document', 415, 'unsupported_media_type', 'Content-Type'],
    ['gif', gif, { 'Content-Type': 'image/gif' }, 'photo', 415, 'unsupported_media_type', 'Content-Type'],
    ['json', Buffer.from('{}'), { 'Content-Type': 'application/json' }, 'photo', 415, 'unsupported_media_type', 'Content-Type'],
    // Declared as an accepted type, but the bytes are something else.
    ['svg as png', svg, PNG, 'photo', 415, 'unsupported_media_type', 'body'],
    ['html as jpeg', html, JPEG, 'photo', 415, 'unsupported_media_type', 'body'],
    ['gif as png', gif, PNG, 'photo', 415, 'unsupported_media_type', 'body'],
    ['webp as jpeg', webp, JPEG, 'photo', 415, 'unsupported_media_type', 'body'],
    ['jpeg as png', jpeg(8, 8), PNG, 'photo', 415, 'unsupported_media_type', 'Content-Type'],
    ['pdf as jpeg', pdf(), JPEG, 'document', 415, 'unsupported_media_type', 'Content-Type'],
    // The right magic over a broken structure.
    ['png bad crc', badCrc, PNG, 'photo', 400, 'invalid', 'body'],
    ['jpeg header over html', polyglot, JPEG, 'photo', 400, 'invalid', 'body'],
    ['png claiming 100000 x 100000', png(100000, 100000), PNG, 'photo', 400, 'range', 'body'],
    // Empty; over the purpose's cap; a PDF as a photo.
    ['empty', Buffer.alloc(0), PNG, 'photo', 400, 'missing', 'body'],
    ['photo over 8 MiB', jpeg(8, 8, { pad: 8 * 1024 * 1024 }), JPEG, 'photo', 413, 'too_large', 'body'],
    ['signature over 512 KiB', jpeg(8, 8, { pad: 600 * 1024 }), JPEG, 'signature', 413, 'too_large', 'body'],
    ['pdf as photo', pdf(), PDF, 'photo', 415, 'unsupported_media_type', 'body'],
    // The purpose.
    ['no purpose', png(2, 2), PNG, null, 400, 'invalid', 'purpose'],
    ['bad purpose', png(2, 2), PNG, 'avatar', 400, 'invalid', 'purpose'],
  ];
  for (const [what, bytes, h, purpose, status, code, field] of cases) {
    const q = purpose === null ? '' : `?purpose=${purpose}`;
    const r = await off.post(`/api/v1/files${q}`, bytes, h);
    try {
      assertError(assert, r, status, code, field);
    } catch (err) {
      err.message = `${what}: ${err.message}`;
      throw err;
    }
  }
  // Past the route's limit the server stops reading: 413.
  const huge = await off.post('/api/v1/files?purpose=document', Buffer.alloc(21 * 1024 * 1024, 0x25), PDF);
  assertError(assert, huge, 413, 'too_large');
  // No CSRF token; no files:write (a refusal audited as such only).
  assertError(assert, await off.post('/api/v1/files?purpose=photo', png(2, 2), { ...PNG, 'X-CSRF-Token': null }), 403, 'csrf');
  assertError(assert, await aud.post('/api/v1/files?purpose=photo', png(2, 2), PNG), 403, 'forbidden');
  // Nothing stored: no row, no upload entry, no blob.
  assert.equal(srv.count('files'), rows0);
  assert.equal(await auditCount('file.upload'), up0);
  assert.equal(blobs().length, blobs0);
  assert.deepEqual(readdirSync(join(blobDir, 'tmp')), []);
});

test('FILE-006/007/012 the display copy has no EXIF; headers; 304; the original needs files:original', async () => {
  const orig = jpeg(16, 16, { meta: true });
  const r = await unit.post('/api/v1/files?purpose=photo', orig, JPEG);
  assert.equal(r.status, 201, r.text);
  const d = r.body.data;
  assert.notEqual(d.display_sm3, d.sm3);
  // The display copy: no APP1/EXIF, no comment, still a JPEG of that size.
  let g = await getBytes(unit, `/api/v1/files/${d.id}/content`);
  assert.equal(g.status, 200);
  assert.equal(sm3(g.bytes), d.display_sm3);
  assert.equal(g.bytes.length, d.display_bytes);
  assert.ok(!g.bytes.includes('Exif') && !g.bytes.includes('GPS') && !g.bytes.includes('Dongguan'));
  assert.ok(!g.bytes.includes(Buffer.from([0xff, 0xe1])));
  assert.deepEqual([...g.bytes.subarray(0, 2)], [0xff, 0xd8]);
  assert.deepEqual([...g.bytes.subarray(-2)], [0xff, 0xd9]);
  assert.equal(g.headers.get('content-type'), 'image/jpeg');
  assert.equal(g.headers.get('content-disposition'), `inline; filename="${d.id}.jpg"`);
  assert.equal(g.headers.get('x-content-type-options'), 'nosniff');
  assert.match(g.headers.get('content-security-policy'), /^default-src 'none'/);
  assert.ok(!g.headers.get('content-security-policy').includes("'self'"));
  assert.equal(g.headers.get('cache-control'), 'no-store');
  assert.equal(g.headers.get('etag'), `"${d.display_sm3}"`);
  // The client has it: 304, no body.
  g = await getBytes(unit, `/api/v1/files/${d.id}/content`, { 'If-None-Match': `"${d.display_sm3}"` });
  assert.equal(g.status, 304);
  assert.equal(g.bytes.length, 0);
  assert.equal(g.headers.get('etag'), `"${d.display_sm3}"`);
  g = await getBytes(unit, `/api/v1/files/${d.id}/content`, { 'If-None-Match': `W/"x", "${d.display_sm3}"` });
  assert.equal(g.status, 304);
  g = await getBytes(unit, `/api/v1/files/${d.id}/content`, { 'If-None-Match': '"0000"' });
  assert.equal(g.status, 200);

  // The original is evidence: files:original, even for the uploader.
  const denied0 = await auditCount('access.denied');
  let x = await unit.get(`/api/v1/files/${d.id}/content?original=1`);
  assertError(assert, x, 403, 'forbidden', 'original');
  // An error is a JSON envelope, not a download.
  assert.equal(x.headers.get('content-disposition'), null);
  assert.equal(x.headers.get('etag'), null);
  x = await unit.get(`/api/v1/files/${d.id}/content?original=1`, { 'If-None-Match': `"${d.sm3}"` });
  assertError(assert, x, 403, 'forbidden', 'original');
  assertError(assert, await unit.get(`/api/v1/files/${d.id}/content?original=yes`), 400, 'invalid', 'original');
  assert.equal(await auditCount('access.denied'), denied0);
  // Nobody else sees an unclaimed upload, whatever they hold (Z-2).
  assertError(assert, await off.get(`/api/v1/files/${d.id}`), 404, 'not_found');
  assertError(assert, await grid.get(`/api/v1/files/${d.id}/content`), 404, 'not_found');
  assertError(assert, await off.get('/api/v1/files/123456789'), 404, 'not_found');
  assertError(assert, await off.get('/api/v1/files/abc/content'), 404, 'not_found');

  // The officer's own upload: the original byte for byte, audited.
  const mine = (await off.post('/api/v1/files?purpose=photo', orig, JPEG)).body.data;
  const o0 = await auditCount('file.original');
  g = await getBytes(off, `/api/v1/files/${mine.id}/content?original=1`);
  assert.equal(g.status, 200);
  assert.deepEqual(g.bytes, orig);
  assert.equal(g.headers.get('etag'), `"${mine.sm3}"`);
  assert.equal(g.headers.get('content-disposition'), `inline; filename="${mine.id}-original.jpg"`);
  assert.equal(await auditCount('file.original'), o0 + 1);

  // A PNG inline, a PDF always as an attachment.
  const p = (await grid.post('/api/v1/files?purpose=photo', png(4, 4, { meta: true }), PNG)).body.data;
  g = await getBytes(grid, `/api/v1/files/${p.id}/content`);
  assert.equal(g.headers.get('content-type'), 'image/png');
  assert.equal(g.headers.get('content-disposition'), `inline; filename="${p.id}.png"`);
  assert.ok(!g.bytes.includes('eXIf') && !g.bytes.includes('tEXt'));
  const doc = pdf();
  const f = (await grid.post('/api/v1/files?purpose=document', doc, PDF)).body.data;
  g = await getBytes(grid, `/api/v1/files/${f.id}/content`);
  assert.equal(g.status, 200);
  assert.equal(g.headers.get('content-type'), 'application/pdf');
  assert.equal(g.headers.get('content-disposition'), `attachment; filename="${f.id}.pdf"`);
  assert.match(g.headers.get('content-security-policy'), /^default-src 'none'/);
  assert.deepEqual(g.bytes, doc);
});

test('FILE-005 the same content twice is stored once; Idempotency-Key replays the upload', async () => {
  const bytes = png(11, 13);
  const before = blobs().length;
  const a = await off.post('/api/v1/files?purpose=photo', bytes, PNG);
  const b = await grid.post('/api/v1/files?purpose=photo', bytes, PNG);
  assert.equal(a.status, 201, a.text);
  assert.equal(b.status, 201, b.text);
  assert.notEqual(a.body.data.id, b.body.data.id);
  assert.equal(a.body.data.sm3, b.body.data.sm3);
  assert.equal(blobs().length, before + 1);
  // A phone retrying on a bad network gets the same file, not a second.
  const rows = srv.count('files');
  const key = { ...PNG, 'Idempotency-Key': 'upload-7f3a' };
  const r1 = await off.post('/api/v1/files?purpose=photo', png(3, 9), key);
  const r2 = await off.post('/api/v1/files?purpose=photo', png(3, 9), key);
  assert.equal(r1.status, 201, r1.text);
  assert.equal(r2.status, 201, r2.text);
  assert.equal(r2.body.data.id, r1.body.data.id);
  assert.equal(srv.count('files'), rows + 1);
});

test('OpenAPI: the upload takes the file itself in one of three media types', async () => {
  const doc = (await srv.client().get('/api/v1/openapi.json')).body;
  const op = doc.paths['/api/v1/files'].post;
  assert.equal(op['x-permission'], 'files:write');
  assert.deepEqual(Object.keys(op.requestBody.content).sort(), ['application/pdf', 'image/jpeg', 'image/png']);
  for (const c of Object.values(op.requestBody.content)) {
    assert.equal(c.schema.type, 'string');
    assert.equal(c.schema['x-max-bytes'], 20 * 1024 * 1024);
  }
  assert.equal(doc.paths['/api/v1/files/{id}/content'].get['x-permission'], 'login');
});

test('FILE-009/010 files.sweep: unclaimed uploads orphaned after a day, their blobs deleted', async () => {
  const bytes = png(17, 19);
  const r = await grid.post('/api/v1/files?purpose=photo', bytes, PNG);
  assert.equal(r.status, 201, r.text);
  const d = r.body.data;
  const name = join(d.sm3.slice(0, 2), d.sm3.slice(2, 4), d.sm3);
  assert.ok(blobs().includes(name));
  // A day and more ago; the blob last touched then as well.
  srv.sql(`UPDATE files SET uploaded_at = uploaded_at - 90000 WHERE id = ${d.id}`);
  const { utimesSync } = await import('node:fs');
  const old = Date.now() / 1000 - 90000;
  utimesSync(join(blobDir, name), old, old);
  const run = srv.cli(['job', 'run', 'files.sweep', '--blobs', blobDir]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^files\.sweep: orphaned [1-9]\d*, purged [1-9]\d*, blobs deleted [1-9]\d*, strays \d+$/m);
  assert.ok(!blobs().includes(name));
  const m = await grid.get(`/api/v1/files/${d.id}`);
  assert.equal(m.status, 200, m.text);
  assert.equal(m.body.data.status, 'orphaned');
  assert.equal(typeof m.body.data.purged_at, 'number');
  assertError(assert, await grid.get(`/api/v1/files/${d.id}/content`), 404, 'not_found');
  // The trail still verifies, records included.
  const v = srv.cli(['audit', 'verify', '--deep']);
  assert.equal(v.status, 0, v.stdout + v.stderr);
});
