package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// The briefing: the second gate. The firm's side (the supervising attorney
// or a firm administrator) writes a draft — the jurisdiction section starts
// from the matter's jurisdictions — and publishes it: the version is frozen
// with the SHA-256 of its content. A new version starts as a draft copy of
// the last. Every vendor member acknowledges the current version, typing
// their name; the acknowledgement records the hash they saw. When a version
// is published and every current vendor member has acknowledged it, the
// engagement moves from briefing to the statement of work, in the same
// transaction. Vendor members see only published versions; the matter's
// strategy notes are shown to the firm alone, and reach the vendor only as
// far as the attorney quotes them in the briefing.

// BriefingView is what the briefing page and the API show.
type BriefingView struct {
	Header store.EngagementSummary
	// Current is the latest published version (ID 0: none yet).
	Current domain.Briefing
	// Draft is the version being written (firm side only; ID 0 with the
	// prefilled text when there is none).
	Draft domain.Briefing
	// Versions are the published versions, newest first.
	Versions []domain.Briefing
	// Acks lists each vendor member and their acknowledgement of the
	// current version.
	Acks []MemberAck
	// History is every acknowledgement of every version.
	History []domain.Acknowledgement
	// StrategyNotes are the matter's case strategy notes, for the firm's
	// side to quote from; empty for vendor users.
	StrategyNotes  string
	Blocking       string // what keeps the engagement from the statement of work
	CanEdit        bool   // write and publish (the firm's side)
	CanAcknowledge bool   // the viewer is a vendor member who has not acknowledged the current version
	MyAck          *domain.Acknowledgement
	Firm           bool // the viewer is on the firm's side of the engagement (sees drafts)
}

// MemberAck is a vendor member and their acknowledgement of the current version.
type MemberAck struct {
	PersonRef
	MemberRole string
	Ack        *domain.Acknowledgement // nil: not acknowledged
}

// BriefingOf shows the engagement's briefing to a firm user or a vendor
// member. It changes nothing.
func (a *App) BriefingOf(ctx context.Context, actor domain.User, id int64) (BriefingView, error) {
	var v BriefingView
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		h, err := a.viewEngagement(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		v.Header = h
		e := h.Engagement
		all, err := tx.Briefings(ctx, id)
		if err != nil {
			return err
		}
		v.Firm = actor.Role.IsFirm()
		for i := len(all) - 1; i >= 0; i-- {
			b := all[i]
			if b.Published() {
				if v.Current.ID == 0 {
					v.Current = b
				}
				v.Versions = append(v.Versions, b)
			} else if v.Firm {
				v.Draft = b
			}
		}
		if v.Firm {
			m, err := tx.Matter(ctx, store.Scope{All: true}, e.MatterID)
			if err != nil {
				return err
			}
			st, err := tx.MatterStrategy(ctx, e.MatterID)
			if err != nil {
				return err
			}
			v.StrategyNotes = st.Notes
			if v.Draft.ID == 0 {
				v.Draft = a.newDraft(e, m, v.Current)
			}
		}
		if v.History, err = tx.Acknowledgements(ctx, id); err != nil {
			return err
		}
		if v.Acks, err = a.memberAcks(ctx, tx, e, v.Current, v.History); err != nil {
			return err
		}
		briefingStage := domain.StageAllows(e.Stage, domain.ActivityBriefing) == nil
		v.CanEdit = engagementSide(actor, e) == PlanSideFirm && briefingStage
		for i, m := range v.Acks {
			if m.ID == actor.ID {
				v.MyAck = v.Acks[i].Ack
				v.CanAcknowledge = briefingStage && v.Current.ID != 0 && m.Ack == nil
			}
		}
		v.Blocking = briefingBlocking(e, v.Current, v.Acks)
		return nil
	})
	return v, err
}

// newDraft is the first text of a new version: a copy of the current
// version, or for the first one the jurisdiction section prefilled from
// the matter.
func (a *App) newDraft(e domain.Engagement, m domain.Matter, current domain.Briefing) domain.Briefing {
	d := domain.Briefing{EngagementID: e.ID, Version: current.Version + 1, Sections: current.Sections}
	if current.ID == 0 {
		d.Sections.JurisdictionRules = domain.JurisdictionPrefill(m.Jurisdictions)
	}
	return d
}

