package app

import (
	"context"
	"slices"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// The role dashboards (issue 9): what each person's first screen lists
// beyond the counts, reviews, audits and savings of home.go. Every list is
// read through the person's scope (ScopeFor); each is short and says how
// many there are in all.

// dashLimit is how many rows each dashboard list shows.
const dashLimit = 8

// expiringWithin is how many days ahead an expiring vendor approval shows.
const expiringWithin = 30

// Listed is a dashboard list: the first rows and how many there are in all.
type Listed[T any] struct {
	Items []T
	Total int
}

// More reports whether the list holds fewer rows than there are.
func (l Listed[T]) More() bool { return l.Total > len(l.Items) }

// Blocked is an engagement held at a gate with why, in plain words.
type Blocked struct {
	store.BlockedEngagement
	Why string
}

// AttorneyHome is the supervising attorney's part of the first screen.
type AttorneyHome struct {
	Blocked   Listed[Blocked]
	Consents  Listed[store.ConsentItem] // pending or stale
	Expiring  []store.ExpiringVendor    // approvals ending within expiringWithin days
	Deadlines Listed[store.DueDeadline] // open, due by the end of this week (overdue first)
	WeekEnd   domain.Date
}

// FirmHome is the firm administrator's part: quality per month, vendors by
// score and cost, policy overrides and security events.
type FirmHome struct {
	Quality   []store.QualityMonth // the last 6 months, every month present
	Vendors   []store.VendorStanding
	Overrides Listed[store.PolicyOverride]
	Security  []store.SecurityEvent
	// SecurityCounts counts each security action of the last 30 days.
	SecurityCounts map[string]int
	Since          domain.Date     // the start of the vendors' figures
	Currency       domain.Currency // the firm's: the vendors' approved cost
}

// VendorHome is a vendor team member's part.
type VendorHome struct {
	Briefings  Listed[store.BriefingDue]
	Deadlines  Listed[store.DueDeadline]
	Changes    Listed[store.DashVersion]
	Corrective Listed[store.OpenCorrective] // vendor managers
	Invoices   []store.InvoiceStateCount    // vendor managers
}

// ClientHome is a client contact's part.
type ClientHome struct {
	Consents Listed[store.ConsentItem] // awaiting their answer
	Released Listed[store.DashVersion]
	Invoices []domain.ClientInvoice // the latest sent or paid
	Audits   []store.AuditSummary   // the last 6 months, per vendor
	Since    domain.Date
}

// blockedWhy says what an engagement at a gate waits for.
func blockedWhy(b store.BlockedEngagement, today domain.Date) string {
	switch b.Stage {
	case domain.StageProposed:
		switch {
		case b.ConsentState == "stale":
			return "The client's consent is stale: issue the disclosure again and ask the client."
		case b.ConsentState == "declined" || b.ConsentState == "revoked":
			return "The client declined or revoked consent."
		case b.ConsentState != "given":
			return "Waiting for the client's consent."
		case b.VendorDiligence != "approved" && b.VendorDiligence != "conditional" || b.ApprovedUntil != "" && b.ApprovedUntil.Before(today):
			return "The vendor's due diligence is not current."
		}
	case domain.StagePaused:
		if b.PausedReason != "" {
			return "Paused: " + b.PausedReason
		}
	}
	return b.Stage.NextStep()
}

// weekEnd is the Sunday ending today's week (ISO weeks start on Monday).
func weekEnd(today domain.Date) domain.Date {
	t := today.Time()
	wd := int(t.Weekday())
	if wd == 0 {
		wd = 7
	}
	return domain.DateOf(t.AddDate(0, 0, 7-wd))
}

// monthsBack is the "YYYY-MM" month n months before today's.
func monthsBack(today domain.Date, n int) string {
	t := today.Time()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -n, 0).Format("2006-01")
}

// firmFigures adds up an administrator's quality-by-month chart (the last
// 6 months, every month present) and the vendors by approved cost over the
// last year (the 10 highest; the error rate beside it is the score). They
// are kept (home_cache.go): each reads every completed audit of the period.
func (a *App) firmFigures(ctx context.Context, tx *store.Tx, actor domain.User, today domain.Date) (firmFigures, error) {
	var ff firmFigures
	from, to := monthsBack(today, 5), monthsBack(today, 0)
	quality, err := tx.QualityByMonth(ctx, ScopeFor(actor), from, to)
	if err != nil {
		return ff, err
	}
	for i := 5; i >= 0; i-- {
		m := store.QualityMonth{Month: monthsBack(today, i)}
		if k := slices.IndexFunc(quality, func(q store.QualityMonth) bool { return q.Month == m.Month }); k >= 0 {
			m = quality[k]
		}
		ff.quality = append(ff.quality, m)
	}
	if ff.vendors, err = tx.VendorStandings(ctx, domain.DateOf(today.Time().AddDate(-1, 0, 0))); err != nil {
		return ff, err
	}
	slices.SortStableFunc(ff.vendors, func(x, y store.VendorStanding) int {
		if x.CostMinor != y.CostMinor {
			if x.CostMinor > y.CostMinor {
				return -1
			}
			return 1
		}
		return 0
	})
	if len(ff.vendors) > 10 {
		ff.vendors = ff.vendors[:10]
	}
	return ff, nil
}

