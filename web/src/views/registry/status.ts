/* Tag colours of a unit's status. */
export function statusType(s: string): 'success' | 'warning' | 'info' {
  return s === 'active' ? 'success' : s === 'closed' ? 'warning' : 'info'
}
