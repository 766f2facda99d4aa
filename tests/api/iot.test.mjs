// The iot module over HTTP (docs/modules/iot.md): registering devices
// (IOT-001..003) with bad inputs named and nothing stored, jurisdiction
// (Z-2, Z-3), events arriving through the gateway of `serve
// --gb26875-listen` (IOT-004, IOT-017), the alarm board and confirmation
// (IOT-005..007), conditions to hazards and back (IOT-008..011) with the
// jobs replayed on an injected day, unknown addresses (IOT-013), unit
// statistics (IOT-015) and risk events (IOT-016), the gateway's metrics,
// and `audit verify --deep` over it all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Server, assertError, sleep } from './lib.mjs';
import { Device, sysState, compState } from './gb.mjs';

const A = '441900003';   // 东城街道
const B = '441900121';   // 虎门镇
const SRC = 0x379;       // the device's address, 000000000379

let srv;
let offA;    // officer, town A
let offB;    // officer, town B
let leader;  // city, read only
let unitC;   // the unit's own account
let unit;    // a unit of town A
let unitB;   // a unit of town B
let bld;     // a building of unit
let dev;     // its transmission device
let gbPort;

const im = (v) => ({ 'If-Match': `"${v}"` });
const day = (n) => new Date(Date.now() + 8 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);

function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); });
    s.on('error', fail);
  });
}

async function mkUnit(c, town, name) {
  const r = await c.post('/api/v1/units', { name, address: `东莞市物联路${name.length}号`, town });
  assert.equal(r.status, 201, r.text);
  return r.body.data;
}

function job(name, when) {
  const r = srv.cli(['job', 'run', name], undefined, when ? { FIREWARDEN_TODAY: when } : {});
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

// Poll until f() gives something truthy (the ingest writes every 50 ms).
async function until(f, ms = 3000) {
  const t0 = Date.now();
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() - t0 > ms) return v;
    await sleep(25);
  }
}

before(async () => {
  srv = new Server();
  gbPort = await freePort();
  await srv.start(['--gb26875-listen', `127.0.0.1:${gbPort}`]);
  srv.addUser('iot.offa', 'officer', `town:${A}`);
  srv.addUser('iot.offb', 'officer', `town:${B}`);
  srv.addUser('iot.lead', 'leader', 'city');
  [offA, offB, leader] = await Promise.all(['iot.offa', 'iot.offb', 'iot.lead'].map((l) => srv.login(l)));
  unit = await mkUnit(offA, A, '物联测试商场');
  unitB = await mkUnit(offB, B, '虎门物联测试酒店');
  srv.addUser('iot.unit', 'unit', `unit:${unit.id}`);
  unitC = await srv.login('iot.unit');
  const r = await offA.post(`/api/v1/units/${unit.id}/buildings`, { name: '一号楼', use: 'public' });
  assert.equal(r.status, 201, r.text);
  bld = r.body.data;
});
after(async () => { await srv?.close(); });

