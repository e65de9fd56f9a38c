-- Rates: the firm's timekeepers with their dated rates, and each engagement's vendor rate card.
--
-- timekeepers: a firm user who bills time, with the LEDES timekeeper id
-- (unique; what TIMEKEEPER_ID carries in a LEDES 1998B file) and the LEDES
-- timekeeper classification (PARTNR, ASSOC, ...). One row per user;
-- changing the id or classification updates it (audited).
--
-- timekeeper_rates: a timekeeper's hourly rates, each from its effective
-- day (TEXT YYYY-MM-DD) on until a later one takes over. Rows are never
-- updated or deleted: a new dated rate supersedes the old, so an invoice
-- for past work keeps the rate in force when the work was done. One rate
-- per timekeeper and day. Money is BIGINT minor units beside the currency
-- (the firm's).
--
-- rate_card_lines: an engagement's vendor rate card, in the vendor's
-- currency. kind hourly prices a vendor timekeeper classification; fixed
-- a work item of the approved statement of work (work_item_id, or NULL
-- for the engagement as a whole); per_unit a unit of work (unit, such as
-- "document"). Like timekeeper rates, lines are never changed: a line with
-- the same kind, classification, work item and unit and a later effective
-- day supersedes the earlier one, and the same thing cannot be priced twice
-- from the same day (the unique index).
CREATE TABLE timekeepers (
    user_id         BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    ledes_id        TEXT NOT NULL UNIQUE,
    classification  TEXT NOT NULL,
    updated_by      BIGINT NOT NULL REFERENCES users (id),
    updated_at      BIGINT NOT NULL
);

CREATE TABLE timekeeper_rates (
    id            {{ID}},
    user_id       BIGINT NOT NULL REFERENCES timekeepers (user_id) ON DELETE CASCADE,
    effective_on  TEXT NOT NULL,
    amount_minor  BIGINT NOT NULL CHECK (amount_minor > 0),
    currency      TEXT NOT NULL CHECK (length(currency) = 3),
    set_by        BIGINT NOT NULL REFERENCES users (id),
    set_at        BIGINT NOT NULL,
    UNIQUE (user_id, effective_on)
);

CREATE TABLE rate_card_lines (
    id              {{ID}},
    engagement_id   BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('hourly','fixed','per_unit')),
    classification  TEXT NOT NULL DEFAULT '',
    work_item_id    BIGINT REFERENCES sow_items (id),
    unit            TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    amount_minor    BIGINT NOT NULL CHECK (amount_minor > 0),
    currency        TEXT NOT NULL CHECK (length(currency) = 3),
    effective_on    TEXT NOT NULL,
    set_by          BIGINT NOT NULL REFERENCES users (id),
    set_at          BIGINT NOT NULL
);

CREATE UNIQUE INDEX rate_card_lines_key ON rate_card_lines (engagement_id, kind, classification, (COALESCE(work_item_id, 0)), lower(unit), effective_on);
