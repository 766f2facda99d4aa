// Logins and sessions: A-3 (failures, lock, per-IP limit, audit) and
// A-4 (token, cookie, logout, idle and absolute expiry, own sessions).
// The server trusts X-Real-IP so that each test has its own client
// address and the per-IP limit of one test does not leak into another.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { Server, assertError, responseLog, PASSWORD, PASSWORD2 } from './lib.mjs';

let srv;
let sys;
let aud;
const tokens = new Set();

before(async () => {
  srv = new Server();
  await srv.start(['--trust-proxy']);
  srv.addUser('s.sys', 'sysadmin');
  srv.addUser('s.aud', 'auditor');
  sys = await srv.login('s.sys', PASSWORD, { ip: '192.0.2.1' });
  aud = await srv.login('s.aud', PASSWORD, { ip: '192.0.2.1' });
});
after(async () => { await srv?.close(); });

function track(c) { if (c.cookie) tokens.add(c.cookie.split('=')[1]); return c; }

async function auditCount(action, object) {
  const q = new URLSearchParams({ action, limit: '1' });
  if (object) q.set('object', object);
  const r = await aud.get(`/api/v1/audit/search?${q}`);
  assert.equal(r.status, 200, r.text);
  return r.body.page.total;
}

test('A-3 wrong password and unknown login give the same answer', async () => {
  srv.addUser('s.same', 'officer', 'town:441900003');
  const c = srv.client({ ip: '192.0.2.10' });
  const wrong = await c.post('/api/v1/auth/login', { login: 's.same', password: 'Wrong-Passw0rd-1' });
  const unknown = await c.post('/api/v1/auth/login', { login: 's.nobody', password: 'Wrong-Passw0rd-1' });
  const e1 = assertError(assert, wrong, 401, 'bad_login');
  const e2 = assertError(assert, unknown, 401, 'bad_login');
  assert.deepEqual(e1, e2);
  assert.equal(wrong.cookies.length, 0);
  assert.equal(unknown.cookies.length, 0);
});

test('A-3 lockout after 5 consecutive failures, even with the right password', async () => {
  const id = srv.addUser('s.lock', 'officer', 'town:441900003');
  const c = srv.client({ ip: '192.0.2.11' });
  const before = await auditCount('auth.', `user/${id}`);
  for (let i = 1; i <= 4; i++) {
    const r = await c.post('/api/v1/auth/login', { login: 's.lock', password: `Wrong-Passw0rd-${i}` });
    assertError(assert, r, 401, 'bad_login');
  }
  const fifth = await c.post('/api/v1/auth/login', { login: 's.lock', password: 'Wrong-Passw0rd-5' });
  assertError(assert, fifth, 423, 'locked');
  const ra = Number(fifth.headers.get('retry-after'));
  assert.ok(ra > 0 && ra <= 1800, `Retry-After ${ra}`);
  const right = await c.post('/api/v1/auth/login', { login: 's.lock', password: PASSWORD });
  assertError(assert, right, 423, 'locked');
  assert.equal(right.cookies.length, 0);
  assert.ok(Number(right.headers.get('retry-after')) > 0);
  // Every attempt is audited (A-3, L-4), the locking one as auth.locked.
  assert.equal(await auditCount('auth.', `user/${id}`), before + 6);
  assert.equal(await auditCount('auth.locked', `user/${id}`), 1);
  let u = await sys.get(`/api/v1/users/${id}`);
  assert.equal(u.body.data.locked, true);
  // After 30 minutes the lock is over, and the count starts again.
  srv.sql(`UPDATE users SET locked_until = locked_until - 1801 WHERE id = ${id}`);
  assertError(assert, await c.post('/api/v1/auth/login', { login: 's.lock', password: 'Wrong-Passw0rd-6' }), 401, 'bad_login');
  for (let i = 7; i <= 10; i++) await c.post('/api/v1/auth/login', { login: 's.lock', password: `Wrong-Passw0rd-${i}` });
  assertError(assert, await c.post('/api/v1/auth/login', { login: 's.lock', password: PASSWORD }), 423, 'locked');
  assert.equal(await auditCount('auth.locked', `user/${id}`), 2);
  // The system administrator can clear the lock by enabling the user.
  const en = await sys.post(`/api/v1/users/${id}/enable`);
  assert.equal(en.status, 200, en.text);
  assert.equal(en.body.data.locked, false);
  const ok = await c.post('/api/v1/auth/login', { login: 's.lock', password: PASSWORD });
  assert.equal(ok.status, 200, ok.text);
  track(c);
});

