/*
 * 执法办案 list (case:read): filters (status, procedure, source, town for
 * a city-wide view, overdue, a number or the party's name), sort and
 * paging in the URL, the CSV / Excel export of the same filters; the
 * review queue (/cases/review) is the same list fixed to status=review.
 * A unit sees its own cases only (the server cuts the list).
 */
import { computed } from 'vue'
import { caseExportUrl, listCase } from '@/api/enforce'
import { useFixedList } from '@/views/shared/useFixedList'
import { REVIEW_QUERY, caseApiQuery, caseUrlQuery, parseCaseQuery } from './enforce'

export function useCaseList(review: boolean) {
  const list = useFixedList({
    name: review ? 'CaseReview' : 'CaseList',
    preset: review ? REVIEW_QUERY : null,
    parse: parseCaseQuery,
    urlQuery: caseUrlQuery,
    fetch: (q) => listCase(caseApiQuery(q)),
  })
  const exportCsv = computed(() => caseExportUrl(caseApiQuery(list.query), 'csv'))
  const exportXlsx = computed(() => caseExportUrl(caseApiQuery(list.query), 'xlsx'))
  return { ...list, exportCsv, exportXlsx }
}
