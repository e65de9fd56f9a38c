package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/domain"
)

// Client invoices and credit notes (migration 0018): the header with its
// transparency block and policy flags, the LEDES lines, and the marks on
// firm time and vendor invoices saying which client invoice bills them.
// Every state change is a compare-and-set on the state, so two people
// acting at once cannot both move it.

const clientInvoiceCols = `ci.id, ci.number, ci.kind, COALESCE(ci.credits_invoice_id, 0), ci.matter_id, m.number, m.title, ci.client_id, c.name,
	ci.currency, ci.invoice_date, ci.period_start, ci.period_end, ci.description, ci.state, ci.overhead_bp, ci.markup_bp,
	ci.fees_minor, ci.expenses_minor, ci.total_minor, ci.line_count, ci.vendor_cost_minor, ci.overhead_minor, ci.inhouse_minor,
	ci.charged_minor, ci.flags, COALESCE(ci.override_by, 0), COALESCE(ou.name, ''), ci.override_reason, ci.override_at,
	ci.created_by, ci.created_at, COALESCE(ci.approved_by, 0), ci.approved_at, COALESCE(ci.sent_by, 0), ci.sent_at, ci.paid_on,
	COALESCE(ci.closed_by, 0), ci.closed_at, ci.close_reason`

const clientInvoiceFrom = ` FROM client_invoices ci JOIN matters m ON m.id = ci.matter_id JOIN clients c ON c.id = ci.client_id
	LEFT JOIN users ou ON ou.id = ci.override_by`

// flagJSON is the stored form of a policy flag.
type flagJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func scanClientInvoice(r interface{ Scan(...any) error }) (domain.ClientInvoice, error) {
	var ci domain.ClientInvoice
	var fees, exp, total, vc, oh, ih, ch int64
	var flags string
	var oAt, cAt, aAt, sAt, clAt int64
	err := r.Scan(&ci.ID, &ci.Number, &ci.Kind, &ci.CreditsInvoiceID, &ci.MatterID, &ci.MatterNumber, &ci.MatterTitle, &ci.ClientID, &ci.ClientName,
		&ci.Currency, &ci.Date, &ci.Start, &ci.End, &ci.Description, &ci.State, &ci.OverheadBP, &ci.MarkupBP,
		&fees, &exp, &total, &ci.LineCount, &vc, &oh, &ih, &ch, &flags, &ci.OverrideBy, &ci.OverrideByName, &ci.OverrideReason, &oAt,
		&ci.CreatedBy, &cAt, &ci.ApprovedBy, &aAt, &ci.SentBy, &sAt, &ci.PaidOn, &ci.ClosedBy, &clAt, &ci.CloseReason)
	if err != nil {
		return ci, err
	}
	m := func(v int64) domain.Money { return domain.Money{Minor: v, Currency: ci.Currency} }
	ci.Fees, ci.Expenses, ci.Total = m(fees), m(exp), m(total)
	if vc != 0 || ih != 0 || ch != 0 {
		ci.Transparency, _, _ = transparencyOf(m(vc), m(oh), m(ih), m(ch))
	}
	var fj []flagJSON
	if err := json.Unmarshal([]byte(flags), &fj); err != nil {
		return ci, fmt.Errorf("client invoice %d flags: %w", ci.ID, err)
	}
	for _, f := range fj {
		ci.Flags = append(ci.Flags, domain.PolicyFlag{Code: domain.PolicyFlagCode(f.Code), Message: f.Message})
	}
	t := func(v int64) time.Time {
		if v == 0 {
			return time.Time{}
		}
		return fromUS(v)
	}
	ci.OverrideAt, ci.CreatedAt, ci.ApprovedAt, ci.SentAt, ci.ClosedAt = t(oAt), t(cAt), t(aAt), t(sAt), t(clAt)
	return ci, nil
}

// transparencyOf rebuilds the derived figures of a stored block.
func transparencyOf(vc, oh, ih, ch domain.Money) (domain.Transparency, bool, error) {
	t := domain.Transparency{VendorCost: vc, Overhead: oh, InHouse: ih, Charged: ch,
		ClientSaving: domain.Money{Minor: ih.Minor - ch.Minor, Currency: ih.Currency}}
	if ih.Minor != 0 {
		pct, err := domain.ScaleAmount(t.ClientSaving, 10000, ih.Minor, ih.Currency)
		if err != nil {
			return t, false, err
		}
		t.SavingPercentBP = int(pct.Minor)
	}
	if firm := t.FirmSaving(); firm.Minor > 0 {
		share, err := domain.ScaleAmount(t.ClientSaving, 10000, firm.Minor, ih.Currency)
		if err != nil {
			return t, false, err
		}
		t.SavingSharedBP = int(share.Minor)
	}
	return t, true, nil
}

