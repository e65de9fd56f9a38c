-- Core schema: the firm, its users, vendors, clients, matters, parties and
-- engagements, plus sessions and sign-in throttling. Times are BIGINT unix
-- microseconds (UTC) on both engines; calendar days are TEXT 'YYYY-MM-DD';
-- money is BIGINT minor units beside a 3-letter ISO 4217 currency.
-- {{ID}} is the engine's auto-numbered primary key (see Dialect.Expand).

CREATE TABLE firm (
    id          BIGINT PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL,
    tax_id      TEXT NOT NULL DEFAULT '',
    currency    TEXT NOT NULL CHECK (length(currency) = 3),
    created_at  BIGINT NOT NULL
);

CREATE TABLE vendors (
    id              {{ID}},
    name            TEXT NOT NULL,
    legal_name      TEXT NOT NULL DEFAULT '',
    country         TEXT NOT NULL CHECK (length(country) = 2),
    currency        TEXT NOT NULL CHECK (length(currency) = 3),
    diligence       TEXT NOT NULL CHECK (diligence IN ('pending','approved','conditional','rejected')),
    approved_until  TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX vendors_name ON vendors (lower(name));

CREATE TABLE clients (
    id          {{ID}},
    number      TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    country     TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);

CREATE TABLE users (
    id             {{ID}},
    email          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('firm_admin','attorney','staff','vendor_manager','vendor_professional','client_contact')),
    vendor_id      BIGINT REFERENCES vendors (id),
    client_id      BIGINT REFERENCES clients (id),
    title          TEXT NOT NULL DEFAULT '',
    time_zone      TEXT NOT NULL DEFAULT 'UTC',
    password_hash  TEXT NOT NULL DEFAULT '',
    disabled       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    CHECK ((role IN ('vendor_manager','vendor_professional')) = (vendor_id IS NOT NULL)),
    CHECK ((role = 'client_contact') = (client_id IS NOT NULL))
);
CREATE INDEX users_vendor ON users (vendor_id);
CREATE INDEX users_client ON users (client_id);

CREATE TABLE bar_admissions (
    id            {{ID}},
    user_id       BIGINT NOT NULL REFERENCES users (id),
    jurisdiction  TEXT NOT NULL,
    number        TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','inactive','suspended')),
    admitted_on   TEXT NOT NULL DEFAULT '',
    UNIQUE (user_id, jurisdiction)
);

CREATE TABLE matters (
    id                       {{ID}},
    client_id                BIGINT NOT NULL REFERENCES clients (id),
    number                   TEXT NOT NULL UNIQUE,
    title                    TEXT NOT NULL,
    practice_area            TEXT NOT NULL DEFAULT '',
    sensitivity              TEXT NOT NULL CHECK (sensitivity IN ('standard','confidential','highly_confidential')),
    responsible_attorney_id  BIGINT NOT NULL REFERENCES users (id),
    status                   TEXT NOT NULL CHECK (status IN ('open','closed')),
    opened_on                TEXT NOT NULL DEFAULT '',
    created_at               BIGINT NOT NULL
);
CREATE INDEX matters_client ON matters (client_id);

CREATE TABLE matter_jurisdictions (
    matter_id  BIGINT NOT NULL REFERENCES matters (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('court','governing_law','performance')),
    name       TEXT NOT NULL,
    PRIMARY KEY (matter_id, position)
);

CREATE TABLE matter_team (
    matter_id  BIGINT NOT NULL REFERENCES matters (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    role       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (matter_id, user_id)
);
CREATE INDEX matter_team_user ON matter_team (user_id);

CREATE TABLE matter_screens (
    matter_id   BIGINT NOT NULL REFERENCES matters (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    reason      TEXT NOT NULL,
    created_by  BIGINT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (matter_id, user_id)
);
CREATE INDEX matter_screens_user ON matter_screens (user_id);

CREATE TABLE parties (
    id         {{ID}},
    matter_id  BIGINT NOT NULL REFERENCES matters (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('client','adverse','co_party','third_party','witness'))
);
CREATE INDEX parties_matter ON parties (matter_id);

CREATE TABLE party_aliases (
    party_id  BIGINT NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    alias     TEXT NOT NULL,
    PRIMARY KEY (party_id, alias)
);

CREATE TABLE engagements (
    id                        {{ID}},
    matter_id                 BIGINT NOT NULL REFERENCES matters (id),
    vendor_id                 BIGINT NOT NULL REFERENCES vendors (id),
    supervising_attorney_id   BIGINT NOT NULL REFERENCES users (id),
    service                   TEXT NOT NULL,
    description               TEXT NOT NULL DEFAULT '',
    stage                     TEXT NOT NULL CHECK (stage IN ('proposed','communication','briefing','sow','active','paused','closed')),
    billing_mode              TEXT NOT NULL CHECK (billing_mode IN ('fee','disbursement')),
    estimated_cost_minor      BIGINT NOT NULL DEFAULT 0,
    estimated_cost_currency   TEXT NOT NULL,
    inhouse_estimate_minor    BIGINT NOT NULL DEFAULT 0,
    inhouse_estimate_currency TEXT NOT NULL,
    opened_on                 TEXT NOT NULL DEFAULT '',
    closed_on                 TEXT NOT NULL DEFAULT '',
    created_at                BIGINT NOT NULL
);
CREATE INDEX engagements_matter ON engagements (matter_id);
CREATE INDEX engagements_vendor ON engagements (vendor_id);

CREATE TABLE engagement_members (
    engagement_id  BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    user_id        BIGINT NOT NULL REFERENCES users (id),
    role           TEXT NOT NULL,
    PRIMARY KEY (engagement_id, user_id)
);
CREATE INDEX engagement_members_user ON engagement_members (user_id);

CREATE TABLE sessions (
    id_hash       TEXT PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    address       TEXT NOT NULL DEFAULT '',
    user_agent    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE sign_in_attempts (
    id         {{ID}},
    email      TEXT NOT NULL,
    address    TEXT NOT NULL,
    succeeded  BOOLEAN NOT NULL,
    at         BIGINT NOT NULL
);
CREATE INDEX sign_in_attempts_email ON sign_in_attempts (email, at);
CREATE INDEX sign_in_attempts_address ON sign_in_attempts (address, at);
