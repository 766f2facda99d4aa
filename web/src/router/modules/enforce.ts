import type { RouteRecordRaw } from 'vue-router'

/*
 * 执法办案 (enforcement cases): the menu entry /cases (the list), the
 * legal-review queue, the supervisors' flags, the discretion calculator,
 * officers' certificates and conflicts, a new case and one case.  The
 * public decisions are a public route in router/index.ts.
 */
const routes: RouteRecordRaw[] = [
  {
    path: 'cases',
    name: 'CaseList',
    component: () => import('@/views/enforce/CaseList.vue'),
    meta: { titleKey: 'enforce.title', perm: 'case:read', menuKey: 'cases', icon: 'Tickets' },
  },
  {
    path: 'cases/review',
    name: 'CaseReview',
    component: () => import('@/views/enforce/CaseList.vue'),
    props: { review: true },
    meta: { titleKey: 'enforce.nav.review', perm: 'case:review', parent: 'CaseList' },
  },
  {
    path: 'cases/flags',
    name: 'CaseFlags',
    component: () => import('@/views/enforce/CaseFlags.vue'),
    meta: { titleKey: 'enforce.nav.flags', perm: 'case:supervise', parent: 'CaseList' },
  },
  {
    path: 'cases/calculator',
    name: 'CaseCalculator',
    component: () => import('@/views/enforce/CalculatorPage.vue'),
    meta: { titleKey: 'enforce.nav.calculator', perm: 'case:read', parent: 'CaseList' },
  },
  {
    path: 'cases/officers',
    name: 'CaseOfficers',
    component: () => import('@/views/enforce/OfficerCerts.vue'),
    meta: { titleKey: 'enforce.nav.officers', perm: 'officer:manage', parent: 'CaseList' },
  },
  {
    path: 'cases/new',
    name: 'CaseNew',
    component: () => import('@/views/enforce/CaseForm.vue'),
    meta: { titleKey: 'enforce.form.title', perm: 'case:write', parent: 'CaseList' },
  },
  {
    path: 'cases/:id(\\d+)',
    name: 'CaseDetail',
    component: () => import('@/views/enforce/CaseDetail.vue'),
    meta: { titleKey: 'enforce.detail', perm: 'case:read', parent: 'CaseList' },
  },
]

export default routes
