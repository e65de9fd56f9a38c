-- Engagement work: deliverables, their versions, the supervising attorney's reviews, releases to the client, destruction certificates and evaluations.
--
-- deliverables: one piece of work product of a work item of the approved
-- statement of work (sow_items, migration 0012). deliverable_versions: each
-- submitted version, with its file (a documents row of kind 'deliverable'),
-- the vendor's note, and the supervising attorney's review: decision
-- pending / approved / changes_requested, the first time the attorney
-- opened it (opened_at), the decision time, the measured review time and
-- the minutes the attorney stated. A version is never replaced: a new one
-- supersedes it (superseded_at). A release (to the client portal, or
-- marked as used in the matter) is only possible on an approved version,
-- which the CHECK makes impossible to bypass.
--
-- engagement_pauses: manual pauses and resumptions with their reasons.
-- final_audits: the final quality audit due when an engagement closes (the
-- audits issue acts on these rows). destruction_certificates: the vendor
-- manager's certificate of return or destruction after close.
-- engagement_evaluations: the attorney's evaluation at close, feeding the
-- vendor scorecard.

CREATE TABLE deliverables (
    id             {{ID}},
    engagement_id  BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    work_item_id   BIGINT NOT NULL REFERENCES sow_items (id),
    title          TEXT NOT NULL,
    created_by     BIGINT NOT NULL REFERENCES users (id),
    created_at     BIGINT NOT NULL
);
CREATE INDEX deliverables_engagement ON deliverables (engagement_id, id);

CREATE TABLE deliverable_versions (
    id              {{ID}},
    deliverable_id  BIGINT NOT NULL REFERENCES deliverables (id) ON DELETE CASCADE,
    engagement_id   BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    version         INTEGER NOT NULL CHECK (version > 0),
    document_id     BIGINT REFERENCES documents (id),
    note            TEXT NOT NULL DEFAULT '',
    submitted_by    BIGINT NOT NULL REFERENCES users (id),
    submitted_at    BIGINT NOT NULL,
    superseded_at   BIGINT NOT NULL DEFAULT 0,
    decision        TEXT NOT NULL DEFAULT 'pending' CHECK (decision IN ('pending','approved','changes_requested')),
    opened_at       BIGINT NOT NULL DEFAULT 0,
    reviewed_by     BIGINT REFERENCES users (id),
    reviewed_at     BIGINT NOT NULL DEFAULT 0,
    review_comment  TEXT NOT NULL DEFAULT '',
    review_seconds  BIGINT NOT NULL DEFAULT 0,
    stated_minutes  INTEGER NOT NULL DEFAULT 0 CHECK (stated_minutes >= 0),
    release_kind    TEXT NOT NULL DEFAULT '' CHECK (release_kind IN ('','client','matter')),
    released_by     BIGINT REFERENCES users (id),
    released_at     BIGINT NOT NULL DEFAULT 0,
    UNIQUE (deliverable_id, version),
    CHECK (released_at = 0 OR decision = 'approved'),
    CHECK (decision = 'pending' OR reviewed_at > 0)
);
CREATE INDEX deliverable_versions_engagement ON deliverable_versions (engagement_id, decision);

CREATE TABLE engagement_pauses (
    id             {{ID}},
    engagement_id  BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    action         TEXT NOT NULL CHECK (action IN ('pause','resume')),
    reason         TEXT NOT NULL,
    by_user        BIGINT NOT NULL REFERENCES users (id),
    at             BIGINT NOT NULL
);
CREATE INDEX engagement_pauses_engagement ON engagement_pauses (engagement_id, id);

CREATE TABLE final_audits (
    id             {{ID}},
    engagement_id  BIGINT NOT NULL UNIQUE REFERENCES engagements (id) ON DELETE CASCADE,
    due_on         TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    completed_at   BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE destruction_certificates (
    id             {{ID}},
    engagement_id  BIGINT NOT NULL UNIQUE REFERENCES engagements (id) ON DELETE CASCADE,
    method         TEXT NOT NULL CHECK (method IN ('returned','destroyed','both')),
    certified_on   TEXT NOT NULL,
    statement      TEXT NOT NULL,
    certified_by   BIGINT NOT NULL REFERENCES users (id),
    created_at     BIGINT NOT NULL
);

CREATE TABLE engagement_evaluations (
    id             {{ID}},
    engagement_id  BIGINT NOT NULL UNIQUE REFERENCES engagements (id) ON DELETE CASCADE,
    vendor_id      BIGINT NOT NULL REFERENCES vendors (id),
    quality        INTEGER NOT NULL CHECK (quality BETWEEN 1 AND 5),
    timeliness     INTEGER NOT NULL CHECK (timeliness BETWEEN 1 AND 5),
    communication  INTEGER NOT NULL CHECK (communication BETWEEN 1 AND 5),
    compliance     INTEGER NOT NULL CHECK (compliance BETWEEN 1 AND 5),
    comments       TEXT NOT NULL DEFAULT '',
    evaluated_by   BIGINT NOT NULL REFERENCES users (id),
    created_at     BIGINT NOT NULL
);
CREATE INDEX engagement_evaluations_vendor ON engagement_evaluations (vendor_id);