test('A-3 a success in between resets the failure count', async () => {
  srv.addUser('s.reset', 'officer', 'town:441900003');
  const c = srv.client({ ip: '192.0.2.12' });
  for (let i = 0; i < 4; i++) {
    assertError(assert, await c.post('/api/v1/auth/login', { login: 's.reset', password: 'Wrong-Passw0rd-x' }), 401, 'bad_login');
  }
  assert.equal((await c.post('/api/v1/auth/login', { login: 's.reset', password: PASSWORD })).status, 200);
  track(c);
  for (let i = 0; i < 4; i++) {
    assertError(assert, await c.post('/api/v1/auth/login', { login: 's.reset', password: 'Wrong-Passw0rd-x' }), 401, 'bad_login');
  }
  assert.equal((await c.post('/api/v1/auth/login', { login: 's.reset', password: PASSWORD })).status, 200);
  track(c);
});

test('A-3 per-IP rate limit answers 429 with Retry-After', async () => {
  srv.addUser('s.rate', 'officer', 'town:441900003');
  const c = srv.client({ ip: '198.51.100.7' });
  let n = 0;
  let r;
  // Unknown logins, so that no account gets locked on the way.
  for (; n < 40; n++) {
    r = await c.post('/api/v1/auth/login', { login: `s.nobody${n}`, password: 'Wrong-Passw0rd-1' });
    if (r.status !== 401) break;
  }
  assertError(assert, r, 429, 'rate_limited');
  assert.ok(n >= 5 && n <= 30, `limited after ${n} failures`);
  const ra = Number(r.headers.get('retry-after'));
  assert.ok(Number.isInteger(ra) && ra > 0 && ra <= 900, `Retry-After ${r.headers.get('retry-after')}`);
  // The right password from that address is refused too ...
  const right = await c.post('/api/v1/auth/login', { login: 's.rate', password: PASSWORD });
  assertError(assert, right, 429, 'rate_limited');
  // ... but the same user logs in from another address.
  const other = srv.client({ ip: '198.51.100.8' });
  assert.equal((await other.post('/api/v1/auth/login', { login: 's.rate', password: PASSWORD })).status, 200);
  track(other);
});

