import type { RouteRecordRaw } from 'vue-router'

/*
 * 隐患治理: the menu entry /hazards (the list with the town heat table),
 * recording on a phone, one hazard with its timeline and steps, the
 * transfer inbox, the listing board and the seals.  The sections are tabs
 * of views/hazard/HazardNav.vue; the public listings are a public route
 * in router/index.ts.
 */
const routes: RouteRecordRaw[] = [
  {
    path: 'hazards',
    name: 'HazardList',
    component: () => import('@/views/hazard/HazardList.vue'),
    meta: { titleKey: 'hazard.title', perm: 'hazard:read', menuKey: 'hazards', icon: 'Warning' },
  },
  {
    path: 'hazards/new',
    name: 'HazardNew',
    component: () => import('@/views/hazard/HazardForm.vue'),
    meta: { titleKey: 'hazard.form.title', perm: 'hazard:write', parent: 'HazardList' },
  },
  {
    path: 'hazards/:id(\\d+)',
    name: 'HazardDetail',
    component: () => import('@/views/hazard/HazardDetail.vue'),
    meta: { titleKey: 'hazard.detail', perm: 'hazard:read', parent: 'HazardList' },
  },
  {
    path: 'hazards/transfers',
    name: 'HazardTransfers',
    component: () => import('@/views/hazard/TransferInbox.vue'),
    meta: { titleKey: 'hazard.inbox.title', perm: 'hazard:read', parent: 'HazardList' },
  },
  {
    path: 'hazards/listings',
    name: 'HazardListings',
    component: () => import('@/views/hazard/ListingBoard.vue'),
    meta: { titleKey: 'hazard.listing.title', perm: 'hazard:read', parent: 'HazardList' },
  },
  {
    path: 'hazards/seals',
    name: 'HazardSeals',
    component: () => import('@/views/hazard/SealList.vue'),
    meta: { titleKey: 'hazard.seal.title', perm: 'hazard:read', parent: 'HazardList' },
  },
]

export default routes
