/*
 * An error of the enforcement pages in words: the module's refusals
 * precisely (enforce.ts enforceErrorText), anything else as the console
 * says it (utils/errors.ts).
 */
import { ApiError } from '@/api/http'
import { t } from '@/i18n'
import { errorText } from '@/utils/errors'
import { enforceErrorText } from './enforce'

export function caseErrorText(e: unknown): string {
  const base = errorText(e, t, false)
  return e instanceof ApiError ? enforceErrorText(e.serverMessage, e.code, base, t) : base
}
