// Authorisation: Z-1 (every route × every role, deny by default, audited
// refusals), A-7 (三员分立) and Z-2 (jurisdiction isolation).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, PASSWORD } from './lib.mjs';

let srv;
let ops;       // [{ method, path, perm }]
let sys;
let sec;
let aud;

const ROLES = ['sysadmin', 'secadmin', 'auditor', 'officer', 'legal', 'leader',
  'town', 'grid', 'police', 'dept', 'unit', 'agency'];
const JURISDICTION = {
  sysadmin: 'city', secadmin: 'city', auditor: 'city', officer: 'town:441900003',
  legal: 'city', leader: 'city', town: 'town:441900003', grid: 'grid:7',
  police: 'town:441900003', dept: 'city', unit: 'unit:42', agency: 'city',
};

before(async () => {
  srv = new Server();
  await srv.start();
  srv.addUser('z.sys', 'sysadmin');
  srv.addUser('z.sec', 'secadmin');
  srv.addUser('z.aud', 'auditor');
  [sys, sec, aud] = await Promise.all([srv.login('z.sys'), srv.login('z.sec'), srv.login('z.aud')]);
  const doc = (await srv.client().get('/api/v1/openapi.json')).body;
  ops = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(item)) ops.push({ method: m.toUpperCase(), path, perm: op['x-permission'] });
  }
  // Logout last: it ends the session the rest of the calls use.
  ops.sort((a, b) => (a.path === '/api/v1/auth/logout') - (b.path === '/api/v1/auth/logout'));
});
after(async () => { await srv?.close(); });

const fill = (p) => p.replace(/\{[^}]+\}/g, '1');
const hasBody = (m) => m !== 'GET' && m !== 'DELETE';

async function deniedCount() {
  const r = await aud.get('/api/v1/audit/search?action=access.denied&limit=1');
  assert.equal(r.status, 200, r.text);
  return r.body.page.total;
}

test('Z-1 every operation has a permission', () => {
  assert.ok(ops.length > 0);
  for (const o of ops) assert.ok(typeof o.perm === 'string' && o.perm.length > 0, `${o.method} ${o.path}`);
});

test('Z-1 unauthenticated requests get 401 on every non-public route', async () => {
  const anon = srv.client();
  const audit0 = await srv.auditSize();
  for (const o of ops) {
    if (o.perm === 'public') continue;
    const r = await anon.req(o.method, fill(o.path), hasBody(o.method) ? {} : undefined);
    assertError(assert, r, 401, 'unauthenticated');
    // A forged or stale cookie makes no difference.
    const r2 = await anon.req(o.method, fill(o.path), hasBody(o.method) ? {} : undefined,
      { Cookie: `__Host-sid=${'ab'.repeat(32)}`, 'X-CSRF-Token': 'x' });
    assertError(assert, r2, 401, 'unauthenticated');
  }
  assert.equal(await srv.auditSize(), audit0, 'unauthenticated requests stored nothing');
});

test('Z-1 public routes answer without a session', async () => {
  const anon = srv.client();
  for (const o of ops) {
    if (o.perm !== 'public' || o.method !== 'GET') continue;
    const r = await anon.get(fill(o.path));
    assert.ok(r.status !== 401 && r.status !== 403 && r.status < 500, `${o.path}: ${r.status} ${r.text}`);
  }
});

