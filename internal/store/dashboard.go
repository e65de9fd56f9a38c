package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/probity/probity/internal/domain"
)

// Dashboard queries (issue 9): the short lists and small figures of each
// person's first screen. Each list is limited and carries the total of its
// rows (COUNT(*) OVER ()), so a dashboard section says "5 of 37" in one
// query; each reaches its rows through an index on the engagement, the
// supervising attorney, the vendor or the state, never a scan of the large
// tables (time entries, audit events).

// DashFilter narrows a dashboard list: the person's scope, and for the
// attorney's lists the engagements they supervise.
type DashFilter struct {
	Scope      Scope
	AttorneyID int64 // 0: any supervising attorney
	Limit      int   // rows to return (the total counts them all); 0: 10
}

func (f DashFilter) limit() int {
	if f.Limit <= 0 {
		return 10
	}
	return f.Limit
}

// dashArgs binds the scope ($1..$4), the attorney ($5) and the limit ($6).
func (f DashFilter) args(more ...any) []any {
	return append(append(scopeArgs(f.Scope), f.AttorneyID, f.limit()), more...)
}

// narrowed adds to q (at its /*narrow*/ mark) the conditions the scope and
// the attorney already imply, written so an index can find the rows: the
// attorney's engagements, the vendor user's memberships, the client's
// matters. The generic scope condition stays; this only lets the planner
// start from the few rows instead of every engagement.
func (f DashFilter) narrowed(q string, args []any) (string, []any) {
	var cond []string
	add := func(sql string, v any) {
		args = append(args, v)
		cond = append(cond, strings.ReplaceAll(sql, "$?", fmt.Sprintf("$%d", len(args))))
	}
	if f.AttorneyID != 0 {
		add("e.supervising_attorney_id = $?", f.AttorneyID)
	}
	if f.Scope.VendorID != 0 && !f.Scope.All {
		add("e.vendor_id = $?", f.Scope.VendorID)
		add("e.id IN (SELECT nm.engagement_id FROM engagement_members nm WHERE nm.user_id = $?)", f.Scope.UserID)
	}
	if f.Scope.ClientID != 0 && !f.Scope.All {
		add("m.client_id = $?", f.Scope.ClientID)
	}
	extra := ""
	for _, c := range cond {
		extra += " AND " + c
	}
	return strings.Replace(q, "/*narrow*/", extra, 1), args
}

// BlockedEngagement is an engagement held at a gate: its stage says which
// one, and the facts say why (consent, the vendor's approval, a pause).
type BlockedEngagement struct {
	EngagementID    int64
	Stage           domain.Stage
	MatterID        int64
	MatterNumber    string
	VendorID        int64
	VendorName      string
	VendorDiligence string
	ApprovedUntil   domain.Date
	ConsentState    string // the current consent's state, "" when none was asked
	PausedReason    string
	Since           time.Time
}

// BlockedEngagements lists the engagements in scope not yet at work or
// paused, oldest first.
func (tx *Tx) BlockedEngagements(ctx context.Context, f DashFilter) ([]BlockedEngagement, int, error) {
	q, args := f.narrowed(`SELECT e.id, e.stage, m.id, m.number, v.id, v.name, v.diligence, v.approved_until, e.paused_reason, e.created_at,
			COALESCE((SELECT c.state FROM client_consents c WHERE c.engagement_id = e.id ORDER BY c.id DESC LIMIT 1), ''), COUNT(*) OVER ()
		FROM engagements e JOIN matters m ON m.id = e.matter_id JOIN vendors v ON v.id = e.vendor_id
		WHERE e.stage IN ('proposed', 'communication', 'briefing', 'sow', 'paused') AND ($5 = 0 OR e.supervising_attorney_id = $5) AND `+engagementVisible(1)+` /*narrow*/
		ORDER BY e.created_at, e.id LIMIT $6`, f.args())
	rows, err := tx.query(ctx, q, args...)
	var total int
	list, err := collect(rows, err, func(r *sql.Rows) (BlockedEngagement, error) {
		var b BlockedEngagement
		var since int64
		err := r.Scan(&b.EngagementID, &b.Stage, &b.MatterID, &b.MatterNumber, &b.VendorID, &b.VendorName, &b.VendorDiligence, &b.ApprovedUntil,
			&b.PausedReason, &since, &b.ConsentState, &total)
		b.Since = fromUS(since)
		return b, err
	})
	return list, total, err
}

// ConsentItem is an engagement's current consent that is not given.
type ConsentItem struct {
	EngagementID int64
	MatterID     int64
	MatterNumber string
	VendorName   string
	State        string
	StaleReason  string
	Updated      time.Time
}

