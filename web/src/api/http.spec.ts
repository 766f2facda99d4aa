import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  ApiError, IdempotencyKeeper, NETWORK_ERROR, etagVersion, formatIfMatch, request, requestList,
  requestBlob, requestVersioned, retryPolicy, setHttpHooks,
} from './http'

interface Call { url: string; init: RequestInit }

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? '' : JSON.stringify(body), {
    status, headers: { 'Content-Type': 'application/json', ...headers },
  })
}

function envelope(status: number, code: string, field: string | null = null, message = 'msg',
  headers: Record<string, string> = {}): Response {
  return json(status, { error: { code, message, field }, request_id: 'rid-1' }, headers)
}

/* The ApiError a request fails with. */
async function fail(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p
  } catch (e) {
    return e as ApiError
  }
  throw new Error('request did not fail')
}

let calls: Call[] = []
let replies: (Response | Error)[] = []
const onUnauthenticated = vi.fn()
const onPasswordChangeRequired = vi.fn()

function header(c: Call, name: string): string | null {
  return new Headers(c.init.headers).get(name)
}

beforeEach(() => {
  calls = []
  replies = []
  onUnauthenticated.mockReset()
  onPasswordChangeRequired.mockReset()
  setHttpHooks({ csrf: () => 'tok-123', onUnauthenticated, onPasswordChangeRequired })
  retryPolicy.sleep = () => Promise.resolve()
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => {
    calls.push({ url, init })
    const r = replies.shift()
    if (!r)
      throw new Error('no reply queued')
    if (r instanceof Error)
      throw r
    return r
  }))
})

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('request basics', () => {
  it('sends a raw body with its media type (CSV import)', async () => {
    replies.push(json(200, { data: { rows: 2 } }))
    const file = new Blob(['name,uscc\r\n'], { type: 'text/csv' })
    const r = await request<{ rows: number }>('POST', '/api/v1/units/import', { query: { mode: 'dry-run' }, raw: { data: file, type: 'text/csv' } })
    expect(r).toEqual({ rows: 2 })
    expect(calls[0]!.url).toBe('/api/v1/units/import?mode=dry-run')
    expect(header(calls[0]!, 'Content-Type')).toBe('text/csv')
    expect(header(calls[0]!, 'X-CSRF-Token')).toBe('tok-123')
    expect(calls[0]!.init.body).toBe(file)
  })

  it('downloads a blob and turns an error answer into an ApiError (export over the cap)', async () => {
    replies.push(new Response('PK\x03\x04', { status: 200, headers: { 'Content-Type': 'application/octet-stream' } }),
      envelope(422, 'policy', null, 'the filter selects 300000 units; an export holds at most 200000'))
    const ok = await requestBlob('/api/v1/units/export', { format: 'xlsx', q: '' })
    expect(calls[0]!.url).toBe('/api/v1/units/export?format=xlsx')
    expect(ok.blob.size).toBeGreaterThan(0)
    expect(ok.filename).toBeNull()
    const e = await fail(requestBlob('/api/v1/units/export', { format: 'csv' }))
    expect(e).toBeInstanceOf(ApiError)
    expect(e.status).toBe(422)
    expect(e.code).toBe('policy')
  })

  it('sends same-origin credentials, JSON body and the CSRF token on writes only', async () => {
    replies.push(json(200, { data: { ok: 1 } }), json(200, { data: [] , page: { offset: 0, limit: 20, total: 0 } }))
    const r = await request<{ ok: number }>('POST', '/api/v1/x', { body: { a: 1 } })
    expect(r).toEqual({ ok: 1 })
    expect(calls[0]!.init.credentials).toBe('same-origin')
    expect(header(calls[0]!, 'X-CSRF-Token')).toBe('tok-123')
    expect(header(calls[0]!, 'Content-Type')).toBe('application/json')
    expect(calls[0]!.init.body).toBe('{"a":1}')
    await requestList('/api/v1/y', { q: 'a b', role: '', status: undefined, limit: 20 })
    expect(calls[1]!.url).toBe('/api/v1/y?q=a+b&limit=20')
    expect(header(calls[1]!, 'X-CSRF-Token')).toBeNull()
  })

  it('sends If-Match on updates and returns the new ETag', async () => {
    replies.push(json(200, { data: { id: '1', version: 4 } }, { ETag: '"4"' }))
    const r = await requestVersioned('PATCH', '/api/v1/users/1', { body: { display_name: 'x' }, ifMatch: 3 })
    expect(header(calls[0]!, 'If-Match')).toBe('"3"')
    expect(r.etag).toBe('"4"')
    expect(etagVersion(r.etag)).toBe(4)
    expect(header(calls[0]!, 'Idempotency-Key')).toBeNull()
  })

  it('formats If-Match values', () => {
    expect(formatIfMatch(7)).toBe('"7"')
    expect(formatIfMatch('7')).toBe('"7"')
    expect(formatIfMatch('"7"')).toBe('"7"')
    expect(formatIfMatch('W/"7"')).toBe('W/"7"')
    expect(etagVersion('W/"12"')).toBe(12)
    expect(etagVersion(null)).toBeNull()
  })

  it('parses list pages', async () => {
    replies.push(json(200, { data: [{ a: 1 }, { a: 2 }], page: { offset: 20, limit: 2, total: 42 } }))
    const r = await requestList<{ a: number }>('/api/v1/users', { offset: 20, limit: 2 })
    expect(r.items).toHaveLength(2)
    expect(r.page).toEqual({ offset: 20, limit: 2, total: 42 })
  })
})

