/*
 * One case (case:read): the header with status and clocks, the steps
 * allowed now (useCaseAction), the timeline, officers (add, recuse with
 * case:approve), violations with each suggestion's trace (add through the
 * calculator, withdraw), evidence (files uploaded as hazards' photos are,
 * then recorded), measures (a coercive one with its legal ground,
 * ENF-016), the PDF documents it has (ENF-040) and the payment status.
 * Every change is sent with If-Match and reloads the case.
 */
import { computed, reactive, ref, watch } from 'vue'
import { useRoute } from 'vue-router'
import { ElMessage } from 'element-plus'
import { caseDocumentUrl, caseStep, getCase, getCaseArchive, getCaseDocument, getCaseRules, listCasePayment } from '@/api/enforce'
import type { Case, CaseArchive, DocKind, Payment } from '@/api/enforce'
import { ApiError } from '@/api/http'
import { t } from '@/i18n'
import { useUserStore } from '@/store/user'
import { saveBlob } from '@/utils/download'
import { clearFields, showError, success } from '@/utils/feedback'
import { archiveDocuments, caseActions, caseClocks, caseDocuments, needsJustification, amountCheck, timeline, violationBody, violationProblem } from './enforce'
import type { CaseAction } from './enforce'
import { useCaseAction } from './useCaseAction'
import { useCalculator } from './useCalculator'
import { useOfficerPicker } from './useOfficerPicker'
import { caseErrorText } from './errorText'
import { todayCN } from '@/utils/format'

export interface MeasureRule { kind: string; name_zh: string; coercive: boolean; grounds?: string[] }

