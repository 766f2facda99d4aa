// The audit trail of specs/audit-log-v1.md, checked from outside: entries,
// leaf hashes and roots recomputed with SM3, SM2 signatures of tree heads
// verified (in BigInt arithmetic and with the openssl command), inclusion
// and consistency proofs checked with the algorithms of RFC 9162, and
// `firewarden audit verify [--deep]` catching edits made in the database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, statSync, readFileSync } from 'node:fs';
import { Server, assertError, responseLog, BIN, PASSWORD, PASSWORD2 } from './lib.mjs';
import {
  sm3, leafHash, nodeHash, merkleRoot, verifyInclusion, verifyConsistency, sthText,
  sm2PublicPoint, sm2Verify, spkiDer,
} from './verify.mjs';

let srv;
let sys;
let sec;
let aud;
const made = [];     // { id, requestId } of users created by the script
const t0 = Math.floor(Date.now() / 1000);
let sth1;
let sth2;
let entries;         // [{ index, entry }]
let leaves;          // Buffer[]
let keys;

before(async () => {
  srv = new Server();
  await srv.start();
  srv.addUser('a.sys', 'sysadmin');
  srv.addUser('a.sec', 'secadmin');
  srv.addUser('a.aud', 'auditor');
  [sys, sec, aud] = await Promise.all([srv.login('a.sys'), srv.login('a.sec'), srv.login('a.aud')]);
});
after(async () => { await srv?.close(); });

async function createUser(n) {
  const r = await sys.post('/api/v1/users', { login: `a.user${n}`, display_name: `审计用户${n}`,
    roles: ['officer'], jurisdiction: 'town:441900003', password: PASSWORD });
  assert.equal(r.status, 201, r.text);
  made.push({ id: r.body.data.id, requestId: r.headers.get('x-request-id'), version: r.body.data.version });
  return r;
}

async function signNow() {
  const r = await aud.post('/api/v1/audit/sth');
  assert.equal(r.status, 201, r.text);
  return r.body.data;
}

function openssl(args, input) {
  return spawnSync('openssl', args, { input, encoding: 'utf8' });
}

test('L-1 a scripted series of changes, with two signed tree heads', async () => {
  for (let i = 0; i < 5; i++) await createUser(i);
  const u = made[0];
  let r = await sys.patch(`/api/v1/users/${u.id}`, { display_name: '改名' }, { 'If-Match': `"${u.version}"` });
  assert.equal(r.status, 200, r.text);
  r = await sys.post(`/api/v1/users/${made[1].id}/disable`);
  assert.equal(r.status, 200, r.text);
  const size = await srv.auditSize();
  sth1 = await signNow();
  // The head covers the log as it was; the signing itself is audited after.
  assert.equal(sth1.tree_size, size);
  assert.equal(await srv.auditSize(), size + 1);
  for (let i = 5; i < 9; i++) await createUser(i);
  const g = await sec.get('/api/v1/roles/grid');
  r = await sec.put('/api/v1/roles/grid/permissions', { permissions: [...g.body.data.permissions, 'hazard:judge'] },
    { 'If-Match': g.headers.get('etag') });
  assert.equal(r.status, 200, r.text);
  const c = await srv.login('a.user2');
  r = await c.post('/api/v1/me/password', { old_password: PASSWORD, new_password: PASSWORD2 });
  assert.equal(r.status, 200, r.text);
  assert.equal((await c.post('/api/v1/auth/logout')).status, 200);
  assertError(assert, await srv.client().post('/api/v1/auth/login', { login: 'a.user3', password: 'Wrong-Passw0rd!' }), 401, 'bad_login');
  sth2 = await signNow();
  assert.ok(sth2.tree_size > sth1.tree_size);
  // Every signed head is kept and served by size; the newest is at least
  // as large (the scheduler may have signed the audit.sign entry since).
  assert.deepEqual((await srv.client().get(`/api/v1/public/audit/sth?size=${sth2.tree_size}`)).body.data, sth2);
  assert.ok((await srv.client().get('/api/v1/public/audit/sth')).body.data.tree_size >= sth2.tree_size);
  assert.deepEqual((await srv.client().get(`/api/v1/public/audit/sth?size=${sth1.tree_size}`)).body.data, sth1);
});

