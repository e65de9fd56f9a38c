package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Vendor invoices (issue 8 part 2): a vendor manager invoices an
// engagement's approved time and fixed or per-unit work in the vendor's
// currency; Probity flags what the firm's review should look at
// (domain.VendorInvoiceFlags); the firm disputes, resolves, approves (with
// the exchange rate when the currencies differ) or rejects. Each step is
// one transaction with one audit event; approved and rejected invoices are
// final.

// VendorLineInput is one line as a form, request or command gives it.
type VendorLineInput struct {
	Kind string // hourly, fixed, per_unit
	// hourly: the approved time entry; the classification billed and the
	// hourly rate default to the rate card's in force on the entry's day.
	TimeEntryID    int64
	Classification string
	Rate           string // decimal in the vendor's currency ("" for the card's)
	// fixed and per_unit
	WorkItemID   int64
	Unit         string // per_unit ("" for the item's estimate unit)
	Quantity     string // per_unit: units; fixed: the share ("1" is all, the default)
	Date         string // YYYY-MM-DD
	Description  string
	TaskCode     string // "" for the work item's
	ActivityCode string
}

// VendorInvoiceInput is an invoice as a form, request or command gives it.
type VendorInvoiceInput struct {
	Number   string
	Date     string // "" is today
	Start    string
	End      string
	Note     string
	Currency string // "" is the vendor's; anything else must be it
	Lines    []VendorLineInput
}

// SubmitVendorInvoice records a vendor manager's invoice for an engagement
// of their vendor: validated, priced, flagged and stored in one transaction,
// audited and mailed to the supervising attorney. Bad input changes nothing.
func (a *App) SubmitVendorInvoice(ctx context.Context, actor domain.User, engagementID int64, in VendorInvoiceInput) (domain.VendorInvoice, error) {
	var v domain.VendorInvoice
	if actor.Role.IsClient() {
		return v, domain.NotFound("engagement")
	}
	var mails []email
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, err := a.onEngagement(ctx, tx, actor, engagementID, domain.ActivityInvoice, nil, func(e domain.Engagement) error {
			if err := require(actor, SubmitVendorInvoices); err != nil {
				return err
			}
			if actor.VendorID != e.VendorID {
				return domain.NotFound("engagement")
			}
			return nil
		})
		if err != nil {
			return err
		}
		if v, err = a.priceVendorInvoice(ctx, tx, actor, ref, in); err != nil {
			return err
		}
		if taken, err := tx.VendorInvoiceNumberTaken(ctx, v.VendorID, v.Number); err != nil {
			return err
		} else if taken {
			return domain.Errorf(domain.EConflict, "%s already has an invoice numbered %q: give each invoice its own number", v.VendorName, v.Number)
		}
		if err := tx.InsertVendorInvoice(ctx, &v); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, actor, Record{Action: "vendor_invoice.submit", ObjectType: "vendor_invoice", ObjectID: v.ID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("invoice %s of %s on %s: %d lines, %s, %d flags", v.Number, v.VendorName, ref.Matter.Number, len(v.Lines), v.Total,
				v.FlagCount())}); err != nil {
			return err
		}
		sup, err := tx.User(ctx, ref.Engagement.SupervisingAttorneyID)
		if err != nil {
			return err
		}
		to, kind := []domain.User{sup}, domain.NotifyReviewRequested
		if v.FlagCount() > 0 {
			staff, err := a.billingStaff(ctx, tx, ref.Engagement.ID)
			if err != nil {
				return err
			}
			to, kind = append(to, staff...), domain.NotifyInvoiceFlagged
		}
		mails, err = a.mailVendorInvoice(ctx, tx, kind, to, v,
			fmt.Sprintf("Vendor invoice %s from %s to review", v.Number, v.VendorName),
			fmt.Sprintf("%s submitted invoice %s for %s on matter %s, for the period %s to %s, with %d lines and %d review flags.",
				v.VendorName, v.Number, v.Total, v.MatterNumber, v.Start, v.End, len(v.Lines), v.FlagCount()))
		return err
	})
	if err != nil {
		return domain.VendorInvoice{}, err
	}
	a.mailQueued(mails...)
	return v, nil
}

