// Random inspections over HTTP (docs/modules/inspection.md): sampling
// rules as versioned data (INS-020), plans and their states (INS-021,
// INS-022), quotas (INS-023), the commit that freezes the roster
// (INS-024..026), the beacon entered twice (INS-027), the draw that
// happens once (INS-028), manual assignment (INS-029), what the public
// sees (INS-030), the bundle that anyone can re-run with `firewarden draw
// verify` (INS-031), and `audit verify --deep` after it all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Server, BIN, assertError } from './lib.mjs';
import { png } from './images.mjs';

const T = '441900121';	// 虎门镇, the plan's town
const U = '441900003';	// 东城街道, another town

let srv, off, offT, lead1, lead2, legal, sec, aud;
let offId;
const insp = {};	// name -> id

function ifm(x) { return { 'If-Match': `"${x.version}"` }; }

function today(addDays = 0) {
  const d = new Date(Date.now() + 8 * 3600e3 + addDays * 86400e3);
  return d.toISOString().slice(0, 10);
}

before(async () => {
  srv = new Server();
  const seed = srv.cli(['seed-demo', '--units', '4000', '--seed', '7']);
  assert.equal(seed.status, 0, seed.stderr);
  offId = srv.addUser('off', 'officer', 'city');
  srv.addUser('off_t', 'officer', `town:${T}`);
  srv.addUser('lead1', 'leader', 'city');
  srv.addUser('lead2', 'leader', 'city');
  srv.addUser('legal1', 'legal', 'city');
  srv.addUser('sec1', 'secadmin', null, 'Other-Passw0rd-2027?');
  srv.addUser('aud1', 'auditor', null, 'Other-Passw0rd-2027?');
  // The inspector directory (its own API and tests are inspection_dir's):
  // eight fire officers of the town, one of them the user `off`, one
  // whose certificate ends before the plan does, one of another town.
  const rows = [];
  for (let i = 1; i <= 8; i++) {
    const id = String(9000 + i);
    insp[`f${i}`] = id;
    const until = i === 8 ? today(10) : '2030-12-31';
    const user = i === 1 ? offId : 'NULL';
    rows.push(`(${id}, ${user}, '检查员${i}', 'fire', 'CERT-${i}', '${until}', '${T}', NULL, 'active', 1, 0, 0, 't')`);
  }
  insp.other = '9100';
  rows.push(`(9100, NULL, '外镇检查员', 'fire', 'CERT-X', '2030-12-31', '${U}', NULL, 'active', 1, 0, 0, 't')`);
  srv.sql(`INSERT INTO inspectors (id, user_id, name, department, cert_no, cert_valid_until, areas, specialty, status, version, created_at, updated_at, created_by) VALUES ${rows.join(', ')}`);
  await srv.start();
  off = await srv.login('off');
  offT = await srv.login('off_t');
  lead1 = await srv.login('lead1');
  lead2 = await srv.login('lead2');
  legal = await srv.login('legal1');
  sec = await srv.login('sec1', 'Other-Passw0rd-2027?');
  aud = await srv.login('aud1', 'Other-Passw0rd-2027?');
});

after(async () => { await srv?.close(); });

const planBody = (extra = {}) => ({
  name: '2026 年第四季度虎门镇双随机抽查',
  towns: [T],
  period_start: today(0),
  period_end: today(60),
  team: [{ department: 'fire', count: 2 }],
  max_load: 40,
  beacon: { source: 'public ceremony', round: '2026-Q4-虎门' },
  ...extra,
});

