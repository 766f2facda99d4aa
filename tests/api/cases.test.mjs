// Enforcement cases over HTTP, the core (docs/modules/enforce.md,
// ENF-001..019): the rules, officers' certificates and conflicts, both
// procedures, the two-officer rule, violations weighed by the discretion
// engine (out of range, statutory bounds, art. 29, 首违不罚), measures,
// evidence, recusal, limitation, jurisdiction, masking, bad inputs,
// If-Match, Idempotency-Key, the list and its export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertError, BIN } from './lib.mjs';
import { png } from './images.mjs';
import {
  caseWorld, newCase, caseBody, violation, certify, addUnit, idcard, im, today, dayPlus, TOWN_A, TOWN_B,
} from './cases_lib.mjs';

let w;
let a;        // officer of town A (lead)
let b;        // officer of town A
let leader;

const cases = () => w.srv.count('cases');
const get = async (id, c = a) => (await c.get(`/api/v1/cases/${id}`)).body.data;

before(async () => {
  w = await caseWorld();
  [a, b] = w.officers;
  leader = w.leader;
});
after(async () => { await w?.srv.close(); });

test('ENF-001 the rules are served as loaded', async () => {
  const r = await a.get('/api/v1/cases/rules');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.format, 'firewarden-enforce-rules-v1');
  assert.equal(r.body.data.clocks.decision_days.value, 90);
  assert.equal(r.body.data.simple_procedure.max_yuan.individual, 200);
  assert.equal(r.body.data.simple_procedure.max_yuan.unit, 3000);
  assertError(assert, await w.srv.client().get('/api/v1/cases/rules'), 401);
});

test('ENF-001 the rules are loaded strictly: an unknown key or a bad value is named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fwenf-'));
  try {
    cpSync('data', dir, { recursive: true });
    const path = join(dir, 'enforce', 'rules.json');
    const good = JSON.parse(readFileSync(path, 'utf8'));
    const run = () => spawnSync(BIN, ['job', 'run', 'files.sweep', '--db', w.srv.db, '--keys', w.srv.keys],
      { encoding: 'utf8', env: { ...process.env, FIREWARDEN_DATA: dir } });
    writeFileSync(path, JSON.stringify({ ...good, colour: 'red' }));
    let r = run();
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /colour/);
    writeFileSync(path, JSON.stringify({ ...good, clocks: { ...good.clocks, decision_days: { ...good.clocks.decision_days, unit: 'workdays' } } }));
    r = run();
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /clocks\.decision_days/);
    const measures = good.measures.map((m) => (m.kind === 'seal' ? { ...m, grounds: undefined } : m));
    writeFileSync(path, JSON.stringify({ ...good, measures }));
    r = run();
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /measures\[\d+\]\.grounds/);
    writeFileSync(path, JSON.stringify({ ...good, review: { ...good.review, measures: ['nap'] } }));
    r = run();
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /review\.measures\[0\]/);
    writeFileSync(path, JSON.stringify(good));
    r = run();
    assert.equal(r.status, 0, r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ENF-003 certificates: the leader records, lists and revokes them; bad inputs named', async () => {
  w.srv.addUser('cert.x', 'officer', `town:${TOWN_A}`);
  const x = await w.srv.login('cert.x');
  const before = w.srv.count('officer_certs');
  const good = { user_id: x.user.id, cert_no: 'GD-ZF-0001', issued_on: dayPlus(-10), valid_to: dayPlus(700) };
  const bad = [
    [{ ...good, colour: 1 }, 400, 'colour'],
    [{ ...good, issued_on: '2026-02-30' }, 400, 'issued_on'],
    [{ ...good, valid_to: dayPlus(-20) }, 400, 'valid_to'],
    [{ ...good, cert_no: 'a b!' }, 400, 'cert_no'],
    [{ ...good, user_id: '999' }, 404, 'user_id'],
    [{ ...good, user_id: w.legal.user.id }, 422, 'user_id'],
  ];
  for (const [body, status, field] of bad) {
    assertError(assert, await leader.post('/api/v1/officer-certs', body), status, undefined, field);
  }
  // officer:manage is the leader's (Z-1).
  assertError(assert, await a.post('/api/v1/officer-certs', good), 403);
  assert.equal(w.srv.count('officer_certs'), before);
  const r = await leader.post('/api/v1/officer-certs', good);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.data.status, 'active');
  assertError(assert, await leader.post('/api/v1/officer-certs', good), 409, 'conflict', 'cert_no');
  const l = await a.get(`/api/v1/officer-certs?user_id=${x.user.id}`);
  assert.equal(l.status, 200, l.text);
  assert.equal(l.body.page.total, 1);
  assert.equal(l.body.data[0].login, 'cert.x');
  const all = await leader.get('/api/v1/officer-certs?limit=2&offset=0');
  assert.equal(all.body.data.length, 2);
  assert.ok(all.body.page.total >= 4);
  assertError(assert, await leader.get('/api/v1/officer-certs?status=lost'), 400, undefined, 'status');
  assertError(assert, await leader.post(`/api/v1/officer-certs/${r.body.data.id}/revoke`, {}), 400, undefined, 'reason');
  assertError(assert, await leader.post(`/api/v1/officer-certs/${r.body.data.id}/revoke`, { reason: '调离执法岗位' }, im(7)), 412);
  const rv = await leader.post(`/api/v1/officer-certs/${r.body.data.id}/revoke`, { reason: '调离执法岗位' });
  assert.equal(rv.status, 200, rv.text);
  assert.equal(rv.body.data.status, 'revoked');
  assert.equal(rv.body.data.revoked_on, today());
  assertError(assert, await leader.post(`/api/v1/officer-certs/${r.body.data.id}/revoke`, { reason: '再次' }), 422, undefined, 'status');
  const v = await a.get(`/api/v1/officer-certs?user_id=${x.user.id}&valid_on=${today()}`);
  assert.equal(v.body.page.total, 0);
});

