package app_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

func obligation(t *testing.T, r app.ComplianceRecord, engagementID int64, key string) app.Obligation {
	t.Helper()
	for _, e := range r.Engagements {
		if e.Engagement.ID != engagementID {
			continue
		}
		for _, o := range e.Obligations {
			if o.Key == key {
				return o
			}
		}
	}
	t.Fatalf("no %s obligation for engagement %d in %+v", key, engagementID, r.Engagements)
	return app.Obligation{}
}

func factsText(o app.Obligation) string {
	var b strings.Builder
	for _, f := range o.Facts {
		b.WriteString(f.What + " | " + f.On + " | " + f.By + "\n")
	}
	return b.String()
}

func TestComplianceRecord(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		w := newConflictWorld(t, e)
		ctx := mfa()
		rec, err := w.a.ComplianceRecord(ctx, w.marcus, w.calloway)
		if err != nil {
			t.Fatal(err)
		}
		if rec.ForClient || rec.Matter.ID != w.calloway || len(rec.Engagements) < 2 {
			t.Fatalf("record: %+v", rec)
		}

		// What the store holds, to compare with.
		var lexAs domain.Assessment
		var meridianHits []domain.ConflictHit
		var lexConsent domain.Consent
		var lexConsentErr error
		err = w.a.Store.Read(context.Background(), func(tx *store.Tx) (err error) {
			if lexAs, err = tx.LatestDecidedAssessment(context.Background(), w.lexora); err != nil {
				return err
			}
			lexConsent, lexConsentErr = tx.CurrentConsent(context.Background(), w.lexoraOnCalloway)
			meridianHits, err = tx.ConflictHits(context.Background(), w.calloway, w.meridian, false)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}

		// Lexora: approved, with the decision, who decided, the expiry and the accepted SOC 2 report.
		dd := obligation(t, rec, w.lexoraOnCalloway, "due_diligence")
		ft := factsText(dd)
		if dd.State != app.ObligationMet || !strings.Contains(dd.Status, "Approved") || !strings.Contains(dd.Status, string(lexAs.ApprovedUntil)) {
			t.Errorf("Lexora due diligence: %+v", dd)
		}
		for _, want := range []string{lexAs.DecidedByName, string(domain.DateOf(lexAs.DecidedAt)), "Evidence accepted", "Lexora SOC 2 Type II report.pdf"} {
			if want == "" || !strings.Contains(ft, want) {
				t.Errorf("Lexora due diligence facts lack %q:\n%s", want, ft)
			}
		}
		// Meridian: pending diligence is not "met"; its conflict hits stand, named to the firm.
		if md := obligation(t, rec, w.meridianOnCalloway, "due_diligence"); md.State == app.ObligationMet {
			t.Errorf("Meridian (pending) due diligence shown as met: %+v", md)
		}
		mc := obligation(t, rec, w.meridianOnCalloway, "conflicts")
		if len(meridianHits) == 0 {
			t.Fatal("the demo has no Meridian hits on Calloway")
		}
		mft := factsText(mc)
		open := 0
		for _, h := range meridianHits {
			if !strings.Contains(mft, h.DisclosedName) || !strings.Contains(mft, h.Status.Label()) {
				t.Errorf("Meridian hit %q (%s) missing from:\n%s", h.DisclosedName, h.Status, mft)
			}
			if h.Status.Stands() {
				open++
			}
		}
		if open > 0 && mc.State != app.ObligationAttention {
			t.Errorf("Meridian has %d standing hits but the conflict check shows %s", open, mc.State)
		}
		// Lexora's disclosures match nothing: checked, in order.
		if lc := obligation(t, rec, w.lexoraOnCalloway, "conflicts"); lc.State != app.ObligationMet {
			t.Errorf("Lexora conflict check: %+v", lc)
		}
		// Consent follows the store.
		co := obligation(t, rec, w.lexoraOnCalloway, "consent")
		switch {
		case domain.ErrorCode(lexConsentErr) == domain.ENotFound:
			if co.State != app.ObligationGap || co.Status != app.NotRecorded {
				t.Errorf("no consent issued, but %+v", co)
			}
		case lexConsentErr != nil:
			t.Fatal(lexConsentErr)
		default:
			if co.Status != lexConsent.State.Label() {
				t.Errorf("consent %s shown as %+v", lexConsent.State, co)
			}
		}
		// What Probity does not record yet is a gap, in red words, on every engagement.
		for _, er := range rec.Engagements {
			o := obligation(t, rec, er.Engagement.ID, "billing")
			if o.State != app.ObligationGap || o.Status != app.NotRecorded || o.State.Tone() != "bad" {
				t.Errorf("engagement %d billing: %+v", er.Engagement.ID, o)
			}
			// Quality audits: Lexora's review has completed audits (the
			// latest passed, no corrective action open, none overdue), each
			// with its seed and its statement; an engagement never audited
			// is a gap.
			au := obligation(t, rec, er.Engagement.ID, "audits")
			if er.Engagement.ID != w.lexoraOnCalloway {
				if au.State != app.ObligationGap || au.Status != app.NotRecorded {
					t.Errorf("engagement %d, never audited: %+v", er.Engagement.ID, au)
				}
				continue
			}
			if au.State != app.ObligationMet || !slices.ContainsFunc(au.Facts, func(f app.Fact) bool {
				return strings.HasPrefix(f.What, "Audit ") && strings.Contains(f.What, "(seed ") && strings.Contains(f.What, "confidence the error rate is below") && f.By != ""
			}) {
				t.Errorf("Lexora's audits: %+v", au)
			}
		}
		// The briefing evidence: Lexora's review has every member's
		// acknowledgement of version 2; the research memo waits on Meera Iyer,
		// a gap in red; an engagement never briefed records nothing.
		if b := obligation(t, rec, w.lexoraOnCalloway, "briefing"); b.State != app.ObligationMet || !strings.Contains(b.Status, "Version 2") ||
			!slices.ContainsFunc(b.Facts, func(f app.Fact) bool {
				return strings.HasPrefix(f.What, "Acknowledged version 2 ") && f.By == "Meera Iyer"
			}) {
			t.Errorf("Lexora's briefing evidence: %+v", b)
		}
		gapSeen := false
		for _, er := range rec.Engagements {
			b := obligation(t, rec, er.Engagement.ID, "briefing")
			switch {
			case er.Engagement.Description == demo.BriefingEngagement:
				gapSeen = true
				if b.State != app.ObligationGap || b.State.Tone() != "bad" || !strings.Contains(b.Status, "Meera Iyer") {
					t.Errorf("the research memo's briefing: %+v", b)
				}
			case er.Engagement.Stage == domain.StageProposed:
				if b.State != app.ObligationGap || b.Status != app.NotRecorded {
					t.Errorf("a proposal's briefing: %+v", b)
				}
			}
		}
		if !gapSeen {
			t.Error("the research memo is not in the record")
		}
		if rec.Gaps() < 2*len(rec.Engagements) {
			t.Errorf("record reports %d gaps", rec.Gaps())
		}

		// The client's copy: the same obligations, without the names behind the hits.
		cr, err := w.a.ComplianceRecord(ctx, w.helen, w.calloway)
		if err != nil {
			t.Fatal(err)
		}
		if !cr.ForClient || len(cr.Engagements) != len(rec.Engagements) || cr.Gaps() != rec.Gaps() {
			t.Fatalf("client copy: %+v", cr)
		}
		cc := factsText(obligation(t, cr, w.meridianOnCalloway, "conflicts"))
		for _, h := range meridianHits {
			if strings.Contains(cc, h.DisclosedName) || strings.Contains(cc, h.PartyName) {
				t.Errorf("the client's copy names a hit (%q / %q):\n%s", h.PartyName, h.DisclosedName, cc)
			}
		}
		if !strings.Contains(cc, meridianHits[0].Status.Label()) {
			t.Errorf("the client's copy does not count the hits:\n%s", cc)
		}
		// Corrective actions: the firm's copy has their text, the client's
		// counts them.
		firmAudits, clientAudits := factsText(obligation(t, rec, w.lexoraOnCalloway, "audits")), factsText(obligation(t, cr, w.lexoraOnCalloway, "audits"))
		if !strings.Contains(firmAudits, "Corrective action (closed") || strings.Contains(clientAudits, "Corrective action (") ||
			!strings.Contains(clientAudits, "corrective actions raised with the vendor: 1 closed on time, 0 open") {
			t.Errorf("corrective actions in the record:\nfirm:\n%s\nclient:\n%s", firmAudits, clientAudits)
		}

		// Another client's contact, vendor users (even on the matter), a screened attorney: not found.
		victor := mustUser(t, w.a, "victor.lin@ardentbio.example")
		for _, u := range []domain.User{victor, w.oliver, w.anika, w.rohan} {
			if _, err := w.a.ComplianceRecord(ctx, u, w.calloway); domain.ErrorCode(err) != domain.ENotFound {
				t.Errorf("%s: %v, want not found", u.Email, err)
			}
		}
		if _, err := w.a.ComplianceRecord(ctx, w.priya, w.ardent); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("screened attorney: %v, want not found", err)
		}
		// A highly confidential matter needs the second factor, as on the matter page.
		if _, err := w.a.ComplianceRecord(context.Background(), w.marcus, w.ardent); !errors.Is(err, app.ErrSecondFactorRequired) {
			t.Errorf("highly confidential without a second factor: %v", err)
		}
		if _, err := w.a.ComplianceRecord(ctx, w.marcus, w.ardent); err != nil {
			t.Errorf("highly confidential with a second factor: %v", err)
		}
	})
}

