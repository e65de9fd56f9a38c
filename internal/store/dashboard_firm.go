package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/probity/probity/internal/domain"
)

// QualityMonth is one month's completed quality audits in scope: how many,
// how many failed, and the errors found in the items sampled.
type QualityMonth struct {
	Month   string // "2026-06", the audit's period's month
	Audits  int
	Failed  int
	Errors  int64
	Sampled int64
}

// QualityByMonth adds up the completed audits on engagements in scope whose
// period falls in the months from..to ("YYYY-MM", inclusive), by month.
func (tx *Tx) QualityByMonth(ctx context.Context, s Scope, from, to string) ([]QualityMonth, error) {
	rows, err := tx.query(ctx, `SELECT substr(a.period, 1, 7), COUNT(*), SUM(CASE WHEN a.verdict = 'fail' THEN 1 ELSE 0 END), SUM(a.errors), SUM(a.sample_size)
		FROM audits a JOIN engagements e ON e.id = a.engagement_id JOIN matters m ON m.id = e.matter_id
		WHERE a.state = 'completed' AND a.period >= $5 AND a.period <= $6 AND `+engagementVisible(1)+`
		GROUP BY substr(a.period, 1, 7) ORDER BY 1`, append(scopeArgs(s), from, to+"~")...)
	return collect(rows, err, func(r *sql.Rows) (QualityMonth, error) {
		var q QualityMonth
		err := r.Scan(&q.Month, &q.Audits, &q.Failed, &q.Errors, &q.Sampled)
		return q, err
	})
}

// VendorStanding is a vendor's quality and cost over a period: audits
// completed, failed, errors in the items sampled, and the approved cost of
// its invoices in the firm's currency.
type VendorStanding struct {
	VendorID  int64
	Name      string
	Diligence string
	Audits    int
	Failed    int
	Errors    int64
	Sampled   int64
	CostMinor int64
}

// VendorStandings adds up, per vendor with engagements, the audits completed
// and the vendor invoices approved whose period starts on or after from
// (invoice cost in firm currency, firm_cost_minor).
func (tx *Tx) VendorStandings(ctx context.Context, from domain.Date) ([]VendorStanding, error) {
	rows, err := tx.query(ctx, `SELECT v.id, v.name, v.diligence, COALESCE(q.n, 0), COALESCE(q.failed, 0), COALESCE(q.errors, 0), COALESCE(q.sampled, 0), COALESCE(c.cost, 0)
		FROM vendors v
		LEFT JOIN (SELECT e.vendor_id AS vid, COUNT(*) AS n, SUM(CASE WHEN a.verdict = 'fail' THEN 1 ELSE 0 END) AS failed, SUM(a.errors) AS errors, SUM(a.sample_size) AS sampled
			FROM audits a JOIN engagements e ON e.id = a.engagement_id WHERE a.state = 'completed' AND a.due_on >= $1 GROUP BY e.vendor_id) q ON q.vid = v.id
		LEFT JOIN (SELECT vendor_id AS vid, SUM(firm_cost_minor) AS cost FROM vendor_invoices WHERE state = 'approved' AND period_start >= $1 GROUP BY vendor_id) c ON c.vid = v.id
		WHERE q.n IS NOT NULL OR c.cost IS NOT NULL
		ORDER BY v.name, v.id`, string(from))
	return collect(rows, err, func(r *sql.Rows) (VendorStanding, error) {
		var v VendorStanding
		err := r.Scan(&v.VendorID, &v.Name, &v.Diligence, &v.Audits, &v.Failed, &v.Errors, &v.Sampled, &v.CostMinor)
		return v, err
	})
}

// PolicyOverride is a client invoice sent over a billing-policy flag by a
// billing partner's override.
type PolicyOverride struct {
	InvoiceID    int64
	Number       string
	MatterNumber string
	ClientName   string
	Flags        string // JSON list of the flags overridden
	Reason       string
	By           string
	At           time.Time
}

// PolicyOverrides lists the most recent client-invoice policy overrides in
// scope, newest first, with their total.
func (tx *Tx) PolicyOverrides(ctx context.Context, s Scope, limit int) ([]PolicyOverride, int, error) {
	rows, err := tx.query(ctx, `SELECT ci.id, ci.number, m.number, c.name, ci.flags, ci.override_reason, u.name, ci.override_at, COUNT(*) OVER ()
		FROM client_invoices ci JOIN matters m ON m.id = ci.matter_id JOIN clients c ON c.id = ci.client_id JOIN users u ON u.id = ci.override_by
		WHERE ci.override_at > 0 AND `+matterVisible(1)+`
		ORDER BY ci.override_at DESC, ci.id DESC LIMIT $5`, append(scopeArgs(s), max(1, limit))...)
	var total int
	list, err := collect(rows, err, func(r *sql.Rows) (PolicyOverride, error) {
		var p PolicyOverride
		var at int64
		err := r.Scan(&p.InvoiceID, &p.Number, &p.MatterNumber, &p.ClientName, &p.Flags, &p.Reason, &p.By, &at, &total)
		p.At = fromUS(at)
		return p, err
	})
	return list, total, err
}