test('ENF-004 conflicts: recorded for a unit or an individual, listed by user, ended', async () => {
  const before = w.srv.count('officer_conflicts');
  for (const [body, status, field] of [
    [{ user_id: b.user.id, relation: 'relative' }, 400, 'unit_id'],
    [{ user_id: b.user.id, unit_id: w.unit.id, party_name: '张三', relation: 'relative' }, 400, 'party_name'],
    [{ user_id: b.user.id, unit_id: w.unit.id, relation: 'cousin' }, 400, 'relation'],
    [{ user_id: b.user.id, unit_id: w.unit.id, relation: 'relative', to_on: '2020-01-01' }, 400, 'to_on'],
    [{ user_id: b.user.id, unit_id: '999', relation: 'relative' }, 404, 'unit_id'],
  ]) assertError(assert, await leader.post('/api/v1/officer-conflicts', body), status, undefined, field);
  assertError(assert, await a.post('/api/v1/officer-conflicts', { user_id: b.user.id, party_name: '李四', relation: 'other' }), 403);
  assert.equal(w.srv.count('officer_conflicts'), before);
  const r = await leader.post('/api/v1/officer-conflicts', { user_id: b.user.id, party_name: '李四', relation: 'relative', note: '表兄弟' });
  assert.equal(r.status, 201, r.text);
  const l = await leader.get(`/api/v1/officer-conflicts?user_id=${b.user.id}&status=active`);
  assert.equal(l.body.page.total, 1);
  assert.equal(l.body.data[0].party_name, '李四');
  const e = await leader.post(`/api/v1/officer-conflicts/${r.body.data.id}/end`, {});
  assert.equal(e.status, 200, e.text);
  assert.equal(e.body.data.status, 'ended');
  assert.equal((await leader.get(`/api/v1/officer-conflicts?user_id=${b.user.id}&status=active`)).body.page.total, 0);
});

test('ENF-009 a general case: filed, the decision clock of 90 natural days', async () => {
  const c = await newCase(w);
  assert.equal(c.status, 'filed');
  assert.equal(c.procedure, 'general');
  assert.equal(c.step, 'decide');
  assert.equal(c.filed_on, today());
  assert.equal(c.step_due, dayPlus(90));
  assert.equal(c.decision_due, dayPlus(90));
  assert.match(c.no, /^东消立字〔\d{4}〕第\d+号$/);
  assert.equal(c.party_name, w.unit.name);
  assert.equal(c.party_code, w.unit.uscc);
  assert.equal(c.town, TOWN_A);
  assert.equal(c.officers.length, 2);
  assert.ok(c.officers.every((o) => o.cert_no && o.status === 'active'));
  assert.equal(c.steps[0].action, 'create');
  const g = await a.get(`/api/v1/cases/${c.id}`);
  assert.equal(g.headers.get('etag'), `"${c.version}"`);
});

test('ENF-006 the simple procedure: decided at once within 200 / 3000 yuan, else refused', async () => {
  const before = cases();
  const unit = await a.post('/api/v1/cases', caseBody(w, { procedure: 'simple',
    violations: [{ item: 'GD-49', tier: 'general', facts: '楼梯间停放电动自行车拒不改正', amount: 3500 }] }));
  assertError(assert, unit, 422, 'policy', 'procedure');
  const ind = caseBody(w, { procedure: 'simple', party_type: 'individual', unit_id: undefined, town: TOWN_A,
    party_name: '王五', violations: [{ item: 'FPL-63', tier: 'general', facts: '违规使用明火', amount: 300 }] });
  assertError(assert, await a.post('/api/v1/cases', ind), 422, 'policy', 'procedure');
  assertError(assert, await a.post('/api/v1/cases', caseBody(w, { procedure: 'simple' })), 400, undefined, 'violations');
  assert.equal(cases(), before);
  const ok = await a.post('/api/v1/cases', { ...ind, violations: [{ ...ind.violations[0], amount: 200 }] });
  assert.equal(ok.status, 201, ok.text);
  const c = ok.body.data;
  assert.equal(c.status, 'decided');
  assert.equal(c.step, 'serve');
  assert.equal(c.outcome, 'fine');
  assert.equal(c.fine_fen, 20000);
  assert.equal(c.decided_on, today());
  assert.match(c.decision_no, /^东消当罚字〔\d{4}〕第\d+号$/);
  assert.match(c.decision_hash, /^[0-9a-f]{64}$/);
  assert.equal(c.decision.decision_no, c.decision_no);
  assert.equal(c.decision.kind, 'simple');
  assert.equal(c.decision.fine_fen, 20000);
  assert.equal(c.decision.violations[0].item, 'FPL-63');
  assert.equal(c.decision.officers.length, 2);
  const u = await a.post('/api/v1/cases', caseBody(w, { procedure: 'simple',
    violations: [{ item: 'GD-49', tier: 'minor', facts: '楼梯间停放电动自行车拒不改正', amount: 2000 }] }));
  assert.equal(u.status, 201, u.text);
  assert.equal(u.body.data.fine_fen, 200000);
  // A fine on a unit counts in its credit and risk record (ENF-026), and
  // its publication day is set by the decision (ENF-050).
  assert.equal(w.srv.sql(`SELECT COUNT(*) FROM credit_events WHERE kind = 'penalty' AND ref_id = ${u.body.data.id}`), '1');
  assert.equal(w.srv.sql(`SELECT COUNT(*) FROM risk_events WHERE kind = 'penalty' AND ref_id = '${u.body.data.id}'`), '1');
  assert.match(u.body.data.publish_due, /^\d{4}-\d{2}-\d{2}$/);
  // A decided case takes no more violations (ENF-009).
  assertError(assert, await a.post(`/api/v1/cases/${c.id}/violations`, { item: 'FPL-63', tier: 'minor', facts: '再次', amount: 100 },
    im(c.version)), 422, 'policy', 'status');
  assertError(assert, await a.post(`/api/v1/cases/${c.id}/violations/${c.violations[0].id}/withdraw`, { reason: '撤回' },
    im(c.version)), 422, 'policy', 'status');
  assert.equal((await get(c.id)).violations[0].status, 'active');
});

