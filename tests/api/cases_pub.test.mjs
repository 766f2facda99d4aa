// Documents, publication and supervision flags of enforcement cases over
// HTTP (docs/modules/enforce_doc.md, enforce_pub.md, enforce_flag.md):
// every document kind served as PDF after the step that makes it and 422
// naming kind before; publication by the endpoint and by the job
// enforce.publish replayed with FIREWARDEN_TODAY; the public list and
// entry never hold an ID number, a phone number, the address or the
// real name of a person (P-3 scan); out-of-range and outlier flags for
// the supervisors; other towns 404; bad input 4xx naming the field and
// nothing stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertError } from './lib.mjs';
import { caseWorld, newCase, violation, idcard, im, today, dayPlus, TOWN_A, TOWN_B } from './cases_lib.mjs';

let w;          // the world of cases_lib.mjs
let srv;
let anon;       // no session: the public
let legalB;     // legal reviewer of town B (case:supervise, town scope)

// What a person gave that no public answer may hold.
const PERSON = {
  name: '欧阳小明',
  idno: idcard(321, '19900101'),
  phone: '13912345678',
  landline: '0769-22334455',
  address: '东莞市东城街道梨川路88号',
};
const publicTexts = [];

// GET as the public, recording the answer for the P-3 scan.
async function pub(path) {
  const r = await anon.get(path);
  publicTexts.push(r.text);
  return r;
}

// A PDF answer as bytes (the JSON client would mangle them).
async function pdfOf(c, path) {
  const r = await fetch(srv.base + path, { headers: c.cookie ? { Cookie: c.cookie } : {} });
  return { status: r.status, type: r.headers.get('content-type'), disp: r.headers.get('content-disposition'),
    body: Buffer.from(await r.arrayBuffer()) };
}

