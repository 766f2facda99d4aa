/* A hex hash shortened for a table cell: the first and last 8 digits (kept apart from the verifier's chunk). */
export function shortHash(h: string | null | undefined): string {
  if (!h)
    return '—'
  return h.length > 20 ? `${h.slice(0, 8)}…${h.slice(-8)}` : h
}