// Canonical JSON (specs/audit-log-v1.md): compact, keys sorted.
const canon = (v) => (Array.isArray(v) ? `[${v.map(canon).join(',')}]`
  : v && typeof v === 'object' ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canon(v[k])}`).join(',')}}`
    : JSON.stringify(v));

test('ENF-018 the decision record is sealed: its SM3 in the case and in the audit trail', async () => {
  const r = await a.post('/api/v1/cases', caseBody(w, { procedure: 'simple', party_type: 'individual', unit_id: undefined,
    town: TOWN_A, party_name: '孙七', party_idno: idcard(88), party_phone: '13900001111',
    violations: [{ item: 'FPL-63', tier: 'minor', facts: '违规使用明火', warning: true }] }));
  assert.equal(r.status, 201, r.text);
  const c = r.body.data;
  assert.equal(c.outcome, 'warning');
  assert.equal(c.fine_fen, 0);
  const d = c.decision;
  assert.equal(createHash('sm3').update(canon(d)).digest('hex'), c.decision_hash);
  assert.equal(w.srv.sql(`SELECT state FROM audit_entries WHERE object = 'case_decision/${c.id}' AND action = 'case.decide'`),
    c.decision_hash);
  assert.equal(d.case_no, c.no);
  assert.equal(d.party.name, '孙七');
  assert.equal(d.party.phone, '139****1111');
  assert.ok(!JSON.stringify(d).includes('13900001111'));
  assert.equal(d.violations[0].outcome, 'warning');
  assert.match(d.violations[0].basis, /消防法/);
  assert.equal(d.decided_on, today());
});

test('ENF-005 one officer is refused, nothing stored', async () => {
  const before = cases();
  const r = await a.post('/api/v1/cases', caseBody(w, { officers: [{ user_id: a.user.id, role: 'lead' }] }));
  assertError(assert, r, 422, 'policy', 'officers');
  assert.equal(cases(), before);
});

test('ENF-002..004 officers without a valid certificate, of another town or with a conflict are refused, nothing stored', async () => {
  const mk = async (login) => { w.srv.addUser(login, 'officer', `town:${TOWN_A}`); return w.srv.login(login); };
  const none = await mk('o.none');
  const expired = await mk('o.expired');
  await certify(leader, expired.user.id, { issued_on: dayPlus(-800), valid_to: dayPlus(-1) });
  const future = await mk('o.future');
  await certify(leader, future.user.id, { issued_on: dayPlus(3), valid_to: dayPlus(300) });
  const revoked = await mk('o.revoked');
  const rc = await certify(leader, revoked.user.id);
  assert.equal((await leader.post(`/api/v1/officer-certs/${rc.id}/revoke`, { reason: '违纪' })).status, 200);
  const conflicted = await mk('o.conflict');
  await certify(leader, conflicted.user.id);
  assert.equal((await leader.post('/api/v1/officer-conflicts', { user_id: conflicted.user.id, unit_id: w.unit.id, relation: 'employment' })).status, 201);
  const before = cases();
  const listed = (await a.get('/api/v1/cases')).body.page.total;
  const pair = (u) => [{ user_id: a.user.id, role: 'lead' }, { user_id: u, role: 'assist' }];
  for (const [u, re] of [[none.user.id, /none recorded/], [expired.user.id, /expired/], [future.user.id, /not yet valid/],
    [revoked.user.id, /revoked/], [conflicted.user.id, /conflict/], [w.officerB.user.id, /town/],
    [w.legal.user.id, /officer/], [leader.user.id, /officer/]]) {
    const r = await a.post('/api/v1/cases', caseBody(w, { officers: pair(u) }));
    const e = assertError(assert, r, 422, 'policy', 'officers');
    assert.match(e.message, re);
  }
  assert.equal(cases(), before);
  assert.equal((await a.get('/api/v1/cases')).body.page.total, listed);
  // The conflict is the unit's: the same officer may act for another party.
  const other = await addUnit(a, TOWN_A);
  const ok = await a.post('/api/v1/cases', caseBody(w, { unit_id: other.id, officers: pair(conflicted.user.id) }));
  assert.equal(ok.status, 201, ok.text);
  // Two leads, or the same officer twice, are refused too.
  assertError(assert, await a.post('/api/v1/cases', caseBody(w, { officers: [{ user_id: a.user.id, role: 'lead' },
    { user_id: a.user.id, role: 'assist' }] })), 422, 'policy', 'officers');
  assertError(assert, await a.post('/api/v1/cases', caseBody(w, { officers: [{ user_id: a.user.id, role: 'lead' },
    { user_id: b.user.id, role: 'lead' }] })), 400, undefined, 'officers');
});

