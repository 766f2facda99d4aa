/*
 * What 双随机一公开 publishes without a login (INS-030, INS-031): the
 * committed plans, each drawn plan's results, and the public draw bundle.
 * The bundle is fetched as its exact bytes and decoded as UTF-8 without
 * repair, never through the JSON client: the verifier must read the text
 * the server published, not a re-serialised copy.
 */
import { request, requestBlob, requestList } from './http'
import type { ListResult } from './http'
import type { Plan } from './inspectionPlan'

/* A plan as the public sees it: no people, no record version. */
export type PublicPlan = Omit<Plan, 'created_by' | 'approved_by' | 'version' | 'drawn'>

/* One task of a drawn plan, as published. */
export interface PublicResult {
  rank: number
  unit_id: string
  unit_name: string
  town: string
  status: 'assigned' | 'unassigned' | 'done' | 'cancelled'
  outcome: 'compliant' | 'ordered' | 'referred' | null
  checked_on: string | null
  /* Assigned by hand (INS-029), with the reason given. */
  manual: boolean
  manual_reason: string | null
  draw_key: string
}

export interface PageQuery {
  offset?: number
  limit?: number
}

/* The server's page limit for these lists (INSPECTION_PAGE_MAX). */
export const PUBLIC_PAGE_MAX = 200

const plans = '/api/v1/public/inspection/plans'

export function listPublicPlans(q: PageQuery = {}): Promise<ListResult<PublicPlan>> {
  return requestList<PublicPlan>(plans, { ...q })
}

export function getPublicPlan(id: string): Promise<PublicPlan> {
  return request<PublicPlan>('GET', `${plans}/${encodeURIComponent(id)}`)
}

export function getPublicResults(id: string, q: PageQuery = {}): Promise<ListResult<PublicResult>> {
  return requestList<PublicResult>(`${plans}/${encodeURIComponent(id)}/results`, { ...q })
}

/*
 * The public bundle of a drawn plan as text.  Decoded strictly: bytes
 * that are not UTF-8 raise a TypeError rather than being replaced, and a
 * byte-order mark is kept, so the verifier sees exactly what was sent.
 */
export async function getPublicBundle(planId: string): Promise<string> {
  const { blob } = await requestBlob(`/api/v1/public/draws/${encodeURIComponent(planId)}/bundle`)
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(await blob.arrayBuffer())
}
