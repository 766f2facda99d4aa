import type { RouteRecordRaw } from 'vue-router'

/*
 * 营业前检查 (opening permits of public gathering places): the menu entry
 * /permits (the list), the verification tasks, the application form (a
 * unit for itself, an officer at the window) and one application with its
 * certificate, documents and steps.  The public certificate check is a
 * public route in router/index.ts (/public/ecert).
 */
const routes: RouteRecordRaw[] = [
  {
    path: 'permits',
    name: 'PermitList',
    component: () => import('@/views/permit/PermitList.vue'),
    meta: { titleKey: 'permit.title', perm: 'permit:read', menuKey: 'permits', icon: 'Stamp' },
  },
  {
    path: 'permits/tasks',
    name: 'PermitTasks',
    component: () => import('@/views/permit/PermitList.vue'),
    props: { tasks: true },
    meta: { titleKey: 'permit.nav.tasks', perm: 'permit:read', parent: 'PermitList' },
  },
  {
    path: 'permits/new',
    name: 'PermitNew',
    component: () => import('@/views/permit/PermitForm.vue'),
    meta: { titleKey: 'permit.form.title', perm: 'permit:apply', parent: 'PermitList' },
  },
  {
    path: 'permits/:id(\\d+)',
    name: 'PermitDetail',
    component: () => import('@/views/permit/PermitDetail.vue'),
    meta: { titleKey: 'permit.detail', perm: 'permit:read', parent: 'PermitList' },
  },
]

export default routes
