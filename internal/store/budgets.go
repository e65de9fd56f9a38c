package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/probity/probity/internal/domain"
)

// Budgets (migration 0018): one per matter (engagement_id NULL) and one per
// engagement, in the firm's currency. The figures beside them are read from
// the other parts' tables by the schema's meaning: client invoices (a
// matter's actual), vendor invoices (an engagement's actual, the exchange
// rate) and approved vendor time (the accrual).

// SaveBudget sets the budget of a matter or engagement: it updates the
// existing row or inserts one (b.ID is ignored). The demo loader calls it.
func (tx *Tx) SaveBudget(ctx context.Context, b domain.Budget) error {
	var id int64
	err := tx.queryRow(ctx, `SELECT id FROM budgets WHERE matter_id = $1 AND COALESCE(engagement_id, 0) = $2`, b.MatterID, b.EngagementID).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.exec(ctx, `INSERT INTO budgets (matter_id, engagement_id, amount_minor, currency, note, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			b.MatterID, nullID(b.EngagementID), b.Amount.Minor, string(b.Amount.Currency), b.Note, b.SetBy, us(b.SetAt))
		return err
	case err != nil:
		return err
	}
	_, err = tx.exec(ctx, `UPDATE budgets SET amount_minor = $1, currency = $2, note = $3, set_by = $4, set_at = $5 WHERE id = $6`,
		b.Amount.Minor, string(b.Amount.Currency), b.Note, b.SetBy, us(b.SetAt), id)
	return err
}

// Budgets lists the budgets of matters in scope (matterID 0: every one),
// by matter number, the matter's own first, with their actual amounts
// (Accrued is left to the caller: see AccrualEntries and LatestFXRate).
func (tx *Tx) Budgets(ctx context.Context, s Scope, matterID int64) ([]domain.BudgetStatus, error) {
	rows, err := tx.query(ctx, `SELECT b.id, b.matter_id, COALESCE(b.engagement_id, 0), b.amount_minor, b.currency, b.note, b.set_by, u.name, b.set_at,
		m.number, COALESCE(v.name || ' — ' || e.service, ''),
		CASE WHEN b.engagement_id IS NULL THEN
			(SELECT COALESCE(SUM(CASE WHEN ci.kind = 'credit_note' THEN -ABS(ci.total_minor) ELSE ci.total_minor END), 0) FROM client_invoices ci
			 WHERE ci.matter_id = b.matter_id AND ci.state IN ('approved','sent','paid','written_off'))
		ELSE
			(SELECT COALESCE(SUM(vi.firm_cost_minor), 0) FROM vendor_invoices vi WHERE vi.engagement_id = b.engagement_id AND vi.state = 'approved')
		END
		FROM budgets b JOIN matters m ON m.id = b.matter_id JOIN users u ON u.id = b.set_by
		LEFT JOIN engagements e ON e.id = b.engagement_id LEFT JOIN vendors v ON v.id = e.vendor_id
		WHERE `+matterVisible(1)+` AND ($5 = 0 OR b.matter_id = $5)
		ORDER BY m.number, COALESCE(b.engagement_id, 0)`, append(scopeArgs(s), matterID)...)
	return collect(rows, err, func(r *sql.Rows) (domain.BudgetStatus, error) {
		var b domain.BudgetStatus
		var at int64
		err := r.Scan(&b.ID, &b.MatterID, &b.EngagementID, &b.Amount.Minor, &b.Amount.Currency, &b.Note, &b.SetBy, &b.SetByName, &at,
			&b.MatterNumber, &b.Engagement, &b.Actual.Minor)
		b.SetAt, b.Actual.Currency, b.Accrued.Currency = fromUS(at), b.Amount.Currency, b.Amount.Currency
		return b, err
	})
}

// AccrualEntries lists an engagement's approved vendor time entries that
// are on no submitted, disputed or approved vendor invoice (hours in
// hundredths), oldest first.
func (tx *Tx) AccrualEntries(ctx context.Context, engagementID int64) ([]domain.AccrualEntry, error) {
	rows, err := tx.query(ctx, `SELECT t.worked_on, t.tenths * 10 FROM time_entries t
		WHERE t.engagement_id = $1 AND t.state = 'approved' AND NOT EXISTS (SELECT 1 FROM vendor_invoice_lines l JOIN vendor_invoices vi ON vi.id = l.invoice_id
			WHERE l.time_entry_id = t.id AND vi.state IN ('submitted','disputed','approved'))
		ORDER BY t.worked_on, t.id`, engagementID)
	return collect(rows, err, func(r *sql.Rows) (domain.AccrualEntry, error) {
		var a domain.AccrualEntry
		return a, r.Scan(&a.Day, &a.Hundredths)
	})
}

// LatestFXRate is the exchange rate recorded on the most recently approved
// vendor invoice in currency (by the rate's day, then the decision): ""
// when none was recorded.
func (tx *Tx) LatestFXRate(ctx context.Context, currency domain.Currency) (string, error) {
	var rate string
	err := tx.queryRow(ctx, `SELECT fx_rate FROM vendor_invoices WHERE currency = $1 AND state = 'approved' AND fx_rate <> ''
		ORDER BY fx_on DESC, decided_at DESC, id DESC LIMIT 1`, string(currency)).Scan(&rate)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return rate, err
}