func mustUser(t *testing.T, a *app.App, email string) domain.User {
	t.Helper()
	var u domain.User
	err := a.Store.Read(context.Background(), func(tx *store.Tx) (err error) {
		u, _, err = tx.UserByEmail(context.Background(), email)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestComplianceRecordPDF(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		w := newConflictWorld(t, e)
		ctx := mfa()
		rec, err := w.a.ComplianceRecord(ctx, w.marcus, w.calloway)
		if err != nil {
			t.Fatal(err)
		}
		before := auditCount(t, w.a, "matter.compliance_export", w.calloway)
		b, name, err := w.a.ComplianceRecordPDF(ctx, w.marcus, w.calloway)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(name, ".pdf") || !strings.Contains(name, rec.Matter.Number) {
			t.Errorf("file name %q", name)
		}
		if got := auditCount(t, w.a, "matter.compliance_export", w.calloway); got != before+1 {
			t.Errorf("export audited %d times, want 1", got-before)
		}
		text := testenv.PdfToText(t, b)
		want := []string{rec.Matter.Number, rec.Client.Name, app.NotRecorded, "Billing treatment"}
		for _, er := range rec.Engagements {
			want = append(want, er.Engagement.VendorName)
		}
		for _, s := range want {
			if !strings.Contains(text, s) {
				t.Errorf("%q missing from the PDF text:\n%s", s, text)
			}
		}

		// The client's PDF leaves the hit names out; a vendor gets nothing and nothing is audited.
		cb, _, err := w.a.ComplianceRecordPDF(ctx, w.helen, w.calloway)
		if err != nil {
			t.Fatal(err)
		}
		if ct := testenv.PdfToText(t, cb); strings.Contains(ct, "Tide Water") || !strings.Contains(ct, rec.Matter.Number) {
			t.Errorf("client PDF:\n%s", ct)
		}
		n := auditCount(t, w.a, "matter.compliance_export", w.calloway)
		if _, _, err := w.a.ComplianceRecordPDF(ctx, w.oliver, w.calloway); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("vendor PDF: %v, want not found", err)
		}
		if auditCount(t, w.a, "matter.compliance_export", w.calloway) != n {
			t.Error("a refused export was audited")
		}
	})
}
