// The hazard module over HTTP (docs/modules/hazard.md): the catalogue
// (HAZ-001), recording from a patrol or an officer with on-the-spot
// corrections (HAZ-002..005), jurisdiction (HAZ-006), lists, exports and
// the town summary (HAZ-007, HAZ-018), the lifecycle order → report →
// re-check (HAZ-009..012), transfers with accept / return / dispute /
// decide / complete (HAZ-013..017), escalation by the job with an
// injected day (HAZ-019), bad inputs named with nothing stored, and
// `audit verify --deep` over it all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, assertError, BIN } from './lib.mjs';
import { png } from './images.mjs';

const A = '441900003';   // 东城街道
const B = '441900121';   // 虎门镇
const PNG = { 'Content-Type': 'image/png' };

let srv;
let offA;     // officer, town A
let offB;     // officer, town B
let townA;    // town safety office A (hazard:decide)
let grid;     // grid worker (grid of town A)
let housing;  // partner department, housing, city-wide
let power;    // partner department, power, town B only
let unitC;    // the unit's own account
let unit;     // a unit in town A
let seq = 0;
let w = 0;

const im = (v) => ({ 'If-Match': `"${v}"` });

async function photo(c) {
  w++;
  const r = await c.post('/api/v1/files?purpose=photo', png(40 + w, 30), PNG);
  assert.equal(r.status, 201, r.text);
  return r.body.data.id;
}

async function mkUnit(c, town) {
  seq++;
  const r = await c.post('/api/v1/units', {
    name: `隐患测试${seq}号商店`, address: `东莞市隐患路${seq}号`, town,
  });
  assert.equal(r.status, 201, r.text);
  return r.body.data;
}

async function mkHazard(c, body) {
  const r = await c.post('/api/v1/hazards', { unit_id: unit.id, type_code: 'HZ-EXIT', description: '安全出口被货物堵塞', ...body });
  assert.equal(r.status, 201, r.text);
  return r.body.data;
}

