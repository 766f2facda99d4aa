/*
 * 营业前检查 list (permit:read): filters (status, route, verification
 * status, overdue, town for a city-wide view, a number or the place's
 * name), sort and paging, the query in the URL; the verification tasks
 * (PRM-009) are the same list fixed to verify_status=pending sorted by
 * verify_due, soonest and riskiest first.  A unit sees its own only.
 */
import { listPermit } from '@/api/permit'
import { useFixedList } from '@/views/shared/useFixedList'
import { TASKS_QUERY, parsePermitQuery, permitApiQuery, permitUrlQuery } from './permit'

export function usePermitList(tasks: boolean) {
  return useFixedList({
    name: tasks ? 'PermitTasks' : 'PermitList',
    preset: tasks ? TASKS_QUERY : null,
    parse: parsePermitQuery,
    urlQuery: permitUrlQuery,
    fetch: (q) => listPermit(permitApiQuery(q)),
  })
}
