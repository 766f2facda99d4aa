/*
 * 角色权限: the roles with their permissions (role:read); the security
 * administrator (role:write) replaces a role's permissions with If-Match.
 * Options the server would refuse (ACC-008, A-7) are disabled up front.
 */
import { computed, reactive, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { getRole, listPermission, listRole, updateRolePermissions } from '@/api/account'
import type { Permission, Role } from '@/api/account'
import { useUserStore } from '@/store/user'
import { showError, success } from '@/utils/feedback'

/* Read permissions an administrator role may hold besides its own (ACC-008). */
export const ADMIN_SAFE = ['account:read', 'role:read']

/* Whether role may be given perm, as ACC-008 and A-7 say. */
export function permAllowed(role: Pick<Role, 'admin_kind'>, perm: Pick<Permission, 'perm' | 'admin_kind'>): boolean {
  if (perm.admin_kind)
    return perm.admin_kind === role.admin_kind
  if (role.admin_kind)
    return ADMIN_SAFE.includes(perm.perm)
  return true
}

export function useRoleList() {
  const { t } = useI18n()
  const user = useUserStore()
  const roles = ref<Role[]>([])
  const perms = ref<Permission[]>([])
  const loading = ref(false)
  const canWrite = computed(() => user.can('role:write'))

  async function load(): Promise<void> {
    loading.value = true
    try {
      const [r, p] = await Promise.all([listRole(), listPermission()])
      roles.value = r.items
      perms.value = p.items
    } catch (e) {
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  const editor = reactive({
    open: false, busy: false, role: null as Role | null, version: '' as string, selected: [] as string[], error: '',
  })

  async function reloadRole(): Promise<void> {
    if (!editor.role)
      return
    editor.busy = true
    try {
      const r = await getRole(editor.role.id)
      editor.role = r.data
      editor.version = r.etag ?? String(r.data.version)
      editor.selected = [...r.data.permissions]
      editor.error = ''
    } catch (e) {
      await showError(e)
      editor.open = false
    } finally {
      editor.busy = false
    }
  }

  async function openEdit(r: Role): Promise<void> {
    editor.role = r
    editor.open = true
    await reloadRole()
  }

  async function save(): Promise<void> {
    if (!editor.role)
      return
    editor.busy = true
    editor.error = ''
    try {
      await updateRolePermissions(editor.role.id, editor.version, editor.selected)
      success(t('roles.saved'))
      editor.open = false
      await load()
    } catch (e) {
      const f = { permissions: '' }
      await showError(e, { fields: f, formFields: ['permissions'], onReload: async () => { await reloadRole(); await load() } })
      editor.error = f.permissions
    } finally {
      editor.busy = false
    }
  }

  function permTitle(p: string): Permission | undefined {
    return perms.value.find((x) => x.perm === p)
  }

  return { roles, perms, loading, canWrite, editor, load, openEdit, save, permTitle }
}
