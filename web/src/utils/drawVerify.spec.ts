/*
 * The draw verifier against known answers: bundles made by the C engine
 * (`firewarden draw run`) and the Python reference (tests/draw/reference.py),
 * which agree byte for byte; tampered copies of them, with the first
 * difference `firewarden draw verify` names for each (run on this machine
 * and pasted here); strictness of the reader; and the chunked run.
 */
import { describe, expect, it } from 'vitest'
import basic from './__fixtures__/draw/basic.json?raw'
import basicPublic from './__fixtures__/draw/basic-public.json?raw'
import edge from './__fixtures__/draw/edge.json?raw'
import joint from './__fixtures__/draw/joint.json?raw'
import random300 from './__fixtures__/draw/random-300.json?raw'
import random300Public from './__fixtures__/draw/random-300-public.json?raw'
import random300Shuffled from './__fixtures__/draw/random-300-shuffled.json?raw'
import {
  DRAW_YIELD_EVERY, DrawError, STEP_NAMES, cmpUtf8, computeDraw, drawSeed, parseBundle, quote, verifyBundle,
} from './drawVerify'
import type { DrawBundle, DrawInput, DrawProgress } from './drawVerify'
import { toHex } from './sm3'

const FIXTURES: [string, string, number, number, boolean][] = [
  ['basic', basic, 10, 6, false],
  ['basic-public', basicPublic, 10, 6, true],
  ['edge', edge, 7, 2, false],
  ['joint', joint, 8, 4, false],
  ['random-300', random300, 77, 32, false],
  ['random-300-public', random300Public, 77, 32, true],
  ['random-300-shuffled', random300Shuffled, 77, 32, false],
]

/* text with the first occurrence of from replaced; fails the test if from is absent. */
function edit(text: string, from: string, to: string): string {
  expect(text.includes(from), `fixture contains ${from}`).toBe(true)
  return text.replace(from, to)
}

async function firstDifference(text: string | Uint8Array): Promise<string | null> {
  return (await verifyBundle(text)).firstDifference
}

describe('known-answer bundles (C engine and Python reference)', () => {
  it.each(FIXTURES)('%s verifies', async (_name, text, selected, unassigned, pub) => {
    const r = await verifyBundle(text)
    expect(r.firstDifference).toBeNull()
    expect(r.ok).toBe(true)
    expect(r.summary).toMatchObject({ selected, unassigned, public: pub })
    expect(r.checkedEntries).toBe(selected)
    expect(r.steps.map((s) => s.name)).toEqual(STEP_NAMES)
    expect(r.steps.every((s) => s.ok)).toBe(true)
    const roster = r.steps.find((s) => s.name === 'roster_hash')!
    expect(roster.skipped === true).toBe(pub)
  })

  it('verifies from bytes as fetched, the same as from text', async () => {
    const r = await verifyBundle(new TextEncoder().encode(edge))
    expect(r.ok).toBe(true)
    expect(r.bundle!.plan_id).toBe('edge cases: spaces; "quotes" and \\ backslashes')
  })

  it('recomputes every computed field from the inputs alone (computeDraw)', async () => {
    for (const text of [basic, edge, joint, random300, random300Shuffled]) {
      const b = parseBundle(text)
      const out = await computeDraw(b)
      expect(out).toEqual({
        candidates_hash: b.candidates_hash, roster_hash: b.roster_hash, seed: b.seed,
        selected: b.selected, unassigned: b.unassigned,
      })
    }
  })

  it('derives the seed from plan id, roster hash and beacon value (spec §3)', () => {
    const b = parseBundle(basic)
    expect(toHex(drawSeed(b.plan_id, b.roster_hash, b.beacon.value))).toBe(b.seed)
    expect(toHex(drawSeed(b.plan_id, b.roster_hash, b.beacon.value + ' '))).not.toBe(b.seed)
  })
})

/*
 * [case, fixture, text replaced, replacement, first difference].  The
 * expected texts are what `firewarden draw verify` printed (after
 * "invalid: ") for the same edit.
 */
