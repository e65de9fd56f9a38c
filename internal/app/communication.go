package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// The communication plan and the kickoff: the first gate after an
// engagement opens. The firm's side (the supervising attorney or a firm
// administrator) and the vendor's side (the vendor's manager on the
// engagement) each keep their own points of contact and working hours and
// share the rest of the plan; either records the kickoff meeting; each
// confirms it. When both have confirmed, in the same transaction, the
// engagement moves from communication to briefing. A change to the plan or
// the kickoff before both confirmed withdraws the confirmation given, so
// that nobody is held to a plan they did not see.

// PlanSide is who acts on an engagement: the firm's side or the vendor's.
type PlanSide string

// Sides.
const (
	PlanSideNone   PlanSide = ""
	PlanSideFirm   PlanSide = "firm"
	PlanSideVendor PlanSide = "vendor"
)

// sideOf says which side actor acts for on engagement e: the firm's when
// they are a firm administrator or the engagement's supervising attorney,
// the vendor's when they manage the engagement's vendor.
func engagementSide(actor domain.User, e domain.Engagement) PlanSide {
	switch {
	case actor.Disabled:
		return PlanSideNone
	case Can(actor, SuperviseEngagements) && (actor.Role == domain.RoleFirmAdmin || actor.ID == e.SupervisingAttorneyID):
		return PlanSideFirm
	case Can(actor, LeadVendorTeam) && actor.VendorID == e.VendorID:
		return PlanSideVendor
	}
	return PlanSideNone
}

// sideFirst refuses, before any gate is looked at, an actor who acts for
// neither side of an engagement in their scope (not found outside it), so
// that a refusal of the person never reads as a closed gate. onlyFirm
// narrows it to the firm's side.
func (a *App) sideFirst(ctx context.Context, tx *store.Tx, actor domain.User, id int64, onlyFirm bool) error {
	e, err := tx.Engagement(ctx, ScopeFor(actor), id)
	if err != nil {
		return err
	}
	side := engagementSide(actor, e)
	if side == PlanSideNone || onlyFirm && side != PlanSideFirm {
		if onlyFirm {
			return domain.Errorf(domain.EForbidden, "only the supervising attorney or a firm administrator does this")
		}
		return domain.Errorf(domain.EForbidden, "only the supervising attorney, a firm administrator or the vendor's manager on this engagement does this")
	}
	return nil
}

// requirePlanSide refuses an actor who acts for neither side.
func requirePlanSide(actor domain.User, e domain.Engagement) (PlanSide, error) {
	s := engagementSide(actor, e)
	if s == PlanSideNone {
		return s, domain.Errorf(domain.EForbidden, "only the supervising attorney, a firm administrator or the vendor's manager on this engagement does this")
	}
	return s, nil
}

// PersonRef is a person as the engagement pages list them.
type PersonRef struct {
	ID    int64
	Name  string
	Email string
	Role  domain.Role
	Title string
}

func personOf(u domain.User) PersonRef {
	return PersonRef{ID: u.ID, Name: u.Name, Email: u.Email, Role: u.Role, Title: u.Title}
}

// CommunicationView is what the communication page and the API show.
type CommunicationView struct {
	Header  store.EngagementSummary
	Plan    domain.CommunicationPlan
	Kickoff domain.Kickoff // zero when none was recorded
	// Overlap is the working-hour overlap on OverlapOn (a working day near
	// today); OverlapKnown is false until both sides' hours are in.
	Overlap      time.Duration
	OverlapOn    domain.Date
	OverlapKnown bool
	Missing      []string // what the plan lacks before a confirmation
	People       map[int64]PersonRef
	FirmPeople   []PersonRef // firm users who may be points of contact
	Team         []TeamMember
	// Joinable are the vendor's active people not on the team yet (for
	// those who manage the team).
	Joinable   []PersonRef
	Allocation []domain.Responsibility
	Attorneys  []PersonRef // firm attorneys who may supervise a work area
	// Blocking says what keeps the engagement from its next stage ("" when
	// the communication gate is passed).
	Blocking string
	PlanSide PlanSide // the viewer's side
	// What the viewer may do.
	CanEditPlan   bool
	CanRecord     bool
	CanConfirm    bool
	CanManageTeam bool
	CanAllocate   bool
	ConfirmedByMe bool
	Communicating bool // the engagement is still at the communication stage
}

