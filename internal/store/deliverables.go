package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/probity/probity/internal/domain"
)

// Deliverables, their versions, reviews and releases (migration 0014).

// CreateDeliverable records a new deliverable of a work item.
func (tx *Tx) CreateDeliverable(ctx context.Context, d *domain.Deliverable) error {
	id, err := tx.insert(ctx, `INSERT INTO deliverables (engagement_id, work_item_id, title, created_by, created_at) VALUES ($1, $2, $3, $4, $5)`,
		d.EngagementID, d.WorkItemID, d.Title, d.CreatedBy, us(d.CreatedAt))
	d.ID = id
	return err
}

func scanDeliverable(r interface{ Scan(...any) error }) (domain.Deliverable, error) {
	var d domain.Deliverable
	var created int64
	err := r.Scan(&d.ID, &d.EngagementID, &d.WorkItemID, &d.Title, &d.CreatedBy, &created)
	d.CreatedAt = fromUS(created)
	return d, err
}

const deliverableCols = `d.id, d.engagement_id, d.work_item_id, d.title, d.created_by, d.created_at`

// Deliverables lists an engagement's deliverables, oldest first, each with
// its versions.
func (tx *Tx) Deliverables(ctx context.Context, engagementID int64) ([]domain.Deliverable, error) {
	rows, err := tx.query(ctx, `SELECT `+deliverableCols+` FROM deliverables d WHERE d.engagement_id = $1 ORDER BY d.id`, engagementID)
	ds, err := collect(rows, err, func(r *sql.Rows) (domain.Deliverable, error) { return scanDeliverable(r) })
	if err != nil || len(ds) == 0 {
		return ds, err
	}
	vs, err := tx.EngagementVersions(ctx, engagementID)
	if err != nil {
		return nil, err
	}
	at := map[int64]int{}
	for i, d := range ds {
		at[d.ID] = i
	}
	for _, v := range vs {
		i := at[v.DeliverableID]
		ds[i].Versions = append(ds[i].Versions, v)
	}
	return ds, nil
}

// Deliverable loads one deliverable of an engagement with its versions.
func (tx *Tx) Deliverable(ctx context.Context, engagementID, id int64) (domain.Deliverable, error) {
	d, err := scanDeliverable(tx.queryRow(ctx, `SELECT `+deliverableCols+` FROM deliverables d WHERE d.engagement_id = $1 AND d.id = $2`, engagementID, id))
	if err = one(err, "deliverable"); err != nil {
		return d, err
	}
	vs, err := tx.EngagementVersions(ctx, engagementID)
	for _, v := range vs {
		if v.DeliverableID == id {
			d.Versions = append(d.Versions, v)
		}
	}
	return d, err
}

const versionCols = `v.id, v.deliverable_id, v.engagement_id, v.version, COALESCE(v.document_id, 0), COALESCE(doc.filename, ''), COALESCE(doc.size, 0),
	v.note, v.submitted_by, su.name, v.submitted_at, v.superseded_at, v.decision, v.opened_at, COALESCE(v.reviewed_by, 0), COALESCE(ru.name, ''),
	v.reviewed_at, v.review_comment, v.review_seconds, v.stated_minutes, v.release_kind, COALESCE(v.released_by, 0), COALESCE(lu.name, ''), v.released_at`

const versionFrom = ` FROM deliverable_versions v JOIN users su ON su.id = v.submitted_by LEFT JOIN documents doc ON doc.id = v.document_id
	LEFT JOIN users ru ON ru.id = v.reviewed_by LEFT JOIN users lu ON lu.id = v.released_by`

func scanVersion(r interface{ Scan(...any) error }) (domain.DeliverableVersion, error) {
	var v domain.DeliverableVersion
	var submitted, superseded, opened, reviewed, released int64
	err := r.Scan(&v.ID, &v.DeliverableID, &v.EngagementID, &v.Version, &v.DocumentID, &v.Filename, &v.Size,
		&v.Note, &v.SubmittedBy, &v.SubmitterName, &submitted, &superseded, &v.Decision, &opened, &v.ReviewedBy, &v.ReviewerName,
		&reviewed, &v.ReviewComment, &v.ReviewSeconds, &v.StatedMinutes, &v.ReleaseKind, &v.ReleasedBy, &v.ReleaserName, &released)
	v.SubmittedAt, v.SupersededAt, v.OpenedAt, v.ReviewedAt, v.ReleasedAt = fromUS(submitted), orZero(superseded), orZero(opened), orZero(reviewed), orZero(released)
	return v, err
}

// EngagementVersions lists every deliverable version of an engagement, by
// deliverable then version.
func (tx *Tx) EngagementVersions(ctx context.Context, engagementID int64) ([]domain.DeliverableVersion, error) {
	rows, err := tx.query(ctx, `SELECT `+versionCols+versionFrom+` WHERE v.engagement_id = $1 ORDER BY v.deliverable_id, v.version`, engagementID)
	return collect(rows, err, func(r *sql.Rows) (domain.DeliverableVersion, error) { return scanVersion(r) })
}

// DeliverableVersion loads one version of an engagement's deliverable.
func (tx *Tx) DeliverableVersion(ctx context.Context, engagementID, id int64) (domain.DeliverableVersion, error) {
	v, err := scanVersion(tx.queryRow(ctx, `SELECT `+versionCols+versionFrom+` WHERE v.engagement_id = $1 AND v.id = $2`, engagementID, id))
	return v, one(err, "deliverable version")
}

