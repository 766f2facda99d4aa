/*
 * 重大火灾隐患判定 (GB 35181, hazard:judge) as a wizard: the edition (the
 * one in force on the day the hazard was found is proposed, HAZ-J02), the
 * place category, the elements ticked by group — direct first, items the
 * data marks unconfirmed flagged — an exclusion (5.1.3), the procedure
 * and its people (a collective discussion of at least 3, or an expert
 * review of at least 7 with two thirds agreeing), then the server's
 * judgement.  A major outcome makes the hazard major.
 */
import { computed, reactive, ref } from 'vue'
import { addJudgement, getJudgeEdition, listJudgeEditions } from '@/api/hazard'
import type { Hazard, JudgeEdition, JudgeEditionFile, Judgement } from '@/api/hazard'
import { IdempotencyKeeper } from '@/api/http'
import { t } from '@/i18n'
import { clearFields, showError, success } from '@/utils/feedback'
import { agreeingNeeded, editionOn, elementGroups, judgeBody, judgeFormProblem, judgeTally, parseNames } from './hazard'
import type { JudgeForm } from './hazard'

export const JUDGE_STEPS = ['edition', 'place', 'elements', 'exclusion', 'people', 'result'] as const

/* The edition files read so far (they do not change while the server runs). */
const files = ref<Record<string, JudgeEditionFile>>({})
const pending: Record<string, Promise<void>> = {}

export function loadEditionFile(ed: string): Promise<void> {
  if (!ed || files.value[ed])
    return Promise.resolve()
  pending[ed] ??= getJudgeEdition(ed).then((f) => { files.value = { ...files.value, [ed]: f } })
    .finally(() => { delete pending[ed] })
  return pending[ed]!
}

/* A place category's name in the reader's language, once its edition is read. */
export function placeName(edition: string, code: string, lang: string): string {
  const p = files.value[edition]?.places.find((x) => x.code === code)
  return p ? (lang === 'en' ? p.name_en : p.name_zh) : code
}
export const JUDGE_FIELDS = ['edition', 'place', 'elements', 'exclusion', 'procedure', 'participants', 'agreeing',
  'conclusion'] as const

export function useJudgeWizard(onDone: () => void | Promise<void>) {
  const open = ref(false)
  const step = ref(0)
  const hazard = ref<Hazard | null>(null)
  const editions = ref<JudgeEdition[]>([])
  const loading = ref(false)
  const saving = ref(false)
  const result = ref<Judgement | null>(null)
  const keeper = new IdempotencyKeeper()
  const form = reactive<JudgeForm>({
    edition: '', place: '', elements: [], exclusion: '', procedure: 'discussion', participants: '', agreeing: 0,
    conclusion: '',
  })
  const fieldErrors = reactive<Record<string, string>>(Object.fromEntries(JUDGE_FIELDS.map((f) => [f, ''])))

  const file = computed(() => files.value[form.edition] ?? null)
  const groups = computed(() => (file.value ? elementGroups(file.value) : []))
  const tally = computed(() => (file.value ? judgeTally(file.value, form.place, form.elements) : null))
  const people = computed(() => parseNames(form.participants))
  const needed = computed(() => agreeingNeeded(people.value.length))

  async function loadEdition(ed: string): Promise<void> {
    if (!ed || files.value[ed])
      return
    loading.value = true
    try {
      await loadEditionFile(ed)
    } catch (e) {
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  async function show(h: Hazard): Promise<void> {
    hazard.value = h
    step.value = 0
    result.value = null
    keeper.reset()
    clearFields(fieldErrors)
    Object.assign(form, { edition: '', place: '', elements: [], exclusion: '', procedure: 'discussion', participants: '',
      agreeing: 0, conclusion: '' })
    open.value = true
    loading.value = true
    try {
      editions.value = await listJudgeEditions()
    } catch (e) {
      loading.value = false
      await showError(e)
      return
    }
    loading.value = false
    form.edition = editionOn(editions.value, h.found_on)?.edition ?? ''
    await loadEdition(form.edition)
  }

  async function pickEdition(ed: string): Promise<void> {
    form.edition = ed
    form.place = ''
    form.elements = []
    form.exclusion = ''
    await loadEdition(ed)
  }

  async function submit(): Promise<void> {
    saving.value = true
    try {
      result.value = await addJudgement(hazard.value!.id, judgeBody(form), keeper.get())
      keeper.reset()
      step.value = JUDGE_STEPS.length - 1
      success(t('hazard.judge.done'))
      await onDone()
    } catch (e) {
      await showError(e, { fields: fieldErrors, formFields: JUDGE_FIELDS })
      const bad = JUDGE_FIELDS.find((f) => fieldErrors[f])
      if (bad === 'edition') step.value = 0
      else if (bad === 'place') step.value = 1
      else if (bad === 'elements') step.value = 2
      else if (bad === 'exclusion') step.value = 3
    } finally {
      saving.value = false
    }
  }

  async function next(): Promise<void> {
    clearFields(fieldErrors)
    const p = judgeFormProblem(form, step.value)
    if (p) {
      fieldErrors[p.field] = t(p.key, p.params)
      return
    }
    if (step.value === 4) {
      await submit()
      return
    }
    step.value++
  }

  function prev(): void {
    clearFields(fieldErrors)
    if (step.value > 0 && step.value < JUDGE_STEPS.length - 1)
      step.value--
  }

  return {
    open, step, hazard, editions, file, groups, tally, people, needed, loading, saving, result, form, fieldErrors,
    show, pickEdition, next, prev,
  }
}

export type JudgeWizardCtl = ReturnType<typeof useJudgeWizard>