test('Z-1 route × role: held routes pass, others answer 403 and are audited', async () => {
  const denied0 = await deniedCount();
  let forbidden = 0;
  const matrix = {};
  for (const role of ROLES) {
    const login = `z.m.${role}`;
    const c = await srv.userClient(login, role, JURISDICTION[role]);
    const me = await c.get('/api/v1/me');
    assert.equal(me.status, 200, me.text);
    assert.deepEqual(me.body.data.roles, [role]);
    const held = new Set(me.body.data.permissions);
    matrix[role] = [...held].sort();
    for (const o of ops) {
      if (o.path === '/api/v1/auth/login') continue;
      const r = await c.req(o.method, fill(o.path), hasBody(o.method) ? {} : undefined);
      const what = `${role} ${o.method} ${o.path} (${o.perm}): ${r.status} ${r.text}`;
      assert.ok(r.status < 500, what);
      // The payment platforms' callback is public but signed: without
      // the platform's signature it answers 401 naming the signature.
      if (o.path === '/api/v1/payments/callback') {
        assertError(assert, r, 401, undefined, 'signature');
        continue;
      }
      assert.notEqual(r.status, 401, what);
      if (o.perm === 'public' || o.perm === 'login' || held.has(o.perm)) {
        assert.ok(!(r.status === 403 && r.body?.error?.code === 'forbidden'), what);
      } else {
        assertError(assert, r, 403, 'forbidden');
        forbidden++;
      }
    }
  }
  // Each refusal is one access.denied entry (A-7, L-4).
  assert.ok(forbidden > 50, `${forbidden} refusals`);
  assert.equal(await deniedCount(), denied0 + forbidden);
  const r = await aud.get('/api/v1/audit/search?action=access.denied&limit=5');
  for (const e of r.body.data) {
    assert.equal(e.action, 'access.denied');
    assert.match(e.actor, /^\d+$/, 'actor is the user id');
    assert.match(e.object, /^route\/[a-z]+:[a-z]+$/);
    const ent = JSON.parse(e.entry);
    assert.equal(ent.action, 'access.denied');
    assert.equal(ent.actor, e.actor);
  }
  // The seeded permissions match the design: the 三员 hold only their own duty.
  assert.deepEqual(matrix.sysadmin, ['account:read', 'account:write', 'role:read']);
  // The sampling rules of random inspections are security configuration
  // (issue 5: "editable by the security-configured role"), kind "sec".
  assert.deepEqual(matrix.secadmin, ['inspection:rules', 'role:read', 'role:write']);
  assert.deepEqual(matrix.auditor, ['audit:read']);
  for (const role of ROLES.slice(3)) {
    for (const p of matrix[role]) assert.ok(!/^(account|role|audit):/.test(p), `${role} holds ${p}`);
  }
});

test('A-7 sysadmin cannot change role permissions', async () => {
  const d0 = await deniedCount();
  const role = await sec.get('/api/v1/roles/officer');
  const r = await sys.put('/api/v1/roles/officer/permissions', { permissions: ['registry:read'] },
    { 'If-Match': role.headers.get('etag') });
  assertError(assert, r, 403, 'forbidden');
  assert.equal(await deniedCount(), d0 + 1);
  assert.deepEqual((await sec.get('/api/v1/roles/officer')).body.data, role.body.data);
});

test('A-7 secadmin cannot create or change users', async () => {
  const d0 = await deniedCount();
  const n0 = srv.count('users');
  const body = { login: 'z.bysec', display_name: 'x', roles: ['officer'], jurisdiction: 'city', password: PASSWORD };
  assertError(assert, await sec.post('/api/v1/users', body), 403, 'forbidden');
  assertError(assert, await sec.get('/api/v1/users'), 403, 'forbidden');
  assertError(assert, await sec.post('/api/v1/users/1/reset-password', { password: PASSWORD }), 403, 'forbidden');
  assert.equal(await deniedCount(), d0 + 3);
  assert.equal(srv.count('users'), n0);
});

test('A-7 auditor can do neither, and cannot read users or roles', async () => {
  const d0 = await deniedCount();
  const body = { login: 'z.byaud', display_name: 'x', roles: ['officer'], jurisdiction: 'city', password: PASSWORD };
  assertError(assert, await aud.post('/api/v1/users', body), 403, 'forbidden');
  assertError(assert, await aud.put('/api/v1/roles/officer/permissions', { permissions: [] }, { 'If-Match': '"1"' }), 403, 'forbidden');
  assertError(assert, await aud.get('/api/v1/roles'), 403, 'forbidden');
  assertError(assert, await aud.get('/api/v1/users'), 403, 'forbidden');
  assert.equal(await deniedCount(), d0 + 4);
});

