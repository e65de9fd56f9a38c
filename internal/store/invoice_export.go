package store

import (
	"context"
	"encoding/json"
	"iter"
	"sync"

	"github.com/probity/probity/internal/domain"
)

// Exports of client invoices (issue 8 part 4): what the LEDES file and the
// PDF need of an invoice, read by the schema of client_invoices and
// client_invoice_lines, and a line reader that streams an invoice of any
// size in position order in constant memory.

// InvoiceExport is a client invoice with the identifiers its exports print:
// the client's and the matter's numbers, the number of the invoice a credit
// note credits, and the firm.
type InvoiceExport struct {
	Invoice       domain.ClientInvoice
	ClientNumber  string
	CreditsNumber string // a credit note: the invoice it corrects
	Firm          domain.Firm
}

// ExportLineChunk is how many lines ExportInvoiceLines reads per query.
const ExportLineChunk = 4096

// ExportInvoice loads client invoice id (without its lines) if a matter it
// belongs to is in scope; otherwise it is not found.
func (tx *Tx) ExportInvoice(ctx context.Context, scope Scope, id int64) (InvoiceExport, error) {
	var x InvoiceExport
	inv := &x.Invoice
	var credits, overrideBy, approvedBy, sentBy, closedBy *int64
	var flags string
	var created, approved, sent, closed, overrideAt int64
	args := append([]any{id}, scopeArgs(scope)...)
	err := tx.queryRow(ctx, `SELECT ci.id, ci.number, ci.kind, ci.credits_invoice_id, COALESCE(cr.number, ''), ci.matter_id, m.number, m.title,
		ci.client_id, c.number, c.name, ci.currency, ci.invoice_date, ci.period_start, ci.period_end, ci.description, ci.state,
		ci.overhead_bp, ci.markup_bp, ci.fees_minor, ci.expenses_minor, ci.total_minor, ci.line_count,
		ci.vendor_cost_minor, ci.overhead_minor, ci.inhouse_minor, ci.charged_minor, ci.flags,
		ci.override_by, ci.override_reason, ci.override_at, ci.created_by, ci.created_at, ci.approved_by, ci.approved_at,
		ci.sent_by, ci.sent_at, ci.paid_on, ci.closed_by, ci.closed_at, ci.close_reason
		FROM client_invoices ci
		JOIN matters m ON m.id = ci.matter_id
		JOIN clients c ON c.id = ci.client_id
		LEFT JOIN client_invoices cr ON cr.id = ci.credits_invoice_id
		WHERE ci.id = $1 AND `+matterVisible(2), args...).Scan(
		&inv.ID, &inv.Number, &inv.Kind, &credits, &x.CreditsNumber, &inv.MatterID, &inv.MatterNumber, &inv.MatterTitle,
		&inv.ClientID, &x.ClientNumber, &inv.ClientName, &inv.Currency, &inv.Date, &inv.Start, &inv.End, &inv.Description, &inv.State,
		&inv.OverheadBP, &inv.MarkupBP, &inv.Fees.Minor, &inv.Expenses.Minor, &inv.Total.Minor, &inv.LineCount,
		&inv.Transparency.VendorCost.Minor, &inv.Transparency.Overhead.Minor, &inv.Transparency.InHouse.Minor, &inv.Transparency.Charged.Minor, &flags,
		&overrideBy, &inv.OverrideReason, &overrideAt, &inv.CreatedBy, &created, &approvedBy, &approved,
		&sentBy, &sent, &inv.PaidOn, &closedBy, &closed, &inv.CloseReason)
	if err != nil {
		return x, one(err, "invoice")
	}
	cur := inv.Currency
	for _, m := range []*domain.Money{&inv.Fees, &inv.Expenses, &inv.Total, &inv.Transparency.VendorCost,
		&inv.Transparency.Overhead, &inv.Transparency.InHouse, &inv.Transparency.Charged} {
		m.Currency = cur
	}
	inv.CreditsInvoiceID, inv.OverrideBy, inv.ApprovedBy = derefID(credits), derefID(overrideBy), derefID(approvedBy)
	inv.SentBy, inv.ClosedBy = derefID(sentBy), derefID(closedBy)
	inv.CreatedAt, inv.ApprovedAt, inv.SentAt, inv.ClosedAt, inv.OverrideAt = fromUS(created), fromUS(approved), fromUS(sent), fromUS(closed), fromUS(overrideAt)
	var fl []struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if flags != "" && json.Unmarshal([]byte(flags), &fl) == nil {
		for _, f := range fl {
			inv.Flags = append(inv.Flags, domain.PolicyFlag{Code: domain.PolicyFlagCode(f.Code), Message: f.Message})
		}
	}
	x.Firm, err = tx.Firm(ctx)
	return x, err
}