test('IOT-001..003 register a device: bad inputs named with nothing stored; one per address; If-Match; retire', async () => {
  const n0 = srv.count('iot_devices');
  const ok = { protocol: 'gb26875', source: '000000000379', unit_id: unit.id, building_id: bld.id, name: '一号楼用户信息传输装置', kind: 'uitd' };
  const bad = [
    [{ ...ok, source: '37' }, 400, 'invalid', 'source'],
    [{ ...ok, source: 'ZZ0000000379' }, 400, 'invalid', 'source'],
    [{ ...ok, protocol: 'zigbee' }, 400, 'invalid', 'protocol'],
    [{ ...ok, kind: 'toaster' }, 400, 'invalid', 'kind'],
    [{ ...ok, name: '' }, 400, 'range', 'name'],
    [{ ...ok, unit_id: 12 }, 400, 'type', 'unit_id'],
    [{ ...ok, unit_id: undefined }, 400, 'missing', 'unit_id'],
    [{ ...ok, thresholds: { low_psi: 2 } }, 400, 'invalid', 'thresholds'],
    [{ ...ok, thresholds: { offline_hours: 0 } }, 400, 'range', 'thresholds'],
    [{ ...ok, thresholds: [] }, 400, 'type', 'thresholds'],
    [{ ...ok, colour: 'red' }, 400, 'unknown_field', 'colour'],
    [{ ...ok, unit_id: unitB.id }, 404, 'not_found', 'unit_id'],
  ];
  for (const [body, status, code, field] of bad) {
    assertError(assert, await offA.post('/api/v1/iot/devices', body), status, code, field);
  }
  // A building of another unit.
  const rb = await offB.post(`/api/v1/units/${unitB.id}/buildings`, { name: '虎门主楼', use: 'public' });
  assertError(assert, await offA.post('/api/v1/iot/devices', { ...ok, building_id: rb.body.data.id }), 400, 'invalid', 'building_id');
  // The unit's own account and readers register nothing.
  assertError(assert, await unitC.post('/api/v1/iot/devices', ok), 403, 'forbidden');
  assertError(assert, await leader.post('/api/v1/iot/devices', ok), 403, 'forbidden');
  assert.equal(srv.count('iot_devices'), n0);
  const a0 = await srv.auditSize();
  let r = await offA.post('/api/v1/iot/devices', ok);
  assert.equal(r.status, 201, r.text);
  dev = r.body.data;
  assert.equal(dev.source, '000000000379');
  assert.equal(dev.town, A);
  assert.equal(dev.online, false);
  assert.equal(dev.building_name, '一号楼');
  assert.equal(dev.kind_name, '用户信息传输装置');
  assert.equal(r.headers.get('etag'), '"1"');
  // IOT-001: the address is taken (any case).
  assertError(assert, await offA.post('/api/v1/iot/devices', { ...ok, source: '000000000379' }), 409, 'conflict', 'source');
  // PATCH needs the version.
  assertError(assert, await offA.patch(`/api/v1/iot/devices/${dev.id}`, { name: 'x' }), 428, 'precondition_required');
  assertError(assert, await offA.patch(`/api/v1/iot/devices/${dev.id}`, { name: 'x' }, im(9)), 412, 'precondition_failed');
  assertError(assert, await offA.patch(`/api/v1/iot/devices/${dev.id}`, { thresholds: { confirm_minutes: 5000 } }, im(1)), 400, 'range', 'thresholds');
  r = await offA.patch(`/api/v1/iot/devices/${dev.id}`, { thresholds: { confirm_minutes: 5 } }, im(1));
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.data.thresholds, { confirm_minutes: 5 });
  dev = r.body.data;
  // An MQTT sensor, retired: its id is free again.
  r = await offA.post('/api/v1/iot/devices', { protocol: 'mqtt', source: 'pump-1', unit_id: unit.id, name: '泵房压力', kind: 'water_pressure' });
  assert.equal(r.status, 201, r.text);
  const p1 = r.body.data;
  r = await offA.post(`/api/v1/iot/devices/${p1.id}/retire`, {}, im(1));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.status, 'retired');
  assertError(assert, await offA.post(`/api/v1/iot/devices/${p1.id}/retire`, {}, im(2)), 422, 'policy');
  r = await offA.post('/api/v1/iot/devices', { protocol: 'mqtt', source: 'pump-1', unit_id: unit.id, name: '泵房压力', kind: 'water_pressure' });
  assert.equal(r.status, 201, r.text);
  // Create, update, create, retire, create: one entry each.
  assert.equal(await srv.auditSize(), a0 + 5);
});

test('Z-2, Z-3 jurisdiction: another town sees nothing; the unit its own; lists filter and page', async () => {
  assertError(assert, await offB.get(`/api/v1/iot/devices/${dev.id}`), 404, 'not_found');
  let r = await offB.get('/api/v1/iot/devices');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.page.total, 0);
  r = await unitC.get('/api/v1/iot/devices');
  assert.equal(r.body.page.total, 3);
  r = await leader.get(`/api/v1/iot/devices?unit_id=${unit.id}&status=active&limit=1`);
  assert.equal(r.body.page.total, 2);
  assert.equal(r.body.data.length, 1);
  r = await offA.get('/api/v1/iot/devices?protocol=gb26875&q=000000000379');
  assert.equal(r.body.page.total, 1);
  assertError(assert, await offA.get('/api/v1/iot/devices?protocol=lora'), 400, 'invalid', 'protocol');
  assertError(assert, await offA.get('/api/v1/iot/devices?online=maybe'), 400, 'invalid', 'online');
  assertError(assert, await offA.get('/api/v1/iot/devices?sort=colour'), 400, 'invalid', 'sort');
  r = await offA.get('/api/v1/iot/rules');
  assert.equal(r.body.data.format, 'firewarden-iot-rules-v1');
  assert.equal(r.body.data.kinds.uitd.confirm_minutes.status, 'U');
});

