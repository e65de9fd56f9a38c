package demo

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// billing gives the demo firm its billing story (issue 8), written through
// the same store functions and pure domain rules the use cases use, so
// every figure reproduces from its inputs:
//
//   - Calloway v. Tidewater (Lexora, INR, billed as a disbursement at cost
//     plus a 5% overhead): four monthly vendor invoices over the thirteen
//     weeks of review time (engagement_sow.go) — the two oldest approved
//     at 0.0120 USD per rupee, last month's disputed (Marcus asks about a
//     day of privilege calls; Anika answers), this month's pending with a
//     day-hours flag (Rohan's 11-hour day). The firm's own time each week:
//     Marcus's supervision and matter time, Priya's and Daniel's, and one
//     afternoon of rework by Priya (never billed). Client invoices: the
//     first month paid (with a credit note, sent, for a paralegal entry
//     recorded twice), the second sent with the transparency block, this
//     month's a draft. Budgets for the matter and the engagement.
//   - Greenfield (Keystone, USD, billed as a fee): two approved vendor
//     invoices from before the pause; the first billed with a 35% markup,
//     above the firm's 25% cap, approved and held for a billing partner
//     (fee_markup_above_cap, not overridden); the second at 20% and sent.
//   - Harbor Point (Lexora, closed): two approved vendor invoices from last
//     year, one client invoice paid and one written off with a reason.
//
// Client invoice states present: draft, approved (held), sent, paid,
// written off, and a credit note.
func (l *loader) billing(day func(int) domain.Date) {
	if l.err != nil {
		return
	}
	firm, err := l.tx.Firm(l.ctx)
	l.do(err)
	lexora, calloway, err := l.engagementOf("lexora", "2026-0142")
	l.do(err)
	keystone, greenfield, err := l.engagementOf("keystone", "2026-0203")
	l.do(err)
	harborEng, harbor, err := l.engagementOf("lexora", "2025-0311")
	l.do(err)
	if l.err != nil {
		return
	}
	b := billingRun{loader: l, firm: firm, policy: domain.DefaultBillingPolicy(), today: day(0)}
	marcus, priya, daniel := l.users["marcus.oyelaran@hartwellcrane.example"], l.users["priya.raman@hartwellcrane.example"], l.users["daniel.brooks@hartwellcrane.example"]
	rosa, anika, thomas := l.users["rosa.jimenez@hartwellcrane.example"], l.users["anika.deshmukh@lexora.example"], l.users["thomas.walsh@keystonereview.example"]
	eleanor := l.users["eleanor.hartwell@hartwellcrane.example"]

	// Calloway's periods: calendar months, the last one this month up to
	// day -4 (the recent time awaits the next invoice); the first from the
	// SOW's approval (day -90) to the month's end, or for a week when that
	// month has no weekday left.
	p3 := monthStart(day(-5))
	p2 := monthStart(addDays(p3, -1))
	p1 := monthStart(addDays(p2, -1))
	weekday := false
	for d := day(-90); d < p1; d = addDays(d, 1) {
		weekday = weekday || (d.Time().Weekday() != time.Saturday && d.Time().Weekday() != time.Sunday)
	}
	if !weekday {
		p1 = day(-83)
	}
	periods := [4][2]domain.Date{{day(-90), addDays(p1, -1)}, {p1, addDays(p2, -1)}, {p2, addDays(p3, -1)}, {p3, day(-4)}}

	// Harbor Point: a rate card like Calloway's, last year's rate.
	card := domain.RateCardLine{EngagementID: harborEng.ID, Kind: domain.RateHourly, Classification: domain.ClassAssociate, Description: "First-level reviewer",
		Amount: domain.NewMoney(1500_00, "INR"), Effective: day(-380), SetBy: marcus, SetAt: at(day(-381), 15)}
	if v, err := l.tx.Vendor(l.ctx, store.Scope{All: true}, harborEng.VendorID); err == nil {
		l.do(card.Validate(v))
	} else {
		l.do(err)
	}
	if l.err == nil {
		l.do(l.tx.AddRateCardLine(l.ctx, &card))
	}

	// The firm's own time.
	b.firmWeekly(calloway, lexora.ID, day(-90), day(-1), marcus, priya, daniel)
	// Daniel's first Monday, recorded twice (credited later).
	dup := b.firmTime(calloway, 0, daniel, firstWeekday(day(-90), time.Monday), 15, domain.PurposeMatter, "L320", "A110", paralegalNote)
	b.firmTime(calloway, lexora.ID, priya, firstWeekday(addDays(p1, 7), time.Thursday), 20, domain.PurposeRework, "L320", "A104",
		"Re-coded 140 documents Lexora marked not responsive in batch 6 (QC sample above the error rate)")
	b.firmWeekly(greenfield, keystone.ID, day(-48), day(-31), priya, priya, daniel)
	for off := -330; off <= -270; off++ {
		if d := day(off); d.Time().Weekday() == time.Wednesday {
			b.firmTime(harbor, 0, marcus, d, 20, domain.PurposeMatter, "L120", "A101", "Preparation for the arbitration hearing on Harbor Point's lease notices")
		}
	}

	// Vendor invoices.
	assoc := func(int64) domain.Classification { return domain.ClassAssociate }
	var lexInv [4]domain.VendorInvoice
	for i, p := range periods {
		submitted := at(addDays(p[1], 2), 9)
		if i == 3 {
			submitted = l.now.Add(-2 * time.Hour)
		}
		lexInv[i] = b.vendorInvoice(lexora, fmt.Sprintf("LX-CFS-%02d", i+1), domain.DateOf(submitted), p[0], p[1], anika, submitted, assoc,
			fmt.Sprintf("Document review for Hartwell & Crane, %s to %s", p[0], p[1]))
	}
	b.approveVendorInvoice(&lexInv[0], "0.0120", addDays(periods[0][1], 4), marcus, at(addDays(periods[0][1], 4), 11))
	b.approveVendorInvoice(&lexInv[1], "0.0120", addDays(periods[1][1], 4), marcus, at(addDays(periods[1][1], 4), 11))
	b.dispute(&lexInv[2], marcus, anika, at(addDays(periods[2][1], 3), 10), at(addDays(periods[2][1], 3), 16))

	manager := func(int64) domain.Classification { return domain.ClassOfCounsel }
	k1 := b.vendorInvoice(keystone, "KR-2026-114", day(-40), day(-50), day(-41), thomas, at(day(-40), 14), manager, "Loan-file review, first tranche")
	k2 := b.vendorInvoice(keystone, "KR-2026-131", day(-30), day(-40), day(-31), thomas, at(day(-30), 14), manager, "Loan-file review to the pause")
	b.approveVendorInvoice(&k1, "", "", priya, at(day(-38), 10))
	b.approveVendorInvoice(&k2, "", "", priya, at(day(-27), 10))

	h1 := b.vendorInvoice(harborEng, "LX-HPL-01", day(-299), day(-332), day(-301), anika, at(day(-299), 9), assoc, "Lease correspondence review, part 1")
	h2 := b.vendorInvoice(harborEng, "LX-HPL-02", day(-268), day(-300), day(-270), anika, at(day(-268), 9), assoc, "Lease correspondence review, part 2")
	b.approveVendorInvoice(&h1, "0.0119", day(-297), marcus, at(day(-297), 12))
	b.approveVendorInvoice(&h2, "0.0121", day(-266), marcus, at(day(-266), 12))

	// Client invoices, oldest first.
	hp := b.clientInvoice(harbor, day(-332), day(-301), day(-295), 0, 0, rosa, "Harbor Point arbitration: hearing preparation and record review")
	b.move(hp, domain.InvoiceDraft, domain.InvoiceApproved, marcus, at(day(-294), 10), "", "")
	b.move(hp, domain.InvoiceApproved, domain.InvoiceSent, rosa, at(day(-294), 15), "", "")
	b.move(hp, domain.InvoiceSent, domain.InvoicePaid, rosa, at(day(-270), 11), day(-271), "")
	hw := b.clientInvoice(harbor, day(-300), day(-270), day(-264), 0, 0, rosa, "Harbor Point arbitration: hearing and award")
	b.move(hw, domain.InvoiceDraft, domain.InvoiceApproved, marcus, at(day(-263), 10), "", "")
	b.move(hw, domain.InvoiceApproved, domain.InvoiceSent, rosa, at(day(-263), 15), "", "")
	b.move(hw, domain.InvoiceSent, domain.InvoiceWrittenOff, eleanor, at(day(-230), 12), "",
		"Calloway contested the hearing-preparation hours after the award; written off as agreed with Helen Calloway")

	c1 := b.clientInvoice(calloway, periods[0][0], periods[0][1], addDays(periods[0][1], 6), 500, 0, rosa, "Calloway v. Tidewater: document review, first month")
	b.move(c1, domain.InvoiceDraft, domain.InvoiceApproved, marcus, at(addDays(periods[0][1], 7), 10), "", "")
	b.move(c1, domain.InvoiceApproved, domain.InvoiceSent, rosa, at(addDays(periods[0][1], 7), 15), "", "")
	b.move(c1, domain.InvoiceSent, domain.InvoicePaid, rosa, at(addDays(periods[1][1], 1), 11), periods[1][1], "")

	gh := b.clientInvoice(greenfield, day(-50), day(-41), day(-37), 0, 3500, rosa, "Greenfield loan-file review, first tranche")
	b.move(gh, domain.InvoiceDraft, domain.InvoiceApproved, priya, at(day(-36), 10), "", "")

	c2 := b.clientInvoice(calloway, periods[1][0], periods[1][1], addDays(periods[1][1], 6), 500, 0, rosa, "Calloway v. Tidewater: document review, second month")
	b.move(c2, domain.InvoiceDraft, domain.InvoiceApproved, marcus, at(addDays(periods[1][1], 7), 10), "", "")
	b.move(c2, domain.InvoiceApproved, domain.InvoiceSent, rosa, at(addDays(periods[1][1], 7), 15), "", "")
	b.creditNote(dup, addDays(periods[1][1], 8), rosa, marcus, "Daniel Brooks's production-log entry was recorded twice")

	gs := b.clientInvoice(greenfield, day(-40), day(-28), day(-26), 0, 2000, rosa, "Greenfield loan-file review, to the pause")
	b.move(gs, domain.InvoiceDraft, domain.InvoiceApproved, priya, at(day(-25), 10), "", "")
	b.move(gs, domain.InvoiceApproved, domain.InvoiceSent, rosa, at(day(-25), 15), "", "")

	b.clientInvoice(calloway, periods[3][0], day(0), day(0), 500, 0, rosa, "Calloway v. Tidewater: this month's work so far")

	// Budgets, in the firm's currency.
	usd := func(dollars int64) domain.Money { return domain.NewMoney(dollars*100, firm.Currency) }
	for _, bu := range []domain.Budget{
		{MatterID: calloway.ID, Amount: usd(180_000), Note: "Through the close of fact discovery"},
		{MatterID: calloway.ID, EngagementID: lexora.ID, Amount: usd(20_000), Note: "Lexora's first- and second-level review, as estimated in the SOW"},
		{MatterID: greenfield.ID, Amount: usd(60_000), Note: "Regulatory review through the NCUA response"},
		{MatterID: greenfield.ID, EngagementID: keystone.ID, Amount: usd(6_000), Note: "Keystone's loan-file review"},
	} {
		bu.SetBy, bu.SetAt = marcus, at(day(-88), 10)
		if bu.MatterID == greenfield.ID {
			bu.SetBy, bu.SetAt = priya, at(day(-49), 10)
		}
		if l.err == nil {
			l.do(bu.Validate(firm.Currency))
		}
		if l.err == nil {
			l.do(l.tx.SaveBudget(l.ctx, bu))
		}
	}
}

