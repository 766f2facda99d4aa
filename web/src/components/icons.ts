/* The icons the menu uses, by name (bundled; nothing fetched). */
import type { Component } from 'vue'
import {
  Bell, Checked, DataAnalysis, HomeFilled, Lock, Menu, OfficeBuilding, Setting, Tickets, User, UserFilled, Warning,
} from '@element-plus/icons-vue'

export const menuIcons: Record<string, Component> = {
  Bell, Checked, DataAnalysis, HomeFilled, Lock, Menu, OfficeBuilding, Setting, Tickets, User, UserFilled, Warning,
}
