// Electronic certificates (specs/ecert-v1.md, docs/modules/ecert.md),
// checked from outside: the published certificate keys, the online check
// of a QR text (verified again here in BigInt SM2 from verify.mjs), a
// changed content or an unknown key answered as invalid, text that is not
// a certificate code refused naming `code`, and the registry's status.
// Certificates are signed with the server's own key file through
// `firewarden ecert sign` (no write route issues them: that is the permit
// module's); the status rows are put in the database directly, standing
// in for that module.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { Server, assertError, responseLog, BIN } from './lib.mjs';
import { sm3, spkiDer, sm2PublicPoint, sm2Verify } from './verify.mjs';

let srv;
let anon;
let key;      // the published key { kid, pem, ... }

const CONTENT = {
  v: 1, type: 'gathering-place-permit', no: '东消投字〔2026〕第0001号',
  holder: '东莞市明珠娱乐有限公司', uscc: '91441900MAC8G9H0J1', place: '明珠KTV',
  address: '东莞市南城街道鸿福路88号', use: '歌舞娱乐', area_m2: 1250, route: 'commitment',
  issued: '2026-03-15', issuer: '东莞市消防救援支队', url: 'https://fw.example.cn/v/0001',
};

before(async () => {
  srv = new Server();
  await srv.start();
  anon = srv.client();
});
after(async () => { await srv?.close(); });