// memberAcks pairs each vendor member with their acknowledgement of the
// current version.
func (a *App) memberAcks(ctx context.Context, tx *store.Tx, e domain.Engagement, current domain.Briefing, history []domain.Acknowledgement) ([]MemberAck, error) {
	team, err := a.team(ctx, tx, e)
	if err != nil {
		return nil, err
	}
	var out []MemberAck
	for _, m := range team {
		if !m.Vendor {
			continue
		}
		ma := MemberAck{PersonRef: m.PersonRef, MemberRole: m.MemberRole}
		for i, h := range history {
			if current.ID != 0 && h.BriefingID == current.ID && h.UserID == m.ID {
				ma.Ack = &history[i]
			}
		}
		out = append(out, ma)
	}
	return out, nil
}

// briefingBlocking says what the briefing gate waits on ("" when passed).
func briefingBlocking(e domain.Engagement, current domain.Briefing, acks []MemberAck) string {
	if e.Stage != domain.StageBriefing {
		return ""
	}
	if current.ID == 0 {
		return "No briefing is published yet: the supervising attorney writes and publishes it."
	}
	var waiting []string
	for _, m := range acks {
		if m.Ack == nil {
			waiting = append(waiting, m.Name)
		}
	}
	if len(acks) == 0 {
		return "The engagement has no vendor members to acknowledge the briefing: add the vendor's team."
	}
	if len(waiting) > 0 {
		return fmt.Sprintf("Waiting for %s to acknowledge version %d.", strings.Join(waiting, ", "), current.Version)
	}
	return ""
}

// briefingEngagement loads an engagement for the firm's briefing work.
func (a *App) briefingEngagement(ctx context.Context, tx *store.Tx, actor domain.User, id int64) (EngagementRef, error) {
	ref, err := a.workEngagement(ctx, tx, actor, id, domain.ActivityBriefing)
	if err != nil {
		return ref, err
	}
	if engagementSide(actor, ref.Engagement) != PlanSideFirm {
		return ref, domain.Errorf(domain.EForbidden, "only the supervising attorney or a firm administrator writes and publishes the briefing")
	}
	return ref, nil
}

// SaveBriefingDraft writes the draft of the next version (creating it as a
// copy of the current version when there is none).
func (a *App) SaveBriefingDraft(ctx context.Context, actor domain.User, id int64, s domain.BriefingSections) (domain.Briefing, error) {
	var d domain.Briefing
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		if err := a.sideFirst(ctx, tx, actor, id, true); err != nil {
			return err
		}
		ref, err := a.briefingEngagement(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		s = s.Normalize()
		if err := s.Validate(); err != nil {
			return err
		}
		d, err = a.draftOf(ctx, tx, ref)
		if err != nil {
			return err
		}
		d.Sections, d.DraftedBy, d.DraftedAt = s, actor.ID, a.Now()
		if d.ID == 0 {
			err = tx.CreateBriefing(ctx, &d)
		} else {
			err = tx.UpdateBriefingDraft(ctx, d)
		}
		if err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "briefing.draft", ObjectType: "engagement", ObjectID: id, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("saved the draft of briefing version %d", d.Version)})
	})
	return d, err
}

// draftOf returns the engagement's draft, or a new unsaved one (ID 0).
func (a *App) draftOf(ctx context.Context, tx *store.Tx, ref EngagementRef) (domain.Briefing, error) {
	all, err := tx.Briefings(ctx, ref.Engagement.ID)
	if err != nil {
		return domain.Briefing{}, err
	}
	var current domain.Briefing
	for _, b := range all {
		if !b.Published() {
			return b, nil
		}
		current = b
	}
	return a.newDraft(ref.Engagement, ref.Matter, current), nil
}

