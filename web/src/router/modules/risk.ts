import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  {
    path: 'risk/model',
    name: 'RiskModel',
    component: () => import('@/views/risk/RiskModel.vue'),
    meta: { titleKey: 'risk.title', perm: 'registry:read', menuKey: 'risk', icon: 'DataAnalysis' },
  },
]

export default routes