test('ENF-012 an amount outside the suggested range needs a justification and sends the case to legal review', async () => {
  const c = await newCase(w);
  // FPL-60-1, general tier: 18 500 to 36 500 yuan suggested.
  const r = await a.post(`/api/v1/cases/${c.id}/violations`, violation({ amount: 40000 }), im(c.version));
  assertError(assert, r, 422, 'policy', 'justification');
  assert.equal((await get(c.id)).violations.length, 0);
  const ok = await a.post(`/api/v1/cases/${c.id}/violations`, violation({ amount: 40000, justification: '多次责令改正拒不改正，情节较重' }),
    im(c.version));
  assert.equal(ok.status, 201, ok.text);
  const d = ok.body.data;
  assert.equal(d.violations[0].amount_check, 'above_range');
  assert.equal(d.violations[0].amount_fen, 4000000);
  assert.equal(d.review_required, true);
  assert.match(d.review_reasons, /out_of_range/);
  assert.equal(d.fine_fen, 4000000);
  assert.equal(d.violations[0].suggestion.range.min, 18500);
  assert.ok(d.violations[0].suggestion.rules.some((x) => x.id === 'PEN-009'));
  assert.equal(d.violations[0].query.item, 'FPL-60-1');
  // In range: no review for this reason.
  const c2 = await newCase(w);
  const in2 = await a.post(`/api/v1/cases/${c2.id}/violations`, violation({ amount: 20000 }), im(c2.version));
  assert.equal(in2.body.data.violations[0].amount_check, 'in_range');
  assert.equal(in2.body.data.review_required, false);
});

test('ENF-012 amounts outside the statutory range are refused', async () => {
  const c = await newCase(w);
  for (const amount of [60000, 4000]) {
    const r = await a.post(`/api/v1/cases/${c.id}/violations`, violation({ amount, justification: '理由充分' }), im(c.version));
    assertError(assert, r, 422, 'policy', 'amount');
  }
  assertError(assert, await a.post(`/api/v1/cases/${c.id}/violations`, violation({ amount: undefined }), im(c.version)),
    400, undefined, 'amount');
  assert.equal((await get(c.id)).violations.length, 0);
});

test('ENF-013 one act under two norms: only the higher norm\'s fine counts (art. 29)', async () => {
  const c = await newCase(w, { violations: [
    { act: 1, item: 'FPL-59-1', tier: 'general', facts: '未经验收擅自投入使用', amount: 50000 },
    { act: 1, item: 'FPL-60-1', tier: 'general', facts: '消防设施不符合标准', amount: 20000 },
  ] });
  assert.equal(c.fine_fen, 5000000);
  assert.equal(c.violations.length, 2);
  // A violation without an act number is an act of its own, even
  // before a numbered one in the same request.
  const c0 = await newCase(w, { violations: [violation({ amount: 20000 }), violation({ act: 1, item: 'FPL-61', amount: 20000 })] });
  assert.equal(c0.fine_fen, 4000000);
  assert.deepEqual(c0.violations.map((v) => v.act), [2, 1]);
  // Another act adds its own fine.
  const r = await a.post(`/api/v1/cases/${c.id}/violations`, violation({ act: 2, amount: 20000 }), im(c.version));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.data.fine_fen, 7000000);
  // The same item twice in one act is refused.
  assertError(assert, await a.post(`/api/v1/cases/${c.id}/violations`, violation({ act: 2, amount: 20000 }),
    im(r.body.data.version)), 422, 'policy', 'item');
  // Withdrawing the higher norm leaves the other's fine.
  const hi = r.body.data.violations.find((v) => v.item === 'FPL-59-1');
  const wd = await a.post(`/api/v1/cases/${c.id}/violations/${hi.id}/withdraw`, { reason: '定性有误' }, im(r.body.data.version));
  assert.equal(wd.status, 200, wd.text);
  assert.equal(wd.body.data.fine_fen, 4000000);
  assert.equal(wd.body.data.violations.find((v) => v.id === hi.id).status, 'withdrawn');
  assertError(assert, await a.post(`/api/v1/cases/${c.id}/violations/${hi.id}/withdraw`, { reason: '再次' },
    im(wd.body.data.version)), 404, undefined, 'vid');
});

test('ENF-010/011 不予处罚 from the engine; 首违不罚 only with a reason', async () => {
  const c = await newCase(w);
  // Minor, corrected on the spot, no harm: no penalty is due.
  const np = await a.post(`/api/v1/cases/${c.id}/violations`, violation({ tier: 'minor', corrected: true, amount: undefined }),
    im(c.version));
  assert.equal(np.status, 201, np.text);
  assert.equal(np.body.data.violations[0].outcome, 'no_penalty');
  assert.equal(np.body.data.fine_fen, 0);
  const c2 = await newCase(w);
  const first = violation({ act: 1, tier: 'minor', first: true, corrected: true, harm: 'minor', amount: undefined, first_exempt: true });
  assertError(assert, await a.post(`/api/v1/cases/${c2.id}/violations`, first, im(c2.version)), 422, 'policy', 'exempt_reason');
  assertError(assert, await a.post(`/api/v1/cases/${c2.id}/violations`, { ...first, first: false, exempt_reason: '首次违法' },
    im(c2.version)), 422, 'policy', 'first_exempt');
  assert.equal((await get(c2.id)).violations.length, 0);
  const ok = await a.post(`/api/v1/cases/${c2.id}/violations`, { ...first, exempt_reason: '首次违法且当场改正，危害轻微' }, im(c2.version));
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.body.data.violations[0].first_exempt, true);
  assert.equal(ok.body.data.violations[0].outcome, 'no_penalty');
});

