/*
 * 电子证书核验 (public, no login): the QR text from the URL (?code=) or
 * pasted; decoded and its SM2 signature verified here in the browser with
 * the published key of its kid (utils/ecert.ts), so the verdict does not
 * rest on the server's word; then the server is asked for the current
 * status (valid, revoked with date and reason, superseded by a new
 * number).  Without a connection to the platform the page says the
 * check was offline only (with the keys fetched earlier in the page), or
 * that the keys could not be had.
 */
import { ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { checkEcert, listEcertKeys } from '@/api/ecert'
import type { EcertCheck } from '@/api/ecert'
import { ApiError } from '@/api/http'
import { decodeCode, extractCode, verifyOffline } from '@/utils/ecert'
import type { CodeProblem, EcertContent, PublishedKey, Verdict } from '@/utils/ecert'

/* The keys fetched in this page's life (localStorage holds only the language: docs/console.md). */
let cached: PublishedKey[] = []

/* The keys: fetched, or those fetched earlier in this page when the network is gone. */
export async function loadKeys(): Promise<{ keys: PublishedKey[]; fresh: boolean }> {
  try {
    cached = await listEcertKeys()
    return { keys: cached, fresh: true }
  } catch {
    return { keys: cached, fresh: false }
  }
}

export type OnlineState = 'idle' | 'checking' | 'done' | 'offline'

export function useEcertVerify() {
  const route = useRoute()
  const router = useRouter()
  const input = ref(typeof route.query.code === 'string' ? route.query.code : '')
  const busy = ref(false)
  const problem = ref<CodeProblem | null>(null)
  const content = ref<EcertContent | null>(null)
  const verdict = ref<Verdict | null>(null)
  const keysFresh = ref(true)
  const noKeys = ref(false)
  const online = ref<OnlineState>('idle')
  const answer = ref<EcertCheck | null>(null)

  function clear(): void {
    problem.value = null
    content.value = null
    verdict.value = null
    answer.value = null
    noKeys.value = false
    online.value = 'idle'
  }

  async function check(): Promise<void> {
    clear()
    const code = extractCode(input.value)
    input.value = code
    const d = decodeCode(code)
    if ('problem' in d) {
      problem.value = d.problem
      return
    }
    busy.value = true
    if (route.query.code !== code)
      void router.replace({ query: { code } })
    try {
      content.value = d.code.content
      const { keys, fresh } = await loadKeys()
      keysFresh.value = fresh
      noKeys.value = !keys.length
      verdict.value = keys.length ? await verifyOffline(d.code, keys) : null
      online.value = 'checking'
      try {
        answer.value = await checkEcert(code)
        online.value = 'done'
      } catch (e) {
        /* A 400 would mean the server reads the text otherwise: say so as "not a code". */
        if (e instanceof ApiError && e.status === 400 && e.field === 'code') {
          problem.value = 'parts'
          online.value = 'done'
        } else {
          online.value = 'offline'
        }
      }
    } finally {
      busy.value = false
    }
  }

  if (input.value)
    void check()

  return { input, busy, problem, content, verdict, keysFresh, noKeys, online, answer, check, clear }
}
