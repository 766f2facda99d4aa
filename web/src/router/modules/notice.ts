import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  {
    path: 'notices',
    name: 'NoticeList',
    component: () => import('@/views/notice/NoticeList.vue'),
    meta: { titleKey: 'notice.title', perm: 'notice:read', menuKey: 'notices', icon: 'Bell' },
  },
]

export default routes
