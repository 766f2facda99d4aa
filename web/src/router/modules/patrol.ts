import type { RouteRecordRaw } from 'vue-router'

/*
 * 网格巡查 (grid patrols and police stations' fire checks): the menu entry
 * /patrols (the ledger), recording on a phone, one record beside the
 * unit's previous one, and the coverage dashboards.
 */
const routes: RouteRecordRaw[] = [
  {
    path: 'patrols',
    name: 'PatrolList',
    component: () => import('@/views/patrol/PatrolList.vue'),
    meta: { titleKey: 'patrol.title', perm: 'patrol:read', menuKey: 'patrols', icon: 'MapLocation' },
  },
  {
    path: 'patrols/new',
    name: 'PatrolNew',
    component: () => import('@/views/patrol/PatrolForm.vue'),
    meta: { titleKey: 'patrol.nav.create', perm: 'patrol:write', parent: 'PatrolList' },
  },
  {
    path: 'patrols/coverage',
    name: 'PatrolCoverage',
    component: () => import('@/views/patrol/PatrolCoverage.vue'),
    meta: { titleKey: 'patrol.nav.coverage', perm: 'patrol:read', parent: 'PatrolList' },
  },
  {
    path: 'patrols/:id(\\d+)',
    name: 'PatrolDetail',
    component: () => import('@/views/patrol/PatrolDetail.vue'),
    meta: { titleKey: 'patrol.detail', perm: 'patrol:read', parent: 'PatrolList' },
  },
]

export default routes
