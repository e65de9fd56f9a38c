-- Security assessments (questionnaire templates, answers, evidence documents, findings, decisions, remediation).
--
-- documents is the generic record of an encrypted file in the blob store
-- (internal/blob): its sniffed type, size and SHA-256, where it is stored,
-- and its data key wrapped by the firm's key-encryption key (kek_id names
-- which). The file itself holds only ciphertext. Evidence files use it now;
-- matter documents will too.

CREATE TABLE documents (
    id            {{ID}},
    kind          TEXT NOT NULL,
    filename      TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          BIGINT NOT NULL CHECK (size >= 0),
    sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
    storage_key   TEXT NOT NULL UNIQUE,
    wrapped_key   {{BYTES}} NOT NULL,
    kek_id        TEXT NOT NULL,
    uploaded_by   BIGINT NOT NULL REFERENCES users (id),
    created_at    BIGINT NOT NULL
);

-- A questionnaire version: drafts are edited by firm administrators, a
-- published version is frozen and assessments pin it.
CREATE TABLE questionnaires (
    id            {{ID}},
    name          TEXT NOT NULL,
    version       INTEGER NOT NULL UNIQUE,
    status        TEXT NOT NULL CHECK (status IN ('draft','published')),
    based_on      BIGINT REFERENCES questionnaires (id),
    builtin       BOOLEAN NOT NULL DEFAULT FALSE,
    created_by    BIGINT REFERENCES users (id),
    created_at    BIGINT NOT NULL,
    published_at  BIGINT NOT NULL DEFAULT 0
);

-- options: a choice's options joined by '|'; pass_rule as domain.PassRule
-- encodes it ("yes", "max:72", "within_months:12", "in:A|B", "given", "").
CREATE TABLE questionnaire_controls (
    questionnaire_id  BIGINT NOT NULL REFERENCES questionnaires (id) ON DELETE CASCADE,
    position          INTEGER NOT NULL,
    control_key       TEXT NOT NULL,
    area              TEXT NOT NULL,
    question          TEXT NOT NULL,
    answer_type       TEXT NOT NULL CHECK (answer_type IN ('yes_no','number','choice','text','date')),
    options           TEXT NOT NULL DEFAULT '',
    weight            INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 10),
    critical          BOOLEAN NOT NULL DEFAULT FALSE,
    pass_rule         TEXT NOT NULL DEFAULT '',
    evidence          TEXT NOT NULL DEFAULT '' CHECK (evidence IN ('','soc2_type2','iso27001','other')),
    PRIMARY KEY (questionnaire_id, control_key)
);

