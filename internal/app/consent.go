package app

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/pdf"
	"github.com/probity/probity/internal/store"
)

// Outsourcing disclosure and client consent. An attorney (the engagement's
// supervising attorney, the matter's responsible attorney, or a firm
// administrator) drafts the disclosure — Probity writes a first draft from
// the engagement's facts — and issues it: its text is frozen and hashed and
// the client's consent becomes pending. A client contact of the matter's
// client reads it in the portal and consents (typing their name) or
// declines; an attorney may record an answer given outside Probity, with
// evidence. The client may revoke a consent, which pauses the engagement at
// once. A material change (a new country of performance or storage or a new
// subcontractor on the vendor, a different vendor or billing mode) makes the
// consent stale. Whether consent is current is the last opening gate, and
// consentCurrent is the check later stages (document access) call.

// SettingConsentRequired is the firm setting "consent required": "on"
// (the default) or "off".
const SettingConsentRequired = "consent_required"

// consentRequired reads the firm's policy (default: required).
func (a *App) consentRequired(ctx context.Context, tx *store.Tx) (bool, error) {
	v, ok, err := tx.Setting(ctx, SettingConsentRequired)
	if err != nil {
		return false, err
	}
	return !ok || v != "off", nil
}

// ConsentRequired reports the firm's policy to administrators.
func (a *App) ConsentRequired(ctx context.Context, actor domain.User) (bool, error) {
	if err := require(actor, ManageSettings); err != nil {
		return false, err
	}
	var on bool
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		on, err = a.consentRequired(ctx, tx)
		return err
	})
	return on, err
}

// SetConsentRequired sets whether the client's consent is an opening gate.
// Firm administrators only; audited.
func (a *App) SetConsentRequired(ctx context.Context, actor domain.User, required bool) error {
	if err := require(actor, ManageSettings); err != nil {
		return err
	}
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		was, err := a.consentRequired(ctx, tx)
		if err != nil {
			return err
		}
		if was == required {
			return nil
		}
		v, say := "off", "no longer required before outsourcing"
		if required {
			v, say = "on", "required before outsourcing"
		}
		if err := tx.SetSetting(ctx, SettingConsentRequired, v, a.Now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "settings.consent_required", ObjectType: "settings", Summary: "client consent is " + say})
	})
}

// consentFacts gathers what the consent gate needs about engagement e (nil:
// a vendor not yet proposed; ID 0: a proposal being recorded).
func (a *App) consentFacts(ctx context.Context, tx *store.Tx, e *domain.Engagement) (domain.ConsentFacts, error) {
	var f domain.ConsentFacts
	var err error
	if f.Required, err = a.consentRequired(ctx, tx); err != nil {
		return f, err
	}
	if e == nil {
		return f, nil
	}
	f.Proposed = true
	if e.ID == 0 {
		return f, nil
	}
	c, err := a.effectiveConsent(ctx, tx, *e)
	if domain.ErrorCode(err) == domain.ENotFound {
		return f, nil
	}
	f.State, f.StaleReason = c.State, c.StaleReason
	return f, err
}

// effectiveConsent is the engagement's current consent, shown as stale when
// the engagement's vendor or billing mode is no longer the one its
// disclosure was written about (ENotFound when none was issued).
func (a *App) effectiveConsent(ctx context.Context, tx *store.Tx, e domain.Engagement) (domain.Consent, error) {
	c, err := tx.CurrentConsent(ctx, e.ID)
	if err != nil {
		return c, err
	}
	if c.State != domain.ConsentGiven && c.State != domain.ConsentPending {
		return c, nil
	}
	d, err := tx.ClientDisclosure(ctx, e.ID, c.DisclosureID)
	if err != nil {
		return c, err
	}
	switch {
	case d.VendorID != e.VendorID:
		c.State, c.StaleReason = domain.ConsentStale, "the engagement now has a different vendor"
	case d.BillingMode != e.BillingMode:
		c.State, c.StaleReason = domain.ConsentStale, fmt.Sprintf("the billing mode changed to %s", e.BillingMode)
	}
	return c, nil
}

