// Payments of fines over HTTP (docs/modules/enforce_pay.md, ENF-030..039):
// the payment platform's signed callback (HMAC-SM3 over the raw body with
// the platform's shared key, checked before the body is read), its strict
// body, idempotence on (platform, txn_id), the results accepted, mismatch,
// unknown_code and already_paid, late fees (3 % a day after the due day,
// capped at the fine) through the job enforce.payments, a case's payments
// and the public look-up of a payment code without personal data (P-3).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { assertError, BIN } from './lib.mjs';
import { caseWorld, idcard, im, today, dayPlus } from './cases_lib.mjs';

const CB = '/api/v1/payments/callback';
const DAY = 86400;
const nowS = () => Math.floor(Date.now() / 1000);

let world;
let srv;
let key;        // acme's shared key (hex)
let platform;   // a client without a session: what a payment platform is

function cli(args, input) {
  return spawnSync(BIN, args, { input, encoding: 'utf8' });
}

const sign = (body, k = key) => createHmac('sm3', Buffer.from(k, 'hex')).update(body).digest('hex');

// POST the exact bytes of body (an object is serialised once) signed
// under k as platform name.
async function callback(body, { name = 'acme', k = key, sig, headers = {} } = {}) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const h = { 'X-Fw-Platform': name, 'X-Fw-Signature': sig ?? sign(raw, k), ...headers };
  for (const x of Object.keys(h)) if (h[x] === undefined) delete h[x];
  return platform.post(CB, raw, h);
}

const cbCount = () => srv.count('payment_callbacks');

before(async () => {
  world = await caseWorld();
  srv = world.srv;
  // The operator makes the platform's key and restarts the server, which
  // loads the keys at start; the key goes to the platform.
  const r = cli(['payment', 'key', 'acme', '--keys', srv.keys]);
  assert.equal(r.status, 0, r.stderr);
  key = r.stdout.trim();
  assert.match(key, /^[0-9a-f]{64}$/);
  await srv.stop();
  await srv.start();
  // The server listens on a new port; the sessions are in the database.
  for (const c of [world.leader, ...world.officers, world.legal, world.officerB, world.unitUser]) c.base = srv.base;
  platform = srv.client();
});

after(async () => {
  await srv?.close();
});

test('ENF-031: payment key prints the same key again, 0600, and bad names exit 2', () => {
  const r = cli(['payment', 'key', 'acme', '--keys', srv.keys]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), key);
  const st = spawnSync('stat', ['-c', '%a', `${srv.keys}/payment/acme.key`], { encoding: 'utf8' });
  assert.equal(st.stdout.trim(), '600');
  for (const bad of ['Acme', '../x', 'a b', 'x'.repeat(33)]) {
    const b = cli(['payment', 'key', bad, '--keys', srv.keys]);
    assert.equal(b.status, 2, bad);
  }
});

test('ENF-031: payment sign prints the HMAC-SM3 the server checks', () => {
  const body = '{"txn_id":"x","code":"y","amount_fen":1,"paid_at":1767225600}';
  const r = cli(['payment', 'sign', '--key', key, '-'], body);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), sign(body));
  assert.equal(cli(['payment', 'sign', '--key', 'abc', '-'], body).status, 2);
});

