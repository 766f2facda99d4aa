/* Notices of one's own unit (docs/modules/notice.md). */
import { request, requestList } from './http'
import type { ListResult, Page } from './http'

export interface Notice {
  id: string
  unit_id: string
  kind: string
  title: string
  body: string
  ref_type: string
  ref_id: string
  created_at: number
  read_at: number | null
  read_by: string | null
}

export type NoticePage = ListResult<Notice> & { page: Page & { unread?: number } }

export function listNotice(q: { unread?: boolean; offset?: number; limit?: number }): Promise<NoticePage> {
  return requestList<Notice>('/api/v1/notices', { ...q, unread: q.unread ? 1 : undefined }) as Promise<NoticePage>
}

export function readNotice(id: string): Promise<Notice> {
  return request<Notice>('POST', `/api/v1/notices/${encodeURIComponent(id)}/read`)
}