// consentCurrent returns nil when engagementID has the client's current
// consent, or the firm does not require it; else an EGateClosed error
// saying why. Later stages (vendor document access, issue 6) call it in
// their transaction before anything is shown or changed.
func (a *App) consentCurrent(ctx context.Context, tx *store.Tx, engagementID int64) error {
	e, err := tx.Engagement(ctx, store.Scope{All: true}, engagementID)
	if err != nil {
		return err
	}
	f, err := a.consentFacts(ctx, tx, &e)
	if err != nil {
		return err
	}
	return domain.ConsentCurrent(f)
}

// ConsentView is what the engagement page and the client portal show about
// the disclosure and consent.
type ConsentView struct {
	Engagement domain.Engagement
	Matter     domain.Matter
	VendorName string
	Required   bool
	// Consent is the current consent (State ConsentNone when nothing was
	// issued), as the gate sees it.
	Consent domain.Consent
	// Issued is the disclosure the current consent answers (zero if none).
	Issued domain.ClientDisclosure
	// Draft is the wording being prepared, or Probity's generated first
	// draft when there is none (Draft.ID 0); attorneys only.
	Draft domain.ClientDisclosure
	// What the viewer may do.
	CanDraft   bool // edit and issue (attorney)
	CanRecord  bool // record an answer given outside Probity (attorney)
	CanAnswer  bool // consent or decline (the client)
	CanRevoke  bool // withdraw consent (the client)
	ClientView bool // the viewer is the client
}

// State is the current state.
func (v ConsentView) State() domain.ConsentState { return v.Consent.State }

// consentEngagement loads an engagement for consent work: in scope (else not
// found), never for vendor users, past the second-factor gate.
func (a *App) consentEngagement(ctx context.Context, tx *store.Tx, actor domain.User, id int64) (domain.Engagement, domain.Matter, error) {
	var m domain.Matter
	if actor.Disabled || actor.Role.IsVendor() {
		return domain.Engagement{}, m, domain.NotFound("engagement")
	}
	e, err := tx.Engagement(ctx, ScopeFor(actor), id)
	if err != nil {
		return e, m, err
	}
	if m, err = tx.Matter(ctx, store.Scope{All: true}, e.MatterID); err != nil {
		return e, m, err
	}
	if actor.Role.IsClient() && actor.ClientID != m.ClientID {
		return e, m, domain.NotFound("engagement")
	}
	return e, m, a.confidentialGate(ctx, tx, actor, m)
}

// canDraftConsent: the engagement's supervising attorney, the matter's
// responsible attorney, or a firm administrator.
func canDraftConsent(actor domain.User, e domain.Engagement, m domain.Matter) bool {
	switch {
	case actor.Disabled:
		return false
	case actor.Role == domain.RoleFirmAdmin:
		return true
	case actor.Role == domain.RoleAttorney:
		return actor.ID == e.SupervisingAttorneyID || actor.ID == m.ResponsibleAttorneyID
	}
	return false
}

// attorneyEngagement loads an engagement for the attorney's consent work.
func (a *App) attorneyEngagement(ctx context.Context, tx *store.Tx, actor domain.User, id int64) (domain.Engagement, domain.Matter, error) {
	e, m, err := a.consentEngagement(ctx, tx, actor, id)
	if err != nil {
		return e, m, err
	}
	if !canDraftConsent(actor, e, m) {
		return e, m, domain.Errorf(domain.EForbidden, "only the supervising attorney, the matter's responsible attorney or a firm administrator handles the client's consent")
	}
	if e.Stage == domain.StageClosed {
		return e, m, domain.Errorf(domain.EConflict, "this engagement is closed")
	}
	return e, m, nil
}

// clientEngagement loads an engagement for the client's answer.
func (a *App) clientEngagement(ctx context.Context, tx *store.Tx, actor domain.User, id int64) (domain.Engagement, domain.Matter, error) {
	e, m, err := a.consentEngagement(ctx, tx, actor, id)
	if err != nil {
		return e, m, err
	}
	if !actor.Role.IsClient() {
		return e, m, domain.Errorf(domain.EForbidden, "only the client answers the disclosure; an attorney records an answer given outside Probity")
	}
	return e, m, nil
}

// generateDisclosure writes the first draft from the engagement's facts,
// the safeguards from the vendor's latest decided assessment.
func (a *App) generateDisclosure(ctx context.Context, tx *store.Tx, e domain.Engagement, m domain.Matter) (string, error) {
	f, err := tx.DisclosureFacts(ctx, e, m)
	if err != nil {
		return "", err
	}
	if f.Assessed {
		if f.Certified, f.MFA, f.Score, err = a.assessmentFacts(ctx, tx, e.VendorID); err != nil {
			return "", err
		}
	}
	return domain.GenerateDisclosure(f), nil
}

