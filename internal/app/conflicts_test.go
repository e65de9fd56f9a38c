package app_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// conflictWorld is the demo firm with the people and engagements the
// conflict tests use.
type conflictWorld struct {
	a                                            *app.App
	marcus, priya, daniel, eleanor               domain.User
	anika, rohan, oliver, helen                  domain.User
	calloway, ardent                             int64 // matters
	lexora, meridian                             int64 // vendors
	lexoraOnCalloway, meridianOnCalloway, bayArd int64 // engagements
}

func newConflictWorld(t *testing.T, e testenv.Engine) *conflictWorld {
	t.Helper()
	a, p, m := demoApp(t, e)
	w := &conflictWorld{a: a, marcus: p["marcus.oyelaran@hartwellcrane.example"], priya: p["priya.raman@hartwellcrane.example"],
		daniel: p["daniel.brooks@hartwellcrane.example"], eleanor: p["eleanor.hartwell@hartwellcrane.example"],
		anika: p["anika.deshmukh@lexora.example"], rohan: p["rohan.kulkarni@lexora.example"], oliver: p["oliver.bennett@meridiandiscovery.example"],
		helen: p["helen.calloway@callowayfreight.example"], calloway: m["2026-0142"], ardent: m["2026-0177"]}
	w.lexora, w.meridian = w.anika.VendorID, w.oliver.VendorID
	es, err := a.Engagements(context.Background(), app.Operator, store.EngagementFilter{Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range es {
		switch {
		case x.MatterID == w.calloway && x.VendorID == w.lexora && w.lexoraOnCalloway == 0: // the first: the document review
			w.lexoraOnCalloway = x.ID
		case x.MatterID == w.calloway && x.VendorID == w.meridian:
			w.meridianOnCalloway = x.ID
		case x.MatterID == w.ardent:
			w.bayArd = x.ID
		}
	}
	if w.lexoraOnCalloway == 0 || w.meridianOnCalloway == 0 || w.bayArd == 0 {
		t.Fatalf("demo engagements missing: %+v", w)
	}
	return w
}

// mfa is a context whose session passed a second factor.
func mfa() context.Context {
	return app.WithMeta(context.Background(), app.Meta{Address: "198.51.100.7", RequestID: "conflicts-test", MFA: true})
}

func (w *conflictWorld) hits(t *testing.T, engagementID int64) app.ConflictsView {
	t.Helper()
	v, err := w.a.EngagementConflicts(mfa(), w.marcus, engagementID)
	if err != nil {
		t.Fatalf("conflicts of engagement %d: %v", engagementID, err)
	}
	return v
}

// hitFor finds the standing hit of a pair of names.
func hitFor(v app.ConflictsView, party, disclosed string) (domain.ConflictHit, bool) {
	for _, h := range v.Hits {
		if h.PartyName == party && h.DisclosedName == disclosed {
			return h, true
		}
	}
	return domain.ConflictHit{}, false
}

func partyNamed(t *testing.T, a *app.App, actor domain.User, matterID int64, name string) domain.Party {
	t.Helper()
	v, err := a.Matter(mfa(), actor, matterID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range v.Parties {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no party %s on matter %d", name, matterID)
	return domain.Party{}
}

func TestConflictDemoStory(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		w := newConflictWorld(t, e)
		v := w.hits(t, w.meridianOnCalloway)
		h, ok := hitFor(v, "Tidewater Logistics Holdings", "Tide Water Logistics Holding Ltd")
		if !ok || h.Status != domain.HitOpen || h.Score < app.ConflictThreshold || len(h.Reasons) == 0 {
			t.Fatalf("Meridian's open hit on Calloway: %+v (found %v) in %+v", h, ok, v.Hits)
		}
		if v.Open == 0 || v.Due {
			t.Fatalf("Meridian on Calloway: open %d, due %v; want open hits and a check up to date", v.Open, v.Due)
		}
		if lv := w.hits(t, w.lexoraOnCalloway); len(lv.Hits) != 0 || lv.Due {
			t.Fatalf("Lexora's disclosures match nothing in the story: %+v", lv)
		}
		// The demo's recorded checks agree with the application's: checking
		// again finds nothing new and retires nothing.
		es, err := w.a.Engagements(mfa(), app.Operator, store.EngagementFilter{Page: store.Page{Limit: store.MaxPageSize}})
		if err != nil {
			t.Fatal(err)
		}
		cleared := 0
		for _, x := range es {
			if x.Stage == domain.StageClosed {
				continue
			}
			before, err := w.a.EngagementConflicts(mfa(), w.eleanor, x.ID)
			if err != nil {
				t.Fatal(err)
			}
			if before.Due {
				t.Errorf("engagement %d: the demo left its check out of date", x.ID)
			}
			after, err := w.a.CheckEngagementConflicts(mfa(), w.eleanor, x.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(after.Hits) != len(before.Hits) || len(after.Obsolete) != len(before.Obsolete) {
				t.Errorf("engagement %d: the demo's hits %d/%d differ from a fresh check's %d/%d", x.ID, len(before.Hits), len(before.Obsolete), len(after.Hits), len(after.Obsolete))
			}
			for _, h := range after.Hits {
				if h.Status == domain.HitCleared && h.Resolution != "" {
					cleared++
				}
			}
		}
		if cleared == 0 {
			t.Error("the demo has no cleared hit with a reason")
		}
	})
}

func TestConflictCheckFindsVariantsWithReasons(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		w := newConflictWorld(t, e)
		ctx := mfa()
		before := len(w.hits(t, w.lexoraOnCalloway).Hits)
		// An unrelated name: no hit.
		if _, err := w.a.AddDisclosure(ctx, w.anika, w.lexora, domain.Disclosure{Name: "Quintessa Marine Ltd", Kind: domain.DisclosureClient}); err != nil {
			t.Fatal(err)
		}
		if got := len(w.hits(t, w.lexoraOnCalloway).Hits); got != before {
			t.Fatalf("an unrelated disclosure made %d hits", got-before)
		}
		// A variant of a party on a matter Lexora works on: a hit, found in
		// the transaction of the disclosure, with its reasons.
		d, err := w.a.AddDisclosure(ctx, w.anika, w.lexora, domain.Disclosure{Name: "BRIGHTWATER INSURANCE CO.", Kind: domain.DisclosureAdverse,
			Details: "Acting against Brightwater for another firm"})
		if err != nil {
			t.Fatal(err)
		}
		v := w.hits(t, w.lexoraOnCalloway)
		h, ok := hitFor(v, "Brightwater Insurance Company", "BRIGHTWATER INSURANCE CO.")
		if !ok {
			t.Fatalf("no hit for the variant; hits %+v", v.Hits)
		}
		if h.Status != domain.HitOpen || h.DisclosureID != d.ID || h.DisclosureKind != domain.DisclosureAdverse || h.PartyRole != domain.PartyThirdParty || h.Score < app.ConflictThreshold {
			t.Fatalf("hit %+v", h)
		}
		if len(h.Reasons) == 0 || !slices.ContainsFunc(h.Reasons, func(r string) bool { return strings.Contains(strings.ToLower(r), "legal form") }) {
			t.Fatalf("hit reasons %q do not say the legal forms differ", h.Reasons)
		}
		if v.Open != 1 || v.Due {
			t.Fatalf("open %d, due %v", v.Open, v.Due)
		}
		// The vendor is never told: the use case returns only its disclosure,
		// and the audit trail (firm-only) records the check.
		if n := auditCount(t, w.a, "vendor.disclosure_add", 0); n != 2 {
			t.Fatalf("%d disclosure events, want 2", n)
		}
		evs, err := w.a.AuditEvents(ctx, app.Operator, store.AuditFilter{Action: "vendor.disclosure_add", Limit: 10})
		if err != nil || len(evs) == 0 || !strings.Contains(evs[0].Summary, "1 new hit") {
			t.Fatalf("audit of the disclosure: %+v, %v", evs, err)
		}
	})
}

func TestConflictRecheckOnAliasAndResolutionSurvives(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		w := newConflictWorld(t, e)
		ctx := mfa()
		tidewater := partyNamed(t, w.a, w.marcus, w.calloway, "Tidewater Logistics LLC")

		// Resolve the demo's open hit.
		v := w.hits(t, w.meridianOnCalloway)
		h, ok := hitFor(v, "Tidewater Logistics Holdings", "Tide Water Logistics Holding Ltd")
		if !ok {
			t.Fatal("no demo hit")
		}
		res := domain.Resolution{Status: domain.HitCleared, Reason: "Tide Water Logistics Holding Ltd is a UK company unrelated to Tidewater (Companies House)"}
		if _, err := w.a.ResolveConflictHit(ctx, w.marcus, h.ID, res); err != nil {
			t.Fatal(err)
		}

		// An alias matching Meridian's disclosed adverse party: a new hit,
		// there as soon as the alias is.
		if err := w.a.AddAlias(ctx, w.marcus, tidewater.ID, "Northgate Rail Freight Limited"); err != nil {
			t.Fatal(err)
		}
		v = w.hits(t, w.meridianOnCalloway)
		n, ok := hitFor(v, "Northgate Rail Freight Limited", "Northgate Rail Freight Ltd")
		if !ok || n.Status != domain.HitOpen || n.PartyID != tidewater.ID || n.PartyLabel != "Tidewater Logistics LLC" {
			t.Fatalf("no open hit for the new alias: %+v (%v) in %+v", n, ok, v.Hits)
		}
		if v.Due {
			t.Fatal("the recheck did not record itself")
		}
		// The same pair, unchanged through that recheck and a "Check now",
		// keeps its resolution.
		if _, err := w.a.CheckEngagementConflicts(ctx, w.marcus, w.meridianOnCalloway); err != nil {
			t.Fatal(err)
		}
		v = w.hits(t, w.meridianOnCalloway)
		kept, ok := hitFor(v, "Tidewater Logistics Holdings", "Tide Water Logistics Holding Ltd")
		if !ok || kept.ID != h.ID || kept.Status != domain.HitCleared || kept.Resolution != res.Reason || kept.ResolvedBy != w.marcus.ID {
			t.Fatalf("the resolution did not survive the rechecks: %+v", kept)
		}
		// A refused change rechecks nothing and leaves no trace.
		if err := w.a.AddAlias(ctx, w.marcus, tidewater.ID, "northgate rail freight limited"); domain.ErrorCode(err) != domain.EConflict {
			t.Fatalf("a repeated alias: %v", err)
		}
		// Removing the alias retires its hit (kept for the record, obsolete).
		if err := w.a.RemoveAlias(ctx, w.marcus, tidewater.ID, "Tidewater Logistics Holdings"); err != nil {
			t.Fatal(err)
		}
		v = w.hits(t, w.meridianOnCalloway)
		if _, ok := hitFor(v, "Tidewater Logistics Holdings", "Tide Water Logistics Holding Ltd"); ok {
			t.Fatal("the hit of a removed alias still stands")
		}
		var gone *domain.ConflictHit
		for i := range v.Obsolete {
			if v.Obsolete[i].ID == h.ID {
				gone = &v.Obsolete[i]
			}
		}
		if gone == nil || gone.Status != domain.HitCleared || gone.Current() {
			t.Fatalf("the retired hit is not kept as obsolete with its resolution: %+v", v.Obsolete)
		}
		if _, err := w.a.ResolveConflictHit(ctx, w.marcus, h.ID, res); domain.ErrorCode(err) != domain.EConflict {
			t.Fatalf("resolving an obsolete hit: %v", err)
		}
		// The very same pair matching again stands again, with its resolution.
		if err := w.a.AddAlias(ctx, w.marcus, tidewater.ID, "Tidewater Logistics Holdings"); err != nil {
			t.Fatal(err)
		}
		back, ok := hitFor(w.hits(t, w.meridianOnCalloway), "Tidewater Logistics Holdings", "Tide Water Logistics Holding Ltd")
		if !ok || back.ID != h.ID || back.Status != domain.HitCleared {
			t.Fatalf("the pair back again: %+v (%v)", back, ok)
		}
		// Removing the party retires all its hits.
		if err := w.a.RemoveParty(ctx, w.marcus, tidewater.ID, "   "); domain.ErrorCode(err) != domain.EInvalid {
			t.Fatalf("removing a party without a reason: %v", err)
		}
		if err := w.a.RemoveParty(ctx, w.marcus, tidewater.ID, "Entered twice; the adverse party is recorded under its parent"); err != nil {
			t.Fatal(err)
		}
		for _, x := range w.hits(t, w.meridianOnCalloway).Hits {
			if x.PartyID == tidewater.ID {
				t.Fatalf("a hit of the removed party still stands: %+v", x)
			}
		}
		if n := auditCount(t, w.a, "conflict.resolve", w.calloway); n != 1 {
			t.Fatalf("%d resolution events, want 1", n)
		}
	})
}

