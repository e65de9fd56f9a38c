package app

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// The statement of work (issue 6 part 4). The firm side (attorneys and firm
// administrators) drafts work items; the vendor manager may propose
// estimates and prices on the draft. The engagement's supervising attorney
// (or a firm administrator) and the vendor manager each approve the same
// revision of the draft; any change to the draft withdraws both approvals.
// With both, the version is frozen with its SHA-256 and, for the first
// version, the engagement moves from sow to active. Later changes are change
// orders: a new draft version with a reason, approved the same way, which
// becomes current once approved.

// SettingFirmTimeZone is the firm's IANA time zone, used for "today" when a
// user has none.
const SettingFirmTimeZone = "firm_time_zone"

// todayFor is the calendar day now in actor's time zone, else the firm's.
func (a *App) todayFor(ctx context.Context, tx *store.Tx, actor domain.User) (domain.Date, error) {
	firm, _, err := tx.Setting(ctx, SettingFirmTimeZone)
	if err != nil {
		return "", err
	}
	return domain.TodayIn(a.Now(), actor.TimeZone, firm), nil
}

// SOWView is what the statement-of-work page shows.
type SOWView struct {
	Header   store.EngagementSummary
	Versions []domain.SOWVersion // newest first
	Current  *domain.SOWVersion  // the approved version in force
	Draft    *domain.SOWVersion  // the version being agreed
	Totals   map[int64]domain.SOWTotals
	// Why nothing can be done at this stage ("" when the gate is open).
	Closed         string
	FirmCurrency   domain.Currency
	VendorCurrency domain.Currency
	// What the viewer may do.
	CanDraft         bool // add, edit, remove items; propose a change order
	CanEstimate      bool // the vendor manager proposes estimates and prices
	CanApproveFirm   bool
	CanApproveVendor bool
	Today            domain.Date
}

// SOWOf reads an engagement's statement of work for anyone on the
// engagement (not its client).
func (a *App) SOWOf(ctx context.Context, actor domain.User, engagementID int64) (SOWView, error) {
	var v SOWView
	if actor.Role.IsClient() {
		return v, domain.NotFound("engagement")
	}
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		h, err := a.engagementHeader(ctx, tx, actor, engagementID)
		if err != nil {
			return err
		}
		v.Header = h
		if v.Versions, err = tx.SOWVersions(ctx, engagementID); err != nil {
			return err
		}
		v.Totals = map[int64]domain.SOWTotals{}
		for i := range v.Versions {
			s := &v.Versions[i]
			if t, err := s.Totals(); err == nil {
				v.Totals[s.ID] = t
			}
			if s.Draft() && v.Draft == nil {
				v.Draft = s
			}
			if !s.Draft() && v.Current == nil {
				v.Current = s
			}
		}
		firm, err := tx.Firm(ctx)
		if err != nil {
			return err
		}
		vendor, err := tx.Vendor(ctx, store.Scope{All: true}, h.VendorID)
		if err != nil {
			return err
		}
		v.FirmCurrency, v.VendorCurrency = firm.Currency, vendor.Currency
		if v.Today, err = a.todayFor(ctx, tx, actor); err != nil {
			return err
		}
		if err := domain.StageAllows(h.Stage, domain.ActivitySOW); err != nil {
			v.Closed = domain.ErrorMessage(err)
			return nil
		}
		v.CanDraft = Can(actor, SuperviseEngagements)
		v.CanEstimate = Can(actor, LeadVendorTeam) && v.Draft != nil
		v.CanApproveFirm = v.Draft != nil && len(v.Draft.Items) > 0 && canApproveSOWFirm(actor, h.Engagement) && v.Draft.FirmApprovedBy == 0
		v.CanApproveVendor = v.Draft != nil && len(v.Draft.Items) > 0 && Can(actor, LeadVendorTeam) && v.Draft.VendorApprovedBy == 0
		return nil
	})
	return v, err
}

// canApproveSOWFirm: the engagement's supervising attorney or a firm administrator.
func canApproveSOWFirm(actor domain.User, e domain.Engagement) bool {
	return !actor.Disabled && (actor.Role == domain.RoleFirmAdmin || actor.Role == domain.RoleAttorney && actor.ID == e.SupervisingAttorneyID)
}