test('tree heads have the shape of the spec', () => {
  for (const h of [sth1, sth2]) {
    assert.deepEqual(Object.keys(h).sort(), ['key_id', 'root_hash', 'signature', 'timestamp', 'tree_size']);
    assert.match(h.root_hash, /^[0-9a-f]{64}$/);
    assert.match(h.key_id, /^[0-9a-f]{64}$/);
    assert.ok(Number.isInteger(h.timestamp) && h.timestamp >= t0 * 1000 && h.timestamp <= Date.now(), 'timestamp in ms');
    assert.match(h.signature, /^[A-Za-z0-9+/]+={0,2}$/);
  }
  assert.ok(sth2.timestamp >= sth1.timestamp);
});

test('public keys: key_id is the SM3 of the DER SubjectPublicKeyInfo; no private key anywhere', async () => {
  const r = await srv.client().get('/api/v1/public/audit/keys');
  assert.equal(r.status, 200);
  keys = r.body.data;
  assert.ok(Array.isArray(keys) && keys.length >= 1);
  for (const k of keys) {
    assert.deepEqual(Object.keys(k).sort(), ['key_id', 'pem']);
    assert.match(k.pem, /^-----BEGIN PUBLIC KEY-----\n/);
    assert.equal(sm3(spkiDer(k.pem)).toString('hex'), k.key_id);
    sm2PublicPoint(k.pem);
  }
  assert.ok(keys.some((k) => k.key_id === sth2.key_id));
  for (const body of responseLog) assert.ok(!/PRIVATE KEY/.test(body), 'a private key in a response');
  // The key file is for the server account only.
  const mode = statSync(`${srv.keys}/audit-sm2.pem`).mode & 0o777;
  assert.equal(mode & 0o077, 0, `key file mode ${mode.toString(8)}`);
  assert.match(readFileSync(`${srv.keys}/audit-sm2.pem`, 'utf8'), /PRIVATE KEY/);
});

test('SM2 signatures of the tree heads verify (BigInt and openssl), with the identifier 1234567812345678', () => {
  for (const h of [sth1, sth2]) {
    const k = keys.find((x) => x.key_id === h.key_id);
    const sig = Buffer.from(h.signature, 'base64');
    const text = sthText(h);
    const pub = sm2PublicPoint(k.pem);
    assert.equal(sm2Verify(pub, text, sig), true, 'BigInt SM2 verify');
    assert.equal(sm2Verify(pub, text.replace(/\n$/, ''), sig), false);
    assert.equal(sm2Verify(pub, sthText({ ...h, tree_size: h.tree_size + 1 }), sig), false);
    assert.equal(sm2Verify(pub, text, sig, ''), false, 'not the empty identifier');
    writeFileSync(`${srv.dir}/pub.pem`, k.pem);
    writeFileSync(`${srv.dir}/sig.der`, sig);
    writeFileSync(`${srv.dir}/sth.txt`, text);
    const v = openssl(['dgst', '-sm3', '-verify', `${srv.dir}/pub.pem`, '-signature', `${srv.dir}/sig.der`,
      '-sigopt', 'distid:1234567812345678', `${srv.dir}/sth.txt`]);
    assert.equal(v.status, 0, `openssl: ${v.stdout} ${v.stderr}`);
    assert.match(v.stdout, /Verified OK/);
    writeFileSync(`${srv.dir}/sth.txt`, `${text}x`);
    const bad = openssl(['dgst', '-sm3', '-verify', `${srv.dir}/pub.pem`, '-signature', `${srv.dir}/sig.der`,
      '-sigopt', 'distid:1234567812345678', `${srv.dir}/sth.txt`]);
    assert.notEqual(bad.status, 0);
  }
});

