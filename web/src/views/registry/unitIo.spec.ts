import { describe, expect, it } from 'vitest'
import zh from '@/i18n/locales/zh-CN'
import en from '@/i18n/locales/en'
import type { Translate } from '@/utils/errors'
import { exportFilename, exportQuery, IMPORT_MAX_BYTES, importFileProblem, importReasonText, importRows } from './unitIo'

/* A tiny translator over a locale tree, enough for {name} placeholders. */
function tr(tree: unknown): Translate {
  return (key, named) => {
    let v: unknown = tree
    for (const p of key.split('.'))
      v = (v as Record<string, unknown> | undefined)?.[p]
    if (typeof v !== 'string')
      return key
    return v.replace(/\{(\w+)\}/g, (_, k: string) => String(named?.[k] ?? `{${k}}`))
  }
}
const tz = tr(zh)
const te = tr(en)

describe('export', () => {
  it('names the file by format and local date', () => {
    expect(exportFilename('xlsx', new Date(2026, 10, 9))).toBe('单位名录-20261109.xlsx')
    expect(exportFilename('csv', new Date(2026, 0, 31), 'units')).toBe('units-20260131.csv')
  })
  it('sends the filters and sort, never paging or empty values', () => {
    expect(exportQuery({ q: ' 五金 ', town: '441900003', grid: '', category: 'key', sort: '-name', offset: 40, limit: 20 }))
      .toEqual({ q: '五金', town: '441900003', category: 'key', sort: '-name' })
  })
})

describe('import file check', () => {
  it('refuses no file, an empty file and more than 16 MiB', () => {
    expect(importFileProblem(null)).toBe('units.io.noFile')
    expect(importFileProblem({ name: 'a.csv', size: 0 })).toBe('units.io.emptyFile')
    expect(importFileProblem({ name: 'a.csv', size: IMPORT_MAX_BYTES + 1 })).toBe('units.io.tooLarge')
    expect(importFileProblem({ name: 'a.csv', size: IMPORT_MAX_BYTES })).toBeNull()
    expect(IMPORT_MAX_BYTES).toBe(16777216)
  })
})

describe('import report', () => {
  /* The server's reasons of tests/api/registry_io.test.mjs. */
  const errors = [
    { row: 7, field: 'town', reason: 'unknown town 火星镇 (REG-001)' },
    { row: 5, field: 'uscc', reason: 'USCC already on row 2 (REG-027)' },
    { row: 6, field: 'uscc', reason: 'USCC check character should be 6' },
    { row: 8, field: 'name', reason: 'name is required' },
    { row: 10, field: 'row', reason: 'the row is not valid UTF-8 (the file is read as UTF-8)' },
    { row: 11, field: 'registered_on', reason: 'registered_on must be a date like 2019-03-28 (REG-026)' },
    { row: 12, field: 'row', reason: 'the row has 3 fields, the header 9' },
    { row: 13, field: 'legal_rep', reason: 'something new from the server' },
  ]
  it('maps rows in order with zh texts, keeping the server words', () => {
    const r = importRows(errors, tz)
    expect(r.map((x) => x.row)).toEqual([5, 6, 7, 8, 10, 11, 12, 13])
    expect(r[0]).toEqual({ row: 5, field: '统一社会信用代码', reason: '统一社会信用代码与第 2 行重复', raw: 'USCC already on row 2 (REG-027)' })
    expect(r[1]!.reason).toBe('统一社会信用代码校验位错误（应为 6）')
    expect(r[2]).toMatchObject({ field: '镇街', reason: '未知镇街：火星镇' })
    expect(r[3]).toMatchObject({ field: '单位名称', reason: '必填项为空' })
    expect(r[4]).toMatchObject({ field: '整行', reason: '该行编码无效（文件按 UTF-8 读取）' })
    expect(r[5]).toMatchObject({ field: '成立日期', reason: '成立日期应为有效日期，如 2019-03-28' })
    expect(r[6]!.reason).toBe('该行有 3 列，表头有 9 列')
    expect(r[7]).toMatchObject({ field: '法定代表人', reason: 'something new from the server' })
  })
  it('has English texts too', () => {
    expect(importReasonText('USCC already on row 2 (REG-027)', te)).toBe('Credit code already on row 2')
    expect(importReasonText('town 441900121 is outside your jurisdiction (REG-011)', te))
      .toBe('Town 441900121 is outside your jurisdiction')
    expect(importRows([{ row: 3, field: 'business_address', reason: 'business_address must be 1 to 200 characters long' }], te))
      .toEqual([{ row: 3, field: 'Business address', reason: 'Must be 1 to 200 characters long', raw: 'business_address must be 1 to 200 characters long' }])
  })
  it('does not mutate the report', () => {
    const copy = errors.map((e) => ({ ...e }))
    importRows(errors, tz)
    expect(errors).toEqual(copy)
  })
})
