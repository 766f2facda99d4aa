/* Changing one's own password (POST /api/v1/me/password), A-1 checked first. */
import { reactive, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import type { FormInstance, FormRules } from 'element-plus'
import { updateMyPassword } from '@/api/account'
import { useUserStore } from '@/store/user'
import { checkPassword, isAdminRoleSet } from '@/utils/validate'
import { clearFields, showError, success } from '@/utils/feedback'

export const PASSWORD_FIELDS = ['old_password', 'new_password'] as const

export function usePassword(onDone?: () => void | Promise<void>) {
  const { t } = useI18n()
  const user = useUserStore()
  const formRef = ref<FormInstance>()
  const form = reactive({ old_password: '', new_password: '', confirm: '' })
  const fieldErrors = reactive<Record<string, string>>({ old_password: '', new_password: '' })
  const saving = ref(false)
  const admin = (): boolean => isAdminRoleSet(user.me?.roles ?? [])

  const rules: FormRules = {
    old_password: [{ required: true, trigger: 'blur', message: () => t('rules.required', { field: t('password.old') }) }],
    new_password: [{
      trigger: 'blur',
      validator: (_r, v: string, cb) => {
        const p = checkPassword(v ?? '', user.me?.user.login ?? '', admin())
        if (p)
          return cb(new Error(t(p.key, p.params ?? {})))
        if (v && v === form.old_password)
          return cb(new Error(t('rules.pwSame')))
        cb()
      },
    }],
    confirm: [{
      trigger: 'blur',
      validator: (_r, v: string, cb) => cb(v !== form.new_password ? new Error(t('rules.pwConfirm')) : undefined),
    }],
  }

  async function submit(): Promise<void> {
    clearFields(fieldErrors)
    if (!formRef.value || !(await formRef.value.validate().catch(() => false)))
      return
    saving.value = true
    try {
      await updateMyPassword({ old_password: form.old_password, new_password: form.new_password })
      success(t('password.changed'))
      form.old_password = form.new_password = form.confirm = ''
      formRef.value.resetFields()
      await user.fetchMe()
      if (onDone)
        await onDone()
    } catch (e) {
      await showError(e, { fields: fieldErrors, formFields: PASSWORD_FIELDS })
    } finally {
      saving.value = false
    }
  }

  const minLength = (): number => (admin() ? 12 : 8)

  return { formRef, form, rules, fieldErrors, saving, submit, minLength }
}
