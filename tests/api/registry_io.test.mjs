// The registry's bulk and rule-driven parts over HTTP and the command line
// (docs/modules/registry.md): CSV import with dry run and an exact
// per-row report, idempotent on USCC (REG-025..REG-028); CSV and XLSX
// exports with Chinese headers, masked personal data, audited (REG-029,
// P-2, L-4); key-unit proposals and confirmed classifications with rule
// ids and the rules' version (REG-023, REG-024); the demo city, the same
// for the same seed and with valid USCCs (REG-030), including
// `serve --seed-demo-if-empty`; `audit verify --deep` after it all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, assertError, BIN } from './lib.mjs';

const A = '441900003';   // 东城街道
const B = '441900121';   // 虎门镇

let srv;
let off;     // officer, city
let offA;    // officer, town A
let lead;    // leader, city (registry:read only)
let aud;     // auditor
let work;    // a scratch directory

const HEADER = '单位名称,统一社会信用代码,法定代表人,住所,经营场所,镇街,行业,成立日期,注册资本\r\n';
// Good rows, a duplicate USCC, bad rows, a blank line, a broken encoding.
const FILE = Buffer.concat([
  Buffer.from(HEADER
    + '东莞市甲五金制品有限公司,914403001922038216,张三丰,东莞市虎门镇甲路1号,东莞市虎门镇甲路2号,虎门,C33,2019-03-28,100万\r\n'
    + '东莞市乙电子科技有限公司,9144030071526726xg,李四,东莞市长安镇乙路3号,,长安镇,C39,2020/1/5,\r\n'
    + '"东莞市""丙""贸易有限公司",91440300708461136T,王五,"东莞市东城街道丙路4号,A座",,441900003,,,\r\n'
    + '重复的公司,914403001922038216,赵六,东莞市虎门镇丁路5号,,虎门,,,\r\n'
    + '校验错误公司,914403001922038217,,东莞市虎门镇戊路6号,,虎门,,,\r\n'
    + '未知镇街公司,91441900MAC8G9H0J1,,东莞市某路7号,,火星镇,,,\r\n'
    + ',91441900000000019B,,东莞市某路8号,,虎门,,,\r\n'
    + '\r\n'),
  Buffer.from('坏编码公司,914419000000000298,'), Buffer.from([0xff, 0xfe]),
  Buffer.from(',东莞市某路9号,,虎门,,,\r\n'
    + '日期错误公司,91441900MAC8G9H0J1,,东莞市某路10号,,莞城,,2019-02-30,\r\n'),
]);
const WANT_ERRORS = [
  { row: 5, field: 'uscc', reason: 'USCC already on row 2 (REG-027)' },
  { row: 6, field: 'uscc', reason: 'USCC check character should be 6' },
  { row: 7, field: 'town', reason: 'unknown town 火星镇 (REG-001)' },
  { row: 8, field: 'name', reason: 'name is required' },
  { row: 10, field: 'row', reason: 'the row is not valid UTF-8 (the file is read as UTF-8)' },
  { row: 11, field: 'registered_on', reason: 'registered_on must be a date like 2019-03-28 (REG-032)' },
];

const CSV = { 'Content-Type': 'text/csv' };

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

async function count(table, where = '') {
  return Number(srv.sql(`SELECT COUNT(*) FROM ${table} ${where}`));
}

// RFC 4180, enough for our own exports.
function parseCsv(text) {
  const rows = [];
  let row = [];
  let f = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { f += '"'; i++; } else if (c === '"') q = false; else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(f); f = ''; } else if (c === '\r') { /* CRLF */ } else if (c === '\n') { row.push(f); rows.push(row); row = []; f = ''; } else f += c;
  }
  if (f !== '' || row.length) { row.push(f); rows.push(row); }
  return rows;
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

