-- Notifications (issue 9): what needs a person, in the app (the bell) and by
-- email according to their preferences.
--
-- notifications: one row per recipient. kind is a domain notification kind
-- (review_requested, changes_requested, ...); subject and body are plain
-- text written for that recipient's role (a vendor's never carries
-- client-only content); link is a site path ("/engagements/7/deliverables").
-- email is what became of the email: 'queued' (sent at once through the
-- outbox), 'digest' (waiting for the daily digest), 'digested' (sent in a
-- digest), 'none' (the person does not want email for it). read_at is 0
-- until the recipient reads it.
CREATE TABLE notifications (
    id             {{ID}},
    user_id        BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    subject        TEXT NOT NULL,
    body           TEXT NOT NULL DEFAULT '',
    link           TEXT NOT NULL DEFAULT '',
    engagement_id  BIGINT REFERENCES engagements (id),
    email          TEXT NOT NULL DEFAULT 'none' CHECK (email IN ('queued','digest','digested','none')),
    created_at     BIGINT NOT NULL,
    read_at        BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at = 0;
CREATE INDEX notifications_digest ON notifications (user_id) WHERE email = 'digest';

-- notification_prefs: a person's email preference. email_mode 'immediate'
-- (each notification by email as it happens), 'digest' (one email a day
-- listing them) or 'off'; muted is a JSON array of kinds never emailed.
-- digest_sent_at is when the last digest went (0: never); the digest job
-- claims a person's digest by moving it (compare-and-set), so of several
-- servers exactly one sends it. A person
-- without a row gets the defaults: immediate, nothing muted.
CREATE TABLE notification_prefs (
    user_id         BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    email_mode      TEXT NOT NULL DEFAULT 'immediate' CHECK (email_mode IN ('immediate','digest','off')),
    muted           TEXT NOT NULL DEFAULT '[]',
    digest_sent_at  BIGINT NOT NULL DEFAULT 0,
    updated_at      BIGINT NOT NULL
);