test('A-4 session cookie attributes and token', async () => {
  srv.addUser('s.cookie', 'officer', 'town:441900003');
  const c = srv.client({ ip: '192.0.2.13' });
  const r = await c.post('/api/v1/auth/login', { login: 's.cookie', password: PASSWORD });
  assert.equal(r.status, 200);
  assert.equal(r.cookies.length, 1);
  const parts = r.cookies[0].split(';').map((s) => s.trim());
  const [name, value] = parts[0].split('=');
  assert.equal(name, '__Host-sid');
  assert.match(value, /^[0-9a-f]{32,}$/, 'at least 128 random bits');
  const attrs = parts.slice(1).map((a) => a.toLowerCase());
  // Secure always: browsers drop a __Host- cookie without it (RFC 6265bis
  // 4.1.3.2), and they accept Secure cookies from http://127.0.0.1.
  assert.ok(attrs.includes('secure'), r.cookies[0]);
  assert.ok(attrs.includes('httponly'), r.cookies[0]);
  assert.ok(attrs.includes('samesite=strict'), r.cookies[0]);
  assert.ok(attrs.includes('path=/'), r.cookies[0]);
  assert.ok(!attrs.some((a) => a.startsWith('domain')), r.cookies[0]);
  assert.ok(!attrs.some((a) => a.startsWith('expires') || a.startsWith('max-age')), `session cookie: ${r.cookies[0]}`);
  // The login answer has the CSRF token but not the session token.
  assert.match(r.body.data.csrf, /^[0-9a-f]{32,}$/);
  assert.notEqual(r.body.data.csrf, value);
  assert.ok(!r.text.includes(value));
  // A new token at every login, stored only hashed.
  const c2 = srv.client({ ip: '192.0.2.13' });
  const r2 = await c2.post('/api/v1/auth/login', { login: 's.cookie', password: PASSWORD });
  const value2 = r2.cookies[0].split(';')[0].split('=')[1];
  assert.notEqual(value, value2);
  track(c); track(c2);
  const dump = srv.sql('SELECT token_hash, csrf FROM sessions');
  assert.ok(!dump.includes(value) && !dump.includes(value2), 'token stored in clear');
  // The token works only as the cookie, never in the URL or a header.
  const anon = srv.client();
  assertError(assert, await anon.get(`/api/v1/me?sid=${value}`), 401, 'unauthenticated');
  assertError(assert, await anon.get(`/api/v1/me?__Host-sid=${value}`), 401, 'unauthenticated');
  assertError(assert, await anon.get('/api/v1/me', { Authorization: `Bearer ${value}` }), 401, 'unauthenticated');
  assertError(assert, await anon.get('/api/v1/me', { Cookie: `sid=${value}` }), 401, 'unauthenticated');
  assert.equal((await anon.get('/api/v1/me', { Cookie: `__Host-sid=${value}` })).status, 200);
  // A forged token of the right shape is refused.
  assertError(assert, await anon.get('/api/v1/me', { Cookie: `__Host-sid=${'0'.repeat(64)}` }), 401, 'unauthenticated');
});

test('A-4 logout ends the session on the server', async () => {
  srv.addUser('s.out', 'officer', 'town:441900003');
  const c = track(await srv.login('s.out', PASSWORD, { ip: '192.0.2.14' }));
  const cookie = c.cookie;
  const csrf = c.csrf;
  const before = await auditCount('auth.logout');
  const r = await c.post('/api/v1/auth/logout');
  assert.equal(r.status, 200, r.text);
  assert.ok(r.cookies.some((s) => /^__Host-sid=;/.test(s) && /max-age=0/i.test(s) && /;\s*secure/i.test(s)), `cleared: ${r.cookies}`);
  assert.equal(await auditCount('auth.logout'), before + 1);
  const old = srv.client();
  old.cookie = cookie;
  old.csrf = csrf;
  assertError(assert, await old.get('/api/v1/me'), 401, 'unauthenticated');
  assertError(assert, await old.post('/api/v1/auth/logout'), 401, 'unauthenticated');
  assertError(assert, await old.post('/api/v1/me/password', { old_password: PASSWORD, new_password: PASSWORD2 }), 401, 'unauthenticated');
});

