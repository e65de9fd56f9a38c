package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/probity/probity/internal/domain"
)

// Outsourcing disclosures and client consent (migration 0009).

// orZero decodes unix microseconds, 0 meaning "never".
func orZero(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return fromUS(v)
}

const clientDisclosureCols = `d.id, d.engagement_id, d.version, d.body, d.vendor_id, d.billing_mode, d.drafted_by, d.drafted_at, d.sha256,
	COALESCE(d.issued_by, 0), COALESCE(u.name, ''), d.issued_at`

const clientDisclosureFrom = ` FROM client_disclosures d LEFT JOIN users u ON u.id = d.issued_by`

func scanClientDisclosure(r interface{ Scan(...any) error }) (domain.ClientDisclosure, error) {
	var d domain.ClientDisclosure
	var drafted, issued int64
	err := r.Scan(&d.ID, &d.EngagementID, &d.Version, &d.Body, &d.VendorID, &d.BillingMode, &d.DraftedBy, &drafted, &d.SHA256,
		&d.IssuedBy, &d.IssuedByName, &issued)
	d.DraftedAt, d.IssuedAt = orZero(drafted), orZero(issued)
	return d, err
}

// ClientDisclosures lists an engagement's disclosure versions, newest first.
func (tx *Tx) ClientDisclosures(ctx context.Context, engagementID int64) ([]domain.ClientDisclosure, error) {
	rows, err := tx.query(ctx, `SELECT `+clientDisclosureCols+clientDisclosureFrom+` WHERE d.engagement_id = $1 ORDER BY d.version DESC`, engagementID)
	return collect(rows, err, func(r *sql.Rows) (domain.ClientDisclosure, error) { return scanClientDisclosure(r) })
}

// ClientDisclosure loads one disclosure version of an engagement.
func (tx *Tx) ClientDisclosure(ctx context.Context, engagementID, id int64) (domain.ClientDisclosure, error) {
	d, err := scanClientDisclosure(tx.queryRow(ctx, `SELECT `+clientDisclosureCols+clientDisclosureFrom+` WHERE d.engagement_id = $1 AND d.id = $2`, engagementID, id))
	return d, one(err, "disclosure")
}

// SaveDisclosureDraft stores an engagement's draft: it updates d when d.ID is
// set and it is still a draft, else inserts a new version after the last.
func (tx *Tx) SaveDisclosureDraft(ctx context.Context, d *domain.ClientDisclosure) error {
	if d.ID != 0 {
		r, err := tx.exec(ctx, `UPDATE client_disclosures SET body = $1, vendor_id = $2, billing_mode = $3, drafted_by = $4, drafted_at = $5
			WHERE id = $6 AND issued_at = 0`, d.Body, d.VendorID, string(d.BillingMode), d.DraftedBy, us(d.DraftedAt), d.ID)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return domain.Errorf(domain.EConflict, "the draft was issued meanwhile; reload the page")
		}
		return nil
	}
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM client_disclosures WHERE engagement_id = $1`, d.EngagementID).Scan(&d.Version); err != nil {
		return err
	}
	id, err := tx.insert(ctx, `INSERT INTO client_disclosures (engagement_id, version, body, vendor_id, billing_mode, drafted_by, drafted_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, d.EngagementID, d.Version, d.Body, d.VendorID, string(d.BillingMode), d.DraftedBy, us(d.DraftedAt))
	d.ID = id
	return err
}

// IssueDisclosure freezes a draft with its hash. It fails with EConflict
// when the version is no longer a draft.
func (tx *Tx) IssueDisclosure(ctx context.Context, id int64, sha string, by int64, at time.Time) error {
	r, err := tx.exec(ctx, `UPDATE client_disclosures SET sha256 = $1, issued_by = $2, issued_at = $3 WHERE id = $4 AND issued_at = 0`, sha, by, us(at), id)
	if err != nil {
		return err
	}
	if n, err := r.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return domain.Errorf(domain.EConflict, "the disclosure was issued meanwhile; reload the page")
	}
	return nil
}

const consentCols = `c.id, c.engagement_id, c.disclosure_id, c.disclosure_sha256, d.version, c.state, COALESCE(c.client_user_id, 0), COALESCE(cu.name, ''),
	COALESCE(c.recorded_by, 0), COALESCE(ru.name, ''), c.evidence, c.typed_name, c.address, c.answered_at, c.revoked_at, c.stale_reason, c.updated_at,
	COALESCE(c.evidence_document_id, 0), COALESCE(ed.filename, '')`

const consentFrom = ` FROM client_consents c JOIN client_disclosures d ON d.id = c.disclosure_id
	LEFT JOIN users cu ON cu.id = c.client_user_id LEFT JOIN users ru ON ru.id = c.recorded_by
	LEFT JOIN documents ed ON ed.id = c.evidence_document_id`

func scanConsent(r interface{ Scan(...any) error }) (domain.Consent, error) {
	var c domain.Consent
	var answered, revoked, updated int64
	err := r.Scan(&c.ID, &c.EngagementID, &c.DisclosureID, &c.DisclosureSHA256, &c.Version, &c.State, &c.ClientUserID, &c.ClientName,
		&c.RecordedBy, &c.RecordedByName, &c.Evidence, &c.TypedName, &c.Address, &answered, &revoked, &c.StaleReason, &updated,
		&c.EvidenceDocumentID, &c.EvidenceFilename)
	c.AnsweredAt, c.RevokedAt, c.UpdatedAt = orZero(answered), orZero(revoked), orZero(updated)
	return c, err
}