test('INS-020 sampling rules: version 1 from the data file, new versions by the security administrator only', async () => {
  let r = await off.get('/api/v1/inspection/rules');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.version, 1);
  assert.ok(r.body.data.rules.length >= 4);
  assert.ok(r.body.data.rules.every((x) => x.source));
  const a0 = await srv.auditSize();
  const bad = [
    [{ rules: [{ class: 'key', grade: '*', ratio_pct: 101, source: 'x' }] }, 'range', 'rules[0].ratio_pct'],
    [{ rules: [{ class: 'vip', grade: '*', ratio_pct: 1, source: 'x' }] }, 'invalid', 'rules[0].class'],
    [{ rules: [{ class: 'key', grade: 'hot', ratio_pct: 1, source: 'x' }] }, 'invalid', 'rules[0].grade'],
    [{ rules: [{ class: 'key', grade: '*', ratio_pct: 1.234, source: 'x' }] }, 'invalid', 'rules[0].ratio_pct'],
    [{ rules: [{ class: 'key', grade: '*', ratio_pct: 1 }] }, 'missing', 'rules[0].source'],
    [{ rules: [{ class: 'key', grade: '*', ratio_pct: 1, source: 'x', extra: 1 }] }, 'unknown_field', 'rules[0].extra'],
    [{ rules: [] }, 'range', 'rules'],
  ];
  for (const [body, code, field] of bad) {
    assertError(assert, await sec.post('/api/v1/inspection/rules', body), 400, code, field);
  }
  assert.equal(await srv.auditSize(), a0);
  // Refused (and the refusal is recorded, as every denied access is).
  assertError(assert, await off.post('/api/v1/inspection/rules', { rules: [{ class: '*', grade: '*', ratio_pct: 5, source: 'x' }] }), 403, 'forbidden');
  const a1 = await srv.auditSize();
  assert.equal(a1, a0 + 1);
  r = await sec.post('/api/v1/inspection/rules', {
    note: 'v2: 5 % of general units',
    rules: [...(await off.get('/api/v1/inspection/rules')).body.data.rules.slice(0, -1),
      { class: '*', grade: '*', ratio_pct: 5, min: 1, source: 'test: city decision' }],
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.data.version, 2);
  r = await off.get('/api/v1/inspection/rules/versions');
  assert.deepEqual(r.body.data.map((v) => v.version), [2, 1]);
  assert.equal((await off.get('/api/v1/inspection/rules?version=1')).body.data.version, 1);
  assert.equal(await srv.auditSize(), a1 + 1);
});

test('INS-021 plan input: bad values named, nothing stored', async () => {
  const n0 = srv.count('inspection_plans');
  const a0 = await srv.auditSize();
  const cases = [
    [{ towns: ['441900999'] }, 400, 'invalid', 'towns'],
    [{ towns: [] }, 400, 'range', 'towns'],
    [{ towns: [T, T] }, 400, 'invalid', 'towns'],
    [{ period_end: '2020-01-01' }, 400, 'invalid', 'period_end'],
    [{ period_start: '2026-02-30' }, 400, 'invalid', 'period_start'],
    [{ team: [{ department: 'fire', count: 1 }] }, 422, 'policy', 'team'],
    [{ team: [{ department: 'navy', count: 2 }] }, 400, 'invalid', 'team'],
    [{ team: [{ department: 'fire', count: 2 }, { department: 'fire', count: 1 }] }, 400, 'invalid', 'team'],
    [{ team: [{ department: 'fire' }] }, 400, 'invalid', 'team'],
    [{ max_load: 0 }, 400, 'range', 'max_load'],
    [{ beacon: { source: 'x' } }, 400, 'missing', 'beacon.round'],
    [{ beacon: { source: 'x', round: '1', value: 'early' } }, 400, 'unknown_field', 'beacon'],
    [{ beacon: { source: 'a\tb', round: '1' } }, 400, 'invalid', 'beacon.source'],
    [{ categories: ['vip'] }, 400, 'invalid', 'categories'],
    [{ name: '' }, 400, 'range', 'name'],
    [{ colour: 'red' }, 400, 'unknown_field', 'colour'],
  ];
  for (const [extra, status, code, field] of cases) {
    assertError(assert, await off.post('/api/v1/inspection/plans', planBody(extra)), status, code, field);
  }
  const noTeam = planBody();
  delete noTeam.team;
  assertError(assert, await off.post('/api/v1/inspection/plans', noTeam), 400, 'missing', 'team');
  // A town officer plans for their own town only.
  assertError(assert, await offT.post('/api/v1/inspection/plans', planBody({ towns: [U] })), 403, 'forbidden', 'towns');
  assert.equal(srv.count('inspection_plans'), n0);
  assert.equal(await srv.auditSize(), a0);
});

let plan;