const paralegalNote = "Updated the production log and the review platform's tags"

// billingRun carries what the billing story's helpers share.
type billingRun struct {
	*loader
	firm   domain.Firm
	policy domain.BillingPolicy
	today  domain.Date
}

func at(d domain.Date, hour int) time.Time { return d.Time().Add(time.Duration(hour) * time.Hour) }

func addDays(d domain.Date, n int) domain.Date { return domain.DateOf(d.Time().AddDate(0, 0, n)) }

func monthStart(d domain.Date) domain.Date {
	t := d.Time()
	return domain.DateOf(time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC))
}

// firstWeekday is the first day on or after d falling on wd.
func firstWeekday(d domain.Date, wd time.Weekday) domain.Date {
	for d.Time().Weekday() != wd {
		d = addDays(d, 1)
	}
	return d
}

// firmTime records one firm time entry, validated as the use case does; it
// returns its id.
func (b *billingRun) firmTime(m domain.Matter, engagement, user int64, on domain.Date, hours domain.Tenths, purpose domain.TimePurpose, task, act, note string) int64 {
	if b.err != nil {
		return 0
	}
	t := domain.FirmTimeEntry{MatterID: m.ID, EngagementID: engagement, UserID: user, WorkedOn: on, Hours: hours, Purpose: purpose, TaskCode: task,
		ActivityCode: act, Narrative: note, CreatedBy: user, CreatedAt: at(on, 22)}
	if purpose == domain.PurposeMatter {
		t.EngagementID = 0
	}
	total, err := b.tx.FirmDayTotal(b.ctx, user, on, 0)
	b.do(err)
	if b.err == nil {
		em := int64(0)
		if t.EngagementID != 0 {
			em = m.ID
		}
		b.do(t.Validate(domain.FirmTimeRules{Today: b.today, DayTotal: total, EngagementMatterID: em}))
	}
	if b.err == nil {
		b.do(b.tx.InsertFirmTime(b.ctx, &t))
	}
	return t.ID
}