// The text of a PDF (pdftotext, poppler-utils), white space removed.
function pdfText(buf) {
  const dir = mkdtempSync(join(tmpdir(), 'fw-enfpub-'));
  try {
    writeFileSync(join(dir, 'd.pdf'), buf);
    const t = spawnSync('pdftotext', ['-enc', 'UTF-8', join(dir, 'd.pdf'), '-'], { encoding: 'utf8' });
    assert.equal(t.status, 0, t.stderr);
    const info = spawnSync('pdfinfo', [join(dir, 'd.pdf')], { encoding: 'utf8' });
    assert.match(info.stdout, /Pages:\s+[1-9]/);
    return t.stdout.replace(/\s+/g, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// A document served as PDF; its text.
async function doc(c, id, kind) {
  const r = await pdfOf(c, `/api/v1/cases/${id}/documents/${kind}.pdf`);
  assert.equal(r.status, 200, `${kind}: ${r.status} ${r.body.toString().slice(0, 300)}`);
  assert.equal(r.type, 'application/pdf');
  assert.equal(r.body.subarray(0, 5).toString(), '%PDF-');
  return pdfText(r.body);
}

// A simple-procedure fine of the world's unit: FPL-58-P3 (0–5 000 yuan,
// minor tier 0–1 500), decided on creation.
function unitFine(amount, over = {}) {
  return newCase(w, { procedure: 'simple', facts: '现场检查发现消防安全管理不到位', violations: [violation({
    item: 'FPL-58-P3', tier: 'minor', facts: '未按规定进行消防安全检查', amount, ...over })] });
}

// A simple-procedure fine of a person in town A whose facts hold their ID
// number, mobile, landline and home address.
function personFine(extra = {}) {
  return newCase(w, {
    procedure: 'simple', party_type: 'individual', unit_id: undefined, town: TOWN_A,
    party_name: PERSON.name, party_idno: PERSON.idno, party_phone: PERSON.phone, party_address: PERSON.address,
    // ID and phone numbers are refused in free text (ENF-019); the name
    // and the home address are not patterns and are removed by value.
    facts: `当事人${PERSON.name}住${PERSON.address}，在出租屋楼道堆放杂物，占用疏散通道。`,
    violations: [violation({ item: 'FPL-60-3', tier: 'minor', amount: 100,
      facts: `楼道堆放杂物，现住${PERSON.address}` })],
    ...extra,
  });
}

// The P-3 scan: no ID number, phone, landline, address or real name.
// Record ids (18-digit snowflakes), request ids and a unit's USCC
// (published on purpose) are not ID numbers: left out of the scan.
function assertNoPersonalData(raw) {
  // Request ids are hexadecimal and now and then all digits: not data.
  const text = raw.replace(/"(id|case_id|violation_id|request_id)":"[0-9a-f]+"/g, '').replace(/"code":"[0-9A-Z]{18}"/g, '');
  assert.doesNotMatch(text, /\d{17}[\dXx]|\d{15}/, `ID number in ${text.slice(0, 400)}`);
  assert.doesNotMatch(text, /(?<!\d)1[3-9]\d{9}(?!\d)/, `mobile in ${text.slice(0, 400)}`);
  assert.doesNotMatch(text, /(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)/, `landline in ${text.slice(0, 400)}`);
  for (const s of [PERSON.idno, PERSON.phone, PERSON.landline, PERSON.address, PERSON.name, '梨川路']) {
    assert.ok(!text.includes(s), `${s} in ${text.slice(0, 400)}`);
  }
}

before(async () => {
  w = await caseWorld();
  srv = w.srv;
  anon = srv.client();
  srv.addUser('pub.legal.b', 'legal', `town:${TOWN_B}`);
  legalB = await srv.login('pub.legal.b');
});

after(async () => { await srv?.close(); });

test('ENF-040 ENF-042 the simple procedure\'s decision as PDF; documents not made yet 422 naming kind; 404 elsewhere', async () => {
  const c = await unitFine(1000);
  assert.equal(c.status, 'decided', JSON.stringify(c));
  assert.ok(c.decision_no);
  const t = await doc(w.officers[0], c.id, 'decision');
  assert.ok(t.includes(c.decision_no), t);
  assert.ok(t.includes('当场行政处罚决定书'), t);
  assert.ok(t.includes(w.unit.name), t);
  assert.ok(t.includes('罚款人民币1000元（大写：壹仟元整）'), t);
  assert.ok(t.includes('第七十二条'), t);
  assert.ok(t.includes('六十日内'), t);
  assert.ok(t.includes('六个月内'), t);
  const hash = srv.sql(`SELECT decision_hash FROM cases WHERE id = ${c.id}`);
  assert.match(hash, /^[0-9a-f]{64}$/);
  assert.ok(t.includes(hash), 'the SM3 of the decision record is printed');
  // The unit reads its own decision; the filename names the kind.
  const u = await pdfOf(w.unitUser, `/api/v1/cases/${c.id}/documents/decision.pdf`);
  assert.equal(u.status, 200);
  assert.match(u.disp || '', /decision-/);
  // Not made yet: a simple case has no notice, hearing or no-penalty
  // decision; its payment notice comes with service.
  for (const k of ['notice', 'hearing', 'no_penalty', 'payment']) {
    assertError(assert, await w.officers[0].get(`/api/v1/cases/${c.id}/documents/${k}.pdf`), 422, 'policy', 'kind');
  }
  assertError(assert, await w.officers[0].get(`/api/v1/cases/${c.id}/documents/receipt.pdf`), 404, 'not_found', 'kind');
  assertError(assert, await w.officers[0].get(`/api/v1/cases/${c.id}/documents/decision`), 404, 'not_found', 'kind');
  assertError(assert, await w.officers[0].get(`/api/v1/cases/${c.id}/documents/decision.pdf.pdf`), 404, 'not_found', 'kind');
  // Another town's officer and an unknown case: 404; no session: 401.
  assertError(assert, await w.officerB.get(`/api/v1/cases/${c.id}/documents/decision.pdf`), 404);
  assertError(assert, await w.officers[0].get('/api/v1/cases/999999999/documents/decision.pdf'), 404);
  assertError(assert, await w.officers[0].get('/api/v1/cases/x1/documents/decision.pdf'), 404, 'not_found', 'id');
  assertError(assert, await anon.get(`/api/v1/cases/${c.id}/documents/decision.pdf`), 401);
});

test('ENF-040 the party\'s documents carry its data in clear (served on it), the case view stays masked', async () => {
  const c = await personFine();
  const t = await doc(w.officers[0], c.id, 'decision');
  assert.ok(t.includes(PERSON.name));
  assert.ok(t.includes(PERSON.idno));
  assert.ok(t.includes(PERSON.address));
  assert.ok(t.includes('罚款人民币100元（大写：壹佰元整）'), t);
  const v = (await w.officers[0].get(`/api/v1/cases/${c.id}`)).body.data;
  assert.notEqual(v.party_idno, PERSON.idno);
  assert.notEqual(v.party_address, PERSON.address);
});

test('ENF-047 P-2 the party\'s data in clear only for the case\'s officers (audited), masked for other readers', async () => {
  const c = await personFine();
  const audited = () => Number(srv.sql(`SELECT COUNT(*) FROM audit_entries WHERE action = 'case.document' AND object = 'case/${c.id}'`));
  assert.equal(audited(), 0);
  const t = await doc(w.officers[0], c.id, 'decision');
  assert.ok(t.includes(PERSON.idno));
  assert.equal(audited(), 1, 'a copy in clear is audited');
  // An officer of the same town who is not on the case reads it masked.
  srv.addUser('pub.off.other', 'officer', `town:${TOWN_A}`);
  const other = await srv.login('pub.off.other');
  const m = await doc(other, c.id, 'decision');
  assert.ok(m.includes(c.decision_no), m);
  assert.ok(!m.includes(PERSON.idno), 'ID number masked');
  assert.ok(!m.includes(PERSON.address), 'address masked');
  assert.ok(m.includes(`${PERSON.idno.slice(0, 3)}${'*'.repeat(11)}${PERSON.idno.slice(-4)}`), m);
  assert.equal(audited(), 1, 'a masked copy is not an unmasking');
});

test('ENF-050..054 publish by the endpoint: the public entry without ID, phone, address or name; once only; bad input named', async () => {
  const c = await personFine();
  const n0 = srv.count('case_publications');
  // Who may not: no session 401, no case:write 403, another town 404,
  // an unknown case 404; nothing stored.
  assertError(assert, await anon.post(`/api/v1/cases/${c.id}/publish`, {}), 401);
  assertError(assert, await w.legal.post(`/api/v1/cases/${c.id}/publish`, {}), 403);
  assertError(assert, await w.officerB.post(`/api/v1/cases/${c.id}/publish`, {}), 404);
  assertError(assert, await w.officers[0].post('/api/v1/cases/999999999/publish', {}), 404);
  assertError(assert, await w.officers[0].post(`/api/v1/cases/${c.id}/publish`, { note: 'x' }), 400, 'unknown_field', 'note');
  assert.equal(srv.count('case_publications'), n0);
  // Before a decision: 422 naming status.
  const g = await newCase(w);
  assertError(assert, await w.officers[0].post(`/api/v1/cases/${g.id}/publish`, {}), 422, 'policy', 'status');
  assert.equal(srv.count('case_publications'), n0);
  const audit0 = await srv.auditSize();
  let r = await w.officers[0].post(`/api/v1/cases/${c.id}/publish`, {});
  assert.equal(r.status, 201, r.text);
  assert.equal(await srv.auditSize(), audit0 + 1);
  const p = r.body.data;
  assert.equal(p.decision_no, c.decision_no);
  assert.equal(p.town, TOWN_A);
  assert.equal(p.published_on, today());
  assert.deepEqual(p.content.party, { type: 'individual', name: '欧**' });
  assert.equal(p.content.penalty.outcome, 'fine');
  assert.equal(p.content.penalty.fine_yuan, '100');
  assert.match(p.content.basis, /消防法/);
  assert.equal(p.content.issuer, '东莞市消防救援支队');
  assert.match(p.content.facts, /在出租屋楼道堆放杂物，占用疏散通道/);
  assert.match(p.content.facts, /当事人欧\*\*住\*\*\*，/);
  assert.equal(p.content.violations.length, 1);
  assert.equal(p.content.violations[0].item, 'FPL-60-3');
  assertNoPersonalData(r.text);
  // The case knows it; publishing again is refused and changes nothing.
  const after1 = (await w.officers[0].get(`/api/v1/cases/${c.id}`)).body.data;
  assert.equal(after1.published_on, today());
  assert.ok(after1.steps.some((s) => s.action === 'publish'));
  assertError(assert, await w.officers[0].post(`/api/v1/cases/${c.id}/publish`, {}), 422, 'policy', 'published_on');
  assert.equal(srv.count('case_publications'), n0 + 1);
  // The public side, without a session.
  r = await pub('/api/v1/public/decisions');
  assert.equal(r.status, 200, r.text);
  const mine = r.body.data.find((x) => x.id === p.id);
  assert.deepEqual(mine, p);
  assert.ok(r.body.page.total >= 1);
  r = await pub(`/api/v1/public/decisions/${p.id}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.data, p);
  // Filters: the decision number, words of the published text, town, year.
  r = await pub(`/api/v1/public/decisions?q=${encodeURIComponent(c.decision_no)}`);
  assert.deepEqual(r.body.data.map((x) => x.id), [p.id]);
  r = await pub(`/api/v1/public/decisions?q=${encodeURIComponent('堆放杂物')}`);
  assert.ok(r.body.data.some((x) => x.id === p.id));
  // The real name and the ID number reach nothing: they were not published.
  for (const q of [PERSON.name, PERSON.idno, PERSON.phone, '梨川路']) {
    r = await pub(`/api/v1/public/decisions?q=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.page.total, 0, q);
  }
  r = await pub(`/api/v1/public/decisions?town=${TOWN_A}&year=${today().slice(0, 4)}`);
  assert.ok(r.body.data.some((x) => x.id === p.id));
  r = await pub(`/api/v1/public/decisions?town=${TOWN_B}`);
  assert.ok(!r.body.data.some((x) => x.id === p.id));
  r = await pub('/api/v1/public/decisions?year=2001');
  assert.equal(r.body.page.total, 0);
  assertError(assert, await pub('/api/v1/public/decisions?town=44190'), 400, 'invalid', 'town');
  assertError(assert, await pub('/api/v1/public/decisions?year=20x6'), 400, 'invalid', 'year');
  assertError(assert, await pub('/api/v1/public/decisions?year=1999'), 400, 'invalid', 'year');
  assertError(assert, await pub(`/api/v1/public/decisions?q=${'字'.repeat(101)}`), 400, 'range', 'q');
  assertError(assert, await pub('/api/v1/public/decisions?limit=0'), 400, undefined, 'limit');
  assertError(assert, await pub('/api/v1/public/decisions/999999999'), 404);
  assertError(assert, await pub('/api/v1/public/decisions/abc'), 404, 'not_found', 'id');
});

test('ENF-060..062 flags: an out-of-range fine with its justification; an outlier among nine similar decisions; scope and bad kinds', async () => {
  const ordinary = [900, 950, 1000, 1000, 1050, 1100, 1000, 980];
  const cases = [];
  for (const a of ordinary) cases.push(await unitFine(a));
  const why = '当事人拒不配合整改，情节较重';
  const far = await unitFine(3000, { justification: why });
  assert.equal(far.status, 'decided', JSON.stringify(far));
  // Out of range: the 3 000 yuan fine (suggested 0–1 500), with why.
  let r = await w.legal.get('/api/v1/cases/flags?kind=out_of_range&limit=100');
  assert.equal(r.status, 200, r.text);
  const o = r.body.data.filter((x) => x.case_id === far.id);
  assert.equal(o.length, 1, r.text);
  assert.equal(o[0].kind, 'out_of_range');
  assert.equal(o[0].justification, why);
  assert.match(o[0].amount_check, /^above[_-]range$/);
  assert.equal(o[0].amount_fen, 300000);
  assert.equal(o[0].item, 'FPL-58-P3');
  assert.equal(o[0].tier, 'minor');
  assert.deepEqual(o[0].range, { min: 0, max: 1500 });
  assert.deepEqual(o[0].officers.map((x) => x.login).sort(), ['cw.off.a', 'cw.off.b']);
  assert.ok(o[0].officer.length > 0);
  assert.equal(o[0].decision_no, far.decision_no);
  // In-range fines are not flagged.
  assert.ok(!r.body.data.some((x) => cases.some((c) => c.id === x.case_id)));
  // Outliers: only the far one, with the distribution it was judged by.
  r = await w.leader.get('/api/v1/cases/flags?kind=outlier&limit=100');
  assert.equal(r.status, 200, r.text);
  const f = r.body.data.filter((x) => x.item === 'FPL-58-P3');
  assert.deepEqual(f.map((x) => x.case_id), [far.id], r.text);
  assert.equal(f[0].kind, 'outlier');
  // Every decided FPL-58-P3 minor fine of units so far (the first test's too).
  assert.equal(f[0].samples, Number(srv.sql("SELECT COUNT(*) FROM case_violations v JOIN cases c ON c.id = v.case_id "
    + "WHERE v.item = 'FPL-58-P3' AND v.tier = 'minor' AND v.status = 'active' AND c.party_type = 'unit' "
    + "AND c.decided_on IS NOT NULL")));
  assert.ok(f[0].samples >= 9);
  assert.equal(f[0].median_yuan, 1000);
  assert.equal(f[0].method, 'mad');
  assert.ok(f[0].z > 3.5, r.text);
  assert.equal(f[0].threshold, 3.5);
  assert.ok(f[0].officers.length >= 2);
  // A supervisor of town B sees none of town A's flags; an officer none at all.
  r = await legalB.get('/api/v1/cases/flags?kind=outlier');
  assert.equal(r.status, 200);
  assert.ok(!r.body.data.some((x) => x.case_id === far.id));
  r = await legalB.get('/api/v1/cases/flags?kind=out_of_range');
  assert.ok(!r.body.data.some((x) => x.case_id === far.id));
  assertError(assert, await w.officers[0].get('/api/v1/cases/flags?kind=outlier'), 403);
  assertError(assert, await w.legal.get('/api/v1/cases/flags'), 400, 'missing', 'kind');
  assertError(assert, await w.legal.get('/api/v1/cases/flags?kind=median'), 400, 'invalid', 'kind');
  assertError(assert, await w.legal.get('/api/v1/cases/flags?kind=outlier&limit=abc'), 400, undefined, 'limit');
});

test('ENF-061 fewer than min_samples similar decisions are not judged', async () => {
  // GD-45 non-commercial (500–1 000 yuan, general 650–850): three
  // decisions only, one far from the others.
  for (const a of [700, 700, 850]) {
    await newCase(w, { procedure: 'simple', violations: [violation({ item: 'GD-45', band: 'non-commercial',
      tier: 'general', amount: a })] });
  }
  const r = await w.legal.get('/api/v1/cases/flags?kind=outlier&limit=100');
  assert.equal(r.status, 200);
  assert.ok(!r.body.data.some((x) => x.item === 'GD-45'), r.text);
});

// A step of the flow (If-Match), answering the case.
async function step(c, path, body = {}, as = w.officers[0]) {
  const r = await as.post(`/api/v1/cases/${c.id}/${path}`, body, im(c.version));
  assert.ok(r.status === 200 || r.status === 201, `${path}: ${r.status} ${r.text}`);
  return r.body.data;
}

// A general-procedure fine of the world's unit, decided: notified, the
// party waives its statement, submitted, decided.
async function decidedFine(amount = 20000) {
  let c = await newCase(w, { violations: [violation({ amount })] });
  c = await step(c, 'notify');
  c = await step(c, 'statement', { text: '无异议，放弃陈述申辩和听证', waive: true });
  c = await step(c, 'submit');
  c = await step(c, 'decide');
  assert.equal(c.status, 'decided', JSON.stringify(c));
  return c;
}

test('ENF-041..046 the general procedure: notice, hearing, decision and payment notice each served after its step, 422 before', async () => {
  const a = w.officers[0];
  // Serious tier at the statutory maximum: a hearing may be asked for.
  let c = await newCase(w, { violations: [violation({ tier: 'serious', amount: 50000 })] });
  for (const k of ['notice', 'hearing', 'decision', 'payment']) {
    assertError(assert, await a.get(`/api/v1/cases/${c.id}/documents/${k}.pdf`), 422, 'policy', 'kind');
  }
  c = await step(c, 'notify');
  let t = await doc(a, c.id, 'notice');
  assert.ok(t.includes('行政处罚告知书'), t);
  assert.ok(t.includes(c.notice_no), t);
  assert.ok(t.includes('合计拟罚款人民币50000元'), t);
  assert.ok(t.includes('陈述、申辩或者书面要求举行听证'), t);
  assertError(assert, await a.get(`/api/v1/cases/${c.id}/documents/hearing.pdf`), 422, 'policy', 'kind');
  c = await step(c, 'hearing/request', {});
  const hearingOn = dayPlus(21);
  c = await step(c, 'hearing/schedule', { hearing_on: hearingOn, place: '支队三楼听证室', host_id: w.legal.user.id });
  t = await doc(a, c.id, 'hearing');
  assert.ok(t.includes('听证通知书'), t);
  assert.ok(t.includes('支队三楼听证室'), t);
  assert.ok(t.includes('cw.legal'), t);
  assert.ok(t.includes(c.no), t);
  // The unit reads the notices addressed to it; town B does not.
  assert.equal((await pdfOf(w.unitUser, `/api/v1/cases/${c.id}/documents/notice.pdf`)).status, 200);
  assertError(assert, await w.officerB.get(`/api/v1/cases/${c.id}/documents/notice.pdf`), 404);

  // A decided fine: the decision, and after service the payment notice.
  c = await decidedFine(20000);
  t = await doc(a, c.id, 'decision');
  assert.ok(t.includes('行政处罚决定书') && !t.includes('当场行政处罚决定书'), t);
  assert.ok(t.includes(c.decision_no), t);
  assert.ok(t.includes('罚款人民币20000元（大写：贰万元整）'), t);
  assert.ok(t.includes(srv.sql(`SELECT decision_hash FROM cases WHERE id = ${c.id}`)), t);
  assertError(assert, await a.get(`/api/v1/cases/${c.id}/documents/payment.pdf`), 422, 'policy', 'kind');
  assertError(assert, await a.get(`/api/v1/cases/${c.id}/documents/no_penalty.pdf`), 422, 'policy', 'kind');
  c = await step(c, 'serve', { method: 'direct' });
  const pay = c.payments.find((x) => x.status === 'open');
  assert.ok(pay, JSON.stringify(c.payments));
  t = await doc(a, c.id, 'payment');
  assert.ok(t.includes('缴款通知书'), t);
  assert.ok(t.includes(pay.code), t);
  assert.ok(t.includes('贰万元整'), t);
  t = await doc(a, c.id, 'decision');
  assert.ok(t.includes(pay.code), 'the decision names the payment code once it exists');
});

test('ENF-043 ENF-053 a decision not to penalise: its own document; never published, by hand or by the job', async () => {
  const a = w.officers[0];
  let c = await newCase(w, { violations: [violation({ tier: 'minor', corrected: true, harm: 'none', amount: undefined,
    facts: '一具灭火器压力不足，当场更换' })] });
  assertError(assert, await a.get(`/api/v1/cases/${c.id}/documents/no_penalty.pdf`), 422, 'policy', 'kind');
  c = await step(c, 'decide');
  assert.equal(c.outcome, 'no_penalty', JSON.stringify(c));
  const t = await doc(a, c.id, 'no_penalty');
  assert.ok(t.includes('不予行政处罚决定书'), t);
  assert.ok(t.includes(c.decision_no), t);
  assert.ok(t.includes('没有造成危害后果'), t);
  assert.ok(t.includes('第三十三条第三款'), t);
  assertError(assert, await a.get(`/api/v1/cases/${c.id}/documents/decision.pdf`), 422, 'policy', 'kind');
  const n0 = srv.count('case_publications');
  assertError(assert, await a.post(`/api/v1/cases/${c.id}/publish`, {}), 422, 'policy', 'outcome');
  const r = srv.cli(['job', 'run', 'enforce.publish'], undefined, { FIREWARDEN_TODAY: dayPlus(60) });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(srv.sql(`SELECT COUNT(*) FROM case_publications WHERE case_id = ${c.id}`), '0');
  assert.ok(srv.count('case_publications') >= n0);
});

test('ENF-055 the job enforce.publish publishes what is due by publish_due (FIREWARDEN_TODAY), once', async () => {
  const c = await decidedFine(25000);
  const due = c.publish_due;
  assert.ok(due > today(), JSON.stringify(c));
  // A simple-procedure decision of today: due the same day (decided_on +
  // publish_workdays), whether or not its publish_due was set.
  const s = await unitFine(1200);
  const sPublished = () => srv.sql(`SELECT COUNT(*) FROM case_publications WHERE case_id = ${s.id}`);
  const job = (day) => {
    const r = srv.cli(['job', 'run', 'enforce.publish'], undefined, { FIREWARDEN_TODAY: day });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  const published = () => srv.sql(`SELECT COUNT(*) FROM case_publications WHERE case_id = ${c.id}`);
  // The day before it is due: not yet.
  job(dayPlus(-1, due));
  assert.equal(published(), '0');
  assert.equal(sPublished(), '0');
  let r = await pub(`/api/v1/public/decisions?q=${encodeURIComponent(c.decision_no)}`);
  assert.equal(r.body.page.total, 0);
  // On the day: published, dated that day; the public sees it.
  assert.match(job(due), /published [1-9]\d* decisions/);
  assert.equal(published(), '1');
  assert.equal(sPublished(), '1');
  r = await pub(`/api/v1/public/decisions?q=${encodeURIComponent(c.decision_no)}`);
  assert.equal(r.body.page.total, 1, r.text);
  const p = r.body.data[0];
  assert.equal(p.published_on, due);
  assert.deepEqual(p.content.party, { type: 'unit', name: w.unit.name, code: w.unit.uscc });
  assert.equal(p.content.penalty.fine_yuan, '25000');
  const v = (await w.officers[0].get(`/api/v1/cases/${c.id}`)).body.data;
  assert.equal(v.published_on, due);
  // Again: nothing new; the endpoint says it is done.
  job(dayPlus(1, due));
  assert.equal(published(), '1');
  assertError(assert, await w.officers[0].post(`/api/v1/cases/${c.id}/publish`, {}), 422, 'policy', 'published_on');
  // A bad day is refused.
  const bad = srv.cli(['job', 'run', 'enforce.publish'], undefined, { FIREWARDEN_TODAY: '2026-13-01' });
  assert.notEqual(bad.status, 0);
});

test('P-3 every public answer of this suite is free of personal data', () => {
  assert.ok(publicTexts.length > 10);
  for (const t of publicTexts) assertNoPersonalData(t);
});
