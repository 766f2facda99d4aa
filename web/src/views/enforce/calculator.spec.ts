import { afterEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import type { Suggestion } from '@/api/enforce'
import { useCalculator } from './useCalculator'

const ITEMS = {
  version: 'v1', effective: '2026-01-01', template: true, tiers: [], first_violation: { window_months: 12, max_tier: 'minor' },
  items: [
    { id: 'FPL-60-1', name: '消防设施不符合标准', basis: '消防法第六十条', authority: '消防救援机构', fire_service_decides: true,
      fine_condition: 'none', parties: { unit: [{ band: 'default', min: 5000, max: 50000, warning: false, confirmed: true }] },
      minor_limits: 0, own_tiers: false },
    { id: 'FPL-63', name: '违反规定使用明火', basis: '消防法第六十三条', authority: '公安机关', fire_service_decides: false,
      fine_condition: 'none', parties: { individual: [{ band: 'default', min: 0, max: 500, warning: true, confirmed: true }] },
      minor_limits: 0, own_tiers: false },
  ],
}

function suggestion(body: Record<string, unknown>): Suggestion {
  const first = body.first === true && body.corrected === true
  return {
    version: 'v1', item: String(body.item), name: 'x', basis: 'b', authority: 'a', fire_service_decides: true, party: 'unit', band: null,
    tier: 'general', statutory: { min: 5000, max: 50000, warning: false }, outcome: 'fine', range: { min: 18500, max: 36500 },
    tier_range: { min: 18500, max: 36500 }, reduction: null, warning: false, simple_procedure: false, measures: '',
    minor: { on_the_spot: false, limits: [] }, template: false,
    rules: first ? [{ id: 'PEN-010', rule: 'first-violation-exemption', status: 'proposed', source: 's', reason: 'r' }] : [],
  } as Suggestion
}

const sent: Record<string, unknown>[] = []

function stub(): void {
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit = {}) => {
    if (url === '/api/v1/penalty/items')
      return new Response(JSON.stringify({ data: ITEMS }), { status: 200 })
    if (url.startsWith('/api/v1/penalty/suggest?')) {
      // A GET: the facts are in the query string, no body.
      expect(init.method ?? 'GET').toBe('GET')
      expect(init.body).toBeUndefined()
      const body: Record<string, unknown> = {}
      for (const [k, v] of new URLSearchParams(url.slice(url.indexOf('?') + 1)))
        body[k] = v === 'true' ? true : v === 'false' ? false : v
      sent.push(body)
      if (body.item === 'NOPE')
        return new Response(JSON.stringify({ error: { code: 'invalid', message: 'unknown item NOPE', field: 'item' } }), { status: 400 })
      return new Response(JSON.stringify({ data: suggestion(body) }), { status: 200 })
    }
    return new Response('{}', { status: 404 })
  }))
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 6; i++) {
    await nextTick()
    await new Promise((r) => setTimeout(r, 0))
  }
}

afterEach(() => {
  vi.unstubAllGlobals()
  sent.length = 0
})

describe('the discretion calculator (useCalculator)', () => {
  it('asks the engine on every change, with only the flags set, and checks the amount against the range', async () => {
    stub()
    const c = useCalculator('unit')
    await c.loadItems()
    expect(c.items.value.map((i) => i.id)).toEqual(['FPL-60-1', 'FPL-63'])
    c.calc.item = 'FPL-60-1'
    await settle()
    expect(sent.at(-1)).toEqual({ item: 'FPL-60-1', party: 'unit', tier: 'general' })
    expect(c.suggestion.value?.range).toEqual({ min: 18500, max: 36500 })
    c.v.amount = 20000
    expect(c.check.value).toBe('in_range')
    expect(c.mustJustify.value).toBe(false)
    c.v.amount = 40000
    expect(c.check.value).toBe('above_range')
    expect(c.mustJustify.value).toBe(true)
    c.calc.first = true
    c.calc.corrected = true
    await settle()
    expect(sent.at(-1)).toEqual({ item: 'FPL-60-1', party: 'unit', tier: 'general', first: true, corrected: true })
    expect(c.firstProposed.value).toBe(true)
    /* 首违不罚 chosen: no amount to justify. */
    c.v.first_exempt = true
    expect(c.mustJustify.value).toBe(false)
  })

  it('switches the party to one the item has, and shows the engine refusal at its field', async () => {
    stub()
    const c = useCalculator('unit')
    await c.loadItems()
    c.calc.item = 'FPL-63'
    await settle()
    expect(c.calc.party).toBe('individual')
    expect(sent.at(-1)).toMatchObject({ item: 'FPL-63', party: 'individual' })
    c.calc.item = 'NOPE'
    await settle()
    expect(c.suggestion.value).toBeNull()
    expect(c.problemField.value).toBe('item')
    expect(c.problem.value).not.toBe('')
    c.reset()
    expect(c.calc.item).toBe('')
    expect(c.v.amount).toBeNull()
  })
})
