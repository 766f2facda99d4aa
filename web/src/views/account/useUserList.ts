/*
 * The users page (用户管理): search, filters, sort and paging kept in the
 * URL; disable, enable and reset-password actions.  Creating and editing
 * live in useUserForm.ts (the dialog).
 */
import { computed, reactive, ref, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { useI18n } from 'vue-i18n'
import { ElMessageBox } from 'element-plus'
import { disableUser, enableUser, listRole, listUser, resetUserPassword } from '@/api/account'
import type { Role, User } from '@/api/account'
import { useUserStore } from '@/store/user'
import { showError, success } from '@/utils/feedback'
import { checkPassword, generatePassword } from '@/utils/validate'
import { pick, roleName } from '@/utils/format'

export const USER_SORTS = ['login', 'display_name', 'status', 'created_at', 'updated_at'] as const
export const PAGE_SIZES = [10, 20, 50, 100]

export function useUserList() {
  const { t } = useI18n()
  const route = useRoute()
  const router = useRouter()
  const user = useUserStore()

  const query = reactive({ q: '', role: '', status: '', sort: 'login' })
  const page = reactive({ offset: 0, limit: 20 })
  const total = ref(0)
  const rows = ref<User[]>([])
  const loading = ref(false)
  const roles = ref<Role[]>([])

  /* Roles a user may be given here: business roles (三员 only on the CLI, ACC-005). */
  const businessRoles = computed(() => roles.value.filter((r) => !r.admin_kind))
  const roleOptions = computed(() => roles.value.map((r) => ({ value: r.id, label: pick(r.name_zh, r.name_en) })))
  const canWrite = computed(() => user.can('account:write'))

  function fromUrl(): void {
    const q = route.query
    query.q = typeof q.q === 'string' ? q.q : ''
    query.role = typeof q.role === 'string' ? q.role : ''
    query.status = q.status === 'active' || q.status === 'disabled' ? q.status : ''
    const s = typeof q.sort === 'string' ? q.sort : 'login'
    query.sort = (USER_SORTS as readonly string[]).includes(s.replace(/^-/, '')) ? s : 'login'
    const lim = Number(q.limit)
    page.limit = PAGE_SIZES.includes(lim) ? lim : 20
    const off = Number(q.offset)
    page.offset = Number.isInteger(off) && off >= 0 ? off : 0
  }

  function toUrl(): void {
    const q: Record<string, string> = {}
    if (query.q) q.q = query.q
    if (query.role) q.role = query.role
    if (query.status) q.status = query.status
    if (query.sort !== 'login') q.sort = query.sort
    if (page.offset) q.offset = String(page.offset)
    if (page.limit !== 20) q.limit = String(page.limit)
    void router.replace({ query: q })
  }

  async function load(): Promise<void> {
    loading.value = true
    try {
      const r = await listUser({ ...query, q: query.q.trim(), offset: page.offset, limit: page.limit })
      rows.value = r.items
      total.value = r.page.total
    } catch (e) {
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  async function loadRoles(): Promise<void> {
    if (!user.can('role:read'))
      return
    try {
      roles.value = (await listRole()).items
    } catch (e) {
      await showError(e)
    }
  }

  function search(): void {
    page.offset = 0
    toUrl()
  }

  function reset(): void {
    query.q = ''
    query.role = ''
    query.status = ''
    query.sort = 'login'
    search()
  }

  const currentPage = computed({
    get: () => Math.floor(page.offset / page.limit) + 1,
    set: (p: number) => { page.offset = (p - 1) * page.limit; toUrl() },
  })

  function onSize(n: number): void {
    page.limit = n
    page.offset = 0
    toUrl()
  }

  /* Table header sort -> ?sort=[-]column. */
  function onSort(s: { prop: string | null; order: 'ascending' | 'descending' | null }): void {
    query.sort = !s.prop || !s.order ? 'login' : (s.order === 'descending' ? '-' : '') + s.prop
    search()
  }

  const defaultSort = computed(() => ({
    prop: query.sort.replace(/^-/, ''),
    order: (query.sort.startsWith('-') ? 'descending' : 'ascending') as 'ascending' | 'descending',
  }))

  async function toggle(u: User): Promise<void> {
    const disabling = u.status === 'active'
    try {
      await ElMessageBox.confirm(
        t(disabling ? 'users.disableConfirm' : 'users.enableConfirm', { name: u.display_name }),
        t('common.prompt'),
        { type: 'warning', confirmButtonText: t('common.confirm'), cancelButtonText: t('common.cancel') })
    } catch {
      return
    }
    try {
      await (disabling ? disableUser(u.id) : enableUser(u.id))
      success(t(disabling ? 'users.disabledOk' : 'users.enabledOk'))
      await load()
    } catch (e) {
      await showError(e)
    }
  }

  /* Reset password: a generated one-time password, shown once. */
  const resetting = reactive({ open: false, user: null as User | null, password: '', resetTotp: false, error: '', busy: false, done: false })

  function openReset(u: User): void {
    Object.assign(resetting, { open: true, user: u, password: generatePassword(), resetTotp: false, error: '', busy: false, done: false })
  }

  async function submitReset(): Promise<void> {
    const u = resetting.user
    if (!u)
      return
    const p = checkPassword(resetting.password, u.login, !!u.admin_kind)
    if (p) {
      resetting.error = t(p.key, p.params ?? {})
      return
    }
    resetting.busy = true
    resetting.error = ''
    try {
      await resetUserPassword(u.id, resetting.password, resetting.resetTotp)
      resetting.done = true
      success(t('users.resetOk'))
      await load()
    } catch (e) {
      const f = { password: '' }
      await showError(e, { fields: f, formFields: ['password'] })
      resetting.error = f.password
    } finally {
      resetting.busy = false
    }
  }

  watch(() => route.query, () => {
    if (route.name !== 'UserList')
      return
    fromUrl()
    void load()
  }, { immediate: true })

  return {
    query, page, total, rows, loading, roles, businessRoles, roleOptions, canWrite,
    currentPage, defaultSort, load, loadRoles, search, reset, onSize, onSort, toggle,
    resetting, openReset, submitReset, roleName,
  }
}
