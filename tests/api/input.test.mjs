// I-3 (CSRF token and Origin on every state change) and I-1 (JSON bodies
// only, validated against the route's fields, nothing stored from a
// rejected request), on POST /api/v1/users as the system administrator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, PASSWORD } from './lib.mjs';

let srv;
let sys;
let seq = 0;

before(async () => {
  srv = new Server();
  await srv.start();
  srv.addUser('in.sys', 'sysadmin');
  sys = await srv.login('in.sys');
});
after(async () => { await srv?.close(); });

function newUser(extra = {}) {
  seq++;
  return { login: `in.user${seq}`, display_name: `用户${seq}`, roles: ['officer'],
    jurisdiction: 'town:441900003', password: PASSWORD, ...extra };
}

// What a rejected request must not change.
async function snapshot() {
  const users = await sys.get('/api/v1/users?limit=1');
  assert.equal(users.status, 200);
  return { users: users.body.page.total, rows: srv.count('users'), audit: await srv.auditSize(),
    idem: srv.count('idempotency') };
}

async function assertNothingStored(before, what) {
  assert.deepEqual(await snapshot(), before, `${what}: something was stored`);
}

test('I-3 a write without X-CSRF-Token is refused and stores nothing', async () => {
  const other = await srv.login('in.sys');
  const s0 = await snapshot();
  const r = await sys.post('/api/v1/users', newUser(), { 'X-CSRF-Token': null });
  assertError(assert, r, 403, 'csrf', 'X-CSRF-Token');
  const empty = await sys.post('/api/v1/users', newUser(), { 'X-CSRF-Token': '' });
  assertError(assert, empty, 403, 'csrf', 'X-CSRF-Token');
  const wrong = await sys.post('/api/v1/users', newUser(), { 'X-CSRF-Token': sys.csrf.replace(/.$/, (c) => (c === '0' ? '1' : '0')) });
  assertError(assert, wrong, 403, 'csrf', 'X-CSRF-Token');
  // Another session's token does not do either.
  const foreign = await sys.post('/api/v1/users', newUser(), { 'X-CSRF-Token': other.csrf });
  assertError(assert, foreign, 403, 'csrf', 'X-CSRF-Token');
  // Nor does sending it as a cookie or in the query string.
  const q = await sys.post(`/api/v1/users?csrf=${sys.csrf}`, newUser(), { 'X-CSRF-Token': null });
  assertError(assert, q, 403, 'csrf');
  // Every write route, not only this one (logout keeps the session).
  assertError(assert, await sys.post('/api/v1/auth/logout', undefined, { 'X-CSRF-Token': null }), 403, 'csrf');
  assertError(assert, await sys.del('/api/v1/me/sessions/1', { 'X-CSRF-Token': null }), 403, 'csrf');
  assertError(assert, await sys.patch('/api/v1/users/1', {}, { 'X-CSRF-Token': null }), 403, 'csrf');
  assert.equal((await sys.get('/api/v1/me')).status, 200);
  await assertNothingStored(s0, 'csrf');
});

test('I-3 a foreign Origin is refused even with the token', async () => {
  const s0 = await snapshot();
  for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${srv.port + 1}`,
    `http://127.0.0.1:${srv.port}.evil.example`, `https://evil.example`, `http://localhost:${srv.port}`]) {
    const r = await sys.post('/api/v1/users', newUser(), { Origin: origin });
    assertError(assert, r, 403, 'csrf', 'Origin');
  }
  // Login too (login CSRF): a foreign page cannot sign a browser in.
  const l = await srv.client().post('/api/v1/auth/login', { login: 'in.sys', password: PASSWORD }, { Origin: 'http://evil.example' });
  assertError(assert, l, 403, 'csrf', 'Origin');
  assert.equal(l.cookies.length, 0);
  await assertNothingStored(s0, 'origin');
});

test('I-3 the matching Origin is accepted', async () => {
  const s0 = await snapshot();
  const r = await sys.post('/api/v1/users', newUser(), { Origin: `http://127.0.0.1:${srv.port}` });
  assert.equal(r.status, 201, r.text);
  const s1 = await snapshot();
  assert.equal(s1.users, s0.users + 1);
  assert.equal(s1.audit, s0.audit + 1);
  // No Origin at all (a non-browser client) is accepted with the token.
  const r2 = await sys.post('/api/v1/users', newUser(), { Origin: null });
  assert.equal(r2.status, 201, r2.text);
});

