/*
 * The signed-in user: /api/v1/me (user, roles, permissions, jurisdiction,
 * menu) and the session's CSRF token.  The token lives in memory; because
 * /me does not (yet) return it, a copy is kept in sessionStorage so a
 * reload of the tab keeps working — never in localStorage.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as account from '@/api/account'
import type { LoginResult, Me } from '@/api/account'
import { ApiError } from '@/api/http'
import { permitted, permittedAny } from '@/utils/menu'

export const CSRF_KEY = 'fw.csrf'

function loadCsrf(): string | null {
  try {
    return sessionStorage.getItem(CSRF_KEY)
  } catch {
    return null
  }
}

function saveCsrf(v: string | null): void {
  try {
    if (v)
      sessionStorage.setItem(CSRF_KEY, v)
    else
      sessionStorage.removeItem(CSRF_KEY)
  } catch {
    /* ignore */
  }
}

export const useUserStore = defineStore('user', () => {
  const me = ref<Me | null>(null)
  const csrf = ref<string | null>(loadCsrf())

  const permissions = computed(() => me.value?.permissions ?? [])
  const loggedIn = computed(() => me.value !== null)
  const mustChange = computed(() => me.value?.must_change ?? false)
  /* the console forces enrolment for roles that require TOTP. */
  const needsTotp = computed(() => !!me.value && me.value.totp_required && !me.value.totp_enabled)

  function can(perm: string | readonly string[]): boolean {
    return typeof perm === 'string' ? permitted(perm, permissions.value)
      : permittedAny(perm, permissions.value)
  }

  function setCsrf(v: string | null): void {
    csrf.value = v
    saveCsrf(v)
  }

  async function fetchMe(): Promise<Me | null> {
    try {
      const m = await account.getMe()
      me.value = m
      if (m.csrf)
        setCsrf(m.csrf)
      return m
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        clear()
        return null
      }
      throw e
    }
  }

  async function login(body: { login: string; password: string; otp?: string }): Promise<LoginResult> {
    const r = await account.login(body)
    setCsrf(r.csrf)
    await fetchMe()
    return r
  }

  async function logout(): Promise<void> {
    try {
      await account.logout()
    } finally {
      clear()
    }
  }

  function clear(): void {
    me.value = null
    setCsrf(null)
  }

  return { me, csrf, permissions, loggedIn, mustChange, needsTotp, can, setCsrf, fetchMe, login, logout, clear }
})
