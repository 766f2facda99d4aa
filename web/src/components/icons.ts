/* The icons the menu uses, by name (bundled; nothing fetched). */
import type { Component } from 'vue'
import {
  Bell, Checked, DataAnalysis, HomeFilled, Lock, MapLocation, Menu, OfficeBuilding, Setting, Stamp, Tickets, User, UserFilled,
  Warning,
} from '@element-plus/icons-vue'

export const menuIcons: Record<string, Component> = {
  Bell, Checked, DataAnalysis, HomeFilled, Lock, MapLocation, Menu, OfficeBuilding, Setting, Stamp, Tickets, User, UserFilled,
  Warning,
}
