/*
 * Helpers for the console's browser tests: a real firewarden server on a
 * temporary SQLite database serving web/dist, users made with the CLI,
 * Debian's chromium driven by playwright-core (from web/node_modules),
 * TOTP codes (RFC 6238) for the roles that must enrol, screenshots.
 *
 * Environment: FW_BIN (default build/firewarden), FW_WEB (default
 * web/dist), FW_ARTIFACTS (default web/artifacts/e2e), FW_CHROMIUM
 * (default /usr/bin/chromium).
 */
import { spawn, spawnSync } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const require = createRequire(join(root, 'web', 'package.json'))
const { chromium } = require('playwright-core')

export const BIN = resolve(root, process.env.FW_BIN ?? 'build/firewarden')
export const WEB = resolve(root, process.env.FW_WEB ?? 'web/dist')
export const ARTIFACTS = resolve(root, process.env.FW_ARTIFACTS ?? 'web/artifacts/e2e')
const CHROMIUM = process.env.FW_CHROMIUM ?? '/usr/bin/chromium'

/* The flags the environment notes require for headless chromium here. */
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
]

/*
 * Start `firewarden serve` on a fresh database and a free loopback port.
 * Resolves with { url, admins: {sysadmin, secadmin, auditor}, db, keys,
 * stop() }; the admins' one-time passwords are read from its output.
 */
export async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'fw-e2e-'))
  const db = `sqlite:${join(dir, 'db')}`
  const keys = join(dir, 'keys')
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 20000)
    const child = spawn(BIN, ['serve', '--db', db, '--keys', keys, '--listen', `127.0.0.1:${port}`,
      '--web', WEB, '--quiet'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    const admins = {}
    let out = ''
    const ok = await new Promise((res) => {
      const timer = setTimeout(() => res(false), 15000)
      const onData = (b) => {
        out += b.toString()
        for (const m of out.matchAll(/created administrator (\w+)\s+one-time password: (\S+)/g))
          admins[m[1]] = m[2]
        if (/listening on/.test(out)) {
          clearTimeout(timer)
          res(true)
        }
      }
      child.stdout.on('data', onData)
      child.stderr.on('data', onData)
      child.on('exit', () => { clearTimeout(timer); res(false) })
    })
    if (!ok) {
      child.kill('SIGTERM')
      if (/address already in use|bind/i.test(out))
        continue
      throw new Error(`server did not start:\n${out}`)
    }
    const stop = async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await new Promise((r) => child.once('exit', r))
      }
      rmSync(dir, { recursive: true, force: true })
    }
    return { url: `http://127.0.0.1:${port}`, admins, db, keys, dir, stop, child }
  }
  throw new Error('no free port found')
}

/* `firewarden user add`: a user whose password needs no change. */
export function addUser(srv, { login, role, jurisdiction, password }) {
  const args = ['user', 'add', '--login', login, '--role', role, '--password-stdin', '--db', srv.db, '--keys', srv.keys]
  if (jurisdiction)
    args.push('--jurisdiction', jurisdiction)
  const r = spawnSync(BIN, args, { cwd: root, input: password + '\n', encoding: 'utf8' })
  if (r.status !== 0)
    throw new Error(`user add ${login}: ${r.stderr || r.stdout}`)
  return r.stdout
}

/* A browser with its own profile (its own cookies): one per person. */
export async function browser(opts = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'fw-chromium-'))
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: opts.viewport ?? { width: 1366, height: 860 },
    locale: 'zh-CN',
    acceptDownloads: true,
    ...(opts.isMobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  })
  const page = ctx.pages()[0] ?? await ctx.newPage()
  const problems = []
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d|Failed to load resource/.test(m.text()))
      problems.push(`console: ${m.text()}`)
  })
  const close = async () => {
    await ctx.close()
    rmSync(dir, { recursive: true, force: true })
  }
  return { ctx, page, problems, close }
}

export async function shot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true })
  /* Let transitions (dialogs, drawers, tags) finish first. */
  await page.waitForTimeout(450)
  const path = join(ARTIFACTS, `${name}.png`)
  await page.screenshot({ path, fullPage: false })
  return path
}

