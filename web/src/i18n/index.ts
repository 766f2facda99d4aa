/*
 * vue-i18n set-up: zh-CN by default, English on request.  The choice is
 * the only thing the console keeps in localStorage (key fw.lang).
 */
import type { Ref } from 'vue'
import { createI18n } from 'vue-i18n'
import zhCN from './locales/zh-CN'
import en from './locales/en'

export type Lang = 'zh-CN' | 'en'
export const LANG_KEY = 'fw.lang'
export const LANGS: { value: Lang; label: string }[] = [
  { value: 'zh-CN', label: '简体中文' },
  { value: 'en', label: 'English' },
]

export type MessageSchema = typeof zhCN

export function storedLang(): Lang {
  try {
    const v = localStorage.getItem(LANG_KEY)
    if (v === 'en' || v === 'zh-CN')
      return v
  } catch {
    /* storage disabled: default */
  }
  return 'zh-CN'
}

export const i18n = createI18n<[MessageSchema], Lang>({
  legacy: false,
  locale: storedLang(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
  missingWarn: false,
  fallbackWarn: false,
})

/* The composer's locale ref (legacy: false). */
const localeRef = i18n.global.locale as unknown as Ref<Lang>

export function currentLang(): Lang {
  return localeRef.value
}

export function setLang(l: Lang): void {
  localeRef.value = l
  try {
    localStorage.setItem(LANG_KEY, l)
  } catch {
    /* ignore */
  }
  document.documentElement.lang = l
}

/* t() outside components. */
export const t = (key: string, named?: Record<string, unknown>): string =>
  named ? i18n.global.t(key, named) : i18n.global.t(key)

export function isEn(): boolean {
  return currentLang() === 'en'
}
