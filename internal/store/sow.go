package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/probity/probity/internal/domain"
)

// The statement of work, its versions and work items (migration 0012).

const sowVersionCols = `s.id, s.engagement_id, s.version, s.reason, s.drafted_by, s.drafted_at, s.revision,
	COALESCE(s.firm_approved_by, 0), COALESCE(fu.name, ''), s.firm_approved_at, COALESCE(s.vendor_approved_by, 0), COALESCE(vu.name, ''), s.vendor_approved_at,
	s.approved_at, s.approved_on, s.sha256`

const sowVersionFrom = ` FROM sow_versions s LEFT JOIN users fu ON fu.id = s.firm_approved_by LEFT JOIN users vu ON vu.id = s.vendor_approved_by`

func scanSOWVersion(r interface{ Scan(...any) error }) (domain.SOWVersion, error) {
	var v domain.SOWVersion
	var drafted, firm, vendor, approved int64
	err := r.Scan(&v.ID, &v.EngagementID, &v.Version, &v.Reason, &v.DraftedBy, &drafted, &v.Revision,
		&v.FirmApprovedBy, &v.FirmApproverName, &firm, &v.VendorApprovedBy, &v.VendorApprover, &vendor, &approved, &v.ApprovedOn, &v.SHA256)
	v.DraftedAt, v.FirmApprovedAt, v.VendorApprovedAt, v.ApprovedAt = orZero(drafted), orZero(firm), orZero(vendor), orZero(approved)
	return v, err
}

const workItemCols = `i.id, i.engagement_id, i.sow_version_id, i.position, i.service, i.title, i.description, i.deliverable, i.acceptance, i.due_on,
	i.estimate_tenths, i.estimate_unit, i.baseline_tenths, i.baseline_rate_minor, i.baseline_rate_currency, i.pricing, i.price_minor, i.price_currency,
	i.task_code, i.activity_code`

func scanWorkItem(r interface{ Scan(...any) error }) (domain.WorkItem, error) {
	var w domain.WorkItem
	err := r.Scan(&w.ID, &w.EngagementID, &w.VersionID, &w.Position, &w.Service, &w.Title, &w.Description, &w.Deliverable, &w.Acceptance, &w.DueOn,
		&w.Estimate, &w.EstimateUnit, &w.BaselineHours, &w.BaselineRate.Minor, &w.BaselineRate.Currency, &w.Pricing, &w.Price.Minor, &w.Price.Currency,
		&w.TaskCode, &w.ActivityCode)
	return w, err
}

// SOWVersions lists an engagement's statement-of-work versions with their
// items, newest first.
func (tx *Tx) SOWVersions(ctx context.Context, engagementID int64) ([]domain.SOWVersion, error) {
	rows, err := tx.query(ctx, `SELECT `+sowVersionCols+sowVersionFrom+` WHERE s.engagement_id = $1 ORDER BY s.version DESC`, engagementID)
	vs, err := collect(rows, err, func(r *sql.Rows) (domain.SOWVersion, error) { return scanSOWVersion(r) })
	if err != nil {
		return nil, err
	}
	for i := range vs {
		if vs[i].Items, err = tx.versionItems(ctx, vs[i].ID); err != nil {
			return nil, err
		}
	}
	return vs, nil
}

// SOWVersion loads one version of an engagement's statement, with its items.
func (tx *Tx) SOWVersion(ctx context.Context, engagementID, id int64) (domain.SOWVersion, error) {
	v, err := scanSOWVersion(tx.queryRow(ctx, `SELECT `+sowVersionCols+sowVersionFrom+` WHERE s.engagement_id = $1 AND s.id = $2`, engagementID, id))
	if err = one(err, "statement of work version"); err != nil {
		return v, err
	}
	v.Items, err = tx.versionItems(ctx, v.ID)
	return v, err
}

// CurrentSOW is the engagement's approved version with the highest number
// (ENotFound when none is approved yet).
func (tx *Tx) CurrentSOW(ctx context.Context, engagementID int64) (domain.SOWVersion, error) {
	v, err := scanSOWVersion(tx.queryRow(ctx, `SELECT `+sowVersionCols+sowVersionFrom+` WHERE s.engagement_id = $1 AND s.approved_at <> 0
		ORDER BY s.version DESC LIMIT 1`, engagementID))
	if err = one(err, "approved statement of work"); err != nil {
		return v, err
	}
	v.Items, err = tx.versionItems(ctx, v.ID)
	return v, err
}

