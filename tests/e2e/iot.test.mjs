/*
 * 物联网监测 in real browsers: a town officer registers a GB/T 26875.3
 * transmission device for a unit through the console (a bad source
 * address refused on its field first); the device sends a water-pressure
 * reading and a fire alarm to `serve --gb26875-listen` over TCP (frames
 * from tests/api/gb.mjs); the unit's own account, on a phone, sees the
 * alarm appear on the live board within a few seconds (with its zone and
 * point, the countdown and the new-alarm banner) and confirms it false;
 * the officer's board shows it confirmed and the device page shows the
 * reading chart and the unit's false-alarm rate.  Skipped when the server
 * has no IoT API.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { analog, compState, Device } from '../api/gb.mjs'
import { BIN, WEB, addUser, apiSession, browser, choose, root, see, shot, signIn } from './lib.mjs'

const A = '441900003'	/* 东城街道 */
const PW = 'Iot-E2E-2026!pass'
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true }
const UNIT = '物联演示商场'
const SRC = 0x2A0001
const HEX = SRC.toString(16).toUpperCase().padStart(12, '0')

function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer()
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)) })
    s.on('error', fail)
  })
}

/* lib.mjs's startServer, with the GB/T 26875.3 listener on a free loopback port. */
async function startIotServer() {
  const dir = mkdtempSync(join(tmpdir(), 'fw-e2e-iot-'))
  const db = `sqlite:${join(dir, 'db')}`
  const keys = join(dir, 'keys')
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort()
    const gbPort = await freePort()
    const child = spawn(BIN, ['serve', '--db', db, '--keys', keys, '--listen', `127.0.0.1:${port}`, '--web', WEB,
      '--gb26875-listen', `127.0.0.1:${gbPort}`, '--quiet'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const ok = await new Promise((res) => {
      const timer = setTimeout(() => res(false), 15000)
      const onData = (b) => {
        out += b.toString()
        if (/listening on/.test(out)) { clearTimeout(timer); res(true) }
      }
      child.stdout.on('data', onData)
      child.stderr.on('data', onData)
      child.on('exit', () => { clearTimeout(timer); res(false) })
    })
    if (!ok) {
      child.kill('SIGTERM')
      if (/address already in use|bind/i.test(out)) continue
      throw new Error(`server did not start:\n${out}`)
    }
    const stop = async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await new Promise((r) => child.once('exit', r))
      }
      rmSync(dir, { recursive: true, force: true })
    }
    return { url: `http://127.0.0.1:${port}`, gbPort, db, keys, dir, stop }
  }
  throw new Error('no free port found')
}