// priceVendorInvoice turns the input into an invoice of ref's engagement:
// lines priced, validated, flagged, with their in-house equivalents.
func (a *App) priceVendorInvoice(ctx context.Context, tx *store.Tx, actor domain.User, ref EngagementRef, in VendorInvoiceInput) (domain.VendorInvoice, error) {
	e := ref.Engagement
	vendor, err := tx.Vendor(ctx, store.Scope{All: true}, e.VendorID)
	if err != nil {
		return domain.VendorInvoice{}, err
	}
	today, err := a.todayFor(ctx, tx, actor)
	if err != nil {
		return domain.VendorInvoice{}, err
	}
	v := domain.VendorInvoice{EngagementID: e.ID, VendorID: vendor.ID, VendorName: vendor.Name, MatterID: ref.Matter.ID, MatterNumber: ref.Matter.Number,
		Number: in.Number, Note: in.Note, State: domain.VendorInvoiceSubmitted, SubmittedBy: actor.ID, SubmittedByName: actor.Name, SubmittedAt: a.Now()}
	if c := strings.TrimSpace(in.Currency); c != "" {
		cur, err := domain.ParseCurrency(c)
		if err != nil {
			return v, err
		}
		if cur != vendor.Currency {
			return v, domain.Invalid("currency", "%s invoices in %s, its own currency; got %s", vendor.Name, vendor.Currency, cur)
		}
	}
	if v.Date, err = domain.ParseDate("date", strings.TrimSpace(in.Date)); err != nil {
		return v, err
	}
	if v.Date == "" {
		v.Date = today
	}
	if v.Start, err = domain.ParseDate("period", strings.TrimSpace(in.Start)); err != nil {
		return v, err
	}
	if v.End, err = domain.ParseDate("period", strings.TrimSpace(in.End)); err != nil {
		return v, err
	}
	card, err := tx.RateCard(ctx, e.ID)
	if err != nil {
		return v, err
	}
	facts := domain.VendorFlagFacts{Card: card, Members: map[int64]bool{}}
	if cur, err := tx.CurrentSOW(ctx, e.ID); err == nil {
		facts.Items = cur.Items
	} else if domain.ErrorCode(err) != domain.ENotFound {
		return v, err
	}
	invoiced, err := tx.InvoicedTimeEntries(ctx, e.ID)
	if err != nil {
		return v, err
	}
	seen := map[int64]int{}
	items := map[int64]domain.WorkItem{}
	item := func(i int, id int64) (domain.WorkItem, error) {
		if w, ok := items[id]; ok {
			return w, nil
		}
		w, err := tx.WorkItem(ctx, e.ID, id)
		if domain.ErrorCode(err) == domain.ENotFound {
			return w, domain.Invalid(lineFieldOf(i, "work_item"), "work item %d is not a work item of this engagement's statement of work", id)
		}
		items[id] = w
		return w, err
	}
	for i, li := range in.Lines {
		kind, err := domain.ParseRateKind(li.Kind)
		if err != nil {
			return v, domain.Invalid(lineFieldOf(i, "kind"), "%s", domain.ErrorMessage(err))
		}
		l := domain.VendorInvoiceLine{Kind: kind, Description: li.Description, TaskCode: li.TaskCode, ActivityCode: li.ActivityCode}
		rate := func(def domain.Money, what string) error {
			if strings.TrimSpace(li.Rate) == "" {
				if def.Currency == "" {
					return domain.Invalid(lineFieldOf(i, "rate"), "give the rate: the rate card has no rate for %s on %s", what, l.WorkedOn)
				}
				l.Rate = def
				return nil
			}
			m, err := domain.ParseMoney(li.Rate, vendor.Currency)
			if err != nil {
				return domain.Invalid(lineFieldOf(i, "rate"), "%s", domain.ErrorMessage(err))
			}
			l.Rate = m
			return nil
		}
		switch kind {
		case domain.RateHourly:
			t, err := tx.TimeEntry(ctx, e.ID, li.TimeEntryID)
			if domain.ErrorCode(err) == domain.ENotFound {
				return v, domain.Invalid(lineFieldOf(i, "time_entry"), "time entry %d is not a time entry of this engagement", li.TimeEntryID)
			} else if err != nil {
				return v, err
			}
			switch {
			case t.State != domain.TimeApproved:
				return v, domain.Invalid(lineFieldOf(i, "time_entry"), "%s's time entry of %s on %s is %s: only approved time is invoiced", t.UserName, t.Hours, t.WorkedOn, t.State)
			case invoiced[t.ID] != 0:
				return v, domain.Invalid(lineFieldOf(i, "time_entry"), "%s's time entry of %s on %s is already on another invoice", t.UserName, t.Hours, t.WorkedOn)
			}
			if j, dup := seen[t.ID]; dup {
				return v, domain.Invalid(lineFieldOf(i, "time_entry"), "time entry %d is already on line %d of this invoice", t.ID, j+1)
			}
			seen[t.ID] = i
			l.TimeEntryID, l.UserID, l.UserName, l.WorkItemID, l.WorkItem, l.WorkedOn = t.ID, t.UserID, t.UserName, t.WorkItemID, t.WorkItem, t.WorkedOn
			l.Quantity = int64(t.Hours) * 10
			if l.TaskCode == "" {
				l.TaskCode = t.TaskCode
			}
			if l.ActivityCode == "" {
				l.ActivityCode = t.ActivityCode
			}
			if l.Description == "" {
				l.Description = t.Narrative
			}
			on := domain.CardOn(card, t.WorkedOn)
			if c := strings.TrimSpace(li.Classification); c != "" {
				if l.Classification, err = domain.ParseClassification(lineFieldOf(i, "classification"), c); err != nil {
					return v, err
				}
			} else {
				var classes []domain.Classification
				for _, c := range on {
					if c.Kind == domain.RateHourly && !slices.Contains(classes, c.Classification) {
						classes = append(classes, c.Classification)
					}
				}
				if len(classes) != 1 {
					return v, domain.Invalid(lineFieldOf(i, "classification"), "give the classification %s is billed at on %s (the rate card has %d hourly classifications then)",
						t.UserName, t.WorkedOn, len(classes))
				}
				l.Classification = classes[0]
			}
			var def domain.Money
			for _, c := range on {
				if c.Kind == domain.RateHourly && c.Classification == l.Classification {
					def = c.Amount
				}
			}
			if err := rate(def, "an hour of "+string(l.Classification)); err != nil {
				return v, err
			}
		case domain.RateFixed:
			w, err := item(i, li.WorkItemID)
			if err != nil {
				return v, err
			}
			if w.Pricing != domain.PricingFixed {
				return v, domain.Invalid(lineFieldOf(i, "work_item"), "%q is priced %s, not at a fixed fee: bill its time or units", w.Title, w.Pricing)
			}
			l.WorkItemID, l.WorkItem, l.Rate = w.ID, w.Title, w.Price
			l.Quantity = 100
			if q := strings.TrimSpace(li.Quantity); q != "" {
				if l.Quantity, err = domain.ParseUnits(q); err != nil {
					return v, domain.Invalid(lineFieldOf(i, "quantity"), "%s", domain.ErrorMessage(err))
				}
			}
			if strings.TrimSpace(li.Rate) != "" {
				if err := rate(domain.Money{}, ""); err != nil {
					return v, err
				}
			}
			if l.WorkedOn, err = domain.ParseDate(lineFieldOf(i, "date"), strings.TrimSpace(li.Date)); err != nil {
				return v, err
			}
			if l.WorkedOn == "" {
				l.WorkedOn = v.End
			}
			l = defaultCodes(l, w)
		case domain.RatePerUnit:
			w, err := item(i, li.WorkItemID)
			if err != nil {
				return v, err
			}
			l.WorkItemID, l.WorkItem = w.ID, w.Title
			l.Unit = strings.TrimSpace(li.Unit)
			if l.Unit == "" && w.EstimateUnit != domain.UnitHours {
				l.Unit = w.EstimateUnit
			}
			if l.Quantity, err = domain.ParseUnits(li.Quantity); err != nil {
				return v, domain.Invalid(lineFieldOf(i, "quantity"), "%s", domain.ErrorMessage(err))
			}
			if l.WorkedOn, err = domain.ParseDate(lineFieldOf(i, "date"), strings.TrimSpace(li.Date)); err != nil {
				return v, err
			}
			var def domain.Money
			for _, c := range domain.CardOn(card, l.WorkedOn) {
				if c.Kind == domain.RatePerUnit && strings.EqualFold(c.Unit, l.Unit) {
					def = c.Amount
				}
			}
			if err := rate(def, "a "+l.Unit); err != nil {
				return v, err
			}
			l = defaultCodes(l, w)
		}
		v.Lines = append(v.Lines, l)
	}
	if err := v.Validate(domain.VendorInvoiceRules{Vendor: vendor, Today: today}); err != nil {
		return v, err
	}

	// The review flags and the in-house equivalents.
	members, err := tx.EngagementMembers(ctx, e.ID)
	if err != nil {
		return v, err
	}
	for _, m := range members {
		facts.Members[m.UserID] = true
	}
	if facts.SOWApproved, err = tx.FirstSOWApproval(ctx, e.ID); err != nil {
		return v, err
	}
	policy, err := a.billingPolicy(ctx, tx)
	if err != nil {
		return v, err
	}
	facts.DayHoursFlag = policy.DayHoursFlag
	prior, err := tx.BilledOnEngagement(ctx, e.ID, 0)
	if err != nil {
		return v, err
	}
	for _, b := range prior {
		facts.CountPriorItem(billedLine(b))
	}
	people := map[int64]bool{}
	for _, l := range v.Lines {
		if l.Kind == domain.RateHourly && !people[l.UserID] {
			people[l.UserID] = true
			hours, err := tx.BilledHours(ctx, l.UserID, v.Start, v.End, 0)
			if err != nil {
				return v, err
			}
			for _, b := range hours {
				facts.CountPriorHours(billedLine(b))
			}
		}
	}
	flags := domain.VendorInvoiceFlags(v.Lines, facts)
	for i := range v.Lines {
		l := &v.Lines[i]
		l.Flags = flags[i]
		w, ok := domain.SOWItemFor(facts.Items, l.WorkItemID, l.WorkItem)
		if !ok {
			if w, err = item(i, l.WorkItemID); err != nil {
				return v, err
			}
		}
		if l.BaselineHours, l.InHouse, err = domain.InHouseShare(w, *l); err != nil {
			return v, domain.Invalid(lineFieldOf(i, "quantity"), "%s", domain.ErrorMessage(err))
		}
	}
	return v, nil
}

