/*
 * From an error to the words a person reads.  The server's `code` picks
 * the text (docs/error-handling.md: clients depend on the code, never on
 * the English message); a few well-known server messages (password
 * policy, taken login, 三员 rules) get a precise translation, recognised
 * by pattern, and anything else keeps the code's text.  Pure: no UI.
 */
import { ApiError, NETWORK_ERROR } from '@/api/http'

export type Translate = (key: string, named?: Record<string, unknown>) => string

interface Detail {
  re: RegExp
  key: string
  n?: (m: RegExpExecArray) => number
  /* Named values of the text; a status word is translated with t. */
  named?: (m: RegExpExecArray, t: Translate) => Record<string, unknown>
}

/* A status word of a hazard or transfer in the reader's language. */
function statusWord(t: Translate, group: string, s: string | undefined): string {
  const k = `hazard.${group}.${s ?? ''}`
  const v = t(k)
  return v === k ? (s ?? '') : v
}

/* A status word of another module (permit.status …) in the reader's language. */
function wordOf(t: Translate, prefix: string, s: string | undefined): string {
  const k = `${prefix}.${s ?? ''}`
  const v = t(k)
  return v === k ? (s ?? '') : v
}

/* Server messages worth a precise text, in the order tried. */
const details: Detail[] = [
  { re: /^login \S+ is taken/, key: 'loginTaken' },
  { re: /login may only contain/, key: 'loginFormat' },
  { re: /password must be at least (\d+) characters/, key: 'pwTooShort', n: (m) => Number(m[1]) },
  { re: /password must be at most (\d+) characters/, key: 'pwTooLong', n: (m) => Number(m[1]) },
  { re: /must mix at least 3 of/, key: 'pwMix' },
  { re: /not be the login or the login reversed/, key: 'pwLogin' },
  { re: /common: it is on the list/, key: 'pwCommon' },
  { re: /from the last \d+ passwords/, key: 'pwHistory' },
  { re: /the current password is wrong/, key: 'pwWrong' },
  { re: /account disabled/, key: 'disabled' },
  { re: /cannot be combined with any other role/, key: 'adminAlone' },
  { re: /have the jurisdiction city/, key: 'adminCity' },
  { re: /jurisdiction must be/, key: 'jurisdictionFormat' },
  { re: /unknown role/, key: 'unknownRole' },
  { re: /must keep its own administrator permission/, key: 'keepOwn' },
  { re: /belongs to the \S+ administrator alone/, key: 'reserved' },
  { re: /start the enrolment first/, key: 'enrolFirst' },
  { re: /command line|administrator accounts/i, key: 'adminCli' },
  { re: /differs from the one another person entered/, key: 'beaconMismatch' },
  { re: /approved by someone other than its author/, key: 'fourEyes' },
  { re: /needs at least two inspectors/, key: 'teamTooSmall' },
  { re: /not corrected on the spot: the outcome is/, key: 'outcomeOrdered' },
  { re: /nothing is left to correct: the outcome is compliant/, key: 'outcomeCompliant' },
  { re: /only an inspector assigned to this task/, key: 'notOnTask' },
  { re: /must not inspect this unit/, key: 'recusal' },
  /* The hazard module (src/domain/hazard*.c), HAZ-004..017. */
  { re: /cannot be corrected on the spot \(HAZ-004\)/, key: 'hazardNoOnSpot' },
  { re: /corrected on the spot has nothing left to decide/, key: 'hazardOnSpotLater' },
  { re: /^a (\w+) hazard cannot be /, key: 'hazardState', named: (m, t) => ({ s: statusWord(t, 'status', m[1]) }) },
  { re: /^a (\w+) transfer cannot be /, key: 'transferState', named: (m, t) => ({ s: statusWord(t, 'transferStatus', m[1]) }) },
  { re: /at least one photo of the rectification is required/, key: 'hazardReportPhoto' },
  { re: /a passed re-check sets no new deadline/, key: 'hazardPassNoDeadline' },
  { re: /a transfer goes to another department than the fire service/, key: 'transferNotFire' },
  { re: /the hazard is already with this department/, key: 'transferTwice' },
  { re: /only a returned transfer can be disputed/, key: 'transferDisputeReturned' },
  { re: /only a disputed transfer is decided/, key: 'transferDecideDisputed' },
  { re: /a released transfer sets no deadline/, key: 'transferReleasedNoDeadline' },
  /* Judgements, listings and seals (src/domain/hazard_major.c), HAZ-020..032. */
  { re: /collective discussion has at least/, key: 'judgeDiscussion' },
  { re: /expert review has at least/, key: 'judgeExperts' },
  { re: /expert conclusion needs at least two thirds/, key: 'judgeAgreeing' },
  { re: /agreeing is for an expert review/, key: 'judgeAgreeingOnly' },
  { re: /no GB 35181 edition is loaded/, key: 'judgeNoEdition' },
  { re: /only a hazard judged major is listed/, key: 'listingMajor' },
  { re: /the hazard is already listed/, key: 'listingTwice' },
  { re: /only the city lists at city level/, key: 'listingCity' },
  { re: /the deadline is after today/, key: 'listingDeadline' },
  { re: /a delisted listing takes no more reports/, key: 'listingDelisted' },
  { re: /verified removed \(closed\) before delisting/, key: 'listingOpen' },
  { re: /the listing is already delisted/, key: 'listingAlready' },
  { re: /a seal starts today or within/, key: 'sealStart' },
  { re: /a lifted seal cannot be extended/, key: 'sealLifted' },
  { re: /the seal is lifted, not extended/, key: 'sealRemoved' },
  { re: /only an active seal can be applied to lift/, key: 'sealApply' },
  { re: /^a (\w+) seal cannot be /, key: 'sealState', named: (m, t) => ({ s: statusWord(t, 'seal.status', m[1]) }) },
  /* Opening permits (src/domain/permit.c), PRM-003..016. */
  { re: /the commitment must be accepted|the commitment route needs the signed commitment/, key: 'permitCommit' },
  { re: /sign the commitment text of version/, key: 'permitCommitmentVersion' },
  { re: /^documents\.\w+ is required \(PRM-003\)/, key: 'permitDocRequired' },
  { re: /replaces an issued permit of the same unit/, key: 'permitPrevious' },
  { re: /no unified social credit code; record it before the permit is issued/, key: 'permitNoUscc' },
  { re: /^a (\w+) application of the \w+ route cannot be issued/, key: 'permitIssueState', named: (m, t) => ({ s: wordOf(t, 'permit.status', m[1]) }) },
  { re: /only a submitted application of the inspection route is inspected/, key: 'permitInspectState' },
  { re: /^a (\w+) application cannot be refused/, key: 'permitRefuseState', named: (m, t) => ({ s: wordOf(t, 'permit.status', m[1]) }) },
  { re: /only an issued permit awaiting verification is verified/, key: 'permitVerifyState' },
  { re: /a matching place has nothing to rectify/, key: 'permitNothingToRectify' },
  { re: /only a permit with a mismatch is re-checked/, key: 'permitRecheckState' },
  { re: /only an issued permit's certificate is reissued/, key: 'permitReissueState' },
  { re: /^the unit is (closed|archived)$/, key: 'unitNotActive' },
  /* Patrols (src/domain/patrol.c), PAT-002..006. */
  { re: /a failed item says what was found \(PAT-004\)/, key: 'patrolFailNote' },
  { re: /a failed item has at least one photo \(PAT-004\)/, key: 'patrolFailPhoto' },
  { re: /cannot be corrected on the spot \(PAT-005\)/, key: 'patrolNoOnSpot' },
  { re: /has no result \(PAT-004\)/, key: 'patrolNoResult' },
  { re: /the patroller signs \(PAT-006\)/, key: 'patrolSign' },
  { re: /the unit signs, or its refusal to sign is recorded/, key: 'patrolUnitSign' },
  { re: /^no checklist of kind \w+ applies to this unit/, key: 'patrolNoChecklist' },
  { re: /^checklist \S+ is for kind/, key: 'patrolChecklistKind' },
  { re: /^coverage is for the city|^the list is for the city and towns/, key: 'patrolCoverageScope' },
]

/* The precise translation of a known server message, or null. */
export function detailText(msg: string, t: Translate): string | null {
  for (const d of details) {
    const m = d.re.exec(msg)
    if (m)
      return t(`errors.detail.${d.key}`, d.named ? d.named(m, t) : d.n ? { n: d.n(m) } : undefined)
  }
  return null
}

const knownCodes = new Set([
  NETWORK_ERROR, 'internal', 'store', 'io', 'crypto', 'invalid', 'bad_json',
  'unknown_field', 'duplicate_key', 'missing', 'type', 'range', 'too_large',
  'unsupported_media_type', 'unauthenticated', 'bad_login', 'otp_required',
  'forbidden', 'csrf', 'password_change_required', 'not_found',
  'method_not_allowed', 'conflict', 'precondition_failed',
  'precondition_required', 'policy', 'locked', 'rate_limited', 'unavailable',
])

const fieldCodes = new Set(['invalid', 'missing', 'type', 'range', 'unknown_field'])

export function fieldLabel(field: string, t: Translate): string {
  const k = `fields.${field}`
  const s = t(k)
  if (s !== k)
    return s
  /* The registry's person fields: legal_rep_phone -> 法定代表人电话. */
  const m = /^(legal_rep|responsible|manager)_(name|phone|id_number)$/.exec(field)
  if (m)
    return t(`units.personRole.${m[1]}`) + t(`units.personField.${m[2]}`)
  return field
}

/*
 * The text for an error.  withField: prefix the field's label for
 * validation codes (used when the message is not shown next to the field).
 */
export function errorText(err: unknown, t: Translate, withField = true): string {
  if (!(err instanceof ApiError))
    return t('errors.unknown')
  const precise = err.serverMessage ? detailText(err.serverMessage, t) : null
  let text = precise ?? (knownCodes.has(err.code) ? t(`errors.${err.code}`) : t('errors.unknown'))
  if (!precise && err.code === 'locked' && err.retryAfter)
    text = t('errors.detail.lockedFor', { n: Math.ceil(err.retryAfter / 60) })
  else if (!precise && err.code === 'rate_limited' && err.retryAfter)
    text = t('common.withDetail', { text, detail: t('errors.detail.retryAfter', { n: err.retryAfter }) })
  if (withField && err.field && fieldCodes.has(err.code) && !precise)
    text = t('common.withField', { field: fieldLabel(err.field, t), text })
  return text
}

/* 412 and 428: the record must be reloaded before it can be changed. */
export function isConflict(err: unknown): err is ApiError {
  return err instanceof ApiError && (err.status === 412 || err.status === 428)
}

/*
 * Routes a field error to a form: when the error names a field the form
 * shows, returns [field, text]; otherwise null (show it as a message).
 */
export function fieldError(err: unknown, formFields: readonly string[],
  t: Translate): [string, string] | null {
  if (!(err instanceof ApiError) || !err.field)
    return null
  if (!formFields.includes(err.field))
    return null
  if (err.status >= 500 || err.status === 401 && err.code !== 'otp_required' && err.code !== 'bad_login')
    return null
  return [err.field, errorText(err, t, false)]
}
