#!/usr/bin/env node
/*
 * Time to interactive of the units list (单位档案) with N units (default
 * 20 000) in headless chromium: a real server on a temporary database,
 * N units registered through the API, then the page opened R times in a
 * signed-in browser.  TTI here = the later of "first page of rows
 * rendered" and "end of the last long task" (PerformanceObserver
 * longtask), measured from navigation start.  Also prints DOMContentLoaded.
 *
 *   node scripts/tti.mjs [N] [R]     (FW_BIN as for the browser tests)
 */
import { addUser, browser, signIn, startServer } from '../../tests/e2e/lib.mjs'

const N = Number(process.argv[2] ?? 20000)
const R = Number(process.argv[3] ?? 6)
const PW = 'Bench-Officer-2026'

const srv = await startServer()
try {
  addUser(srv, { login: 'bench', role: 'officer', jurisdiction: 'city', password: PW })
  const lr = await fetch(`${srv.url}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: 'bench', password: PW }),
  })
  const csrf = (await lr.json()).data.csrf
  const cookie = lr.headers.get('set-cookie').split(';')[0]
  const towns = (await (await fetch(`${srv.url}/api/v1/towns`, { headers: { Cookie: cookie } })).json()).data
  const cats = [['key'], ['crowded'], ['three_small'], ['rental'], [], ['high_risk'], ['public_gathering', 'crowded']]
  const words = ['五金', '制衣', '电子', '家具', '商贸', '酒店', '餐饮', '物流', '塑胶', '模具']
  const t0 = Date.now()
  let next = 0
  async function worker() {
    for (;;) {
      const i = next++
      if (i >= N)
        return
      const c = cats[i % cats.length]
      const body = {
        name: `${words[i % words.length]}${['有限公司', '厂', '店', '中心'][i % 4]}${i}`,
        address: `测试路 ${i} 号`, town: towns[i % towns.length].code, categories: c,
        industry: ['制造业', '零售', '住宿餐饮'][i % 3],
      }
      if (c.includes('three_small'))
        body.three_small_kind = 'shop'
      const r = await fetch(`${srv.url}/api/v1/units`, {
        method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf },
        body: JSON.stringify(body),
      })
      if (r.status !== 201)
        throw new Error(`unit ${i}: ${r.status} ${await r.text()}`)
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
  console.log(`seeded ${N} units in ${((Date.now() - t0) / 1000).toFixed(1)} s`)

  const b = await browser()
  await b.ctx.addInitScript(() => {
    window.__longtasks = []
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longtasks.push(e.startTime + e.duration) })
      .observe({ type: 'longtask', buffered: true })
  })
  await signIn(b.page, srv.url, 'bench', PW)
  const runs = []
  for (let r = 0; r < R; r++) {
    if (r === 0)
      await b.ctx.clearCookies().then(() => signIn(b.page, srv.url, 'bench', PW))
    const p = b.page
    await p.goto(`${srv.url}/units`, { waitUntil: 'commit' })
    await p.locator('[data-test=unit-table] .el-table__body tr').nth(19).waitFor()
    const rows = await p.evaluate(() => performance.now())
    await p.waitForTimeout(1000)
    const m = await p.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0]
      return { dcl: nav.domContentLoadedEventEnd, lastLong: Math.max(0, ...window.__longtasks) }
    })
    runs.push({ rows, dcl: m.dcl, tti: Math.max(rows, m.lastLong) })
  }
  const total = await b.page.locator('[data-test=unit-total]').innerText()
  await b.close()
  const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]
  for (const [i, r] of runs.entries())
    console.log(`run ${i + 1}: DOMContentLoaded ${r.dcl.toFixed(0)} ms, rows ${r.rows.toFixed(0)} ms, TTI ${r.tti.toFixed(0)} ms`)
  console.log(`${total}; median TTI ${med(runs.map((r) => r.tti)).toFixed(0)} ms (first run ${runs[0].tti.toFixed(0)} ms)`)
} finally {
  await srv.stop()
}
