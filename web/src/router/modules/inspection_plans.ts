import type { RouteRecordRaw } from 'vue-router'

/* Plans, tasks and sampling rules of 双随机抽查 (the directories are inspection.ts). */
const routes: RouteRecordRaw[] = [
  {
    path: 'inspection/plans',
    name: 'PlanList',
    component: () => import('@/views/inspection/PlanList.vue'),
    meta: { titleKey: 'plans.title', perm: 'inspection:read' },
  },
  {
    path: 'inspection/plans/:id(\\d+)',
    name: 'PlanDetail',
    component: () => import('@/views/inspection/PlanDetail.vue'),
    meta: { titleKey: 'plans.detail', perm: 'inspection:read', parent: 'PlanList' },
  },
  {
    path: 'inspection/tasks',
    name: 'TaskList',
    component: () => import('@/views/inspection/TaskList.vue'),
    meta: { titleKey: 'plans.taskTitle', perm: 'inspection:read' },
  },
  {
    path: 'inspection/tasks/:id(\\d+)/check',
    name: 'CheckForm',
    component: () => import('@/views/inspection/CheckForm.vue'),
    meta: { titleKey: 'check.title', perm: 'inspection:read', parent: 'TaskList' },
  },
  {
    path: 'inspection/rules',
    name: 'SamplingRules',
    component: () => import('@/views/inspection/RulesPage.vue'),
    meta: { titleKey: 'rules2.page', perm: ['inspection:read', 'inspection:rules'], menuKey: 'sampling', icon: 'Setting' },
  },
]

export default routes
