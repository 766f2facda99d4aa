import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import zhCN from '@/i18n/locales/zh-CN'
import en from '@/i18n/locales/en'
import { ApiError } from '@/api/http'
import { detailText, errorText, fieldError, isConflict } from './errors'
import type { Translate } from './errors'

function translator(locale: 'zh-CN' | 'en'): Translate {
  const i = createI18n({ legacy: false, locale, messages: { 'zh-CN': zhCN, en } })
  return (k, n) => (n ? i.global.t(k, n) : i.global.t(k))
}
const zh = translator('zh-CN')
const enT = translator('en')

const err = (status: number, code: string, field: string | null = null, msg = '', retry: number | null = null) =>
  new ApiError(status, code, msg, field, 'r1', retry)

describe('errorText', () => {
  it('uses the code, not the English message', () => {
    expect(errorText(err(401, 'bad_login', null, 'wrong login, password or one-time code'), zh)).toBe('用户名、密码或验证码错误')
    expect(errorText(err(401, 'bad_login'), enT)).toBe('Wrong login, password or one-time code')
    expect(errorText(err(404, 'not_found'), zh)).toBe('记录不存在或不在您的管辖范围内')
    expect(errorText(err(412, 'precondition_failed'), zh)).toBe('该记录已被他人修改')
  })

  it('names the field for validation errors', () => {
    expect(errorText(err(400, 'range', 'display_name', 'display_name must be 1 to 64 characters long'), zh))
      .toBe('姓名：长度或取值超出范围')
    expect(errorText(err(400, 'missing', 'login'), enT)).toBe('Login: Required')
    expect(errorText(err(400, 'range', 'display_name'), zh, false)).toBe('长度或取值超出范围')
  })

  it('translates the password policy and other known messages', () => {
    expect(errorText(err(422, 'policy', 'password', 'the password must be at least 12 characters long (A-1)'), zh))
      .toBe('密码太短（至少 12 位）')
    expect(errorText(err(422, 'policy', 'new_password',
      'the password must mix at least 3 of: lower-case letters, upper-case letters, digits, other characters (A-1)'), zh))
      .toBe('密码须包含大写字母、小写字母、数字、其他字符中的至少三类')
    expect(errorText(err(422, 'policy', 'password', 'the password is too common: it is on the list of passwords attackers try first (A-1)'), enT))
      .toBe('This password is too common; choose another')
    expect(errorText(err(409, 'conflict', 'login', 'login alice is taken'), zh)).toBe('用户名已被使用')
    expect(errorText(err(400, 'invalid', 'old_password', 'the current password is wrong'), zh)).toBe('当前密码不正确')
    expect(detailText('something else entirely', zh)).toBeNull()
  })

  it('says how long to wait', () => {
    expect(errorText(err(423, 'locked', null, 'account locked', 1800), zh)).toBe('账号已锁定，请 30 分钟后再试或联系系统管理员')
    expect(errorText(err(429, 'rate_limited', null, 'too many', 60), zh)).toBe('操作过于频繁，请稍后再试（请 60 秒后再试）')
  })

  it('has a text for every code of the server catalogue', () => {
    const codes = ['internal', 'store', 'io', 'crypto', 'invalid', 'bad_json', 'unknown_field', 'duplicate_key',
      'missing', 'type', 'range', 'too_large', 'unsupported_media_type', 'unauthenticated', 'bad_login',
      'otp_required', 'forbidden', 'csrf', 'password_change_required', 'not_found', 'method_not_allowed',
      'conflict', 'precondition_failed', 'precondition_required', 'policy', 'locked', 'rate_limited', 'unavailable']
    for (const c of codes) {
      expect(errorText(err(400, c), zh)).not.toBe(zh('errors.unknown'))
      expect(errorText(err(400, c), enT)).not.toBe(enT('errors.unknown'))
    }
    expect(errorText(err(418, 'teapot'), zh)).toBe('操作失败')
    expect(errorText(new Error('x'), zh)).toBe('操作失败')
  })
})

describe('fieldError routing', () => {
  it('routes an error to a field the form shows', () => {
    expect(fieldError(err(409, 'conflict', 'login', 'login bob is taken'), ['login', 'password'], zh))
      .toEqual(['login', '用户名已被使用'])
    expect(fieldError(err(400, 'range', 'display_name'), ['login', 'display_name'], zh))
      .toEqual(['display_name', '长度或取值超出范围'])
  })

  it('leaves other errors to a message', () => {
    expect(fieldError(err(400, 'range', 'If-Match'), ['login'], zh)).toBeNull()
    expect(fieldError(err(403, 'forbidden'), ['login'], zh)).toBeNull()
    expect(fieldError(err(500, 'internal', 'login'), ['login'], zh)).toBeNull()
    expect(fieldError(new Error('x'), ['login'], zh)).toBeNull()
  })

  it('recognises 412 and 428 as conflicts', () => {
    expect(isConflict(err(412, 'precondition_failed'))).toBe(true)
    expect(isConflict(err(428, 'precondition_required'))).toBe(true)
    expect(isConflict(err(409, 'conflict'))).toBe(false)
  })
})

