/* The icons the menu uses, by name (bundled; nothing fetched). */
import type { Component } from 'vue'
import { DataAnalysis, HomeFilled, Lock, Menu, OfficeBuilding, Tickets, User, UserFilled } from '@element-plus/icons-vue'

export const menuIcons: Record<string, Component> = {
  DataAnalysis, HomeFilled, Lock, Menu, OfficeBuilding, Tickets, User, UserFilled,
}
