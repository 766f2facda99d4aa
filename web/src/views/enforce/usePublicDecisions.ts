/*
 * 行政处罚决定公开 (ENF-050): the published decisions, readable without a
 * login (GET /api/v1/public/decisions), with ID numbers, phones and home
 * addresses removed by the server (P-3).  content is shown field by field
 * as published.
 */
import { ref } from 'vue'
import { listPublicDecision } from '@/api/enforce'
import type { PublicDecision } from '@/api/enforce'
import { t } from '@/i18n'
import { errorText } from '@/utils/errors'

export const PUBLIC_PAGE = 20

/* What a published field holds, as text: the party's name (and code), the penalty's words, each violation. */
function asText(k: string, v: unknown): string {
  if (k === 'party' && v && typeof v === 'object') {
    const p = v as { name?: string; code?: string }
    return p.code ? `${p.name ?? ''}（${p.code}）` : (p.name ?? '')
  }
  if (k === 'penalty' && v && typeof v === 'object')
    return String((v as { text?: string }).text ?? '')
  if (k === 'violations' && Array.isArray(v))
    return v.map((x: { item?: string; name_zh?: string; facts?: string }) =>
      [x.item, x.name_zh].filter(Boolean).join(' ') + (x.facts ? `：${x.facts}` : '')).join('；')
  return typeof v === 'object' ? JSON.stringify(v) : String(v)
}

/*
 * The fields of a published decision worth showing (enforce_pub.c's
 * content), in a stable order, as text; the head (number, day, town) is
 * shown apart.
 */
export function decisionLines(d: PublicDecision): { key: string; value: string }[] {
  const order = ['party', 'party_name', 'facts', 'violations', 'basis', 'penalty', 'decided_on', 'issuer']
  const skip = ['decision_no', 'published_on', 'town', 'town_name', 'fine_fen', 'fine_yuan', 'procedure']
  const c = (d.content ?? {}) as Record<string, unknown>
  const keys = [...order.filter((k) => k in c), ...Object.keys(c).filter((k) => !order.includes(k) && !skip.includes(k))]
  const out: { key: string; value: string }[] = []
  for (const k of keys) {
    const v = c[k]
    if (v === null || v === undefined || v === '')
      continue
    const text = asText(k, v)
    if (text)
      out.push({ key: k, value: text })
  }
  return out
}

export function usePublicDecisions() {
  const rows = ref<PublicDecision[]>([])
  const total = ref(0)
  const offset = ref(0)
  const q = ref('')
  const loading = ref(false)
  const problem = ref('')

  async function load(): Promise<void> {
    loading.value = true
    problem.value = ''
    try {
      const r = await listPublicDecision({ offset: offset.value, limit: PUBLIC_PAGE, q: q.value.trim() || undefined })
      rows.value = r.items
      total.value = r.page.total
    } catch (e) {
      problem.value = errorText(e, t)
    } finally {
      loading.value = false
    }
  }

  function toPage(p: number): void {
    offset.value = (p - 1) * PUBLIC_PAGE
    void load()
  }

  function search(): void {
    offset.value = 0
    void load()
  }

  return { rows, total, offset, q, loading, problem, load, toPage, search }
}
