// Crash test driver: see tests/crash/run.  Uses only Node's standard
// library.  Each round: start the server, log in as an officer, POST
// units (each an audited write with sealed personal data) as fast as
// possible from 4 concurrent clients, kill -9 the server after a random
// delay; at the end every unit that got a 201 must be in the database and
// `firewarden audit verify --deep` must exit 0.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';

const bin = resolve(process.argv[2] || 'build/firewarden');
const rounds = Number(process.argv[3] || 50);
const dir = mkdtempSync(join(tmpdir(), 'fwcrash-'));
const db = `sqlite:${dir}/crash.db`;
const keys = `${dir}/keys`;
const admin = { login: 'crashofficer', password: 'Crash-Test-Pass-2026!' };

function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); });
    s.on('error', fail);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function start(port) {
  const p = spawn(bin, ['serve', '--db', db, '--keys', keys, '--listen', `127.0.0.1:${port}`, '--quiet'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  p.stderr.on('data', (d) => { err += d; });
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (r.status === 200) return p;
    } catch { /* not yet */ }
    if (p.exitCode !== null) throw new Error(`server exited: ${err}`);
    await sleep(25);
  }
  throw new Error(`server did not become ready: ${err}`);
}

async function login(base) {
  const r = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(admin),
  });
  if (r.status !== 200) throw new Error(`login: ${r.status} ${await r.text()}`);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const { data } = await r.json();
  return { cookie, csrf: data.csrf };
}

function cli(args, input) {
  const r = spawnSync(bin, [...args, '--db', db, '--keys', keys], { input, encoding: 'utf8' });
  return r;
}

async function main() {
  let r = cli(['user', 'add', '--login', admin.login, '--role', 'officer', '--password-stdin'], admin.password + '\n');
  if (r.status !== 0) throw new Error(`user add: ${r.stderr}`);
  const acked = [];
  let seq = 0;
  for (let round = 0; round < rounds; round++) {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const srv = await start(port);
    const s = await login(base);
    let stop = false;
    const writer = async () => {
      while (!stop) {
        const name = `崩溃测试单位${round}-${seq++}`;
        try {
          const res = await fetch(`${base}/api/v1/units`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Cookie: s.cookie, 'X-CSRF-Token': s.csrf },
            body: JSON.stringify({ name, address: `东城街道测试路${seq}号`, town: '441900003',
              categories: ['three_small'], three_small_kind: 'shop', responsible_phone: '13800138000' }),
          });
          if (res.status === 201) acked.push((await res.json()).data.id);
          else if (res.status !== 503) throw new Error(`create ${name}: ${res.status} ${await res.text()}`);
          else await res.arrayBuffer().catch(() => {});
        } catch (e) {
          if (!stop && !String(e.cause?.code || e).match(/ECONNRESET|ECONNREFUSED|UND_ERR|other side closed|fetch failed/)) throw e;
          return;
        }
      }
    };
    const writers = [writer(), writer(), writer(), writer()];
    await sleep(100 + Math.floor(Math.random() * 600));
    srv.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    await new Promise((ok) => (srv.exitCode !== null || srv.signalCode ? ok() : srv.on('exit', ok)));
  }
  // Every acknowledged write survived, and the trail verifies.
  const q = spawnSync('sqlite3', [`${dir}/crash.db`, 'SELECT id FROM units'], { encoding: 'utf8' });
  if (q.status !== 0) throw new Error(`sqlite3: ${q.stderr}`);
  const have = new Set(q.stdout.split('\n'));
  const lost = acked.filter((l) => !have.has(l));
  r = cli(['audit', 'verify', '--deep']);
  console.log(`crash: ${rounds} rounds, ${acked.length} acknowledged writes, ${lost.length} lost; audit verify: ${r.stdout.trim() || r.stderr.trim()}`);
  if (lost.length) throw new Error(`lost acknowledged writes: ${lost.slice(0, 10).join(', ')}`);
  if (r.status !== 0) throw new Error(`audit verify failed: ${r.stdout} ${r.stderr}`);
  if (acked.length < rounds) throw new Error('too few acknowledged writes to mean anything');
}

main().then(() => { rmSync(dir, { recursive: true, force: true }); },
  (e) => { console.error(`crash: FAILED: ${e.stack || e}`); console.error(`(kept ${dir})`); process.exit(1); });
