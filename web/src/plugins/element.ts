/*
 * Element Plus, imported component by component (with each one's CSS) so
 * the bundle carries only what the console uses (TOOLCHAIN.md: ~695 KB
 * gzip for everything vs ~272 KB for the parts).  Add a component here
 * when a page starts using it.
 */
import type { App } from 'vue'
import {
  ElAlert, ElAside, ElBreadcrumb, ElBreadcrumbItem, ElButton, ElCard, ElCheckbox,
  ElCheckboxGroup, ElCol, ElConfigProvider, ElContainer, ElDatePicker, ElDescriptions,
  ElDescriptionsItem, ElDialog, ElDivider, ElDrawer, ElDropdown, ElDropdownItem,
  ElDropdownMenu, ElEmpty, ElForm, ElFormItem, ElHeader, ElIcon, ElInput, ElInputNumber, ElLink,
  ElLoading, ElMain, ElMenu, ElMenuItem, ElOption, ElPagination, ElRadio, ElRadioButton,
  ElRadioGroup, ElResult, ElRow, ElScrollbar, ElSelect, ElSkeleton, ElSpace, ElStep, ElSteps, ElSwitch, ElTable,
  ElTableColumn, ElTabPane, ElTabs, ElTag, ElTimeline, ElTimelineItem, ElTooltip,
} from 'element-plus'

import 'element-plus/es/components/alert/style/css'
import 'element-plus/es/components/aside/style/css'
import 'element-plus/es/components/breadcrumb/style/css'
import 'element-plus/es/components/breadcrumb-item/style/css'
import 'element-plus/es/components/button/style/css'
import 'element-plus/es/components/card/style/css'
import 'element-plus/es/components/checkbox/style/css'
import 'element-plus/es/components/checkbox-group/style/css'
import 'element-plus/es/components/col/style/css'
import 'element-plus/es/components/config-provider/style/css'
import 'element-plus/es/components/container/style/css'
import 'element-plus/es/components/date-picker/style/css'
import 'element-plus/es/components/descriptions/style/css'
import 'element-plus/es/components/descriptions-item/style/css'
import 'element-plus/es/components/dialog/style/css'
import 'element-plus/es/components/divider/style/css'
import 'element-plus/es/components/drawer/style/css'
import 'element-plus/es/components/dropdown/style/css'
import 'element-plus/es/components/dropdown-item/style/css'
import 'element-plus/es/components/dropdown-menu/style/css'
import 'element-plus/es/components/empty/style/css'
import 'element-plus/es/components/form/style/css'
import 'element-plus/es/components/form-item/style/css'
import 'element-plus/es/components/header/style/css'
import 'element-plus/es/components/icon/style/css'
import 'element-plus/es/components/input/style/css'
import 'element-plus/es/components/input-number/style/css'
import 'element-plus/es/components/link/style/css'
import 'element-plus/es/components/loading/style/css'
import 'element-plus/es/components/main/style/css'
import 'element-plus/es/components/menu/style/css'
import 'element-plus/es/components/menu-item/style/css'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import 'element-plus/es/components/option/style/css'
import 'element-plus/es/components/pagination/style/css'
import 'element-plus/es/components/radio/style/css'
import 'element-plus/es/components/radio-button/style/css'
import 'element-plus/es/components/radio-group/style/css'
import 'element-plus/es/components/result/style/css'
import 'element-plus/es/components/row/style/css'
import 'element-plus/es/components/scrollbar/style/css'
import 'element-plus/es/components/select/style/css'
import 'element-plus/es/components/skeleton/style/css'
import 'element-plus/es/components/space/style/css'
import 'element-plus/es/components/step/style/css'
import 'element-plus/es/components/steps/style/css'
import 'element-plus/es/components/switch/style/css'
import 'element-plus/es/components/table/style/css'
import 'element-plus/es/components/table-column/style/css'
import 'element-plus/es/components/tab-pane/style/css'
import 'element-plus/es/components/tabs/style/css'
import 'element-plus/es/components/tag/style/css'
import 'element-plus/es/components/timeline/style/css'
import 'element-plus/es/components/timeline-item/style/css'
import 'element-plus/es/components/tooltip/style/css'

const components = [
  ElAlert, ElAside, ElBreadcrumb, ElBreadcrumbItem, ElButton, ElCard, ElCheckbox,
  ElCheckboxGroup, ElCol, ElConfigProvider, ElContainer, ElDatePicker, ElDescriptions,
  ElDescriptionsItem, ElDialog, ElDivider, ElDrawer, ElDropdown, ElDropdownItem,
  ElDropdownMenu, ElEmpty, ElForm, ElFormItem, ElHeader, ElIcon, ElInput, ElInputNumber, ElLink,
  ElMain, ElMenu, ElMenuItem, ElOption, ElPagination, ElRadio, ElRadioButton, ElRadioGroup,
  ElResult, ElRow, ElScrollbar, ElSelect, ElSkeleton, ElSpace, ElStep, ElSteps, ElSwitch, ElTable, ElTableColumn,
  ElTabPane, ElTabs, ElTag, ElTimeline, ElTimelineItem, ElTooltip,
]

export function installElement(app: App): void {
  for (const c of components)
    app.use(c)
  app.use(ElLoading)
}
