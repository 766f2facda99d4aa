import { describe, expect, it } from 'vitest'
import type { User } from '@/api/account'
import type { Unit } from '@/api/registry'
import { countUsers, dayStart } from './home/useHome'
import { permAllowed } from './account/useRoleList'
import { joinJurisdiction, splitJurisdiction } from './account/useUserForm'
import { parseUnitQuery } from './registry/useUnitList'
import { unitCreate, unitPatch } from './registry/useUnitForm'
import { BUILDING_FIELDS, partBody, partToModel } from './registry/parts'

describe('home counts', () => {
  it('counts users by status, role, lock and must-change', () => {
    const u = (roles: string[], status: 'active' | 'disabled', locked = false, must = false) =>
      ({ roles, status, locked, must_change: must } as User)
    const s = countUsers([u(['officer'], 'active'), u(['officer', 'leader'], 'disabled', true), u(['sysadmin'], 'active', false, true)],
      ['sysadmin', 'officer', 'leader', 'grid'])
    expect(s).toMatchObject({ total: 3, active: 2, disabled: 1, locked: 1, mustChange: 1 })
    expect(s.byRole).toEqual([{ role: 'sysadmin', count: 1 }, { role: 'officer', count: 2 }, { role: 'leader', count: 1 }, { role: 'grid', count: 0 }])
  })
  it('day starts at local midnight', () => {
    const d = new Date(2026, 10, 29, 15, 30)
    expect(new Date(dayStart(d) * 1000).getHours()).toBe(0)
  })
})

describe('role permission rules (ACC-008)', () => {
  it('disables what the server refuses', () => {
    const sec = { admin_kind: 'sec' }
    const biz = { admin_kind: null }
    expect(permAllowed(sec, { perm: 'role:write', admin_kind: 'sec' })).toBe(true)
    expect(permAllowed(sec, { perm: 'audit:read', admin_kind: 'audit' })).toBe(false)
    expect(permAllowed(sec, { perm: 'account:read', admin_kind: null })).toBe(true)
    expect(permAllowed(sec, { perm: 'registry:read', admin_kind: null })).toBe(false)
    expect(permAllowed(biz, { perm: 'registry:write', admin_kind: null })).toBe(true)
    expect(permAllowed(biz, { perm: 'account:write', admin_kind: 'sys' })).toBe(false)
  })
})

describe('jurisdiction input', () => {
  it('splits and joins', () => {
    expect(splitJurisdiction('town:441900003')).toEqual({ kind: 'town', code: '441900003' })
    expect(splitJurisdiction('city')).toEqual({ kind: 'city', code: '' })
    expect(joinJurisdiction('grid', ' 12 ')).toBe('grid:12')
    expect(joinJurisdiction('city', 'x')).toBe('city')
    expect(splitJurisdiction('dept:power:441900121')).toEqual({ kind: 'dept', code: 'power:441900121' })
    expect(joinJurisdiction('dept', ' housing ')).toBe('dept:housing')
  })
})

describe('units list query', () => {
  it('keeps only what the server accepts (REG-021)', () => {
    expect(parseUnitQuery({ q: 'abc', town: '441900003', category: 'key', status: 'closed', sort: '-updated_at', limit: '50', offset: '100' }))
      .toEqual({ q: 'abc', town: '441900003', grid: '', category: 'key', status: 'closed', industry: '', sort: '-updated_at', limit: 50, offset: 100 })
    expect(parseUnitQuery({ town: '4419', category: 'nope', status: 'gone', sort: 'risk', limit: '7', offset: '-1', grid: '01' }))
      .toMatchObject({ town: '', category: '', status: '', sort: 'name', limit: 20, offset: 0, grid: '' })
  })
})

describe('unit form bodies', () => {
  const persons = { legal_rep_name: '', legal_rep_phone: '', legal_rep_id_number: '', responsible_name: '', responsible_phone: '',
    responsible_id_number: '', manager_name: '', manager_phone: '', manager_id_number: '' }
  const base = { name: ' 星光商场 ', uscc: '91441900ma4uxxxx13', address: '星光路 1 号', town: '441900003', grid_id: '', industry: '',
    registered_address: '', registered_on: '', categories: ['crowded'], three_small_kind: 'shop', persons: { ...persons, responsible_phone: '13800138000' } }

  it('create sends what was filled, normalised', () => {
    expect(unitCreate(base)).toEqual({
      name: '星光商场', address: '星光路 1 号', town: '441900003', categories: ['crowded'], uscc: '91441900MA4UXXXX13',
      responsible_phone: '13800138000',
    })
  })

  it('edit sends only changes and never the masked people', () => {
    const u = {
      name: '星光商场', uscc: '91441900MA4UXXXX13', address: '星光路 1 号', town: '441900003', grid_id: null, industry: null,
      registered_address: null, registered_on: null,
      categories: ['crowded'], three_small_kind: null, responsible_phone: '138****8000',
    } as unknown as Unit
    expect(unitPatch(u, { ...base, persons })).toEqual({})
    expect(unitPatch(u, { ...base, industry: '零售', persons: { ...persons, manager_name: '李四' } }))
      .toEqual({ industry: '零售', manager_name: '李四' })
    expect(unitPatch(u, { ...base, uscc: '', categories: ['three_small'], persons }))
      .toEqual({ uscc: null, categories: ['three_small'], three_small_kind: 'shop' })
    expect(unitPatch(u, { ...base, registered_address: ' 住所路 2 号 ', registered_on: '2019-03-28', persons }))
      .toEqual({ registered_address: '住所路 2 号', registered_on: '2019-03-28' })
    expect(unitCreate({ ...base, registered_on: '2019-03-28' })).toMatchObject({ registered_on: '2019-03-28' })
  })
})

describe('building fields', () => {
  it('scales the height and sends only changes', () => {
    const rec = { name: '1 号楼', use: 'public', height_cm: 2350, floors_above: 6, has_sprinklers: false }
    const m = partToModel(BUILDING_FIELDS, rec)
    expect(m.height_cm).toBe(23.5)
    expect(partBody(BUILDING_FIELDS, m, rec)).toEqual({})
    m.height_cm = 24
    m.has_sprinklers = true
    expect(partBody(BUILDING_FIELDS, m, rec)).toEqual({ height_cm: 2400, has_sprinklers: true })
    const fresh = partToModel(BUILDING_FIELDS, null)
    Object.assign(fresh, { name: '2 号楼', use: 'factory', floors_above: 3 })
    expect(partBody(BUILDING_FIELDS, fresh, null)).toEqual({ name: '2 号楼', use: 'factory', floors_above: 3 })
  })
})