func flagsJSON(flags []domain.PolicyFlag) string {
	fj := make([]flagJSON, 0, len(flags))
	for _, f := range flags {
		fj = append(fj, flagJSON{Code: string(f.Code), Message: f.Message})
	}
	b, _ := json.Marshal(fj)
	return string(b)
}

// NextClientInvoiceNumber is the next free number of kind in year
// (INV-2026-0003, CN-2026-0001). The unique index on number guards a race.
func (tx *Tx) NextClientInvoiceNumber(ctx context.Context, kind domain.InvoiceKind, year int) (string, error) {
	prefix := strings.TrimSuffix(domain.InvoiceNumber(kind, year, 0), "0000")
	rows, err := tx.query(ctx, `SELECT number FROM client_invoices WHERE number LIKE $1`, prefix+"%")
	nums, err := collect(rows, err, func(r *sql.Rows) (s string, err error) { err = r.Scan(&s); return s, err })
	if err != nil {
		return "", err
	}
	most := 0
	for _, s := range nums {
		if n, err := strconv.Atoi(strings.TrimPrefix(s, prefix)); err == nil && n > most {
			most = n
		}
	}
	return domain.InvoiceNumber(kind, year, most+1), nil
}

// CreateClientInvoice stores a new invoice or credit note with its lines
// (inv.ID and the lines' ids are not set; load it again to read them).
func (tx *Tx) CreateClientInvoice(ctx context.Context, inv *domain.ClientInvoice, lines []domain.ClientInvoiceLine) error {
	t := inv.Transparency
	id, err := tx.insert(ctx, `INSERT INTO client_invoices (number, kind, credits_invoice_id, matter_id, client_id, currency, invoice_date, period_start,
		period_end, description, state, overhead_bp, markup_bp, fees_minor, expenses_minor, total_minor, line_count, vendor_cost_minor, overhead_minor,
		inhouse_minor, charged_minor, flags, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)`,
		inv.Number, string(inv.Kind), nullID(inv.CreditsInvoiceID), inv.MatterID, inv.ClientID, string(inv.Currency), string(inv.Date), string(inv.Start),
		string(inv.End), inv.Description, string(inv.State), inv.OverheadBP, inv.MarkupBP, inv.Fees.Minor, inv.Expenses.Minor, inv.Total.Minor,
		inv.LineCount, t.VendorCost.Minor, t.Overhead.Minor, t.InHouse.Minor, t.Charged.Minor, flagsJSON(inv.Flags), inv.CreatedBy, us(inv.CreatedAt))
	if err != nil {
		return err
	}
	inv.ID = id
	return tx.insertClientInvoiceLines(ctx, id, lines)
}

func (tx *Tx) insertClientInvoiceLines(ctx context.Context, invoiceID int64, lines []domain.ClientInvoiceLine) error {
	if len(lines) == 0 {
		return nil
	}
	rows := make([][]any, len(lines))
	for i, l := range lines {
		rows[i] = []any{invoiceID, l.Position, l.Type, string(l.Source), string(l.Date), l.Units, l.UnitCost.Minor, l.Adjustment.Minor, l.Total.Minor,
			l.TaskCode, l.ExpenseCode, l.ActivityCode, l.TimekeeperID, l.TimekeeperName, string(l.Classification), l.Description,
			nullID(l.FirmTimeID), nullID(l.EngagementID), nullID(l.VendorInvoiceID), l.VendorCost.Minor, l.InHouse.Minor, nullID(l.CreditedLineID)}
	}
	return tx.bulkInsert(ctx, "client_invoice_lines", []string{"invoice_id", "position", "type", "source", "line_date", "units", "unit_cost_minor",
		"adjustment_minor", "total_minor", "task_code", "expense_code", "activity_code", "timekeeper_id", "timekeeper_name", "classification",
		"description", "firm_time_id", "engagement_id", "vendor_invoice_id", "vendor_cost_minor", "inhouse_minor", "credited_line_id"}, rows)
}