test('ENF-014/016 measures: a coercive one needs one of its legal grounds; review and discussion follow the rules', async () => {
  const c = await newCase(w);
  assertError(assert, await a.post(`/api/v1/cases/${c.id}/measures`, { kind: 'seal' }, im(c.version)), 422, 'policy', 'legal_ground');
  assertError(assert, await a.post(`/api/v1/cases/${c.id}/measures`, { kind: 'seal', legal_ground: '我说了算' }, im(c.version)),
    422, 'policy', 'legal_ground');
  assertError(assert, await a.post(`/api/v1/cases/${c.id}/measures`, { kind: 'nap' }, im(c.version)), 400, undefined, 'kind');
  assert.equal((await get(c.id)).measures.length, 0);
  const s = await a.post(`/api/v1/cases/${c.id}/measures`, { kind: 'seal', legal_ground: '消防法第54条' }, im(c.version));
  assert.equal(s.status, 201, s.text);
  assert.equal(s.body.data.measures[0].coercive, true);
  assert.equal(s.body.data.review_required, false);
  const sb = await a.post(`/api/v1/cases/${c.id}/measures`, { kind: 'stop_business', note: '责令停业整改' }, im(s.body.data.version));
  assert.equal(sb.status, 201, sb.text);
  assert.equal(sb.body.data.review_required, true);
  assert.equal(sb.body.data.discussion_required, true);
  assert.match(sb.body.data.review_reasons, /stop_business/);
  // A fine at the review threshold (unit: 50 000 yuan) needs review too.
  const c2 = await newCase(w, { violations: [{ item: 'FPL-58-1', tier: 'minor', facts: '未经审查擅自施工', amount: 50000 }] });
  assert.equal(c2.review_required, true);
  assert.match(c2.review_reasons, /major/);
  assert.match(c2.review_reasons, /hearing/);
  assert.equal(c2.discussion_required, false);
});

test('ENF-015 evidence: files uploaded by the officer, records of the unit', async () => {
  const c = await newCase(w);
  const up = await a.post('/api/v1/files?purpose=photo', png(20, 20), { 'Content-Type': 'image/png' });
  assert.equal(up.status, 201, up.text);
  assertError(assert, await a.post(`/api/v1/cases/${c.id}/evidence`, { kind: 'photo', file_id: '999', description: '现场照片' },
    im(c.version)), 404, undefined, 'file_id');
  assertError(assert, await a.post(`/api/v1/cases/${c.id}/evidence`, { kind: 'photo', description: '现场照片' }, im(c.version)),
    400, undefined, 'file_id');
  assertError(assert, await a.post(`/api/v1/cases/${c.id}/evidence`, { kind: 'hazard', description: '隐患记录' }, im(c.version)),
    400, undefined, 'ref_id');
  assertError(assert, await a.post(`/api/v1/cases/${c.id}/evidence`, { kind: 'hazard', ref_id: '12345', description: '隐患记录' },
    im(c.version)), 404, undefined, 'ref_id');
  assertError(assert, await a.post(`/api/v1/cases/${c.id}/evidence`, { kind: 'smell', description: 'x y' }, im(c.version)),
    400, undefined, 'kind');
  assertError(assert, await a.post(`/api/v1/cases/${c.id}/evidence`, { kind: 'photo', file_id: up.body.data.id, description: '现场照片',
    collected_on: dayPlus(2) }, im(c.version)), 400, undefined, 'collected_on');
  assert.equal((await get(c.id)).evidence.length, 0);
  const ok = await a.post(`/api/v1/cases/${c.id}/evidence`, { kind: 'photo', file_id: up.body.data.id, description: '现场照片' }, im(c.version));
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.body.data.evidence[0].file_id, up.body.data.id);
  assert.equal(ok.body.data.version, c.version + 1);
  // The case's readers read the file; another town's officer does not.
  assert.equal((await b.get(`/api/v1/files/${up.body.data.id}`)).status, 200);
  assert.equal((await w.officerB.get(`/api/v1/files/${up.body.data.id}`)).status, 404);
  const st = await b.post(`/api/v1/cases/${c.id}/evidence`, { kind: 'statement', description: '当事人陈述笔录' }, im(ok.body.data.version));
  assert.equal(st.status, 201, st.text);
});

test('ENF-017 recusal keeps two officers; by the leader only', async () => {
  const c = await newCase(w);
  const path = `/api/v1/cases/${c.id}/officers/${b.user.id}/recuse`;
  assertError(assert, await a.post(path, { reason: '与当事人有利害关系' }, im(c.version)), 403);
  assertError(assert, await leader.post(path, { reason: '与当事人有利害关系' }, im(c.version)), 422, 'policy', 'officers');
  w.srv.addUser('o.third', 'officer', 'city');
  const third = await w.srv.login('o.third');
  assertError(assert, await a.post(`/api/v1/cases/${c.id}/officers`, { user_id: third.user.id }, im(c.version)), 422, 'policy', 'officers');
  await certify(leader, third.user.id);
  const add = await a.post(`/api/v1/cases/${c.id}/officers`, { user_id: third.user.id }, im(c.version));
  assert.equal(add.status, 201, add.text);
  assert.equal(add.body.data.officers.length, 3);
  const r = await leader.post(path, { reason: '与当事人有利害关系' }, im(add.body.data.version));
  assert.equal(r.status, 200, r.text);
  const o = r.body.data.officers.find((x) => x.user_id === b.user.id);
  assert.equal(o.status, 'recused');
  assert.equal(o.recusal_reason, '与当事人有利害关系');
  // A recused officer does not return.
  assertError(assert, await a.post(`/api/v1/cases/${c.id}/officers`, { user_id: b.user.id }, im(r.body.data.version)),
    422, 'policy', 'officers');
  // The lead's recusal hands the lead on.
  const c2 = await newCase(w);
  const add2 = await a.post(`/api/v1/cases/${c2.id}/officers`, { user_id: third.user.id }, im(c2.version));
  const r2 = await leader.post(`/api/v1/cases/${c2.id}/officers/${a.user.id}/recuse`, { reason: '近亲属' }, im(add2.body.data.version));
  assert.equal(r2.status, 200, r2.text);
  assert.equal(r2.body.data.officers.filter((x) => x.status === 'active' && x.role === 'lead').length, 1);
});

test('ENF-008 limitation: an act found more than two years later is not punished', async () => {
  const before = cases();
  const r = await a.post('/api/v1/cases', caseBody(w, { occurred_on: dayPlus(-365 * 2 - 5) }));
  const e = assertError(assert, r, 422, 'policy', 'occurred_on');
  assert.match(e.message, /art\. 36/);
  assert.equal(cases(), before);
  const ok = await a.post('/api/v1/cases', caseBody(w, { occurred_on: dayPlus(-365) }));
  assert.equal(ok.status, 201, ok.text);
});

