/*
 * Electronic certificates, public (src/api/api_ecert.c, ECERT-011): the
 * published certificate keys with their kid, and the online check of a
 * QR text (signature and the registry's current status).  No login.
 */
import { request } from './http'
import type { EcertContent, PublishedKey } from '@/utils/ecert'

export interface EcertCheck {
  /* The signature's verdict (the server's own check). */
  valid: boolean
  reason?: 'unknown_key' | 'bad_signature' | 'not_canonical'
  message?: string
  content: EcertContent
  status: 'valid' | 'revoked' | 'superseded' | 'unknown'
  revoked_on: string | null
  revoke_reason: string | null
  superseded_by_no: string | null
}

export function listEcertKeys(): Promise<PublishedKey[]> {
  return request<PublishedKey[]>('GET', '/api/v1/public/ecert/keys', { noAuthRedirect: true })
}

export function checkEcert(code: string): Promise<EcertCheck> {
  return request<EcertCheck>('GET', '/api/v1/public/ecert/verify', { query: { code }, noAuthRedirect: true })
}
