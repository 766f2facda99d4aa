/*
 * Units as files (docs/modules/registry.md "Import" / "Export"): the name
 * of a downloaded export, the client-side check of an import file, and the
 * import report's rows in the reader's language.  Pure: no UI, no HTTP.
 */
import type { ExportFormat, ImportIssue, UnitQuery } from '@/api/registry'
import type { Translate } from '@/utils/errors'

/* The server's body cap for CSV imports (16 MiB): a larger file is refused whole. */
export const IMPORT_MAX_BYTES = 16 * 1024 * 1024

function pad(n: number): string {
  return n < 10 ? '0' + n : String(n)
}

/* 单位名录-20261129.xlsx (the server sends no Content-Disposition). */
export function exportFilename(format: ExportFormat, d: Date, base = '单位名录'): string {
  return `${base}-${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}.${format}`
}

/* The list's filters and sort, without paging and empty values. */
export function exportQuery(q: UnitQuery): UnitQuery {
  const out: UnitQuery = {}
  for (const k of ['q', 'town', 'grid', 'category', 'status', 'industry', 'risk_grade', 'sort'] as const) {
    const v = (q[k] ?? '').trim()
    if (v) out[k] = v
  }
  return out
}

/* Why a chosen file cannot be sent, as a locale key, or null when it can. */
export function importFileProblem(f: { name: string; size: number } | null): string | null {
  if (!f)
    return 'units.io.noFile'
  if (f.size === 0)
    return 'units.io.emptyFile'
  if (f.size > IMPORT_MAX_BYTES)
    return 'units.io.tooLarge'
  return null
}

/* The column keys of the import format and "row" for a whole row. */
export const IMPORT_FIELDS = ['name', 'uscc', 'legal_rep', 'registered_address', 'business_address', 'town',
  'industry', 'registered_on', 'row'] as const

interface Reason {
  re: RegExp
  key: string
  named?: (m: RegExpExecArray) => Record<string, string>
}

/* The server's reasons (registry_import.c, registry.c, ident.c), most precise first. */
const reasons: Reason[] = [
  { re: /^USCC already on row (\d+)/, key: 'duplicate', named: (m) => ({ n: m[1]! }) },
  { re: /^USCC check character should be (\S)/, key: 'usccCheck', named: (m) => ({ c: m[1]! }) },
  { re: /^USCC must be 18 characters/, key: 'usccLength' },
  { re: /^USCC contains I, O, S, V or Z/, key: 'usccLetters' },
  { re: /^USCC may contain only digits and letters/, key: 'usccChars' },
  { re: /^USCC positions 3 to 8 must be digits/, key: 'usccRegion' },
  { re: /^uscc is required/, key: 'usccRequired' },
  { re: /^unknown town (.+?) \(REG-001\)/, key: 'unknownTown', named: (m) => ({ town: m[1]! }) },
  { re: /^town (\d+) is outside your jurisdiction/, key: 'outsideTown', named: (m) => ({ town: m[1]! }) },
  { re: /^an address is required/, key: 'addressRequired' },
  { re: /^(\w+) is required/, key: 'required' },
  { re: /^legal_rep looks masked/, key: 'masked' },
  { re: /^registered_on must be a date/, key: 'badDate' },
  { re: /^registered_on /, key: 'badDate' },
  { re: /^the row is not valid (\S+) \(the file is read as (\S+)\)/, key: 'encoding', named: (m) => ({ enc: m[2]! }) },
  { re: /^the row has (\d+) fields, the header (\d+)/, key: 'fieldCount', named: (m) => ({ n: m[1]!, h: m[2]! }) },
  { re: /^another unit, outside your jurisdiction/, key: 'usccElsewhere' },
  { re: /is archived and can no longer be changed/, key: 'archived' },
  { re: /^the unit is in a grid of town (\d+)/, key: 'inGrid', named: (m) => ({ town: m[1]! }) },
  { re: /^\w+ must be (\d+) to (\d+) characters long/, key: 'length', named: (m) => ({ min: m[1]!, max: m[2]! }) },
  { re: /^\w+ contains (invalid|control) characters/, key: 'badChars' },
]

/* A column's label: "统一社会信用代码"; an unknown key stays as sent. */
export function importFieldText(field: string, t: Translate): string {
  return (IMPORT_FIELDS as readonly string[]).includes(field) ? t(`units.io.col.${field}`) : field
}

/* A reason in the reader's language; a reason not known keeps the server's words. */
export function importReasonText(reason: string, t: Translate): string {
  for (const r of reasons) {
    const m = r.re.exec(reason)
    if (m)
      return t(`units.io.why.${r.key}`, r.named ? r.named(m) : undefined)
  }
  return reason
}

export interface ImportRow {
  row: number
  field: string
  reason: string
  /* The server's words, kept for a tooltip and support. */
  raw: string
}

/* The report's issues as table rows, in row order. */
export function importRows(issues: readonly ImportIssue[], t: Translate): ImportRow[] {
  return [...issues]
    .sort((a, b) => a.row - b.row)
    .map((i) => ({ row: i.row, field: importFieldText(i.field, t), reason: importReasonText(i.reason, t), raw: i.reason }))
}
