// Grid patrols and police checks over HTTP (docs/modules/patrol.md): the
// checklists (PAT-001), the checklist of the place's trade (PAT-002),
// police checks only by police stations (PAT-003), every item answered
// with failures shown (PAT-004), on the spot only when the hazard type
// allows (PAT-005), both parties sign or a refusal is recorded (PAT-006),
// failures become hazards or closed on-the-spot records (PAT-007), the
// re-check view (PAT-008), the ledger and exports (PAT-009), monthly
// coverage (PAT-010), police yearly coverage and the due list
// (PAT-011..012); bad inputs named with nothing stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError } from './lib.mjs';
import { png } from './images.mjs';

const A = '441900003';   // 东城街道
const B = '441900121';   // 虎门镇
const PNG = { 'Content-Type': 'image/png' };
const im = (v) => ({ 'If-Match': `"${v}"` });
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

let srv;
let off;      // officer, town A (registry:write)
let gridW;    // grid worker of grid G in town A
let police;   // police station, town A
let townB;    // town office B
let shop;     // a three-small shop in grid G
let hotel;    // a special-industry hotel in town A
let cl;       // checklists
let w = 0;

async function file(c, purpose = 'photo') {
  w++;
  const r = await c.post(`/api/v1/files?purpose=${purpose}`, png(20 + w, 20), PNG);
  assert.equal(r.status, 201, r.text);
  return r.body.data.id;
}

function answers(code, over = {}) {
  return cl.templates.find((t) => t.code === code).items.map((i) => ({ code: i.code, result: 'pass', ...(over[i.code] || {}) }));
}

before(async () => {
  srv = new Server();
  await srv.start();
  srv.addUser('pt.off', 'officer', `town:${A}`);
  srv.addUser('pt.pol', 'police', `town:${A}`);
  srv.addUser('pt.townb', 'town', `town:${B}`);
  [off, police, townB] = await Promise.all(['pt.off', 'pt.pol', 'pt.townb'].map((l) => srv.login(l)));
  let r = await off.post('/api/v1/grids', { town: A, code: 'PT01', name: '巡查测试网格' });
  assert.equal(r.status, 201, r.text);
  const g = r.body.data;
  r = await off.post('/api/v1/units', { name: '巡查测试便利店', address: '东莞市巡查路1号', town: A, grid_id: g.id,
    categories: ['three_small'], three_small_kind: 'shop' });
  assert.equal(r.status, 201, r.text);
  shop = r.body.data;
  r = await off.post('/api/v1/units', { name: '巡查测试旅馆', address: '东莞市巡查路2号', town: A, categories: ['special_industry'] });
  assert.equal(r.status, 201, r.text);
  hotel = r.body.data;
  srv.addUser('pt.grid', 'grid', `grid:${g.id}`);
  gridW = await srv.login('pt.grid');
  cl = (await gridW.get('/api/v1/patrols/checklists')).body.data;
});
after(async () => { await srv?.close(); });

test('PAT-001 the checklists: each item maps to a hazard type of the catalogue', async () => {
  assert.equal(cl.format, 'firewarden-patrol-checklists-v1');
  const cat = (await off.get('/api/v1/hazards/catalogue')).body.data;
  for (const t of cl.templates) for (const i of t.items) {
    assert.ok(cat.types.some((x) => x.code === i.hazard_type), `${t.code} ${i.code}`);
  }
  assert.deepEqual(cl.templates.map((t) => t.code).sort(), ['enterprise', 'entertainment', 'rental', 'shop', 'special', 'workshop']);
});