// AddDeliverableVersion supersedes the deliverable's current version and
// records v as the next one.
func (tx *Tx) AddDeliverableVersion(ctx context.Context, v *domain.DeliverableVersion) error {
	if _, err := tx.exec(ctx, `UPDATE deliverable_versions SET superseded_at = $1 WHERE deliverable_id = $2 AND superseded_at = 0`,
		us(v.SubmittedAt), v.DeliverableID); err != nil {
		return err
	}
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM deliverable_versions WHERE deliverable_id = $1`, v.DeliverableID).Scan(&v.Version); err != nil {
		return err
	}
	id, err := tx.insert(ctx, `INSERT INTO deliverable_versions (deliverable_id, engagement_id, version, document_id, note, submitted_by, submitted_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, v.DeliverableID, v.EngagementID, v.Version, nullID(v.DocumentID), v.Note, v.SubmittedBy, us(v.SubmittedAt))
	v.ID, v.Decision = id, domain.ReviewPending
	return err
}

// MarkVersionOpened records the reviewer's first opening of a pending version.
func (tx *Tx) MarkVersionOpened(ctx context.Context, id int64, at time.Time) error {
	_, err := tx.exec(ctx, `UPDATE deliverable_versions SET opened_at = $1 WHERE id = $2 AND opened_at = 0 AND decision = 'pending'`, us(at), id)
	return err
}

// ReviewVersion records the decision on a pending, current version. It
// fails with EConflict when the version was reviewed or superseded meanwhile.
func (tx *Tx) ReviewVersion(ctx context.Context, v domain.DeliverableVersion) error {
	r, err := tx.exec(ctx, `UPDATE deliverable_versions SET decision = $1, reviewed_by = $2, reviewed_at = $3, review_comment = $4, review_seconds = $5,
		stated_minutes = $6, opened_at = $7 WHERE id = $8 AND decision = 'pending' AND superseded_at = 0`,
		string(v.Decision), v.ReviewedBy, us(v.ReviewedAt), v.ReviewComment, v.ReviewSeconds, v.StatedMinutes, us(v.OpenedAt), v.ID)
	return changedOne(r, err, "the version was reviewed or superseded meanwhile; reload the page")
}

// ReleaseVersion records the release of an approved, current version. It
// fails with EConflict when it is no longer so.
func (tx *Tx) ReleaseVersion(ctx context.Context, id int64, kind domain.ReleaseKind, by int64, at time.Time) error {
	r, err := tx.exec(ctx, `UPDATE deliverable_versions SET release_kind = $1, released_by = $2, released_at = $3
		WHERE id = $4 AND decision = 'approved' AND superseded_at = 0 AND released_at = 0`, string(kind), by, us(at), id)
	return changedOne(r, err, "the version was superseded or released meanwhile; reload the page")
}

// changedOne turns an UPDATE that changed no row into an EConflict error.
func changedOne(r sql.Result, err error, msg string) error {
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

// PendingReview is a version awaiting review with where it belongs.
type PendingReview struct {
	domain.DeliverableVersion
	Title        string
	WorkItemID   int64
	MatterID     int64
	MatterNumber string
	MatterTitle  string
	VendorName   string
}

// PendingReviews lists the current versions awaiting review on engagements
// supervised by attorneyID (0: every engagement), oldest first.
func (tx *Tx) PendingReviews(ctx context.Context, attorneyID int64) ([]PendingReview, error) {
	rows, err := tx.query(ctx, `SELECT `+versionCols+`, d.title, d.work_item_id, m.id, m.number, m.title, ven.name`+versionFrom+`
		JOIN deliverables d ON d.id = v.deliverable_id JOIN engagements e ON e.id = v.engagement_id JOIN matters m ON m.id = e.matter_id
		JOIN vendors ven ON ven.id = e.vendor_id
		WHERE v.decision = 'pending' AND v.superseded_at = 0 AND e.stage <> 'closed' AND ($1 = 0 OR e.supervising_attorney_id = $1)
		ORDER BY v.submitted_at, v.id`, attorneyID)
	return collect(rows, err, func(r *sql.Rows) (PendingReview, error) {
		var p PendingReview
		var submitted, superseded, opened, reviewed, released int64
		v := &p.DeliverableVersion
		err := r.Scan(&v.ID, &v.DeliverableID, &v.EngagementID, &v.Version, &v.DocumentID, &v.Filename, &v.Size,
			&v.Note, &v.SubmittedBy, &v.SubmitterName, &submitted, &superseded, &v.Decision, &opened, &v.ReviewedBy, &v.ReviewerName,
			&reviewed, &v.ReviewComment, &v.ReviewSeconds, &v.StatedMinutes, &v.ReleaseKind, &v.ReleasedBy, &v.ReleaserName, &released,
			&p.Title, &p.WorkItemID, &p.MatterID, &p.MatterNumber, &p.MatterTitle, &p.VendorName)
		v.SubmittedAt, v.SupersededAt, v.OpenedAt, v.ReviewedAt, v.ReleasedAt = fromUS(submitted), orZero(superseded), orZero(opened), orZero(reviewed), orZero(released)
		return p, err
	})
}

// CountPendingReviews counts an engagement's current versions awaiting review.
func (tx *Tx) CountPendingReviews(ctx context.Context, engagementID int64) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM deliverable_versions WHERE engagement_id = $1 AND decision = 'pending' AND superseded_at = 0`, engagementID).Scan(&n)
	return n, err
}