const TAMPERED: [string, string, string, string, string][] = [
  ['a candidate area (roster)', basic,
    '{"id": "u13", "stratum": "441900200|general|low", "area": "441900200"}',
    '{"id": "u13", "stratum": "441900200|general|low", "area": "441900201"}',
    'candidates_hash: expected "c8634e1b3300d27751c6a08e3991eaa62688285deb783ffc0ce1dccc41e51f3e", bundle has "e8fb09941fdbfe8521962c49a4269fdd1980d859cc2d592267d347e25a3e3760"'],
  ['an inspector area (roster)', basic,
    '"f05", "department": "fire", "areas": ["441900105"]', '"f05", "department": "fire", "areas": ["441900106"]',
    'roster_hash: expected "8aa4b1bd90ae267f1be1531c05f9c7b667df89c7bf7d7c174f5138f849e15efc", bundle has "7c80c41020f30499b071e03241c0fbf38c0a42fa4ddc0720cf2e4809dbf17939"'],
  ['a conflict (roster)', basic,
    '{"inspector": "f04", "candidate": "u11"}', '{"inspector": "f04", "candidate": "u12"}',
    'roster_hash: expected "b10d54bdba7f2778bb746a031261b3e1bcf5609caf89ad8cfd4bbc3b002bced5", bundle has "7c80c41020f30499b071e03241c0fbf38c0a42fa4ddc0720cf2e4809dbf17939"'],
  ['one character of the beacon value', basic, '"value": "8c4d1f0a', '"value": "8c4d1f0b',
    'seed: expected "032e9295361c3f73087f40e816c3acaf4423b5fa28832e747fbf727544e0421d", bundle has "dde3512e6075f79e1c2833af839cbe88977536ce76159e08cf6f262eb6adf338"'],
  ['a byte-order mark starting the beacon value (kept, not dropped)', basic, '"value": "8c4d1f0a', '"value": "\ufeff8c4d1f0a',
    'seed: expected "873bc4d634c4498f18df36b0aa2b88ac4607865fe1efba803c3e7be0bac7aca7", bundle has "dde3512e6075f79e1c2833af839cbe88977536ce76159e08cf6f262eb6adf338"'],
  ['the seed in capitals', basic, '"seed": "dde3512e', '"seed": "DDE3512E',
    'seed: expected "dde3512e6075f79e1c2833af839cbe88977536ce76159e08cf6f262eb6adf338", bundle has "DDE3512E6075f79e1c2833af839cbe88977536ce76159e08cf6f262eb6adf338"'],
  ['a key', basic, '"key": "843861be', '"key": "843861bf',
    'selected[6].key: expected "843861be5cb45396b2a8503c1da18ab427375f3c123a279f1bbb5003eb0fe3cd", bundle has "843861bf5cb45396b2a8503c1da18ab427375f3c123a279f1bbb5003eb0fe3cd"'],
  ['an inspector', basic, '"inspectors": ["f05", "f04"]}', '"inspectors": ["f05", "f03"]}',
    'selected[5].inspectors[1]: expected "f04", bundle has "f03"'],
  ['the order of a team', basic, '"inspectors": ["f02", "f03"]}', '"inspectors": ["f03", "f02"]}',
    'selected[0].inspectors[0]: expected "f02", bundle has "f03"'],
  ['a joint team', edge, '"inspectors": ["f1 y", "m1", "f1x"]}', '"inspectors": ["f1 y", "m1", "f1"]}',
    'selected[0].inspectors[2]: expected "f1x", bundle has "f1"'],
  ['an unassigned id', basic, '    "u13"\n', '    "u12"\n', 'unassigned[5]: expected "u13", bundle has "u12"'],
  ['an unassigned id left out', basic, '    "u09",\n    "u13"\n', '    "u09"\n', 'unassigned: expected 6 entries, bundle has 5'],
  ['max_load', basic, '"max_load": 2', '"max_load": 3', 'selected[2].inspectors: expected 2 entries, bundle has 0'],
  ['a quota', basic, '{"stratum": "441900003|general|low", "count": 4}', '{"stratum": "441900003|general|low", "count": 3}',
    'selected[8].candidate: expected "u13", bundle has "u09"'],
  ['a selected entry left out', basic,
    ',\n    {"candidate": "u13", "key": "dd5864c00e51a873a6a0ed917c6b49d87f4853bd69c3ca2ad4342505295121b2", "inspectors": []}', '',
    'selected: expected 10 entries, bundle has 9'],
  ['the version', basic, '"version": "firewarden-draw-v1"', '"version": "firewarden-draw-v2"',
    'version: expected "firewarden-draw-v1", bundle has "firewarden-draw-v2"'],
  ['a duplicate candidate id', basic, '{"id": "u02", "stratum"', '{"id": "u01", "stratum"', 'candidates[1].id: duplicate candidate id "u01"'],
  ['a duplicate inspector id', basic, '{"id": "f02", "department"', '{"id": "f01", "department"', 'inspectors[1].id: duplicate inspector id "f01"'],
  ['an area listed twice', basic, '"areas": ["441900003", "441900105"]}', '"areas": ["441900003", "441900003"]}',
    'inspectors[2].areas[1]: area "441900003" listed twice'],
  ['a conflict naming nobody', basic, '{"inspector": "f04", "candidate": "u11"}', '{"inspector": "f09", "candidate": "u11"}',
    'conflicts[2].inspector: no inspector "f09" in the roster'],
  ['a conflict twice', basic, '{"inspector": "f04", "candidate": "u11"}', '{"inspector": "f01", "candidate": "u05"}',
    'conflicts[2]: the same conflict twice ("f01", "u05")'],
  ['a stratum without a quota', basic, '{"stratum": "441900200|general|low", "count": 1}\n', '{"stratum": "441900200|general|lox", "count": 1}\n',
    'candidates[12].stratum: no quota for stratum "441900200|general|low"'],
  ['a tab in an id', basic, '{"id": "u13"', '{"id": "u\\t13"', 'candidates[12].id: contains a tab'],
  ['a comma in an id', basic, '{"id": "u13"', '{"id": "u,13"', 'candidates[12].id: contains a comma'],
  ['a Chinese character in an id', basic, '{"id": "u13"', '{"id": "u13消"',
    'candidates[12].id: contains the byte 0xe6 (only printable ASCII is allowed)'],
  ['a public bundle: a candidate', basicPublic, '{"candidate": "u05"', '{"candidate": "u07"',
    'selected[1].candidate: expected "u05", bundle has "u07"'],
  ['a public bundle: its roster hash (taken as given, so the seed differs)', basicPublic, '"roster_hash": "7c80', '"roster_hash": "7c81',
    'seed: expected "8e26050a7501e3746012d7e52caf0934bec1d4e90dabd249f1ab25f285c9e759", bundle has "dde3512e6075f79e1c2833af839cbe88977536ce76159e08cf6f262eb6adf338"'],
  ['a public bundle: part of a team', basicPublic, '"inspectors": ["f05", "f04"]}', '"inspectors": ["f05"]}',
    'selected[5].inspectors: expected 2 entries (the team) or none (unassigned), bundle has 1'],
  ['a public bundle: an inspector twice', basicPublic, '"inspectors": ["f05", "f04"]}', '"inspectors": ["f05", "f05"]}',
    'selected[5].inspectors: inspector "f05" listed twice'],
  ['a public bundle: above max_load', basicPublic, '"inspectors": ["f05", "f04"]}', '"inspectors": ["f02", "f03"]}',
    'selected[5].inspectors: inspector "f02" would have more than max_load (2) candidates'],
  ['a public bundle: one list null', basicPublic, '"conflicts": null', '"conflicts": []',
    'inspectors and conflicts must both be lists (a full bundle) or both be null (a public bundle)'],
  ['an unknown field', basic, '"max_load": 2,', '"max_load": 2, "note": "x",', 'unknown field "note"'],
  ['a duplicate key', basic, '"max_load": 2,', '"max_load": 2, "max_load": 2,', 'max_load: duplicate key'],
  ['a missing field', basic, '"max_load": 2,\n', '', 'max_load: missing'],
  ['a fraction', basic, '"max_load": 2', '"max_load": 2.0', 'max_load: must be a whole number'],
  ['a number as text', basic, '"max_load": 2', '"max_load": "2"', 'max_load: must be a whole number, not a string'],
  ['a number beyond int64', basic, '"max_load": 2', '"max_load": 99999999999999999999', 'max_load: out of range'],
  ['a byte-order mark', basic, '{\n  "version"', '\ufeff{\n  "version"', "malformed JSON at line 1 column 1: expected '{'"],
]