// ReplaceClientInvoiceDraft replaces a draft's computed figures and lines
// (recomputing). A draft no longer in state draft is EConflict.
func (tx *Tx) ReplaceClientInvoiceDraft(ctx context.Context, inv domain.ClientInvoice, lines []domain.ClientInvoiceLine) error {
	t := inv.Transparency
	res, err := tx.exec(ctx, `UPDATE client_invoices SET fees_minor = $1, expenses_minor = $2, total_minor = $3, line_count = $4, vendor_cost_minor = $5,
		overhead_minor = $6, inhouse_minor = $7, charged_minor = $8, flags = $9, override_by = NULL, override_reason = '', override_at = 0
		WHERE id = $10 AND state = 'draft'`,
		inv.Fees.Minor, inv.Expenses.Minor, inv.Total.Minor, inv.LineCount, t.VendorCost.Minor, t.Overhead.Minor, t.InHouse.Minor, t.Charged.Minor,
		flagsJSON(inv.Flags), inv.ID)
	if err := changedOne(res, err, "only a draft is recomputed"); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM client_invoice_lines WHERE invoice_id = $1`, inv.ID); err != nil {
		return err
	}
	return tx.insertClientInvoiceLines(ctx, inv.ID, lines)
}

// DeleteClientInvoiceDraft deletes a draft and its lines (discarding); its
// firm time and vendor invoices must be released first.
func (tx *Tx) DeleteClientInvoiceDraft(ctx context.Context, id int64) error {
	if _, err := tx.exec(ctx, `DELETE FROM client_invoice_lines WHERE invoice_id = $1`, id); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `DELETE FROM client_invoices WHERE id = $1 AND state = 'draft'`, id)
	return changedOne(res, err, "only a draft is discarded")
}

// MarkClientInvoiceBilled sets client_invoice_id on the firm time entries
// and vendor invoices the invoice's lines bill. One already billed by
// another invoice (someone else drafted first) is EConflict.
func (tx *Tx) MarkClientInvoiceBilled(ctx context.Context, id int64, lines []domain.ClientInvoiceLine) error {
	seen := map[int64]bool{}
	for _, l := range lines {
		var res sql.Result
		var err error
		switch {
		case l.FirmTimeID != 0:
			res, err = tx.exec(ctx, `UPDATE firm_time_entries SET client_invoice_id = $1 WHERE id = $2 AND client_invoice_id IS NULL`, id, l.FirmTimeID)
		case l.VendorInvoiceID != 0 && !seen[l.VendorInvoiceID]:
			seen[l.VendorInvoiceID] = true
			res, err = tx.exec(ctx, `UPDATE vendor_invoices SET client_invoice_id = $1 WHERE id = $2 AND client_invoice_id IS NULL AND state = 'approved'`, id, l.VendorInvoiceID)
		default:
			continue
		}
		if err := changedOne(res, err, "some of this work was billed by another invoice meanwhile: try again"); err != nil {
			return err
		}
	}
	return nil
}

// ReleaseClientInvoice clears client_invoice_id on everything invoice id
// bills, so it can be billed again.
func (tx *Tx) ReleaseClientInvoice(ctx context.Context, id int64) error {
	if _, err := tx.exec(ctx, `UPDATE firm_time_entries SET client_invoice_id = NULL WHERE client_invoice_id = $1`, id); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `UPDATE vendor_invoices SET client_invoice_id = NULL WHERE client_invoice_id = $1`, id)
	return err
}

// ClientInvoiceMove is a state change: the states it may come from, the new
// state, and what it records.
type ClientInvoiceMove struct {
	From   []domain.InvoiceState
	To     domain.InvoiceState
	By     int64
	At     time.Time
	PaidOn domain.Date // paid
	Reason string      // written off
}

// MoveClientInvoice changes an invoice's state with a compare-and-set on
// the state: approved records approved_by/at, sent sent_by/at, paid
// paid_on and closed_by/at, written_off closed_by/at and close_reason.
// An invoice not in one of m.From is EConflict naming msg.
func (tx *Tx) MoveClientInvoice(ctx context.Context, id int64, m ClientInvoiceMove, msg string) error {
	set := ``
	args := []any{string(m.To), m.By, us(m.At)}
	switch m.To {
	case domain.InvoiceApproved:
		set = `approved_by = $2, approved_at = $3`
	case domain.InvoiceSent:
		set = `sent_by = $2, sent_at = $3`
	case domain.InvoicePaid:
		set = `closed_by = $2, closed_at = $3, paid_on = $4`
		args = append(args, string(m.PaidOn))
	case domain.InvoiceWrittenOff:
		set = `closed_by = $2, closed_at = $3, close_reason = $4`
		args = append(args, m.Reason)
	default:
		return fmt.Errorf("move client invoice to %q", m.To)
	}
	from := make([]string, len(m.From))
	for i := range m.From {
		from[i] = fmt.Sprintf("$%d", len(args)+2+i)
	}
	q := fmt.Sprintf(`UPDATE client_invoices SET state = $1, %s WHERE id = $%d AND state IN (%s)`, set, len(args)+1, strings.Join(from, ", "))
	args = append(args, id)
	for _, f := range m.From {
		args = append(args, string(f))
	}
	res, err := tx.exec(ctx, q, args...)
	return changedOne(res, err, msg)
}

// OverrideClientInvoice records a billing partner's override of the
// invoice's policy flags while it is a draft or approved.
func (tx *Tx) OverrideClientInvoice(ctx context.Context, id, by int64, reason string, at time.Time) error {
	res, err := tx.exec(ctx, `UPDATE client_invoices SET override_by = $1, override_reason = $2, override_at = $3
		WHERE id = $4 AND state IN ('draft', 'approved') AND override_by IS NULL`, by, reason, us(at), id)
	return changedOne(res, err, "the invoice cannot be overridden now: it was sent or already overridden")
}

// ClientInvoice loads an invoice header within scope (no lines).
func (tx *Tx) ClientInvoice(ctx context.Context, s Scope, id int64) (domain.ClientInvoice, error) {
	ci, err := scanClientInvoice(tx.queryRow(ctx, `SELECT `+clientInvoiceCols+clientInvoiceFrom+` WHERE `+matterVisible(1)+` AND ci.id = $5`,
		append(scopeArgs(s), id)...))
	return ci, one(err, "invoice")
}

// ClientInvoiceByNumber finds an invoice's id by its number within scope.
func (tx *Tx) ClientInvoiceByNumber(ctx context.Context, s Scope, number string) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, `SELECT ci.id FROM client_invoices ci JOIN matters m ON m.id = ci.matter_id WHERE `+matterVisible(1)+` AND ci.number = $5`,
		append(scopeArgs(s), strings.TrimSpace(number))...).Scan(&id)
	return id, one(err, "invoice")
}

// ClientInvoiceFilter narrows ClientInvoices. States empty is any state.
type ClientInvoiceFilter struct {
	States   []domain.InvoiceState
	MatterID int64
	ClientID int64
	Page
}

// ClientInvoices lists invoices within scope, newest first (by id); the
// page continues before AfterID.
func (tx *Tx) ClientInvoices(ctx context.Context, s Scope, f ClientInvoiceFilter) ([]domain.ClientInvoice, error) {
	args := append(scopeArgs(s), f.MatterID, f.ClientID, f.AfterID)
	states := ``
	if len(f.States) > 0 {
		ph := make([]string, len(f.States))
		for i, st := range f.States {
			args = append(args, string(st))
			ph[i] = fmt.Sprintf("$%d", len(args))
		}
		states = ` AND ci.state IN (` + strings.Join(ph, ", ") + `)`
	}
	args = append(args, f.limit())
	rows, err := tx.query(ctx, `SELECT `+clientInvoiceCols+clientInvoiceFrom+` WHERE `+matterVisible(1)+`
		AND ($5 = 0 OR ci.matter_id = $5) AND ($6 = 0 OR ci.client_id = $6) AND ($7 = 0 OR ci.id < $7)`+states+`
		ORDER BY ci.id DESC LIMIT $`+strconv.Itoa(len(args)), args...)
	return collect(rows, err, func(r *sql.Rows) (domain.ClientInvoice, error) { return scanClientInvoice(r) })
}

const clientLineCols = `l.id, l.invoice_id, l.position, l.type, l.source, l.line_date, l.units, l.unit_cost_minor, l.adjustment_minor, l.total_minor,
	l.task_code, l.expense_code, l.activity_code, l.timekeeper_id, l.timekeeper_name, l.classification, l.description,
	COALESCE(l.firm_time_id, 0), COALESCE(l.engagement_id, 0), COALESCE(l.vendor_invoice_id, 0), l.vendor_cost_minor, l.inhouse_minor,
	COALESCE(l.credited_line_id, 0)`

func scanClientLine(r interface{ Scan(...any) error }, cur domain.Currency) (domain.ClientInvoiceLine, error) {
	var l domain.ClientInvoiceLine
	var uc, adj, tot, vc, ih int64
	err := r.Scan(&l.ID, &l.InvoiceID, &l.Position, &l.Type, &l.Source, &l.Date, &l.Units, &uc, &adj, &tot, &l.TaskCode, &l.ExpenseCode,
		&l.ActivityCode, &l.TimekeeperID, &l.TimekeeperName, &l.Classification, &l.Description, &l.FirmTimeID, &l.EngagementID,
		&l.VendorInvoiceID, &vc, &ih, &l.CreditedLineID)
	m := func(v int64) domain.Money { return domain.Money{Minor: v, Currency: cur} }
	l.UnitCost, l.Adjustment, l.Total, l.VendorCost, l.InHouse = m(uc), m(adj), m(tot), m(vc), m(ih)
	return l, err
}

// ClientInvoiceLines lists an invoice's lines by position.
func (tx *Tx) ClientInvoiceLines(ctx context.Context, invoiceID int64, cur domain.Currency) ([]domain.ClientInvoiceLine, error) {
	rows, err := tx.query(ctx, `SELECT `+clientLineCols+` FROM client_invoice_lines l WHERE l.invoice_id = $1 ORDER BY l.position`, invoiceID)
	return collect(rows, err, func(r *sql.Rows) (domain.ClientInvoiceLine, error) { return scanClientLine(r, cur) })
}

// ClientInvoiceLineChunk is how many lines EachClientInvoiceLine reads at once.
const ClientInvoiceLineChunk = 2000

// EachClientInvoiceLine yields an invoice's lines by position, reading
// them in chunks so a large invoice is never held whole.
func (tx *Tx) EachClientInvoiceLine(ctx context.Context, invoiceID int64, cur domain.Currency) iter.Seq2[domain.ClientInvoiceLine, error] {
	return func(yield func(domain.ClientInvoiceLine, error) bool) {
		var after int64
		for {
			rows, err := tx.query(ctx, `SELECT `+clientLineCols+` FROM client_invoice_lines l WHERE l.invoice_id = $1 AND l.position > $2
				ORDER BY l.position LIMIT $3`, invoiceID, after, ClientInvoiceLineChunk)
			chunk, err := collect(rows, err, func(r *sql.Rows) (domain.ClientInvoiceLine, error) { return scanClientLine(r, cur) })
			if err != nil {
				yield(domain.ClientInvoiceLine{}, err)
				return
			}
			for _, l := range chunk {
				if !yield(l, nil) {
					return
				}
			}
			if len(chunk) < ClientInvoiceLineChunk {
				return
			}
			after = chunk[len(chunk)-1].Position
		}
	}
}

// CreditedLines are the ids of invoice id's lines that a credit note
// (in any state) already credits.
func (tx *Tx) CreditedLines(ctx context.Context, invoiceID int64) (map[int64]bool, error) {
	rows, err := tx.query(ctx, `SELECT cl.credited_line_id FROM client_invoice_lines cl JOIN client_invoice_lines l ON l.id = cl.credited_line_id
		WHERE l.invoice_id = $1`, invoiceID)
	ids, err := collect(rows, err, func(r *sql.Rows) (id int64, err error) { err = r.Scan(&id); return id, err })
	out := map[int64]bool{}
	for _, id := range ids {
		out[id] = true
	}
	return out, err
}

// UnbilledFirmTime lists a matter's firm time entries of the period not yet
// billed, every purpose (the rules leave rework out).
func (tx *Tx) UnbilledFirmTime(ctx context.Context, matterID int64, start, end domain.Date) ([]domain.FirmTimeEntry, error) {
	rows, err := tx.query(ctx, `SELECT f.id, f.matter_id, COALESCE(f.engagement_id, 0), f.user_id, u.name, f.worked_on, f.tenths, f.purpose,
		f.task_code, f.activity_code, f.narrative FROM firm_time_entries f JOIN users u ON u.id = f.user_id
		WHERE f.matter_id = $1 AND f.client_invoice_id IS NULL AND f.worked_on >= $2 AND f.worked_on <= $3 ORDER BY f.worked_on, f.id`,
		matterID, string(start), string(end))
	return collect(rows, err, func(r *sql.Rows) (domain.FirmTimeEntry, error) {
		var e domain.FirmTimeEntry
		err := r.Scan(&e.ID, &e.MatterID, &e.EngagementID, &e.UserID, &e.UserName, &e.WorkedOn, &e.Hours, &e.Purpose, &e.TaskCode, &e.ActivityCode, &e.Narrative)
		return e, err
	})
}

// UnbilledVendorInvoices lists the approved vendor invoices of a matter's
// engagements not yet billed with period_end on or before end, each with
// its lines and its engagement's billing mode and service.
func (tx *Tx) UnbilledVendorInvoices(ctx context.Context, matterID int64, end domain.Date) ([]domain.OutsourcedInvoice, error) {
	rows, err := tx.query(ctx, `SELECT vi.id, vi.engagement_id, vi.vendor_id, v.name, vi.number, vi.invoice_date, vi.period_start, vi.period_end,
		vi.currency, vi.total_minor, vi.approved_minor, vi.state, vi.fx_rate, vi.fx_on, vi.firm_cost_minor, vi.firm_currency, e.billing_mode, e.service
		FROM vendor_invoices vi JOIN engagements e ON e.id = vi.engagement_id JOIN vendors v ON v.id = vi.vendor_id
		WHERE e.matter_id = $1 AND vi.state = 'approved' AND vi.client_invoice_id IS NULL AND vi.period_end <= $2 ORDER BY vi.period_end, vi.id`,
		matterID, string(end))
	out, err := collect(rows, err, func(r *sql.Rows) (domain.OutsourcedInvoice, error) {
		var o domain.OutsourcedInvoice
		vi := &o.Invoice
		var cur, firmCur string
		var total, approved, firm int64
		err := r.Scan(&vi.ID, &vi.EngagementID, &vi.VendorID, &vi.VendorName, &vi.Number, &vi.Date, &vi.Start, &vi.End, &cur, &total, &approved,
			&vi.State, &vi.FXRate, &vi.FXOn, &firm, &firmCur, &o.Mode, &o.Service)
		vi.MatterID = matterID
		vi.Total = domain.Money{Minor: total, Currency: domain.Currency(cur)}
		vi.ApprovedTotal = domain.Money{Minor: approved, Currency: domain.Currency(cur)}
		if firmCur == "" {
			firmCur = cur
		}
		vi.FirmCost = domain.Money{Minor: firm, Currency: domain.Currency(firmCur)}
		return o, err
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		vi := &out[i].Invoice
		rows, err := tx.query(ctx, `SELECT l.id, l.position, l.kind, COALESCE(l.time_entry_id, 0), COALESCE(l.work_item_id, 0), COALESCE(w.title, ''),
			COALESCE(l.user_id, 0), COALESCE(u.name, ''), l.classification, l.unit, l.worked_on, l.quantity, l.rate_minor, l.amount_minor,
			l.task_code, l.activity_code, l.description, l.state, l.approved_minor, l.inhouse_minor, l.baseline_hundredths
			FROM vendor_invoice_lines l LEFT JOIN users u ON u.id = l.user_id LEFT JOIN sow_items w ON w.id = l.work_item_id
			WHERE l.invoice_id = $1 ORDER BY l.position`, vi.ID)
		cur, firmCur := vi.Total.Currency, vi.FirmCost.Currency
		vi.Lines, err = collect(rows, err, func(r *sql.Rows) (domain.VendorInvoiceLine, error) {
			var l domain.VendorInvoiceLine
			var rate, amount, approved, inHouse int64
			err := r.Scan(&l.ID, &l.Position, &l.Kind, &l.TimeEntryID, &l.WorkItemID, &l.WorkItem, &l.UserID, &l.UserName, &l.Classification, &l.Unit,
				&l.WorkedOn, &l.Quantity, &rate, &amount, &l.TaskCode, &l.ActivityCode, &l.Description, &l.State, &approved, &inHouse, &l.BaselineHours)
			l.InvoiceID = vi.ID
			l.Rate, l.Amount, l.ApprovedAmount = domain.Money{Minor: rate, Currency: cur}, domain.Money{Minor: amount, Currency: cur}, domain.Money{Minor: approved, Currency: cur}
			l.InHouse = domain.Money{Minor: inHouse, Currency: firmCur}
			return l, err
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
