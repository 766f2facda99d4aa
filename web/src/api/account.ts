/*
 * The account module's API (docs/modules/account.md): login, the signed-in
 * user's own profile, password, sessions and TOTP, users, roles and the
 * permission catalogue.  Names follow list/get/add/update.
 */
import { request, requestList, requestVersioned } from './http'
import type { ListResult, Versioned } from './http'

export interface User {
  id: string
  login: string
  display_name: string
  jurisdiction: string
  status: 'active' | 'disabled'
  roles: string[]
  admin_kind: string | null
  must_change: boolean
  totp_enabled: boolean
  totp_required: boolean
  locked: boolean
  locked_until: number
  password_changed_at: number
  version: number
  created_at: number
  updated_at: number
}

export interface MenuItem {
  key: string
  title_zh: string
  title_en: string
  path: string
  perm: string
}

export interface Me {
  user: User
  roles: string[]
  permissions: string[]
  jurisdiction: string
  admin_kind: string | null
  must_change: boolean
  totp_enabled: boolean
  totp_required: boolean
  menu: MenuItem[]
  /* Present once the server returns the session's CSRF token in /me. */
  csrf?: string
}

export interface LoginResult {
  csrf: string
  user: User
  must_change: boolean
  totp_required: boolean
}

export interface Session {
  id: string
  created_at: number
  last_seen_at: number
  ip: string
  user_agent: string
  current: boolean
}

export interface Role {
  id: string
  name_zh: string
  name_en: string
  admin_kind: string | null
  permissions: string[]
  version: number
  updated_at: number
}

export interface Permission {
  perm: string
  admin_kind: string | null
  title_zh: string
  title_en: string
}

export interface UserQuery {
  q?: string
  role?: string
  status?: string
  sort?: string
  offset?: number
  limit?: number
}

export interface UserInput {
  login: string
  display_name: string
  roles: string[]
  jurisdiction?: string
  password: string
}

export interface UserPatch {
  display_name?: string
  roles?: string[]
  jurisdiction?: string
}

/* --- auth and me --- */

export function login(body: { login: string; password: string; otp?: string }): Promise<LoginResult> {
  return request<LoginResult>('POST', '/api/v1/auth/login', {
    body, noAuthRedirect: true, noIdempotency: true,
  })
}

export function logout(): Promise<null> {
  return request<null>('POST', '/api/v1/auth/logout', { noAuthRedirect: true })
}

export function getMe(): Promise<Me> {
  return request<Me>('GET', '/api/v1/me', { noAuthRedirect: true })
}

export function updateMyPassword(body: { old_password: string; new_password: string }): Promise<null> {
  return request<null>('POST', '/api/v1/me/password', { body })
}

export function listMySession(): Promise<ListResult<Session>> {
  return requestList<Session>('/api/v1/me/sessions')
}

export function delMySession(id: string): Promise<null> {
  return request<null>('DELETE', `/api/v1/me/sessions/${encodeURIComponent(id)}`)
}

export function addMyTotp(): Promise<{ secret: string; uri: string }> {
  return request('POST', '/api/v1/me/totp')
}

export function confirmMyTotp(otp: string): Promise<null> {
  return request<null>('POST', '/api/v1/me/totp/confirm', { body: { otp } })
}

/* --- users --- */

export function listUser(q: UserQuery): Promise<ListResult<User>> {
  return requestList<User>('/api/v1/users', { ...q })
}

export function getUser(id: string): Promise<Versioned<User>> {
  return requestVersioned<User>('GET', `/api/v1/users/${encodeURIComponent(id)}`)
}

export function addUser(body: UserInput, idempotencyKey?: string): Promise<Versioned<User>> {
  return requestVersioned<User>('POST', '/api/v1/users', { body, idempotencyKey })
}

export function updateUser(id: string, version: string | number, body: UserPatch): Promise<Versioned<User>> {
  return requestVersioned<User>('PATCH', `/api/v1/users/${encodeURIComponent(id)}`, {
    body, ifMatch: version,
  })
}

export function disableUser(id: string): Promise<User> {
  return request<User>('POST', `/api/v1/users/${encodeURIComponent(id)}/disable`)
}

export function enableUser(id: string): Promise<User> {
  return request<User>('POST', `/api/v1/users/${encodeURIComponent(id)}/enable`)
}

export function resetUserPassword(id: string, password: string, resetTotp: boolean): Promise<User> {
  return request<User>('POST', `/api/v1/users/${encodeURIComponent(id)}/reset-password`, {
    body: { password, reset_totp: resetTotp },
  })
}

/* --- roles and permissions --- */

export function listRole(): Promise<ListResult<Role>> {
  return requestList<Role>('/api/v1/roles')
}

export function getRole(id: string): Promise<Versioned<Role>> {
  return requestVersioned<Role>('GET', `/api/v1/roles/${encodeURIComponent(id)}`)
}

export function updateRolePermissions(id: string, version: string | number,
  permissions: string[]): Promise<Versioned<Role>> {
  return requestVersioned<Role>('PUT', `/api/v1/roles/${encodeURIComponent(id)}/permissions`, {
    body: { permissions }, ifMatch: version,
  })
}

export function listPermission(): Promise<ListResult<Permission>> {
  return requestList<Permission>('/api/v1/permissions')
}