test('IOT-004, IOT-005, IOT-017 a fire alarm through the gateway: confirmed on commit, stored once when resent, on the board', async () => {
  const d = new Device(gbPort, SRC);
  await d.connect();
  try {
    let rep = await d.heartbeat();
    assert.equal(rep.cmd, 3);
    const fire = compState(1, 1, 40, 3 | 7 << 16, 0x0003, 'Zone3-Smoke7');
    rep = await d.send(fire);
    assert.equal(rep.cmd, 3);
    assert.equal(rep.serial, d.serial);
    // The device did not hear the confirm and resends the same frame.
    rep = await d.sendRaw((await import('./gb.mjs')).frame(d.serial, SRC, fire));
    assert.equal(rep.cmd, 3);
    // A bad checksum is denied.
    const broken = (await import('./gb.mjs')).frame(++d.serial, SRC, fire);
    broken[broken.length - 3] ^= 0xff;
    rep = await d.sendRaw(broken);
    assert.equal(rep.cmd, 6);
  } finally {
    d.close();
  }
  assert.equal(Number(srv.sql('SELECT COUNT(*) FROM iot_events WHERE kind = \'alarm\'')), 1);
  let r = await offA.get(`/api/v1/iot/devices/${dev.id}`);
  assert.equal(r.body.data.online, true);
  r = await offA.get(`/api/v1/iot/devices/${dev.id}/components`);
  assert.equal(r.body.data[0].description, 'Zone3-Smoke7');
  r = await offA.get(`/api/v1/iot/devices/${dev.id}/events?kind=alarm`);
  assert.equal(r.body.page.total, 1);
  assert.equal(r.body.page.total_exact, true);
  assertError(assert, await offA.get(`/api/v1/iot/devices/${dev.id}/events?kind=flood`), 400, 'invalid', 'kind');
  assertError(assert, await offA.get(`/api/v1/iot/devices/${dev.id}/events?from=abc`), 400, 'invalid', 'from');
  // The board: the duty officer's and the unit's, not town B's.
  r = await offA.get('/api/v1/iot/alarms?since=0');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.unconfirmed, 1);
  const al = r.body.data.alarms[0];
  assert.equal(al.state, 'open');
  assert.equal(al.building_name, '一号楼');
  assert.equal(al.zone, 3);
  assert.equal(al.point, 7);
  assert.equal(al.description, 'Zone3-Smoke7');
  assert.equal(al.deadline_at - al.raised_at, 5 * 60, 'the device\'s own confirm_minutes');
  assert.match(r.body.data.cursor, /^\d+$/);
  assert.equal((await unitC.get('/api/v1/iot/alarms?since=0')).body.data.unconfirmed, 1);
  assert.equal((await offB.get('/api/v1/iot/alarms?since=0')).body.data.unconfirmed, 0);
  assertError(assert, await offA.get('/api/v1/iot/alarms?since=-1'), 400, 'invalid', 'since');
  // Every alarm counts toward the unit's risk (IOT-016).
  assert.equal(Number(srv.sql('SELECT COUNT(*) FROM risk_events WHERE kind = \'fire_alarm\'')), 1);
});

