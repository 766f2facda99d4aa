/*
 * 营业前检查 in real browsers, as the people do it: a unit's own account
 * on a phone-sized screen applies on the commitment route (the commitment
 * text shown, refused in the page until "I commit" is ticked, a PDF and
 * an image as documents); an officer grants it and sees the certificate
 * with its QR code; the unit downloads the certificate as PDF; anyone on
 * a 390×844 phone opens the public check page from the code, the
 * signature is verified in the browser and the platform says 有效; the
 * officer verifies on site with a mismatch (rectification notice) and
 * re-checks it not fixed, which revokes the permit; the public page,
 * given the pasted code, then says 已撤销 with the date and the reason.
 * Skipped when the server has no permit API.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, test } from 'node:test'
import { png } from '../api/images.mjs'
import { addUser, apiSession, browser, choose, see, shot, signIn, startServer } from './lib.mjs'

const A = '441900003'	/* 东城街道 */
const PW = 'Permit-E2E-2026!'
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true }
const PLACE = '东城示范大酒店'
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)

/* A valid unified social credit code (GB 32100) with its organisation code (GB 11714). */
function uscc(k) {
  const C = '0123456789ABCDEFGHJKLMNPQRTUWXY'
  const org = String(10000000 + k).slice(-8)
  const ow = [3, 7, 9, 10, 5, 8, 4, 2]
  let s = 0
  for (let i = 0; i < 8; i++) s += Number(org[i]) * ow[i]
  const oc = 11 - (s % 11)
  const body = `91441900${org}${oc === 10 ? 'X' : oc === 11 ? '0' : String(oc)}`
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
  s = 0
  for (let i = 0; i < 17; i++) s += C.indexOf(body[i]) * w[i]
  return body + C[(31 - (s % 31)) % 31]
}