// firmWeekly records a matter's ordinary weekly rhythm from from to to:
// the supervisor's supervision of the engagement on Tuesdays (1 to 2.5
// hours), their matter time on Thursdays, the associate's on Wednesdays and
// the paralegal's on Mondays.
func (b *billingRun) firmWeekly(m domain.Matter, engagement int64, from, to domain.Date, supervisor, associate, paralegal int64) {
	week := 0
	for d := from; d <= to; d = addDays(d, 1) {
		switch d.Time().Weekday() {
		case time.Tuesday:
			b.firmTime(m, engagement, supervisor, d, domain.Tenths(10+5*(week%4)), domain.PurposeSupervision, "L320", "A104",
				"Reviewed the vendor's QC sample and answered the reviewers' escalations")
			week++
		case time.Wednesday:
			if associate != supervisor {
				b.firmTime(m, 0, associate, d, 20, domain.PurposeMatter, "L210", "A103", "Drafted discovery correspondence to opposing counsel")
			}
		case time.Thursday:
			b.firmTime(m, 0, supervisor, d, 15, domain.PurposeMatter, "L120", "A106", "Strategy call with the client on the review's findings")
		case time.Monday:
			b.firmTime(m, 0, paralegal, d, 15, domain.PurposeMatter, "L320", "A110", paralegalNote)
		}
	}
}

