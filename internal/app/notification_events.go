package app

import (
	"context"
	"fmt"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// The events that notify, each with its audience. Firm people are told in
// the firm's terms; vendor people get only what the vendor may know (no
// consent text, client invoices, savings or client-confidential fields);
// client contacts get only what the portal shows them.

// notifyReviewRequested tells the supervising attorney a deliverable version awaits review.
func (a *App) notifyReviewRequested(ctx context.Context, tx *store.Tx, actor domain.User, ref EngagementRef, title string, v domain.DeliverableVersion) ([]email, error) {
	to, err := a.supervisingAttorney(ctx, tx, ref.Engagement)
	if err != nil {
		return nil, err
	}
	return a.notify(ctx, tx, notice{Kind: domain.NotifyReviewRequested, EngagementID: ref.Engagement.ID,
		Subject: fmt.Sprintf("Review requested: %q version %d on %s", title, v.Version, ref.Matter.Number),
		Body: fmt.Sprintf("%s submitted version %d of the deliverable %q on %s for your review. It cannot be released or used until you approve it.",
			actor.Name, v.Version, title, ref.Matter.Number),
		Link: fmt.Sprintf("/engagements/%d/deliverables/versions/%d", ref.Engagement.ID, v.ID)}, to...)
}

// notifyReviewed tells the engagement's vendor team the attorney's decision.
func (a *App) notifyReviewed(ctx context.Context, tx *store.Tx, actor domain.User, ref EngagementRef, title string, v domain.DeliverableVersion) ([]email, error) {
	to, err := a.engagementVendorTeam(ctx, tx, ref.Engagement)
	if err != nil {
		return nil, err
	}
	n := notice{Kind: domain.NotifyApproved, EngagementID: ref.Engagement.ID,
		Subject: fmt.Sprintf("Approved: %q version %d on %s", title, v.Version, ref.Matter.Number),
		Body:    fmt.Sprintf("%s approved version %d of the deliverable %q on %s.", actor.Name, v.Version, title, ref.Matter.Number),
		Link:    fmt.Sprintf("/engagements/%d/deliverables", ref.Engagement.ID)}
	if v.Decision == domain.ReviewChangesRequested {
		n.Kind = domain.NotifyChangesRequested
		n.Subject = fmt.Sprintf("Changes requested: %q version %d on %s", title, v.Version, ref.Matter.Number)
		n.Body = fmt.Sprintf("%s asked for changes to version %d of the deliverable %q on %s. Submit a new version.\n\nThe attorney's comment:\n%s",
			actor.Name, v.Version, title, ref.Matter.Number, v.ReviewComment)
	}
	return a.notify(ctx, tx, n, to...)
}

// notifyReleased tells the client contacts that work reached their portal,
// and the vendor team that its approved work was released or used.
func (a *App) notifyReleased(ctx context.Context, tx *store.Tx, ref EngagementRef, title string, v domain.DeliverableVersion) ([]email, error) {
	var mails []email
	if v.ReleaseKind == domain.ReleaseToClient {
		clients, err := a.matterClientContacts(ctx, tx, ref.Engagement, ref.Matter)
		if err != nil {
			return nil, err
		}
		m, err := a.notify(ctx, tx, notice{Kind: domain.NotifyApproved, EngagementID: ref.Engagement.ID,
			Subject: fmt.Sprintf("New work on %s: %q", ref.Matter.Number, title),
			Body:    fmt.Sprintf("Your legal team reviewed, approved and released %q on matter %s (%s). It is in your portal.", title, ref.Matter.Number, ref.Matter.Title),
			Link:    fmt.Sprintf("/engagements/%d/deliverables", ref.Engagement.ID)}, clients...)
		if err != nil {
			return nil, err
		}
		mails = append(mails, m...)
	}
	team, err := a.engagementVendorTeam(ctx, tx, ref.Engagement)
	if err != nil {
		return nil, err
	}
	m, err := a.notify(ctx, tx, notice{Kind: domain.NotifyApproved, EngagementID: ref.Engagement.ID,
		Subject: fmt.Sprintf("Released: %q version %d on %s", title, v.Version, ref.Matter.Number),
		Body:    fmt.Sprintf("The supervising attorney %s version %d of the deliverable %q on %s.", releasedWords(v.ReleaseKind), v.Version, title, ref.Matter.Number),
		Link:    fmt.Sprintf("/engagements/%d/deliverables", ref.Engagement.ID)}, team...)
	return append(mails, m...), err
}

func releasedWords(k domain.ReleaseKind) string {
	if k == domain.ReleaseToClient {
		return "released to the client"
	}
	return "marked as used in the matter"
}

// notifyBriefingPublished asks the engagement's vendor team to acknowledge a new briefing version.
func (a *App) notifyBriefingPublished(ctx context.Context, tx *store.Tx, actor domain.User, ref EngagementRef, b domain.Briefing) ([]email, error) {
	to, err := a.engagementVendorTeam(ctx, tx, ref.Engagement)
	if err != nil {
		return nil, err
	}
	return a.notify(ctx, tx, notice{Kind: domain.NotifyBriefingUpdated, EngagementID: ref.Engagement.ID,
		Subject: fmt.Sprintf("Briefing version %d on %s: read and acknowledge it", b.Version, ref.Matter.Number),
		Body: fmt.Sprintf("%s published version %d of the briefing for %s. Read it and acknowledge it: until you do, the matter's documents stay closed to you.",
			actor.Name, b.Version, ref.Matter.Number),
		Link: fmt.Sprintf("/engagements/%d/briefing", ref.Engagement.ID)}, to...)
}

// notifyConsentRequested asks the client's contacts to answer a disclosure.
// Client contacts only: the disclosure never goes to the vendor.
func (a *App) notifyConsentRequested(ctx context.Context, tx *store.Tx, actor domain.User, e domain.Engagement, m domain.Matter, d domain.ClientDisclosure) ([]email, error) {
	to, err := a.matterClientContacts(ctx, tx, e, m)
	if err != nil {
		return nil, err
	}
	return a.notify(ctx, tx, notice{Kind: domain.NotifyConsentRequested, EngagementID: e.ID,
		Subject: fmt.Sprintf("Your consent is requested: outsourcing on %s", m.Number),
		Body: fmt.Sprintf("%s proposes to have part of the work on matter %s (%s) done by an outside provider, and asks for your informed consent. Read the disclosure (version %d) and answer it in your portal.",
			actor.Name, m.Number, m.Title, d.Version),
		Link: fmt.Sprintf("/engagements/%d", e.ID)}, to...)
}

// notifyConsentAnswered tells the supervising attorney the client's answer.
func (a *App) notifyConsentAnswered(ctx context.Context, tx *store.Tx, e domain.Engagement, m domain.Matter, c domain.Consent, who string) ([]email, error) {
	to, err := a.supervisingAttorney(ctx, tx, e)
	if err != nil {
		return nil, err
	}
	verb := "consented to"
	if c.State != domain.ConsentGiven {
		verb = "declined"
	}
	return a.notify(ctx, tx, notice{Kind: domain.NotifyConsentGiven, EngagementID: e.ID,
		Subject: fmt.Sprintf("Consent %s on %s", map[bool]string{true: "given", false: "declined"}[c.State == domain.ConsentGiven], m.Number),
		Body:    fmt.Sprintf("%s %s the outsourcing disclosure on %s.", who, verb, m.Number),
		Link:    fmt.Sprintf("/engagements/%d", e.ID)}, to...)
}
