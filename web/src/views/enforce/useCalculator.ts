/*
 * The discretion calculator (裁量计算, PEN-002..017 through POST
 * /penalty/suggest): the item picker (GET /penalty/items, loaded once per
 * session), the party, tier and facts flags; each change asks the engine
 * again (the server is the one engine); the proposed amount is checked
 * against the suggested range and, outside it, a justification is asked
 * for (ENF-012).  Used by the calculator page, the new-case form and the
 * case page's "add a violation".
 */
import { computed, reactive, ref, watch } from 'vue'
import { getPenaltyItems, suggestPenalty } from '@/api/enforce'
import type { PartyType, PenaltyItem, PenaltyItems, Suggestion } from '@/api/enforce'
import { ApiError } from '@/api/http'
import { t } from '@/i18n'
import { errorText } from '@/utils/errors'
import { amountCheck, blankCalc, blankViolation, needsJustification, suggestBody } from './enforce'

let itemsCache: Promise<PenaltyItems> | null = null

/* The items of the engine, fetched once (a failure is retried next time). */
export function loadPenaltyItems(): Promise<PenaltyItems> {
  if (!itemsCache)
    itemsCache = getPenaltyItems().catch((e) => { itemsCache = null; throw e })
  return itemsCache
}

export function useCalculator(party: PartyType = 'unit') {
  const items = ref<PenaltyItem[]>([])
  const catalogue = ref<PenaltyItems | null>(null)
  const calc = reactive(blankCalc(party))
  const v = reactive(blankViolation())
  const suggestion = ref<Suggestion | null>(null)
  const asking = ref(false)
  const problem = ref('')
  const problemField = ref('')
  let seq = 0

  const item = computed(() => items.value.find((i) => i.id === calc.item) ?? null)
  /* The bands of the item for the party (a choice only when there are several). */
  const bands = computed(() => item.value?.parties[calc.party] ?? [])
  const parties = computed<PartyType[]>(() => (item.value ? (Object.keys(item.value.parties) as PartyType[]) : ['unit', 'individual']))
  const check = computed(() => (suggestion.value ? amountCheck(v.amount, suggestion.value) : 'none'))
  const mustJustify = computed(() => !v.first_exempt && !v.warning && needsJustification(check.value))
  const firstProposed = computed(() => suggestion.value?.rules.some((r) => r.rule === 'first-violation-exemption' && r.status === 'proposed') ?? false)

  async function loadItems(): Promise<void> {
    try {
      catalogue.value = await loadPenaltyItems()
      items.value = catalogue.value.items
    } catch (e) {
      problem.value = errorText(e, t)
    }
  }

  /* Ask the engine for the current facts (the newest answer wins). */
  async function ask(): Promise<void> {
    if (!calc.item) {
      suggestion.value = null
      return
    }
    const mine = ++seq
    asking.value = true
    problem.value = ''
    problemField.value = ''
    try {
      const s = await suggestPenalty(suggestBody(calc))
      if (mine === seq)
        suggestion.value = s
    } catch (e) {
      if (mine !== seq)
        return
      suggestion.value = null
      problem.value = errorText(e, t)
      problemField.value = e instanceof ApiError && e.field ? e.field : ''
    } finally {
      if (mine === seq)
        asking.value = false
    }
  }

  /* An item that has no band for the party switches the party; a band not of the item is dropped. */
  watch(() => calc.item, () => {
    if (item.value && !item.value.parties[calc.party])
      calc.party = parties.value[0] ?? 'unit'
    calc.band = ''
  })
  watch(() => calc.party, () => {
    if (calc.band && !bands.value.some((b) => b.band === calc.band))
      calc.band = ''
  })
  watch(() => JSON.stringify(suggestBody(calc)), () => { void ask() })

  function reset(): void {
    Object.assign(calc, blankCalc(calc.party))
    Object.assign(v, blankViolation())
    suggestion.value = null
    problem.value = ''
  }

  return {
    items, catalogue, calc, v, suggestion, asking, problem, problemField, item, bands, parties, check, mustJustify, firstProposed,
    loadItems, ask, reset,
  }
}

export type CalculatorCtl = ReturnType<typeof useCalculator>
