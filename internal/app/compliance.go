package app

import (
	"context"
	"fmt"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// The compliance record of a matter: for each engagement on it, the evidence
// of every obligation the firm owes when it outsources legal work — who did
// what, and when — and, as plainly, what is not recorded. It is what a firm
// hands its client, so the matter's client contacts may read it; firm-only
// items (the names behind conflict hits, reviewers' notes, strategy notes)
// are left out of their copy. Vendor users never see it.

// ObligationState is how far an obligation's evidence goes.
type ObligationState string

// Obligation states.
const (
	ObligationMet       ObligationState = "met"       // evidenced and in order
	ObligationAttention ObligationState = "attention" // recorded, but not in order (pending, lapsed, open)
	ObligationGap       ObligationState = "gap"       // nothing recorded
)

// Tone is the badge tone of the state.
func (s ObligationState) Tone() string {
	switch s {
	case ObligationMet:
		return "ok"
	case ObligationAttention:
		return "wait"
	}
	return "bad"
}

// NotRecorded is the plain words for an obligation with no evidence.
const NotRecorded = "Not recorded"

// Fact is one piece of evidence: what, when (a day, may be empty) and who.
type Fact struct {
	What string `json:"what"`
	On   string `json:"on,omitempty"`
	By   string `json:"by,omitempty"`
}

// Obligation is one duty and the evidence of it for one engagement.
type Obligation struct {
	Key    string          `json:"key"`
	Name   string          `json:"name"`
	State  ObligationState `json:"state"`
	Status string          `json:"status"` // in plain words, "Not recorded" for a gap
	Facts  []Fact          `json:"facts"`
}

// EngagementRecord is one engagement's obligations.
type EngagementRecord struct {
	Engagement  store.EngagementSummary
	Obligations []Obligation
}

// Gaps counts the engagement's obligations with nothing recorded.
func (e EngagementRecord) Gaps() int {
	n := 0
	for _, o := range e.Obligations {
		if o.State == ObligationGap {
			n++
		}
	}
	return n
}

// ComplianceRecord is a matter's compliance record.
type ComplianceRecord struct {
	Matter      domain.Matter
	Client      domain.Client
	Responsible domain.User
	Generated   time.Time
	ForClient   bool // the client's copy: firm-only items left out
	Engagements []EngagementRecord
}

// Gaps counts every obligation with nothing recorded.
func (r ComplianceRecord) Gaps() int {
	n := 0
	for _, e := range r.Engagements {
		n += e.Gaps()
	}
	return n
}

// ComplianceRecord returns a matter's compliance record: firm users who can
// see the matter and the matter's client contacts (screens and the
// highly-confidential second-factor gate hold as on the matter page);
// everyone else gets not found.
func (a *App) ComplianceRecord(ctx context.Context, actor domain.User, matterID int64) (ComplianceRecord, error) {
	var r ComplianceRecord
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		r, err = a.complianceRecord(ctx, tx, actor, matterID)
		return err
	})
	return r, err
}