test('I-3 no CORS grant to a foreign origin', async () => {
  const r = await sys.get('/api/v1/me', { Origin: 'http://evil.example' });
  assert.equal(r.headers.get('access-control-allow-origin'), null);
  assert.equal(r.headers.get('access-control-allow-credentials'), null);
  const pre = await srv.client().req('OPTIONS', '/api/v1/users', undefined, {
    Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' });
  assert.ok(pre.status >= 400, `preflight ${pre.status}`);
  assert.equal(pre.headers.get('access-control-allow-origin'), null);
});

test('I-1 bad bodies get a 4xx naming the field, and nothing is stored', async () => {
  const s0 = await snapshot();
  const long = (n, ch = 'a') => ch.repeat(n);
  const cases = [
    // [what, body (object or raw string), status, code, field]
    ['malformed JSON', '{"login": "x",', 400, 'bad_json', null],
    ['trailing garbage', `${JSON.stringify(newUser())} x`, 400, 'bad_json', null],
    ['a second document', `${JSON.stringify(newUser())}{}`, 400, 'bad_json', null],
    ['an array', '[]', 400, 'bad_json', null],
    ['an array of the object', JSON.stringify([newUser()]), 400, 'bad_json', null],
    ['a string', '"hello"', 400, 'bad_json', null],
    ['a number', '42', 400, 'bad_json', null],
    ['null', 'null', 400, 'bad_json', null],
    ['invalid UTF-8', Buffer.concat([Buffer.from('{"login":"in.bad","display_name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","roles":["officer"],"jurisdiction":"town:441900003","password":"Test-Passw0rd-2026!"}')]), 400, 'bad_json', null],
    ['NUL in a string', JSON.stringify(newUser({ display_name: 'a\u0000b' })), 400, 'bad_json', null],
    ['nested too deeply', JSON.stringify(newUser({ display_name: JSON.parse('['.repeat(40) + ']'.repeat(40)) })), 400, 'bad_json', null],
    ['unknown field', newUser({ admin: true }), 400, 'unknown_field', 'admin'],
    ['unknown field id', newUser({ id: '1' }), 400, 'unknown_field', 'id'],
    ['unknown field status', newUser({ status: 'active' }), 400, 'unknown_field', 'status'],
    ['missing login', (() => { const u = newUser(); delete u.login; return u; })(), 400, 'missing', 'login'],
    ['missing password', (() => { const u = newUser(); delete u.password; return u; })(), 400, 'missing', 'password'],
    ['missing roles', (() => { const u = newUser(); delete u.roles; return u; })(), 400, 'missing', 'roles'],
    ['null display_name', newUser({ display_name: null }), 400, undefined, 'display_name'],
    ['empty object', {}, 400, 'missing', undefined],
    ['no body', undefined, 400, 'missing', undefined],
    ['login a number', newUser({ login: 123 }), 400, 'type', 'login'],
    ['display_name an object', newUser({ display_name: { a: 1 } }), 400, 'type', 'display_name'],
    ['roles a string', newUser({ roles: 'officer' }), 400, 'type', 'roles'],
    ['roles of numbers', newUser({ roles: [1] }), 400, 'type', 'roles'],
    ['jurisdiction a boolean', newUser({ jurisdiction: true }), 400, 'type', 'jurisdiction'],
    ['password a number', newUser({ password: 12345678 }), 400, 'type', 'password'],
    ['login too long', newUser({ login: long(33) }), 400, 'range', 'login'],
    ['login too short', newUser({ login: 'ab' }), 400, 'range', 'login'],
    ['display_name too long', newUser({ display_name: long(65, '名') }), 400, 'range', 'display_name'],
    ['display_name empty', newUser({ display_name: '' }), 400, 'range', 'display_name'],
    ['password too long', newUser({ password: `Aa1!${long(125)}` }), 400, 'range', 'password'],
    ['jurisdiction too long', newUser({ jurisdiction: `town:${long(80, '1')}` }), 400, 'range', 'jurisdiction'],
    ['too many roles', newUser({ roles: Array.from({ length: 65 }, (_, i) => `r${i}`) }), 400, 'range', 'roles'],
    ['a role id too long', newUser({ roles: [long(16)] }), 400, 'range', 'roles'],
    ['unknown role', newUser({ roles: ['nosuchrole'] }), 400, 'invalid', 'roles'],
    ['no role', newUser({ roles: [] }), 400, undefined, 'roles'],
    ['a role twice', newUser({ roles: ['officer', 'officer'] }), 400, 'invalid', 'roles'],
    ['login with upper case', newUser({ login: 'In.User' }), 400, 'invalid', 'login'],
    ['login with a space', newUser({ login: 'in user' }), 400, 'invalid', 'login'],
    ['display_name with a control character', newUser({ display_name: 'a\u0007b' }), 400, 'invalid', 'display_name'],
    ['bad jurisdiction', newUser({ jurisdiction: 'town:123' }), 400, 'invalid', 'jurisdiction'],
    ['jurisdiction missing for a business role', (() => { const u = newUser(); delete u.jurisdiction; return u; })(), 400, 'missing', 'jurisdiction'],
    ['weak password', newUser({ password: 'password' }), 422, 'policy', 'password'],
    ['password equal to the login', newUser({ login: 'in.pw.login', password: 'in.pw.login' }), 422, 'policy', 'password'],
    ['taken login', newUser({ login: 'in.sys' }), 409, 'conflict', 'login'],
  ];
  for (const [what, body, status, code, field] of cases) {
    const r = await sys.post('/api/v1/users', body);
    const e = assertError(assert, r, status, code, field);
    assert.ok(r.status >= 400 && r.status < 500, what);
    assert.ok(!/sqlite|postgres|SELECT|INSERT|syntax error|constraint/i.test(e.message), `${what}: internal text ${e.message}`);
  }
  await assertNothingStored(s0, 'bad bodies');
});

test('I-1 a duplicate key is rejected and nothing is stored', async () => {
  const s0 = await snapshot();
  const body = `{"login":"in.dup1","display_name":"d","roles":["officer"],"jurisdiction":"town:441900003","password":"${PASSWORD}","login":"in.dup2"}`;
  const r = await sys.post('/api/v1/users', body);
  const e = assertError(assert, r, 400, 'duplicate_key', 'login');
  assert.match(e.message, /login/);
  const nested = `{"login":"in.dup3","display_name":"d","roles":["officer"],"jurisdiction":"town:441900003","password":"${PASSWORD}","x":{"a":1,"a":2}}`;
  assertError(assert, await sys.post('/api/v1/users', nested), 400, 'duplicate_key', 'a');
  await assertNothingStored(s0, 'duplicate key');
});

test('I-1 boundaries that are allowed are accepted', async () => {
  const r = await sys.post('/api/v1/users', newUser({ login: `in.${'b'.repeat(29)}`, display_name: '名'.repeat(64) }));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.data.display_name, '名'.repeat(64));
  const pw = `Aa1!${'x'.repeat(124)}`;
  const r2 = await sys.post('/api/v1/users', newUser({ password: pw }));
  assert.equal(r2.status, 201, r2.text);
  const r3 = await sys.post('/api/v1/users', newUser(), { 'Content-Type': 'application/json; charset=utf-8' });
  assert.equal(r3.status, 201, r3.text);
});

test('I-1 oversize body answers 413 and stores nothing', async () => {
  const s0 = await snapshot();
  const big = JSON.stringify(newUser({ display_name: 'x'.repeat((1 << 20) + 10) }));
  const r = await sys.post('/api/v1/users', big);
  assertError(assert, r, 413, 'too_large');
  // Chunked, without a Content-Length up front.
  const stream = new ReadableStream({
    start(ctl) {
      for (let i = 0; i < 20; i++) ctl.enqueue(new TextEncoder().encode('x'.repeat(64 * 1024)));
      ctl.close();
    },
  });
  const r2 = await fetch(`${srv.base}/api/v1/users`, { method: 'POST', body: stream, duplex: 'half',
    headers: { Cookie: sys.cookie, 'X-CSRF-Token': sys.csrf, 'Content-Type': 'application/json' } });
  assert.equal(r2.status, 413);
  // Just over the limit.
  const r3 = await sys.post('/api/v1/users', 'x'.repeat((1 << 20) + 1));
  assertError(assert, r3, 413, 'too_large');
  // The server is fine afterwards.
  assert.equal((await sys.get('/api/v1/me')).status, 200);
  await assertNothingStored(s0, 'oversize');
});

test('I-1 wrong Content-Type answers 415 and stores nothing', async () => {
  const s0 = await snapshot();
  const body = JSON.stringify(newUser());
  for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
    'application/jsonx', 'application/json-patch+json', 'text/json', '']) {
    const r = await sys.post('/api/v1/users', body, { 'Content-Type': ct });
    assertError(assert, r, 415, 'unsupported_media_type', 'Content-Type');
  }
  // A body without any Content-Type.
  const r = await fetch(`${srv.base}/api/v1/users`, { method: 'POST', body: new Uint8Array(Buffer.from(body)),
    headers: { Cookie: sys.cookie, 'X-CSRF-Token': sys.csrf } });
  assert.equal(r.status, 415);
  await assertNothingStored(s0, 'content type');
});

test('I-1 a route that takes no body refuses one', async () => {
  const s0 = await snapshot();
  const r = await sys.post('/api/v1/audit/sth', { x: 1 });
  // Forbidden comes first for the system administrator; check with a body-less write it holds.
  assert.equal(r.status, 403);
  const id = (await sys.get('/api/v1/users?q=in.user1&limit=1')).body.data[0].id;
  const d = await sys.post(`/api/v1/users/${id}/disable`, { reason: 'x' });
  assertError(assert, d, 400, 'unknown_field', 'reason');
  // The forbidden attempt above is audited (access.denied): one entry.
  const s1 = await snapshot();
  assert.equal(s1.audit, s0.audit + 1);
  assert.equal(s1.users, s0.users);
});