// OverlapLabel says the overlap in words.
func (v CommunicationView) OverlapLabel() string { return domain.OverlapLabel(v.Overlap) }

// Name names a person by id.
func (v CommunicationView) Name(id int64) string {
	if p, ok := v.People[id]; ok {
		return p.Name
	}
	return fmt.Sprintf("user %d", id)
}

// TeamMember is a person on the engagement.
type TeamMember struct {
	PersonRef
	MemberRole string
	Vendor     bool
	// Blocked says why a vendor member can do no engagement work now
	// (a lapsed NDA or training); "" when clear.
	Blocked string
}

// RoleLabel names the member's role.
func (m TeamMember) RoleLabel() string { return domain.MemberRoleLabel(m.MemberRole) }

// viewEngagement loads an engagement for reading an engagement work page:
// in scope, past the second-factor gate, never for client contacts.
func (a *App) viewEngagement(ctx context.Context, tx *store.Tx, actor domain.User, id int64) (store.EngagementSummary, error) {
	if actor.Role.IsClient() {
		return store.EngagementSummary{}, domain.NotFound("engagement")
	}
	return a.engagementHeader(ctx, tx, actor, id)
}

// CommunicationOf shows the engagement's communication plan, kickoff, team
// and responsibility allocation. It changes nothing.
func (a *App) CommunicationOf(ctx context.Context, actor domain.User, id int64) (CommunicationView, error) {
	var v CommunicationView
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		v, err = a.communicationView(ctx, tx, actor, id)
		return err
	})
	return v, err
}