// OpenConsents lists the current consents in the given states (pending,
// stale) on engagements in scope that are not closed, oldest first.
func (tx *Tx) OpenConsents(ctx context.Context, f DashFilter, states ...string) ([]ConsentItem, int, error) {
	pending, stale := "", ""
	for _, s := range states {
		switch s {
		case "pending":
			pending = s
		case "stale":
			stale = s
		}
	}
	q, args := f.narrowed(`SELECT e.id, m.id, m.number, v.name, c.state, c.stale_reason, c.updated_at, COUNT(*) OVER ()
		FROM engagements e JOIN matters m ON m.id = e.matter_id JOIN vendors v ON v.id = e.vendor_id
			JOIN client_consents c ON c.id = (SELECT MAX(c2.id) FROM client_consents c2 WHERE c2.engagement_id = e.id)
		WHERE e.stage <> 'closed' AND c.state IN ($7, $8) AND ($5 = 0 OR e.supervising_attorney_id = $5) AND `+engagementVisible(1)+` /*narrow*/
		ORDER BY c.updated_at, c.id LIMIT $6`, f.args(pending, stale))
	rows, err := tx.query(ctx, q, args...)
	var total int
	list, err := collect(rows, err, func(r *sql.Rows) (ConsentItem, error) {
		var c ConsentItem
		var at int64
		err := r.Scan(&c.EngagementID, &c.MatterID, &c.MatterNumber, &c.VendorName, &c.State, &c.StaleReason, &at, &total)
		c.Updated = fromUS(at)
		return c, err
	})
	return list, total, err
}

// ExpiringVendor is a vendor whose approval runs out soon.
type ExpiringVendor struct {
	VendorID      int64
	Name          string
	Diligence     string
	ApprovedUntil domain.Date
	Engagements   int // open engagements (the attorney's, when filtered)
}

// ExpiringApprovals lists approved or conditionally approved vendors whose
// approval ends from..to, soonest first; for an attorney only vendors on
// engagements they supervise that are not closed.
func (tx *Tx) ExpiringApprovals(ctx context.Context, attorneyID int64, from, to domain.Date) ([]ExpiringVendor, error) {
	rows, err := tx.query(ctx, `SELECT v.id, v.name, v.diligence, v.approved_until,
			(SELECT COUNT(*) FROM engagements e WHERE e.vendor_id = v.id AND e.stage <> 'closed' AND ($1 = 0 OR e.supervising_attorney_id = $1))
		FROM vendors v WHERE v.diligence IN ('approved', 'conditional') AND v.approved_until >= $2 AND v.approved_until <= $3 AND v.status = 'active'
			AND ($1 = 0 OR EXISTS (SELECT 1 FROM engagements e WHERE e.vendor_id = v.id AND e.stage <> 'closed' AND e.supervising_attorney_id = $1))
		ORDER BY v.approved_until, v.name`, attorneyID, string(from), string(to))
	return collect(rows, err, func(r *sql.Rows) (ExpiringVendor, error) {
		var v ExpiringVendor
		err := r.Scan(&v.VendorID, &v.Name, &v.Diligence, &v.ApprovedUntil, &v.Engagements)
		return v, err
	})
}

// DueDeadline is an open deadline with where it belongs.
type DueDeadline struct {
	ID, EngagementID int64
	Title            string
	DueOn            domain.Date
	OwnerName        string
	MatterNumber     string
	VendorName       string
}

// DueDeadlines lists the deadlines not done, due on or before `to`, on
// engagements in scope not closed, soonest (most overdue) first.
func (tx *Tx) DueDeadlines(ctx context.Context, f DashFilter, to domain.Date) ([]DueDeadline, int, error) {
	q, args := f.narrowed(`SELECT d.id, e.id, d.title, d.due_on, u.name, m.number, v.name, COUNT(*) OVER ()
		FROM engagements e JOIN matters m ON m.id = e.matter_id JOIN vendors v ON v.id = e.vendor_id
			JOIN deadlines d ON d.engagement_id = e.id JOIN users u ON u.id = d.owner_id
		WHERE e.stage <> 'closed' AND d.done_at = 0 AND d.due_on <= $7 AND ($5 = 0 OR e.supervising_attorney_id = $5) AND `+engagementVisible(1)+` /*narrow*/
		ORDER BY d.due_on, d.id LIMIT $6`, f.args(string(to)))
	rows, err := tx.query(ctx, q, args...)
	var total int
	list, err := collect(rows, err, func(r *sql.Rows) (DueDeadline, error) {
		var d DueDeadline
		err := r.Scan(&d.ID, &d.EngagementID, &d.Title, &d.DueOn, &d.OwnerName, &d.MatterNumber, &d.VendorName, &total)
		return d, err
	})
	return list, total, err
}

// VersionItem is a deliverable's current version with where it belongs.
type DashVersion struct {
	ID, EngagementID int64
	Title            string
	Version          int
	MatterNumber     string
	VendorName       string
	At               time.Time // reviewed (changes requested) or released
	Comment          string
}

