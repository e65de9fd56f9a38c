package app

import (
	"context"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Matters lists the matters the actor may see.
func (a *App) Matters(ctx context.Context, actor domain.User, f store.MatterFilter) ([]store.MatterSummary, error) {
	var out []store.MatterSummary
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.ListMatters(ctx, ScopeFor(actor), f)
		return err
	})
	return out, err
}

// MatterView is one matter with what its page shows.
type MatterView struct {
	Matter      domain.Matter
	Client      domain.Client
	Responsible domain.User
	Parties     []domain.Party // firm users only
	Team        []store.TeamMember
	Engagements []store.EngagementSummary
	// Strategy is the matter's case strategy notes: firm users only, nil
	// for everyone else (matters.go).
	Strategy *store.Strategy
}

// Matter returns one matter, or not-found when it is outside the actor's scope.
// Vendors and clients see the matter but not its parties or team.
func (a *App) Matter(ctx context.Context, actor domain.User, id int64) (MatterView, error) {
	var v MatterView
	s := ScopeFor(actor)
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		if v.Matter, err = tx.Matter(ctx, s, id); err != nil {
			return err
		}
		if err := a.confidentialGate(ctx, tx, actor, v.Matter); err != nil {
			return err
		}
		if v.Client, err = tx.Client(ctx, store.Scope{All: true}, v.Matter.ClientID); err != nil {
			return err
		}
		if v.Responsible, err = tx.User(ctx, v.Matter.ResponsibleAttorneyID); err != nil {
			return err
		}
		if v.Engagements, err = tx.ListEngagements(ctx, s, store.EngagementFilter{MatterID: id, Page: store.Page{Limit: store.MaxPageSize}}); err != nil {
			return err
		}
		if !actor.Role.IsFirm() {
			return nil
		}
		if v.Parties, err = tx.Parties(ctx, id); err != nil {
			return err
		}
		st, err := tx.MatterStrategy(ctx, id)
		if err != nil {
			return err
		}
		v.Strategy = &st
		v.Team, err = tx.Team(ctx, id)
		return err
	})
	return v, err
}

// Engagements lists the engagements the actor may see.
func (a *App) Engagements(ctx context.Context, actor domain.User, f store.EngagementFilter) ([]store.EngagementSummary, error) {
	var out []store.EngagementSummary
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.ListEngagements(ctx, ScopeFor(actor), f)
		return err
	})
	return out, err
}

// EngagementView is one engagement with its matter, vendor and people.
type EngagementView struct {
	Engagement store.EngagementSummary
	Matter     domain.Matter
	Vendor     domain.Vendor
	Supervisor domain.User
	Members    []domain.User
	// Conflicts are the vendor's conflict hits on the matter, for firm
	// users only (conflicts.go); nil for everyone else.
	Conflicts *ConflictsView
}

// Header is the summary the engagement pages' tabs show.
func (v EngagementView) Header() store.EngagementSummary { return v.Engagement }

// Engagement returns one engagement within the actor's scope.
func (a *App) Engagement(ctx context.Context, actor domain.User, id int64) (EngagementView, error) {
	var v EngagementView
	all := store.Scope{All: true}
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		if v.Engagement, err = a.engagementHeader(ctx, tx, actor, id); err != nil {
			return err
		}
		if v.Matter, err = tx.Matter(ctx, all, v.Engagement.MatterID); err != nil {
			return err
		}
		if actor.Role.IsVendor() { // a lapsed NDA or training keeps a vendor's person out of engagement work
			if err := a.personnelClear(ctx, tx, actor.ID); err != nil {
				return err
			}
		}
		if v.Vendor, err = tx.Vendor(ctx, all, v.Engagement.VendorID); err != nil {
			return err
		}
		if v.Supervisor, err = tx.User(ctx, v.Engagement.SupervisingAttorneyID); err != nil {
			return err
		}
		if actor.Role.IsFirm() {
			cv, err := a.conflictsView(ctx, tx, actor, v.Engagement.Engagement)
			if err != nil {
				return err
			}
			v.Conflicts = &cv
		}
		members, err := tx.EngagementMembers(ctx, id)
		if err != nil {
			return err
		}
		for _, m := range members {
			u, err := tx.User(ctx, m.UserID)
			if err != nil {
				return err
			}
			v.Members = append(v.Members, u)
		}
		return nil
	})
	return v, err
}

// Vendors lists the vendors the actor may see.
func (a *App) Vendors(ctx context.Context, actor domain.User, p store.Page) ([]domain.Vendor, error) {
	if err := require(actor, ViewVendors); err != nil {
		return nil, err
	}
	var out []domain.Vendor
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.ListVendors(ctx, ScopeFor(actor), p)
		return err
	})
	return out, err
}

// VendorView is a vendor with its engagements and people.
type VendorView struct {
	Vendor      domain.Vendor
	People      []domain.User
	Engagements []store.EngagementSummary
	// Assessments are the vendor's security assessments, newest first, for
	// those who may see them (assessments.go); nil for everyone else.
	Assessments []domain.Assessment
}

// Vendor returns one vendor within the actor's scope.
func (a *App) Vendor(ctx context.Context, actor domain.User, id int64) (VendorView, error) {
	var v VendorView
	s := ScopeFor(actor)
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		if v.Vendor, err = tx.Vendor(ctx, s, id); err != nil {
			return err
		}
		if v.Assessments, err = a.vendorAssessments(ctx, tx, actor, id); err != nil {
			return err
		}
		if !Can(actor, ViewVendors) {
			return nil
		}
		if v.People, err = tx.ListUsers(ctx, store.UserFilter{VendorID: id, Page: store.Page{Limit: store.MaxPageSize}}); err != nil {
			return err
		}
		v.Engagements, err = tx.ListEngagements(ctx, s, store.EngagementFilter{VendorID: id, Page: store.Page{Limit: store.MaxPageSize}})
		return err
	})
	return v, err
}

// Clients lists clients for firm users.
func (a *App) Clients(ctx context.Context, actor domain.User, p store.Page) ([]domain.Client, error) {
	if err := require(actor, ViewClients); err != nil {
		return nil, err
	}
	var out []domain.Client
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.ListClients(ctx, ScopeFor(actor), p)
		return err
	})
	return out, err
}

// Firm returns the firm's profile.
func (a *App) Firm(ctx context.Context) (domain.Firm, error) {
	var f domain.Firm
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		f, err = tx.Firm(ctx)
		return err
	})
	return f, err
}
