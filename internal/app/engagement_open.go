package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Proposing a vendor and opening the engagement. An engagement is recorded
// first as a proposal (stage "proposed"), whatever its gates say, so that
// the conflict check it triggers, the hits an attorney must resolve and
// (later) the client's consent have something to attach to. It leaves the
// proposal stage only through OpenEngagement, which re-checks every gate in
// the same transaction and refuses, writing nothing, while any is unmet.

// OpeningCheck is what the opening gates say about a vendor on a matter.
type OpeningCheck struct {
	Matter domain.Matter
	Vendor domain.Vendor
	Rule   domain.SensitivityRule // the firm's rule for the matter's sensitivity
	Gates  []domain.Gate
}

// Met reports whether every gate is met.
func (c OpeningCheck) Met() bool { return len(c.Gates) > 0 && domain.GatesMet(c.Gates) }

// Unmet lists the gates not met.
func (c OpeningCheck) Unmet() []domain.Gate { return domain.UnmetGates(c.Gates) }

// errPreview rolls back a transaction that only looked.
var errPreview = errors.New("preview only: roll back")

// preview runs fn in a write transaction that is always rolled back: the
// conflict check behind the gates runs in a write transaction, and a page
// that only shows the gates must leave nothing behind.
func (a *App) preview(ctx context.Context, fn func(tx *store.Tx) error) error {
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return errPreview
	})
	if errors.Is(err, errPreview) {
		return nil
	}
	return err
}

// proposalMatter loads a matter for proposing a vendor on it: in the actor's
// scope (else not found: screens hold), by an attorney or administrator, past
// the second-factor gate of highly confidential matters, and open.
func (a *App) proposalMatter(ctx context.Context, tx *store.Tx, actor domain.User, matterID int64) (domain.Matter, error) {
	m, err := tx.Matter(ctx, ScopeFor(actor), matterID)
	if err != nil {
		return m, err
	}
	if err := require(actor, ProposeEngagements); err != nil {
		return m, err
	}
	if err := a.confidentialGate(ctx, tx, actor, m); err != nil {
		return m, err
	}
	if m.Status != "open" {
		return m, domain.Errorf(domain.EConflict, "%s is closed: no new outsourcing can start on it", m.Number)
	}
	return m, nil
}

// openingCheck gathers the facts about vendorID and matter m and evaluates
// the gates, inside tx (the conflict check runs in it). e is the engagement
// whose client consent counts (nil before a vendor is proposed).
func (a *App) openingCheck(ctx context.Context, tx *store.Tx, actor domain.User, m domain.Matter, vendorID int64, e *domain.Engagement) (OpeningCheck, error) {
	c := OpeningCheck{Matter: m}
	if vendorID <= 0 {
		return c, domain.Invalid("vendor", "choose a vendor from the registry")
	}
	v, err := tx.Vendor(ctx, store.Scope{All: true}, vendorID)
	if domain.ErrorCode(err) == domain.ENotFound {
		return c, domain.Invalid("vendor", "there is no such vendor in the registry")
	} else if err != nil {
		return c, err
	}
	c.Vendor = v
	facts := domain.VendorFacts{Vendor: v}
	if facts.Certified, facts.MFA, facts.Score, err = a.assessmentFacts(ctx, tx, v.ID); err != nil {
		return c, fmt.Errorf("assessment facts of vendor %d: %w", v.ID, err)
	}
	if facts.UnapprovedSubcontractors, err = a.subcontractorFacts(ctx, tx, v.ID); err != nil {
		return c, fmt.Errorf("subcontractor facts of vendor %d: %w", v.ID, err)
	}
	rules, err := a.sensitivityRules(ctx, tx)
	if err != nil {
		return c, err
	}
	c.Rule = domain.RuleFor(rules, m.Sensitivity)
	conflicts, err := a.conflictFacts(ctx, tx, actor, m.ID, v.ID)
	if err != nil {
		return c, fmt.Errorf("conflict facts of vendor %d on matter %d: %w", v.ID, m.ID, err)
	}
	consent, err := a.consentFacts(ctx, tx, e)
	if err != nil {
		return c, fmt.Errorf("consent facts: %w", err)
	}
	c.Gates = domain.OpeningGates(domain.DateOf(a.Now()), m, facts, c.Rule, conflicts, consent)
	return c, nil
}

// OpeningCheck shows the opening gates of a vendor on a matter before it is
// proposed: to attorneys and administrators who may propose on the matter.
// It changes nothing.
func (a *App) OpeningCheck(ctx context.Context, actor domain.User, matterID, vendorID int64) (OpeningCheck, error) {
	var c OpeningCheck
	err := a.preview(ctx, func(tx *store.Tx) error {
		m, err := a.proposalMatter(ctx, tx, actor, matterID)
		if err != nil {
			return err
		}
		c, err = a.openingCheck(ctx, tx, actor, m, vendorID, nil)
		return err
	})
	return c, err
}

