// first start creates the three administrators with one-time
// passwords that must be changed before anything else is allowed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, PASSWORD, PASSWORD2 } from './lib.mjs';

let srv;
let ops;

before(async () => {
  srv = new Server();
  await srv.start();
  ops = (await srv.client().get('/api/v1/openapi.json')).body.paths;
});
after(async () => { await srv?.close(); });

const ADMINS = ['sysadmin', 'secadmin', 'auditor'];

function fill(p) { return p.replace(/\{[^}]+\}/g, '1'); }

test('A-5 first start prints one-time passwords for the three administrators', () => {
  assert.deepEqual(Object.keys(srv.bootPasswords).sort(), [...ADMINS].sort());
  const pws = Object.values(srv.bootPasswords);
  assert.equal(new Set(pws).size, 3, 'passwords differ');
  for (const pw of pws) {
    assert.ok(pw.length >= 12, `admin one-time password is >= 12 characters: ${pw}`);
    assert.ok(pw !== PASSWORD);
  }
  // Printed once each.
  for (const a of ADMINS) {
    assert.equal(srv.stderr.split(`administrator ${a} `).length - 1, 1, a);
  }
});

test('A-5 a wrong password is not accepted for a bootstrap administrator', async () => {
  const r = await srv.client().post('/api/v1/auth/login', { login: 'sysadmin', password: 'admin' });
  assertError(assert, r, 401, 'bad_login');
});

test('A-5 until the password is changed only me, password, TOTP enrolment and logout are allowed', async () => {
  for (const login of ADMINS) {
    const c = await srv.login(login, srv.bootPasswords[login]);
    const me = await c.get('/api/v1/me');
    assert.equal(me.status, 200, login);
    assert.equal(me.body.data.must_change, true, login);
    assert.equal(me.body.data.user.login, login);
    assert.deepEqual(me.body.data.roles, [login]);
    for (const [p, item] of Object.entries(ops)) {
      for (const [m, op] of Object.entries(item)) {
        const perm = op['x-permission'];
        if (perm === 'public') continue;
        const route = `${m.toUpperCase()} ${p}`;
        // Enrolling the second factor is allowed before the password change too.
        if (['GET /api/v1/me', 'POST /api/v1/me/password', 'POST /api/v1/auth/logout',
          'POST /api/v1/me/totp', 'POST /api/v1/me/totp/confirm'].includes(route)) continue;
        const r = await c.req(m.toUpperCase(), fill(p), m === 'get' || m === 'delete' ? undefined : {});
        assertError(assert, r, 403, 'password_change_required', undefined);
      }
    }
    // The password cannot be "changed" to something that breaks A-1.
    const weak = await c.post('/api/v1/me/password', { old_password: srv.bootPasswords[login], new_password: 'short1A!' });
    assertError(assert, weak, 422, 'policy', 'new_password');
    const wrongOld = await c.post('/api/v1/me/password', { old_password: 'nope', new_password: PASSWORD });
    assertError(assert, wrongOld, 422, 'policy', 'old_password');
    const ok = await c.post('/api/v1/me/password', { old_password: srv.bootPasswords[login], new_password: PASSWORD });
    assert.equal(ok.status, 200, ok.text);
    const me2 = await c.get('/api/v1/me');
    assert.equal(me2.body.data.must_change, false);
    // The session carries on, and routes the role holds now work.
    const held = { sysadmin: '/api/v1/users', secadmin: '/api/v1/roles', auditor: '/api/v1/audit/search' }[login];
    assert.equal((await c.get(held)).status, 200, `${login} ${held}`);
    // The one-time password is gone.
    const old = await srv.client().post('/api/v1/auth/login', { login, password: srv.bootPasswords[login] });
    assertError(assert, old, 401, 'bad_login');
    // The new password cannot be set again straight away (history, A-1).
    const again = await c.post('/api/v1/me/password', { old_password: PASSWORD, new_password: PASSWORD });
    assertError(assert, again, 422, 'policy', 'new_password');
  }
});

test('A-5 a restart prints no new passwords and keeps the administrators', async () => {
  await srv.stop();
  srv.bootPasswords = {};
  await srv.start();
  assert.deepEqual(srv.bootPasswords, {});
  assert.doesNotMatch(srv.stderr, /one-time password/);
  for (const login of ADMINS) {
    const c = await srv.login(login, PASSWORD);
    assert.equal((await c.get('/api/v1/me')).body.data.must_change, false);
  }
});

test('A-5 user passwd sets a one-time password that must be changed', async () => {
  const r = srv.cli(['user', 'passwd', '--login', 'auditor']);
  assert.equal(r.status, 0, r.stderr);
  const m = /one-time password: (\S+)/.exec(r.stdout);
  assert.ok(m, r.stdout);
  const c = await srv.login('auditor', m[1]);
  assertError(assert, await c.get('/api/v1/audit/search'), 403, 'password_change_required');
  assert.equal((await c.post('/api/v1/me/password', { old_password: m[1], new_password: PASSWORD2 })).status, 200);
  assert.equal((await c.get('/api/v1/audit/search')).status, 200);
});

test('CLI exit codes: usage 2, rejected input 4', () => {
  assert.equal(srv.cli(['user', 'frobnicate']).status, 2);
  assert.equal(srv.cli(['user', 'add', '--login', 'x1']).status, 2);
  const dup = srv.cli(['user', 'add', '--login', 'sysadmin', '--role', 'officer', '--password-stdin'], `${PASSWORD}\n`);
  assert.equal(dup.status, 4, dup.stderr);
  const weak = srv.cli(['user', 'add', '--login', 'weakling', '--role', 'officer', '--password-stdin'], 'password\n');
  assert.equal(weak.status, 4, weak.stderr);
  const list = srv.cli(['user', 'list']);
  assert.equal(list.status, 0);
  for (const a of ADMINS) assert.match(list.stdout, new RegExp(`\\t${a}\\t`));
  assert.doesNotMatch(list.stdout, /weakling/);
});
