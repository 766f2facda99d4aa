// The registry over HTTP (docs/modules/registry.md): towns, grids, units,
// buildings and places; search, every filter, sort and paging limits;
// jurisdiction isolation between towns, grids and unit accounts (Z-2,
// Z-3); archive instead of delete; bad input named and nothing stored
// (I-1); If-Match (428/412); personal data masked by default, unmasked
// with a permission and a reason and audited (P-2); no clear ID or phone
// number in any other response (P-3 style) nor in the database (P-1);
// and `firewarden audit verify --deep` after it all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { Server, assertError, responseLog, IS_PG } from './lib.mjs';

const A = '441900003';   // 东城街道
const B = '441900121';   // 虎门镇
const FACT_CODES = [
  '441900003', '441900004', '441900005', '441900006', '441900101', '441900102', '441900103',
  '441900104', '441900105', '441900106', '441900107', '441900108', '441900109', '441900110',
  '441900111', '441900112', '441900113', '441900114', '441900115', '441900116', '441900117',
  '441900118', '441900119', '441900121', '441900122', '441900123', '441900124', '441900125',
  '441900126', '441900127', '441900128', '441900129', '441900401', '441900402', '441900403',
  '441900404',
];

// A valid Dongguan USCC (GB 32100 with a GB 11714 organisation code).
const USCC_SET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
function uscc(n) {
  const body = `91441900${String(n % 1e8).padStart(8, '0')}`;
  const ow = [3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 8; i++) s += Number(body[8 + i]) * ow[i];
  const oc = 11 - (s % 11);
  const org = body + (oc === 10 ? 'X' : oc === 11 ? '0' : String(oc));
  const uw = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  s = 0;
  for (let i = 0; i < 17; i++) s += USCC_SET.indexOf(org[i]) * uw[i];
  const c = 31 - (s % 31);
  return org + USCC_SET[c === 31 ? 0 : c];
}

