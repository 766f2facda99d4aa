// MQTT ingest end to end (IOT-017, docs/modules/iot.md): a real
// mosquitto started by the test on 127.0.0.1 (a free port, stopped by
// its pid), `serve --mqtt mqtt://127.0.0.1:PORT` subscribed to
// fw/v1/devices/+/events with QoS 1; messages published with
// mosquitto_pub.  The same seq twice (a QoS 1 redelivery) is stored once;
// malformed payloads are counted on /metrics and never stored; readings
// are judged against the device's thresholds; an alarm reaches the board.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { Server, sleep } from './lib.mjs';

const MOSQUITTO = process.env.FW_MOSQUITTO || '/usr/sbin/mosquitto';
const A = '441900003';

let srv;
let off;
let unit;
let broker;
let brokerPort;
let dir;

function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); });
    s.on('error', fail);
  });
}

function canConnect(port) {
  return new Promise((ok) => {
    const s = net.createConnection({ host: '127.0.0.1', port }, () => { s.destroy(); ok(true); });
    s.on('error', () => ok(false));
  });
}

function publish(device, payload) {
  const r = spawnSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(brokerPort), '-q', '1',
    '-t', `fw/v1/devices/${device}/events`, '-m', typeof payload === 'string' ? payload : JSON.stringify(payload)],
  { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

async function metric(name) {
  const m = await (await fetch(`${srv.base}/metrics`)).text();
  const x = new RegExp(`^firewarden_${name} (\\d+)$`, 'm').exec(m);
  return x ? Number(x[1]) : NaN;
}

async function until(f, ms = 5000) {
  const t0 = Date.now();
  for (;;) {
    const v = await f();
    if (v || Date.now() - t0 > ms) return v;
    await sleep(25);
  }
}

before(async () => {
  assert.ok(existsSync(MOSQUITTO), `mosquitto at ${MOSQUITTO} (scripts/setup installs it)`);
  dir = mkdtempSync(join(process.env.FW_TMP || tmpdir(), 'fwmqtt-'));
  brokerPort = await freePort();
  // TOOLCHAIN.md: with default limits QoS 1 drops messages for a slow
  // subscriber.
  writeFileSync(join(dir, 'mosquitto.conf'), [
    `listener ${brokerPort} 127.0.0.1`, 'allow_anonymous true', 'persistence false',
    'max_queued_messages 0', 'max_inflight_messages 0', '',
  ].join('\n'));
  broker = spawn(MOSQUITTO, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  broker.stderr.on('data', (d) => { err += d; });
  assert.ok(await until(() => canConnect(brokerPort), 5000), `mosquitto did not start: ${err}`);
  srv = new Server();
  await srv.start(['--mqtt', `mqtt://127.0.0.1:${brokerPort}`]);
  srv.addUser('mq.off', 'officer', `town:${A}`);
  off = await srv.login('mq.off');
  let r = await off.post('/api/v1/units', { name: 'MQTT测试水泵房', address: '东莞市水压路1号', town: A });
  assert.equal(r.status, 201, r.text);
  unit = r.body.data;
  r = await off.post('/api/v1/iot/devices', {
    protocol: 'mqtt', source: 'pump-1', unit_id: unit.id, name: '消防水泵房出水管压力', kind: 'water_pressure',
    thresholds: { low_kpa: 150 },
  });
  assert.equal(r.status, 201, r.text);
  r = await off.post('/api/v1/iot/devices', {
    protocol: 'mqtt', source: 'smoke-9', unit_id: unit.id, name: '三楼无线烟感', kind: 'smoke',
  });
  assert.equal(r.status, 201, r.text);
  assert.ok(await until(async () => await metric('mqtt_connected') === 1), 'subscribed');
  // The subscription is made just after the connection.
  await sleep(200);
});

after(async () => {
  await srv?.close();
  if (broker && broker.exitCode === null) {
    const done = new Promise((ok) => broker.on('exit', ok));
    process.kill(broker.pid, 'SIGTERM');
    await done;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('IOT-004 a QoS 1 redelivery (the same seq twice) is stored once', async () => {
  const msg = { ts: Date.now(), kind: 'pressure', value: 0.32, unit: 'MPa', seq: 1 };
  publish('pump-1', msg);
  publish('pump-1', msg);
  assert.ok(await until(async () => await metric('iot_events_duplicate_total') === 1), 'one duplicate');
  assert.equal(Number(srv.sql("SELECT COUNT(*) FROM iot_events WHERE kind = 'pressure'")), 1);
  assert.equal(Number(srv.sql("SELECT value FROM iot_events WHERE kind = 'pressure'")), 320000);
  const d = (await off.get('/api/v1/iot/devices?q=pump-1')).body.data[0];
  assert.equal(d.online, true);
});

test('IOT-017 malformed payloads are counted and never stored', async () => {
  const n0 = Number(srv.sql('SELECT COUNT(*) FROM iot_events'));
  const m0 = await metric('mqtt_malformed_total');
  publish('pump-1', 'not json');
  publish('pump-1', { ts: Date.now(), kind: 'flood', seq: 2 });
  publish('pump-1', { ts: Date.now(), kind: 'pressure', value: 0.3, unit: 'bar', seq: 3 });
  publish('pump-1', { ts: Date.now(), kind: 'fault', seq: 4, colour: 'red' });
  publish('pump-1', { ts: Date.now(), kind: 'fault' });
  assert.ok(await until(async () => await metric('mqtt_malformed_total') === m0 + 5), `malformed: ${await metric('mqtt_malformed_total')}`);
  // A good one after them goes through.
  publish('pump-1', { ts: Date.now(), kind: 'heartbeat' });
  publish('pump-1', { ts: Date.now(), kind: 'pressure', value: 400, unit: 'kPa', seq: 6 });
  assert.ok(await until(async () => Number(srv.sql('SELECT COUNT(*) FROM iot_events')) === n0 + 1));
  await sleep(200);
  assert.equal(Number(srv.sql('SELECT COUNT(*) FROM iot_events')), n0 + 1);
});

test('IOT-010 a reading under the device\'s own limit opens a low-pressure condition; a fire alarm reaches the board', async () => {
  publish('pump-1', { ts: Date.now(), kind: 'pressure', value: 120, unit: 'kPa', seq: 7 });
  const c = await until(async () => (await off.get('/api/v1/iot/conditions?state=pending')).body.data
    .find((x) => x.kind === 'low_pressure'));
  assert.ok(c, 'low pressure pending');
  assert.equal(c.value, 120);
  publish('smoke-9', { ts: Date.now(), kind: 'alarm', seq: 1 });
  const a = await until(async () => (await off.get('/api/v1/iot/alarms?since=0')).body.data.alarms
    .find((x) => x.device_source === 'smoke-9'));
  assert.ok(a, 'an alarm from the smoke detector');
  assert.equal(a.target, 'D');
  // A fault and its restore.
  publish('smoke-9', { ts: Date.now(), kind: 'fault', seq: 2 });
  publish('smoke-9', { ts: Date.now(), kind: 'restore', seq: 3 });
  assert.ok(await until(async () => Number(srv.sql(
    "SELECT COUNT(*) FROM iot_conditions WHERE kind = 'fault' AND state = 'cleared'")) === 1));
  assert.ok(await metric('mqtt_messages_total') >= 13);
});

// a message is acknowledged to the broker only once it is committed.
// A gateway killed (SIGKILL) in the middle of a stream, then started again
// with the same persistent session, ends with every message stored once:
// the broker resends whatever was not acknowledged, and what was stored
// twice is a duplicate.  Acknowledging before the commit loses the
// messages of the batch the kill interrupted.
test('IOT-017, R-1 killed mid-stream and restarted on its persistent session: every message stored exactly once', async () => {
  const N = 4000;
  const s2 = new Server();
  const args = ['--mqtt', `mqtt://127.0.0.1:${brokerPort}?client_id=fw-durable`];
  try {
    await s2.start(args);
    s2.addUser('mq.dur', 'officer', `town:${A}`);
    const c = await s2.login('mq.dur');
    let r = await c.post('/api/v1/units', { name: 'MQTT持久测试泵房', address: '东莞市水压路2号', town: A });
    assert.equal(r.status, 201, r.text);
    r = await c.post('/api/v1/iot/devices', {
      protocol: 'mqtt', source: 'dur-1', unit_id: r.body.data.id, name: '持久测试压力表', kind: 'water_pressure',
    });
    assert.equal(r.status, 201, r.text);
    const connected = async () => {
      const m = await (await fetch(`${s2.base}/metrics`)).text();
      return /^firewarden_mqtt_connected 1$/m.test(m);
    };
    assert.ok(await until(connected), 'connected');
    await sleep(300);
    const stored = () => Number(s2.sql("SELECT COUNT(*) FROM iot_events WHERE kind = 'pressure'"));
    const pub = spawn('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(brokerPort), '-q', '1',
      '-t', 'fw/v1/devices/dur-1/events', '-l'], { stdio: ['pipe', 'ignore', 'pipe'] });
    const pubDone = new Promise((ok) => pub.on('exit', ok));
    const t0 = Date.now();
    for (let i = 1; i <= N; i++)
      pub.stdin.write(`${JSON.stringify({ ts: t0 + i, kind: 'pressure', value: 300 + (i % 50), unit: 'kPa', seq: i })}\n`);
    pub.stdin.end();
    // Kill once part of the stream is in.
    assert.ok(await until(() => stored() >= N / 8, 20000), `some stored before the kill: ${stored()}`);
    const p = s2.proc;
    const gone = new Promise((ok) => p.on('exit', ok));
    p.kill('SIGKILL');
    await gone;
    s2.proc = null;
    const before = stored();
    assert.equal(await pubDone, 0, 'mosquitto_pub published everything');
    await s2.start(args);
    assert.ok(await until(() => stored() >= N, 30000), `stored after the restart: ${stored()} of ${N} (${before} before the kill)`);
    await sleep(500);
    assert.equal(stored(), N, 'each message once');
    assert.equal(Number(s2.sql("SELECT COUNT(DISTINCT dedup) FROM iot_events WHERE kind = 'pressure'")), N);
  } finally {
    await s2.close();
  }
});
