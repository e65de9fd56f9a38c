-- Leader leases (issue 10): when several `probity serve` processes share one
-- database, the periodic jobs (approval reminders, the audit schedule,
-- digests, the pause check, mail delivery) run only on the server holding the
-- "jobs" lease. A holder is a random id per serve process; expires_at is unix
-- microseconds. Taking or renewing is one conditional upsert, so at most one
-- holder has an unexpired lease at a time.
CREATE TABLE leases (
	name       TEXT PRIMARY KEY,
	holder     TEXT NOT NULL,
	expires_at BIGINT NOT NULL
);