// A valid ID number (GB 11643), born 1990-01-01 in 440300.
function idno(seq) {
  const body = `44030019900101${String(seq % 1000).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(body[i]) * w[i];
  return body + '10X98765432'[s % 11];
}

// Personal values given to units; none may appear in a response other
// than an unmask answer, nor in the database.
const SECRETS = [];
const unmaskTexts = new Set();
let seq = 0;

let srv;
let off;      // officer, city
let offA;     // officer, town A
let offB;     // officer, town B
let townA;    // town safety office, town A (registry:write)
let lead;     // leader, city (registry:unmask)
let aud;      // auditor
let gridA;    // a grid of town A
let gridB;    // a grid of town B

const ifm = (j) => ({ 'If-Match': `"${j.version}"` });

async function unitCount() { return Number(srv.sql('SELECT COUNT(*) FROM units')); }

function newUnit(town = A, extra = {}) {
  seq++;
  const phone = `139${String(10000000 + seq * 7919).slice(-8)}`;
  const id = idno(seq);
  SECRETS.push(phone, id);
  return {
    name: `测试单位${seq}号`, address: `东莞市测试路${seq}号`, town,
    uscc: uscc(1000 + seq), industry: 'C18',
    legal_rep_name: '欧阳锋', legal_rep_phone: phone, legal_rep_id_number: id,
    ...extra,
  };
}

async function mkUnit(c, town = A, extra = {}) {
  const r = await c.post('/api/v1/units', newUnit(town, extra));
  assert.equal(r.status, 201, r.text);
  return r.body.data;
}

before(async () => {
  srv = new Server();
  await srv.start();
  srv.addUser('reg.off', 'officer', 'city');
  srv.addUser('reg.offa', 'officer', `town:${A}`);
  srv.addUser('reg.offb', 'officer', `town:${B}`);
  srv.addUser('reg.towna', 'town', `town:${A}`);
  srv.addUser('reg.lead', 'leader', 'city');
  srv.addUser('reg.aud', 'auditor', 'city');
  [off, offA, offB, townA, lead, aud] = await Promise.all(['reg.off', 'reg.offa', 'reg.offb',
    'reg.towna', 'reg.lead', 'reg.aud'].map((l) => srv.login(l)));
  let r = await off.post('/api/v1/grids', { town: A, code: 'DC-01', name: '东城一网格' });
  assert.equal(r.status, 201, r.text);
  gridA = r.body.data;
  r = await off.post('/api/v1/grids', { town: B, code: 'HM-01', name: '虎门一网格' });
  assert.equal(r.status, 201, r.text);
  gridB = r.body.data;
});
after(async () => { await srv?.close(); });

test('REG-001 towns: the 36 codes of FACTS §8.1 from the data file, for any signed-in user', async () => {
  const r = await offA.get('/api/v1/towns');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.data.map((t) => t.code), FACT_CODES);
  assert.equal(r.body.page.total, 36);
  const hm = r.body.data.find((t) => t.code === B);
  assert.deepEqual(hm, { code: B, name: '虎门镇', kind: 'town', population: 838144 });
  assert.equal(r.body.data.find((t) => t.code === '441900401').kind, 'area');
  assert.equal(r.body.data.find((t) => t.code === '441900402').population, null);
  assertError(assert, await srv.client().get('/api/v1/towns'), 401, 'unauthenticated');
  // Everyone may read towns, even without registry rights.
  assert.equal((await aud.get('/api/v1/towns')).status, 200);
});

test('REG-002/019 grids: created by the city or their town, codes unique per town, scoped, If-Match', async () => {
  assert.equal(gridA.town, A);
  assert.equal(gridA.town_name, '东城街道');
  assert.equal(gridA.status, 'active');
  let r = await townA.post('/api/v1/grids', { town: A, code: 'DC-02', name: '东城二网格' });
  assert.equal(r.status, 201, r.text);
  const g2 = r.body.data;
  assert.equal(r.headers.get('etag'), `"${g2.version}"`);
  assertError(assert, await townA.post('/api/v1/grids', { town: B, code: 'X-1', name: 'x' }), 403, 'forbidden', 'town');
  assertError(assert, await off.post('/api/v1/grids', { town: A, code: 'DC-01', name: 'dup' }), 409, 'conflict', 'code');
  assertError(assert, await off.post('/api/v1/grids', { town: '441900999', code: 'Z', name: 'z' }), 400, 'invalid', 'town');
  assertError(assert, await off.post('/api/v1/grids', { town: A, code: 'a b', name: 'z' }), 400, 'invalid', 'code');
  // Lists and reads follow the jurisdiction.
  r = await offA.get('/api/v1/grids?limit=200');
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.data.every((g) => g.town === A));
  assert.equal(r.body.page.total, 2);
  assertError(assert, await offA.get(`/api/v1/grids/${gridB.id}`), 404, 'not_found');
  assert.equal((await off.get(`/api/v1/grids?town=${B}`)).body.page.total, 1);
  // If-Match.
  assertError(assert, await townA.patch(`/api/v1/grids/${g2.id}`, { name: '改' }), 428, 'precondition_required');
  assertError(assert, await townA.patch(`/api/v1/grids/${g2.id}`, { name: '改' }, { 'If-Match': '"9"' }), 412, 'precondition_failed');
  r = await townA.patch(`/api/v1/grids/${g2.id}`, { name: '东城第二网格' }, ifm(g2));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.version, 2);
  assertError(assert, await townA.patch(`/api/v1/grids/${g2.id}`, { town: B }, ifm(r.body.data)), 400, 'unknown_field', 'town');
  r = await townA.post(`/api/v1/grids/${g2.id}/archive`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.status, 'archived');
  // An archived grid takes no new unit (REG-002).
  assertError(assert, await off.post('/api/v1/units', newUnit(A, { grid_id: g2.id })), 400, 'invalid', 'grid_id');
  // A unit's grid belongs to its town.
  assertError(assert, await off.post('/api/v1/units', newUnit(A, { grid_id: gridB.id })), 400, 'invalid', 'grid_id');
});

test('units CRUD: create 201 with ETag, read, PATCH with If-Match, close, archive; no delete', async () => {
  const n0 = await unitCount();
  const audit0 = await srv.auditSize();
  const body = newUnit(A, { grid_id: gridA.id, categories: ['key', 'crowded'],
    registered_address: '东莞市东城街道住所路 8 号', registered_on: '2015-06-01' });
  let r = await offA.post('/api/v1/units', body);
  assert.equal(r.status, 201, r.text);
  const u = r.body.data;
  assert.equal(r.headers.get('etag'), `"${u.version}"`);
  assert.equal(u.version, 1);
  assert.equal(u.name, body.name);
  assert.equal(u.uscc, body.uscc);
  assert.equal(u.town, A);
  assert.equal(u.town_name, '东城街道');
  assert.equal(u.grid_id, gridA.id);
  assert.deepEqual(u.categories, ['key', 'crowded']);
  assert.equal(u.primary_category, 'key');
  assert.equal(u.status, 'active');
  assert.equal(u.masked, true);
  assert.equal(u.legal_rep_name, '欧**');
  assert.equal(u.registered_address, body.registered_address);
  assert.equal(u.registered_on, '2015-06-01');
  assert.equal(await unitCount(), n0 + 1);
  assert.equal(await srv.auditSize(), audit0 + 1);

  r = await offA.get(`/api/v1/units/${u.id}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('etag'), '"1"');
  assert.deepEqual(r.body.data, u);

  r = await offA.patch(`/api/v1/units/${u.id}`, { name: '改名后的单位', industry: null, manager_name: '李四' }, ifm(u));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.version, 2);
  assert.equal(r.headers.get('etag'), '"2"');
  assert.equal(r.body.data.name, '改名后的单位');
  assert.equal(r.body.data.industry, null);
  assert.equal(r.body.data.manager_name, '李**');
  assert.equal(r.body.data.legal_rep_name, '欧**', 'untouched people stay');

  r = await offA.post(`/api/v1/units/${u.id}/close`, undefined, { 'If-Match': '"1"' });
  assertError(assert, r, 412, 'precondition_failed');
  r = await offA.post(`/api/v1/units/${u.id}/close`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.status, 'closed');
  r = await offA.post(`/api/v1/units/${u.id}/archive`, undefined, { 'If-Match': `"${r.body.data.version}"` });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.status, 'archived');
  // Archived: read-only, still there, still listed under its status.
  assertError(assert, await offA.patch(`/api/v1/units/${u.id}`, { name: 'x' }, ifm(r.body.data)), 422, 'policy', 'status');
  assertError(assert, await offA.post(`/api/v1/units/${u.id}/close`), 422, 'policy');
  assertError(assert, await offA.post(`/api/v1/units/${u.id}/buildings`, { name: 'B', use: 'public' }), 422, 'policy');
  assert.equal((await offA.get(`/api/v1/units/${u.id}`)).body.data.status, 'archived');
  const l = await offA.get('/api/v1/units?status=archived&limit=200');
  assert.ok(l.body.data.some((x) => x.id === u.id));
  // There is no way to delete.
  assertError(assert, await off.del(`/api/v1/units/${u.id}`), 405, 'method_not_allowed');
  assert.equal(await unitCount(), n0 + 1);
  assert.equal(Number(srv.sql(`SELECT COUNT(*) FROM units WHERE id = ${u.id}`)), 1);
  // Four changes, four entries; the history shows them in order.
  assert.equal(await srv.auditSize(), audit0 + 4);
  const h = await offA.get(`/api/v1/units/${u.id}/history`);
  assert.equal(h.status, 200, h.text);
  assert.deepEqual(h.body.data.map((e) => e.action), ['unit.create', 'unit.update', 'unit.close', 'unit.archive']);
  for (const e of h.body.data) assert.equal(e.object, `unit/${u.id}`);
});