// WorkItemInput is a work item as a form or request gives it.
type WorkItemInput struct {
	Type          string
	Title         string
	Description   string
	Deliverable   string
	Acceptance    string
	DueOn         string
	Estimate      string // a number, one decimal at most
	EstimateUnit  string // "hours" or a unit name
	BaselineHours string
	BaselineRate  string // decimal, in the firm's currency
	Pricing       string // hourly, fixed, unit
	Price         string // decimal, in the vendor's currency
	TaskCode      string
	ActivityCode  string
}

// item parses the input against the engagement's currencies.
func (in WorkItemInput) item(r domain.ItemRules) (domain.WorkItem, error) {
	w := domain.WorkItem{Service: domain.Service(strings.TrimSpace(in.Type)), Title: in.Title, Description: in.Description, Deliverable: in.Deliverable,
		Acceptance: in.Acceptance, EstimateUnit: in.EstimateUnit, Pricing: domain.Pricing(strings.TrimSpace(in.Pricing)),
		TaskCode: in.TaskCode, ActivityCode: in.ActivityCode}
	var err error
	if w.DueOn, err = domain.ParseDate("due_on", strings.TrimSpace(in.DueOn)); err != nil {
		return w, err
	}
	if w.Estimate, err = optTenths("estimate", in.Estimate); err != nil {
		return w, err
	}
	if w.BaselineHours, err = optTenths("baseline_hours", in.BaselineHours); err != nil {
		return w, err
	}
	if w.BaselineRate, err = optMoney("baseline_rate", in.BaselineRate, r.FirmCurrency); err != nil {
		return w, err
	}
	if w.Price, err = optMoney("price", in.Price, r.VendorCurrency); err != nil {
		return w, err
	}
	return w, w.Validate(r)
}

func optTenths(field, s string) (domain.Tenths, error) {
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	return domain.ParseTenths(field, s)
}

func optMoney(field, s string, c domain.Currency) (domain.Money, error) {
	if strings.TrimSpace(s) == "" {
		return domain.NewMoney(0, c), nil
	}
	m, err := domain.ParseMoney(s, c)
	if err != nil {
		return m, domain.Invalid(field, "%s", domain.ErrorMessage(err))
	}
	return m, nil
}

// sowContext loads what every statement-of-work change needs: the gate
// (ActivitySOW) first, then the rules items are checked against. A closed
// stage or personnel gate comes back apart (gate), so that the use case can
// answer "not found" or "forbidden" about the object first and the gate
// last, whatever the stage: the order a caller learns things in does not
// depend on the engagement's stage.
func (a *App) sowContext(ctx context.Context, tx *store.Tx, actor domain.User, engagementID int64) (EngagementRef, domain.ItemRules, error, error) {
	ref, gate, err := a.workEngagementLater(ctx, tx, actor, engagementID, domain.ActivitySOW)
	if err != nil {
		return ref, domain.ItemRules{}, nil, err
	}
	firm, err := tx.Firm(ctx)
	if err != nil {
		return ref, domain.ItemRules{}, nil, err
	}
	vendor, err := tx.Vendor(ctx, store.Scope{All: true}, ref.Engagement.VendorID)
	if err != nil {
		return ref, domain.ItemRules{}, nil, err
	}
	today, err := a.todayFor(ctx, tx, actor)
	return ref, domain.ItemRules{Today: today, FirmCurrency: firm.Currency, VendorCurrency: vendor.Currency}, gate, err
}

// workEngagementLater calls workEngagement and splits its answer: a closed
// gate (EGateClosed: the stage, a lapsed NDA or training) is returned as
// gate, to be answered after the use case has said whether the object
// exists and whether the actor may act on it; any other refusal is err.
// Nothing may be changed while gate is set.
func (a *App) workEngagementLater(ctx context.Context, tx *store.Tx, actor domain.User, id int64, act domain.Activity) (EngagementRef, error, error) {
	ref, err := a.workEngagement(ctx, tx, actor, id, act)
	if domain.ErrorCode(err) == domain.EGateClosed {
		return ref, err, nil
	}
	return ref, nil, err
}

