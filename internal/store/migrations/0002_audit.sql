-- The audit trail: an append-only, hash-chained event log. Each event's hash
-- is SHA-256 over the previous hash and the event's canonical encoding (see
-- internal/auditlog). audit_head holds the last sequence number and hash; every
-- append updates it first, which serialises appenders on PostgreSQL. Engine
-- files of this version seed the head and add triggers that refuse UPDATE and
-- DELETE on audit_events. actor_id has no foreign key: the log outlives users.

CREATE TABLE audit_events (
    seq          BIGINT PRIMARY KEY,
    at           BIGINT NOT NULL,
    actor_id     BIGINT NOT NULL,
    actor_name   TEXT NOT NULL,
    actor_role   TEXT NOT NULL,
    org          TEXT NOT NULL,
    action       TEXT NOT NULL,
    object_type  TEXT NOT NULL,
    object_id    BIGINT NOT NULL,
    matter_id    BIGINT NOT NULL,
    summary      TEXT NOT NULL,
    address      TEXT NOT NULL,
    request_id   TEXT NOT NULL,
    prev_hash    {{BYTES}} NOT NULL,
    hash         {{BYTES}} NOT NULL
);
CREATE INDEX audit_events_matter ON audit_events (matter_id, seq);
CREATE INDEX audit_events_actor ON audit_events (actor_id, seq);
CREATE INDEX audit_events_action ON audit_events (action, seq);
CREATE INDEX audit_events_at ON audit_events (at);

CREATE TABLE audit_head (
    id    BIGINT PRIMARY KEY CHECK (id = 1),
    seq   BIGINT NOT NULL,
    hash  {{BYTES}} NOT NULL
);