// FirstSOWApproval is the day the engagement's first statement of work was
// approved ("" when none is).
func (tx *Tx) FirstSOWApproval(ctx context.Context, engagementID int64) (domain.Date, error) {
	var d string
	err := tx.queryRow(ctx, `SELECT COALESCE(MIN(approved_on), '') FROM sow_versions WHERE engagement_id = $1 AND approved_at <> 0`, engagementID).Scan(&d)
	return domain.Date(d), err
}

// DraftSOW is the engagement's version being agreed (ENotFound when none).
func (tx *Tx) DraftSOW(ctx context.Context, engagementID int64) (domain.SOWVersion, error) {
	v, err := scanSOWVersion(tx.queryRow(ctx, `SELECT `+sowVersionCols+sowVersionFrom+` WHERE s.engagement_id = $1 AND s.approved_at = 0
		ORDER BY s.version DESC LIMIT 1`, engagementID))
	if err = one(err, "draft statement of work"); err != nil {
		return v, err
	}
	v.Items, err = tx.versionItems(ctx, v.ID)
	return v, err
}

func (tx *Tx) versionItems(ctx context.Context, versionID int64) ([]domain.WorkItem, error) {
	rows, err := tx.query(ctx, `SELECT `+workItemCols+` FROM sow_items i WHERE i.sow_version_id = $1 ORDER BY i.position, i.id`, versionID)
	return collect(rows, err, func(r *sql.Rows) (domain.WorkItem, error) { return scanWorkItem(r) })
}

// WorkItems lists the work items of the engagement's current approved
// statement of work (none before the first approval).
func (tx *Tx) WorkItems(ctx context.Context, engagementID int64) ([]domain.WorkItem, error) {
	rows, err := tx.query(ctx, `SELECT `+workItemCols+` FROM sow_items i WHERE i.sow_version_id = (
		SELECT s.id FROM sow_versions s WHERE s.engagement_id = $1 AND s.approved_at <> 0 ORDER BY s.version DESC LIMIT 1)
		ORDER BY i.position, i.id`, engagementID)
	return collect(rows, err, func(r *sql.Rows) (domain.WorkItem, error) { return scanWorkItem(r) })
}

// WorkItem loads one work item of an engagement, of any version.
func (tx *Tx) WorkItem(ctx context.Context, engagementID, id int64) (domain.WorkItem, error) {
	w, err := scanWorkItem(tx.queryRow(ctx, `SELECT `+workItemCols+` FROM sow_items i WHERE i.engagement_id = $1 AND i.id = $2`, engagementID, id))
	return w, one(err, "work item")
}