// vendorInvoice stores a submitted vendor invoice of the engagement billing
// its approved, not yet invoiced time entries of the period, priced,
// validated, flagged and with in-house equivalents as the use case does
// (app.priceVendorInvoice), the classification given per person.
func (b *billingRun) vendorInvoice(e domain.Engagement, number string, date, start, end domain.Date, by int64, submitted time.Time,
	class func(userID int64) domain.Classification, note string) domain.VendorInvoice {
	v := domain.VendorInvoice{EngagementID: e.ID, VendorID: e.VendorID, MatterID: e.MatterID, Number: number, Date: date, Start: start, End: end,
		Note: note, State: domain.VendorInvoiceSubmitted, SubmittedBy: by, SubmittedAt: submitted}
	if b.err != nil {
		return v
	}
	ctx, tx := b.ctx, b.tx
	vendor, err := tx.Vendor(ctx, store.Scope{All: true}, e.VendorID)
	b.do(err)
	card, err := tx.RateCard(ctx, e.ID)
	b.do(err)
	entries, err := tx.TimeEntries(ctx, e.ID, 0)
	b.do(err)
	invoiced, err := tx.InvoicedTimeEntries(ctx, e.ID)
	b.do(err)
	if b.err != nil {
		return v
	}
	v.VendorName = vendor.Name
	slices.SortFunc(entries, func(x, y domain.TimeEntry) int {
		return cmp.Or(cmp.Compare(x.WorkedOn, y.WorkedOn), cmp.Compare(x.ID, y.ID))
	})
	for _, t := range entries {
		if t.State != domain.TimeApproved || invoiced[t.ID] != 0 || t.WorkedOn < start || t.WorkedOn > end {
			continue
		}
		ln := domain.VendorInvoiceLine{Kind: domain.RateHourly, TimeEntryID: t.ID, UserID: t.UserID, UserName: t.UserName, WorkItemID: t.WorkItemID,
			WorkItem: t.WorkItem, WorkedOn: t.WorkedOn, Quantity: int64(t.Hours) * 10, TaskCode: t.TaskCode, ActivityCode: t.ActivityCode,
			Description: t.Narrative, Classification: class(t.UserID)}
		for _, c := range domain.CardOn(card, t.WorkedOn) {
			if c.Kind == domain.RateHourly && c.Classification == ln.Classification {
				ln.Rate = c.Amount
			}
		}
		v.Lines = append(v.Lines, ln)
	}
	b.do(v.Validate(domain.VendorInvoiceRules{Vendor: vendor, Today: b.today}))
	if b.err != nil {
		return v
	}

	facts := domain.VendorFlagFacts{Card: card, Members: map[int64]bool{}, DayHoursFlag: b.policy.DayHoursFlag}
	cur, err := tx.CurrentSOW(ctx, e.ID)
	b.do(err)
	facts.Items = cur.Items
	members, err := tx.EngagementMembers(ctx, e.ID)
	b.do(err)
	for _, m := range members {
		facts.Members[m.UserID] = true
	}
	facts.SOWApproved, err = tx.FirstSOWApproval(ctx, e.ID)
	b.do(err)
	prior, err := tx.BilledOnEngagement(ctx, e.ID, 0)
	b.do(err)
	for _, p := range prior {
		facts.CountPriorItem(billedLine(p))
	}
	people := map[int64]bool{}
	for _, ln := range v.Lines {
		if !people[ln.UserID] {
			people[ln.UserID] = true
			hours, err := tx.BilledHours(ctx, ln.UserID, v.Start, v.End, 0)
			b.do(err)
			for _, h := range hours {
				facts.CountPriorHours(billedLine(h))
			}
		}
	}
	if b.err != nil {
		return v
	}
	flags := domain.VendorInvoiceFlags(v.Lines, facts)
	for i := range v.Lines {
		ln := &v.Lines[i]
		ln.Flags = flags[i]
		w, ok := domain.SOWItemFor(facts.Items, ln.WorkItemID, ln.WorkItem)
		if !ok {
			w, err = tx.WorkItem(ctx, e.ID, ln.WorkItemID)
			b.do(err)
		}
		ln.BaselineHours, ln.InHouse, err = domain.InHouseShare(w, *ln)
		b.do(err)
	}
	if b.err == nil {
		b.do(tx.InsertVendorInvoice(ctx, &v))
	}
	return v
}