test('ENF-007 sources: a hazard, check or permit must exist and be the unit\'s', async () => {
  const before = cases();
  for (const source of ['hazard', 'inspection', 'permit']) {
    assertError(assert, await a.post('/api/v1/cases', caseBody(w, { source, source_id: '4242' })), 404, undefined, 'source_id');
    assertError(assert, await a.post('/api/v1/cases', caseBody(w, { source })), 400, undefined, 'source_id');
  }
  assertError(assert, await a.post('/api/v1/cases', caseBody(w, { source: 'referral', source_id: '4242' })), 400, undefined, 'source_id');
  assert.equal(cases(), before);
  // HAZ-036: a case opened on a hazard is on the hazard's timeline.
  const h = await a.post('/api/v1/hazards', { unit_id: w.unit.id, type_code: 'HZ-FACILITY', description: '自动喷水灭火系统停用，报警阀关闭' });
  assert.equal(h.status, 201, h.text);
  const c = await newCase(w, { source: 'hazard', source_id: h.body.data.id });
  const hz = (await a.get(`/api/v1/hazards/${h.body.data.id}`)).body.data;
  const step = hz.steps.find((x) => x.action === 'case');
  assert.ok(step, JSON.stringify(hz.steps));
  assert.equal(step.note, `立案查处：${c.no}`);
  assert.equal(step.to_status, hz.status, 'the hazard\'s status is unchanged');
  assert.equal(w.srv.sql(`SELECT COUNT(*) FROM audit_entries WHERE action = 'hazard.case' AND object = 'hazard/${h.body.data.id}'`), '1');
});

test('ENF-019 jurisdiction: another town\'s officer and another unit see nothing', async () => {
  const c = await newCase(w);
  assertError(assert, await w.officerB.get(`/api/v1/cases/${c.id}`), 404);
  assertError(assert, await w.officerB.post(`/api/v1/cases/${c.id}/violations`, violation(), im(c.version)), 404);
  const lb = await w.officerB.get('/api/v1/cases?limit=200');
  assert.ok(lb.body.data.every((x) => x.town === TOWN_B));
  // Town B's officer cannot open a case in town A, nor name town A's unit.
  assertError(assert, await w.officerB.post('/api/v1/cases', caseBody(w, {
    officers: [{ user_id: w.officerB.user.id, role: 'lead' }, { user_id: a.user.id, role: 'assist' }] })), 404, undefined, 'unit_id');
  // The unit's own account sees its own cases only, and cannot write.
  const other = await addUnit(a, TOWN_A);
  const oc = await newCase(w, { unit_id: other.id });
  assert.equal((await w.unitUser.get(`/api/v1/cases/${c.id}`)).status, 200);
  assertError(assert, await w.unitUser.get(`/api/v1/cases/${oc.id}`), 404);
  const lu = await w.unitUser.get('/api/v1/cases?limit=200');
  assert.ok(lu.body.data.length > 0);
  assert.ok(lu.body.data.every((x) => x.unit_id === w.unit.id && x.party_type === 'unit'));
  assertError(assert, await w.unitUser.post('/api/v1/cases', caseBody(w)), 403);
  // The city sees both.
  assert.equal((await leader.get(`/api/v1/cases/${oc.id}`)).status, 200);
});

test('ENF-019 P-1/P-2 an individual party\'s ID number, phone and address: sealed, masked, unmasked for a reason', async () => {
  const idno = idcard(77);
  const r = await a.post('/api/v1/cases', caseBody(w, { party_type: 'individual', unit_id: w.unit.id, party_name: '赵六',
    party_idno: idno, party_phone: '13812345678', party_address: '广东省东莞市东城街道示例小区3栋', party_age: 35 }));
  assert.equal(r.status, 201, r.text);
  const c = r.body.data;
  assert.equal(c.party_idno, `${idno.slice(0, 3)}${'*'.repeat(11)}${idno.slice(-4)}`);
  assert.equal(c.party_phone, '138****5678');
  assert.ok(!c.party_address.includes('示例小区'));
  assert.equal(c.masked, true);
  assert.equal(c.town, TOWN_A);
  for (const cl of [a, leader]) {
    const t = (await cl.get(`/api/v1/cases/${c.id}`)).text;
    assert.ok(!t.includes(idno) && !t.includes('13812345678') && !t.includes('示例小区'));
  }
  const row = w.srv.sql(`SELECT party_idno, party_phone, party_address, party_idno_idx FROM cases WHERE id = ${c.id}`);
  assert.ok(!row.includes(idno) && !row.includes('13812345678') && !row.includes('示例小区'));
  assertError(assert, await a.post(`/api/v1/cases/${c.id}/unmask`, { reason: '送达决定书' }), 403);
  assertError(assert, await leader.post(`/api/v1/cases/${c.id}/unmask`, {}), 400, undefined, 'reason');
  const u = await leader.post(`/api/v1/cases/${c.id}/unmask`, { reason: '核对当事人身份' });
  assert.equal(u.status, 200, u.text);
  assert.equal(u.body.data.party_idno, idno);
  assert.equal(u.body.data.party_phone, '13812345678');
  assert.equal(u.body.data.masked, false);
  assert.ok((await leader.get(`/api/v1/cases/${c.id}`)).body.data.steps.some((s) => s.action === 'unmask' && s.note === '核对当事人身份'));
  // Bad personal data is named, nothing stored.
  const before = cases();
  const ind = caseBody(w, { party_type: 'individual', party_name: '赵六' });
  for (const [over, field] of [[{ party_idno: '440000198501011234' }, 'party_idno'], [{ party_phone: '12345' }, 'party_phone'],
    [{ party_name: undefined }, 'party_name'], [{ unit_id: undefined }, 'town'], [{ unit_id: undefined, town: '123' }, 'town'],
    [{ party_age: 200 }, 'party_age']]) {
    assertError(assert, await a.post('/api/v1/cases', { ...ind, ...over }), 400, undefined, field);
  }
  assertError(assert, await a.post('/api/v1/cases', caseBody(w, { party_name: '某人' })), 400, undefined, 'party_name');
  // ID and phone numbers belong in the sealed fields, never in free text.
  for (const facts of [`当事人身份证号${idno}，堆放杂物`, '联系电话13812345678，堆放杂物', '座机0769-22223333，堆放杂物']) {
    assertError(assert, await a.post('/api/v1/cases', { ...ind, facts }), 400, undefined, 'facts');
  }
  assert.equal(cases(), before);
  const vbefore = w.srv.sql(`SELECT COUNT(*) FROM case_violations WHERE case_id = ${c.id}`);
  assertError(assert, await a.post(`/api/v1/cases/${c.id}/violations`, violation({ facts: `电话13812345678` }),
    im((await a.get(`/api/v1/cases/${c.id}`)).body.data.version)), 400, undefined, 'facts');
  assert.equal(w.srv.sql(`SELECT COUNT(*) FROM case_violations WHERE case_id = ${c.id}`), vbefore);
});

