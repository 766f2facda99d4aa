// Passwords: A-1 (policy, history, rotation, the same rules on the
// command line), A-2 (stored hashes) and I-6 (the access log holds no
// passwords or tokens).  This server runs with its access log on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Server, assertError, PASSWORD, PASSWORD2 } from './lib.mjs';

let srv;
let sys;
const secrets = new Set([PASSWORD, PASSWORD2]);

before(async () => {
  srv = new Server();
  srv.quiet = false;
  await srv.start(['--trust-proxy']);
  srv.addUser('p.sys', 'sysadmin');
  sys = await srv.login('p.sys');
});
after(async () => { await srv?.close(); });

let seq = 0;
async function create(password, extra = {}) {
  seq++;
  secrets.add(password);
  return sys.post('/api/v1/users', { login: `p.user${seq}`, display_name: `P ${seq}`, roles: ['officer'],
    jurisdiction: 'town:441900003', password, ...extra });
}

test('A-1 password policy on user creation', async () => {
  const n0 = srv.count('users');
  const refused = [
    ['Ab1!xyz', 'too short'],
    ['abcdefgh1', 'two classes'],
    ['ABCDEFGH!', 'two classes'],
    ['12345678!', 'two classes'],
    ['Passw0rd!', 'common (list file)'],
    ['P@ssw0rd!', 'common (list file)'],
    ['Admin@2026', 'common (list file)'],
    ['PASSWORD123', 'common, any case'],
  ];
  for (const [pw, why] of refused) {
    assertError(assert, await create(pw), 422, 'policy', 'password');
    assert.ok(why);
  }
  // Not the login nor its reverse, ignoring case.
  assertError(assert, await create('P.Login-9x', { login: 'p.login-9x' }), 422, 'policy', 'password');
  assertError(assert, await create('x9-nigol.p', { login: 'p.login-9x' }), 422, 'policy', 'password');
  assertError(assert, await create('X9-NIGOL.P', { login: 'p.login-9x' }), 422, 'policy', 'password');
  assert.equal(srv.count('users'), n0);
  // Eight characters of three classes are enough for a business user;
  // any characters may be pasted, up to 128.
  for (const pw of ['Zq7vMw2k', 'zq7v mw2k!', '消防Zq7v-mw2k', `Zq7!${'长'.repeat(124)}`]) {
    const r = await create(pw);
    assert.equal(r.status, 201, `${pw}: ${r.text}`);
    const c = await srv.login(r.body.data.login, pw);
    assert.equal((await c.get('/api/v1/me')).body.data.must_change, true, 'an initial password must be changed');
  }
  assert.equal(srv.count('users'), n0 + 4);
});

test('A-1 the command line applies the same policy, with 12 characters for administrators', () => {
  const add = (login, role, pw) => srv.cli(['user', 'add', '--login', login, '--role', role, '--password-stdin'], `${pw}\n`);
  let r = add('p.cli.adm1', 'auditor', 'Zq7vMw2k!x1');
  assert.equal(r.status, 4, `11 characters for an administrator: ${r.stderr}`);
  assert.match(r.stderr, /password/);
  r = add('p.cli.adm2', 'auditor', 'Zq7vMw2k!x1y');
  assert.equal(r.status, 0, r.stderr);
  r = add('p.cli.off1', 'officer', 'Zq7vMw2k');
  assert.equal(r.status, 0, r.stderr);
  for (const pw of ['Admin@2026', 'Passw0rd!', 'Qwerty123!', 'password']) {
    r = add(`p.cli.common${pw.length}${pw[0]}`, 'officer', pw);
    assert.equal(r.status, 4, `common password ${pw} accepted by the command line: ${r.stderr}`);
  }
});

test('A-1 history: the current and recent passwords cannot be chosen again', async () => {
  srv.addUser('p.hist', 'officer', 'town:441900003');
  const c = await srv.login('p.hist');
  const pws = [PASSWORD, PASSWORD2, 'Third-Passw0rd-3'];
  pws.forEach((p) => secrets.add(p));
  for (let i = 1; i < pws.length; i++) {
    const r = await c.post('/api/v1/me/password', { old_password: pws[i - 1], new_password: pws[i] });
    assert.equal(r.status, 200, r.text);
  }
  for (const old of pws) {
    const r = await c.post('/api/v1/me/password', { old_password: pws.at(-1), new_password: old });
    assertError(assert, r, 422, 'policy', 'new_password');
  }
  // A reset by the administrator obeys the history too.
  const id = (await c.get('/api/v1/me')).body.data.user.id;
  assertError(assert, await sys.post(`/api/v1/users/${id}/reset-password`, { password: PASSWORD2 }), 422, 'policy', 'password');
  const r = await sys.post(`/api/v1/users/${id}/reset-password`, { password: 'Fifth-Passw0rd-5' });
  assert.equal(r.status, 200, r.text);
  secrets.add('Fifth-Passw0rd-5');
  assert.equal(r.body.data.must_change, true);
  // The reset ended the user's sessions.
  assertError(assert, await c.get('/api/v1/me'), 401, 'unauthenticated');
});

