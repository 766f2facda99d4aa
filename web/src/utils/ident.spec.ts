import { describe, expect, it } from 'vitest'
import { checkIdNumber, checkPhone, checkUscc, usccCheckChar } from './ident'

describe('USCC (GB 32100-2015)', () => {
  it('computes the check character', () => {
    /* The server said: "USCC check character should be 3". */
    expect(usccCheckChar('91441900MA4UXXXX1')).toBe('3')
    expect(checkUscc('91441900MA4UXXXX13')).toBeNull()
    expect(checkUscc('91441900ma4uxxxx13')).toBeNull()
  })
  it('refuses wrong ones', () => {
    expect(checkUscc('91441900MA4UXXXX1X')?.key).toBe('rules.usccCheck')
    expect(checkUscc('91441900MA4UXXXX1')?.key).toBe('rules.usccLength')
    expect(checkUscc('91441900MA4UXXXXIO')?.key).toBe('rules.usccChars')
    expect(checkUscc('')).toBeNull()
  })
})

describe('ID number (GB 11643-1999)', () => {
  it('accepts the standard example and refuses a wrong check character', () => {
    expect(checkIdNumber('11010519491231002X')).toBeNull()
    expect(checkIdNumber('110105194912310021')?.key).toBe('rules.idCheck')
    expect(checkIdNumber('110105194913310021')?.key).toBe('rules.idFormat')
    expect(checkIdNumber('abc')?.key).toBe('rules.idFormat')
  })
})

describe('phone (REG-006)', () => {
  it('mobiles and landlines', () => {
    for (const p of ['13800138000', '19912345678', '0769-22221234', '020-8888888', '0769-22221234-123'])
      expect(checkPhone(p)).toBeNull()
    for (const p of ['12800138000', '1380013800', '769-22221234', '0769-1222123', '0769-22221234-1234567'])
      expect(checkPhone(p)?.key).toBe('rules.phone')
  })
})