// Working days after a date on the loaded calendar, through the CLI.
function workdays(from, n) {
  const r = spawnSync(BIN, ['workdays', 'add', from, String(n)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

before(async () => {
  srv = new Server();
  await srv.start();
  srv.addUser('hz.offa', 'officer', `town:${A}`);
  srv.addUser('hz.offb', 'officer', `town:${B}`);
  srv.addUser('hz.town', 'town', `town:${A}`);
  srv.addUser('hz.housing', 'dept', 'dept:housing');
  srv.addUser('hz.power', 'dept', `dept:power:${B}`);
  [offA, offB, townA, housing, power] = await Promise.all(
    ['hz.offa', 'hz.offb', 'hz.town', 'hz.housing', 'hz.power'].map((l) => srv.login(l)));
  unit = await mkUnit(offA, A);
  srv.addUser('hz.unit', 'unit', `unit:${unit.id}`);
  unitC = await srv.login('hz.unit');
  // A grid in town A with the unit in it, and its grid worker.
  let r = await offA.post('/api/v1/grids', { town: A, code: 'HZ01', name: '隐患测试网格' });
  assert.equal(r.status, 201, r.text);
  const g = r.body.data;
  r = await offA.patch(`/api/v1/units/${unit.id}`, { grid_id: g.id }, im(unit.version));
  assert.equal(r.status, 200, r.text);
  unit = r.body.data;
  srv.addUser('hz.grid', 'grid', `grid:${g.id}`);
  grid = await srv.login('hz.grid');
});
after(async () => { await srv?.close(); });

test('HAZ-001 the catalogue: types with legal basis, deadline, department, on-the-spot; clocks; departments', async () => {
  const r = await offA.get('/api/v1/hazards/catalogue');
  assert.equal(r.status, 200, r.text);
  const c = r.body.data;
  assert.equal(c.format, 'firewarden-hazard-catalogue-v1');
  const exit = c.types.find((t) => t.code === 'HZ-EXIT');
  assert.match(exit.legal_basis, /第六十条第一款第（三）项/);
  assert.equal(exit.on_spot, true);
  assert.equal(exit.dept, 'fire');
  assert.equal(c.clocks.recheck_days.value, 3);
  assert.ok(c.departments.some((d) => d.code === 'housing'));
  for (const t of c.types) assert.ok(c.departments.some((d) => d.code === t.dept), t.code);
});

test('HAZ-002..005 a patrol records a hazard: numbered, ordered with the type\'s deadline, a risk event; on the spot closes', async () => {
  const p = await photo(grid);
  const before = srv.count('risk_events');
  let r = await grid.post('/api/v1/hazards', {
    unit_id: unit.id, type_code: 'HZ-EXIT', description: '二楼安全出口堆放纸箱', source: 'patrol', photos: [p],
  });
  assert.equal(r.status, 201, r.text);
  const h = r.body.data;
  assert.equal(h.source, 'patrol');
  assert.equal(h.status, 'ordered');
  assert.equal(h.town, A);
  assert.match(h.no, /^YH\d{4}\d{7}$/);
  assert.match(h.notice_no, /^东莞消限字〔\d{4}〕第\d{6}号$/);
  assert.equal(h.deadline, workdays(today(), 3));
  assert.equal(h.step_due, h.deadline);
  assert.match(h.legal_basis, /第六十条/);
  assert.deepEqual(h.photos, [p]);
  assert.equal(srv.count('risk_events'), before + 1);
  // The photo now belongs to the hazard: readable by who sees it.
  assert.equal((await offA.get(`/api/v1/files/${p}`)).status, 200);
  assertError(assert, await offB.get(`/api/v1/files/${p}`), 404);
  // On the spot: closed at once, no risk event.
  r = await grid.post('/api/v1/hazards', {
    unit_id: unit.id, type_code: 'HZ-LANE', description: '消防车通道停放车辆，已当场驶离', on_spot: true,
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.data.status, 'closed');
  assert.equal(r.body.data.close_reason, 'on_spot');
  assert.equal(srv.count('risk_events'), before + 1);
  // A type that cannot be corrected on the spot refuses it.
  const n = srv.count('hazards');
  assertError(assert, await offA.post('/api/v1/hazards', {
    unit_id: unit.id, type_code: 'HZ-FACILITY', description: '喷淋系统瘫痪', on_spot: true,
  }), 422, 'policy', 'on_spot');
  assert.equal(srv.count('hazards'), n);
  // Numbers are consecutive within the year.
  const h2 = await mkHazard(offA, {});
  assert.equal(Number(h2.no.slice(6)), Number(h.no.slice(6)) + 2);
});

test('HAZ-006 jurisdiction: another town\'s officer and another unit see nothing; a department sees only its transfers', async () => {
  const h = await mkHazard(offA, {});
  assertError(assert, await offB.get(`/api/v1/hazards/${h.id}`), 404, 'not_found');
  assertError(assert, await housing.get(`/api/v1/hazards/${h.id}`), 404, 'not_found');
  assert.equal((await unitC.get(`/api/v1/hazards/${h.id}`)).status, 200);
  assert.equal((await grid.get(`/api/v1/hazards/${h.id}`)).status, 200);
  let r = await offB.get('/api/v1/hazards?limit=100');
  assert.equal(r.status, 200);
  assert.ok(!r.body.data.some((x) => x.id === h.id));
  // An officer of town B cannot record for a unit of town A.
  const n = srv.count('hazards');
  assertError(assert, await offB.post('/api/v1/hazards', {
    unit_id: unit.id, type_code: 'HZ-EXIT', description: '跨辖区',
  }), 404, 'not_found', 'unit_id');
  assert.equal(srv.count('hazards'), n);
  r = await housing.get('/api/v1/hazards?limit=100');
  assert.equal(r.status, 200);
  assert.ok(!r.body.data.some((x) => x.id === h.id));
});

test('HAZ-006 open hazards follow their unit to another town; closed ones stay as found', async () => {
  srv.addUser('hz.city', 'officer', 'city');
  const city = await srv.login('hz.city');
  const u2 = await mkUnit(city, A);
  let r = await city.post('/api/v1/hazards', { unit_id: u2.id, type_code: 'HZ-EXIT', description: '搬迁前的隐患' });
  assert.equal(r.status, 201, r.text);
  const open = r.body.data;
  r = await city.post('/api/v1/hazards', { unit_id: u2.id, type_code: 'HZ-LANE', description: '已当场整改', on_spot: true });
  const closed = r.body.data;
  r = await city.patch(`/api/v1/units/${u2.id}`, { town: B }, im(u2.version));
  assert.equal(r.status, 200, r.text);
  assert.equal((await offB.get(`/api/v1/hazards/${open.id}`)).status, 200);
  assertError(assert, await offA.get(`/api/v1/hazards/${open.id}`), 404);
  const c = (await city.get(`/api/v1/hazards/${closed.id}`)).body.data;
  assert.equal(c.town, A);
  const o = (await city.get(`/api/v1/hazards/${open.id}`)).body.data;
  assert.equal(o.town, B);
  assert.equal(o.version, open.version + 1);
});

test('HAZ-009..011 order → report with photos → re-check fail (returned) → report → pass (closed)', async () => {
  let h = await mkHazard(offA, { decide_later: true, type_code: 'HZ-FACILITY', description: '灭火器压力不足' });
  assert.equal(h.status, 'found');
  assert.equal(h.notice_no, null);
  assert.equal(h.step_due, workdays(today(), 3));
  // The unit cannot report a hazard not yet ordered.
  assertError(assert, await unitC.post(`/api/v1/hazards/${h.id}/report`, { note: '已更换', photos: [await photo(unitC)] }, im(h.version)), 422, 'policy', 'status');
  // If-Match is required and must be current.
  assertError(assert, await offA.post(`/api/v1/hazards/${h.id}/order`, { deadline_days: 5 }), 428);
  assertError(assert, await offA.post(`/api/v1/hazards/${h.id}/order`, { deadline_days: 5 }, im(h.version + 1)), 412);
  assertError(assert, await offA.post(`/api/v1/hazards/${h.id}/order`, { deadline_days: 0 }, im(h.version)), 400, undefined, 'deadline_days');
  let r = await offA.post(`/api/v1/hazards/${h.id}/order`, { deadline_days: 5, note: '责令五个工作日内改正' }, im(h.version));
  assert.equal(r.status, 200, r.text);
  h = r.body.data;
  assert.equal(h.status, 'ordered');
  assert.equal(h.deadline, workdays(today(), 5));
  assert.match(h.notice_no, /^东莞消限字/);
  // The unit was told (NOT-001).
  r = await unitC.get('/api/v1/notices');
  assert.ok(r.body.data.some((n) => n.kind === 'hazard.ordered' && n.body.includes(h.no)), r.text);
  // Report needs a photo and a note; an officer (no hazard:report) cannot.
  assertError(assert, await unitC.post(`/api/v1/hazards/${h.id}/report`, { note: '已更换' }, im(h.version)), 400, undefined, 'photos');
  assertError(assert, await offA.post(`/api/v1/hazards/${h.id}/report`, { note: '已更换', photos: ['1'] }, im(h.version)), 403, 'forbidden');
  const p1 = await photo(unitC);
  r = await unitC.post(`/api/v1/hazards/${h.id}/report`, { note: '已更换灭火器', photos: [p1] }, im(h.version));
  assert.equal(r.status, 200, r.text);
  h = r.body.data;
  assert.equal(h.status, 'reported');
  assert.equal(h.step_due, workdays(today(), 3));
  // A failed re-check needs a new deadline and sends it back.
  assertError(assert, await offA.post(`/api/v1/hazards/${h.id}/recheck`, { result: 'fail', note: '仍有两具压力不足' }, im(h.version)), 400, 'missing', 'deadline_days');
  assertError(assert, await offA.post(`/api/v1/hazards/${h.id}/recheck`, { result: 'maybe', note: 'x1' }, im(h.version)), 400, undefined, 'result');
  r = await offA.post(`/api/v1/hazards/${h.id}/recheck`, { result: 'fail', note: '仍有两具压力不足', deadline_days: 2 }, im(h.version));
  assert.equal(r.status, 200, r.text);
  h = r.body.data;
  assert.equal(h.status, 'ordered');
  assert.equal(h.returns, 1);
  assert.equal(h.deadline, workdays(today(), 2));
  r = await unitC.post(`/api/v1/hazards/${h.id}/report`, { note: '全部更换', photos: [await photo(unitC)] }, im(h.version));
  h = r.body.data;
  assertError(assert, await offA.post(`/api/v1/hazards/${h.id}/recheck`, { result: 'pass', note: '已整改', deadline_days: 3 }, im(h.version)), 400, undefined, 'deadline_days');
  r = await offA.post(`/api/v1/hazards/${h.id}/recheck`, { result: 'pass', note: '复查合格' }, im(h.version));
  assert.equal(r.status, 200, r.text);
  h = r.body.data;
  assert.equal(h.status, 'closed');
  assert.equal(h.close_reason, 'rectified');
  assert.equal(h.closed_on, today());
  assert.equal(h.step_due, null);
  // The timeline: create, order, report, recheck_fail, report, recheck_pass;
  // the re-check view has the report's photos beside the finding's.
  r = await offA.get(`/api/v1/hazards/${h.id}`);
  const steps = r.body.data.steps.map((s) => s.action);
  assert.deepEqual(steps, ['create', 'order', 'report', 'recheck_fail', 'report', 'recheck_pass']);
  assert.deepEqual(r.body.data.steps[2].photos, [p1]);
  // Closed is final.
  assertError(assert, await offA.post(`/api/v1/hazards/${h.id}/recheck`, { result: 'pass', note: '再次' }, im(h.version)), 422, 'policy', 'status');
});

test('HAZ-012 a found hazard dismissed with a reason; others cannot be', async () => {
  const h = await mkHazard(offA, { decide_later: true });
  assertError(assert, await offA.post(`/api/v1/hazards/${h.id}/dismiss`, { reason: 'no' }, im(h.version)), 400, undefined, 'reason');
  const r = await offA.post(`/api/v1/hazards/${h.id}/dismiss`, { reason: '现场核实为临时卸货，已清理' }, im(h.version));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.close_reason, 'not_hazard');
  const o = await mkHazard(offA, {});
  assertError(assert, await offA.post(`/api/v1/hazards/${o.id}/dismiss`, { reason: '不是隐患的理由' }, im(o.version)), 422, 'policy', 'status');
});

test('HAZ-013..016 transfer to housing: the department sees it, accepts, completes; the hazard closes', async () => {
  let h = await mkHazard(offA, { type_code: 'HZ-STRUCTURE', description: '违规加建阁楼' });
  assert.equal(h.dept, 'housing');
  assertError(assert, await offA.post(`/api/v1/hazards/${h.id}/transfers`, { dept: 'fire' }), 400, 'invalid', 'dept');
  assertError(assert, await offA.post(`/api/v1/hazards/${h.id}/transfers`, { dept: 'nobody' }), 400, 'invalid', 'dept');
  let r = await offA.post(`/api/v1/hazards/${h.id}/transfers`, { dept: 'housing', note: '房屋结构问题移送住建', deadline_days: 15 });
  assert.equal(r.status, 201, r.text);
  let t = r.body.data;
  assert.equal(t.status, 'pending');
  assert.equal(t.due, workdays(today(), 3));
  assert.equal(t.complete_due, workdays(today(), 15));
  assertError(assert, await offA.post(`/api/v1/hazards/${h.id}/transfers`, { dept: 'housing' }), 422, 'policy', 'status');
  // The department's inbox has it; the hazard is visible to it now.
  r = await housing.get('/api/v1/hazard-transfers?status=pending');
  assert.ok(r.body.data.some((x) => x.id === t.id && x.hazard_no === h.no), r.text);
  assert.equal((await housing.get(`/api/v1/hazards/${h.id}`)).status, 200);
  // Another department may not act on it; an officer may not accept.
  assertError(assert, await power.post(`/api/v1/hazard-transfers/${t.id}/accept`, {}, im(t.version)), 404);
  assertError(assert, await offA.post(`/api/v1/hazard-transfers/${t.id}/accept`, {}, im(t.version)), 403);
  r = await housing.post(`/api/v1/hazard-transfers/${t.id}/accept`, { note: '已签收' }, im(t.version));
  assert.equal(r.status, 200, r.text);
  t = r.body.data;
  assert.equal(t.status, 'accepted');
  assertError(assert, await housing.post(`/api/v1/hazard-transfers/${t.id}/complete`, {}, im(t.version)), 400, 'missing', 'note');
  r = await housing.post(`/api/v1/hazard-transfers/${t.id}/complete`, { note: '已责令拆除阁楼并复核' }, im(t.version));
  assert.equal(r.status, 200, r.text);
  h = (await offA.get(`/api/v1/hazards/${h.id}`)).body.data;
  assert.equal(h.status, 'closed');
  assert.equal(h.close_reason, 'transferred');
  assert.deepEqual(h.steps.map((s) => s.action), ['create', 'transfer', 'transfer_accept', 'transfer_complete']);
});

test('HAZ-015, HAZ-017 a return with a reason, the dispute, the town office decides (upheld, then released)', async () => {
  let h = await mkHazard(offA, { type_code: 'HZ-STRUCTURE', description: '楼板开裂' });
  let t = (await offA.post(`/api/v1/hazards/${h.id}/transfers`, { dept: 'housing' })).body.data;
  assertError(assert, await housing.post(`/api/v1/hazard-transfers/${t.id}/return`, {}, im(t.version)), 400, 'missing', 'reason');
  let r = await housing.post(`/api/v1/hazard-transfers/${t.id}/return`, { reason: '属消防设施问题，非房屋安全' }, im(t.version));
  assert.equal(r.status, 200, r.text);
  t = r.body.data;
  assert.equal(t.status, 'returned');
  h = (await offA.get(`/api/v1/hazards/${h.id}`)).body.data;
  assert.equal(h.status, 'found');
  // The town office cannot decide before a dispute; the officer disputes.
  assertError(assert, await townA.post(`/api/v1/hazard-transfers/${t.id}/decide`, { decision: 'upheld', note: '应由住建处理' }, im(t.version)), 422, 'policy', 'status');
  r = await offA.post(`/api/v1/hazard-transfers/${t.id}/dispute`, { note: '楼板开裂属房屋结构安全' }, im(t.version));
  assert.equal(r.status, 200, r.text);
  t = r.body.data;
  assert.equal(t.status, 'disputed');
  // A department may not decide; the officer has no hazard:decide.
  assertError(assert, await offA.post(`/api/v1/hazard-transfers/${t.id}/decide`, { decision: 'upheld', note: '应由住建处理' }, im(t.version)), 403);
  assertError(assert, await townA.post(`/api/v1/hazard-transfers/${t.id}/decide`, { decision: 'maybe', note: '应由住建处理' }, im(t.version)), 400, undefined, 'decision');
  r = await townA.post(`/api/v1/hazard-transfers/${t.id}/decide`, { decision: 'upheld', note: '房屋结构安全属住建职责', deadline_days: 10 }, im(t.version));
  assert.equal(r.status, 200, r.text);
  t = r.body.data;
  assert.equal(t.status, 'accepted');
  assert.equal(t.decision, 'upheld');
  assert.equal(t.due, workdays(today(), 10));
  // Released: the fire service keeps it.
  let h2 = await mkHazard(offA, { type_code: 'HZ-STRUCTURE', description: '外墙脱落' });
  let t2 = (await offA.post(`/api/v1/hazards/${h2.id}/transfers`, { dept: 'housing' })).body.data;
  t2 = (await housing.post(`/api/v1/hazard-transfers/${t2.id}/return`, { reason: '不属房屋主体结构' }, im(t2.version))).body.data;
  t2 = (await offA.post(`/api/v1/hazard-transfers/${t2.id}/dispute`, { note: '请消安委办裁定' }, im(t2.version))).body.data;
  r = await townA.post(`/api/v1/hazard-transfers/${t2.id}/decide`, { decision: 'released', note: '由消防部门继续处理' }, im(t2.version));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.status, 'released');
  h2 = (await offA.get(`/api/v1/hazards/${h2.id}`)).body.data;
  assert.equal(h2.status, 'found');
});

test('HAZ-007, HAZ-018 lists filter, sort and page; export as CSV and Excel; town summary', async () => {
  let r = await offA.get('/api/v1/hazards?status=ordered&sort=step_due&limit=2');
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.page.total >= 2);
  assert.equal(r.body.data.length, 2);
  assert.ok(r.body.data[0].step_due <= r.body.data[1].step_due);
  for (const x of r.body.data) assert.equal(x.status, 'ordered');
  assertError(assert, await offA.get('/api/v1/hazards?status=open'), 400, 'invalid', 'status');
  assertError(assert, await offA.get('/api/v1/hazards?sort=name'), 400, 'invalid', 'sort');
  assertError(assert, await offA.get('/api/v1/hazards?town=12'), 400, 'invalid', 'town');
  r = await offA.get(`/api/v1/hazards?q=${encodeURIComponent('阁楼')}`);
  assert.ok(r.body.data.length >= 1 && r.body.data.every((x) => x.description.includes('阁楼')));
  r = await offA.get('/api/v1/hazards/export?format=csv&status=closed');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/csv/);
  assert.ok(r.text.replace(/^\ufeff/, '').startsWith('隐患编号,单位,镇街'), r.text.slice(0, 40));
  assert.ok(r.text.includes('已销号'));
  r = await offA.get('/api/v1/hazards/export?format=xlsx');
  assert.equal(r.status, 200);
  assertError(assert, await offA.get('/api/v1/hazards/export?format=pdf'), 400, 'invalid', 'format');
  r = await offA.get('/api/v1/hazards/summary');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.length, 1);
  const s = r.body.data[0];
  assert.equal(s.town, A);
  assert.equal(s.town_name, '东城街道');
  const q = (w) => Number(srv.sql(`SELECT COUNT(*) FROM hazards WHERE town = '${A}' AND ${w}`));
  assert.equal(s.open, q("status <> 'closed'"));
  assert.equal(s.major, q("status <> 'closed' AND level = 'major'"));
  assert.equal(s.overdue, q(`status <> 'closed' AND step_due < '${today()}'`));
  assert.equal(s.closed_this_year, q(`status = 'closed' AND closed_on >= '${today().slice(0, 4)}-01-01'`));
  assert.ok(s.closed_this_year > 0);
});