describe('IoT: a device registered in the console, its fire alarm on the unit\'s board, confirmed false', () => {
  let srv
  let skip = false
  let unit
  let deviceId = ''
  let dev
  const people = []
  const secrets = {}

  async function person(opts) {
    const b = await browser(opts)
    people.push(b)
    return b
  }

  before(async () => {
    srv = await startIotServer()
    const paths = (await fetch(`${srv.url}/api/v1/openapi.json`).then((x) => x.json())).paths
    if (!paths['/api/v1/iot/devices']) {
      skip = true
      return
    }
    addUser(srv, { login: 'iot.off', role: 'officer', jurisdiction: `town:${A}`, password: PW })
    const off = await apiSession(srv.url, 'iot.off', PW)
    const r = await off('POST', '/api/v1/units', { name: UNIT, address: '东莞市东城街道物联路 1 号', town: A })
    assert.equal(r.status, 201, JSON.stringify(r.body))
    unit = r.body.data
    addUser(srv, { login: 'iot.unit', role: 'unit', jurisdiction: `unit:${unit.id}`, password: PW })
  })

  after(async () => {
    dev?.close()
    for (const b of people) {
      if (b.problems.length)
        console.log(b.problems.join('\n'))
      await b.close()
    }
    await srv?.stop()
  })

  test('an officer registers a transmission device for the unit', async (t) => {
    if (skip) return t.skip('no IoT API')
    const { page: p } = await person()
    await signIn(p, srv.url, 'iot.off', PW, { secrets })
    await p.locator('[data-test=side-menu] [data-menu=iot]').click()
    await p.waitForURL((u) => u.pathname === '/iot')
    await p.locator('[data-test=iot-create]').click()
    const form = p.locator('[data-test=iot-form]')
    await p.locator('[data-test=iot-unit]').click()
    await p.keyboard.type('物联演示')
    await p.locator('.el-select-dropdown__item:visible', { hasText: UNIT }).first().click()
    /* A bad address is refused on its field before anything is sent. */
    await p.locator('[data-test=iot-source]').fill('12345')
    await p.locator('[data-test=iot-name]').fill('1号楼用传')
    await p.locator('[data-test=iot-save]').click()
    await form.getByText('12 位十六进制').waitFor()
    await p.locator('[data-test=iot-source]').fill(HEX.toLowerCase())
    await choose(p, p.locator('[data-test=iot-kind]'), '用户信息传输装置')
    await p.locator('[data-test=iot-save]').click()
    await p.waitForURL(/\/iot\/devices\/\d+$/)
    deviceId = new URL(p.url()).pathname.split('/').pop()
    assert.equal((await p.locator('[data-test=iot-d-source]').textContent()).trim(), HEX)
    await see(p, UNIT)
    await shot(p, 'iot-device-new')
  })

  test('the device\'s fire alarm appears on the unit\'s board on a phone and is confirmed false', async (t) => {
    if (skip) return t.skip('no IoT API')
    assert.ok(deviceId, 'the device was registered')
    const { page: p } = await person(PHONE)
    await signIn(p, srv.url, 'iot.unit', PW, { secrets })
    await p.goto(`${srv.url}/iot/alarms`)
    await p.locator('[data-test=alarm-board]').waitFor()
    await see(p, '当前没有待确认的火警')
    /* Let the board take its first answer, so the alarm arrives as a change. */
    await p.waitForTimeout(2000)

    dev = new Device(srv.gbPort, SRC)
    await dev.connect()
    assert.equal((await dev.send(analog(1, 1, 30, 2 | 1 << 16, 5, 3200))).cmd, 3, 'pressure confirmed')
    assert.equal((await dev.send(analog(1, 1, 30, 2 | 1 << 16, 5, 3050))).cmd, 3, 'pressure confirmed')
    const sent = Date.now()
    assert.equal((await dev.send(compState(1, 1, 40, 3 | 7 << 16, 0x0003, 'Zone3-Smoke7'))).cmd, 3, 'alarm confirmed')

    const card = p.locator('[data-test=alarm-card]').first()
    await card.waitFor({ timeout: 5000 })
    const took = Date.now() - sent
    assert.ok(took < 5000, `on the board after ${took} ms`)
    await p.locator('[data-test=board-new]').waitFor()
    assert.match(await card.textContent(), /物联演示商场/)
    assert.match(await card.textContent(), /3 区 7 号/)
    assert.match(await card.locator('[data-test=alarm-countdown]').textContent(), /^\s*-?\d+:\d\d/)
    assert.equal(await card.getAttribute('data-state'), 'open')
    await shot(p, 'iot-board-phone')

    await card.locator('[data-test=alarm-false]').click()
    await p.locator('[data-test=alarm-note]').fill('厨房油烟误触发')
    await p.locator('[data-test=alarm-confirm-submit]').click()
    await see(p, '已确认为误报')
    await p.locator('[data-test=alarm-card]').first().waitFor({ state: 'detached' })
    await p.locator('[data-test=board-show-done]').click()
    await p.locator('[data-test=alarm-card][data-state=confirmed_false]').waitFor()
  })

  test('the officer sees the alarm confirmed, the readings chart and the false-alarm rate', async (t) => {
    if (skip) return t.skip('no IoT API')
    const p = people[0].page
    await p.goto(`${srv.url}/iot/alarms`)
    await p.locator('[data-test=board-show-done]').click()
    const card = p.locator('[data-test=alarm-card]').first()
    await card.waitFor()
    assert.equal(await card.getAttribute('data-state'), 'confirmed_false')
    assert.match(await card.textContent(), /厨房油烟误触发/)
    await p.goto(`${srv.url}/iot/devices/${deviceId}`)
    await p.locator('[data-test=iot-chart] canvas').waitFor()
    assert.equal((await p.locator('[data-test=iot-rate]').first().textContent()).trim(), '100.0%')
    await p.locator('[data-test=iot-status]', { hasText: '在线' }).waitFor()
    await shot(p, 'iot-device')
    /* An English switch keeps the page working. */
    const en = await p.evaluate(() => { localStorage.setItem('fw.lang', 'en'); return true })
    assert.ok(en)
    await p.reload()
    await see(p, 'Monitoring statistics of')
    await p.evaluate(() => localStorage.setItem('fw.lang', 'zh-CN'))
  })
})