func (a *App) communicationView(ctx context.Context, tx *store.Tx, actor domain.User, id int64) (CommunicationView, error) {
	var v CommunicationView
	h, err := a.viewEngagement(ctx, tx, actor, id)
	if err != nil {
		return v, err
	}
	v.Header = h
	if v.Plan, err = tx.CommunicationPlan(ctx, id); err != nil {
		return v, err
	}
	if v.Kickoff, err = tx.Kickoff(ctx, id); err != nil && domain.ErrorCode(err) != domain.ENotFound {
		return v, err
	}
	v.Missing = v.Plan.Missing()
	v.OverlapOn = workingDayNear(a.Now())
	if !v.Plan.Firm.IsZero() && !v.Plan.Vendor.IsZero() {
		if d, err := domain.Overlap(v.OverlapOn, v.Plan.Firm, v.Plan.Vendor); err == nil {
			v.Overlap, v.OverlapKnown = d, true
		}
	}
	v.People = map[int64]PersonRef{}
	if v.Team, err = a.team(ctx, tx, h.Engagement); err != nil {
		return v, err
	}
	for _, m := range v.Team {
		v.People[m.ID] = m.PersonRef
	}
	if actor.Role.IsFirm() {
		if v.FirmPeople, v.Attorneys, err = a.firmPeople(ctx, tx, h.MatterID); err != nil {
			return v, err
		}
	}
	for _, ids := range [][]int64{v.Plan.FirmContacts, v.Plan.VendorContacts} {
		for _, uid := range ids {
			if _, ok := v.People[uid]; !ok {
				u, err := tx.User(ctx, uid)
				if err != nil {
					return v, err
				}
				v.People[uid] = personOf(u)
			}
		}
	}
	if v.Allocation, err = tx.Responsibilities(ctx, id); err != nil {
		return v, err
	}
	e := h.Engagement
	v.PlanSide = engagementSide(actor, e)
	v.Communicating = e.Stage == domain.StageCommunication
	open := domain.StageAllows(e.Stage, domain.ActivityCommunication) == nil
	team := domain.StageAllows(e.Stage, domain.ActivityTeam) == nil
	v.CanEditPlan = v.PlanSide != PlanSideNone && open
	v.CanRecord = v.CanEditPlan && v.Communicating
	v.CanConfirm = v.CanRecord && v.Kickoff.Recorded()
	v.ConfirmedByMe = v.PlanSide == PlanSideFirm && v.Kickoff.FirmConfirmedBy != 0 || v.PlanSide == PlanSideVendor && v.Kickoff.VendorConfirmedBy != 0
	v.CanManageTeam = v.PlanSide != PlanSideNone && team
	v.CanAllocate = v.PlanSide == PlanSideFirm && team
	if v.CanManageTeam {
		vs, err := tx.ListUsers(ctx, store.UserFilter{VendorID: e.VendorID, Page: store.Page{Limit: store.MaxPageSize}})
		if err != nil {
			return v, err
		}
		for _, u := range vs {
			if _, on := v.People[u.ID]; !on && !u.Disabled && u.Role.IsVendor() && slices.IndexFunc(v.Team, func(m TeamMember) bool { return m.ID == u.ID }) < 0 {
				v.Joinable = append(v.Joinable, personOf(u))
			}
		}
	}
	switch {
	case !v.Communicating:
	case len(v.Missing) > 0:
		v.Blocking = "The plan still needs " + strings.Join(v.Missing, ", ") + "."
	case !v.Kickoff.Recorded():
		v.Blocking = "The kickoff meeting has not been recorded."
	case v.Kickoff.FirmConfirmedBy == 0 && v.Kickoff.VendorConfirmedBy == 0:
		v.Blocking = "Both sides must confirm the kickoff: the supervising attorney (or a firm administrator) and the vendor's manager."
	case v.Kickoff.FirmConfirmedBy == 0:
		v.Blocking = "Waiting for the firm to confirm the kickoff (the supervising attorney or a firm administrator)."
	default:
		v.Blocking = "Waiting for the vendor's manager to confirm the kickoff."
	}
	return v, nil
}

// workingDayNear is the next Monday-to-Friday day from now (UTC), on which
// the overlap is computed.
func workingDayNear(now time.Time) domain.Date {
	d := now.UTC()
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return domain.DateOf(d)
}

