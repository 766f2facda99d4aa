import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  {
    path: '',
    name: 'Home',
    component: () => import('@/views/home/HomePage.vue'),
    meta: { titleKey: 'home.title', perm: 'login', menuKey: 'home', icon: 'HomeFilled' },
  },
  {
    path: 'profile',
    name: 'Profile',
    component: () => import('@/views/profile/ProfilePage.vue'),
    meta: { titleKey: 'profile.title', perm: 'login', menuKey: 'profile', icon: 'UserFilled' },
  },
]

export default routes