func (a *App) complianceRecord(ctx context.Context, tx *store.Tx, actor domain.User, matterID int64) (ComplianceRecord, error) {
	r := ComplianceRecord{Generated: a.Now(), ForClient: actor.Role.IsClient()}
	if !Can(actor, ViewComplianceRecord) {
		return r, domain.NotFound("matter")
	}
	var err error
	if r.Matter, err = tx.Matter(ctx, ScopeFor(actor), matterID); err != nil {
		return r, err
	}
	if err := a.confidentialGate(ctx, tx, actor, r.Matter); err != nil {
		return r, err
	}
	all := store.Scope{All: true}
	if r.Client, err = tx.Client(ctx, all, r.Matter.ClientID); err != nil {
		return r, err
	}
	if r.Responsible, err = tx.User(ctx, r.Matter.ResponsibleAttorneyID); err != nil {
		return r, err
	}
	engs, err := tx.ListEngagements(ctx, ScopeFor(actor), store.EngagementFilter{MatterID: matterID, Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		return r, err
	}
	today := domain.DateOf(r.Generated)
	for _, e := range engs {
		er := EngagementRecord{Engagement: e}
		dd, err := a.diligenceObligation(ctx, tx, e.VendorID, today, r.ForClient)
		if err != nil {
			return r, err
		}
		cc, err := conflictObligation(ctx, tx, matterID, e.VendorID, r.ForClient)
		if err != nil {
			return r, err
		}
		co, err := consentObligation(ctx, tx, e.ID)
		if err != nil {
			return r, err
		}
		bo, err := a.briefingObligation(ctx, tx, e.Engagement)
		if err != nil {
			return r, err
		}
		so, err := supervisionObligation(ctx, tx, e.Engagement)
		if err != nil {
			return r, err
		}
		ao, err := auditObligation(ctx, tx, e.Engagement, today, r.ForClient)
		if err != nil {
			return r, err
		}
		er.Obligations = append(er.Obligations, dd, cc, co, bo,
			so, // reviews.go
			ao, // audit_obligation.go
			notYetRecorded("billing", "Billing treatment", "how the vendor's work is billed to the client (fee or disbursement, at cost or marked up)"))
		if e.Stage == domain.StageClosed { // closing.go
			clo, err := closingObligation(ctx, tx, e.Engagement, r.ForClient)
			if err != nil {
				return r, err
			}
			er.Obligations = append(er.Obligations, clo)
		}
		r.Engagements = append(r.Engagements, er)
	}
	return r, nil
}

func notYetRecorded(key, name, what string) Obligation {
	return Obligation{Key: key, Name: name, State: ObligationGap, Status: NotRecorded,
		Facts: []Fact{{What: "Probity holds no record of " + what + " for this engagement."}}}
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return string(domain.DateOf(t))
}

// diligenceObligation: the vendor's due-diligence decision, from its latest
// decided security assessment, and the evidence the reviewer accepted.
func (a *App) diligenceObligation(ctx context.Context, tx *store.Tx, vendorID int64, today domain.Date, forClient bool) (Obligation, error) {
	o := Obligation{Key: "due_diligence", Name: "Vendor due diligence"}
	v, err := tx.Vendor(ctx, store.Scope{All: true}, vendorID)
	if err != nil {
		return o, err
	}
	as, err := tx.LatestDecidedAssessment(ctx, vendorID)
	if domain.ErrorCode(err) == domain.ENotFound {
		list, err := tx.ListAssessments(ctx, vendorID)
		if err != nil || len(list) == 0 {
			o.State, o.Status = ObligationGap, NotRecorded
			o.Facts = []Fact{{What: "No security assessment of " + v.Name + " has been recorded."}}
			return o, err
		}
		last := list[len(list)-1]
		for _, x := range list {
			if x.StartedAt.After(last.StartedAt) {
				last = x
			}
		}
		o.State, o.Status = ObligationAttention, v.DiligenceOn(today).Label()
		o.Facts = []Fact{{What: last.QuestionnaireName + ": " + last.StatusLabel() + "; no decision yet", On: day(last.StartedAt), By: last.StartedByName}}
		return o, nil
	}
	if err != nil {
		return o, err
	}
	state := v.DiligenceOn(today)
	o.Status = state.Label()
	if v.ApprovedUntil != "" && (state == domain.DiligenceApproved || state == domain.DiligenceConditional || state == domain.DiligenceExpired) {
		o.Status += ", approval until " + string(v.ApprovedUntil)
	}
	if state == domain.DiligenceApproved || state == domain.DiligenceConditional {
		o.State = ObligationMet
	} else {
		o.State = ObligationAttention
	}
	decision := fmt.Sprintf("%s: %s, score %d out of 100", as.QuestionnaireName, as.Decision.Label(), as.FinalScore())
	if as.ApprovedUntil != "" {
		decision += ", approved until " + string(as.ApprovedUntil)
	}
	if !forClient && as.DecisionNote != "" {
		decision += ". Note: " + as.DecisionNote
	}
	o.Facts = append(o.Facts, Fact{What: decision, On: day(as.DecidedAt), By: as.DecidedByName})
	if !as.SubmittedAt.IsZero() {
		o.Facts = append(o.Facts, Fact{What: "Assessment answered by the vendor", On: day(as.SubmittedAt), By: as.SubmittedByName})
	}
	evidence, err := tx.Evidence(ctx, as.ID)
	if err != nil {
		return o, err
	}
	for _, e := range evidence {
		if e.Status != domain.EvidenceAccepted {
			continue
		}
		o.Facts = append(o.Facts, Fact{What: "Evidence accepted: " + e.Kind.Label() + " (" + e.Document.Filename + ")",
			On: day(e.Document.CreatedAt), By: e.Document.UploaderName})
	}
	return o, nil
}

// conflictObligation: the conflict check of the vendor against the matter's
// parties and how each hit was resolved. The names behind a hit are
// firm-only; the client's copy counts them.
func conflictObligation(ctx context.Context, tx *store.Tx, matterID, vendorID int64, forClient bool) (Obligation, error) {
	o := Obligation{Key: "conflicts", Name: "Conflict check"}
	check, err := tx.LastConflictCheck(ctx, matterID, vendorID)
	if err != nil {
		return o, err
	}
	hits, err := tx.ConflictHits(ctx, matterID, vendorID, false)
	if err != nil {
		return o, err
	}
	if check.CheckedAt.IsZero() && len(hits) == 0 {
		o.State, o.Status = ObligationGap, NotRecorded
		o.Facts = []Fact{{What: "The vendor has not been checked against the matter's parties."}}
		return o, nil
	}
	count := map[domain.HitStatus]int{}
	for _, h := range hits {
		count[h.Status]++
	}
	standing := count[domain.HitOpen] + count[domain.HitBlocked]
	switch {
	case len(hits) == 0:
		o.State, o.Status = ObligationMet, "No conflicts found"
	case standing == 0:
		o.State, o.Status = ObligationMet, fmt.Sprintf("%d possible conflicts, all resolved", len(hits))
	default:
		o.State = ObligationAttention
		o.Status = fmt.Sprintf("%d possible conflicts: %d waiting for a decision, %d blocking", len(hits), count[domain.HitOpen], count[domain.HitBlocked])
	}
	if !check.CheckedAt.IsZero() {
		o.Facts = append(o.Facts, Fact{What: fmt.Sprintf("Checked against the matter's parties: %d possible conflicts found", len(hits)), On: day(check.CheckedAt)})
	}
	if forClient {
		for _, st := range []domain.HitStatus{domain.HitOpen, domain.HitCleared, domain.HitWaived, domain.HitBlocked} {
			if count[st] > 0 {
				o.Facts = append(o.Facts, Fact{What: fmt.Sprintf("%s: %d", st.Label(), count[st])})
			}
		}
		return o, nil
	}
	for _, h := range hits {
		f := Fact{What: fmt.Sprintf("%q matched %q (%.0f%%): %s", h.PartyName, h.DisclosedName, h.Score*100, h.Status.Label()),
			On: day(h.FoundAt)}
		if h.Status != domain.HitOpen {
			f.What += ". " + h.Resolution
			if h.Status == domain.HitWaived && h.Consent.By != "" {
				f.What += fmt.Sprintf(" (client consent from %s on %s)", h.Consent.By, h.Consent.On)
			}
			f.On, f.By = day(h.ResolvedAt), h.ResolvedByName
		}
		o.Facts = append(o.Facts, f)
	}
	return o, nil
}

// consentObligation: the client's consent to the engagement (the
// outsourcing disclosure they answered).
func consentObligation(ctx context.Context, tx *store.Tx, engagementID int64) (Obligation, error) {
	o := Obligation{Key: "consent", Name: "Client consent"}
	c, err := tx.CurrentConsent(ctx, engagementID)
	if domain.ErrorCode(err) == domain.ENotFound {
		o.State, o.Status = ObligationGap, NotRecorded
		o.Facts = []Fact{{What: "No outsourcing disclosure has been issued to the client."}}
		return o, nil
	}
	if err != nil {
		return o, err
	}
	o.Status = c.State.Label()
	switch c.State {
	case domain.ConsentGiven:
		o.State = ObligationMet
	default:
		o.State = ObligationAttention
	}
	version := fmt.Sprintf("disclosure version %d", c.Version)
	if len(c.DisclosureSHA256) >= 12 {
		version += " (SHA-256 " + c.DisclosureSHA256[:12] + "…)"
	}
	switch {
	case c.State == domain.ConsentPending:
		o.Facts = append(o.Facts, Fact{What: "Issued " + version + "; waiting for the client's answer", On: day(c.UpdatedAt)})
	case c.RecordedBy != 0:
		o.Facts = append(o.Facts, Fact{What: c.State.Label() + " to " + version + ", recorded from outside Probity: " + c.Evidence,
			On: day(c.AnsweredAt), By: c.RecordedByName})
	case !c.AnsweredAt.IsZero():
		o.Facts = append(o.Facts, Fact{What: c.State.Label() + " to " + version, On: day(c.AnsweredAt), By: c.ClientName})
	}
	if c.State == domain.ConsentRevoked {
		o.Facts = append(o.Facts, Fact{What: "Consent revoked by the client", On: day(c.RevokedAt)})
	}
	if c.State == domain.ConsentStale && c.StaleReason != "" {
		o.Facts = append(o.Facts, Fact{What: "Needs consent again: " + c.StaleReason, On: day(c.UpdatedAt)})
	}
	return o, nil
}
