/*
 * 三员 in a real browser: the audit administrator browses the trail,
 * opens an entry and sees it verified in the page (SM3 leaf and Merkle
 * root recomputed, SM2 head signature checked); the security
 * administrator edits a role's permissions; each of the three sees only
 * their own pages, and the server refuses the others.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { api, browser, choose, menuKeys, see, shot, signIn, startServer } from './lib.mjs'

describe('三员: audit trail verification and role permissions', () => {
  let srv
  let a
  const secrets = {}

  before(async () => {
    srv = await startServer()
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

  test('the auditor signs in for the first time and sees only the audit pages', async () => {
    const p = a.page
    await signIn(p, srv.url, 'auditor', srv.admins.auditor, { secrets, newPassword: 'Auditor-E2E-2026!' })
    assert.deepEqual(await menuKeys(p), ['home', 'audit', 'profile'])
    await p.locator('[data-test=chart-audit-days] canvas').waitFor()
    await see(p, '审计日志总数')
    await shot(p, '20-home-auditor')
    assert.equal((await api(p, 'GET', '/api/v1/users')).status, 403)
    assert.equal((await api(p, 'GET', '/api/v1/roles')).status, 403)
  })

  test('filter the trail and open an entry: verified in the browser', async () => {
    const p = a.page
    await p.locator('[data-menu=audit]').click()
    await p.locator('[data-test=audit-table]').waitFor()
    await choose(p, p.locator('[data-test=a-action]'), 'auth.login')
    await p.locator('[data-test=a-search]').click()
    await p.locator('[data-test=audit-table] .el-table__body', { hasText: '登录成功' }).waitFor()
    await shot(p, '21-audit-trail')
    await p.locator('[data-test=open-entry]:visible').first().click()
    const drawer = p.locator('[data-test=audit-drawer]')
    await drawer.locator('[data-test=entry-json]').waitFor()
    /* The newest entry may not be under a signed head yet: sign one now. */
    const sign = drawer.locator('[data-test=sign-now]')
    const verified = drawer.locator('[data-test=verified]')
    await Promise.race([sign.waitFor(), verified.waitFor()])
    if (await sign.isVisible())
      await sign.click()
    await verified.waitFor()
    assert.match(await drawer.innerText(), /SM2 签名有效/)
    assert.match(await drawer.innerText(), /与签名树头的根哈希一致/)
    assert.match(await drawer.locator('[data-test=entry-json]').innerText(), /"action": "auth\.login"/)
    await shot(p, '22-audit-entry-verified')
  })

  test('the security administrator edits a role; sees only roles', async () => {
    const c = await browser()
    try {
      const p = c.page
      await signIn(p, srv.url, 'secadmin', srv.admins.secadmin, { secrets, newPassword: 'Secadmin-E2E-2026!' })
      assert.deepEqual(await menuKeys(p), ['home', 'sampling', 'roles', 'profile'])
      await p.locator('[data-menu=roles]').click()
      await p.locator('[data-test=role-table] [data-role=officer]:visible').click()
      const dlg = p.locator('[data-test=role-dialog]')
      await dlg.waitFor()
      /* ACC-008: another 三员 role's permission cannot be given to a business role. */
      assert.ok(await dlg.locator('[data-perm="audit:read"] input').isDisabled())
      /* A permission the officer role does not hold (0011 gave it hazard:read). */
      await dlg.locator('[data-perm="hazard:list"]').click()
      await shot(p, '23-role-edit')
      await p.locator('[data-test=role-save]').click()
      await see(p, '角色权限已保存')
      const r = await api(p, 'GET', '/api/v1/roles/officer')
      assert.ok(r.body.data.permissions.includes('hazard:list'), JSON.stringify(r.body))
      await shot(p, '24-roles')
      assert.equal((await api(p, 'GET', '/api/v1/users')).status, 403)
      assert.equal((await api(p, 'GET', '/api/v1/audit/search')).status, 403)
      assert.deepEqual(c.problems, [])
    } finally {
      await c.close()
    }
  })

  test('the role change is itself on the trail', async () => {
    const p = a.page
    await p.locator('[data-test=a-action] input').fill('')
    await p.goto(`${srv.url}/audit`)
    await choose(p, p.locator('[data-test=a-action]'), 'role.update')
    await p.locator('[data-test=a-search]').click()
    await p.locator('[data-test=audit-table] .el-table__body', { hasText: 'role/officer' }).waitFor()
  })

  test('no errors in the browser console', () => {
    assert.deepEqual(a.problems, [])
  })
})