test('entries recompute to the signed roots (SM3 leaves, RFC 9162 tree)', async () => {
  const n = sth2.tree_size;
  const r = await aud.get(`/api/v1/audit/entries?start=0&end=${n}`);
  assert.equal(r.status, 200, r.text);
  entries = r.body.data;
  assert.equal(entries.length, n);
  entries.forEach((e, i) => {
    assert.equal(e.index, i);
    assert.equal(typeof e.entry, 'string');
    const d = JSON.parse(e.entry);
    assert.equal(d.seq, i);
    // Compact JSON, fields in the spec's order.
    assert.equal(JSON.stringify(d), e.entry);
    const order = ['seq', 'at', 'actor', 'action', 'object', 'request_id', 'ip', 'state'];
    const keysIn = Object.keys(d);
    assert.deepEqual(keysIn, order.filter((k) => keysIn.includes(k)), e.entry);
    for (const k of ['seq', 'at', 'actor', 'action', 'request_id', 'ip']) assert.ok(k in d, `${k} in ${e.entry}`);
    assert.ok(Number.isInteger(d.at) && d.at >= t0 - 5 && d.at <= Date.now() / 1000 + 5);
    assert.match(d.actor, /^(\d+|system|public)$/);
    assert.match(d.action, /^[a-z_]+\.[a-z_]+$/);
    if ('state' in d) assert.match(d.state, /^[0-9a-f]{64}$/);
    if ('object' in d) assert.match(d.object, /^[a-z_]+\/.+$/);
  });
  leaves = entries.map((e) => leafHash(e.entry));
  assert.equal(merkleRoot(leaves.slice(0, sth1.tree_size)).toString('hex'), sth1.root_hash);
  assert.equal(merkleRoot(leaves).toString('hex'), sth2.root_hash);
  assert.equal(merkleRoot([]).toString('hex'), sm3(Buffer.alloc(0)).toString('hex'));
  // Past the end: nothing; a bad range names its parameter.
  const past = await aud.get(`/api/v1/audit/entries?start=${n + 100}&end=${n + 110}`);
  assert.deepEqual(past.body.data, []);
  const far = await aud.get('/api/v1/audit/entries?start=9223372036854775807');
  assert.equal(far.status, 200, far.text);
  assert.deepEqual(far.body.data, []);
  const dflt = await aud.get('/api/v1/audit/entries?start=1');
  assert.equal(dflt.body.data.length, Math.min(100, (await srv.auditSize()) - 1));
  assertError(assert, await aud.get('/api/v1/audit/entries?start=0&end=5000'), 400, 'range', 'end');
  assertError(assert, await aud.get('/api/v1/audit/entries?start=5&end=1'), 400, 'range', 'end');
  assertError(assert, await aud.get('/api/v1/audit/entries?start=-1'), 400, 'invalid', 'start');
});

test('entries describe the changes: actor, action, object, request id, ip, state', async () => {
  const byReq = new Map(entries.map((e) => [JSON.parse(e.entry).request_id, JSON.parse(e.entry)]));
  const sysId = (await sys.get('/api/v1/me')).body.data.user.id;
  for (const m of made) {
    const d = byReq.get(m.requestId);
    assert.ok(d, `entry of request ${m.requestId}`);
    assert.equal(d.action, 'user.create');
    assert.equal(d.object, `user/${m.id}`);
    assert.equal(d.actor, sysId);
    assert.equal(d.ip, '127.0.0.1');
  }
  const actions = entries.map((e) => JSON.parse(e.entry).action);
  for (const a of ['user.create', 'user.update', 'user.disable', 'role.update', 'auth.login', 'auth.login_failed',
    'auth.logout', 'user.password_change', 'audit.sign']) {
    assert.ok(actions.includes(a), `an ${a} entry`);
  }
  // state binds the record: recompute it from the user as the API and
  // the database show it (keys sorted, compact; credential = first 16 hex
  // of SM3 of the stored password hash).
  const last = made.at(-1);
  const u = (await sys.get(`/api/v1/users/${last.id}`)).body.data;
  const hash = srv.sql(`SELECT password_hash FROM users WHERE id = ${last.id}`);
  const rec = {
    created_at: u.created_at, credential: sm3(hash).toString('hex').slice(0, 16), display_name: u.display_name,
    id: u.id, jurisdiction: u.jurisdiction, login: u.login, must_change: u.must_change, roles: u.roles,
    status: u.status, totp_enabled: u.totp_enabled, updated_at: u.updated_at, version: u.version,
  };
  const d = byReq.get(last.requestId);
  assert.equal(sm3(JSON.stringify(rec)).toString('hex'), d.state);
  // The object view lists the same entries, oldest first.
  const o = await aud.get(`/api/v1/audit/objects/user/${made[0].id}`);
  assert.equal(o.status, 200, o.text);
  assert.deepEqual(o.body.data.map((e) => e.action), ['user.create', 'user.update']);
  for (const e of o.body.data) assert.equal(e.entry, entries[e.index].entry);
  // Search by actor, action prefix and object.
  const s = await aud.get(`/api/v1/audit/search?actor=${sysId}&action=user.&limit=200`);
  assert.equal(s.status, 200);
  assert.ok(s.body.data.every((e) => e.actor === sysId && e.action.startsWith('user.')));
  assert.equal(s.body.page.total, entries.filter((e) => { const x = JSON.parse(e.entry); return x.actor === sysId && x.action.startsWith('user.'); }).length);
  assertError(assert, await aud.get("/api/v1/audit/search?action=x'%20OR%201=1"), 400, 'invalid', 'action');
});

