/*
 * The login page's state: the form, the second step (a one-time code
 * when the server answers otp_required), and the error to show.
 */
import { nextTick, reactive, ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { useI18n } from 'vue-i18n'
import type { FormInstance, FormRules } from 'element-plus'
import { ApiError } from '@/api/http'
import { useUserStore } from '@/store/user'
import { safeRedirect } from '@/router'
import { errorText } from '@/utils/errors'
import { checkOtp, rule } from '@/utils/validate'

export function useLogin() {
  const { t } = useI18n()
  const route = useRoute()
  const router = useRouter()
  const user = useUserStore()

  const formRef = ref<FormInstance>()
  const otpRef = ref<{ focus: () => void }>()
  const form = reactive({ login: '', password: '', otp: '' })
  const needOtp = ref(false)
  const loading = ref(false)
  const error = ref('')

  const rules: FormRules = {
    login: [{ required: true, trigger: 'blur', message: () => t('rules.required', { field: t('login.login') }) }],
    password: [{ required: true, trigger: 'blur', message: () => t('rules.required', { field: t('login.password') }) }],
    otp: [rule(checkOtp, t)],
  }

  async function submit(): Promise<void> {
    error.value = ''
    if (!formRef.value || !(await formRef.value.validate().catch(() => false)))
      return
    loading.value = true
    try {
      const body: { login: string; password: string; otp?: string } = {
        login: form.login.trim(), password: form.password,
      }
      if (needOtp.value)
        body.otp = form.otp
      await user.login(body)
      await router.replace(safeRedirect(route.query.redirect))
    } catch (e) {
      if (e instanceof ApiError && e.code === 'otp_required') {
        needOtp.value = true
        await nextTick()
        otpRef.value?.focus()
        return
      }
      error.value = errorText(e, t)
      if (needOtp.value)
        form.otp = ''
    } finally {
      loading.value = false
    }
  }

  return { formRef, otpRef, form, rules, needOtp, loading, error, submit }
}