func TestResolvingConflictHits(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		w := newConflictWorld(t, e)
		ctx := mfa()
		v := w.hits(t, w.meridianOnCalloway)
		if len(v.Hits) == 0 {
			t.Fatal("no demo hits")
		}
		h := v.Hits[0]
		today := domain.DateOf(w.a.Now())
		tomorrow := domain.DateOf(w.a.Now().AddDate(0, 0, 1))
		consent := domain.ConsentRecord{By: "Helen Calloway, General Counsel", On: today, Evidence: "Signed consent letter, filed in the matter"}
		before := auditCount(t, w.a, "conflict.resolve", w.calloway)
		for _, c := range []struct {
			name  string
			actor domain.User
			res   domain.Resolution
			code  string
			field string
		}{
			{"by a vendor manager", w.oliver, domain.Resolution{Status: domain.HitCleared, Reason: "x"}, domain.ENotFound, ""},
			{"by the client's contact", w.helen, domain.Resolution{Status: domain.HitWaived, Reason: "x", Consent: consent}, domain.ENotFound, ""},
			{"by staff", w.daniel, domain.Resolution{Status: domain.HitCleared, Reason: "x"}, domain.EForbidden, ""},
			{"no status", w.marcus, domain.Resolution{Reason: "x"}, domain.EInvalid, "status"},
			{"reopening", w.marcus, domain.Resolution{Status: domain.HitOpen, Reason: "x"}, domain.EInvalid, "status"},
			{"no reason", w.marcus, domain.Resolution{Status: domain.HitBlocked, Reason: " "}, domain.EInvalid, "reason"},
			{"a waiver without consent", w.marcus, domain.Resolution{Status: domain.HitWaived, Reason: "x"}, domain.EInvalid, "consent_by"},
			{"consent dated tomorrow", w.marcus, domain.Resolution{Status: domain.HitWaived, Reason: "x", Consent: domain.ConsentRecord{By: "Helen", On: tomorrow, Evidence: "letter"}}, domain.EInvalid, "consent_on"},
			{"consent without evidence", w.marcus, domain.Resolution{Status: domain.HitWaived, Reason: "x", Consent: domain.ConsentRecord{By: "Helen", On: today}}, domain.EInvalid, "consent_evidence"},
		} {
			_, err := w.a.ResolveConflictHit(ctx, c.actor, h.ID, c.res)
			if domain.ErrorCode(err) != c.code || domain.ErrorField(err) != c.field {
				t.Errorf("%s: %v, want %s on %q", c.name, err, c.code, c.field)
			}
		}
		if got := auditCount(t, w.a, "conflict.resolve", w.calloway); got != before {
			t.Fatalf("refused resolutions wrote %d audit events", got-before)
		}
		got, err := w.a.ResolveConflictHit(ctx, w.eleanor, h.ID, domain.Resolution{Status: domain.HitWaived, Reason: "Informed consent after full disclosure", Consent: consent})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != domain.HitWaived || got.Consent != consent || got.ResolvedBy != w.eleanor.ID || got.ResolvedAt.IsZero() {
			t.Fatalf("waived hit %+v", got)
		}
		evs, err := w.a.AuditEvents(ctx, app.Operator, store.AuditFilter{Action: "conflict.resolve", MatterID: w.calloway, Limit: 5})
		if err != nil || len(evs) == 0 {
			t.Fatal(err)
		}
		s := evs[0].Summary
		for _, want := range []string{h.PartyName, h.DisclosedName, "waived", "%", "Helen Calloway", "Signed consent letter"} {
			if !strings.Contains(s, want) {
				t.Errorf("audit summary %q does not say %q", s, want)
			}
		}
	})
}