// SecurityActions are the audit-trail actions a firm administrator's
// dashboard shows as security events.
var SecurityActions = []string{"auth.sign_in_failed", "auth.sign_in_throttled", "auth.mfa_failed", "auth.mfa_throttled", "mfa.reset"}

// SecurityEvent is one security event of the audit trail.
type SecurityEvent struct {
	Seq       int64
	At        time.Time
	Action    string
	ActorName string
	Summary   string
	Address   string
}

// RecentSecurityEvents returns the newest security events (at most limit)
// and how many of each action happened since `since`. Each action is read
// through the (action, seq) index, newest first, so the cost does not grow
// with the audit trail.
func (tx *Tx) RecentSecurityEvents(ctx context.Context, since time.Time, limit int) ([]SecurityEvent, map[string]int, error) {
	var all []SecurityEvent
	counts := map[string]int{}
	var fromSeq int64
	// The first event of the period, by its time's index: events are
	// appended in time order, so its seq starts the period (MIN(seq) over
	// the period would read every event of the last 30 days).
	if err := tx.queryRow(ctx, `SELECT COALESCE((SELECT seq FROM audit_events WHERE at >= $1 ORDER BY at, seq LIMIT 1), 0)`, us(since)).Scan(&fromSeq); err != nil {
		return nil, nil, err
	}
	for _, action := range SecurityActions {
		rows, err := tx.query(ctx, `SELECT seq, at, action, actor_name, summary, address FROM audit_events WHERE action = $1 ORDER BY seq DESC LIMIT $2`, action, max(1, limit))
		list, err := collect(rows, err, func(r *sql.Rows) (SecurityEvent, error) {
			var e SecurityEvent
			var at int64
			err := r.Scan(&e.Seq, &at, &e.Action, &e.ActorName, &e.Summary, &e.Address)
			e.At = fromUS(at)
			return e, err
		})
		if err != nil {
			return nil, nil, err
		}
		all = append(all, list...)
		if fromSeq > 0 {
			var n int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM audit_events WHERE action = $1 AND seq >= $2`, action, fromSeq).Scan(&n); err != nil {
				return nil, nil, err
			}
			counts[action] = n
		}
	}
	// Newest first across the actions.
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && all[j].Seq > all[j-1].Seq; j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	if len(all) > limit {
		all = all[:limit]
	}
	return all, counts, nil
}

// InvoiceStateCount is how many invoices are in one state, and their total.
type InvoiceStateCount struct {
	State    string
	Count    int
	Currency domain.Currency
	Minor    int64
}

// VendorInvoiceStates counts the vendor invoices on engagements in scope by
// state and currency.
func (tx *Tx) VendorInvoiceStates(ctx context.Context, s Scope) ([]InvoiceStateCount, error) {
	rows, err := tx.query(ctx, `SELECT vi.state, vi.currency, COUNT(*), SUM(vi.total_minor)
		FROM engagements e JOIN matters m ON m.id = e.matter_id JOIN vendor_invoices vi ON vi.engagement_id = e.id
		WHERE `+engagementVisible(1)+` GROUP BY vi.state, vi.currency ORDER BY vi.state, vi.currency`, scopeArgs(s)...)
	return collect(rows, err, func(r *sql.Rows) (InvoiceStateCount, error) {
		var c InvoiceStateCount
		err := r.Scan(&c.State, &c.Currency, &c.Count, &c.Minor)
		return c, err
	})
}

// AuditSummary adds up the completed quality audits on engagements in scope
// since a day, per vendor: how the outside work fared when checked.
type AuditSummary struct {
	VendorName string
	Audits     int
	Failed     int
	Errors     int64
	Sampled    int64
}

// AuditSummaries adds up the completed audits in scope due on or after from, per vendor.
func (tx *Tx) AuditSummaries(ctx context.Context, s Scope, from domain.Date) ([]AuditSummary, error) {
	rows, err := tx.query(ctx, `SELECT v.name, COUNT(*), SUM(CASE WHEN a.verdict = 'fail' THEN 1 ELSE 0 END), SUM(a.errors), SUM(a.sample_size)
		FROM engagements e JOIN matters m ON m.id = e.matter_id JOIN vendors v ON v.id = e.vendor_id JOIN audits a ON a.engagement_id = e.id
		WHERE a.state = 'completed' AND a.due_on >= $5 AND `+engagementVisible(1)+engagementScopeHint(s)+`
		GROUP BY v.id, v.name ORDER BY v.name`, append(scopeArgs(s), string(from))...)
	return collect(rows, err, func(r *sql.Rows) (AuditSummary, error) {
		var a AuditSummary
		err := r.Scan(&a.VendorName, &a.Audits, &a.Failed, &a.Errors, &a.Sampled)
		return a, err
	})
}