func derefID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// ExportInvoiceID resolves an invoice number to its id if the invoice's
// matter is in scope; otherwise it is not found.
func (tx *Tx) ExportInvoiceID(ctx context.Context, scope Scope, number string) (int64, error) {
	var id int64
	args := append([]any{number}, scopeArgs(scope)...)
	err := tx.queryRow(ctx, `SELECT ci.id FROM client_invoices ci JOIN matters m ON m.id = ci.matter_id
		WHERE ci.number = $1 AND `+matterVisible(2), args...).Scan(&id)
	return id, one(err, "invoice")
}

// ExportInvoiceLines streams the lines of invoice invoiceID in position
// order, in chunks of ExportLineChunk lines read by keyset (position >
// last), so memory stays constant for a million lines and no read cursor
// is left open between chunks. One chunk is read ahead on another
// goroutine while the caller consumes the current one (the scan and the
// formatting overlap); the iterator waits for it before returning, so the
// caller must not use tx itself until the loop ends (breaking early is
// allowed). Call it inside the transaction that checked access. Amounts
// are in currency cur. Only the fields an export prints are read (the
// LEDES line item's: position, type, date, units, amounts, codes,
// timekeeper, description); the sources, vendor cost and in-house
// equivalent are left zero, as every extra column costs time on a million
// lines.
func (tx *Tx) ExportInvoiceLines(ctx context.Context, invoiceID int64, cur domain.Currency) iter.Seq2[domain.ClientInvoiceLine, error] {
	return func(yield func(domain.ClientInvoiceLine, error) bool) {
		type chunk struct {
			lines []domain.ClientInvoiceLine
			err   error
		}
		full := make(chan chunk, 1)
		free := make(chan []domain.ClientInvoiceLine, 2) // two buffers: one being read, one being consumed
		free <- make([]domain.ClientInvoiceLine, 0, ExportLineChunk)
		free <- make([]domain.ClientInvoiceLine, 0, ExportLineChunk)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(full)
			after := int64(0)
			for {
				var buf []domain.ClientInvoiceLine
				select {
				case buf = <-free:
				case <-stop:
					return
				}
				buf, err := tx.exportLineChunk(ctx, invoiceID, cur, after, buf[:0])
				select {
				case full <- chunk{buf, err}:
				case <-stop:
					return
				}
				if err != nil || len(buf) < ExportLineChunk {
					return
				}
				after = buf[len(buf)-1].Position
			}
		}()
		defer func() {
			close(stop)
			wg.Wait()
		}()
		for c := range full {
			if c.err != nil {
				yield(domain.ClientInvoiceLine{}, c.err)
				return
			}
			for _, l := range c.lines {
				if !yield(l, nil) {
					return
				}
			}
			free <- c.lines
		}
	}
}

// exportLineChunk appends to buf the next ExportLineChunk lines of invoice
// invoiceID after position after.
func (tx *Tx) exportLineChunk(ctx context.Context, invoiceID int64, cur domain.Currency, after int64, buf []domain.ClientInvoiceLine) ([]domain.ClientInvoiceLine, error) {
	rows, err := tx.query(ctx, `SELECT position, type, line_date, units, unit_cost_minor, adjustment_minor, total_minor,
		task_code, expense_code, activity_code, timekeeper_id, timekeeper_name, classification, description
		FROM client_invoice_lines WHERE invoice_id = $1 AND position > $2 ORDER BY position LIMIT $3`, invoiceID, after, ExportLineChunk)
	if err != nil {
		return buf, err
	}
	defer rows.Close()
	// Plain strings scan without reflection; the named types are set after.
	var typ, date, class string
	for rows.Next() {
		l := domain.ClientInvoiceLine{InvoiceID: invoiceID}
		if err := rows.Scan(&l.Position, &typ, &date, &l.Units, &l.UnitCost.Minor, &l.Adjustment.Minor, &l.Total.Minor,
			&l.TaskCode, &l.ExpenseCode, &l.ActivityCode, &l.TimekeeperID, &l.TimekeeperName, &class, &l.Description); err != nil {
			return buf, err
		}
		l.Type, l.Date, l.Classification = typ, domain.Date(date), domain.Classification(class)
		l.UnitCost.Currency, l.Adjustment.Currency, l.Total.Currency = cur, cur, cur
		buf = append(buf, l)
	}
	if err := rows.Err(); err != nil {
		return buf, err
	}
	return buf, rows.Close()
}