func TestConflictsAreFirmOnly(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		w := newConflictWorld(t, e)
		ctx := mfa()
		for _, c := range []struct {
			name  string
			actor domain.User
			id    int64
		}{
			{"Meridian's own manager, on its own engagement", w.oliver, w.meridianOnCalloway},
			{"a Lexora reviewer on the Calloway engagement", w.rohan, w.lexoraOnCalloway},
			{"the client's contact", w.helen, w.meridianOnCalloway},
			{"Priya, screened from Ardent", w.priya, w.bayArd},
		} {
			if _, err := w.a.EngagementConflicts(ctx, c.actor, c.id); domain.ErrorCode(err) != domain.ENotFound {
				t.Errorf("%s read conflict hits: %v", c.name, err)
			}
			if _, err := w.a.CheckEngagementConflicts(ctx, c.actor, c.id); domain.ErrorCode(err) != domain.ENotFound {
				t.Errorf("%s ran a check: %v", c.name, err)
			}
		}
		if _, err := w.a.CheckEngagementConflicts(ctx, w.daniel, w.meridianOnCalloway); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("staff ran a check: %v", err)
		}
		if _, err := w.a.EngagementConflicts(ctx, w.daniel, w.meridianOnCalloway); err != nil {
			t.Errorf("staff cannot read hits: %v", err)
		}
		// A vendor's people never see the hits through the engagement either.
		ev, err := w.a.Engagement(ctx, w.oliver, w.meridianOnCalloway)
		if err != nil || ev.Conflicts != nil {
			t.Errorf("Meridian's manager's engagement view carries conflicts: %+v, %v", ev.Conflicts, err)
		}
		if ev, err := w.a.Engagement(ctx, w.marcus, w.meridianOnCalloway); err != nil || ev.Conflicts == nil || len(ev.Conflicts.Hits) == 0 {
			t.Errorf("the attorney's engagement view has no conflicts: %v", err)
		}

		// Disclosures: another vendor's are not found; the vendor's own
		// people read them; only its managers change them.
		if _, err := w.a.Disclosures(ctx, w.oliver, w.lexora); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("Meridian read Lexora's disclosures: %v", err)
		}
		if _, err := w.a.Disclosures(ctx, w.helen, w.lexora); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("a client contact read a vendor's disclosures: %v", err)
		}
		if _, err := w.a.AddDisclosure(ctx, w.oliver, w.lexora, domain.Disclosure{Name: "X Corp", Kind: domain.DisclosureClient}); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("Meridian added to Lexora's disclosures: %v", err)
		}
		if _, err := w.a.AddDisclosure(ctx, w.rohan, w.lexora, domain.Disclosure{Name: "X Corp", Kind: domain.DisclosureClient}); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("a Lexora reviewer added a disclosure: %v", err)
		}
		if _, err := w.a.AddDisclosure(ctx, w.marcus, w.lexora, domain.Disclosure{Name: "X Corp", Kind: domain.DisclosureClient}); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("an attorney added to a vendor's disclosures: %v", err)
		}
		own, err := w.a.Disclosures(ctx, w.rohan, w.lexora)
		if err != nil || len(own.Disclosures) == 0 || own.CanEdit {
			t.Errorf("Rohan's view of Lexora's disclosures: %+v, %v", own, err)
		}
		firm, err := w.a.Disclosures(ctx, w.daniel, w.meridian)
		if err != nil || len(firm.Disclosures) == 0 || firm.CanEdit {
			t.Errorf("Daniel's view of Meridian's disclosures: %+v, %v", firm, err)
		}
		if err := w.a.RemoveDisclosure(ctx, w.oliver, own.Disclosures[0].ID, "not ours"); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("Meridian removed a Lexora disclosure: %v", err)
		}
		mine, err := w.a.Disclosures(ctx, w.anika, w.lexora)
		if err != nil || !mine.CanEdit {
			t.Fatalf("Anika cannot edit Lexora's disclosures: %v", err)
		}

		// Parties: attorneys and administrators edit; staff may not; vendors
		// and clients do not find them.
		p := partyNamed(t, w.a, w.marcus, w.calloway, "Brightwater Insurance Company")
		if err := w.a.AddAlias(ctx, w.daniel, p.ID, "Brightwater"); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("staff added an alias: %v", err)
		}
		for _, u := range []domain.User{w.anika, w.helen} {
			if err := w.a.AddAlias(ctx, u, p.ID, "Brightwater"); domain.ErrorCode(err) != domain.ENotFound {
				t.Errorf("%s added an alias: %v", u.Name, err)
			}
			if _, err := w.a.AddParty(ctx, u, w.calloway, domain.Party{Name: "X", Role: domain.PartyWitness}); domain.ErrorCode(err) != domain.ENotFound {
				t.Errorf("%s added a party: %v", u.Name, err)
			}
		}
		solace := partyNamed(t, w.a, w.marcus, w.ardent, "Solace Pharmaceuticals, Inc.")
		if err := w.a.AddAlias(ctx, w.priya, solace.ID, "Solace"); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("Priya, screened, added an alias on Ardent: %v", err)
		}
	})
}

