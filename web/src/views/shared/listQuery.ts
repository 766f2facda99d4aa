/*
 * A list page's state as the URL keeps it (the case and permit lists):
 * a search text, filters each chosen from a fixed list, a town, "overdue
 * only", a sort and paging.  Parsing keeps only what the server accepts;
 * the URL form keeps only what differs from the defaults; the API form
 * has everything the list asks for.  Unit-tested through the pages'
 * specs (enforce.spec.ts, permit.spec.ts).
 */
export const PAGE_SIZES = [10, 20, 50, 100]
const LIMIT = 20

/* The filters (name -> allowed values), the sorts and the default sort. */
export interface ListSpec<F extends string> {
  filters: Record<F, readonly string[]>
  sorts: readonly string[]
  defaultSort: string
}

export type ListQueryOf<F extends string> = {
  q: string
  town: string
  overdue: boolean
  sort: string
  offset: number
  limit: number
} & Record<F, string>

function oneOf(list: readonly string[], v: string): string {
  return list.includes(v) ? v : ''
}

/* Route query -> list query, keeping only what the server accepts. */
export function parseListQuery<F extends string>(spec: ListSpec<F>, q: Record<string, unknown>): ListQueryOf<F> {
  const str = (k: string): string => (typeof q[k] === 'string' ? (q[k] as string) : '')
  const limit = Number(q.limit)
  const offset = Number(q.offset)
  const filters = {} as Record<F, string>
  for (const k of Object.keys(spec.filters) as F[])
    filters[k] = oneOf(spec.filters[k], str(k))
  return {
    q: str('q').trim().slice(0, 100),
    ...filters,
    town: /^\d{9}$/.test(str('town')) ? str('town') : '',
    overdue: str('overdue') === '1' || str('overdue') === 'true',
    sort: oneOf(spec.sorts, str('sort')) || spec.defaultSort,
    limit: PAGE_SIZES.includes(limit) ? limit : LIMIT,
    offset: Number.isInteger(offset) && offset >= 0 ? offset : 0,
  }
}

/* The text fields of a query: q, the filters, town. */
function texts<F extends string>(spec: ListSpec<F>, q: ListQueryOf<F>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const k of ['q', ...Object.keys(spec.filters), 'town']) {
    const v = (q as Record<string, unknown>)[k]
    if (typeof v === 'string' && v.trim())
      out[k] = v.trim()
  }
  return out
}

/* List query -> route query: only what differs from the defaults. */
export function listUrlQuery<F extends string>(spec: ListSpec<F>, q: ListQueryOf<F>): Record<string, string> {
  const out = texts(spec, q)
  if (q.overdue) out.overdue = '1'
  if (q.sort !== spec.defaultSort) out.sort = q.sort
  if (q.offset) out.offset = String(q.offset)
  if (q.limit !== LIMIT) out.limit = String(q.limit)
  return out
}

/* List query -> the list request's query. */
export function listApiQuery<F extends string>(spec: ListSpec<F>, q: ListQueryOf<F>): Record<string, string | number> {
  const out: Record<string, string | number> = texts(spec, q)
  if (q.overdue) out.overdue = '1'
  out.sort = q.sort
  out.offset = q.offset
  out.limit = q.limit
  return out
}