test('INS-022/023 draft, preview, four-eyes approval', async () => {
  let r = await off.post('/api/v1/inspection/plans', planBody());
  assert.equal(r.status, 201, r.text);
  plan = r.body.data;
  assert.equal(plan.status, 'draft');
  assert.equal(plan.owner, 'city');
  assert.deepEqual(plan.towns, [T]);
  assert.equal(plan.due_days, 20);
  r = await off.patch(`/api/v1/inspection/plans/${plan.id}`, { max_load: 30 }, ifm(plan));
  assert.equal(r.status, 200, r.text);
  plan = r.body.data;
  assert.equal(plan.max_load, 30);
  assertError(assert, await off.patch(`/api/v1/inspection/plans/${plan.id}`, { max_load: 31 }, { 'If-Match': '"1"' }), 412);
  // Preview: strata of the town, with populations and counts.
  r = await off.get(`/api/v1/inspection/plans/${plan.id}/preview`);
  assert.equal(r.status, 200, r.text);
  const pv = r.body.data;
  const pop = Number(srv.sql(`SELECT COUNT(*) FROM units WHERE town_code = '${T}' AND status = 'active'`));
  assert.equal(pv.population, pop);
  assert.ok(pv.strata.length > 1);
  for (const s of pv.strata) {
    assert.ok(s.stratum.startsWith(`${T}|`));
    assert.ok(s.count >= 0 && s.count <= s.population);
    if (s.class === 'key_crowded') assert.equal(s.count, s.population);
  }
  // The author cannot approve; an officer has no inspection:approve.
  assertError(assert, await off.post(`/api/v1/inspection/plans/${plan.id}/approve`, undefined, ifm(plan)), 403, 'forbidden');
  assertError(assert, await lead1.post(`/api/v1/inspection/plans/${plan.id}/approve`), 428);
  r = await lead1.post(`/api/v1/inspection/plans/${plan.id}/approve`, undefined, ifm(plan));
  assert.equal(r.status, 200, r.text);
  plan = r.body.data;
  assert.equal(plan.status, 'approved');
  assert.equal(plan.rule_version, 2);
  // Approved plans are no longer edited.
  assertError(assert, await off.patch(`/api/v1/inspection/plans/${plan.id}`, { max_load: 31 }, ifm(plan)), 422, 'policy', 'status');
});

test('INS-024/025/026 commit freezes the roster and publishes its hashes', async () => {
  // A declared relationship of f2 with a unit of the town.
  const unit = srv.sql(`SELECT id FROM units WHERE town_code = '${T}' ORDER BY id LIMIT 1`);
  srv.sql(`INSERT INTO inspector_conflicts (id, inspector_id, unit_id, kind, note, status, version, created_at, updated_at, created_by) VALUES (7001, ${insp.f2}, ${unit}, 'relative', NULL, 'active', 1, 0, 0, 't')`);
  const a0 = await srv.auditSize();
  const r = await off.post(`/api/v1/inspection/plans/${plan.id}/commit`, undefined, ifm(plan));
  assert.equal(r.status, 200, r.text);
  plan = r.body.data;
  assert.equal(plan.status, 'committed');
  assert.match(plan.candidates_hash, /^[0-9a-f]{64}$/);
  assert.match(plan.roster_hash, /^[0-9a-f]{64}$/);
  assert.equal(plan.commit_seq, a0);
  const pop = Number(srv.sql(`SELECT COUNT(*) FROM units WHERE town_code = '${T}' AND status = 'active'`));
  assert.equal(plan.counts.candidates, pop);
  // The town's active fire inspectors with a certificate to the end of
  // the period: f1..f7 and the demo directory's (f8's certificate ends
  // before the period does; the other town's inspector covers no town of
  // the plan).
  const want = Number(srv.sql(`SELECT COUNT(*) FROM inspectors WHERE status = 'active' AND department = 'fire' AND (',' || areas || ',') LIKE '%,${T},%' AND cert_valid_until >= '${plan.period_end}'`));
  assert.ok(want >= 7);
  assert.equal(plan.counts.inspectors, want);
  assert.equal(Number(srv.sql(`SELECT COUNT(*) FROM inspection_roster_inspectors WHERE plan_id = ${plan.id} AND inspector_id = ${insp.f1}`)), 1);
  assert.equal(Number(srv.sql(`SELECT COUNT(*) FROM inspection_roster_inspectors WHERE plan_id = ${plan.id} AND inspector_id = ${insp.f8}`)), 0);
  assert.equal(srv.sql(`SELECT reason FROM inspection_roster_conflicts WHERE plan_id = ${plan.id} AND inspector_id = ${insp.f2} AND unit_id = ${unit}`), 'declared');
  assert.ok(plan.quotas.every((q) => q.count <= q.population));
  // The commit entry states the hashes.
  const ent = await aud.get(`/api/v1/audit/entries?start=${a0}&end=${a0 + 1}`);
  assert.equal(ent.status, 200, ent.text);
  assert.match(ent.body.data[0].entry, /"action":"inspection_plan.commit"/);
  // Public from now on, with the hashes, before any randomness.
  const pub = await srv.client().get(`/api/v1/public/inspection/plans/${plan.id}`);
  assert.equal(pub.status, 200, pub.text);
  assert.equal(pub.body.data.roster_hash, plan.roster_hash);
  assert.equal(pub.body.data.created_by, undefined);
  // A committed plan cannot be committed or edited again.
  assertError(assert, await off.post(`/api/v1/inspection/plans/${plan.id}/commit`, undefined, ifm(plan)), 422, 'policy', 'status');
  assertError(assert, await off.patch(`/api/v1/inspection/plans/${plan.id}`, { name: 'x' }, ifm(plan)), 422, 'policy', 'status');
  // The roster no longer follows the registry.
  srv.sql(`UPDATE units SET status = 'closed' WHERE id = ${unit}`);
  assert.equal(Number(srv.sql(`SELECT COUNT(*) FROM inspection_roster_candidates WHERE plan_id = ${plan.id}`)), pop);
  srv.sql(`UPDATE units SET status = 'active' WHERE id = ${unit}`);
});