func TestPartySearchRespectsScreens(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		w := newConflictWorld(t, e)
		ctx := mfa()
		onArdent := func(s app.PartySearch) bool {
			return slices.ContainsFunc(s.Matches, func(m app.PartyMatch) bool { return m.MatterID == w.ardent })
		}
		marcus, err := w.a.SearchParties(ctx, w.marcus, "Solace Pharmaceuticals Inc")
		if err != nil {
			t.Fatal(err)
		}
		if !onArdent(marcus) {
			t.Fatalf("Marcus does not find Solace on Ardent: %+v", marcus)
		}
		for _, m := range marcus.Matches {
			if m.Score < app.ConflictThreshold || len(m.Reasons) == 0 || m.Name == "" {
				t.Errorf("match without score or reasons: %+v", m)
			}
		}
		priya, err := w.a.SearchParties(ctx, w.priya, "Solace Pharmaceuticals Inc")
		if err != nil {
			t.Fatal(err)
		}
		if onArdent(priya) || priya.Gated != 0 {
			t.Fatalf("Priya, screened from Ardent, learns of it: %+v", priya)
		}
		// Without a second factor, a highly confidential matter's match is
		// withheld and counted.
		plain, err := w.a.SearchParties(context.Background(), w.marcus, "Solace Pharmaceuticals Inc")
		if err != nil {
			t.Fatal(err)
		}
		if onArdent(plain) || plain.Gated == 0 {
			t.Fatalf("without a second factor: %+v", plain)
		}
		// Disclosures are found too, with the vendor named.
		d, err := w.a.SearchParties(ctx, w.daniel, "Tidewater Logistics Holdings")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(d.Matches, func(m app.PartyMatch) bool {
			return m.VendorID == w.meridian && m.Name == "Tide Water Logistics Holding Ltd"
		}) ||
			!slices.ContainsFunc(d.Matches, func(m app.PartyMatch) bool { return m.MatterID == w.calloway }) {
			t.Fatalf("Daniel's search: %+v", d.Matches)
		}
		// Vendors and clients may not search.
		for _, u := range []domain.User{w.oliver, w.helen} {
			if _, err := w.a.SearchParties(ctx, u, "Tidewater"); domain.ErrorCode(err) != domain.EForbidden {
				t.Errorf("%s searched parties: %v", u.Name, err)
			}
		}
		if _, err := w.a.SearchParties(ctx, w.marcus, "  "); domain.ErrorCode(err) != domain.EInvalid {
			t.Errorf("an empty search: %v", err)
		}
	})
}

