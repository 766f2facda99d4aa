// The working-day calendar in force over HTTP (docs/modules/calendar.md):
// GET /api/v1/calendar lists the loaded years and whether each is
// official or provisional (CAL-008); the console announces the
// provisional years from this year on.  A data directory whose 2027 file
// is official shows none; a file with an unknown status stops the server
// from starting (CAL-005).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Server, assertError } from './lib.mjs';

const DATA = resolve(process.env.FIREWARDEN_DATA || 'data');
const dirs = [];

// A copy of the shipped data directory whose CN-2027.json has status s
// (undefined: the key left out).
function dataWith2027(s) {
  const d = mkdtempSync(join(process.env.FW_TMP || tmpdir(), 'fwcal-'));
  dirs.push(d);
  cpSync(DATA, d, { recursive: true });
  const f = join(d, 'calendar', 'CN-2027.json');
  const j = JSON.parse(readFileSync(f, 'utf8'));
  if (s === undefined) delete j.status;
  else j.status = s;
  writeFileSync(f, JSON.stringify(j));
  return d;
}

async function withData(dir, fn) {
  const old = process.env.FIREWARDEN_DATA;
  process.env.FIREWARDEN_DATA = dir;
  const srv = new Server();
  try {
    await fn(srv);
  } finally {
    await srv.close();
    if (old === undefined) delete process.env.FIREWARDEN_DATA;
    else process.env.FIREWARDEN_DATA = old;
  }
}

after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

test('CAL-008 the shipped calendar: 2025 and 2026 official, 2027 provisional; login needed', async () => {
  await withData(DATA, async (srv) => {
    await srv.start();
    assertError(assert, await srv.client().get('/api/v1/calendar'), 401, 'unauthenticated');
    const c = await srv.userClient('cal.off', 'officer', 'city');
    const r = await c.get('/api/v1/calendar');
    assert.equal(r.status, 200, r.text);
    const d = r.body.data;
    assert.match(d.today, /^\d{4}-\d{2}-\d{2}$/);
    const st = Object.fromEntries(d.years.map((y) => [y.year, y.status]));
    assert.equal(st[2025], 'official');
    assert.equal(st[2026], 'official');
    assert.equal(st[2027], 'provisional');
    const thisYear = Number(d.today.slice(0, 4));
    assert.deepEqual(d.provisional,
      d.years.filter((y) => y.status === 'provisional' && y.year >= thisYear).map((y) => y.year));
    if (thisYear <= 2027) assert.ok(d.provisional.includes(2027));
  });
});

test('CAL-008 once the 2027 file is official (status given or left out) nothing is provisional', async () => {
  for (const s of ['official', undefined]) {
    await withData(dataWith2027(s), async (srv) => {
      await srv.start();
      const c = await srv.userClient('cal.off', 'officer', 'city');
      const r = await c.get('/api/v1/calendar');
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body.data.provisional, []);
      assert.ok(r.body.data.years.every((y) => y.status === 'official'), r.text);
    });
  }
});

test('CAL-005 a calendar file with an unknown status is refused, naming it; no year is loaded', async () => {
  await withData(dataWith2027('draft'), async (srv) => {
    await srv.start();
    assert.match(srv.stderr, /CN-2027\.json: "status" must be "official" or "provisional"/);
    const c = await srv.userClient('cal.off', 'officer', 'city');
    const r = await c.get('/api/v1/calendar');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.data.years, []);
    assert.deepEqual(r.body.data.provisional, []);
  });
});
