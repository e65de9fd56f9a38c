-- Vendor registry and personnel (profile, countries, services, subcontractors, insurance, contacts, personnel records, change flags).

ALTER TABLE vendors ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE vendors ADD COLUMN registration_number TEXT NOT NULL DEFAULT '';
ALTER TABLE vendors ADD COLUMN website TEXT NOT NULL DEFAULT '';
ALTER TABLE vendors ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE vendors ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','inactive'));
ALTER TABLE vendors ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;

-- Where the vendor's people perform the work, and where client data is stored.
CREATE TABLE vendor_countries (
    vendor_id  BIGINT NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('performance','storage')),
    country    TEXT NOT NULL CHECK (length(country) = 2),
    PRIMARY KEY (vendor_id, kind, country)
);

CREATE TABLE vendor_services (
    vendor_id  BIGINT NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    service    TEXT NOT NULL CHECK (service IN ('document_review','legal_research','drafting','contract_management','ediscovery','billing_support','document_management')),
    PRIMARY KEY (vendor_id, service)
);

-- Fourth parties. A new one, or one whose country changed, waits for the
-- firm's decision (decision 'pending', decided_by NULL).
CREATE TABLE vendor_subcontractors (
    id             {{ID}},
    vendor_id      BIGINT NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    country        TEXT NOT NULL CHECK (length(country) = 2),
    work           TEXT NOT NULL,
    decision       TEXT NOT NULL DEFAULT 'pending' CHECK (decision IN ('pending','approved','refused')),
    decided_by     BIGINT REFERENCES users (id),
    decided_at     BIGINT NOT NULL DEFAULT 0,
    decision_note  TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX vendor_subcontractors_name ON vendor_subcontractors (vendor_id, lower(name));

CREATE TABLE vendor_insurance (
    id              {{ID}},
    vendor_id       BIGINT NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('cyber','professional')),
    carrier         TEXT NOT NULL,
    limit_minor     BIGINT NOT NULL CHECK (limit_minor > 0),
    limit_currency  TEXT NOT NULL CHECK (length(limit_currency) = 3),
    expires_on      TEXT NOT NULL
);
CREATE INDEX vendor_insurance_vendor ON vendor_insurance (vendor_id, position);

CREATE TABLE vendor_contacts (
    id         {{ID}},
    vendor_id  BIGINT NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX vendor_contacts_vendor ON vendor_contacts (vendor_id, position);

-- Changes to countries or subcontractors, flagged to the firm; they can call
-- for clients' consent again. Unacknowledged: acknowledged_at = 0.
CREATE TABLE vendor_changes (
    id               {{ID}},
    vendor_id        BIGINT NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('countries','subcontractors')),
    before_summary   TEXT NOT NULL,
    after_summary    TEXT NOT NULL,
    raised_by        BIGINT REFERENCES users (id),
    raised_at        BIGINT NOT NULL,
    acknowledged_by  BIGINT REFERENCES users (id),
    acknowledged_at  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX vendor_changes_open ON vendor_changes (vendor_id, acknowledged_at);

-- Personnel records of vendor users: what lets them do engagement work.
CREATE TABLE personnel (
    user_id                       BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    position                      TEXT NOT NULL DEFAULT '',
    education                     TEXT NOT NULL DEFAULT '',
    experience_years              INTEGER NOT NULL DEFAULT 0 CHECK (experience_years BETWEEN 0 AND 70),
    background_check_on           TEXT NOT NULL DEFAULT '',
    nda_signed_on                 TEXT NOT NULL DEFAULT '',
    nda_expires_on                TEXT NOT NULL DEFAULT '',
    confidentiality_completed_on  TEXT NOT NULL DEFAULT '',
    confidentiality_expires_on    TEXT NOT NULL DEFAULT '',
    ethics_completed_on           TEXT NOT NULL DEFAULT '',
    ethics_expires_on             TEXT NOT NULL DEFAULT '',
    updated_by                    BIGINT REFERENCES users (id),
    updated_at                    BIGINT NOT NULL
);

-- The firm's check of a bar admission with the admitting authority.
ALTER TABLE bar_admissions ADD COLUMN verified_on TEXT NOT NULL DEFAULT '';
ALTER TABLE bar_admissions ADD COLUMN verified_by BIGINT REFERENCES users (id);