func TestPartyIndexFollowsOtherAppServers(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		w := newConflictWorld(t, e)
		ctx := mfa()
		// A second app server on the same database.
		other := app.New(w.a.Store, testConfig(), slog.New(slog.NewTextHandler(io.Discard, nil)))
		other.Now = w.a.Now
		const name = "Zephyrine Maritime Holdings"
		first, err := w.a.SearchParties(ctx, w.marcus, name)
		if err != nil {
			t.Fatal(err)
		}
		if len(first.Matches) != 0 {
			t.Fatalf("found before it exists: %+v", first.Matches)
		}
		if _, err := other.AddParty(ctx, w.marcus, w.calloway, domain.Party{Name: "Zephyrine Maritime Holdings Ltd", Role: domain.PartyCoParty}); err != nil {
			t.Fatal(err)
		}
		after, err := w.a.SearchParties(ctx, w.marcus, name)
		if err != nil {
			t.Fatal(err)
		}
		if len(after.Matches) != 1 || after.Matches[0].MatterID != w.calloway || after.Names != first.Names+1 {
			t.Fatalf("the first server's index is stale: %d names then %d, matches %+v", first.Names, after.Names, after.Matches)
		}
		// And a disclosure through the first server reaches the second's index.
		if _, err := w.a.AddDisclosure(ctx, w.oliver, w.meridian, domain.Disclosure{Name: "Zephyrine Maritime Holdings Limited", Kind: domain.DisclosureClient}); err != nil {
			t.Fatal(err)
		}
		o, err := other.SearchParties(ctx, w.daniel, name)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(o.Matches, func(m app.PartyMatch) bool { return m.VendorID == w.meridian }) {
			t.Fatalf("the second server's index is stale: %+v", o.Matches)
		}
		// The new party on Calloway was checked against Meridian in the same
		// transaction as the disclosure.
		if _, ok := hitFor(w.hits(t, w.meridianOnCalloway), "Zephyrine Maritime Holdings Ltd", "Zephyrine Maritime Holdings Limited"); !ok {
			t.Fatal("no hit for the new disclosure")
		}
	})
}