test('If-Match on units, buildings and places: 428 without, 412 when stale, nothing changed', async () => {
  const u = await mkUnit(off, B);
  const audit0 = await srv.auditSize();
  assertError(assert, await off.patch(`/api/v1/units/${u.id}`, { name: 'x' }), 428, 'precondition_required', 'If-Match');
  assertError(assert, await off.patch(`/api/v1/units/${u.id}`, { name: 'x' }, { 'If-Match': '"2"' }), 412, 'precondition_failed');
  assertError(assert, await off.patch(`/api/v1/units/${u.id}`, { name: 'x' }, { 'If-Match': 'abc' }), 400, 'invalid', 'If-Match');
  assert.equal(await srv.auditSize(), audit0);
  assert.equal((await off.get(`/api/v1/units/${u.id}`)).body.data.name, u.name);

  let r = await off.post(`/api/v1/units/${u.id}/buildings`, { name: '1号楼', use: 'factory', floors_above: 6, height_cm: 2390, floor_area_m2: 4800 });
  assert.equal(r.status, 201, r.text);
  const b = r.body.data;
  assertError(assert, await off.patch(`/api/v1/buildings/${b.id}`, { floors_above: 7 }), 428, 'precondition_required');
  assertError(assert, await off.patch(`/api/v1/buildings/${b.id}`, { floors_above: 7 }, { 'If-Match': '"5"' }), 412, 'precondition_failed');
  r = await off.patch(`/api/v1/buildings/${b.id}`, { floors_above: 7 }, ifm(b));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.floors_above, 7);
  assert.equal(r.body.data.height_cm, 2390);

  r = await off.post(`/api/v1/units/${u.id}/places`, { name: '车间', kind: 'workshop', building_id: b.id, occupancy: 120 });
  assert.equal(r.status, 201, r.text);
  const p = r.body.data;
  assertError(assert, await off.patch(`/api/v1/places/${p.id}`, { occupancy: 80 }), 428, 'precondition_required');
  assertError(assert, await off.patch(`/api/v1/places/${p.id}`, { occupancy: 80 }, { 'If-Match': '"2"' }), 412, 'precondition_failed');
  r = await off.patch(`/api/v1/places/${p.id}`, { occupancy: 80 }, ifm(p));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.occupancy, 80);
});

test('buildings and places: create, list, read, change, archive; a place\'s building is the same unit\'s (REG-015)', async () => {
  const u = await mkUnit(offA, A);
  const other = await mkUnit(offA, A);
  let r = await offA.post(`/api/v1/units/${u.id}/buildings`, {
    name: '主楼', floors_above: 18, floors_below: 2, height_cm: 5490, floor_area_m2: 32000, use: 'public',
    fire_resistance_rating: '一级', occupancy: 2000, has_control_room: true, has_sprinklers: true, has_auto_alarm: true,
  });
  assert.equal(r.status, 201, r.text);
  const b = r.body.data;
  assert.equal(b.unit_id, u.id);
  assert.equal(b.fire_resistance_rating, '一级');
  assert.equal(b.has_control_room, true);
  r = await offA.post(`/api/v1/units/${other.id}/buildings`, { name: '别楼', use: 'warehouse' });
  const ob = r.body.data;
  assertError(assert, await offA.post(`/api/v1/units/${u.id}/places`, { name: 'KTV', kind: 'entertainment', building_id: ob.id }), 400, 'invalid', 'building_id');
  r = await offA.post(`/api/v1/units/${u.id}/places`, { name: '客房部', kind: 'hotel', building_id: b.id, rooms: 120, beds: 200, floor_area_m2: 9000 });
  assert.equal(r.status, 201, r.text);
  const p = r.body.data;
  assert.equal(p.rooms, 120);
  assert.equal(p.underground, false);
  r = await offA.get(`/api/v1/units/${u.id}/buildings`);
  assert.equal(r.body.page.total, 1);
  assert.equal(r.body.data[0].id, b.id);
  r = await offA.get(`/api/v1/units/${u.id}/places`);
  assert.equal(r.body.page.total, 1);
  assert.deepEqual((await offA.get(`/api/v1/places/${p.id}`)).body.data, p);
  assert.deepEqual((await offA.get(`/api/v1/buildings/${b.id}`)).body.data, b);
  r = await offA.post(`/api/v1/places/${p.id}/archive`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.status, 'archived');
  assertError(assert, await offA.patch(`/api/v1/places/${p.id}`, { rooms: 1 }, ifm(r.body.data)), 422, 'policy');
  r = await offA.post(`/api/v1/buildings/${b.id}/archive`, undefined, ifm(b));
  assert.equal(r.status, 200, r.text);
  assertError(assert, await offA.del(`/api/v1/buildings/${b.id}`), 405);
  // Other towns do not see them.
  for (const path of [`/api/v1/buildings/${b.id}`, `/api/v1/places/${p.id}`, `/api/v1/units/${u.id}/buildings`,
    `/api/v1/units/${u.id}/places`]) {
    assertError(assert, await offB.get(path), 404, 'not_found');
  }
  assertError(assert, await offB.patch(`/api/v1/buildings/${ob.id}`, { floors_above: 1 }, ifm(ob)), 404, 'not_found');
  assertError(assert, await offB.post(`/api/v1/units/${u.id}/places`, { name: 'x', kind: 'shop' }), 404, 'not_found');
});