func billedLine(p store.BilledLine) domain.VendorInvoiceLine {
	return domain.VendorInvoiceLine{Kind: p.Kind, WorkItemID: p.WorkItemID, WorkItem: p.WorkItem, UserID: p.UserID, WorkedOn: p.WorkedOn, Quantity: p.Quantity}
}

// approveVendorInvoice approves v as ApproveVendorInvoice does: every open
// line accepted, the firm's cost converted at fx (firm currency per unit of
// the vendor's) when the currencies differ.
func (b *billingRun) approveVendorInvoice(v *domain.VendorInvoice, fx string, fxOn domain.Date, by int64, when time.Time) {
	if b.err != nil {
		return
	}
	approved, err := domain.ApproveLines(v.Lines, v.Total.Currency)
	b.do(err)
	d := store.VendorInvoiceDecision{InvoiceID: v.ID, State: domain.VendorInvoiceApproved, Approved: approved, FirmCost: approved, By: by, At: when}
	if fx != "" {
		num, den, err := domain.ParseFXRate(fx)
		b.do(err)
		d.FirmCost, err = domain.FirmCost(approved, num, den, b.firm.Currency)
		b.do(err)
		d.FXRate, d.FXOn = fx, fxOn
	}
	if b.err == nil {
		b.do(b.tx.AcceptOpenVendorLines(b.ctx, v.ID))
	}
	if b.err == nil {
		b.do(b.tx.DecideVendorInvoice(b.ctx, d))
	}
	v.State, v.ApprovedTotal, v.FirmCost, v.FXRate, v.FXOn = d.State, d.Approved, d.FirmCost, d.FXRate, d.FXOn
}

