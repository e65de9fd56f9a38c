package store

import (
	"context"
	"database/sql"

	"github.com/probity/probity/internal/domain"
)

// Savings (issue 8 part 6): the rows domain.AggregateSavings adds up, read
// in one query from the other parts' tables by the schema's meaning, grouped
// by day (and work item or purpose) in SQL, so the query returns a few rows
// per engagement and day however many entries and lines there are. The
// engagements in scope and in the filters are chosen once (the vis CTE) and
// every branch reaches its rows through an index on the engagement or the
// matter and the day.

// SavingsFilter narrows the savings rows (zero values: any).
type SavingsFilter struct {
	MatterID, VendorID, ClientID int64
	From, To                     domain.Date // inclusive
	Currency                     domain.Currency
}

// SavingsRows reads the rows of the savings figures on engagements in
// scope, days From to To, money of client invoices in f.Currency (the
// firm's) only.
func (tx *Tx) SavingsRows(ctx context.Context, s Scope, f SavingsFilter) ([]domain.SavingsRow, error) {
	q := `WITH vis AS (SELECT e.id, e.matter_id FROM engagements e JOIN matters m ON m.id = e.matter_id
			WHERE ` + engagementVisible(1) + ` AND ($5 = 0 OR m.id = $5) AND ($6 = 0 OR e.vendor_id = $6) AND ($7 = 0 OR m.client_id = $7))
		SELECT x.src, x.day, m.id, m.number, e.id, v.id, v.name, c.id, c.name,
			COALESCE(i.estimate_tenths, 0), COALESCE(i.estimate_unit, ''), COALESCE(i.baseline_tenths, 0), COALESCE(i.baseline_rate_minor, 0),
			COALESCE(i.baseline_rate_currency, ''), COALESCE(i.pricing, ''), x.qty, x.purpose, x.vc, x.ih, x.ch
		FROM (
			SELECT 'vendor_time' AS src, t.worked_on AS day, t.engagement_id AS eid, t.sow_item_id AS item_id, CAST(SUM(t.tenths) * 10 AS BIGINT) AS qty,
				'' AS purpose, CAST(0 AS BIGINT) AS vc, CAST(0 AS BIGINT) AS ih, CAST(0 AS BIGINT) AS ch
			FROM time_entries t WHERE t.engagement_id IN (SELECT id FROM vis) AND t.worked_on >= $8 AND t.worked_on <= $9 AND t.state = 'approved'
			GROUP BY t.worked_on, t.engagement_id, t.sow_item_id
			UNION ALL
			SELECT 'vendor_line', l.worked_on, vi.engagement_id, 0, CAST(SUM(l.baseline_hundredths) AS BIGINT), '', 0, 0, 0
			FROM vendor_invoices vi JOIN vendor_invoice_lines l ON l.invoice_id = vi.id
			WHERE vi.engagement_id IN (SELECT id FROM vis) AND vi.state = 'approved' AND l.state <> 'removed' AND l.kind IN ('fixed','per_unit')
				AND l.worked_on >= $8 AND l.worked_on <= $9
			GROUP BY l.worked_on, vi.engagement_id
			UNION ALL
			SELECT 'firm_time', f.worked_on, f.engagement_id, 0, CAST(SUM(f.tenths) * 10 AS BIGINT), f.purpose, 0, 0, 0
			FROM firm_time_entries f WHERE f.matter_id IN (SELECT matter_id FROM vis) AND f.engagement_id IN (SELECT id FROM vis)
				AND f.worked_on >= $8 AND f.worked_on <= $9 AND f.purpose IN ('supervision','rework')
			GROUP BY f.worked_on, f.engagement_id, f.purpose
			UNION ALL
			SELECT 'outsourced', cl.line_date, cl.engagement_id, 0, 0, '',
				CAST(SUM(cl.vendor_cost_minor) AS BIGINT), CAST(SUM(cl.inhouse_minor) AS BIGINT), CAST(SUM(cl.total_minor) AS BIGINT)
			FROM client_invoice_lines cl JOIN client_invoices ci ON ci.id = cl.invoice_id
			WHERE cl.engagement_id IN (SELECT id FROM vis) AND cl.line_date >= $8 AND cl.line_date <= $9 AND cl.source = 'outsourced'
				AND ci.kind = 'invoice' AND ci.state IN ('sent','paid') AND ci.currency = $10
			GROUP BY cl.line_date, cl.engagement_id
			UNION ALL
			SELECT 'outsourced', cl.line_date, ol.engagement_id, 0, 0, '', 0, 0, CAST(SUM(-ABS(cl.total_minor)) AS BIGINT)
			FROM client_invoices ci JOIN client_invoice_lines cl ON cl.invoice_id = ci.id JOIN client_invoice_lines ol ON ol.id = cl.credited_line_id
			WHERE ci.matter_id IN (SELECT matter_id FROM vis) AND ci.kind = 'credit_note' AND ci.state IN ('sent','paid') AND ci.currency = $10
				AND cl.line_date >= $8 AND cl.line_date <= $9 AND ol.source = 'outsourced' AND ol.engagement_id IN (SELECT id FROM vis)
			GROUP BY cl.line_date, ol.engagement_id
			UNION ALL
			SELECT 'supervision_billed', cl.line_date, f.engagement_id, 0, 0, '', 0, 0, CAST(SUM(cl.total_minor) AS BIGINT)
			FROM client_invoices ci JOIN client_invoice_lines cl ON cl.invoice_id = ci.id JOIN firm_time_entries f ON f.id = cl.firm_time_id
			WHERE ci.matter_id IN (SELECT matter_id FROM vis) AND ci.kind = 'invoice' AND ci.state IN ('sent','paid') AND ci.currency = $10
				AND cl.source = 'firm_time' AND cl.line_date >= $8 AND cl.line_date <= $9 AND f.purpose = 'supervision' AND f.engagement_id IN (SELECT id FROM vis)
			GROUP BY cl.line_date, f.engagement_id
			UNION ALL
			SELECT 'supervision_billed', cl.line_date, f.engagement_id, 0, 0, '', 0, 0, CAST(SUM(-ABS(cl.total_minor)) AS BIGINT)
			FROM client_invoices ci JOIN client_invoice_lines cl ON cl.invoice_id = ci.id JOIN client_invoice_lines ol ON ol.id = cl.credited_line_id
				JOIN firm_time_entries f ON f.id = ol.firm_time_id
			WHERE ci.matter_id IN (SELECT matter_id FROM vis) AND ci.kind = 'credit_note' AND ci.state IN ('sent','paid') AND ci.currency = $10
				AND cl.line_date >= $8 AND cl.line_date <= $9 AND ol.source = 'firm_time' AND f.purpose = 'supervision' AND f.engagement_id IN (SELECT id FROM vis)
			GROUP BY cl.line_date, f.engagement_id
		) x
		JOIN engagements e ON e.id = x.eid JOIN matters m ON m.id = e.matter_id JOIN vendors v ON v.id = e.vendor_id JOIN clients c ON c.id = m.client_id
		LEFT JOIN sow_items i ON i.id = x.item_id
		ORDER BY x.day, e.id, x.src`
	args := append(scopeArgs(s), f.MatterID, f.VendorID, f.ClientID, string(f.From), string(f.To), string(f.Currency))
	rows, err := tx.query(ctx, q, args...)
	return collect(rows, err, func(r *sql.Rows) (domain.SavingsRow, error) {
		var x domain.SavingsRow
		var est, base int64
		err := r.Scan(&x.Source, &x.Day, &x.MatterID, &x.MatterNumber, &x.EngagementID, &x.VendorID, &x.VendorName, &x.ClientID, &x.ClientName,
			&est, &x.Item.EstimateUnit, &base, &x.Item.BaselineRate.Minor, &x.Item.BaselineRate.Currency, &x.Item.Pricing,
			&x.Hundredths, &x.Purpose, &x.VendorCost, &x.InHouse, &x.Charged)
		x.Item.Estimate, x.Item.BaselineHours = domain.Tenths(est), domain.Tenths(base)
		return x, err
	})
}
