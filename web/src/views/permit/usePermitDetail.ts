/*
 * One application (permit:read): every field, its documents, the
 * timeline, the certificate with its QR code, the PDF documents it has
 * (certificate, refusal, rectification notice, revocation; PRM-017), and
 * the officer's steps by status through one dialog with If-Match.  Every
 * answer reloads the application.
 */
import { computed, ref, watch } from 'vue'
import { useRoute } from 'vue-router'
import { ElMessage } from 'element-plus'
import { getPermit, getPermitDocument, getPermitRules } from '@/api/permit'
import type { Permit, PermitDocument, PermitRules } from '@/api/permit'
import { t } from '@/i18n'
import { useUserStore } from '@/store/user'
import { saveBlob } from '@/utils/download'
import { showError } from '@/utils/feedback'
import { permitActions, permitDocuments, timeline } from './permit'
import type { PermitAction } from './permit'
import { usePermitAction } from './usePermitAction'

export function usePermitDetail() {
  const route = useRoute()
  const user = useUserStore()
  const permit = ref<Permit | null>(null)
  const rules = ref<PermitRules | null>(null)
  const loading = ref(false)
  const downloading = ref<PermitDocument | null>(null)
  const can = (p: string): boolean => user.can(p)

  const actions = computed<PermitAction[]>(() => (permit.value ? permitActions(permit.value, can) : []))
  const documents = computed<PermitDocument[]>(() => (permit.value ? permitDocuments(permit.value) : []))
  const steps = computed(() => timeline(permit.value?.steps))

  async function load(): Promise<void> {
    const id = String(route.params.id ?? '')
    if (!id)
      return
    loading.value = true
    try {
      permit.value = (await getPermit(id)).data
    } catch (e) {
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  async function download(kind: PermitDocument): Promise<void> {
    if (!permit.value)
      return
    downloading.value = kind
    try {
      const r = await getPermitDocument(permit.value.id, kind)
      const name = r.filename ?? `${t(`permit.doc.kind.${kind}`)}-${permit.value.no}.pdf`
      saveBlob(r.blob, name)
      ElMessage.success(t('permit.doc.downloaded', { name }))
    } catch (e) {
      await showError(e)
    } finally {
      downloading.value = null
    }
  }

  const dialog = usePermitAction(() => rules.value, load)

  function act(a: PermitAction): void {
    if (permit.value)
      dialog.show(a, permit.value)
  }

  watch(() => route.params.id, () => {
    if (route.name === 'PermitDetail')
      void load()
  }, { immediate: true })
  void getPermitRules().then((r) => { rules.value = r }).catch(() => undefined)

  return { permit, rules, loading, downloading, actions, documents, steps, dialog, user, load, download, act }
}
