/* The profile page: which tab is open, kept in the URL (?tab=). */
import { computed } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { useUserStore } from '@/store/user'

export const PROFILE_TABS = ['basic', 'password', 'totp', 'sessions'] as const
export type ProfileTab = typeof PROFILE_TABS[number]

export function useProfile() {
  const route = useRoute()
  const router = useRouter()
  const user = useUserStore()
  const tab = computed<ProfileTab>({
    get: () => {
      const q = String(route.query.tab ?? 'basic')
      return (PROFILE_TABS as readonly string[]).includes(q) ? q as ProfileTab : 'basic'
    },
    set: (v) => { void router.replace({ query: { ...route.query, tab: v } }) },
  })
  return { tab, user }
}
