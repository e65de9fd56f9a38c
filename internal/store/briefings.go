package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/probity/probity/internal/domain"
)

// Briefing versions and their acknowledgements.

const briefingCols = `b.id, b.engagement_id, b.version, b.jurisdiction_rules, b.local_rules, b.client_guidelines, b.formatting, b.privilege_handling,
	b.strategy_fit, b.confidentiality, b.drafted_by, d.name, b.drafted_at, b.sha256, COALESCE(b.published_by, 0), COALESCE(p.name, ''), b.published_at`

const briefingFrom = ` FROM briefings b JOIN users d ON d.id = b.drafted_by LEFT JOIN users p ON p.id = b.published_by `

func scanBriefing(r interface{ Scan(...any) error }) (domain.Briefing, error) {
	var b domain.Briefing
	var drafted, published int64
	s := &b.Sections
	err := r.Scan(&b.ID, &b.EngagementID, &b.Version, &s.JurisdictionRules, &s.LocalRules, &s.ClientGuidelines, &s.Formatting, &s.PrivilegeHandling,
		&s.StrategyFit, &s.Confidentiality, &b.DraftedBy, &b.DraftedByName, &drafted, &b.SHA256, &b.PublishedBy, &b.PublishedByName, &published)
	b.DraftedAt = fromUS(drafted)
	if published != 0 {
		b.PublishedAt = fromUS(published)
	}
	return b, err
}

// Briefings lists every version of the engagement's briefing, oldest first.
func (tx *Tx) Briefings(ctx context.Context, engagementID int64) ([]domain.Briefing, error) {
	rows, err := tx.query(ctx, `SELECT `+briefingCols+briefingFrom+`WHERE b.engagement_id = $1 ORDER BY b.version`, engagementID)
	return collect(rows, err, func(r *sql.Rows) (domain.Briefing, error) { return scanBriefing(r) })
}

// CurrentBriefing is the latest published version (ENotFound when none).
func (tx *Tx) CurrentBriefing(ctx context.Context, engagementID int64) (domain.Briefing, error) {
	b, err := scanBriefing(tx.queryRow(ctx, `SELECT `+briefingCols+briefingFrom+`WHERE b.engagement_id = $1 AND b.published_at <> 0
		ORDER BY b.version DESC LIMIT 1`, engagementID))
	return b, one(err, "published briefing")
}

// CreateBriefing stores a new draft version.
func (tx *Tx) CreateBriefing(ctx context.Context, b *domain.Briefing) error {
	s := b.Sections
	id, err := tx.insert(ctx, `INSERT INTO briefings (engagement_id, version, jurisdiction_rules, local_rules, client_guidelines, formatting,
		privilege_handling, strategy_fit, confidentiality, drafted_by, drafted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		b.EngagementID, b.Version, s.JurisdictionRules, s.LocalRules, s.ClientGuidelines, s.Formatting, s.PrivilegeHandling, s.StrategyFit, s.Confidentiality,
		b.DraftedBy, us(b.DraftedAt))
	b.ID = id
	return err
}

// UpdateBriefingDraft rewrites a draft's sections (EConflict when it was
// published meanwhile).
func (tx *Tx) UpdateBriefingDraft(ctx context.Context, b domain.Briefing) error {
	s := b.Sections
	r, err := tx.exec(ctx, `UPDATE briefings SET jurisdiction_rules = $1, local_rules = $2, client_guidelines = $3, formatting = $4, privilege_handling = $5,
		strategy_fit = $6, confidentiality = $7, drafted_by = $8, drafted_at = $9 WHERE id = $10 AND published_at = 0`,
		s.JurisdictionRules, s.LocalRules, s.ClientGuidelines, s.Formatting, s.PrivilegeHandling, s.StrategyFit, s.Confidentiality, b.DraftedBy, us(b.DraftedAt), b.ID)
	return affectedOne(r, err, "the briefing was published meanwhile; a new version starts as a draft copy")
}

// PublishBriefing freezes a draft with its hash.
func (tx *Tx) PublishBriefing(ctx context.Context, id int64, sha string, by int64, now time.Time) error {
	r, err := tx.exec(ctx, `UPDATE briefings SET sha256 = $1, published_by = $2, published_at = $3 WHERE id = $4 AND published_at = 0`, sha, by, us(now), id)
	return affectedOne(r, err, "the briefing was published meanwhile; reload it")
}

// affectedOne turns an update that matched no row into EConflict.
func affectedOne(r sql.Result, err error, msg string) error {
	if err != nil {
		return err
	}
	if n, err := r.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return domain.Errorf(domain.EConflict, "%s", msg)
	}
	return nil
}

// AddAcknowledgement records a member's acknowledgement of a version.
func (tx *Tx) AddAcknowledgement(ctx context.Context, a domain.Acknowledgement) error {
	_, err := tx.exec(ctx, `INSERT INTO briefing_acknowledgements (briefing_id, user_id, typed_name, sha256, acknowledged_at) VALUES ($1, $2, $3, $4, $5)`,
		a.BriefingID, a.UserID, a.TypedName, a.SHA256, us(a.AcknowledgedAt))
	return err
}

// Acknowledgements lists every acknowledgement of the engagement's
// briefing versions, by version then time.
func (tx *Tx) Acknowledgements(ctx context.Context, engagementID int64) ([]domain.Acknowledgement, error) {
	rows, err := tx.query(ctx, `SELECT a.briefing_id, b.version, a.user_id, u.name, a.typed_name, a.sha256, a.acknowledged_at
		FROM briefing_acknowledgements a JOIN briefings b ON b.id = a.briefing_id JOIN users u ON u.id = a.user_id
		WHERE b.engagement_id = $1 ORDER BY b.version, a.acknowledged_at, a.user_id`, engagementID)
	return collect(rows, err, func(r *sql.Rows) (a domain.Acknowledgement, err error) {
		var at int64
		err = r.Scan(&a.BriefingID, &a.Version, &a.UserID, &a.UserName, &a.TypedName, &a.SHA256, &at)
		a.AcknowledgedAt = fromUS(at)
		return a, err
	})
}

// Acknowledged reports whether userID acknowledged briefing version briefingID.
func (tx *Tx) Acknowledged(ctx context.Context, briefingID, userID int64) (bool, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM briefing_acknowledgements WHERE briefing_id = $1 AND user_id = $2`, briefingID, userID).Scan(&n)
	return n > 0, err
}
