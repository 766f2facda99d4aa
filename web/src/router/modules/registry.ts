import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  {
    path: 'units',
    name: 'UnitList',
    component: () => import('@/views/registry/UnitList.vue'),
    meta: { titleKey: 'units.title', perm: 'registry:read', menuKey: 'units', icon: 'OfficeBuilding' },
  },
  {
    path: 'units/:id(\\d+)',
    name: 'UnitDetail',
    component: () => import('@/views/registry/UnitDetail.vue'),
    meta: { titleKey: 'units.detail', perm: 'registry:read', parent: 'UnitList' },
  },
]

export default routes
