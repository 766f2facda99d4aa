import type { RouteRecordRaw } from 'vue-router'

/*
 * 物联网监测: the menu entry /iot (the devices), the live alarm board and
 * one device with its conditions, readings, events and its unit's
 * statistics.  The sections are tabs of views/iot/IotNav.vue.
 */
const routes: RouteRecordRaw[] = [
  {
    path: 'iot',
    name: 'IotDevices',
    component: () => import('@/views/iot/DeviceList.vue'),
    meta: { titleKey: 'iot.title', perm: 'iot:read', menuKey: 'iot', icon: 'Bell' },
  },
  {
    path: 'iot/alarms',
    name: 'IotAlarms',
    component: () => import('@/views/iot/AlarmBoard.vue'),
    meta: { titleKey: 'iot.board.title', perm: 'iot:read', parent: 'IotDevices' },
  },
  {
    path: 'iot/devices/:id(\\d+)',
    name: 'IotDevice',
    component: () => import('@/views/iot/DeviceDetail.vue'),
    meta: { titleKey: 'iot.detail.title', perm: 'iot:read', parent: 'IotDevices' },
  },
]

export default routes