before(async () => {
  work = mkdtempSync(join(process.env.FW_TMP || tmpdir(), 'fwio-'));
  srv = new Server();
  await srv.start();
  srv.addUser('io.off', 'officer', 'city');
  srv.addUser('io.offa', 'officer', `town:${A}`);
  srv.addUser('io.lead', 'leader', 'city');
  srv.addUser('io.aud', 'auditor', 'city');
  [off, offA, lead, aud] = await Promise.all(['io.off', 'io.offa', 'io.lead', 'io.aud'].map((l) => srv.login(l)));
});
after(async () => {
  await srv?.close();
  rmSync(work, { recursive: true, force: true });
});

test('REG-025..028 import: exact per-row report, dry run stores nothing, the same file twice changes nothing', async () => {
  const a0 = await srv.auditSize();
  // The route takes text/csv and nothing else; it needs a mode.
  assertError(assert, await off.post('/api/v1/units/import?mode=commit', FILE, { 'Content-Type': 'application/json' }),
    415, 'unsupported_media_type', 'Content-Type');
  assertError(assert, await off.post('/api/v1/units/import?mode=commit', FILE, { 'Content-Type': 'text/plain' }), 415);
  assertError(assert, await off.post('/api/v1/units/import', FILE, CSV), 400, 'invalid', 'mode');
  assertError(assert, await off.post('/api/v1/units/import?mode=commit', FILE, { ...CSV, 'X-CSRF-Token': null }), 403, 'csrf');
  assertError(assert, await lead.post('/api/v1/units/import?mode=commit', FILE, CSV), 403, 'forbidden');
  assertError(assert, await off.post('/api/v1/units/import?mode=commit', '', CSV), 400, 'invalid', 'file');
  assertError(assert, await off.post('/api/v1/units/import?mode=commit', 'name,town\nx,y\n', CSV), 400, 'invalid', 'header');
  // Refusals before the import are audited as refusals only.
  assert.equal(await count('units'), 0);

  let r = await off.post('/api/v1/units/import?mode=dry-run', FILE, CSV);
  assert.equal(r.status, 200, r.text);
  let rep = r.body.data;
  assert.equal(rep.mode, 'dry-run');
  assert.equal(rep.encoding, 'UTF-8');
  assert.deepEqual([rep.rows, rep.created, rep.updated, rep.unchanged, rep.rejected], [9, 3, 0, 0, 6]);
  assert.deepEqual(rep.errors, WANT_ERRORS);
  assert.deepEqual(rep.ignored_columns, ['注册资本']);
  assert.equal(await count('units'), 0, 'a dry run stores no unit');
  assert.equal(await count('unit_contacts'), 0);

  r = await off.post('/api/v1/units/import?mode=commit', FILE, CSV);
  assert.equal(r.status, 200, r.text);
  rep = r.body.data;
  assert.equal(rep.mode, 'commit');
  assert.deepEqual([rep.created, rep.updated, rep.unchanged, rep.rejected], [3, 0, 0, 6]);
  assert.deepEqual(rep.errors, WANT_ERRORS);
  assert.equal(rep.changed, true);
  assert.equal(await count('units'), 3);
  // One entry per unit, and one per import (dry run included).
  assert.equal(await auditCount('unit.create'), 3);
  assert.equal(await auditCount('unit.import'), 2);
  assert.ok(await srv.auditSize() >= a0 + 5);
  // P-1: the legal representatives are sealed, shown masked.
  assert.equal(srv.sql("SELECT COUNT(*) FROM unit_contacts WHERE name_sealed LIKE '%张三丰%'"), '0');
  r = await off.get('/api/v1/units?q=914403001922038216');
  assert.equal(r.body.page.total, 1);
  const u = (await off.get(`/api/v1/units/${r.body.data[0].id}`)).body.data;
  assert.equal(u.legal_rep_name, '张**');
  assert.equal(u.town, B);
  assert.equal(u.address, '东莞市虎门镇甲路2号', 'the business address');
  assert.equal(u.industry, 'C33');

  const before2 = await srv.auditSize();
  r = await off.post('/api/v1/units/import?mode=commit', FILE, CSV);
  assert.equal(r.status, 200, r.text);
  rep = r.body.data;
  assert.deepEqual([rep.created, rep.updated, rep.unchanged, rep.rejected], [0, 0, 3, 6]);
  assert.equal(rep.changed, false);
  assert.match(rep.summary, /^nothing changed/);
  assert.equal(await srv.auditSize(), before2 + 1, 'only the import itself is recorded');
  assert.equal(await count('units'), 3);
});