// AddWorkItem adds an item to the draft statement of work, starting version
// 1 when the engagement has none. Attorneys and firm administrators.
func (a *App) AddWorkItem(ctx context.Context, actor domain.User, engagementID int64, in WorkItemInput) (domain.WorkItem, error) {
	var w domain.WorkItem
	if err := require(actor, SuperviseEngagements); err != nil {
		return w, err
	}
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, rules, gate, err := a.sowContext(ctx, tx, actor, engagementID)
		if err != nil {
			return err
		}
		if gate != nil {
			return gate
		}
		if w, err = in.item(rules); err != nil {
			return err
		}
		draft, err := tx.DraftSOW(ctx, engagementID)
		switch {
		case domain.ErrorCode(err) == domain.ENotFound:
			if _, cerr := tx.CurrentSOW(ctx, engagementID); cerr == nil {
				return domain.Errorf(domain.EConflict, "the statement of work is approved: propose a change order to change it")
			} else if domain.ErrorCode(cerr) != domain.ENotFound {
				return cerr
			}
			draft = domain.SOWVersion{EngagementID: engagementID, DraftedBy: actor.ID, DraftedAt: a.Now()}
			if err := tx.CreateSOWVersion(ctx, &draft); err != nil {
				return err
			}
		case err != nil:
			return err
		}
		w.EngagementID, w.VersionID = engagementID, draft.ID
		if err := tx.AddWorkItem(ctx, &w); err != nil {
			return err
		}
		return a.sowChanged(ctx, tx, actor, ref, draft, fmt.Sprintf("work item %q added to statement of work version %d", w.Title, draft.Version))
	})
	return w, err
}

// sowChanged withdraws the draft's approvals and audits the change.
func (a *App) sowChanged(ctx context.Context, tx *store.Tx, actor domain.User, ref EngagementRef, draft domain.SOWVersion, summary string) error {
	withdrawn, err := tx.ReviseSOWDraft(ctx, draft.ID)
	if err != nil {
		return err
	}
	if withdrawn {
		summary += "; the approvals given to the earlier draft are withdrawn"
	}
	return a.audit(ctx, tx, actor, Record{Action: "sow.change", ObjectType: "sow_version", ObjectID: draft.ID, MatterID: ref.Matter.ID, Summary: summary})
}

// draftItem loads an item of the engagement (not found if it has none of
// that id), then the gate, then the draft it must belong to.
func draftItem(ctx context.Context, tx *store.Tx, engagementID, itemID int64, gate error) (domain.SOWVersion, domain.WorkItem, error) {
	if _, err := tx.WorkItem(ctx, engagementID, itemID); err != nil {
		return domain.SOWVersion{}, domain.WorkItem{}, err
	}
	if gate != nil {
		return domain.SOWVersion{}, domain.WorkItem{}, gate
	}
	draft, err := tx.DraftSOW(ctx, engagementID)
	if domain.ErrorCode(err) == domain.ENotFound {
		return draft, domain.WorkItem{}, domain.Errorf(domain.EConflict, "there is no draft statement of work: propose a change order to change the approved one")
	}
	if err != nil {
		return draft, domain.WorkItem{}, err
	}
	for _, w := range draft.Items {
		if w.ID == itemID {
			return draft, w, nil
		}
	}
	return draft, domain.WorkItem{}, domain.Errorf(domain.EConflict, "work item %d belongs to an approved version, which cannot change: change the draft's copy of it, or propose a change order", itemID)
}

// UpdateWorkItem rewrites an item of the draft. Attorneys and firm administrators.
func (a *App) UpdateWorkItem(ctx context.Context, actor domain.User, engagementID, itemID int64, in WorkItemInput) (domain.WorkItem, error) {
	var w domain.WorkItem
	if err := require(actor, SuperviseEngagements); err != nil {
		return w, err
	}
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, rules, gate, err := a.sowContext(ctx, tx, actor, engagementID)
		if err != nil {
			return err
		}
		draft, old, err := draftItem(ctx, tx, engagementID, itemID, gate)
		if err != nil {
			return err
		}
		if w, err = in.item(rules); err != nil {
			return err
		}
		w.ID, w.EngagementID, w.VersionID, w.Position = old.ID, engagementID, draft.ID, old.Position
		if err := tx.UpdateWorkItem(ctx, w); err != nil {
			return err
		}
		return a.sowChanged(ctx, tx, actor, ref, draft, fmt.Sprintf("work item %q changed in statement of work version %d", w.Title, draft.Version))
	})
	return w, err
}

