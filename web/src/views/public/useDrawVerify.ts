/*
 * State of the public verification page: a bundle pasted, loaded from a
 * file (its exact bytes) or fetched by plan id (with the plan's published
 * record, to check the bundle is the one committed to), verified in this
 * browser by utils/drawVerify with progress, and cancellable.  Only the
 * last run's result is kept; starting another cancels the one under way.
 */
import { computed, ref, shallowRef } from 'vue'
import { getPublicBundle, getPublicPlan } from '@/api/public'
import type { PublicPlan } from '@/api/public'
import { ApiError } from '@/api/http'
import { errorText } from '@/utils/errors'
import { verifyBundle } from '@/utils/drawVerify'
import type { DrawProgress, VerifyResult } from '@/utils/drawVerify'
import { t } from '@/i18n'
import { compareWithPlan, planIdOf, progressPercent } from './publicDraw'

/* Larger texts are verified but not shown in the text box (it would crawl). */
export const SHOW_MAX = 2 * 1024 * 1024
/* A file larger than this is refused in the browser (the CLI handles up to 4 GiB). */
export const FILE_MAX = 512 * 1024 * 1024

export function useDrawVerify() {
  const text = ref('')
  const planId = ref('')
  /* The exact data of a file or a fetched bundle, until the text is edited. */
  const loaded = shallowRef<{ label: string; data: string | Uint8Array; size: number } | null>(null)
  const fetching = ref(false)
  const running = ref(false)
  const progress = shallowRef<DrawProgress | null>(null)
  const result = shallowRef<VerifyResult | null>(null)
  const plan = shallowRef<PublicPlan | null>(null)
  /* undefined: not compared (no plan); null: the same; else the first difference. */
  const commitment = ref<string | null | undefined>(undefined)
  const problem = ref('')
  let ctl: AbortController | null = null

  const percent = computed(() => progressPercent(progress.value))

  function reset(): void {
    ctl?.abort()
    ctl = null
    result.value = null
    progress.value = null
    commitment.value = undefined
    problem.value = ''
  }

  async function run(data: string | Uint8Array): Promise<void> {
    ctl?.abort()
    const mine = new AbortController()
    ctl = mine
    running.value = true
    progress.value = null
    result.value = null
    try {
      const r = await verifyBundle(data, { signal: mine.signal, onProgress: (p) => { progress.value = p } })
      if (ctl !== mine)
        return
      result.value = r
      commitment.value = plan.value && r.bundle ? compareWithPlan(r.bundle, plan.value) : undefined
    } catch (e) {
      /* Cancelled: a newer run or the stop button.  Anything else is a fault of this page: say so. */
      if ((e as Error).name !== 'AbortError' && ctl === mine)
        problem.value = String((e as Error).message ?? e)
    } finally {
      if (ctl === mine) {
        running.value = false
        ctl = null
      }
    }
  }

  /* Show data in the text box when it is small enough. */
  function show(data: string | Uint8Array, label: string): void {
    const size = typeof data === 'string' ? data.length : data.length
    loaded.value = { label, data, size }
    if (size > SHOW_MAX)
      text.value = ''
    else
      text.value = typeof data === 'string' ? data : new TextDecoder().decode(data)
  }

  /* The text box was edited: verify what it says from now on. */
  function edited(): void {
    loaded.value = null
  }

  async function verifyInput(): Promise<void> {
    const data = loaded.value?.data ?? text.value
    if (typeof data === 'string' && data.trim() === '') {
      reset()
      problem.value = t('publicDraw.empty')
      return
    }
    problem.value = ''
    commitment.value = undefined
    if (!loaded.value || !loaded.value.label.startsWith('plan:'))
      plan.value = null
    await run(data)
  }

  async function loadFile(f: File): Promise<void> {
    reset()
    plan.value = null
    if (f.size > FILE_MAX) {
      problem.value = t('publicDraw.fileTooLarge', { mb: Math.round(FILE_MAX / 1048576) })
      return
    }
    const bytes = new Uint8Array(await f.arrayBuffer())
    show(bytes, `file:${f.name}`)
    await run(bytes)
  }

  async function fetchPlan(id: string): Promise<void> {
    reset()
    plan.value = null
    const pid = planIdOf(id.trim())
    planId.value = id.trim()
    if (!pid) {
      problem.value = t('publicDraw.badPlanId')
      return
    }
    fetching.value = true
    let bundle: string
    try {
      plan.value = await getPublicPlan(pid)
      if (!plan.value.seed) {
        problem.value = t('publicDraw.notDrawn', { id: pid })
        return
      }
      bundle = await getPublicBundle(pid)
    } catch (e) {
      if (e instanceof ApiError && e.status === 404)
        problem.value = t('publicDraw.noPlan', { id: pid })
      else if (e instanceof ApiError)
        problem.value = errorText(e, t)
      else
        problem.value = t('publicDraw.notUtf8')
      return
    } finally {
      fetching.value = false
    }
    show(bundle, `plan:${pid}`)
    await run(bundle)
  }

  function cancel(): void {
    ctl?.abort()
    ctl = null
    running.value = false
    progress.value = null
  }

  function clear(): void {
    reset()
    text.value = ''
    loaded.value = null
    plan.value = null
  }

  return {
    text, planId, loaded, fetching, running, progress, percent, result, plan, commitment, problem,
    verifyInput, loadFile, fetchPlan, cancel, clear, edited,
  }
}
