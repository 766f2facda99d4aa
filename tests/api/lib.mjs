// Shared harness of the black-box API tests: start a real `firewarden
// serve` on 127.0.0.1 with a fresh database (SQLite file, or a fresh
// schema on the PostgreSQL server given as FW_TEST_DB=postgres://...),
// create users with the CLI, log in, and make requests.  Only Node's
// standard library is used.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';

export const BIN = resolve(process.env.FW_BIN || 'build/firewarden');
const DBKIND = process.env.FW_TEST_DB || 'sqlite';
export const IS_PG = DBKIND !== 'sqlite';
export const PASSWORD = 'Test-Passw0rd-2026!';
// Passwords that pass A-1 for administrators (>= 12, 3 of 4 classes).
export const PASSWORD2 = 'Other-Passw0rd-2027?';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); });
    s.on('error', fail);
  });
}

let pgSchemaSeq = 0;

// A fresh database URL: a new SQLite file, or a new PostgreSQL schema
// (selected with the search_path option of the connection URL).
function freshDb(dir) {
  if (!IS_PG) return { url: `sqlite:${dir}/test.db`, file: `${dir}/test.db` };
  const schema = `t${process.pid}_${Date.now()}_${pgSchemaSeq++}`;
  const psql = spawnSync('psql', [DBKIND, '-q', '-c', `CREATE SCHEMA ${schema}`], { encoding: 'utf8' });
  if (psql.status !== 0) throw new Error(`psql: ${psql.stderr}`);
  const sep = DBKIND.includes('?') ? '&' : '?';
  return { url: `${DBKIND}${sep}options=-csearch_path%3D${schema}`, schema };
}

// Every response text any client of this process received, so that a
// test can check that a secret never appeared in one.
export const responseLog = [];

export class Server {
  constructor() {
    this.dir = mkdtempSync(join(process.env.FW_TMP || tmpdir(), 'fwapi-'));
    const db = freshDb(this.dir);
    this.db = db.url;
    this.dbFile = db.file;
    this.schema = db.schema;
    this.keys = `${this.dir}/keys`;
    this.proc = null;
    this.stderr = '';
    this.bootPasswords = {};
    this.extra = [];
    // A-6 is enforced by the server; suites not about the second factor
    // run with --allow-no-totp so that administrators can log in often
    // (a TOTP code is single-use within its 30-second step).
    this.enforceTotp = false;
    // --quiet turns the access log off; a test of I-6 wants it on.
    this.quiet = true;
  }

  cli(args, input, env = {}) {
    return spawnSync(BIN, [...args, '--db', this.db, '--keys', this.keys],
      { input, encoding: 'utf8', env: { ...process.env, ...env } });
  }

  // Create a user from the CLI (password not forced to change).
  addUser(login, role, jurisdiction = 'city', password = PASSWORD) {
    const args = ['user', 'add', '--login', login, '--role', role, '--password-stdin'];
    if (jurisdiction) args.push('--jurisdiction', jurisdiction);
    const r = this.cli(args, password + '\n');
    if (r.status !== 0) throw new Error(`user add ${login}: ${r.stderr}`);
    const m = /\(id (\d+)\)/.exec(r.stdout);
    return m ? m[1] : login;
  }