test('IOT-006, IOT-007 the unit confirms with If-Match; bad inputs change nothing; the board sees the change', async () => {
  let r = await offA.get('/api/v1/iot/alarms?since=0');
  const al = r.body.data.alarms[0];
  const cursor = r.body.data.cursor;
  const a0 = await srv.auditSize();
  assertError(assert, await unitC.post(`/api/v1/iot/alarms/${al.id}/confirm`, { result: 'false' }), 428, 'precondition_required');
  assertError(assert, await unitC.post(`/api/v1/iot/alarms/${al.id}/confirm`, { result: 'maybe' }, im(al.version)), 400, 'invalid', 'result');
  assertError(assert, await unitC.post(`/api/v1/iot/alarms/${al.id}/confirm`, {}, im(al.version)), 400, 'missing', 'result');
  assertError(assert, await unitC.post(`/api/v1/iot/alarms/${al.id}/confirm`, { result: 'false', by: 'me' }, im(al.version)), 400, 'unknown_field', 'by');
  assertError(assert, await leader.post(`/api/v1/iot/alarms/${al.id}/confirm`, { result: 'false' }, im(al.version)), 403, 'forbidden');
  assertError(assert, await offB.post(`/api/v1/iot/alarms/${al.id}/confirm`, { result: 'false' }, im(al.version)), 404, 'not_found');
  assertError(assert, await unitC.post(`/api/v1/iot/alarms/${al.id}/confirm`, { result: 'false' }, im(al.version + 1)), 412, 'precondition_failed');
  assert.equal(await srv.auditSize(), a0, 'nothing stored');
  r = await unitC.post(`/api/v1/iot/alarms/${al.id}/confirm`, { result: 'false', note: '厨房油烟误报' }, im(al.version));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.state, 'confirmed_false');
  assert.equal(r.body.data.note, '厨房油烟误报');
  assertError(assert, await offA.post(`/api/v1/iot/alarms/${al.id}/confirm`, { result: 'real' }, im(al.version + 1)), 422, 'policy');
  r = await offA.get(`/api/v1/iot/alarms?since=${cursor}`);
  assert.ok(r.body.data.alarms.some((x) => x.id === al.id && x.state === 'confirmed_false'), r.text);
  assert.equal(r.body.data.unconfirmed, 0);
  r = await offA.get('/api/v1/iot/alarms?state=confirmed_false');
  assert.equal(r.body.page.total, 1);
  assertError(assert, await offA.get('/api/v1/iot/alarms?state=burning'), 400, 'invalid', 'state');
  assert.equal(Number(srv.sql('SELECT COUNT(*) FROM risk_events WHERE kind = \'false_alarm\'')), 1);
});

test('IOT-006 unconfirmed past its minutes, escalated by the job on an injected day', async () => {
  const d = new Device(gbPort, SRC);
  await d.connect();
  try {
    assert.equal((await d.send(compState(1, 1, 40, 4 | 1 << 16, 0x0003, 'Zone4-Smoke1'))).cmd, 3);
  } finally {
    d.close();
  }
  assert.match(job('iot.escalate', day(1)), /escalated 1 alarm/);
  const r = await offA.get('/api/v1/iot/alarms?state=escalated');
  assert.equal(r.body.page.total, 1);
  assert.ok(r.body.data[0].escalated_at > 0);
});

test('IOT-008..011 a main-power fault past its hours opens a hazard; restored and confirmed by the unit, it closes', async () => {
  const d = new Device(gbPort, SRC);
  await d.connect();
  try {
    assert.equal((await d.send(sysState(1, 1, 0x0101))).cmd, 3);
    let r = await until(async () => {
      const x = await offA.get('/api/v1/iot/conditions?state=pending');
      return x.body.page.total === 1 && x;
    });
    assert.ok(r, 'a pending condition');
    const c = r.body.data[0];
    assert.equal(c.kind, 'power');
    assert.equal(c.kind_name, '主电源故障');
    assert.equal(c.target, 'S1.1');
    // Filtered by its device, and not by another.
    assert.equal((await offA.get(`/api/v1/iot/conditions?device_id=${c.device_id}`)).body.page.total, 1);
    assert.equal((await offA.get('/api/v1/iot/conditions?device_id=1')).body.page.total, 0);
    assertError(assert, await offA.get('/api/v1/iot/conditions?device_id=x'), 400, undefined, 'device_id');
    // Not before it lasted: the job on the same day opens nothing.
    assert.match(job('iot.conditions'), /opened 0 hazard/);
    assert.match(job('iot.conditions', day(2)), /opened 1 hazard/);
    r = await unitC.get(`/api/v1/iot/conditions/${c.id}`);
    assert.equal(r.body.data.state, 'hazard');
    assert.match(r.body.data.hazard_no, /^YH/);
    const h = (await offA.get('/api/v1/hazards?source=iot')).body.data[0];
    assert.equal(h.type_code, 'HZ-FACILITY');
    assert.equal(h.status, 'ordered');
    assert.match(h.description, /主电源故障/);
    assert.match(h.description, /000000000379/);
    // The repair is confirmed only once the device says it is normal.
    assertError(assert, await unitC.post(`/api/v1/iot/conditions/${c.id}/confirm`, {}, im(r.body.data.version)), 422, 'policy', 'status');
    assert.equal((await d.send(sysState(1, 1, 0x0001))).cmd, 3);
    r = await until(async () => {
      const x = await unitC.get(`/api/v1/iot/conditions/${c.id}`);
      return x.body.data.state === 'restored' && x;
    });
    assert.ok(r, 'restored');
    // The unit was told (NOT-001).
    const n = await unitC.get('/api/v1/notices');
    assert.ok(n.body.data.some((x) => x.kind === 'iot.restored'), n.text);
    assertError(assert, await offB.post(`/api/v1/iot/conditions/${c.id}/confirm`, {}, im(r.body.data.version)), 404, 'not_found');
    assertError(assert, await unitC.post(`/api/v1/iot/conditions/${c.id}/confirm`, { note: 'x'.repeat(2001) }, im(r.body.data.version)), 400, 'range', 'note');
    r = await unitC.post(`/api/v1/iot/conditions/${c.id}/confirm`, { note: '已更换主电源模块' }, im(r.body.data.version));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.data.state, 'closed');
    assert.equal(r.body.data.hazard_status, 'closed');
    const hz = (await offA.get(`/api/v1/hazards/${h.id}`)).body.data;
    assert.equal(hz.close_reason, 'restored');
    assert.equal(Number(srv.sql('SELECT COUNT(*) FROM risk_events WHERE kind = \'device_fault\'')), 1);
  } finally {
    d.close();
  }
});