test('INS-027/028 the beacon value twice by two people; the draw happens once', async () => {
  assertError(assert, await off.post(`/api/v1/inspection/plans/${plan.id}/beacon`, { value: 'x' }), 403, 'forbidden');
  assertError(assert, await lead1.post(`/api/v1/inspection/plans/${plan.id}/beacon`, {}), 400, 'missing', 'value');
  assertError(assert, await lead1.post(`/api/v1/inspection/plans/${plan.id}/beacon`, { value: 'a\u0001b' }), 400, 'invalid', 'value');
  let r = await lead1.post(`/api/v1/inspection/plans/${plan.id}/beacon`, { value: '07 15 22 31 33 + 09 12' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.drawn, false);
  assert.equal(r.body.data.status, 'committed');
  // The same person again does not draw.
  r = await lead1.post(`/api/v1/inspection/plans/${plan.id}/beacon`, { value: '07 15 22 31 33 + 09 12' });
  assert.equal(r.body.data.drawn, false);
  // A different value from another person is refused and stored nowhere.
  assertError(assert, await lead2.post(`/api/v1/inspection/plans/${plan.id}/beacon`, { value: '07 15 22 31 34 + 09 12' }), 409, 'conflict', 'value');
  assert.equal(srv.count('inspection_tasks'), 0);
  r = await legal.post(`/api/v1/inspection/plans/${plan.id}/beacon`, { value: '07 15 22 31 33 + 09 12' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.drawn, true);
  plan = r.body.data;
  assert.equal(plan.status, 'drawn');
  assert.match(plan.seed, /^[0-9a-f]{64}$/);
  const sel = plan.quotas.reduce((a, q) => a + q.count, 0);
  assert.equal(plan.counts.selected, sel);
  assert.equal(srv.count('inspection_tasks'), sel);
  // Nothing can be redrawn.
  assertError(assert, await lead2.post(`/api/v1/inspection/plans/${plan.id}/beacon`, { value: '07 15 22 31 33 + 09 12' }), 422, 'policy', 'status');
  // No conflict pair is assigned; nobody over max_load; f8 nowhere.
  const pairs = srv.sql(`SELECT inspector_id || ':' || unit_id FROM inspection_roster_conflicts WHERE plan_id = ${plan.id}`).split('\n').filter(Boolean);
  const assigned = new Set(srv.sql(`SELECT ti.inspector_id || ':' || t.unit_id FROM inspection_tasks t JOIN inspection_task_inspectors ti ON ti.task_id = t.id WHERE t.plan_id = ${plan.id}`).split('\n'));
  for (const p of pairs) assert.ok(!assigned.has(p), p);
  const loads = srv.sql(`SELECT COUNT(*) FROM inspection_task_inspectors ti JOIN inspection_tasks t ON t.id = ti.task_id WHERE t.plan_id = ${plan.id} GROUP BY ti.inspector_id`).split('\n').map(Number);
  assert.ok(loads.every((n) => n <= plan.max_load));
  assert.equal(Number(srv.sql(`SELECT COUNT(*) FROM inspection_task_inspectors WHERE inspector_id = ${insp.f8}`)), 0);
  // Due dates in working days from today.
  const due = srv.sql(`SELECT DISTINCT due_on FROM inspection_tasks WHERE plan_id = ${plan.id}`);
  const want = spawnSync(BIN, ['workdays', 'add', today(0), '20'], { encoding: 'utf8' });
  assert.equal(due, want.stdout.trim());
});

test('INS-031 the bundle: public for anyone, full with audit:read, both verify with `firewarden draw verify`', async () => {
  const pub = await srv.client().get(`/api/v1/public/draws/${plan.id}/bundle`);
  assert.equal(pub.status, 200, pub.text);
  const b = JSON.parse(pub.text);
  assert.equal(b.version, 'firewarden-draw-v1');
  assert.equal(b.inspectors, null);
  assert.equal(b.conflicts, null);
  assert.equal(b.seed, plan.seed);
  assert.equal(b.roster_hash, plan.roster_hash);
  assert.equal(b.selected.length, plan.counts.selected);
  assertError(assert, await off.get(`/api/v1/draws/${plan.id}/bundle`), 403, 'forbidden');
  const full = await aud.get(`/api/v1/draws/${plan.id}/bundle`);
  assert.equal(full.status, 200, full.text);
  const fb = JSON.parse(full.text);
  assert.equal(fb.inspectors.length, plan.counts.inspectors);
  for (const [name, text] of [['public', pub.text], ['full', full.text]]) {
    const f = join(srv.dir, `${name}.json`);
    writeFileSync(f, text);
    const v = spawnSync(BIN, ['draw', 'verify', f], { encoding: 'utf8' });
    assert.equal(v.status, 0, `${name}: ${v.stdout}${v.stderr}`);
    // One changed character of the beacon value fails it.
    writeFileSync(f, text.replace('07 15 22 31 33', '07 15 22 31 35'));
    const bad = spawnSync(BIN, ['draw', 'verify', f], { encoding: 'utf8' });
    assert.equal(bad.status, 1, `${name} tampered: ${bad.stdout}`);
  }
  // Tasks are the bundle's selection, in its order.
  const tasks = (await off.get(`/api/v1/inspection/plans/${plan.id}/tasks?limit=200`)).body.data;
  const byRank = [...tasks].sort((x, y) => x.rank - y.rank);
  assert.deepEqual(byRank.map((t) => t.unit_id), fb.selected.slice(0, byRank.length).map((s) => s.candidate));
  assert.deepEqual(byRank.map((t) => t.inspectors), fb.selected.slice(0, byRank.length).map((s) => s.inspectors));
  // Not drawn → no bundle.
  const d = await off.post('/api/v1/inspection/plans', planBody({ name: '未抽取的计划' }));
  assertError(assert, await srv.client().get(`/api/v1/public/draws/${d.body.data.id}/bundle`), 404);
});

test('NOT-001..003 a selected unit is told, in its own account only', async () => {
  const tasks = (await off.get(`/api/v1/inspection/plans/${plan.id}/tasks?limit=2`)).body.data;
  const [t1, t2] = tasks;
  const notSelected = srv.sql(`SELECT id FROM units WHERE town_code = '${U}' ORDER BY id LIMIT 1`);
  srv.addUser('unit_a', 'unit', `unit:${t1.unit_id}`);
  srv.addUser('unit_b', 'unit', `unit:${t2.unit_id}`);
  srv.addUser('unit_c', 'unit', `unit:${notSelected}`);
  const ua = await srv.login('unit_a');
  const ub = await srv.login('unit_b');
  const uc = await srv.login('unit_c');
  let r = await ua.get('/api/v1/notices');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.page.total, 1);
  assert.equal(r.body.page.unread, 1);
  const n = r.body.data[0];
  assert.equal(n.kind, 'inspection.selected');
  assert.equal(n.ref_type, 'inspection_task');
  assert.equal(n.ref_id, t1.id);
  assert.match(n.body, new RegExp(t1.due_on));
  assert.equal((await uc.get('/api/v1/notices')).body.page.total, 0);
  // Only the unit's own accounts (NOT-002).
  assertError(assert, await off.get('/api/v1/notices'), 403, 'forbidden');
  assertError(assert, await ub.post(`/api/v1/notices/${n.id}/read`), 404);
  r = await ua.post(`/api/v1/notices/${n.id}/read`);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.data.read_at > 0);
  const first = r.body.data.read_at;
  r = await ua.post(`/api/v1/notices/${n.id}/read`);
  assert.equal(r.body.data.read_at, first);
  r = await ua.get('/api/v1/notices?unread=1');
  assert.equal(r.body.page.total, 0);
  assert.equal(r.body.page.unread, 0);
});