// PublishBriefing publishes the draft: frozen with its hash and version.
// Every vendor member must acknowledge it (again). It returns the
// published version.
func (a *App) PublishBriefing(ctx context.Context, actor domain.User, id int64) (domain.Briefing, error) {
	var b domain.Briefing
	var mails []email
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		if err := a.sideFirst(ctx, tx, actor, id, true); err != nil {
			return err
		}
		ref, err := a.briefingEngagement(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if b, err = a.draftOf(ctx, tx, ref); err != nil {
			return err
		}
		if b.ID == 0 {
			return domain.Errorf(domain.EConflict, "there is no draft to publish: write and save version %d first", b.Version)
		}
		if err := b.Sections.ReadyToPublish(); err != nil {
			return err
		}
		b.SHA256, b.PublishedBy, b.PublishedByName, b.PublishedAt = domain.BriefingHash(id, b.Version, b.Sections), actor.ID, actor.Name, a.Now()
		if err := tx.PublishBriefing(ctx, b.ID, b.SHA256, actor.ID, b.PublishedAt); err != nil {
			return err
		}
		moved, err := a.advanceBriefing(ctx, tx, ref.Engagement)
		if err != nil {
			return err
		}
		if mails, err = a.notifyBriefingPublished(ctx, tx, actor, ref, b); err != nil {
			return err
		}
		summary := fmt.Sprintf("published briefing version %d (SHA-256 %s); every vendor member must acknowledge it", b.Version, b.SHA256)
		if moved {
			summary += "; all have: the engagement moves to the statement of work"
		}
		return a.audit(ctx, tx, actor, Record{Action: "briefing.publish", ObjectType: "engagement", ObjectID: id, MatterID: ref.Matter.ID, Summary: summary})
	})
	if err == nil {
		a.mailQueued(mails...)
	}
	return b, err
}

// AcknowledgeBriefing records the actor's acknowledgement of the current
// version, with their typed name and the version's hash. The last
// acknowledgement the gate waited on moves the engagement to the statement
// of work. It returns the engagement's stage afterwards.
func (a *App) AcknowledgeBriefing(ctx context.Context, actor domain.User, id int64, typedName string) (domain.Stage, error) {
	var stage domain.Stage
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Engagement(ctx, ScopeFor(actor), id); err != nil {
			return err
		}
		if !actor.Role.IsVendor() {
			return domain.Errorf(domain.EForbidden, "the vendor's team members acknowledge the briefing; the firm writes it")
		}
		ref, err := a.workEngagement(ctx, tx, actor, id, domain.ActivityBriefing)
		if err != nil {
			return err
		}
		e := ref.Engagement
		stage = e.Stage
		if !actor.Role.IsVendor() {
			return domain.Errorf(domain.EForbidden, "the vendor's team members acknowledge the briefing; the firm writes it")
		}
		members, err := tx.EngagementMembers(ctx, id)
		if err != nil {
			return err
		}
		member := false
		for _, m := range members {
			member = member || m.UserID == actor.ID
		}
		if !member {
			return domain.NotFound("engagement")
		}
		cur, err := tx.CurrentBriefing(ctx, id)
		if domain.ErrorCode(err) == domain.ENotFound {
			return domain.Errorf(domain.EGateClosed, "There is no published briefing to acknowledge yet.")
		} else if err != nil {
			return err
		}
		if ok, err := tx.Acknowledged(ctx, cur.ID, actor.ID); err != nil {
			return err
		} else if ok {
			return domain.Errorf(domain.EConflict, "you already acknowledged version %d", cur.Version)
		}
		if err := domain.CheckTypedName(typedName, actor.Name); err != nil {
			return err
		}
		if err := tx.AddAcknowledgement(ctx, domain.Acknowledgement{BriefingID: cur.ID, UserID: actor.ID, TypedName: strings.TrimSpace(typedName),
			SHA256: cur.SHA256, AcknowledgedAt: a.Now()}); err != nil {
			return err
		}
		moved, err := a.advanceBriefing(ctx, tx, e)
		if err != nil {
			return err
		}
		summary := fmt.Sprintf("acknowledged briefing version %d (SHA-256 %s), typing %q", cur.Version, cur.SHA256, strings.TrimSpace(typedName))
		if moved {
			stage = domain.StageSOW
			summary += "; every vendor member has acknowledged it: the engagement moves to the statement of work"
		}
		return a.audit(ctx, tx, actor, Record{Action: "briefing.acknowledge", ObjectType: "engagement", ObjectID: id, MatterID: e.MatterID, Summary: summary})
	})
	return stage, err
}

