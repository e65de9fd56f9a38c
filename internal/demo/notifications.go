package demo

import (
	"fmt"
	"slices"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// notifications gives the demo people a few recent notifications, so the
// bell shows what needs them on an ordinary Tuesday. Each is written for
// its recipient's role (the vendor's say nothing of the client's consent or
// invoices); none is emailed.
func (l *loader) notifications() {
	if l.err != nil {
		return
	}
	es, err := l.tx.ListEngagements(l.ctx, store.Scope{All: true}, store.EngagementFilter{Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		l.do(err)
		return
	}
	var calloway, keystone int64
	for _, e := range es {
		switch {
		case e.VendorID == l.vendors["lexora"] && e.Stage == domain.StageActive:
			calloway = e.ID
		case e.VendorID == l.vendors["keystone"]:
			keystone = e.ID
		}
	}
	type note struct {
		who        string
		kind       domain.NotificationKind
		hoursAgo   int
		read       bool
		engagement int64
		subject    string
		body       string
		link       string
	}
	deliverables := fmt.Sprintf("/engagements/%d/deliverables", calloway)
	notes := []note{
		{"marcus.oyelaran@hartwellcrane.example", domain.NotifyReviewRequested, 3, false, calloway,
			"Review requested: a deliverable on 2026-0142",
			"Rohan Kulkarni submitted a deliverable on 2026-0142 for your review. It cannot be released or used until you approve it.", "/reviews"},
		{"marcus.oyelaran@hartwellcrane.example", domain.NotifyAuditDue, 20, false, calloway,
			"Quality audit due on 2026-0142",
			"A quality audit of the vendor's work on 2026-0142 is due. Draw the sample and score it in Probity.", "/audits"},
		{"marcus.oyelaran@hartwellcrane.example", domain.NotifyApprovalExpiring, 30, false, 0,
			"The approval of Keystone Review LLC has lapsed",
			"The approval of Keystone Review LLC lapsed. Until a new security assessment is decided, its open engagements are paused.",
			fmt.Sprintf("/vendors/%d/assessments", l.vendors["keystone"])},
		{"marcus.oyelaran@hartwellcrane.example", domain.NotifyConsentGiven, 50, true, 0,
			"Consent answered on 2026-0177",
			"Victor Lin (the client) answered the outsourcing disclosure on 2026-0177.", "/engagements"},
		{"eleanor.hartwell@hartwellcrane.example", domain.NotifyApprovalExpiring, 30, false, 0,
			"The approval of Keystone Review LLC has lapsed",
			"The approval of Keystone Review LLC lapsed. Until a new security assessment is decided, its open engagements are paused.",
			fmt.Sprintf("/vendors/%d/assessments", l.vendors["keystone"])},
		{"priya.raman@hartwellcrane.example", domain.NotifyApprovalExpiring, 30, false, keystone,
			"The engagement of Keystone Review LLC on 2026-0203 is paused",
			"Keystone's approval lapsed, so its loan-file review on 2026-0203 is paused until it is approved again.", fmt.Sprintf("/engagements/%d", keystone)},
		{"rosa.jimenez@hartwellcrane.example", domain.NotifyInvoiceFlagged, 6, false, calloway,
			"A vendor invoice on 2026-0142 has review flags",
			"Lexora's latest invoice on 2026-0142 has lines flagged for review before the firm approves it.", "/vendor-invoices"},
		{"anika.deshmukh@lexora.example", domain.NotifyChangesRequested, 26, false, calloway,
			"Changes requested on 2026-0142",
			"Marcus Oyelaran asked for changes to a deliverable on 2026-0142. Submit a new version.", deliverables},
		{"rohan.kulkarni@lexora.example", domain.NotifyChangesRequested, 26, false, calloway,
			"Changes requested on 2026-0142",
			"Marcus Oyelaran asked for changes to a deliverable on 2026-0142. Submit a new version.", deliverables},
		{"rohan.kulkarni@lexora.example", domain.NotifyApproved, 74, true, calloway,
			"Approved: a deliverable on 2026-0142",
			"Marcus Oyelaran approved a deliverable on 2026-0142.", deliverables},
		{"helen.calloway@callowayfreight.example", domain.NotifyApproved, 28, false, calloway,
			"New work on 2026-0142",
			"Your legal team reviewed, approved and released work on matter 2026-0142 (Calloway Freight Systems v. Tidewater Logistics). It is in your portal.", deliverables},
	}
	// Oldest first, so ids follow time as they do when events happen.
	slices.SortStableFunc(notes, func(a, b note) int { return b.hoursAgo - a.hoursAgo })
	for _, n := range notes {
		at := l.now.Add(-time.Duration(n.hoursAgo) * time.Hour)
		row := domain.Notification{UserID: l.users[n.who], Kind: n.kind, Subject: n.subject, Body: n.body, Link: n.link,
			EngagementID: n.engagement, Email: domain.EmailNone, CreatedAt: at}
		l.do(l.tx.InsertNotification(l.ctx, &row))
		if n.read && l.err == nil {
			l.do(l.tx.MarkNotificationRead(l.ctx, row.UserID, row.ID, at.Add(time.Hour)))
		}
	}
}
