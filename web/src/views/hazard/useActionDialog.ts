/*
 * One dialog for every step on a hazard, a transfer, a seal or a listing
 * (actions.ts describes their fields): open it on a record with the
 * version the person saw, check what the server would refuse, send the
 * step (If-Match for changes; one Idempotency-Key per new transfer, seal,
 * listing or progress report until it succeeds), say what happened and
 * reload.  A 412 explains that someone else changed the record and reloads.
 */
import { reactive, ref, watch } from 'vue'
import {
  acceptTransfer, addListing, addSeal, applyLiftSeal, completeTransfer, decideTransfer, delistListing, dismissHazard,
  disputeTransfer, extendSeal, liftSeal, orderHazard, recheckHazard, refuseLiftSeal, reportHazard, reportListing,
  returnTransfer, transferHazard,
} from '@/api/hazard'
import type {
  DecideInput, Hazard, ListingInput, OrderInput, RecheckInput, ReportInput, SealInput, TransferInput,
} from '@/api/hazard'
import { IdempotencyKeeper } from '@/api/http'
import { t } from '@/i18n'
import { clearFields, showError, success } from '@/utils/feedback'
import { actionBody, actionFields, actionProblem, addDays, blankAction } from './actions'
import type { ActionContext, ActionField, ActionForm, ActionKind, Value } from './actions'
import { scopeOf } from './hazard'
import type { useCatalogue } from './useCatalogue'
import { todayCN } from '@/utils/format'

/* The limits a step's fields need: the catalogue's clocks, today, the listing levels of one's jurisdiction. */
export function actionContext(cat: ReturnType<typeof useCatalogue>, jurisdiction: string | undefined,
  typeDays = 10): ActionContext {
  const today = todayCN()
  return {
    maxDays: cat.clock('max_deadline_days', 60),
    typeDays,
    sealDays: cat.clock('seal_max_days', 30),
    sealLatest: addDays(today, 30),
    listLevels: scopeOf(jurisdiction).kind === 'city' ? ['town', 'city'] : ['town'],
    depts: cat.transferDepts.value.map((d) => ({ value: d.code, label: cat.deptName(d.code) })),
    today,
  }
}

export interface ActionTarget {
  /* The hazard (order … list), transfer, seal or listing the step is on. */
  id: string
  version: number
  /* Shown under the title: the hazard number, the unit. */
  subtitle?: string
}

type Body = Record<string, Value>
const as = <T>(b: Body): T => b as unknown as T
const text = (b: Body, k: string): string => String(b[k] ?? '')

export function useActionDialog(context: () => ActionContext, onDone: () => void | Promise<void>,
  deptName: (code: string) => string = (c) => c) {
  const open = ref(false)
  const kind = ref<ActionKind>('order')
  const target = ref<ActionTarget>({ id: '', version: 0 })
  const fields = ref<ActionField[]>([])
  const form = reactive<ActionForm>({})
  const fieldErrors = reactive<Record<string, string>>({})
  const saving = ref(false)
  const uploading = ref(0)
  const keeper = new IdempotencyKeeper()

  /* A photo added answers "add a photo": its message goes. */
  watch(() => form.photos, () => { if (fieldErrors.photos) fieldErrors.photos = '' })

  function show(k: ActionKind, tg: ActionTarget): void {
    if (k !== kind.value || tg.id !== target.value.id)
      keeper.reset()
    kind.value = k
    target.value = tg
    fields.value = actionFields(k, context())
    for (const key of Object.keys(form))
      delete form[key]
    Object.assign(form, blankAction(fields.value))
    for (const key of Object.keys(fieldErrors))
      delete fieldErrors[key]
    for (const f of fields.value)
      fieldErrors[f.key] = ''
    open.value = true
  }

  /* The step's call; resolves with the success text. */
  async function send(b: Body): Promise<string> {
    const { id, version } = target.value
    switch (kind.value) {
    case 'order': {
      const h: Hazard = (await orderHazard(id, version, as<OrderInput>(b))).data
      return t('hazard.step.done.order', { no: h.notice_no ?? '' })
    }
    case 'dismiss':
      await dismissHazard(id, version, text(b, 'reason'))
      return t('hazard.step.done.dismiss')
    case 'report':
      await reportHazard(id, version, as<ReportInput>(b))
      return t('hazard.step.done.report')
    case 'recheck':
      await recheckHazard(id, version, as<RecheckInput>(b))
      return t(b.result === 'pass' ? 'hazard.step.done.pass' : 'hazard.step.done.fail')
    case 'transfer':
      await transferHazard(id, as<TransferInput>(b), keeper.get())
      return t('hazard.step.done.transfer', { dept: deptName(text(b, 'dept')) })
    case 'accept':
      await acceptTransfer(id, version, text(b, 'note') || undefined)
      return t('hazard.step.done.accept')
    case 'return':
      await returnTransfer(id, version, text(b, 'reason'))
      return t('hazard.step.done.return')
    case 'complete':
      await completeTransfer(id, version, as<{ note: string; photos?: string[] }>(b))
      return t('hazard.step.done.complete')
    case 'dispute':
      await disputeTransfer(id, version, text(b, 'note'))
      return t('hazard.step.done.dispute')
    case 'decide':
      await decideTransfer(id, version, as<DecideInput>(b))
      return t('hazard.step.done.decide')
    case 'seal': {
      const s = await addSeal(id, as<SealInput>(b), keeper.get())
      return t('hazard.seal.created', { no: s.no })
    }
    case 'extend':
      await extendSeal(id, version, as<{ days: number; reason: string }>(b))
      return t('hazard.seal.done.extend')
    case 'apply':
      await applyLiftSeal(id, version, text(b, 'request'))
      return t('hazard.seal.done.apply')
    case 'lift':
      await liftSeal(id, version, text(b, 'note'))
      return t('hazard.seal.done.lift')
    case 'refuse':
      await refuseLiftSeal(id, version, text(b, 'note'))
      return t('hazard.seal.done.refuse')
    case 'list': {
      const l = await addListing(id, as<ListingInput>(b), keeper.get())
      return t('hazard.listing.created', { no: l.no })
    }
    case 'progress':
      await reportListing(id, as<{ text: string; photos: string[] }>({ photos: [], ...b }), keeper.get())
      return t('hazard.listing.reported')
    case 'delist':
      await delistListing(id, version, text(b, 'note'))
      return t('hazard.listing.delisted')
    }
  }

  async function submit(): Promise<void> {
    clearFields(fieldErrors)
    const p = actionProblem(fields.value, form)
    if (p) {
      fieldErrors[p.field] = t(p.key, p.params)
      return
    }
    saving.value = true
    try {
      const msg = await send(actionBody(fields.value, form))
      keeper.reset()
      open.value = false
      success(msg)
      await onDone()
    } catch (e) {
      await showError(e, {
        fields: fieldErrors,
        formFields: fields.value.map((f) => f.key),
        onReload: async () => { open.value = false; await onDone() },
      })
    } finally {
      saving.value = false
    }
  }

  return { open, kind, target, fields, form, fieldErrors, saving, uploading, show, submit }
}

export type ActionDialogCtl = ReturnType<typeof useActionDialog>
