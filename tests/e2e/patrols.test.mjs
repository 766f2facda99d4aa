/*
 * 网格巡查 in real browsers, as the people do it: a grid worker on a
 * 390×844 phone records a patrol of a three-small shop of their grid —
 * the checklist of its trade chosen for them, a failed item refused in
 * the page until it has a photo, one failure corrected on the spot (its
 * hazard type allows it, the other's does not offer it), one left as a
 * hazard with a deadline, every other item passed, both signatures drawn
 * on the screen; the record shows both hazards; the ledger lists the
 * patrol; the hazard is in the hazard list; an officer sees the coverage
 * of the grid; a second patrol shows the first beside it (the re-check
 * view).  Skipped when the server has no patrol API.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { png } from '../api/images.mjs'
import { addUser, apiSession, browser, see, shot, signIn, startServer } from './lib.mjs'

const A = '441900003'	/* 东城街道 */
const PW = 'Patrol-E2E-2026!'
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true }
const SHOP = '巡查演示便利店'

const photo = (name, w) => ({ name, mimeType: 'image/png', buffer: png(w, 40) })

/* Draw a stroke across a signature pad. */
async function sign(page, pad) {
  await pad.scrollIntoViewIfNeeded()
  const box = await pad.boundingBox()
  await page.mouse.move(box.x + 10, box.y + box.height / 2)
  await page.mouse.down()
  for (let i = 1; i <= 12; i++)
    await page.mouse.move(box.x + 10 + i * (box.width - 20) / 12, box.y + box.height / 2 + (i % 2 ? 12 : -12))
  await page.mouse.up()
}

