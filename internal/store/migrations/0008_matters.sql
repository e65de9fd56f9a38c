-- Matters management: case strategy notes, and when a matter was last edited.
--
-- matter_strategy holds the firm's case strategy notes on a matter, one row
-- per matter. It is firm-only: it is read by its own query (never with the
-- matter's columns), and app.Matter loads it for firm users alone, so client
-- contacts and vendor users never receive it in any page or API answer.

CREATE TABLE matter_strategy (
    matter_id   BIGINT PRIMARY KEY REFERENCES matters (id) ON DELETE CASCADE,
    notes       TEXT NOT NULL,
    updated_by  BIGINT NOT NULL REFERENCES users (id),
    updated_at  BIGINT NOT NULL
);

ALTER TABLE matters ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