func billedLine(b store.BilledLine) domain.VendorInvoiceLine {
	return domain.VendorInvoiceLine{Kind: b.Kind, WorkItemID: b.WorkItemID, WorkItem: b.WorkItem, UserID: b.UserID, WorkedOn: b.WorkedOn, Quantity: b.Quantity}
}

func lineFieldOf(i int, f string) string { return fmt.Sprintf("lines[%d].%s", i, f) }

// defaultCodes fills a line's UTBMS codes from its work item.
func defaultCodes(l domain.VendorInvoiceLine, w domain.WorkItem) domain.VendorInvoiceLine {
	if strings.TrimSpace(l.TaskCode) == "" {
		l.TaskCode = w.TaskCode
	}
	if strings.TrimSpace(l.ActivityCode) == "" {
		l.ActivityCode = w.ActivityCode
	}
	return l
}

// mailVendorInvoice notifies each person of invoice v (a notification of
// kind, emailed per their preferences). The invoice is the vendor's own:
// it carries nothing of the client's invoice.
func (a *App) mailVendorInvoice(ctx context.Context, tx *store.Tx, kind domain.NotificationKind, to []domain.User, v domain.VendorInvoice, subject, body string) ([]email, error) {
	return a.notify(ctx, tx, notice{Kind: kind, Subject: subject, Body: body, EngagementID: v.EngagementID,
		Link: fmt.Sprintf("/vendor-invoices/%d", v.ID)}, to...)
}

