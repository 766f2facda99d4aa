// The risk module over HTTP (docs/modules/risk.md): a unit's score and
// grade with the factors that made them, refreshed on registry changes
// (RISK-002..006, RISK-010); jurisdiction isolation (Z-2); the event feed
// with every bad input named and nothing stored (RISK-008, RISK-009, I-1);
// the grade summary of one's jurisdiction (RISK-011); the loaded model
// (RISK-001); the nightly job run from the CLI, writing only what changed,
// and `audit verify --deep` over events and runs (RISK-007).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError } from './lib.mjs';

const A = '441900003';   // 东城街道
const B = '441900121';   // 虎门镇
const DAY = 86400;
const now = () => Math.floor(Date.now() / 1000);

let srv;
let off;      // officer, city (registry:write, risk:write)
let offA;     // officer, town A
let offB;     // officer, town B
let pol;      // police, town A (registry:read only)
let aud;      // auditor (no registry rights)
let model;    // GET /risk/model
let seq = 0;

async function mkUnit(c, town, extra = {}) {
  seq++;
  const r = await c.post('/api/v1/units', {
    name: `风险测试${seq}号`, address: `东莞市风险路${seq}号`, town, ...extra,
  });
  assert.equal(r.status, 201, r.text);
  return r.body.data;
}

const factorOf = (risk, id) => risk.factors.find((f) => f.id === id);
const modelFactor = (id) => model.factors.find((f) => f.id === id);
const eventCount = () => Number(srv.sql('SELECT COUNT(*) FROM risk_events'));

before(async () => {
  srv = new Server();
  await srv.start();
  srv.addUser('rk.off', 'officer', 'city');
  srv.addUser('rk.offa', 'officer', `town:${A}`);
  srv.addUser('rk.offb', 'officer', `town:${B}`);
  srv.addUser('rk.pol', 'police', `town:${A}`);
  srv.addUser('rk.aud', 'auditor', 'city');
  [off, offA, offB, pol, aud] = await Promise.all(['rk.off', 'rk.offa', 'rk.offb', 'rk.pol', 'rk.aud']
    .map((l) => srv.login(l)));
  const r = await off.get('/api/v1/risk/model');
  assert.equal(r.status, 200, r.text);
  model = r.body.data;
});
after(async () => { await srv?.close(); });

test('RISK-001 the loaded model: a template, every factor with points and source, the cut-offs', async () => {
  assert.equal(model.format, 'firewarden-risk-v1');
  assert.equal(model.template, true);
  assert.equal(model.status, 'U');
  assert.match(model.sm3, /^[0-9a-f]{64}$/);
  assert.equal(model.window_days, 365);
  assert.equal(model.factors.length, 21);
  for (const f of model.factors) {
    assert.ok(f.source && f.name_zh && f.name_en, f.id);
    assert.ok('points' in f || 'bands' in f || 'each' in f, f.id);
  }
  assert.deepEqual(model.grades.cutoffs.map((c) => c.grade), ['high', 'medium_high', 'medium', 'low']);
  assert.deepEqual(model.grades.cutoffs.map((c) => c.name_zh), ['高', '较高', '一般', '低']);
  // Readers of the registry may see it; others may not.
  assert.equal((await pol.get('/api/v1/risk/model')).status, 200);
  assertError(assert, await aud.get('/api/v1/risk/model'), 403, 'forbidden');
});