describe('error envelope', () => {
  it('maps the envelope to an ApiError with code, field and request id', async () => {
    replies.push(envelope(400, 'range', 'display_name', 'display_name must be 1 to 64 characters long'))
    const e = await request('POST', '/api/v1/users', { body: {} }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ApiError)
    const a = e as ApiError
    expect(a.status).toBe(400)
    expect(a.code).toBe('range')
    expect(a.field).toBe('display_name')
    expect(a.requestId).toBe('rid-1')
    expect(a.serverMessage).toMatch(/1 to 64/)
  })

  it('treats an empty field as none and reads Retry-After', async () => {
    replies.push(envelope(429, 'rate_limited', '', 'too many', { 'Retry-After': '30' }))
    const a = await fail(request('POST', '/api/v1/auth/login', { body: {}, noIdempotency: true, noAuthRedirect: true }))
    expect(a.field).toBeNull()
    expect(a.retryAfter).toBe(30)
  })

  it('makes an error of a non-JSON failure', async () => {
    replies.push(new Response('oops', { status: 500 }))
    const a = await fail(request('GET', '/api/v1/x'))
    expect(a.code).toBe('internal')
    expect(a.status).toBe(500)
  })
})

describe('401, 403 and 412', () => {
  it('401 unauthenticated calls the login-page hook', async () => {
    replies.push(envelope(401, 'unauthenticated'))
    await expect(request('GET', '/api/v1/users')).rejects.toBeInstanceOf(ApiError)
    expect(onUnauthenticated).toHaveBeenCalledTimes(1)
  })

  it('a failed login (401 bad_login) does not', async () => {
    replies.push(envelope(401, 'bad_login', 'password'))
    await expect(request('POST', '/api/v1/auth/login', { body: {}, noAuthRedirect: true, noIdempotency: true }))
      .rejects.toMatchObject({ code: 'bad_login' })
    expect(onUnauthenticated).not.toHaveBeenCalled()
  })

  it('403 password_change_required calls its hook', async () => {
    replies.push(envelope(403, 'password_change_required', 'password'))
    await expect(request('GET', '/api/v1/users')).rejects.toMatchObject({ status: 403 })
    expect(onPasswordChangeRequired).toHaveBeenCalledTimes(1)
  })

  it('412 is a precondition_failed error and is not retried', async () => {
    replies.push(envelope(412, 'precondition_failed', 'If-Match'))
    await expect(request('PATCH', '/api/v1/users/1', { body: {}, ifMatch: 1 }))
      .rejects.toMatchObject({ status: 412, code: 'precondition_failed' })
    expect(calls).toHaveLength(1)
  })
})

describe('retries and idempotency keys', () => {
  it('a create is retried after network failures and 503 with the same Idempotency-Key', async () => {
    replies.push(new TypeError('Failed to fetch'), envelope(503, 'unavailable'), json(201, { data: { id: '9' } }))
    const r = await request<{ id: string }>('POST', '/api/v1/users', { body: { login: 'a' } })
    expect(r.id).toBe('9')
    expect(calls).toHaveLength(3)
    const keys = calls.map((c) => header(c, 'Idempotency-Key'))
    expect(keys[0]).toBeTruthy()
    expect(new Set(keys).size).toBe(1)
  })

  it('the caller can keep the key across user retries', async () => {
    const keeper = new IdempotencyKeeper()
    replies.push(new TypeError('down'), new TypeError('down'), new TypeError('down'), json(201, { data: {} }))
    const e = await fail(request('POST', '/api/v1/users', { body: {}, idempotencyKey: keeper.get() }))
    expect(e.code).toBe(NETWORK_ERROR)
    await request('POST', '/api/v1/users', { body: {}, idempotencyKey: keeper.get() })
    const keys = calls.map((c) => header(c, 'Idempotency-Key'))
    expect(keys).toHaveLength(4)
    expect(new Set(keys).size).toBe(1)
    keeper.reset()
    expect(keeper.get()).not.toBe(keys[0])
  })

  it('two separate creates get different keys', async () => {
    replies.push(json(201, { data: {} }), json(201, { data: {} }))
    await request('POST', '/api/v1/users', { body: {} })
    await request('POST', '/api/v1/users', { body: {} })
    expect(header(calls[0]!, 'Idempotency-Key')).not.toBe(header(calls[1]!, 'Idempotency-Key'))
  })

  it('GET is retried; PATCH and login are not', async () => {
    replies.push(new TypeError('x'), json(200, { data: 1 }))
    expect(await request('GET', '/api/v1/me')).toBe(1)
    expect(calls).toHaveLength(2)

    calls = []
    replies.push(new TypeError('x'))
    await expect(request('PATCH', '/api/v1/users/1', { body: {}, ifMatch: 1 })).rejects.toMatchObject({ code: NETWORK_ERROR })
    expect(calls).toHaveLength(1)

    calls = []
    replies.push(new TypeError('x'))
    await expect(request('POST', '/api/v1/auth/login', { body: {}, noIdempotency: true })).rejects.toMatchObject({ code: NETWORK_ERROR })
    expect(calls).toHaveLength(1)
    expect(header(calls[0]!, 'Idempotency-Key')).toBeNull()
  })

  it('gives up after the configured attempts', async () => {
    replies.push(new TypeError('x'), new TypeError('x'), new TypeError('x'))
    await expect(request('GET', '/api/v1/me')).rejects.toMatchObject({ code: NETWORK_ERROR, status: 0 })
    expect(calls).toHaveLength(retryPolicy.attempts)
  })

  it('does not retry a 4xx', async () => {
    replies.push(envelope(409, 'conflict', 'login'))
    await expect(request('POST', '/api/v1/users', { body: {} })).rejects.toMatchObject({ code: 'conflict', field: 'login' })
    expect(calls).toHaveLength(1)
  })
})