// RemoveWorkItem removes an item from the draft; confirmed says the person
// meant it (forms and requests say so explicitly).
func (a *App) RemoveWorkItem(ctx context.Context, actor domain.User, engagementID, itemID int64, confirmed bool) error {
	if err := require(actor, SuperviseEngagements); err != nil {
		return err
	}
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, _, gate, err := a.sowContext(ctx, tx, actor, engagementID)
		if err != nil {
			return err
		}
		draft, old, err := draftItem(ctx, tx, engagementID, itemID, gate)
		if err != nil {
			return err
		}
		if !confirmed {
			return domain.Invalid("confirm", "confirm that work item %q is to be removed", old.Title)
		}
		if err := tx.DeleteWorkItem(ctx, draft.ID, old.ID); err != nil {
			return err
		}
		return a.sowChanged(ctx, tx, actor, ref, draft, fmt.Sprintf("work item %q removed from statement of work version %d", old.Title, draft.Version))
	})
}

// EstimateInput is the vendor's proposal for one item of the draft.
type EstimateInput struct {
	Estimate     string
	EstimateUnit string
	Pricing      string
	Price        string
}

// ProposeEstimate records the vendor manager's estimate and price for an
// item of the draft (which withdraws any approval).
func (a *App) ProposeEstimate(ctx context.Context, actor domain.User, engagementID, itemID int64, in EstimateInput) (domain.WorkItem, error) {
	var w domain.WorkItem
	if err := require(actor, LeadVendorTeam); err != nil {
		return w, err
	}
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, rules, gate, err := a.sowContext(ctx, tx, actor, engagementID)
		if err != nil {
			return err
		}
		draft, old, err := draftItem(ctx, tx, engagementID, itemID, gate)
		if err != nil {
			return err
		}
		w = old
		if w.Estimate, err = domain.ParseTenths("estimate", in.Estimate); err != nil {
			return err
		}
		if u := strings.TrimSpace(in.EstimateUnit); u != "" {
			w.EstimateUnit = u
		}
		if p := strings.TrimSpace(in.Pricing); p != "" {
			w.Pricing = domain.Pricing(p)
		}
		if strings.TrimSpace(in.Price) != "" {
			if w.Price, err = optMoney("price", in.Price, rules.VendorCurrency); err != nil {
				return err
			}
		}
		w.DueOn = "" // an existing due date is not re-checked against today
		if err := w.Validate(rules); err != nil {
			return err
		}
		w.DueOn = old.DueOn
		if err := tx.UpdateWorkItem(ctx, w); err != nil {
			return err
		}
		return a.sowChanged(ctx, tx, actor, ref, draft, fmt.Sprintf("the vendor proposed %s %s at %s (%s) for work item %q", w.Estimate, w.EstimateUnit, w.Price, w.Pricing, w.Title))
	})
	return w, err
}

// ProposeChangeOrder starts a new draft version from the approved statement,
// with the reason for the change. Attorneys and firm administrators.
func (a *App) ProposeChangeOrder(ctx context.Context, actor domain.User, engagementID int64, reason string) (domain.SOWVersion, error) {
	var v domain.SOWVersion
	if err := require(actor, SuperviseEngagements); err != nil {
		return v, err
	}
	reason = strings.TrimSpace(reason)
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, _, gate, err := a.sowContext(ctx, tx, actor, engagementID)
		if err != nil {
			return err
		}
		if gate != nil {
			return gate
		}
		switch {
		case reason == "":
			return domain.Invalid("reason", "say why the statement of work changes")
		case utf8.RuneCountInString(reason) > 2000:
			return domain.Invalid("reason", "keep the reason under 2,000 characters")
		}
		if _, err := tx.DraftSOW(ctx, engagementID); err == nil {
			return domain.Errorf(domain.EConflict, "a draft is already being agreed: change it, or approve it first")
		} else if domain.ErrorCode(err) != domain.ENotFound {
			return err
		}
		cur, err := tx.CurrentSOW(ctx, engagementID)
		if domain.ErrorCode(err) == domain.ENotFound {
			return domain.Errorf(domain.EConflict, "the first statement of work is not approved yet: change its draft instead")
		}
		if err != nil {
			return err
		}
		v = domain.SOWVersion{EngagementID: engagementID, Reason: reason, DraftedBy: actor.ID, DraftedAt: a.Now(), Items: cur.Items}
		if err := tx.CreateSOWVersion(ctx, &v); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "sow.change_order", ObjectType: "sow_version", ObjectID: v.ID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("change order: statement of work version %d drafted from version %d: %s", v.Version, cur.Version, reason)})
	})
	return v, err
}