func TestImportDisclosuresAllOrNothing(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		w := newConflictWorld(t, e)
		ctx := mfa()
		count := func() int {
			v, err := w.a.Disclosures(ctx, w.anika, w.lexora)
			if err != nil {
				t.Fatal(err)
			}
			return len(v.Disclosures)
		}
		n0 := count()
		events := auditCount(t, w.a, "vendor.disclosure_import", 0)
		text := "name,kind,details\n" +
			"Pune Metro Logistics Ltd\n" +
			"\"Brightwater Insurance Company, Inc.\",adverse_party,Other firm's matter\n" +
			"Lakeview Paper Mills,supplier\n" +
			"Pune Metro Logistics Ltd,client\n" +
			"Konkan Coastal Bank Ltd,client\n"
		_, err := w.a.ImportDisclosures(ctx, w.anika, w.lexora, app.DisclosureImport{Text: text, DefaultKind: domain.DisclosureClient})
		var ie *app.ImportError
		if !errors.As(err, &ie) || domain.ErrorCode(err) != domain.EInvalid {
			t.Fatalf("import with bad lines: %v", err)
		}
		lines := map[int]string{}
		for _, r := range ie.Rows {
			lines[r.Line] = r.Message
		}
		if len(lines) != 3 || !strings.Contains(lines[4], "supplier") || !strings.Contains(lines[5], "repeats line 2") || !strings.Contains(lines[6], "already disclosed") {
			t.Fatalf("row errors %+v", ie.Rows)
		}
		if got := count(); got != n0 {
			t.Fatalf("a refused import wrote %d disclosures", got-n0)
		}
		if got := auditCount(t, w.a, "vendor.disclosure_import", 0); got != events {
			t.Fatal("a refused import was audited")
		}
		if hits := w.hits(t, w.lexoraOnCalloway); len(hits.Hits) != 0 {
			t.Fatalf("a refused import left hits: %+v", hits.Hits)
		}
		// The corrected paste goes in whole, with its hit.
		good := "Pune Metro Logistics Ltd\n\"Brightwater Insurance Company, Inc.\",adverse_party,Other firm's matter\nLakeview Paper Mills,affiliation,Meera's father is a director\n"
		out, err := w.a.ImportDisclosures(ctx, w.anika, w.lexora, app.DisclosureImport{Text: good, DefaultKind: domain.DisclosureClient})
		if err != nil {
			t.Fatal(err)
		}
		if len(out) != 3 || count() != n0+3 || out[2].Kind != domain.DisclosureAffiliation || out[0].Kind != domain.DisclosureClient {
			t.Fatalf("imported %+v", out)
		}
		if _, ok := hitFor(w.hits(t, w.lexoraOnCalloway), "Brightwater Insurance Company", "Brightwater Insurance Company, Inc."); !ok {
			t.Fatal("the import was not checked against Lexora's matters")
		}
		// Structured rows are checked the same way.
		_, err = w.a.ImportDisclosures(ctx, w.anika, w.lexora, app.DisclosureImport{Rows: []domain.Disclosure{{Name: "Ok Name", Kind: domain.DisclosureClient}, {Name: "", Kind: domain.DisclosureClient}}})
		if !errors.As(err, &ie) || len(ie.Rows) != 1 || ie.Rows[0].Line != 2 || count() != n0+3 {
			t.Fatalf("rows with an empty name: %v", err)
		}
		if _, err := w.a.ImportDisclosures(ctx, w.oliver, w.lexora, app.DisclosureImport{Text: "Anything"}); domain.ErrorCode(err) != domain.ENotFound {
			t.Fatalf("another vendor imported: %v", err)
		}
	})
}
