-- Opening gates (firm sensitivity rules; paused engagements remember their stage).
--
-- sensitivity_rules holds the firm's own minimum for each sensitivity label;
-- a label without a row uses the default rule (domain.DefaultSensitivityRules).
-- A paused engagement keeps the stage it was paused from, why, and what
-- paused it (paused_cause: 'vendor' when the vendor's approval lapsed or was
-- rejected), so that approving the vendor again returns it exactly there.

CREATE TABLE sensitivity_rules (
    sensitivity                   TEXT PRIMARY KEY CHECK (sensitivity IN ('standard','confidential','highly_confidential')),
    require_certification         BOOLEAN NOT NULL,
    require_mfa                   BOOLEAN NOT NULL,
    no_unapproved_subcontractors  BOOLEAN NOT NULL,
    min_score                     INTEGER NOT NULL CHECK (min_score BETWEEN 0 AND 100),
    updated_at                    BIGINT NOT NULL
);

ALTER TABLE engagements ADD COLUMN paused_from TEXT NOT NULL DEFAULT '' CHECK (paused_from IN ('','communication','briefing','sow','active'));
ALTER TABLE engagements ADD COLUMN paused_cause TEXT NOT NULL DEFAULT '';
ALTER TABLE engagements ADD COLUMN paused_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE engagements ADD COLUMN paused_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX engagements_vendor_stage ON engagements (vendor_id, stage);