// dashboard fills the role's part of h inside the home's read transaction.
func (a *App) dashboard(ctx context.Context, tx *store.Tx, actor domain.User, h *Home) error {
	s := ScopeFor(actor)
	today, err := a.todayFor(ctx, tx, actor)
	if err != nil {
		return err
	}
	h.Today = today
	f := store.DashFilter{Scope: s, Limit: dashLimit}
	switch {
	case actor.Role == domain.RoleAttorney:
		f.AttorneyID = actor.ID
		at := &AttorneyHome{WeekEnd: weekEnd(today)}
		blocked, n, err := tx.BlockedEngagements(ctx, f)
		if err != nil {
			return err
		}
		at.Blocked.Total = n
		for _, b := range blocked {
			at.Blocked.Items = append(at.Blocked.Items, Blocked{BlockedEngagement: b, Why: blockedWhy(b, today)})
		}
		if at.Consents.Items, at.Consents.Total, err = tx.OpenConsents(ctx, f, "pending", "stale"); err != nil {
			return err
		}
		until := domain.DateOf(today.Time().AddDate(0, 0, expiringWithin))
		if at.Expiring, err = tx.ExpiringApprovals(ctx, actor.ID, today, until); err != nil {
			return err
		}
		if at.Deadlines.Items, at.Deadlines.Total, err = tx.DueDeadlines(ctx, f, at.WeekEnd); err != nil {
			return err
		}
		h.Attorney = at
	case actor.Role == domain.RoleFirmAdmin:
		firm, err := tx.Firm(ctx)
		if err != nil {
			return err
		}
		fh := &FirmHome{Since: domain.DateOf(today.Time().AddDate(-1, 0, 0)), Currency: firm.Currency}
		if fh.Overrides.Items, fh.Overrides.Total, err = tx.PolicyOverrides(ctx, s, dashLimit); err != nil {
			return err
		}
		if Can(actor, ViewAudit) {
			if fh.Security, fh.SecurityCounts, err = tx.RecentSecurityEvents(ctx, a.Now().AddDate(0, 0, -30), dashLimit); err != nil {
				return err
			}
		}
		h.Firm = fh
	case actor.Role.IsVendor() && actor.VendorID != 0:
		v := &VendorHome{}
		if v.Briefings.Items, v.Briefings.Total, err = tx.BriefingsToAcknowledge(ctx, actor.ID, dashLimit); err != nil {
			return err
		}
		if v.Deadlines.Items, v.Deadlines.Total, err = tx.DueDeadlines(ctx, f, domain.DateOf(today.Time().AddDate(0, 0, 14))); err != nil {
			return err
		}
		if v.Changes.Items, v.Changes.Total, err = tx.ChangesRequested(ctx, f); err != nil {
			return err
		}
		if Can(actor, RespondCorrective) {
			if v.Corrective.Items, v.Corrective.Total, err = tx.OpenCorrectiveActions(ctx, f); err != nil {
				return err
			}
		}
		if Can(actor, ViewVendorInvoices) {
			if v.Invoices, err = tx.VendorInvoiceStates(ctx, s); err != nil {
				return err
			}
		}
		h.Vendor = v
	case actor.Role.IsClient() && actor.ClientID != 0:
		c := &ClientHome{Since: domain.DateOf(today.Time().AddDate(0, -6, 0))}
		if c.Consents.Items, c.Consents.Total, err = tx.OpenConsents(ctx, f, "pending"); err != nil {
			return err
		}
		if c.Released.Items, c.Released.Total, err = tx.ReleasedWork(ctx, f); err != nil {
			return err
		}
		if Can(actor, ViewClientInvoices) {
			if c.Invoices, err = tx.ClientInvoices(ctx, s, store.ClientInvoiceFilter{ClientID: actor.ClientID,
				States: []domain.InvoiceState{domain.InvoiceSent, domain.InvoicePaid}, Page: store.Page{Limit: 5}}); err != nil {
				return err
			}
		}
		if c.Audits, err = tx.AuditSummaries(ctx, s, c.Since); err != nil {
			return err
		}
		h.Client = c
	}
	return nil
}
