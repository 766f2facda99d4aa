/*
 * Showing an error to a person: a field error goes next to its field, a
 * 412/428 opens the "someone else changed this record" dialog with a
 * reload, a 401 is left to the global handler (which goes to the login
 * page), anything else is a message with the request id for support.
 */
import { ElMessage, ElMessageBox } from 'element-plus'
import { ApiError } from '@/api/http'
import { t } from '@/i18n'
import { errorText, fieldError, isConflict } from './errors'

export interface ShowErrorOptions {
  /* The form's field errors, bound to each form item's :error. */
  fields?: Record<string, string>
  /* The fields the form shows (server field names). */
  formFields?: readonly string[]
  /* Reload the record (412/428). */
  onReload?: () => void | Promise<void>
}

export async function showError(err: unknown, opts: ShowErrorOptions = {}): Promise<void> {
  if (err instanceof ApiError && err.status === 401 && err.code === 'unauthenticated')
    return
  if (isConflict(err)) {
    const body = err.status === 412 ? t('errors.conflictBody') : t('errors.preconditionBody')
    try {
      await ElMessageBox.alert(body, t('errors.conflictTitle'), {
        type: 'warning',
        confirmButtonText: t('common.reload'),
        customClass: 'fw-conflict-box',
      })
    } catch {
      /* closed without the button: reload all the same */
    }
    if (opts.onReload)
      await opts.onReload()
    return
  }
  if (opts.fields && opts.formFields) {
    const fe = fieldError(err, opts.formFields, t)
    if (fe) {
      opts.fields[fe[0]] = fe[1]
      return
    }
  }
  let msg = errorText(err, t)
  if (err instanceof ApiError && err.status >= 500 && err.requestId)
    msg += ' · ' + t('errors.requestId', { id: err.requestId })
  ElMessage({ type: 'error', message: msg, showClose: true, duration: 5000 })
}

export function clearFields(fields: Record<string, string>): void {
  for (const k of Object.keys(fields))
    fields[k] = ''
}

export function success(msg: string): void {
  ElMessage({ type: 'success', message: msg })
}
