package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Rates (issue 8 part 1). Firm administrators keep the firm's timekeepers:
// a LEDES timekeeper id, a classification and dated hourly rates in the
// firm's currency. The engagement's supervising attorney (or a firm
// administrator) keeps its vendor rate card in the vendor's currency, from
// the statement-of-work stage on (domain.ActivityRates). A rate is never
// changed in place: a new dated rate supersedes it, so history is kept and
// invoices for past work keep their rates. Every change is audited.

// TimekeeperInput is a timekeeper as a form, request or command gives it.
// LEDESID and Classification may be left empty for an existing timekeeper
// (kept as they are); Rate, with From, adds a dated rate in the same step.
type TimekeeperInput struct {
	UserID         int64
	LEDESID        string
	Classification string
	Rate           string // decimal in the firm's currency; "" adds none
	Currency       string // "" is the firm's; anything else must be it
	From           string // YYYY-MM-DD, the rate's effective day
}

// Timekeepers lists the firm's timekeepers with their rates (firm administrators).
func (a *App) Timekeepers(ctx context.Context, actor domain.User) ([]domain.Timekeeper, error) {
	if err := require(actor, ManageRates); err != nil {
		return nil, err
	}
	var out []domain.Timekeeper
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.Timekeepers(ctx)
		return err
	})
	return out, err
}

// Timekeeper reads one user's timekeeper record (firm administrators); a
// user who is not a timekeeper yet has an empty LEDES id and no rates.
func (a *App) Timekeeper(ctx context.Context, actor domain.User, userID int64) (domain.Timekeeper, error) {
	var out domain.Timekeeper
	if err := require(actor, ManageRates); err != nil {
		return out, err
	}
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		u, err := tx.User(ctx, userID)
		if err != nil {
			return err
		}
		out, err = tx.Timekeeper(ctx, userID)
		if domain.ErrorCode(err) == domain.ENotFound {
			out, err = domain.Timekeeper{UserID: u.ID, Name: u.Name, Email: u.Email}, nil
		}
		return err
	})
	return out, err
}

// SetTimekeeper makes a firm user a timekeeper or changes their LEDES id or
// classification, and adds a dated rate when in.Rate is given, all or
// nothing (firm administrators).
func (a *App) SetTimekeeper(ctx context.Context, actor domain.User, in TimekeeperInput) (domain.Timekeeper, error) {
	var out domain.Timekeeper
	if err := require(actor, ManageRates); err != nil {
		return out, err
	}
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		if in.UserID == 0 {
			return domain.Invalid("user", "choose the firm user who is the timekeeper")
		}
		u, err := tx.User(ctx, in.UserID) // a user that does not exist is not found
		if err != nil {
			return err
		}
		if !u.Role.IsFirm() {
			return domain.Invalid("user", "%s is not one of the firm's people: only firm users are its timekeepers", u.Name)
		}
		prev, err := tx.Timekeeper(ctx, u.ID)
		exists := err == nil
		if err != nil && domain.ErrorCode(err) != domain.ENotFound {
			return err
		}
		tk := domain.Timekeeper{UserID: u.ID, Name: u.Name, Email: u.Email, LEDESID: strings.TrimSpace(in.LEDESID), Rates: prev.Rates}
		if tk.LEDESID == "" && exists {
			tk.LEDESID = prev.LEDESID
		}
		tk.Classification = domain.Classification(strings.ToUpper(strings.TrimSpace(in.Classification)))
		if tk.Classification == "" && exists {
			tk.Classification = prev.Classification
		}
		if err := tk.Validate(); err != nil {
			return err
		}
		if other, err := tx.TimekeeperByLEDESID(ctx, tk.LEDESID); err == nil && other.UserID != u.ID {
			return domain.Errorf(domain.EConflict, "the LEDES timekeeper id %s is already %s's", other.LEDESID, other.Name)
		} else if err != nil && domain.ErrorCode(err) != domain.ENotFound {
			return err
		}
		changed := !exists || tk.LEDESID != prev.LEDESID || tk.Classification != prev.Classification
		if !changed && strings.TrimSpace(in.Rate) == "" {
			return domain.Invalid("rate", "nothing to change: give a new LEDES id, classification or rate")
		}
		if changed {
			if err := tx.SaveTimekeeper(ctx, tk, actor.ID, a.Now()); err != nil {
				return err
			}
			summary := fmt.Sprintf("%s is timekeeper %s, %s", u.Name, tk.LEDESID, tk.Classification.Label())
			if exists {
				summary = fmt.Sprintf("%s's timekeeper record changed from %s, %s to %s, %s", u.Name, prev.LEDESID, prev.Classification.Label(), tk.LEDESID, tk.Classification.Label())
			}
			if err := a.audit(ctx, tx, actor, Record{Action: "timekeeper.set", ObjectType: "user", ObjectID: u.ID, Summary: summary}); err != nil {
				return err
			}
		}
		if strings.TrimSpace(in.Rate) != "" || strings.TrimSpace(in.From) != "" {
			r, err := a.addTimekeeperRate(ctx, tx, actor, tk, in)
			if err != nil {
				return err
			}
			tk.Rates = append([]domain.Rate{r}, tk.Rates...)
		}
		out, err = tx.Timekeeper(ctx, u.ID)
		return err
	})
	return out, err
}