describe('hazard messages (HAZ-004..017)', () => {
  it('names the status a step does not apply to, in the reader\'s language', () => {
    expect(errorText(err(422, 'policy', 'status', 'a found hazard cannot be reported (HAZ-010)'), zh))
      .toBe('隐患当前为“待处置”，不能执行该操作')
    expect(errorText(err(422, 'policy', 'status', 'a closed hazard cannot be re-checked (HAZ-011)'), enT))
      .toBe('The hazard is now “Closed”: this step does not apply')
    expect(errorText(err(422, 'policy', 'status', 'a accepted transfer cannot be accepted (HAZ-014)'), zh))
      .toBe('该移送当前为“办理中”，不能执行该操作')
  })
  it('translates the on-the-spot and transfer rules', () => {
    expect(errorText(err(422, 'policy', 'on_spot', 'a hazard of type HZ-FACILITY cannot be corrected on the spot (HAZ-004)'), zh))
      .toBe('该类型隐患不能当场改正（HAZ-004）')
    expect(errorText(err(400, 'invalid', 'dept', 'a transfer goes to another department than the fire service'), zh))
      .toBe('移送对象应为消防以外的部门')
    expect(errorText(err(409, 'conflict', 'dept', 'the hazard is already with this department'), enT))
      .toBe('The hazard is already with this department')
    expect(errorText(err(422, 'policy', 'status', 'only a disputed transfer is decided (HAZ-017)'), zh))
      .toBe('只有存在争议的移送才能裁定')
    expect(fieldError(err(422, 'policy', 'on_spot', 'a hazard of type HZ-X cannot be corrected on the spot (HAZ-004)'),
      ['on_spot'], zh)).toEqual(['on_spot', '该类型隐患不能当场改正（HAZ-004）'])
  })
})

describe('judgement, listing and seal messages (HAZ-020..032)', () => {
  it('translates the rules the server states', () => {
    expect(errorText(err(422, 'policy', 'participants', 'a collective discussion has at least 3 participants (HAZ-021)'), zh))
      .toBe('集体讨论至少 3 人参加（HAZ-021）')
    expect(errorText(err(422, 'policy', 'level', 'only a hazard judged major is listed for supervision (HAZ-024)'), zh))
      .toBe('只有判定为重大火灾隐患的才能挂牌督办（HAZ-024）')
    expect(errorText(err(403, 'forbidden', 'level', 'only the city lists at city level (HAZ-025)'), enT))
      .toBe('Only the city lists at city level (HAZ-025)')
    expect(errorText(err(422, 'policy', 'status', 'a active seal cannot be refused (HAZ-032)'), zh))
      .toBe('该查封当前为“查封中”，不能执行该操作（HAZ-032）')
  })
})

describe('permit and patrol messages (PRM-003..016, PAT-004..006)', () => {
  it('translates the permit module\'s refusals, with the status in the reader\'s words', () => {
    expect(errorText(err(422, 'policy', 'uscc', 'the unit has no unified social credit code; record it before the permit is issued (PRM-008)'), zh))
      .toMatch(/统一社会信用代码/)
    expect(errorText(err(422, 'policy', 'status', 'a refused application cannot be refused (PRM-010)'), zh))
      .toBe('该申请当前为“不予许可”，不能作出不予许可决定（PRM-010）')
    expect(errorText(err(422, 'policy', 'status', 'a submitted application of the inspection route cannot be issued (PRM-007)'), enT))
      .toMatch(/"Awaiting decision" and cannot be granted/)
    expect(errorText(err(400, 'missing', 'documents.licence', 'documents.licence is required (PRM-003)'), zh, false))
      .toBe('营业执照和消防安全制度、预案为必交材料（PRM-003）')
    expect(errorText(err(400, 'invalid', 'commitment.version', 'sign the commitment text of version 2026.1'), zh, false)).toMatch(/承诺书已更新/)
    expect(errorText(err(422, 'policy', 'status', 'only a permit with a mismatch is re-checked (PRM-014)'), enT)).toMatch(/PRM-014/)
  })
  it('translates the patrol module\'s refusals', () => {
    expect(errorText(err(400, 'missing', 'results[1]', 'results[1]: a failed item has at least one photo (PAT-004)'), zh, false))
      .toBe('不合格项须至少附一张照片（PAT-004）')
    expect(errorText(err(422, 'policy', 'results[0]', 'results[0]: HZ-RESIDE cannot be corrected on the spot (PAT-005)'), zh, false))
      .toBe('该项的隐患类型不能当场改正（PAT-005）')
    expect(errorText(err(400, 'missing', 'signatures', 'the unit signs, or its refusal to sign is recorded (PAT-006)'), enT, false))
      .toBe('The unit signs, or its refusal is recorded (PAT-006)')
    expect(errorText(err(403, 'forbidden', null, 'coverage is for the city, towns and grids'), zh)).toMatch(/覆盖率/)
  })
})