test('I-1 a CSV import may exceed the 1 MiB JSON limit (up to 16 MiB); JSON bodies may not', async () => {
  // About 12 000 rows, 1.3 MiB: larger than any JSON body may be.
  let body = HEADER;
  for (let i = 0; i < 12000; i++) {
    body += `东莞市大文件测试第${i}号五金制品有限公司,${uscc(50000000 + i)},,东莞市虎门镇测试路${i}号,,虎门,,,\r\n`;
  }
  const buf = Buffer.from(body);
  assert.ok(buf.length > 1 << 20, `${buf.length} bytes`);
  const units0 = await count('units');
  const r = await off.post('/api/v1/units/import?mode=dry-run', buf, CSV);
  assert.equal(r.status, 200, r.text.slice(0, 300));
  assert.equal(await count('units'), units0, 'a dry run stores nothing');
  // A JSON body of the same size is still refused.
  const big = JSON.stringify({ name: 'x'.repeat(buf.length) });
  assertError(assert, await off.post('/api/v1/units', big), 413, 'too_large');
  // And a CSV past 16 MiB too, before it is read.
  const huge = Buffer.alloc((16 << 20) + 1, 0x41);
  assertError(assert, await off.post('/api/v1/units/import?mode=dry-run', huge, CSV), 413, 'too_large');
});

test('REG-026 import: GB18030 by detection or charset; a town officer imports into their town only', async () => {
  const text = `名称,统一社会信用代码,镇街,地址\n东莞某某酒店,${uscc(501)},东城,东莞市东城街道某路1号\n`
    + `虎门某某酒店,${uscc(502)},虎门,东莞市虎门镇某路2号\n`;
  // Node has no GB18030 encoder: iconv makes the file.
  const conv = spawnSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030'], { input: Buffer.from(text) });
  assert.equal(conv.status, 0);
  const body = conv.stdout;
  assert.notDeepEqual(body, Buffer.from(text));
  let r = await offA.post('/api/v1/units/import?mode=commit', body, { 'Content-Type': 'text/csv; charset=gb18030' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.encoding, 'GB18030');
  assert.equal(r.body.data.created, 1);
  assert.deepEqual(r.body.data.errors, [{ row: 3, field: 'town', reason: `town ${B} is outside your jurisdiction (REG-011)` }]);
  r = await offA.get('/api/v1/units?prefix=东莞某某酒店');
  assert.equal(r.body.page.total, 1);
  assert.equal(r.body.data[0].town, A);
  // Detected without the parameter too (dry run).
  r = await off.post('/api/v1/units/import?mode=dry-run', body, CSV);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.encoding, 'GB18030');
  assert.deepEqual([r.body.data.created, r.body.data.unchanged], [1, 1]);
});

