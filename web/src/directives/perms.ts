/*
 * v-perms="'account:write'" or v-perms="['a', 'b']": the element is
 * removed unless the signed-in user holds the permission (any of a list).
 * Fed by /api/v1/me.  This only hides what the server would refuse; the
 * server enforces every permission itself.
 */
import type { Directive } from 'vue'
import { useUserStore } from '@/store/user'

export const perms: Directive<HTMLElement, string | string[]> = {
  mounted(el, binding) {
    const user = useUserStore()
    const need = binding.value
    if (!user.can(Array.isArray(need) ? need : [need]))
      el.parentNode?.removeChild(el)
  },
}