// draftOf returns the engagement's draft, if any.
func draftOf(ds []domain.ClientDisclosure) (domain.ClientDisclosure, bool) {
	for _, d := range ds {
		if !d.Issued() {
			return d, true
		}
	}
	return domain.ClientDisclosure{}, false
}

// ConsentOf shows an engagement's disclosure and consent to firm users who
// can see it and to the matter's client contacts (vendor users: not found).
// It changes nothing.
func (a *App) ConsentOf(ctx context.Context, actor domain.User, id int64) (ConsentView, error) {
	var v ConsentView
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		e, m, err := a.consentEngagement(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		v.Engagement, v.Matter = e, m
		vendor, err := tx.Vendor(ctx, store.Scope{All: true}, e.VendorID)
		if err != nil {
			return err
		}
		v.VendorName = vendor.Name
		if v.Required, err = a.consentRequired(ctx, tx); err != nil {
			return err
		}
		c, err := a.effectiveConsent(ctx, tx, e)
		switch {
		case err == nil:
			v.Consent = c
			if v.Issued, err = tx.ClientDisclosure(ctx, e.ID, c.DisclosureID); err != nil {
				return err
			}
		case domain.ErrorCode(err) != domain.ENotFound:
			return err
		}
		v.ClientView = actor.Role.IsClient()
		if v.ClientView {
			v.CanAnswer = v.Consent.State == domain.ConsentPending
			v.CanRevoke = v.Consent.State == domain.ConsentGiven
			return nil
		}
		open := e.Stage != domain.StageClosed
		v.CanDraft = open && canDraftConsent(actor, e, m)
		v.CanRecord = v.CanDraft && v.Consent.State == domain.ConsentPending
		if !actor.Role.IsFirm() {
			return nil
		}
		ds, err := tx.ClientDisclosures(ctx, e.ID)
		if err != nil {
			return err
		}
		if d, ok := draftOf(ds); ok {
			v.Draft = d
		} else if v.CanDraft {
			if v.Draft.Body, err = a.generateDisclosure(ctx, tx, e, m); err != nil {
				return err
			}
		}
		return nil
	})
	return v, err
}

// SaveDisclosureDraft stores the attorney's wording as the engagement's
// draft (a new version after the last issued one, or the draft itself).
func (a *App) SaveDisclosureDraft(ctx context.Context, actor domain.User, id int64, body string) (domain.ClientDisclosure, error) {
	var d domain.ClientDisclosure
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		e, m, err := a.attorneyEngagement(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if body, err = domain.ValidateDisclosureBody(body); err != nil {
			return err
		}
		ds, err := tx.ClientDisclosures(ctx, e.ID)
		if err != nil {
			return err
		}
		d, _ = draftOf(ds)
		d.EngagementID, d.Body, d.VendorID, d.BillingMode, d.DraftedBy, d.DraftedAt = e.ID, body, e.VendorID, e.BillingMode, actor.ID, a.Now()
		if err := tx.SaveDisclosureDraft(ctx, &d); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "consent.draft", ObjectType: "engagement", ObjectID: e.ID, MatterID: m.ID,
			Summary: fmt.Sprintf("saved the draft outsourcing disclosure (version %d) for the engagement on %s", d.Version, m.Number)})
	})
	return d, err
}