  // Run SQL straight against the database, bypassing the server (to
  // simulate time passing or an attacker with database access).  Returns
  // the rows as text, one per line, columns separated by '|'.
  sql(query) {
    const r = IS_PG
      ? spawnSync('psql', [this.db, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', query], { encoding: 'utf8' })
      : spawnSync('sqlite3', ['-cmd', '.timeout 10000', this.dbFile, query], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`sql ${query}: ${r.stderr}`);
    return r.stdout.trim();
  }

  async start(extra = this.extra) {
    this.extra = extra;
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    this.origin = this.base;
    this.stderr = '';
    this.stdout = '';
    this.proc = spawn(BIN, ['serve', '--db', this.db, '--keys', this.keys,
      '--listen', `127.0.0.1:${this.port}`, ...(this.quiet ? ['--quiet'] : []),
      // Background jobs would append audit entries at moments no test
      // chooses; the suites run them from the CLI (`job run`) instead.
      ...(this.enforceTotp ? [] : ['--allow-no-totp']), '--no-jobs', ...extra],
    { stdio: ['ignore', this.quiet ? 'ignore' : 'pipe', 'pipe'] });
    // The access log (one JSON line per request) goes to stdout.
    this.proc.stdout?.on('data', (d) => { this.stdout += d; });
    this.proc.stderr.on('data', (d) => {
      this.stderr += d;
      for (const m of String(d).matchAll(/administrator (\S+)\s+one-time password: (\S+)/g)) {
        this.bootPasswords[m[1]] = m[2];
      }
    });
    for (let i = 0; i < 400; i++) {
      try {
        const r = await fetch(`${this.base}/readyz`);
        if (r.status === 200) return this;
      } catch { /* not yet */ }
      if (this.proc.exitCode !== null) throw new Error(`server exited ${this.proc.exitCode}: ${this.stderr}`);
      await sleep(25);
    }
    throw new Error(`server not ready: ${this.stderr}`);
  }

  async stop() {
    if (!this.proc) return;
    const p = this.proc;
    this.proc = null;
    if (p.exitCode === null) {
      const done = new Promise((ok) => p.on('exit', ok));
      p.kill('SIGTERM');
      await done;
    }
    if (p.exitCode && p.exitCode !== 0) throw new Error(`server exit ${p.exitCode}: ${this.stderr}`);
  }

  // Stop the server and remove its files, even when it exited badly (the
  // error is raised after the clean-up).
  async close() {
    try {
      await this.stop();
    } finally {
      if (process.env.FW_KEEP !== '1') {
        rmSync(this.dir, { recursive: true, force: true });
        if (IS_PG && this.schema) {
          spawnSync('psql', [DBKIND, '-q', '-c', `DROP SCHEMA ${this.schema} CASCADE`], { encoding: 'utf8' });
        }
      }
    }
  }

  client(opts) { return new Client(this.base, opts); }

  async login(login, password = PASSWORD, opts) {
    const c = this.client(opts);
    const r = await c.post('/api/v1/auth/login', { login, password });
    if (r.status !== 200) throw new Error(`login ${login}: ${r.status} ${JSON.stringify(r.body)}`);
    c.login = login;
    c.user = r.body.data.user;
    return c;
  }

  // Create a user with the CLI and log in as them.
  async userClient(login, role, jurisdiction = 'city', opts) {
    this.addUser(login, role, jurisdiction);
    return this.login(login, PASSWORD, opts);
  }

  // The number of entries in the audit log, from /metrics.
  async auditSize() {
    const r = await fetch(`${this.base}/metrics`);
    const m = /^firewarden_audit_tree_size (\d+)$/m.exec(await r.text());
    if (!m) throw new Error('no firewarden_audit_tree_size in /metrics');
    return Number(m[1]);
  }

  // The number of rows of a table, straight from the database.
  count(table) { return Number(this.sql(`SELECT COUNT(*) FROM ${table}`)); }
}

export class Client {
  // opts.ip: sent as X-Real-IP (honoured by a server run with
  // --trust-proxy), so that tests of per-IP limits do not share one.
  constructor(base, opts = {}) {
    this.base = base;
    this.cookie = null;
    this.csrf = null;
    this.origin = null;
    this.ip = opts.ip || null;
  }

  async req(method, path, body, headers = {}) {
    const h = { ...headers };
    if (this.cookie && !('Cookie' in h)) h.Cookie = this.cookie;
    if (this.csrf && !('X-CSRF-Token' in h)) h['X-CSRF-Token'] = this.csrf;
    if (this.origin && !('Origin' in h)) h.Origin = this.origin;
    if (this.ip && !('X-Real-IP' in h)) h['X-Real-IP'] = this.ip;
    for (const k of Object.keys(h)) if (h[k] === null) delete h[k];
    let payload;
    if (body !== undefined) {
      payload = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
      if (!('Content-Type' in h)) h['Content-Type'] = 'application/json';
    }
    const r = await fetch(this.base + path, { method, headers: h, body: payload });
    const text = await r.text();
    responseLog.push(text);
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    const cookies = r.headers.getSetCookie();
    for (const sc of cookies) {
      if (!sc.startsWith('__Host-sid=')) continue;
      const v = sc.split(';')[0];
      this.cookie = v === '__Host-sid=' ? null : v;
    }
    if (json && json.data && typeof json.data.csrf === 'string') this.csrf = json.data.csrf;
    return { status: r.status, body: json, text, headers: r.headers, cookies };
  }

  get(p, h) { return this.req('GET', p, undefined, h); }
  post(p, b, h) { return this.req('POST', p, b, h); }
  put(p, b, h) { return this.req('PUT', p, b, h); }
  patch(p, b, h) { return this.req('PATCH', p, b, h); }
  del(p, h) { return this.req('DELETE', p, undefined, h); }
}

export function uniq(prefix = 'u') {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

// Assert the error envelope of DESIGN.md: status, error.code, and
// request_id equal to the X-Request-Id header.  Returns the error.
export function assertError(assert, r, status, code, field) {
  const where = `${r.status} ${r.text}`;
  assert.equal(r.status, status, where);
  assert.ok(r.body && typeof r.body === 'object', `JSON body: ${where}`);
  assert.deepEqual(Object.keys(r.body).sort(), ['error', 'request_id'], where);
  assert.deepEqual(Object.keys(r.body.error).sort(), ['code', 'field', 'message'], where);
  assert.equal(typeof r.body.error.message, 'string', where);
  assert.ok(r.body.error.message.length > 0, where);
  assert.ok(!r.body.error.message.includes('\n'), `one-line message: ${where}`);
  assert.equal(typeof r.body.request_id, 'string', where);
  assert.equal(r.headers.get('x-request-id'), r.body.request_id, where);
  if (code !== undefined) assert.equal(r.body.error.code, code, where);
  if (field !== undefined) assert.equal(r.body.error.field, field, where);
  return r.body.error;
}