test('ENF-019 I-1 bad inputs are named and nothing is stored', async () => {
  const before = cases();
  const big = '火'.repeat(4001);
  const bad = [
    [{ colour: 'red' }, 400, 'colour'],
    [{ procedure: 'quick' }, 400, 'procedure'],
    [{ source: 'rumour' }, 400, 'source'],
    [{ party_type: 'alien' }, 400, 'party_type'],
    [{ found_on: '2026-02-30' }, 400, 'found_on'],
    [{ found_on: '29/11/2026' }, 400, 'found_on'],
    [{ found_on: dayPlus(3) }, 400, 'found_on'],
    [{ found_on: undefined }, 400, 'found_on'],
    [{ occurred_on: dayPlus(1) }, 400, 'occurred_on'],
    [{ facts: big }, 400, 'facts'],
    [{ facts: undefined }, 400, 'facts'],
    [{ unit_id: '999' }, 404, 'unit_id'],
    [{ officers: 'a and b' }, 400, 'officers'],
    [{ officers: [{ user_id: a.user.id, role: 'lead' }, { user_id: b.user.id, role: 'boss' }] }, 400, 'officers[1]'],
    [{ violations: [violation({ item: 'FPL-999' })] }, 400, 'violations[0].item'],
    [{ violations: [violation({ tier: 'huge' })] }, 400, 'violations[0].tier'],
    [{ violations: [violation({ colour: 1 })] }, 400, 'violations[0].colour'],
    [{ violations: [violation({ mitigating: ['bribe'] })] }, 400, 'violations[0].mitigating'],
  ];
  for (const [over, status, field] of bad) {
    assertError(assert, await a.post('/api/v1/cases', caseBody(w, over)), status, undefined, field);
  }
  // A body past the server's limit.
  assert.equal((await a.post('/api/v1/cases', caseBody(w, { facts: '火'.repeat(400000) }))).status, 413);
  assert.equal(cases(), before);
  const c = await newCase(w);
  for (const [body, field] of [[violation({ item: 'NOPE-1' }), 'item'], [violation({ facts: 'x'.repeat(2001) }), 'facts'],
    [violation({ amount: -5 }), 'amount'], [violation({ act: 0 }), 'act'], [{ ...violation(), extra: true }, 'extra']]) {
    assertError(assert, await a.post(`/api/v1/cases/${c.id}/violations`, body, im(c.version)), 400, undefined, field);
  }
  assert.equal((await get(c.id)).violations.length, 0);
  assert.equal((await get(c.id)).version, c.version);
});

test('If-Match: required on changes, stale versions refused', async () => {
  const c = await newCase(w);
  assertError(assert, await a.post(`/api/v1/cases/${c.id}/violations`, violation()), 428);
  const r = await a.post(`/api/v1/cases/${c.id}/violations`, violation(), im(c.version));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.headers.get('etag'), `"${r.body.data.version}"`);
  assertError(assert, await a.post(`/api/v1/cases/${c.id}/violations`, violation({ act: 5 }), im(c.version)), 412, undefined, 'version');
  assertError(assert, await a.post(`/api/v1/cases/${c.id}/measures`, { kind: 'order_correct' }, im(c.version)), 412);
  assert.equal((await get(c.id)).violations.length, 1);
});

test('Idempotency-Key: a repeated POST /cases opens one case', async () => {
  const before = cases();
  const key = { 'Idempotency-Key': `case-${Date.now()}` };
  const r1 = await a.post('/api/v1/cases', caseBody(w), key);
  const r2 = await a.post('/api/v1/cases', caseBody(w), key);
  assert.equal(r1.status, 201, r1.text);
  assert.equal(r2.status, 201, r2.text);
  assert.equal(r2.body.data.id, r1.body.data.id);
  assert.equal(cases(), before + 1);
  assertError(assert, await a.post('/api/v1/cases', caseBody(w, { facts: '不同的案情描述' }), key), 409);
});

