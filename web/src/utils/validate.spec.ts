import { describe, expect, it } from 'vitest'
import {
  checkDisplayName, checkJurisdiction, checkLogin, checkOtp, checkPassword, codePoints, generatePassword,
  isAdminRoleSet,
} from './validate'

describe('login (ACC-001: 3-32 of [a-z0-9_.-])', () => {
  it('accepts valid logins', () => {
    for (const l of ['abc', 'a.b-c_d', 'x'.repeat(32), 'officer01', 'ABC'])
      expect(checkLogin(l)).toBeNull()
  })
  it('refuses bad ones', () => {
    expect(checkLogin('ab')?.key).toBe('rules.loginLength')
    expect(checkLogin('x'.repeat(33))?.key).toBe('rules.loginLength')
    expect(checkLogin('bad login')?.key).toBe('rules.loginChars')
    expect(checkLogin('张三丰')?.key).toBe('rules.loginChars')
    expect(checkLogin('a@b.c')?.key).toBe('rules.loginChars')
  })
})

describe('display name (ACC-002: 1-64 code points, no control characters)', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(codePoints('😀😀')).toBe(2)
    expect(checkDisplayName('张'.repeat(64))).toBeNull()
    expect(checkDisplayName('😀'.repeat(64))).toBeNull()
    expect(checkDisplayName('张'.repeat(65))?.key).toBe('rules.displayNameLength')
    expect(checkDisplayName('')?.key).toBe('rules.displayNameLength')
    expect(checkDisplayName('a\nb')?.key).toBe('rules.displayNameChars')
  })
})

describe('password basics (A-1)', () => {
  it('length: 8 for business users, 12 for 三员, 128 at most', () => {
    expect(checkPassword('Abcdef1!')).toBeNull()
    expect(checkPassword('Abcde1!')?.key).toBe('rules.pwLength')
    expect(checkPassword('Abcdef12!', 'x', true)?.key).toBe('rules.pwLength')
    expect(checkPassword('Abcdef12!xyz', 'x', true)).toBeNull()
    expect(checkPassword('Aa1' + 'x'.repeat(126))?.key).toBe('rules.pwLength')
  })
  it('three of four classes; non-ASCII counts as other', () => {
    expect(checkPassword('abcdefgh1')?.key).toBe('rules.pwMix')
    expect(checkPassword('abcdefgH1')).toBeNull()
    expect(checkPassword('abcdefg1密')).toBeNull()
  })
  it('not the login or its reverse, ignoring case', () => {
    expect(checkPassword('Officer.01', 'officer.01')?.key).toBe('rules.pwLogin')
    expect(checkPassword('10.reciffO', 'officer.01')?.key).toBe('rules.pwLogin')
  })
  it('generated one-time passwords pass the 三员 policy', () => {
    for (let i = 0; i < 50; i++)
      expect(checkPassword(generatePassword(), 'someone', true)).toBeNull()
  })
})

describe('jurisdiction (ACC-004) and codes', () => {
  it('accepts the four forms and partner departments', () => {
    for (const j of ['city', 'town:441900003', 'grid:12', 'unit:385284734122459136', 'dept:housing', 'dept:power:441900121'])
      expect(checkJurisdiction(j)).toBeNull()
  })
  it('refuses others', () => {
    for (const j of ['', 'town:4419', 'town:44190000a', 'grid:0', 'grid:012', 'unit:', 'county:1', 'dept:', 'dept:Housing',
      'dept:power:4419', 'dept:power:441900121:x', 'dept:abcdefghijklmnop'])
      expect(checkJurisdiction(j)?.key).toBe('rules.jurisdiction')
  })
  it('OTP is six digits', () => {
    expect(checkOtp('123456')).toBeNull()
    expect(checkOtp('12345')?.key).toBe('rules.otp')
    expect(checkOtp('12345a')?.key).toBe('rules.otp')
  })
  it('knows the 三员 roles', () => {
    expect(isAdminRoleSet(['officer'])).toBe(false)
    expect(isAdminRoleSet(['auditor'])).toBe(true)
  })
})
