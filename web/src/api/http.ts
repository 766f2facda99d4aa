/*
 * The one HTTP client of the console.  Every API module goes through
 * request(): same-origin cookies, the CSRF header on writes, If-Match on
 * updates, Idempotency-Key on creates (kept across retries), the error
 * envelope turned into an ApiError, and the global reactions to 401
 * (back to the login page) and 403 password_change_required.  It knows
 * nothing of Element Plus or the router: those come in through hooks set
 * by main.ts, which keeps this file testable with a stubbed fetch.
 */

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'

/* The server's error envelope (docs/error-handling.md). */
export interface ErrorEnvelope {
  error: { code: string; message: string; field: string | null }
  request_id?: string
}

export interface Page {
  offset: number
  limit: number
  total: number
  /* false when the server stopped counting at a bound (REG-031). */
  total_exact?: boolean
}

export interface ListResult<T> {
  items: T[]
  page: Page
}

/* A single record together with the version its ETag names. */
export interface Versioned<T> {
  data: T
  etag: string | null
}

export type Query = Record<string, string | number | boolean | null | undefined>

export interface RequestOptions {
  query?: Query
  body?: unknown
  /* A body sent as is with its media type (a CSV file), instead of JSON. */
  raw?: { data: Blob | string; type: string }
  /* The version read (ETag value or the number); sent as If-Match. */
  ifMatch?: string | number | null
  /* For creates: reuse the same key when the user retries the same form. */
  idempotencyKey?: string
  /* Do not run the global 401 handling (the login call itself). */
  noAuthRedirect?: boolean
  /* No Idempotency-Key and no retries (login: a repeat is a new attempt). */
  noIdempotency?: boolean
  signal?: AbortSignal
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly field: string | null
  readonly requestId: string | null
  readonly retryAfter: number | null
  readonly serverMessage: string

  constructor(status: number, code: string, message: string,
    field: string | null, requestId: string | null, retryAfter: number | null) {
    super(message || code)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field && field.length > 0 ? field : null
    this.requestId = requestId
    this.retryAfter = retryAfter
    this.serverMessage = message
  }
}

/* The code the console uses when the server could not be reached. */
export const NETWORK_ERROR = 'network'

export interface HttpHooks {
  /* The CSRF token of the current session, or null before login. */
  csrf: () => string | null
  /* A request came back 401 unauthenticated: the session is gone. */
  onUnauthenticated: (err: ApiError) => void
  /* 403 password_change_required: the user must change the password. */
  onPasswordChangeRequired: (err: ApiError) => void
}

const hooks: HttpHooks = {
  csrf: () => null,
  onUnauthenticated: () => undefined,
  onPasswordChangeRequired: () => undefined,
}

export function setHttpHooks(h: Partial<HttpHooks>): void {
  Object.assign(hooks, h)
}

/* Retry policy for requests that are safe to repeat. */
export const retryPolicy = {
  attempts: 3,
  /* Milliseconds before the 2nd and 3rd attempts. */
  delays: [250, 800],
  sleep: (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms)),
}

let keySeq = 0

/* A fresh idempotency key: random, unique per create attempt. */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto
  if (c && typeof c.randomUUID === 'function')
    return c.randomUUID()
  keySeq++
  return `k-${Date.now().toString(36)}-${keySeq}-${Math.random().toString(36).slice(2)}`
}

/* "\"3\"" or W/"3" or 3 -> "\"3\"" */
export function formatIfMatch(v: string | number): string {
  if (typeof v === 'number')
    return `"${v}"`
  const s = v.trim()
  if (s.startsWith('W/') || s.startsWith('"'))
    return s
  return `"${s}"`
}

/* ETag "\"7\"" -> 7; null when absent or not a number. */
export function etagVersion(etag: string | null): number | null {
  if (!etag)
    return null
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(etag.trim())
  return m ? Number(m[1]) : null
}

export function buildUrl(path: string, query?: Query): string {
  if (!query)
    return path
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '')
      continue
    p.append(k, String(v))
  }
  const s = p.toString()
  return s ? `${path}?${s}` : path
}

function isWrite(method: Method): boolean {
  return method !== 'GET'
}

/*
 * Safe to send again after a network failure or a 502/503/504: reads, and
 * creates carrying an Idempotency-Key (the server replays the stored
 * answer).  Updates are not retried: a lost answer to an applied PATCH
 * would come back as a confusing 412.
 */
function retriable(method: Method, key: string | undefined): boolean {
  return method === 'GET' || (method === 'POST' && key !== undefined)
}

