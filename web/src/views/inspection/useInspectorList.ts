/*
 * 执法检查人员名录库 (inspection:read): search by name or certificate,
 * filter by department, town, status and certificate (valid, expired,
 * expiring within N days), sort, page, export.  The server answers
 * within the user's jurisdiction (a town sees the inspectors of its
 * town, INS-011); a town keeps only inspectors of its town alone
 * (INS-012), which is what canEdit() says before the server does.
 */
import { computed, reactive, ref, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { useI18n } from 'vue-i18n'
import { ElMessageBox } from 'element-plus'
import { archiveInspector, exportInspectors, listInspectors } from '@/api/inspection'
import type { ExportFormat, Inspector } from '@/api/inspection'
import { useUserStore } from '@/store/user'
import { useRegistryStore } from '@/store/registry'
import { showError, success } from '@/utils/feedback'
import { certState, exportFilename, exportFilter, parseInspectorQuery, toRouteQuery, todayShanghai } from './dir'
import { saveBlob } from './useItemList'

export function useInspectorList(routeName = 'InspectionInspectors') {
  const { t } = useI18n()
  const route = useRoute()
  const router = useRouter()
  const user = useUserStore()
  const registry = useRegistryStore()

  const query = reactive(parseInspectorQuery({}))
  const rows = ref<Inspector[]>([])
  const total = ref(0)
  const loading = ref(false)
  const exporting = ref<ExportFormat | null>(null)
  const today = ref(todayShanghai())
  const canWrite = computed(() => user.can('inspection:write'))
  /* A town-level user has one town. */
  const fixedTown = computed(() => /^town:(\d{9})$/.exec(user.me?.jurisdiction ?? '')?.[1] ?? '')
  const isCity = computed(() => user.me?.jurisdiction === 'city')

  /* INS-012: the city changes any inspector, a town its own alone. */
  function canEdit(p: Inspector): boolean {
    if (!canWrite.value || p.status === 'archived')
      return false
    return isCity.value || (p.areas.length === 1 && p.areas[0] === fixedTown.value)
  }

  function areaNames(p: Inspector): string {
    return p.areas.map((c) => registry.townName(c)).join('、')
  }

  function cert(p: Inspector) {
    return certState(p.cert_valid_until, today.value)
  }

  function toUrl(): void {
    void router.replace({ query: toRouteQuery({ ...query }, 'name') })
  }

  async function load(): Promise<void> {
    loading.value = true
    today.value = todayShanghai()
    try {
      const r = await listInspectors({ ...query, q: query.q.trim() })
      rows.value = r.items
      total.value = r.page.total
    } catch (e) {
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  function search(): void {
    query.offset = 0
    toUrl()
  }

  function reset(): void {
    Object.assign(query, parseInspectorQuery({}))
    toUrl()
  }

  /* The certificate filter as one choice: valid, expired or expiring:N. */
  const certChoice = computed({
    get: () => (query.expiring ? `expiring:${query.expiring}` : query.cert),
    set: (v: string) => {
      const m = /^expiring:(\d+)$/.exec(v ?? '')
      query.expiring = m ? m[1]! : ''
      query.cert = m ? '' : (v ?? '')
    },
  })

  const currentPage = computed({
    get: () => Math.floor(query.offset / query.limit) + 1,
    set: (p: number) => { query.offset = (p - 1) * query.limit; toUrl() },
  })

  function onSize(n: number): void {
    query.limit = n
    query.offset = 0
    toUrl()
  }

  function onSort(s: { prop: string | null; order: 'ascending' | 'descending' | null }): void {
    query.sort = !s.prop || !s.order ? 'name' : (s.order === 'descending' ? '-' : '') + s.prop
    search()
  }

  const defaultSort = computed(() => ({
    prop: query.sort.replace(/^-/, ''),
    order: (query.sort.startsWith('-') ? 'descending' : 'ascending') as 'ascending' | 'descending',
  }))

  async function exportAs(format: ExportFormat): Promise<void> {
    exporting.value = format
    try {
      const blob = await exportInspectors(exportFilter({ ...query }), format)
      const name = exportFilename(t('inspectionDir.inspectors.filename'), format, new Date())
      saveBlob(blob, name)
      success(t('inspectionDir.exported', { name }))
    } catch (e) {
      await showError(e)
    } finally {
      exporting.value = null
    }
  }

  async function archive(p: Inspector): Promise<void> {
    try {
      await ElMessageBox.confirm(t('inspectionDir.inspectors.archiveConfirm', { name: p.name }), t('common.prompt'),
        { type: 'warning', confirmButtonText: t('common.confirm'), cancelButtonText: t('common.cancel') })
    } catch {
      return
    }
    try {
      await archiveInspector(p.id, p.version)
      success(t('inspectionDir.archived'))
    } catch (e) {
      await showError(e, { onReload: load })
    }
    await load()
  }

  watch(() => route.query, () => {
    if (route.name !== routeName)
      return
    Object.assign(query, parseInspectorQuery(route.query))
    void load()
  }, { immediate: true })

  void registry.loadTowns().catch(() => undefined)

  return {
    query, rows, total, loading, exporting, canWrite, fixedTown, isCity, registry, certChoice, currentPage,
    defaultSort, load, search, reset, onSize, onSort, exportAs, archive, canEdit, areaNames, cert,
  }
}