test('tasks: jurisdiction, "mine", and INS-029 manual assignment with a reason', async () => {
  let r = await offT.get(`/api/v1/inspection/tasks?plan_id=${plan.id}&limit=200`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.page.total, plan.counts.selected);
  const other = await srv.userClient('off_u', 'officer', `town:${U}`);
  r = await other.get(`/api/v1/inspection/tasks?plan_id=${plan.id}`);
  assert.equal(r.body.page.total, 0);
  assertError(assert, await other.get(`/api/v1/inspection/plans/${plan.id}`), 404);
  r = await off.get('/api/v1/inspection/tasks?mine=1&limit=200');
  const mine = r.body.data;
  const f1 = Number(srv.sql(`SELECT COUNT(*) FROM inspection_task_inspectors WHERE inspector_id = ${insp.f1}`));
  assert.equal(r.body.page.total, f1);
  assert.ok(mine.every((t) => t.inspectors.includes(insp.f1)));
  // Reassign a task: bad lists and reasons are named.
  const task = (await off.get(`/api/v1/inspection/plans/${plan.id}/tasks?status=assigned&limit=1`)).body.data[0];
  const url = `/api/v1/inspection/tasks/${task.id}/reassign`;
  const free = ['f3', 'f4', 'f5', 'f6', 'f7'].map((k) => insp[k]).filter((i) => !task.inspectors.includes(i));
  const v0 = Number(srv.sql(`SELECT version FROM inspection_tasks WHERE id = ${task.id}`));
  const h = { 'If-Match': `"${v0}"` };
  assertError(assert, await off.post(url, { inspectors: [free[0], free[1]], reason: '病假调整' }), 428);
  assertError(assert, await off.post(url, { inspectors: [free[0], free[1]] }, h), 400, 'missing', 'reason');
  assertError(assert, await off.post(url, { inspectors: [free[0]], reason: '病假调整' }, h), 422, 'policy', 'inspectors');
  assertError(assert, await off.post(url, { inspectors: [free[0], insp.f8], reason: '病假调整' }, h), 422, 'policy', 'inspectors');
  assertError(assert, await off.post(url, { inspectors: [free[0], insp.other], reason: '病假调整' }, h), 422, 'policy', 'inspectors');
  assertError(assert, await off.post(url, { inspectors: [free[0], free[0]], reason: '病假调整' }, h), 400, 'invalid', 'inspectors');
  assertError(assert, await off.post(url, { inspectors: [free[0], '123'], reason: '病假调整' }, h), 400, 'invalid', 'inspectors');
  r = await off.post(url, { inspectors: [free[0], free[1]], reason: '原检查人员病假，手工调整' }, h);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.data.inspectors, [free[0], free[1]]);
  assert.equal(r.body.data.reassigned, true);
  // The public results say it was manual, and why.
  const res = await srv.client().get(`/api/v1/public/inspection/plans/${plan.id}/results?limit=200`);
  assert.equal(res.status, 200, res.text);
  const row = res.body.data.find((x) => x.unit_id === task.unit_id);
  assert.equal(row.manual, true);
  assert.equal(row.manual_reason, '原检查人员病假，手工调整');
  assert.equal(row.unit_name, task.unit_name);
  assert.equal(JSON.stringify(res.body).includes('检查员'), false);
});

