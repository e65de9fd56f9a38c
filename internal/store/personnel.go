package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/probity/probity/internal/domain"
)

const personnelCols = `p.position, p.education, p.experience_years, p.background_check_on, p.nda_signed_on, p.nda_expires_on,
	p.confidentiality_completed_on, p.confidentiality_expires_on, p.ethics_completed_on, p.ethics_expires_on, p.updated_at`

func personnelDest(p *domain.Personnel, updated *int64) []any {
	return []any{&p.Position, &p.Education, &p.ExperienceYears, &p.BackgroundCheck, &p.NDASigned, &p.NDAExpires,
		&p.ConfidentialityDone, &p.ConfidentialityExpires, &p.EthicsDone, &p.EthicsExpires, updated}
}

// Personnel loads a person's record with their bar admissions; not found
// when none has been recorded.
func (tx *Tx) Personnel(ctx context.Context, userID int64) (domain.Personnel, error) {
	p := domain.Personnel{UserID: userID}
	var updated int64
	if err := tx.queryRow(ctx, `SELECT `+personnelCols+` FROM personnel p WHERE p.user_id = $1`, userID).Scan(personnelDest(&p, &updated)...); err != nil {
		return p, one(err, "personnel record")
	}
	p.UpdatedAt = fromUS(updated)
	var err error
	p.BarAdmissions, err = tx.VerifiedBarAdmissions(ctx, userID)
	return p, err
}

// SavePersonnel creates or replaces a person's record (bar admissions apart).
func (tx *Tx) SavePersonnel(ctx context.Context, p domain.Personnel, by int64, now time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO personnel (user_id, position, education, experience_years, background_check_on, nda_signed_on, nda_expires_on,
			confidentiality_completed_on, confidentiality_expires_on, ethics_completed_on, ethics_expires_on, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (user_id) DO UPDATE SET position = excluded.position, education = excluded.education, experience_years = excluded.experience_years,
			background_check_on = excluded.background_check_on, nda_signed_on = excluded.nda_signed_on, nda_expires_on = excluded.nda_expires_on,
			confidentiality_completed_on = excluded.confidentiality_completed_on, confidentiality_expires_on = excluded.confidentiality_expires_on,
			ethics_completed_on = excluded.ethics_completed_on, ethics_expires_on = excluded.ethics_expires_on,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		p.UserID, p.Position, p.Education, p.ExperienceYears, string(p.BackgroundCheck), string(p.NDASigned), string(p.NDAExpires),
		string(p.ConfidentialityDone), string(p.ConfidentialityExpires), string(p.EthicsDone), string(p.EthicsExpires), nullID(by), us(now))
	return err
}

// PersonnelEntry is a vendor user with their personnel record (Recorded is
// false when none exists yet).
type PersonnelEntry struct {
	User      domain.User
	Personnel domain.Personnel
	Recorded  bool
}

// VendorPersonnel lists a vendor's users with their personnel records, by name.
func (tx *Tx) VendorPersonnel(ctx context.Context, vendorID int64) ([]PersonnelEntry, error) {
	rows, err := tx.query(ctx, `SELECT u.id, u.email, u.name, u.role, COALESCE(u.vendor_id, 0), COALESCE(u.client_id, 0), u.title, u.time_zone, u.locale, u.disabled, u.created_at,
			CASE WHEN p.user_id IS NULL THEN 0 ELSE 1 END,
			COALESCE(p.position, ''), COALESCE(p.education, ''), COALESCE(p.experience_years, 0), COALESCE(p.background_check_on, ''), COALESCE(p.nda_signed_on, ''), COALESCE(p.nda_expires_on, ''),
			COALESCE(p.confidentiality_completed_on, ''), COALESCE(p.confidentiality_expires_on, ''), COALESCE(p.ethics_completed_on, ''), COALESCE(p.ethics_expires_on, ''), COALESCE(p.updated_at, 0)
		FROM users u LEFT JOIN personnel p ON p.user_id = u.id
		WHERE u.vendor_id = $1 ORDER BY u.name, u.id`, vendorID)
	return collect(rows, err, func(r *sql.Rows) (PersonnelEntry, error) {
		var e PersonnelEntry
		var recorded int
		var updated int64
		u, err := scanUser(r, append([]any{&recorded}, personnelDest(&e.Personnel, &updated)...)...)
		e.User, e.Recorded = u, recorded == 1
		e.Personnel.UserID = u.ID
		if updated != 0 {
			e.Personnel.UpdatedAt = fromUS(updated)
		}
		return e, err
	})
}