// CreateSOWVersion inserts a new draft version after the engagement's last
// one, with copies of items (their IDs are replaced).
func (tx *Tx) CreateSOWVersion(ctx context.Context, v *domain.SOWVersion) error {
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM sow_versions WHERE engagement_id = $1`, v.EngagementID).Scan(&v.Version); err != nil {
		return err
	}
	id, err := tx.insert(ctx, `INSERT INTO sow_versions (engagement_id, version, reason, drafted_by, drafted_at) VALUES ($1, $2, $3, $4, $5)`,
		v.EngagementID, v.Version, v.Reason, v.DraftedBy, us(v.DraftedAt))
	if err != nil {
		return err
	}
	v.ID, v.Revision = id, 1
	for i := range v.Items {
		v.Items[i].VersionID, v.Items[i].EngagementID = id, v.EngagementID
		if err := tx.AddWorkItem(ctx, &v.Items[i]); err != nil {
			return err
		}
	}
	return nil
}

// AddWorkItem appends an item to its version (w.VersionID).
func (tx *Tx) AddWorkItem(ctx context.Context, w *domain.WorkItem) error {
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM sow_items WHERE sow_version_id = $1`, w.VersionID).Scan(&w.Position); err != nil {
		return err
	}
	id, err := tx.insert(ctx, `INSERT INTO sow_items (engagement_id, sow_version_id, position, service, title, description, deliverable, acceptance, due_on,
		estimate_tenths, estimate_unit, baseline_tenths, baseline_rate_minor, baseline_rate_currency, pricing, price_minor, price_currency, task_code, activity_code)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
		w.EngagementID, w.VersionID, w.Position, string(w.Service), w.Title, w.Description, w.Deliverable, w.Acceptance, string(w.DueOn),
		int64(w.Estimate), w.EstimateUnit, int64(w.BaselineHours), w.BaselineRate.Minor, string(w.BaselineRate.Currency), string(w.Pricing),
		w.Price.Minor, string(w.Price.Currency), w.TaskCode, w.ActivityCode)
	w.ID = id
	return err
}

// UpdateWorkItem rewrites an item of a draft version (EConflict when the
// version was approved meanwhile).
func (tx *Tx) UpdateWorkItem(ctx context.Context, w domain.WorkItem) error {
	r, err := tx.exec(ctx, `UPDATE sow_items SET service = $1, title = $2, description = $3, deliverable = $4, acceptance = $5, due_on = $6,
		estimate_tenths = $7, estimate_unit = $8, baseline_tenths = $9, baseline_rate_minor = $10, baseline_rate_currency = $11, pricing = $12,
		price_minor = $13, price_currency = $14, task_code = $15, activity_code = $16
		WHERE id = $17 AND sow_version_id = $18 AND EXISTS (SELECT 1 FROM sow_versions s WHERE s.id = $18 AND s.approved_at = 0)`,
		string(w.Service), w.Title, w.Description, w.Deliverable, w.Acceptance, string(w.DueOn), int64(w.Estimate), w.EstimateUnit, int64(w.BaselineHours),
		w.BaselineRate.Minor, string(w.BaselineRate.Currency), string(w.Pricing), w.Price.Minor, string(w.Price.Currency), w.TaskCode, w.ActivityCode,
		w.ID, w.VersionID)
	return sowChanged(r, err, "the statement of work was approved meanwhile; reload the page")
}

// DeleteWorkItem removes an item from a draft version.
func (tx *Tx) DeleteWorkItem(ctx context.Context, versionID, id int64) error {
	r, err := tx.exec(ctx, `DELETE FROM sow_items WHERE id = $1 AND sow_version_id = $2
		AND EXISTS (SELECT 1 FROM sow_versions s WHERE s.id = $2 AND s.approved_at = 0)`, id, versionID)
	return sowChanged(r, err, "the statement of work was approved meanwhile; reload the page")
}

// ReviseSOWDraft records a change to a draft: the revision advances and any
// approval is withdrawn. It reports whether an approval was withdrawn.
func (tx *Tx) ReviseSOWDraft(ctx context.Context, versionID int64) (withdrawn bool, err error) {
	var firm, vendor int64
	if err := tx.queryRow(ctx, `SELECT firm_approved_at, vendor_approved_at FROM sow_versions WHERE id = $1 AND approved_at = 0`, versionID).Scan(&firm, &vendor); err != nil {
		return false, one(err, "draft statement of work")
	}
	_, err = tx.exec(ctx, `UPDATE sow_versions SET revision = revision + 1, firm_approved_by = NULL, firm_approved_at = 0,
		vendor_approved_by = NULL, vendor_approved_at = 0 WHERE id = $1 AND approved_at = 0`, versionID)
	return firm != 0 || vendor != 0, err
}

// ApproveSOWSide records one side's approval ("firm" or "vendor") of
// revision rev of a draft; EConflict when the draft changed or was approved.
func (tx *Tx) ApproveSOWSide(ctx context.Context, versionID int64, firm bool, rev int, by int64, at time.Time) error {
	q := `UPDATE sow_versions SET vendor_approved_by = $1, vendor_approved_at = $2 WHERE id = $3 AND revision = $4 AND approved_at = 0`
	if firm {
		q = `UPDATE sow_versions SET firm_approved_by = $1, firm_approved_at = $2 WHERE id = $3 AND revision = $4 AND approved_at = 0`
	}
	r, err := tx.exec(ctx, q, by, us(at), versionID, rev)
	return sowChanged(r, err, "the statement of work changed meanwhile; reload it and approve what is there now")
}

// FreezeSOW marks a draft approved by both sides, with its hash.
func (tx *Tx) FreezeSOW(ctx context.Context, versionID int64, sha string, at time.Time, on domain.Date) error {
	r, err := tx.exec(ctx, `UPDATE sow_versions SET approved_at = $1, approved_on = $2, sha256 = $3
		WHERE id = $4 AND approved_at = 0 AND firm_approved_at <> 0 AND vendor_approved_at <> 0`, us(at), string(on), sha, versionID)
	return sowChanged(r, err, "the statement of work changed meanwhile; reload the page")
}

// ActivateEngagement moves an engagement from stage sow to active
// (compare-and-set); it reports false when the engagement was not at sow.
func (tx *Tx) ActivateEngagement(ctx context.Context, id int64) (bool, error) {
	r, err := tx.exec(ctx, `UPDATE engagements SET stage = 'active' WHERE id = $1 AND stage = 'sow'`, id)
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n > 0, err
}

// sowChanged turns "no row changed" into an EConflict with msg.
func sowChanged(r sql.Result, err error, msg string) error {
	if err != nil {
		return err
	}
	n, err := r.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return domain.Errorf(domain.EConflict, "%s", msg)
	}
	return nil
}
