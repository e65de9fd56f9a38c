-- Conflict checks (vendor disclosures, hits and their resolution).
--
-- A vendor discloses the clients and adverse parties it works for and its
-- people's affiliations. Every party name and alias of a matter is compared
-- with every current disclosure of each vendor proposed or engaged on it;
-- each pair scoring at least the threshold is a hit, which an attorney
-- resolves. Disclosures are never deleted, only marked removed, so a hit
-- always names what it matched. A hit whose pair no longer matches is marked
-- obsolete (obsolete_at), keeping its resolution for the record.

CREATE TABLE vendor_disclosures (
    id          {{ID}},
    vendor_id   BIGINT NOT NULL REFERENCES vendors (id),
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('client','adverse_party','affiliation')),
    user_id     BIGINT REFERENCES users (id),
    details     TEXT NOT NULL DEFAULT '',
    created_by  BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    removed_at  BIGINT NOT NULL DEFAULT 0,
    removed_by  BIGINT NOT NULL DEFAULT 0,
    removed_why TEXT NOT NULL DEFAULT '',
    CHECK (user_id IS NULL OR kind = 'affiliation')
);
CREATE INDEX vendor_disclosures_vendor ON vendor_disclosures (vendor_id, removed_at);
CREATE UNIQUE INDEX vendor_disclosures_current ON vendor_disclosures (vendor_id, kind, lower(name)) WHERE removed_at = 0;

-- One row per pair ever found: (matter, vendor, party-side name, disclosure).
-- score is in thousandths (0–1000); reasons are one per line.
CREATE TABLE conflict_hits (
    id                {{ID}},
    matter_id         BIGINT NOT NULL REFERENCES matters (id) ON DELETE CASCADE,
    vendor_id         BIGINT NOT NULL REFERENCES vendors (id),
    party_id          BIGINT NOT NULL,
    party_name        TEXT NOT NULL,
    party_label       TEXT NOT NULL,
    party_role        TEXT NOT NULL,
    disclosure_id     BIGINT NOT NULL REFERENCES vendor_disclosures (id),
    disclosed_name    TEXT NOT NULL,
    score             INTEGER NOT NULL CHECK (score BETWEEN 0 AND 1000),
    reasons           TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL CHECK (status IN ('open','cleared','waived','blocked')),
    resolution        TEXT NOT NULL DEFAULT '',
    consent_by        TEXT NOT NULL DEFAULT '',
    consent_on        TEXT NOT NULL DEFAULT '',
    consent_evidence  TEXT NOT NULL DEFAULT '',
    resolved_by       BIGINT REFERENCES users (id),
    resolved_at       BIGINT NOT NULL DEFAULT 0,
    found_at          BIGINT NOT NULL,
    obsolete_at       BIGINT NOT NULL DEFAULT 0,
    UNIQUE (matter_id, vendor_id, disclosure_id, party_name),
    CHECK (status <> 'waived' OR (consent_by <> '' AND consent_on <> ''))
);
CREATE INDEX conflict_hits_pair ON conflict_hits (matter_id, vendor_id, obsolete_at);

-- When each (matter, vendor) was last checked, and a digest of what was
-- compared (party names, aliases, disclosures, threshold): a check is due
-- again when the digest of the current inputs differs.
CREATE TABLE conflict_checks (
    matter_id   BIGINT NOT NULL REFERENCES matters (id) ON DELETE CASCADE,
    vendor_id   BIGINT NOT NULL REFERENCES vendors (id),
    checked_at  BIGINT NOT NULL,
    inputs      TEXT NOT NULL,
    PRIMARY KEY (matter_id, vendor_id)
);

-- The firm-wide generation of party, alias and disclosure names. Every
-- change to them bumps it in the same transaction; each app server's
-- in-memory party-search index remembers the generation it was built from
-- and is rebuilt when the stored one differs.
CREATE TABLE conflict_generation (
    id          BIGINT PRIMARY KEY CHECK (id = 1),
    generation  BIGINT NOT NULL
);
INSERT INTO conflict_generation (id, generation) VALUES (1, 0);