test('INS-032..036 a check on a phone: every item, both signatures, the outcome; failures become hazards', async () => {
  const PNG = { 'Content-Type': 'image/png' };
  // A task f1 (the user `off`) is on, not reassigned above.
  const mine = (await off.get(`/api/v1/inspection/tasks?mine=1&status=assigned&plan_id=${plan.id}&limit=200`)).body.data;
  let task = mine.find((t) => !t.reassigned);
  if (!task) {
    // The draw (its inputs include the day's record ids) gave f1 only the
    // task reassigned above: put f1 on another one, as an officer would.
    const t = (await off.get(`/api/v1/inspection/plans/${plan.id}/tasks?status=assigned&limit=200`)).body.data
      .find((x) => !x.reassigned && !x.inspectors.includes(insp.f1));
    assert.ok(t, 'an assigned task to give f1');
    const mate = ['f3', 'f4', 'f5', 'f6', 'f7'].map((k) => insp[k]).find((i) => !t.inspectors.includes(i)) || t.inspectors[0];
    const v = Number(srv.sql(`SELECT version FROM inspection_tasks WHERE id = ${t.id}`));
    const rr = await off.post(`/api/v1/inspection/tasks/${t.id}/reassign`, { inspectors: [insp.f1, mate], reason: '调整检查人员' },
      { 'If-Match': `"${v}"` });
    assert.equal(rr.status, 200, rr.text);
    task = rr.body.data;
  }
  assert.ok(task, 'a task of f1');
  let r = await off.get(`/api/v1/inspection/tasks/${task.id}/checklist`);
  assert.equal(r.status, 200, r.text);
  const items = r.body.data.items;
  assert.ok(items.length >= 5, 'the demo item list');
  assert.equal(r.body.data.can_check, true);
  const version = r.body.data.version;
  const h = { 'If-Match': `"${version}"` };
  // Someone not on the task cannot check it.
  const offTask = (await offT.get(`/api/v1/inspection/tasks/${task.id}/checklist`)).body.data;
  assert.equal(offTask.can_check, false);
  // Signatures (drawn on the phone, uploaded as PNG) and a photo.
  const sig1 = (await off.post('/api/v1/files?purpose=signature', png(30, 10), PNG)).body.data;
  const sig2 = (await off.post('/api/v1/files?purpose=signature', png(31, 10), PNG)).body.data;
  const photo = (await off.post('/api/v1/files?purpose=photo', png(40, 30), PNG)).body.data;
  assert.ok(sig1?.id && sig2?.id && photo?.id);
  const [i1, i2] = task.inspectors;
  const results = items.map((it, k) => (k === 0
    ? { item: it.id, result: 'fail', note: '安全出口被货物堵塞', photos: [photo.id], deadline_days: 5 }
    : k === 1 ? { item: it.id, result: 'fail', note: '灭火器压力不足', on_spot: true } : { item: it.id, result: 'pass' }));
  const body = (extra = {}) => ({
    results, signatures: [{ inspector: i1, file: sig1.id }, { inspector: i2, file: sig2.id }], outcome: 'ordered',
    location: { lat: 22.8124, lng: 113.6734, accuracy_m: 12 }, ...extra,
  });
  const n0 = srv.count('inspection_checks');
  const hz0 = srv.count('hazards');
  const a0 = await srv.auditSize();
  const cases = [
    [body({ results: results.slice(1) }), 400, 'missing', 'results'],
    [body({ results: [...results, results[0]] }), 400, 'invalid', 'results[' + results.length + '].item'],
    [body({ results: results.map((x, k) => (k === 0 ? { ...x, note: undefined } : x)) }), 400, 'missing', 'results[0].note'],
    [body({ results: results.map((x, k) => (k === 0 ? { ...x, deadline_days: undefined } : x)) }), 400, 'missing', 'results[0].deadline_days'],
    [body({ results: results.map((x, k) => (k === 0 ? { ...x, deadline_days: 99 } : x)) }), 400, 'range', 'results[0].deadline_days'],
    [body({ results: results.map((x, k) => (k === 2 ? { ...x, result: 'maybe' } : x)) }), 400, 'invalid', 'results[2].result'],
    [body({ outcome: 'compliant' }), 422, 'policy', 'outcome'],
    [body({ outcome: 'excellent' }), 400, 'invalid', 'outcome'],
    [body({ signatures: [{ inspector: i1, file: sig1.id }] }), 422, 'policy', 'signatures'],
    [body({ signatures: [{ inspector: i1, file: sig1.id }, { inspector: i1, file: sig2.id }] }), 422, 'policy', 'signatures'],
    [body({ signatures: [{ inspector: i1, file: sig1.id }, { inspector: i2, file: photo.id }] }), 400, 'invalid', 'signatures'],
    [body({ location: { lat: 99, lng: 113 } }), 400, 'range', 'location.lat'],
  ];
  for (const [b, status, code, field] of cases) {
    assertError(assert, await off.post(`/api/v1/inspection/tasks/${task.id}/check`, b, h), status, code, field);
  }
  assertError(assert, await off.post(`/api/v1/inspection/tasks/${task.id}/check`, body()), 428);
  assertError(assert, await offT.post(`/api/v1/inspection/tasks/${task.id}/check`, body(), h), 403, 'forbidden');
  assert.equal(srv.count('inspection_checks'), n0);
  assert.equal(srv.count('hazards'), hz0);
  assert.equal(Number(srv.sql(`SELECT COUNT(*) FROM files WHERE status = 'attached'`)), 0);
  assert.equal(await srv.auditSize(), a0);
  r = await off.post(`/api/v1/inspection/tasks/${task.id}/check`, body({ summary: '现场检查发现两处问题' }), h);
  assert.equal(r.status, 201, r.text);
  const chk = r.body.data;
  assert.equal(chk.outcome, 'ordered');
  assert.equal(chk.results.length, items.length);
  assert.equal(chk.location.lat, 22.8124);
  // The task is done, the plan in progress; one hazard (the other was corrected on the spot).
  const t2 = (await off.get(`/api/v1/inspection/tasks/${task.id}`)).body.data;
  assert.equal(t2.status, 'done');
  assert.equal(t2.outcome, 'ordered');
  assert.equal((await off.get(`/api/v1/inspection/plans/${plan.id}`)).body.data.status, 'in_progress');
  assert.equal(srv.count('hazards'), hz0 + 1);
  const hz = srv.sql(`SELECT deadline, status, item_code, photos FROM hazards WHERE source_id = ${chk.id}`).split('|');
  const want = spawnSync(BIN, ['workdays', 'add', chk.checked_on, '5'], { encoding: 'utf8' }).stdout.trim();
  assert.deepEqual(hz, [want, 'ordered', items[0].code, photo.id]);
  assert.equal(Number(srv.sql(`SELECT COUNT(*) FROM files WHERE status = 'attached' AND owner_id = ${chk.id}`)), 3);
  // The hazard is in the unit's risk history (RISK-008).
  const ev = (await off.get(`/api/v1/units/${task.unit_id}/risk/events`)).body.data;
  assert.ok(ev.some((x) => x.kind === 'hazard' && x.ref_type === 'hazard' && x.counted), JSON.stringify(ev));
  // Files are readable by whoever sees the task; the check cannot be made twice.
  assert.equal((await offT.get(`/api/v1/files/${photo.id}`)).status, 200);
  assertError(assert, await off.post(`/api/v1/inspection/tasks/${task.id}/check`, body(), { 'If-Match': `"${t2.version}"` }), 422, 'policy', 'status');
  r = await offT.get(`/api/v1/inspection/tasks/${task.id}/check`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.data.signatures.map((s) => s.file), [sig1.id, sig2.id]);
  // The unit is told the outcome and its deadline (NOT-001).
  srv.addUser('unit_chk', 'unit', `unit:${task.unit_id}`);
  const uchk = await srv.login('unit_chk');
  const nt = (await uchk.get('/api/v1/notices')).body.data.find((x) => x.kind === 'inspection.result');
  assert.ok(nt, 'a result notice');
  assert.equal(nt.ref_id, chk.id);
  assert.match(nt.body, /责令改正/);
  assert.match(nt.body, new RegExp(want));
  // Published with its outcome.
  const res = (await srv.client().get(`/api/v1/public/inspection/plans/${plan.id}/results?limit=200`)).body.data;
  const row = res.find((x) => x.unit_id === task.unit_id);
  assert.equal(row.outcome, 'ordered');
  assert.equal(row.checked_on, chk.checked_on);
});