test('search, every filter, sort and paging', async () => {
  const tag = `检索${Date.now().toString(36)}`;
  const made = [];
  const specs = [
    [A, { categories: ['three_small'], three_small_kind: 'shop', industry: 'F52', grid_id: gridA.id }],
    [A, { categories: ['three_small'], three_small_kind: 'workshop', industry: 'C18' }],
    [A, { categories: ['rental'], uscc: null, industry: 'K70' }],
    [A, { categories: ['key', 'public_gathering'], industry: 'H61' }],
    [B, { categories: ['high_risk', 'key'], industry: 'H61', grid_id: gridB.id }],
    [B, { categories: ['special_industry'], industry: 'F52' }],
    [B, { industry: 'C18' }],
  ];
  for (const [i, [town, extra]] of specs.entries()) {
    const u = await mkUnit(off, town, { ...extra, name: `${tag}${String.fromCharCode(65 + i)}单位`, address: `${tag}大道${i}号` });
    made.push(u);
  }
  srv.sql(`UPDATE units SET risk_grade = 'B' WHERE id = ${made[4].id}`);
  await off.post(`/api/v1/units/${made[6].id}/close`);
  const q = async (qs, c = off) => {
    const lim = /(^|&)limit=/.test(qs) ? '' : '&limit=200';
    const r = await c.get(`/api/v1/units?prefix=${encodeURIComponent(tag)}${lim}&${qs}`);
    assert.equal(r.status, 200, `${qs}: ${r.text}`);
    const { total, offset, limit } = r.body.page;
    assert.equal(r.body.data.length, Math.max(0, Math.min(total - offset, limit)));
    return r.body;
  };
  const names = (b) => b.data.map((u) => u.name.slice(tag.length, tag.length + 1)).join('');
  assert.equal((await q('')).page.total, 7);
  assert.equal(names(await q('')), 'ABCDEFG');
  assert.equal(names(await q(`town=${A}`)), 'ABCD');
  assert.equal(names(await q(`town=${B}`)), 'EFG');
  assert.equal(names(await q(`grid=${gridA.id}`)), 'A');
  assert.equal(names(await q('category=three_small')), 'AB');
  assert.equal(names(await q('category=key')), 'DE');
  assert.equal(names(await q('category=general')), 'G');
  assert.equal(names(await q('primary_category=key')), 'D');
  assert.equal(names(await q('primary_category=high_risk')), 'E');
  // general: the units with no category (not in units_town_category, 0021).
  assert.equal(names(await q('primary_category=general')), 'G');
  assert.equal(names(await q(`town=${B}&primary_category=general`)), 'G');
  assert.equal(names(await q(`town=${A}&primary_category=three_small`)), 'AB');
  assert.equal(names(await q(`grid=${gridB.id}&primary_category=key`)), '');
  assert.equal(names(await q(`grid=${gridB.id}&primary_category=high_risk`)), 'E');
  assert.equal(names(await q('status=closed')), 'G');
  assert.equal(names(await q('status=active')), 'ABCDEF');
  assert.equal(names(await q('industry=F52')), 'AF');
  assert.equal(names(await q('risk_grade=B')), 'E');
  assert.equal(names(await q(`town=${A}&category=three_small&industry=C18`)), 'B');
  // q: name or address substring, USCC (whole or part); prefix.
  const r1 = await off.get(`/api/v1/units?q=${encodeURIComponent(`${tag}大道3`)}`);
  assert.equal(r1.body.page.total, 1);
  assert.equal(r1.body.data[0].id, made[3].id);
  const r2 = await off.get(`/api/v1/units?q=${made[1].uscc.toLowerCase()}`);
  assert.equal(r2.body.page.total, 1);
  assert.equal(r2.body.data[0].id, made[1].id);
  const r3 = await off.get(`/api/v1/units?q=${made[5].uscc.slice(4, 14)}`);
  assert.ok(r3.body.data.some((u) => u.id === made[5].id));
  const r4 = await off.get(`/api/v1/units?q=${encodeURIComponent(`${tag}E`)}&town=${B}`);
  assert.equal(r4.body.page.total, 1);
  const r5 = await off.get(`/api/v1/units?prefix=${encodeURIComponent(`${tag}C`)}`);
  assert.equal(r5.body.page.total, 1);
  // Sort allow-list.
  assert.equal(names(await q('sort=-name')), 'GFEDCBA');
  assert.equal(names(await q('sort=created_at')), 'ABCDEFG');
  assert.equal(names(await q('sort=-created_at')), 'GFEDCBA');
  assert.equal(names(await q('sort=-updated_at')).slice(0, 1), 'G');
  assert.equal(names(await q('sort=town')), 'ABCDEFG');
  assert.equal(names(await q('sort=-town')), 'GFEDCBA');
  for (const s of ['uscc', 'name;drop', 'risk_grade', '--name']) {
    assertError(assert, await off.get(`/api/v1/units?sort=${encodeURIComponent(s)}`), 400, 'invalid', 'sort');
  }
  // Paging and its limits.
  const pages = [];
  for (let offset = 0; offset < 7; offset += 3) {
    const b = await q(`limit=3&offset=${offset}`);
    assert.equal(b.page.total, 7);
    assert.equal(b.page.offset, offset);
    assert.equal(b.page.limit, 3);
    pages.push(...b.data.map((u) => u.id));
  }
  assert.deepEqual(pages, made.map((u) => u.id));
  assertError(assert, await off.get('/api/v1/units?limit=201'), 400, 'invalid', 'limit');
  assertError(assert, await off.get('/api/v1/units?limit=0'), 400, 'invalid', 'limit');
  assertError(assert, await off.get('/api/v1/units?offset=-1'), 400, 'invalid', 'offset');
  assert.equal((await off.get('/api/v1/units?limit=200')).status, 200);
  const dflt = await off.get('/api/v1/units');
  assert.equal(dflt.body.page.limit, 20);
  // Bad filters name the parameter.
  for (const [qs, field] of [['town=441900999', 'town'], ['town=abc', 'town'], ['grid=x', 'grid'],
    ['category=vip', 'category'], ['primary_category=x', 'primary_category'], ['status=deleted', 'status'],
    [`q=${'长'.repeat(65)}`, 'q'], [`prefix=${'长'.repeat(65)}`, 'prefix']]) {
    assertError(assert, await off.get(`/api/v1/units?${encodeURI(qs)}`), 400, 'invalid', field);
  }
  // A list item has no personal data at all.
  for (const u of (await q('')).data) {
    assert.ok(!Object.keys(u).some((k) => /_(name|phone|id_number)$/.test(k) && k !== 'town_name' && k !== 'grid_name'), JSON.stringify(u));
  }
});

