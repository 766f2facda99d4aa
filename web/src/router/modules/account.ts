import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  {
    path: 'users',
    name: 'UserList',
    component: () => import('@/views/account/UserList.vue'),
    meta: { titleKey: 'users.title', perm: 'account:read', menuKey: 'users', icon: 'User' },
  },
  {
    path: 'roles',
    name: 'RoleList',
    component: () => import('@/views/account/RoleList.vue'),
    meta: { titleKey: 'roles.title', perm: 'role:read', menuKey: 'roles', icon: 'Lock' },
  },
]

export default routes