// IssueDisclosure freezes the engagement's draft (Probity's generated one
// when the attorney wrote none), records its SHA-256 and asks the client:
// the consent becomes pending. A consent still pending or given for an
// earlier version no longer counts (stale: replaced).
func (a *App) IssueDisclosure(ctx context.Context, actor domain.User, id int64) (domain.ClientDisclosure, error) {
	var d domain.ClientDisclosure
	var mails []email
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		e, m, err := a.attorneyEngagement(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		ds, err := tx.ClientDisclosures(ctx, e.ID)
		if err != nil {
			return err
		}
		now := a.Now()
		var ok bool
		if d, ok = draftOf(ds); !ok {
			body, err := a.generateDisclosure(ctx, tx, e, m)
			if err != nil {
				return err
			}
			d = domain.ClientDisclosure{EngagementID: e.ID, Body: body, VendorID: e.VendorID, BillingMode: e.BillingMode, DraftedBy: actor.ID, DraftedAt: now}
			if err := tx.SaveDisclosureDraft(ctx, &d); err != nil {
				return err
			}
		}
		if d.VendorID != e.VendorID || d.BillingMode != e.BillingMode {
			return domain.Invalid("body", "the draft was written for a different vendor or billing mode; save it again after checking its wording")
		}
		if prev, err := tx.CurrentConsent(ctx, e.ID); err == nil {
			if _, err := tx.MarkConsentStale(ctx, prev.ID, fmt.Sprintf("replaced by version %d of the disclosure", d.Version), now); err != nil {
				return err
			}
		} else if domain.ErrorCode(err) != domain.ENotFound {
			return err
		}
		d.SHA256, d.IssuedBy, d.IssuedByName, d.IssuedAt = domain.HashDisclosure(d.Body), actor.ID, actor.Name, now
		if err := tx.IssueDisclosure(ctx, d.ID, d.SHA256, actor.ID, now); err != nil {
			return err
		}
		c := domain.Consent{EngagementID: e.ID, DisclosureID: d.ID, DisclosureSHA256: d.SHA256, State: domain.ConsentPending, UpdatedAt: now}
		if err := tx.CreateConsent(ctx, &c); err != nil {
			return err
		}
		if mails, err = a.notifyConsentRequested(ctx, tx, actor, e, m, d); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "consent.issue", ObjectType: "engagement", ObjectID: e.ID, MatterID: m.ID,
			Summary: fmt.Sprintf("issued version %d of the outsourcing disclosure on %s to the client (SHA-256 %s); consent pending", d.Version, m.Number, d.SHA256)})
	})
	if err == nil {
		a.mailQueued(mails...)
	}
	return d, err
}

// ConsentAnswer is the client's answer in the portal.
type ConsentAnswer struct {
	Give      bool   // consent (true) or decline (false)
	TypedName string // required to consent: the client's own name
}

// AnswerConsent records the client contact's answer to the pending
// disclosure: to consent they type their own name (case aside); the
// address, time and the disclosure's hash are recorded. A consent given to
// an engagement paused because consent was revoked resumes it.
func (a *App) AnswerConsent(ctx context.Context, actor domain.User, id int64, in ConsentAnswer) (domain.Consent, error) {
	var c domain.Consent
	var mails []email
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		e, m, err := a.clientEngagement(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if c, err = a.pendingConsent(ctx, tx, e); err != nil {
			return err
		}
		typed := strings.TrimSpace(in.TypedName)
		if in.Give && !domain.TypedNameMatches(typed, actor.Name) {
			return domain.Invalid("typed_name", "type your name exactly as it appears on your account (%s) to consent", actor.Name)
		}
		if utf8.RuneCountInString(typed) > 200 {
			return domain.Invalid("typed_name", "the name can be at most 200 characters")
		}
		c.State = domain.ConsentDeclined
		if in.Give {
			c.State = domain.ConsentGiven
		}
		c.ClientUserID, c.ClientName, c.TypedName, c.Address, c.AnsweredAt = actor.ID, actor.Name, typed, metaOf(ctx).Address, a.Now()
		return a.recordAnswer(ctx, tx, actor, e, m, c, "the client", &mails)
	})
	if err == nil {
		a.mailQueued(mails...)
	}
	return c, err
}

// pendingConsent is the engagement's consent, which must be pending.
func (a *App) pendingConsent(ctx context.Context, tx *store.Tx, e domain.Engagement) (domain.Consent, error) {
	c, err := a.effectiveConsent(ctx, tx, e)
	if domain.ErrorCode(err) == domain.ENotFound {
		return c, domain.Errorf(domain.EConflict, "no disclosure has been issued for this engagement yet")
	}
	if err != nil {
		return c, err
	}
	if c.State != domain.ConsentPending {
		return c, domain.Errorf(domain.EConflict, "the disclosure is not waiting for an answer: its consent is %s", strings.ToLower(c.State.Label()))
	}
	return c, nil
}

