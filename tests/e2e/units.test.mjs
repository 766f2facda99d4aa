/*
 * The unit registry in a real browser, as town fire officers use it:
 * an invalid credit code refused on its field with nothing saved, a
 * duplicate code reported by the server on its field, register, search,
 * open, edit, a concurrent edit from a second browser explained, add a
 * building and a place, read the history, close and archive; import a
 * CSV (too large refused in the browser, the dry run's exact rejected
 * rows, commit) and download the Excel export; another
 * town's officer never sees the unit (and the API answers 404); the list
 * as cards on a phone; a leader sees the personal data in clear only
 * with a reason.  Skipped when the server has no registry API.
 */
import assert from 'node:assert/strict'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { ARTIFACTS, addUser, api, browser, choose, see, shot, signIn, startServer } from './lib.mjs'

const PW = 'Officer-E2E-2026'
const NAME = '东城星光购物广场'
const USCC = '91441900MA4UXXXX13'

/* A valid Dongguan USCC (GB 32100 with a GB 11714 organisation code). */
const USCC_SET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
function uscc(n) {
  const body = `91441900${String(n % 1e8).padStart(8, '0')}`
  const ow = [3, 7, 9, 10, 5, 8, 4, 2]
  let s = 0
  for (let i = 0; i < 8; i++) s += Number(body[8 + i]) * ow[i]
  const oc = 11 - (s % 11)
  const org = body + (oc === 10 ? 'X' : oc === 11 ? '0' : String(oc))
  const uw = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
  s = 0
  for (let i = 0; i < 17; i++) s += USCC_SET.indexOf(org[i]) * uw[i]
  const c = 31 - (s % 31)
  return org + USCC_SET[c === 31 ? 0 : c]
}
const GOOD1 = uscc(20261101)
const GOOD2 = uscc(20261102)
const BAD = uscc(20261103)
const BAD_WRONG = BAD.slice(0, 17) + (BAD[17] === '1' ? '2' : '1')
/* Two good rows, a duplicate credit code, a wrong check character, an unknown town. */
const IMPORT_CSV = '单位名称,统一社会信用代码,法定代表人,经营场所,镇街,行业\r\n'
  + `东城导入测试甲五金有限公司,${GOOD1},张三丰,东城街道导入路 1 号,东城,C33\r\n`
  + `东城导入测试乙电子有限公司,${GOOD2},李四,东城街道导入路 2 号,441900003,C39\r\n`
  + `东城导入测试重复公司,${GOOD1},赵六,东城街道导入路 3 号,东城,\r\n`
  + `东城导入测试校验错误公司,${BAD_WRONG},,东城街道导入路 4 号,东城,\r\n`
  + `东城导入测试未知镇街公司,${uscc(20261104)},,某路 5 号,火星镇,\r\n`