// dispute disputes v's first privilege-call line with a short thread: the
// firm asks, the vendor manager answers; the line stays disputed.
func (b *billingRun) dispute(v *domain.VendorInvoice, firmUser, vendorUser int64, asked, answered time.Time) {
	if b.err != nil {
		return
	}
	i := slices.IndexFunc(v.Lines, func(ln domain.VendorInvoiceLine) bool { return ln.ActivityCode == "A103" })
	if i < 0 {
		i = 0
	}
	ln := v.Lines[i]
	b.do(b.tx.SetVendorLineState(b.ctx, v.ID, ln.ID, []domain.VendorLineState{domain.LineOpen}, domain.LineDisputed, 0))
	if b.err == nil {
		b.do(b.tx.AddVendorLineMessage(b.ctx, &domain.VendorLineMessage{LineID: ln.ID, AuthorID: firmUser, CreatedAt: asked,
			Body: fmt.Sprintf("%s bills %s hours of privilege calls on %s, but the privilege log draft shows only 38 entries for that day's batch. Can you break the time down?",
				ln.UserName, domain.FormatUnits(ln.Quantity), ln.WorkedOn)}))
	}
	if b.err == nil {
		b.do(b.tx.SetVendorInvoiceState(b.ctx, v.ID, domain.VendorInvoiceSubmitted, domain.VendorInvoiceDisputed))
	}
	if b.err == nil {
		b.do(b.tx.AddVendorLineMessage(b.ctx, &domain.VendorLineMessage{LineID: ln.ID, AuthorID: vendorUser, CreatedAt: answered,
			Body: "The day also covered re-checking 140 family members flagged by the QC sample; the log only counts parent documents. We can send the tally sheet."}))
	}
	v.State = domain.VendorInvoiceDisputed
	v.Lines[i].State = domain.LineDisputed
}