// Compact JSON with keys sorted by UTF-16 code units, which for ASCII
// keys is the bytewise order of the spec.
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function sign(keyFile, content) {
  const r = spawnSync(BIN, ['ecert', 'sign', '--key', keyFile, JSON.stringify(content)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

function parts(code) {
  const [prefix, c, s] = code.split('.');
  return { prefix, content: Buffer.from(c, 'base64url'), sig: Buffer.from(s, 'base64url'), c, s };
}

const verify = (code) => anon.get(`/api/v1/public/ecert/verify?code=${encodeURIComponent(code)}`);

test('ECERT-007 the certificate keys are published as PEM with their kid, apart from the audit key', async () => {
  const r = await anon.get('/api/v1/public/ecert/keys');
  assert.equal(r.status, 200, r.text);
  assert.ok(Array.isArray(r.body.data));
  assert.equal(r.body.data.length, 1);
  [key] = r.body.data;
  assert.deepEqual(Object.keys(key).sort(), ['created_at', 'kid', 'pem', 'retired_at']);
  assert.match(key.kid, /^[0-9a-f]{64}$/);
  assert.equal(sm3(spkiDer(key.pem)).toString('hex'), key.kid, 'kid = SM3 of the DER SubjectPublicKeyInfo');
  assert.equal(key.retired_at, null);
  assert.ok(Number.isInteger(key.created_at) && key.created_at > 0);
  sm2PublicPoint(key.pem);
  const audit = await anon.get('/api/v1/public/audit/keys');
  assert.ok(!audit.body.data.some((k) => k.key_id === key.kid), 'not the audit key');
  const mode = statSync(`${srv.keys}/ecert-sm2.pem`).mode & 0o777;
  assert.equal(mode & 0o077, 0, `key file mode ${mode.toString(8)}`);
  for (const body of responseLog) assert.ok(!/PRIVATE KEY/.test(body), 'a private key in a response');
  // A restart keeps the key.
  await srv.stop();
  await srv.start();
  anon = srv.client();
  const again = await anon.get('/api/v1/public/ecert/keys');
  assert.deepEqual(again.body.data, [key]);
});

test('ECERT-011 a certificate of the platform key verifies online and in BigInt SM2', async () => {
  const code = sign(`${srv.keys}/ecert-sm2.pem`, CONTENT);
  const p = parts(code);
  assert.equal(p.prefix, 'FWC1');
  assert.ok(!/[=+/]/.test(code), 'base64url without padding');
  assert.equal(p.content.toString('utf8'), canonical({ ...CONTENT, kid: key.kid }));
  assert.equal(sm2Verify(sm2PublicPoint(key.pem), p.content, p.sig), true);
  assert.equal(sm2Verify(sm2PublicPoint(key.pem), p.content, p.sig, ''), false, 'not the empty identifier');
  const a0 = await srv.auditSize();
  const r = await verify(code);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.data, {
    valid: true, content: { ...CONTENT, kid: key.kid }, status: 'unknown',
    revoked_on: null, revoke_reason: null, superseded_by_no: null,
  });
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.equal(await srv.auditSize(), a0, 'a check stores nothing');
});

test('ECERT-005 a changed content, a bad signature or an unknown key is answered valid:false with the reason', async () => {
  const code = sign(`${srv.keys}/ecert-sm2.pem`, CONTENT);
  const p = parts(code);
  const changed = Buffer.from(p.content.toString('utf8').replace('"area_m2":1250', '"area_m2":1251'));
  let r = await verify(`FWC1.${changed.toString('base64url')}.${p.s}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.valid, false);
  assert.equal(r.body.data.reason, 'bad_signature');
  assert.equal(typeof r.body.data.message, 'string');
  assert.equal(r.body.data.status, 'unknown');
  assert.equal(r.body.data.content.area_m2, 1251, 'the content as decoded');
  const sig = Buffer.from(p.sig);
  sig[sig.length - 1] ^= 1;
  r = await verify(`FWC1.${p.c}.${sig.toString('base64url')}`);
  assert.equal(r.body.data.valid, false);
  assert.equal(r.body.data.reason, 'bad_signature');
  // A key the platform does not hold.
  const other = `${srv.dir}/other.pem`;
  const g = spawnSync('openssl', ['genpkey', '-algorithm', 'SM2', '-out', other], { encoding: 'utf8' });
  assert.equal(g.status, 0, g.stderr);
  const foreign = sign(other, CONTENT);
  r = await verify(foreign);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.valid, false);
  assert.equal(r.body.data.reason, 'unknown_key');
  assert.notEqual(r.body.data.content.kid, key.kid);
  // Signed, but not canonical content.
  const loose = Buffer.from(JSON.stringify({ ...CONTENT, kid: key.kid }, null, 1));
  writeFileSync(`${srv.dir}/loose.bin`, loose);
  const s = spawnSync('openssl', ['pkeyutl', '-sign', '-inkey', `${srv.keys}/ecert-sm2.pem`, '-rawin',
    '-digest', 'sm3', '-pkeyopt', 'distid:1234567812345678', '-in', `${srv.dir}/loose.bin`]);
  assert.equal(s.status, 0, String(s.stderr));
  r = await verify(`FWC1.${loose.toString('base64url')}.${s.stdout.toString('base64url')}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.valid, false);
  assert.equal(r.body.data.reason, 'not_canonical');
});

test('ECERT-005 text that is not a certificate code is a 400 naming code', async () => {
  const code = sign(`${srv.keys}/ecert-sm2.pem`, CONTENT);
  const p = parts(code);
  assertError(assert, await anon.get('/api/v1/public/ecert/verify'), 400, 'missing', 'code');
  for (const bad of ['garbage', `FWC2.${p.c}.${p.s}`, `FWC1.${p.c}`, `FWC1.${p.c}.${p.s}.${p.s}`,
    `FWC1.${p.c}.${p.s}=`, `FWC1.${p.content.toString('base64')}.${p.s}`, `${code} `,
    `FWC1.${Buffer.from('[1]').toString('base64url')}.${p.s}`, `FWC1.${'A'.repeat(9000)}.${p.s}`]) {
    assertError(assert, await verify(bad), 400, 'invalid', 'code');
  }
});

test('ECERT-009 ECERT-010 the registry status: revoked with date and reason, superseded by a number', async () => {
  const q = (s) => `'${s.replace(/'/g, "''")}'`;
  const rows = [
    ['7001', 'A-1', 'revoked', "'2026-03-20'", q('场所擅自改变使用性质'), 'NULL'],
    ['7003', 'C-1', 'valid', 'NULL', 'NULL', 'NULL'],
    ['7002', 'B-1', 'superseded', 'NULL', 'NULL', '7003'],
  ];
  const codes = {};
  for (const [id, no, status, on, reason, by] of rows) {
    const code = sign(`${srv.keys}/ecert-sm2.pem`, { ...CONTENT, no });
    codes[no] = code;
    const p = parts(code);
    srv.sql(`INSERT INTO certificates (id, no, type, subject_type, subject_id, kid, content, signature, code,
      status, issued_on, revoked_on, revoke_reason, superseded_by, created_at, created_by, updated_at)
      VALUES (${id}, ${q(no)}, 'gathering-place-permit', 'permit', 1, ${q(key.kid)}, ${q(p.content.toString('utf8'))},
      ${q(p.s)}, ${q(code)}, '${status}', '2026-03-15', ${on}, ${reason}, ${by}, 1, 'system', 1)`);
  }
  let r = await verify(codes['A-1']);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.valid, true, 'a revoked certificate still has a valid signature');
  assert.equal(r.body.data.status, 'revoked');
  assert.equal(r.body.data.revoked_on, '2026-03-20');
  assert.equal(r.body.data.revoke_reason, '场所擅自改变使用性质');
  r = await verify(codes['B-1']);
  assert.equal(r.body.data.status, 'superseded');
  assert.equal(r.body.data.superseded_by_no, 'C-1');
  r = await verify(codes['C-1']);
  assert.equal(r.body.data.status, 'valid');
  assert.equal(r.body.data.superseded_by_no, null);
  // The same number with other content is not the registered certificate.
  r = await verify(sign(`${srv.keys}/ecert-sm2.pem`, { ...CONTENT, no: 'A-1', area_m2: 1 }));
  assert.equal(r.body.data.valid, true);
  assert.equal(r.body.data.status, 'unknown');
});
