import { describe, expect, it } from 'vitest'
import zhCN from './locales/zh-CN'
import en from './locales/en'
import { LANG_KEY, storedLang } from './index'

function keys(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`])
}

describe('locales', () => {
  it('zh-CN and en have the same keys', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort())
  })
  it('no message is empty', () => {
    for (const k of keys(zhCN))
      expect(k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], zhCN)).not.toBe('')
  })
  it('the language choice is the only thing in localStorage, zh-CN by default', () => {
    localStorage.clear()
    expect(storedLang()).toBe('zh-CN')
    localStorage.setItem(LANG_KEY, 'en')
    expect(storedLang()).toBe('en')
    localStorage.setItem(LANG_KEY, 'fr')
    expect(storedLang()).toBe('zh-CN')
  })
})
