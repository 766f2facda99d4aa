-- 0019: enforcement cases (执法办案; docs/modules/enforce.md): officers'
-- enforcement certificates and recorded conflicts, cases under the simple
-- or the general procedure with their officers, violations (each with the
-- discretion engine's suggestion and trace), evidence, notification and
-- hearing, legal review (法制审核) and collective discussion (集体讨论),
-- the decision, service, payment with late fees, publication, measures
-- and closure.  Money is fen; days are YYYY-MM-DD (Asia/Shanghai).

-- 执法证: an officer may act in a case only with a certificate valid on
-- the day (ENF-003).
CREATE TABLE officer_certs (
  id            BIGINT NOT NULL PRIMARY KEY,
  user_id       BIGINT NOT NULL REFERENCES users(id),
  cert_no       TEXT NOT NULL,
  issued_on     TEXT NOT NULL,
  valid_to      TEXT NOT NULL,
  status        TEXT NOT NULL,            -- active | revoked
  revoked_on    TEXT,
  revoke_reason TEXT,
  version       BIGINT NOT NULL DEFAULT 1,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL,
  created_by    TEXT NOT NULL
);
CREATE UNIQUE INDEX officer_certs_no ON officer_certs (cert_no);
CREATE INDEX officer_certs_user ON officer_certs (user_id, status, valid_to);

-- A recorded conflict of interest (回避事由): the officer may not act in
-- a case whose party is this unit (or this named individual) while the
-- conflict is active (ENF-004).
CREATE TABLE officer_conflicts (
  id            BIGINT NOT NULL PRIMARY KEY,
  user_id       BIGINT NOT NULL REFERENCES users(id),
  unit_id       BIGINT REFERENCES units(id),
  party_name    TEXT,                     -- an individual party, when no unit
  relation      TEXT NOT NULL,            -- relative | employment | interest | other
  note          TEXT,
  from_on       TEXT NOT NULL,
  to_on         TEXT,                     -- NULL: open-ended
  status        TEXT NOT NULL,            -- active | ended
  version       BIGINT NOT NULL DEFAULT 1,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL,
  created_by    TEXT NOT NULL
);
CREATE INDEX officer_conflicts_user ON officer_conflicts (user_id, status);
CREATE INDEX officer_conflicts_unit ON officer_conflicts (unit_id, status);

-- status (general): filed → notified → [hearing] → review → [discussion]
--   → decided → served → closed; cancelled (撤销立案) from any state
--   before decided.  simple: decided → served → closed (on the spot).
-- step / step_due: the clocked step now running (ENF-020) and its last
--   day; overdue = 1 once the clock job finds step_due passed.
-- decision_due: filing + decision_days (natural days, 行政处罚法 art. 60),
--   or extended_to after an approved extension.
-- pay_status: none | due | paid | overdue | mismatch.
CREATE TABLE cases (
  id                BIGINT NOT NULL PRIMARY KEY,
  no                TEXT NOT NULL,        -- 立案 number
  procedure         TEXT NOT NULL,        -- simple | general
  source            TEXT NOT NULL,        -- inspection | hazard | permit | referral | on_spot
  source_id         BIGINT,
  party_type        TEXT NOT NULL,        -- unit | individual
  unit_id           BIGINT REFERENCES units(id),  -- the party unit, or the place of an individual's act
  party_name        TEXT NOT NULL,
  party_code        TEXT,                 -- USCC of a unit party
  party_idno        TEXT,                 -- individual's ID number, sealed (P-1)
  party_idno_idx    TEXT,                 -- keyed index of it
  party_phone       TEXT,                 -- sealed
  party_address     TEXT,                 -- an individual's home address, sealed
  party_age         INTEGER,              -- an individual's age at the act
  town              TEXT NOT NULL,
  facts             TEXT NOT NULL,        -- 案情 / 违法事实
  occurred_on       TEXT,
  found_on          TEXT NOT NULL,
  filed_on          TEXT NOT NULL,
  status            TEXT NOT NULL,
  step              TEXT,
  step_due          TEXT,
  overdue           INTEGER NOT NULL DEFAULT 0,
  decision_due      TEXT NOT NULL,
  extended_to       TEXT,
  extension_reason  TEXT,
  notice_no         TEXT,                 -- 行政处罚告知书 number
  notified_on       TEXT,
  statement_due     TEXT,                 -- last day to ask for a hearing / state a defence
  statement         TEXT,                 -- the party's statement and defence (陈述申辩)
  hearing_status    TEXT NOT NULL DEFAULT 'none',  -- none | requested | scheduled | held | waived
  review_required   INTEGER NOT NULL DEFAULT 0,
  review_reasons    TEXT,                 -- comma-separated: major | hearing | out_of_range | stop_business | revocation
  discussion_required INTEGER NOT NULL DEFAULT 0,
  outcome           TEXT,                 -- fine | warning | no_penalty (of the decision)
  decision_no       TEXT,
  decided_on        TEXT,
  decision          TEXT,                 -- JSON: the decision's canonical record
  decision_hash     TEXT,                 -- SM3 hex of it (bound into the audit trail)
  fine_fen          BIGINT NOT NULL DEFAULT 0,
  service_due       TEXT,
  served_on         TEXT,
  service_method    TEXT,                 -- on_spot | direct | post | electronic | notice
  pay_status        TEXT NOT NULL DEFAULT 'none',
  payment_due       TEXT,
  paid_fen          BIGINT NOT NULL DEFAULT 0,
  late_fee_fen      BIGINT NOT NULL DEFAULT 0,
  paid_on           TEXT,
  publish_due       TEXT,
  published_on      TEXT,
  closed_on         TEXT,
  close_reason      TEXT,                 -- executed | no_penalty | warning | cancelled
  version           BIGINT NOT NULL DEFAULT 1,
  created_at        BIGINT NOT NULL,
  updated_at        BIGINT NOT NULL,
  created_by        TEXT NOT NULL
);
CREATE UNIQUE INDEX cases_no ON cases (no);
CREATE UNIQUE INDEX cases_decision_no ON cases (decision_no);
CREATE INDEX cases_town ON cases (town, status, created_at);
CREATE INDEX cases_unit ON cases (unit_id, filed_on);
CREATE INDEX cases_due ON cases (step_due) WHERE step_due IS NOT NULL;
CREATE INDEX cases_source ON cases (source, source_id);
CREATE INDEX cases_publish ON cases (published_on) WHERE published_on IS NOT NULL;

CREATE TABLE case_officers (
  case_id         BIGINT NOT NULL REFERENCES cases(id),
  user_id         BIGINT NOT NULL REFERENCES users(id),
  role            TEXT NOT NULL,          -- lead | assist
  cert_no         TEXT NOT NULL,          -- the certificate checked when added
  status          TEXT NOT NULL,          -- active | recused
  recusal_reason  TEXT,
  recused_by      TEXT,
  added_at        BIGINT NOT NULL,
  PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_officers_user ON case_officers (user_id, status);

-- One violation of a case: the item and facts the engine was asked,
-- its suggestion (JSON, with the rules that applied and their reasons),
-- what the officer proposes and, when outside the suggested range, the
-- written justification (ENF-012).
CREATE TABLE case_violations (
  id              BIGINT NOT NULL PRIMARY KEY,
  case_id         BIGINT NOT NULL REFERENCES cases(id),
  seq             INTEGER NOT NULL,
  act             INTEGER NOT NULL,       -- violations with the same act number are one act (art. 29)
  item            TEXT NOT NULL,
  items_version   TEXT NOT NULL,
  tier            TEXT NOT NULL,          -- minor | general | serious
  query           TEXT NOT NULL,          -- JSON: the engine's input
  facts           TEXT NOT NULL,
  suggestion      TEXT NOT NULL,          -- JSON: the engine's output
  outcome         TEXT NOT NULL,          -- fine | warning | no_penalty
  amount_fen      BIGINT NOT NULL DEFAULT 0,
  amount_check    TEXT NOT NULL,          -- in_range | below_range | above_range | not_due
  justification   TEXT,
  first_exempt    INTEGER NOT NULL DEFAULT 0,   -- officer applied 首违不罚
  exempt_reason   TEXT,
  status          TEXT NOT NULL,          -- active | withdrawn
  created_at      BIGINT NOT NULL,
  created_by      TEXT NOT NULL
);
CREATE INDEX case_violations_case ON case_violations (case_id, seq);
CREATE INDEX case_violations_item ON case_violations (item, tier, status);

CREATE TABLE case_steps (
  id        BIGINT NOT NULL PRIMARY KEY,
  case_id   BIGINT NOT NULL REFERENCES cases(id),
  action    TEXT NOT NULL,
  note      TEXT,
  due       TEXT,
  actor     TEXT NOT NULL,
  at        BIGINT NOT NULL
);
CREATE INDEX case_steps_case ON case_steps (case_id, at, id);

CREATE TABLE case_evidence (
  id            BIGINT NOT NULL PRIMARY KEY,
  case_id       BIGINT NOT NULL REFERENCES cases(id),
  kind          TEXT NOT NULL,            -- document | photo | video | statement | record | inspection | hazard
  file_id       BIGINT,
  ref_id        BIGINT,                   -- an inspection or hazard record
  description   TEXT NOT NULL,
  collected_on  TEXT NOT NULL,
  created_at    BIGINT NOT NULL,
  created_by    TEXT NOT NULL
);
CREATE INDEX case_evidence_case ON case_evidence (case_id, id);

CREATE TABLE case_hearings (
  id            BIGINT NOT NULL PRIMARY KEY,
  case_id       BIGINT NOT NULL REFERENCES cases(id),
  requested_on  TEXT NOT NULL,
  notice_on     TEXT,                     -- hearing notice sent
  hearing_on    TEXT,                     -- ≥ notice_on + 7 days (art. 64)
  place         TEXT,
  host_id       BIGINT REFERENCES users(id),  -- not an investigating officer
  held_on       TEXT,
  record        TEXT,                     -- 听证笔录 summary
  opinion       TEXT,
  status        TEXT NOT NULL,            -- requested | scheduled | held | withdrawn
  created_at    BIGINT NOT NULL,
  created_by    TEXT NOT NULL
);
CREATE INDEX case_hearings_case ON case_hearings (case_id);

CREATE TABLE case_reviews (
  id            BIGINT NOT NULL PRIMARY KEY,
  case_id       BIGINT NOT NULL REFERENCES cases(id),
  reviewer_id   BIGINT NOT NULL REFERENCES users(id),
  conclusion    TEXT NOT NULL,            -- approve | amend | return
  opinion       TEXT NOT NULL,
  reviewed_on   TEXT NOT NULL,
  created_at    BIGINT NOT NULL
);
CREATE INDEX case_reviews_case ON case_reviews (case_id, created_at);

CREATE TABLE case_discussions (
  id            BIGINT NOT NULL PRIMARY KEY,
  case_id       BIGINT NOT NULL REFERENCES cases(id),
  held_on       TEXT NOT NULL,
  chair_id      BIGINT NOT NULL REFERENCES users(id),
  participants  TEXT NOT NULL,            -- JSON list of {user_id?, name, title}
  conclusion    TEXT NOT NULL,            -- approve | amend | no_penalty | return
  minutes       TEXT NOT NULL,
  created_at    BIGINT NOT NULL,
  created_by    TEXT NOT NULL
);
CREATE INDEX case_discussions_case ON case_discussions (case_id);

-- Measures other than the penalty (责令改正, 责令停产停业, 强制执行 …):
-- a coercive one needs its legal ground (ENF-016).
CREATE TABLE case_measures (
  id            BIGINT NOT NULL PRIMARY KEY,
  case_id       BIGINT NOT NULL REFERENCES cases(id),
  kind          TEXT NOT NULL,
  coercive      INTEGER NOT NULL,
  legal_ground  TEXT,
  note          TEXT,
  decided_on    TEXT NOT NULL,
  created_at    BIGINT NOT NULL,
  created_by    TEXT NOT NULL
);
CREATE INDEX case_measures_case ON case_measures (case_id);

-- The payment notice of a fine (缴款通知) with its payment code, and the
-- payment platform's confirmations (ENF-030..034).
CREATE TABLE case_payments (
  id            BIGINT NOT NULL PRIMARY KEY,
  case_id       BIGINT NOT NULL REFERENCES cases(id),
  code          TEXT NOT NULL,            -- 缴款码 the party pays with
  amount_fen    BIGINT NOT NULL,
  due           TEXT NOT NULL,
  status        TEXT NOT NULL,            -- open | paid | cancelled
  paid_fen      BIGINT NOT NULL DEFAULT 0,
  late_fee_fen  BIGINT NOT NULL DEFAULT 0,
  paid_on       TEXT,
  platform      TEXT,
  txn_id        TEXT,
  version       BIGINT NOT NULL DEFAULT 1,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX case_payments_code ON case_payments (code);
CREATE INDEX case_payments_case ON case_payments (case_id);

-- Every callback received, accepted or not: idempotent on (platform,
-- txn_id); a mismatch in amount is recorded, not accepted.
CREATE TABLE payment_callbacks (
  id            BIGINT NOT NULL PRIMARY KEY,
  platform      TEXT NOT NULL,
  txn_id        TEXT NOT NULL,
  code          TEXT NOT NULL,
  amount_fen    BIGINT NOT NULL,
  paid_at       BIGINT NOT NULL,
  result        TEXT NOT NULL,            -- accepted | mismatch | unknown_code | already_paid
  note          TEXT,
  body_sm3      TEXT NOT NULL,
  received_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX payment_callbacks_txn ON payment_callbacks (platform, txn_id);

-- A published decision (行政处罚决定公开): the text as published, with
-- ID numbers, phone numbers and home addresses removed (P-3).
CREATE TABLE case_publications (
  id            BIGINT NOT NULL PRIMARY KEY,
  case_id       BIGINT NOT NULL REFERENCES cases(id),
  decision_no   TEXT NOT NULL,
  published_on  TEXT NOT NULL,
  town          TEXT NOT NULL,
  content       TEXT NOT NULL,            -- JSON as served publicly
  status        TEXT NOT NULL,            -- published | withdrawn
  withdrawn_on  TEXT,
  withdraw_reason TEXT,
  created_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX case_publications_case ON case_publications (case_id);
CREATE INDEX case_publications_day ON case_publications (status, published_on);

INSERT INTO role_permissions (role_id, permission) VALUES
  ('officer', 'case:read'),
  ('officer', 'case:write'),
  ('legal',   'case:read'),
  ('legal',   'case:review'),
  ('legal',   'case:supervise'),
  ('leader',  'case:read'),
  ('leader',  'case:discuss'),
  ('leader',  'case:approve'),
  ('leader',  'case:supervise'),
  ('leader',  'officer:manage'),
  ('unit',    'case:read');
