// Optimistic locking (If-Match / ETag, DESIGN.md "Concurrency") and
// Idempotency-Key on POST, on the users of the account module.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, PASSWORD } from './lib.mjs';

let srv;
let sys;
let sys2;
let seq = 0;

before(async () => {
  srv = new Server();
  await srv.start();
  srv.addUser('r.sys', 'sysadmin');
  srv.addUser('r.sys2', 'sysadmin');
  [sys, sys2] = await Promise.all([srv.login('r.sys'), srv.login('r.sys2')]);
});
after(async () => { await srv?.close(); });

function newUser(extra = {}) {
  seq++;
  return { login: `r.user${seq}`, display_name: `User ${seq}`, roles: ['officer'],
    jurisdiction: 'town:441900003', password: PASSWORD, ...extra };
}

test('optimistic locking: PATCH needs If-Match, refuses a stale version, advances the ETag', async () => {
  const c = await sys.post('/api/v1/users', newUser());
  assert.equal(c.status, 201, c.text);
  const id = c.body.data.id;
  const etag0 = c.headers.get('etag');
  assert.equal(etag0, `"${c.body.data.version}"`);
  const g = await sys.get(`/api/v1/users/${id}`);
  assert.equal(g.headers.get('etag'), etag0);
  const audit0 = await srv.auditSize();

  const none = await sys.patch(`/api/v1/users/${id}`, { display_name: 'No precondition' });
  assertError(assert, none, 428, 'precondition_required', 'If-Match');
  for (const bad of ['"abc"', '*', '""', '"-1"', '"0"']) {
    const r = await sys.patch(`/api/v1/users/${id}`, { display_name: 'Bad' }, { 'If-Match': bad });
    assert.ok(r.status === 400 || r.status === 412 || r.status === 428, `${bad}: ${r.text}`);
  }
  const ok = await sys.patch(`/api/v1/users/${id}`, { display_name: 'First edit' }, { 'If-Match': etag0 });
  assert.equal(ok.status, 200, ok.text);
  const etag1 = ok.headers.get('etag');
  assert.equal(ok.body.data.display_name, 'First edit');
  assert.equal(ok.body.data.version, c.body.data.version + 1);
  assert.equal(etag1, `"${ok.body.data.version}"`);

  // Someone else still holding the old version loses.
  const stale = await sys2.patch(`/api/v1/users/${id}`, { display_name: 'Lost update' }, { 'If-Match': etag0 });
  assertError(assert, stale, 412, 'precondition_failed');
  const future = await sys2.patch(`/api/v1/users/${id}`, { display_name: 'From the future' }, { 'If-Match': `"${ok.body.data.version + 5}"` });
  assertError(assert, future, 412, 'precondition_failed');
  assert.equal((await sys.get(`/api/v1/users/${id}`)).body.data.display_name, 'First edit');

  // Weak and bare forms of the current version are accepted.
  const weak = await sys2.patch(`/api/v1/users/${id}`, { display_name: 'Second edit' }, { 'If-Match': `W/${etag1}` });
  assert.equal(weak.status, 200, weak.text);
  const etag2 = weak.headers.get('etag');
  assert.notEqual(etag2, etag1);
  const bare = await sys.patch(`/api/v1/users/${id}`, { roles: ['officer', 'police'] }, { 'If-Match': etag2.replaceAll('"', '') });
  assert.equal(bare.status, 200, bare.text);
  assert.deepEqual(bare.body.data.roles, ['officer', 'police']);
  // Exactly the three successful changes were audited.
  assert.equal(await srv.auditSize(), audit0 + 3);
  const hist = await srv.sql(`SELECT COUNT(*) FROM audit_entries WHERE object = 'user/${id}' AND action = 'user.update'`);
  assert.equal(Number(hist), 3);
});

