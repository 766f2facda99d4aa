/*
 * State of the public plans page (双随机一公开): committed plans a page at
 * a time, and one plan's published results in a drawer.  Errors become a
 * message on the page; nothing here needs a session.
 */
import { reactive, ref, shallowRef } from 'vue'
import { getPublicResults, listPublicPlans } from '@/api/public'
import type { PublicPlan, PublicResult } from '@/api/public'
import { errorText } from '@/utils/errors'
import { t } from '@/i18n'

export const PLAN_PAGE = 20
export const RESULT_PAGE = 50

export function usePublicPlans() {
  const rows = shallowRef<PublicPlan[]>([])
  const total = ref(0)
  const page = ref(1)
  const loading = ref(false)
  const problem = ref('')

  const drawer = reactive({
    open: false,
    plan: null as PublicPlan | null,
    rows: [] as PublicResult[],
    total: 0,
    page: 1,
    loading: false,
    problem: '',
  })

  async function load(): Promise<void> {
    loading.value = true
    problem.value = ''
    try {
      const r = await listPublicPlans({ offset: (page.value - 1) * PLAN_PAGE, limit: PLAN_PAGE })
      rows.value = r.items
      total.value = r.page.total
    } catch (e) {
      problem.value = errorText(e, t)
    } finally {
      loading.value = false
    }
  }

  async function loadResults(): Promise<void> {
    const p = drawer.plan
    if (!p)
      return
    drawer.loading = true
    drawer.problem = ''
    try {
      const r = await getPublicResults(p.id, { offset: (drawer.page - 1) * RESULT_PAGE, limit: RESULT_PAGE })
      if (drawer.plan !== p)
        return
      drawer.rows = r.items
      drawer.total = r.page.total
    } catch (e) {
      drawer.problem = errorText(e, t)
      drawer.rows = []
      drawer.total = 0
    } finally {
      drawer.loading = false
    }
  }

  async function openResults(p: PublicPlan): Promise<void> {
    Object.assign(drawer, { open: true, plan: p, rows: [], total: 0, page: 1, problem: '' })
    await loadResults()
  }

  async function toPage(n: number): Promise<void> {
    page.value = n
    await load()
  }

  async function toResultPage(n: number): Promise<void> {
    drawer.page = n
    await loadResults()
  }

  return { rows, total, page, loading, problem, drawer, load, openResults, toPage, toResultPage }
}

/* A plan has results and a bundle once it is drawn: its seed is published. */
export function isDrawn(p: PublicPlan): boolean {
  return p.seed !== null && p.drawn_at !== null
}