// advanceBriefing moves an engagement at the briefing stage on to the
// statement of work when a version is published and every current vendor
// member (at least one) has acknowledged it. It reports whether it moved.
func (a *App) advanceBriefing(ctx context.Context, tx *store.Tx, e domain.Engagement) (bool, error) {
	if e.Stage != domain.StageBriefing {
		return false, nil
	}
	cur, err := tx.CurrentBriefing(ctx, e.ID)
	if domain.ErrorCode(err) == domain.ENotFound {
		return false, nil
	} else if err != nil {
		return false, err
	}
	members, err := tx.EngagementMembers(ctx, e.ID)
	if err != nil {
		return false, err
	}
	vendors := 0
	for _, m := range members {
		u, err := tx.User(ctx, m.UserID)
		if err != nil {
			return false, err
		}
		if !u.Role.IsVendor() {
			continue
		}
		vendors++
		if ok, err := tx.Acknowledged(ctx, cur.ID, u.ID); err != nil || !ok {
			return false, err
		}
	}
	if vendors == 0 {
		return false, nil
	}
	return true, tx.MoveEngagementStage(ctx, e.ID, domain.StageBriefing, domain.StageSOW)
}

// briefingAcknowledged returns nil when userID has acknowledged the current
// briefing version of engagement engagementID, else an EGateClosed error
// saying which version waits for them (or that none is published yet).
func (a *App) briefingAcknowledged(ctx context.Context, tx *store.Tx, engagementID, userID int64) error {
	cur, err := tx.CurrentBriefing(ctx, engagementID)
	if domain.ErrorCode(err) == domain.ENotFound {
		return domain.Errorf(domain.EGateClosed, "Matter documents cannot be opened yet: no briefing is published for this engagement, and the vendor's team must read and acknowledge it first.")
	} else if err != nil {
		return err
	}
	ok, err := tx.Acknowledged(ctx, cur.ID, userID)
	if err != nil || ok {
		return err
	}
	return domain.Errorf(domain.EGateClosed, "Matter documents cannot be opened yet: acknowledge briefing version %d, published by %s on %s, first.",
		cur.Version, cur.PublishedByName, cur.PublishedAt.Format("2 January 2006"))
}

// briefingObligation: the compliance record's evidence that the vendor's
// team was briefed: each published version, and who acknowledged which
// version and when. A vendor member who has not acknowledged the current
// version is a gap.
func (a *App) briefingObligation(ctx context.Context, tx *store.Tx, e domain.Engagement) (Obligation, error) {
	o := Obligation{Key: "briefing", Name: "Briefing acknowledgements"}
	all, err := tx.Briefings(ctx, e.ID)
	if err != nil {
		return o, err
	}
	var current domain.Briefing
	for _, b := range all {
		if b.Published() {
			current = b
			o.Facts = append(o.Facts, Fact{What: fmt.Sprintf("Published briefing version %d (SHA-256 %s…)", b.Version, b.ShortHash()), On: day(b.PublishedAt), By: b.PublishedByName})
		}
	}
	if current.ID == 0 {
		o.State, o.Status = ObligationGap, NotRecorded
		o.Facts = []Fact{{What: "No briefing has been published to the vendor's team."}}
		return o, nil
	}
	history, err := tx.Acknowledgements(ctx, e.ID)
	if err != nil {
		return o, err
	}
	for _, h := range history {
		o.Facts = append(o.Facts, Fact{What: fmt.Sprintf("Acknowledged version %d (SHA-256 %s…)", h.Version, h.SHA256[:min(12, len(h.SHA256))]), On: day(h.AcknowledgedAt), By: h.UserName})
	}
	acks, err := a.memberAcks(ctx, tx, e, current, history)
	if err != nil {
		return o, err
	}
	var missing []string
	for _, m := range acks {
		if m.Ack == nil {
			missing = append(missing, m.Name)
			o.Facts = append(o.Facts, Fact{What: fmt.Sprintf("%s has not acknowledged the current version %d", m.Name, current.Version)})
		}
	}
	switch {
	case len(missing) > 0:
		o.State, o.Status = ObligationGap, fmt.Sprintf("Version %d not acknowledged by %s", current.Version, strings.Join(missing, ", "))
	case len(acks) == 0:
		o.State, o.Status = ObligationAttention, fmt.Sprintf("Version %d published; no vendor member on the team", current.Version)
	default:
		o.State, o.Status = ObligationMet, fmt.Sprintf("Version %d acknowledged by every vendor member", current.Version)
	}
	return o, nil
}