test('HAZ-019 the escalation job: overdue to the town, later to the city; transfers flagged; replayed with FIREWARDEN_TODAY', async () => {
  const h = await mkHazard(offA, { deadline_days: 1, description: '逾期测试' });
  const t0 = await mkHazard(offA, { type_code: 'HZ-POWER', description: '私拉电线' });
  const tr = (await offA.post(`/api/v1/hazards/${t0.id}/transfers`, { dept: 'power' })).body.data;
  const job = (day) => {
    const r = spawnJob(day);
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  // Not overdue yet: nothing for this hazard.
  job(today());
  let x = (await offA.get(`/api/v1/hazards/${h.id}`)).body.data;
  assert.equal(x.escalation, 0);
  assert.equal(x.overdue, false);
  // The day after its deadline: the town.
  const late = workdays(h.deadline, 1);
  const out = job(late);
  assert.match(out, /escalated \d+ to town, \d+ to city, \d+ transfers/);
  x = (await offA.get(`/api/v1/hazards/${h.id}`)).body.data;
  assert.equal(x.escalation, 1);
  assert.equal(x.escalated_on, late);
  assert.equal(x.steps.at(-1).action, 'escalate_town');
  // The transfer is due to be accepted within 3 working days.
  let t = (await offA.get(`/api/v1/hazards/${t0.id}`)).body.data.transfers[0];
  assert.equal(t.id, tr.id);
  assert.equal(t.escalation, workdays(tr.due, 0) < late ? 1 : 0);
  // Four working days later still the town; five: the city.
  job(workdays(late, 4));
  x = (await offA.get(`/api/v1/hazards/${h.id}`)).body.data;
  assert.equal(x.escalation, 1);
  t = (await offA.get(`/api/v1/hazards/${t0.id}`)).body.data.transfers[0];
  assert.equal(t.escalation, 1);
  job(workdays(late, 5));
  x = (await offA.get(`/api/v1/hazards/${h.id}`)).body.data;
  assert.equal(x.escalation, 2);
  const r = await offA.get('/api/v1/hazards?escalated=1&limit=100');
  assert.ok(r.body.data.some((y) => y.id === h.id));
  // A bad day is refused.
  const bad = spawnJob('2026-13-01');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /FIREWARDEN_TODAY/);
});

