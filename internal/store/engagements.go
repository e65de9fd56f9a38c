package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/probity/probity/internal/domain"
)

const engagementCols = `e.id, e.matter_id, e.vendor_id, e.supervising_attorney_id, e.service, e.description, e.stage, e.billing_mode,
	e.estimated_cost_minor, e.estimated_cost_currency, e.inhouse_estimate_minor, e.inhouse_estimate_currency, e.opened_on, e.closed_on, e.created_at,
	e.paused_from, e.paused_reason`

// scanEngagement scans engagementCols followed by any extra columns.
func scanEngagement(r interface{ Scan(...any) error }, extra ...any) (domain.Engagement, error) {
	var e domain.Engagement
	var created int64
	err := r.Scan(append([]any{&e.ID, &e.MatterID, &e.VendorID, &e.SupervisingAttorneyID, &e.Service, &e.Description, &e.Stage, &e.BillingMode,
		&e.EstimatedCost.Minor, &e.EstimatedCost.Currency, &e.InHouseEstimate.Minor, &e.InHouseEstimate.Currency, &e.OpenedOn, &e.ClosedOn, &created,
		&e.PausedFrom, &e.PausedReason}, extra...)...)
	e.CreatedAt = fromUS(created)
	return e, err
}

// CreateEngagement stores an engagement.
func (tx *Tx) CreateEngagement(ctx context.Context, e *domain.Engagement, now time.Time) error {
	id, err := tx.insert(ctx, `INSERT INTO engagements (matter_id, vendor_id, supervising_attorney_id, service, description, stage, billing_mode,
		estimated_cost_minor, estimated_cost_currency, inhouse_estimate_minor, inhouse_estimate_currency, opened_on, closed_on, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		e.MatterID, e.VendorID, e.SupervisingAttorneyID, e.Service, e.Description, e.Stage, e.BillingMode,
		e.EstimatedCost.Minor, e.EstimatedCost.Currency, e.InHouseEstimate.Minor, e.InHouseEstimate.Currency, string(e.OpenedOn), string(e.ClosedOn), us(now))
	e.ID, e.CreatedAt = id, now
	return err
}

// AddEngagementMember assigns a person to an engagement.
func (tx *Tx) AddEngagementMember(ctx context.Context, m domain.EngagementMember) error {
	_, err := tx.exec(ctx, `INSERT INTO engagement_members (engagement_id, user_id, role) VALUES ($1, $2, $3)`, m.EngagementID, m.UserID, m.Role)
	return err
}

// EngagementMembers lists the people assigned to an engagement.
func (tx *Tx) EngagementMembers(ctx context.Context, engagementID int64) ([]domain.EngagementMember, error) {
	rows, err := tx.query(ctx, `SELECT engagement_id, user_id, role FROM engagement_members WHERE engagement_id = $1 ORDER BY user_id`, engagementID)
	return collect(rows, err, func(r *sql.Rows) (m domain.EngagementMember, err error) {
		err = r.Scan(&m.EngagementID, &m.UserID, &m.Role)
		return m, err
	})
}

// Engagement loads an engagement within scope.
func (tx *Tx) Engagement(ctx context.Context, s Scope, id int64) (domain.Engagement, error) {
	e, err := scanEngagement(tx.queryRow(ctx, `SELECT `+engagementCols+` FROM engagements e JOIN matters m ON m.id = e.matter_id
		WHERE `+engagementVisible(1)+` AND e.id = $5`, append(scopeArgs(s), id)...))
	return e, one(err, "engagement")
}

// EngagementFilter narrows ListEngagements.
type EngagementFilter struct {
	MatterID              int64
	VendorID              int64
	SupervisingAttorneyID int64
	Stage                 domain.Stage
	Page
}

// EngagementSummary is an engagement with the names a list shows beside it.
type EngagementSummary struct {
	domain.Engagement
	MatterNumber   string
	MatterTitle    string
	ClientName     string
	VendorName     string
	SupervisorName string
}

// ListEngagements lists engagements within scope.
func (tx *Tx) ListEngagements(ctx context.Context, s Scope, f EngagementFilter) ([]EngagementSummary, error) {
	rows, err := tx.query(ctx, `SELECT `+engagementCols+`, m.number, m.title, c.name, v.name, u.name
		FROM engagements e JOIN matters m ON m.id = e.matter_id JOIN clients c ON c.id = m.client_id
		JOIN vendors v ON v.id = e.vendor_id JOIN users u ON u.id = e.supervising_attorney_id
		WHERE `+engagementVisible(1)+engagementScopeHint(s)+given(f.MatterID, ` AND e.matter_id = $6`)+given(f.SupervisingAttorneyID, ` AND e.supervising_attorney_id = $8`)+`
		AND e.id > $5 AND ($6 = 0 OR e.matter_id = $6) AND ($7 = 0 OR e.vendor_id = $7)
		AND ($8 = 0 OR e.supervising_attorney_id = $8) AND ($9 = '' OR e.stage = $9)
		ORDER BY e.id LIMIT $10`, append(scopeArgs(s), f.AfterID, f.MatterID, f.VendorID, f.SupervisingAttorneyID, string(f.Stage), f.limit())...)
	return collect(rows, err, func(r *sql.Rows) (EngagementSummary, error) {
		var es EngagementSummary
		var err error
		es.Engagement, err = scanEngagement(r, &es.MatterNumber, &es.MatterTitle, &es.ClientName, &es.VendorName, &es.SupervisorName)
		return es, err
	})
}

// Counts is a summary of what a scope holds, for first screens.
type Counts struct {
	Matters          int
	OpenEngagements  int
	Vendors          int
	Clients          int
	EngagementStages map[domain.Stage]int
}

// CountsFor summarises what a scope can see.
func (tx *Tx) CountsFor(ctx context.Context, s Scope) (Counts, error) {
	c := Counts{EngagementStages: map[domain.Stage]int{}}
	args := scopeArgs(s)
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM vendors v WHERE `+vendorVisible, args[:3]...).Scan(&c.Vendors); err != nil {
		return c, err
	}
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM clients c WHERE `+clientVisible, args[:3]...).Scan(&c.Clients); err != nil {
		return c, err
	}
	var err error
	if s.VendorID == 0 && s.ClientID == 0 {
		err = tx.firmCounts(ctx, s, &c)
	} else {
		if err = tx.queryRow(ctx, `SELECT COUNT(*) FROM matters m WHERE `+matterVisible(1)+matterScopeHint(s), args...).Scan(&c.Matters); err != nil {
			return c, err
		}
		err = tx.addStageCounts(ctx, &c, 1, `SELECT e.stage, COUNT(*) FROM engagements e JOIN matters m ON m.id = e.matter_id WHERE `+
			engagementVisible(1)+engagementScopeHint(s)+` GROUP BY e.stage`, args...)
	}
	for st, n := range c.EngagementStages {
		if n == 0 {
			delete(c.EngagementStages, st)
		} else if st != domain.StageClosed {
			c.OpenEngagements += n
		}
	}
	return c, err
}

// firmCounts counts a firm user's matters and engagements as the firm's
// less those of the matters the user is screened from (the firm's scope:
// matterVisible and engagementVisible without a vendor or client), from the
// indexes alone rather than by testing the screen on every row.
func (tx *Tx) firmCounts(ctx context.Context, s Scope, c *Counts) error {
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM matters`).Scan(&c.Matters); err != nil {
		return err
	}
	if err := tx.addStageCounts(ctx, c, 1, `SELECT stage, COUNT(*) FROM engagements GROUP BY stage`); err != nil {
		return err
	}
	if s.All {
		return nil
	}
	var screened int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM matter_screens WHERE user_id = $1`, s.UserID).Scan(&screened); err != nil {
		return err
	}
	c.Matters -= screened
	return tx.addStageCounts(ctx, c, -1, `SELECT e.stage, COUNT(*) FROM matter_screens ms JOIN engagements e ON e.matter_id = ms.matter_id
		WHERE ms.user_id = $1 GROUP BY e.stage`, s.UserID)
}

// addStageCounts adds sign times each (stage, count) row of q to c.
func (tx *Tx) addStageCounts(ctx context.Context, c *Counts, sign int, q string, args ...any) error {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var st domain.Stage
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return err
		}
		c.EngagementStages[st] += sign * n
	}
	return rows.Err()
}

// given is cond when the filter value v is set, else "": a filter's own
// condition beside its catch-all ($n = 0 OR …), which an index can drive.
func given(v int64, cond string) string {
	if v == 0 {
		return ""
	}
	return cond
}