// clientInvoice drafts a client invoice for a matter's period as
// DraftClientInvoice does (AssembleClientInvoice over the unbilled firm
// time and approved vendor invoices) and marks what it bills; it returns
// the invoice's id.
func (b *billingRun) clientInvoice(m domain.Matter, start, end, date domain.Date, overheadBP, markupBP int, by int64, desc string) int64 {
	if b.err != nil {
		return 0
	}
	ctx, tx := b.ctx, b.tx
	inv := domain.ClientInvoice{Kind: domain.KindInvoice, MatterID: m.ID, MatterNumber: m.Number, MatterTitle: m.Title, ClientID: m.ClientID,
		Currency: b.firm.Currency, Date: date, Start: start, End: end, State: domain.InvoiceDraft, OverheadBP: overheadBP, MarkupBP: markupBP,
		CreatedBy: by, CreatedAt: at(date, 14), Description: domain.LEDESText(desc)}
	if date == b.today {
		inv.CreatedAt = b.now.Add(-time.Hour)
	}
	in := domain.AssembleInput{Invoice: inv, Policy: b.policy, Timekeepers: map[int64]domain.Timekeeper{}}
	var err error
	in.FirmTime, err = tx.UnbilledFirmTime(ctx, m.ID, start, end)
	b.do(err)
	for _, e := range in.FirmTime {
		if _, ok := in.Timekeepers[e.UserID]; !ok && b.err == nil {
			tk, err := tx.Timekeeper(ctx, e.UserID)
			b.do(err)
			in.Timekeepers[e.UserID] = tk
		}
	}
	in.Outsourced, err = tx.UnbilledVendorInvoices(ctx, m.ID, end)
	b.do(err)
	in.Invoice.Number, err = tx.NextClientInvoiceNumber(ctx, domain.KindInvoice, date.Time().Year())
	b.do(err)
	if b.err != nil {
		return 0
	}
	inv, lines, err := domain.AssembleClientInvoice(in)
	b.do(err)
	if b.err == nil {
		b.do(tx.CreateClientInvoice(ctx, &inv, lines))
	}
	if b.err == nil {
		b.do(tx.MarkClientInvoiceBilled(ctx, inv.ID, lines))
	}
	return inv.ID
}

// move moves a client invoice on from one state to the next.
func (b *billingRun) move(id int64, from, to domain.InvoiceState, by int64, when time.Time, paidOn domain.Date, reason string) {
	if b.err == nil {
		b.do(b.tx.MoveClientInvoice(b.ctx, id, store.ClientInvoiceMove{From: []domain.InvoiceState{from}, To: to, By: by, At: when, PaidOn: paidOn, Reason: reason},
			fmt.Sprintf("demo: invoice %d is not %s", id, from)))
	}
}

// creditNote credits, in full, the line billing firm time entry
// firmTimeID on the invoice that billed it (the first or second month's,
// depending on the calendar), as CreditNote does, then approves and sends
// it.
func (b *billingRun) creditNote(firmTimeID int64, date domain.Date, by, approver int64, reason string) {
	if b.err != nil {
		return
	}
	entry, err := b.tx.FirmTimeEntry(b.ctx, store.Scope{All: true}, firmTimeID)
	b.do(err)
	id := entry.ClientInvoiceID
	orig, err := b.tx.ClientInvoice(b.ctx, store.Scope{All: true}, id)
	b.do(err)
	lines, err := b.tx.ClientInvoiceLines(b.ctx, id, b.firm.Currency)
	b.do(err)
	credited, err := b.tx.CreditedLines(b.ctx, id)
	b.do(err)
	if b.err != nil {
		return
	}
	var positions []int64
	for _, ln := range lines {
		if ln.FirmTimeID == firmTimeID {
			positions = append(positions, ln.Position)
		}
	}
	cl, err := domain.CreditLines(lines, positions, credited, date, orig.Currency)
	b.do(err)
	cn := domain.ClientInvoice{Kind: domain.KindCreditNote, CreditsInvoiceID: orig.ID, MatterID: orig.MatterID, ClientID: orig.ClientID,
		Currency: orig.Currency, Date: date, Start: orig.Start, End: orig.End, State: domain.InvoiceDraft, CreatedBy: by, CreatedAt: at(date, 10),
		Description: domain.LEDESText(fmt.Sprintf("Credit note for invoice %s: %s", orig.Number, reason))}
	cn.Number, err = b.tx.NextClientInvoiceNumber(b.ctx, domain.KindCreditNote, date.Time().Year())
	b.do(err)
	if b.err != nil {
		return
	}
	cn, cl, err = domain.Totals(cn, cl)
	b.do(err)
	if b.err == nil {
		b.do(b.tx.CreateClientInvoice(b.ctx, &cn, cl))
	}
	b.move(cn.ID, domain.InvoiceDraft, domain.InvoiceApproved, approver, at(date, 11), "", "")
	b.move(cn.ID, domain.InvoiceApproved, domain.InvoiceSent, by, at(date, 15), "", "")
}
