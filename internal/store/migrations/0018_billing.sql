-- Billing (issue 8 parts 2–6): the firm's own time, vendor invoices with
-- their review and line disputes, client invoices and credit notes with the
-- transparency block and policy flags, and budgets. Money is BIGINT minor
-- units beside its currency; quantities are BIGINT hundredths (2.50 hours =
-- 250); days are TEXT YYYY-MM-DD; instants BIGINT microseconds since the
-- epoch, as everywhere.

-- client_invoices comes first: the firm's time and vendor invoices point at
-- the client invoice that bills them.
--
-- client_invoices: an invoice (kind 'invoice') or a credit note (kind
-- 'credit_note', credits_invoice_id naming the sent invoice it corrects) to
-- a client for one matter. number is the firm's (HC-2026-0001, at most 20
-- characters: it is the LEDES INVOICE_NUMBER). state moves draft → approved
-- → sent → paid | written_off; once sent nothing of the invoice or its lines
-- changes. The transparency block (firm currency): vendor_cost, overhead,
-- inhouse, charged over the invoice's outsourced lines. flags is a JSON
-- array of {code, message} policy flags found when the draft was last
-- computed; an invoice with flags is held until override_by (a billing
-- partner) records override_reason.
CREATE TABLE client_invoices (
    id                  {{ID}},
    number              TEXT NOT NULL UNIQUE,
    kind                TEXT NOT NULL CHECK (kind IN ('invoice','credit_note')),
    credits_invoice_id  BIGINT REFERENCES client_invoices (id),
    matter_id           BIGINT NOT NULL REFERENCES matters (id),
    client_id           BIGINT NOT NULL REFERENCES clients (id),
    currency            TEXT NOT NULL CHECK (length(currency) = 3),
    invoice_date        TEXT NOT NULL,
    period_start        TEXT NOT NULL,
    period_end          TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    state               TEXT NOT NULL CHECK (state IN ('draft','approved','sent','paid','written_off')),
    overhead_bp         INTEGER NOT NULL DEFAULT 0,
    markup_bp           INTEGER NOT NULL DEFAULT 0,
    fees_minor          BIGINT NOT NULL DEFAULT 0,
    expenses_minor      BIGINT NOT NULL DEFAULT 0,
    total_minor         BIGINT NOT NULL DEFAULT 0,
    line_count          BIGINT NOT NULL DEFAULT 0,
    vendor_cost_minor   BIGINT NOT NULL DEFAULT 0,
    overhead_minor      BIGINT NOT NULL DEFAULT 0,
    inhouse_minor       BIGINT NOT NULL DEFAULT 0,
    charged_minor       BIGINT NOT NULL DEFAULT 0,
    flags               TEXT NOT NULL DEFAULT '[]',
    override_by         BIGINT REFERENCES users (id),
    override_reason     TEXT NOT NULL DEFAULT '',
    override_at         BIGINT NOT NULL DEFAULT 0,
    created_by          BIGINT NOT NULL REFERENCES users (id),
    created_at          BIGINT NOT NULL,
    approved_by         BIGINT REFERENCES users (id),
    approved_at         BIGINT NOT NULL DEFAULT 0,
    sent_by             BIGINT REFERENCES users (id),
    sent_at             BIGINT NOT NULL DEFAULT 0,
    paid_on             TEXT NOT NULL DEFAULT '',
    closed_by           BIGINT REFERENCES users (id),
    closed_at           BIGINT NOT NULL DEFAULT 0,
    close_reason        TEXT NOT NULL DEFAULT ''
);

CREATE INDEX client_invoices_matter ON client_invoices (matter_id, invoice_date);
CREATE INDEX client_invoices_client ON client_invoices (client_id, invoice_date);