/* A one-page PDF with a correct cross-reference table (as the files API test builds it). */
function pdf() {
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    '<< /Length 40 >>\nstream\nBT /F1 12 Tf 20 50 Td (Firewarden) Tj ET\nendstream',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]
  let s = '%PDF-1.4\n'
  const off = []
  objs.forEach((o, i) => { off.push(s.length); s += `${i + 1} 0 obj\n${o}\nendobj\n` })
  const xref = s.length
  s += 'xref\n0 6\n0000000000 65535 f \n' + off.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')
  s += `trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(s, 'latin1')
}

describe('permits: applied by a unit on commitment, granted, checked in public, verified, revoked', () => {
  let srv
  let skip = false
  let unit
  let permitId = ''
  let code = ''
  let permitNo = ''
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
    if (!paths['/api/v1/permits']) {
      skip = true
      return
    }
    addUser(srv, { login: 'pm.off', role: 'officer', jurisdiction: `town:${A}`, password: PW })
    const off = await apiSession(srv.url, 'pm.off', PW)
    const r = await off('POST', '/api/v1/units', { name: '东城示范酒店管理有限公司', address: '东莞市东城街道示范路 8 号', town: A,
      uscc: uscc(41), categories: ['public_gathering'] })
    assert.equal(r.status, 201, JSON.stringify(r.body))
    unit = r.body.data
    addUser(srv, { login: 'pm.unit', role: 'unit', jurisdiction: `unit:${unit.id}`, password: PW })
  })

  after(async () => {
    for (const b of people) {
      if (b.problems.length)
        console.log(b.problems.join('\n'))
      await b.close()
    }
    await srv?.stop()
  })

  test('the unit applies on the commitment route from a phone', async (t) => {
    if (skip) return t.skip('no permit API')
    const { page: p, problems } = await person(PHONE)
    await signIn(p, srv.url, 'pm.unit', PW, { secrets })
    await p.goto(`${srv.url}/permits`)
    await p.locator('[data-test=permit-new]').click()
    await p.waitForURL(/\/permits\/new$/)
    /* The unit applies for itself: no unit to choose, its name shown, its address offered. */
    assert.equal(await p.locator('[data-test=pf-unit]').count(), 0)
    await see(p, '东城示范酒店管理有限公司')
    assert.equal(await p.locator('[data-test=pf-address]').inputValue(), '东莞市东城街道示范路 8 号')
    await p.locator('[data-test=pf-place]').fill(PLACE)
    await choose(p, p.locator('[data-test=pf-use]'), '宾馆')
    await p.locator('[data-test=pf-area] input').fill('1800')
    await p.locator('[data-test=pf-capacity] input').fill('300')
    /* The commitment route is the default; its text is shown in full. */
    const text = await p.locator('[data-test=pf-commitment-text]').innerText()
    assert.match(text, /本单位承诺/)
    assert.match(text, /第五十八条/)
    await p.locator('[data-test=pf-licence]').setInputFiles({ name: '营业执照.pdf', mimeType: 'application/pdf', buffer: pdf() })
    await p.locator('[data-test=picked-doc]', { hasText: '营业执照.pdf' }).waitFor()
    await p.locator('[data-test=pf-rules]').setInputFiles({ name: '消防安全制度.png', mimeType: 'image/png', buffer: png(48, 64) })
    await p.locator('[data-test=picked-doc]', { hasText: '消防安全制度.png' }).waitFor()
    /* Not yet committed: stopped in the page, nothing sent. */
    await p.locator('[data-test=pf-submit]').click()
    await see(p, '选择告知承诺的，须勾选作出承诺')
    await p.locator('[data-test=pf-accept]').click()
    await shot(p, '90-permit-apply-phone')
    await p.locator('[data-test=pf-submit]').click()
    await p.waitForURL(/\/permits\/\d+$/)
    permitId = /permits\/(\d+)$/.exec(p.url())[1]
    await p.locator('[data-test=permit-status]', { hasText: '待决定' }).waitFor()
    assert.match(await p.locator('[data-test=permit-no]').innerText(), /^XKSQ\d{10}$/)
    await p.locator('[data-test=permit-timeline] [data-test=pstep-action]', { hasText: '提交申请' }).waitFor()
    /* The decision is due within one working day; the unit has no step to take. */
    await p.locator('[data-test=permit-step-due]', { hasText: '前作出决定' }).first().waitFor()
    assert.equal(await p.locator('[data-test=permit-actions] button').count(), 0)
    await shot(p, '91-permit-submitted-phone')
    assert.deepEqual(problems, [])
  })

  test('an officer grants it and sees the certificate with its QR code', async (t) => {
    if (skip) return t.skip('no permit API')
    const { page: p, problems } = await person()
    await signIn(p, srv.url, 'pm.off', PW, { secrets })
    await p.goto(`${srv.url}/permits?status=submitted`)
    await p.locator('[data-test=permit-table] [data-test=permit-link]').first().waitFor()
    const row = p.locator('[data-test=permit-table] .el-table__row', { hasText: PLACE })
    assert.match(await row.innerText(), /告知承诺/)
    await shot(p, '92-permit-list')
    await row.locator('[data-test=permit-link]').click()
    await p.waitForURL(new RegExp(`/permits/${permitId}$`))
    const acts = (await p.locator('[data-test=permit-actions] button').allInnerTexts()).map((s) => s.trim())
    assert.deepEqual(acts, ['作出许可', '不予许可'])
    await p.locator('[data-test=pact-issue]').click()
    const dlg = p.locator('[data-test=permit-dialog]')
    await dlg.waitFor()
    await dlg.locator('[data-test=pa-note]').fill('材料齐全，当场作出许可')
    await dlg.locator('[data-test=pa-submit]').click()
    await p.locator('[data-test=permit-status]', { hasText: '已许可' }).waitFor()
    await see(p, '已作出许可')
    await p.locator('[data-test=permit-verify-status]', { hasText: '待核查' }).waitFor()
    const cert = p.locator('[data-test=certificate]')
    await cert.waitFor()
    assert.match(await cert.locator('[data-test=cert-status]').innerText(), /有效/)
    permitNo = (await cert.locator('[data-test=cert-no]').innerText()).trim()
    assert.match(permitNo, /^东莞消安检字〔\d{4}〕第\d{6}号$/)
    code = (await cert.locator('[data-test=cert-code]').innerText()).trim()
    assert.match(code, /^FWC1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
    /* The QR code is drawn in the browser: an image of a whole number of modules. */
    const qr = await cert.locator('[data-test=cert-qr]').evaluate(async (img) => {
      await img.decode()
      return { w: img.naturalWidth, src: img.src.slice(0, 22) }
    })
    assert.equal(qr.src, 'data:image/gif;base64,')
    assert.ok(qr.w > 200, `qr ${qr.w}`)
    /* The server holds the same code. */
    const api = await apiSession(srv.url, 'pm.off', PW)
    const g = (await api('GET', `/api/v1/permits/${permitId}`)).body.data
    assert.equal(g.certificate.code, code)
    assert.equal(g.permit_no, permitNo)
    await shot(p, '93-permit-granted')
    assert.deepEqual(problems, [])
  })

  test('the unit downloads its certificate as PDF', async (t) => {
    if (skip) return t.skip('no permit API')
    const { page: p, problems } = await person(PHONE)
    await signIn(p, srv.url, 'pm.unit', PW, { secrets })
    await p.goto(`${srv.url}/permits`)
    await p.locator('[data-test=permit-card]', { hasText: PLACE }).click()
    await p.waitForURL(new RegExp(`/permits/${permitId}$`))
    await p.locator('[data-test=permit-status]', { hasText: '已许可' }).waitFor()
    assert.equal((await p.locator('[data-test=cert-code]').innerText()).trim(), code)
    const [dl] = await Promise.all([p.waitForEvent('download'), p.locator('[data-test=pdoc-certificate]').click()])
    assert.match(dl.suggestedFilename(), /\.pdf$/)
    const bytes = readFileSync(await dl.path())
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-')
    assert.ok(bytes.length > 2000, `pdf of ${bytes.length} bytes`)
    await shot(p, '94-permit-certificate-phone')
    assert.deepEqual(problems, [])
  })

  test('anyone checks the certificate on a phone: signature valid, 有效', async (t) => {
    if (skip) return t.skip('no permit API')
    const { page: p, problems } = await person(PHONE)
    await p.goto(`${srv.url}/public/ecert?code=${encodeURIComponent(code)}`)
    const sig = p.locator('[data-test=ecert-signature]')
    await sig.waitFor()
    await p.locator('[data-test=ecert-status-word]').waitFor()
    assert.match(await sig.innerText(), /签名有效/)
    assert.match(await sig.innerText(), /本机/)
    assert.equal((await p.locator('[data-test=ecert-status-word]').innerText()).trim(), '有效')
    const content = await p.locator('[data-test=ecert-content]').innerText()
    for (const s of [PLACE, '东城示范酒店管理有限公司', unit.uscc, permitNo, '宾馆', '1800 m²', '告知承诺', '东莞市消防救援支队'])
      assert.ok(content.includes(s), `${s} in ${content}`)
    /* The page fits the phone: nothing wider than the screen. */
    assert.ok(await p.evaluate(() => document.documentElement.scrollWidth <= 390), 'no horizontal scroll')
    await shot(p, '95-ecert-valid-phone')
    /* A changed byte of the content: the browser says the signature is invalid. */
    const [, c, s] = code.split('.')
    const changed = Buffer.from(Buffer.from(c, 'base64url').toString('utf8').replace('1800', '1900'), 'utf8').toString('base64url')
    await p.locator('[data-test=ecert-input]').fill(`FWC1.${changed}.${s}`)
    await p.locator('[data-test=ecert-check]').click()
    await p.locator('[data-test=ecert-signature]', { hasText: '签名无效' }).waitFor()
    await see(p, '非真实证书')
    assert.deepEqual(problems, [])
  })

  test('the officer verifies with a mismatch, re-checks it not fixed, and the permit is revoked', async (t) => {
    if (skip) return t.skip('no permit API')
    const { page: p, problems } = await person()
    await signIn(p, srv.url, 'pm.off', PW, { secrets })
    /* The verification tasks: pending, soonest first. */
    await p.goto(`${srv.url}/permits/tasks`)
    const row = p.locator('[data-test=permit-table] .el-table__row', { hasText: PLACE })
    await row.waitFor()
    assert.match(await row.innerText(), /前现场核查/)
    await shot(p, '96-permit-tasks')
    await row.locator('[data-test=permit-link]').click()
    await p.waitForURL(new RegExp(`/permits/${permitId}$`))
    await p.locator('[data-test=pact-verify]').click()
    const dlg = p.locator('[data-test=permit-dialog]')
    await dlg.waitFor()
    const rows = dlg.locator('[data-test=pa-row]')
    const n = await rows.count()
    assert.ok(n >= 4, `${n} rows`)
    /* Unanswered rows are refused in the page. */
    await dlg.locator('[data-test=pa-submit]').click()
    await dlg.locator('[data-test=pa-row-error]').first().waitFor()
    for (let i = 0; i < n; i++)
      await rows.nth(i).locator('[data-test=pa-row-match] label', { hasText: '相符' }).click()
    /* One item does not match: what was committed against what is found. */
    await dlg.locator('[data-test=pa-add-row]').click()
    const last = rows.nth(n)
    await last.locator('[data-test=pa-row-item]').fill('自动喷水灭火系统')
    await last.locator('[data-test=pa-row-committed]').fill('全楼覆盖')
    await last.locator('[data-test=pa-row-found]').fill('三层未设置')
    await last.locator('[data-test=pa-row-match] label', { hasText: '不符' }).click()
    await dlg.locator('[data-test=pa-days]').waitFor()
    await see(p, '将下达责令限期改正通知书')
    await dlg.locator('[data-test=pa-note]').fill('三层喷淋未设置')
    await shot(p, '97-permit-verify')
    await dlg.locator('[data-test=pa-submit]').click()
    await p.locator('[data-test=permit-verify-status]', { hasText: '核查不符' }).waitFor()
    await see(p, '核查不符，已下达')
    const ver = p.locator('[data-test=permit-verification]')
    assert.match(await ver.innerText(), /三层未设置/)
    assert.match(await ver.innerText(), /东莞消限字/)
    await p.locator('[data-test=pdoc-notice]').waitFor()
    /* The re-check: not fixed → revoked, with the warning first. */
    await p.locator('[data-test=pact-recheck]').click()
    await dlg.waitFor()
    await dlg.locator('[data-test=pa-fixed] label', { hasText: '未整改' }).click()
    await dlg.locator('[data-test=pa-revoke-warning]').waitFor()
    await dlg.locator('[data-test=pa-note]').fill('逾期仍未设置喷淋')
    await dlg.locator('[data-test=pa-submit]').click()
    await p.locator('[data-test=permit-status]', { hasText: '已撤销' }).waitFor()
    await see(p, '许可已撤销')
    assert.match(await p.locator('[data-test=cert-status]').innerText(), /已撤销/)
    await p.locator('[data-test=pdoc-revocation]').waitFor()
    const steps = (await p.locator('[data-test=permit-timeline] [data-test=pstep-action]').allInnerTexts()).map((s) => s.trim())
    assert.deepEqual(steps, ['复查未整改，撤销许可', '核查不符，责令限期改正', '作出许可，发放电子合格证', '提交申请'])
    assert.equal(await p.locator('[data-test=permit-actions] button').count(), 0)
    await shot(p, '98-permit-revoked')
    assert.deepEqual(problems, [])
  })

  test('the public page, given the pasted code, says 已撤销 with the date and reason', async (t) => {
    if (skip) return t.skip('no permit API')
    const { page: p, problems } = await person(PHONE)
    await p.goto(`${srv.url}/public/plans`)
    await p.locator('[data-test=pub-nav-ecert]').click()
    await p.waitForURL(/\/public\/ecert$/)
    await p.locator('[data-test=ecert-input]').fill(`  ${code}\n`)
    await p.locator('[data-test=ecert-check]').click()
    await p.locator('[data-test=ecert-status-word]').waitFor()
    /* Still signed by the platform, no longer in force. */
    assert.match(await p.locator('[data-test=ecert-signature]').innerText(), /签名有效/)
    assert.equal((await p.locator('[data-test=ecert-status-word]').innerText()).trim(), '已撤销')
    const why = await p.locator('[data-test=ecert-revoked]').innerText()
    assert.ok(why.includes(today()), why)
    assert.match(why, /逾期未改正/)
    assert.ok(p.url().includes('code=FWC1.'), 'the code is in the address to share')
    await shot(p, '99-ecert-revoked-phone')
    assert.deepEqual(problems, [])
  })
})