// ChangesRequested lists current deliverable versions sent back with
// changes requested on engagements in scope not closed, oldest first.
func (tx *Tx) ChangesRequested(ctx context.Context, f DashFilter) ([]DashVersion, int, error) {
	q, args := f.narrowed(`SELECT dv.id, e.id, d.title, dv.version, m.number, v.name, dv.reviewed_at, dv.review_comment, COUNT(*) OVER ()
		FROM engagements e JOIN matters m ON m.id = e.matter_id JOIN vendors v ON v.id = e.vendor_id
			JOIN deliverable_versions dv ON dv.engagement_id = e.id AND dv.decision = 'changes_requested' JOIN deliverables d ON d.id = dv.deliverable_id
		WHERE e.stage <> 'closed' AND dv.superseded_at = 0 AND ($5 = 0 OR e.supervising_attorney_id = $5) AND `+engagementVisible(1)+` /*narrow*/
		ORDER BY dv.reviewed_at, dv.id LIMIT $6`, f.args())
	rows, err := tx.query(ctx, q, args...)
	return dashVersions(rows, err)
}

// ReleasedWork lists deliverable versions released on matters in scope,
// newest first.
func (tx *Tx) ReleasedWork(ctx context.Context, f DashFilter) ([]DashVersion, int, error) {
	q, args := f.narrowed(`SELECT dv.id, e.id, d.title, dv.version, m.number, v.name, dv.released_at, '', COUNT(*) OVER ()
		FROM engagements e JOIN matters m ON m.id = e.matter_id JOIN vendors v ON v.id = e.vendor_id
			JOIN deliverable_versions dv ON dv.engagement_id = e.id AND dv.decision = 'approved' JOIN deliverables d ON d.id = dv.deliverable_id
		WHERE dv.released_at > 0 AND dv.release_kind = 'client' AND ($5 = 0 OR e.supervising_attorney_id = $5) AND `+engagementVisible(1)+` /*narrow*/
		ORDER BY dv.released_at DESC, dv.id DESC LIMIT $6`, f.args())
	rows, err := tx.query(ctx, q, args...)
	return dashVersions(rows, err)
}

func dashVersions(rows *sql.Rows, err error) ([]DashVersion, int, error) {
	var total int
	list, err := collect(rows, err, func(r *sql.Rows) (DashVersion, error) {
		var v DashVersion
		var at int64
		err := r.Scan(&v.ID, &v.EngagementID, &v.Title, &v.Version, &v.MatterNumber, &v.VendorName, &at, &v.Comment, &total)
		v.At = fromUS(at)
		return v, err
	})
	return list, total, err
}

// BriefingDue is a published briefing a vendor team member has not
// acknowledged.
type BriefingDue struct {
	EngagementID int64
	MatterNumber string
	Version      int
	Published    time.Time
}

// BriefingsToAcknowledge lists the current published briefings of
// engagements userID is a member of (and not closed) that userID has not
// acknowledged, oldest first.
func (tx *Tx) BriefingsToAcknowledge(ctx context.Context, userID int64, limit int) ([]BriefingDue, int, error) {
	rows, err := tx.query(ctx, `SELECT e.id, m.number, b.version, b.published_at, COUNT(*) OVER ()
		FROM engagement_members em JOIN engagements e ON e.id = em.engagement_id JOIN matters m ON m.id = e.matter_id
			JOIN briefings b ON b.id = (SELECT b2.id FROM briefings b2 WHERE b2.engagement_id = e.id AND b2.published_at > 0 ORDER BY b2.version DESC LIMIT 1)
		WHERE em.user_id = $1 AND e.stage <> 'closed'
			AND NOT EXISTS (SELECT 1 FROM briefing_acknowledgements a WHERE a.briefing_id = b.id AND a.user_id = $1)
		ORDER BY b.published_at, e.id LIMIT $2`, userID, max(1, limit))
	var total int
	list, err := collect(rows, err, func(r *sql.Rows) (BriefingDue, error) {
		var b BriefingDue
		var at int64
		err := r.Scan(&b.EngagementID, &b.MatterNumber, &b.Version, &at, &total)
		b.Published = fromUS(at)
		return b, err
	})
	return list, total, err
}

// OpenCorrective is a corrective action not yet closed.
type OpenCorrective struct {
	ID, EngagementID int64
	Description      string
	DueOn            domain.Date
	State            string
	MatterNumber     string
	VendorName       string
}

// OpenCorrectiveActions lists the open or responded corrective actions on
// engagements in scope, soonest due first.
func (tx *Tx) OpenCorrectiveActions(ctx context.Context, f DashFilter) ([]OpenCorrective, int, error) {
	q, args := f.narrowed(`SELECT ca.id, e.id, ca.description, ca.due_on, ca.state, m.number, v.name, COUNT(*) OVER ()
		FROM engagements e JOIN matters m ON m.id = e.matter_id JOIN vendors v ON v.id = e.vendor_id
			JOIN corrective_actions ca ON ca.engagement_id = e.id AND ca.state IN ('open', 'responded')
		WHERE ($5 = 0 OR e.supervising_attorney_id = $5) AND `+engagementVisible(1)+` /*narrow*/
		ORDER BY ca.due_on, ca.id LIMIT $6`, f.args())
	rows, err := tx.query(ctx, q, args...)
	var total int
	list, err := collect(rows, err, func(r *sql.Rows) (OpenCorrective, error) {
		var c OpenCorrective
		err := r.Scan(&c.ID, &c.EngagementID, &c.Description, &c.DueOn, &c.State, &c.MatterNumber, &c.VendorName, &total)
		return c, err
	})
	return list, total, err
}
