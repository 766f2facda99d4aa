/*
 * One audit entry, verified in the browser: its leaf hash recomputed with
 * SM3, the Merkle root recomputed from the server's inclusion proof and
 * compared with the latest signed tree head, and that head's SM2
 * signature checked against the published key.  Nothing is taken on the
 * server's word except the bytes being checked.
 */
import { computed, reactive, ref } from 'vue'
import { addAuditSth, getAuditInclusion, getAuditSth, listAuditKey } from '@/api/audit'
import type { AuditRow, InclusionProof, Sth } from '@/api/audit'
import { ApiError } from '@/api/http'
import { verifyInclusion } from '@/utils/merkle'
import { keyIdOf, verifySth } from '@/utils/sth'
import { showError } from '@/utils/feedback'

export type StepState = 'pending' | 'ok' | 'fail' | 'skip'

export function useAuditEntry() {
  const row = ref<AuditRow | null>(null)
  const sth = ref<Sth | null>(null)
  const proof = ref<InclusionProof | null>(null)
  const busy = ref(false)
  const notCovered = ref(false)
  const noSth = ref(false)
  const result = reactive({
    leaf: '', root: '' as string | null, rootOk: 'pending' as StepState, sigOk: 'pending' as StepState,
    keyFound: true,
  })
  const verified = computed(() => result.rootOk === 'ok' && result.sigOk === 'ok')
  const pretty = computed(() => {
    if (!row.value)
      return ''
    try {
      return JSON.stringify(JSON.parse(row.value.entry), null, 2)
    } catch {
      return row.value.entry
    }
  })

  function clear(): void {
    sth.value = null
    proof.value = null
    notCovered.value = false
    noSth.value = false
    Object.assign(result, { leaf: '', root: '', rootOk: 'pending', sigOk: 'pending', keyFound: true })
  }

  async function verify(): Promise<void> {
    const r = row.value
    if (!r)
      return
    clear()
    busy.value = true
    try {
      try {
        sth.value = await getAuditSth()
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) {
          noSth.value = true
          return
        }
        throw e
      }
      if (r.index >= sth.value.tree_size) {
        notCovered.value = true
        return
      }
      proof.value = await getAuditInclusion(r.index, sth.value.tree_size)
      const inc = verifyInclusion(r.entry, r.index, sth.value.tree_size, proof.value.path, sth.value.root_hash)
      result.leaf = inc.leaf
      result.root = inc.root
      result.rootOk = inc.ok ? 'ok' : 'fail'
      const keys = await listAuditKey()
      /* The key id is SM3 of the key: check it rather than trust the label. */
      const key = keys.find((k) => k.key_id === sth.value!.key_id && keyIdOf(k.pem) === k.key_id)
      if (!key) {
        result.keyFound = false
        result.sigOk = 'fail'
        return
      }
      result.sigOk = (await verifySth(sth.value, key.pem)) ? 'ok' : 'fail'
    } catch (e) {
      await showError(e)
    } finally {
      busy.value = false
    }
  }

  async function open(r: AuditRow): Promise<void> {
    row.value = r
    await verify()
  }

  /* Sign a head now (audited as audit.sign) so the entry is covered. */
  async function signNow(): Promise<void> {
    busy.value = true
    try {
      await addAuditSth()
    } catch (e) {
      await showError(e)
    } finally {
      busy.value = false
    }
    await verify()
  }

  return { row, sth, proof, busy, notCovered, noSth, result, verified, pretty, open, verify, signNow }
}