export function useCaseDetail() {
  const route = useRoute()
  const user = useUserStore()
  const today = todayCN()
  const kase = ref<Case | null>(null)
  const payments = ref<Payment[]>([])
  const rules = ref<Record<string, unknown> | null>(null)
  const loading = ref(false)
  const downloading = ref<DocKind | null>(null)
  const can = (p: string): boolean => user.can(p)
  const officers = useOfficerPicker(today)

  const actions = computed<CaseAction[]>(() => (kase.value ? caseActions(kase.value, can, today) : []))
  const archive = ref<CaseArchive | null>(null)
  /* The server's own list when the archive answered (ENF-071), else what the case shows. */
  const documents = computed<DocKind[]>(() => (archive.value ? archiveDocuments(archive.value.documents)
    : kase.value ? caseDocuments({ ...kase.value, payments: payments.value }) : []))
  const clocks = computed(() => (kase.value ? caseClocks(kase.value, today) : []))
  const steps = computed(() => timeline(kase.value?.steps))
  const open = computed(() => !!kase.value && ['filed', 'notified', 'hearing', 'review', 'discussion'].includes(kase.value.status))
  const editable = computed(() => open.value && can('case:write'))
  const measureKinds = computed<MeasureRule[]>(() => (rules.value?.measures as MeasureRule[] | undefined) ?? [])
  const extensionMax = (): number => {
    const c = (rules.value?.clocks as Record<string, { value: number }> | undefined)?.extension_max_days
    return c?.value ?? 30
  }

  function id(): string {
    return String(route.params.id ?? '')
  }

  async function loadPayments(): Promise<void> {
    try {
      payments.value = (await listCasePayment(id())).items
    } catch {
      payments.value = []
    }
  }

  async function loadArchive(): Promise<void> {
    try {
      archive.value = await getCaseArchive(id())
    } catch {
      archive.value = null
    }
  }

  async function load(): Promise<void> {
    if (!id())
      return
    loading.value = true
    try {
      kase.value = (await getCase(id())).data
      void loadArchive()
      if (kase.value.pay_status && kase.value.pay_status !== 'none')
        await loadPayments()
      else
        payments.value = kase.value.payments ?? []
    } catch (e) {
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  const dialog = useCaseAction(extensionMax, async (c) => {
    if (c && c.id)
      kase.value = c
    await load()
  })

  function act(a: CaseAction): void {
    if (kase.value)
      dialog.show(a, kase.value)
  }

  async function download(kind: DocKind): Promise<void> {
    if (!kase.value)
      return
    downloading.value = kind
    try {
      const r = await getCaseDocument(kase.value.id, kind)
      const name = r.filename ?? `${t(`enforce.doc.${kind}`)}-${kase.value.no}.pdf`
      saveBlob(r.blob, name)
      ElMessage.success(t('enforce.doc.downloaded', { name }))
    } catch (e) {
      await showError(e)
    } finally {
      downloading.value = null
    }
  }

  function docUrl(kind: DocKind): string {
    return kase.value ? caseDocumentUrl(kase.value.id, kind) : ''
  }

  /* A side change (violation, evidence, measure, officer): If-Match, then reload. */
  async function change(path: string, body: unknown, done: string, fields?: Record<string, string>): Promise<boolean> {
    if (!kase.value)
      return false
    try {
      await caseStep(kase.value.id, kase.value.version, path, body)
      success(t(done))
      await load()
      return true
    } catch (e) {
      if (fields && e instanceof ApiError && e.field && e.status < 500 && e.status !== 412 && e.status !== 428) {
        fields[e.field.replace(/\[\d+\].*$/, '')] = caseErrorText(e)
        fields._ = caseErrorText(e)
        return false
      }
      await showError(e, { onReload: load })
      return false
    }
  }

  /* ---- violations through the calculator ---- */
  const calc = useCalculator('unit')
  const calcOpen = ref(false)
  const vErrors = reactive<Record<string, string>>({})
  const vSaving = ref(false)

  watch(() => ({ ...calc.v, item: calc.calc.item }), () => clearFields(vErrors))

  function openCalc(): void {
    calc.reset()
    calc.calc.party = kase.value?.party_type ?? 'unit'
    clearFields(vErrors)
    calcOpen.value = true
    void calc.loadItems()
  }

  async function addViolation(): Promise<void> {
    clearFields(vErrors)
    const p = violationProblem(calc.calc, calc.v, calc.suggestion.value)
    if (p) {
      vErrors[p.field] = t(p.key, p.params)
      return
    }
    vSaving.value = true
    const ok = await change('violations', violationBody(calc.calc, calc.v, calc.suggestion.value), 'enforce.done.violation', vErrors)
    vSaving.value = false
    if (ok)
      calcOpen.value = false
  }

  async function withdrawViolation(vid: string): Promise<void> {
    await change(`violations/${encodeURIComponent(vid)}/withdraw`, {}, 'enforce.done.withdrawn')
  }

  /* ---- evidence ---- */
  const evidence = reactive({ kind: 'photo', files: [] as string[], description: '', collected_on: today })
  const eErrors = reactive<Record<string, string>>({})
  const uploading = ref(0)

  async function addEvidence(): Promise<void> {
    clearFields(eErrors)
    if ([...evidence.description.trim()].length < 2) {
      eErrors.description = t('enforce.ev.descriptionRule')
      return
    }
    const ids = evidence.files.length ? evidence.files : [null]
    for (const fid of ids) {
      const body: Record<string, unknown> = { kind: evidence.kind, description: evidence.description.trim(), collected_on: evidence.collected_on }
      if (fid)
        body.file_id = fid
      if (!(await change('evidence', body, 'enforce.done.evidence', eErrors)))
        return
    }
    Object.assign(evidence, { files: [], description: '' })
  }

  /* ---- measures ---- */
  const measure = reactive({ kind: '', legal_ground: '', note: '', decided_on: today })
  const mErrors = reactive<Record<string, string>>({})
  const measureRule = computed(() => measureKinds.value.find((m) => m.kind === measure.kind) ?? null)

  async function addMeasure(): Promise<void> {
    clearFields(mErrors)
    if (!measure.kind) {
      mErrors.kind = t('enforce.m.pickKind')
      return
    }
    if (measureRule.value?.coercive && !measure.legal_ground) {
      mErrors.legal_ground = t('enforce.m.groundNeeded')
      return
    }
    const body: Record<string, unknown> = { kind: measure.kind, decided_on: measure.decided_on }
    if (measure.legal_ground)
      body.legal_ground = measure.legal_ground
    if (measure.note.trim())
      body.note = measure.note.trim()
    if (await change('measures', body, 'enforce.done.measure', mErrors))
      Object.assign(measure, { kind: '', legal_ground: '', note: '' })
  }

  /* ---- officers ---- */
  const officerForm = reactive({ user_id: '', role: 'assist' as 'lead' | 'assist' })
  const oErrors = reactive<Record<string, string>>({})

  async function addOfficer(): Promise<void> {
    clearFields(oErrors)
    if (!officerForm.user_id) {
      oErrors.officers = t('enforce.form.pickOfficer')
      return
    }
    if (await change('officers', { user_id: officerForm.user_id, role: officerForm.role }, 'enforce.done.officer', oErrors))
      officerForm.user_id = ''
  }

  async function recuse(uid: string, reason: string): Promise<void> {
    await change(`officers/${encodeURIComponent(uid)}/recuse`, { reason }, 'enforce.done.recused', oErrors)
  }

  watch(() => route.params.id, () => {
    if (route.name === 'CaseDetail')
      void load()
  }, { immediate: true })
  void getCaseRules().then((r) => { rules.value = r }).catch(() => undefined)
  void officers.load()

  return {
    kase, archive, payments, rules, loading, downloading, actions, documents, clocks, steps, open, editable, measureKinds, dialog, user,
    officers, calc, calcOpen, vErrors, vSaving, evidence, eErrors, uploading, measure, mErrors, measureRule, officerForm, oErrors,
    load, act, download, docUrl, openCalc, addViolation, withdrawViolation, addEvidence, addMeasure, addOfficer, recuse, can,
    amountCheck, needsJustification,
  }
}
