package app

import (
	"context"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Savings (issue 8 part 6): what outsourcing saved, per week or month,
// filterable by matter, vendor and client (definitions in
// domain/savings.go). Firm users see the matters their scope allows (never
// one they are screened from); client contacts only their own client's.

// SavingsQuery is the filters of a savings report.
type SavingsQuery struct {
	By           string // week (default) or month
	From, To     string // default: the last 12 periods up to today
	MatterID     int64
	MatterNumber string // when MatterID is 0
	VendorID     int64
	ClientID     int64
	ClientNumber string // when ClientID is 0
}

// SavingsView is a savings report with what its filters offer.
type SavingsView struct {
	domain.SavingsReport
	// Months is the same figures by calendar month over the whole months
	// the range touches: savings passed on are charted per month whatever
	// the period of the tables.
	Months  domain.SavingsReport
	Query   SavingsQuery
	Today   domain.Date
	Matters []store.MatterSummary
	Vendors []domain.Vendor
	Clients []domain.Client
}

// Savings reads the savings report the actor may see.
func (a *App) Savings(ctx context.Context, actor domain.User, q SavingsQuery) (SavingsView, error) {
	v := SavingsView{Query: q}
	if err := require(actor, ViewSavings); err != nil {
		return v, err
	}
	by, err := domain.ParseSavingsBy(strings.TrimSpace(q.By))
	if err != nil {
		return v, err
	}
	v.Query.By = string(by)
	err = a.Store.Read(ctx, func(tx *store.Tx) error {
		s := ScopeFor(actor)
		firm, err := tx.Firm(ctx)
		if err != nil {
			return err
		}
		if v.Today, err = a.todayFor(ctx, tx, actor); err != nil {
			return err
		}
		from, err := domain.ParseDate("from", strings.TrimSpace(q.From))
		if err != nil {
			return err
		}
		to, err := domain.ParseDate("to", strings.TrimSpace(q.To))
		if err != nil {
			return err
		}
		if to == "" {
			to = v.Today
		}
		if from == "" {
			from = lastPeriods(by, to, 12)
		}
		f := store.SavingsFilter{MatterID: q.MatterID, VendorID: q.VendorID, ClientID: q.ClientID, From: from, To: to, Currency: firm.Currency}
		if f.MatterID == 0 && strings.TrimSpace(q.MatterNumber) != "" {
			if f.MatterID, err = tx.MatterIDByNumber(ctx, strings.TrimSpace(q.MatterNumber)); err != nil {
				return err
			}
			if f.MatterID == 0 {
				return domain.NotFound("matter")
			}
		}
		if f.MatterID != 0 {
			m, err := tx.Matter(ctx, s, f.MatterID)
			if err != nil {
				return err
			}
			if err := a.confidentialGate(ctx, tx, actor, m); err != nil {
				return err
			}
		}
		if f.ClientID == 0 && strings.TrimSpace(q.ClientNumber) != "" {
			c, err := tx.ClientByNumber(ctx, strings.TrimSpace(q.ClientNumber))
			if err != nil {
				return err
			}
			f.ClientID = c.ID
		}
		if actor.Role.IsClient() {
			if f.ClientID != 0 && f.ClientID != actor.ClientID {
				return domain.NotFound("client")
			}
			f.ClientID = actor.ClientID
		}
		v.Query.MatterID, v.Query.ClientID = f.MatterID, f.ClientID
		f.From = domain.ByMonth.PeriodStart(from) // the monthly chart's whole first month
		rows, err := tx.SavingsRows(ctx, s, f)
		if err != nil {
			return err
		}
		if v.SavingsReport, err = domain.AggregateSavings(rows, by, from, to, firm.Currency); err != nil {
			return err
		}
		if v.Months, err = domain.AggregateSavings(rows, domain.ByMonth, f.From, to, firm.Currency); err != nil {
			return err
		}
		if v.Matters, err = tx.ListMatters(ctx, s, store.MatterFilter{Page: store.Page{Limit: store.MaxPageSize}}); err != nil {
			return err
		}
		if actor.Role.IsFirm() {
			if v.Vendors, err = tx.ListVendors(ctx, s, store.Page{Limit: store.MaxPageSize}); err != nil {
				return err
			}
			if Can(actor, ViewClients) {
				v.Clients, err = tx.ListClients(ctx, s, store.Page{Limit: store.MaxPageSize})
			}
		}
		return err
	})
	return v, err
}

// lastPeriods is the first day of the n-th period back to the one holding to.
func lastPeriods(by domain.SavingsBy, to domain.Date, n int) domain.Date {
	start := by.PeriodStart(to).Time()
	if by == domain.ByMonth {
		return domain.DateOf(start.AddDate(0, -(n - 1), 0))
	}
	return domain.DateOf(start.AddDate(0, 0, -7*(n-1)))
}

// HomeSavings is the savings cards of a home page.
type HomeSavings struct {
	Weeks  *domain.SavingsReport // firm administrators and attorneys: the last 12 weeks
	Months *domain.SavingsReport // and the last 6 months
	Year   *domain.SavingsReport // client contacts: this year, by month
}

// homeSavings reads the home cards' savings in one query: the rows of the
// longest range, aggregated twice.
func (a *App) homeSavings(ctx context.Context, tx *store.Tx, actor domain.User) (HomeSavings, error) {
	var h HomeSavings
	firmView := actor.Role == domain.RoleFirmAdmin || actor.Role == domain.RoleAttorney
	client := actor.Role.IsClient() && actor.ClientID != 0
	if !Can(actor, ViewSavings) || !firmView && !client {
		return h, nil
	}
	firm, err := tx.Firm(ctx)
	if err != nil {
		return h, err
	}
	today, err := a.todayFor(ctx, tx, actor)
	if err != nil {
		return h, err
	}
	s := ScopeFor(actor)
	if client {
		from := domain.Date(string(today)[:4] + "-01-01")
		rows, err := tx.SavingsRows(ctx, s, store.SavingsFilter{ClientID: actor.ClientID, From: from, To: today, Currency: firm.Currency})
		if err != nil {
			return h, err
		}
		rep, err := domain.AggregateSavings(rows, domain.ByMonth, from, today, firm.Currency)
		h.Year = &rep
		return h, err
	}
	weeks, months := lastPeriods(domain.ByWeek, today, 12), lastPeriods(domain.ByMonth, today, 6)
	from := min(weeks, months)
	rows, err := tx.SavingsRows(ctx, s, store.SavingsFilter{From: from, To: today, Currency: firm.Currency})
	if err != nil {
		return h, err
	}
	w, err := domain.AggregateSavings(rows, domain.ByWeek, weeks, today, firm.Currency)
	if err != nil {
		return h, err
	}
	m, err := domain.AggregateSavings(rows, domain.ByMonth, months, today, firm.Currency)
	h.Weeks, h.Months = &w, &m
	return h, err
}
