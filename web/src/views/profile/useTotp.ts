/*
 * TOTP enrolment: start (POST /me/totp gives the secret and the
 * otpauth:// URI), show them as text and as a QR code, confirm with a code.
 */
import { computed, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import qrcode from 'qrcode-generator'
import { addMyTotp, confirmMyTotp } from '@/api/account'
import { useUserStore } from '@/store/user'
import { checkOtp } from '@/utils/validate'
import { showError, success } from '@/utils/feedback'

/* The otpauth URI as a QR code image (GIF data URL; no network). */
export function qrDataUrl(text: string): string {
  const qr = qrcode(0, 'M')
  qr.addData(text)
  qr.make()
  return qr.createDataURL(5, 8)
}

export function useTotp(onDone?: () => void | Promise<void>) {
  const { t } = useI18n()
  const user = useUserStore()
  const enrol = ref<{ secret: string; uri: string } | null>(null)
  const code = ref('')
  const codeError = ref('')
  const busy = ref(false)
  const qr = computed(() => (enrol.value ? qrDataUrl(enrol.value.uri) : ''))
  const enabled = computed(() => user.me?.totp_enabled ?? false)

  async function start(): Promise<void> {
    busy.value = true
    try {
      enrol.value = await addMyTotp()
      code.value = ''
      codeError.value = ''
    } catch (e) {
      await showError(e)
    } finally {
      busy.value = false
    }
  }

  async function confirm(): Promise<void> {
    codeError.value = ''
    const p = checkOtp(code.value.trim())
    if (p) {
      codeError.value = t(p.key)
      return
    }
    busy.value = true
    try {
      await confirmMyTotp(code.value.trim())
      enrol.value = null
      success(t('totp.done'))
      await user.fetchMe()
      if (onDone)
        await onDone()
    } catch (e) {
      const fields = { otp: '' }
      await showError(e, { fields, formFields: ['otp'] })
      codeError.value = fields.otp
    } finally {
      busy.value = false
    }
  }

  return { enrol, code, codeError, busy, qr, enabled, start, confirm }
}
