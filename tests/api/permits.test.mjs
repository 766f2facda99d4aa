// Opening permits over HTTP (docs/modules/permit.md): the rules
// (PRM-001), applying by commitment or by inspection with its documents
// (PRM-002..004), the decision with its e-certificate that verifies
// offline and online (PRM-005..008), verification ordered by risk
// (PRM-009), refusal (PRM-010), verification item by item, a mismatch's
// notice, re-check and revocation with a credit event (PRM-011..015),
// reissue of a lost certificate (PRM-016); every clock on the working-day
// calendar; bad inputs named with nothing stored.
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
const im = (v) => ({ 'If-Match': `"${v}"` });
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

let srv;
let off;      // officer, town A (permit:decide, permit:verify)
let offB;     // officer, town B
let unitC;    // the unit's own account
let unit;     // a unit in town A with a USCC
let rules;
let n = 0;

// A valid unified social credit code (GB 32100) with a valid embedded
// organisation code (GB 11714), different for each k.
function uscc(k) {
  const C = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const org = String(10000000 + k).slice(-8);
  const ow = [3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 8; i++) s += Number(org[i]) * ow[i];
  const oc = 11 - (s % 11);
  const body = `91441900${org}${oc === 10 ? 'X' : oc === 11 ? '0' : String(oc)}`;
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  s = 0;
  for (let i = 0; i < 17; i++) s += C.indexOf(body[i]) * w[i];
  return body + C[(31 - (s % 31)) % 31];
}