test('PAT-002..007 a grid patrol of a shop: failures become hazards, an on-the-spot one is closed; both sign', async () => {
  const p1 = await file(gridW);
  const p2 = await file(gridW);
  const sp = await file(gridW, 'signature');
  const su = await file(gridW, 'signature');
  const hz0 = srv.count('hazards');
  const r = await gridW.post('/api/v1/patrols', {
    unit_id: shop.id,
    results: answers('shop', {
      'SHOP-01': { result: 'fail', note: '门口堆放纸箱', photos: [p1], on_spot: true },
      'SHOP-03': { result: 'fail', note: '阁楼住人', photos: [p2], deadline_days: 5 },
      'SHOP-05': { result: 'na' },
    }),
    signatures: { patroller: sp, unit: su },
    location: { lat: 23.02, lng: 113.75, accuracy_m: 15 },
  });
  assert.equal(r.status, 201, r.text);
  const rec = r.body.data;
  assert.equal(rec.template, 'shop');
  assert.equal(rec.kind, 'patrol');
  assert.equal(rec.outcome, 'hazards');
  assert.equal(rec.failures, 2);
  assert.equal(rec.patrolled_on, today());
  assert.equal(rec.lat_e6, 23020000);
  assert.equal(srv.count('hazards'), hz0 + 2);
  const onSpot = rec.results.find((x) => x.code === 'SHOP-01');
  const open = rec.results.find((x) => x.code === 'SHOP-03');
  let h = (await off.get(`/api/v1/hazards/${onSpot.hazard_id}`)).body.data;
  assert.equal(h.status, 'closed');
  assert.equal(h.close_reason, 'on_spot');
  assert.equal(h.source, 'patrol');
  assert.equal(h.source_id, rec.id);
  h = (await off.get(`/api/v1/hazards/${open.hazard_id}`)).body.data;
  assert.equal(h.status, 'ordered');
  assert.equal(h.type_code, 'HZ-RESIDE');
  assert.deepEqual(h.photos, [p2]);
  // The photo is readable through the patrol record (I-5).
  assert.equal((await off.get(`/api/v1/files/${p2}`)).status, 200);
  assertError(assert, await townB.get(`/api/v1/files/${p2}`), 404);
});

test('PAT-004..006 bad results and signatures are named and nothing is stored', async () => {
  const sp = await file(gridW, 'signature');
  const ph = await file(gridW);
  const n = srv.count('patrol_records');
  const hz = srv.count('hazards');
  const base = { unit_id: shop.id, signatures: { patroller: sp, unit_refused: '负责人不在场' } };
  const bad = [
    [{ ...base, results: answers('shop').slice(1) }, 400, 'results'],
    [{ ...base, results: [...answers('shop'), { code: 'SHOP-01', result: 'pass' }] }, 400, 'results[6]'],
    [{ ...base, results: answers('shop', { 'SHOP-02': { result: 'fail', photos: [ph] } }) }, 400, 'results[1]'],
    [{ ...base, results: answers('shop', { 'SHOP-02': { result: 'fail', note: '灭火器过期' } }) }, 400, 'results[1]'],
    [{ ...base, results: answers('shop', { 'SHOP-02': { result: 'fail', note: '灭火器过期', photos: [ph], on_spot: true } }) }, 422, 'results[1]'],
    [{ ...base, results: answers('shop', { 'SHOP-02': { result: 'maybe' } }) }, 400, 'results[1]'],
    [{ ...base, results: answers('shop').map((x, i) => (i === 0 ? { ...x, code: 'NOPE' } : x)) }, 400, 'results[0]'],
    [{ ...base, signatures: { patroller: sp } , results: answers('shop') }, 400, 'signatures'],
    [{ ...base, signatures: { unit: sp, unit_refused: 'x2' }, results: answers('shop') }, 400, 'signatures'],
    [{ ...base, results: answers('shop'), location: { lat: 91, lng: 0 } }, 400, 'location.lat'],
    [{ ...base, results: answers('shop'), template: 'special' }, 400, 'template'],
    [{ ...base, results: answers('shop'), kind: 'police' }, 403, undefined],
    [{ ...base, unit_id: hotel.id, results: answers('enterprise') }, 404, 'unit_id'],
  ];
  for (const [body, status, field] of bad) {
    assertError(assert, await gridW.post('/api/v1/patrols', body), status, undefined, field);
  }
  assert.equal(srv.count('patrol_records'), n);
  assert.equal(srv.count('hazards'), hz);
});