// addTimekeeperRate records a dated rate for an existing timekeeper.
func (a *App) addTimekeeperRate(ctx context.Context, tx *store.Tx, actor domain.User, tk domain.Timekeeper, in TimekeeperInput) (domain.Rate, error) {
	firm, err := tx.Firm(ctx)
	if err != nil {
		return domain.Rate{}, err
	}
	cur := firm.Currency
	if c := strings.TrimSpace(in.Currency); c != "" {
		if cur, err = domain.ParseCurrency(c); err != nil {
			return domain.Rate{}, err
		}
	}
	r := domain.Rate{SetBy: actor.ID, SetByName: actor.Name, SetAt: a.Now()}
	if r.Effective, err = domain.ParseDate("from", strings.TrimSpace(in.From)); err != nil {
		return r, err
	}
	if strings.TrimSpace(in.Rate) == "" {
		return r, domain.Invalid("rate", "give the hourly rate in %s", firm.Currency)
	}
	if r.Amount, err = domain.ParseMoney(in.Rate, cur); err != nil {
		return r, domain.Invalid("rate", "%s", domain.ErrorMessage(err))
	}
	if err := r.Validate(firm.Currency); err != nil {
		return r, err
	}
	for _, old := range tk.Rates {
		if old.Effective == r.Effective {
			return r, domain.Errorf(domain.EConflict, "%s already has a rate from %s (%s); a rate never changes in place: date the new rate from another day",
				tk.Name, r.Effective, old.Amount)
		}
	}
	if err := tx.AddTimekeeperRate(ctx, tk.UserID, &r); err != nil {
		return r, err
	}
	return r, a.audit(ctx, tx, actor, Record{Action: "timekeeper.rate", ObjectType: "user", ObjectID: tk.UserID,
		Summary: fmt.Sprintf("%s's rate is %s an hour from %s", tk.Name, r.Amount, r.Effective)})
}

// AddTimekeeperRate adds a dated rate for a timekeeper (firm administrators).
func (a *App) AddTimekeeperRate(ctx context.Context, actor domain.User, userID int64, rate, currency, from string) (domain.Rate, error) {
	var out domain.Rate
	if err := require(actor, ManageRates); err != nil {
		return out, err
	}
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		tk, err := tx.Timekeeper(ctx, userID)
		if err != nil {
			return err
		}
		out, err = a.addTimekeeperRate(ctx, tx, actor, tk, TimekeeperInput{Rate: rate, Currency: currency, From: from})
		return err
	})
	return out, err
}

// RateCardView is an engagement's rate card as its pages show it.
type RateCardView struct {
	Header   store.EngagementSummary
	Lines    []domain.RateCardLine // every dated line, history included
	Current  []domain.RateCardLine // the lines in force today
	Currency domain.Currency       // the vendor's
	Today    domain.Date
	Items    []domain.WorkItem // the approved statement of work's items, for fixed fees
	Closed   string            // why the card cannot be changed now ("" when it can)
	CanSet   bool
}

// RateCardOf reads an engagement's rate card: firm users, and the vendor's
// managers on their engagements; never its client (not found) nor a vendor
// professional (forbidden).
func (a *App) RateCardOf(ctx context.Context, actor domain.User, engagementID int64) (RateCardView, error) {
	var v RateCardView
	if actor.Role.IsClient() {
		return v, domain.NotFound("engagement")
	}
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		h, err := a.engagementHeader(ctx, tx, actor, engagementID)
		if err != nil {
			return err
		}
		if err := require(actor, ViewRateCards); err != nil {
			return err
		}
		v.Header = h
		vendor, err := tx.Vendor(ctx, store.Scope{All: true}, h.VendorID)
		if err != nil {
			return err
		}
		v.Currency = vendor.Currency
		if v.Lines, err = tx.RateCard(ctx, engagementID); err != nil {
			return err
		}
		if v.Today, err = a.todayFor(ctx, tx, actor); err != nil {
			return err
		}
		v.Current = domain.CardOn(v.Lines, v.Today)
		if cur, err := tx.CurrentSOW(ctx, engagementID); err == nil {
			v.Items = cur.Items
		} else if domain.ErrorCode(err) != domain.ENotFound {
			return err
		}
		if err := domain.StageAllows(h.Stage, domain.ActivityRates); err != nil {
			v.Closed = domain.ErrorMessage(err)
			return nil
		}
		v.CanSet = canSetRateCard(actor, h.Engagement) == nil
		return nil
	})
	return v, err
}

// canSetRateCard: a firm administrator, or the engagement's supervising attorney.
func canSetRateCard(actor domain.User, e domain.Engagement) error {
	if err := require(actor, SetRateCards); err != nil {
		return err
	}
	if actor.Role == domain.RoleAttorney && actor.ID != e.SupervisingAttorneyID {
		return domain.Errorf(domain.EForbidden, "only the engagement's supervising attorney or a firm administrator sets its rate card")
	}
	return nil
}