test('Z-2 jurisdiction: two towns never see each other, by list, id, change or history', async () => {
  const ua = await mkUnit(offA, A);
  const ub = await mkUnit(offB, B);
  const audit0 = await srv.auditSize();
  for (const [c, mine, theirs, town] of [[offA, ua, ub, A], [offB, ub, ua, B]]) {
    let offset = 0;
    let seen = 0;
    for (;;) {
      const r = await c.get(`/api/v1/units?limit=200&offset=${offset}`);
      assert.equal(r.status, 200, r.text);
      for (const u of r.body.data) assert.equal(u.town, town);
      seen += r.body.data.length;
      if (r.body.data.some((u) => u.id === theirs.id)) assert.fail('saw the other town');
      offset += 200;
      if (offset >= r.body.page.total) break;
    }
    assert.equal(seen, Number(srv.sql(`SELECT COUNT(*) FROM units WHERE town_code = '${town}'`)));
    // Filters do not widen the view.
    for (const qs of [`town=${theirs.town}`, `q=${encodeURIComponent(theirs.name)}`, `q=${theirs.uscc}`,
      `prefix=${encodeURIComponent(theirs.name)}`, 'sort=-town']) {
      const r = await c.get(`/api/v1/units?${qs}&limit=200`);
      assert.equal(r.status, 200, r.text);
      assert.ok(r.body.data.every((u) => u.town === town), qs);
    }
    assertError(assert, await c.get(`/api/v1/units/${theirs.id}`), 404, 'not_found');
    assertError(assert, await c.get(`/api/v1/units/${theirs.id}/history`), 404, 'not_found');
    assertError(assert, await c.patch(`/api/v1/units/${theirs.id}`, { name: '夺' }, ifm(theirs)), 404, 'not_found');
    assertError(assert, await c.post(`/api/v1/units/${theirs.id}/archive`), 404, 'not_found');
    assertError(assert, await c.post(`/api/v1/units/${theirs.id}/close`), 404, 'not_found');
    assertError(assert, await c.post(`/api/v1/units/${theirs.id}/buildings`, { name: 'x', use: 'other' }), 404, 'not_found');
    assert.equal((await c.get(`/api/v1/units/${mine.id}`)).status, 200);
    // Registering in, or moving to, the other town is refused.
    assertError(assert, await c.post('/api/v1/units', newUnit(theirs.town)), 403, 'forbidden', 'town');
    assertError(assert, await c.patch(`/api/v1/units/${mine.id}`, { town: theirs.town }, ifm(mine)), 403, 'forbidden', 'town');
  }
  assert.equal(await srv.auditSize(), audit0);
  assert.equal((await off.get(`/api/v1/units/${ua.id}`)).body.data.name, ua.name);
  assert.equal((await off.get(`/api/v1/units/${ub.id}`)).body.data.name, ub.name);
  // The city sees both.
  assert.equal((await off.get(`/api/v1/units?limit=1`)).body.page.total, await unitCount());
});

