/*
 * 执法办案 in real browsers, as the people do it (issue 8 part 8): a
 * leader records the officers' enforcement certificates and a conflict of
 * interest; an officer opens a general-procedure case from an overdue
 * hazard's page (立案, prefilled), names a colleague with the conflict and
 * is refused at the officers' field, the leader ends the conflict, the
 * officer adds the violation through the discretion calculator (its
 * trace shown, an amount above the suggested range warned and justified)
 * and files; notifies (the notice PDF), records the party's waiver,
 * submits to legal review; a legal reviewer on a 390×844 phone approves
 * from the review queue; the officer decides (the decision PDF link
 * answers a PDF), serves; the payment platform posts a signed callback
 * (HMAC-SM3 under its key, docs/modules/enforce_pay.md); the officer on a
 * phone sees the case paid and closes it.  Skipped when the server has no
 * case API.
 */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { BIN, WEB, addUser, api, apiSession, browser, choose, root, see, shot, signIn, startServer, dropdownsClosed } from './lib.mjs'

const A = '441900003'	/* 东城街道 */
const PW = 'Cases-E2E-2026!'
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true }
const UNIT = '东城执法演示商贸有限公司'
const PLATFORM = 'e2epay'
const ITEM_NAME = '消防设施、器材或者消防安全标志的配置'
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)
const inYears = (n) => `${Number(today().slice(0, 4)) + n}${today().slice(4)}`

/*
 * The payment platforms' keys are loaded when serve starts: make the
 * platform's key with the CLI, then start the same server again on the
 * same database, keys and port.
 */