test('ENF-033: payment late-fee at the edges of art. 72', () => {
  const fee = (paid) => {
    const r = cli(['payment', 'late-fee', '--fine', '1000', '--due', '2026-03-10', '--paid', paid]);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  assert.equal(fee('2026-03-10').late_fee_fen, 0);
  assert.equal(fee('2026-03-11').late_fee_fen, 3000);
  assert.equal(fee('2026-04-12').late_fee_fen, 99000);
  const capped = fee('2026-04-13');
  assert.equal(capped.late_fee_fen, 100000);
  assert.equal(capped.total_fen, 200000);
  assert.equal(capped.capped, true);
  const bad = cli(['payment', 'late-fee', '--fine', '1000', '--due', '2026-02-30', '--paid', '2026-03-01']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--due/);
});

test('ENF-031: a bad signature, an unknown or missing platform: 401 naming signature, nothing recorded', async () => {
  const body = JSON.stringify({ txn_id: 'SIG-1', code: '4419209999999999', amount_fen: 100, paid_at: nowS() });
  const audit0 = await srv.auditSize();
  const n0 = cbCount();
  const good = sign(body);
  const flipped = (good[0] === 'a' ? 'b' : 'a') + good.slice(1);
  const wrongKey = 'ab'.repeat(32);
  for (const [what, opts] of [
    ['flipped digit', { sig: flipped }],
    ['other key', { k: wrongKey }],
    ['short', { sig: good.slice(0, 63) }],
    ['not hex', { sig: 'zz' + good.slice(2) }],
    ['no signature', { sig: undefined, headers: { 'X-Fw-Signature': undefined } }],
    ['unknown platform', { name: 'bank' }],
    ['bad platform name', { name: 'ACME' }],
    ['no platform', { headers: { 'X-Fw-Platform': undefined } }],
  ]) {
    const r = await callback(body, opts);
    assertError(assert, r, 401, 'unauthenticated', 'signature');
    assert.ok(!r.text.includes('acme'), `${what}: platform names are not told`);
  }
  // The signature covers the exact bytes: the same JSON re-spaced fails.
  const r = await callback(body.replace(':', ': '), { sig: good });
  assertError(assert, r, 401, 'unauthenticated', 'signature');
  assert.equal(cbCount(), n0);
  assert.equal(await srv.auditSize(), audit0);
});

test('ENF-032: a signed body is checked strictly; 4xx names the field, nothing recorded', async () => {
  const now = nowS();
  const ok = { txn_id: 'B-1', code: '4419209999999999', amount_fen: 100, paid_at: now };
  const audit0 = await srv.auditSize();
  const n0 = cbCount();
  for (const [body, status, code, field] of [
    [{ ...ok, txn_id: undefined }, 400, 'missing', 'txn_id'],
    [{ ...ok, code: undefined }, 400, 'missing', 'code'],
    [{ ...ok, amount_fen: undefined }, 400, 'missing', 'amount_fen'],
    [{ ...ok, paid_at: undefined }, 400, 'missing', 'paid_at'],
    [{ ...ok, txn_id: 'a b' }, 400, 'invalid', 'txn_id'],
    [{ ...ok, txn_id: 'x'.repeat(65) }, 400, 'invalid', 'txn_id'],
    [{ ...ok, code: '4419/1' }, 400, 'invalid', 'code'],
    [{ ...ok, amount_fen: '100' }, 400, 'type', 'amount_fen'],
    [{ ...ok, amount_fen: 1.5 }, 400, 'type', 'amount_fen'],
    [{ ...ok, amount_fen: 0 }, 400, 'range', 'amount_fen'],
    [{ ...ok, amount_fen: -100 }, 400, 'range', 'amount_fen'],
    [{ ...ok, paid_at: '2026-01-01' }, 400, 'type', 'paid_at'],
    [{ ...ok, paid_at: 1000 }, 400, 'range', 'paid_at'],
    [{ ...ok, paid_at: now + 2 * DAY }, 400, 'range', 'paid_at'],
    [{ ...ok, payer: '张三' }, 400, 'unknown_field', 'payer'],
    ['{"txn_id":"B-1","txn_id":"B-2","code":"c","amount_fen":1,"paid_at":1767225600}', 400, 'duplicate_key', undefined],
    ['[1,2]', 400, 'bad_json', undefined],
    ['{"txn_id":', 400, 'bad_json', undefined],
  ]) {
    const r = await callback(body);
    assertError(assert, r, status, code, field);
  }
  // JSON only (I-1), and a body is required.
  const raw = JSON.stringify(ok);
  let r = await callback(raw, { headers: { 'Content-Type': 'text/plain' } });
  assertError(assert, r, 415, 'unsupported_media_type', 'Content-Type');
  r = await platform.post(CB, undefined, { 'X-Fw-Platform': 'acme', 'X-Fw-Signature': sign('') });
  assertError(assert, r, 400, 'missing', 'body');
  // At most 4 096 bytes, signed or not.
  r = await callback({ ...ok, txn_id: 'x'.repeat(5000) });
  assertError(assert, r, 413, 'too_large', 'body');
  assert.equal(cbCount(), n0);
  assert.equal(await srv.auditSize(), audit0);
});

test('ENF-032: unknown code recorded; a replay answers the same and stores nothing; same txn other body 409', async () => {
  const now = nowS();
  const body = JSON.stringify({ txn_id: 'U-1', code: '4419209999999999', amount_fen: 100, paid_at: now });
  const n0 = cbCount();
  const r1 = await callback(body);
  assert.equal(r1.status, 200, r1.text);
  assert.equal(r1.body.data.result, 'unknown_code');
  assert.equal(r1.body.data.platform, 'acme');
  assert.equal(r1.body.data.txn_id, 'U-1');
  assert.equal(cbCount(), n0 + 1);
  // The SM3 of the raw body is stored with the callback.
  const sm3 = createHash('sm3').update(body).digest('hex');
  assert.equal(srv.sql(`SELECT body_sm3 FROM payment_callbacks WHERE txn_id = 'U-1'`), sm3);
  const r2 = await callback(body);
  assert.equal(r2.status, 200, r2.text);
  assert.deepEqual(r2.body, r1.body);
  assert.equal(cbCount(), n0 + 1);
  const r3 = await callback({ txn_id: 'U-1', code: '4419209999999999', amount_fen: 101, paid_at: now });
  assertError(assert, r3, 409, 'conflict', 'txn_id');
  assert.equal(cbCount(), n0 + 1);
  // The same txn_id from another platform is another transaction: a
  // platform that is not configured is still refused.
  const r4 = await callback(body, { name: 'bank' });
  assert.equal(r4.status, 401);
});

test('ENF-037: the public look-up of an unknown or malformed code', async () => {
  let r = await platform.get('/api/v1/public/payments/4419209999999999');
  assertError(assert, r, 404, 'not_found', 'code');
  r = await platform.get('/api/v1/public/payments/44%2F19');
  assert.ok(r.status === 400 || r.status === 404, r.text);
});

// A fine of 200 yuan (FPL-63, an individual) decided on the spot under
// the simple procedure and served today: its payment notice is open.
// Returns { id, code, due } of the case and its notice.
const PARTY = { name: '欧阳缴款', idno: idcard(731, '19800101'), phone: '13912345678', address: '东莞市东城街道示例路99号' };
async function servedFine() {
  const [a] = world.officers;
  let r = await a.post('/api/v1/cases', {
    procedure: 'simple', source: 'on_spot', party_type: 'individual', unit_id: world.unit.id,
    party_name: PARTY.name, party_idno: PARTY.idno, party_phone: PARTY.phone,
    party_address: PARTY.address, facts: '在禁火区域使用明火', found_on: today(),
    officers: [{ user_id: a.user.id, role: 'lead' }, { user_id: world.officers[1].user.id, role: 'assist' }],
    violations: [{ item: 'FPL-63', tier: 'general', facts: '违章使用明火作业', amount: 200 }],
  });
  assert.equal(r.status, 201, r.text);
  const c = r.body.data;
  assert.equal(c.status, 'decided');
  r = await a.post(`/api/v1/cases/${c.id}/serve`, { method: 'on_spot' }, im(c.version));
  assert.equal(r.status, 200, r.text);
  r = await a.get(`/api/v1/cases/${c.id}/payments`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.length, 1);
  return { id: c.id, code: r.body.data[0].code, due: r.body.data[0].due };
}

const caseRow = (id, cols) => srv.sql(`SELECT ${cols} FROM cases WHERE id = ${id}`);

test('ENF-030/035/036: serving opens the notice; the right amount pays the case once', async () => {
  const [a] = world.officers;
  const f = await servedFine();
  assert.equal(f.due, dayPlus(15));
  let r = await a.get(`/api/v1/cases/${f.id}/payments`);
  const p = r.body.data[0];
  assert.equal(p.status, 'open');
  assert.equal(p.amount_fen, 20000);
  assert.equal(p.due_today_fen, 20000);
  assert.equal(p.late_fee_today_fen, 0);
  assert.deepEqual(p.callbacks, []);
  assert.equal(caseRow(f.id, 'pay_status'), 'due');
  const audit0 = await srv.auditSize();
  const body = JSON.stringify({ txn_id: 'OK-1', code: f.code, amount_fen: 20000, paid_at: nowS() });
  const r1 = await callback(body);
  assert.equal(r1.status, 200, r1.text);
  assert.equal(r1.body.data.result, 'accepted');
  assert.equal(caseRow(f.id, 'pay_status || \'|\' || paid_fen || \'|\' || late_fee_fen || \'|\' || paid_on'), `paid|20000|0|${today()}`);
  assert.equal(srv.sql(`SELECT COUNT(*) FROM case_steps WHERE case_id = ${f.id} AND action = 'paid'`), '1');
  assert.equal(srv.sql(`SELECT COUNT(*) FROM audit_entries WHERE action = 'case.paid' AND object = 'case/${f.id}'`), '1');
  assert.ok(await srv.auditSize() > audit0);
  r = await a.get(`/api/v1/cases/${f.id}/payments`);
  assert.equal(r.body.data[0].status, 'paid');
  assert.equal(r.body.data[0].paid_fen, 20000);
  assert.equal(r.body.data[0].platform, 'acme');
  assert.equal(r.body.data[0].txn_id, 'OK-1');
  assert.equal(r.body.data[0].due_today_fen, 0);
  assert.equal(r.body.data[0].callbacks.length, 1);
  // The case shows it too.
  r = await a.get(`/api/v1/cases/${f.id}`);
  assert.equal(r.body.data.pay_status, 'paid');
  // Replayed: the same answer, one row, the case unchanged.
  const v = caseRow(f.id, 'version');
  const r2 = await callback(body);
  assert.equal(r2.status, 200, r2.text);
  assert.deepEqual(r2.body, r1.body);
  assert.equal(srv.sql(`SELECT COUNT(*) FROM payment_callbacks WHERE txn_id = 'OK-1'`), '1');
  assert.equal(caseRow(f.id, 'version'), v);
  // The same txn_id with another body: 409, nothing stored.
  const r3 = await callback({ txn_id: 'OK-1', code: f.code, amount_fen: 19999, paid_at: nowS() });
  assertError(assert, r3, 409, 'conflict', 'txn_id');
  assert.equal(srv.sql(`SELECT COUNT(*) FROM payment_callbacks WHERE txn_id = 'OK-1'`), '1');
  // Paid again under another transaction: already_paid, the case as it was.
  const r4 = await callback({ txn_id: 'OK-2', code: f.code, amount_fen: 20000, paid_at: nowS() });
  assert.equal(r4.status, 200, r4.text);
  assert.equal(r4.body.data.result, 'already_paid');
  assert.equal(caseRow(f.id, 'version'), v);
});

test('ENF-034: a wrong amount is recorded as mismatch and does not pay the case', async () => {
  const [a] = world.officers;
  const f = await servedFine();
  const r1 = await callback({ txn_id: 'MM-1', code: f.code, amount_fen: 10000, paid_at: nowS() });
  assert.equal(r1.status, 200, r1.text);
  assert.equal(r1.body.data.result, 'mismatch');
  assert.match(r1.body.data.note, /due 20000 fen/);
  assert.equal(caseRow(f.id, 'pay_status || \'|\' || paid_fen'), 'mismatch|0');
  assert.equal(srv.sql(`SELECT status FROM case_payments WHERE code = '${f.code}'`), 'open');
  assert.equal(srv.sql(`SELECT result FROM payment_callbacks WHERE txn_id = 'MM-1'`), 'mismatch');
  assert.equal(srv.sql(`SELECT COUNT(*) FROM case_steps WHERE case_id = ${f.id} AND action = 'pay_mismatch'`), '1');
  // The right amount afterwards (another transaction) pays it.
  const r2 = await callback({ txn_id: 'MM-2', code: f.code, amount_fen: 20000, paid_at: nowS() });
  assert.equal(r2.body.data.result, 'accepted');
  assert.equal(caseRow(f.id, 'pay_status'), 'paid');
  const r = await a.get(`/api/v1/cases/${f.id}/payments`);
  assert.deepEqual(r.body.data[0].callbacks.map((c) => c.result), ['mismatch', 'accepted']);
});

test('ENF-033/038: the job marks the fine overdue and accrues 3 % a day; the late total is accepted', async () => {
  const [a] = world.officers;
  const f = await servedFine();
  // Three days after the due day (FIREWARDEN_TODAY moves the job's day).
  let j = srv.cli(['job', 'run', 'enforce.payments'], undefined, { FIREWARDEN_TODAY: dayPlus(3, f.due) });
  assert.equal(j.status, 0, j.stderr);
  assert.equal(caseRow(f.id, 'pay_status'), 'overdue');
  assert.equal(srv.sql(`SELECT late_fee_fen FROM case_payments WHERE code = '${f.code}'`), '1800');
  assert.equal(srv.sql(`SELECT COUNT(*) FROM case_steps WHERE case_id = ${f.id} AND action = 'pay_overdue'`), '1');
  // 34 days after: capped at the fine; the case was already overdue.
  j = srv.cli(['job', 'run', 'enforce.payments'], undefined, { FIREWARDEN_TODAY: dayPlus(34, f.due) });
  assert.equal(j.status, 0, j.stderr);
  assert.equal(srv.sql(`SELECT late_fee_fen FROM case_payments WHERE code = '${f.code}'`), '20000');
  assert.equal(srv.sql(`SELECT COUNT(*) FROM case_steps WHERE case_id = ${f.id} AND action = 'pay_overdue'`), '1');
  // Time really passes: the due day three days ago (the database edited,
  // as a clock would), paid today with the fee.
  srv.sql(`UPDATE case_payments SET due = '${dayPlus(-3)}' WHERE code = '${f.code}'`);
  let r = await a.get(`/api/v1/cases/${f.id}/payments`);
  assert.equal(r.body.data[0].late_fee_today_fen, 1800);
  assert.equal(r.body.data[0].due_today_fen, 21800);
  assert.equal(r.body.data[0].overdue, true);
  r = await platform.get(`/api/v1/public/payments/${f.code}`);
  assert.equal(r.body.data.due_today_fen, 21800);
  assert.equal(r.body.data.due_today_yuan, '218.00');
  const r1 = await callback({ txn_id: 'LATE-1', code: f.code, amount_fen: 20000, paid_at: nowS() });
  assert.equal(r1.body.data.result, 'mismatch');
  const r2 = await callback({ txn_id: 'LATE-2', code: f.code, amount_fen: 21800, paid_at: nowS() });
  assert.equal(r2.body.data.result, 'accepted');
  assert.equal(caseRow(f.id, 'pay_status || \'|\' || paid_fen || \'|\' || late_fee_fen'), 'paid|21800|1800');
  // A paid notice accrues nothing more.
  j = srv.cli(['job', 'run', 'enforce.payments'], undefined, { FIREWARDEN_TODAY: dayPlus(40) });
  assert.equal(j.status, 0, j.stderr);
  assert.equal(caseRow(f.id, 'pay_status'), 'paid');
  assert.equal(srv.sql(`SELECT late_fee_fen FROM case_payments WHERE code = '${f.code}'`), '1800');
});

test('ENF-037 (P-3): the public look-up tells what to pay and nothing about the party', async () => {
  const f = await servedFine();
  const r = await platform.get(`/api/v1/public/payments/${f.code}`);
  assert.equal(r.status, 200, r.text);
  const d = r.body.data;
  assert.equal(d.code, f.code);
  assert.match(d.decision_no, /当罚字/);
  assert.equal(d.amount_fen, 20000);
  assert.equal(d.due, f.due);
  assert.equal(d.status, 'open');
  assert.equal(d.due_today_fen, 20000);
  assert.equal(d.due_today_yuan, '200.00');
  assert.ok(d.issuer.length > 0);
  for (const secret of [PARTY.name, PARTY.idno, PARTY.phone, PARTY.address, '欧阳', '139']) {
    assert.ok(!r.text.includes(secret), `public answer holds ${secret}`);
  }
  assert.ok(!Object.keys(d).some((k) => k.startsWith('party')));
});

test('ENF-036: payments of a case of another town are not found; the public cannot list them', async () => {
  const f = await servedFine();
  let r = await world.officerB.get(`/api/v1/cases/${f.id}/payments`);
  assertError(assert, r, 404, 'not_found');
  r = await platform.get(`/api/v1/cases/${f.id}/payments`);
  assert.equal(r.status, 401);
  r = await world.officers[0].get('/api/v1/cases/123456789/payments');
  assertError(assert, r, 404, 'not_found');
});

test('L-2: every callback and paid notice matches its latest audit entry (audit verify --deep)', async () => {
  const f = await servedFine();
  const r = await callback({ txn_id: 'DEEP-1', code: f.code, amount_fen: 20000, paid_at: nowS() });
  assert.equal(r.body.data.result, 'accepted');
  let v = srv.cli(['audit', 'verify', '--deep']);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  // A callback edited in the database is caught.
  srv.sql(`UPDATE payment_callbacks SET amount_fen = 1 WHERE txn_id = 'DEEP-1'`);
  v = srv.cli(['audit', 'verify', '--deep']);
  assert.equal(v.status, 1, v.stdout + v.stderr);
  assert.match(v.stdout, /payment_callback\/\d+: record does not match/);
  srv.sql(`UPDATE payment_callbacks SET amount_fen = 20000 WHERE txn_id = 'DEEP-1'`);
});

test('ENF-070..072 the archive (一案一档) of a paid and closed case: catalogue, documents, evidence, the decision against its seal, audit', async () => {
  const [a] = world.officers;
  const f = await servedFine();
  const ev = await a.post(`/api/v1/cases/${f.id}/evidence`, { kind: 'statement', description: '当事人询问笔录', collected_on: today() },
    im((await a.get(`/api/v1/cases/${f.id}`)).body.data.version));
  assert.ok([200, 201].includes(ev.status), ev.text);
  const r1 = await callback({ txn_id: 'ARCH-1', code: f.code, amount_fen: 20000, paid_at: nowS() });
  assert.equal(r1.body.data.result, 'accepted');
  let c = (await a.get(`/api/v1/cases/${f.id}`)).body.data;
  const cl = await a.post(`/api/v1/cases/${f.id}/close`, { reason: '罚款已缴纳，执行完毕' }, im(c.version));
  assert.equal(cl.status, 200, cl.text);
  const r = await a.get(`/api/v1/cases/${f.id}/archive`);
  assert.equal(r.status, 200, r.text);
  const arch = r.body.data;
  assert.equal(arch.closed, true);
  assert.equal(arch.case.id, String(f.id));
  const items = arch.catalogue.map((x) => x.item);
  for (const must of ['立案登记', '证据：当事人询问笔录', '行政处罚决定书', '缴款通知书', '送达回证', '罚款缴纳凭证', '结案报告']) {
    assert.ok(items.includes(must), `${must} in ${items.join(' / ')}`);
  }
  assert.ok(items.indexOf('立案登记') < items.indexOf('行政处罚决定书'));
  assert.ok(items.indexOf('行政处罚决定书') < items.indexOf('结案报告'));
  assert.deepEqual(arch.catalogue.map((x) => x.seq), arch.catalogue.map((_, i) => i + 1));
  assert.deepEqual(arch.documents.map((d) => d.kind).sort(), ['decision', 'payment']);
  for (const d of arch.documents) {
    const pdf = await a.get(d.url);
    assert.equal(pdf.status, 200, d.url);
  }
  assert.equal(arch.documents.find((d) => d.kind === 'decision').no, arch.case.decision_no);
  assert.equal(arch.evidence.length, 1);
  assert.equal(arch.decision_seal.intact, true);
  assert.equal(arch.decision_seal.hash, srv.sql(`SELECT decision_hash FROM cases WHERE id = ${f.id}`));
  const actions = arch.audit.map((x) => x.action);
  for (const must of ['case.create', 'case.decide', 'case.serve', 'case.paid', 'case.close']) {
    assert.ok(actions.includes(must), `${must} in ${actions.join(',')}`);
  }
  assert.equal(arch.audit_total, arch.audit.length);
  // Personal data stays masked in the archive (P-2).
  assert.ok(!r.text.includes(PARTY.idno) && !r.text.includes(PARTY.phone));
  // A decision record changed in the database no longer matches its seal.
  const d0 = srv.sql(`SELECT decision FROM cases WHERE id = ${f.id}`);
  srv.sql(`UPDATE cases SET decision = replace(decision, '"fine_fen":20000', '"fine_fen":2000') WHERE id = ${f.id}`);
  assert.equal((await a.get(`/api/v1/cases/${f.id}/archive`)).body.data.decision_seal.intact, false);
  srv.sql(`UPDATE cases SET decision = '${d0.replace(/'/g, "''")}' WHERE id = ${f.id}`);
  assert.equal((await a.get(`/api/v1/cases/${f.id}/archive`)).body.data.decision_seal.intact, true);
  // Another town's officer and the public see nothing.
  assertError(assert, await world.officerB.get(`/api/v1/cases/${f.id}/archive`), 404, 'not_found');
  assert.equal((await platform.get(`/api/v1/cases/${f.id}/archive`)).status, 401);
});
