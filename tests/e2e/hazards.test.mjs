/*
 * 隐患治理 in real browsers, as the people do it: a grid worker on a
 * phone-sized screen records a hazard with a photo for a unit of their
 * grid; the unit's own account reports the rectification with a photo;
 * an officer sees the finding beside the report and re-checks it to
 * closed — the visible status checked at each step.  Then a hazard is
 * transferred to housing from its page, the housing department accepts
 * it in its inbox and completes it, and the hazard closes.  Last, a
 * major hazard: an officer judges it with the GB 35181 wizard and seals
 * the place; the town safety office lists it for supervision and
 * publishes it (the board and the public page show it); the unit applies
 * to lift the seal and the officer lifts it.  Skipped when the server has
 * no hazard API (the last part when it has no judgement API).
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { png } from '../api/images.mjs'
import { addUser, apiSession, browser, see, shot, signIn, startServer } from './lib.mjs'

const A = '441900003'	/* 东城街道 */
const PW = 'Hazard-E2E-2026!'
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true }
const UNIT = '隐患演示便利店'

/* A photo as a browser file chooser would hand it over. */
const photo = (name, w) => ({ name, mimeType: 'image/png', buffer: png(w, 40) })

describe('hazards: recorded on a phone, reported by the unit, re-checked; transferred to housing', () => {
  let srv
  let skip = false
  let unit
  let hazardId = ''
  let hazardNo = ''
  let major = false
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
    if (!paths['/api/v1/hazards']) {
      skip = true
      return
    }
    addUser(srv, { login: 'hz.off', role: 'officer', jurisdiction: `town:${A}`, password: PW })
    addUser(srv, { login: 'hz.housing', role: 'dept', jurisdiction: 'dept:housing', password: PW })
    addUser(srv, { login: 'hz.town', role: 'town', jurisdiction: `town:${A}`, password: PW })
    major = !!paths['/api/v1/hazards/{id}/judgements']
    const off = await apiSession(srv.url, 'hz.off', PW)
    let r = await off('POST', '/api/v1/units', { name: UNIT, address: '东莞市东城街道演示路 8 号', town: A })
    assert.equal(r.status, 201, JSON.stringify(r.body))
    unit = r.body.data
    r = await off('POST', '/api/v1/grids', { town: A, code: 'E2E1', name: '演示网格' })
    assert.equal(r.status, 201, JSON.stringify(r.body))
    const grid = r.body.data
    r = await off('PATCH', `/api/v1/units/${unit.id}`, { grid_id: grid.id }, { 'If-Match': `"${unit.version}"` })
    assert.equal(r.status, 200, JSON.stringify(r.body))
    addUser(srv, { login: 'hz.grid', role: 'grid', jurisdiction: `grid:${grid.id}`, password: PW })
    addUser(srv, { login: 'hz.unit', role: 'unit', jurisdiction: `unit:${unit.id}`, password: PW })
  })

  after(async () => {
    for (const b of people) {
      if (b.problems.length)
        console.log(b.problems.join('\n'))
      await b.close()
    }
    await srv?.stop()
  })

  test('a grid worker records a hazard with a photo on a phone', async (t) => {
    if (skip) return t.skip('no hazard API')
    const { page: p, problems } = await person(PHONE)
    await signIn(p, srv.url, 'hz.grid', PW, { secrets })
    await p.goto(`${srv.url}/hazards`)
    await p.locator('[data-test=hazard-cards]').waitFor()
    await p.locator('[data-test=hazard-new]').click()
    await p.waitForURL(/\/hazards\/new$/)
    /* The unit, found by name within the grid. */
    await p.locator('[data-test=hf-unit] input').fill('隐患演示')
    await p.locator('.el-select-dropdown__item:visible', { hasText: UNIT }).first().click()
    /* The type from the catalogue shows its basis, deadline and on-the-spot rule. */
    await p.locator('[data-test=hf-type]').click()
    await p.locator('.el-select-dropdown__item:visible', { hasText: '占用、堵塞、封闭疏散通道、安全出口' }).first().click()
    const info = p.locator('[data-test=hf-type-info]')
    await info.waitFor()
    assert.match(await info.innerText(), /第六十条第一款第（三）项/)
    assert.match(await info.innerText(), /默认整改期限 3 个工作日/)
    assert.match(await info.innerText(), /可以当场改正/)
    await p.locator('[data-test=hf-onspot]').waitFor()
    await p.locator('[data-test=hf-description]').fill('二楼东侧安全出口堆放纸箱，通道宽度不足')
    await p.locator('[data-test=hf-location]').fill('二楼东侧安全出口')
    await p.locator('[data-test=hf-photo]').setInputFiles(photo('现场.png', 64))
    await p.locator('[data-test=picked-photo]').waitFor()
    /* A grid worker's hazard comes from a patrol. */
    assert.match(await p.locator('[data-test=hf-source] .is-active').innerText(), /网格巡查/)
    await shot(p, '70-hazard-record-phone')
    await p.locator('[data-test=hf-submit]').click()
    await p.waitForURL(/\/hazards\/\d+$/)
    hazardId = /hazards\/(\d+)$/.exec(p.url())[1]
    await p.locator('[data-test=hazard-status]', { hasText: '限期整改' }).waitFor()
    hazardNo = (await p.locator('[data-test=hazard-no]').innerText()).trim()
    assert.match(hazardNo, /^YH\d{11}$/)
    await see(p, '网格巡查')
    await p.locator('[data-test=hazard-timeline] [data-test=step-action]', { hasText: '登记隐患' }).waitFor()
    assert.equal(await p.locator('[data-test=hazard-fields] [data-test=photo]').count(), 1)
    await shot(p, '71-hazard-ordered-phone')
    /* In the list as a card with its status. */
    await p.goto(`${srv.url}/hazards`)
    const card = p.locator('[data-test=hazard-card]', { hasText: hazardNo })
    await card.waitFor()
    assert.match(await card.innerText(), /限期整改/)
    await shot(p, '81-hazard-list-phone')
    assert.deepEqual(problems, [])
  })

  test('the unit reports the rectification with a photo', async (t) => {
    if (skip) return t.skip('no hazard API')
    const { page: p, problems } = await person(PHONE)
    await signIn(p, srv.url, 'hz.unit', PW, { secrets })
    await p.goto(`${srv.url}/hazards`)
    await p.locator('[data-test=hazard-card]', { hasText: hazardNo }).click()
    await p.waitForURL(new RegExp(`/hazards/${hazardId}$`))
    await p.locator('[data-test=hazard-status]', { hasText: '限期整改' }).waitFor()
    /* The unit may only report; nothing else is offered. */
    const acts = await p.locator('[data-test=hazard-actions] button').allInnerTexts()
    assert.deepEqual(acts.map((s) => s.trim()), ['报告整改'])
    await p.locator('[data-test=act-report]').click()
    const dlg = p.locator('[data-test=action-dialog]')
    await dlg.waitFor()
    /* No photo yet: stopped in the page. */
    await dlg.locator('[data-test=a-note]').fill('纸箱已全部清走，通道恢复畅通')
    await dlg.locator('[data-test=a-submit]').click()
    await see(p, '请至少上传一张整改后的照片')
    await dlg.locator('[data-test=a-photos]').setInputFiles(photo('整改后.png', 72))
    await dlg.locator('[data-test=picked-photo]').waitFor()
    await shot(p, '72-hazard-report-phone')
    await dlg.locator('[data-test=a-submit]').click()
    await p.locator('[data-test=hazard-status]', { hasText: '待复查' }).waitFor()
    await see(p, '整改情况已报告，等待复查')
    await p.locator('[data-test=hazard-timeline] [data-test=step-action]', { hasText: '报告整改' }).waitFor()
    assert.equal(await p.locator('[data-test=hazard-actions] button').count(), 0)
    assert.deepEqual(problems, [])
  })

  test('an officer compares the photos and re-checks it to closed', async (t) => {
    if (skip) return t.skip('no hazard API')
    const { page: p, problems } = await person()
    await signIn(p, srv.url, 'hz.off', PW, { secrets })
    await p.goto(`${srv.url}/hazards?status=reported`)
    await p.locator('[data-test=hazard-table] [data-test=hazard-link]', { hasText: hazardNo }).click()
    await p.waitForURL(new RegExp(`/hazards/${hazardId}$`))
    await p.locator('[data-test=hazard-status]', { hasText: '待复查' }).waitFor()
    /* The re-check view: the finding's photo beside the report's. */
    const view = p.locator('[data-test=recheck-view]')
    await view.waitFor()
    assert.equal(await view.locator('[data-test=photo]').count(), 2)
    assert.match(await view.innerText(), /纸箱已全部清走/)
    await shot(p, '73-hazard-recheck-view')
    await p.locator('[data-test=act-recheck]').click()
    const dlg = p.locator('[data-test=action-dialog]')
    await dlg.waitFor()
    await dlg.locator('[data-test=a-result] label', { hasText: '合格，销号' }).click()
    await dlg.locator('[data-test=a-note]').fill('现场复查，安全出口畅通，整改合格')
    await dlg.locator('[data-test=a-submit]').click()
    await p.locator('[data-test=hazard-status]', { hasText: '已销号' }).waitFor()
    await see(p, '复查合格，隐患已销号')
    const steps = await p.locator('[data-test=hazard-timeline] [data-test=step-action]').allInnerTexts()
    assert.deepEqual(steps.map((s) => s.trim()), ['复查合格', '报告整改', '登记隐患'])
    await shot(p, '74-hazard-closed')
    /* The list says so too, and the server agrees. */
    await p.goto(`${srv.url}/hazards?status=closed`)
    const row = p.locator('[data-test=hazard-table] .el-table__row', { hasText: hazardNo })
    await row.waitFor()
    assert.match(await row.innerText(), /已销号/)
    const api = await apiSession(srv.url, 'hz.off', PW)
    const h = (await api('GET', `/api/v1/hazards/${hazardId}`)).body.data
    assert.equal(h.status, 'closed')
    assert.equal(h.close_reason, 'rectified')
    assert.equal(h.source, 'patrol')
    assert.equal(h.steps[1].photos.length, 1)
    /* The officer's town in the heat table: its counts. */
    await p.goto(`${srv.url}/hazards`)
    await p.locator('[data-test=heat-table]').waitFor()
    assert.match(await p.locator('[data-test=heat-table]').innerText(), /东城街道/)
    await shot(p, '82-hazard-list-heat')
    assert.deepEqual(problems, [])
  })

  test('a hazard transferred to housing is accepted in its inbox and completed', async (t) => {
    if (skip) return t.skip('no hazard API')
    const api = await apiSession(srv.url, 'hz.off', PW)
    const r = await api('POST', '/api/v1/hazards', {
      unit_id: unit.id, type_code: 'HZ-STRUCTURE', description: '违规在二层加建阁楼，楼板开裂', decide_later: true,
    })
    assert.equal(r.status, 201, JSON.stringify(r.body))
    const h = r.body.data
    assert.equal(h.status, 'found')
    /* The officer transfers it from its page. */
    const { page: p, problems } = await person()
    await signIn(p, srv.url, 'hz.off', PW, { secrets })
    await p.goto(`${srv.url}/hazards/${h.id}`)
    await p.locator('[data-test=hazard-status]', { hasText: '待处置' }).waitFor()
    await p.locator('[data-test=act-transfer]').click()
    const dlg = p.locator('[data-test=action-dialog]')
    await dlg.waitFor()
    await dlg.locator('[data-test=a-dept]').click()
    await p.locator('.el-select-dropdown__item:visible', { hasText: '住房和城乡建设部门' }).first().click()
    await dlg.locator('[data-test=a-note]').fill('房屋结构安全问题，移送住建部门处理')
    await dlg.locator('[data-test=a-submit]').click()
    await p.locator('[data-test=hazard-status]', { hasText: '已移送' }).waitFor()
    await see(p, '已移送住房和城乡建设部门')
    await p.locator('[data-test=transfer-row] [data-test=transfer-status]', { hasText: '待签收' }).waitFor()

    /* The housing department's inbox. */
    const { page: d, problems: dp } = await person()
    await signIn(d, srv.url, 'hz.housing', PW, { secrets })
    await d.goto(`${srv.url}/hazards/transfers`)
    const row = d.locator('[data-test=inbox-row]', { hasText: h.no })
    await row.waitFor()
    assert.match(await row.innerText(), /待签收/)
    await shot(d, '75-hazard-inbox')
    await row.locator('[data-test=inbox-accept]').click()
    const ad = d.locator('[data-test=action-dialog]')
    await ad.waitFor()
    await ad.locator('[data-test=a-note]').fill('已签收，安排核查')
    await ad.locator('[data-test=a-submit]').click()
    await see(d, '已签收')
    /* Accepted: out of the pending list, in the accepted one. */
    await d.locator('[data-test=inbox-status] label', { hasText: '办理中' }).click()
    const accepted = d.locator('[data-test=inbox-row]', { hasText: h.no })
    await accepted.locator('[data-test=inbox-status-tag]', { hasText: '办理中' }).waitFor()
    await accepted.locator('[data-test=inbox-complete]').click()
    await ad.waitFor()
    await ad.locator('[data-test=a-note]').fill('已责令拆除阁楼并完成复核')
    await ad.locator('[data-test=a-photos]').setInputFiles(photo('拆除后.png', 80))
    await ad.locator('[data-test=picked-photo]').waitFor()
    await ad.locator('[data-test=a-submit]').click()
    await see(d, '已办结')
    await d.locator('[data-test=inbox-status] label', { hasText: '已办结' }).click()
    await d.locator('[data-test=inbox-row]', { hasText: h.no }).locator('[data-test=inbox-status-tag]', { hasText: '已办结' }).waitFor()
    await shot(d, '76-hazard-inbox-completed')
    /* The hazard closed as done by the department; its page says so. */
    await d.locator('[data-test=inbox-row]', { hasText: h.no }).locator('[data-test=inbox-hazard]').click()
    await d.locator('[data-test=hazard-status]', { hasText: '已销号' }).waitFor()
    await see(d, '移送部门办结')
    const x = (await api('GET', `/api/v1/hazards/${h.id}`)).body.data
    assert.equal(x.status, 'closed')
    assert.equal(x.close_reason, 'transferred')
    assert.deepEqual(x.steps.map((s) => s.action), ['create', 'transfer', 'transfer_accept', 'transfer_complete'])
    await p.reload()
    await p.locator('[data-test=hazard-status]', { hasText: '已销号' }).waitFor()
    assert.deepEqual(problems, [])
    assert.deepEqual(dp, [])
  })

  test('a major hazard: judged with the wizard, sealed, listed and published, the seal lifted on application', async (t) => {
    if (skip || !major) return t.skip('no judgement API')
    const api = await apiSession(srv.url, 'hz.off', PW)
    const r = await api('POST', '/api/v1/hazards', {
      unit_id: unit.id, type_code: 'HZ-FACILITY', description: '营业面积 800 平方米未设自动喷水灭火系统',
    })
    assert.equal(r.status, 201, JSON.stringify(r.body))
    const h = r.body.data
    const { page: p, problems } = await person()
    await signIn(p, srv.url, 'hz.off', PW, { secrets })
    await p.goto(`${srv.url}/hazards/${h.id}`)
    await p.locator('[data-test=hazard-status]', { hasText: '限期整改' }).waitFor()
    /* The judgement wizard: edition, place, elements, exclusion, people, result. */
    await p.locator('[data-test=act-judge]').click()
    const j = p.locator('[data-test=judge-dialog]')
    await j.locator('[data-test=j-edition] .is-checked', { hasText: 'GB 35181-2017' }).waitFor()
    await j.locator('[data-test=j-next]').click()
    await j.locator('[data-test=j-place] label', { hasText: '人员密集场所' }).click()
    await j.locator('[data-test=j-next]').click()
    await j.locator('[data-test=j-elements] [data-code="6.6"]').click()
    assert.match(await j.locator('[data-test=j-tally]').innerText(), /直接判定要素 1 项/)
    await shot(p, '77-hazard-judge-elements')
    await j.locator('[data-test=j-next]').click()
    await j.locator('[data-test=j-exclusion]').waitFor()
    await j.locator('[data-test=j-next]').click()
    /* Two people are not a collective discussion: stopped in the page. */
    await j.locator('[data-test=j-participants]').fill('张三\n李四')
    await j.locator('[data-test=j-conclusion]').fill('商店未设自动喷水灭火系统，构成重大火灾隐患')
    await j.locator('[data-test=j-next]').click()
    await see(p, '集体讨论至少 3 人参加')
    await j.locator('[data-test=j-participants]').fill('张三\n李四\n王五')
    await j.locator('[data-test=j-next]').click()
    await j.locator('[data-test=j-result]').waitFor()
    assert.match(await j.locator('[data-test=j-result]').innerText(), /重大火灾隐患/)
    await shot(p, '78-hazard-judge-result')
    await j.locator('.el-dialog__footer button').click()
    await p.locator('[data-test=hazard-head] [data-test=tag-major]').waitFor()
    await p.locator('[data-test=hazard-judgements]').waitFor()
    /* A temporary seal of the shop floor. */
    await p.locator('[data-test=act-seal]').click()
    const dlg = p.locator('[data-test=action-dialog]')
    await dlg.waitFor()
    await dlg.locator('[data-test=a-scope]').fill('一层营业厅')
    await dlg.locator('[data-test=a-reason]').fill('重大火灾隐患，不及时消除可能严重威胁公共安全')
    await dlg.locator('[data-test=a-submit]').click()
    await see(p, '已临时查封')
    const seal = p.locator('[data-test=seal-row]')
    await seal.waitFor()
    assert.match(await seal.innerText(), /查封中/)
    assert.match(await seal.innerText(), /一层营业厅/)
    assert.equal(await p.locator('[data-test=act-seal]').count(), 0)

    /* The town safety office lists it at town level and publishes it. */
    const { page: tp, problems: tpp } = await person()
    await signIn(tp, srv.url, 'hz.town', PW, { secrets })
    await tp.goto(`${srv.url}/hazards/${h.id}`)
    await tp.locator('[data-test=act-list]').click()
    const ld = tp.locator('[data-test=action-dialog]')
    await ld.waitFor()
    assert.equal(await ld.locator('[data-test=a-level] label').count(), 1)
    await ld.locator('[data-test=a-body]').fill('东城街道办事处')
    const deadline = new Date(Date.now() + 8 * 3600e3 + 40 * 86400e3).toISOString().slice(0, 10)
    await ld.locator('[data-test=a-deadline] input').fill(deadline)
    await ld.locator('[data-test=a-deadline] input').press('Enter')
    await ld.locator('[data-test=a-submit]').click()
    await see(tp, '已挂牌督办')
    await tp.locator('[data-test=hazard-listings]', { hasText: '督办中' }).waitFor()
    await tp.goto(`${srv.url}/hazards/listings`)
    const board = tp.locator('[data-test=listing-row]', { hasText: UNIT })
    await board.waitFor()
    assert.match(await board.innerText(), /镇街挂牌/)
    assert.match(await board.innerText(), /已公布/)
    await shot(tp, '79-hazard-listing-board')
    await tp.locator('[data-test=listing-view] .el-tabs__item', { hasText: '公布一批' }).click()
    await tp.locator('[data-test=published-row]', { hasText: UNIT }).waitFor()
    /* The public page, without a login. */
    const { page: pub } = await person(PHONE)
    await pub.goto(`${srv.url}/public/hazard-listings`)
    const card = pub.locator('[data-test=pub-listing]', { hasText: UNIT })
    await card.waitFor()
    assert.match(await card.innerText(), /未设自动喷水灭火系统/)
    await shot(pub, '80-hazard-listings-public')

    /* The unit applies to lift the seal; the officer lifts it. */
    const { page: up, problems: upp } = await person(PHONE)
    await signIn(up, srv.url, 'hz.unit', PW, { secrets })
    await up.goto(`${srv.url}/hazards/seals`)
    const us = up.locator('[data-test=seal-card]', { hasText: '一层营业厅' })
    await us.locator('[data-test=seal-apply]').click()
    const ad = up.locator('[data-test=action-dialog]')
    await ad.waitFor()
    await ad.locator('[data-test=a-request]').fill('已安装自动喷水灭火系统并通过检测，申请解除查封')
    await ad.locator('[data-test=a-submit]').click()
    await see(up, '解封申请已提交')
    await us.locator('.el-tag', { hasText: '已申请解封' }).waitFor()
    await p.goto(`${srv.url}/hazards/seals?status=lift_applied`)
    const os = p.locator('[data-test=seal-card]', { hasText: '一层营业厅' })
    await os.locator('[data-test=seal-lift]').click()
    await dlg.waitFor()
    await dlg.locator('[data-test=a-note]').fill('现场核查喷淋系统已投入使用')
    await dlg.locator('[data-test=a-submit]').click()
    await see(p, '已解除查封')
    await p.goto(`${srv.url}/hazards/${h.id}`)
    await p.locator('[data-test=seal-row]', { hasText: '已解封' }).waitFor()
    const steps = await p.locator('[data-test=hazard-timeline] [data-test=step-action]').allInnerTexts()
    assert.deepEqual(steps.map((x) => x.trim()), ['解除查封', '单位申请解封', '挂牌督办', '临时查封', '重大火灾隐患判定', '登记隐患'])
    assert.deepEqual(problems, [])
    assert.deepEqual(tpp, [])
    assert.deepEqual(upp, [])
  })
})