test('RISK-010 a unit\'s risk: score, grade, named factors, model version; refreshed by registry changes', async () => {
  const u = await mkUnit(offA, A, { categories: ['key'] });
  let r = await offA.get(`/api/v1/units/${u.id}/risk`);
  assert.equal(r.status, 200, r.text);
  let risk = r.body.data;
  assert.equal(risk.unit_id, u.id);
  assert.equal(risk.stored, true);
  assert.equal(typeof risk.computed_at, 'number');
  assert.equal(risk.model_version, model.version);
  assert.equal(risk.current_model_version, model.version);
  assert.match(risk.inputs_hash, /^[0-9a-f]{64}$/);
  const key = factorOf(risk, 'category.key');
  assert.deepEqual(key, {
    id: 'category.key', value: 1, points: modelFactor('category.key').points,
    name_zh: '消防安全重点单位', name_en: modelFactor('category.key').name_en,
  });
  assert.equal(risk.score, key.points);
  const cut = model.grades.cutoffs.find((c) => risk.score >= c.min_score);
  assert.equal(risk.grade, cut.grade);
  assert.equal(risk.grade_name_zh, cut.name_zh);
  // The unit shows the same grade (units.risk_grade), its version untouched.
  r = await offA.get(`/api/v1/units/${u.id}`);
  assert.equal(r.body.data.risk_grade, risk.grade);
  assert.equal(r.body.data.version, 1);
  // A tall building: the height band it reaches, with the band's threshold.
  const bands = modelFactor('building.height').bands;
  r = await offA.post(`/api/v1/units/${u.id}/buildings`, {
    name: '主楼', use: 'public', height_cm: bands[1].gte, has_sprinklers: true, has_auto_alarm: true,
  });
  assert.equal(r.status, 201, r.text);
  risk = (await offA.get(`/api/v1/units/${u.id}/risk`)).body.data;
  assert.deepEqual(factorOf(risk, 'building.height'), {
    id: 'building.height', value: bands[1].gte, points: bands[1].points, gte: bands[1].gte,
    name_zh: '建筑高度', name_en: 'Building height',
  });
  assert.equal(risk.score, Math.min(model.score_max, key.points + bands[1].points));
  // Archiving the building takes it out again.
  r = await offA.post(`/api/v1/buildings/${r.body.data.id}/archive`);
  assert.equal(r.status, 200, r.text);
  risk = (await offA.get(`/api/v1/units/${u.id}/risk`)).body.data;
  assert.equal(factorOf(risk, 'building.height'), undefined);
  assert.equal(risk.score, key.points);
  assertError(assert, await offA.get('/api/v1/units/1/risk'), 404, 'not_found');
  assertError(assert, await offA.get('/api/v1/units/abc/risk'), 404, 'not_found');
});

test('Z-2 another town\'s unit is 404 for its risk and events; no registry right is 403', async () => {
  const u = await mkUnit(offA, A, { categories: ['rental'] });
  const n0 = eventCount();
  assertError(assert, await offB.get(`/api/v1/units/${u.id}/risk`), 404, 'not_found');
  assertError(assert, await offB.get(`/api/v1/units/${u.id}/risk/events`), 404, 'not_found');
  assertError(assert, await offB.post(`/api/v1/units/${u.id}/risk/events`,
    { kind: 'hazard', ref_type: 'hazard', ref_id: 'Z-1', at: now() - DAY }), 404, 'not_found');
  assertError(assert, await aud.get(`/api/v1/units/${u.id}/risk`), 403, 'forbidden');
  // A unit account sees its own unit only.
  const other = await mkUnit(offA, A);
  const unitUser = await srv.userClient('rk.unit', 'unit', `unit:${u.id}`);
  assert.equal((await unitUser.get(`/api/v1/units/${u.id}/risk`)).status, 200);
  assertError(assert, await unitUser.get(`/api/v1/units/${other.id}/risk`), 404, 'not_found');
  assert.equal(eventCount(), n0, 'nothing stored');
});

