/*
 * Officers' enforcement certificates (执法证, ENF-003) and recorded
 * conflicts of interest (回避事由, ENF-004), for officer:manage: list,
 * record, revoke a certificate, end a conflict.
 */
import { reactive, ref } from 'vue'
import {
  addOfficerCert, addOfficerConflict, endOfficerConflict, listOfficerCert, listOfficerConflict, revokeOfficerCert,
} from '@/api/enforce'
import type { OfficerCert, OfficerConflict } from '@/api/enforce'
import { ApiError } from '@/api/http'
import { t } from '@/i18n'
import { clearFields, showError, success } from '@/utils/feedback'
import {  } from './enforce'
import { caseErrorText } from './errorText'
import { todayCN } from '@/utils/format'

export interface CertForm { user_id: string; cert_no: string; issued_on: string; valid_to: string }
export interface ConflictForm { user_id: string; party: 'unit' | 'individual'; unit_id: string; party_name: string; relation: string; note: string; from_on: string; to_on: string }

const ISO = /^\d{4}-\d{2}-\d{2}$/

export function certProblem(f: CertForm): { field: string; key: string } | null {
  if (!/^\d{1,19}$/.test(f.user_id))
    return { field: 'user_id', key: 'enforce.off.userRule' }
  if ([...f.cert_no.trim()].length < 4 || [...f.cert_no.trim()].length > 40)
    return { field: 'cert_no', key: 'enforce.off.certNoRule' }
  if (!ISO.test(f.issued_on))
    return { field: 'issued_on', key: 'enforce.form.dateRule' }
  if (!ISO.test(f.valid_to) || f.valid_to < f.issued_on)
    return { field: 'valid_to', key: 'enforce.off.validToRule' }
  return null
}

export function conflictProblem(f: ConflictForm): { field: string; key: string } | null {
  if (!/^\d{1,19}$/.test(f.user_id))
    return { field: 'user_id', key: 'enforce.off.userRule' }
  if (f.party === 'unit' && !/^\d{1,19}$/.test(f.unit_id))
    return { field: 'unit_id', key: 'enforce.form.pickUnit' }
  if (f.party === 'individual' && [...f.party_name.trim()].length < 2)
    return { field: 'party_name', key: 'enforce.form.nameRule' }
  if (!f.relation)
    return { field: 'relation', key: 'enforce.off.pickRelation' }
  if (!ISO.test(f.from_on))
    return { field: 'from_on', key: 'enforce.form.dateRule' }
  if (f.to_on && (!ISO.test(f.to_on) || f.to_on < f.from_on))
    return { field: 'to_on', key: 'enforce.off.toRule' }
  return null
}

export function conflictBody(f: ConflictForm) {
  return {
    user_id: f.user_id,
    relation: f.relation,
    from_on: f.from_on,
    ...(f.party === 'unit' ? { unit_id: f.unit_id } : { party_name: f.party_name.trim() }),
    ...(f.note.trim() ? { note: f.note.trim() } : {}),
    ...(f.to_on ? { to_on: f.to_on } : {}),
  }
}

export function useOfficers() {
  const today = todayCN()
  const certs = ref<OfficerCert[]>([])
  const conflicts = ref<OfficerConflict[]>([])
  const loading = ref(false)
  const cert = reactive<CertForm>({ user_id: '', cert_no: '', issued_on: today, valid_to: '' })
  const conflict = reactive<ConflictForm>({ user_id: '', party: 'unit', unit_id: '', party_name: '', relation: '', note: '', from_on: today, to_on: '' })
  const certErrors = reactive<Record<string, string>>({})
  const conflictErrors = reactive<Record<string, string>>({})

  async function load(): Promise<void> {
    loading.value = true
    try {
      const [a, b] = await Promise.all([listOfficerCert({ limit: 200 }), listOfficerConflict({ limit: 200 })])
      certs.value = a.items
      conflicts.value = b.items
    } catch (e) {
      await showError(e)
    } finally {
      loading.value = false
    }
  }

  function fieldOr(e: unknown, fields: Record<string, string>): boolean {
    if (e instanceof ApiError && e.field && e.status < 500 && e.status !== 412) {
      fields[e.field] = caseErrorText(e)
      return true
    }
    return false
  }

  async function addCert(): Promise<void> {
    clearFields(certErrors)
    const p = certProblem(cert)
    if (p) {
      certErrors[p.field] = t(p.key)
      return
    }
    try {
      await addOfficerCert({ user_id: cert.user_id, cert_no: cert.cert_no.trim(), issued_on: cert.issued_on, valid_to: cert.valid_to })
      success(t('enforce.off.certAdded'))
      Object.assign(cert, { user_id: '', cert_no: '', valid_to: '' })
      await load()
    } catch (e) {
      if (!fieldOr(e, certErrors))
        await showError(e)
    }
  }

  async function revoke(c: OfficerCert, reason: string): Promise<void> {
    try {
      await revokeOfficerCert(c.id, reason, c.version)
      success(t('enforce.off.revoked'))
      await load()
    } catch (e) {
      await showError(e, { onReload: load })
    }
  }

  async function addConflict(): Promise<void> {
    clearFields(conflictErrors)
    const p = conflictProblem(conflict)
    if (p) {
      conflictErrors[p.field] = t(p.key)
      return
    }
    try {
      await addOfficerConflict(conflictBody(conflict))
      success(t('enforce.off.conflictAdded'))
      Object.assign(conflict, { user_id: '', unit_id: '', party_name: '', relation: '', note: '', to_on: '' })
      await load()
    } catch (e) {
      if (!fieldOr(e, conflictErrors))
        await showError(e)
    }
  }

  async function end(c: OfficerConflict): Promise<void> {
    try {
      await endOfficerConflict(c.id, c.version)
      success(t('enforce.off.ended'))
      await load()
    } catch (e) {
      await showError(e, { onReload: load })
    }
  }

  void load()

  return { today, certs, conflicts, loading, cert, conflict, certErrors, conflictErrors, load, addCert, revoke, addConflict, end }
}