// vendorInvoiceFor loads invoice id for actor to do act on it: not found
// outside the actor's scope (and always for client contacts), forbidden
// without the capability, the invoice stage gate checked, and a decided
// invoice refused as final.
func (a *App) vendorInvoiceFor(ctx context.Context, tx *store.Tx, actor domain.User, id int64, act Action) (domain.VendorInvoice, EngagementRef, error) {
	var v domain.VendorInvoice
	if actor.Role.IsClient() || actor.Disabled {
		return v, EngagementRef{}, domain.NotFound("vendor invoice")
	}
	v, err := tx.VendorInvoice(ctx, ScopeFor(actor), id)
	if err != nil {
		return v, EngagementRef{}, err
	}
	if actor.Role.IsVendor() && actor.VendorID != v.VendorID {
		return v, EngagementRef{}, domain.NotFound("vendor invoice")
	}
	if err := require(actor, act); err != nil {
		return v, EngagementRef{}, err
	}
	ref, err := a.workEngagement(ctx, tx, actor, v.EngagementID, domain.ActivityInvoice)
	if err != nil {
		return v, ref, err
	}
	if v.Final() {
		return v, ref, domain.Errorf(domain.EConflict, "invoice %s is %s: a decided invoice is final and does not change", v.Number, v.State)
	}
	return v, ref, nil
}

// lineOf finds line lineID on invoice v (not found otherwise).
func lineOf(v *domain.VendorInvoice, lineID int64) (*domain.VendorInvoiceLine, error) {
	for i := range v.Lines {
		if v.Lines[i].ID == lineID {
			return &v.Lines[i], nil
		}
	}
	return nil, domain.NotFound("line of this invoice")
}

// vendorLineFor loads an invoice the actor may act on (vendorInvoiceFor)
// and the line of it a dispute thread is about.
func (a *App) vendorLineFor(ctx context.Context, tx *store.Tx, actor domain.User, invoiceID, lineID int64, act Action) (domain.VendorInvoice, EngagementRef, *domain.VendorInvoiceLine, error) {
	v, ref, err := a.vendorInvoiceFor(ctx, tx, actor, invoiceID, act)
	if err != nil {
		return v, ref, nil, err
	}
	l, err := lineOf(&v, lineID)
	return v, ref, l, err
}