-- client_invoice_lines: one LEDES line item each. position is the
-- LINE_ITEM_NUMBER (1…n). type is F, E, IF or IE. source says where the
-- line comes from: 'firm_time' (firm_time_id), 'outsourced' (the vendor
-- invoice vendor_invoice_id of engagement_id; vendor_cost and inhouse in
-- the firm's currency for the transparency block and savings) or 'credit'
-- (a credit note's line, credited_line_id naming the line it corrects).
-- total = units × unit cost (rounded once, half to even) + adjustment.
CREATE TABLE client_invoice_lines (
    id                 {{ID}},
    invoice_id         BIGINT NOT NULL REFERENCES client_invoices (id) ON DELETE CASCADE,
    position           BIGINT NOT NULL,
    type               TEXT NOT NULL CHECK (type IN ('F','E','IF','IE')),
    source             TEXT NOT NULL CHECK (source IN ('firm_time','outsourced','credit')),
    line_date          TEXT NOT NULL,
    units              BIGINT NOT NULL,
    unit_cost_minor    BIGINT NOT NULL,
    adjustment_minor   BIGINT NOT NULL DEFAULT 0,
    total_minor        BIGINT NOT NULL,
    task_code          TEXT NOT NULL DEFAULT '',
    expense_code       TEXT NOT NULL DEFAULT '',
    activity_code      TEXT NOT NULL DEFAULT '',
    timekeeper_id      TEXT NOT NULL DEFAULT '',
    timekeeper_name    TEXT NOT NULL DEFAULT '',
    classification     TEXT NOT NULL DEFAULT '',
    description        TEXT NOT NULL DEFAULT '',
    firm_time_id       BIGINT,
    engagement_id      BIGINT REFERENCES engagements (id),
    vendor_invoice_id  BIGINT,
    vendor_cost_minor  BIGINT NOT NULL DEFAULT 0,
    inhouse_minor      BIGINT NOT NULL DEFAULT 0,
    credited_line_id   BIGINT REFERENCES client_invoice_lines (id),
    UNIQUE (invoice_id, position)
);

CREATE INDEX client_invoice_lines_engagement ON client_invoice_lines (engagement_id, line_date);
-- Deleting a draft's lines checks every line that might credit them: without
-- this index SQLite scans the table once per deleted line.
CREATE INDEX client_invoice_lines_credited ON client_invoice_lines (credited_line_id);

-- firm_time_entries: a firm timekeeper's own time on a matter, in tenths of
-- an hour. purpose 'matter' is ordinary work; 'supervision' is supervising
-- an engagement's vendor work (engagement_id required); 'rework' is a firm
-- lawyer redoing vendor work (engagement_id required), recorded for the
-- savings figures and never billed. client_invoice_id is the invoice that
-- bills the entry (NULL while unbilled; a draft's entries return when the
-- draft is discarded).
CREATE TABLE firm_time_entries (
    id                 {{ID}},
    matter_id          BIGINT NOT NULL REFERENCES matters (id),
    engagement_id      BIGINT REFERENCES engagements (id),
    user_id            BIGINT NOT NULL REFERENCES users (id),
    worked_on          TEXT NOT NULL,
    tenths             INTEGER NOT NULL CHECK (tenths > 0 AND tenths <= 240),
    purpose            TEXT NOT NULL CHECK (purpose IN ('matter','supervision','rework')),
    task_code          TEXT NOT NULL,
    activity_code      TEXT NOT NULL,
    narrative          TEXT NOT NULL,
    client_invoice_id  BIGINT REFERENCES client_invoices (id),
    created_by         BIGINT NOT NULL REFERENCES users (id),
    created_at         BIGINT NOT NULL
);

CREATE INDEX firm_time_entries_matter ON firm_time_entries (matter_id, worked_on);
CREATE INDEX firm_time_entries_user ON firm_time_entries (user_id, worked_on);
CREATE INDEX firm_time_entries_invoice ON firm_time_entries (client_invoice_id);

-- vendor_invoices: what a vendor bills the firm for one engagement, in the
-- vendor's currency. number is the vendor's own, unique per vendor. state
-- moves submitted → (disputed ↔ submitted) → approved | rejected. total is
-- as submitted; approved_minor is what the firm accepted after disputes.
-- A foreign-currency invoice records, on approval, the exchange rate used
-- (fx_rate: firm currency per unit of the vendor's, a decimal such as
-- "0.0120"; '' when the currencies are the same), the day of that rate
-- (fx_on) and the approved amount in the firm's currency (firm_cost_minor,
-- firm_currency). client_invoice_id is the client invoice that passes the
-- cost on (NULL while unbilled).
CREATE TABLE vendor_invoices (
    id                 {{ID}},
    engagement_id      BIGINT NOT NULL REFERENCES engagements (id),
    vendor_id          BIGINT NOT NULL REFERENCES vendors (id),
    number             TEXT NOT NULL,
    invoice_date       TEXT NOT NULL,
    period_start       TEXT NOT NULL,
    period_end         TEXT NOT NULL,
    currency           TEXT NOT NULL CHECK (length(currency) = 3),
    total_minor        BIGINT NOT NULL,
    approved_minor     BIGINT NOT NULL DEFAULT 0,
    state              TEXT NOT NULL CHECK (state IN ('submitted','disputed','approved','rejected')),
    note               TEXT NOT NULL DEFAULT '',
    fx_rate            TEXT NOT NULL DEFAULT '',
    fx_on              TEXT NOT NULL DEFAULT '',
    firm_cost_minor    BIGINT NOT NULL DEFAULT 0,
    firm_currency      TEXT NOT NULL DEFAULT '',
    client_invoice_id  BIGINT REFERENCES client_invoices (id),
    submitted_by       BIGINT NOT NULL REFERENCES users (id),
    submitted_at       BIGINT NOT NULL,
    decided_by         BIGINT REFERENCES users (id),
    decided_at         BIGINT NOT NULL DEFAULT 0,
    decision_reason    TEXT NOT NULL DEFAULT '',
    UNIQUE (vendor_id, number)
);

CREATE INDEX vendor_invoices_engagement ON vendor_invoices (engagement_id, state);
CREATE INDEX vendor_invoices_client_invoice ON vendor_invoices (client_invoice_id);

-- vendor_invoice_lines: kind hourly (a vendor timekeeper's approved time
-- entry, time_entry_id, with the classification billed), fixed (a work
-- item's fixed fee) or per_unit (units of work, unit). quantity is in
-- hundredths (hours or units); amount = quantity × rate, rounded once.
-- flags is the comma-separated review flags found at submission (see
-- domain.VendorFlagCode). state: open, disputed, accepted, adjusted (the
-- firm accepted approved_minor instead of amount) or removed (the firm
-- does not pay it). inhouse_minor and baseline_hundredths are, in the
-- firm's currency and in hours, what the same work would have cost and
-- taken in-house: the work item's baseline, pro rata. flag_notes holds the
-- flags' explanations, one line each in the order of flags, as computed at
-- submission from the numbers then (they name the numbers).
CREATE TABLE vendor_invoice_lines (
    id                   {{ID}},
    invoice_id           BIGINT NOT NULL REFERENCES vendor_invoices (id) ON DELETE CASCADE,
    position             INTEGER NOT NULL,
    kind                 TEXT NOT NULL CHECK (kind IN ('hourly','fixed','per_unit')),
    time_entry_id        BIGINT REFERENCES time_entries (id),
    work_item_id         BIGINT REFERENCES sow_items (id),
    user_id              BIGINT REFERENCES users (id),
    classification       TEXT NOT NULL DEFAULT '',
    unit                 TEXT NOT NULL DEFAULT '',
    worked_on            TEXT NOT NULL,
    quantity             BIGINT NOT NULL CHECK (quantity > 0),
    rate_minor           BIGINT NOT NULL CHECK (rate_minor >= 0),
    amount_minor         BIGINT NOT NULL,
    task_code            TEXT NOT NULL DEFAULT '',
    activity_code        TEXT NOT NULL DEFAULT '',
    description          TEXT NOT NULL DEFAULT '',
    flags                TEXT NOT NULL DEFAULT '',
    state                TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','disputed','accepted','adjusted','removed')),
    approved_minor       BIGINT NOT NULL DEFAULT 0,
    inhouse_minor        BIGINT NOT NULL DEFAULT 0,
    baseline_hundredths  BIGINT NOT NULL DEFAULT 0,
    flag_notes           TEXT NOT NULL DEFAULT '',
    UNIQUE (invoice_id, position)
);

CREATE INDEX vendor_invoice_lines_entry ON vendor_invoice_lines (time_entry_id);

-- vendor_invoice_messages: the dispute thread of one line. The firm opens
-- it (resolution ''), the vendor answers, and the firm's resolving message
-- carries resolution accept, adjust (amount_minor, in the vendor's
-- currency) or remove.
CREATE TABLE vendor_invoice_messages (
    id            {{ID}},
    line_id       BIGINT NOT NULL REFERENCES vendor_invoice_lines (id) ON DELETE CASCADE,
    author_id     BIGINT NOT NULL REFERENCES users (id),
    body          TEXT NOT NULL,
    resolution    TEXT NOT NULL DEFAULT '' CHECK (resolution IN ('','accept','adjust','remove')),
    amount_minor  BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL
);

CREATE INDEX vendor_invoice_messages_line ON vendor_invoice_messages (line_id, id);

-- budgets: a matter's budget (engagement_id NULL) or an engagement's, in
-- the firm's currency. One per matter and per engagement; changing it
-- updates the row (audited).
CREATE TABLE budgets (
    id             {{ID}},
    matter_id      BIGINT NOT NULL REFERENCES matters (id),
    engagement_id  BIGINT REFERENCES engagements (id),
    amount_minor   BIGINT NOT NULL CHECK (amount_minor > 0),
    currency       TEXT NOT NULL CHECK (length(currency) = 3),
    note           TEXT NOT NULL DEFAULT '',
    set_by         BIGINT NOT NULL REFERENCES users (id),
    set_at         BIGINT NOT NULL
);

CREATE UNIQUE INDEX budgets_key ON budgets (matter_id, (COALESCE(engagement_id, 0)));
