/*
 * 双随机一公开 in a real browser, without logging in: from the login page
 * to the public plans (a plan drawn through the API beforehand: its
 * results, then its bundle fetched and verified by plan id, and checked
 * against the published plan), then the verification page — a
 * known-answer bundle (made by the C engine and the Python reference)
 * pasted and verified step by step, the same bundle with one character
 * changed and the first difference named, a public bundle, a bundle
 * loaded from a file, and the page on a phone.
 *
 * Runs against `firewarden serve` like the other browser tests.  With
 * FW_E2E_STATIC=1 it needs only the built console: web/dist (FW_WEB) is
 * served by a small static server here, and the parts that need the
 * server's API are skipped (also when the server has no inspection API).
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createServer } from 'node:http'
import { readFileSync, statSync } from 'node:fs'
import { extname, join, normalize } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { BIN, WEB, addUser, apiSession, browser, root, see, shot, startServer, totp } from './lib.mjs'

const FIXTURES = join(root, 'web', 'src', 'utils', '__fixtures__', 'draw')
const basic = readFileSync(join(FIXTURES, 'basic.json'), 'utf8')
const basicPublic = readFileSync(join(FIXTURES, 'basic-public.json'), 'utf8')
const STATIC = process.env.FW_E2E_STATIC === '1'

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' }

/* The built console with the single-page-app fallback, as `serve --web` does; /api answers 404. */
async function startStatic(dir) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname)
    if (path.startsWith('/api/')) {
      res.writeHead(404, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ error: { code: 'not_found', message: 'static console only', field: null } }))
      return
    }
    let file = normalize(join(dir, path))
    if (!file.startsWith(dir) || !statSync(file, { throwIfNoEntry: false })?.isFile())
      file = join(dir, 'index.html')
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' })
    res.end(readFileSync(file))
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stop: () => new Promise((r) => server.close(r)),
  }
}

/*
 * A plan drawn the way the platform draws: demo units, six fire
 * inspectors of 虎门 in the directory, a plan by an officer, approved by a
 * leader, committed, and the beacon value entered by two leaders.
 * Returns the public plan.
 */
async function drawnPlan(srv) {
  const T = '441900121'
  const seed = spawnSync(BIN, ['seed-demo', '--units', '2000', '--seed', '7', '--db', srv.db, '--keys', srv.keys], { cwd: root, encoding: 'utf8' })
  assert.equal(seed.status, 0, seed.stderr)
  const rows = Array.from({ length: 6 }, (_, i) =>
    `(${9001 + i}, NULL, '检查员${i + 1}', 'fire', 'CERT-${i + 1}', '2030-12-31', '${T}', NULL, 'active', 1, 0, 0, 'e2e')`)
  const sql = spawnSync('sqlite3', ['-cmd', '.timeout 10000', srv.db.replace(/^sqlite:/, ''),
    `INSERT INTO inspectors (id, user_id, name, department, cert_no, cert_valid_until, areas, specialty, status, version, created_at, updated_at, created_by) VALUES ${rows.join(', ')}`],
  { encoding: 'utf8' })
  assert.equal(sql.status, 0, sql.stderr)
  addUser(srv, { login: 'planner', role: 'officer', jurisdiction: 'city', password: 'Planner-E2E-2026!' })
  const leaders = []
  for (const login of ['lead.a', 'lead.b']) {
    addUser(srv, { login, role: 'leader', jurisdiction: 'city', password: 'Leader-E2E-2026!' })
    const s = await apiSession(srv.url, login, 'Leader-E2E-2026!')
    const st = await s('POST', '/api/v1/me/totp', {})
    assert.equal((await s('POST', '/api/v1/me/totp/confirm', { otp: totp(st.body.data.secret) })).status, 200)
    leaders.push(s)
  }
  const off = await apiSession(srv.url, 'planner', 'Planner-E2E-2026!')
  const day = (d) => new Date(Date.now() + 8 * 3600e3 + d * 86400e3).toISOString().slice(0, 10)
  let r = await off('POST', '/api/v1/inspection/plans', {
    name: '2026 年第四季度虎门镇双随机抽查', towns: [T], period_start: day(0), period_end: day(60),
    team: [{ department: 'fire', count: 2 }], max_load: 5, beacon: { source: 'public ceremony', round: '2026-Q4-虎门' },
  })
  assert.equal(r.status, 201)
  let plan = r.body.data
  const ifm = () => ({ 'If-Match': `"${plan.version}"` })
  r = await leaders[0]('POST', `/api/v1/inspection/plans/${plan.id}/approve`, undefined, ifm())
  assert.equal(r.status, 200)
  plan = r.body.data
  r = await off('POST', `/api/v1/inspection/plans/${plan.id}/commit`, undefined, ifm())
  assert.equal(r.status, 200)
  for (const s of leaders)
    assert.equal((await s('POST', `/api/v1/inspection/plans/${plan.id}/beacon`, { value: '07 15 22 31 33 + 09 12' })).status, 200)
  const pub = await fetch(`${srv.url}/api/v1/public/inspection/plans/${plan.id}`).then((x) => x.json())
  assert.equal(pub.data.status, 'drawn')
  return pub.data
}

