/*
 * 巡查记录 on a phone (patrol:write): the unit found by name within one's
 * jurisdiction; the checklist of its trade as the server would choose it
 * (PAT-002), or another of one's kind; every item pass / fail / not
 * applicable, a failure with a note and at least one photo, corrected on
 * the spot only where the item's hazard type allows it (PAT-005), else a
 * deadline in working days; the patroller's and the unit's signatures
 * drawn on the screen (or the unit's refusal to sign with the reason,
 * PAT-006); the phone's position if it gives one; a note.  Police
 * stations record police checks with the special-industry checklist
 * (PAT-003).  Signatures are uploaded as PNG (purpose signature); the
 * create keeps one Idempotency-Key until it succeeds.
 */
import { computed, reactive, ref, watch } from 'vue'
import { useRouter } from 'vue-router'
import { uploadFile } from '@/api/files'
import { ApiError, IdempotencyKeeper } from '@/api/http'
import { addPatrol } from '@/api/patrol'
import { listUnit } from '@/api/registry'
import type { UnitBrief } from '@/api/registry'
import { t } from '@/i18n'
import { useUserStore } from '@/store/user'
import { errorText } from '@/utils/errors'
import { showError, success } from '@/utils/feedback'
import { useCatalogue } from '@/views/hazard/useCatalogue'
import { useChecklists } from './useChecklists'
import {
  blankAnswers, chooseTemplate, expectedOutcome, kindFor, onSpotAllowed, patrolBody, patrolProblem, problemField,
  templatesOf,
} from './patrol'
import type { Answer, Position } from './patrol'

export type PadName = 'patroller' | 'unit'
export interface Pad { toBlob: () => Promise<Blob | null>; clear: () => void }

