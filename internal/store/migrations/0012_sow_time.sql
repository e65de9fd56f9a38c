-- Engagement work: the statement of work, its work items and change orders, deadlines, time entries and calendar feed tokens.
--
-- sow_versions holds the versions of an engagement's statement of work.
-- Version 1 is the first statement; every later version is a change order
-- (reason says why). A version is a draft while approved_at is 0; at most one
-- draft per engagement (enforced by the use case). revision counts the
-- changes to a draft: an approval records the revision it approved, and a
-- change to the draft clears both approvals. When the firm's approval
-- (supervising attorney or firm administrator) and the vendor manager's are
-- both there, the version is frozen: approved_at/approved_on set and the
-- SHA-256 (hex) of its canonical text recorded. The current statement is the
-- approved version with the highest number.
CREATE TABLE sow_versions (
    id                  {{ID}},
    engagement_id       BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    version             INTEGER NOT NULL CHECK (version > 0),
    reason              TEXT NOT NULL DEFAULT '',
    drafted_by          BIGINT NOT NULL REFERENCES users (id),
    drafted_at          BIGINT NOT NULL,
    revision            INTEGER NOT NULL DEFAULT 1,
    firm_approved_by    BIGINT REFERENCES users (id),
    firm_approved_at    BIGINT NOT NULL DEFAULT 0,
    vendor_approved_by  BIGINT REFERENCES users (id),
    vendor_approved_at  BIGINT NOT NULL DEFAULT 0,
    approved_at         BIGINT NOT NULL DEFAULT 0,
    approved_on         TEXT NOT NULL DEFAULT '',
    sha256              TEXT NOT NULL DEFAULT '',
    UNIQUE (engagement_id, version)
);

-- sow_items are the work items of one version. Quantities are integer tenths
-- (of an hour, or of the unit named in estimate_unit); money is integer
-- minor units with its currency: the price in the vendor's currency, the
-- in-house rate in the firm's. pricing: hourly (price per hour), fixed
-- (price for the item), unit (price per estimate_unit).
CREATE TABLE sow_items (
    id                      {{ID}},
    engagement_id           BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    sow_version_id          BIGINT NOT NULL REFERENCES sow_versions (id) ON DELETE CASCADE,
    position                INTEGER NOT NULL,
    service                 TEXT NOT NULL,
    title                   TEXT NOT NULL,
    description             TEXT NOT NULL DEFAULT '',
    deliverable             TEXT NOT NULL DEFAULT '',
    acceptance              TEXT NOT NULL DEFAULT '',
    due_on                  TEXT NOT NULL DEFAULT '',
    estimate_tenths         BIGINT NOT NULL DEFAULT 0 CHECK (estimate_tenths >= 0),
    estimate_unit           TEXT NOT NULL DEFAULT 'hours',
    baseline_tenths         BIGINT NOT NULL DEFAULT 0 CHECK (baseline_tenths >= 0),
    baseline_rate_minor     BIGINT NOT NULL DEFAULT 0,
    baseline_rate_currency  TEXT NOT NULL,
    pricing                 TEXT NOT NULL CHECK (pricing IN ('hourly','fixed','unit')),
    price_minor             BIGINT NOT NULL DEFAULT 0,
    price_currency          TEXT NOT NULL,
    task_code               TEXT NOT NULL,
    activity_code           TEXT NOT NULL
);
CREATE INDEX sow_items_version ON sow_items (sow_version_id, position);
CREATE INDEX sow_items_engagement ON sow_items (engagement_id);

-- deadlines are an engagement's tasks with a due date (YYYY-MM-DD) and an
-- owner on the engagement; sow_item_id optionally ties one to a work item.
-- done_at 0 means open.
CREATE TABLE deadlines (
    id           {{ID}},
    engagement_id BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    owner_id     BIGINT NOT NULL REFERENCES users (id),
    sow_item_id  BIGINT REFERENCES sow_items (id),
    created_by   BIGINT NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    done_by      BIGINT REFERENCES users (id),
    done_at      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX deadlines_engagement ON deadlines (engagement_id, due_on);

-- time_entries are vendor users' time against a work item of the approved
-- statement of work, in integer tenths of an hour. state: draft, submitted,
-- approved (by the vendor manager; issue 8 invoices these) or returned
-- (with a reason, to be corrected and submitted again).
CREATE TABLE time_entries (
    id             {{ID}},
    engagement_id  BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    sow_item_id    BIGINT NOT NULL REFERENCES sow_items (id),
    user_id        BIGINT NOT NULL REFERENCES users (id),
    worked_on      TEXT NOT NULL,
    tenths         INTEGER NOT NULL CHECK (tenths > 0 AND tenths <= 240),
    task_code      TEXT NOT NULL,
    activity_code  TEXT NOT NULL,
    narrative      TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('draft','submitted','approved','returned')),
    return_reason  TEXT NOT NULL DEFAULT '',
    decided_by     BIGINT REFERENCES users (id),
    decided_at     BIGINT NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX time_entries_person_day ON time_entries (user_id, worked_on);
CREATE INDEX time_entries_engagement ON time_entries (engagement_id, worked_on);

-- calendar_feeds holds each user's secret iCalendar feed token, as its
-- SHA-256 (hex) only; rotating replaces the row.
CREATE TABLE calendar_feeds (
    user_id       BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_sha256  TEXT NOT NULL UNIQUE,
    created_at    BIGINT NOT NULL
);