test('optimistic locking: role permissions need If-Match too', async () => {
  srv.addUser('r.sec', 'secadmin');
  const sec = await srv.login('r.sec');
  const g = await sec.get('/api/v1/roles/leader');
  const perms = g.body.data.permissions;
  assertError(assert, await sec.put('/api/v1/roles/leader/permissions', { permissions: perms }), 428, 'precondition_required');
  const ok = await sec.put('/api/v1/roles/leader/permissions', { permissions: [...perms, 'hazard:seal'] }, { 'If-Match': g.headers.get('etag') });
  assert.equal(ok.status, 200, ok.text);
  assert.notEqual(ok.headers.get('etag'), g.headers.get('etag'));
  const stale = await sec.put('/api/v1/roles/leader/permissions', { permissions: perms }, { 'If-Match': g.headers.get('etag') });
  assertError(assert, stale, 412, 'precondition_failed');
  assert.ok((await sec.get('/api/v1/roles/leader')).body.data.permissions.includes('hazard:seal'));
});

test('Idempotency-Key: a retried POST creates one record and answers the same', async () => {
  const body = newUser();
  const key = `idem-${Date.now()}`;
  const n0 = srv.count('users');
  const audit0 = await srv.auditSize();
  const a = await sys.post('/api/v1/users', body, { 'Idempotency-Key': key });
  assert.equal(a.status, 201, a.text);
  const b = await sys.post('/api/v1/users', body, { 'Idempotency-Key': key });
  assert.equal(b.status, 201, b.text);
  assert.equal(b.text, a.text);
  assert.equal(srv.count('users'), n0 + 1);
  assert.equal(await srv.auditSize(), audit0 + 1);
  // The same key with another body is a conflict, and stores nothing.
  const c = await sys.post('/api/v1/users', { ...body, display_name: 'Different' }, { 'Idempotency-Key': key });
  assertError(assert, c, 409, 'conflict', 'Idempotency-Key');
  // ... and on another path too.
  const d = await sys.post(`/api/v1/users/${a.body.data.id}/disable`, undefined, { 'Idempotency-Key': key });
  assertError(assert, d, 409, 'conflict', 'Idempotency-Key');
  assert.equal(srv.count('users'), n0 + 1);
  assert.equal(await srv.auditSize(), audit0 + 1);
  assert.equal((await sys.get(`/api/v1/users/${a.body.data.id}`)).body.data.status, 'active');
  // Keys are per user: another user's identical key is a new request.
  const e = await sys2.post('/api/v1/users', newUser(), { 'Idempotency-Key': key });
  assert.equal(e.status, 201, e.text);
  // Without a key, a retry is a second request (here: the login is taken).
  const f = await sys.post('/api/v1/users', body);
  assertError(assert, f, 409, 'conflict', 'login');
});

test('Idempotency-Key: a failed request is not remembered', async () => {
  const key = `idem-fail-${Date.now()}`;
  const body = newUser({ roles: ['nosuchrole'] });
  assertError(assert, await sys.post('/api/v1/users', body, { 'Idempotency-Key': key }), 400, 'invalid', 'roles');
  const fixed = { ...body, roles: ['officer'] };
  const r = await sys.post('/api/v1/users', fixed, { 'Idempotency-Key': key });
  assert.equal(r.status, 201, r.text);
});

test('Idempotency-Key: bad keys are refused', async () => {
  const n0 = srv.count('users');
  assertError(assert, await sys.post('/api/v1/users', newUser(), { 'Idempotency-Key': 'k'.repeat(300) }), 400, 'invalid', 'Idempotency-Key');
  assert.equal(srv.count('users'), n0);
});

test('Idempotency-Key: two concurrent sends make one record', async () => {
  for (let round = 0; round < 3; round++) {
    const body = newUser();
    const key = `idem-race-${round}-${Date.now()}`;
    const n0 = srv.count('users');
    const audit0 = await srv.auditSize();
    const rs = await Promise.all([0, 1, 2].map(() => sys.post('/api/v1/users', body, { 'Idempotency-Key': key })));
    assert.equal(srv.count('users'), n0 + 1, `round ${round}`);
    assert.equal(await srv.auditSize(), audit0 + 1, `round ${round}`);
    assert.equal(Number(srv.sql(`SELECT COUNT(*) FROM users WHERE login = '${body.login}'`)), 1);
    // Every answer is the original one: a concurrent retry is told what
    // the first request did, not that the login is taken.
    for (const r of rs) {
      assert.equal(r.status, 201, `round ${round}: ${r.text}`);
      assert.equal(r.text, rs[0].text);
    }
  }
});
