// 一单两库 over HTTP (docs/modules/inspection_dir.md): the item list with
// its published form, the inspector directory and declared conflicts;
// CRUD with If-Match (428/412) and archive instead of delete; the item
// list kept by the city; jurisdiction isolation between towns (Z-2);
// every bad input a 4xx naming the field with nothing stored (I-1);
// exports; `firewarden inspection load-items` and `seed-demo`; and
// `audit verify --deep` after it all.  Runs on SQLite and, with
// FW_TEST_DB, on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server, assertError } from './lib.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ITEMS_FILE = join(ROOT, 'data', 'inspection', 'items.json');
const A = '441900003';   // 东城街道
const B = '441900121';   // 虎门镇
const C = '441900004';   // 南城街道

let srv;
let work;
let off;      // officer, city
let offA;     // officer, town A
let offB;     // officer, town B
let townA;    // town safety office, town A: inspection:read only
let lead;     // leader, city: inspection:read
let aud;      // auditor
let unitA;
let unitB;
let seq = 0;

const ifm = (j) => ({ 'If-Match': `"${j.version}"` });
const count = (table, where = '') => Number(srv.sql(`SELECT COUNT(*) FROM ${table} ${where}`));

function day(n) {
  const d = new Date(Date.now() + 8 * 3600 * 1000 + n * 86400 * 1000);
  return d.toISOString().slice(0, 10);
}

function newItem(extra = {}) {
  seq++;
  return {
    code: `T-${String(seq).padStart(3, '0')}`,
    name: `测试检查事项${seq}`,
    legal_basis: '《中华人民共和国消防法》第二十八条',
    content: '疏散通道、安全出口是否畅通',
    method: '现场检查',
    department: 'fire',
    ...extra,
  };
}

function newInspector(areas = [A], extra = {}) {
  seq++;
  return {
    name: `检查员${seq}`,
    department: 'fire',
    cert_no: `粤消执 2026-${String(seq).padStart(4, '0')}`,
    cert_valid_until: '2030-12-31',
    areas,
    ...extra,
  };
}

async function mk(c, path, body) {
  const r = await c.post(path, body);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.headers.get('etag'), `"${r.body.data.version}"`);
  return r.body.data;
}

// A GET whose body is kept as bytes (exports).
async function getBytes(c, path) {
  const r = await fetch(srv.base + path, { headers: { Cookie: c.cookie } });
  return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
}

async function auditCount(action) {
  const r = await aud.get(`/api/v1/audit/search?action=${action}&limit=1`);
  assert.equal(r.status, 200, r.text);
  return r.body.page.total;
}

function tableCounts() {
  return {
    items: count('inspection_items'),
    inspectors: count('inspectors'),
    conflicts: count('inspector_conflicts'),
    versions: srv.sql('SELECT COALESCE(SUM(version), 0) FROM inspection_items') + '/' +
      srv.sql('SELECT COALESCE(SUM(version), 0) FROM inspectors') + '/' +
      srv.sql('SELECT COALESCE(SUM(version), 0) FROM inspector_conflicts'),
  };
}

