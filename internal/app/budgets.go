package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Budgets (issue 8 part 6): a budget per matter and per engagement in the
// firm's currency (attorneys and firm administrators set them; firm users
// read them), shown beside what has been spent (actual) and what approved
// vendor time not yet invoiced will cost (accrued), the remainder and the
// share used. Every change is audited.

// BudgetInput is a budget as a form, request or command gives it.
type BudgetInput struct {
	MatterID     int64
	MatterNumber string // when MatterID is 0
	EngagementID int64  // 0: the matter's own budget
	Amount       string // a decimal in the firm's currency
	Currency     string // "" is the firm's; anything else must be it
	Note         string
}

// BudgetsView is the budgets page.
type BudgetsView struct {
	Budgets     []domain.BudgetStatus
	Currency    domain.Currency // the firm's
	MatterID    int64
	CanSet      bool
	Matters     []store.MatterSummary
	Engagements []store.EngagementSummary
}

// Budgets reads the budgets of matters in the actor's scope (matterID 0:
// all) with their actual, accrued and remaining amounts.
func (a *App) Budgets(ctx context.Context, actor domain.User, matterID int64) (BudgetsView, error) {
	var v BudgetsView
	if err := require(actor, ViewBudgets); err != nil {
		return v, err
	}
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		s := ScopeFor(actor)
		firm, err := tx.Firm(ctx)
		if err != nil {
			return err
		}
		v.Currency, v.MatterID, v.CanSet = firm.Currency, matterID, Can(actor, ManageBudgets)
		if matterID != 0 {
			m, err := tx.Matter(ctx, s, matterID)
			if err != nil {
				return err
			}
			if err := a.confidentialGate(ctx, tx, actor, m); err != nil {
				return err
			}
		}
		if v.Budgets, err = tx.Budgets(ctx, s, matterID); err != nil {
			return err
		}
		for i := range v.Budgets {
			if err := accrue(ctx, tx, &v.Budgets[i], firm.Currency); err != nil {
				return err
			}
		}
		if v.CanSet {
			if v.Matters, err = tx.ListMatters(ctx, s, store.MatterFilter{Status: "open", Page: store.Page{Limit: store.MaxPageSize}}); err != nil {
				return err
			}
			v.Engagements, err = tx.ListEngagements(ctx, s, store.EngagementFilter{MatterID: matterID, Page: store.Page{Limit: store.MaxPageSize}})
		}
		return err
	})
	return v, err
}

// accrue values an engagement budget's approved, uninvoiced vendor time at
// its rate card and converts it to the firm's currency at the latest rate
// recorded on an approved vendor invoice in the vendor's currency.
func accrue(ctx context.Context, tx *store.Tx, b *domain.BudgetStatus, firm domain.Currency) error {
	b.Accrued, b.AccruedConverted = domain.Money{Currency: firm}, true
	if b.EngagementID == 0 {
		return nil
	}
	e, err := tx.Engagement(ctx, store.Scope{All: true}, b.EngagementID)
	if err != nil {
		return err
	}
	vendor, err := tx.Vendor(ctx, store.Scope{All: true}, e.VendorID)
	if err != nil {
		return err
	}
	entries, err := tx.AccrualEntries(ctx, b.EngagementID)
	if err != nil || len(entries) == 0 {
		return err
	}
	card, err := tx.RateCard(ctx, b.EngagementID)
	if err != nil {
		return err
	}
	amount, notes, err := domain.AccrueTime(entries, card, vendor.Currency)
	if err != nil {
		return err
	}
	b.AccrualNotes = notes
	if vendor.Currency == firm {
		b.Accrued = amount
		return nil
	}
	rate, err := tx.LatestFXRate(ctx, vendor.Currency)
	if err != nil {
		return err
	}
	if rate == "" {
		b.AccruedForeign, b.AccruedConverted = amount, false
		b.AccrualNotes = append(b.AccrualNotes, fmt.Sprintf("no exchange rate recorded yet for %s: the accrual is shown in %s and left out of the remainder", vendor.Currency, vendor.Currency))
		return nil
	}
	num, den, err := domain.ParseFXRate(rate)
	if err != nil {
		return err
	}
	if b.Accrued, err = domain.ScaleAmount(amount, num, den, firm); err != nil {
		return err
	}
	b.AccruedForeign = amount
	b.AccrualNotes = append(b.AccrualNotes, fmt.Sprintf("%s converted at %s, the latest rate recorded on an approved %s invoice", amount, rate, vendor.Currency))
	return nil
}

// SetBudget sets the budget of a matter or of one of its engagements
// (attorneys and firm administrators), in the firm's currency.
func (a *App) SetBudget(ctx context.Context, actor domain.User, in BudgetInput) (domain.Budget, error) {
	var b domain.Budget
	if err := require(actor, ManageBudgets); err != nil {
		return b, err
	}
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		s := ScopeFor(actor)
		firm, err := tx.Firm(ctx)
		if err != nil {
			return err
		}
		b = domain.Budget{MatterID: in.MatterID, EngagementID: in.EngagementID, Note: strings.TrimSpace(in.Note), SetBy: actor.ID, SetByName: actor.Name, SetAt: a.Now()}
		if b.MatterID == 0 && strings.TrimSpace(in.MatterNumber) != "" {
			if b.MatterID, err = tx.MatterIDByNumber(ctx, strings.TrimSpace(in.MatterNumber)); err != nil {
				return err
			}
			if b.MatterID == 0 {
				return domain.NotFound("matter")
			}
		}
		if b.MatterID == 0 {
			return domain.Invalid("matter", "choose the matter the budget is for")
		}
		m, err := tx.Matter(ctx, s, b.MatterID)
		if err != nil {
			return err
		}
		if err := a.confidentialGate(ctx, tx, actor, m); err != nil {
			return err
		}
		what := "matter " + m.Number
		if b.EngagementID != 0 {
			e, err := tx.Engagement(ctx, s, b.EngagementID)
			if err != nil {
				return err
			}
			if e.MatterID != m.ID {
				return domain.Invalid("engagement", "engagement %d is not an engagement of matter %s", e.ID, m.Number)
			}
			what = fmt.Sprintf("engagement %d of matter %s", e.ID, m.Number)
		}
		cur := firm.Currency
		if c := strings.TrimSpace(in.Currency); c != "" {
			if cur, err = domain.ParseCurrency(c); err != nil {
				return domain.Invalid("currency", "%s", domain.ErrorMessage(err))
			}
			if cur != firm.Currency {
				return domain.Invalid("currency", "budgets are in the firm's currency, %s; got %s", firm.Currency, cur)
			}
		}
		if strings.TrimSpace(in.Amount) == "" {
			return domain.Invalid("amount", "give the budget in %s", firm.Currency)
		}
		if b.Amount, err = domain.ParseMoney(strings.TrimSpace(in.Amount), cur); err != nil {
			return domain.Invalid("amount", "%s", domain.ErrorMessage(err))
		}
		if err := b.Validate(firm.Currency); err != nil {
			return err
		}
		if err := tx.SaveBudget(ctx, b); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "budget.set", ObjectType: "matter", ObjectID: m.ID, MatterID: m.ID,
			Summary: fmt.Sprintf("budget of %s set to %s", what, b.Amount)})
	})
	return b, err
}