test('RISK-008/009 events: created and listed; every bad input names its field and stores nothing', async () => {
  const u = await mkUnit(offA, A, { categories: ['three_small'], three_small_kind: 'shop' });
  const base = (await offA.get(`/api/v1/units/${u.id}/risk`)).body.data.score;
  const ok = { kind: 'hazard', ref_type: 'hazard', ref_id: '东消隐字〔2026〕第7号', at: now() - 3 * DAY };
  const bad = [
    [{ ...ok, kind: 'flood' }, 400, 'invalid', 'kind'],
    [{ ...ok, kind: undefined }, 400, 'missing', 'kind'],
    [{ ...ok, ref_type: 'Hazard' }, 400, 'invalid', 'ref_type'],
    [{ ...ok, ref_type: '1x' }, 400, 'invalid', 'ref_type'],
    [{ ...ok, ref_type: 'a'.repeat(33) }, 400, 'range', 'ref_type'],
    [{ ...ok, ref_id: '' }, 400, 'range', 'ref_id'],
    [{ ...ok, ref_id: 'x'.repeat(65) }, 400, 'range', 'ref_id'],
    [{ ...ok, ref_id: 'a\u0001b' }, 400, 'invalid', 'ref_id'],
    [{ ...ok, ref_id: 7 }, 400, 'type', 'ref_id'],
    [{ ...ok, at: 'yesterday' }, 400, 'type', 'at'],
    [{ ...ok, at: now() + 3 * DAY }, 400, 'range', 'at'],
    [{ ...ok, at: 946684799 }, 400, 'range', 'at'],
    [{ ...ok, at: 1.5e9 + 0.5 }, 400, 'type', 'at'],
    [{ ...ok, note: 'x' }, 400, 'unknown_field', 'note'],
  ];
  const n0 = eventCount();
  for (const [body, status, code, field] of bad) {
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    assertError(assert, await offA.post(`/api/v1/units/${u.id}/risk/events`, body), status, code, field);
  }
  assertError(assert, await offA.post(`/api/v1/units/${u.id}/risk/events`, 'not json'), 400, 'bad_json');
  // The police may read the registry but not record events.
  assertError(assert, await pol.post(`/api/v1/units/${u.id}/risk/events`, ok), 403, 'forbidden');
  assert.equal(eventCount(), n0, 'nothing stored');
  assert.equal(Number(srv.sql('SELECT COUNT(*) FROM audit_entries WHERE action = \'risk_event.create\'')), 0);
  // A good one.
  let r = await offA.post(`/api/v1/units/${u.id}/risk/events`, ok);
  assert.equal(r.status, 201, r.text);
  const ev = r.body.data;
  assert.equal(ev.kind, 'hazard');
  assert.equal(ev.ref_id, ok.ref_id);
  assert.equal(ev.unit_id, u.id);
  assert.equal(ev.counted, true);
  assert.equal(eventCount(), n0 + 1);
  // The score counts it at once.
  const risk = (await offA.get(`/api/v1/units/${u.id}/risk`)).body.data;
  const h = modelFactor('history.hazard');
  assert.deepEqual(factorOf(risk, 'history.hazard'), {
    id: 'history.hazard', value: 1, points: Math.min(h.each, h.cap), name_zh: h.name_zh, name_en: h.name_en,
  });
  assert.equal(risk.score, Math.min(model.score_max, base + Math.min(h.each, h.cap)));
  // RISK-009: the same record twice is a conflict; an old one is listed but not counted.
  assertError(assert, await offA.post(`/api/v1/units/${u.id}/risk/events`, ok), 409, 'conflict', 'ref_id');
  r = await offA.post(`/api/v1/units/${u.id}/risk/events`,
    { kind: 'penalty', ref_type: 'case', ref_id: '东消行罚决字〔2025〕第1号', at: now() - 400 * DAY });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.data.counted, false);
  r = await offA.get(`/api/v1/units/${u.id}/risk/events?limit=1`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.page.total, 2);
  assert.equal(r.body.data.length, 1);
  assert.equal(r.body.data[0].id, ev.id, 'newest first');
  r = await offA.get(`/api/v1/units/${u.id}/risk/events?offset=1`);
  assert.equal(r.body.data[0].kind, 'penalty');
  assertError(assert, await offA.get(`/api/v1/units/${u.id}/risk/events?limit=201`), 400, 'invalid', 'limit');
  // The audit trail has the event, with its canonical record.
  const audc = await srv.login('rk.aud');
  r = await audc.get(`/api/v1/audit/search?action=risk_event.create&limit=5`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.page.total, 2);
  assert.equal(r.body.data.at(-1).object, `risk_event/${ev.id}`);
});