// team lists the engagement's members, vendor members with whether their
// NDA and training let them work.
func (a *App) team(ctx context.Context, tx *store.Tx, e domain.Engagement) ([]TeamMember, error) {
	ms, err := tx.EngagementMembers(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	out := make([]TeamMember, 0, len(ms))
	for _, m := range ms {
		u, err := tx.User(ctx, m.UserID)
		if err != nil {
			return nil, err
		}
		t := TeamMember{PersonRef: personOf(u), MemberRole: m.Role, Vendor: u.Role.IsVendor()}
		if t.Vendor {
			if err := a.personnelClear(ctx, tx, u.ID); domain.ErrorCode(err) == domain.EGateClosed {
				t.Blocked = domain.ErrorMessage(err)
			} else if err != nil {
				return nil, err
			}
		}
		out = append(out, t)
	}
	slices.SortStableFunc(out, func(x, y TeamMember) int {
		if x.Vendor != y.Vendor {
			if x.Vendor {
				return 1
			}
			return -1
		}
		return strings.Compare(x.Name, y.Name)
	})
	return out, nil
}

// firmPeople are the active firm users who can see the matter (points of
// contact) and, of them, the attorneys (who may supervise a work area).
func (a *App) firmPeople(ctx context.Context, tx *store.Tx, matterID int64) (people, attorneys []PersonRef, err error) {
	us, err := tx.ListUsers(ctx, store.UserFilter{Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		return nil, nil, err
	}
	for _, u := range us {
		if u.Disabled || !u.Role.IsFirm() {
			continue
		}
		if _, err := tx.Matter(ctx, ScopeFor(u), matterID); domain.ErrorCode(err) == domain.ENotFound {
			continue
		} else if err != nil {
			return nil, nil, err
		}
		people = append(people, personOf(u))
		if u.Role == domain.RoleAttorney {
			attorneys = append(attorneys, personOf(u))
		}
	}
	return people, attorneys, nil
}

// PlanInput is a communication plan as a side submits it. Each side's own
// points of contact and working hours are taken from its own side only;
// the channels, cadence, escalation path and language are shared.
type PlanInput struct {
	Contacts   []int64 // the actor's side's points of contact
	Hours      domain.WorkingHours
	Channels   []string
	Cadence    string
	Escalation []domain.EscalationStep
	Language   string
}

// UpdateCommunicationPlan saves the plan from the actor's side. When the
// plan changed while the kickoff waits for the other side's confirmation,
// the confirmation given is withdrawn in the same transaction. It returns
// whose confirmation was withdrawn ("" when none).
func (a *App) UpdateCommunicationPlan(ctx context.Context, actor domain.User, id int64, in PlanInput) (string, error) {
	var withdrawn string
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		if err := a.sideFirst(ctx, tx, actor, id, false); err != nil {
			return err
		}
		ref, err := a.workEngagement(ctx, tx, actor, id, domain.ActivityCommunication)
		if err != nil {
			return err
		}
		e := ref.Engagement
		side, err := requirePlanSide(actor, e)
		if err != nil {
			return err
		}
		old, err := tx.CommunicationPlan(ctx, id)
		if err != nil {
			return err
		}
		p := old
		if p.Channels, err = domain.ParseChannels(in.Channels); err != nil {
			return err
		}
		p.Cadence = domain.Cadence(strings.TrimSpace(in.Cadence))
		p.Escalation = in.Escalation
		p.Language = strings.TrimSpace(in.Language)
		hours := domain.WorkingHours{TimeZone: strings.TrimSpace(in.Hours.TimeZone), Start: strings.TrimSpace(in.Hours.Start), End: strings.TrimSpace(in.Hours.End)}
		contacts := slices.Compact(slices.Sorted(slices.Values(in.Contacts)))
		if side == PlanSideFirm {
			p.Firm, p.FirmContacts = hours, contacts
		} else {
			p.Vendor, p.VendorContacts = hours, contacts
		}
		if err := p.Validate(); err != nil {
			return err
		}
		if err := a.checkContacts(ctx, tx, e, side, contacts); err != nil {
			return err
		}
		if planEqual(old, p) {
			return nil
		}
		p.UpdatedBy, p.UpdatedAt = actor.ID, a.Now()
		if err := tx.SaveCommunicationPlan(ctx, p); err != nil {
			return err
		}
		if withdrawn, err = a.withdrawConfirmation(ctx, tx, e); err != nil {
			return err
		}
		summary := fmt.Sprintf("updated the communication plan (%s side): %s", side, planSummary(p))
		if withdrawn != "" {
			summary += "; " + withdrawn
		}
		return a.audit(ctx, tx, actor, Record{Action: "engagement.communication_plan", ObjectType: "engagement", ObjectID: e.ID, MatterID: e.MatterID, Summary: summary})
	})
	return withdrawn, err
}