// RateCardLineInput is a rate card line as a form, request or command gives it.
type RateCardLineInput struct {
	Kind           string // hourly, fixed, per_unit
	Classification string // hourly
	WorkItemID     int64  // fixed (optional)
	Unit           string // per_unit
	Description    string
	Amount         string // decimal
	Currency       string // "" is the vendor's; anything else must be it
	From           string // YYYY-MM-DD
}

// AddRateCardLine adds a dated line to the engagement's rate card: the
// supervising attorney or a firm administrator, from the SOW stage on.
func (a *App) AddRateCardLine(ctx context.Context, actor domain.User, engagementID int64, in RateCardLineInput) (domain.RateCardLine, error) {
	var l domain.RateCardLine
	if actor.Role.IsClient() {
		return l, domain.NotFound("engagement")
	}
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, err := a.onEngagement(ctx, tx, actor, engagementID, domain.ActivityRates, nil, func(e domain.Engagement) error { return canSetRateCard(actor, e) })
		if err != nil {
			return err
		}
		vendor, err := tx.Vendor(ctx, store.Scope{All: true}, ref.Engagement.VendorID)
		if err != nil {
			return err
		}
		if l, err = in.line(vendor); err != nil {
			return err
		}
		if l.WorkItemID != 0 {
			cur, err := tx.CurrentSOW(ctx, engagementID)
			if domain.ErrorCode(err) == domain.ENotFound {
				return domain.Invalid("item", "the statement of work is not approved yet: a fixed fee for a work item waits for it")
			} else if err != nil {
				return err
			}
			it, err := approvedItem(cur.Items, l.WorkItemID)
			if err != nil {
				return err
			}
			l.WorkItemTitle = it.Title
		}
		lines, err := tx.RateCard(ctx, engagementID)
		if err != nil {
			return err
		}
		for _, old := range lines {
			if old.Key() == l.Key() && old.Effective == l.Effective {
				return domain.Errorf(domain.EConflict, "%s is already priced from %s (%s); a rate never changes in place: date the new rate from another day",
					lineWhat(old), l.Effective, old.Amount)
			}
		}
		l.EngagementID, l.SetBy, l.SetByName, l.SetAt = engagementID, actor.ID, actor.Name, a.Now()
		if err := tx.AddRateCardLine(ctx, &l); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "rate_card.add", ObjectType: "engagement", ObjectID: engagementID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("rate card on %s with %s: %s at %s from %s", ref.Matter.Number, vendor.Name, lineWhat(l), l.Amount, l.Effective)})
	})
	return l, err
}

// line parses the input in the vendor's currency (or the one given, which
// must be the vendor's).
func (in RateCardLineInput) line(v domain.Vendor) (domain.RateCardLine, error) {
	var l domain.RateCardLine
	var err error
	if l.Kind, err = domain.ParseRateKind(in.Kind); err != nil {
		return l, err
	}
	if c := strings.TrimSpace(in.Classification); c != "" {
		if l.Classification, err = domain.ParseClassification("classification", c); err != nil {
			return l, err
		}
	}
	l.WorkItemID, l.Unit, l.Description = in.WorkItemID, strings.TrimSpace(in.Unit), strings.TrimSpace(in.Description)
	cur := v.Currency
	if c := strings.TrimSpace(in.Currency); c != "" {
		if cur, err = domain.ParseCurrency(c); err != nil {
			return l, err
		}
	}
	if strings.TrimSpace(in.Amount) == "" {
		return l, domain.Invalid("amount", "give the rate in %s", v.Currency)
	}
	if l.Amount, err = domain.ParseMoney(in.Amount, cur); err != nil {
		return l, domain.Invalid("amount", "%s", domain.ErrorMessage(err))
	}
	if l.Effective, err = domain.ParseDate("from", strings.TrimSpace(in.From)); err != nil {
		return l, err
	}
	return l, l.Validate(v)
}

// lineWhat names what a line prices ("hourly ASSOC", "per document").
func lineWhat(l domain.RateCardLine) string {
	switch l.Kind {
	case domain.RateHourly:
		return "the hourly rate of " + string(l.Classification)
	case domain.RatePerUnit:
		return "the rate per " + l.Unit
	}
	if l.WorkItemID != 0 {
		return fmt.Sprintf("the fixed fee for %q", l.WorkItemTitle)
	}
	return "the engagement's fixed fee"
}

// TimekeeperCandidates lists the firm's users who may be made timekeepers
// (firm administrators).
func (a *App) TimekeeperCandidates(ctx context.Context, actor domain.User) ([]domain.User, error) {
	if err := require(actor, ManageRates); err != nil {
		return nil, err
	}
	var out []domain.User
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		for _, r := range []domain.Role{domain.RoleFirmAdmin, domain.RoleAttorney, domain.RoleStaff} {
			us, err := tx.ListUsers(ctx, store.UserFilter{Role: r, Page: store.Page{Limit: store.MaxPageSize}})
			if err != nil {
				return err
			}
			out = append(out, us...)
		}
		return nil
	})
	return out, err
}
