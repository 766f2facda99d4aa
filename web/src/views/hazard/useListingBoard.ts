/*
 * 挂牌督办 (hazard:read): 挂牌一批 — the major hazards listed for
 * supervision in one's town or the city, by level and status, with the
 * number of progress reports, a progress report and delisting once the
 * hazard is closed (HAZ-024..027); 公布一批 — the listings published to
 * the public, exactly as the public page shows them.  Either view can be
 * saved as a CSV file.
 */
import { ref, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { ElMessage } from 'element-plus'
import { LISTING_LEVELS, LISTING_STATUSES, listListing, listPublicListing } from '@/api/hazard'
import type { ListingBrief, PublicListing } from '@/api/hazard'
import { t } from '@/i18n'
import { useRegistryStore } from '@/store/registry'
import { useUserStore } from '@/store/user'
import { showError } from '@/utils/feedback'
import type { ActionKind } from './actions'
import { csvText, hazardExportFilename, listingActions } from './hazard'
import { saveBlob } from './useHazardList'
import { actionContext, useActionDialog } from './useActionDialog'
import { useCatalogue } from './useCatalogue'
import { todayCN } from '@/utils/format'

export type BoardView = 'listed' | 'published'
const PAGE = 20
/* The server pages at 200; a board file holds at most this many rows. */
const EXPORT_MAX = 5000

type Tr = (k: string, named?: Record<string, unknown>) => string

/* 挂牌一批 as CSV: one row per listing. */
export function listingCsv(rows: readonly ListingBrief[], tr: Tr, town: (c: string) => string): string {
  const header = [tr('hazard.listing.no'), tr('hazard.listing.hazardNo'), tr('hazard.listing.unit'), tr('hazard.field.town'),
    tr('hazard.field.description'), tr('fields.level'), tr('hazard.listing.body'), tr('hazard.listing.listedOn'),
    tr('hazard.listing.deadline'), tr('fields.status'), tr('hazard.listing.publish'), tr('hazard.listing.reports')]
  return csvText(header, rows.map((l) => [l.no, l.hazard_no, l.unit_name, town(l.town), l.description,
    tr(`hazard.listing.level.${l.level}`), l.body, l.listed_on, l.deadline, tr(`hazard.listing.status.${l.status}`),
    l.published ? tr('common.yes') : tr('common.no'), l.reports]))
}

/* 公布一批 as CSV: what the public page shows. */
export function publicCsv(rows: readonly PublicListing[], tr: Tr, town: (c: string) => string): string {
  const header = [tr('hazard.listing.no'), tr('hazard.listing.unit'), tr('hazard.listing.address'), tr('hazard.field.town'),
    tr('hazard.field.type'), tr('hazard.field.description'), tr('fields.level'), tr('hazard.listing.body'),
    tr('hazard.listing.listedOn'), tr('hazard.listing.deadline')]
  return csvText(header, rows.map((l) => [l.no, l.unit_name, l.address, town(l.town), l.type ?? '', l.description,
    tr(`hazard.listing.level.${l.level}`), l.body, l.listed_on, l.deadline]))
}

export function useListingBoard() {
  const route = useRoute()
  const router = useRouter()
  const user = useUserStore()
  const registry = useRegistryStore()
  const cat = useCatalogue()
  const can = (p: string): boolean => user.can(p)
  const view = ref<BoardView>('listed')
  const level = ref('')
  const status = ref('listed')
  const offset = ref(0)
  const listed = ref<ListingBrief[]>([])
  const published = ref<PublicListing[]>([])
  const total = ref(0)
  const loading = ref(false)
  const exporting = ref(false)
  const today = todayCN()

  const boardPage = (off: number, limit: number) =>
    listListing({ status: status.value || undefined, level: level.value || undefined, offset: off, limit })

  async function load(): Promise<void> {
    loading.value = true
    try {
      if (view.value === 'published') {
        const r = await listPublicListing({ offset: offset.value, limit: PAGE })
        published.value = r.items
        total.value = r.page.total
      } else {
        const r = await boardPage(offset.value, PAGE)
        listed.value = r.items
        total.value = r.page.total
      }
    } catch (e) {
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  function toUrl(): void {
    const q: Record<string, string> = {}
    if (view.value !== 'listed') q.view = view.value
    if (view.value === 'listed' && level.value) q.level = level.value
    if (view.value === 'listed' && status.value !== 'listed') q.status = status.value || 'all'
    void router.replace({ query: q })
  }

  function toPage(p: number): void {
    offset.value = (p - 1) * PAGE
    void load()
  }

  /* Every page of the view, then one file. */
  async function exportCsv(): Promise<void> {
    exporting.value = true
    try {
      const tr: Tr = (k, n) => t(k, n)
      const town = (c: string): string => registry.townName(c)
      let text: string
      if (view.value === 'published') {
        const all: PublicListing[] = []
        for (let off = 0; off < EXPORT_MAX; off += 200) {
          const r = await listPublicListing({ offset: off, limit: 200 })
          all.push(...r.items)
          if (r.items.length < 200 || all.length >= r.page.total) break
        }
        text = publicCsv(all, tr, town)
      } else {
        const all: ListingBrief[] = []
        for (let off = 0; off < EXPORT_MAX; off += 200) {
          const r = await boardPage(off, 200)
          all.push(...r.items)
          if (r.items.length < 200 || all.length >= r.page.total) break
        }
        text = listingCsv(all, tr, town)
      }
      const name = hazardExportFilename('csv', new Date(), t(view.value === 'published' ? 'hazard.listing.publicFilename'
        : 'hazard.listing.filename'))
      saveBlob(new Blob([text], { type: 'text/csv;charset=utf-8' }), name)
      ElMessage.success(t('hazard.exported', { name }))
    } catch (e) {
      await showError(e)
    } finally {
      exporting.value = false
    }
  }

  const dialog = useActionDialog(() => actionContext(cat, user.me?.jurisdiction), load, (c) => cat.deptName(c))

  function act(k: ActionKind, l: ListingBrief): void {
    dialog.show(k, { id: l.id, version: l.version, subtitle: `${l.no} · ${l.unit_name}` })
  }

  const actions = (l: ListingBrief) => listingActions(l, l.hazard_status, can)

  watch(() => route.query, (q) => {
    if (route.name !== 'HazardListings')
      return
    view.value = q.view === 'published' ? 'published' : 'listed'
    level.value = typeof q.level === 'string' && (LISTING_LEVELS as readonly string[]).includes(q.level) ? q.level : ''
    const s = typeof q.status === 'string' ? q.status : ''
    status.value = s === 'all' ? '' : (LISTING_STATUSES as readonly string[]).includes(s) ? s : 'listed'
    offset.value = 0
    void load()
  }, { immediate: true })
  void cat.load().catch(() => undefined)
  void registry.loadTowns().catch(() => undefined)

  return {
    view, level, status, offset, listed, published, total, loading, exporting, dialog, today, registry, PAGE,
    load, toUrl, toPage, exportCsv, act, actions,
  }
}