// threadBody checks a message's text.
func threadBody(field, s string) (string, error) {
	b := strings.TrimSpace(s)
	switch {
	case b == "":
		return b, domain.Invalid(field, "write the message")
	case len([]rune(b)) > 4000:
		return b, domain.Invalid(field, "keep the message under 4,000 characters")
	}
	return b, nil
}

// DisputeVendorLine disputes a line with a message (firm reviewers): the
// line becomes disputed and the invoice disputed; the vendor's managers are
// mailed.
func (a *App) DisputeVendorLine(ctx context.Context, actor domain.User, invoiceID, lineID int64, message string) error {
	var mails []email
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		v, ref, l, err := a.vendorLineFor(ctx, tx, actor, invoiceID, lineID, ReviewVendorInvoices)
		if err != nil {
			return err
		}
		body, err := threadBody("message", message)
		if err != nil {
			return err
		}
		if l.State != domain.LineOpen {
			return domain.Errorf(domain.EConflict, "line %d is %s: only an open line is disputed", l.Position, l.State)
		}
		if err := tx.SetVendorLineState(ctx, v.ID, l.ID, []domain.VendorLineState{domain.LineOpen}, domain.LineDisputed, 0); err != nil {
			return err
		}
		if err := tx.AddVendorLineMessage(ctx, &domain.VendorLineMessage{LineID: l.ID, AuthorID: actor.ID, Body: body, CreatedAt: a.Now()}); err != nil {
			return err
		}
		if v.State == domain.VendorInvoiceSubmitted {
			if err := tx.SetVendorInvoiceState(ctx, v.ID, domain.VendorInvoiceSubmitted, domain.VendorInvoiceDisputed); err != nil {
				return err
			}
		}
		if err := a.audit(ctx, tx, actor, Record{Action: "vendor_invoice.dispute", ObjectType: "vendor_invoice", ObjectID: v.ID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("invoice %s of %s: line %d (%s) disputed", v.Number, v.VendorName, l.Position, l.Amount)}); err != nil {
			return err
		}
		managers, err := a.vendorManagers(ctx, tx, v.VendorID)
		if err != nil {
			return err
		}
		mails, err = a.mailVendorInvoice(ctx, tx, domain.NotifyInvoiceFlagged, managers, v, fmt.Sprintf("Invoice %s: a line is disputed", v.Number),
			fmt.Sprintf("The firm disputes line %d (%s) of your invoice %s. Answer in the line's thread.", l.Position, l.Amount, v.Number))
		return err
	})
	if err == nil {
		a.mailQueued(mails...)
	}
	return err
}

// ReplyVendorLine is the vendor manager's answer in a disputed line's thread.
func (a *App) ReplyVendorLine(ctx context.Context, actor domain.User, invoiceID, lineID int64, message string) error {
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		v, ref, l, err := a.vendorLineFor(ctx, tx, actor, invoiceID, lineID, SubmitVendorInvoices)
		if err != nil {
			return err
		}
		body, err := threadBody("message", message)
		if err != nil {
			return err
		}
		if l.State != domain.LineDisputed {
			return domain.Errorf(domain.EConflict, "line %d is %s: only a disputed line's thread takes answers", l.Position, l.State)
		}
		if err := tx.AddVendorLineMessage(ctx, &domain.VendorLineMessage{LineID: l.ID, AuthorID: actor.ID, Body: body, CreatedAt: a.Now()}); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "vendor_invoice.reply", ObjectType: "vendor_invoice", ObjectID: v.ID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("invoice %s of %s: answer on line %d", v.Number, v.VendorName, l.Position)})
	})
}