// SOWApproval is the outcome of an approval.
type SOWApproval struct {
	Version   domain.SOWVersion
	Frozen    bool // both sides approved: the version is in force
	Activated bool // the engagement moved from sow to active
}

// ApproveSOW records the actor's side's approval of revision rev of the
// draft version versionID (rev 0: the draft as it is now). The supervising
// attorney or a firm administrator approves for the firm, the vendor
// manager for the vendor.
func (a *App) ApproveSOW(ctx context.Context, actor domain.User, engagementID, versionID int64, rev int) (SOWApproval, error) {
	var out SOWApproval
	if !Can(actor, SuperviseEngagements) && !Can(actor, LeadVendorTeam) {
		return out, domain.Errorf(domain.EForbidden, "only the supervising attorney and the vendor manager approve a statement of work")
	}
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, _, gate, err := a.sowContext(ctx, tx, actor, engagementID)
		if err != nil {
			return err
		}
		v, err := tx.SOWVersion(ctx, engagementID, versionID)
		if err != nil {
			return err
		}
		firm := actor.Role.IsFirm()
		if firm && !canApproveSOWFirm(actor, ref.Engagement) {
			return domain.Errorf(domain.EForbidden, "only the engagement's supervising attorney or a firm administrator approves for the firm")
		}
		if gate != nil {
			return gate
		}
		if !v.Draft() {
			return domain.Errorf(domain.EConflict, "version %d is already approved", v.Version)
		}
		if len(v.Items) == 0 {
			return domain.Invalid("items", "a statement of work needs at least one work item before it is approved")
		}
		if rev == 0 {
			rev = v.Revision
		}
		if firm && v.FirmApprovedBy != 0 || !firm && v.VendorApprovedBy != 0 {
			return domain.Errorf(domain.EConflict, "your side already approved version %d", v.Version)
		}
		if err := tx.ApproveSOWSide(ctx, v.ID, firm, rev, actor.ID, a.Now()); err != nil {
			return err
		}
		side := "the vendor"
		if firm {
			side = "the firm"
		}
		if err := a.audit(ctx, tx, actor, Record{Action: "sow.approve", ObjectType: "sow_version", ObjectID: v.ID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("statement of work version %d (revision %d) approved for %s", v.Version, rev, side)}); err != nil {
			return err
		}
		if v, err = tx.SOWVersion(ctx, engagementID, versionID); err != nil {
			return err
		}
		out.Version = v
		if v.FirmApprovedBy == 0 || v.VendorApprovedBy == 0 {
			return nil
		}
		today, err := a.todayFor(ctx, tx, domain.User{})
		if err != nil {
			return err
		}
		sha := v.Hash()
		if err := tx.FreezeSOW(ctx, v.ID, sha, a.Now(), today); err != nil {
			return err
		}
		v.ApprovedAt, v.ApprovedOn, v.SHA256 = a.Now(), today, sha
		out.Version, out.Frozen = v, true
		if err := a.audit(ctx, tx, actor, Record{Action: "sow.in_force", ObjectType: "sow_version", ObjectID: v.ID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("statement of work version %d approved by both sides and frozen (SHA-256 %s)", v.Version, sha)}); err != nil {
			return err
		}
		if ref.Engagement.Stage != domain.StageSOW {
			return nil
		}
		if out.Activated, err = tx.ActivateEngagement(ctx, engagementID); err != nil || !out.Activated {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "engagement.stage", ObjectType: "engagement", ObjectID: engagementID, MatterID: ref.Matter.ID,
			Summary: "stage sow → active: the statement of work is approved by the attorney and the vendor manager"})
	})
	return out, err
}