async function restartWithPaymentKey(srv) {
  const k = spawnSync(BIN, ['payment', 'key', PLATFORM, '--keys', srv.keys], { cwd: root, encoding: 'utf8' })
  assert.equal(k.status, 0, k.stderr)
  const key = readFileSync(join(srv.keys, 'payment', `${PLATFORM}.key`), 'utf8').trim()
  const old = srv.child
  await new Promise((r) => { old.once('exit', r); old.kill('SIGTERM') })
  const port = new URL(srv.url).port
  const child = spawn(BIN, ['serve', '--db', srv.db, '--keys', srv.keys, '--listen', `127.0.0.1:${port}`, '--web', WEB, '--quiet'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  await new Promise((res, rej) => {
    let out = ''
    const timer = setTimeout(() => rej(new Error(`server did not restart:\n${out}`)), 15000)
    const on = (b) => {
      out += b.toString()
      if (/listening on/.test(out)) { clearTimeout(timer); res() }
    }
    child.stdout.on('data', on)
    child.stderr.on('data', on)
    child.on('exit', () => { clearTimeout(timer); rej(new Error(`server exited:\n${out}`)) })
  })
  child.removeAllListeners('exit')
  srv.child = child
  return key
}

/* Wait until no select's dropdown is open any more (one closing still holds the same options). */
const closed = dropdownsClosed

describe('cases: a general-procedure case from a hazard to a paid fine', () => {
  let srv
  let skip = false
  let unit
  let hazard
  let key = ''
  let caseId = ''
  let caseNo = ''
  const ids = {}
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
    if (!paths['/api/v1/cases'] || !paths['/api/v1/cases/{id}/decide'] || !paths['/api/v1/payments/callback']) {
      skip = true
      return
    }
    key = await restartWithPaymentKey(srv)
    addUser(srv, { login: 'ce.lead', role: 'officer', jurisdiction: `town:${A}`, password: PW })
    addUser(srv, { login: 'ce.assist', role: 'officer', jurisdiction: `town:${A}`, password: PW })
    addUser(srv, { login: 'ce.legal', role: 'legal', jurisdiction: 'city', password: PW })
    addUser(srv, { login: 'ce.leader', role: 'leader', jurisdiction: 'city', password: PW })
    const off = await apiSession(srv.url, 'ce.lead', PW)
    ids.lead = (await off('GET', '/api/v1/me')).body.data.user.id
    ids.assist = (await (await apiSession(srv.url, 'ce.assist', PW))('GET', '/api/v1/me')).body.data.user.id
    let r = await off('POST', '/api/v1/units', { name: UNIT, address: '东莞市东城街道执法演示路 18 号', town: A })
    assert.equal(r.status, 201, JSON.stringify(r.body))
    unit = r.body.data
    r = await off('POST', '/api/v1/hazards', { unit_id: unit.id, type_code: 'HZ-FACILITY', description: '自动喷水灭火系统停用，报警阀关闭' })
    assert.equal(r.status, 201, JSON.stringify(r.body))
    hazard = r.body.data
  })

  after(async () => {
    for (const b of people) {
      if (b.problems.length)
        console.log(b.problems.join('\n'))
      await b.close()
    }
    /* The restarted server is this file's own child: stop it before the directory goes. */
    if (srv?.child && srv.child.exitCode === null)
      await new Promise((r) => { srv.child.once('exit', r); srv.child.kill('SIGTERM') })
    await srv?.stop()
  })

  test('the leader records the certificates and a conflict of interest', async (t) => {
    if (skip) return t.skip('no case API')
    const { page: p, problems } = await person()
    await signIn(p, srv.url, 'ce.leader', PW, { secrets })
    for (const [who, no] of [['lead', 'GD-E2E-0001'], ['assist', 'GD-E2E-0002']]) {
      const r = await api(p, 'POST', '/api/v1/officer-certs', { user_id: ids[who], cert_no: no, issued_on: '2025-01-01', valid_to: inYears(2) })
      assert.equal(r.status, 201, JSON.stringify(r.body))
    }
    const r = await api(p, 'POST', '/api/v1/officer-conflicts', { user_id: ids.assist, unit_id: unit.id, relation: 'relative',
      note: '当事人法定代表人系其表兄', from_on: '2025-06-01' })
    assert.equal(r.status, 201, JSON.stringify(r.body))
    await p.goto(`${srv.url}/cases/officers`)
    await p.locator('[data-test=officer-certs]', { hasText: 'GD-E2E-0002' }).waitFor()
    await p.locator('[data-test=officer-conflicts]', { hasText: '近亲属' }).waitFor()
    await shot(p, '120-case-officers')
    assert.deepEqual(problems, [])
  })

  test('an officer opens a case from the hazard, is refused for the conflict, adds the violation with the calculator', async (t) => {
    if (skip) return t.skip('no case API')
    const { page: p, problems } = await person()
    await signIn(p, srv.url, 'ce.lead', PW, { secrets })
    await p.goto(`${srv.url}/hazards/${hazard.id}`)
    await p.locator('[data-test=hazard-open-case]').click()
    await p.waitForURL(/\/cases\/new\?/)
    const q = new URL(p.url()).searchParams
    assert.equal(q.get('source'), 'hazard')
    assert.equal(q.get('source_id'), String(hazard.id))
    assert.equal(q.get('unit_id'), String(unit.id))
    /* Prefilled: the source, its number and the unit by name. */
    assert.equal(await p.locator('[data-test=cf-source-id]').inputValue(), String(hazard.id))
    await p.locator('[data-test=cf-unit]', { hasText: UNIT }).waitFor()
    await p.locator('[data-test=cf-facts]').fill('经检查，该公司自动喷水灭火系统停用，湿式报警阀处于关闭状态，逾期未整改。')
    await choose(p, p.locator('[data-test=cf-lead]'), 'ce.lead')
    await closed(p)
    await choose(p, p.locator('[data-test=cf-assist]'), 'ce.assist')
    await closed(p)

    /* The violation through the calculator: the basis, ranges and trace. */
    await p.locator('[data-test=cf-add-violation]').click()
    const dlg = p.locator('[data-test=violation-dialog]')
    await dlg.locator('[data-test=calc-item]').click()
    await p.locator('.el-select-dropdown__item:visible', { hasText: ITEM_NAME }).first().click()
    await dlg.locator('[data-test=sg-range]', { hasText: '18,500 – 36,500' }).waitFor()
    assert.match(await dlg.locator('[data-test=sg-basis]').innerText(), /第六十条/)
    assert.match(await dlg.locator('[data-test=sg-statutory]').innerText(), /5,000 – 50,000/)
    assert.ok(await dlg.locator('[data-test=sg-rule]').count() >= 2)
    await see(p, '情节区间')
    await dlg.locator('[data-test=v-facts]').fill('自动喷水灭火系统停用，报警阀关闭')
    await dlg.locator('[data-test=v-amount] input').fill('40000')
    await dlg.locator('[data-test=v-amount] input').press('Tab')
    await dlg.locator('[data-test=v-amount-warning]', { hasText: '高于建议区间' }).waitFor()
    /* Outside the range: stopped until a justification is written. */
    await dlg.locator('[data-test=v-save]').click()
    await see(p, '超出建议区间，须写明理由')
    await dlg.locator('[data-test=v-justification]').fill('系统停用时间长达三个月，经两次责令仍未整改')
    await shot(p, '121-case-calculator')
    await dlg.locator('[data-test=v-save]').click()
    await p.locator('[data-test=cf-violation]', { hasText: 'FPL-60-1' }).waitFor()

    /* The colleague has a recorded conflict: the server's refusal at the officers' field. */
    await p.locator('[data-test=cf-submit]').click()
    const officersError = p.locator('[data-test=cf-officers-item] .el-form-item__error')
    await officersError.waitFor()
    assert.match(await officersError.innerText(), /ce\.assist.*回避/)
    assert.match(p.url(), /\/cases\/new/)
    await shot(p, '122-case-officer-refused')

    /* The leader ends the conflict on the officers' page; the officer files again. */
    const leader = people[0].page
    await leader.goto(`${srv.url}/cases/officers`)
    await leader.locator('[data-test=officer-conflicts] button', { hasText: '结束' }).first().click()
    await leader.locator('[data-test=officer-conflicts]', { hasText: '已结束' }).waitFor()
    await p.locator('[data-test=cf-submit]').click()
    await p.waitForURL(/\/cases\/\d+$/)
    caseId = /cases\/(\d+)$/.exec(p.url())[1]
    caseNo = (await p.locator('[data-test=case-no]').innerText()).trim()
    await p.locator('[data-test=case-status]', { hasText: '已立案' }).waitFor()
    await p.locator('[data-test=case-violation]', { hasText: 'FPL-60-1' }).waitFor()
    assert.match(await p.locator('[data-test=case-violation-amount]').innerText(), /40,000/)
    /* The trace is kept with the violation. */
    await p.locator('[data-test=case-violation-trace]').click()
    await p.locator('[data-test=case-violation] [data-test=sg-rules]').waitFor()
    await p.locator('[data-test=clock-decision]').waitFor()
    assert.deepEqual(problems, [])
  })

  test('the officer notifies, records the waiver and submits to legal review', async (t) => {
    if (skip || !caseId) return t.skip('no case')
    const { page: p, problems } = people[1]
    const step = async (a, fill) => {
      await p.locator(`[data-test=cact-${a}]`).click()
      const d = p.locator('[data-test=case-dialog]')
      await d.waitFor()
      if (fill)
        await fill(d)
      await d.locator('[data-test=cd-submit]').click()
      await d.waitFor({ state: 'hidden' })
    }
    await step('notify')
    await p.locator('[data-test=case-status]', { hasText: '已告知' }).waitFor()
    await p.locator('[data-test=cdoc-notice]').waitFor()
    /* The party states its case and waives the hearing at once. */
    await step('statement', async (d) => {
      await d.locator('[data-test=cd-text]').fill('对违法事实无异议，已安排维保单位恢复系统，放弃听证')
      await d.locator('[data-test=cd-waive]').click()
    })
    await p.locator('[data-test=case-statement]', { hasText: '放弃听证' }).waitFor()
    await step('submit')
    await p.locator('[data-test=case-status]', { hasText: '法制审核' }).waitFor()
    await p.locator('[data-test=case-review]', { hasText: '超出裁量区间' }).waitFor()
    /* Decide is not offered before the review. */
    assert.equal(await p.locator('[data-test=cact-decide]').count(), 0)
    await shot(p, '123-case-submitted')
    assert.deepEqual(problems, [])
  })

  test('a legal reviewer approves from the review queue on a phone', async (t) => {
    if (skip || !caseId) return t.skip('no case')
    const { page: p, problems } = await person(PHONE)
    await signIn(p, srv.url, 'ce.legal', PW, { secrets })
    await p.goto(`${srv.url}/cases/review`)
    await p.locator('[data-test=case-card]', { hasText: caseNo }).click()
    await p.waitForURL(new RegExp(`/cases/${caseId}$`))
    await p.locator('[data-test=case-violation-trace]').click()
    await p.locator('[data-test=sg-rules]').waitFor()
    await p.locator('[data-test=cact-review]').click()
    const d = p.locator('[data-test=case-dialog]')
    await d.waitFor()
    await d.locator('[data-test=cd-conclusion]', { hasText: '同意' }).waitFor()
    await d.locator('[data-test=cd-opinion]').fill('主体合法，程序正当，事实清楚，超出区间的理由充分，同意')
    await shot(p, '124-case-review-phone')
    await d.locator('[data-test=cd-submit]').click()
    await d.waitFor({ state: 'hidden' })
    await p.locator('[data-test=case-review-rec]', { hasText: '同意' }).waitFor()
    assert.deepEqual(problems, [])
  })

  test('the officer decides (the decision PDF) and serves', async (t) => {
    if (skip || !caseId) return t.skip('no case')
    const { page: p, problems } = people[1]
    await p.locator('[data-test=case-refresh]').click()
    await p.locator('[data-test=cact-decide]').click()
    await p.locator('[data-test=case-dialog] [data-test=cd-submit]').click()
    await p.locator('[data-test=case-status]', { hasText: '已决定' }).waitFor()
    const c = (await api(p, 'GET', `/api/v1/cases/${caseId}`)).body.data
    assert.match(c.decision_no ?? '', /决字/, JSON.stringify(c).slice(0, 1500))
    /* The decision's number and the hash bound into the audit trail are shown. */
    const fields = await p.locator('[data-test=case-fields]').innerText()
    assert.ok(fields.includes(c.decision_no), fields)
    assert.ok(fields.includes(c.decision_hash), fields)
    const href = await p.locator('[data-test=cdoc-decision]').getAttribute('href')
    assert.equal(href, `/api/v1/cases/${caseId}/documents/decision.pdf`)
    const pdf = await p.evaluate(async (u) => {
      const r = await fetch(u)
      const b = new Uint8Array(await r.arrayBuffer())
      return { status: r.status, type: r.headers.get('Content-Type'), head: String.fromCharCode(...b.slice(0, 5)), size: b.length }
    }, href)
    assert.equal(pdf.status, 200)
    assert.match(pdf.type, /application\/pdf/)
    assert.equal(pdf.head, '%PDF-')
    assert.ok(pdf.size > 1000)
    await p.locator('[data-test=cact-serve]').click()
    const d = p.locator('[data-test=case-dialog]')
    await choose(p, d.locator('[data-test=cd-method]'), '直接送达')
    await d.locator('[data-test=cd-submit]').click()
    await p.locator('[data-test=case-status]', { hasText: '已送达' }).waitFor()
    await p.locator('[data-test=case-pay-status]', { hasText: '待缴款' }).waitFor()
    await p.locator('[data-test=payment-code]').waitFor()
    /* Not paid yet: no close. */
    assert.equal(await p.locator('[data-test=cact-close]').count(), 0)
    await shot(p, '125-case-served')
    assert.deepEqual(problems, [])
  })

  test('the leader sees the decision above the suggested range among the flags', async (t) => {
    if (skip || !caseId) return t.skip('no case')
    const { page: p, problems } = people[0]
    await p.goto(`${srv.url}/cases/flags`)
    const row = p.locator('[data-test=flag-row]', { hasText: caseNo })
    await row.waitFor()
    assert.match(await row.innerText(), /FPL-60-1/)
    assert.match(await row.innerText(), /40,000/)
    assert.match(await row.innerText(), /ce\.lead|ce\.assist/)
    /* The list, filtered by status, and its export with the same filter. */
    await p.goto(`${srv.url}/cases?status=served`)
    await p.locator('[data-test=case-table] [data-test=case-link]', { hasText: caseNo }).waitFor()
    const href = await p.locator('[data-test=case-export-csv]').getAttribute('href')
    assert.match(href, /status=served/)
    assert.match(href, /format=csv/)
    const csv = await p.evaluate(async (u) => { const r = await fetch(u); return { status: r.status, type: r.headers.get('Content-Type'), text: await r.text() } }, href)
    assert.equal(csv.status, 200)
    assert.match(csv.type, /csv/)
    assert.ok(csv.text.includes(caseNo), csv.text.slice(0, 300))
    assert.deepEqual(problems, [])
  })

  test('the platform confirms the payment (signed); the officer on a phone sees it paid and closes the case', async (t) => {
    if (skip || !caseId) return t.skip('no case')
    const off = await apiSession(srv.url, 'ce.lead', PW)
    const pays = await off('GET', `/api/v1/cases/${caseId}/payments`)
    assert.equal(pays.status, 200, JSON.stringify(pays.body))
    const pay = pays.body.data[0]
    assert.equal(pay.amount_fen, 4000000)
    const body = JSON.stringify({ txn_id: `E2E-${Date.now()}`, code: pay.code, amount_fen: pay.amount_fen, paid_at: Math.floor(Date.now() / 1000) })
    const sig = createHmac('sm3', Buffer.from(key, 'hex')).update(body).digest('hex')
    /* A wrong signature is refused and records nothing. */
    let r = await fetch(`${srv.url}/api/v1/payments/callback`, { method: 'POST', body,
      headers: { 'Content-Type': 'application/json', 'X-Fw-Platform': PLATFORM, 'X-Fw-Signature': '0'.repeat(64) } })
    assert.equal(r.status, 401)
    r = await fetch(`${srv.url}/api/v1/payments/callback`, { method: 'POST', body,
      headers: { 'Content-Type': 'application/json', 'X-Fw-Platform': PLATFORM, 'X-Fw-Signature': sig } })
    const cb = await r.json()
    assert.equal(r.status, 200, JSON.stringify(cb))
    assert.equal(cb.data.result, 'accepted')

    const { page: p, problems } = await person(PHONE)
    await signIn(p, srv.url, 'ce.lead', PW, { secrets })
    await p.goto(`${srv.url}/cases`)
    await p.locator('[data-test=case-card]', { hasText: caseNo }).click()
    await p.waitForURL(new RegExp(`/cases/${caseId}$`))
    await p.locator('[data-test=case-pay-status]', { hasText: '已缴款' }).waitFor()
    await p.locator('[data-test=payment-status]', { hasText: '已缴款' }).waitFor()
    await p.locator('[data-test=cact-close]').click()
    await p.locator('[data-test=case-dialog] [data-test=cd-submit]').click()
    await p.locator('[data-test=case-status]', { hasText: '已结案' }).waitFor()
    await p.locator('[data-test=case-timeline] [data-test=cstep-action]', { hasText: '结案' }).first().waitFor()
    /* The case file: its catalogue in the order of the procedure, the decision matching its seal. */
    await p.locator('[data-test=case-seal]', { hasText: '一致' }).waitFor()
    const cat = await p.locator('[data-test=case-archive-item]').allInnerTexts()
    const at = (re) => cat.findIndex((x) => re.test(x))
    assert.ok(at(/告知书/) >= 0 && at(/告知书/) < at(/决定书/), cat.join(' | '))
    /* Closed: nothing left but to publish the decision (before its publish day, by hand). */
    assert.deepEqual(await p.locator('[data-test=case-actions] button').evaluateAll((bs) => bs.map((b) => b.dataset.test)), ['cact-publish'])
    await shot(p, '126-case-closed-phone')
    await p.locator('[data-test=cact-publish]').click()
    await p.locator('[data-test=case-dialog] [data-test=cd-submit]').click()
    await p.locator('[data-test=case-dialog]').waitFor({ state: 'hidden' })
    assert.equal(await p.locator('[data-test=case-actions] button').count(), 0)
    assert.deepEqual(problems, [])
  })

  test('anyone reads the published decision without logging in', async (t) => {
    if (skip || !caseId) return t.skip('no case')
    const { page: p, problems } = await person(PHONE)
    await p.goto(`${srv.url}/public/plans`)
    await p.locator('[data-test=pub-nav-decisions]').click()
    await p.waitForURL(/\/public\/decisions$/)
    const d = p.locator('[data-test=pub-decision]').first()
    await d.waitFor()
    const text = await d.innerText()
    assert.match(text, /东消行罚决字/)
    assert.match(text, new RegExp(UNIT))
    assert.match(text, /40000|40,000/)
    await shot(p, '127-public-decisions-phone')
    /* The same page in English. */
    await p.locator('[data-test=pub-bar] .el-radio-button', { hasText: 'English' }).click()
    await see(p, 'Published penalty decisions')
    await see(p, 'ID numbers, phone numbers and addresses removed')
    assert.deepEqual(problems, [])
  })
})