test('RISK-011 summary: grade counts within one\'s jurisdiction, archived left out', async () => {
  const count = (s) => Object.values(s.grades).reduce((a, b) => a + b, 0);
  let r = await off.get('/api/v1/risk/summary');
  assert.equal(r.status, 200, r.text);
  const city0 = r.body.data;
  assert.equal(city0.scope, 'city');
  assert.deepEqual(Object.keys(city0.grades).sort(), ['high', 'low', 'medium', 'medium_high', 'none']);
  const a0 = (await offA.get('/api/v1/risk/summary')).body.data;
  const b0 = (await offB.get('/api/v1/risk/summary')).body.data;
  assert.equal(a0.scope, `town:${A}`);
  assert.equal(count(a0), a0.total);
  assert.equal(a0.total + b0.total, city0.total);
  // Two more in B: one high-scoring, one to archive.
  const hi = await mkUnit(offB, B, { categories: ['high_risk', 'key', 'public_gathering', 'crowded'] });
  const gone = await mkUnit(offB, B);
  const grade = (await offB.get(`/api/v1/units/${hi.id}/risk`)).body.data.grade;
  let b1 = (await offB.get('/api/v1/risk/summary')).body.data;
  assert.equal(b1.total, b0.total + 2);
  assert.equal(b1.grades[grade], b0.grades[grade] + 1);
  assert.equal((await offB.post(`/api/v1/units/${gone.id}/archive`)).status, 200);
  b1 = (await offB.get('/api/v1/risk/summary')).body.data;
  assert.equal(b1.total, b0.total + 1);
  assert.equal(b1.grades.none, 0);
  // Town A's view is unchanged; a filter never widens it.
  assert.deepEqual((await offA.get('/api/v1/risk/summary')).body.data, a0);
  r = await offA.get(`/api/v1/risk/summary?town=${B}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.total, 0);
  r = await off.get(`/api/v1/risk/summary?town=${B}`);
  assert.equal(r.body.data.total, b1.total);
  assertError(assert, await off.get('/api/v1/risk/summary?town=4419'), 400, 'invalid', 'town');
  assertError(assert, await off.get('/api/v1/risk/summary?town=441900999'), 400, 'invalid', 'town');
  assertError(assert, await aud.get('/api/v1/risk/summary'), 403, 'forbidden');
});

test('RISK-006/007 the nightly job from the CLI: only changed units written, audited, deep-verified', () => {
  const run = () => {
    const r = srv.cli(['job', 'run', 'risk.recompute']);
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    const m = /(\d+) units, (\d+) changed, digest ([0-9a-f]{64})/.exec(r.stdout);
    assert.ok(m, r.stdout);
    return { units: Number(m[1]), changed: Number(m[2]), digest: m[3] };
  };
  const units = Number(srv.sql('SELECT COUNT(*) FROM units'));
  const runs0 = Number(srv.sql('SELECT COUNT(*) FROM risk_runs'));
  // Everything was refreshed as it changed: nothing to write.
  let r = run();
  assert.equal(r.units, units);
  assert.equal(r.changed, 0);
  assert.equal(Number(srv.sql('SELECT COUNT(*) FROM risk_runs')), runs0);
  // A building changed behind the registry's back, a grade edited by hand.
  const [u1, u2] = srv.sql('SELECT id FROM units ORDER BY id LIMIT 2').split('\n');
  srv.sql(`INSERT INTO buildings (id, unit_id, name, floors_below, height_cm, use, status, version, created_at, updated_at, created_by)
    VALUES (9000000001, ${u1}, '暗楼', 3, 11000, 'public', 'active', 1, 0, 0, 'test')`);
  srv.sql(`UPDATE units SET risk_grade = 'X' WHERE id = ${u2}`);
  r = run();
  assert.equal(r.changed, 2);
  assert.equal(srv.sql(`SELECT u.risk_grade = r.grade FROM units u JOIN unit_risk r ON r.unit_id = u.id WHERE u.id = ${u2}`),
    srv.sql('SELECT 1 = 1'));
  assert.match(srv.sql(`SELECT factors FROM unit_risk WHERE unit_id = ${u1}`), /building\.height/);
  assert.equal(Number(srv.sql('SELECT COUNT(*) FROM risk_runs')), runs0 + 1);
  assert.equal(srv.sql('SELECT digest FROM risk_runs ORDER BY id DESC LIMIT 1'), r.digest);
  assert.equal(srv.sql('SELECT action FROM audit_entries ORDER BY seq DESC LIMIT 1'), 'risk.recompute');
  assert.equal(run().changed, 0);
  // Deep verification recomputes events and runs; an edited event is seen.
  const verify = () => srv.cli(['audit', 'verify', '--deep']);
  let v = verify();
  assert.equal(v.status, 0, `${v.stdout}${v.stderr}`);
  srv.sql("UPDATE risk_events SET ref_id = 'forged' WHERE kind = 'hazard'");
  v = verify();
  assert.equal(v.status, 1, `${v.stdout}${v.stderr}`);
  assert.match(v.stdout, /risk_event\//);
});