// ResolveVendorLine settles a disputed line (firm reviewers): accept,
// adjust to amount (a decimal in the vendor's currency) or remove, with a
// message; when no line is disputed any more the invoice returns to
// submitted.
func (a *App) ResolveVendorLine(ctx context.Context, actor domain.User, invoiceID, lineID int64, action, amount, message string) error {
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		v, ref, l, err := a.vendorLineFor(ctx, tx, actor, invoiceID, lineID, ReviewVendorInvoices)
		if err != nil {
			return err
		}
		res, err := domain.ParseResolution(action)
		if err != nil {
			return err
		}
		var adj domain.Money
		if res == domain.ResolveAdjust {
			if strings.TrimSpace(amount) == "" {
				return domain.Invalid("amount", "give the amount accepted, in %s", v.Total.Currency)
			}
			if adj, err = domain.ParseMoney(amount, v.Total.Currency); err != nil {
				return domain.Invalid("amount", "%s", domain.ErrorMessage(err))
			}
		}
		body := strings.TrimSpace(message)
		if len([]rune(body)) > 4000 {
			return domain.Invalid("message", "keep the message under 4,000 characters")
		}
		if err := domain.ResolveLine(l, res, adj); err != nil {
			return err
		}
		if body == "" {
			body = map[domain.VendorLineResolution]string{domain.ResolveAccept: "Accepted.", domain.ResolveAdjust: "Adjusted to " + l.ApprovedAmount.String() + ".",
				domain.ResolveRemove: "Removed."}[res]
		}
		if err := tx.SetVendorLineState(ctx, v.ID, l.ID, []domain.VendorLineState{domain.LineDisputed}, l.State, l.ApprovedAmount.Minor); err != nil {
			return err
		}
		if err := tx.AddVendorLineMessage(ctx, &domain.VendorLineMessage{LineID: l.ID, AuthorID: actor.ID, Body: body, Resolution: res, Amount: adj,
			CreatedAt: a.Now()}); err != nil {
			return err
		}
		if !v.Disputed() && v.State == domain.VendorInvoiceDisputed {
			if err := tx.SetVendorInvoiceState(ctx, v.ID, domain.VendorInvoiceDisputed, domain.VendorInvoiceSubmitted); err != nil {
				return err
			}
		}
		return a.audit(ctx, tx, actor, Record{Action: "vendor_invoice.resolve", ObjectType: "vendor_invoice", ObjectID: v.ID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("invoice %s of %s: line %d %s (%s of %s)", v.Number, v.VendorName, l.Position, l.State, l.ApprovedAmount, l.Amount)})
	})
}

// ApproveVendorInvoice approves an invoice with no disputed line (firm
// reviewers): open lines are accepted; the approved total is the accepted
// and adjusted amounts; an invoice in another currency than the firm's
// needs the exchange rate (firm currency per unit of the vendor's, up to 10
// decimals) and its day, and records the firm's cost converted exactly and
// rounded once. The vendor's managers are mailed.
func (a *App) ApproveVendorInvoice(ctx context.Context, actor domain.User, invoiceID int64, fxRate, fxDate string) (domain.VendorInvoice, error) {
	var v domain.VendorInvoice
	var mails []email
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		var ref EngagementRef
		var err error
		if v, ref, err = a.vendorInvoiceFor(ctx, tx, actor, invoiceID, ReviewVendorInvoices); err != nil {
			return err
		}
		approved, err := domain.ApproveLines(v.Lines, v.Total.Currency)
		if err != nil {
			return err
		}
		firm, err := tx.Firm(ctx)
		if err != nil {
			return err
		}
		d := store.VendorInvoiceDecision{InvoiceID: v.ID, State: domain.VendorInvoiceApproved, Approved: approved, FirmCost: approved, By: actor.ID, At: a.Now()}
		if firm.Currency != v.Total.Currency {
			num, den, err := domain.ParseFXRate(fxRate)
			if err != nil {
				return domain.Invalid("fx_rate", "%s (the invoice is in %s, the firm's currency is %s)", domain.ErrorMessage(err), v.Total.Currency, firm.Currency)
			}
			on, err := domain.ParseDate("fx_date", strings.TrimSpace(fxDate))
			if err != nil {
				return err
			}
			today, err := a.todayFor(ctx, tx, actor)
			if err != nil {
				return err
			}
			switch {
			case on == "":
				return domain.Invalid("fx_date", "give the day of the exchange rate (YYYY-MM-DD)")
			case today.Before(on):
				return domain.Invalid("fx_date", "the exchange rate's day %s is after today (%s)", on, today)
			}
			if d.FirmCost, err = domain.FirmCost(approved, num, den, firm.Currency); err != nil {
				return err
			}
			d.FXRate, d.FXOn = strings.TrimSpace(fxRate), on
		} else if strings.TrimSpace(fxRate) != "" {
			return domain.Invalid("fx_rate", "the invoice is in %s, the firm's own currency: no exchange rate applies", firm.Currency)
		}
		if err := tx.AcceptOpenVendorLines(ctx, v.ID); err != nil {
			return err
		}
		if err := tx.DecideVendorInvoice(ctx, d); err != nil {
			return err
		}
		v.State, v.ApprovedTotal, v.FXRate, v.FXOn, v.FirmCost, v.DecidedBy, v.DecidedByName, v.DecidedAt =
			d.State, d.Approved, d.FXRate, d.FXOn, d.FirmCost, actor.ID, actor.Name, d.At
		summary := fmt.Sprintf("invoice %s of %s approved: %s of %s", v.Number, v.VendorName, approved, v.Total)
		if d.FXRate != "" {
			summary += fmt.Sprintf(", %s at %s on %s", d.FirmCost, d.FXRate, d.FXOn)
		}
		if err := a.audit(ctx, tx, actor, Record{Action: "vendor_invoice.approve", ObjectType: "vendor_invoice", ObjectID: v.ID, MatterID: ref.Matter.ID,
			Summary: summary}); err != nil {
			return err
		}
		managers, err := a.vendorManagers(ctx, tx, v.VendorID)
		if err != nil {
			return err
		}
		mails, err = a.mailVendorInvoice(ctx, tx, domain.NotifyApproved, managers, v, fmt.Sprintf("Invoice %s approved", v.Number),
			fmt.Sprintf("The firm approved your invoice %s: %s of the %s invoiced.", v.Number, approved, v.Total))
		return err
	})
	if err != nil {
		return domain.VendorInvoice{}, err
	}
	a.mailQueued(mails...)
	return v, nil
}

