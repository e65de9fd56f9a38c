-- Quality audits: audit plans, imported batches of items, audits with their seeded samples and scores, findings and corrective actions.
--
-- audit_plans: one per engagement. Proportions are stored in parts per
-- million (confidence 950000 = 0.95), so both engines store exactly the
-- same integers. criteria is the rubric as JSON (domain.Criterion list).
-- switch_state is moved by completed audits (domain.SwitchAfter).
--
-- audit_batches and audit_population_items: a batch of the vendor's items
-- (documents coded, contracts abstracted, entries drafted) imported from a
-- CSV; position is the 1-based order in the file, the order the seeded draw
-- indexes, so a draw can be reproduced from the seed and the population
-- alone.
--
-- audits: period names what made an audit due and is unique per engagement,
-- so a due audit is created exactly once however many servers run the
-- scheduler. When the sample is drawn, the method, its parameters, the
-- rubric and the seed are frozen on the audit; later plan changes do not
-- change a drawn audit. errors and verdict are recorded at completion.
-- audit_samples: the drawn items in draw order; audit_scores: one score per
-- sampled item; audit_findings: each failed criterion of a scored item.
-- corrective_actions: requests to the vendor raised from an audit (a
-- finding, or the audit as a whole), the vendor's response and the
-- attorney's verification.
CREATE TABLE audit_plans (
    id                  {{ID}},
    engagement_id       BIGINT NOT NULL UNIQUE REFERENCES engagements (id) ON DELETE CASCADE,
    cadence             TEXT NOT NULL CHECK (cadence IN ('weekly','fortnightly','monthly','every_n_deliverables','every_batch')),
    every_n             INTEGER NOT NULL DEFAULT 0 CHECK (every_n >= 0),
    population          TEXT NOT NULL CHECK (population IN ('deliverables','batch_items')),
    method              TEXT NOT NULL CHECK (method IN ('proportion','zero_defect','z14')),
    confidence_ppm      BIGINT NOT NULL CHECK (confidence_ppm > 0 AND confidence_ppm < 1000000),
    margin_ppm          BIGINT NOT NULL DEFAULT 0,
    expected_ppm        BIGINT NOT NULL DEFAULT 0,
    max_error_ppm       BIGINT NOT NULL DEFAULT 0,
    z14_level           TEXT NOT NULL DEFAULT '' CHECK (z14_level IN ('','I','II','III')),
    accept_number       INTEGER NOT NULL DEFAULT 0,
    reject_number       INTEGER NOT NULL DEFAULT 0,
    stratify            BOOLEAN NOT NULL DEFAULT FALSE,
    positive_label      TEXT NOT NULL DEFAULT 'responsive',
    criteria            TEXT NOT NULL,
    auditor_id          BIGINT REFERENCES users (id),
    allow_relax         BOOLEAN NOT NULL DEFAULT FALSE,
    pause_after         INTEGER NOT NULL DEFAULT 0 CHECK (pause_after >= 0),
    switch_state        TEXT NOT NULL DEFAULT 'normal' CHECK (switch_state IN ('normal','tightened','reduced')),
    updated_by          BIGINT NOT NULL REFERENCES users (id),
    updated_at          BIGINT NOT NULL
);

CREATE TABLE audit_batches (
    id             {{ID}},
    engagement_id  BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    items          BIGINT NOT NULL CHECK (items > 0),
    people         INTEGER NOT NULL DEFAULT 0,
    imported_by    BIGINT NOT NULL REFERENCES users (id),
    imported_at    BIGINT NOT NULL,
    UNIQUE (engagement_id, name)
);

CREATE TABLE audit_population_items (
    batch_id   BIGINT NOT NULL REFERENCES audit_batches (id) ON DELETE CASCADE,
    position   BIGINT NOT NULL CHECK (position > 0),
    item_key   TEXT NOT NULL,
    decision   TEXT NOT NULL DEFAULT '',
    person     TEXT NOT NULL DEFAULT '',
    metadata   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (batch_id, position),
    UNIQUE (batch_id, item_key)
);