// recordAnswer stores an answer, resumes a consent pause when consent is
// given, and audits it once.
//
// When mails is not nil (the client answered in the portal), the
// supervising attorney is notified and the emails queued are put there.
func (a *App) recordAnswer(ctx context.Context, tx *store.Tx, actor domain.User, e domain.Engagement, m domain.Matter, c domain.Consent, who string, mails *[]email) error {
	ok, err := tx.AnswerConsent(ctx, c)
	if err != nil {
		return err
	}
	if !ok {
		return domain.Errorf(domain.EConflict, "the consent was answered meanwhile; reload the page")
	}
	if mails != nil {
		if *mails, err = a.notifyConsentAnswered(ctx, tx, e, m, c, actor.Name+" ("+who+")"); err != nil {
			return err
		}
	}
	verb := "declined"
	if c.State == domain.ConsentGiven {
		verb = "consented to"
	}
	summary := fmt.Sprintf("%s %s version %d of the outsourcing disclosure on %s (SHA-256 %s)", who, verb, c.Version, m.Number, c.DisclosureSHA256)
	if c.TypedName != "" {
		summary += fmt.Sprintf(", signed %q", c.TypedName)
	}
	if c.Address != "" {
		summary += " from " + c.Address
	}
	if c.Evidence != "" {
		summary += "; evidence: " + c.Evidence
	}
	if c.State == domain.ConsentGiven && e.Stage == domain.StagePaused {
		resumed, err := tx.ResumeEngagement(ctx, e.ID, domain.PauseConsent)
		if err != nil {
			return err
		}
		if resumed {
			summary += fmt.Sprintf("; the engagement resumed where it stood (%s)", strings.ToLower(e.PausedFrom.Label()))
		}
	}
	return a.audit(ctx, tx, actor, Record{Action: "consent." + string(c.State), ObjectType: "engagement", ObjectID: e.ID, MatterID: m.ID, Summary: clip(summary, 2000)})
}

// RecordedConsent is an answer the client gave outside Probity.
type RecordedConsent struct {
	Give      bool
	Evidence  string // where the answer is: "signed letter of 3 March, filed in the DMS as 2026-0142/88"
	TypedName string // optional: the name the client signed with
	// File is the evidence itself (the signed letter, the client's email
	// saved as PDF or text), optional; sealed like every document.
	File *Upload
}

// RecordConsent records, for an attorney, the client's answer to the
// pending disclosure given outside Probity, with evidence.
//
// The evidence is described in words and may also be attached as a file.
// Everything is checked before the file is sealed, the file is sealed
// before the transaction, and if the transaction fails the sealed file is
// removed: a refused answer leaves neither a row nor a file.
func (a *App) RecordConsent(ctx context.Context, actor domain.User, id int64, in RecordedConsent) (domain.Consent, error) {
	var c domain.Consent
	evidence := strings.TrimSpace(in.Evidence)
	if evidence == "" && in.File != nil && strings.TrimSpace(in.File.Filename) != "" {
		evidence = "the attached " + strings.TrimSpace(in.File.Filename)
	}
	typed := strings.TrimSpace(in.TypedName)
	check := func(tx *store.Tx) (domain.Engagement, domain.Matter, error) {
		e, m, err := a.attorneyEngagement(ctx, tx, actor, id)
		if err != nil {
			return e, m, err
		}
		if c, err = a.pendingConsent(ctx, tx, e); err != nil {
			return e, m, err
		}
		if evidence == "" || utf8.RuneCountInString(evidence) > 1000 {
			return e, m, domain.Invalid("evidence", "say where the client's answer is recorded (a signed letter, an email), or attach it — at most 1000 characters")
		}
		if utf8.RuneCountInString(typed) > 200 {
			return e, m, domain.Invalid("typed_name", "the name can be at most 200 characters")
		}
		return e, m, nil
	}
	if err := a.Store.Read(ctx, func(tx *store.Tx) error { _, _, err := check(tx); return err }); err != nil {
		return c, err
	}
	var doc domain.Document
	if in.File != nil {
		var err error
		if doc, err = a.sealUpload(ctx, *in.File, evidenceKinds, a.Config.MaxUpload); err != nil {
			return c, err
		}
		doc.Kind, doc.UploadedBy = "consent_evidence", actor.ID
	}
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		e, m, err := check(tx)
		if err != nil {
			return err
		}
		if doc.StorageKey != "" {
			if err := tx.CreateDocument(ctx, &doc, a.Now()); err != nil {
				return err
			}
			c.EvidenceDocumentID, c.EvidenceFilename = doc.ID, doc.Filename
		}
		c.State = domain.ConsentDeclined
		if in.Give {
			c.State = domain.ConsentGiven
		}
		c.RecordedBy, c.RecordedByName, c.Evidence, c.TypedName, c.Address, c.AnsweredAt = actor.ID, actor.Name, evidence, typed, metaOf(ctx).Address, a.Now()
		return a.recordAnswer(ctx, tx, actor, e, m, c, "recorded that the client (outside Probity)", nil)
	})
	if err != nil {
		if doc.StorageKey != "" {
			a.dropBlob(ctx, doc.StorageKey)
		}
		return domain.Consent{}, err
	}
	return c, nil
}

