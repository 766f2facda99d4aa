import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import basic from '@/utils/__fixtures__/draw/basic.json?raw'
import basicPublic from '@/utils/__fixtures__/draw/basic-public.json?raw'
import { computeDraw, parseBundle, verifyBundle } from '@/utils/drawVerify'
import type { DrawBundle } from '@/utils/drawVerify'
import type { RouteLocationNormalized } from 'vue-router'
import type { PublicPlan } from '@/api/public'
import { ApiError } from '@/api/http'
import { compareWithPlan, entryState, planIdOf, progressPercent, shortHash, stepStates } from './publicDraw'

vi.mock('@/api/account', () => ({ getMe: vi.fn(), login: vi.fn(), logout: vi.fn() }))

/* The public bundle of the basic draw, re-run as plan "12" (ids of real plans are numbers). */
async function plan12(): Promise<{ text: string; bundle: DrawBundle; plan: PublicPlan }> {
  const input = { ...parseBundle(basic), plan_id: '12' }
  const out = await computeDraw(input)
  const bundle: DrawBundle = { ...input, ...out, inspectors: null, conflicts: null }
  const plan = {
    id: '12', name: '2026 年第三季度双随机抽查', owner: 'town:441900003', towns: ['441900003', '441900105', '441900200'],
    categories: [], period_start: '2026-07-01', period_end: '2026-09-30', due_days: 10,
    team: bundle.team, max_load: bundle.max_load,
    beacon: { ...bundle.beacon }, rule_version: 1,
    quotas: [...bundle.quotas].reverse().map((q) => ({ ...q, population: 9, rule: 0 })),
    status: 'drawn', cancel_reason: null, approved_at: 1, candidates_hash: bundle.candidates_hash,
    roster_hash: bundle.roster_hash, committed_at: 2, commit_seq: 7, seed: bundle.seed, drawn_at: 3,
    counts: { candidates: 13, inspectors: 6, selected: 10, unassigned: 6 }, created_at: 0, updated_at: 3,
  } as PublicPlan
  return { text: JSON.stringify(bundle, null, 2), bundle, plan }
}

describe('the bundle against the published plan', () => {
  it('accepts the bundle the plan committed to', async () => {
    const { bundle, plan } = await plan12()
    expect(compareWithPlan(bundle, plan)).toBeNull()
  })

  it('names what differs from the published record, including what the hashes do not bind', async () => {
    const { bundle, plan } = await plan12()
    expect(compareWithPlan(bundle, { ...plan, beacon: { ...plan.beacon, round: '11940216' } }))
      .toBe('beacon.round: the published plan has "11940216", bundle has "11940215"')
    expect(compareWithPlan(bundle, { ...plan, beacon: { ...plan.beacon, source: 'public ceremony' } }))
      .toBe('beacon.source: the published plan has "public ceremony", bundle has "drand quicknet"')
    expect(compareWithPlan(bundle, { ...plan, max_load: 3 })).toBe('max_load: the published plan has 3, bundle has 2')
    expect(compareWithPlan(bundle, { ...plan, roster_hash: '0'.repeat(64) })).toMatch(/^roster_hash: the published plan has "0{64}"/)
    expect(compareWithPlan(bundle, { ...plan, id: '13' })).toBe('plan_id: the published plan has "13", bundle has "12"')
    expect(compareWithPlan(bundle, { ...plan, team: [{ department: 'fire', count: 3 }] })).toMatch(/^team: /)
    const quotas = plan.quotas!.map((q, i) => (i === 0 ? { ...q, count: q.count + 1 } : q))
    expect(compareWithPlan(bundle, { ...plan, quotas })).toMatch(/^quotas: /)
  })
})

describe('display helpers', () => {
  it('lists every step, failed and not run', async () => {
    const ok = await verifyBundle(basicPublic)
    expect(stepStates(ok).map((s) => s.state)).toEqual(['ok', 'ok', 'ok', 'ok', 'given', 'ok', 'ok', 'ok'])
    const bad = await verifyBundle(basic.replace('"value": "8c4d1f0a', '"value": "8c4d1f0b'))
    expect(stepStates(bad).map((s) => s.state)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'fail', 'notRun', 'notRun'])
    expect(stepStates(null).every((s) => s.state === 'notRun')).toBe(true)
  })

  it('marks the entries before, at and after the first difference', async () => {
    const r = await verifyBundle(basic.replace('"inspectors": ["f05", "f04"]}', '"inspectors": ["f05", "f03"]}'))
    expect([0, 4, 5, 6].map((i) => entryState(r, i))).toEqual(['ok', 'ok', 'fail', 'unchecked'])
  })

  it('turns progress into one percentage and keeps ids and hashes tidy', () => {
    expect(progressPercent(null)).toBe(0)
    expect(progressPercent({ phase: 'roster', done: 50, total: 100 })).toBe(10)
    expect(progressPercent({ phase: 'keys', done: 100, total: 100 })).toBe(60)
    expect(progressPercent({ phase: 'assign', done: 1, total: 2 })).toBe(80)
    expect(planIdOf('12')).toBe('12')
    expect(planIdOf(['7'])).toBe('7')
    expect(planIdOf('012')).toBe('')
    expect(planIdOf('12x')).toBe('')
    expect(planIdOf(undefined)).toBe('')
    expect(shortHash('7c80c41020f30499b071e03241c0fbf38c0a42fa4ddc0720cf2e4809dbf17939')).toBe('7c80c410…dbf17939')
    expect(shortHash(null)).toBe('—')
  })
})

