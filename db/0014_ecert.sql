-- 0014: electronic certificates of specs/ecert-v1.md
-- (docs/modules/ecert.md): the certificate keys, current and retired,
-- published so that every certificate ever issued still verifies, and
-- the registry of issued certificates with their status.

-- Public keys of the certificate signers (the private key stays in the
-- keys directory).  kid is the SM3 hex of the DER SubjectPublicKeyInfo.
CREATE TABLE ecert_keys (
  kid         TEXT NOT NULL PRIMARY KEY,
  pem         TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  retired_at  BIGINT                -- NULL while the key signs
);

-- Every certificate issued.  content is the exact signed text, signature
-- its DER SM2 signature in unpadded base64url, code the QR text.
CREATE TABLE certificates (
  id             BIGINT NOT NULL PRIMARY KEY,
  no             TEXT NOT NULL,      -- the number people read, unique
  type           TEXT NOT NULL,      -- gathering-place-permit | ...
  subject_type   TEXT NOT NULL,      -- what it certifies: permit | ...
  subject_id     BIGINT NOT NULL,
  kid            TEXT NOT NULL REFERENCES ecert_keys(kid),
  content        TEXT NOT NULL,
  signature      TEXT NOT NULL,
  code           TEXT NOT NULL,
  status         TEXT NOT NULL,      -- valid | revoked | superseded
  issued_on      TEXT NOT NULL,      -- YYYY-MM-DD, the content's issued
  revoked_on     TEXT,               -- YYYY-MM-DD
  revoke_reason  TEXT,
  superseded_by  BIGINT REFERENCES certificates(id),
  version        BIGINT NOT NULL DEFAULT 1,
  created_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL,
  created_by     TEXT NOT NULL
);
CREATE UNIQUE INDEX certificates_no ON certificates (no);
CREATE INDEX certificates_subject ON certificates (subject_type, subject_id);