describe('patrols: a grid worker patrols a shop on a phone; the ledger, the hazards, coverage, the re-check view', () => {
  let srv
  let skip = false
  let grid
  let recordId = ''
  let hazardNo = ''
  const people = []
  const secrets = {}

  async function person(opts) {
    const b = await browser(opts)
    people.push(b)
    return b
  }

  before(async () => {
    srv = await startServer()
    const paths = (await fetch(`${srv.url}/api/v1/openapi.json`).then((x) => x.json())).paths
    if (!paths['/api/v1/patrols']) {
      skip = true
      return
    }
    addUser(srv, { login: 'pt.off', role: 'officer', jurisdiction: `town:${A}`, password: PW })
    const off = await apiSession(srv.url, 'pt.off', PW)
    let r = await off('POST', '/api/v1/grids', { town: A, code: 'PT01', name: '巡查演示网格' })
    assert.equal(r.status, 201, JSON.stringify(r.body))
    grid = r.body.data
    r = await off('POST', '/api/v1/units', { name: SHOP, address: '东莞市东城街道巡查路 1 号', town: A, grid_id: grid.id,
      categories: ['three_small'], three_small_kind: 'shop' })
    assert.equal(r.status, 201, JSON.stringify(r.body))
    addUser(srv, { login: 'pt.grid', role: 'grid', jurisdiction: `grid:${grid.id}`, password: PW })
  })

  after(async () => {
    for (const b of people) {
      if (b.problems.length)
        console.log(b.problems.join('\n'))
      await b.close()
    }
    await srv?.stop()
  })

  test('a grid worker records a patrol of a shop on a phone', async (t) => {
    if (skip) return t.skip('no patrol API')
    const { page: p, problems } = await person(PHONE)
    await signIn(p, srv.url, 'pt.grid', PW, { secrets })
    await p.goto(`${srv.url}/patrols`)
    await p.locator('[data-test=patrol-cards]').waitFor()
    await p.locator('[data-test=patrol-new]').click()
    await p.waitForURL(/\/patrols\/new$/)
    await see(p, '网格巡查记录')
    /* The unit, found by name within the grid; the checklist of its trade. */
    await p.locator('[data-test=pt-unit] input').fill('巡查演示')
    await p.locator('.el-select-dropdown__item:visible', { hasText: SHOP }).first().click()
    await p.locator('[data-test=pt-template]').waitFor()
    assert.match(await p.locator('[data-test=pt-template]').innerText(), /小档口（按单位行业）/)
    const items = p.locator('[data-test=pt-item]')
    assert.equal(await items.count(), 6)
    const item = (code) => p.locator(`[data-test=pt-item][data-code=${code}]`)
    /* SHOP-01 (exits): failed, corrected on the spot — its hazard type allows it. */
    await item('SHOP-01').locator('[data-test=pt-result] label', { hasText: '不合格' }).click()
    await item('SHOP-01').locator('[data-test=pt-note]').fill('门口堆放纸箱，已当场清走')
    /* Not yet photographed: refused in the page, on the item. */
    await item('SHOP-01').locator('[data-test=pt-onspot]').click()
    await p.locator('[data-test=pt-pass-rest]').click()
    await p.locator('[data-test=pt-submit]').click()
    await item('SHOP-01').locator('[data-test=pt-item-error]', { hasText: '请至少拍一张照片' }).waitFor()
    await item('SHOP-01').locator('[data-test=pt-photo]').setInputFiles(photo('门口.png', 60))
    await item('SHOP-01').locator('[data-test=picked-photo]').waitFor()
    /* SHOP-03 (living on the premises): failed, a hazard with a deadline — no on-the-spot choice. */
    await item('SHOP-03').locator('[data-test=pt-result] label', { hasText: '不合格' }).click()
    assert.equal(await item('SHOP-03').locator('[data-test=pt-onspot]').count(), 0)
    await item('SHOP-03').locator('[data-test=pt-note]').fill('阁楼住人，与经营部分未分隔')
    await item('SHOP-03').locator('[data-test=pt-photo]').setInputFiles(photo('阁楼.png', 70))
    await item('SHOP-03').locator('[data-test=picked-photo]').waitFor()
    assert.equal(await item('SHOP-03').locator('[data-test=pt-days] input').inputValue(), '10')
    await shot(p, '100-patrol-items-phone')
    /* Both sign on the screen. */
    await sign(p, p.locator('[data-test=pt-sign-patroller] [data-test=sign-canvas]'))
    await p.locator('[data-test=pt-submit]').click()
    await p.locator('[data-test=pt-sign-error]', { hasText: '请单位负责人签名' }).waitFor()
    await sign(p, p.locator('[data-test=pt-sign-unit] [data-test=sign-canvas]'))
    assert.match(await p.locator('[data-test=pt-outcome]').innerText(), /发现隐患/)
    await shot(p, '101-patrol-sign-phone')
    await p.locator('[data-test=pt-submit]').click()
    await p.waitForURL(/\/patrols\/\d+$/)
    recordId = /patrols\/(\d+)$/.exec(p.url())[1]
    await p.locator('[data-test=patrol-outcome]', { hasText: '发现隐患' }).waitFor()
    assert.equal((await p.locator('[data-test=patrol-unit-name]').innerText()).trim(), SHOP)
    /* Two hazards: one closed on the spot, one ordered with its deadline. */
    const hz = p.locator('[data-test=patrol-hazard-link]')
    await hz.first().waitFor()
    assert.equal(await hz.count(), 2)
    const texts = await hz.allInnerTexts()
    assert.ok(texts.some((x) => /已销号/.test(x)), texts.join('|'))
    const open = texts.find((x) => /限期整改/.test(x))
    assert.ok(open, texts.join('|'))
    hazardNo = /YH\d{11}/.exec(open)[0]
    /* Both signatures are shown; the first patrol has nothing to compare with. */
    await p.locator('[data-test=sig-patroller]').waitFor()
    await p.locator('[data-test=sig-unit]').waitFor()
    await see(p, '这是该单位的第一条巡查记录')
    assert.equal(await p.locator('[data-test=patrol-row]').count(), 6)
    await shot(p, '102-patrol-record-phone')
    /* The ledger lists it. */
    await p.goto(`${srv.url}/patrols`)
    const card = p.locator('[data-test=patrol-card]', { hasText: SHOP })
    await card.waitFor()
    assert.match(await card.innerText(), /发现隐患/)
    assert.match(await card.innerText(), /2 项不合格/)
    await shot(p, '103-patrol-ledger-phone')
    /* The hazard it made is in the hazard list, from a patrol. */
    await p.goto(`${srv.url}/hazards`)
    const hcard = p.locator('[data-test=hazard-card]', { hasText: hazardNo })
    await hcard.waitFor()
    assert.match(await hcard.innerText(), /限期整改/)
    assert.match(await hcard.innerText(), /网格巡查/)
    /* The grid's coverage this month: its one unit visited. */
    await p.goto(`${srv.url}/patrols/coverage`)
    const cov = p.locator('[data-test=cov-table]')
    await cov.locator('.el-table__row', { hasText: '巡查演示网格' }).waitFor()
    assert.match(await cov.innerText(), /100%/)
    await shot(p, '104-patrol-coverage-phone')
    assert.deepEqual(problems, [])
  })

  test('the server agrees: the record, its hazards and the unit\'s refusal-free signatures', async (t) => {
    if (skip) return t.skip('no patrol API')
    const api = await apiSession(srv.url, 'pt.off', PW)
    const r = (await api('GET', `/api/v1/patrols/${recordId}`)).body.data
    assert.equal(r.template, 'shop')
    assert.equal(r.kind, 'patrol')
    assert.equal(r.outcome, 'hazards')
    assert.equal(r.failures, 2)
    assert.ok(r.signatures.patroller && r.signatures.unit)
    assert.equal(r.signatures.unit_refused, null)
    const one = r.results.find((x) => x.code === 'SHOP-01')
    assert.equal(one.on_spot, true)
    assert.equal(one.photos.length, 1)
    const three = r.results.find((x) => x.code === 'SHOP-03')
    assert.equal(three.on_spot, false)
    assert.equal(r.hazards.length, 2)
    const h = (await api('GET', `/api/v1/hazards/${three.hazard_id}`)).body.data
    assert.equal(h.status, 'ordered')
    assert.equal(h.source, 'patrol')
    assert.equal(h.type_code, 'HZ-RESIDE')
  })

  test('an officer exports the ledger and sees the next patrol beside the first (the re-check view)', async (t) => {
    if (skip) return t.skip('no patrol API')
    /* A second patrol by the grid worker: everything passes, the unit refuses to sign. */
    const { page: g } = await person(PHONE)
    await signIn(g, srv.url, 'pt.grid', PW, { secrets })
    await g.goto(`${srv.url}/patrols/new`)
    await g.locator('[data-test=pt-unit] input').fill('巡查演示')
    await g.locator('.el-select-dropdown__item:visible', { hasText: SHOP }).first().click()
    await g.locator('[data-test=pt-pass-rest]').click()
    await sign(g, g.locator('[data-test=pt-sign-patroller] [data-test=sign-canvas]'))
    await g.locator('[data-test=pt-refused]').click()
    await g.locator('[data-test=pt-refusal]').fill('负责人不在场')
    assert.match(await g.locator('[data-test=pt-outcome]').innerText(), /合格/)
    await g.locator('[data-test=pt-submit]').click()
    await g.waitForURL(/\/patrols\/\d+$/)
    const second = /patrols\/(\d+)$/.exec(g.url())[1]
    assert.notEqual(second, recordId)

    const { page: p, problems } = await person()
    await signIn(p, srv.url, 'pt.off', PW, { secrets })
    await p.goto(`${srv.url}/patrols`)
    const rows = p.locator('[data-test=patrol-table] .el-table__row', { hasText: SHOP })
    await rows.first().waitFor()
    assert.equal(await rows.count(), 2)
    await shot(p, '105-patrol-ledger')
    const [dl] = await Promise.all([p.waitForEvent('download'), p.locator('[data-test=patrol-export-csv]').click()])
    assert.match(dl.suggestedFilename(), /^巡查台账-\d{8}\.csv$/)
    await p.goto(`${srv.url}/patrols/${second}`)
    await p.locator('[data-test=patrol-compare]').waitFor()
    assert.match(await p.locator('[data-test=patrol-compare]').innerText(), /复查对照/)
    const changes = await p.locator('[data-test=patrol-change]').allInnerTexts()
    assert.deepEqual(changes.map((s) => s.trim()), ['已整改', '已整改'])
    assert.match(await p.locator('[data-test=sig-refused]').innerText(), /负责人不在场/)
    await p.locator('[data-test=patrol-compare]').scrollIntoViewIfNeeded()
    await shot(p, '106-patrol-recheck-view')
    await p.locator('[data-test=patrol-previous]').click()
    await p.waitForURL(new RegExp(`/patrols/${recordId}$`))
    await p.locator('[data-test=patrol-hazards]').waitFor()
    await shot(p, '107-patrol-first-record')
    assert.deepEqual(problems, [])
  })
})