-- One assessment of a vendor. At most one is open (not decided) per vendor.
CREATE TABLE assessments (
    id                {{ID}},
    vendor_id         BIGINT NOT NULL REFERENCES vendors (id),
    questionnaire_id  BIGINT NOT NULL REFERENCES questionnaires (id),
    status            TEXT NOT NULL CHECK (status IN ('in_progress','submitted','decided')),
    started_by        BIGINT NOT NULL REFERENCES users (id),
    started_at        BIGINT NOT NULL,
    submitted_by      BIGINT REFERENCES users (id),
    submitted_at      BIGINT NOT NULL DEFAULT 0,
    auto_score        INTEGER NOT NULL DEFAULT 0,
    overridden        BOOLEAN NOT NULL DEFAULT FALSE,
    override_score    INTEGER NOT NULL DEFAULT 0 CHECK (override_score BETWEEN 0 AND 100),
    override_reason   TEXT NOT NULL DEFAULT '',
    decision          TEXT NOT NULL DEFAULT '' CHECK (decision IN ('','approved','conditional','rejected')),
    decision_note     TEXT NOT NULL DEFAULT '',
    decided_by        BIGINT REFERENCES users (id),
    decided_at        BIGINT NOT NULL DEFAULT 0,
    approved_until    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX assessments_vendor ON assessments (vendor_id, id);
CREATE UNIQUE INDEX assessments_open ON assessments (vendor_id) WHERE status <> 'decided';

CREATE TABLE assessment_answers (
    assessment_id  BIGINT NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    control_key    TEXT NOT NULL,
    value          TEXT NOT NULL,
    comment        TEXT NOT NULL DEFAULT '',
    answered_by    BIGINT NOT NULL REFERENCES users (id),
    answered_at    BIGINT NOT NULL,
    PRIMARY KEY (assessment_id, control_key)
);

CREATE TABLE assessment_evidence (
    id             {{ID}},
    assessment_id  BIGINT NOT NULL REFERENCES assessments (id),
    control_key    TEXT NOT NULL,
    document_id    BIGINT NOT NULL UNIQUE REFERENCES documents (id),
    kind           TEXT NOT NULL CHECK (kind IN ('soc2_type2','iso27001','other')),
    status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','accepted','rejected')),
    review_note    TEXT NOT NULL DEFAULT '',
    reviewed_by    BIGINT REFERENCES users (id),
    reviewed_at    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX assessment_evidence_assessment ON assessment_evidence (assessment_id);

CREATE TABLE assessment_findings (
    id             {{ID}},
    assessment_id  BIGINT NOT NULL REFERENCES assessments (id),
    severity       TEXT NOT NULL CHECK (severity IN ('low','medium','high','critical')),
    control_key    TEXT NOT NULL DEFAULT '',
    text           TEXT NOT NULL,
    created_by     BIGINT NOT NULL REFERENCES users (id),
    created_at     BIGINT NOT NULL
);
CREATE INDEX assessment_findings_assessment ON assessment_findings (assessment_id);

CREATE TABLE remediation_items (
    id             {{ID}},
    assessment_id  BIGINT NOT NULL REFERENCES assessments (id),
    control_key    TEXT NOT NULL DEFAULT '',
    text           TEXT NOT NULL,
    due_on         TEXT NOT NULL,
    done_at        BIGINT NOT NULL DEFAULT 0,
    done_by        BIGINT REFERENCES users (id),
    created_at     BIGINT NOT NULL
);
CREATE INDEX remediation_items_assessment ON remediation_items (assessment_id);

-- Reminders before a vendor's approval lapses: one row per approval period
-- (vendor and approved_until) and threshold, written in the transaction
-- that queues the email, so each goes out once. superseded: a later
-- threshold was already due when this one was reached, so only that one
-- was mailed.
CREATE TABLE approval_reminders (
    vendor_id       BIGINT NOT NULL REFERENCES vendors (id),
    approved_until  TEXT NOT NULL,
    threshold       TEXT NOT NULL CHECK (threshold IN ('60d','30d','7d','lapsed')),
    recipients      INTEGER NOT NULL DEFAULT 0,
    superseded      BOOLEAN NOT NULL DEFAULT FALSE,
    sent_at         BIGINT NOT NULL,
    PRIMARY KEY (vendor_id, approved_until, threshold)
);

-- The built-in questionnaire, version 1, from SIG Lite, SOC 2, ISO/IEC 27001
-- and the ethics opinions' control areas.
INSERT INTO questionnaires (name, version, status, builtin, created_at, published_at)
VALUES ('Vendor security questionnaire', 1, 'published', TRUE, 0, 0);

INSERT INTO questionnaire_controls (questionnaire_id, position, control_key, area, question, answer_type, options, weight, critical, pass_rule, evidence) VALUES
((SELECT id FROM questionnaires WHERE version = 1), 1, 'encryption_at_rest', 'Encryption', 'Is client data encrypted at rest (AES-256 or equivalent) on every system that stores it, backups included?', 'yes_no', '', 5, TRUE, 'yes', ''),
((SELECT id FROM questionnaires WHERE version = 1), 2, 'encryption_in_transit', 'Encryption', 'Is client data encrypted in transit (TLS 1.2 or later) on every network path, internal and external?', 'yes_no', '', 5, TRUE, 'yes', ''),
((SELECT id FROM questionnaires WHERE version = 1), 3, 'client_managed_keys', 'Encryption', 'Can the firm hold or control the encryption keys for its own data (client-managed keys)?', 'yes_no', '', 2, FALSE, 'yes', ''),
((SELECT id FROM questionnaires WHERE version = 1), 4, 'mfa_production', 'Access', 'Is multi-factor authentication required for all access to production systems that hold client data, remote access included?', 'yes_no', '', 5, TRUE, 'yes', ''),
((SELECT id FROM questionnaires WHERE version = 1), 5, 'individual_user_ids', 'Access', 'Does every person have an individual user ID (no shared accounts), under a written password policy?', 'yes_no', '', 3, FALSE, 'yes', ''),
((SELECT id FROM questionnaires WHERE version = 1), 6, 'remote_access', 'Access', 'How is remote access to client data controlled?', 'choice', 'VPN with MFA from managed devices only|VPN with MFA from any device|VPN without MFA|Remote access is not allowed|No particular control', 3, FALSE, 'in:VPN with MFA from managed devices only|VPN with MFA from any device|Remote access is not allowed', ''),
((SELECT id FROM questionnaires WHERE version = 1), 7, 'sso_least_privilege', 'Access', 'Is access granted through single sign-on, on a least-privilege, need-to-know basis, and reviewed at least quarterly?', 'yes_no', '', 3, FALSE, 'yes', ''),
((SELECT id FROM questionnaires WHERE version = 1), 8, 'access_logging', 'Access', 'Is every staff access to client data logged, with the logs kept at least 12 months and reviewed?', 'yes_no', '', 4, TRUE, 'yes', ''),
((SELECT id FROM questionnaires WHERE version = 1), 9, 'access_revocation_hours', 'Access', 'Within how many hours of a person leaving or changing role is their access to client data revoked?', 'number', '', 3, FALSE, 'max:24', ''),
((SELECT id FROM questionnaires WHERE version = 1), 10, 'background_checks', 'People', 'Are background checks done on every employee, contractor and subcontractor staff member before they touch client data?', 'yes_no', '', 4, FALSE, 'yes', ''),
((SELECT id FROM questionnaires WHERE version = 1), 11, 'nda_every_person', 'People', 'Does every person assigned to a matter sign a confidentiality agreement (NDA) before starting?', 'yes_no', '', 4, TRUE, 'yes', ''),
((SELECT id FROM questionnaires WHERE version = 1), 12, 'training', 'People', 'Do all staff complete security and legal-ethics (confidentiality) training at least once a year?', 'yes_no', '', 3, FALSE, 'yes', ''),
((SELECT id FROM questionnaires WHERE version = 1), 13, 'staff_turnover_percent', 'People', 'What was your annual staff turnover last year, as a percentage?', 'number', '', 1, FALSE, 'max:35', ''),
((SELECT id FROM questionnaires WHERE version = 1), 14, 'bar_status_verification', 'People', 'Do you check references and verify bar admission status for every lawyer you assign?', 'yes_no', '', 2, FALSE, 'yes', ''),
((SELECT id FROM questionnaires WHERE version = 1), 15, 'security_policy_owner', 'Governance', 'Is there a written information-security policy with a named owner, reviewed at least yearly?', 'yes_no', '', 3, FALSE, 'yes', ''),
((SELECT id FROM questionnaires WHERE version = 1), 16, 'privacy_risk_assessment', 'Governance', 'When did you last complete a privacy risk assessment?', 'date', '', 2, FALSE, 'within_months:12', ''),
((SELECT id FROM questionnaires WHERE version = 1), 17, 'change_notification', 'Governance', 'Will you tell the firm in advance of material changes: ownership, locations, subcontractors or security controls?', 'yes_no', '', 3, FALSE, 'yes', ''),
((SELECT id FROM questionnaires WHERE version = 1), 18, 'conflicts_process', 'Governance', 'Do you run your own conflicts check for every new matter, covering your other clients and your staff''s affiliations?', 'yes_no', '', 4, TRUE, 'yes', ''),
((SELECT id FROM questionnaires WHERE version = 1), 19, 'subcontractors', 'Third parties and location', 'Do you use subcontractors (fourth parties) for any work on client data?', 'choice', 'No|Yes, each approved by the firm in writing|Yes, without the firm''s approval', 3, FALSE, 'in:No|Yes, each approved by the firm in writing', ''),
((SELECT id FROM questionnaires WHERE version = 1), 20, 'data_locations', 'Third parties and location', 'In which countries is client data stored and processed?', 'text', '', 2, FALSE, 'given', ''),
((SELECT id FROM questionnaires WHERE version = 1), 21, 'opposing_party_data', 'Third parties and location', 'Is personal data of opposing parties and third parties handled lawfully (a legal basis, minimisation, limited retention)?', 'yes_no', '', 2, FALSE, 'yes', ''),
((SELECT id FROM questionnaires WHERE version = 1), 22, 'breach_notification_hours', 'Incidents and continuity', 'Within how many hours of discovering a breach affecting client data will you notify the firm?', 'number', '', 5, TRUE, 'max:72', ''),
((SELECT id FROM questionnaires WHERE version = 1), 23, 'incident_response_plan', 'Incidents and continuity', 'Is there a written incident-response plan, exercised at least once a year?', 'yes_no', '', 3, FALSE, 'yes', ''),
((SELECT id FROM questionnaires WHERE version = 1), 24, 'bcdr_tested', 'Incidents and continuity', 'When was your business-continuity and disaster-recovery plan last tested?', 'date', '', 3, FALSE, 'within_months:12', ''),
((SELECT id FROM questionnaires WHERE version = 1), 25, 'insurance', 'Incidents and continuity', 'Do you hold cyber-liability and errors-and-omissions insurance that covers work for the firm?', 'yes_no', '', 3, FALSE, 'yes', ''),
((SELECT id FROM questionnaires WHERE version = 1), 26, 'certified_destruction', 'Retention and destruction', 'At the end of an engagement, will you return or destroy all client data and give the firm a certificate of destruction?', 'yes_no', '', 4, FALSE, 'yes', ''),
((SELECT id FROM questionnaires WHERE version = 1), 27, 'soc2_type2', 'Assurance', 'Do you hold a SOC 2 Type II report covering the services you provide? Attach the report.', 'yes_no', '', 3, FALSE, 'yes', 'soc2_type2'),
((SELECT id FROM questionnaires WHERE version = 1), 28, 'soc2_period_end', 'Assurance', 'On what date did the period covered by that SOC 2 Type II report end? Note any exceptions in the comment.', 'date', '', 2, FALSE, 'within_months:12', ''),
((SELECT id FROM questionnaires WHERE version = 1), 29, 'iso27001', 'Assurance', 'Do you hold a current ISO/IEC 27001 certificate covering these services? Attach the certificate and statement of applicability.', 'yes_no', '', 3, FALSE, 'yes', 'iso27001'),
((SELECT id FROM questionnaires WHERE version = 1), 30, 'audit_rights', 'Assurance', 'Will you give the firm, its clients and regulators (such as the SRA) rights to audit and to access your premises and records?', 'yes_no', '', 3, FALSE, 'yes', ''),
((SELECT id FROM questionnaires WHERE version = 1), 31, 'exit_plan', 'Assurance', 'Do you have a documented exit plan, and can you show financial stability (for example, audited accounts)?', 'yes_no', '', 2, FALSE, 'yes', '');
