package app

import (
	"context"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// The gate every piece of engagement work passes, once, for the web UI, the
// API and the CLI alike. workEngagement loads the engagement in the actor's
// scope (else not found: screens and vendor assignments hold), applies the
// second-factor gate of highly confidential matters, asks the domain whether
// the engagement's stage allows the activity (domain.StageAllows), and adds
// the per-person gates:
//
//   - a vendor user whose NDA or confidentiality training has lapsed does no
//     engagement work at all (personnelClear);
//   - matter documents need the client's current consent where the firm's
//     policy requires it (consentCurrent), whoever shares or opens them;
//   - a vendor user opens no matter document before acknowledging the
//     current briefing version (briefingAcknowledged).
//
// Use cases call it inside their transaction, before reading or changing
// anything else, and call nothing else to decide whether work may happen.

// EngagementRef is an engagement loaded for work, with its matter.
type EngagementRef struct {
	Engagement domain.Engagement
	Matter     domain.Matter
}

// workEngagement loads engagement id for actor to do act; see above.
func (a *App) workEngagement(ctx context.Context, tx *store.Tx, actor domain.User, id int64, act domain.Activity) (EngagementRef, error) {
	var ref EngagementRef
	if actor.Disabled {
		return ref, domain.NotFound("engagement")
	}
	e, err := tx.Engagement(ctx, ScopeFor(actor), id)
	if err != nil {
		return ref, err
	}
	m, err := tx.Matter(ctx, store.Scope{All: true}, e.MatterID)
	if err != nil {
		return ref, err
	}
	ref = EngagementRef{Engagement: e, Matter: m}
	if actor.Role.IsClient() {
		// Clients read what is released to them; they do no engagement work.
		return ref, domain.Errorf(domain.EForbidden, "client contacts do not take part in the work between the firm and the vendor")
	}
	if err := a.confidentialGate(ctx, tx, actor, m); err != nil {
		return ref, err
	}
	if err := domain.StageAllows(e.Stage, act); err != nil {
		return ref, err
	}
	if actor.Role.IsVendor() && act != domain.ActivityCertify {
		if err := a.personnelClear(ctx, tx, actor.ID); err != nil {
			return ref, err
		}
	}
	if act == domain.ActivityDocument {
		if err := a.consentCurrent(ctx, tx, e.ID); err != nil {
			return ref, err
		}
		if actor.Role.IsVendor() {
			if err := a.briefingAcknowledged(ctx, tx, e.ID, actor.ID); err != nil {
				return ref, err
			}
		}
	}
	return ref, nil
}

// engagementHeader is the summary every engagement page shows at its top
// (matter, client, vendor, supervisor, stage), for an engagement in the
// actor's scope, past the second-factor gate. It checks no stage gate: the
// pages show what is there and why the next step is closed.
func (a *App) engagementHeader(ctx context.Context, tx *store.Tx, actor domain.User, id int64) (store.EngagementSummary, error) {
	var h store.EngagementSummary
	if actor.Disabled {
		return h, domain.NotFound("engagement")
	}
	if _, err := tx.Engagement(ctx, ScopeFor(actor), id); err != nil {
		return h, err
	}
	list, err := tx.ListEngagements(ctx, store.Scope{All: true}, store.EngagementFilter{Page: store.Page{AfterID: id - 1, Limit: 1}})
	if err != nil {
		return h, err
	}
	if len(list) == 0 || list[0].ID != id {
		return h, domain.NotFound("engagement")
	}
	m, err := tx.Matter(ctx, store.Scope{All: true}, list[0].MatterID)
	if err != nil {
		return h, err
	}
	if err := a.confidentialGate(ctx, tx, actor, m); err != nil {
		return h, err
	}
	return list[0], nil
}