function workdays(from, k) {
  const r = spawnSync(BIN, ['workdays', 'add', from, String(k)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

async function doc(c) {
  n++;
  const r = await c.post('/api/v1/files?purpose=document', png(30 + n, 40), PNG);
  assert.equal(r.status, 201, r.text);
  return r.body.data.id;
}

async function application(c, over = {}) {
  return {
    place_name: `东城示例酒店${n}`, address: '东莞市东城街道示例路8号', use: '宾馆', area_m2: 1800, capacity: 300,
    route: 'commitment', commitment: { version: rules.commitment.version, accepted: true },
    documents: { licence: await doc(c), rules: await doc(c) }, ...over,
  };
}

async function verifyCode(code) {
  const r = await fetch(`${srv.base}/api/v1/public/ecert/verify?code=${encodeURIComponent(code)}`);
  return { status: r.status, body: await r.json() };
}

before(async () => {
  srv = new Server();
  await srv.start();
  srv.addUser('pm.off', 'officer', `town:${A}`);
  srv.addUser('pm.offb', 'officer', `town:${B}`);
  [off, offB] = await Promise.all(['pm.off', 'pm.offb'].map((l) => srv.login(l)));
  const r = await off.post('/api/v1/units', { name: '东城示例酒店管理有限公司', address: '东莞市东城街道示例路8号', town: A,
    uscc: uscc(1), categories: ['public_gathering'] });
  assert.equal(r.status, 201, r.text);
  unit = r.body.data;
  srv.addUser('pm.unit', 'unit', `unit:${unit.id}`);
  unitC = await srv.login('pm.unit');
  rules = (await unitC.get('/api/v1/permits/rules')).body.data;
});
after(async () => { await srv?.close(); });

test('PRM-001 the rules: clocks with their sources, uses, the commitment text', async () => {
  assert.equal(rules.format, 'firewarden-permit-rules-v1');
  assert.equal(rules.clocks.verify_days.value, 20);
  assert.equal(rules.clocks.inspect_days.value, 5);
  assert.equal(rules.clocks.decide_after_inspection_days.value, 3);
  assert.ok(rules.uses.includes('宾馆'));
  assert.match(rules.commitment.text, /承诺/);
});

test('PRM-002..004 bad applications are named and nothing is stored', async () => {
  const good = await application(unitC);
  const count = srv.count('permits');
  const bad = [
    [{ ...good, use: '工厂' }, 400, 'use'],
    [{ ...good, area_m2: -5 }, 400, 'area_m2'],
    [{ ...good, capacity: 0 }, 400, 'capacity'],
    [{ ...good, route: 'fast' }, 400, 'route'],
    [{ ...good, commitment: undefined }, 400, 'commitment'],
    [{ ...good, commitment: { version: '1999.1', accepted: true } }, 400, 'commitment.version'],
    [{ ...good, commitment: { version: rules.commitment.version, accepted: false } }, 400, 'commitment.accepted'],
    [{ ...good, route: 'inspection' }, 400, 'commitment'],
    [{ ...good, documents: { rules: good.documents.rules } }, 400, 'documents.licence'],
    [{ ...good, documents: { ...good.documents, licence: '999' } }, 404, 'documents'],
    [{ ...good, place_name: 'x' }, 400, 'place_name'],
    [{ ...good, colour: 'red' }, 400, 'colour'],
  ];
  for (const [body, status, field] of bad) {
    assertError(assert, await unitC.post('/api/v1/permits', body), status, undefined, field);
  }
  // A photo is not a document of this purpose.
  const ph = (await unitC.post('/api/v1/files?purpose=photo', png(9, 9), PNG)).body.data.id;
  assertError(assert, await unitC.post('/api/v1/permits', { ...good, documents: { ...good.documents, licence: ph } }), 400, undefined, 'documents');
  // Another town's officer cannot apply for this unit.
  assertError(assert, await offB.post('/api/v1/permits', { ...good, unit_id: unit.id }), 404, undefined, 'unit_id');
  assert.equal(srv.count('permits'), count);
});

test('PRM-005..009, PRM-011..015 commitment route: issued with a certificate, verified, mismatch, notice, re-check, revoked', async () => {
  let r = await unitC.post('/api/v1/permits', await application(unitC));
  assert.equal(r.status, 201, r.text);
  let p = r.body.data;
  assert.equal(p.status, 'submitted');
  assert.equal(p.route, 'commitment');
  assert.equal(p.step_due, workdays(today(), 1));
  assert.match(p.no, /^XKSQ\d{10}$/);
  // The unit cannot decide its own application.
  assertError(assert, await unitC.post(`/api/v1/permits/${p.id}/issue`, {}, im(p.version)), 403);
  assertError(assert, await offB.post(`/api/v1/permits/${p.id}/issue`, {}, im(p.version)), 404);
  r = await off.post(`/api/v1/permits/${p.id}/issue`, { note: '材料齐全，当场许可' }, im(p.version));
  assert.equal(r.status, 200, r.text);
  p = r.body.data;
  assert.equal(p.status, 'issued');
  assert.match(p.permit_no, /^东莞消安检字〔\d{4}〕第\d{6}号$/);
  assert.equal(p.verify_status, 'pending');
  // PRM-009: the unit's risk grade sets how soon it is verified.
  const grade = (await off.get(`/api/v1/units/${unit.id}`)).body.data.risk_grade;
  const days = rules.verify_days_by_grade[grade] ?? rules.clocks.verify_days.value;
  assert.ok(days <= 20);
  assert.equal(p.verify_due, workdays(today(), days));
  // The certificate: its QR text verifies online as valid.
  const g = (await unitC.get(`/api/v1/permits/${p.id}`)).body.data;
  const cert = g.certificate;
  assert.equal(cert.status, 'valid');
  assert.match(cert.code, /^FWC1\./);
  let v = await verifyCode(cert.code);
  assert.equal(v.status, 200, JSON.stringify(v.body));
  assert.equal(v.body.data.valid, true);
  assert.equal(v.body.data.status, 'valid');
  assert.equal(v.body.data.content.no, p.permit_no);
  assert.equal(v.body.data.content.holder, unit.name);
  assert.equal(v.body.data.content.route, 'commitment');
  assert.equal(v.body.data.content.area_m2, 1800);
  assert.match(v.body.data.content.url, /^http:\/\/.+\/public\/ecert$/);
  // … and offline from the CLI with the platform's keys.
  const cli = srv.cli(['ecert', 'verify', cert.code]);
  assert.equal(cli.status, 0, cli.stderr);
  // The verification tasks, soonest (and riskiest) first.
  r = await off.get('/api/v1/permits?verify_status=pending&sort=verify_due');
  assert.ok(r.body.data.some((x) => x.id === p.id));
  // Verification: item by item; one mismatch.
  assertError(assert, await off.post(`/api/v1/permits/${p.id}/verify`, { items: [] }, im(p.version)), 400, undefined, 'items');
  assertError(assert, await off.post(`/api/v1/permits/${p.id}/verify`, { items: [{ item: '安全出口', match: 'yes' }] }, im(p.version)), 400, undefined, 'items[0]');
  for (const bad of [{ item: '', match: true }, { item: '喷淋', committed: { a: [1] }, match: true },
    { item: '喷淋', found: 12345, match: true }, { item: 'x'.repeat(201), match: true }]) {
    assertError(assert, await off.post(`/api/v1/permits/${p.id}/verify`, { items: [{ item: '安全出口', match: true }, bad] }, im(p.version)), 400, undefined, 'items[1]');
  }
  r = await off.post(`/api/v1/permits/${p.id}/verify`, {
    items: [
      { item: '安全出口数量', committed: '4 个', found: '4 个', match: true },
      { item: '自动喷水灭火系统', committed: '全覆盖', found: '三层未设置', match: false },
    ], note: '三层喷淋未设置', rectify_days: 10,
  }, im(p.version));
  assert.equal(r.status, 200, r.text);
  p = r.body.data;
  assert.equal(p.verify_status, 'mismatch');
  assert.match(p.notice_no, /^东莞消限字/);
  assert.equal(p.rectify_deadline, workdays(today(), 10));
  assert.equal(p.recheck_due, workdays(p.rectify_deadline, 3));
  r = await unitC.get('/api/v1/notices');
  assert.ok(r.body.data.some((x) => x.kind === 'permit.mismatch'));
  // Re-check: not fixed → revoked, certificate revoked, a credit event.
  const ce = srv.count('credit_events');
  r = await off.post(`/api/v1/permits/${p.id}/recheck`, { fixed: false, note: '逾期仍未设置喷淋' }, im(p.version));
  assert.equal(r.status, 200, r.text);
  p = r.body.data;
  assert.equal(p.status, 'revoked');
  assert.match(p.revocation_no, /^东莞消撤字/);
  assert.equal(srv.count('credit_events'), ce + 1);
  assert.equal(srv.sql(`SELECT kind FROM credit_events WHERE ref_id = ${p.id}`), 'false_commitment');
  v = await verifyCode(cert.code);
  assert.equal(v.body.data.valid, true);      // still signed by the platform
  assert.equal(v.body.data.status, 'revoked');
  assert.equal(v.body.data.revoked_on, today());
  // Nothing more to do on a revoked permit.
  assertError(assert, await off.post(`/api/v1/permits/${p.id}/recheck`, { fixed: true, note: '再次' }, im(p.version)), 422, 'policy', 'status');
  const steps = (await off.get(`/api/v1/permits/${p.id}`)).body.data.steps.map((s) => s.action);
  assert.deepEqual(steps, ['apply', 'issue', 'verify_mismatch', 'revoke']);
  for (const kind of ['notice', 'revocation']) {
    const d = await pdfOf(unitC, `/api/v1/permits/${p.id}/documents/${kind}`);
    assert.equal(d.status, 200, kind);
    assert.equal(d.body.subarray(0, 5).toString(), '%PDF-');
  }
});

test('PRM-012 a matching verification; PRM-014 a fixed re-check', async () => {
  let p = (await unitC.post('/api/v1/permits', await application(unitC))).body.data;
  p = (await off.post(`/api/v1/permits/${p.id}/issue`, {}, im(p.version))).body.data;
  let r = await off.post(`/api/v1/permits/${p.id}/verify`, { items: [{ item: '疏散通道', match: true }] }, im(p.version));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.verify_status, 'matched');
  assert.equal(r.body.data.step_due, null);
  p = (await unitC.post('/api/v1/permits', await application(unitC))).body.data;
  p = (await off.post(`/api/v1/permits/${p.id}/issue`, {}, im(p.version))).body.data;
  p = (await off.post(`/api/v1/permits/${p.id}/verify`, { items: [{ item: '应急照明', match: false }] }, im(p.version))).body.data;
  assert.equal(p.rectify_deadline, workdays(today(), rules.clocks.rectify_default_days.value));
  r = await off.post(`/api/v1/permits/${p.id}/recheck`, { fixed: true, note: '已整改' }, im(p.version));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.verify_status, 'rectified');
  assert.equal(r.body.data.status, 'issued');
});

test('PRM-006, PRM-007, PRM-010 inspection route: inspected, then issued or refused with reasons', async () => {
  let r = await unitC.post('/api/v1/permits', await application(unitC, { route: 'inspection', commitment: undefined }));
  assert.equal(r.status, 201, r.text);
  let p = r.body.data;
  assert.equal(p.step_due, workdays(today(), 5));
  assertError(assert, await off.post(`/api/v1/permits/${p.id}/issue`, {}, im(p.version)), 422, 'policy', 'status');
  r = await off.post(`/api/v1/permits/${p.id}/inspect`, { result: 'pass', note: '现场检查合格' }, im(p.version));
  assert.equal(r.status, 200, r.text);
  p = r.body.data;
  assert.equal(p.status, 'inspected');
  assert.equal(p.step_due, workdays(today(), 3));
  r = await off.post(`/api/v1/permits/${p.id}/issue`, {}, im(p.version));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.status, 'issued');
  assert.equal(r.body.data.verify_status, null);
  // A failed inspection is refused, with reasons.
  p = (await unitC.post('/api/v1/permits', await application(unitC, { route: 'inspection', commitment: undefined }))).body.data;
  p = (await off.post(`/api/v1/permits/${p.id}/inspect`, { result: 'fail', note: '疏散楼梯不符合要求' }, im(p.version))).body.data;
  assertError(assert, await off.post(`/api/v1/permits/${p.id}/issue`, {}, im(p.version)), 422, 'policy', 'status');
  assertError(assert, await off.post(`/api/v1/permits/${p.id}/refuse`, {}, im(p.version)), 400, undefined, 'reasons');
  r = await off.post(`/api/v1/permits/${p.id}/refuse`, { reasons: '疏散楼梯形式不符合国家标准' }, im(p.version));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.status, 'refused');
  assert.match(r.body.data.refusal_no, /^东莞消不许字/);
  assert.equal(r.body.data.cert_id, null);
});