/* RFC 4648 base32 without padding. */
function base32(s) {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = 0
  let val = 0
  const out = []
  for (const c of s.replace(/=+$/, '').toUpperCase()) {
    const i = abc.indexOf(c)
    if (i < 0)
      continue
    val = (val << 5) | i
    bits += 5
    if (bits >= 8) {
      out.push((val >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

/* RFC 6238 TOTP (SHA-1, 30 s, 6 digits) for the time step of t seconds. */
export function totp(secret, t = Date.now() / 1000) {
  const step = Math.floor(t / 30)
  const msg = Buffer.alloc(8)
  msg.writeBigUInt64BE(BigInt(step))
  const h = createHmac('sha1', base32(secret)).update(msg).digest()
  const o = h[h.length - 1] & 0x0f
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]
  return String(n % 1000000).padStart(6, '0')
}

/*
 * One-time codes are good once and only for later time steps (ACC-010):
 * remember the last step used per secret and hand out the next one,
 * waiting for its window when it is not yet within the server's ±1 step.
 */
const lastStep = new Map()

export async function nextOtp(secret) {
  const now = Math.floor(Date.now() / 1000 / 30)
  let step = Math.max(now, (lastStep.get(secret) ?? -1) + 1)
  if (step > now + 1) {
    await new Promise((r) => setTimeout(r, ((step - 1) * 30 - Date.now() / 1000) * 1000 + 200))
    step = Math.max(Math.floor(Date.now() / 1000 / 30), step)
  }
  lastStep.set(secret, step)
  return totp(secret, step * 30 + 1)
}

/* Fill the login form and submit (waiting for the page to settle). */
export async function login(page, url, user, password, otp) {
  await page.goto(`${url}/login`)
  await page.locator('[data-test=login]').fill(user)
  await page.locator('[data-test=password]').fill(password)
  await page.locator('[data-test=submit]').click()
  if (otp) {
    await page.locator('[data-test=otp]').waitFor()
    await page.locator('[data-test=otp]').fill(typeof otp === 'function' ? await otp() : otp)
    await page.locator('[data-test=submit]').click()
  }
}

/* On the forced TOTP step: start, read the secret, confirm with a code. */
export async function enrolTotp(page) {
  await page.locator('[data-test=totp-start]').click()
  const secret = (await page.locator('[data-test=totp-secret]').innerText()).trim()
  await page.locator('[data-test=totp-code]').fill(await nextOtp(secret))
  await page.locator('[data-test=totp-confirm]').click()
  return secret
}

/*
 * Sign in as a person would, through whatever the console asks first: the
 * one-time code when enrolled (secrets[login]), the forced password change
 * (newPassword), the forced TOTP enrolment (the secret is stored in
 * secrets).  Resolves on the home page.
 */
export async function signIn(page, url, login, password, { secrets = {}, newPassword } = {}) {
  await page.goto(`${url}/login`)
  await page.locator('[data-test=login]').fill(login)
  await page.locator('[data-test=password]').fill(password)
  await page.locator('[data-test=submit]').click()
  if (secrets[login]) {
    await page.locator('[data-test=otp]').waitFor()
    await page.locator('[data-test=otp]').fill(await nextOtp(secrets[login]))
    await page.locator('[data-test=submit]').click()
  }
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  if (new URL(page.url()).pathname === '/password') {
    if (!newPassword)
      throw new Error(`${login} must change the password`)
    await page.locator('[data-test=old-password]').fill(password)
    await page.locator('[data-test=new-password]').fill(newPassword)
    await page.locator('[data-test=confirm-password]').fill(newPassword)
    await page.locator('[data-test=password-submit]').click()
    await page.waitForURL((u) => u.pathname !== '/password')
  }
  if (new URL(page.url()).pathname === '/setup-2fa') {
    secrets[login] = await enrolTotp(page)
    await page.waitForURL((u) => u.pathname !== '/setup-2fa')
  }
  await page.locator('[data-test=user-menu]').waitFor()
}

/* Pick an option of an Element Plus select. */
export async function choose(page, selectLocator, optionText) {
  await selectLocator.click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: optionText }).first().click()
}

/* Wait until no Element Plus select dropdown is open any more. */
export async function dropdownsClosed(page) {
  await page.waitForFunction(() => ![...document.querySelectorAll('.el-select-dropdown')]
    .some((e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden'))
}

/* The keys of the side menu, in order. */
export async function menuKeys(page) {
  return page.locator('[data-test=side-menu] [data-menu]').evaluateAll((els) => els.map((e) => e.getAttribute('data-menu')))
}

/* Wait for the text anywhere visible on the page. */
export async function see(page, text, timeout = 10000) {
  await page.getByText(text, { exact: false }).first().waitFor({ state: 'visible', timeout })
}

/* Calls the API from inside the page (its cookie, its CSRF token). */
export async function api(page, method, path, body) {
  return page.evaluate(async ([m, p, b]) => {
    const headers = { 'Content-Type': 'application/json' }
    const csrf = sessionStorage.getItem('fw.csrf')
    if (csrf && m !== 'GET')
      headers['X-CSRF-Token'] = csrf
    const r = await fetch(p, { method: m, headers, body: b === undefined ? undefined : JSON.stringify(b) })
    let j = null
    try { j = await r.json() } catch { /* empty */ }
    return { status: r.status, body: j }
  }, [method, path, body])
}

/*
 * A session outside the browser (for setting a scene): log in through the
 * API and return a function (method, path, body, headers) -> {status, body}.
 */
export async function apiSession(url, login, password) {
  const lr = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login, password }),
  })
  if (lr.status !== 200)
    throw new Error(`login ${login}: ${lr.status}`)
  const csrf = (await lr.json()).data.csrf
  const cookie = lr.headers.get('set-cookie').split(';')[0]
  return async (method, path, body, headers = {}) => {
    const r = await fetch(`${url}${path}`, {
      method, body: body === undefined ? undefined : JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf, ...headers },
    })
    const text = await r.text()
    return { status: r.status, body: text ? JSON.parse(text) : null }
  }
}