test('INS-022 cancel needs a reason and takes the open tasks with it; audit verify --deep', async () => {
  const p = (await off.get(`/api/v1/inspection/plans/${plan.id}`)).body.data;
  assertError(assert, await off.post(`/api/v1/inspection/plans/${plan.id}/cancel`, {}, ifm(p)), 400, 'missing', 'reason');
  assertError(assert, await off.post(`/api/v1/inspection/plans/${plan.id}/close`, undefined, ifm(p)), 422, 'policy', 'status');
  const r = await off.post(`/api/v1/inspection/plans/${plan.id}/cancel`, { reason: '台风停工，计划取消' }, ifm(p));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.status, 'cancelled');
  // Open tasks are cancelled; the checked one stays done.
  assert.equal(Number(srv.sql(`SELECT COUNT(*) FROM inspection_tasks WHERE plan_id = ${plan.id} AND status IN ('assigned', 'unassigned')`)), 0);
  assert.equal(Number(srv.sql(`SELECT COUNT(*) FROM inspection_tasks WHERE plan_id = ${plan.id} AND status = 'done'`)), 1);
  // Still public, with its reason; the bundle still verifies.
  const pub = await srv.client().get(`/api/v1/public/inspection/plans/${plan.id}`);
  assert.equal(pub.body.data.cancel_reason, '台风停工，计划取消');
  assert.equal((await srv.client().get(`/api/v1/public/draws/${plan.id}/bundle`)).status, 200);
  const v = srv.cli(['audit', 'verify', '--deep']);
  assert.equal(v.status, 0, v.stdout + v.stderr);
});