test('Z-2/Z-3 grid and unit accounts: only their grid, only their unit, and a unit registers none', async () => {
  const inGrid = await mkUnit(off, A, { grid_id: gridA.id });
  const notInGrid = await mkUnit(off, A);
  const g = await srv.userClient('reg.grid', 'grid', `grid:${gridA.id}`);
  let r = await g.get('/api/v1/units?limit=200');
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.data.length >= 1);
  assert.ok(r.body.data.every((u) => u.grid_id === gridA.id));
  assert.equal(r.body.page.total, Number(srv.sql(`SELECT COUNT(*) FROM units WHERE grid_id = ${gridA.id}`)));
  assert.equal((await g.get(`/api/v1/units/${inGrid.id}`)).status, 200);
  assertError(assert, await g.get(`/api/v1/units/${notInGrid.id}`), 404, 'not_found');
  assertError(assert, await g.post('/api/v1/units', newUnit(A)), 403, 'forbidden');
  r = await g.get('/api/v1/grids');
  assert.deepEqual(r.body.data.map((x) => x.id), [gridA.id]);

  const uc = await srv.userClient('reg.unit', 'unit', `unit:${inGrid.id}`);
  r = await uc.get('/api/v1/units?limit=200');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.data.map((u) => u.id), [inGrid.id]);
  assert.equal(r.body.page.total, 1);
  r = await uc.get(`/api/v1/units/${inGrid.id}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.masked, true);
  assertError(assert, await uc.get(`/api/v1/units/${notInGrid.id}`), 404, 'not_found');
  assertError(assert, await uc.post('/api/v1/units', newUnit(A)), 403, 'forbidden');
  assertError(assert, await uc.post(`/api/v1/units/${inGrid.id}/unmask`, { reason: '我要看看' }), 403, 'forbidden');
  assert.equal((await uc.get('/api/v1/grids')).body.page.total, 0);
  // With write rights a unit account still cannot register a unit (REG-011).
  const ucw = await srv.userClient('reg.unitw', 'officer', `unit:${inGrid.id}`);
  assertError(assert, await ucw.post('/api/v1/units', newUnit(A)), 403, 'forbidden');
  r = await ucw.patch(`/api/v1/units/${inGrid.id}`, { industry: 'C19' }, ifm((await ucw.get(`/api/v1/units/${inGrid.id}`)).body.data));
  assert.equal(r.status, 200, r.text);
  assertError(assert, await ucw.patch(`/api/v1/units/${inGrid.id}`, { town: B }, ifm(r.body.data)), 403, 'forbidden');
});

test('I-1 bad input: 4xx naming the field, nothing stored', async () => {
  const u = await mkUnit(off, A);
  const n0 = await unitCount();
  const b0 = Number(srv.sql('SELECT COUNT(*) FROM buildings'));
  const p0 = Number(srv.sql('SELECT COUNT(*) FROM places'));
  const c0 = Number(srv.sql('SELECT COUNT(*) FROM unit_contacts'));
  const audit0 = await srv.auditSize();
  const cases = [
    [{ uscc: '914403001922038217' }, 400, 'invalid', 'uscc'],
    [{ uscc: '91441900ABCDEFGHIO' }, 400, 'invalid', 'uscc'],
    [{ uscc: '9144190' }, 400, 'invalid', 'uscc'],
    [{ town: '441900001' }, 400, 'invalid', 'town'],
    [{ town: '4419' }, 400, 'range', 'town'],
    [{ name: '单'.repeat(201) }, 400, 'range', 'name'],
    [{ address: 'x'.repeat(201) }, 400, 'range', 'address'],
    [{ name: '' }, 400, 'range', 'name'],
    [{ name: 42 }, 400, 'type', 'name'],
    [{ industry: 'x'.repeat(65) }, 400, 'range', 'industry'],
    [{ legal_rep_phone: '12345' }, 400, 'invalid', 'legal_rep_phone'],
    [{ legal_rep_id_number: '110105194912310021' }, 400, 'invalid', 'legal_rep_id_number'],
    [{ manager_name: '名'.repeat(51) }, 400, 'range', 'manager_name'],
    [{ categories: ['vip'] }, 400, 'invalid', 'categories'],
    [{ categories: ['general', 'key'] }, 400, 'invalid', 'categories'],
    [{ categories: ['three_small'] }, 400, 'missing', 'three_small_kind'],
    [{ grid_id: 12 }, 400, 'type', 'grid_id'],
    [{ owner: '张三' }, 400, 'unknown_field', 'owner'],
    [{ registered_on: '2019-02-30' }, 400, 'invalid', 'registered_on'],
    [{ registered_on: '2019/03/28' }, 400, 'invalid', 'registered_on'],
    [{ registered_on: '2019-3-28' }, 400, 'range', 'registered_on'],
    [{ registered_on: '2999-01-01' }, 400, 'invalid', 'registered_on'],
    [{ registered_on: 20190328 }, 400, 'type', 'registered_on'],
    [{ registered_address: '住'.repeat(201) }, 400, 'range', 'registered_address'],
  ];
  for (const [extra, status, code, field] of cases) {
    const r = await off.post('/api/v1/units', newUnit(A, extra));
    assertError(assert, r, status, code, field);
  }
  const noName = newUnit(A);
  delete noName.name;
  assertError(assert, await off.post('/api/v1/units', noName), 400, 'missing', 'name');
  // Taken USCC.
  assertError(assert, await off.post('/api/v1/units', newUnit(A, { uscc: u.uscc })), 409, 'conflict', 'uscc');
  // Not JSON, duplicate keys.
  assertError(assert, await off.post('/api/v1/units', 'name=x', { 'Content-Type': 'application/x-www-form-urlencoded' }), 415);
  assertError(assert, await off.post('/api/v1/units', '{"name":"a","name":"b"}'), 400, 'duplicate_key');
  // Buildings and places.
  for (const [body, code, field] of [
    [{ name: 'B', use: 'factory', floor_area_m2: -1 }, 'range', 'floor_area_m2'],
    [{ name: 'B', use: 'factory', floors_above: 201 }, 'range', 'floors_above'],
    [{ name: 'B', use: 'factory', height_cm: 100001 }, 'range', 'height_cm'],
    [{ name: 'B', use: 'factory', floor_area_m2: 10000001 }, 'range', 'floor_area_m2'],
    [{ name: 'B', use: 'factory', occupancy: '10' }, 'type', 'occupancy'],
    [{ name: 'B', use: 'spaceport' }, 'invalid', 'use'],
    [{ name: 'B', use: 'factory', fire_resistance_rating: '5' }, 'invalid', 'fire_resistance_rating'],
    [{ name: 'x'.repeat(101), use: 'factory' }, 'range', 'name'],
    [{ name: 'B', use: 'factory', colour: 'red' }, 'unknown_field', 'colour'],
  ]) {
    assertError(assert, await off.post(`/api/v1/units/${u.id}/buildings`, body), 400, code, field);
  }
  for (const [body, code, field] of [
    [{ name: 'P', kind: 'shop', floor_area_m2: -5 }, 'range', 'floor_area_m2'],
    [{ name: 'P', kind: 'shop', seats: -1 }, 'range', 'seats'],
    [{ name: 'P', kind: 'casino' }, 'invalid', 'kind'],
    [{ name: 'P', kind: 'shop', building_id: '99' }, 'invalid', 'building_id'],
  ]) {
    assertError(assert, await off.post(`/api/v1/units/${u.id}/places`, body), 400, code, field);
  }
  // A bad PATCH changes nothing either.
  assertError(assert, await off.patch(`/api/v1/units/${u.id}`, { uscc: 'bad', name: '改' }, ifm(u)), 400, 'invalid', 'uscc');
  assertError(assert, await off.patch(`/api/v1/units/${u.id}`, { name: '改', nonsense: 1 }, ifm(u)), 400, 'unknown_field', 'nonsense');
  assert.equal((await off.get(`/api/v1/units/${u.id}`)).body.data.name, u.name);
  assert.equal(await unitCount(), n0);
  assert.equal(Number(srv.sql('SELECT COUNT(*) FROM buildings')), b0);
  assert.equal(Number(srv.sql('SELECT COUNT(*) FROM places')), p0);
  assert.equal(Number(srv.sql('SELECT COUNT(*) FROM unit_contacts')), c0);
  assert.equal(await srv.auditSize(), audit0);
});

test('P-2 masked by default; unmask needs registry:unmask and a reason, and is audited', async () => {
  const body = newUnit(A, { responsible_name: '司马懿', responsible_phone: '0769-22334455', responsible_id_number: idno(901) });
  SECRETS.push('0769-22334455', idno(901));
  const u = await mkUnit(off, A, body);
  assert.equal(u.legal_rep_name, '欧**');
  assert.equal(u.legal_rep_phone, `${body.legal_rep_phone.slice(0, 3)}****${body.legal_rep_phone.slice(7)}`);
  assert.equal(u.legal_rep_id_number, `${body.legal_rep_id_number.slice(0, 3)}${'*'.repeat(11)}${body.legal_rep_id_number.slice(14)}`);
  assert.equal(u.responsible_name, '司**');
  assert.equal(u.responsible_phone, '076******4455');
  assert.equal(u.manager_name, null);
  const audit0 = await srv.auditSize();
  // Officers do not hold the permission.
  assertError(assert, await off.post(`/api/v1/units/${u.id}/unmask`, { reason: '执法检查核实身份' }), 403, 'forbidden');
  // A reason is required: present, typed, at least 4 characters.
  assertError(assert, await lead.post(`/api/v1/units/${u.id}/unmask`, {}), 400, 'missing', 'reason');
  assertError(assert, await lead.post(`/api/v1/units/${u.id}/unmask`, { reason: '看看' }), 400, undefined, 'reason');
  assertError(assert, await lead.post(`/api/v1/units/${u.id}/unmask`, { reason: '    看看    ' }), 400, undefined, 'reason');
  // Never replayable from a stored response (it would sit in the database in clear).
  assertError(assert, await lead.post(`/api/v1/units/${u.id}/unmask`, { reason: '执法检查核实身份' }, { 'Idempotency-Key': 'k1' }), 400, 'invalid', 'Idempotency-Key');
  assert.equal(Number(srv.sql('SELECT COUNT(*) FROM unit_unmasks')), 0);
  const denied = (await srv.auditSize()) - audit0;   // the 403 is itself audited
  const r = await lead.post(`/api/v1/units/${u.id}/unmask`, { reason: '执法检查核实身份' });
  assert.equal(r.status, 200, r.text);
  unmaskTexts.add(r.text);
  assert.equal(r.body.data.masked, false);
  assert.equal(r.body.data.legal_rep_name, '欧阳锋');
  assert.equal(r.body.data.legal_rep_phone, body.legal_rep_phone);
  assert.equal(r.body.data.legal_rep_id_number, body.legal_rep_id_number);
  assert.equal(r.body.data.responsible_phone, '0769-22334455');
  assert.equal(await srv.auditSize(), audit0 + denied + 1);
  // The trail says who unmasked which unit, when and why.
  const s = await aud.get('/api/v1/audit/search?action=unit.unmask&limit=5');
  assert.equal(s.status, 200, s.text);
  const e = s.body.data[0];
  assert.equal(e.action, 'unit.unmask');
  assert.match(e.object, /^unmask\/\d+$/);
  assert.equal(e.actor, lead.user.id);
  const row = srv.sql(`SELECT unit_id, reason, actor FROM unit_unmasks WHERE id = ${e.object.split('/')[1]}`);
  assert.equal(row, `${u.id}|执法检查核实身份|${lead.user.id}`);
  // Still masked for everyone afterwards.
  assert.equal((await lead.get(`/api/v1/units/${u.id}`)).body.data.legal_rep_name, '欧**');
  // Another town's unit cannot be unmasked by guessing its id.
  const leadA = await srv.userClient('reg.leada', 'leader', `town:${B}`);
  assertError(assert, await leadA.post(`/api/v1/units/${u.id}/unmask`, { reason: '执法检查核实身份' }), 404, 'not_found');
});

test('P-1 look-up by phone or ID number through the keyed index, audited and scoped', async () => {
  const body = newUnit(B);
  const u = await mkUnit(offB, B, body);
  const audit0 = await srv.auditSize();
  let r = await offB.post('/api/v1/units/lookup', { phone: body.legal_rep_phone });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.data.map((x) => x.id), [u.id]);
  r = await offB.post('/api/v1/units/lookup', { id_number: body.legal_rep_id_number.toLowerCase() });
  assert.deepEqual(r.body.data.map((x) => x.id), [u.id]);
  r = await offA.post('/api/v1/units/lookup', { phone: body.legal_rep_phone });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.length, 0);
  assert.equal(await srv.auditSize(), audit0 + 3);
  assertError(assert, await offB.post('/api/v1/units/lookup', {}), 400, 'missing');
  assertError(assert, await offB.post('/api/v1/units/lookup', { phone: '1' }), 400, 'invalid', 'phone');
  assertError(assert, await offB.post('/api/v1/units/lookup', { phone: body.legal_rep_phone, id_number: body.legal_rep_id_number }), 400, 'missing');
});

test('P-3 style: no response holds a clear ID or phone number except an unmask answer', () => {
  assert.ok(SECRETS.length > 20);
  assert.ok(unmaskTexts.size >= 1);
  let scanned = 0;
  for (const text of responseLog) {
    if (unmaskTexts.has(text)) continue;
    scanned++;
    for (const s of SECRETS) assert.ok(!text.includes(s), `${s} in a response: ${text.slice(0, 200)}`);
  }
  assert.ok(scanned > 100);
});

test('P-1 a dump of the database holds no personal field in clear', () => {
  let dump;
  if (IS_PG) {
    const r = spawnSync('pg_dump', ['--dbname', srv.db.replace(/[?&]options=[^&]*/, ''), '-n', srv.schema, '--data-only'],
      { encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.equal(r.status, 0, r.stderr);
    dump = Buffer.from(r.stdout);
  } else {
    const parts = [srv.dbFile, `${srv.dbFile}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f));
    dump = Buffer.concat(parts);
  }
  assert.ok(dump.includes(Buffer.from('东城街道')), 'the dump holds the data');
  assert.ok(dump.includes(Buffer.from('测试单位')), 'the dump holds the units');
  for (const s of SECRETS) assert.ok(!dump.includes(Buffer.from(s)), `${s} in the database`);
  assert.ok(!dump.includes(Buffer.from('欧阳锋')), 'a name in the database');
  assert.ok(!dump.includes(Buffer.from('司马懿')), 'a name in the database');
});

test('L-2 audit verify --deep passes after all of the above, and sees a direct edit of a unit', () => {
  const verify = () => {
    const r = srv.cli(['audit', 'verify', '--deep']);
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };
  let v = verify();
  assert.equal(v.status, 0, v.out);
  assert.match(v.out, /verified/);
  const id = srv.sql("SELECT id FROM units WHERE status = 'active' ORDER BY id LIMIT 1");
  const name = srv.sql(`SELECT name FROM units WHERE id = ${id}`);
  srv.sql(`UPDATE units SET name = '篡改' WHERE id = ${id}`);
  v = verify();
  assert.equal(v.status, 1, v.out);
  assert.match(v.out, new RegExp(`unit/${id}`));
  srv.sql(`UPDATE units SET name = '${name}' WHERE id = ${id}`);
  srv.sql(`UPDATE unit_contacts SET phone_sealed = idno_sealed WHERE unit_id = ${id} AND role = 'legal_rep'`);
  v = verify();
  assert.equal(v.status, 1, v.out);
});