describe('units: register, search, edit, conflict, archive, isolation', async () => {
  let srv
  let a
  let b
  let unitId = ''
  let skip = false
  const secrets = {}

  before(async () => {
    srv = await startServer()
    const r = await fetch(`${srv.url}/api/v1/openapi.json`).then((x) => x.json())
    skip = !r.paths['/api/v1/units']
    addUser(srv, { login: 'dc.officer', role: 'officer', jurisdiction: 'town:441900003', password: PW })
    addUser(srv, { login: 'dc.officer2', role: 'officer', jurisdiction: 'town:441900003', password: PW })
    addUser(srv, { login: 'nc.officer', role: 'officer', jurisdiction: 'town:441900004', password: PW })
    addUser(srv, { login: 'city.leader', role: 'leader', jurisdiction: 'city', password: 'Leader-E2E-2026!' })
    a = await browser()
  })

  after(async () => {
    for (const x of [a, b])
      if (x) {
        if (x.problems.length)
          console.log(x.problems.join('\n'))
        await x.close()
      }
    await srv?.stop()
  })

  test('the officer lands on a home page with the town\'s units', async (t) => {
    if (skip)
      return t.skip('no registry API in this server')
    const p = a.page
    await signIn(p, srv.url, 'dc.officer', PW)
    await see(p, '东城街道')
    await p.locator('[data-menu=units]').click()
    await p.locator('[data-test=unit-table]').waitFor()
  })

  test('an invalid credit code is refused on its field; nothing is saved', async (t) => {
    if (skip)
      return t.skip('no registry API')
    const p = a.page
    await p.locator('[data-test=create-unit]').click()
    await p.locator('[data-test=unit-dialog]').waitFor()
    await p.locator('[data-test=u-name]').fill(NAME)
    await p.locator('[data-test=u-uscc]').fill('91441900MA4UXXXX1X')
    await p.locator('[data-test=u-address]').fill('东城街道星光路 1 号')
    await p.locator('[data-test=u-industry]').fill('零售')
    await p.locator('[data-test=u-categories] [data-cat=crowded]').click()
    await p.locator('[data-test=u-categories] [data-cat=key]').click()
    await p.locator('[data-test=u-responsible-name]').fill('张三')
    await p.locator('[data-test=u-responsible-phone]').fill('13800138000')
    await p.locator('[data-test=u-save]').click()
    await see(p, '统一社会信用代码校验位不正确')
    await shot(p, '30-unit-invalid-uscc')
    const r = await api(p, 'GET', `/api/v1/units?q=${encodeURIComponent('星光')}`)
    assert.equal(r.body.page.total, 0)
  })

  test('register the unit and find it by search', async (t) => {
    if (skip)
      return t.skip('no registry API')
    const p = a.page
    await p.locator('[data-test=u-uscc]').fill(USCC)
    await p.locator('[data-test=u-save]').click()
    await see(p, '单位已登记')
    await p.locator('[data-test=unit-q]').fill('星光')
    await p.locator('[data-test=unit-search]').click()
    await p.locator('[data-test=unit-table] .el-table__body', { hasText: NAME }).waitFor()
    assert.match(await p.locator('[data-test=unit-total]').innerText(), /共 1 条/)
    await shot(p, '31-units-search')
  })

  test('a second unit with the same code: the server\'s field error is shown', async (t) => {
    if (skip)
      return t.skip('no registry API')
    const p = a.page
    await p.locator('[data-test=create-unit]').click()
    await p.locator('[data-test=u-name]').fill('重复信用代码的单位')
    await p.locator('[data-test=u-uscc]').fill(USCC)
    await p.locator('[data-test=u-address]').fill('东城街道某路 2 号')
    await p.locator('[data-test=u-save]').click()
    const err = p.locator('.el-form-item', { has: p.locator('[data-test=u-uscc]') }).locator('.el-form-item__error')
    await err.waitFor()
    assert.match(await err.innerText(), /与已有记录冲突/)
    await shot(p, '32-unit-duplicate-uscc')
    await p.keyboard.press('Escape')
    const r = await api(p, 'GET', `/api/v1/units?q=${encodeURIComponent('重复')}`)
    assert.equal(r.body.page.total, 0)
  })

  test('open the unit: masked people, edit it', async (t) => {
    if (skip)
      return t.skip('no registry API')
    const p = a.page
    await p.goto(`${srv.url}/units?q=${encodeURIComponent('星光')}`)
    await p.locator('[data-test=unit-link]:visible').first().click()
    await p.waitForURL(/\/units\/\d+$/)
    unitId = new URL(p.url()).pathname.split('/').pop()
    await p.locator('[data-test=unit-people]', { hasText: '138****8000' }).waitFor()
    await shot(p, '33-unit-detail')
    await p.locator('[data-test=unit-edit]').click()
    await p.waitForFunction((n) => document.querySelector('[data-test=u-name]')?.value === n, NAME)
    await p.locator('[data-test=u-name]').fill(NAME + '（一期）')
    await p.locator('[data-test=u-save]').click()
    await see(p, '单位信息已保存')
    await p.locator('[data-test=unit-title]', { hasText: '（一期）' }).waitFor()
  })

  test('a concurrent edit from a second browser is explained, not lost', async (t) => {
    if (skip)
      return t.skip('no registry API')
    b = await browser()
    await signIn(b.page, srv.url, 'dc.officer2', PW)
    const p = a.page
    await p.locator('[data-test=unit-edit]').click()
    await p.waitForFunction((n) => document.querySelector('[data-test=u-name]')?.value === n, NAME + '（一期）')
    const q = b.page
    await q.goto(`${srv.url}/units/${unitId}`)
    await q.locator('[data-test=unit-edit]').click()
    await q.waitForFunction((n) => document.querySelector('[data-test=u-name]')?.value === n, NAME + '（一期）')
    await q.locator('[data-test=u-industry]').fill('商业综合体')
    await q.locator('[data-test=u-save]').click()
    await see(q, '单位信息已保存')
    await p.locator('[data-test=u-industry]').fill('百货零售')
    await p.locator('[data-test=u-save]').click()
    const box = p.locator('.fw-conflict-box')
    await box.waitFor()
    await p.waitForTimeout(400)
    assert.match(await box.innerText(), /其他人已修改并保存/)
    await shot(p, '34-unit-conflict')
    await box.locator('button', { hasText: '重新加载' }).click()
    await p.waitForFunction(() => document.querySelector('[data-test=u-industry]')?.value === '商业综合体')
    await p.locator('[data-test=unit-dialog] .el-dialog__footer button').first().click()
  })

  test('add a building and a place; read the history', async (t) => {
    if (skip)
      return t.skip('no registry API')
    const p = a.page
    await p.locator('.el-tabs__item', { hasText: '建筑' }).click()
    await p.locator('[data-test=add-building]').click()
    await p.locator('[data-test=p-name]').fill('1 号楼')
    await choose(p, p.locator('[data-test=part-dialog] [data-test=p-use]'), '公共建筑')
    await p.locator('[data-test=p-floors_above] input').fill('6')
    await p.locator('[data-test=p-height_cm] input').fill('23.5')
    await p.locator('[data-test=p-save]').click()
    await see(p, '建筑已添加')
    await p.locator('[data-test=building-table]', { hasText: '1 号楼' }).waitFor()
    assert.match(await p.locator('[data-test=building-table]').innerText(), /23\.5/)
    await p.locator('.el-tabs__item', { hasText: '场所' }).click()
    await p.locator('[data-test=add-place]').click()
    await p.locator('[data-test=p-name]').fill('一楼超市')
    await choose(p, p.locator('[data-test=part-dialog] [data-test=p-kind]'), '商场')
    await p.locator('[data-test=p-save]').click()
    await see(p, '场所已添加')
    await p.locator('[data-test=place-table]', { hasText: '一楼超市' }).waitFor()
    await p.locator('.el-tabs__item', { hasText: '变更记录' }).click()
    await p.locator('[data-test=history-table]', { hasText: 'unit.update' }).waitFor()
    assert.match(await p.locator('[data-test=history-table]').innerText(), /unit\.create/)
    await shot(p, '35-unit-history')
  })

  test('another town\'s officer never sees the unit', async (t) => {
    if (skip)
      return t.skip('no registry API')
    const c = await browser()
    try {
      const p = c.page
      await signIn(p, srv.url, 'nc.officer', PW)
      await p.goto(`${srv.url}/units?q=${encodeURIComponent('星光')}`)
      await p.locator('[data-test=unit-total]', { hasText: '共 0 条' }).waitFor()
      assert.equal((await api(p, 'GET', `/api/v1/units/${unitId}`)).status, 404)
      assert.equal((await api(p, 'GET', `/api/v1/units/${unitId}/history`)).status, 404)
      await p.goto(`${srv.url}/units/${unitId}`)
      await see(p, '记录不存在或不在您的管辖范围内')
    } finally {
      await c.close()
    }
  })

  test('a leader sees the people in clear only with a reason', async (t) => {
    if (skip)
      return t.skip('no registry API')
    const c = await browser()
    try {
      const p = c.page
      await signIn(p, srv.url, 'city.leader', 'Leader-E2E-2026!', { secrets })
      await p.goto(`${srv.url}/units/${unitId}`)
      await p.locator('[data-test=unit-people]', { hasText: '138****8000' }).waitFor()
      await p.locator('[data-test=unit-unmask]').click()
      await p.locator('[data-test=unmask-reason]').fill('查')
      await p.locator('[data-test=unmask-submit]').click()
      await see(p, '原因为 4 至 200 个字')
      await p.locator('[data-test=unmask-reason]').fill('火灾隐患核查需要联系责任人')
      await p.locator('[data-test=unmask-submit]').click()
      await p.locator('[data-test=unit-people]', { hasText: '13800138000' }).waitFor()
      await shot(p, '36-unit-unmasked')
    } finally {
      if (c.problems.length)
        console.log(c.problems.join('\n'))
      await c.close()
    }
  })

  test('close and archive; an archived unit is read-only', async (t) => {
    if (skip)
      return t.skip('no registry API')
    const p = a.page
    await p.locator('[data-test=unit-close]').click()
    await p.locator('.el-message-box button', { hasText: '确定' }).click()
    await p.locator('[data-test=unit-status]', { hasText: '已停业' }).waitFor()
    await p.locator('[data-test=unit-archive]').click()
    await p.locator('.el-message-box button', { hasText: '确定' }).click()
    await p.locator('[data-test=unit-status]', { hasText: '已归档' }).waitFor()
    assert.equal(await p.locator('[data-test=unit-edit]').count(), 0)
    await shot(p, '37-unit-archived')
  })

  test('import a CSV: a too large file refused, a dry run reports the exact rows, commit, export Excel', async (t) => {
    if (skip)
      return t.skip('no registry API')
    const p = a.page
    await p.goto(`${srv.url}/units`)
    await p.locator('[data-test=unit-table]').waitFor()
    await p.locator('[data-test=import-units]').click()
    await p.locator('[data-test=import-dialog]').waitFor()
    /* Over the server's 16 MiB CSV cap: refused in the browser, nothing sent. */
    await p.locator('[data-test=import-file]').setInputFiles({ name: 'big.csv', mimeType: 'text/csv',
      buffer: Buffer.alloc(16 * 1024 * 1024 + 1, 0x41) })
    await p.locator('[data-test=import-problem]', { hasText: '文件超过 16 MB' }).waitFor()
    assert.equal(await p.locator('[data-test=import-dry-run]').isDisabled(), true)
    await p.locator('[data-test=import-file]').setInputFiles({ name: '单位导入.csv', mimeType: 'text/csv',
      buffer: Buffer.from(IMPORT_CSV) })
    assert.equal(await p.locator('[data-test=import-problem]').count(), 0)
    await p.locator('[data-test=import-dry-run]').click()
    await p.locator('[data-test=import-status]', { hasText: '预检完成' }).waitFor()
    const count = async (k) => Number(await p.locator(`[data-test=count-${k}]`).innerText())
    assert.deepEqual([await count('rows'), await count('created'), await count('updated'), await count('rejected')], [5, 2, 0, 3])
    const rows = await p.locator('[data-test=import-report] .el-table__body tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())))
    assert.deepEqual(rows, [
      ['4', '统一社会信用代码', '统一社会信用代码与第 2 行重复'],
      ['5', '统一社会信用代码', `统一社会信用代码校验位错误（应为 ${BAD[17]}）`],
      ['6', '镇街', '未知镇街：火星镇'],
    ])
    await shot(p, '3a-import-dry-run')
    let r = await api(p, 'GET', `/api/v1/units?q=${encodeURIComponent('导入测试')}`)
    assert.equal(r.body.page.total, 0, 'a dry run writes nothing')

    await p.locator('[data-test=import-commit]').click()
    await p.locator('[data-test=import-status]', { hasText: '导入完成' }).waitFor()
    assert.deepEqual([await count('created'), await count('rejected')], [2, 3])
    await shot(p, '3b-import-committed')
    await p.locator('[data-test=import-close]').click()
    r = await api(p, 'GET', `/api/v1/units?q=${encodeURIComponent('导入测试')}`)
    assert.equal(r.body.page.total, 2)

    await p.locator('[data-test=unit-q]').fill('导入测试')
    await p.locator('[data-test=unit-search]').click()
    await p.locator('[data-test=unit-total]', { hasText: '共 2 条' }).waitFor()
    await p.locator('[data-test=unit-table] .el-table__body', { hasText: '东城导入测试乙电子有限公司' }).waitFor()
    const [dl] = await Promise.all([p.waitForEvent('download'), p.locator('[data-test=export-xlsx]').click()])
    assert.match(dl.suggestedFilename(), /^单位名录-\d{8}\.xlsx$/)
    const file = join(ARTIFACTS, dl.suggestedFilename())
    await dl.saveAs(file)
    assert.ok(statSync(file).size > 0)
    assert.equal(readFileSync(file).subarray(0, 2).toString(), 'PK')
    await see(p, '已导出')
    await shot(p, '3c-units-exported')
  })

  test('on a phone the list is cards and the menu a drawer', async (t) => {
    if (skip)
      return t.skip('no registry API')
    const c = await browser({ viewport: { width: 390, height: 844 }, isMobile: true })
    try {
      const p = c.page
      await signIn(p, srv.url, 'dc.officer', PW)
      await p.goto(`${srv.url}/units`)
      await p.locator('[data-test=unit-card]').first().waitFor()
      assert.equal(await p.locator('[data-test=unit-table]').count(), 0)
      await shot(p, '38-units-phone')
      await p.locator('[data-test=menu-toggle]').click()
      await p.locator('.fw-menu-drawer [data-menu=units]').waitFor()
      await shot(p, '39-menu-drawer-phone')
      assert.deepEqual(c.problems, [])
    } finally {
      await c.close()
    }
  })

  test('no errors in the browser console', () => {
    assert.deepEqual(a.problems, [])
    assert.deepEqual(b?.problems ?? [], [])
  })
})