test('inclusion proofs verify against the signed roots', async () => {
  const roots = new Map([[sth1.tree_size, Buffer.from(sth1.root_hash, 'hex')], [sth2.tree_size, Buffer.from(sth2.root_hash, 'hex')]]);
  for (const [size, root] of roots) {
    for (let i = 0; i < size; i++) {
      const r = await aud.get(`/api/v1/audit/inclusion?index=${i}&size=${size}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(Object.keys(r.body.data).sort(), ['index', 'path', 'tree_size']);
      assert.equal(r.body.data.index, i);
      assert.equal(r.body.data.tree_size, size);
      const path = r.body.data.path.map((h) => Buffer.from(h, 'hex'));
      assert.equal(verifyInclusion(i, size, leaves[i], path, root), true, `inclusion ${i} in ${size}`);
      // A proof for another leaf, or a changed path, does not verify.
      assert.equal(verifyInclusion(i, size, leaves[(i + 1) % size], path, root), size === 1);
      if (path.length) {
        const bad = path.map((h, k) => (k === 0 ? nodeHash(h, h) : h));
        assert.equal(verifyInclusion(i, size, leaves[i], bad, root), false);
      }
    }
  }
  assertError(assert, await aud.get(`/api/v1/audit/inclusion?index=${sth2.tree_size}&size=${sth2.tree_size}`), 400, 'range', 'index');
  assertError(assert, await aud.get('/api/v1/audit/inclusion?index=0&size=999999'), 400, 'range', 'size');
});

test('consistency proofs verify between the two signed heads and every pair of sizes', async () => {
  const a = Buffer.from(sth1.root_hash, 'hex');
  const b = Buffer.from(sth2.root_hash, 'hex');
  const r = await srv.client().get(`/api/v1/public/audit/consistency?first=${sth1.tree_size}&second=${sth2.tree_size}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body.data).sort(), ['first', 'path', 'second']);
  const path = r.body.data.path.map((h) => Buffer.from(h, 'hex'));
  assert.equal(verifyConsistency(sth1.tree_size, sth2.tree_size, a, b, path), true);
  assert.equal(verifyConsistency(sth1.tree_size, sth2.tree_size, b, b, path), false);
  assert.equal(verifyConsistency(sth1.tree_size, sth2.tree_size, a, a, path), false);
  // Every pair of sizes of the tree, against roots computed here.
  const n = sth2.tree_size;
  const rootOf = (k) => merkleRoot(leaves.slice(0, k));
  for (let m = 1; m <= n; m++) {
    for (const k of new Set([m, m + 1, Math.min(n, 2 * m), n])) {
      if (k > n) continue;
      const c = await srv.client().get(`/api/v1/public/audit/consistency?first=${m}&second=${k}`);
      assert.equal(c.status, 200, c.text);
      const p = c.body.data.path.map((h) => Buffer.from(h, 'hex'));
      assert.equal(verifyConsistency(m, k, rootOf(m), rootOf(k), p), true, `consistency ${m} -> ${k}`);
    }
  }
  assertError(assert, await srv.client().get(`/api/v1/public/audit/consistency?first=${n}&second=1`), 400, 'range', 'first');
  assertError(assert, await srv.client().get(`/api/v1/public/audit/consistency?first=1&second=${n + 1000}`), 400, 'range', 'second');
});

test('L-2 no interface updates or deletes audit entries', async () => {
  const doc = (await srv.client().get('/api/v1/openapi.json')).body;
  for (const [p, item] of Object.entries(doc.paths)) {
    if (!p.includes('/audit')) continue;
    for (const m of Object.keys(item)) {
      assert.ok(m === 'get' || (m === 'post' && p === '/api/v1/audit/sth'), `${m} ${p}`);
    }
  }
  for (const m of ['PUT', 'PATCH', 'DELETE']) {
    const r = await aud.req(m, '/api/v1/audit/entries?start=0&end=1', m === 'DELETE' ? undefined : {});
    assert.equal(r.status, 405, `${m}: ${r.text}`);
  }
});

test('the server signs a new head by itself once the log has grown', async () => {
  // Every head is signed within the scheduler's interval (10 s); wait for
  // the one covering the audit.sign entry of the last head signed above.
  const want = await srv.auditSize();
  let h;
  for (let i = 0; i < 60; i++) {
    h = (await srv.client().get('/api/v1/public/audit/sth')).body.data;
    if (h.tree_size >= want) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.equal(h.tree_size, want);
  const k = keys.find((x) => x.key_id === h.key_id);
  assert.equal(sm2Verify(sm2PublicPoint(k.pem), sthText(h), Buffer.from(h.signature, 'base64')), true);
  const e = await aud.get(`/api/v1/audit/entries?start=0&end=${want}`);
  assert.equal(merkleRoot(e.body.data.map((x) => leafHash(x.entry))).toString('hex'), h.root_hash);
});

function verify(...args) {
  const r = srv.cli(['audit', 'verify', ...args]);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('L-2 audit verify passes on the untouched trail, deep too', () => {
  let v = verify();
  assert.equal(v.status, 0, v.out);
  assert.match(v.out, /verified/);
  v = verify('--deep');
  assert.equal(v.status, 0, v.out);
  // audit sign from the command line adds a head that verifies too.
  const s = srv.cli(['audit', 'sign']);
  assert.equal(s.status, 0, s.stderr);
  assert.equal(verify().status, 0);
});

test('L-2 a users row edited in the database is named by audit verify --deep', async () => {
  const victim = made[4];
  const name = srv.sql(`SELECT display_name FROM users WHERE id = ${victim.id}`);
  srv.sql(`UPDATE users SET display_name = 'Mallory' WHERE id = ${victim.id}`);
  // The plain check only covers the log itself.
  assert.equal(verify().status, 0);
  let v = verify('--deep');
  assert.equal(v.status, 1, v.out);
  assert.match(v.out, new RegExp(`user/${victim.id}\\b`));
  // Other edits a database user might try: roles, jurisdiction, the hash.
  srv.sql(`UPDATE users SET display_name = '${name}' WHERE id = ${victim.id}`);
  assert.equal(verify('--deep').status, 0, 'restored');
  const other = made[5];
  srv.sql(`UPDATE users SET jurisdiction = 'city' WHERE id = ${other.id}`);
  v = verify('--deep');
  assert.equal(v.status, 1, v.out);
  assert.match(v.out, new RegExp(`user/${other.id}\\b`));
  srv.sql(`UPDATE users SET jurisdiction = 'town:441900003' WHERE id = ${other.id}`);
  const hash = srv.sql(`SELECT password_hash FROM users WHERE id = ${made[6].id}`);
  srv.sql(`UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE login = 'a.sys') WHERE id = ${made[6].id}`);
  v = verify('--deep');
  assert.equal(v.status, 1, v.out);
  assert.match(v.out, new RegExp(`user/${made[6].id}\\b`));
  srv.sql(`UPDATE users SET password_hash = '${hash}' WHERE id = ${made[6].id}`);
  srv.sql(`INSERT INTO user_roles (user_id, role_id) VALUES (${made[7].id}, 'leader')`);
  v = verify('--deep');
  assert.equal(v.status, 1, v.out);
  assert.match(v.out, new RegExp(`user/${made[7].id}\\b`));
  srv.sql(`DELETE FROM user_roles WHERE user_id = ${made[7].id} AND role_id = 'leader'`);
  srv.sql("INSERT INTO role_permissions (role_id, permission) VALUES ('grid', 'registry:write')");
  v = verify('--deep');
  assert.equal(v.status, 1, v.out);
  assert.match(v.out, /role\/grid\b/);
  srv.sql("DELETE FROM role_permissions WHERE role_id = 'grid' AND permission = 'registry:write'");
  assert.equal(verify('--deep').status, 0, 'all restored');
});

test('L-2 an audit_entries row edited in the database is named by audit verify', async () => {
  const k = 3;
  const orig = entries[k].entry;
  const d = JSON.parse(orig);
  const forged = orig.replace(`"ip":"${d.ip}"`, '"ip":"10.6.6.6"');
  assert.notEqual(forged, orig);
  const q = (s) => `'${s.replaceAll("'", "''")}'`;
  srv.sql(`UPDATE audit_entries SET entry = ${q(forged)} WHERE seq = ${k}`);
  let v = verify();
  assert.equal(v.status, 1, v.out);
  assert.match(v.out, new RegExp(`entry ${k}\\b`));
  // Recomputing the stored leaf hash as well is still caught (inner nodes
  // and signed heads).
  const leaf = leafHash(forged).toString('hex');
  const oldLeaf = srv.sql(`SELECT hash FROM audit_nodes WHERE level = 0 AND idx = ${k}`);
  srv.sql(`UPDATE audit_nodes SET hash = '${leaf}' WHERE level = 0 AND idx = ${k}`);
  v = verify();
  assert.equal(v.status, 1, v.out);
  assert.match(v.out, new RegExp(`entry ${k}\\b`));
  srv.sql(`UPDATE audit_nodes SET hash = '${oldLeaf}' WHERE level = 0 AND idx = ${k}`);
  srv.sql(`UPDATE audit_entries SET entry = ${q(orig)} WHERE seq = ${k}`);
  assert.equal(verify().status, 0, 'restored');
  // An entry whose text claims another index.
  srv.sql(`UPDATE audit_entries SET entry = ${q(orig.replace(`"seq":${k},`, `"seq":${k + 1},`))} WHERE seq = ${k}`);
  v = verify();
  assert.equal(v.status, 1, v.out);
  assert.match(v.out, new RegExp(`entry ${k}\\b`));
  srv.sql(`UPDATE audit_entries SET entry = ${q(orig)} WHERE seq = ${k}`);
  // A removed entry.
  const last = entries.length - 1;
  const row = srv.sql(`SELECT seq, at, actor, action, object, state FROM audit_entries WHERE seq = ${last}`);
  srv.sql(`DELETE FROM audit_entries WHERE seq = ${last}`);
  v = verify();
  assert.equal(v.status, 1, v.out);
  const [seq, at, actor, action, object, state] = row.split('|');
  srv.sql(`INSERT INTO audit_entries (seq, entry, at, actor, action, object, state) VALUES (${seq}, ${q(entries[last].entry)}, ${at}, ${q(actor)}, ${q(action)}, ${object ? q(object) : 'NULL'}, ${state ? q(state) : 'NULL'})`);
  assert.equal(verify().status, 0, 'restored');
  // A signed head with a forged root.
  const id = srv.sql(`SELECT id FROM audit_sth WHERE tree_size = ${sth1.tree_size} ORDER BY id LIMIT 1`);
  srv.sql(`UPDATE audit_sth SET root_hash = '${'0'.repeat(64)}' WHERE id = ${id}`);
  v = verify();
  assert.equal(v.status, 1, v.out);
  assert.match(v.out, new RegExp(`size ${sth1.tree_size}\\b`));
  srv.sql(`UPDATE audit_sth SET root_hash = '${sth1.root_hash}' WHERE id = ${id}`);
  assert.equal(verify().status, 0, 'restored');
});

test('audit verify exits 3 when the database cannot be read as a trail', () => {
  const r = spawnSync(BIN, ['audit', 'verify', '--db', `sqlite:${srv.dir}/empty.db`], { encoding: 'utf8' });
  assert.equal(r.status, 3, r.stderr);
});

test('L-2 audit verify --deep sees an edit of a role that was never changed through the API', () => {
  srv.sql("INSERT INTO role_permissions (role_id, permission) VALUES ('police', 'registry:write')");
  try {
    const v = verify('--deep');
    assert.equal(v.status, 1, v.out);
    assert.match(v.out, /role\/police\b/);
  } finally {
    srv.sql("DELETE FROM role_permissions WHERE role_id = 'police' AND permission = 'registry:write'");
  }
});
