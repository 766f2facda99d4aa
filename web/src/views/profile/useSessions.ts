/* One's own sessions (GET/DELETE /api/v1/me/sessions). */
import { ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { ElMessageBox } from 'element-plus'
import { delMySession, listMySession } from '@/api/account'
import type { Session } from '@/api/account'
import { showError, success } from '@/utils/feedback'

export function useSessions() {
  const { t } = useI18n()
  const rows = ref<Session[]>([])
  const loading = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    try {
      rows.value = (await listMySession()).items
    } catch (e) {
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  async function end(s: Session): Promise<void> {
    try {
      await ElMessageBox.confirm(t('sessions.endConfirm'), t('common.prompt'), {
        type: 'warning', confirmButtonText: t('sessions.end'), cancelButtonText: t('common.cancel'),
      })
    } catch {
      return
    }
    try {
      await delMySession(s.id)
      success(t('sessions.ended'))
      await load()
    } catch (e) {
      await showError(e)
    }
  }

  return { rows, loading, load, end }
}