describe('tampered bundles name the first difference as `firewarden draw verify` does', () => {
  it.each(TAMPERED)('%s', async (_name, text, from, to, want) => {
    const r = await verifyBundle(edit(text, from, to))
    expect(r.ok).toBe(false)
    expect(r.firstDifference).toBe(want)
    expect(r.steps.at(-1)!.ok).toBe(false)
    expect(r.steps.at(-1)!.detail).toBe(want)
    expect(r.summary).toBeNull()
  })

  it('names the failing step and entry', async () => {
    const r = await verifyBundle(edit(basic, '"inspectors": ["f05", "f04"]}', '"inspectors": ["f05", "f03"]}'))
    expect(r.steps.map((s) => s.name)).toEqual(['parse', 'version', 'inputs', 'candidates_hash', 'roster_hash', 'seed', 'selected'])
    expect(r.field).toBe('selected[5].inspectors[1]')
    expect(r.failedEntry).toBe(5)
    expect(r.checkedEntries).toBe(5)
    const s = await verifyBundle(edit(basic, '"value": "8c4d1f0a', '"value": "8c4d1f0b'))
    expect(s.steps.at(-1)!.name).toBe('seed')
    expect(s.failedEntry).toBeNull()
  })

  it('reports a truncated download as not JSON', async () => {
    expect(await firstDifference(basic.slice(0, -3))).toBe("malformed JSON at line 65 column 4: expected ',' or '}'")
  })
})