test('PRM-016 a lost certificate is reissued under a new number; the old one answers superseded', async () => {
  let p = (await unitC.post('/api/v1/permits', await application(unitC))).body.data;
  p = (await off.post(`/api/v1/permits/${p.id}/issue`, {}, im(p.version))).body.data;
  const old = (await off.get(`/api/v1/permits/${p.id}`)).body.data.certificate;
  const r = await off.post(`/api/v1/permits/${p.id}/reissue`, { reason: '证书遗失' }, im(p.version));
  assert.equal(r.status, 200, r.text);
  assert.notEqual(r.body.data.permit_no, p.permit_no);
  const cur = (await off.get(`/api/v1/permits/${p.id}`)).body.data.certificate;
  assert.equal(cur.status, 'valid');
  let v = await verifyCode(old.code);
  assert.equal(v.body.data.status, 'superseded');
  assert.equal(v.body.data.superseded_by_no, r.body.data.permit_no);
  v = await verifyCode(cur.code);
  assert.equal(v.body.data.status, 'valid');
});

async function pdfOf(c, path) {
  const r = await fetch(`${srv.base}${path}`, { headers: { Cookie: c.cookie } });
  const body = Buffer.from(await r.arrayBuffer());
  return { status: r.status, type: r.headers.get('content-type'), body };
}