before(async () => {
  work = mkdtempSync(join(process.env.FW_TMP || tmpdir(), 'fwinsd-'));
  srv = new Server();
  await srv.start();
  srv.addUser('insd.off', 'officer', 'city');
  srv.addUser('insd.offa', 'officer', `town:${A}`);
  srv.addUser('insd.offb', 'officer', `town:${B}`);
  srv.addUser('insd.towna', 'town', `town:${A}`);
  srv.addUser('insd.lead', 'leader', 'city');
  srv.addUser('insd.aud', 'auditor', 'city');
  [off, offA, offB, townA, lead, aud] = await Promise.all(['insd.off', 'insd.offa', 'insd.offb',
    'insd.towna', 'insd.lead', 'insd.aud'].map((l) => srv.login(l)));
  unitA = await mk(off, '/api/v1/units', { name: '东城测试商场', address: '东城测试路1号', town: A });
  unitB = await mk(off, '/api/v1/units', { name: '虎门测试酒店', address: '虎门测试路1号', town: B });
});
after(async () => {
  await srv?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('INS-001..006 items: create 201 with ETag, read, PATCH with If-Match (428/412), archive; no delete', async () => {
  const n0 = count('inspection_items');
  const a0 = await srv.auditSize();
  const body = newItem({ code: 'xf-901', categories: ['crowded', 'key'] });
  const it = await mk(off, '/api/v1/inspection/items', body);
  assert.equal(it.code, 'XF-901');
  assert.deepEqual(it.categories, ['key', 'crowded']);
  assert.equal(it.status, 'active');
  assert.equal(it.version, 1);
  assert.equal(count('inspection_items'), n0 + 1);
  assert.equal(await srv.auditSize(), a0 + 1);

  let r = await lead.get(`/api/v1/inspection/items/${it.id}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('etag'), '"1"');
  assert.deepEqual(r.body.data, it);

  assertError(assert, await off.patch(`/api/v1/inspection/items/${it.id}`, { name: '改' }), 428, 'precondition_required');
  assertError(assert, await off.patch(`/api/v1/inspection/items/${it.id}`, { name: '改' }, { 'If-Match': '"9"' }),
    412, 'precondition_failed');
  r = await off.patch(`/api/v1/inspection/items/${it.id}`, { name: '改名后的事项', categories: [] }, ifm(it));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('etag'), '"2"');
  assert.equal(r.body.data.name, '改名后的事项');
  assert.deepEqual(r.body.data.categories, []);
  assertError(assert, await off.post('/api/v1/inspection/items', newItem({ code: 'XF-901' })), 409, 'conflict', 'code');

  assertError(assert, await off.del(`/api/v1/inspection/items/${it.id}`), 405, 'method_not_allowed');
  assertError(assert, await off.post(`/api/v1/inspection/items/${it.id}/archive`, undefined, { 'If-Match': '"1"' }),
    412, 'precondition_failed');
  r = await off.post(`/api/v1/inspection/items/${it.id}/archive`, undefined, { 'If-Match': '"2"' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.status, 'archived');
  assertError(assert, await off.patch(`/api/v1/inspection/items/${it.id}`, { name: 'x' }, ifm(r.body.data)),
    422, 'policy', 'status');
  assert.equal(count('inspection_items', `WHERE id = ${it.id}`), 1, 'archived, not deleted');
  assertError(assert, await off.get('/api/v1/inspection/items/999999'), 404, 'not_found');

  const s = await aud.get(`/api/v1/audit/objects/inspection_item/${it.id}`);
  assert.equal(s.status, 200, s.text);
  assert.deepEqual(s.body.data.map((e) => JSON.parse(e.entry).action),
    ['inspection_item.create', 'inspection_item.update', 'inspection_item.archive']);
});

test('INS-002/003/016 item list: search, department, status, category (every-unit items included), sort, paging', async () => {
  const mine = [];
  mine.push(await mk(off, '/api/v1/inspection/items', newItem({ code: 'LS-01', name: '列表甲', department: 'market' })));
  mine.push(await mk(off, '/api/v1/inspection/items', newItem({ code: 'LS-02', name: '列表乙', categories: ['rental'] })));
  mine.push(await mk(off, '/api/v1/inspection/items', newItem({ code: 'LS-03', name: '列表丙', categories: ['key'] })));
  let r = await townA.get('/api/v1/inspection/items?q=ls-&limit=200');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.data.map((i) => i.code), ['LS-01', 'LS-02', 'LS-03']);
  r = await townA.get('/api/v1/inspection/items?q=LS-&sort=-code');
  assert.deepEqual(r.body.data.map((i) => i.code), ['LS-03', 'LS-02', 'LS-01']);
  r = await townA.get('/api/v1/inspection/items?q=LS-&department=market');
  assert.deepEqual(r.body.data.map((i) => i.code), ['LS-01']);
  r = await townA.get('/api/v1/inspection/items?q=LS-&category=rental');
  assert.deepEqual(r.body.data.map((i) => i.code), ['LS-01', 'LS-02']);
  r = await townA.get('/api/v1/inspection/items?q=LS-&category=general');
  assert.deepEqual(r.body.data.map((i) => i.code), ['LS-01']);
  r = await townA.get('/api/v1/inspection/items?q=列表&limit=2&offset=2');
  assert.equal(r.body.page.total, 3);
  assert.equal(r.body.data.length, 1);
  r = await townA.get('/api/v1/inspection/items?q=LS-&status=archived');
  assert.equal(r.body.page.total, 0);
  for (const [q, field] of [['sort=uscc', 'sort'], ['limit=201', 'limit'], ['department=navy', 'department'],
    ['category=castle', 'category'], ['status=gone', 'status'], [`q=${'长'.repeat(65)}`, 'q'], ['offset=-1', 'offset']]) {
    assertError(assert, await townA.get(`/api/v1/inspection/items?${encodeURI(q)}`), 400, 'invalid', field);
  }
  assertError(assert, await aud.get('/api/v1/inspection/items'), 403, 'forbidden');
});

test('INS-004 the item list is kept by the city: a town officer reads every department but writes nothing', async () => {
  const it = await mk(off, '/api/v1/inspection/items', newItem({ department: 'housing' }));
  const w0 = count('audit_entries', "WHERE action LIKE 'inspection_item.%'");
  const n0 = count('inspection_items');
  assertError(assert, await offA.post('/api/v1/inspection/items', newItem()), 403, 'forbidden');
  assertError(assert, await offA.patch(`/api/v1/inspection/items/${it.id}`, { name: 'x' }, ifm(it)), 403, 'forbidden');
  assertError(assert, await offA.post(`/api/v1/inspection/items/${it.id}/archive`), 403, 'forbidden');
  assertError(assert, await townA.post('/api/v1/inspection/items', newItem()), 403, 'forbidden');
  assertError(assert, await lead.post('/api/v1/inspection/items', newItem()), 403, 'forbidden');
  const r = await offB.get(`/api/v1/inspection/items/${it.id}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(count('inspection_items'), n0);
  assert.equal(count('audit_entries', "WHERE action LIKE 'inspection_item.%'"), w0, 'no item entry was written');
  assert.equal((await off.get(`/api/v1/inspection/items/${it.id}`)).body.data.version, 1);
});

test('INS-007..010 inspectors: create, read, PATCH with If-Match, suspend, archive; certificates, areas, users', async () => {
  const uid = srv.addUser('insd.person', 'officer', `town:${A}`);
  const n0 = count('inspectors');
  const p = await mk(off, '/api/v1/inspectors', newInspector([B, A], { user_id: uid, specialty: '建筑防火' }));
  assert.deepEqual(p.areas, [A, B]);
  assert.equal(p.user_id, uid);
  assert.equal(p.user_login, 'insd.person');
  assert.equal(p.cert_valid, true);
  assert.equal(p.conflicts_active, 0);
  assert.equal(p.status, 'active');
  assert.equal(srv.sql(`SELECT areas FROM inspectors WHERE id = ${p.id}`), `${A},${B}`);
  let r = await offA.get(`/api/v1/inspectors/${p.id}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.data, p);

  assertError(assert, await off.post('/api/v1/inspectors', newInspector([A], { cert_no: p.cert_no })), 409, 'conflict', 'cert_no');
  assertError(assert, await off.post('/api/v1/inspectors', newInspector([A], { user_id: uid })), 409, 'conflict', 'user_id');
  const other = await mk(off, '/api/v1/inspectors', newInspector([A], { cert_no: p.cert_no, department: 'market' }));
  assert.equal(other.department, 'market');
  const adm = srv.addUser('insd.sysadm', 'sysadmin', 'city');
  assertError(assert, await off.post('/api/v1/inspectors', newInspector([A], { user_id: adm })), 400, 'invalid', 'user_id');

  assertError(assert, await off.patch(`/api/v1/inspectors/${p.id}`, { status: 'suspended' }), 428, 'precondition_required');
  assertError(assert, await off.patch(`/api/v1/inspectors/${p.id}`, { status: 'suspended' }, { 'If-Match': '"5"' }),
    412, 'precondition_failed');
  r = await off.patch(`/api/v1/inspectors/${p.id}`, { status: 'suspended', specialty: null, user_id: null }, ifm(p));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.status, 'suspended');
  assert.equal(r.body.data.specialty, null);
  assert.equal(r.body.data.user_id, null);
  assert.equal(r.body.data.version, 2);
  assertError(assert, await off.patch(`/api/v1/inspectors/${p.id}`, { status: 'archived' }, ifm(r.body.data)),
    400, 'invalid', 'status');
  r = await off.post(`/api/v1/inspectors/${p.id}/archive`, undefined, ifm(r.body.data));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.status, 'archived');
  assertError(assert, await off.patch(`/api/v1/inspectors/${p.id}`, { name: 'x' }, ifm(r.body.data)), 422, 'policy', 'status');
  assertError(assert, await off.del(`/api/v1/inspectors/${p.id}`), 405, 'method_not_allowed');
  assert.equal(count('inspectors'), n0 + 2);

  // INS-010: certificate validity and its filters.
  const exp = await mk(off, '/api/v1/inspectors', newInspector([C], { cert_valid_until: day(-1) }));
  const soon = await mk(off, '/api/v1/inspectors', newInspector([C], { cert_valid_until: day(10) }));
  const today = await mk(off, '/api/v1/inspectors', newInspector([C], { cert_valid_until: day(0) }));
  assert.equal(exp.cert_valid, false);
  assert.equal(soon.cert_valid, true);
  assert.equal(today.cert_valid, true);
  const ids = (rr) => rr.body.data.map((x) => x.id).sort();
  r = await off.get(`/api/v1/inspectors?area=${C}&cert=expired`);
  assert.deepEqual(ids(r), [exp.id]);
  r = await off.get(`/api/v1/inspectors?area=${C}&cert=valid`);
  assert.deepEqual(ids(r), [soon.id, today.id].sort());
  r = await off.get(`/api/v1/inspectors?area=${C}&expiring=30`);
  assert.deepEqual(ids(r), [soon.id, today.id].sort());
  r = await off.get(`/api/v1/inspectors?area=${C}&expiring=0`);
  assert.deepEqual(ids(r), [today.id]);
  r = await off.get(`/api/v1/inspectors?area=${C}&sort=-cert_valid_until`);
  assert.deepEqual(r.body.data.map((x) => x.id), [soon.id, today.id, exp.id]);
  for (const [q, field] of [['expiring=-1', 'expiring'], ['expiring=3651', 'expiring'], ['expiring=x', 'expiring'],
    ['cert=soon', 'cert'], ['area=441900999', 'area'], ['area=12', 'area'], ['sort=cert_no', 'sort'],
    ['status=gone', 'status'], ['department=navy', 'department'], ['limit=0', 'limit']]) {
    assertError(assert, await off.get(`/api/v1/inspectors?${q}`), 400, 'invalid', field);
  }
  r = await off.get(`/api/v1/inspectors?q=${encodeURIComponent(soon.cert_no.toLowerCase())}`);
  assert.deepEqual(ids(r), [soon.id]);
});

test('Z-2 INS-011/012 towns never see each other\'s inspectors and keep only their own', async () => {
  const a0 = await srv.auditSize();
  const pa = await mk(offA, '/api/v1/inspectors', newInspector([A]));
  const pb = await mk(offB, '/api/v1/inspectors', newInspector([B]));
  const pab = await mk(off, '/api/v1/inspectors', newInspector([A, B]));
  assert.equal(await srv.auditSize(), a0 + 3);
  // Reads: by id and by list.
  assertError(assert, await offA.get(`/api/v1/inspectors/${pb.id}`), 404, 'not_found');
  assertError(assert, await townA.get(`/api/v1/inspectors/${pb.id}`), 404, 'not_found');
  assertError(assert, await offB.get(`/api/v1/inspectors/${pa.id}`), 404, 'not_found');
  let r = await townA.get('/api/v1/inspectors?limit=200');
  assert.ok(r.body.data.every((p) => p.areas.includes(A)), 'town A sees only inspectors of town A');
  assert.ok(r.body.data.some((p) => p.id === pab.id));
  assert.ok(!r.body.data.some((p) => p.id === pb.id));
  r = await townA.get(`/api/v1/inspectors?area=${B}&limit=200`);
  assert.ok(r.body.data.every((p) => p.areas.includes(A) && p.areas.includes(B)), 'a filter never widens');
  // Writes: only one's own town, alone.
  const n0 = count('inspectors');
  const w0 = count('audit_entries', "WHERE action LIKE 'inspector.%'");
  assertError(assert, await offA.post('/api/v1/inspectors', newInspector([A, B])), 403, 'forbidden', 'areas');
  assertError(assert, await offA.post('/api/v1/inspectors', newInspector([B])), 403, 'forbidden', 'areas');
  assertError(assert, await offA.patch(`/api/v1/inspectors/${pab.id}`, { name: '越权' }, ifm(pab)), 403, 'forbidden', 'areas');
  assertError(assert, await offA.post(`/api/v1/inspectors/${pab.id}/archive`), 403, 'forbidden', 'areas');
  assertError(assert, await offA.patch(`/api/v1/inspectors/${pb.id}`, { name: '越权' }, ifm(pb)), 404, 'not_found');
  assertError(assert, await offA.patch(`/api/v1/inspectors/${pa.id}`, { areas: [A, B] }, ifm(pa)), 403, 'forbidden', 'areas');
  assertError(assert, await townA.post('/api/v1/inspectors', newInspector([A])), 403, 'forbidden');
  assert.equal(count('inspectors'), n0);
  assert.equal(count('audit_entries', "WHERE action LIKE 'inspector.%'"), w0, 'no inspector entry was written');
  assert.equal((await offA.get(`/api/v1/inspectors/${pab.id}`)).body.data.version, 1);
  assert.equal((await offA.get(`/api/v1/inspectors/${pa.id}`)).body.data.version, 1);
  r = await offA.patch(`/api/v1/inspectors/${pa.id}`, { specialty: '电气防火' }, ifm(pa));
  assert.equal(r.status, 200, r.text);
  assert.equal(count('audit_entries', "WHERE action LIKE 'inspector.%'"), w0 + 1);
});

test('INS-013/014 conflicts: declare, list by inspector and by unit, withdraw with If-Match; scoped', async () => {
  const p = await mk(off, '/api/v1/inspectors', newInspector([A, B]));
  const pb = await mk(off, '/api/v1/inspectors', newInspector([B]));
  const a0 = await srv.auditSize();
  const ca = await mk(off, `/api/v1/inspectors/${p.id}/conflicts`, { unit_id: unitA.id, kind: 'relative', note: '配偶在该单位任职' });
  assert.equal(ca.status, 'active');
  assert.equal(ca.unit_name, unitA.name);
  assert.equal(ca.inspector_name, p.name);
  const cb = await mk(offB, `/api/v1/inspectors/${p.id}/conflicts`, { unit_id: unitB.id, kind: 'former_employer' });
  await mk(off, `/api/v1/inspectors/${pb.id}/conflicts`, { unit_id: unitA.id, kind: 'interest' });
  assert.equal(await srv.auditSize(), a0 + 3);
  assertError(assert, await off.post(`/api/v1/inspectors/${p.id}/conflicts`, { unit_id: unitA.id, kind: 'interest' }),
    409, 'conflict', 'unit_id');
  // Town B sees the inspector but not town A's unit: as if absent.
  assertError(assert, await offB.post(`/api/v1/inspectors/${p.id}/conflicts`, { unit_id: unitA.id, kind: 'interest' }),
    400, 'invalid', 'unit_id');
  assertError(assert, await townA.post(`/api/v1/inspectors/${p.id}/conflicts`, { unit_id: unitA.id, kind: 'interest' }),
    403, 'forbidden');
  assert.equal((await off.get(`/api/v1/inspectors/${p.id}`)).body.data.conflicts_active, 2);

  let r = await off.get(`/api/v1/inspectors/${p.id}/conflicts`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.page.total, 2);
  r = await townA.get(`/api/v1/inspectors/${p.id}/conflicts`);
  assert.deepEqual(r.body.data.map((c) => c.id), [ca.id]);
  r = await off.get(`/api/v1/units/${unitA.id}/conflicts`);
  assert.equal(r.body.page.total, 2);
  r = await townA.get(`/api/v1/units/${unitA.id}/conflicts`);
  assert.deepEqual(r.body.data.map((c) => c.id), [ca.id], 'not the conflict of town B\'s inspector');
  assertError(assert, await townA.get(`/api/v1/units/${unitB.id}/conflicts`), 404, 'not_found');
  assertError(assert, await townA.get(`/api/v1/inspectors/${pb.id}/conflicts`), 404, 'not_found');
  assertError(assert, await off.get(`/api/v1/units/${unitA.id}/conflicts?status=gone`), 400, 'invalid', 'status');

  assertError(assert, await off.post(`/api/v1/inspector-conflicts/${cb.id}/withdraw`), 428, 'precondition_required');
  assertError(assert, await off.post(`/api/v1/inspector-conflicts/${cb.id}/withdraw`, undefined, { 'If-Match': '"3"' }),
    412, 'precondition_failed');
  assertError(assert, await offA.post(`/api/v1/inspector-conflicts/${cb.id}/withdraw`, undefined, ifm(cb)), 404, 'not_found');
  r = await offB.post(`/api/v1/inspector-conflicts/${cb.id}/withdraw`, undefined, ifm(cb));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.status, 'withdrawn');
  assert.equal(r.headers.get('etag'), '"2"');
  assertError(assert, await off.post(`/api/v1/inspector-conflicts/${cb.id}/withdraw`, undefined, ifm(r.body.data)),
    422, 'policy', 'status');
  r = await off.get(`/api/v1/inspectors/${p.id}/conflicts?status=active`);
  assert.deepEqual(r.body.data.map((c) => c.id), [ca.id]);
  assert.equal(count('inspector_conflicts', `WHERE id = ${cb.id}`), 1, 'withdrawn, not deleted');
});

test('I-1 INS-016 every bad input: 4xx naming the field, nothing stored', async () => {
  const it = await mk(off, '/api/v1/inspection/items', newItem());
  const p = await mk(off, '/api/v1/inspectors', newInspector([A]));
  const arch = await mk(off, '/api/v1/inspectors', newInspector([A]));
  await off.post(`/api/v1/inspectors/${arch.id}/archive`);
  const c0 = tableCounts();
  const a0 = await srv.auditSize();
  const item = (extra, drop) => { const b = newItem(extra); if (drop) delete b[drop]; return b; };
  const insp = (extra, drop) => { const b = newInspector([A], extra); if (drop) delete b[drop]; return b; };
  const cases = [
    ['POST', '/api/v1/inspection/items', item({ code: 'X' }), 400, 'range', 'code'],
    ['POST', '/api/v1/inspection/items', item({ code: 'XF_01' }), 400, 'invalid', 'code'],
    ['POST', '/api/v1/inspection/items', item({ code: 'A'.repeat(17) }), 400, 'range', 'code'],
    ['POST', '/api/v1/inspection/items', item({}, 'name'), 400, 'missing', 'name'],
    ['POST', '/api/v1/inspection/items', item({}, 'legal_basis'), 400, 'missing', 'legal_basis'],
    ['POST', '/api/v1/inspection/items', item({ name: '事'.repeat(101) }), 400, 'range', 'name'],
    ['POST', '/api/v1/inspection/items', item({ content: '' }), 400, 'range', 'content'],
    ['POST', '/api/v1/inspection/items', item({ content: '一\n二' }), 400, 'invalid', 'content'],
    ['POST', '/api/v1/inspection/items', item({ method: 7 }), 400, 'type', 'method'],
    ['POST', '/api/v1/inspection/items', item({ department: 'navy' }), 400, 'invalid', 'department'],
    ['POST', '/api/v1/inspection/items', item({ categories: ['castle'] }), 400, 'invalid', 'categories'],
    ['POST', '/api/v1/inspection/items', item({ categories: ['general'] }), 400, 'invalid', 'categories'],
    ['POST', '/api/v1/inspection/items', item({ categories: ['key', 'key'] }), 400, 'invalid', 'categories'],
    ['POST', '/api/v1/inspection/items', item({ categories: 'key' }), 400, 'type', 'categories'],
    ['POST', '/api/v1/inspection/items', item({ status: 'active' }), 400, 'unknown_field', 'status'],
    ['POST', '/api/v1/inspection/items', item({ code: it.code }), 409, 'conflict', 'code'],
    ['PATCH', `/api/v1/inspection/items/${it.id}`, { name: '新', department: 'navy' }, 400, 'invalid', 'department'],
    ['PATCH', `/api/v1/inspection/items/${it.id}`, { name: null }, 400, 'type', 'name'],
    ['PATCH', `/api/v1/inspection/items/${it.id}`, { id: '5' }, 400, 'unknown_field', 'id'],
    ['POST', '/api/v1/inspectors', insp({}, 'areas'), 400, 'missing', 'areas'],
    ['POST', '/api/v1/inspectors', insp({}, 'cert_no'), 400, 'missing', 'cert_no'],
    ['POST', '/api/v1/inspectors', insp({ areas: [] }), 400, 'range', 'areas'],
    ['POST', '/api/v1/inspectors', insp({ areas: [A, A] }), 400, 'invalid', 'areas'],
    ['POST', '/api/v1/inspectors', insp({ areas: ['441900999'] }), 400, 'invalid', 'areas'],
    ['POST', '/api/v1/inspectors', insp({ areas: ['4419'] }), 400, 'range', 'areas'],
    ['POST', '/api/v1/inspectors', insp({ areas: A }), 400, 'type', 'areas'],
    ['POST', '/api/v1/inspectors', insp({ cert_valid_until: '2030-02-30' }), 400, 'invalid', 'cert_valid_until'],
    ['POST', '/api/v1/inspectors', insp({ cert_valid_until: '2030/01/01' }), 400, 'invalid', 'cert_valid_until'],
    ['POST', '/api/v1/inspectors', insp({ cert_valid_until: '30-1-1' }), 400, 'range', 'cert_valid_until'],
    ['POST', '/api/v1/inspectors', insp({ name: '名'.repeat(51) }), 400, 'range', 'name'],
    ['POST', '/api/v1/inspectors', insp({ cert_no: 'C'.repeat(33) }), 400, 'range', 'cert_no'],
    ['POST', '/api/v1/inspectors', insp({ department: 'navy' }), 400, 'invalid', 'department'],
    ['POST', '/api/v1/inspectors', insp({ specialty: '' }), 400, 'range', 'specialty'],
    ['POST', '/api/v1/inspectors', insp({ user_id: 12 }), 400, 'type', 'user_id'],
    ['POST', '/api/v1/inspectors', insp({ user_id: '987654321' }), 400, 'invalid', 'user_id'],
    ['POST', '/api/v1/inspectors', insp({ status: 'active' }), 400, 'unknown_field', 'status'],
    ['POST', '/api/v1/inspectors', insp({ cert_no: p.cert_no }), 409, 'conflict', 'cert_no'],
    ['PATCH', `/api/v1/inspectors/${p.id}`, { name: '新', cert_valid_until: '2030-13-01' }, 400, 'invalid', 'cert_valid_until'],
    ['PATCH', `/api/v1/inspectors/${p.id}`, { status: 'deleted' }, 400, 'invalid', 'status'],
    ['PATCH', `/api/v1/inspectors/${p.id}`, { areas: null }, 400, 'type', 'areas'],
    ['POST', `/api/v1/inspectors/${p.id}/conflicts`, { kind: 'relative' }, 400, 'missing', 'unit_id'],
    ['POST', `/api/v1/inspectors/${p.id}/conflicts`, { unit_id: unitA.id }, 400, 'missing', 'kind'],
    ['POST', `/api/v1/inspectors/${p.id}/conflicts`, { unit_id: unitA.id, kind: 'friend' }, 400, 'invalid', 'kind'],
    ['POST', `/api/v1/inspectors/${p.id}/conflicts`, { unit_id: unitA.id, kind: 'other' }, 400, 'missing', 'note'],
    ['POST', `/api/v1/inspectors/${p.id}/conflicts`, { unit_id: unitA.id, kind: 'other', note: '同学' }, 400, 'range', 'note'],
    ['POST', `/api/v1/inspectors/${p.id}/conflicts`, { unit_id: unitA.id, kind: 'relative', note: '长'.repeat(501) }, 400, 'range', 'note'],
    ['POST', `/api/v1/inspectors/${p.id}/conflicts`, { unit_id: 5, kind: 'relative' }, 400, 'type', 'unit_id'],
    ['POST', `/api/v1/inspectors/${p.id}/conflicts`, { unit_id: '987654321', kind: 'relative' }, 400, 'invalid', 'unit_id'],
    ['POST', `/api/v1/inspectors/${p.id}/conflicts`, { unit_id: unitA.id, kind: 'relative', who: 'x' }, 400, 'unknown_field', 'who'],
    ['POST', `/api/v1/inspectors/${arch.id}/conflicts`, { unit_id: unitA.id, kind: 'relative' }, 422, 'policy', 'status'],
    ['POST', '/api/v1/inspectors/999999/conflicts', { unit_id: unitA.id, kind: 'relative' }, 404, 'not_found', null],
  ];
  for (const [method, path, body, status, code, field] of cases) {
    const headers = method === 'PATCH' ? { 'If-Match': '"1"' } : {};
    const r = await off.req(method, path, body, headers);
    assertError(assert, r, status, code, field === null ? undefined : field);
    if (field === null) assert.equal(r.body.error.field, null);
  }
  // Not JSON, duplicate keys, a body where none is taken.
  assertError(assert, await off.post('/api/v1/inspectors', 'name=x', { 'Content-Type': 'application/x-www-form-urlencoded' }), 415);
  assertError(assert, await off.post('/api/v1/inspection/items', '{"code":"A1","code":"A2"}'), 400, 'duplicate_key');
  assertError(assert, await off.post(`/api/v1/inspection/items/${it.id}/archive`, { reason: 'x' }), 400, 'unknown_field', 'reason');
  assertError(assert, await off.post('/api/v1/inspector-conflicts/1/withdraw', { note: 'x' }, { 'If-Match': '"1"' }),
    400, 'unknown_field', 'note');
  assert.deepEqual(tableCounts(), c0);
  assert.equal(await srv.auditSize(), a0);
  assert.equal((await off.get(`/api/v1/inspection/items/${it.id}`)).body.data.name, it.name);
  assert.equal((await off.get(`/api/v1/inspectors/${p.id}`)).body.data.cert_valid_until, p.cert_valid_until);
});

test('INS-017 the published item list: no login, active items only, no ids or people', async () => {
  const pub = await mk(off, '/api/v1/inspection/items', newItem({ code: 'PB-01', name: '公开事项', categories: ['key'] }));
  const gone = await mk(off, '/api/v1/inspection/items', newItem({ code: 'PB-02', name: '已归档事项' }));
  await off.post(`/api/v1/inspection/items/${gone.id}/archive`);
  const anon = srv.client();
  let r = await anon.get('/api/v1/public/inspection/items?q=PB-&limit=200');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.page.total, 1);
  const x = r.body.data[0];
  assert.deepEqual(Object.keys(x).sort(), ['categories', 'code', 'content', 'department', 'department_name',
    'legal_basis', 'method', 'name', 'updated_at']);
  assert.equal(x.code, 'PB-01');
  assert.equal(x.name, pub.name);
  assert.equal(x.department_name, '消防救援机构');
  assert.deepEqual(x.categories, ['key']);
  r = await anon.get('/api/v1/public/inspection/items?q=PB-&status=archived');
  assert.equal(r.body.page.total, 1, 'status is not a public filter');
  assertError(assert, await anon.get('/api/v1/public/inspection/items?department=navy'), 400, 'invalid', 'department');
  assertError(assert, await anon.get('/api/v1/inspection/items'), 401, 'unauthenticated');
  assertError(assert, await anon.get('/api/v1/inspectors'), 401, 'unauthenticated');
  // No personal data: no inspector name, certificate or user anywhere in the public answer.
  r = await anon.get('/api/v1/public/inspection/items?limit=200');
  const names = srv.sql('SELECT name FROM inspectors').split('\n').filter(Boolean);
  for (const n of names) assert.ok(!r.text.includes(n), `public list holds ${n}`);
  assert.ok(!/"(id|created_by|user_id|cert_no)"/.test(r.text));
});

test('INS-018 exports: XLSX and CSV of what the list selects, within the jurisdiction, audited', async () => {
  await mk(off, '/api/v1/inspection/items', newItem({ code: 'EX-01', name: '=CMD()' }));
  await mk(off, '/api/v1/inspectors', newInspector([A], { name: '导出东城' }));
  await mk(off, '/api/v1/inspectors', newInspector([B], { name: '导出虎门' }));
  const e0 = await auditCount('inspection_item.export');
  let r = await getBytes(off, '/api/v1/inspection/items/export?format=xlsx&q=EX-');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  assert.equal(r.bytes.subarray(0, 2).toString(), 'PK');
  assert.equal(await auditCount('inspection_item.export'), e0 + 1);
  r = await getBytes(off, '/api/v1/inspection/items/export?format=csv&q=EX-');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/csv/);
  const text = r.bytes.toString('utf8');
  assert.ok(text.startsWith('\ufeff事项编码,事项名称,检查依据'), text.slice(0, 40));
  assert.ok(text.includes('"\'=CMD()"'), 'a formula cell is neutralised');
  assert.equal(text.trim().split('\r\n').length, 2);
  const i0 = await auditCount('inspector.export');
  r = await getBytes(townA, '/api/v1/inspectors/export?format=csv&limit=200');
  assert.equal(r.status, 200);
  const t2 = r.bytes.toString('utf8');
  assert.ok(t2.includes('导出东城'));
  assert.ok(!t2.includes('导出虎门'), 'another town\'s inspector is not exported');
  assert.ok(t2.includes('东城街道'));
  assert.equal(await auditCount('inspector.export'), i0 + 1);
  r = await getBytes(off, '/api/v1/inspectors/export?format=xlsx');
  assert.equal(r.bytes.subarray(0, 2).toString(), 'PK');
  assertError(assert, await off.get('/api/v1/inspection/items/export?format=pdf'), 400, 'invalid', 'format');
  assertError(assert, await off.get('/api/v1/inspectors/export?sort=cert_no'), 400, 'invalid', 'sort');
  assertError(assert, await aud.get('/api/v1/inspectors/export'), 403, 'forbidden');
});

test('INS-019 CLI: inspection load-items is idempotent by code and refuses a bad file whole', async () => {
  const total0 = count('inspection_items');
  const file = JSON.parse(readFileSync(ITEMS_FILE, 'utf8'));
  let r = srv.cli(['inspection', 'load-items', ITEMS_FILE]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`${file.items.length} items, ${file.items.length} created, 0 updated`));
  assert.match(r.stdout, /citations to confirm \(status U\): XF-19/);
  assert.equal(count('inspection_items'), total0 + file.items.length);
  const a0 = await srv.auditSize();
  r = srv.cli(['inspection', 'load-items', ITEMS_FILE]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /0 created, 0 updated, \d+ unchanged/);
  assert.equal(await srv.auditSize(), a0, 'loading again changes nothing');
  const changed = structuredClone(file);
  changed.items[2].content += '；另查巡查记录是否签名';
  const path = join(work, 'items.json');
  writeFileSync(path, JSON.stringify(changed));
  r = srv.cli(['inspection', 'load-items', path]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /0 created, 1 updated/);
  const bad = structuredClone(file);
  bad.items[3].department = 'navy';
  bad.items.push({ ...bad.items[0], code: 'NEW-01' });
  writeFileSync(path, JSON.stringify(bad));
  const a1 = await srv.auditSize();
  r = srv.cli(['inspection', 'load-items', path]);
  assert.equal(r.status, 4, r.stdout + r.stderr);
  assert.match(r.stderr, /items\[3\]\.department/);
  assert.equal(await srv.auditSize(), a1);
  assert.equal(count('inspection_items', "WHERE code = 'NEW-01'"), 0);
  r = srv.cli(['inspection', 'load-items', join(work, 'missing.json')]);
  assert.equal(r.status, 3);
  r = srv.cli(['inspection', 'frobnicate']);
  assert.equal(r.status, 2);
  // The loaded items are those the console and the public list show.
  const rr = await srv.client().get('/api/v1/public/inspection/items?q=XF-&limit=200');
  assert.deepEqual(rr.body.data.map((i) => i.code), file.items.map((i) => i.code).filter((c) => c.startsWith('XF-')).sort());
});

test('INS-019 seed-demo fills the directories of an empty database, deterministically', async () => {
  const s = new Server();
  const s2 = new Server();
  try {
    let r = s.cli(['seed-demo', '--units', '200', '--seed', '5']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /inspection: \d+ items, 40 inspectors/);
    r = s2.cli(['seed-demo', '--units', '200', '--seed', '5']);
    assert.equal(r.status, 0, r.stderr);
    const q = 'SELECT name, department, cert_no, cert_valid_until, areas, specialty, status FROM inspectors ORDER BY cert_no';
    assert.equal(s.sql(q), s2.sql(q));
    assert.ok(Number(s.sql("SELECT COUNT(*) FROM inspectors WHERE department = 'market'")) >= 5);
    assert.ok(Number(s.sql('SELECT COUNT(*) FROM inspection_items')) >= 12);
    r = s.cli(['audit', 'verify', '--deep']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  } finally {
    await s.close();
    await s2.close();
  }
});

test('L-2 audit verify --deep passes after all of the above, and sees a direct edit of an inspector', () => {
  const verify = () => {
    const r = srv.cli(['audit', 'verify', '--deep']);
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };
  let v = verify();
  assert.equal(v.status, 0, v.out);
  const id = srv.sql("SELECT id FROM inspectors WHERE status = 'active' ORDER BY id LIMIT 1");
  const cert = srv.sql(`SELECT cert_valid_until FROM inspectors WHERE id = ${id}`);
  srv.sql(`UPDATE inspectors SET cert_valid_until = '2099-12-31' WHERE id = ${id}`);
  v = verify();
  assert.equal(v.status, 1, v.out);
  assert.match(v.out, new RegExp(`inspector/${id}`));
  srv.sql(`UPDATE inspectors SET cert_valid_until = '${cert}' WHERE id = ${id}`);
  assert.equal(verify().status, 0);
});