test('A-4 idle timeout: 30 minutes for users, 15 for administrators', async () => {
  const uid = srv.addUser('s.idle', 'officer', 'town:441900003');
  const aid = srv.addUser('s.idle.adm', 'sysadmin');
  const u1 = track(await srv.login('s.idle', PASSWORD, { ip: '192.0.2.15' }));
  const u2 = track(await srv.login('s.idle', PASSWORD, { ip: '192.0.2.15' }));
  const a1 = track(await srv.login('s.idle.adm', PASSWORD, { ip: '192.0.2.15' }));
  // 16 minutes idle: the administrator is out, the officer is not.
  srv.sql(`UPDATE sessions SET last_seen_at = last_seen_at - 960 WHERE user_id IN (${uid}, ${aid})`);
  assertError(assert, await a1.get('/api/v1/me'), 401, 'unauthenticated');
  assert.equal((await u1.get('/api/v1/me')).status, 200);
  // 31 minutes idle: out.
  srv.sql(`UPDATE sessions SET last_seen_at = last_seen_at - 1860 WHERE user_id = ${uid} AND ended_at IS NULL`);
  // u1 was just answered from the node's session cache (ACC-015): a change
  // made outside this node shows within the cache's TTL (1 s).
  await new Promise((r) => setTimeout(r, 1100));
  assertError(assert, await u2.get('/api/v1/me'), 401, 'unauthenticated');
  assertError(assert, await u1.get('/api/v1/me'), 401, 'unauthenticated');
  // Ended on the server, and audited.
  assert.equal(Number(srv.sql(`SELECT COUNT(*) FROM sessions WHERE user_id = ${uid} AND ended_at IS NULL`)), 0);
  assert.ok(await auditCount('auth.session_expired', `user/${uid}`) >= 2);
  // Making the row look fresh again does not bring it back.
  srv.sql(`UPDATE sessions SET last_seen_at = created_at WHERE user_id = ${uid}`);
  assertError(assert, await u1.get('/api/v1/me'), 401, 'unauthenticated');
});

test('ACC-015 the session cache never outlives a change made on this node, and others show within its TTL', async () => {
  const uid = srv.addUser('s.cache', 'officer', 'town:441900003');
  const a = track(await srv.login('s.cache', PASSWORD, { ip: '192.0.2.30' }));
  const b = track(await srv.login('s.cache', PASSWORD, { ip: '192.0.2.30' }));
  assert.equal((await a.get('/api/v1/me')).status, 200);
  assert.equal((await b.get('/api/v1/me')).status, 200);
  // Logout on this node: the old cookie is refused at once.
  assert.equal((await a.post('/api/v1/auth/logout')).status, 200);
  assertError(assert, await a.get('/api/v1/me'), 401, 'unauthenticated');
  // /me carries the session's CSRF token (a reloaded console needs it).
  const me = await b.get('/api/v1/me');
  assert.equal(me.body.data.csrf, b.csrf);
  // A session ended by another node (straight in the database) is refused
  // within the TTL.
  srv.sql(`UPDATE sessions SET ended_at = created_at, end_reason = 'other node' WHERE user_id = ${uid} AND ended_at IS NULL`);
  await new Promise((r) => setTimeout(r, 1100));
  assertError(assert, await b.get('/api/v1/me'), 401, 'unauthenticated');
});

test('A-4 absolute session lifetime of 12 hours', async () => {
  const uid = srv.addUser('s.abs', 'officer', 'town:441900003');
  const c = track(await srv.login('s.abs', PASSWORD, { ip: '192.0.2.16' }));
  srv.sql(`UPDATE sessions SET created_at = created_at - 43260 WHERE user_id = ${uid}`);
  assertError(assert, await c.get('/api/v1/me'), 401, 'unauthenticated');
});

test('A-4 users list and end their own sessions', async () => {
  const uid = srv.addUser('s.list', 'officer', 'town:441900003');
  const c1 = track(await srv.login('s.list', PASSWORD, { ip: '192.0.2.17' }));
  const c2 = track(await srv.login('s.list', PASSWORD, { ip: '192.0.2.18' }));
  const other = track(await srv.userClient('s.other', 'officer', 'town:441900003', { ip: '192.0.2.19' }));
  const l = await c1.get('/api/v1/me/sessions');
  assert.equal(l.status, 200, l.text);
  assert.equal(l.body.data.length, 2);
  assert.equal(l.body.page.total, 2);
  const cur = l.body.data.filter((s) => s.current);
  assert.equal(cur.length, 1);
  for (const s of l.body.data) {
    assert.match(s.id, /^\d+$/);
    assert.deepEqual(Object.keys(s).sort(), ['created_at', 'current', 'id', 'ip', 'last_seen_at', 'user_agent']);
  }
  assert.deepEqual(l.body.data.map((s) => s.ip).sort(), ['192.0.2.17', '192.0.2.18']);
  const theirs = l.body.data.find((s) => !s.current);
  // Nobody else can end it, nor see that it exists.
  assertError(assert, await other.del(`/api/v1/me/sessions/${theirs.id}`), 404, 'not_found');
  assert.equal((await c2.get('/api/v1/me')).status, 200);
  const before = await auditCount('auth.session_end', `user/${uid}`);
  const d = await c1.del(`/api/v1/me/sessions/${theirs.id}`);
  assert.equal(d.status, 200, d.text);
  assert.equal(await auditCount('auth.session_end', `user/${uid}`), before + 1);
  assertError(assert, await c2.get('/api/v1/me'), 401, 'unauthenticated');
  assertError(assert, await c1.del(`/api/v1/me/sessions/${theirs.id}`), 404, 'not_found');
  const l2 = await c1.get('/api/v1/me/sessions');
  assert.equal(l2.body.data.length, 1);
  assert.equal(l2.body.data[0].current, true);
});