test('REG-023/024 classification: a hotel of 50 rooms or more is proposed as a key unit; the officer confirms with rule id and version', async () => {
  let r = await offA.post('/api/v1/units', { name: '东莞某某大酒店', address: '东莞市东城街道某路9号', town: A });
  assert.equal(r.status, 201, r.text);
  const u = r.body.data;
  r = await offA.post(`/api/v1/units/${u.id}/places`, { name: '客房部', kind: 'hotel', rooms: 49 });
  assert.equal(r.status, 201, r.text);
  const place = r.body.data;
  r = await offA.get(`/api/v1/units/${u.id}/classification/proposal`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.data.proposed, []);
  assert.deepEqual(r.body.data.classifiable, ['high_risk', 'key']);
  r = await offA.patch(`/api/v1/places/${place.id}`, { rooms: 50 }, { 'If-Match': `"${place.version}"` });
  assert.equal(r.status, 200, r.text);
  r = await offA.get(`/api/v1/units/${u.id}/classification/proposal`);
  const p = r.body.data;
  assert.deepEqual(p.proposed, ['key']);
  assert.deepEqual(p.matched.map((m) => m.rule_id), ['KU-2001-02']);
  assert.equal(p.matched[0].edition, 'CN-2001');
  assert.equal(p.matched[0].evidence[0].measure, 'rooms');
  assert.equal(p.matched[0].evidence[0].value, 50);
  assert.equal(p.rules_version, '2026.1');
  assert.match(p.rules_sm3, /^[0-9a-f]{64}$/);
  assert.equal(p.unit_version, 1);
  assert.equal(p.decision, null);

  const body = { categories: ['key'], rule_ids: ['KU-2001-02'] };
  assertError(assert, await offA.post(`/api/v1/units/${u.id}/classification`, body), 428, 'precondition_required');
  assertError(assert, await offA.post(`/api/v1/units/${u.id}/classification`, body, { 'If-Match': '"7"' }), 412, 'precondition_failed');
  assertError(assert, await lead.post(`/api/v1/units/${u.id}/classification`, body, { 'If-Match': '"1"' }), 403, 'forbidden');
  assertError(assert, await offA.post(`/api/v1/units/${u.id}/classification`, { categories: ['key'], rule_ids: ['KU-9'] }, { 'If-Match': '"1"' }),
    400, 'invalid', 'rule_ids');
  assertError(assert, await offA.post(`/api/v1/units/${u.id}/classification`, { categories: [], rule_ids: [] }, { 'If-Match': '"1"' }),
    400, 'missing', 'note');
  assertError(assert, await offA.post(`/api/v1/units/${u.id}/classification`, { ...body, extra: 1 }, { 'If-Match': '"1"' }),
    400, 'unknown_field', 'extra');
  const c0 = await auditCount('unit.classify');
  r = await offA.post(`/api/v1/units/${u.id}/classification`, body, { 'If-Match': '"1"' });
  assert.equal(r.status, 201, r.text);
  const d = r.body.data;
  assert.deepEqual(d.rule_ids, ['KU-2001-02']);
  assert.deepEqual(d.categories, ['key']);
  assert.deepEqual(d.proposed, ['key']);
  assert.equal(d.rules_version, '2026.1');
  assert.equal(d.rules_sm3, p.rules_sm3);
  assert.equal(d.unit_version, 2);
  assert.equal(await auditCount('unit.classify'), c0 + 1);
  r = await offA.get(`/api/v1/units/${u.id}`);
  assert.deepEqual(r.body.data.categories, ['key']);
  assert.equal(r.body.data.version, 2);
  r = await offA.get(`/api/v1/units/${u.id}/classification/proposal`);
  assert.equal(r.body.data.decision.id, d.id);
  assert.deepEqual(r.body.data.current, ['key']);
  // The unit's history shows the change of category.
  r = await offA.get(`/api/v1/units/${u.id}/history`);
  assert.deepEqual(r.body.data.map((e) => e.action), ['unit.create', 'unit.update']);
  assert.equal(srv.sql(`SELECT rule_ids FROM unit_classifications WHERE id = ${d.id}`), '["KU-2001-02"]');
});