// checkContacts: firm contacts are active firm users who can see the
// matter; vendor contacts are the engagement's vendor members.
func (a *App) checkContacts(ctx context.Context, tx *store.Tx, e domain.Engagement, side PlanSide, ids []int64) error {
	members, err := tx.EngagementMembers(ctx, e.ID)
	if err != nil {
		return err
	}
	for _, uid := range ids {
		u, err := tx.User(ctx, uid)
		if domain.ErrorCode(err) == domain.ENotFound {
			return domain.Invalid(string(side)+"_contacts", "there is no user %d", uid)
		} else if err != nil {
			return err
		}
		if u.Disabled {
			return domain.Invalid(string(side)+"_contacts", "%s is disabled", u.Name)
		}
		if side == PlanSideFirm {
			if !u.Role.IsFirm() {
				return domain.Invalid("firm_contacts", "%s is not a firm user: the firm's points of contact are the firm's people", u.Name)
			}
			if _, err := tx.Matter(ctx, ScopeFor(u), e.MatterID); domain.ErrorCode(err) == domain.ENotFound {
				return domain.Invalid("firm_contacts", "%s cannot see this matter (screened or not on it)", u.Name)
			} else if err != nil {
				return err
			}
			continue
		}
		if !u.Role.IsVendor() || u.VendorID != e.VendorID || !slices.ContainsFunc(members, func(m domain.EngagementMember) bool { return m.UserID == uid }) {
			return domain.Invalid("vendor_contacts", "%s is not on the vendor's team for this engagement: add them to the team first", u.Name)
		}
	}
	return nil
}

func planEqual(a, b domain.CommunicationPlan) bool {
	return slices.Equal(a.FirmContacts, b.FirmContacts) && slices.Equal(a.VendorContacts, b.VendorContacts) && slices.Equal(a.Channels, b.Channels) &&
		a.Cadence == b.Cadence && a.Firm == b.Firm && a.Vendor == b.Vendor && slices.Equal(a.Escalation, b.Escalation) && a.Language == b.Language
}

func planSummary(p domain.CommunicationPlan) string {
	cs := make([]string, len(p.Channels))
	for i, c := range p.Channels {
		cs[i] = string(c)
	}
	return fmt.Sprintf("channels %s, cadence %s, firm hours %s, vendor hours %s, %d escalation steps, language %s, %d firm and %d vendor contacts",
		orNone(strings.Join(cs, "+")), orNone(string(p.Cadence)), orNone(p.Firm.String()), orNone(p.Vendor.String()), len(p.Escalation), orNone(p.Language),
		len(p.FirmContacts), len(p.VendorContacts))
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// withdrawConfirmation withdraws the one side's confirmation of a kickoff
// the other side has not confirmed yet, and says whose it was.
func (a *App) withdrawConfirmation(ctx context.Context, tx *store.Tx, e domain.Engagement) (string, error) {
	if e.Stage != domain.StageCommunication {
		return "", nil
	}
	k, err := tx.Kickoff(ctx, e.ID)
	if domain.ErrorCode(err) == domain.ENotFound {
		return "", nil
	} else if err != nil {
		return "", err
	}
	if k.Confirmed() || (k.FirmConfirmedBy == 0 && k.VendorConfirmedBy == 0) {
		return "", nil
	}
	who := k.FirmConfirmedName
	if who == "" {
		who = k.VendorConfirmedName
	}
	k.FirmConfirmedBy, k.FirmConfirmedAt, k.VendorConfirmedBy, k.VendorConfirmedAt = 0, time.Time{}, 0, time.Time{}
	if err := tx.SaveKickoff(ctx, k); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s's confirmation of the kickoff was withdrawn because the plan changed: both sides confirm again", who), nil
}

// KickoffInput records a kickoff meeting.
type KickoffInput struct {
	HeldAt    time.Time
	Attendees string
	Notes     string
}

// RecordKickoff records (or corrects) the kickoff meeting, by either side,
// while the engagement is at the communication stage. A confirmation given
// before is withdrawn. It returns whose ("" when none).
func (a *App) RecordKickoff(ctx context.Context, actor domain.User, id int64, in KickoffInput) (string, error) {
	var withdrawn string
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		if err := a.sideFirst(ctx, tx, actor, id, false); err != nil {
			return err
		}
		ref, err := a.workEngagement(ctx, tx, actor, id, domain.ActivityCommunication)
		if err != nil {
			return err
		}
		e := ref.Engagement
		if _, err := requirePlanSide(actor, e); err != nil {
			return err
		}
		if e.Stage != domain.StageCommunication {
			return domain.Errorf(domain.EConflict, "the kickoff was confirmed by both sides; it can no longer be changed")
		}
		k := domain.Kickoff{EngagementID: id, HeldAt: in.HeldAt.UTC(), Attendees: strings.TrimSpace(in.Attendees), Notes: strings.TrimSpace(in.Notes),
			RecordedBy: actor.ID, RecordedAt: a.Now()}
		if err := k.Validate(a.Now()); err != nil {
			return err
		}
		if withdrawn, err = a.withdrawConfirmation(ctx, tx, e); err != nil {
			return err
		}
		if err := tx.SaveKickoff(ctx, k); err != nil {
			return err
		}
		summary := fmt.Sprintf("recorded the kickoff meeting held %s with %s", k.HeldAt.Format("2006-01-02 15:04 MST"), k.Attendees)
		if withdrawn != "" {
			summary += "; " + withdrawn
		}
		return a.audit(ctx, tx, actor, Record{Action: "engagement.kickoff", ObjectType: "engagement", ObjectID: e.ID, MatterID: e.MatterID, Summary: summary})
	})
	return withdrawn, err
}