test('A-4 a password change ends the other sessions', async () => {
  srv.addUser('s.pw', 'officer', 'town:441900003');
  const c1 = track(await srv.login('s.pw', PASSWORD, { ip: '192.0.2.20' }));
  const c2 = track(await srv.login('s.pw', PASSWORD, { ip: '192.0.2.20' }));
  const r = await c1.post('/api/v1/me/password', { old_password: PASSWORD, new_password: PASSWORD2 });
  assert.equal(r.status, 200, r.text);
  assert.equal((await c1.get('/api/v1/me')).status, 200);
  assertError(assert, await c2.get('/api/v1/me'), 401, 'unauthenticated');
  track(await srv.login('s.pw', PASSWORD2, { ip: '192.0.2.20' }));
});

test('A-4 a disabled user is out at once', async () => {
  const id = srv.addUser('s.dis', 'officer', 'town:441900003');
  const c = track(await srv.login('s.dis', PASSWORD, { ip: '192.0.2.21' }));
  const d = await sys.post(`/api/v1/users/${id}/disable`);
  assert.equal(d.status, 200, d.text);
  assert.equal(d.body.data.status, 'disabled');
  assertError(assert, await c.get('/api/v1/me'), 401, 'unauthenticated');
  const again = await srv.client({ ip: '192.0.2.21' }).post('/api/v1/auth/login', { login: 's.dis', password: PASSWORD });
  assert.ok([401, 403].includes(again.status), again.text);
  assert.equal(again.cookies.length, 0);
});

// RFC 4226/6238 with HMAC-SHA1, 6 digits, 30-second steps.
function totp(b32, t = Date.now() / 1000) {
  const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of b32.replace(/=+$/, '')) bits += alpha.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(Math.floor(t / 30)));
  const h = createHmac('sha1', key).update(msg).digest();
  const o = h[19] & 0xf;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, '0');
}

