/*
 * Console chrome state: the side menu's collapse, the phone-width flag,
 * and the tabs of visited pages.  Nothing here is persisted.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'

export interface Tab {
  path: string
  name: string
  /* i18n key of the title, or a literal pair from the server menu. */
  titleKey?: string
  title?: { zh: string; en: string }
}

export const MOBILE_QUERY = '(max-width: 768px)'

export const useAppStore = defineStore('app', () => {
  const collapsed = ref(false)
  const drawer = ref(false)
  const mobile = ref(typeof window !== 'undefined' && typeof window.matchMedia === 'function'
    ? window.matchMedia(MOBILE_QUERY).matches : false)
  const tabs = ref<Tab[]>([])

  function watchViewport(): void {
    if (typeof window.matchMedia !== 'function')
      return
    const mq = window.matchMedia(MOBILE_QUERY)
    const on = (): void => {
      mobile.value = mq.matches
      if (!mq.matches)
        drawer.value = false
    }
    mq.addEventListener('change', on)
    on()
  }

  function addTab(t: Tab): void {
    const i = tabs.value.findIndex((x) => x.path === t.path)
    if (i >= 0)
      tabs.value[i] = t
    else
      tabs.value.push(t)
  }

  /* Closes a tab; returns the path to show if it was the current one. */
  function closeTab(path: string): string | null {
    const i = tabs.value.findIndex((x) => x.path === path)
    if (i < 0)
      return null
    tabs.value.splice(i, 1)
    const next = tabs.value[i] ?? tabs.value[i - 1]
    return next ? next.path : '/'
  }

  function closeOthers(path: string): void {
    tabs.value = tabs.value.filter((x) => x.path === path || x.path === '/')
  }

  function closeAll(): void {
    tabs.value = tabs.value.filter((x) => x.path === '/')
  }

  function reset(): void {
    tabs.value = []
    drawer.value = false
  }

  return { collapsed, drawer, mobile, tabs, watchViewport, addTab, closeTab, closeOthers, closeAll, reset }
})
