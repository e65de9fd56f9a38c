package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// SensitivityRules returns the firm's vendor requirements for each
// sensitivity label, least sensitive first: what it set, else the default.
// Firm administrators read them here; everyone else meets them in the
// opening gates, which explain them when they block.
func (a *App) SensitivityRules(ctx context.Context, actor domain.User) ([]domain.SensitivityRule, error) {
	if err := require(actor, ManageSettings); err != nil {
		return nil, err
	}
	var out []domain.SensitivityRule
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		out, err = a.sensitivityRules(ctx, tx)
		return err
	})
	return out, err
}

// sensitivityRules is the full rule set, one rule per label in order.
func (a *App) sensitivityRules(ctx context.Context, tx *store.Tx) ([]domain.SensitivityRule, error) {
	stored, err := tx.SensitivityRules(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]domain.SensitivityRule, 0, len(domain.Sensitivities))
	for _, s := range domain.Sensitivities {
		out = append(out, domain.RuleFor(stored, s))
	}
	return out, nil
}

// SetSensitivityRules replaces the firm's vendor requirements: one rule for
// each sensitivity label, all three given. Firm administrators only; the
// change is audited with what changed. New rules apply to engagements
// opened from now on; engagements already open are not re-judged.
func (a *App) SetSensitivityRules(ctx context.Context, actor domain.User, rules []domain.SensitivityRule) error {
	if err := require(actor, ManageSettings); err != nil {
		return err
	}
	seen := map[domain.Sensitivity]bool{}
	for _, r := range rules {
		if err := r.Validate(); err != nil {
			return err
		}
		if seen[r.Sensitivity] {
			return domain.Invalid("rules", "the rule for %s matters is given twice", strings.ToLower(r.Sensitivity.Label()))
		}
		seen[r.Sensitivity] = true
	}
	for _, s := range domain.Sensitivities {
		if !seen[s] {
			return domain.Invalid("rules", "give a rule for each sensitivity: %s matters have none", strings.ToLower(s.Label()))
		}
	}
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		old, err := a.sensitivityRules(ctx, tx)
		if err != nil {
			return err
		}
		var changes []string
		now := a.Now()
		for _, s := range domain.Sensitivities {
			was, r := domain.RuleFor(old, s), domain.RuleFor(rules, s)
			if d := ruleChanges(was, r); d != "" {
				changes = append(changes, d)
			}
			if err := tx.SetSensitivityRule(ctx, r, now); err != nil {
				return err
			}
		}
		if len(changes) == 0 {
			changes = append(changes, "saved without changes")
		}
		return a.audit(ctx, tx, actor, Record{Action: "settings.sensitivity_rules", ObjectType: "settings",
			Summary: "vendor requirements by sensitivity: " + strings.Join(changes, "; ")})
	})
}

// ruleChanges describes what changed between two rules of one label, or "".
func ruleChanges(was, now domain.SensitivityRule) string {
	var d []string
	flag := func(what string, a, b bool) {
		if a != b {
			d = append(d, fmt.Sprintf("%s %s (was %s)", what, required(b), required(a)))
		}
	}
	flag("SOC 2 / ISO 27001 evidence", was.RequireCertification, now.RequireCertification)
	flag("MFA", was.RequireMFA, now.RequireMFA)
	flag("no unapproved subcontractors", was.NoUnapprovedSubcontractors, now.NoUnapprovedSubcontractors)
	if was.MinScore != now.MinScore {
		d = append(d, fmt.Sprintf("minimum score %d (was %d)", now.MinScore, was.MinScore))
	}
	if len(d) == 0 {
		return ""
	}
	return strings.ToLower(now.Sensitivity.Label()) + ": " + strings.Join(d, ", ")
}

func required(b bool) string {
	if b {
		return "required"
	}
	return "not required"
}