test('A-6 TOTP: enrol, then the code is needed and good once', async () => {
  // Stay clear of a step boundary so that "now" is one step throughout.
  while ((Date.now() / 1000) % 30 > 27) await new Promise((r) => setTimeout(r, 250));
  srv.addUser('s.totp', 'leader', 'city');
  const c = track(await srv.login('s.totp', PASSWORD, { ip: '192.0.2.22' }));
  const me = await c.get('/api/v1/me');
  assert.equal(me.body.data.totp_required, true, 'approvers need a second factor');
  const st = await c.post('/api/v1/me/totp');
  assert.equal(st.status, 200, st.text);
  assert.match(st.body.data.secret, /^[A-Z2-7]+=*$/);
  assert.ok(st.body.data.uri.startsWith('otpauth://totp/'));
  // The secret is stored sealed, never in clear.
  assert.ok(!srv.sql("SELECT COALESCE(totp_pending, '') FROM users WHERE login = 's.totp'").includes(st.body.data.secret));
  assertError(assert, await c.post('/api/v1/me/totp/confirm', { otp: '000000' === totp(st.body.data.secret) ? '111111' : '000000' }), 400, 'invalid', 'otp');
  const conf = await c.post('/api/v1/me/totp/confirm', { otp: totp(st.body.data.secret, Date.now() / 1000 - 30) });
  assert.equal(conf.status, 200, conf.text);
  assert.equal((await c.get('/api/v1/me')).body.data.totp_enabled, true);
  const anon = srv.client({ ip: '192.0.2.22' });
  assertError(assert, await anon.post('/api/v1/auth/login', { login: 's.totp', password: PASSWORD }), 401, 'otp_required', 'otp');
  const now = totp(st.body.data.secret);
  const wrong = now === '123456' ? '654321' : '123456';
  const w = await anon.post('/api/v1/auth/login', { login: 's.totp', password: PASSWORD, otp: wrong });
  assertError(assert, w, 401, 'bad_login');
  assert.equal(w.cookies.length, 0);
  const ok = await anon.post('/api/v1/auth/login', { login: 's.totp', password: PASSWORD, otp: now });
  assert.equal(ok.status, 200, ok.text);
  track(anon);
  // The same code again is refused (single use).
  assertError(assert, await srv.client({ ip: '192.0.2.22' }).post('/api/v1/auth/login', { login: 's.totp', password: PASSWORD, otp: now }), 401, 'bad_login');
  // A second enrolment is refused while one is active.
  assertError(assert, await c.post('/api/v1/me/totp'), 409, 'conflict');
});

test('A-6 an administrator without a second factor can do nothing but enrol', async () => {
  // A server that enforces A-6, as deployed (the other suites relax it).
  const s2 = new Server();
  s2.enforceTotp = true;
  await s2.start();
  try {
    s2.addUser('s.nototp', 'sysadmin');
    s2.addUser('s.officer', 'officer');
    const c = await s2.login('s.nototp', PASSWORD);
    assert.equal((await c.get('/api/v1/me')).body.data.totp_required, true);
    assertError(assert, await c.get('/api/v1/users'), 403, 'second_factor_required');
    // A business role without A-6 is not affected.
    const o = await s2.login('s.officer', PASSWORD);
    assert.equal((await o.get('/api/v1/me/sessions')).status, 200);
    // Enrol, and the same session may work.
    const st = await c.post('/api/v1/me/totp');
    assert.equal(st.status, 200, st.text);
    const conf = await c.post('/api/v1/me/totp/confirm', { otp: totp(st.body.data.secret) });
    assert.equal(conf.status, 200, conf.text);
    assert.equal((await c.get('/api/v1/users')).status, 200);
  } finally {
    await s2.close();
  }
});

test('metrics are refused to a remote client behind the trusted proxy', async () => {
  const r = await fetch(`${srv.base}/metrics`, { headers: { 'X-Real-IP': '203.0.113.9' } });
  assert.equal(r.status, 403);
  assert.ok(!(await r.text()).includes('firewarden_'));
  assert.equal((await fetch(`${srv.base}/metrics`)).status, 200);
});

test('A-3 every login attempt is audited, refused ones included', async () => {
  const c = srv.client({ ip: '198.51.100.7' });
  const before = await auditCount('auth.login_failed');
  assertError(assert, await c.post('/api/v1/auth/login', { login: 's.rate', password: PASSWORD }), 429, 'rate_limited');
  assert.equal(await auditCount('auth.login_failed'), before + 1);
  const r = await aud.get('/api/v1/audit/search?action=auth.login_failed&limit=1');
  const e = JSON.parse(r.body.data[0].entry);
  assert.equal(e.ip, '198.51.100.7');
  assert.equal(e.actor, 'public');
});

test('A-4 the session token never appears in a response body', () => {
  track(sys); track(aud);
  assert.ok(tokens.size >= 10, `${tokens.size} tokens seen`);
  assert.ok(responseLog.length > 50);
  for (const t of tokens) {
    assert.match(t, /^[0-9a-f]{64}$/);
    for (const body of responseLog) assert.ok(!body.includes(t), 'token in a response body');
  }
});