/* Every string of the roster, the beacon value and the result, with its last character changed. */
function mutations(doc: DrawBundle, pub: boolean): [string, DrawBundle][] {
  const out: [string, DrawBundle][] = []
  const bump = (s: string): string => s.slice(0, -1) + (s.endsWith('x') ? 'y' : 'x')
  const walk = (v: unknown, path: (string | number)[]): void => {
    if (typeof v === 'string') {
      const copy = structuredClone(doc) as unknown as Record<string | number, unknown>
      let o = copy
      for (const p of path.slice(0, -1))
        o = o[p] as Record<string | number, unknown>
      o[path.at(-1)!] = bump(v)
      out.push([path.join('.'), copy as unknown as DrawBundle])
    } else if (Array.isArray(v))
      v.forEach((x, i) => walk(x, [...path, i]))
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v))
        walk(x, [...path, k])
  }
  walk(doc.candidates, ['candidates'])
  walk(doc.quotas, ['quotas'])
  /* A public bundle withholds the inspectors: nothing binds the team's department names. */
  if (!pub)
    walk(doc.team, ['team'])
  walk(doc.beacon.value, ['beacon', 'value'])
  walk(doc.plan_id, ['plan_id'])
  for (const k of ['candidates_hash', 'roster_hash', 'seed'] as const)
    walk(doc[k], [k])
  walk(doc.unassigned, ['unassigned'])
  if (pub)
    doc.selected.forEach((s, i) => {
      walk(s.candidate, ['selected', i, 'candidate'])
      walk(s.key, ['selected', i, 'key'])
    })
  else {
    walk(doc.selected, ['selected'])
    walk(doc.inspectors, ['inspectors'])
    walk(doc.conflicts, ['conflicts'])
  }
  return out
}

describe('any changed character of the roster, the beacon value or the result fails', () => {
  it.each([['basic', basic, false], ['edge', edge, false], ['basic-public', basicPublic, true]] as const)('%s', async (_n, text, pub) => {
    const doc = parseBundle(text)
    const all = mutations(doc, pub)
    expect(all.length).toBeGreaterThan(pub ? 50 : 90)
    for (const [path, m] of all) {
      const r = await verifyBundle(JSON.stringify(m))
      expect(r.ok, path).toBe(false)
      expect(r.firstDifference, path).toMatch(/\S/)
    }
  })

  it('the beacon source and round are not bound by the hashes (the published commit states them)', async () => {
    const r = await verifyBundle(edit(basic, 'drand quicknet', 'drand quicknex'))
    expect(r.ok).toBe(true)
  })

  it('the order of lists in the roster does not matter: the roster is canonical', async () => {
    const doc = parseBundle(basic)
    doc.candidates.reverse()
    doc.inspectors!.reverse()
    doc.conflicts!.reverse()
    doc.quotas.reverse()
    expect((await verifyBundle(JSON.stringify(doc))).ok).toBe(true)
  })
})

