// The GB/T 26875.3 gateway end to end (IOT-017, docs/modules/iot.md):
// `serve --gb26875-listen` on 127.0.0.1 with a fresh database, the device
// simulator (bench/sim_gb26875.c) playing several devices' traffic —
// heartbeats, state changes, analog values, faults, alarms, split and
// merged frames — and the checks: every frame confirmed, every event
// stored once, an alarm on the board by the time its confirm arrives
// (within 1 s), a fault persisting past its threshold (day injected)
// opening a hazard that the device's restore and the unit's confirmation
// close, offline detection by the job.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { BIN, Server, sleep } from './lib.mjs';
import { Device, SIM, frame } from './gb.mjs';

const A = '441900003';
const BASE = 0x200000;   // the simulator's first address
const N = 12;            // devices

let srv;
let off;
let unitC;
let unit;
let gbPort;
const devs = [];

const im = (v) => ({ 'If-Match': `"${v}"` });
const day = (n) => new Date(Date.now() + 8 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
const hex = (n) => n.toString(16).toUpperCase().padStart(12, '0');

function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); });
    s.on('error', fail);
  });
}

function sim(args) {
  const r = spawnSync(SIM, ['--port', String(gbPort), '--base', String(BASE), ...args],
    { encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, `sim ${args.join(' ')}: ${r.status} ${r.stdout} ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function job(name, when) {
  const r = srv.cli(['job', 'run', name], undefined, when ? { FIREWARDEN_TODAY: when } : {});
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

before(async () => {
  assert.ok(existsSync(SIM), `the simulator ${SIM} (built with the project)`);
  srv = new Server();
  gbPort = await freePort();
  await srv.start(['--gb26875-listen', `127.0.0.1:${gbPort}`]);
  srv.addUser('gw.off', 'officer', `town:${A}`);
  off = await srv.login('gw.off');
  const r = await off.post('/api/v1/units', { name: '网关测试综合体', address: '东莞市网关路1号', town: A });
  assert.equal(r.status, 201, r.text);
  unit = r.body.data;
  srv.addUser('gw.unit', 'unit', `unit:${unit.id}`);
  unitC = await srv.login('gw.unit');
  for (let i = 0; i < N; i++) {
    const d = await off.post('/api/v1/iot/devices', {
      protocol: 'gb26875', source: hex(BASE + i), unit_id: unit.id, name: `${i + 1}号用传`, kind: 'uitd',
    });
    assert.equal(d.status, 201, d.text);
    devs.push(d.body.data);
  }
});
after(async () => { await srv?.close(); });

test('IOT-017 traffic of several devices: every frame confirmed, every event stored once, split and merged frames', async () => {
  const s = sim(['--devices', String(N), '--rate', '20', '--duration', '2', '--window', '4',
    '--split', '20', '--merge', '20', '--alarms', '0']);
  assert.equal(s.errors, 0);
  assert.ok(s.frames > N * 10, JSON.stringify(s));
  assert.ok(s.split > 0 && s.merged > 0, JSON.stringify(s));
  assert.equal(s.denies, 0);
  assert.equal(s.confirms, s.frames, 'a confirm for every frame');
  assert.equal(Number(srv.sql('SELECT COUNT(*) FROM iot_events')), s.events, 'each event stored once');
  // Every device online, its components seen.
  const r = await off.get(`/api/v1/iot/devices?online=true&unit_id=${unit.id}&limit=50`);
  assert.equal(r.body.page.total, N);
  const c = await off.get(`/api/v1/iot/devices/${devs[0].id}/components?limit=100`);
  assert.ok(c.body.page.total > 1, c.text);
  const m = await (await fetch(`${srv.base}/metrics`)).text();
  assert.match(m, /^firewarden_gb26875_bad_frames_total 0$/m);
  assert.match(m, /^firewarden_iot_frames_lost_total 0$/m);
});

test('IOT-005, IOT-007 an alarm is on the board by the time its confirm arrives (within 1 s)', async () => {
  const before = (await off.get('/api/v1/iot/alarms?since=0')).body.data;
  const s = sim(['--scenario', 'alarm', '--index', '3']);
  assert.equal(s.confirms, 1);
  // The confirm is sent once the alarm is committed.
  assert.ok(s.latency_ms.max <= 1000, `alarm stored and confirmed in ${s.latency_ms.max} ms`);
  const r = await off.get(`/api/v1/iot/alarms?since=${before.cursor}`);
  const al = r.body.data.alarms.find((x) => x.device_id === devs[3].id);
  assert.ok(al, r.text);
  assert.equal(al.state, 'open');
  assert.equal(al.zone, 3);
  assert.equal(al.point, 7);
  assert.equal(al.component_name, 'smoke detector');
  assert.equal(al.component_name_zh, '感烟火灾探测器');
  assert.equal(al.system_name_zh, '火灾报警系统');
  // The unit sees it on its own board and confirms it real.
  const u = await unitC.post(`/api/v1/iot/alarms/${al.id}/confirm`, { result: 'real', note: '确有火情，已处置' }, im(al.version));
  assert.equal(u.status, 200, u.text);
});

test('IOT-008..011 a fault past its threshold (day injected) opens a hazard; restore and the unit\'s confirmation close it', async () => {
  assert.equal(sim(['--scenario', 'fault', '--index', '5']).confirms, 1);
  const pend = (await off.get('/api/v1/iot/conditions?state=pending&limit=200')).body.data
    .find((x) => x.device_id === devs[5].id && x.kind === 'power');
  assert.ok(pend, 'a pending main-power fault');
  assert.match(job('iot.conditions', day(2)), /opened [1-9]\d* hazard/);
  let c = (await off.get(`/api/v1/iot/conditions/${pend.id}`)).body.data;
  assert.equal(c.state, 'hazard');
  assert.equal(c.hazard_status, 'ordered');
  assert.equal(sim(['--scenario', 'restore', '--index', '5']).confirms, 1);
  c = (await unitC.get(`/api/v1/iot/conditions/${pend.id}`)).body.data;
  assert.equal(c.state, 'restored');
  const r = await unitC.post(`/api/v1/iot/conditions/${pend.id}/confirm`, { note: '主电源已恢复' }, im(c.version));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.hazard_status, 'closed');
  const h = (await off.get(`/api/v1/hazards/${r.body.data.hazard_id}`)).body.data;
  assert.equal(h.close_reason, 'restored');
});

test('IOT-009 offline detection by the job, time injected; a device heard again is online, its condition restored', async () => {
  // One more device, registered and not heard from yet.
  const d = await off.post('/api/v1/iot/devices', {
    protocol: 'gb26875', source: hex(BASE + N), unit_id: unit.id, name: '备用用传', kind: 'uitd',
  });
  assert.equal(d.status, 201, d.text);
  assert.match(job('iot.offline', day(1)), new RegExp(`^iot.offline: ${N + 1} device\\(s\\) offline`));
  let r = await off.get(`/api/v1/iot/devices?online=true&unit_id=${unit.id}`);
  assert.equal(r.body.page.total, 0);
  r = await off.get(`/api/v1/iot/conditions?state=pending&unit_id=${unit.id}&limit=50`);
  assert.equal(r.body.data.filter((x) => x.kind === 'offline').length, N + 1);
  assert.equal(sim(['--scenario', 'heartbeat', '--index', String(N)]).confirms, 1);
  // The ingest writes within its batch period.
  for (let i = 0; i < 40; i++) {
    r = await off.get(`/api/v1/iot/devices/${d.body.data.id}`);
    if (r.body.data.online) break;
    await new Promise((ok) => setTimeout(ok, 25));
  }
  assert.equal(r.body.data.online, true);
  r = await off.get(`/api/v1/iot/conditions?state=cleared&unit_id=${unit.id}&limit=50`);
  assert.ok(r.body.data.some((x) => x.kind === 'offline' && x.device_id === d.body.data.id), r.text);
  const v = srv.cli(['audit', 'verify', '--deep']);
  assert.equal(v.status, 0, v.stdout + v.stderr);
});

test('IOT-017 limits of `firewarden gateway`: over its frame rate a device is held back, not dropped; a silent partial frame is given up', async () => {
  const port = await freePort();
  const gw = spawn(BIN, ['gateway', '--listen', `127.0.0.1:${port}`, '--db', srv.db, '--keys', srv.keys,
    '--idle-s', '1', '--frames-per-s', '5', '--stats', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  gw.stderr.on('data', (d) => { err += d; });
  try {
    for (let i = 0; i < 200 && !/listening on port/.test(err); i++) await sleep(25);
    assert.match(err, /listening on port/);
    // 15 heartbeats in one write, at 5 frames a second: all confirmed.
    const d = new Device(port, BASE + 1);
    await d.connect();
    const replies = [];
    for (let i = 1; i <= 15; i++) {
      replies.push(new Promise((ok, fail) => {
        const t = setTimeout(() => fail(new Error('no reply')), 15000);
        d.waiters.push((r) => { clearTimeout(t); ok(r); });
      }));
    }
    d.sock.write(Buffer.concat(Array.from({ length: 15 }, (_, i) => frame(i + 1, BASE + 1))));
    const got = await Promise.all(replies);
    assert.deepEqual(got.map((r) => r[26]), Array(15).fill(3));
    d.close();
    // Half a frame, then nothing: closed after the idle timeout.
    const s = net.createConnection({ host: '127.0.0.1', port });
    await new Promise((ok) => s.on('connect', ok));
    s.write(frame(1, BASE + 2).subarray(0, 12));
    const closed = await new Promise((ok) => { s.on('close', () => ok(true)); setTimeout(() => ok(false), 10000); });
    assert.ok(closed, 'closed by the gateway');
    gw.kill('SIGUSR1');
    for (let i = 0; i < 100 && !/throttled [1-9]/.test(err); i++) await sleep(25);
    assert.match(err, /throttled [1-9]\d*, idle closed [1-9]/);
  } finally {
    const done = new Promise((ok) => gw.on('exit', ok));
    gw.kill('SIGTERM');
    await done;
  }
  assert.equal(gw.exitCode, 0, err);
});