/* Clear the page, paste text into its text box and press 验证; resolves on the new verdict. */
async function pasteAndVerify(p, text) {
  await p.locator('[data-test=dv-clear]').click()
  await p.locator('[data-test=dv-result]').waitFor({ state: 'detached' })
  const box = p.locator('textarea[data-test=dv-text], [data-test=dv-text] textarea').first()
  await box.fill(text)
  await p.locator('[data-test=dv-verify]').click()
  await p.locator('[data-test=dv-ok], [data-test=dv-fail]').first().waitFor()
}

async function stepStates(p) {
  return p.locator('[data-test=dv-steps] [data-step]').evaluateAll((els) =>
    els.map((e) => `${e.getAttribute('data-step')}:${e.getAttribute('data-state')}`))
}

describe('双随机一公开: verify a draw in the browser without logging in', () => {
  let srv
  let a
  let plan = null

  before(async () => {
    srv = STATIC ? await startStatic(WEB) : await startServer()
    if (!STATIC) {
      const paths = (await fetch(`${srv.url}/api/v1/openapi.json`).then((x) => x.json())).paths
      if (paths['/api/v1/inspection/plans'] && paths['/api/v1/public/draws/{id}/bundle'])
        plan = await drawnPlan(srv)
    }
    a = await browser()
  })

  after(async () => {
    if (a) {
      if (a.problems.length)
        console.log(a.problems.join('\n'))
      await a.close()
    }
    await srv?.stop()
  })

  test('the login page links to the public pages, which open without a session', async (t) => {
    const p = a.page
    await p.goto(`${srv.url}/login`)
    await p.locator('[data-test=public-link]').click()
    await p.waitForURL((u) => u.pathname === '/public/plans')
    await see(p, '双随机抽查计划公示')
    await see(p, '为什么可以相信这次抽取')
    if (!plan)
      return t.skip(STATIC ? 'static console: no public API to list plans' : 'no inspection API in this server')
    const table = p.locator('[data-test=pub-plans] .el-table__body')
    await table.getByText('2026 年第四季度虎门镇双随机抽查').waitFor()
    const row = await table.innerText()
    assert.match(row, /已抽取/)
    assert.match(row, /07 15 22 31 33 \+ 09 12/)
    assert.match(row, new RegExp(plan.candidates_hash.slice(0, 8)))
    await shot(p, '60-public-plans')
  })

  test('a drawn plan: its results, then its bundle fetched by id and verified against the published plan', async (t) => {
    if (!plan)
      return t.skip('no drawn plan (static console or no inspection API)')
    const p = a.page
    await p.locator('[data-test=pub-results]:visible').first().click()
    const drawer = p.locator('[data-test=pub-results-drawer]')
    await drawer.locator('.el-table__body tr').first().waitFor()
    assert.equal(await drawer.locator('.el-table__body tr').count(), plan.counts.selected)
    assert.match(await drawer.innerText(), /已分配/)
    await shot(p, '64-public-results')
    await drawer.getByRole('button', { name: '验证' }).click()
    await p.waitForURL((u) => u.pathname === `/public/verify/${plan.id}`)
    await p.locator('[data-test=dv-ok]').waitFor({ timeout: 20000 })
    assert.deepEqual(await stepStates(p), [
      'parse:ok', 'version:ok', 'inputs:ok', 'candidates_hash:ok', 'roster_hash:given', 'seed:ok', 'selected:ok', 'unassigned:ok',
      'commitment:ok',
    ])
    assert.match(await p.locator('[data-test=dv-steps]').innerText(), new RegExp(plan.seed))
    assert.match(await p.locator('[data-test=dv-summary]').innerText(), new RegExp(`抽中 ${plan.counts.selected} 家单位`))
    await shot(p, '65-verify-plan')
  })

  test('a known-answer bundle pasted into the page verifies, step by step', async () => {
    const p = a.page
    await p.locator('[data-test=pub-nav-verify]').click()
    await p.waitForURL((u) => u.pathname === '/public/verify')
    await pasteAndVerify(p, basic)
    await p.locator('[data-test=dv-ok]').waitFor()
    assert.deepEqual(await stepStates(p), [
      'parse:ok', 'version:ok', 'inputs:ok', 'candidates_hash:ok', 'roster_hash:ok', 'seed:ok', 'selected:ok', 'unassigned:ok',
    ])
    const steps = await p.locator('[data-test=dv-steps]').innerText()
    assert.match(steps, /7c80c41020f30499b071e03241c0fbf38c0a42fa4ddc0720cf2e4809dbf17939/)
    assert.match(steps, /dde3512e6075f79e1c2833af839cbe88977536ce76159e08cf6f262eb6adf338/)
    assert.match(await p.locator('[data-test=dv-summary]').innerText(), /抽中 10 家单位，其中 6 家待人工分配/)
    assert.equal(await p.locator('[data-test=dv-entries] .el-table__body tr').count(), 10)
    assert.equal(await p.locator('[data-test=dv-first-difference]').count(), 0)
    await shot(p, '61-verify-ok')
  })

  test('one character changed: the first difference is named and highlighted', async () => {
    const p = a.page
    const changed = basic.replace('{"candidate": "u05"', '{"candidate": "u07"')
    assert.notEqual(changed, basic)
    await pasteAndVerify(p, changed)
    await p.locator('[data-test=dv-fail]').waitFor()
    assert.equal((await p.locator('[data-test=dv-first-difference] code').innerText()).trim(),
      'selected[1].candidate: expected "u05", bundle has "u07"')
    assert.deepEqual(await stepStates(p), [
      'parse:ok', 'version:ok', 'inputs:ok', 'candidates_hash:ok', 'roster_hash:ok', 'seed:ok', 'selected:fail', 'unassigned:notRun',
    ])
    assert.equal(await p.locator('[data-test=dv-entries] .fw-dv-row-fail').count(), 1)
    assert.match(await p.locator('[data-test=dv-entries] .fw-dv-row-fail').innerText(), /u07/)
    await shot(p, '62-verify-difference')

    /* The beacon value: the seed no longer matches. */
    await pasteAndVerify(p, basic.replace('"value": "8c4d1f0a', '"value": "8c4d1f0b'))
    assert.match(await p.locator('[data-test=dv-first-difference]').innerText(), /^[\s\S]*seed: expected "032e9295/)
  })

  test('a public bundle verifies its selection, its roster hash taken as given', async () => {
    const p = a.page
    await pasteAndVerify(p, basicPublic)
    await p.locator('[data-test=dv-ok]').waitFor()
    const states = await stepStates(p)
    assert.equal(states[4], 'roster_hash:given')
    assert.ok(states.every((s) => !s.endsWith(':fail') && !s.endsWith(':notRun')))
    await see(p, '这是公开版结果包')
  })

  test('a bundle loaded from a file verifies from its exact bytes', async () => {
    const p = a.page
    await p.locator('[data-test=dv-file]').setInputFiles(join(FIXTURES, 'edge.json'))
    await p.locator('[data-test=dv-loaded]').waitFor()
    await p.locator('[data-test=dv-ok]').waitFor()
    assert.match(await p.locator('[data-test=dv-summary]').innerText(), /抽中 7 家单位，其中 2 家待人工分配/)
  })

  test('a plan id that names no drawn plan is explained', async (t) => {
    if (STATIC)
      return t.skip('static console: no public API')
    const p = a.page
    await p.goto(`${srv.url}/public/verify/999`)
    await p.locator('[data-test=dv-problem]').waitFor()
    assert.match(await p.locator('[data-test=dv-problem]').innerText(), /没有编号为 999 的已公示计划/)
    assert.equal(new URL(p.url()).pathname, '/public/verify/999')
  })

  test('on a phone: cards, nothing wider than the screen', async () => {
    const m = await browser({ viewport: { width: 390, height: 844 }, isMobile: true })
    try {
      const p = m.page
      await p.goto(`${srv.url}/public/verify`)
      await pasteAndVerify(p, basic.replace('"inspectors": ["f05", "f04"]}', '"inspectors": ["f05", "f03"]}'))
      await p.locator('[data-test=dv-fail]').waitFor()
      assert.match(await p.locator('[data-test=dv-first-difference]').innerText(), /selected\[5\]\.inspectors\[1\]: expected "f04", bundle has "f03"/)
      assert.equal(await p.locator('[data-test=dv-entries] .fw-cards .fw-item').count(), 10)
      const wide = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert.ok(wide <= 0, `page is ${wide}px wider than the screen`)
      /* The header keeps to two short rows: brand and language, then the links. */
      const bar = await p.locator('[data-test=pub-bar]').boundingBox()
      assert.ok(bar.height < 120, `header is ${bar.height}px tall`)
      await shot(p, '63-verify-phone')
      if (m.problems.length)
        console.log(m.problems.join('\n'))
    } finally {
      await m.close()
    }
  })
})