// EngagementProposal is what an attorney fills in to propose a vendor.
type EngagementProposal struct {
	MatterID     int64
	VendorID     int64
	Service      domain.Service
	Description  string
	SupervisorID int64 // a firm attorney who can see the matter
	BillingMode  domain.BillingMode
	// EstimatedCost is the vendor's estimate (any supported currency, usually
	// the vendor's); InHouseEstimate what the same work would cost in-house,
	// in the firm's currency. Zero amounts mean "not estimated yet".
	EstimatedCost   domain.Money
	InHouseEstimate domain.Money
}

// Proposal is a recorded proposal and its gates.
type Proposal struct {
	Engagement domain.Engagement
	Check      OpeningCheck
}

// ProposeEngagement records a vendor proposed for a matter (stage
// "proposed"), with the supervising attorney as its first member, and runs
// the opening gates, conflict check included, in the same transaction. The
// proposal is recorded whatever the gates say — they are returned for the
// proposer to see — and it is opened only by OpenEngagement.
func (a *App) ProposeEngagement(ctx context.Context, actor domain.User, in EngagementProposal) (Proposal, error) {
	var p Proposal
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		m, err := a.proposalMatter(ctx, tx, actor, in.MatterID)
		if err != nil {
			return err
		}
		e, sup, err := a.proposalFields(ctx, tx, m, in)
		if err != nil {
			return err
		}
		if p.Check, err = a.openingCheck(ctx, tx, actor, m, in.VendorID, &e); err != nil {
			return err
		}
		e.Stage = domain.StageProposed
		if err := tx.CreateEngagement(ctx, &e, a.Now()); err != nil {
			return err
		}
		if err := tx.AddEngagementMember(ctx, domain.EngagementMember{EngagementID: e.ID, UserID: sup.ID, Role: "supervisor"}); err != nil {
			return err
		}
		p.Engagement = e
		gates := "every opening gate is met"
		if unmet := p.Check.Unmet(); len(unmet) > 0 {
			names := make([]string, len(unmet))
			for i, g := range unmet {
				names[i] = g.Name
			}
			gates = "waiting on: " + strings.Join(names, ", ")
		}
		return a.audit(ctx, tx, actor, Record{Action: "engagement.propose", ObjectType: "engagement", ObjectID: e.ID, MatterID: m.ID,
			Summary: fmt.Sprintf("proposed %s for %s on %s, supervised by %s, billed as %s; %s",
				p.Check.Vendor.Name, strings.ToLower(e.Service.Label()), m.Number, sup.Name, e.BillingMode, gates)})
	})
	return p, err
}

// proposalFields validates a proposal's fields into an engagement and
// returns its supervising attorney.
func (a *App) proposalFields(ctx context.Context, tx *store.Tx, m domain.Matter, in EngagementProposal) (domain.Engagement, domain.User, error) {
	e := domain.Engagement{MatterID: m.ID, VendorID: in.VendorID, BillingMode: in.BillingMode}
	var sup domain.User
	var err error
	if e.Service, err = domain.ParseService("service", string(in.Service)); err != nil {
		return e, sup, err
	}
	e.Description = strings.TrimSpace(in.Description)
	if e.Description == "" || utf8.RuneCountInString(e.Description) > 2000 {
		return e, sup, domain.Invalid("description", "describe the work the vendor would do (at most 2000 characters)")
	}
	switch in.BillingMode {
	case domain.BillingFee, domain.BillingDisbursement:
	default:
		return e, sup, domain.Invalid("billing_mode", "say how the work reaches the client's bill: fee or disbursement")
	}
	if e.EstimatedCost, err = estimate("estimate", in.EstimatedCost); err != nil {
		return e, sup, err
	}
	if e.InHouseEstimate, err = estimate("inhouse_estimate", in.InHouseEstimate); err != nil {
		return e, sup, err
	}
	firm, err := tx.Firm(ctx)
	if err != nil {
		return e, sup, err
	}
	if e.InHouseEstimate.Currency != firm.Currency {
		return e, sup, domain.Invalid("inhouse_estimate", "give the in-house estimate in the firm's currency, %s", firm.Currency)
	}
	if in.SupervisorID <= 0 {
		return e, sup, domain.Invalid("supervisor", "choose the supervising attorney")
	}
	sup, err = tx.User(ctx, in.SupervisorID)
	switch {
	case domain.ErrorCode(err) == domain.ENotFound:
		return e, sup, domain.Invalid("supervisor", "choose the supervising attorney")
	case err != nil:
		return e, sup, err
	case sup.Role != domain.RoleAttorney || sup.Disabled:
		return e, sup, domain.Invalid("supervisor", "%s is not an active firm attorney: the supervising attorney must be one", sup.Name)
	}
	if _, err := tx.Matter(ctx, ScopeFor(sup), m.ID); domain.ErrorCode(err) == domain.ENotFound {
		return e, sup, domain.Invalid("supervisor", "%s is screened from this matter and cannot supervise work on it", sup.Name)
	} else if err != nil {
		return e, sup, err
	}
	e.SupervisingAttorneyID = sup.ID
	return e, sup, nil
}

