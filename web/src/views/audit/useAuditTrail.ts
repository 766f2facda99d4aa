/*
 * 审计日志 (audit:read): search the trail by actor, action (a prefix such
 * as "user."), object and time, newest first, paged; open one entry.
 */
import { computed, reactive, ref } from 'vue'
import { listAudit } from '@/api/audit'
import type { AuditRow } from '@/api/audit'
import { showError } from '@/utils/feedback'
import { AUDIT_ACTIONS, actionLabel } from './actions'

export const PAGE_SIZES = [20, 50, 100]

export function useAuditTrail() {
  const query = reactive({ actor: '', action: '', object: '', range: null as [Date, Date] | null })
  const page = reactive({ offset: 0, limit: 20 })
  const total = ref(0)
  const rows = ref<AuditRow[]>([])
  const loading = ref(false)
  const opened = ref<AuditRow | null>(null)
  const actionOptions = computed(() => Object.keys(AUDIT_ACTIONS).map((k) => ({ value: k, label: `${actionLabel(k)}  ${k}` })))

  async function load(): Promise<void> {
    loading.value = true
    try {
      const r = await listAudit({
        actor: query.actor.trim() || undefined,
        action: query.action.trim() || undefined,
        object: query.object.trim() || undefined,
        from: query.range ? Math.floor(query.range[0].getTime() / 1000) : undefined,
        to: query.range ? Math.floor(query.range[1].getTime() / 1000) + 1 : undefined,
        offset: page.offset,
        limit: page.limit,
      })
      rows.value = r.items
      total.value = r.page.total
    } catch (e) {
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  function search(): void {
    page.offset = 0
    void load()
  }

  function reset(): void {
    Object.assign(query, { actor: '', action: '', object: '', range: null })
    search()
  }

  const currentPage = computed({
    get: () => Math.floor(page.offset / page.limit) + 1,
    set: (p: number) => { page.offset = (p - 1) * page.limit; void load() },
  })

  function onSize(n: number): void {
    page.limit = n
    search()
  }

  /* Clicking an actor or object in the table filters by it. */
  function filterBy(field: 'actor' | 'object', value: string | null): void {
    if (!value)
      return
    query[field] = value
    search()
  }

  function openRow(r: AuditRow): void {
    opened.value = r
  }

  function closeRow(): void {
    opened.value = null
  }

  return {
    query, page, total, rows, loading, opened, actionOptions, load, search, reset, currentPage, onSize, filterBy,
    openRow, closeRow,
  }
}