test('A-7 administrators cannot be given business roles, nor be made over the API', async () => {
  const n0 = srv.count('users');
  const base = { display_name: 'x', jurisdiction: 'city', password: PASSWORD };
  // An administrator role combined with a business role.
  let r = await sys.post('/api/v1/users', { ...base, login: 'z.combo1', roles: ['sysadmin', 'officer'] });
  assertError(assert, r, 422, 'policy', 'roles');
  r = await sys.post('/api/v1/users', { ...base, login: 'z.combo2', roles: ['officer', 'auditor'] });
  assertError(assert, r, 422, 'policy', 'roles');
  r = await sys.post('/api/v1/users', { ...base, login: 'z.combo3', roles: ['secadmin', 'auditor'] });
  assertError(assert, r, 422, 'policy', 'roles');
  // 三员 accounts are made with the command line only (ACC-005).
  for (const role of ['sysadmin', 'secadmin', 'auditor']) {
    r = await sys.post('/api/v1/users', { ...base, login: `z.new.${role}`, roles: [role] });
    assertError(assert, r, 403, 'forbidden', 'roles');
  }
  // An existing administrator cannot be given a business role.
  const secUser = (await sys.get('/api/v1/users?q=z.sec&limit=1')).body.data[0];
  assert.equal(secUser.login, 'z.sec');
  r = await sys.patch(`/api/v1/users/${secUser.id}`, { roles: ['secadmin', 'officer'] }, { 'If-Match': `"${secUser.version}"` });
  assert.ok([403, 422].includes(r.status), r.text);
  // A business user cannot be promoted to an administrator, alone or combined.
  const offId = srv.addUser('z.off', 'officer', 'town:441900003');
  const off = (await sys.get(`/api/v1/users/${offId}`)).body.data;
  r = await sys.patch(`/api/v1/users/${offId}`, { roles: ['officer', 'auditor'] }, { 'If-Match': `"${off.version}"` });
  assertError(assert, r, 422, 'policy', 'roles');
  r = await sys.patch(`/api/v1/users/${offId}`, { roles: ['auditor'] }, { 'If-Match': `"${off.version}"` });
  assert.ok([403, 422].includes(r.status), r.text);
  assert.deepEqual((await sys.get(`/api/v1/users/${offId}`)).body.data.roles, ['officer']);
  // The command line refuses the same combinations.
  const cli = srv.cli(['user', 'add', '--login', 'z.cli.adm', '--role', 'auditor', '--jurisdiction', 'town:441900003', '--password-stdin'], `${PASSWORD}\n`);
  assert.equal(cli.status, 4, cli.stderr);
  assert.equal(srv.count('users'), n0 + 1);
});

test('A-7 secadmin cannot give one role two duties, nor business duties to an administrator', async () => {
  const cat = (await sec.get('/api/v1/permissions')).body.data;
  const kind = Object.fromEntries(cat.map((p) => [p.perm, p.admin_kind]));
  assert.equal(kind['account:write'], 'sys');
  assert.equal(kind['role:write'], 'sec');
  assert.equal(kind['audit:read'], 'audit');
  const put = async (role, permissions) => {
    const g = await sec.get(`/api/v1/roles/${role}`);
    return sec.put(`/api/v1/roles/${role}/permissions`, { permissions }, { 'If-Match': g.headers.get('etag') });
  };
  const before = (await sec.get('/api/v1/roles')).body.data;
  assertError(assert, await put('officer', ['registry:read', 'account:write']), 422, 'policy', 'permissions');
  assertError(assert, await put('officer', ['audit:read']), 422, 'policy', 'permissions');
  assertError(assert, await put('secadmin', ['role:read', 'role:write', 'account:write']), 422, 'policy', 'permissions');
  assertError(assert, await put('secadmin', ['role:read', 'role:write', 'audit:read']), 422, 'policy', 'permissions');
  assertError(assert, await put('sysadmin', ['account:read', 'account:write', 'role:read', 'registry:read']), 422, 'policy', 'permissions');
  assertError(assert, await put('auditor', ['audit:read', 'hazard:read']), 422, 'policy', 'permissions');
  assertError(assert, await put('auditor', ['role:read']), 422, 'policy', 'permissions');
  assertError(assert, await put('officer', ['registry:read', 'nosuch:perm']), 400, 'invalid', 'permissions');
  assertError(assert, await put('officer', ['registry:read', 'registry:read']), 400, 'invalid', 'permissions');
  assert.deepEqual((await sec.get('/api/v1/roles')).body.data, before);
  // No role is a super-user: at most one administrator duty, and none
  // besides business permissions.
  for (const role of before) {
    const duties = new Set(role.permissions.map((p) => kind[p]).filter(Boolean));
    assert.ok(duties.size <= 1, `${role.id}: ${role.permissions}`);
    if (role.admin_kind) {
      assert.deepEqual([...duties], [role.admin_kind], role.id);
    } else {
      assert.equal(duties.size, 0, role.id);
    }
  }
});