// ConsentEvidence opens the file attached to a consent recorded outside
// Probity, for firm users who see the engagement and the matter's client
// contact (never a vendor user); the download is audited. consentID names
// the consent (any of the engagement's, current or past).
func (a *App) ConsentEvidence(ctx context.Context, actor domain.User, id, consentID int64) (domain.Document, io.ReadCloser, error) {
	var doc domain.Document
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		// The consent is looked up first: one that is not the engagement's
		// is not found, whatever gate the engagement has.
		cs, err := tx.Consents(ctx, id)
		if err != nil {
			return err
		}
		var c domain.Consent
		for _, x := range cs {
			if x.ID == consentID {
				c = x
			}
		}
		if c.ID == 0 || c.EvidenceDocumentID == 0 {
			return domain.NotFound("consent evidence")
		}
		e, m, err := a.consentEngagement(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if doc, err = tx.Document(ctx, c.EvidenceDocumentID); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "consent.evidence_download", ObjectType: "engagement", ObjectID: e.ID, MatterID: m.ID,
			Summary: fmt.Sprintf("opened %q, the evidence of the client's answer to version %d of the disclosure on %s", doc.Filename, c.Version, m.Number)})
	})
	if err != nil {
		return doc, nil, err
	}
	rc, err := a.openDocumentStream(ctx, doc)
	return doc, rc, err
}

// RevokeConsent withdraws the client's consent: the client contact only.
// An engagement under way is paused at once (no new work, no document
// access), remembering its stage; consent given to a new disclosure resumes
// it.
func (a *App) RevokeConsent(ctx context.Context, actor domain.User, id int64) (domain.Consent, error) {
	var c domain.Consent
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		e, m, err := a.clientEngagement(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		c, err = tx.CurrentConsent(ctx, e.ID)
		if domain.ErrorCode(err) == domain.ENotFound || err == nil && c.State != domain.ConsentGiven {
			return domain.Errorf(domain.EConflict, "there is no consent to withdraw on this engagement")
		} else if err != nil {
			return err
		}
		now := a.Now()
		ok, err := tx.RevokeConsent(ctx, c.ID, now)
		if err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.EConflict, "the consent changed meanwhile; reload the page")
		}
		c.State, c.RevokedAt = domain.ConsentRevoked, now
		summary := fmt.Sprintf("the client withdrew consent to the outsourcing on %s (version %d of the disclosure)", m.Number, c.Version)
		if domain.Pausable(e.Stage) {
			why := fmt.Sprintf("%s withdrew the client's consent; work resumes when the client consents again", actor.Name)
			paused, err := tx.PauseEngagement(ctx, e.ID, e.Stage, domain.PauseConsent, why, now)
			if err != nil {
				return err
			}
			if !paused {
				return domain.Errorf(domain.EConflict, "the engagement changed meanwhile; reload the page")
			}
			summary += fmt.Sprintf("; the engagement is paused (was: %s)", strings.ToLower(e.Stage.Label()))
		}
		return a.audit(ctx, tx, actor, Record{Action: "consent.revoke", ObjectType: "engagement", ObjectID: e.ID, MatterID: m.ID, Summary: summary})
	})
	return c, err
}

