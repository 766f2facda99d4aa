import { describe, expect, it } from 'vitest'
import { allowedOutcomes, blankAnswers, checkBody, checkProblem, openFailures } from './checks'

const items = [
  { id: '1', code: 'XF-01', name: '疏散通道', legal_basis: '消防法第二十八条' },
  { id: '2', code: 'XF-02', name: '灭火器', legal_basis: '消防法第十六条' },
]

describe('check form rules', () => {
  it('needs every item answered and a failure described (INS-033)', () => {
    const a = blankAnswers(items)
    expect(checkProblem(items, a, {}, ['9'], 'compliant')).toEqual({ key: 'check.unanswered', item: 'XF-01' })
    a['1']!.result = 'pass'
    a['2']!.result = 'fail'
    expect(checkProblem(items, a, {}, ['9'], 'ordered')).toEqual({ key: 'check.failNote', item: 'XF-02' })
    a['2']!.note = '过期'
    expect(checkProblem(items, a, {}, ['9'], 'ordered')).toEqual({ key: 'check.unsigned' })
    expect(checkProblem(items, a, { 9: 'f' }, ['9'], 'compliant')).toEqual({ key: 'check.badOutcome' })
    expect(checkProblem(items, a, { 9: 'f' }, ['9'], 'ordered')).toBeNull()
  })
  it('lets the outcome follow what is left to correct (INS-035)', () => {
    const a = blankAnswers(items)
    a['1']!.result = 'fail'
    expect(openFailures(a)).toBe(1)
    expect(allowedOutcomes(a)).toEqual(['ordered', 'referred'])
    a['1']!.onSpot = true
    expect(allowedOutcomes(a)).toEqual(['compliant'])
  })
  it('sends deadlines only for failures left open, photos and position when there are some', () => {
    const a = blankAnswers(items)
    Object.assign(a['1']!, { result: 'fail', note: ' 堵塞 ', deadlineDays: 5, photos: ['77'] })
    Object.assign(a['2']!, { result: 'na' })
    const b = checkBody(items, a, { 8: 'f8', 9: 'f9' }, ['8', '9'], 'ordered', ' ', { lat: 22.8, lng: 113.6 })
    expect(b).toEqual({
      results: [{ item: '1', result: 'fail', note: '堵塞', photos: ['77'], deadline_days: 5 }, { item: '2', result: 'na' }],
      signatures: [{ inspector: '8', file: 'f8' }, { inspector: '9', file: 'f9' }],
      outcome: 'ordered',
      location: { lat: 22.8, lng: 113.6 },
    })
  })
})