test('Z-2 a town user sees only users of its own town', async () => {
  // No business role reads accounts out of the box; the security
  // administrator grants account:read to the town role for this test.
  const g = await sec.get('/api/v1/roles/town');
  assert.equal(g.status, 200);
  assert.match(g.headers.get('etag'), /^"\d+"$/);
  const p = await sec.put('/api/v1/roles/town/permissions',
    { permissions: [...g.body.data.permissions, 'account:read'] }, { 'If-Match': g.headers.get('etag') });
  assert.equal(p.status, 200, p.text);
  const mine = [srv.addUser('z2.off.a', 'officer', 'town:441900003'), srv.addUser('z2.grid.a', 'grid', 'town:441900003')];
  const theirs = [srv.addUser('z2.off.b', 'officer', 'town:441900005'), srv.addUser('z2.grid.c', 'grid', 'grid:9'),
    srv.addUser('z2.city', 'leader', 'city')];
  const t1 = await srv.userClient('z2.town.a', 'town', 'town:441900003');
  const t2 = await srv.userClient('z2.town.b', 'town', 'town:441900005');
  assert.ok((await t1.get('/api/v1/me')).body.data.permissions.includes('account:read'));

  const list = await t1.get('/api/v1/users?limit=200');
  assert.equal(list.status, 200, list.text);
  const expected = Number(srv.sql("SELECT COUNT(*) FROM users WHERE jurisdiction = 'town:441900003'"));
  assert.equal(list.body.page.total, expected);
  assert.equal(list.body.data.length, expected);
  for (const u of list.body.data) assert.equal(u.jurisdiction, 'town:441900003', u.login);
  const ids = new Set(list.body.data.map((u) => u.id));
  for (const id of mine) assert.ok(ids.has(id));
  for (const id of theirs) assert.ok(!ids.has(id));
  // Filters and sorting do not widen the view.
  for (const q of ['q=z2', 'role=officer', 'role=sysadmin', 'status=active', 'sort=-created_at', 'q=%25', 'q=_']) {
    const r = await t1.get(`/api/v1/users?${q}&limit=200`);
    assert.equal(r.status, 200, `${q}: ${r.text}`);
    for (const u of r.body.data) assert.equal(u.jurisdiction, 'town:441900003', `${q}: ${u.login}`);
  }
  // Guessing ids of other jurisdictions: not found, as if absent.
  for (const id of theirs) {
    assertError(assert, await t1.get(`/api/v1/users/${id}`), 404, 'not_found');
  }
  const sysId = (await sys.get('/api/v1/users?q=z.sys&limit=1')).body.data[0].id;
  assertError(assert, await t1.get(`/api/v1/users/${sysId}`), 404, 'not_found');
  for (const id of mine) assert.equal((await t1.get(`/api/v1/users/${id}`)).status, 200);
  // And the other town, the other way round.
  const l2 = await t2.get('/api/v1/users?limit=200');
  for (const u of l2.body.data) assert.equal(u.jurisdiction, 'town:441900005');
  assertError(assert, await t2.get(`/api/v1/users/${mine[0]}`), 404, 'not_found');
  assert.equal((await t2.get(`/api/v1/users/${theirs[0]}`)).status, 200);
  // Reading does not allow writing.
  assertError(assert, await t1.patch(`/api/v1/users/${mine[0]}`, { display_name: 'x' }, { 'If-Match': '"1"' }), 403, 'forbidden');
  // The city sees everyone.
  const all = await sys.get('/api/v1/users?limit=200');
  assert.equal(all.body.page.total, srv.count('users'));
});