// RejectVendorInvoice refuses an undecided invoice as a whole with a
// reason (firm reviewers); its time entries may be invoiced again. The
// vendor's managers are mailed.
func (a *App) RejectVendorInvoice(ctx context.Context, actor domain.User, invoiceID int64, reason string) error {
	var mails []email
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		v, ref, err := a.vendorInvoiceFor(ctx, tx, actor, invoiceID, ReviewVendorInvoices)
		if err != nil {
			return err
		}
		why, err := threadBody("reason", reason)
		if err != nil {
			return domain.Invalid("reason", "say why the invoice is rejected")
		}
		if err := tx.DecideVendorInvoice(ctx, store.VendorInvoiceDecision{InvoiceID: v.ID, State: domain.VendorInvoiceRejected, Reason: why,
			Approved: domain.Money{Currency: v.Total.Currency}, By: actor.ID, At: a.Now()}); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, actor, Record{Action: "vendor_invoice.reject", ObjectType: "vendor_invoice", ObjectID: v.ID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("invoice %s of %s (%s) rejected", v.Number, v.VendorName, v.Total)}); err != nil {
			return err
		}
		managers, err := a.vendorManagers(ctx, tx, v.VendorID)
		if err != nil {
			return err
		}
		mails, err = a.mailVendorInvoice(ctx, tx, domain.NotifyInvoiceFlagged, managers, v, fmt.Sprintf("Invoice %s rejected", v.Number),
			fmt.Sprintf("The firm rejected your invoice %s (%s). The reason: %s\nIts time entries may be invoiced again.", v.Number, v.Total, why))
		return err
	})
	if err == nil {
		a.mailQueued(mails...)
	}
	return err
}

// VendorInvoiceView is an invoice as its page shows it, with what the
// viewer may do.
type VendorInvoiceView struct {
	Invoice      domain.VendorInvoice
	FirmCurrency domain.Currency
	InHouse      domain.Money // the lines' in-house equivalents, the firm's currency
	Flags        int
	NeedsFX      bool // approval asks for an exchange rate
	CanReview    bool // dispute, resolve, approve, reject
	CanReply     bool
}

// VendorInvoice reads one invoice: firm users who see its engagement, and
// the vendor's managers; nobody else (not found, or forbidden for a vendor
// professional).
func (a *App) VendorInvoice(ctx context.Context, actor domain.User, id int64) (VendorInvoiceView, error) {
	var view VendorInvoiceView
	if actor.Role.IsClient() || actor.Disabled {
		return view, domain.NotFound("vendor invoice")
	}
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		v, err := tx.VendorInvoice(ctx, ScopeFor(actor), id)
		if err != nil {
			return err
		}
		if actor.Role.IsVendor() && actor.VendorID != v.VendorID {
			return domain.NotFound("vendor invoice")
		}
		if err := require(actor, ViewVendorInvoices); err != nil {
			return err
		}
		if _, err := a.engagementHeader(ctx, tx, actor, v.EngagementID); err != nil {
			return err
		}
		firm, err := tx.Firm(ctx)
		if err != nil {
			return err
		}
		view = VendorInvoiceView{Invoice: v, FirmCurrency: firm.Currency, InHouse: domain.Money{Currency: firm.Currency}, Flags: v.FlagCount(),
			NeedsFX: firm.Currency != v.Total.Currency}
		for _, l := range v.Lines {
			if l.InHouse.Currency == firm.Currency {
				view.InHouse.Minor += l.InHouse.Minor
			}
		}
		if !v.Final() {
			view.CanReview = Can(actor, ReviewVendorInvoices)
			view.CanReply = Can(actor, SubmitVendorInvoices)
		}
		return nil
	})
	return view, err
}

