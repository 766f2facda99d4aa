/*
 * 一单两库 in a real browser: a city fire officer opens 双随机抽查 from the
 * menu, adds an inspection item (an invalid code refused on its field,
 * nothing saved), finds it by search, downloads the Excel export; adds an
 * inspector, finds them in the directory, declares a conflict with a
 * unit from the drawer; a town officer sees the item but cannot change
 * the list and never sees another town's inspector; on a phone both
 * lists are cards.  Skipped when the server has no inspection directory
 * API.
 */
import assert from 'node:assert/strict'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { ARTIFACTS, addUser, api, browser, choose, see, shot, signIn, startServer } from './lib.mjs'

const PW = 'Officer-E2E-2026'
const CODE = 'E2E-07'
const ITEM = '电动自行车停放充电管理'
const PERSON = '测试检查员王'
const CERT = '粤消执 2026-9001'

describe('inspection directories: items, inspectors, conflicts', async () => {
  let srv
  let a
  let skip = false
  let unitId = ''

  before(async () => {
    srv = await startServer()
    const r = await fetch(`${srv.url}/api/v1/openapi.json`).then((x) => x.json())
    skip = !r.paths['/api/v1/inspection/items'] || !r.paths['/api/v1/inspectors']
    addUser(srv, { login: 'city.insp', role: 'officer', jurisdiction: 'city', password: PW })
    addUser(srv, { login: 'hm.insp', role: 'officer', jurisdiction: 'town:441900121', password: PW })
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

  test('the officer opens 双随机抽查 from the menu and lands on the item list', async (t) => {
    if (skip)
      return t.skip('no inspection directory API in this server')
    const p = a.page
    await signIn(p, srv.url, 'city.insp', PW)
    await p.locator('[data-menu=inspection]').click()
    await p.waitForURL((u) => u.pathname === '/inspection/items')
    await p.locator('[data-test=item-table]').waitFor()
    await p.locator('[data-test=inspection-nav]').waitFor()
  })

  test('an invalid code is refused on its field; nothing is saved', async (t) => {
    if (skip)
      return t.skip('no inspection directory API')
    const p = a.page
    await p.locator('[data-test=create-item]').click()
    await p.locator('[data-test=item-dialog]').waitFor()
    await p.locator('[data-test=item-code]').fill('E2E_07')
    await p.locator('[data-test=item-name]').fill(ITEM)
    await p.locator('[data-test=item-basis]').fill('《中华人民共和国消防法》第十六条第一款第（二）项')
    await p.locator('[data-test=item-content]').fill('电动自行车是否在室内公共区域停放、充电；充电设施是否符合要求')
    await p.locator('[data-test=item-method]').fill('现场检查')
    await p.locator('[data-test=item-categories] [data-cat=rental]').click()
    await p.locator('[data-test=item-save]').click()
    await see(p, '只能包含大写字母、数字和“-”')
    await shot(p, '60-item-invalid-code')
    const r = await api(p, 'GET', `/api/v1/inspection/items?q=${encodeURIComponent('电动自行车')}`)
    assert.equal(r.body.page.total, 0)
  })

  test('add the item and find it by search; the list exports to Excel', async (t) => {
    if (skip)
      return t.skip('no inspection directory API')
    const p = a.page
    await p.locator('[data-test=item-code]').fill(CODE.toLowerCase())
    await p.locator('[data-test=item-save]').click()
    await see(p, '检查事项已添加')
    await p.locator('[data-test=item-q]').fill('电动自行车')
    await p.locator('[data-test=item-search]').click()
    await p.locator('[data-test=item-total]', { hasText: '共 1 条' }).waitFor()
    const row = p.locator('[data-test=item-table] .el-table__body tr', { hasText: ITEM })
    await row.waitFor()
    assert.match(await row.innerText(), new RegExp(CODE))
    assert.match(await row.innerText(), /出租屋/)
    await shot(p, '61-items-search')
    const r = await api(p, 'GET', `/api/v1/inspection/items?q=${CODE}`)
    assert.equal(r.body.data[0].code, CODE)
    assert.deepEqual(r.body.data[0].categories, ['rental'])
    const [dl] = await Promise.all([p.waitForEvent('download'), p.locator('[data-test=item-export-xlsx]').click()])
    assert.match(dl.suggestedFilename(), /^检查事项清单-\d{8}\.xlsx$/)
    const file = join(ARTIFACTS, dl.suggestedFilename())
    await dl.saveAs(file)
    assert.ok(statSync(file).size > 0)
    assert.equal(readFileSync(file).subarray(0, 2).toString(), 'PK')
    await see(p, '已导出')
  })

  test('add an inspector and see them in the directory', async (t) => {
    if (skip)
      return t.skip('no inspection directory API')
    const p = a.page
    await p.locator('[data-test=inspection-nav] .el-tabs__item', { hasText: '检查人员名录' }).click()
    await p.waitForURL((u) => u.pathname === '/inspection/inspectors')
    await p.locator('[data-test=inspector-table]').waitFor()
    await p.locator('[data-test=create-inspector]').click()
    await p.locator('[data-test=inspector-dialog]').waitFor()
    await p.locator('[data-test=insp-name]').fill(PERSON)
    await p.locator('[data-test=insp-cert]').fill(CERT)
    const date = p.locator('[data-test=insp-valid] input')
    await date.fill('2031-06-30')
    await date.press('Enter')
    await choose(p, p.locator('[data-test=insp-areas]'), '东城街道')
    await choose(p, p.locator('[data-test=insp-areas]'), '虎门镇')
    await p.keyboard.press('Escape').catch(() => undefined)
    await p.locator('[data-test=insp-specialty]').fill('电气防火')
    await p.locator('[data-test=insp-save]').click()
    await see(p, '检查人员已登记')
    await p.locator('[data-test=insp-q]').fill('王')
    await p.locator('[data-test=insp-search]').click()
    const row = p.locator('[data-test=inspector-table] .el-table__body tr', { hasText: PERSON })
    await row.waitFor()
    assert.match(await row.innerText(), /粤消执 2026-9001/)
    assert.match(await row.innerText(), /东城街道、虎门镇/)
    assert.match(await row.innerText(), /证件有效/)
    await shot(p, '62-inspectors')
    const r = await api(p, 'GET', `/api/v1/inspectors?q=${encodeURIComponent(PERSON)}`)
    assert.equal(r.body.page.total, 1)
    assert.deepEqual(r.body.data[0].areas, ['441900003', '441900121'])
    assert.equal(r.body.data[0].cert_valid_until, '2031-06-30')
  })

  test('declare a conflict with a unit from the drawer', async (t) => {
    if (skip)
      return t.skip('no inspection directory API')
    const p = a.page
    const u = await api(p, 'POST', '/api/v1/units', { name: '虎门回避测试酒店', address: '虎门镇测试路 8 号', town: '441900121' })
    assert.equal(u.status, 201, JSON.stringify(u.body))
    unitId = u.body.data.id
    const row = p.locator('[data-test=inspector-table] .el-table__body tr', { hasText: PERSON })
    await row.locator('[data-test=insp-conflicts]').click()
    await p.locator('[data-test=conflict-drawer]').waitFor()
    await p.locator('[data-test=conflict-save]').click()
    await see(p, '请选择单位')
    await p.locator('[data-test=conflict-unit] input').fill('回避测试')
    await p.locator('.el-select-dropdown__item:visible', { hasText: '虎门回避测试酒店' }).first().click()
    await p.locator('[data-test=conflict-kind] .el-radio', { hasText: '曾任职' }).click()
    await p.locator('[data-test=conflict-save]').click()
    await see(p, '回避关系已登记')
    await p.locator('[data-test=conflict-row]', { hasText: '虎门回避测试酒店' }).waitFor()
    await shot(p, '63-conflict-drawer')
    const r = await api(p, 'GET', `/api/v1/units/${unitId}/conflicts`)
    assert.equal(r.body.page.total, 1)
    assert.equal(r.body.data[0].kind, 'former_employer')
    await p.keyboard.press('Escape')
  })

  test('a town officer reads the item list but cannot change it, and sees only its town\'s inspectors', async (t) => {
    if (skip)
      return t.skip('no inspection directory API')
    const b = await browser()
    try {
      const p = b.page
      await signIn(p, srv.url, 'hm.insp', PW)
      await p.goto(`${srv.url}/inspection/items?q=${CODE}`)
      await p.locator('[data-test=item-table] .el-table__body tr', { hasText: ITEM }).waitFor()
      assert.equal(await p.locator('[data-test=create-item]').count(), 0)
      assert.equal(await p.locator('[data-test=item-edit]').count(), 0)
      const own = await api(p, 'POST', '/api/v1/inspectors', {
        name: '虎门本镇检查员', department: 'fire', cert_no: '粤消执 2026-9002', cert_valid_until: '2030-01-01', areas: ['441900121'],
      })
      assert.equal(own.status, 201, JSON.stringify(own.body))
      const other = await api(p, 'POST', '/api/v1/inspectors', {
        name: '越界检查员', department: 'fire', cert_no: '粤消执 2026-9003', cert_valid_until: '2030-01-01', areas: ['441900003'],
      })
      assert.equal(other.status, 403)
      await p.goto(`${srv.url}/inspection/inspectors`)
      await p.locator('[data-test=inspector-table] .el-table__body tr', { hasText: '虎门本镇检查员' }).waitFor()
      /* The city's inspector covers 虎门 too: shown, but kept by the city. */
      const shared = p.locator('[data-test=inspector-table] .el-table__body tr', { hasText: PERSON })
      await shared.waitFor()
      assert.equal(await shared.locator('[data-test=insp-edit]').count(), 0)
      assert.equal(await p.locator('[data-test=inspector-table] .el-table__body tr', { hasText: '越界检查员' }).count(), 0)
      await shot(p, '64-town-inspectors')
      assert.deepEqual(b.problems, [])
    } finally {
      await b.close()
    }
  })

  test('on a phone both lists are cards', async (t) => {
    if (skip)
      return t.skip('no inspection directory API')
    const c = await browser({ viewport: { width: 390, height: 844 }, isMobile: true })
    try {
      const p = c.page
      await signIn(p, srv.url, 'city.insp', PW)
      await p.goto(`${srv.url}/inspection/items`)
      await p.locator('[data-test=item-card]', { hasText: ITEM }).waitFor()
      assert.equal(await p.locator('[data-test=item-table]').count(), 0)
      await shot(p, '65-items-phone')
      await p.goto(`${srv.url}/inspection/inspectors`)
      await p.locator('[data-test=inspector-card]', { hasText: PERSON }).waitFor()
      await shot(p, '66-inspectors-phone')
      assert.deepEqual(c.problems, [])
    } finally {
      await c.close()
    }
  })

  test('no errors in the browser console', () => {
    assert.deepEqual(a.problems, [])
  })
})