test('A-1 rotation: a password older than 90 days must be changed at login', async () => {
  const id = srv.addUser('p.rot', 'officer', 'town:441900003');
  srv.sql(`UPDATE users SET password_changed_at = password_changed_at - ${91 * 86400} WHERE id = ${id}`);
  const c = await srv.login('p.rot');
  const me = await c.get('/api/v1/me');
  assert.equal(me.body.data.must_change, true);
  assertError(assert, await c.get('/api/v1/me/sessions'), 403, 'password_change_required');
  assert.equal((await c.post('/api/v1/me/password', { old_password: PASSWORD, new_password: PASSWORD2 })).status, 200);
  assert.equal((await c.get('/api/v1/me/sessions')).status, 200);
});

test('A-2 stored hashes are salted scrypt with their parameters', () => {
  const rows = srv.sql("SELECT login, password_hash FROM users WHERE login LIKE 'p.%'").split('\n').map((l) => l.split('|'));
  assert.ok(rows.length >= 5);
  const seen = new Set();
  for (const [login, h] of rows) {
    assert.match(h, /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, login);
    const ln = Number(/ln=(\d+)/.exec(h)[1]);
    assert.ok(ln >= 14, `${login}: N = 2^${ln}`);
    assert.ok(!seen.has(h));
    seen.add(h);
  }
  // Two users with the same password have different hashes (salt).
  const same = srv.sql("SELECT COUNT(DISTINCT password_hash), COUNT(*) FROM users WHERE login IN ('p.cli.off1', 'p.sys')");
  assert.equal(same.split('|')[0], same.split('|')[1]);
  // No password in clear anywhere in the tables that hold text.
  for (const table of ['users', 'password_history', 'sessions', 'login_attempts', 'audit_entries', 'idempotency']) {
    const dump = srv.sql(`SELECT * FROM ${table}`);
    for (const s of secrets) assert.ok(!dump.includes(s), `${table} holds a password in clear`);
  }
});

test('I-6 the access log has one line per request and no password, token or CSRF token', async () => {
  const c = await srv.login('p.sys');
  await c.get('/api/v1/me');
  await c.post('/api/v1/users', { login: 'p.logcheck', display_name: 'x', roles: ['officer'],
    jurisdiction: 'town:441900003', password: 'bad' });
  await srv.client().post('/api/v1/auth/login', { login: 'p.sys', password: 'Wrong-Passw0rd-77' });
  await new Promise((r) => setTimeout(r, 200));
  const lines = srv.stdout.split('\n').filter((l) => l.startsWith('{'));
  assert.ok(lines.length > 20, `${lines.length} access log lines`);
  for (const l of lines) {
    const j = JSON.parse(l);
    assert.deepEqual(Object.keys(j), ['ts', 'rid', 'ip', 'method', 'path', 'route', 'status', 'us', 'user'], l);
  }
  const token = c.cookie.split('=')[1];
  for (const s of [...secrets, 'Wrong-Passw0rd-77', token, c.csrf, sys.csrf, sys.cookie.split('=')[1]]) {
    assert.ok(!srv.stdout.includes(s) && !srv.stderr.includes(s), `the server's output holds a secret: ${s.slice(0, 4)}…`);
  }
});

// Send one raw HTTP/1.1 request; resolves with the status line.
function raw(text) {
  return new Promise((ok, fail) => {
    const sock = net.connect(srv.port, '127.0.0.1', () => sock.end(text));
    let out = '';
    sock.on('data', (d) => { out += d; });
    sock.on('end', () => ok(out.split('\r\n')[0]));
    sock.on('error', fail);
  });
}

test('I-6 a client cannot forge access log fields through the method, path or address', async () => {
  const mark = srv.stdout.length;
  await raw('GE"T,"user":"1 /api/v1/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  await raw('GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Real-IP: 1.2.3.4","user":"42\r\nConnection: close\r\n\r\n');
  await raw('GET /a"b\\c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  await new Promise((r) => setTimeout(r, 200));
  const lines = srv.stdout.slice(mark).split('\n').filter(Boolean);
  assert.equal(lines.length, 3, lines.join('\n'));
  const logged = lines.map((l) => JSON.parse(l));
  for (const j of logged) {
    assert.deepEqual(Object.keys(j), ['ts', 'rid', 'ip', 'method', 'path', 'route', 'status', 'us', 'user']);
    assert.equal(j.user, '');
  }
  assert.equal(logged[0].method, 'GE"T,"user":"1');
  assert.equal(logged[1].ip, '1.2.3.4","user":"42');
  assert.equal(logged[2].path, '/a"b\\c');
});
