package demo

import (
	"fmt"
	"time"

	"github.com/probity/probity/internal/conflicts"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// disclosure is one demo conflict disclosure: the vendor key, what it
// discloses, and the person it concerns (for an affiliation).
type disclosure struct {
	vendor  string
	kind    domain.DisclosureKind
	name    string
	details string
	person  string // email, for an affiliation
	ago     int    // days before today
}

var disclosures = []disclosure{
	{"lexora", domain.DisclosureClient, "Sahyadri Agro Exports Pvt. Ltd.", "Contract abstraction of its export agreements, 2025 to date", "", 210},
	{"lexora", domain.DisclosureClient, "Konkan Coastal Bank Ltd", "KYC and account-opening document review", "", 180},
	{"lexora", domain.DisclosureAdverse, "Deccan Textile Mills Ltd", "Document review for Mehra & Co., the claimant's counsel, in a Mumbai arbitration against Deccan", "", 150},
	{"lexora", domain.DisclosureAffiliation, "Nair & Mehta Advocates", "Rohan Kulkarni's sister is a partner of the firm", "rohan.kulkarni@lexora.example", 150},
	{"meridian", domain.DisclosureClient, "Tide Water Logistics Holding Ltd", "Freight-contract e-discovery for the group's UK subsidiary, since 2024", "", 30},
	{"meridian", domain.DisclosureClient, "Harrow & Finch Shipping plc", "Disclosure review in a Commercial Court claim", "", 30},
	{"meridian", domain.DisclosureAdverse, "Northgate Rail Freight Ltd", "Acting for Pemberton Logistics against Northgate, instructed by Carver Lane LLP", "", 30},
	{"meridian", domain.DisclosureAffiliation, "Kestrel Data Forensics LLP", "Oliver Bennett was a partner there until 2023", "oliver.bennett@meridiandiscovery.example", 30},
	{"keystone", domain.DisclosureClient, "Greenfield Municipal Credit Union", "Loan-file review for Greenfield's 2023 internal audit", "", 400},
	{"keystone", domain.DisclosureClient, "Liberty Row Savings Bank", "Mortgage-file review", "", 400},
}

// vendorManagers disclose for their vendors.
var vendorManagers = map[string]string{"lexora": "anika.deshmukh@lexora.example", "meridian": "oliver.bennett@meridiandiscovery.example",
	"keystone": "thomas.walsh@keystonereview.example", "bayanihan": "maria.santos@bayanihan.example"}

// conflictChecks gives the vendors their conflict disclosures and records
// the check of every vendor working on a matter, as Probity runs it: each
// party name and alias against each disclosure, hits at the threshold. So
// Meridian's client "Tide Water Logistics Holding Ltd" stands as an open hit
// against Tidewater on Calloway v. Tidewater, waiting for an attorney;
// Keystone's earlier work for Greenfield itself was cleared by Priya Raman;
// Lexora's disclosures match nothing.
func (l *loader) conflictChecks(day func(int) domain.Date, greenfield int64) {
	if l.err != nil {
		return
	}
	at := func(offset, hour int) time.Time { return day(offset).Time().Add(time.Duration(hour) * time.Hour) }
	for _, d := range disclosures {
		x := domain.Disclosure{VendorID: l.vendors[d.vendor], Name: d.name, Kind: d.kind, Details: d.details,
			UserID: l.users[d.person], CreatedBy: l.users[vendorManagers[d.vendor]]}
		l.check(x.Validate())
		if l.err == nil {
			l.do(l.tx.AddDisclosure(l.ctx, &x, at(-d.ago, 11)))
		}
	}
	// When each vendor was last checked: on proposal, or when its
	// disclosures last changed.
	checked := map[int64]time.Time{l.vendors["meridian"]: at(-2, 15), l.vendors["keystone"]: at(-58, 10),
		l.vendors["lexora"]: at(-99, 9), l.vendors["bayanihan"]: at(-45, 16)}
	es, err := l.tx.ListEngagements(l.ctx, store.Scope{All: true}, store.EngagementFilter{Page: store.Page{Limit: store.MaxPageSize}})
	l.do(err)
	done := map[[2]int64]bool{}
	for _, e := range es {
		pair := [2]int64{e.MatterID, e.VendorID}
		if l.err != nil || e.Stage == domain.StageClosed || done[pair] {
			continue
		}
		done[pair] = true
		when := checked[e.VendorID]
		in, err := l.tx.ConflictInputs(l.ctx, e.MatterID, e.VendorID)
		l.do(err)
		for _, h := range demoHits(in) {
			h.MatterID, h.VendorID = e.MatterID, e.VendorID
			l.do(l.tx.InsertConflictHit(l.ctx, &h, when))
		}
		l.do(l.tx.SetConflictCheck(l.ctx, e.MatterID, e.VendorID, when, in.Digest))
	}
	if l.err != nil {
		return
	}
	// Priya cleared Keystone's hits on the Greenfield review the day after.
	hits, err := l.tx.ConflictHits(l.ctx, greenfield, l.vendors["keystone"], false)
	l.do(err)
	for _, h := range hits {
		l.do(l.tx.ResolveConflictHit(l.ctx, h.ID, domain.Resolution{Status: domain.HitCleared,
			Reason: "Keystone's earlier work was for Greenfield itself, our own client, on the same side (its 2023 internal audit); no adverse interest. Confirmed with Thomas Walsh."},
			l.users["priya.raman@hartwellcrane.example"], at(-57, 14)))
	}
}

// demoHits compares every party name and alias with every disclosure, as
// the application's check does (a demo test proves they agree).
func demoHits(in store.ConflictInputs) []domain.ConflictHit {
	if len(in.Disclosures) == 0 {
		return nil
	}
	type partyName struct {
		p    domain.Party
		name string
	}
	var names []partyName
	var qs []string
	for _, p := range in.Parties {
		for _, n := range append([]string{p.Name}, p.Aliases...) {
			names = append(names, partyName{p, n})
			qs = append(qs, n)
		}
	}
	byID := map[int64]domain.Disclosure{}
	ds := make([]conflicts.Party, 0, len(in.Disclosures))
	for _, d := range in.Disclosures {
		byID[d.ID] = d
		ds = append(ds, conflicts.Party{ID: d.ID, Name: d.Name})
	}
	seen := map[string]bool{}
	var out []domain.ConflictHit
	for _, m := range conflicts.NewIndex(ds).Check(qs, domain.ConflictThreshold) {
		n, d := names[m.AID], byID[m.BID]
		if key := fmt.Sprint(d.ID, "\x00", n.name); !seen[key] {
			seen[key] = true
			out = append(out, domain.ConflictHit{PartyID: n.p.ID, PartyName: n.name, PartyLabel: n.p.Name, PartyRole: n.p.Role,
				DisclosureID: d.ID, DisclosedName: d.Name, DisclosureKind: d.Kind, Score: m.Score, Reasons: m.Reasons})
		}
	}
	return out
}
