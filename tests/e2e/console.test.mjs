/*
 * The console in a real browser, as the system administrator uses it:
 * wrong password, first-login password change and TOTP enrolment, the
 * users page (an invalid login refused with nothing saved, a taken login
 * reported on its field, create, search, edit, disable/enable), a
 * concurrent edit from a second browser explained, the language switch,
 * logout, a sign-in with the one-time code, and a new user's own first
 * sign-in.  Screenshots go to web/artifacts/e2e.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  addUser, api, browser, choose, menuKeys, see, shot, signIn, startServer,
} from './lib.mjs'

const SYS_PW = 'Sysadmin-E2E-2026!'
const SYS2_PW = 'Second-Sysadmin-2026!'
const OFFICER_PW = 'Officer-New-2026'

describe('console: sign-in, users, conflicts, language', () => {
  let srv
  let a
  let b
  const secrets = {}
  let created = { login: 'e2e.officer', password: '' }

  before(async () => {
    srv = await startServer()
    addUser(srv, { login: 'sys2', role: 'sysadmin', password: SYS2_PW })
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

  test('the login page renders in Chinese and refuses a wrong password', async () => {
    const p = a.page
    await p.goto(`${srv.url}/users`)
    await p.waitForURL(/\/login\?redirect=/)
    await see(p, '消防监督执法平台')
    await shot(p, '01-login')
    await p.locator('[data-test=login]').fill('sysadmin')
    await p.locator('[data-test=password]').fill('not-the-password')
    await p.locator('[data-test=submit]').click()
    await p.locator('[data-test=login-error]').waitFor()
    assert.match(await p.locator('[data-test=login-error]').innerText(), /用户名、密码或验证码错误/)
    await shot(p, '02-login-wrong-password')
  })

  test('first login: forced password change, then TOTP enrolment', async () => {
    const p = a.page
    await p.locator('[data-test=password]').fill(srv.admins.sysadmin)
    await p.locator('[data-test=submit]').click()
    await p.waitForURL(/\/password/)
    await see(p, '首次登录，请修改密码')
    await shot(p, '03-first-login-password')
    /* A-1 is checked in the page first: a short password never leaves it. */
    await p.locator('[data-test=old-password]').fill(srv.admins.sysadmin)
    await p.locator('[data-test=new-password]').fill('Short1!')
    await p.locator('[data-test=confirm-password]').fill('Short1!')
    await p.locator('[data-test=password-submit]').click()
    await see(p, '密码长度为 12 至 128 个字符')
    await p.locator('[data-test=new-password]').fill(SYS_PW)
    await p.locator('[data-test=confirm-password]').fill(SYS_PW)
    await p.locator('[data-test=password-submit]').click()
    await p.waitForURL(/\/setup-2fa/)
    await p.locator('[data-test=totp-start]').click()
    await p.locator('[data-test=totp-qr]').waitFor()
    const uri = await p.locator('[data-test=totp-uri]').innerText()
    assert.match(uri, /^otpauth:\/\/totp\//)
    await shot(p, '04-totp-enrolment')
    const { nextOtp } = await import('./lib.mjs')
    secrets.sysadmin = (await p.locator('[data-test=totp-secret]').innerText()).trim()
    await p.locator('[data-test=totp-code]').fill(await nextOtp(secrets.sysadmin))
    await p.locator('[data-test=totp-confirm]').click()
    await p.waitForURL((u) => u.pathname.startsWith('/users'))
    /* 三员: the sysadmin sees users and roles, never the audit trail. */
    assert.deepEqual(await menuKeys(p), ['home', 'users', 'roles', 'profile'])
  })

  test('home shows the user counts and a chart', async () => {
    const p = a.page
    await p.locator('[data-menu=home]').click()
    await p.locator('[data-test=chart-users] canvas').waitFor()
    await see(p, '用户总数')
    /* CAL-008: a provisional calendar year ahead is announced. */
    const cal = await p.evaluate(async () => (await (await fetch('/api/v1/calendar')).json()).data)
    const note = p.locator('[data-test=calendar-provisional]')
    if (cal.provisional.length) {
      await note.waitFor()
      assert.match(await note.innerText(), new RegExp(`${cal.provisional[0]}年工作日历为暂定日历`))
    } else {
      assert.equal(await note.count(), 0)
    }
    await shot(p, '05-home-sysadmin')
  })

  test('create a user with an invalid login: field error, nothing saved', async () => {
    const p = a.page
    await p.locator('[data-menu=users]').click()
    await p.locator('[data-test=user-table]').waitFor()
    await p.locator('[data-test=create-user]').click()
    const dlg = p.locator('[data-test=user-dialog]')
    await dlg.waitFor()
    await p.locator('[data-test=f-login]').fill('Bad Login!')
    await p.locator('[data-test=f-display-name]').fill('坏用户名')
    await choose(p, p.locator('[data-test=f-roles]'), '监督员')
    await p.keyboard.press('Escape')
    await p.locator('[data-test=f-jur-code]').fill('441900003')
    await p.locator('[data-test=f-save]').click()
    await see(p, '用户名只能包含小写字母、数字、下划线(_)、点(.)和连字符(-)')
    await shot(p, '06-user-invalid-login')
    const r = await api(p, 'GET', '/api/v1/users?q=bad')
    assert.equal(r.status, 200)
    assert.equal(r.body.page.total, 0)

    /* A login the server refuses (taken): its error lands on the field. */
    await p.locator('[data-test=f-login]').fill('sysadmin')
    await p.locator('[data-test=f-save]').click()
    await see(p, '用户名已被使用')
    const item = p.locator('.el-form-item.is-error', { has: p.locator('[data-test=f-login]') })
    assert.match(await item.innerText(), /用户名已被使用/)
    await shot(p, '07-user-login-taken')
  })

  test('create a valid user and find it by search', async () => {
    const p = a.page
    await p.locator('[data-test=f-login]').fill(created.login)
    await p.locator('[data-test=f-display-name]').fill('端到端监督员')
    await p.locator('[data-test=f-save]').click()
    await p.locator('[data-test=created-password]').waitFor()
    created.password = (await p.locator('[data-test=created-password]').innerText()).trim()
    assert.ok(created.password.length >= 12)
    await shot(p, '08-user-created')
    await p.locator('[data-test=created-dialog] .el-dialog__footer button').click()
    await p.locator('[data-test=q]').fill('e2e.off')
    await p.locator('[data-test=search]').click()
    await p.waitForURL(/q=e2e\.off/)
    const rows = p.locator('[data-test=user-table] .el-table__body tr')
    await rows.first().waitFor()
    assert.equal(await rows.count(), 1)
    assert.match(await rows.first().innerText(), /端到端监督员/)
    await shot(p, '09-users-search')
  })

  test('edit the user (If-Match)', async () => {
    const p = a.page
    await p.locator('[data-test=user-table] [data-test=edit]:visible').first().click()
    await p.locator('[data-test=user-dialog]').waitFor()
    await p.waitForFunction(() => document.querySelector('[data-test=f-display-name]')?.value === '端到端监督员')
    await p.locator('[data-test=f-display-name]').fill('端到端监督员（改）')
    await p.locator('[data-test=f-save]').click()
    await see(p, '用户信息已保存')
    await p.locator('[data-test=user-table]', { hasText: '端到端监督员（改）' }).waitFor()
  })

  test('a concurrent edit from a second browser is explained, not lost', async () => {
    b = await browser()
    await signIn(b.page, srv.url, 'sys2', SYS2_PW, { secrets })
    const p = a.page
    /* A opens the editor (reads version n)... */
    await p.locator('[data-test=user-table] [data-test=edit]:visible').first().click()
    await p.waitForFunction(() => document.querySelector('[data-test=f-display-name]')?.value === '端到端监督员（改）')
    /* ...B changes the same user and saves (version n+1)... */
    const q = b.page
    await q.goto(`${srv.url}/users?q=e2e.off`)
    await q.locator('[data-test=user-table] [data-test=edit]:visible').first().click()
    await q.waitForFunction(() => document.querySelector('[data-test=f-display-name]')?.value === '端到端监督员（改）')
    await q.locator('[data-test=f-display-name]').fill('第二位管理员改的名字')
    await q.locator('[data-test=f-save]').click()
    await see(q, '用户信息已保存')
    /* ...A saves on top of version n: 412, explained, nothing overwritten. */
    await p.locator('[data-test=f-display-name]').fill('第一位管理员改的名字')
    await p.locator('[data-test=f-save]').click()
    const box = p.locator('.fw-conflict-box')
    await box.waitFor()
    await p.waitForTimeout(400)
    assert.match(await box.innerText(), /其他人已修改并保存/)
    await shot(p, '10-users-conflict')
    await box.locator('button', { hasText: '重新加载' }).click()
    await p.waitForFunction(() => document.querySelector('[data-test=f-display-name]')?.value === '第二位管理员改的名字')
    const r = await api(p, 'GET', '/api/v1/users?q=e2e.off')
    assert.equal(r.body.data[0].display_name, '第二位管理员改的名字')
    await p.locator('[data-test=user-dialog] .el-dialog__footer button').first().click()
  })

  test('disable and enable the user', async () => {
    const p = a.page
    await p.locator('[data-test=user-table] [data-test=toggle]:visible').first().click()
    await p.locator('.el-message-box button', { hasText: '确定' }).click()
    await see(p, '用户已停用')
    await p.locator('[data-test=user-table]', { hasText: '已停用' }).waitFor()
    await p.locator('[data-test=user-table] [data-test=toggle]:visible').first().click()
    await p.locator('.el-message-box button', { hasText: '确定' }).click()
    await see(p, '用户已启用')
  })

  test('switch to English and back; only the language is stored', async () => {
    const p = a.page
    await p.locator('[data-test=lang]').click()
    await p.locator('[data-lang=en]:visible').click()
    await see(p, 'Users')
    await p.locator('[data-test=side-menu]', { hasText: 'Roles' }).waitFor()
    await shot(p, '11-users-english')
    const stored = await p.evaluate(() => Object.keys(localStorage))
    assert.deepEqual(stored, ['fw.lang'])
    await p.locator('[data-test=lang]').click()
    await p.locator('[data-lang=zh-CN]:visible').click()
    await p.locator('[data-test=side-menu]', { hasText: '用户管理' }).waitFor()
  })

  test('sessions page lists this session; log out', async () => {
    const p = a.page
    await p.goto(`${srv.url}/profile?tab=sessions`)
    await p.locator('[data-test=sessions]', { hasText: '当前会话' }).waitFor()
    await shot(p, '12-profile-sessions')
    await p.locator('[data-test=user-menu]').click()
    await p.locator('[data-cmd=logout]:visible').click()
    await p.locator('.el-message-box button', { hasText: '确定' }).click()
    await p.waitForURL(/\/login/)
    const r = await api(p, 'GET', '/api/v1/me')
    assert.equal(r.status, 401)
  })

  test('sign in again with the one-time code', async () => {
    const p = a.page
    await p.locator('[data-test=login]').fill('sysadmin')
    await p.locator('[data-test=password]').fill(SYS_PW)
    await p.locator('[data-test=submit]').click()
    await p.locator('[data-test=otp]').waitFor()
    await see(p, '该账号已启用双因素认证')
    await shot(p, '13-login-otp')
    const { nextOtp } = await import('./lib.mjs')
    await p.locator('[data-test=otp]').fill(await nextOtp(secrets.sysadmin))
    await p.locator('[data-test=submit]').click()
    await p.locator('[data-test=side-menu]').waitFor()
  })

  test('the new user signs in with the one-time password and must change it', async () => {
    const c = await browser()
    try {
      const p = c.page
      await signIn(p, srv.url, created.login, created.password, { newPassword: OFFICER_PW })
      const keys = await menuKeys(p)
      assert.ok(!keys.includes('users') && !keys.includes('audit') && !keys.includes('roles'), keys.join())
      assert.equal(keys[0], 'home')
      /* What the menu hides, the server refuses too. */
      const r = await api(p, 'GET', '/api/v1/users')
      assert.equal(r.status, 403)
      await p.goto(`${srv.url}/users`)
      await see(p, '您没有访问该页面的权限')
      await shot(p, '14-officer-forbidden')
    } finally {
      await c.close()
    }
  })

  test('no errors in the browser console', () => {
    assert.deepEqual(a.problems, [])
  })
})
