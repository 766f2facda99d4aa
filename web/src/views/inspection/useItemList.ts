/*
 * 检查事项清单 (inspection:read): search by code or name, filter by
 * department, status and unit category, sort, page, export.  The query
 * lives in the URL so a reload or a shared link shows the same list.
 * Only city users with inspection:write change the list (INS-004).
 */
import { computed, reactive, ref, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { useI18n } from 'vue-i18n'
import { ElMessageBox } from 'element-plus'
import { archiveItem, exportItems, listItems } from '@/api/inspection'
import type { ExportFormat, InspectionItem } from '@/api/inspection'
import { useUserStore } from '@/store/user'
import { showError, success } from '@/utils/feedback'
import { exportFilename, exportFilter, parseItemQuery, toRouteQuery } from './dir'

/* Save a downloaded file under the name the console chose. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60000)
}

export function useItemList(routeName = 'InspectionItems') {
  const { t } = useI18n()
  const route = useRoute()
  const router = useRouter()
  const user = useUserStore()

  const query = reactive(parseItemQuery({}))
  const rows = ref<InspectionItem[]>([])
  const total = ref(0)
  const loading = ref(false)
  const exporting = ref<ExportFormat | null>(null)
  /* INS-004: the list is the city's. */
  const canWrite = computed(() => user.can('inspection:write') && user.me?.jurisdiction === 'city')

  function toUrl(): void {
    void router.replace({ query: toRouteQuery({ ...query }, 'code') })
  }

  async function load(): Promise<void> {
    loading.value = true
    try {
      const r = await listItems({ ...query, q: query.q.trim() })
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
    Object.assign(query, parseItemQuery({}))
    toUrl()
  }

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
    query.sort = !s.prop || !s.order ? 'code' : (s.order === 'descending' ? '-' : '') + s.prop
    search()
  }

  const defaultSort = computed(() => ({
    prop: query.sort.replace(/^-/, ''),
    order: (query.sort.startsWith('-') ? 'descending' : 'ascending') as 'ascending' | 'descending',
  }))

  async function exportAs(format: ExportFormat): Promise<void> {
    exporting.value = format
    try {
      const blob = await exportItems(exportFilter({ ...query }), format)
      const name = exportFilename(t('inspectionDir.items.filename'), format, new Date())
      saveBlob(blob, name)
      success(t('inspectionDir.exported', { name }))
    } catch (e) {
      await showError(e)
    } finally {
      exporting.value = null
    }
  }

  async function archive(it: InspectionItem): Promise<void> {
    try {
      await ElMessageBox.confirm(t('inspectionDir.items.archiveConfirm', { name: `${it.code} ${it.name}` }),
        t('common.prompt'), { type: 'warning', confirmButtonText: t('common.confirm'), cancelButtonText: t('common.cancel') })
    } catch {
      return
    }
    try {
      await archiveItem(it.id, it.version)
      success(t('inspectionDir.archived'))
    } catch (e) {
      await showError(e, { onReload: load })
    }
    await load()
  }

  watch(() => route.query, () => {
    if (route.name !== routeName)
      return
    Object.assign(query, parseItemQuery(route.query))
    void load()
  }, { immediate: true })

  return {
    query, rows, total, loading, exporting, canWrite, currentPage, defaultSort,
    load, search, reset, onSize, onSort, exportAs, archive,
  }
}
