-- The home page's stage counts (store.CountsFor) count the firm's
-- engagements by stage from this index, less those of the matters the
-- viewer is screened from.
CREATE INDEX engagements_stage ON engagements (stage);