function spawnJob(day) {
  return srv.cli(['job', 'run', 'hazard.escalate'], undefined, { FIREWARDEN_TODAY: day });
}

test('HAZ-020..023 a GB 35181 judgement with its procedure: major by a direct element sets the level; bad procedures refused', async () => {
  srv.addUser('hz.lead', 'leader', 'city');
  const lead = await srv.login('hz.lead');
  let r = await offA.get('/api/v1/hazard-judge/editions');
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.data.some((e) => e.edition === '2017'));
  r = await offA.get('/api/v1/hazard-judge/editions/2017');
  assert.equal(r.status, 200);
  assertError(assert, await offA.get('/api/v1/hazard-judge/editions/1999'), 404);
  let h = await mkHazard(offA, { type_code: 'HZ-FACILITY', description: '商场未设自动喷水灭火系统' });
  const base = { edition: '2017', place: 'crowded', elements: ['6.6'], procedure: 'discussion',
    participants: ['甲', '乙', '丙'], conclusion: '构成重大火灾隐患' };
  const n = srv.count('hazard_judgements');
  assertError(assert, await offA.post(`/api/v1/hazards/${h.id}/judgements`, { ...base, participants: ['甲', '乙'] }), 422, 'policy', 'participants');
  assertError(assert, await offA.post(`/api/v1/hazards/${h.id}/judgements`, { ...base, procedure: 'expert', participants: ['1', '2', '3', '4', '5', '6', '7'], agreeing: 4 }), 422, 'policy', 'agreeing');
  assertError(assert, await offA.post(`/api/v1/hazards/${h.id}/judgements`, { ...base, elements: ['9.9'] }), 400, 'invalid', 'elements');
  assertError(assert, await offA.post(`/api/v1/hazards/${h.id}/judgements`, { ...base, edition: '1999' }), 400, 'invalid', 'edition');
  assertError(assert, await offA.post(`/api/v1/hazards/${h.id}/judgements`, { ...base, place: 'moon' }), 400, 'invalid', 'place');
  assertError(assert, await grid.post(`/api/v1/hazards/${h.id}/judgements`, base), 403);
  assert.equal(srv.count('hazard_judgements'), n);
  r = await offA.post(`/api/v1/hazards/${h.id}/judgements`, base);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.data.outcome, 'major');
  assert.equal(r.body.data.method, 'direct');
  assert.equal(r.body.data.edition, '2017');
  assert.deepEqual(r.body.data.participants, ['甲', '乙', '丙']);
  h = (await offA.get(`/api/v1/hazards/${h.id}`)).body.data;
  assert.equal(h.level, 'major');
  assert.equal(h.judgements.length, 1);
  // Expert review: 7 experts, 5 agreeing (≥ 2/3), composite below threshold: not major.
  r = await lead.post(`/api/v1/hazards/${h.id}/judgements`, { ...base, elements: ['7.3.1', '7.3.2'], procedure: 'expert',
    participants: ['1', '2', '3', '4', '5', '6', '7'], agreeing: 5, conclusion: '不构成' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.data.outcome, 'not-major');
  assert.equal((await offA.get(`/api/v1/hazards/${h.id}`)).body.data.level, 'general');
});

