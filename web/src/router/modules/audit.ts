import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  {
    path: 'audit',
    name: 'AuditTrail',
    component: () => import('@/views/audit/AuditTrail.vue'),
    meta: { titleKey: 'audit.title', perm: 'audit:read', menuKey: 'audit', icon: 'Tickets' },
  },
]

export default routes