// CreateConsent records a pending consent for an issued disclosure.
func (tx *Tx) CreateConsent(ctx context.Context, c *domain.Consent) error {
	id, err := tx.insert(ctx, `INSERT INTO client_consents (engagement_id, disclosure_id, disclosure_sha256, state, updated_at)
		VALUES ($1, $2, $3, $4, $5)`, c.EngagementID, c.DisclosureID, c.DisclosureSHA256, string(c.State), us(c.UpdatedAt))
	c.ID = id
	return err
}

// CurrentConsent is the engagement's latest consent (ENotFound when no
// disclosure was ever issued).
func (tx *Tx) CurrentConsent(ctx context.Context, engagementID int64) (domain.Consent, error) {
	c, err := scanConsent(tx.queryRow(ctx, `SELECT `+consentCols+consentFrom+` WHERE c.engagement_id = $1 ORDER BY c.id DESC LIMIT 1`, engagementID))
	return c, one(err, "consent")
}

// Consents lists every consent of an engagement, oldest first.
func (tx *Tx) Consents(ctx context.Context, engagementID int64) ([]domain.Consent, error) {
	rows, err := tx.query(ctx, `SELECT `+consentCols+consentFrom+` WHERE c.engagement_id = $1 ORDER BY c.id`, engagementID)
	return collect(rows, err, func(r *sql.Rows) (domain.Consent, error) { return scanConsent(r) })
}

// AnswerConsent records an answer (given or declined) to a pending consent.
// It reports false when the consent is no longer pending.
func (tx *Tx) AnswerConsent(ctx context.Context, c domain.Consent) (bool, error) {
	r, err := tx.exec(ctx, `UPDATE client_consents SET state = $1, client_user_id = $2, recorded_by = $3, evidence = $4, typed_name = $5, address = $6,
		answered_at = $7, updated_at = $7, evidence_document_id = $9 WHERE id = $8 AND state = 'pending'`,
		string(c.State), nullID(c.ClientUserID), nullID(c.RecordedBy), c.Evidence, c.TypedName, c.Address, us(c.AnsweredAt), c.ID, nullID(c.EvidenceDocumentID))
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n > 0, err
}

// RevokeConsent withdraws a given consent. It reports false when it is no
// longer given.
func (tx *Tx) RevokeConsent(ctx context.Context, id int64, at time.Time) (bool, error) {
	r, err := tx.exec(ctx, `UPDATE client_consents SET state = 'revoked', revoked_at = $1, updated_at = $1 WHERE id = $2 AND state = 'given'`, us(at), id)
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n > 0, err
}

// MarkConsentStale marks a pending or given consent stale, saying why. It
// reports false when it was neither.
func (tx *Tx) MarkConsentStale(ctx context.Context, id int64, reason string, at time.Time) (bool, error) {
	r, err := tx.exec(ctx, `UPDATE client_consents SET state = 'stale', stale_reason = $1, updated_at = $2 WHERE id = $3 AND state IN ('pending','given')`,
		reason, us(at), id)
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n > 0, err
}

// LiveConsentsOfVendor lists the current consents, pending or given, of the
// vendor's engagements that are not closed.
func (tx *Tx) LiveConsentsOfVendor(ctx context.Context, vendorID int64) ([]domain.Consent, error) {
	rows, err := tx.query(ctx, `SELECT `+consentCols+consentFrom+` JOIN engagements e ON e.id = c.engagement_id
		WHERE e.vendor_id = $1 AND e.stage <> 'closed' AND c.state IN ('pending','given')
		AND c.id = (SELECT MAX(c2.id) FROM client_consents c2 WHERE c2.engagement_id = c.engagement_id) ORDER BY c.id`, vendorID)
	return collect(rows, err, func(r *sql.Rows) (domain.Consent, error) { return scanConsent(r) })
}

// DisclosureFacts gathers what a generated disclosure of engagement e on
// matter m says, except the safeguards beyond Assessed and Score (the
// application adds certification and MFA from the assessment's answers).
func (tx *Tx) DisclosureFacts(ctx context.Context, e domain.Engagement, m domain.Matter) (domain.DisclosureFacts, error) {
	var f domain.DisclosureFacts
	firm, err := tx.Firm(ctx)
	if err != nil {
		return f, err
	}
	client, err := tx.Client(ctx, Scope{All: true}, m.ClientID)
	if err != nil {
		return f, err
	}
	v, err := tx.Vendor(ctx, Scope{All: true}, e.VendorID)
	if err != nil {
		return f, err
	}
	p, err := tx.VendorProfile(ctx, e.VendorID)
	if err != nil {
		return f, err
	}
	sup, err := tx.User(ctx, e.SupervisingAttorneyID)
	if err != nil {
		return f, err
	}
	f = domain.DisclosureFacts{FirmName: firm.Name, ClientName: client.Name, MatterNumber: m.Number, MatterTitle: m.Title,
		VendorName: v.Name, VendorCountry: v.Country, PerformanceCountries: p.PerformanceCountries, StorageCountries: p.StorageCountries,
		Subcontractors: p.Subcontractors, Service: e.Service, Description: e.Description, Supervisor: sup.Name,
		BillingMode: e.BillingMode, EstimatedCost: e.EstimatedCost, InHouseEstimate: e.InHouseEstimate}
	as, err := tx.LatestDecidedAssessment(ctx, v.ID)
	switch {
	case err == nil:
		f.Assessed, f.Score = true, as.FinalScore()
	case domain.ErrorCode(err) != domain.ENotFound:
		return f, err
	}
	return f, nil
}