test('HAZ-024..027 listing for supervision: major only, town vs city level, progress reports, public list, delist after closing', async () => {
  let h = await mkHazard(offA, { type_code: 'HZ-FACILITY', description: '酒店未设火灾自动报警系统' });
  const future = workdays(today(), 20);
  const body = { level: 'town', body: '东城街道办事处', deadline: future, publish: true };
  assertError(assert, await townA.post(`/api/v1/hazards/${h.id}/listings`, body), 422, 'policy', 'level');
  await offA.post(`/api/v1/hazards/${h.id}/judgements`, { edition: '2017', place: 'crowded', elements: ['6.6'],
    procedure: 'discussion', participants: ['甲', '乙', '丙'], conclusion: '构成重大火灾隐患' });
  assertError(assert, await townA.post(`/api/v1/hazards/${h.id}/listings`, { ...body, level: 'city' }), 422, 'policy', 'level');
  assertError(assert, await townA.post(`/api/v1/hazards/${h.id}/listings`, { ...body, deadline: '2020-01-01' }), 400, 'invalid', 'deadline');
  assertError(assert, await townA.post(`/api/v1/hazards/${h.id}/listings`, { ...body, deadline: '2026-02-30' }), 400, 'invalid', 'deadline');
  assertError(assert, await offA.post(`/api/v1/hazards/${h.id}/listings`, body), 403);
  let r = await townA.post(`/api/v1/hazards/${h.id}/listings`, body);
  assert.equal(r.status, 201, r.text);
  let l = r.body.data;
  assert.match(l.no, /^东莞消督字〔\d{4}〕第\d{4}号$/);
  assert.equal(l.status, 'listed');
  assertError(assert, await townA.post(`/api/v1/hazards/${h.id}/listings`, body), 409);
  // The public sees it without logging in: no personal data.
  r = await fetch(`${srv.base}/api/v1/public/hazard-listings`);
  const pub = await r.json();
  const mine = pub.data.find((x) => x.no === l.no);
  assert.ok(mine, JSON.stringify(pub));
  assert.deepEqual(Object.keys(mine).sort(), ['address', 'body', 'deadline', 'description', 'level', 'listed_on', 'no', 'town', 'town_name', 'type', 'unit_name']);
  assert.equal(mine.town_name, '东城街道');
  // Progress: the unit and the officer report; the board counts them.
  r = await unitC.post(`/api/v1/hazard-listings/${l.id}/reports`, { text: '已委托施工单位安装报警系统', photos: [await photo(unitC)] });
  assert.equal(r.status, 201, r.text);
  r = await townA.get('/api/v1/hazard-listings?status=listed');
  assert.equal(r.body.data.find((x) => x.id === l.id).reports, 1);
  r = await offA.get(`/api/v1/hazard-listings/${l.id}/reports`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data[0].text, '已委托施工单位安装报警系统');
  assert.equal(r.body.data[0].photos.length, 1);
  assertError(assert, await offB.get(`/api/v1/hazard-listings/${l.id}/reports`), 404);
  // Delisting waits for the hazard to be closed.
  assertError(assert, await townA.post(`/api/v1/hazard-listings/${l.id}/delist`, { note: '复查合格销案' }, im(l.version)), 422, 'policy', 'status');
  h = (await offA.get(`/api/v1/hazards/${h.id}`)).body.data;
  h = (await unitC.post(`/api/v1/hazards/${h.id}/report`, { note: '报警系统已安装调试', photos: [await photo(unitC)] }, im(h.version))).body.data;
  h = (await offA.post(`/api/v1/hazards/${h.id}/recheck`, { result: 'pass', note: '复查合格' }, im(h.version))).body.data;
  assert.equal(h.status, 'closed');
  r = await townA.post(`/api/v1/hazard-listings/${l.id}/delist`, { note: '复查合格销案' }, im(l.version));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.status, 'delisted');
  r = await fetch(`${srv.base}/api/v1/public/hazard-listings`);
  assert.ok(!(await r.json()).data.some((x) => x.no === l.no));
});

