package app

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// An engagement's audit plan and the batches of items imported for it.

// MaxBatchRows is the most items one imported batch may hold.
const MaxBatchRows = 10_000_000

// firmAuditors are the enabled attorneys and staff of the firm, who may be
// named an engagement's auditor.
func firmAuditors(ctx context.Context, tx *store.Tx) ([]domain.User, error) {
	var out []domain.User
	for _, r := range []domain.Role{domain.RoleAttorney, domain.RoleStaff} {
		us, err := tx.ListUsers(ctx, store.UserFilter{Role: r, Page: store.Page{Limit: store.MaxPageSize}})
		if err != nil {
			return nil, err
		}
		out = append(out, slices.DeleteFunc(us, func(u domain.User) bool { return u.Disabled })...)
	}
	slices.SortFunc(out, func(x, y domain.User) int { return strings.Compare(x.Name, y.Name) })
	return out, nil
}

// SetAuditPlan creates or replaces the engagement's audit plan after
// checking every field (domain errors name the field); the switch state
// and history are kept.
func (a *App) SetAuditPlan(ctx context.Context, actor domain.User, engagementID int64, p domain.AuditPlan) (domain.AuditPlan, error) {
	var out domain.AuditPlan
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, err := a.onEngagement(ctx, tx, actor, engagementID, domain.ActivityAudit, nil, func(domain.Engagement) error { return require(actor, PlanAudits) })
		if err != nil {
			return err
		}
		p, err := domain.ValidatePlan(p)
		if err != nil {
			return err
		}
		if p.AuditorID != 0 {
			u, err := tx.User(ctx, p.AuditorID)
			if domain.ErrorCode(err) == domain.ENotFound || err == nil && (u.Disabled || u.Role != domain.RoleAttorney && u.Role != domain.RoleStaff) {
				return domain.Invalid("auditor", "the auditor must be one of the firm's attorneys or staff")
			} else if err != nil {
				return err
			}
			p.AuditorName = u.Name
		}
		prev, err := tx.AuditPlan(ctx, engagementID)
		switch {
		case err == nil:
			p.Switch = prev.Switch
		case domain.ErrorCode(err) == domain.ENotFound:
			p.Switch = domain.SwitchNormal
		default:
			return err
		}
		p.EngagementID, p.UpdatedBy, p.UpdatedAt = engagementID, actor.ID, a.Now()
		if err := tx.SaveAuditPlan(ctx, &p); err != nil {
			return err
		}
		out = p
		verb := "set"
		if prev.ID != 0 {
			verb = "changed"
		}
		return a.audit(ctx, tx, actor, Record{Action: "audit.plan", ObjectType: "engagement", ObjectID: engagementID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("%s the quality audit plan on %s: %s", verb, ref.Matter.Number, planWords(p))})
	})
	return out, err
}

// planWords describes a plan in one line for the audit trail.
func planWords(p domain.AuditPlan) string {
	cadence := string(p.Cadence)
	if p.Cadence == domain.AuditEveryN {
		cadence = fmt.Sprintf("every %d deliverable versions", p.EveryN)
	}
	s := fmt.Sprintf("%s audits of %s, %s sampling at %.4g%% confidence", cadence, strings.ReplaceAll(string(p.Population), "_", " "),
		strings.ReplaceAll(string(p.Sampling.Method), "_", "-"), p.Sampling.Confidence*100)
	if p.MaxErrorRate > 0 {
		s += fmt.Sprintf(", threshold %.4g%%", p.MaxErrorRate*100)
	}
	if p.Stratify {
		s += ", stratified by person"
	}
	s += fmt.Sprintf(", %d rubric criteria", len(p.Criteria))
	if p.PauseAfter > 0 {
		s += fmt.Sprintf(", pause after %d consecutive failures", p.PauseAfter)
	}
	return s
}

// ImportAuditBatch reads a CSV of items (item id, the vendor's decision or
// output, the person who did it, optional further columns) into a new
// batch. A CSV with a duplicate id, an empty id, no rows or a bad header is
// refused whole, naming the line; nothing is saved.
func (a *App) ImportAuditBatch(ctx context.Context, actor domain.User, engagementID int64, name string, csv io.Reader) (domain.AuditBatch, error) {
	var b domain.AuditBatch
	check := func() error {
		return a.Store.Read(ctx, func(tx *store.Tx) error {
			_, err := a.onEngagement(ctx, tx, actor, engagementID, domain.ActivityAudit, nil, conductor(actor))
			return err
		})
	}
	// The gates are checked before the file is read.
	if err := check(); err != nil {
		return b, err
	}
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return b, domain.Invalid("name", "name the batch, e.g. \"Coded documents, week 12\"")
	case utf8.RuneCountInString(name) > 200:
		return b, domain.Invalid("name", "the batch name must be at most 200 characters")
	}
	items, err := domain.ParsePopulationCSV(csv, MaxBatchRows)
	if err != nil {
		return b, err
	}
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, err := a.onEngagement(ctx, tx, actor, engagementID, domain.ActivityAudit, nil, conductor(actor))
		if err != nil {
			return err
		}
		b = domain.AuditBatch{EngagementID: engagementID, Name: name, ImportedBy: actor.ID, ImportedName: actor.Name, ImportedAt: a.Now()}
		if err := tx.CreateAuditBatch(ctx, &b, items); err != nil {
			if domain.ErrorCode(err) == domain.EConflict {
				return domain.Errorf(domain.EConflict, "the engagement already has a batch named %q; choose another name", name)
			}
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "audit.batch_import", ObjectType: "engagement", ObjectID: engagementID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("imported audit batch %q on %s: %d items by %d people", name, ref.Matter.Number, b.Items, b.People)})
	})
	if err != nil {
		return domain.AuditBatch{}, err
	}
	return b, nil
}