describe('public routes', () => {
  it('are reachable without a session and never ask who is there', async () => {
    const account = await import('@/api/account')
    const { createPinia, setActivePinia } = await import('pinia')
    setActivePinia(createPinia())
    const { guard, router } = await import('@/router')
    for (const path of ['/public/plans', '/public/verify', '/public/verify/12']) {
      const to = router.resolve(path)
      expect(to.meta.public, path).toBe(true)
      expect(await guard(to as unknown as RouteLocationNormalized)).toBe(true)
    }
    expect(account.getMe).not.toHaveBeenCalled()
    expect(router.resolve('/public/verify/12').params.planId).toBe('12')
    expect(router.resolve('/public/verify/12').name).toBe('DrawVerify')
    expect(router.resolve('/public/plans').name).toBe('PublicPlans')
  })
})

describe('fetching and verifying a plan by id', () => {
  let replies: Record<string, () => Response>
  const seen: string[] = []

  beforeEach(() => {
    replies = {}
    seen.length = 0
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      seen.push(url)
      const r = replies[url]
      if (!r)
        return new Response(JSON.stringify({ error: { code: 'not_found', message: 'no such plan', field: null } }),
          { status: 404, headers: { 'Content-Type': 'application/json' } })
      return r()
    }))
  })
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  function serve(plan: PublicPlan, bundle: string | Uint8Array): void {
    replies['/api/v1/public/inspection/plans/12'] = () => new Response(JSON.stringify({ data: plan }), { status: 200 })
    replies['/api/v1/public/draws/12/bundle'] = () => new Response(bundle as BodyInit, { status: 200, headers: { 'Content-Type': 'application/json' } })
  }

  it('gets the bundle as its exact text', async () => {
    const { getPublicBundle } = await import('@/api/public')
    const { text, plan } = await plan12()
    serve(plan, '\ufeff' + text)
    expect(await getPublicBundle('12')).toBe('\ufeff' + text)
    serve(plan, new Uint8Array([0x7b, 0xff, 0x7d]))
    await expect(getPublicBundle('12')).rejects.toBeInstanceOf(TypeError)
    await expect(getPublicBundle('99')).rejects.toBeInstanceOf(ApiError)
  })

  it('verifies the fetched bundle and checks it against the published plan', async () => {
    const { useDrawVerify } = await import('./useDrawVerify')
    const { text, plan } = await plan12()
    serve(plan, text)
    const v = useDrawVerify()
    await v.fetchPlan('12')
    expect(seen).toEqual(['/api/v1/public/inspection/plans/12', '/api/v1/public/draws/12/bundle'])
    expect(v.result.value?.ok).toBe(true)
    expect(v.commitment.value).toBeNull()
    expect(v.text.value).toBe(text)

    serve({ ...plan, beacon: { ...plan.beacon, round: '11940216' } }, text)
    await v.fetchPlan('12')
    expect(v.result.value?.ok).toBe(true)
    expect(v.commitment.value).toBe('beacon.round: the published plan has "11940216", bundle has "11940215"')

    await v.fetchPlan('99')
    expect(v.result.value).toBeNull()
    expect(v.problem.value).toMatch(/99/)
    await v.fetchPlan('abc')
    expect(seen.filter((u) => u.includes('abc'))).toEqual([])

    serve({ ...plan, seed: null, drawn_at: null, status: 'committed' }, text)
    await v.fetchPlan('12')
    expect(v.result.value).toBeNull()
    expect(seen.at(-1)).toBe('/api/v1/public/inspection/plans/12')
  })

  it('verifies pasted text and a file, and reports the first difference', async () => {
    const { useDrawVerify } = await import('./useDrawVerify')
    const v = useDrawVerify()
    v.text.value = basic.replace('{"candidate": "u05"', '{"candidate": "u07"')
    await v.verifyInput()
    expect(v.result.value?.ok).toBe(false)
    expect(v.result.value?.firstDifference).toBe('selected[1].candidate: expected "u05", bundle has "u07"')
    expect(v.commitment.value).toBeUndefined()
    await v.loadFile(new File([basic], 'basic.json', { type: 'application/json' }))
    expect(v.result.value?.ok).toBe(true)
    expect(v.loaded.value?.label).toBe('file:basic.json')
    v.text.value = ''
    v.edited()
    await v.verifyInput()
    expect(v.result.value).toBeNull()
    expect(v.problem.value).not.toBe('')
  })
})