describe('the reader is strict', () => {
  const cases: [string, string, string, string][] = [
    ['an unknown field in an entry', '{"id": "u01", "stratum"', '{"id": "u01", "x": 1, "stratum"', 'candidates[0]: unknown field "x"'],
    ['a missing field in an entry', '{"id": "u01", "stratum": "441900003|key-crowded|high", "area": "441900003"}', '{"id": "u01", "stratum": "441900003|key-crowded|high"}', 'candidates[0].area: missing'],
    ['a duplicate key in an entry', '{"id": "u01", "stratum"', '{"id": "u01", "id": "u01", "stratum"', 'candidates[0].id: duplicate key'],
    ['a number for a string', '{"id": "u01"', '{"id": 1', 'candidates[0].id: must be a string, not a number'],
    ['null for a list', '"candidates": [', '"candidates": null, "x": [', 'candidates: must be a list, not null'],
    ['an object for a string in a list', '"areas": ["441900003"]}', '"areas": [{}]}', 'inspectors[0].areas[0]: must be a string, not an object'],
    ['a beacon field unknown', '"value": "8c4d1f0a', '"extra": "", "value": "8c4d1f0a', 'beacon: unknown field "extra"'],
    ['\\u0000 in a string', '{"id": "u01"', '{"id": "u\\u000001"', "malformed JSON at line 16 column 14: \\u0000 is not allowed"],
    ['a lone surrogate escape', '{"id": "u01"', '{"id": "u\\ud80001"', 'malformed JSON at line 16 column 14: lone surrogate in \\u escape'],
    ['text after the end', '\n  ]\n}\n', '\n  ]\n}\n{}', 'malformed JSON at line 67 column 1: text after the end of the bundle'],
    ['a control character', '{"id": "u01"', '{"id": "u\u000101"', 'malformed JSON at line 16 column 14: control character in a string'],
  ]
  it.each(cases)('%s', async (_n, from, to, want) => {
    expect(await firstDifference(edit(basic, from, to))).toBe(want)
  })

  it('refuses invalid UTF-8 bytes and a lone surrogate in pasted text', async () => {
    const bytes = new TextEncoder().encode(basic)
    const at = basic.indexOf('u13') + 1
    bytes[at] = 0xff
    expect(await firstDifference(bytes)).toBe('malformed JSON at line 28 column 14: invalid UTF-8')
    expect(await firstDifference(basic.replace('"u13"', '"u1\ud8003"'))).toBe('malformed JSON at line 28 column 15: invalid UTF-8')
  })

  it('refuses what is not a bundle', async () => {
    expect(await firstDifference('')).toBe("malformed JSON at line 1 column 1: expected '{'")
    expect(await firstDifference('[]')).toBe("malformed JSON at line 1 column 1: expected '{'")
    expect(await firstDifference('{}')).toBe('version: missing')
    expect(await firstDifference('['.repeat(70))).toBe("malformed JSON at line 1 column 1: expected '{'")
    expect(() => parseBundle('{"version": ' + '['.repeat(70) + ']'.repeat(70) + '}'))
      .toThrow(new DrawError('bad_json', '', 'malformed JSON at line 1 column 77: nested too deeply'))
  })

  it('rejects duplicate ids with the entry named', () => {
    const b = parseBundle(basic)
    b.candidates.push({ ...b.candidates[3]! })
    return verifyBundle(JSON.stringify(b)).then((r) => {
      expect(r.field).toBe('candidates[13].id')
      expect(r.firstDifference).toBe('candidates[13].id: duplicate candidate id "u04"')
    })
  })
})

