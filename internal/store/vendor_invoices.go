package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/domain"
)

// Vendor invoices (migration 0018): what a vendor bills the firm for one
// engagement, its lines with their review flags and states, and each line's
// dispute thread. The rules are in domain/vendor_invoice.go and the use
// cases in app/vendor_invoices.go; the demo and client invoices call
// InsertVendorInvoice and DecideVendorInvoice from their own transactions.

const vendorInvoiceCols = `vi.id, vi.engagement_id, vi.vendor_id, v.name, e.matter_id, m.number, vi.number, vi.invoice_date, vi.period_start, vi.period_end,
	vi.currency, vi.total_minor, vi.approved_minor, vi.state, vi.note, vi.fx_rate, vi.fx_on, vi.firm_cost_minor, vi.firm_currency,
	COALESCE(vi.client_invoice_id, 0), vi.submitted_by, su.name, vi.submitted_at, COALESCE(vi.decided_by, 0), COALESCE(du.name, ''), vi.decided_at,
	vi.decision_reason`

const vendorInvoiceFrom = ` FROM vendor_invoices vi JOIN engagements e ON e.id = vi.engagement_id JOIN matters m ON m.id = e.matter_id
	JOIN vendors v ON v.id = vi.vendor_id JOIN users su ON su.id = vi.submitted_by LEFT JOIN users du ON du.id = vi.decided_by`

func scanVendorInvoice(r interface{ Scan(...any) error }) (domain.VendorInvoice, error) {
	return scanVendorInvoiceRow(r)
}

// scanVendorInvoiceRow scans vendorInvoiceCols followed by extra columns.
func scanVendorInvoiceRow(r interface{ Scan(...any) error }, extra ...any) (domain.VendorInvoice, error) {
	var v domain.VendorInvoice
	var cur, firmCur string
	var total, approved, firmCost, submitted, decided int64
	err := r.Scan(append([]any{&v.ID, &v.EngagementID, &v.VendorID, &v.VendorName, &v.MatterID, &v.MatterNumber, &v.Number, &v.Date, &v.Start, &v.End,
		&cur, &total, &approved, &v.State, &v.Note, &v.FXRate, &v.FXOn, &firmCost, &firmCur,
		&v.ClientInvoiceID, &v.SubmittedBy, &v.SubmittedByName, &submitted, &v.DecidedBy, &v.DecidedByName, &decided, &v.DecisionReason}, extra...)...)
	c := domain.Currency(cur)
	v.Total, v.ApprovedTotal = domain.Money{Minor: total, Currency: c}, domain.Money{Minor: approved, Currency: c}
	if firmCur != "" {
		v.FirmCost = domain.Money{Minor: firmCost, Currency: domain.Currency(firmCur)}
	}
	v.SubmittedAt, v.DecidedAt = fromUS(submitted), orZero(decided)
	return v, err
}

// VendorInvoiceFilter narrows VendorInvoices.
type VendorInvoiceFilter struct {
	EngagementID int64
	VendorID     int64
	State        domain.VendorInvoiceState // "" for every state
	Limit        int                       // 0: 500
}

// VendorInvoiceSummary is an invoice as a list shows it: without its lines,
// with how many flags and disputed lines it carries.
type VendorInvoiceSummary struct {
	domain.VendorInvoice
	Flags    int
	Disputed int
	Lines    int
}

