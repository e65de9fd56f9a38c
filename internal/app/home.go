package app

import (
	"context"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// StageCount is how many engagements are at one stage.
type StageCount struct {
	Stage domain.Stage
	Count int
}

// VendorStatus is a vendor with its due-diligence state today.
type VendorStatus struct {
	Vendor    domain.Vendor
	Diligence domain.Diligence
}

// Home is a person's first screen: what needs them, in their scope.
type Home struct {
	Counts      store.Counts
	Stages      []StageCount              // every stage, in lifecycle order
	Engagements []store.EngagementSummary // the ones that concern this person
	Matters     []store.MatterSummary
	Attention   []VendorStatus // vendors not plainly approved (firm users)
	// Reviews are the deliverable versions waiting for the attorney's
	// review, oldest first (attorneys only; reviews.go).
	Reviews []ReviewQueueItem
	// Audits are the quality audits due or being scored that the
	// attorney or staff reviewer audits, oldest due first (audit_schedule.go).
	Audits []domain.Audit
	// Savings are the savings chart cards (savings.go): firm administrators
	// and attorneys, client contacts.
	Savings HomeSavings
	// SavingsAt is when the kept figures (the savings cards, an
	// administrator's quality chart and vendor standings) were added up
	// (home_cache.go).
	SavingsAt time.Time
	// Today is the person's day (their time zone).
	Today domain.Date
	// The role's own sections (home_dashboard.go): one of these is set.
	Attorney *AttorneyHome
	Firm     *FirmHome
	Vendor   *VendorHome
	Client   *ClientHome
}

// AuditsOverdue counts the audits past their due day.
func (h Home) AuditsOverdue() int {
	n := 0
	for _, au := range h.Audits {
		if au.Overdue {
			n++
		}
	}
	return n
}

// ReviewsOverdue counts the reviews waiting too long or past their due date.
func (h Home) ReviewsOverdue() int {
	n := 0
	for _, r := range h.Reviews {
		if r.Overdue {
			n++
		}
	}
	return n
}

// Home gathers the first screen for the actor's role.
func (a *App) Home(ctx context.Context, actor domain.User) (Home, error) {
	var h Home
	s := ScopeFor(actor)
	today := domain.DateOf(a.Now())
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		if h.Counts, err = tx.CountsFor(ctx, s); err != nil {
			return err
		}
		for _, st := range domain.Stages {
			h.Stages = append(h.Stages, StageCount{Stage: st, Count: h.Counts.EngagementStages[st]})
		}
		ef := store.EngagementFilter{Page: store.Page{Limit: 20}}
		if actor.Role == domain.RoleAttorney {
			ef.SupervisingAttorneyID = actor.ID
		}
		if h.Engagements, err = tx.ListEngagements(ctx, s, ef); err != nil {
			return err
		}
		if h.Matters, err = tx.ListMatters(ctx, s, store.MatterFilter{Status: "open", Page: store.Page{Limit: 20}}); err != nil {
			return err
		}
		if err := a.dashboard(ctx, tx, actor, &h); err != nil {
			return err
		}
		if !actor.Role.IsFirm() {
			return nil
		}
		vendors, err := tx.ListVendors(ctx, s, store.Page{Limit: store.MaxPageSize})
		if err != nil {
			return err
		}
		for _, v := range vendors {
			if d := v.DiligenceOn(today); d != domain.DiligenceApproved {
				h.Attention = append(h.Attention, VendorStatus{Vendor: v, Diligence: d})
			}
		}
		return nil
	})
	if err == nil && keptFigures(actor) {
		var e homeFiguresEntry
		if e, err = a.cachedHomeFigures(ctx, actor, h.Today); err == nil {
			h.Savings, h.SavingsAt = e.cards, e.at
			if h.Firm != nil {
				h.Firm.Quality, h.Firm.Vendors = e.firm.quality, e.firm.vendors
			}
		}
	}
	if err == nil && Can(actor, ReviewDeliverables) {
		h.Reviews, err = a.ReviewQueue(ctx, actor)
	}
	if err == nil && Can(actor, ConductAudits) {
		h.Audits, err = a.MyAudits(ctx, actor)
	}
	return h, err
}

// VendorStatuses pairs vendors with their due-diligence state today.
func (a *App) VendorStatuses(vs []domain.Vendor) []VendorStatus {
	today := domain.DateOf(a.Now())
	out := make([]VendorStatus, len(vs))
	for i, v := range vs {
		out[i] = VendorStatus{Vendor: v, Diligence: v.DiligenceOn(today)}
	}
	return out
}
