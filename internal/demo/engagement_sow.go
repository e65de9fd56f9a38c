package demo

import (
	"fmt"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// statementsOfWork adds the demo firm's statements of work, change orders,
// deadlines and time entries: approved statements for the active, paused
// and closed engagements (Calloway/Lexora with an approved change order as
// version 2), a draft awaiting the vendor manager on the engagement at stage
// sow, deadlines this week and one overdue, and Lexora's reviewers' time.
func (l *loader) statementsOfWork(day func(int) domain.Date) {
	if l.err != nil {
		return
	}
	list, err := l.tx.ListEngagements(l.ctx, store.Scope{All: true}, store.EngagementFilter{Page: store.Page{Limit: store.MaxPageSize}})
	l.do(err)
	firm, err := l.tx.Firm(l.ctx)
	l.do(err)
	if l.err != nil {
		return
	}
	at := func(d domain.Date) time.Time { return d.Time().Add(15 * time.Hour) }
	inr := func(rupees int64) domain.Money { return domain.NewMoney(rupees*100, "INR") }
	fc := func(units int64) domain.Money { return domain.NewMoney(units*100, firm.Currency) }
	for _, e := range list {
		switch {
		case e.VendorName == "Lexora Legal Services Pvt. Ltd." && e.Stage == domain.StageActive:
			items := []domain.WorkItem{
				{Service: domain.ServiceDocumentReview, Title: "First-level responsiveness review", Description: "Responsiveness coding of the 48,000-document collection",
					Deliverable: "Coded review set and batch reports", Acceptance: "Under 3% error in the firm's QC sample", DueOn: day(21),
					Estimate: 24000, EstimateUnit: domain.UnitHours, BaselineHours: 9600, BaselineRate: fc(185), Pricing: domain.PricingHourly, Price: inr(1650),
					TaskCode: "L320", ActivityCode: "A104"},
				{Service: domain.ServiceDocumentReview, Title: "Privilege review and privilege log", Description: "Privilege calls and a log in the court's format",
					Deliverable: "Privilege log (Excel) with narratives", Acceptance: "Every withheld document logged; attorney sign-off", DueOn: day(35),
					Estimate: 6000, EstimateUnit: domain.UnitHours, BaselineHours: 2400, BaselineRate: fc(240), Pricing: domain.PricingHourly, Price: inr(2100),
					TaskCode: "L320", ActivityCode: "A103"},
			}
			v1 := l.sow(e, 1, "", items, e.SupervisingAttorneyID, "anika.deshmukh@lexora.example", at(day(-90)), day(-90))
			change := append(append([]domain.WorkItem{}, v1.Items...), domain.WorkItem{Service: domain.ServiceDocumentReview, Title: "Second-level QC of hot documents",
				Description: "Second-level review of documents coded hot", Deliverable: "Hot-document memo", Acceptance: "Reviewed by the supervising attorney",
				DueOn: day(28), Estimate: 1500, EstimateUnit: "documents", BaselineHours: 900, BaselineRate: fc(240), Pricing: domain.PricingUnit, Price: inr(950),
				TaskCode: "L609", ActivityCode: "A104"})
			v2 := l.sow(e, 2, "Tidewater produced 6,000 more documents; add second-level QC of hot documents", change, e.SupervisingAttorneyID,
				"anika.deshmukh@lexora.example", at(day(-30)), day(-30))
			l.deadline(e, "Batch 14 coding complete", day(2), "rohan.kulkarni@lexora.example", v2.Items[0].ID)
			l.deadline(e, "Privilege log draft to Marcus", day(4), "anika.deshmukh@lexora.example", v2.Items[1].ID)
			l.deadline(e, "QC sample results reviewed", day(5), "marcus.oyelaran@hartwellcrane.example", 0)
			l.deadline(e, "Hot documents memo, first cut", day(-2), "meera.iyer@lexora.example", v2.Items[2].ID) // overdue
			for i, t := range []struct {
				who   string
				ago   int
				hours domain.Tenths
				item  int
				act   string
				note  string
				state domain.TimeState
			}{
				{"rohan.kulkarni@lexora.example", 3, 75, 0, "A104", "Responsiveness review, batch 12 (2,140 documents)", domain.TimeApproved},
				{"rohan.kulkarni@lexora.example", 2, 80, 0, "A104", "Responsiveness review, batch 13 (2,310 documents)", domain.TimeApproved},
				{"rohan.kulkarni@lexora.example", 1, 65, 1, "A103", "Privilege calls on batch 13 and log narratives", domain.TimeSubmitted},
				{"meera.iyer@lexora.example", 3, 70, 0, "A104", "Responsiveness review, batch 11", domain.TimeApproved},
				{"meera.iyer@lexora.example", 1, 60, 2, "A104", "Second-level review of hot documents, set 1", domain.TimeSubmitted},
			} {
				te := domain.TimeEntry{EngagementID: e.ID, WorkItemID: v2.Items[t.item].ID, UserID: l.users[t.who], WorkedOn: day(-t.ago), Hours: t.hours,
					TaskCode: v2.Items[t.item].TaskCode, ActivityCode: t.act, Narrative: t.note, State: domain.TimeSubmitted}
				l.do(l.tx.CreateTimeEntry(l.ctx, &te, at(day(-t.ago)).Add(time.Duration(i)*time.Minute)))
				if t.state == domain.TimeApproved && l.err == nil {
					l.do(l.tx.DecideTimeEntry(l.ctx, te.ID, domain.TimeApproved, "", l.users["anika.deshmukh@lexora.example"], at(day(-t.ago+1))))
				}
			}
			l.lexoraTimeHistory(e, v1, v2, day) // issue 8: thirteen weeks of approved review time, growing
		case e.Stage == domain.StageActive || e.Stage == domain.StagePaused || e.Stage == domain.StageClosed:
			vc := domain.NewMoney(0, "USD")
			if v, err := l.tx.Vendor(l.ctx, store.Scope{All: true}, e.VendorID); err == nil {
				vc.Currency = v.Currency
			}
			approved := day(-50)
			if e.Stage == domain.StageClosed {
				approved = day(-380)
			}
			vc.Minor = 45_00
			if vc.Currency == "INR" {
				vc.Minor = 1_650_00
			}
			w := domain.WorkItem{Service: e.Service, Title: e.Description, Deliverable: "Coded review set", Acceptance: "Attorney QC sign-off",
				Estimate: 800, EstimateUnit: domain.UnitHours, BaselineHours: 500, BaselineRate: fc(210), Pricing: domain.PricingHourly, Price: vc,
				TaskCode: "L320", ActivityCode: "A104"}
			v := l.sow(e, 1, "", []domain.WorkItem{w}, e.SupervisingAttorneyID, l.vendorLead(e.ID), at(approved), approved)
			l.pastVendorTime(e, v, day) // issue 8: the time Keystone and Harbor Point's reviewers billed
		case e.Stage == domain.StageSOW:
			vc := domain.NewMoney(0, "USD")
			if v, err := l.tx.Vendor(l.ctx, store.Scope{All: true}, e.VendorID); err == nil {
				vc.Currency = v.Currency
			}
			vc.Minor = 1_200_00
			v := domain.SOWVersion{EngagementID: e.ID, DraftedBy: e.SupervisingAttorneyID, DraftedAt: at(day(-1)), Items: []domain.WorkItem{
				{Service: e.Service, Title: "First draft of the privilege log", Description: e.Description,
					Deliverable: "Privilege log in the court's format, with a narrative per withheld document",
					Acceptance:  "Every withheld document logged with the privilege claimed; reviewed by the supervising attorney", DueOn: day(30),
					Estimate: 3200, EstimateUnit: domain.UnitHours, BaselineHours: 1400, BaselineRate: fc(175), Pricing: domain.PricingHourly, Price: vc,
					TaskCode: "L320", ActivityCode: "A103"}}}
			l.do(l.tx.CreateSOWVersion(l.ctx, &v))
			if l.err == nil {
				l.do(l.tx.ApproveSOWSide(l.ctx, v.ID, true, 1, e.SupervisingAttorneyID, at(day(-1))))
			}
			l.deadline(e, "Vendor manager's approval of the statement of work", day(3), l.vendorLead(e.ID), 0)
		}
	}
}

// sow stores an approved version of items for engagement e.
func (l *loader) sow(e store.EngagementSummary, n int, reason string, items []domain.WorkItem, firmBy int64, vendorLead string, at time.Time, on domain.Date) domain.SOWVersion {
	v := domain.SOWVersion{EngagementID: e.ID, Reason: reason, DraftedBy: firmBy, DraftedAt: at.Add(-72 * time.Hour), Items: items}
	if l.err != nil {
		return v
	}
	l.do(l.tx.CreateSOWVersion(l.ctx, &v))
	if l.err != nil {
		return v
	}
	l.do(l.tx.ApproveSOWSide(l.ctx, v.ID, true, 1, firmBy, at.Add(-2*time.Hour)))
	l.do(l.tx.ApproveSOWSide(l.ctx, v.ID, false, 1, l.users[vendorLead], at))
	l.do(l.tx.FreezeSOW(l.ctx, v.ID, v.Hash(), at, on))
	return v
}

// vendorLead is the email of the engagement's vendor lead ("" if none).
func (l *loader) vendorLead(engagementID int64) string {
	ms, err := l.tx.EngagementMembers(l.ctx, engagementID)
	l.do(err)
	for _, m := range ms {
		if m.Role == "vendor_lead" {
			return l.emailOf(m.UserID)
		}
	}
	return ""
}

func (l *loader) emailOf(id int64) string {
	for email, uid := range l.users {
		if uid == id {
			return email
		}
	}
	return ""
}

// deadline adds a deadline owned by the person with email owner.
func (l *loader) deadline(e store.EngagementSummary, title string, due domain.Date, owner string, item int64) {
	if l.err != nil || l.users[owner] == 0 {
		return
	}
	d := domain.Deadline{EngagementID: e.ID, Title: title, DueOn: due, OwnerID: l.users[owner], WorkItemID: item, CreatedBy: e.SupervisingAttorneyID}
	l.do(l.tx.CreateDeadline(l.ctx, &d, l.now))
}

// vendorTime records an approved time entry of the person with email who on
// day on, approved the next morning by approver.
func (l *loader) vendorTime(e store.EngagementSummary, who string, on domain.Date, hours domain.Tenths, w domain.WorkItem, act, note, approver string) {
	if l.err != nil {
		return
	}
	te := domain.TimeEntry{EngagementID: e.ID, WorkItemID: w.ID, UserID: l.users[who], WorkedOn: on, Hours: hours, TaskCode: w.TaskCode,
		ActivityCode: act, Narrative: note, State: domain.TimeSubmitted}
	l.do(l.tx.CreateTimeEntry(l.ctx, &te, on.Time().Add(17*time.Hour)))
	if l.err == nil {
		l.do(l.tx.DecideTimeEntry(l.ctx, te.ID, domain.TimeApproved, "", l.users[approver], on.Time().Add(33*time.Hour)))
	}
}

// lexoraTimeHistory gives Calloway/Lexora thirteen weeks of approved time
// before the recent entries: Rohan Kulkarni and Meera Iyer on every
// weekday from the statement of work's approval (day -90) to day -4, a
// little more each week as the review ramps up, so the hours freed per
// week climb over three months. Fridays Rohan makes privilege calls; on
// day -4 he bills 11 hours (the pending invoice's day-hours flag). Work
// before the change order (day -30) is on version 1's items.
func (l *loader) lexoraTimeHistory(e store.EngagementSummary, v1, v2 domain.SOWVersion, day func(int) domain.Date) {
	if l.err != nil || len(v1.Items) < 2 || len(v2.Items) < 2 {
		return
	}
	const anika = "anika.deshmukh@lexora.example"
	batch := 1
	for off := -90; off <= -4; off++ {
		on := day(off)
		wd := on.Time().Weekday()
		if off == -4 && (wd == time.Saturday || wd == time.Sunday) { // a weekend push: Rohan alone
			l.vendorTime(e, "rohan.kulkarni@lexora.example", on, 110, v2.Items[0], "A104", "Weekend push on batch 11 before the production deadline", anika)
			continue
		}
		if wd == time.Saturday || wd == time.Sunday {
			continue
		}
		items := v1.Items
		if off >= -29 {
			items = v2.Items
		}
		k := domain.Tenths((off + 90) / 7) // the week of the review, 0 to 12
		rohan, meera := 20+6*k, 15+6*k
		if off == -4 {
			rohan = 110
		}
		if wd == time.Friday {
			l.vendorTime(e, "rohan.kulkarni@lexora.example", on, rohan, items[1], "A103", "Privilege calls on the week's batches and log narratives", anika)
		} else {
			l.vendorTime(e, "rohan.kulkarni@lexora.example", on, rohan, items[0], "A104", fmt.Sprintf("Responsiveness review, history batch %d", batch), anika)
		}
		l.vendorTime(e, "meera.iyer@lexora.example", on, meera, items[0], "A104", fmt.Sprintf("Responsiveness review, history batch %d (second team)", batch), anika)
		batch++
	}
}

// pastVendorTime gives the paused and closed engagements the time their
// vendors billed: Keystone's review manager on Greenfield from the SOW's
// approval until the approval lapsed (days -48 to -32), and Lexora's team
// lead on Harbor Point last year (every third weekday from day -330 to
// day -276).
func (l *loader) pastVendorTime(e store.EngagementSummary, v domain.SOWVersion, day func(int) domain.Date) {
	if l.err != nil || len(v.Items) == 0 {
		return
	}
	var who string
	var from, to int
	switch {
	case e.VendorName == "Keystone Review LLC":
		who, from, to = "thomas.walsh@keystonereview.example", -48, -32
	case e.VendorName == "Lexora Legal Services Pvt. Ltd." && e.Stage == domain.StageClosed:
		who, from, to = "anika.deshmukh@lexora.example", -330, -276
	default:
		return
	}
	n := 0
	for off := from; off <= to; off++ {
		on := day(off)
		if wd := on.Time().Weekday(); wd == time.Saturday || wd == time.Sunday || (from < -200 && off%3 != 0) {
			continue
		}
		n++
		l.vendorTime(e, who, on, 50, v.Items[0], "A104", fmt.Sprintf("%s: review set %d", e.Description, n), who)
	}
}