// ConfirmKickoff confirms the kickoff for the actor's side. It needs a
// complete plan and a recorded kickoff; when the other side has confirmed
// too, the engagement moves from communication to briefing in the same
// transaction. It returns the engagement's stage afterwards.
func (a *App) ConfirmKickoff(ctx context.Context, actor domain.User, id int64) (domain.Stage, error) {
	var stage domain.Stage
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		if err := a.sideFirst(ctx, tx, actor, id, false); err != nil {
			return err
		}
		ref, err := a.workEngagement(ctx, tx, actor, id, domain.ActivityCommunication)
		if err != nil {
			return err
		}
		e := ref.Engagement
		stage = e.Stage
		side, err := requirePlanSide(actor, e)
		if err != nil {
			return err
		}
		switch e.Stage {
		case domain.StageCommunication:
		case domain.StagePaused:
			return domain.Errorf(domain.EGateClosed, "The kickoff cannot be confirmed while the engagement is paused: %s", e.PausedReason)
		default:
			return domain.Errorf(domain.EConflict, "both sides already confirmed the kickoff")
		}
		p, err := tx.CommunicationPlan(ctx, id)
		if err != nil {
			return err
		}
		if err := p.Complete(); err != nil {
			return err
		}
		k, err := tx.Kickoff(ctx, id)
		if domain.ErrorCode(err) == domain.ENotFound {
			return domain.Errorf(domain.EGateClosed, "Record the kickoff meeting (when it was held and who attended) before confirming it.")
		} else if err != nil {
			return err
		}
		now := a.Now()
		if side == PlanSideFirm {
			if k.FirmConfirmedBy != 0 {
				return domain.Errorf(domain.EConflict, "%s already confirmed the kickoff for the firm", k.FirmConfirmedName)
			}
			k.FirmConfirmedBy, k.FirmConfirmedAt = actor.ID, now
		} else {
			if k.VendorConfirmedBy != 0 {
				return domain.Errorf(domain.EConflict, "%s already confirmed the kickoff for the vendor", k.VendorConfirmedName)
			}
			k.VendorConfirmedBy, k.VendorConfirmedAt = actor.ID, now
		}
		if err := tx.SaveKickoff(ctx, k); err != nil {
			return err
		}
		summary := fmt.Sprintf("confirmed the kickoff for the %s", side)
		if k.Confirmed() {
			if err := tx.MoveEngagementStage(ctx, id, domain.StageCommunication, domain.StageBriefing); err != nil {
				return err
			}
			stage = domain.StageBriefing
			summary += "; both sides have confirmed: the engagement moves to briefing"
		}
		return a.audit(ctx, tx, actor, Record{Action: "engagement.kickoff_confirm", ObjectType: "engagement", ObjectID: e.ID, MatterID: e.MatterID, Summary: summary})
	})
	return stage, err
}
