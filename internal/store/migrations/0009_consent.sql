-- Outsourcing disclosures and client consent.
--
-- client_disclosures holds the versions of the disclosure an attorney gives
-- the client about one engagement. A version is a draft while issued_at is
-- 0 (at most one draft per engagement, enforced by the use case); issuing it
-- freezes its text and records the SHA-256 of that text (hex). vendor_id and
-- billing_mode are the facts it was written on: when the engagement's vendor
-- or billing mode no longer match, the consent given to it is stale.
--
-- client_consents holds one row per issued version: the client's answer to
-- it. state: pending (issued, no answer yet), given, declined, revoked (given,
-- then withdrawn by the client) or stale (a material change since: the
-- disclosure must be issued again). The latest row of an engagement is its
-- current consent. An answer is by the client contact (client_user_id) or
-- recorded by an attorney from outside Probity (recorded_by, evidence).
-- The firm's "consent required" policy is the setting consent_required
-- (absent or 'on': required; 'off': not required).

CREATE TABLE client_disclosures (
    id             {{ID}},
    engagement_id  BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    version        INTEGER NOT NULL CHECK (version > 0),
    body           TEXT NOT NULL,
    vendor_id      BIGINT NOT NULL REFERENCES vendors (id),
    billing_mode   TEXT NOT NULL CHECK (billing_mode IN ('fee','disbursement')),
    drafted_by     BIGINT NOT NULL REFERENCES users (id),
    drafted_at     BIGINT NOT NULL,
    sha256         TEXT NOT NULL DEFAULT '',
    issued_by      BIGINT REFERENCES users (id),
    issued_at      BIGINT NOT NULL DEFAULT 0,
    UNIQUE (engagement_id, version)
);

CREATE TABLE client_consents (
    id                 {{ID}},
    engagement_id      BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    disclosure_id      BIGINT NOT NULL REFERENCES client_disclosures (id) ON DELETE CASCADE,
    disclosure_sha256  TEXT NOT NULL,
    state              TEXT NOT NULL CHECK (state IN ('pending','given','declined','revoked','stale')),
    client_user_id     BIGINT REFERENCES users (id),
    recorded_by        BIGINT REFERENCES users (id),
    evidence           TEXT NOT NULL DEFAULT '',
    typed_name         TEXT NOT NULL DEFAULT '',
    address            TEXT NOT NULL DEFAULT '',
    answered_at        BIGINT NOT NULL DEFAULT 0,
    revoked_at         BIGINT NOT NULL DEFAULT 0,
    stale_reason       TEXT NOT NULL DEFAULT '',
    updated_at         BIGINT NOT NULL,
    UNIQUE (disclosure_id)
);
CREATE INDEX client_consents_engagement ON client_consents (engagement_id, id);
