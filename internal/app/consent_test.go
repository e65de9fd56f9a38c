package app_test

import (
	"strings"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/testenv"
)

const emSam = "sam.okafor@greenfieldcu.example" // Greenfield's client contact

// consentRows counts what a refused consent request must leave unchanged.
func consentRows(tb testing.TB, a *app.App) [4]int {
	tb.Helper()
	var n [4]int
	err := a.Store.DB().QueryRow(`SELECT (SELECT COUNT(*) FROM client_disclosures), (SELECT COUNT(*) FROM client_consents),
		(SELECT COUNT(*) FROM client_consents WHERE state = 'given'), (SELECT COUNT(*) FROM audit_events)`).Scan(&n[0], &n[1], &n[2], &n[3])
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// The consent gate, with the firm's default policy (consent required): a
// proposal cannot open until the client consents to the issued disclosure
// (its text frozen and hashed); a declined disclosure blocks; only the
// matter's client contact answers, typing their own name; revocation
// pauses the engagement at once and new consent resumes it; a new storage
// country on the vendor makes the consent stale; and the firm may switch
// the requirement off.
func TestClientConsentGate(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newGatesFixture(t, e)
		admin, marcus, priya, daniel := f.people[emEleanor], f.people[emMarcus], f.people[emPriya], f.people[emDaniel]
		sam, helen, anika := f.people[emSam], f.people[emHelen], f.people[emAnika]
		if err := f.a.SetConsentRequired(f.ctx, admin, true); err != nil {
			t.Fatal(err)
		}
		p, err := f.a.ProposeEngagement(f.ctx, marcus, f.proposal(greenNo, "good"))
		if err != nil {
			t.Fatal(err)
		}
		id := p.Engagement.ID
		if g := gate(p.Check.Gates, domain.GateConsent); g.Met || g.State() != "waiting" || !strings.Contains(g.Why, "issue the outsourcing disclosure") {
			t.Fatalf("consent gate of a new proposal: %+v", g)
		}
		before := consentRows(t, f.a)
		_, refused, err := f.a.OpenEngagement(f.ctx, marcus, id)
		wantCode(t, err, domain.EGateClosed, "open without consent")
		if !strings.Contains(domain.ErrorMessage(err), "Client consent: ") || gate(refused.Gates, domain.GateConsent).Met {
			t.Errorf("the refusal does not name the consent gate: %q", domain.ErrorMessage(err))
		}
		if f.stage(t, id).Stage != domain.StageProposed || consentRows(t, f.a) != before {
			t.Errorf("a refused opening changed something")
		}

		// Who may see and handle it.
		for _, u := range []domain.User{anika, helen} {
			_, err := f.a.ConsentOf(f.ctx, u, id)
			wantCode(t, err, domain.ENotFound, u.Name+" reading the consent")
			_, err = f.a.IssueDisclosure(f.ctx, u, id)
			wantCode(t, err, domain.ENotFound, u.Name+" issuing")
		}
		_, err = f.a.SaveDisclosureDraft(f.ctx, daniel, id, "Dear client")
		wantCode(t, err, domain.EForbidden, "a paralegal drafting")
		_, err = f.a.SaveDisclosureDraft(f.ctx, marcus, id, "   ")
		wantCode(t, err, domain.EInvalid, "an empty draft")
		if consentRows(t, f.a) != before {
			t.Fatalf("refused drafts wrote")
		}

		v, err := f.a.ConsentOf(f.ctx, priya, id) // Greenfield's responsible attorney
		if err != nil || !v.CanDraft || v.Draft.ID != 0 || !strings.Contains(v.Draft.Body, "Good Review Co") || !strings.Contains(v.Draft.Body, "Marcus") ||
			!strings.Contains(v.Draft.Body, "saving of USD 3,600.00 (75%)") {
			t.Fatalf("generated draft: %+v %v", v, err)
		}
		body := v.Draft.Body + "\n\nQuestions: call Marcus."
		d, err := f.a.SaveDisclosureDraft(f.ctx, priya, id, body)
		if err != nil || d.Version != 1 || d.Issued() {
			t.Fatalf("draft: %+v %v", d, err)
		}
		d, err = f.a.IssueDisclosure(f.ctx, marcus, id)
		if err != nil || d.SHA256 != domain.HashDisclosure(body) || d.Body != body {
			t.Fatalf("issue: %+v %v", d, err)
		}
		_, _, err = f.a.OpenEngagement(f.ctx, marcus, id)
		wantCode(t, err, domain.EGateClosed, "open with consent pending")

		// The issued disclosure as a letter: for the client and the firm, not the vendor.
		letter, name, err := f.a.DisclosureLetterPDF(f.ctx, sam, id)
		if err != nil || !strings.HasSuffix(name, "-v1.pdf") {
			t.Fatalf("letter: %q %v", name, err)
		}
		if text := testenv.PdfToText(t, letter); !strings.Contains(text, "Good Review Co") || !strings.Contains(text, d.SHA256[:16]) {
			t.Errorf("the letter does not hold the disclosure and its fingerprint:\n%s", text)
		}
		_, _, err = f.a.DisclosureLetterPDF(f.ctx, anika, id)
		wantCode(t, err, domain.ENotFound, "a vendor user downloading the letter")

		// The client answers.
		_, err = f.a.AnswerConsent(f.ctx, marcus, id, app.ConsentAnswer{Give: true, TypedName: marcus.Name})
		wantCode(t, err, domain.EForbidden, "an attorney answering for the client")
		_, err = f.a.RecordConsent(f.ctx, marcus, id, app.RecordedConsent{Give: true})
		wantCode(t, err, domain.EInvalid, "recording without evidence")
		before = consentRows(t, f.a)
		_, err = f.a.AnswerConsent(f.ctx, sam, id, app.ConsentAnswer{Give: true, TypedName: "Samuel Okafor"})
		wantCode(t, err, domain.EInvalid, "a typed name that is not the client's")
		if consentRows(t, f.a) != before {
			t.Errorf("a refused answer wrote")
		}
		c, err := f.a.AnswerConsent(f.ctx, sam, id, app.ConsentAnswer{Give: true, TypedName: "  sam OKAFOR "})
		if err != nil || c.State != domain.ConsentGiven || c.DisclosureSHA256 != d.SHA256 {
			t.Fatalf("consent: %+v %v", c, err)
		}
		v, err = f.a.ConsentOf(f.ctx, sam, id)
		if err != nil || v.State() != domain.ConsentGiven || v.Consent.Address != "192.0.2.44" || v.Consent.ClientName != sam.Name || !v.CanRevoke || v.CanAnswer {
			t.Fatalf("after consent: %+v %v", v.Consent, err)
		}
		if got := auditCount(t, f.a, "consent.given", f.matters[greenNo]); got != 1 {
			t.Errorf("consent audited %d times", got)
		}
		opened, _, err := f.a.OpenEngagement(f.ctx, marcus, id)
		if err != nil || opened.Stage != domain.StageCommunication {
			t.Fatalf("open with consent: %+v %v", opened, err)
		}

		// Revocation pauses at once; new consent resumes.
		_, err = f.a.RevokeConsent(f.ctx, helen, id)
		wantCode(t, err, domain.ENotFound, "another client revoking")
		if _, err := f.a.RevokeConsent(f.ctx, sam, id); err != nil {
			t.Fatal(err)
		}
		if got := f.stage(t, id); got.Stage != domain.StagePaused || got.PausedFrom != domain.StageCommunication || !strings.Contains(got.PausedReason, "withdrew") {
			t.Fatalf("after revocation: %+v", got)
		}
		if _, err := f.a.IssueDisclosure(f.ctx, marcus, id); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.RecordConsent(f.ctx, marcus, id, app.RecordedConsent{Give: true, Evidence: "Signed letter of 2 March, filed as GMCU/44"}); err != nil {
			t.Fatal(err)
		}
		if got := f.stage(t, id); got.Stage != domain.StageCommunication {
			t.Fatalf("new consent did not resume: %+v", got)
		}

		// A new country where data is stored makes it stale.
		page, err := f.a.VendorProfile(f.ctx, admin, f.vendors["good"].ID)
		if err != nil {
			t.Fatal(err)
		}
		prof := page.Profile
		prof.StorageCountries = append(prof.StorageCountries, "SG")
		if err := f.a.UpdateVendorProfile(f.ctx, admin, f.vendors["good"].ID, prof); err != nil {
			t.Fatal(err)
		}
		v, err = f.a.ConsentOf(f.ctx, marcus, id)
		if err != nil || v.State() != domain.ConsentStale || !strings.Contains(v.Consent.StaleReason, "Singapore") {
			t.Fatalf("after the new storage country: %+v %v", v.Consent, err)
		}
		if got := auditCount(t, f.a, "consent.stale", f.matters[greenNo]); got != 1 {
			t.Errorf("staleness audited %d times", got)
		}

		// A declined disclosure blocks a proposal.
		p2, err := f.a.ProposeEngagement(f.ctx, marcus, f.proposal(greenNo, "lastday"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.IssueDisclosure(f.ctx, marcus, p2.Engagement.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.AnswerConsent(f.ctx, sam, p2.Engagement.ID, app.ConsentAnswer{}); err != nil {
			t.Fatal(err)
		}
		check, err := f.a.EngagementGatesOf(f.ctx, marcus, p2.Engagement.ID)
		if g := gate(check.Check.Gates, domain.GateConsent); err != nil || g.State() != "blocked" {
			t.Fatalf("declined: %+v %v", g, err)
		}
		// The firm may switch the requirement off.
		if err := f.a.SetConsentRequired(f.ctx, marcus, false); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("an attorney changed the policy: %v", err)
		}
		if err := f.a.SetConsentRequired(f.ctx, admin, false); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.a.OpenEngagement(f.ctx, marcus, p2.Engagement.ID); err != nil {
			t.Errorf("with consent not required: %v", err)
		}
	})
}