// staleConsentsOnProfileChange marks stale the live consents of a vendor's
// engagements when its profile gains a country of performance or storage or
// a subcontractor (new, or in a new country): the clients consented to
// something else. Called by UpdateVendorProfile in its transaction; one
// audit event per engagement, naming its matter.
func (a *App) staleConsentsOnProfileChange(ctx context.Context, tx *store.Tx, actor domain.User, v domain.Vendor, old, in domain.VendorProfile) error {
	var why []string
	added := func(was, now []string) []string {
		var out []string
		for _, c := range now {
			if !slices.Contains(was, c) {
				out = append(out, domain.CountryName(c))
			}
		}
		return out
	}
	if cs := added(old.PerformanceCountries, in.PerformanceCountries); len(cs) > 0 {
		why = append(why, "work now also performed in "+strings.Join(cs, ", "))
	}
	if cs := added(old.StorageCountries, in.StorageCountries); len(cs) > 0 {
		why = append(why, "data now also stored in "+strings.Join(cs, ", "))
	}
	var subs []string
	for _, s := range in.Subcontractors {
		known := false
		for _, o := range old.Subcontractors {
			known = known || strings.EqualFold(o.Name, s.Name) && o.Country == s.Country
		}
		if !known {
			subs = append(subs, fmt.Sprintf("%s (%s)", s.Name, domain.CountryName(s.Country)))
		}
	}
	if len(subs) > 0 {
		why = append(why, "new subcontractor "+strings.Join(subs, ", "))
	}
	if len(why) == 0 {
		return nil
	}
	reason := v.Name + ": " + strings.Join(why, "; ")
	cs, err := tx.LiveConsentsOfVendor(ctx, v.ID)
	if err != nil {
		return err
	}
	now := a.Now()
	for _, c := range cs {
		ok, err := tx.MarkConsentStale(ctx, c.ID, reason, now)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		e, err := tx.Engagement(ctx, store.Scope{All: true}, c.EngagementID)
		if err != nil {
			return err
		}
		m, err := tx.Matter(ctx, store.Scope{All: true}, e.MatterID)
		if err != nil {
			return err
		}
		if err := a.audit(ctx, tx, actor, Record{Action: "consent.stale", ObjectType: "engagement", ObjectID: e.ID, MatterID: m.ID,
			Summary: clip(fmt.Sprintf("the client's consent on %s no longer covers the engagement (%s): the disclosure must be issued again", m.Number, reason), 2000)}); err != nil {
			return err
		}
	}
	return nil
}

// DisclosureLetterPDF returns the issued disclosure of an engagement as a
// letter to the client (PDF), with a file name: for the people who may read
// the disclosure. The export is audited (consent.letter_export).
func (a *App) DisclosureLetterPDF(ctx context.Context, actor domain.User, id int64) ([]byte, string, error) {
	var out []byte
	var name string
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		e, m, err := a.consentEngagement(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		c, err := a.effectiveConsent(ctx, tx, e)
		if domain.ErrorCode(err) == domain.ENotFound {
			return domain.Errorf(domain.EConflict, "no disclosure has been issued for this engagement yet")
		} else if err != nil {
			return err
		}
		d, err := tx.ClientDisclosure(ctx, e.ID, c.DisclosureID)
		if err != nil {
			return err
		}
		client, err := tx.Client(ctx, store.Scope{All: true}, m.ClientID)
		if err != nil {
			return err
		}
		doc := pdf.New(pdf.A4, "Outsourcing disclosure: "+m.Number)
		doc.SetCreationDate(d.IssuedAt)
		doc.Heading("Outsourcing disclosure")
		doc.Paragraph(fmt.Sprintf("To: %s\nMatter %s: %s\nVersion %d, issued %s by %s", client.Name, m.Number, m.Title, d.Version,
			d.IssuedAt.UTC().Format("2 January 2006"), d.IssuedByName))
		for _, p := range strings.Split(d.Body, "\n\n") {
			if p = strings.TrimSpace(p); p != "" {
				doc.Paragraph(p)
			}
		}
		doc.Styled("Fingerprint of this text (SHA-256): "+d.SHA256, pdf.Style{})
		doc.Styled("Consent: "+c.State.Label(), pdf.Style{Bold: true})
		if out, err = doc.Bytes(); err != nil {
			return err
		}
		name = "outsourcing-disclosure-" + safeFileName(m.Number) + fmt.Sprintf("-v%d.pdf", d.Version)
		return a.audit(ctx, tx, actor, Record{Action: "consent.letter_export", ObjectType: "engagement", ObjectID: e.ID, MatterID: m.ID,
			Summary: fmt.Sprintf("exported version %d of the outsourcing disclosure on %s as a PDF letter", d.Version, m.Number)})
	})
	return out, name, err
}
