-- Engagement work: the communication plan, kickoff confirmations, responsibility allocation, briefings and acknowledgements.
--
-- communication_plans holds one plan per engagement. channels is a
-- comma-separated set (probity, email, video, phone); escalation is a JSON
-- array of {who, response_hours} in order. Working hours are "HH:MM" in the
-- side's IANA time zone. communication_contacts are the points of contact,
-- each a user on the firm's or the vendor's side.
--
-- kickoffs holds the kickoff meeting of an engagement and each side's
-- confirmation of it (0 and NULL while unconfirmed). A change to the plan or
-- the kickoff before both sides confirmed withdraws the confirmation given.
--
-- responsibilities is the allocation of work: who at the firm supervises
-- which work area, and who at the vendor leads it.
--
-- briefings holds the versions of an engagement's briefing. A version is a
-- draft while published_at is 0 (at most one draft per engagement, kept by
-- the use case); publishing freezes it and records the SHA-256 (hex) of its
-- content. briefing_acknowledgements records a vendor member's
-- acknowledgement of one published version, with the hash they saw.

CREATE TABLE communication_plans (
    engagement_id       BIGINT PRIMARY KEY REFERENCES engagements (id) ON DELETE CASCADE,
    channels            TEXT NOT NULL DEFAULT '',
    cadence             TEXT NOT NULL DEFAULT '' CHECK (cadence IN ('','daily','twice_weekly','weekly','fortnightly','monthly')),
    firm_time_zone      TEXT NOT NULL DEFAULT '',
    firm_hours_start    TEXT NOT NULL DEFAULT '',
    firm_hours_end      TEXT NOT NULL DEFAULT '',
    vendor_time_zone    TEXT NOT NULL DEFAULT '',
    vendor_hours_start  TEXT NOT NULL DEFAULT '',
    vendor_hours_end    TEXT NOT NULL DEFAULT '',
    escalation          TEXT NOT NULL DEFAULT '[]',
    language            TEXT NOT NULL DEFAULT '',
    updated_by          BIGINT REFERENCES users (id),
    updated_at          BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE communication_contacts (
    engagement_id  BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    user_id        BIGINT NOT NULL REFERENCES users (id),
    side           TEXT NOT NULL CHECK (side IN ('firm','vendor')),
    PRIMARY KEY (engagement_id, user_id)
);

CREATE TABLE kickoffs (
    engagement_id        BIGINT PRIMARY KEY REFERENCES engagements (id) ON DELETE CASCADE,
    held_at              BIGINT NOT NULL,
    attendees            TEXT NOT NULL DEFAULT '',
    notes                TEXT NOT NULL DEFAULT '',
    recorded_by          BIGINT NOT NULL REFERENCES users (id),
    recorded_at          BIGINT NOT NULL,
    firm_confirmed_by    BIGINT REFERENCES users (id),
    firm_confirmed_at    BIGINT NOT NULL DEFAULT 0,
    vendor_confirmed_by  BIGINT REFERENCES users (id),
    vendor_confirmed_at  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE responsibilities (
    id                {{ID}},
    engagement_id     BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    work_area         TEXT NOT NULL,
    attorney_id       BIGINT NOT NULL REFERENCES users (id),
    vendor_person_id  BIGINT NOT NULL REFERENCES users (id)
);
CREATE INDEX responsibilities_engagement ON responsibilities (engagement_id, id);

CREATE TABLE briefings (
    id                  {{ID}},
    engagement_id       BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    version             INTEGER NOT NULL CHECK (version > 0),
    jurisdiction_rules  TEXT NOT NULL DEFAULT '',
    local_rules         TEXT NOT NULL DEFAULT '',
    client_guidelines   TEXT NOT NULL DEFAULT '',
    formatting          TEXT NOT NULL DEFAULT '',
    privilege_handling  TEXT NOT NULL DEFAULT '',
    strategy_fit        TEXT NOT NULL DEFAULT '',
    confidentiality     TEXT NOT NULL DEFAULT '',
    drafted_by          BIGINT NOT NULL REFERENCES users (id),
    drafted_at          BIGINT NOT NULL,
    sha256              TEXT NOT NULL DEFAULT '',
    published_by        BIGINT REFERENCES users (id),
    published_at        BIGINT NOT NULL DEFAULT 0,
    UNIQUE (engagement_id, version)
);

CREATE TABLE briefing_acknowledgements (
    briefing_id      BIGINT NOT NULL REFERENCES briefings (id) ON DELETE CASCADE,
    user_id          BIGINT NOT NULL REFERENCES users (id),
    typed_name       TEXT NOT NULL,
    sha256           TEXT NOT NULL,
    acknowledged_at  BIGINT NOT NULL,
    PRIMARY KEY (briefing_id, user_id)
);
CREATE INDEX briefing_acknowledgements_user ON briefing_acknowledgements (user_id);