test('IOT-009 offline: the job on a later day marks a silent device offline with a condition', async () => {
  assert.match(job('iot.offline', day(3)), /[1-9]\d* device\(s\) offline/);
  const r = await offA.get(`/api/v1/iot/devices?online=false&unit_id=${unit.id}`);
  assert.ok(r.body.data.some((x) => x.id === dev.id), r.text);
  const c = await offA.get('/api/v1/iot/conditions?state=pending');
  assert.ok(c.body.data.some((x) => x.kind === 'offline' && x.device_id === dev.id), c.text);
});

test('IOT-013 an unregistered address: counted, its frames kept for whoever registers it', async () => {
  const d = new Device(gbPort, 0xabcde);
  await d.connect();
  try {
    assert.equal((await d.send(compState(1, 2, 23, 9, 0x0001, 'CallPoint9'))).cmd, 3);
  } finally {
    d.close();
  }
  const r = await until(async () => {
    const x = await offA.get('/api/v1/iot/unknown');
    return x.body.page.total === 1 && x;
  });
  assert.ok(r, 'one unknown address');
  assert.equal(r.body.data[0].source, '0000000ABCDE');
  assert.equal(r.body.data[0].recent[0].detail, 'CallPoint9');
  assertError(assert, await unitC.get('/api/v1/iot/unknown'), 403, 'forbidden');
});

test('IOT-015 a unit\'s statistics over 30 and 90 days; not another town\'s', async () => {
  const r = await unitC.get(`/api/v1/iot/units/${unit.id}/stats`);
  assert.equal(r.status, 200, r.text);
  const s = r.body.data;
  assert.equal(s.devices, 2);
  assert.equal(s.days30.alarms, 2);
  assert.equal(s.days30.confirmed_false, 1);
  assert.equal(s.days30.false_alarm_rate, 1);
  assert.equal(s.days30.escalated, 1);
  assert.equal(s.days30.faults, 1);
  assert.equal(s.days30.hazards, 1);
  assert.equal(s.days90.alarms, 2);
  assertError(assert, await offB.get(`/api/v1/iot/units/${unit.id}/stats`), 404, 'not_found');
});

test('the gateway\'s metrics on /metrics; audit verify --deep over it all', async () => {
  const m = await (await fetch(`${srv.base}/metrics`)).text();
  assert.match(m, /^firewarden_gb26875_frames_total [1-9]/m);
  assert.match(m, /^firewarden_gb26875_bad_frames_total 1$/m);
  assert.match(m, /^firewarden_iot_events_duplicate_total 1$/m);
  assert.match(m, /^firewarden_iot_store_seconds_count [1-9]/m);
  const r = srv.cli(['audit', 'verify', '--deep']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /every record matches/);
});
