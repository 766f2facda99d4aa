import type { RouteRecordRaw } from 'vue-router'

/*
 * 双随机抽查: the menu entry /inspection and the pages of 一单两库 (items,
 * inspectors).  Plans, tasks and rules are inspection_plans.ts; the
 * sections are tabs of views/inspection/InspectionNav.vue.
 */
const routes: RouteRecordRaw[] = [
  {
    path: 'inspection',
    name: 'Inspection',
    redirect: { name: 'InspectionItems' },
    meta: { titleKey: 'inspectionDir.title', perm: 'inspection:read', menuKey: 'inspection', icon: 'Checked' },
  },
  {
    path: 'inspection/items',
    name: 'InspectionItems',
    component: () => import('@/views/inspection/ItemList.vue'),
    meta: { titleKey: 'inspectionDir.items.title', perm: 'inspection:read' },
  },
  {
    path: 'inspection/inspectors',
    name: 'InspectionInspectors',
    component: () => import('@/views/inspection/InspectorList.vue'),
    meta: { titleKey: 'inspectionDir.inspectors.title', perm: 'inspection:read' },
  },
]

export default routes
