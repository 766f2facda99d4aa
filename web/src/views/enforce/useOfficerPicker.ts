/*
 * The officers a case may name (ENF-003): the holders of an active
 * enforcement certificate (GET /officer-certs?status=active, readable
 * with case:read), one option per person with the certificate's number;
 * loaded once per page.  The server checks validity on the day and
 * recorded conflicts (ENF-004) when the case is filed.
 */
import { computed, ref } from 'vue'
import { listOfficerCert } from '@/api/enforce'
import type { OfficerCert } from '@/api/enforce'
import { t } from '@/i18n'
import { useUserStore } from '@/store/user'

export interface OfficerOption {
  user_id: string
  label: string
  cert_no: string
  valid_to: string
}

/* One option per user: the certificate valid longest. */
export function officerOptions(certs: readonly OfficerCert[], today: string): OfficerOption[] {
  const by = new Map<string, OfficerOption>()
  for (const c of certs) {
    if (c.status !== 'active' || c.valid_to < today || c.issued_on > today)
      continue
    const prev = by.get(c.user_id)
    if (prev && prev.valid_to >= c.valid_to)
      continue
    by.set(c.user_id, { user_id: c.user_id, label: c.name || c.login || c.user_id, cert_no: c.cert_no, valid_to: c.valid_to })
  }
  return [...by.values()].sort((a, b) => a.label.localeCompare(b.label))
}

export function useOfficerPicker(today: string) {
  const user = useUserStore()
  const certs = ref<OfficerCert[]>([])
  const loaded = ref(false)
  const options = computed(() => officerOptions(certs.value, today))

  async function load(): Promise<void> {
    try {
      certs.value = (await listOfficerCert({ status: 'active', limit: 200 })).items
    } catch {
      certs.value = []
    } finally {
      loaded.value = true
    }
  }

  /* A person's name for a user id: the signed-in user or a certificate holder; else "user <id>". */
  function nameOf(id: string | null | undefined): string {
    if (!id)
      return '—'
    if (user.me && String(user.me.user.id) === String(id))
      return user.me.user.display_name || user.me.user.login
    return options.value.find((o) => o.user_id === String(id))?.label ?? t('hazard.view.actor', { id })
  }

  return { certs, options, loaded, load, nameOf }
}