// VendorInvoices lists the invoices in scope, newest first (invoice date,
// then id).
func (tx *Tx) VendorInvoices(ctx context.Context, s Scope, f VendorInvoiceFilter) ([]VendorInvoiceSummary, error) {
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	rows, err := tx.query(ctx, `SELECT `+vendorInvoiceCols+`,
		(SELECT COUNT(*) FROM vendor_invoice_lines l WHERE l.invoice_id = vi.id),
		(SELECT COUNT(*) FROM vendor_invoice_lines l WHERE l.invoice_id = vi.id AND l.state = 'disputed')`+vendorInvoiceFrom+`
		WHERE `+engagementVisible(1)+` AND ($5 = 0 OR vi.engagement_id = $5) AND ($6 = 0 OR vi.vendor_id = $6) AND ($7 = '' OR vi.state = $7)
		ORDER BY vi.invoice_date DESC, vi.id DESC LIMIT $8`, append(scopeArgs(s), f.EngagementID, f.VendorID, string(f.State), limit)...)
	list, err := collect(rows, err, func(r *sql.Rows) (VendorInvoiceSummary, error) {
		var v VendorInvoiceSummary
		inv, err := scanVendorInvoiceRow(r, &v.Lines, &v.Disputed)
		v.VendorInvoice = inv
		return v, err
	})
	if err != nil || len(list) == 0 {
		return list, err
	}
	// Flags are comma-separated codes per line: count them in Go, one query.
	ids := make([]any, len(list))
	at := map[int64]int{}
	for i, v := range list {
		ids[i] = v.ID
		at[v.ID] = i
	}
	frows, err := tx.query(ctx, `SELECT invoice_id, flags FROM vendor_invoice_lines WHERE flags <> '' AND invoice_id IN (`+inList(1, len(ids))+`)`, ids...)
	type fl struct {
		id    int64
		flags string
	}
	fls, err := collect(frows, err, func(r *sql.Rows) (x fl, err error) { err = r.Scan(&x.id, &x.flags); return x, err })
	if err != nil {
		return nil, err
	}
	for _, x := range fls {
		list[at[x.id]].Flags += len(strings.Split(x.flags, ","))
	}
	return list, nil
}

// VendorInvoice loads an invoice in scope with its lines (flags and
// dispute threads included); ENotFound outside the scope.
func (tx *Tx) VendorInvoice(ctx context.Context, s Scope, id int64) (domain.VendorInvoice, error) {
	v, err := scanVendorInvoice(tx.queryRow(ctx, `SELECT `+vendorInvoiceCols+vendorInvoiceFrom+` WHERE `+engagementVisible(1)+` AND vi.id = $5`,
		append(scopeArgs(s), id)...))
	if err = one(err, "vendor invoice"); err != nil {
		return v, err
	}
	v.Lines, err = tx.vendorInvoiceLines(ctx, v.ID, v.Total.Currency)
	return v, err
}

const vendorLineCols = `l.id, l.invoice_id, l.position, l.kind, COALESCE(l.time_entry_id, 0), COALESCE(l.work_item_id, 0), COALESCE(i.title, ''),
	COALESCE(l.user_id, 0), COALESCE(u.name, ''), l.classification, l.unit, l.worked_on, l.quantity, l.rate_minor, l.amount_minor, l.task_code,
	l.activity_code, l.description, l.flags, l.flag_notes, l.state, l.approved_minor, l.inhouse_minor, l.baseline_hundredths`

func (tx *Tx) vendorInvoiceLines(ctx context.Context, invoiceID int64, cur domain.Currency) ([]domain.VendorInvoiceLine, error) {
	var firm domain.Currency
	if f, err := tx.Firm(ctx); err == nil {
		firm = f.Currency
	} else {
		return nil, err
	}
	rows, err := tx.query(ctx, `SELECT `+vendorLineCols+` FROM vendor_invoice_lines l LEFT JOIN sow_items i ON i.id = l.work_item_id
		LEFT JOIN users u ON u.id = l.user_id WHERE l.invoice_id = $1 ORDER BY l.position`, invoiceID)
	lines, err := collect(rows, err, func(r *sql.Rows) (domain.VendorInvoiceLine, error) {
		var l domain.VendorInvoiceLine
		var rate, amount, approved, inhouse int64
		var flags, notes string
		err := r.Scan(&l.ID, &l.InvoiceID, &l.Position, &l.Kind, &l.TimeEntryID, &l.WorkItemID, &l.WorkItem, &l.UserID, &l.UserName,
			&l.Classification, &l.Unit, &l.WorkedOn, &l.Quantity, &rate, &amount, &l.TaskCode, &l.ActivityCode, &l.Description, &flags, &notes,
			&l.State, &approved, &inhouse, &l.BaselineHours)
		l.Rate, l.Amount, l.ApprovedAmount = domain.Money{Minor: rate, Currency: cur}, domain.Money{Minor: amount, Currency: cur}, domain.Money{Minor: approved, Currency: cur}
		l.InHouse = domain.Money{Minor: inhouse, Currency: firm}
		l.Flags = splitFlags(flags, notes)
		return l, err
	})
	if err != nil || len(lines) == 0 {
		return lines, err
	}
	at := map[int64]int{}
	for i, l := range lines {
		at[l.ID] = i
	}
	mrows, err := tx.query(ctx, `SELECT g.id, g.line_id, g.author_id, u.name, g.body, g.resolution, g.amount_minor, g.created_at
		FROM vendor_invoice_messages g JOIN users u ON u.id = g.author_id JOIN vendor_invoice_lines l ON l.id = g.line_id
		WHERE l.invoice_id = $1 ORDER BY g.id`, invoiceID)
	msgs, err := collect(mrows, err, func(r *sql.Rows) (domain.VendorLineMessage, error) {
		var g domain.VendorLineMessage
		var amount, at int64
		err := r.Scan(&g.ID, &g.LineID, &g.AuthorID, &g.AuthorName, &g.Body, &g.Resolution, &amount, &at)
		g.Amount, g.CreatedAt = domain.Money{Minor: amount, Currency: cur}, fromUS(at)
		return g, err
	})
	if err != nil {
		return nil, err
	}
	for _, g := range msgs {
		i := at[g.LineID]
		lines[i].Messages = append(lines[i].Messages, g)
	}
	return lines, nil
}