test('HAZ-028..032 temporary seal: at most the catalogue\'s month, extended only while the hazard persists, lifted on application', async () => {
  let h = await mkHazard(offA, { type_code: 'HZ-RESIDE', description: '三合一场所住人' });
  const seal = { scope: '一楼仓库', reason: '三合一场所可能造成群死群伤', start_on: today(), days: 30 };
  const n = srv.count('hazard_seals');
  assertError(assert, await offA.post(`/api/v1/hazards/${h.id}/seals`, { ...seal, days: 31 }), 400, undefined, 'days');
  assertError(assert, await offA.post(`/api/v1/hazards/${h.id}/seals`, { ...seal, start_on: '2020-01-01' }), 400, 'invalid', 'start_on');
  assertError(assert, await townA.post(`/api/v1/hazards/${h.id}/seals`, seal), 403);
  assert.equal(srv.count('hazard_seals'), n);
  let r = await offA.post(`/api/v1/hazards/${h.id}/seals`, seal);
  assert.equal(r.status, 201, r.text);
  let z = r.body.data;
  assert.equal(z.status, 'active');
  const end = new Date(Date.parse(today() + 'T00:00:00Z') + 30 * 86400e3).toISOString().slice(0, 10);
  assert.equal(z.end_on, end);
  // HAZ-034: the decision as PDF, with its number, scope and period.
  {
    const d = await fetch(`${srv.base}/api/v1/hazard-seals/${z.id}/decision.pdf`, { headers: { Cookie: offA.cookie } });
    assert.equal(d.status, 200);
    const dir = mkdtempSync(join(tmpdir(), 'fw-seal-'));
    writeFileSync(join(dir, 's.pdf'), Buffer.from(await d.arrayBuffer()));
    const t = spawnSync('pdftotext', [join(dir, 's.pdf'), '-'], { encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
    const text = t.stdout.replace(/\s+/g, '');
    assert.ok(text.includes('临时查封决定书') && text.includes(z.no) && text.includes('一楼仓库'), text);
    assertError(assert, await offB.get(`/api/v1/hazard-seals/${z.id}/decision.pdf`), 404);
  }
  r = await offA.post(`/api/v1/hazard-seals/${z.id}/extend`, { days: 10, reason: '隐患仍未消除' }, im(z.version));
  assert.equal(r.status, 200, r.text);
  z = r.body.data;
  assert.equal(z.extended, true);
  // The unit applies to lift; the officer refuses, then it applies again and it is lifted.
  assertError(assert, await offA.post(`/api/v1/hazard-seals/${z.id}/refuse-lift`, { note: '未申请' }, im(z.version)), 422, 'policy', 'status');
  r = await unitC.post(`/api/v1/hazard-seals/${z.id}/apply-lift`, { request: '已拆除住人隔间' }, im(z.version));
  assert.equal(r.status, 200, r.text);
  z = r.body.data;
  assert.equal(z.status, 'lift_applied');
  r = await offA.post(`/api/v1/hazard-seals/${z.id}/refuse-lift`, { note: '仍有床铺' }, im(z.version));
  z = r.body.data;
  assert.equal(z.status, 'active');
  z = (await unitC.post(`/api/v1/hazard-seals/${z.id}/apply-lift`, { request: '床铺已全部清理' }, im(z.version))).body.data;
  r = await offA.post(`/api/v1/hazard-seals/${z.id}/lift`, { note: '现场核查已整改' }, im(z.version));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.status, 'lifted');
  assert.equal(r.body.data.lifted_on, today());
  {
    const hs = (await offA.get(`/api/v1/hazards/${h.id}`)).body.data.seals.find((x) => x.id === z.id);
    assert.equal(hs.status, 'lifted');
    assert.equal(hs.extended, true);
  }
  r = await offA.get('/api/v1/hazard-seals?status=lifted');
  assert.ok(r.body.data.some((x) => x.id === z.id));
  // A closed hazard's seal is lifted, not extended.
  h = (await offA.get(`/api/v1/hazards/${h.id}`)).body.data;
  let z2 = (await offA.post(`/api/v1/hazards/${h.id}/seals`, seal)).body.data;
  h = (await unitC.post(`/api/v1/hazards/${h.id}/report`, { note: '已分离住宿', photos: [await photo(unitC)] }, im(h.version))).body.data;
  h = (await offA.post(`/api/v1/hazards/${h.id}/recheck`, { result: 'pass', note: '合格' }, im(h.version))).body.data;
  assertError(assert, await offA.post(`/api/v1/hazard-seals/${z2.id}/extend`, { days: 5, reason: '继续查封' }, im(z2.version)), 422, 'policy', 'status');
});

test('HAZ-033 the rectification notice as PDF: its number, the unit, the hazard, the deadline in Chinese; none before an order', async () => {
  const h = await mkHazard(offA, { description: '二楼安全出口被铁链锁闭', deadline_days: 5 });
  const r = await fetch(`${srv.base}/api/v1/hazards/${h.id}/notice.pdf`, { headers: { Cookie: offA.cookie } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.match(r.headers.get('content-disposition') || '', /notice-YH\d+\.pdf/);
  const pdf = Buffer.from(await r.arrayBuffer());
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const dir = mkdtempSync(join(tmpdir(), 'fw-notice-'));
  writeFileSync(join(dir, 'n.pdf'), pdf);
  const t = spawnSync('pdftotext', ['-layout', join(dir, 'n.pdf'), '-'], { encoding: 'utf8' });
  assert.equal(t.status, 0, t.stderr);
  const text = t.stdout.replace(/\s+/g, '');
  assert.ok(text.includes(h.notice_no), text);
  assert.ok(text.includes('责令改正通知书'));
  assert.ok(text.includes(unit.name));
  assert.ok(text.includes('二楼安全出口被铁链锁闭'));
  // The deadline in Chinese numerals, as in official documents.
  const D = '〇一二三四五六七八九';
  const num = (n) => (n < 10 ? D[n] : `${n >= 20 ? D[Math.floor(n / 10)] : ''}十${n % 10 ? D[n % 10] : ''}`);
  const [y, m, d] = h.deadline.split('-').map(Number);
  const cn = `${[...String(y)].map((c) => D[c]).join('')}年${num(m)}月${num(d)}日`;
  assert.ok(text.includes(`${cn}前改正`), `${cn} in ${text}`);
  const f = spawnSync('pdffonts', [join(dir, 'n.pdf')], { encoding: 'utf8' });
  assert.match(f.stdout, /WenQuanYi/);
  rmSync(dir, { recursive: true, force: true });
  // A hazard left to decide has no notice yet; another town's is not found.
  const found = await mkHazard(offA, { decide_later: true });
  assertError(assert, await offA.get(`/api/v1/hazards/${found.id}/notice.pdf`), 422, 'policy', 'status');
  assertError(assert, await offB.get(`/api/v1/hazards/${h.id}/notice.pdf`), 404);
});

test('bad inputs name the field and store nothing', async () => {
  const n = srv.count('hazards');
  const bad = [
    [{ type_code: 'HZ-EXIT', description: '缺单位' }, 400, 'unit_id'],
    [{ unit_id: unit.id, description: '缺类型' }, 400, 'type_code'],
    [{ unit_id: unit.id, type_code: 'HZ-NOPE', description: '未知类型' }, 400, 'type_code'],
    [{ unit_id: unit.id, type_code: 'HZ-EXIT' }, 400, 'description'],
    [{ unit_id: unit.id, type_code: 'HZ-EXIT', description: 'x' }, 400, 'description'],
    [{ unit_id: unit.id, type_code: 'HZ-EXIT', description: '期限过长', deadline_days: 61 }, 400, 'deadline_days'],
    [{ unit_id: unit.id, type_code: 'HZ-EXIT', description: '来源错误', source: 'tipoff' }, 400, 'source'],
    [{ unit_id: unit.id, type_code: 'HZ-EXIT', description: '照片不存在', photos: ['12345'] }, 404, 'photos'],
    [{ unit_id: unit.id, type_code: 'HZ-EXIT', description: '多余字段', colour: 'red' }, 400, 'colour'],
    [{ unit_id: '99999', type_code: 'HZ-EXIT', description: '单位不存在' }, 404, 'unit_id'],
  ];
  for (const [body, status, field] of bad) {
    assertError(assert, await offA.post('/api/v1/hazards', body), status, undefined, field);
  }
  assert.equal(srv.count('hazards'), n);
});

test('audit verify --deep covers hazards and transfers', async () => {
  const r = srv.cli(['audit', 'verify', '--deep']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