export function usePatrolForm() {
  const router = useRouter()
  const user = useUserStore()
  const cat = useCatalogue()
  const kind = computed(() => kindFor((p) => user.can(p)))
  const { checklists, load: loadChecklists } = useChecklists()
  const units = ref<UnitBrief[]>([])
  const unit = ref<UnitBrief | null>(null)
  const unitId = ref('')
  const searching = ref(false)
  const templateCode = ref('')
  const answers = reactive<Record<string, Answer>>({})
  const note = ref('')
  const signed = reactive({ patroller: false, unit: false })
  const refused = ref(false)
  const refusal = ref('')
  const position = ref<Position | null>(null)
  const locating = ref(false)
  const locateProblem = ref('')
  const uploading = ref(0)
  const saving = ref(false)
  /* The first problem: which item or part, and the text. */
  const problem = ref<{ field: string; text: string } | null>(null)
  const keeper = new IdempotencyKeeper()
  /* A drawn signature is uploaded once; drawing again forgets the upload. */
  const uploaded: Record<PadName, string | null> = { patroller: null, unit: null }

  const templates = computed(() => templatesOf(checklists.value, kind.value))
  const chosen = computed(() => chooseTemplate(checklists.value, kind.value, unit.value))
  const template = computed(() => templates.value.find((x) => x.code === templateCode.value) ?? null)
  const types = computed(() => cat.types.value)
  const maxDays = computed(() => cat.clock('max_deadline_days', 60))
  const outcome = computed(() => expectedOutcome(answers))

  function resetAnswers(): void {
    for (const k of Object.keys(answers))
      delete answers[k]
    if (template.value)
      Object.assign(answers, blankAnswers(template.value, types.value))
    problem.value = null
  }

  /* A new unit: the checklist of its trade, fresh answers. */
  watch(unitId, (id) => {
    unit.value = units.value.find((u) => u.id === id) ?? null
    templateCode.value = chosen.value?.code ?? ''
    resetAnswers()
  })
  watch(templateCode, resetAnswers)
  /* The catalogue may arrive after the checklist: default deadlines then. */
  watch(types, () => {
    for (const i of template.value?.items ?? []) {
      const a = answers[i.code]
      const d = types.value.find((x) => x.code === i.hazard_type)?.deadline_days
      if (a && d && a.result !== 'fail')
        a.deadline_days = d
    }
  })

  async function findUnits(q: string): Promise<void> {
    if (!q.trim()) {
      units.value = unit.value ? [unit.value] : []
      return
    }
    searching.value = true
    try {
      units.value = (await listUnit({ q: q.trim().slice(0, 64), status: 'active', limit: 20 })).items
    } catch (e) {
      await showError(e)
    } finally {
      searching.value = false
    }
  }

  function canOnSpot(hazardType: string): boolean {
    return onSpotAllowed(hazardType, types.value)
  }

  function typeName(code: string): string {
    return cat.typeName(code)
  }

  /* Every item not yet answered: passed (the common case on a good visit). */
  function passRest(): void {
    for (const a of Object.values(answers))
      if (!a.result)
        a.result = 'pass'
  }

  function onSign(name: PadName, empty: boolean): void {
    signed[name] = !empty
    uploaded[name] = null
  }

  function locate(): void {
    locateProblem.value = ''
    if (!navigator.geolocation) {
      locateProblem.value = t('patrol.form.noGps')
      return
    }
    locating.value = true
    navigator.geolocation.getCurrentPosition((p) => {
      position.value = {
        lat: Math.round(p.coords.latitude * 1e6) / 1e6,
        lng: Math.round(p.coords.longitude * 1e6) / 1e6,
        accuracy_m: Math.min(100000, Math.round(p.coords.accuracy)),
        at: Math.floor(p.timestamp / 1000),
      }
      locating.value = false
    }, () => {
      locateProblem.value = t('patrol.form.noGps')
      locating.value = false
    }, { enableHighAccuracy: true, timeout: 15000 })
  }

  async function signature(name: PadName, pad: Pad | null | undefined): Promise<string> {
    if (uploaded[name])
      return uploaded[name]!
    const blob = await pad?.toBlob()
    if (!blob)
      throw new Error('unsigned')
    uploaded[name] = (await uploadFile(blob, 'signature')).id
    return uploaded[name]!
  }

  async function submit(pads: Record<PadName, Pad | null | undefined>): Promise<void> {
    problem.value = null
    const p = patrolProblem(template.value, answers, types.value,
      { patroller: signed.patroller, unit: signed.unit, refused: refused.value, refusal: refusal.value }, note.value, maxDays.value)
    if (p) {
      problem.value = { field: p.field, text: t(p.key, p.params) }
      return
    }
    saving.value = true
    try {
      const sigs: { patroller: string; unit?: string; refusal?: string } = { patroller: await signature('patroller', pads.patroller) }
      if (refused.value)
        sigs.refusal = refusal.value
      else
        sigs.unit = await signature('unit', pads.unit)
      const rec = await addPatrol(patrolBody(unitId.value, kind.value, template.value!, chosen.value, answers, types.value, sigs,
        note.value, position.value), keeper.get())
      keeper.reset()
      success(t(`patrol.form.saved.${rec.outcome}`, { n: rec.failures }))
      await router.push({ name: 'PatrolDetail', params: { id: rec.id } })
    } catch (e) {
      if (e instanceof Error && e.message === 'unsigned') {
        problem.value = { field: 'signatures', text: t('patrol.form.patrollerSigns') }
      } else if (e instanceof ApiError && e.field && e.status < 500) {
        problem.value = { field: problemField(e.field, template.value), text: errorText(e, t) }
      } else {
        await showError(e)
      }
    } finally {
      saving.value = false
    }
  }

  void loadChecklists().catch((e: unknown) => showError(e))
  void cat.load().catch(() => undefined)

  return {
    kind, checklists, units, unit, unitId, searching, templates, chosen, template, templateCode, answers, note, signed,
    refused, refusal, position, locating, locateProblem, uploading, saving, problem, maxDays, outcome,
    findUnits, canOnSpot, typeName, passRest, onSign, locate, submit,
  }
}