// splitFlags pairs the stored codes with their explanations.
func splitFlags(codes, notes string) []domain.VendorFlag {
	if codes == "" {
		return nil
	}
	cs, ns := strings.Split(codes, ","), strings.Split(notes, "\n")
	out := make([]domain.VendorFlag, len(cs))
	for i, c := range cs {
		out[i].Code = domain.VendorFlagCode(c)
		if i < len(ns) {
			out[i].Message = ns[i]
		}
	}
	return out
}

// flagNotes joins flags' explanations, one line each.
func flagNotes(fl []domain.VendorFlag) string {
	n := make([]string, len(fl))
	for i, f := range fl {
		n[i] = strings.ReplaceAll(f.Message, "\n", " ")
	}
	return strings.Join(n, "\n")
}

// VendorInvoiceNumberTaken reports whether the vendor already used number
// on an invoice.
func (tx *Tx) VendorInvoiceNumberTaken(ctx context.Context, vendorID int64, number string) (bool, error) {
	var n int64
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM vendor_invoices WHERE vendor_id = $1 AND number = $2`, vendorID, number).Scan(&n)
	return n > 0, err
}

// InsertVendorInvoice stores a whole invoice with its lines as given
// (state, amounts, flags, in-house figures; lines' State "" is open),
// setting v.ID and each line's ID and InvoiceID. The use case validates
// and computes first (domain.VendorInvoice.Validate, VendorInvoiceFlags,
// BaselineShare); the demo calls it from its own transaction. A number the
// vendor already used is EConflict.
func (tx *Tx) InsertVendorInvoice(ctx context.Context, v *domain.VendorInvoice) error {
	if v.State == "" {
		v.State = domain.VendorInvoiceSubmitted
	}
	var firmCur string
	if v.FirmCost.Currency != "" {
		firmCur = string(v.FirmCost.Currency)
	}
	id, err := tx.insert(ctx, `INSERT INTO vendor_invoices (engagement_id, vendor_id, number, invoice_date, period_start, period_end, currency,
		total_minor, approved_minor, state, note, fx_rate, fx_on, firm_cost_minor, firm_currency, client_invoice_id, submitted_by, submitted_at,
		decided_by, decided_at, decision_reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
		v.EngagementID, v.VendorID, v.Number, string(v.Date), string(v.Start), string(v.End), string(v.Total.Currency),
		v.Total.Minor, v.ApprovedTotal.Minor, string(v.State), v.Note, v.FXRate, string(v.FXOn), v.FirmCost.Minor, firmCur, nullID(v.ClientInvoiceID),
		v.SubmittedBy, us(v.SubmittedAt), nullID(v.DecidedBy), usOrZero(v.DecidedAt), v.DecisionReason)
	if err != nil {
		return err
	}
	v.ID = id
	if len(v.Lines) == 0 {
		return nil
	}
	cols := []string{"invoice_id", "position", "kind", "time_entry_id", "work_item_id", "user_id", "classification", "unit", "worked_on", "quantity",
		"rate_minor", "amount_minor", "task_code", "activity_code", "description", "flags", "flag_notes", "state", "approved_minor", "inhouse_minor",
		"baseline_hundredths"}
	rows := make([][]any, len(v.Lines))
	for i := range v.Lines {
		l := &v.Lines[i]
		if l.Position == 0 {
			l.Position = i + 1
		}
		if l.State == "" {
			l.State = domain.LineOpen
		}
		l.InvoiceID = id
		rows[i] = []any{id, l.Position, string(l.Kind), nullID(l.TimeEntryID), nullID(l.WorkItemID), nullID(l.UserID), string(l.Classification), l.Unit,
			string(l.WorkedOn), l.Quantity, l.Rate.Minor, l.Amount.Minor, l.TaskCode, l.ActivityCode, l.Description, domain.FlagCodes(l.Flags),
			flagNotes(l.Flags), string(l.State), l.ApprovedAmount.Minor, l.InHouse.Minor, l.BaselineHours}
	}
	if err := tx.bulkInsert(ctx, "vendor_invoice_lines", cols, rows); err != nil {
		return err
	}
	lrows, err := tx.query(ctx, `SELECT id, position FROM vendor_invoice_lines WHERE invoice_id = $1`, id)
	type pos struct{ id, p int64 }
	ps, err := collect(lrows, err, func(r *sql.Rows) (x pos, err error) { err = r.Scan(&x.id, &x.p); return x, err })
	if err != nil {
		return err
	}
	byPos := map[int64]int64{}
	for _, x := range ps {
		byPos[x.p] = x.id
	}
	for i := range v.Lines {
		v.Lines[i].ID = byPos[int64(v.Lines[i].Position)]
	}
	return nil
}

func usOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return us(t)
}

// BilledLine is a line of a non-rejected vendor invoice, as the review
// flags count it.
type BilledLine struct {
	InvoiceID  int64
	Kind       domain.RateKind
	WorkItemID int64
	WorkItem   string
	UserID     int64
	WorkedOn   domain.Date
	Quantity   int64
}

const billedLineSelect = `SELECT l.invoice_id, l.kind, COALESCE(l.work_item_id, 0), COALESCE(i.title, ''), COALESCE(l.user_id, 0), l.worked_on, l.quantity
	FROM vendor_invoice_lines l JOIN vendor_invoices vi ON vi.id = l.invoice_id LEFT JOIN sow_items i ON i.id = l.work_item_id
	WHERE vi.state <> 'rejected' AND l.state <> 'removed'`

func scanBilledLine(r *sql.Rows) (b BilledLine, err error) {
	err = r.Scan(&b.InvoiceID, &b.Kind, &b.WorkItemID, &b.WorkItem, &b.UserID, &b.WorkedOn, &b.Quantity)
	return b, err
}

// BilledOnEngagement lists the lines of the engagement's non-rejected
// invoices other than exceptInvoice (removed lines left out).
func (tx *Tx) BilledOnEngagement(ctx context.Context, engagementID, exceptInvoice int64) ([]BilledLine, error) {
	rows, err := tx.query(ctx, billedLineSelect+` AND vi.engagement_id = $1 AND vi.id <> $2`, engagementID, exceptInvoice)
	return collect(rows, err, scanBilledLine)
}

// BilledHours lists the hourly lines of userID's non-rejected invoices
// (any engagement) from day from to day to, other than exceptInvoice.
func (tx *Tx) BilledHours(ctx context.Context, userID int64, from, to domain.Date, exceptInvoice int64) ([]BilledLine, error) {
	rows, err := tx.query(ctx, billedLineSelect+` AND l.kind = 'hourly' AND l.user_id = $1 AND l.worked_on >= $2 AND l.worked_on <= $3 AND vi.id <> $4`,
		userID, string(from), string(to), exceptInvoice)
	return collect(rows, err, scanBilledLine)
}

// InvoicedTimeEntries maps each of the engagement's time entries on a
// submitted, disputed or approved invoice to that invoice's id (an entry on
// a rejected invoice may be invoiced again).
func (tx *Tx) InvoicedTimeEntries(ctx context.Context, engagementID int64) (map[int64]int64, error) {
	rows, err := tx.query(ctx, `SELECT l.time_entry_id, vi.id FROM vendor_invoice_lines l JOIN vendor_invoices vi ON vi.id = l.invoice_id
		WHERE vi.engagement_id = $1 AND vi.state <> 'rejected' AND l.time_entry_id IS NOT NULL`, engagementID)
	type pair struct{ entry, inv int64 }
	ps, err := collect(rows, err, func(r *sql.Rows) (p pair, err error) { err = r.Scan(&p.entry, &p.inv); return p, err })
	out := make(map[int64]int64, len(ps))
	for _, p := range ps {
		out[p.entry] = p.inv
	}
	return out, err
}