async function parseError(res: Response): Promise<ApiError> {
  let env: ErrorEnvelope | null = null
  try {
    env = (await res.json()) as ErrorEnvelope
  } catch {
    env = null
  }
  const ra = res.headers.get('Retry-After')
  const retryAfter = ra !== null && /^\d+$/.test(ra) ? Number(ra) : null
  const rid = env?.request_id ?? res.headers.get('X-Request-Id')
  if (env && env.error && typeof env.error.code === 'string')
    return new ApiError(res.status, env.error.code, env.error.message ?? '',
      env.error.field ?? null, rid ?? null, retryAfter)
  return new ApiError(res.status, res.status >= 500 ? 'internal' : 'http_' + res.status,
    res.statusText, null, rid ?? null, retryAfter)
}

interface RawResult {
  body: unknown
  etag: string | null
  status: number
}

async function send(method: Method, path: string, opts: RequestOptions): Promise<RawResult> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  let body: string | Blob | undefined
  if (opts.raw !== undefined) {
    headers['Content-Type'] = opts.raw.type
    body = opts.raw.data
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.body)
  }
  if (isWrite(method)) {
    const csrf = hooks.csrf()
    if (csrf)
      headers['X-CSRF-Token'] = csrf
  }
  if (opts.ifMatch !== undefined && opts.ifMatch !== null)
    headers['If-Match'] = formatIfMatch(opts.ifMatch)
  /* Every POST carries a key (one per call unless the caller keeps one
   * across user retries); all attempts of this call share it. */
  const key = method === 'POST' && !opts.noIdempotency
    ? (opts.idempotencyKey ?? newIdempotencyKey()) : undefined
  if (key !== undefined)
    headers['Idempotency-Key'] = key

  const url = buildUrl(path, opts.query)
  const canRetry = retriable(method, key)
  let lastErr: ApiError | null = null
  for (let attempt = 0; attempt < retryPolicy.attempts; attempt++) {
    if (attempt > 0)
      await retryPolicy.sleep(retryPolicy.delays[attempt - 1] ?? 1000)
    let res: Response
    try {
      res = await fetch(url, {
        method,
        headers,
        body,
        credentials: 'same-origin',
        cache: 'no-store',
        signal: opts.signal,
      })
    } catch (e) {
      if (opts.signal?.aborted)
        throw e
      lastErr = new ApiError(0, NETWORK_ERROR, String(e), null, null, null)
      if (canRetry)
        continue
      throw lastErr
    }
    if (res.ok) {
      const text = await res.text()
      return {
        body: text ? JSON.parse(text) : null,
        etag: res.headers.get('ETag'),
        status: res.status,
      }
    }
    const err = await parseError(res)
    if (canRetry && (res.status === 502 || res.status === 503 || res.status === 504)) {
      lastErr = err
      continue
    }
    if (err.status === 401 && err.code === 'unauthenticated' && !opts.noAuthRedirect)
      hooks.onUnauthenticated(err)
    else if (err.status === 403 && err.code === 'password_change_required')
      hooks.onPasswordChangeRequired(err)
    throw err
  }
  throw lastErr ?? new ApiError(0, NETWORK_ERROR, 'no attempt', null, null, null)
}

/* A request whose answer is {data}: returns data. */
export async function request<T>(method: Method, path: string, opts: RequestOptions = {}): Promise<T> {
  const r = await send(method, path, opts)
  return (r.body as { data: T } | null)?.data as T
}

/* A request whose answer is {data} with an ETag: returns both. */
export async function requestVersioned<T>(method: Method, path: string,
  opts: RequestOptions = {}): Promise<Versioned<T>> {
  const r = await send(method, path, opts)
  return { data: (r.body as { data: T }).data, etag: r.etag }
}

/* A list answer {data: [...], page: {offset, limit, total}}. */
export async function requestList<T>(path: string, query?: Query,
  opts: RequestOptions = {}): Promise<ListResult<T>> {
  const r = await send('GET', path, { ...opts, query })
  const b = r.body as { data: T[]; page?: Page }
  const items = b.data ?? []
  return {
    items,
    page: b.page ?? { offset: 0, limit: items.length, total: items.length },
  }
}

/* A raw download (for export endpoints): the Blob and its file name. */
export async function requestBlob(path: string, query?: Query): Promise<{ blob: Blob; filename: string | null }> {
  const res = await fetch(buildUrl(path, query), { credentials: 'same-origin', cache: 'no-store' })
  if (!res.ok) {
    const err = await parseError(res)
    if (err.status === 401 && err.code === 'unauthenticated')
      hooks.onUnauthenticated(err)
    throw err
  }
  const cd = res.headers.get('Content-Disposition') ?? ''
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(cd)
  return { blob: await res.blob(), filename: m && m[1] ? decodeURIComponent(m[1]) : null }
}

/*
 * Keeps one Idempotency-Key per form submission: the same key until the
 * create succeeds (reset()), so a second click after a lost answer is
 * recognised by the server as the same create.
 */
export class IdempotencyKeeper {
  private key: string | null = null

  get(): string {
    if (this.key === null)
      this.key = newIdempotencyKey()
    return this.key
  }

  reset(): void {
    this.key = null
  }
}