CREATE TABLE audits (
    id                  {{ID}},
    engagement_id       BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    kind                TEXT NOT NULL CHECK (kind IN ('scheduled','manual','final')),
    period              TEXT NOT NULL,
    due_on              TEXT NOT NULL,
    state               TEXT NOT NULL DEFAULT 'due' CHECK (state IN ('due','scoring','completed')),
    auditor_id          BIGINT REFERENCES users (id),
    batch_id            BIGINT REFERENCES audit_batches (id),
    population_size     BIGINT NOT NULL DEFAULT 0,
    sample_size         INTEGER NOT NULL DEFAULT 0,
    seed                TEXT NOT NULL DEFAULT '',
    method              TEXT NOT NULL DEFAULT '',
    confidence_ppm      BIGINT NOT NULL DEFAULT 0,
    margin_ppm          BIGINT NOT NULL DEFAULT 0,
    expected_ppm        BIGINT NOT NULL DEFAULT 0,
    max_error_ppm       BIGINT NOT NULL DEFAULT 0,
    z14_level           TEXT NOT NULL DEFAULT '',
    accept_number       INTEGER NOT NULL DEFAULT 0,
    reject_number       INTEGER NOT NULL DEFAULT 0,
    switch_state        TEXT NOT NULL DEFAULT 'normal',
    stratified          BOOLEAN NOT NULL DEFAULT FALSE,
    criteria            TEXT NOT NULL DEFAULT '[]',
    errors              INTEGER NOT NULL DEFAULT 0,
    verdict             TEXT NOT NULL DEFAULT '' CHECK (verdict IN ('','pass','fail')),
    notified_at         BIGINT NOT NULL DEFAULT 0,
    started_at          BIGINT NOT NULL DEFAULT 0,
    completed_at        BIGINT NOT NULL DEFAULT 0,
    created_at          BIGINT NOT NULL,
    UNIQUE (engagement_id, period),
    CHECK (state <> 'completed' OR verdict <> '')
);
CREATE INDEX audits_state ON audits (state, due_on);

CREATE TABLE audit_samples (
    id                      {{ID}},
    audit_id                BIGINT NOT NULL REFERENCES audits (id) ON DELETE CASCADE,
    draw                    INTEGER NOT NULL CHECK (draw > 0),
    position                BIGINT NOT NULL CHECK (position > 0),
    item_key                TEXT NOT NULL,
    deliverable_version_id  BIGINT REFERENCES deliverable_versions (id),
    decision                TEXT NOT NULL DEFAULT '',
    person                  TEXT NOT NULL DEFAULT '',
    UNIQUE (audit_id, draw),
    UNIQUE (audit_id, position)
);

CREATE TABLE audit_scores (
    sample_id         BIGINT PRIMARY KEY REFERENCES audit_samples (id) ON DELETE CASCADE,
    audit_id          BIGINT NOT NULL REFERENCES audits (id) ON DELETE CASCADE,
    failed            TEXT NOT NULL DEFAULT '[]',
    correct_decision  TEXT NOT NULL DEFAULT '',
    note              TEXT NOT NULL DEFAULT '',
    scored_by         BIGINT NOT NULL REFERENCES users (id),
    scored_at         BIGINT NOT NULL
);
CREATE INDEX audit_scores_audit ON audit_scores (audit_id);

CREATE TABLE audit_findings (
    id          {{ID}},
    audit_id    BIGINT NOT NULL REFERENCES audits (id) ON DELETE CASCADE,
    sample_id   BIGINT NOT NULL REFERENCES audit_samples (id) ON DELETE CASCADE,
    criterion   TEXT NOT NULL,
    weight      TEXT NOT NULL CHECK (weight IN ('critical','major','minor')),
    note        TEXT NOT NULL DEFAULT '',
    UNIQUE (sample_id, criterion)
);
CREATE INDEX audit_findings_audit ON audit_findings (audit_id);

CREATE TABLE corrective_actions (
    id             {{ID}},
    audit_id       BIGINT NOT NULL REFERENCES audits (id) ON DELETE CASCADE,
    engagement_id  BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    vendor_id      BIGINT NOT NULL REFERENCES vendors (id),
    finding_id     BIGINT REFERENCES audit_findings (id),
    description    TEXT NOT NULL,
    due_on         TEXT NOT NULL,
    state          TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','responded','closed')),
    raised_by      BIGINT NOT NULL REFERENCES users (id),
    raised_at      BIGINT NOT NULL,
    response       TEXT NOT NULL DEFAULT '',
    responded_by   BIGINT REFERENCES users (id),
    responded_at   BIGINT NOT NULL DEFAULT 0,
    verify_note    TEXT NOT NULL DEFAULT '',
    closed_by      BIGINT REFERENCES users (id),
    closed_at      BIGINT NOT NULL DEFAULT 0,
    CHECK (state <> 'closed' OR closed_at > 0)
);
CREATE INDEX corrective_actions_engagement ON corrective_actions (engagement_id, state);
CREATE INDEX corrective_actions_vendor ON corrective_actions (vendor_id, state);
