-- The role dashboards (issue 9): an attorney's first screen lists the
-- engagements they supervise (held at a gate, consents, deadlines, reviews,
-- audits); this index finds them without reading every engagement.
CREATE INDEX engagements_supervisor_stage ON engagements (supervising_attorney_id, stage);