test('the list: filters, sort, paging, and its CSV and XLSX export', async () => {
  const unit = await addUnit(a, TOWN_A);
  const c1 = await newCase(w, { unit_id: unit.id, violations: [violation({ amount: 20000 })] });
  const c2 = await newCase(w, { unit_id: unit.id, violations: [violation({ amount: 30000 })] });
  const c3 = await newCase(w, { unit_id: unit.id, procedure: 'simple',
    violations: [{ item: 'GD-49', tier: 'minor', facts: '楼梯间停放电动自行车拒不改正', amount: 1500 }] });
  const l = await a.get(`/api/v1/cases?unit_id=${unit.id}`);
  assert.equal(l.status, 200, l.text);
  assert.equal(l.body.page.total, 3);
  assert.deepEqual(l.body.data.map((x) => x.id), [c3.id, c2.id, c1.id]);
  const byFine = await a.get(`/api/v1/cases?unit_id=${unit.id}&sort=-fine`);
  assert.deepEqual(byFine.body.data.map((x) => x.id), [c2.id, c1.id, c3.id]);
  const page = await a.get(`/api/v1/cases?unit_id=${unit.id}&sort=-fine&limit=1&offset=1`);
  assert.equal(page.body.data.length, 1);
  assert.equal(page.body.data[0].id, c1.id);
  assert.equal(page.body.page.total, 3);
  assert.equal((await a.get(`/api/v1/cases?unit_id=${unit.id}&procedure=simple`)).body.page.total, 1);
  assert.equal((await a.get(`/api/v1/cases?unit_id=${unit.id}&status=filed`)).body.page.total, 2);
  assert.equal((await a.get(`/api/v1/cases?q=${encodeURIComponent(c2.no)}`)).body.data[0].id, c2.id);
  assert.equal((await a.get(`/api/v1/cases?unit_id=${unit.id}&town=${TOWN_B}`)).body.page.total, 0);
  assert.equal((await a.get(`/api/v1/cases?unit_id=${unit.id}&mine=1`)).body.page.total, 3);
  assert.equal((await w.officerB.get('/api/v1/cases?mine=1')).body.page.total, 0);
  for (const [q, field] of [['status=lost', 'status'], ['sort=name', 'sort'], ['procedure=x', 'procedure'], ['town=1', 'town'],
    ['limit=5000', 'limit'], ['format=pdf', 'format']]) {
    assertError(assert, await a.get(`/api/v1/cases?${q}`), 400, undefined, field);
  }
  const csv = await a.get(`/api/v1/cases?unit_id=${unit.id}&format=csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  assert.ok(csv.text.includes('立案编号'));
  for (const c of [c1, c2, c3]) assert.ok(csv.text.includes(c.no));
  assert.ok(csv.text.includes('300'));
  const xl = await fetch(`${w.srv.base}/api/v1/cases?unit_id=${unit.id}&format=xlsx`, { headers: { Cookie: a.cookie } });
  assert.equal(xl.status, 200);
  const bytes = Buffer.from(await xl.arrayBuffer());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK');
  // An individual's name is masked in the export (P-4).
  const ind = await newCase(w, { party_type: 'individual', party_name: '钱八', unit_id: unit.id });
  const csvI = await a.get(`/api/v1/cases?unit_id=${unit.id}&format=csv`);
  assert.ok(csvI.text.includes(ind.no));
  assert.ok(csvI.text.includes('钱**'));
  assert.ok(!csvI.text.includes('钱八'));
  // The export keeps to the jurisdiction.
  const csvB = await w.officerB.get(`/api/v1/cases?unit_id=${unit.id}&format=csv`);
  assert.ok(!csvB.text.includes(c1.no));
});

test('the discretion engine over HTTP: the JSON of `firewarden penalty suggest`', async () => {
  const items = await a.get('/api/v1/penalty/items');
  assert.equal(items.status, 200, items.text);
  assert.ok(items.body.data.items.some((x) => x.id === 'FPL-60-1'));
  // A calculation changes nothing: a GET with the facts in the query,
  // not audited.
  const audit0 = await w.srv.auditSize();
  const r = await a.get('/api/v1/penalty/suggest?item=FPL-60-1&party=unit&tier=minor&first=true&corrected=1&harm=minor&amount=6000');
  assert.equal(r.status, 200, r.text);
  const cli = spawnSync(BIN, ['penalty', 'suggest', '--item', 'FPL-60-1', '--party', 'unit', '--tier', 'minor', '--first',
    '--corrected', '--harm', 'minor', '--amount', '6000', '--data', 'data/penalty'], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  assert.deepEqual(r.body.data, JSON.parse(cli.stdout));
  const m = await a.get('/api/v1/penalty/suggest?item=FPL-60-1&party=unit&tier=general&mitigating=eliminated_harm,confessed');
  assert.equal(m.status, 200, m.text);
  assert.equal(await w.srv.auditSize(), audit0, 'a suggestion is not audited');
  assertError(assert, await a.get('/api/v1/penalty/suggest?item=FPL-999&party=unit&tier=minor'), 400, undefined, 'item');
  assertError(assert, await a.get('/api/v1/penalty/suggest?item=FPL-60-1&party=unit'), 400, undefined, 'tier');
  assertError(assert, await a.get('/api/v1/penalty/suggest?item=FPL-60-1&party=unit&tier=minor&area=x'), 400, undefined, 'area');
  assertError(assert, await a.get('/api/v1/penalty/suggest?item=FPL-60-1&party=unit&tier=minor&first=yes'), 400, undefined, 'first');
  assertError(assert, await a.get('/api/v1/penalty/suggest?item=FPL-60-1&party=unit&tier=minor&colour=red'), 400, undefined, 'colour');
  assertError(assert, await a.get('/api/v1/penalty/suggest?item=FPL-60-1&party=unit&tier=minor&tier=serious'), 400, undefined, 'tier');
  assertError(assert, await w.srv.client().get('/api/v1/penalty/suggest?item=FPL-60-1&party=unit&tier=minor'), 401);
});

test('L-1 every change is audited and the trail verifies deep (the decision bound by its hash)', async () => {
  const r = w.srv.cli(['audit', 'verify', '--deep']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /every record matches/);
  const n = Number(w.srv.sql("SELECT COUNT(*) FROM audit_entries WHERE entry LIKE '%case.create%'"));
  assert.ok(n > 0);
});