describe('bytewise order and messages', () => {
  it('orders strings by their UTF-8 bytes, not UTF-16 code units', () => {
    /* U+FF01 is EF BC 81 in UTF-8, U+1F600 is F0 9F 98 80: UTF-8 puts U+FF01 first, UTF-16 (FF01 > D83D) the other. */
    expect(cmpUtf8('\uff01', '\u{1f600}')).toBeLessThan(0)
    expect('\uff01' < '\u{1f600}').toBe(false)
    const words = ['b', 'a b', 'a', '\u{1f600}', '\uff01', 'B', '~', ' lead', 'aa', 'é']
    const byBytes = [...words].sort((x, y) => {
      const a = new TextEncoder().encode(x)
      const b = new TextEncoder().encode(y)
      for (let i = 0; i < Math.min(a.length, b.length); i++)
        if (a[i] !== b[i])
          return a[i]! - b[i]!
      return a.length - b.length
    })
    expect([...words].sort(cmpUtf8)).toEqual(byBytes)
  })

  it('quotes values as the C engine does', () => {
    expect(quote('a"b\\c')).toBe('"a\\"b\\\\c"')
    expect(quote('消')).toBe('"\\xe6\\xb6\\x88"')
    expect(quote('x'.repeat(70))).toBe(`"${'x'.repeat(64)}..."`)
  })
})

/* A roster of n candidates in 3 towns and 60 inspectors, for the chunked run. */
function bigInput(n: number): DrawInput {
  const towns = ['441900003', '441900105', '441900200']
  const candidates = Array.from({ length: n }, (_, i) => {
    const t = towns[i % 3]!
    return { id: `u${String(i).padStart(6, '0')}`, stratum: `${t}|general|${i % 2 ? 'low' : 'high'}`, area: t }
  })
  const strata = [...new Set(candidates.map((c) => c.stratum))].sort()
  return {
    version: 'firewarden-draw-v1', plan_id: '42',
    beacon: { source: 'drand quicknet', round: '1', value: 'beacon' },
    quotas: strata.map((s, i) => ({ stratum: s, count: 40 + i })),
    team: [{ department: 'fire', count: 2 }],
    max_load: 5,
    candidates,
    inspectors: Array.from({ length: 60 }, (_, i) => ({ id: `f${i}`, department: 'fire', areas: [towns[i % 3]!] })),
    conflicts: [{ inspector: 'f0', candidate: 'u000000' }],
  }
}

describe('a big bundle is verified in chunks', () => {
  it('reports progress, yields to the event loop, and verifies', async () => {
    const input = bigInput(30000)
    const bundle = { ...input, ...(await computeDraw(input)) }
    expect(bundle.selected.length).toBe(40 + 41 + 42 + 43 + 44 + 45)
    const seen: DrawProgress[] = []
    let timerRan = false
    setTimeout(() => { timerRan = true }, 0)
    let timerBeforeEnd = false
    const r = await verifyBundle(JSON.stringify(bundle), {
      onProgress: (p) => {
        seen.push(p)
        if (timerRan)
          timerBeforeEnd = true
      },
    })
    expect(r.ok).toBe(true)
    expect(timerBeforeEnd).toBe(true)
    const keys = seen.filter((p) => p.phase === 'keys')
    expect(keys.length).toBeGreaterThanOrEqual(Math.floor(30000 / DRAW_YIELD_EVERY))
    expect(keys.at(-1)).toEqual({ phase: 'keys', done: 30000, total: 30000 })
    for (let i = 1; i < keys.length; i++)
      expect(keys[i]!.done).toBeGreaterThanOrEqual(keys[i - 1]!.done)
    expect(seen.some((p) => p.phase === 'roster')).toBe(true)
    expect(seen.some((p) => p.phase === 'assign')).toBe(true)
  })

  it('stops when cancelled', async () => {
    const input = bigInput(20000)
    const text = JSON.stringify({ ...input, ...(await computeDraw(input)) })
    const ctl = new AbortController()
    const run = verifyBundle(text, { signal: ctl.signal, onProgress: () => ctl.abort() })
    await expect(run).rejects.toMatchObject({ name: 'AbortError' })
  })
})