test('PAT-008 the re-check view: a later record shows the previous one', async () => {
  const sp = await file(gridW, 'signature');
  const r = await gridW.post('/api/v1/patrols', {
    unit_id: shop.id, results: answers('shop'), signatures: { patroller: sp, unit_refused: '拒绝签字' }, note: '复查',
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.data.outcome, 'compliant');
  const g = await gridW.get(`/api/v1/patrols/${r.body.data.id}`);
  assert.equal(g.status, 200, g.text);
  assert.ok(g.body.data.previous, 'previous record');
  assert.equal(g.body.data.unit_name, '巡查测试便利店');
  assert.equal(g.body.data.grid_name, '巡查测试网格');
  assert.equal(g.body.data.previous.outcome, 'hazards');
  assert.equal(g.body.data.previous.unit_id, shop.id);
  assert.deepEqual(g.body.data.hazards, []);
  assertError(assert, await townB.get(`/api/v1/patrols/${r.body.data.id}`), 404);
});

test('PAT-003, PAT-011..012 police checks of special-industry places and their yearly coverage', async () => {
  let r = await police.get('/api/v1/patrols/police-due');
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.data.some((u) => u.id === hotel.id));
  r = await police.get('/api/v1/patrols/police-coverage');
  let row = r.body.data.find((x) => x.town === A);
  assert.equal(row.year, today().slice(0, 4));
  const before = row.checked;
  assert.ok(row.units >= 1);
  const sp = await file(police, 'signature');
  const su = await file(police, 'signature');
  r = await police.post('/api/v1/patrols', { unit_id: hotel.id, kind: 'police', results: answers('special'), signatures: { patroller: sp, unit: su } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.data.template, 'special');
  assert.equal(r.body.data.kind, 'police');
  r = await police.get('/api/v1/patrols/police-coverage');
  row = r.body.data.find((x) => x.town === A);
  assert.equal(row.checked, before + 1);
  r = await police.get('/api/v1/patrols/police-due');
  assert.ok(!r.body.data.some((u) => u.id === hotel.id));
  assertError(assert, await police.get('/api/v1/patrols/police-coverage?year=20x6'), 400, 'invalid', 'year');
  assertError(assert, await townB.get(`/api/v1/patrols/police-due?town=${A}`), 404);
  assertError(assert, await gridW.get('/api/v1/patrols/police-coverage'), 422, 'policy');
});

test('PAT-009..010 the ledger, its exports, and monthly coverage per grid and town', async () => {
  let r = await off.get(`/api/v1/patrols?unit_id=${shop.id}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.page.total, 2);
  assert.equal(r.body.data[0].unit_name, '巡查测试便利店');
  r = await off.get('/api/v1/patrols?kind=police');
  assert.ok(r.body.data.every((x) => x.kind === 'police'));
  assertError(assert, await off.get('/api/v1/patrols?kind=walk'), 400, 'invalid', 'kind');
  r = await off.get('/api/v1/patrols/export?format=csv');
  assert.equal(r.status, 200);
  assert.ok(r.text.replace(/^\ufeff/, '').startsWith('巡查日期,单位'), r.text.slice(0, 30));
  assert.ok(r.text.includes('发现隐患') && r.text.includes('派出所检查'));
  r = await gridW.get('/api/v1/patrols/coverage');
  assert.equal(r.status, 200, r.text + srv.stderr);
  assert.equal(r.body.data.length, 1);
  assert.equal(r.body.data[0].units, 1);
  assert.equal(r.body.data[0].visited, 1);
  assert.equal(r.body.data[0].share_pct_x10, 1000);
  // PAT-013: the month's round: the shop was visited; a new rental house
  // of the grid is due, and was never visited.
  const g = (await gridW.get(`/api/v1/units/${shop.id}`)).body.data.grid_id;
  const rent = (await off.post('/api/v1/units', { name: '巡查测试出租屋', address: '东莞市巡查路3号', town: A, grid_id: g,
    categories: ['rental'] })).body.data;
  r = await gridW.get('/api/v1/patrols/due');
  assert.equal(r.status, 200, r.text);
  assert.ok(!r.body.data.some((x) => x.id === shop.id));
  const due = r.body.data.find((x) => x.id === rent.id);
  assert.ok(due, r.text);
  assert.equal(due.last_patrolled_on, null);
  r = await gridW.get('/api/v1/patrols/due?month=2020-01');
  assert.ok(r.body.data.some((x) => x.id === shop.id));
  assertError(assert, await gridW.get('/api/v1/patrols/due?month=2020-1'), 400, 'invalid', 'month');
  r = await gridW.get('/api/v1/patrols/coverage?month=2020-01');
  assert.equal(r.body.data[0].visited, 0);
  assertError(assert, await gridW.get('/api/v1/patrols/coverage?month=2026-13'), 400, 'invalid', 'month');
  r = await off.get('/api/v1/patrols/coverage');
  assert.ok(r.body.data.some((x) => x.code === 'PT01'));
});

test('audit verify --deep covers patrol records', async () => {
  const r = srv.cli(['audit', 'verify', '--deep']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  void im;
});
