import 'vue-router'

declare module 'vue-router' {
  interface RouteMeta {
    /* i18n key of the page title (tabs, breadcrumbs, document title). */
    titleKey?: string
    /* Permission needed ('login' = any signed-in user); a list: any of them. */
    perm?: string | readonly string[]
    /* The /me menu key this page answers to (top-level pages only). */
    menuKey?: string
    /* Element Plus icon name for the menu. */
    icon?: string
    /* Reachable without a session. */
    public?: boolean
    /* Parent page for breadcrumbs (a detail page's list). */
    parent?: string
    /* Not shown as a tab. */
    noTab?: boolean
  }
}
