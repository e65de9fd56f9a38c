package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// consent gives the demo's engagements their outsourcing disclosures and
// the clients' answers, telling one story with the registry:
//
//   - Calloway (Helen Calloway) consented to Lexora's document review before
//     it opened, and to Meridian's e-discovery proposal, which therefore
//     waits only on Meridian's assessment;
//   - Ardent (Victor Lin) has Bayanihan's research disclosure to review:
//     pending;
//   - Greenfield (Sam Okafor) consented to Bayanihan's loan-agreement work,
//     but Bayanihan has since started storing data in Singapore (the change
//     flag in vendors_registry.go), so that consent is stale;
//   - Greenfield consented to Keystone's loan-file review and Calloway to
//     Lexora's Harbor Point review (since closed) before they opened;
//   - Ardent (Victor Lin) declined Meridian's forensic collection: Ardent's
//     laboratory data is not to be processed outside the United States, so
//     that proposal can never open as it stands.
//
// The disclosures are generated from the engagements' facts as the
// application generates them; the safeguards come from the demo's own
// assessments (vendors_assessments.go), decided before this runs.
func (l *loader) consent() {
	if l.err != nil {
		return
	}
	marcus, priya := l.users["marcus.oyelaran@hartwellcrane.example"], l.users["priya.raman@hartwellcrane.example"]
	helen, sam, victor := l.users["helen.calloway@callowayfreight.example"], l.users["sam.okafor@greenfieldcu.example"], l.users["victor.lin@ardentbio.example"]
	at := func(days, hour int) time.Time {
		return l.now.UTC().Truncate(24*time.Hour).AddDate(0, 0, days).Add(time.Duration(hour) * time.Hour)
	}
	type story struct {
		vendor, matter string
		issuedBy       int64
		issued         time.Time
		client         int64 // answered by; 0: pending
		clientName     string
		answered       time.Time
		stale          string // why the consent no longer covers the engagement
		declined       bool   // the client declined
	}
	// safeguards the demo's assessments show (see vendors_assessments.go).
	certified := map[string]bool{"lexora": true}
	mfa := map[string]bool{"lexora": true}
	for _, s := range []story{
		{"lexora", "2026-0142", marcus, at(-104, 15), helen, "Helen Calloway", at(-101, 10), "", false},
		{"meridian", "2026-0142", marcus, at(-9, 11), helen, "Helen Calloway", at(-7, 16), "", false},
		{"bayanihan", "2026-0177", marcus, at(-2, 14), 0, "", time.Time{}, "", false},
		{"bayanihan", "2026-0203", priya, at(-12, 9), sam, "Sam Okafor", at(-9, 13),
			"Bayanihan Legal Process Center Inc.: data now also stored in Singapore", false},
		{"meridian", "2026-0177", marcus, at(-5, 10), victor, "Victor Lin", at(-4, 9), "", true},
		{"keystone", "2026-0203", priya, at(-66, 10), sam, "Sam Okafor", at(-63, 15), "", false},
		{"lexora", "2025-0311", marcus, at(-404, 11), helen, "Helen Calloway", at(-402, 9), "", false},
	} {
		e, m, err := l.engagementOf(s.vendor, s.matter)
		if l.do(err); l.err != nil {
			return
		}
		f, err := l.tx.DisclosureFacts(l.ctx, e, m)
		if l.do(err); l.err != nil {
			return
		}
		if f.Assessed {
			f.Certified, f.MFA = certified[s.vendor], mfa[s.vendor]
		}
		if s.stale != "" { // written before Bayanihan added Singapore
			f.StorageCountries = []string{"PH"}
		}
		body := domain.GenerateDisclosure(f)
		d := domain.ClientDisclosure{EngagementID: e.ID, Body: body, VendorID: e.VendorID, BillingMode: e.BillingMode, DraftedBy: s.issuedBy, DraftedAt: s.issued.Add(-time.Hour)}
		l.do(l.tx.SaveDisclosureDraft(l.ctx, &d))
		sha := domain.HashDisclosure(body)
		l.do(l.tx.IssueDisclosure(l.ctx, d.ID, sha, s.issuedBy, s.issued))
		c := domain.Consent{EngagementID: e.ID, DisclosureID: d.ID, DisclosureSHA256: sha, State: domain.ConsentPending, UpdatedAt: s.issued}
		l.do(l.tx.CreateConsent(l.ctx, &c))
		if s.client != 0 {
			c.State, c.ClientUserID, c.TypedName, c.Address, c.AnsweredAt = domain.ConsentGiven, s.client, s.clientName, "198.51.100.23", s.answered
			if s.declined {
				c.State = domain.ConsentDeclined
			}
			ok, err := l.tx.AnswerConsent(l.ctx, c)
			l.do(err)
			if err == nil && !ok {
				l.do(fmt.Errorf("demo: consent %d was not pending", c.ID))
			}
		}
		if s.stale != "" {
			_, err := l.tx.MarkConsentStale(l.ctx, c.ID, s.stale, at(-3, 12))
			l.do(err)
		}
	}
}

// engagementOf finds the demo engagement of a vendor on a matter.
func (l *loader) engagementOf(vendor, matter string) (domain.Engagement, domain.Matter, error) {
	es, err := l.tx.ListEngagements(l.ctx, store.Scope{All: true}, store.EngagementFilter{VendorID: l.vendors[vendor], Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		return domain.Engagement{}, domain.Matter{}, err
	}
	for _, e := range es {
		if strings.EqualFold(e.MatterNumber, matter) {
			m, err := l.tx.Matter(l.ctx, store.Scope{All: true}, e.MatterID)
			return e.Engagement, m, err
		}
	}
	return domain.Engagement{}, domain.Matter{}, fmt.Errorf("demo: no %s engagement on %s", vendor, matter)
}

// matterByNumber finds a demo matter by its number.
func (l *loader) matterByNumber(number string) (int64, error) {
	ms, err := l.tx.ListMatters(l.ctx, store.Scope{All: true}, store.MatterFilter{Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		return 0, err
	}
	for _, m := range ms {
		if m.Number == number {
			return m.ID, nil
		}
	}
	return 0, fmt.Errorf("demo: no matter %s", number)
}