// estimate checks an amount: a supported currency, not negative.
func estimate(field string, m domain.Money) (domain.Money, error) {
	c, err := domain.ParseCurrency(string(m.Currency))
	if err != nil {
		return m, domain.Invalid(field, "%s", domain.ErrorMessage(err))
	}
	if m.Minor < 0 {
		return m, domain.Invalid(field, "an estimate cannot be negative")
	}
	return domain.NewMoney(m.Minor, c), nil
}

// OpenEngagement opens a proposed engagement: an attorney or administrator
// who can see its matter, on an open matter, when every opening gate is met
// now — the facts are gathered and the conflict check run again in this
// transaction. While a gate is unmet it returns the gates and an EGateClosed
// error naming each, and writes nothing.
func (a *App) OpenEngagement(ctx context.Context, actor domain.User, id int64) (domain.Engagement, OpeningCheck, error) {
	var e domain.Engagement
	var c OpeningCheck
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		var err error
		if e, err = tx.Engagement(ctx, ScopeFor(actor), id); err != nil {
			return err
		}
		m, err := a.proposalMatter(ctx, tx, actor, e.MatterID)
		if err != nil {
			return err
		}
		if e.Stage != domain.StageProposed {
			return domain.OpenEngagement(&e, nil, "")
		}
		if c, err = a.openingCheck(ctx, tx, actor, m, e.VendorID, &e); err != nil {
			return err
		}
		if err := domain.OpenEngagement(&e, c.Gates, domain.DateOf(a.Now())); err != nil {
			return err
		}
		if err := tx.MarkEngagementOpened(ctx, e); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "engagement.open", ObjectType: "engagement", ObjectID: e.ID, MatterID: m.ID,
			Summary: fmt.Sprintf("opened %s's engagement on %s (%s): every opening gate met", c.Vendor.Name, m.Number, strings.ToLower(e.Service.Label()))})
	})
	return e, c, err
}

// EngagementGates is what the engagement page shows about its gates.
type EngagementGates struct {
	// Check holds the opening gates of a proposal, for firm users; empty
	// otherwise.
	Check OpeningCheck
	// CanOpen: the actor may open it (the gates decide whether it opens).
	CanOpen bool
}

// EngagementGatesOf returns the opening gates of an engagement the actor can
// see. Only firm users see them, and only while it is a proposal. It
// changes nothing.
func (a *App) EngagementGatesOf(ctx context.Context, actor domain.User, id int64) (EngagementGates, error) {
	var g EngagementGates
	err := a.preview(ctx, func(tx *store.Tx) error {
		e, err := tx.Engagement(ctx, ScopeFor(actor), id)
		if err != nil {
			return err
		}
		m, err := tx.Matter(ctx, store.Scope{All: true}, e.MatterID)
		if err != nil {
			return err
		}
		if err := a.confidentialGate(ctx, tx, actor, m); err != nil {
			return err
		}
		if e.Stage != domain.StageProposed || !actor.Role.IsFirm() {
			return nil
		}
		g.CanOpen = Can(actor, ProposeEngagements) && m.Status == "open"
		g.Check, err = a.openingCheck(ctx, tx, actor, m, e.VendorID, &e)
		return err
	})
	return g, err
}

// SupervisorCandidates are the firm attorneys who could supervise work on a
// matter: active, and not screened from it.
func (a *App) SupervisorCandidates(ctx context.Context, actor domain.User, matterID int64) ([]domain.User, error) {
	var out []domain.User
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		if _, err := tx.Matter(ctx, ScopeFor(actor), matterID); err != nil {
			return err
		}
		if err := require(actor, ProposeEngagements); err != nil {
			return err
		}
		us, err := tx.ListUsers(ctx, store.UserFilter{Role: domain.RoleAttorney, Page: store.Page{Limit: store.MaxPageSize}})
		if err != nil {
			return err
		}
		for _, u := range us {
			if u.Disabled {
				continue
			}
			if _, err := tx.Matter(ctx, ScopeFor(u), matterID); err == nil {
				out = append(out, u)
			} else if domain.ErrorCode(err) != domain.ENotFound {
				return err
			}
		}
		return nil
	})
	return out, err
}

// UserByEmail finds a user for the command-line operator, who acts as that
// user through the same use cases as the web UI and the API.
func (a *App) UserByEmail(ctx context.Context, actor domain.User, email string) (domain.User, error) {
	if !isOperator(actor) {
		return domain.User{}, domain.Errorf(domain.EForbidden, "only the command-line operator looks users up by email")
	}
	addr, err := domain.NormalizeEmail(email)
	if err != nil {
		return domain.User{}, err
	}
	var u domain.User
	err = a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		u, _, err = tx.UserByEmail(ctx, addr)
		return err
	})
	if domain.ErrorCode(err) == domain.ENotFound {
		return u, domain.Errorf(domain.ENotFound, "there is no user %s", addr)
	}
	if err == nil && u.Disabled {
		return u, domain.Errorf(domain.EForbidden, "%s is disabled", addr)
	}
	return u, err
}