// VendorInvoices lists the invoices in the actor's scope (firm users: every
// engagement they see; vendor managers: their own vendor's), newest first.
func (a *App) VendorInvoices(ctx context.Context, actor domain.User, f store.VendorInvoiceFilter) ([]store.VendorInvoiceSummary, error) {
	if actor.Role.IsClient() {
		return nil, domain.NotFound("vendor invoices")
	}
	if err := require(actor, ViewVendorInvoices); err != nil {
		return nil, err
	}
	if f.State != "" {
		switch f.State {
		case domain.VendorInvoiceSubmitted, domain.VendorInvoiceDisputed, domain.VendorInvoiceApproved, domain.VendorInvoiceRejected:
		default:
			return nil, domain.Invalid("state", "%q is not an invoice state (submitted, disputed, approved, rejected)", string(f.State))
		}
	}
	if actor.Role.IsVendor() {
		f.VendorID = actor.VendorID
	}
	var list []store.VendorInvoiceSummary
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		list, err = tx.VendorInvoices(ctx, ScopeFor(actor), f)
		return err
	})
	return list, err
}

// InvoiceableEntry is an approved time entry not on any live invoice, with
// the classification and rate the rate card suggests for it.
type InvoiceableEntry struct {
	domain.TimeEntry
	Classification domain.Classification // "" when the card does not decide it
	Rate           domain.Money          // zero when the card has none
}

// EngagementInvoicesView is the engagement's Invoices tab.
type EngagementInvoicesView struct {
	Header    store.EngagementSummary
	Invoices  []store.VendorInvoiceSummary
	Currency  domain.Currency // the vendor's
	Today     domain.Date
	Closed    string // why the vendor cannot invoice now ("" when open)
	CanSubmit bool
	Entries   []InvoiceableEntry // CanSubmit: by person, then day
	Items     []domain.WorkItem  // CanSubmit: the approved SOW's items
}

// EngagementInvoices reads the engagement's vendor invoices and, for the
// vendor's manager, what may be invoiced.
func (a *App) EngagementInvoices(ctx context.Context, actor domain.User, engagementID int64) (EngagementInvoicesView, error) {
	var view EngagementInvoicesView
	if actor.Role.IsClient() {
		return view, domain.NotFound("engagement")
	}
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		h, err := a.engagementHeader(ctx, tx, actor, engagementID)
		if err != nil {
			return err
		}
		if err := require(actor, ViewVendorInvoices); err != nil {
			return err
		}
		view.Header = h
		vendor, err := tx.Vendor(ctx, store.Scope{All: true}, h.VendorID)
		if err != nil {
			return err
		}
		view.Currency = vendor.Currency
		if view.Invoices, err = tx.VendorInvoices(ctx, ScopeFor(actor), store.VendorInvoiceFilter{EngagementID: engagementID}); err != nil {
			return err
		}
		if view.Today, err = a.todayFor(ctx, tx, actor); err != nil {
			return err
		}
		if err := domain.StageAllows(h.Stage, domain.ActivityInvoice); err != nil {
			view.Closed = domain.ErrorMessage(err)
			return nil
		}
		view.CanSubmit = Can(actor, SubmitVendorInvoices) && actor.VendorID == h.VendorID
		if !view.CanSubmit {
			return nil
		}
		if view.Entries, err = invoiceableEntries(ctx, tx, engagementID); err != nil {
			return err
		}
		view.Items, err = tx.WorkItems(ctx, engagementID)
		return err
	})
	return view, err
}

// invoiceableEntries lists the engagement's approved time not on a live
// invoice, by person then day, with the card's suggestion.
func invoiceableEntries(ctx context.Context, tx *store.Tx, engagementID int64) ([]InvoiceableEntry, error) {
	all, err := tx.TimeEntries(ctx, engagementID, 0)
	if err != nil {
		return nil, err
	}
	invoiced, err := tx.InvoicedTimeEntries(ctx, engagementID)
	if err != nil {
		return nil, err
	}
	card, err := tx.RateCard(ctx, engagementID)
	if err != nil {
		return nil, err
	}
	var out []InvoiceableEntry
	for _, t := range all {
		if t.State != domain.TimeApproved || invoiced[t.ID] != 0 {
			continue
		}
		ie := InvoiceableEntry{TimeEntry: t}
		var hourly []domain.RateCardLine
		for _, c := range domain.CardOn(card, t.WorkedOn) {
			if c.Kind == domain.RateHourly {
				hourly = append(hourly, c)
			}
		}
		if len(hourly) == 1 {
			ie.Classification, ie.Rate = hourly[0].Classification, hourly[0].Amount
		}
		out = append(out, ie)
	}
	slices.SortStableFunc(out, func(x, y InvoiceableEntry) int {
		if c := strings.Compare(x.UserName, y.UserName); c != 0 {
			return c
		}
		return strings.Compare(string(x.WorkedOn), string(y.WorkedOn))
	})
	return out, nil
}
