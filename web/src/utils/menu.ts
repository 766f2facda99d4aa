/*
 * The side menu: the server's /me menu (already cut to the user's
 * permissions) intersected with what this console has pages for and
 * checked again against the permission list, so a menu entry never leads
 * to a page that is missing or that the server would refuse.
 */
import type { MenuItem } from '@/api/account'

/* A permission string a route or menu entry needs: 'login' means any user. */
export function permitted(perm: string | undefined, permissions: readonly string[]): boolean {
  if (!perm || perm === 'login' || perm === 'public')
    return true
  return permissions.includes(perm)
}

/* Any of several permissions (v-perms with a list). */
export function permittedAny(perms: readonly string[], permissions: readonly string[]): boolean {
  return perms.length === 0 || perms.some((p) => permitted(p, permissions))
}

export interface MenuEntry extends MenuItem {
  /* The console route's path (from the router, not the server). */
  to: string
  icon: string
}

/*
 * knownRoutes maps a menu key to the console's route path and icon; menu
 * keys the console does not know (a module whose pages are not built) are
 * left out, as are entries whose permission is not held.
 */
export function filterMenu(menu: readonly MenuItem[], permissions: readonly string[],
  knownRoutes: Readonly<Record<string, { path: string; icon: string }>>): MenuEntry[] {
  const out: MenuEntry[] = []
  const seen = new Set<string>()
  for (const m of menu) {
    const r = knownRoutes[m.key]
    if (!r || seen.has(m.key) || !permitted(m.perm, permissions))
      continue
    seen.add(m.key)
    out.push({ ...m, to: r.path, icon: r.icon })
  }
  return out
}