// VerifiedBarAdmissions lists a user's bar admissions with the firm's verification.
func (tx *Tx) VerifiedBarAdmissions(ctx context.Context, userID int64) ([]domain.BarAdmission, error) {
	rows, err := tx.query(ctx, `SELECT id, user_id, jurisdiction, number, status, admitted_on, verified_on, COALESCE(verified_by, 0)
		FROM bar_admissions WHERE user_id = $1 ORDER BY jurisdiction`, userID)
	return collect(rows, err, func(r *sql.Rows) (b domain.BarAdmission, err error) {
		err = r.Scan(&b.ID, &b.UserID, &b.Jurisdiction, &b.Number, &b.Status, &b.AdmittedOn, &b.VerifiedOn, &b.VerifiedBy)
		return b, err
	})
}

// SyncBarAdmissions makes a user's bar admissions exactly list, matched by
// jurisdiction (case-insensitively): rows with an id are updated, verification
// included, others inserted, and admissions no longer listed removed.
func (tx *Tx) SyncBarAdmissions(ctx context.Context, userID int64, list []domain.BarAdmission) error {
	old, err := tx.VerifiedBarAdmissions(ctx, userID)
	if err != nil {
		return err
	}
	keep := map[int64]bool{}
	for _, b := range list {
		keep[b.ID] = true
	}
	for _, o := range old {
		if !keep[o.ID] {
			if _, err := tx.exec(ctx, `DELETE FROM bar_admissions WHERE id = $1`, o.ID); err != nil {
				return err
			}
		}
	}
	for _, b := range list {
		if b.ID != 0 {
			r, err := tx.exec(ctx, `UPDATE bar_admissions SET jurisdiction = $1, number = $2, status = $3, admitted_on = $4, verified_on = $5, verified_by = $6 WHERE id = $7 AND user_id = $8`,
				b.Jurisdiction, b.Number, b.Status, string(b.AdmittedOn), string(b.VerifiedOn), nullID(b.VerifiedBy), b.ID, userID)
			if err := affected(r, err, "bar admission"); err != nil {
				return err
			}
			continue
		}
		if _, err := tx.insert(ctx, `INSERT INTO bar_admissions (user_id, jurisdiction, number, status, admitted_on, verified_on, verified_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			userID, b.Jurisdiction, b.Number, b.Status, string(b.AdmittedOn), string(b.VerifiedOn), nullID(b.VerifiedBy)); err != nil {
			return err
		}
	}
	return nil
}

// VerifyBarAdmission records the firm's check of one admission, found by
// jurisdiction (case-insensitively).
func (tx *Tx) VerifyBarAdmission(ctx context.Context, userID int64, jurisdiction string, on domain.Date, by int64) (domain.BarAdmission, error) {
	list, err := tx.VerifiedBarAdmissions(ctx, userID)
	if err != nil {
		return domain.BarAdmission{}, err
	}
	for _, b := range list {
		if strings.EqualFold(b.Jurisdiction, strings.TrimSpace(jurisdiction)) {
			r, err := tx.exec(ctx, `UPDATE bar_admissions SET verified_on = $1, verified_by = $2 WHERE id = $3`, string(on), nullID(by), b.ID)
			b.VerifiedOn, b.VerifiedBy = on, by
			return b, affected(r, err, "bar admission")
		}
	}
	return domain.BarAdmission{}, domain.NotFound("bar admission")
}