test('REG-029 export: CSV with BOM and Chinese headers parses back, personal data masked, audited with the filter', async () => {
  const e0 = await auditCount('unit.export');
  let r = await getBytes(off, `/api/v1/units/export?format=csv&town=${B}`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.match(r.headers.get('content-disposition'), /^attachment; filename="units-\d+\.csv"$/);
  assert.deepEqual([...r.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = r.bytes.toString('utf8').slice(1);
  assert.ok(!text.includes('张三丰') && !text.includes('李四'), 'names are masked');
  const rows = parseCsv(text);
  assert.deepEqual(rows[0], ['单位名称', '统一社会信用代码', '法定代表人', '地址', '镇街', '镇街代码', '网格', '行业',
    '单位类别', '三小场所类型', '状态', '风险等级', '单位编号', '更新时间', '住所', '成立日期']);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[1].slice(0, 6), ['东莞市甲五金制品有限公司', '914403001922038216', '张**', '东莞市虎门镇甲路2号', '虎门镇', B]);
  assert.equal(rows[1][8], '一般单位');
  assert.equal(rows[1][10], '正常');
  assert.equal(await auditCount('unit.export'), e0 + 1);
  const s = await aud.get('/api/v1/audit/search?action=unit.export&limit=1');
  assert.match(s.body.data[0].object, /^export\/\d+$/);
  const [format, filter, n] = srv.sql('SELECT format, filter, rows FROM unit_exports ORDER BY id DESC LIMIT 1').split('|');
  assert.equal(format, 'csv');
  assert.deepEqual(JSON.parse(filter), { town: B });
  assert.equal(Number(n), 1);
  // The list's filters, the list's jurisdiction.
  r = await getBytes(offA, '/api/v1/units/export?format=csv');
  const mine = parseCsv(r.bytes.toString('utf8').slice(1)).slice(1);
  assert.ok(mine.length >= 2);
  assert.ok(mine.every((row) => row[5] === A));
  r = await getBytes(off, '/api/v1/units/export?format=csv&category=key&sort=-name');
  assert.equal(parseCsv(r.bytes.toString('utf8').slice(1)).length, 2);
  assertError(assert, await off.get('/api/v1/units/export?format=pdf'), 400, 'invalid', 'format');
  assertError(assert, await off.get('/api/v1/units/export?category=castle'), 400, 'invalid', 'category');
  assertError(assert, await off.get('/api/v1/units/export?sort=uscc'), 400, 'invalid', 'sort');
  assertError(assert, await aud.get('/api/v1/units/export'), 403, 'forbidden');
});

test('REG-029 export: XLSX with Chinese headers, column widths and a frozen header row', async () => {
  const r = await getBytes(off, '/api/v1/units/export?format=xlsx');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const file = join(work, 'units.xlsx');
  writeFileSync(file, r.bytes);
  const list = spawnSync('unzip', ['-l', file], { encoding: 'utf8' });
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /xl\/worksheets\/sheet1\.xml/);
  const sheet = spawnSync('unzip', ['-p', file, 'xl/worksheets/sheet1.xml'], { encoding: 'utf8' }).stdout;
  // Constant-memory mode writes strings inline (no sharedStrings.xml).
  for (const h of ['单位名称', '统一社会信用代码', '法定代表人', '单位类别', '更新时间']) assert.ok(sheet.includes(h), h);
  assert.match(sheet, /<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"\/>/);
  assert.match(sheet, /<col min="1" max="1" width="40\.\d+" customWidth="1"\/>/);
  assert.ok(sheet.includes('东莞市甲五金制品有限公司'));
  assert.ok(sheet.includes('张**') && !sheet.includes('张三丰'));
  const wb = spawnSync('unzip', ['-p', file, 'xl/workbook.xml'], { encoding: 'utf8' }).stdout;
  assert.match(wb, /<sheet name="单位"/);
});

test('CLI: import units (exit 1 when rows are rejected, 0 when none), export units, audit verify --deep', async () => {
  const f = join(work, 'units.csv');
  writeFileSync(f, FILE);
  let r = srv.cli(['import', 'units', f, '--dry-run']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^nothing would be changed: 0 to be created, 0 to be updated, 3 unchanged, 6 rejected$/m);
  assert.match(r.stderr, /^row 5: uscc: USCC already on row 2 \(REG-027\)$/m);
  assert.match(r.stderr, /^row 10: row: the row is not valid UTF-8/m);
  const good = join(work, 'good.csv');
  writeFileSync(good, `name,uscc,town,address,legal_rep\n东莞市丁有限公司,${uscc(503)},莞城,东莞市莞城街道某路1号,钱七\n`);
  r = srv.cli(['import', 'units', good]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^1 created, 0 updated, 0 unchanged, 0 rejected$/m);
  assert.match(r.stdout, /^import \d+ \(commit\): 1 rows in /m);
  assert.equal(srv.cli(['import', 'units']).status, 2);
  assert.equal(srv.cli(['import', 'units', join(work, 'missing.csv')]).status, 3);
  r = spawnSync(BIN, ['export', 'units', '--format', 'csv', '--town', B, '--db', srv.db, '--keys', srv.keys], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const rows = parseCsv(r.stdout.slice(1));
  assert.equal(rows[0][0], '单位名称');
  assert.ok(rows.slice(1).every((row) => row[5] === B));
  assert.match(r.stderr, /^exported \d+ units \(csv, \d+ bytes\)$/m);
  assert.equal(srv.cli(['export', 'units', '--format', 'pdf']).status, 2);
  r = srv.cli(['export', 'units', '--category', 'castle']);
  assert.equal(r.status, 4);
  r = srv.cli(['audit', 'verify', '--deep']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /every record matches/);
});

// A fresh database (SQLite file or PostgreSQL schema) for a CLI run.
async function withDb(fn) {
  const s = new Server();
  try { return await fn(s); } finally { await s.close(); }
}

test('REG-030 seed-demo: the same seed gives the same digest and data; USCCs valid; only an empty registry', async () => {
  const run = (s, seed) => {
    const r = s.cli(['seed-demo', '--units', '400', '--seed', String(seed)]);
    assert.equal(r.status, 0, r.stderr);
    return /^digest ([0-9a-f]{64})$/m.exec(r.stdout)[1];
  };
  const content = (s) => s.sql('SELECT name, uscc, address, town_code, categories FROM units ORDER BY uscc, name, address');
  const [d1, c1, usccs] = await withDb(async (s) => {
    const d = run(s, 11);
    assert.equal(s.cli(['seed-demo', '--units', '5']).status, 4, 'not twice');
    const r = s.cli(['audit', 'verify', '--deep']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    return [d, content(s), s.sql('SELECT uscc FROM units WHERE uscc IS NOT NULL').split('\n')];
  });
  const [d2, c2] = await withDb(async (s) => [run(s, 11), content(s)]);
  const d3 = await withDb(async (s) => run(s, 12));
  assert.equal(d1, d2);
  assert.equal(c1, c2);
  assert.notEqual(d1, d3);
  assert.ok(usccs.length > 250);
  for (const u of usccs.slice(0, 40)) {
    assert.match(u, /^(91|92|12|52)441900[0-9A-HJ-NPQRTUWXY]{10}$/);
    const r = spawnSync(BIN, ['check', 'uscc', u], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${u}: ${r.stdout}`);
    assert.equal(r.stderr, '', `${u}: no org-code warning`);
  }
  assert.equal(new Set(usccs).size, usccs.length);
});

test('REG-030 serve --seed-demo-if-empty seeds the first start only', async () => {
  const s = new Server();
  try {
    await s.start(['--seed-demo-if-empty', '300']);
    s.addUser('io.demo', 'officer', 'city');
    let c = await s.login('io.demo');
    let r = await c.get('/api/v1/units?limit=1');
    assert.equal(r.body.page.total, 300);
    r = await c.get('/api/v1/units?category=three_small&limit=1');
    assert.ok(r.body.page.total > 50);
    await s.stop();
    await s.start(['--seed-demo-if-empty', '300']);
    c = await s.login('io.demo');
    r = await c.get('/api/v1/units?limit=1');
    assert.equal(r.body.page.total, 300, 'no second city');
    assert.equal(s.sql('SELECT COUNT(*) FROM demo_seeds'), '1');
  } finally {
    await s.close();
  }
});
