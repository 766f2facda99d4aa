/*
 * Routes: the public login page, the two forced steps (first-login
 * password change, TOTP enrolment for roles that need it), and the pages
 * inside the layout, gathered from router/modules/*.ts.  Each page states
 * its permission in meta.perm and its /me menu key in meta.menuKey; the
 * guard sends a person to the step they must take first.
 */
import { createRouter, createWebHistory } from 'vue-router'
import type { RouteLocationNormalized, RouteRecordRaw } from 'vue-router'
import Layout from '@/layout/AppLayout.vue'
import LoginPage from '@/views/login/LoginPage.vue'
import { useUserStore } from '@/store/user'
import { t } from '@/i18n'

const modules = import.meta.glob<{ default: RouteRecordRaw[] }>('./modules/*.ts', { eager: true })

/* Module routes in a stable order: home first, then by file name. */
export const pageRoutes: RouteRecordRaw[] = Object.keys(modules)
  .sort((a, b) => (a.endsWith('/home.ts') ? -1 : b.endsWith('/home.ts') ? 1 : a.localeCompare(b)))
  .flatMap((k) => modules[k]!.default)

/* Menu key -> console path and icon, for utils/menu.ts filterMenu(). */
export const menuRoutes: Record<string, { path: string; icon: string }> = Object.fromEntries(
  pageRoutes.filter((r) => r.meta?.menuKey).map((r) => [
    r.meta!.menuKey!, { path: '/' + r.path, icon: r.meta!.icon ?? 'Menu' },
  ]),
)

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'Login', component: LoginPage, meta: { public: true, titleKey: 'login.title' } },
  /* 双随机一公开: readable by anyone, outside the layout (which needs a session). */
  {
    path: '/public/plans',
    name: 'PublicPlans',
    component: () => import('@/views/public/PublicPlans.vue'),
    meta: { public: true, titleKey: 'publicDraw.plansTitle' },
  },
  {
    path: '/public/verify/:planId(\\d+)?',
    name: 'DrawVerify',
    component: () => import('@/views/public/DrawVerify.vue'),
    meta: { public: true, titleKey: 'publicDraw.verifyTitle' },
  },
  /* 挂牌督办 published to the public (HAZ-027). */
  {
    path: '/public/hazard-listings',
    name: 'PublicListings',
    component: () => import('@/views/public/PublicListings.vue'),
    meta: { public: true, titleKey: 'hazard.listing.publicTitle' },
  },
  /* 行政处罚决定公开 (ENF-050): published decisions, personal data removed. */
  {
    path: '/public/decisions',
    name: 'PublicDecisions',
    component: () => import('@/views/public/PublicDecisions.vue'),
    meta: { public: true, titleKey: 'enforce.public.title' },
  },
  /* 电子证书核验 (specs/ecert-v1.md): the page a certificate's QR code and url lead to. */
  {
    path: '/public/ecert',
    name: 'EcertVerify',
    component: () => import('@/views/public/EcertVerify.vue'),
    meta: { public: true, titleKey: 'ecert.title' },
  },
  {
    path: '/password',
    name: 'ForcePassword',
    component: () => import('@/views/login/ForcePassword.vue'),
    meta: { titleKey: 'password.forcedTitle', perm: 'login' },
  },
  {
    path: '/setup-2fa',
    name: 'ForceTotp',
    component: () => import('@/views/login/ForceTotp.vue'),
    meta: { titleKey: 'totp.forcedTitle', perm: 'login' },
  },
  {
    path: '/',
    component: Layout,
    children: [
      ...pageRoutes,
      {
        path: '403',
        name: 'Forbidden',
        component: () => import('@/views/error/ErrorPage.vue'),
        props: { kind: 403 },
        meta: { titleKey: 'layout.forbidden', perm: 'login', noTab: true },
      },
      {
        path: ':rest(.*)*',
        name: 'NotFound',
        component: () => import('@/views/error/ErrorPage.vue'),
        props: { kind: 404 },
        meta: { titleKey: 'layout.notFound', perm: 'login', noTab: true },
      },
    ],
  },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

function safeRedirect(r: unknown): string {
  /* Only same-site paths: never an absolute URL from the query string. */
  return typeof r === 'string' && r.startsWith('/') && !r.startsWith('//') ? r : '/'
}

export async function guard(to: RouteLocationNormalized) {
  const user = useUserStore()
  if (to.meta.public) {
    if (to.name === 'Login' && user.loggedIn)
      return safeRedirect(to.query.redirect)
    return true
  }
  if (!user.me) {
    let me = null
    try {
      me = await user.fetchMe()
    } catch {
      me = null
    }
    if (!me)
      return { name: 'Login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  if (user.mustChange)
    return to.name === 'ForcePassword' ? true : { name: 'ForcePassword', query: { redirect: to.fullPath } }
  if (to.name === 'ForcePassword')
    return safeRedirect(to.query.redirect)
  if (user.needsTotp)
    return to.name === 'ForceTotp' ? true : { name: 'ForceTotp', query: { redirect: to.fullPath } }
  if (to.name === 'ForceTotp')
    return safeRedirect(to.query.redirect)
  if (to.meta.perm && !user.can(to.meta.perm))
    return { name: 'Forbidden' }
  return true
}

router.beforeEach(guard)

router.afterEach((to) => {
  const title = to.meta.titleKey ? t(to.meta.titleKey) : ''
  document.title = title ? `${title} - ${t('app.title')}` : t('app.title')
})

export { safeRedirect }