// SetVendorLineState moves line lineID of invoice invoiceID to state with
// the approved amount, only from one of the states from (EConflict when it
// has moved meanwhile).
func (tx *Tx) SetVendorLineState(ctx context.Context, invoiceID, lineID int64, from []domain.VendorLineState, to domain.VendorLineState, approvedMinor int64) error {
	args := []any{string(to), approvedMinor, lineID, invoiceID}
	marks := make([]string, len(from))
	for i, s := range from {
		args = append(args, string(s))
		marks[i] = "$" + strconv.Itoa(len(args))
	}
	r, err := tx.exec(ctx, `UPDATE vendor_invoice_lines SET state = $1, approved_minor = $2 WHERE id = $3 AND invoice_id = $4 AND state IN (`+
		strings.Join(marks, ", ")+`)`, args...)
	return changedOne(r, err, "the line changed meanwhile: reload the invoice")
}

// AcceptOpenVendorLines accepts every open line of the invoice at its amount.
func (tx *Tx) AcceptOpenVendorLines(ctx context.Context, invoiceID int64) error {
	_, err := tx.exec(ctx, `UPDATE vendor_invoice_lines SET state = 'accepted', approved_minor = amount_minor WHERE invoice_id = $1 AND state = 'open'`, invoiceID)
	return err
}

// AddVendorLineMessage appends a message to a line's dispute thread.
func (tx *Tx) AddVendorLineMessage(ctx context.Context, g *domain.VendorLineMessage) error {
	id, err := tx.insert(ctx, `INSERT INTO vendor_invoice_messages (line_id, author_id, body, resolution, amount_minor, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, g.LineID, g.AuthorID, g.Body, string(g.Resolution), g.Amount.Minor, us(g.CreatedAt))
	g.ID = id
	return err
}

// SetVendorInvoiceState moves an undecided invoice between submitted and
// disputed (compare-and-set on from; EConflict when it moved meanwhile).
func (tx *Tx) SetVendorInvoiceState(ctx context.Context, id int64, from, to domain.VendorInvoiceState) error {
	r, err := tx.exec(ctx, `UPDATE vendor_invoices SET state = $1 WHERE id = $2 AND state = $3`, string(to), id, string(from))
	return changedOne(r, err, "the invoice changed meanwhile: reload it")
}

// VendorInvoiceDecision is the firm's approval or rejection of an invoice.
type VendorInvoiceDecision struct {
	InvoiceID int64
	State     domain.VendorInvoiceState // approved or rejected
	Approved  domain.Money              // approved: accepted + adjusted amounts, the vendor's currency
	FXRate    string                    // "" when the currencies are the same
	FXOn      domain.Date
	FirmCost  domain.Money // approved: in the firm's currency
	Reason    string       // rejected: why
	By        int64
	At        time.Time
}

// DecideVendorInvoice records the decision on an undecided invoice
// (submitted, or disputed for a rejection); EConflict when it is decided
// already. Lines are not touched: approval accepts open lines first
// (AcceptOpenVendorLines). The demo may call it from its transaction.
func (tx *Tx) DecideVendorInvoice(ctx context.Context, d VendorInvoiceDecision) error {
	from := "'submitted'"
	if d.State == domain.VendorInvoiceRejected {
		from = "'submitted','disputed'"
	}
	var firmCur string
	if d.FirmCost.Currency != "" {
		firmCur = string(d.FirmCost.Currency)
	}
	r, err := tx.exec(ctx, `UPDATE vendor_invoices SET state = $1, approved_minor = $2, fx_rate = $3, fx_on = $4, firm_cost_minor = $5,
		firm_currency = $6, decided_by = $7, decided_at = $8, decision_reason = $9 WHERE id = $10 AND state IN (`+from+`)`,
		string(d.State), d.Approved.Minor, d.FXRate, string(d.FXOn), d.FirmCost.Minor, firmCur, d.By, us(d.At), d.Reason, d.InvoiceID)
	return changedOne(r, err, "the invoice is already decided, or has a disputed line")
}