test('PRM-017 the certificate as PDF: number, holder, Chinese text, and a QR code that decodes to the FWC1 text', async () => {
  let p = (await unitC.post('/api/v1/permits', await application(unitC))).body.data;
  p = (await off.post(`/api/v1/permits/${p.id}/issue`, {}, im(p.version))).body.data;
  const cert = (await unitC.get(`/api/v1/permits/${p.id}`)).body.data.certificate;
  const r = await pdfOf(unitC, `/api/v1/permits/${p.id}/documents/certificate`);
  assert.equal(r.status, 200);
  assert.equal(r.type, 'application/pdf');
  const dir = mkdtempSync(join(tmpdir(), 'fw-cert-'));
  try {
    writeFileSync(join(dir, 'c.pdf'), r.body);
    const t = spawnSync('pdftotext', [join(dir, 'c.pdf'), '-'], { encoding: 'utf8' });
    assert.equal(t.status, 0, t.stderr);
    const text = t.stdout.replace(/\s+/g, '');
    assert.ok(text.includes(p.permit_no), text);
    assert.ok(text.includes(unit.name));
    assert.ok(text.includes('公众聚集场所投入使用、营业前消防安全检查合格证'));
    const f = spawnSync('pdffonts', [join(dir, 'c.pdf')], { encoding: 'utf8' });
    assert.match(f.stdout, /WenQuanYi/);
    // One page, as a certificate is.
    assert.match(spawnSync('pdfinfo', [join(dir, 'c.pdf')], { encoding: 'utf8' }).stdout, /Pages:\s+1\n/);
    const png = spawnSync('pdftoppm', ['-r', '200', '-png', '-singlefile', join(dir, 'c.pdf'), join(dir, 'c')], { encoding: 'utf8' });
    assert.equal(png.status, 0, png.stderr);
    const z = spawnSync('zbarimg', ['--raw', '-q', join(dir, 'c.png')], { encoding: 'utf8' });
    assert.equal(z.status, 0, z.stderr);
    assert.equal(z.stdout.trim(), cert.code);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Documents the application does not have are refused; others' are not found.
  const nope = await off.get(`/api/v1/permits/${p.id}/documents/revocation`);
  assertError(assert, nope, 422, 'policy', 'status');
  assertError(assert, await off.get(`/api/v1/permits/${p.id}/documents/poster`), 404);
  assertError(assert, await offB.get(`/api/v1/permits/${p.id}/documents/certificate`), 404);
});

test('PRM-008 no USCC, no certificate: refused naming uscc, nothing issued', async () => {
  let r = await off.post('/api/v1/units', { name: '无代码示例歌厅', address: '东莞市东城街道示例路9号', town: A });
  const u = r.body.data;
  let p = (await off.post('/api/v1/permits', { ...(await application(off)), unit_id: u.id })).body.data;
  const certs = srv.count('certificates');
  r = await off.post(`/api/v1/permits/${p.id}/issue`, {}, im(p.version));
  assertError(assert, r, 422, 'policy', 'uscc');
  assert.equal(srv.count('certificates'), certs);
  p = (await off.get(`/api/v1/permits/${p.id}`)).body.data;
  assert.equal(p.status, 'submitted');
});

test('PRM-018 the registered place: one of the unit\'s active places, else 404 naming place_id', async () => {
  let r = await off.post(`/api/v1/units/${unit.id}/places`, { name: '东城示例酒店客房部', kind: 'hotel', rooms: 80 });
  assert.equal(r.status, 201, r.text);
  const place = r.body.data;
  r = await off.post('/api/v1/units', { name: '别家示例商场有限公司', address: '东莞市东城街道示例路10号', town: A });
  const other = (await off.post(`/api/v1/units/${r.body.data.id}/places`, { name: '别家商场', kind: 'mall' })).body.data;
  const count = srv.count('permits');
  assertError(assert, await unitC.post('/api/v1/permits', await application(unitC, { place_id: other.id })), 404, 'not_found', 'place_id');
  assertError(assert, await unitC.post('/api/v1/permits', await application(unitC, { place_id: '123456789' })), 404, 'not_found', 'place_id');
  assert.equal(srv.count('permits'), count);
  r = await unitC.post('/api/v1/permits', await application(unitC, { place_id: place.id }));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.data.place_id, place.id);
});

test('lists: the unit sees its own, another town nothing; filters are checked', async () => {
  let r = await unitC.get('/api/v1/permits');
  assert.ok(r.body.page.total >= 5);
  assert.ok(r.body.data.every((x) => x.unit_id === unit.id));
  r = await offB.get('/api/v1/permits');
  assert.equal(r.body.page.total, 0);
  assertError(assert, await off.get('/api/v1/permits?status=open'), 400, 'invalid', 'status');
  assertError(assert, await off.get('/api/v1/permits?sort=name'), 400, 'invalid', 'sort');
  r = await off.get('/api/v1/permits?status=revoked');
  assert.ok(r.body.data.length >= 1 && r.body.data.every((x) => x.status === 'revoked'));
});

test('audit verify --deep covers permits, certificates and credit events', async () => {
  const r = srv.cli(['audit', 'verify', '--deep']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
