/*
 * The create/edit user dialog.  Create sends an Idempotency-Key that stays
 * the same until the create succeeds (a second click after a lost answer
 * is the same create); edit reads the record first and sends its version
 * as If-Match, so a change made meanwhile by someone else is reported
 * (412) and reloaded, never overwritten.
 */
import { computed, reactive, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import type { FormInstance, FormRules } from 'element-plus'
import { addUser, getUser, updateUser } from '@/api/account'
import type { User, UserPatch } from '@/api/account'
import { IdempotencyKeeper } from '@/api/http'
import { clearFields, showError, success } from '@/utils/feedback'
import {
  checkDisplayName, checkJurisdiction, checkLogin, checkPassword, generatePassword, rule,
} from '@/utils/validate'

export const USER_FORM_FIELDS = ['login', 'display_name', 'roles', 'jurisdiction', 'password'] as const
export type JurKind = 'city' | 'town' | 'grid' | 'unit' | 'dept'

export function splitJurisdiction(j: string): { kind: JurKind; code: string } {
  const m = /^(town|grid|unit|dept):(.*)$/.exec(j)
  return m ? { kind: m[1] as JurKind, code: m[2] ?? '' } : { kind: 'city', code: '' }
}

export function joinJurisdiction(kind: JurKind, code: string): string {
  return kind === 'city' ? 'city' : `${kind}:${code.trim()}`
}

export function useUserForm(onSaved: () => void | Promise<void>) {
  const { t } = useI18n()
  const formRef = ref<FormInstance>()
  const open = ref(false)
  const mode = ref<'create' | 'edit'>('create')
  const saving = ref(false)
  const loadingRecord = ref(false)
  const editing = ref<User | null>(null)
  const version = ref<string | null>(null)
  /* The one-time password of a user just created, shown once. */
  const created = ref<{ login: string; password: string } | null>(null)
  const keeper = new IdempotencyKeeper()

  const form = reactive({
    login: '', display_name: '', roles: [] as string[], jurKind: 'town' as JurKind, jurCode: '', password: '',
  })
  const fieldErrors = reactive<Record<string, string>>(Object.fromEntries(USER_FORM_FIELDS.map((f) => [f, ''])))
  const jurisdiction = computed(() => joinJurisdiction(form.jurKind, form.jurCode))

  const rules = computed<FormRules>(() => ({
    login: mode.value === 'create' ? [rule(checkLogin, t)] : [],
    display_name: [rule(checkDisplayName, t)],
    roles: [{ type: 'array', required: true, min: 1, trigger: 'change', message: () => t('rules.rolesRequired') }],
    jurCode: [{
      trigger: 'blur',
      validator: (_r: unknown, _v: unknown, cb: (e?: Error) => void) => {
        const p = checkJurisdiction(jurisdiction.value)
        cb(p ? new Error(t(p.key)) : undefined)
      },
    }],
    password: mode.value === 'create'
      ? [rule((v) => checkPassword(v, form.login), t)] : [],
  }))

  function fill(u: User): void {
    form.login = u.login
    form.display_name = u.display_name
    form.roles = [...u.roles]
    const j = splitJurisdiction(u.jurisdiction)
    form.jurKind = j.kind
    form.jurCode = j.code
    form.password = ''
  }

  function openCreate(): void {
    mode.value = 'create'
    editing.value = null
    version.value = null
    keeper.reset()
    Object.assign(form, { login: '', display_name: '', roles: [], jurKind: 'town', jurCode: '', password: generatePassword() })
    clearFields(fieldErrors)
    open.value = true
    formRef.value?.clearValidate()
  }

  /* Reads the record (and its version) afresh. */
  async function reload(): Promise<void> {
    if (!editing.value)
      return
    loadingRecord.value = true
    try {
      const r = await getUser(editing.value.id)
      editing.value = r.data
      version.value = r.etag ?? String(r.data.version)
      fill(r.data)
      clearFields(fieldErrors)
    } catch (e) {
      await showError(e)
      open.value = false
    } finally {
      loadingRecord.value = false
    }
  }

  async function openEdit(u: User): Promise<void> {
    mode.value = 'edit'
    editing.value = u
    clearFields(fieldErrors)
    open.value = true
    formRef.value?.clearValidate()
    await reload()
  }

  function patch(): UserPatch {
    const u = editing.value!
    const p: UserPatch = {}
    if (form.display_name !== u.display_name)
      p.display_name = form.display_name
    if ([...form.roles].sort().join() !== [...u.roles].sort().join())
      p.roles = [...form.roles]
    if (jurisdiction.value !== u.jurisdiction)
      p.jurisdiction = jurisdiction.value
    return p
  }

  async function submit(): Promise<void> {
    clearFields(fieldErrors)
    if (!formRef.value || !(await formRef.value.validate().catch(() => false)))
      return
    saving.value = true
    try {
      if (mode.value === 'create') {
        await addUser({
          login: form.login.trim().toLowerCase(),
          display_name: form.display_name,
          roles: [...form.roles],
          jurisdiction: jurisdiction.value,
          password: form.password,
        }, keeper.get())
        keeper.reset()
        created.value = { login: form.login.trim().toLowerCase(), password: form.password }
        success(t('users.created'))
      } else {
        const p = patch()
        if (Object.keys(p).length > 0)
          await updateUser(editing.value!.id, version.value ?? editing.value!.version, p)
        success(t('users.updated'))
      }
      open.value = false
      await onSaved()
    } catch (e) {
      await showError(e, {
        fields: fieldErrors,
        formFields: USER_FORM_FIELDS,
        onReload: async () => { await reload(); await onSaved() },
      })
    } finally {
      saving.value = false
    }
  }

  function regenerate(): void {
    form.password = generatePassword()
  }

  return {
    formRef, open, mode, saving, loadingRecord, form, fieldErrors, rules, created, editing,
    openCreate, openEdit, submit, reload, regenerate,
  }
}
