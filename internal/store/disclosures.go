package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/probity/probity/internal/domain"
)

const disclosureCols = `d.id, d.vendor_id, d.name, d.kind, COALESCE(d.user_id, 0), COALESCE(u.name, ''), d.details, d.created_by, d.created_at, d.removed_at`

const disclosureFrom = ` FROM vendor_disclosures d LEFT JOIN users u ON u.id = d.user_id`

func scanDisclosure(r interface{ Scan(...any) error }) (domain.Disclosure, error) {
	var d domain.Disclosure
	var created, removed int64
	err := r.Scan(&d.ID, &d.VendorID, &d.Name, &d.Kind, &d.UserID, &d.UserName, &d.Details, &d.CreatedBy, &created, &removed)
	d.CreatedAt = fromUS(created)
	if removed != 0 {
		d.RemovedAt = fromUS(removed)
	}
	return d, err
}

// AddDisclosure stores a validated disclosure. A vendor cannot disclose the
// same name twice under one kind while the first stands (EConflict).
func (tx *Tx) AddDisclosure(ctx context.Context, d *domain.Disclosure, now time.Time) error {
	id, err := tx.insert(ctx, `INSERT INTO vendor_disclosures (vendor_id, name, kind, user_id, details, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, d.VendorID, d.Name, d.Kind, nullID(d.UserID), d.Details, d.CreatedBy, us(now))
	if err != nil {
		return err
	}
	d.ID, d.CreatedAt = id, now
	return nil
}

// Disclosure loads one disclosure, standing or removed.
func (tx *Tx) Disclosure(ctx context.Context, id int64) (domain.Disclosure, error) {
	d, err := scanDisclosure(tx.queryRow(ctx, `SELECT `+disclosureCols+disclosureFrom+` WHERE d.id = $1`, id))
	return d, one(err, "disclosure")
}

// Disclosures lists a vendor's standing disclosures by kind and name.
func (tx *Tx) Disclosures(ctx context.Context, vendorID int64) ([]domain.Disclosure, error) {
	rows, err := tx.query(ctx, `SELECT `+disclosureCols+disclosureFrom+` WHERE d.vendor_id = $1 AND d.removed_at = 0
		ORDER BY d.kind, lower(d.name), d.id`, vendorID)
	return collect(rows, err, func(r *sql.Rows) (domain.Disclosure, error) { return scanDisclosure(r) })
}

// RemoveDisclosure marks a standing disclosure removed, with who and why;
// the row stays, since hits name it.
func (tx *Tx) RemoveDisclosure(ctx context.Context, id, by int64, why string, now time.Time) error {
	r, err := tx.exec(ctx, `UPDATE vendor_disclosures SET removed_at = $1, removed_by = $2, removed_why = $3 WHERE id = $4 AND removed_at = 0`,
		us(now), by, why, id)
	return affected(r, err, "disclosure")
}

// OpenEngagementMatters lists the matters where a vendor has an engagement
// that is not closed (proposed ones included).
func (tx *Tx) OpenEngagementMatters(ctx context.Context, vendorID int64) ([]int64, error) {
	rows, err := tx.query(ctx, `SELECT DISTINCT matter_id FROM engagements WHERE vendor_id = $1 AND stage <> 'closed' ORDER BY matter_id`, vendorID)
	return collect(rows, err, func(r *sql.Rows) (id int64, err error) { err = r.Scan(&id); return id, err })
}

// OpenEngagementVendors lists the vendors with an engagement on a matter
// that is not closed (proposed ones included).
func (tx *Tx) OpenEngagementVendors(ctx context.Context, matterID int64) ([]int64, error) {
	rows, err := tx.query(ctx, `SELECT DISTINCT vendor_id FROM engagements WHERE matter_id = $1 AND stage <> 'closed' ORDER BY vendor_id`, matterID)
	return collect(rows, err, func(r *sql.Rows) (id int64, err error) { err = r.Scan(&id); return id, err })
}
