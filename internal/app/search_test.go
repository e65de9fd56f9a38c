package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/testenv"
)

const (
	emVictor = "victor.lin@ardentbio.example"
	canary   = "Zephyrquill"
)

// searchFixture plants one rare word in places each role may or may not
// see: the screened, highly confidential Ardent matter (its title and a
// party alias), a document and a message on Calloway's Lexora engagement,
// and a message on Greenfield's Bayanihan engagement.
type searchFixture struct {
	*docFixture
	ardent     int64
	doc        int64 // the engagement document on Calloway/Lexora
	msgActive  int64 // the thread on Calloway/Lexora
	msgComm    int64 // the thread on Greenfield/Bayanihan
	commThread bool  // whether the communication-stage engagement took a message
}

func newSearchFixture(t *testing.T, e testenv.Engine) *searchFixture {
	t.Helper()
	f := &searchFixture{docFixture: newDocFixture(t, e)}
	db := f.a.Store.DB()
	if err := db.QueryRow(`SELECT id FROM matters WHERE number = $1`, ardentNo).Scan(&f.ardent); err != nil {
		t.Fatal(err)
	}
	// Straight into the tables: Ardent's parties and title are not what is under test.
	if _, err := db.Exec(`UPDATE matters SET title = $1 WHERE id = $2`, "Ardent BioSciences v. Solace Pharma ("+canary+" patent)", f.ardent); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO party_aliases (party_id, alias) SELECT MIN(id), $1 FROM parties WHERE matter_id = $2`, canary+" Holdings", f.ardent); err != nil {
		t.Fatal(err)
	}
	f.doc = f.upload(t, emMarcus, strings.ToLower(canary)+"-privilege-log.csv", "Logs", []byte("doc,tag\n1,PRIV\n")).ID
	v, err := f.a.PostMessage(f.ctx, f.people[emMarcus], f.active, app.Post{Subject: "Privilege calls", Body: "Please escalate anything mentioning the " + canary + " assay to me."})
	if err != nil {
		t.Fatal(err)
	}
	f.msgActive = v.Thread.ID
	if v, err := f.a.PostMessage(f.ctx, f.people[emMarcus], f.comm, app.Post{Subject: "Kickoff about " + strings.ToUpper(canary), Body: "Agenda to follow."}); err == nil {
		f.msgComm, f.commThread = v.Thread.ID, true
	}
	return f
}

func hitsOf(r app.SearchResults, k app.SearchKind) (app.SearchGroup, bool) {
	for _, g := range r.Groups {
		if g.Kind == k {
			return g, true
		}
	}
	return app.SearchGroup{}, false
}

func TestSearchShowsOnlyWhatEachRoleMaySee(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newSearchFixture(t, e)
		if !f.commThread {
			t.Fatal("the communication-stage engagement should take a message")
		}
		for _, email := range []string{emEleanor, emMarcus, emPriya, emDaniel, emRosa, emAnika, emRohan, emMeera, emMaria, emThom, emHelen, emSam, emVictor} {
			u := f.people[email]
			if u.ID == 0 {
				t.Fatalf("no demo user %s", email)
			}
			t.Run(email, func(t *testing.T) {
				// The term in a different case: the search ignores case.
				r, err := f.a.Search(f.ctx, u, strings.ToUpper(canary), "")
				if err != nil {
					t.Fatal(err)
				}
				// Matters and parties: Ardent only for those whose scope holds it.
				_, seeErr := f.a.Matter(f.ctx, u, f.ardent)
				seesArdent := seeErr == nil
				if email == emPriya && seesArdent {
					t.Fatal("Priya is screened from Ardent")
				}
				g, _ := hitsOf(r, app.SearchMatters)
				if want := b2i(seesArdent); g.Total != want || len(g.Hits) != want {
					t.Fatalf("matters: %d (%d shown), want %d", g.Total, len(g.Hits), want)
				}
				if seesArdent && (g.Hits[0].MatterID != f.ardent || !strings.EqualFold(g.Hits[0].Snippet.Match, canary) || g.Hits[0].Snippet.Match != canary) {
					t.Fatalf("matter hit: %+v", g.Hits[0])
				}
				g, ok := hitsOf(r, app.SearchPartyNames)
				if ok != u.Role.IsFirm() {
					t.Fatalf("parties group shown: %v for %s", ok, u.Role)
				}
				if ok && g.Total != b2i(seesArdent) {
					t.Fatalf("parties: %d, want %d", g.Total, b2i(seesArdent))
				}
				// Documents: the Calloway file only for those who may open the engagement's documents.
				_, docErr := f.a.EngagementDocuments(f.ctx, u, f.active)
				g, _ = hitsOf(r, app.SearchDocuments)
				if g.Total != b2i(docErr == nil) || len(g.Hits) != g.Total {
					t.Fatalf("documents: %+v, want %d (%v)", g, b2i(docErr == nil), docErr)
				}
				if docErr == nil && (g.Hits[0].ID != f.doc || g.Hits[0].EngagementID != f.active) {
					t.Fatalf("document hit: %+v", g.Hits[0])
				}
				// Messages: each thread only for those who may read it.
				g, ok = hitsOf(r, app.SearchMessages)
				if ok != app.Can(u, app.WorkOnEngagements) {
					t.Fatalf("messages group shown: %v", ok)
				}
				want := map[int64]bool{}
				if _, err := f.a.EngagementThread(f.ctx, u, f.active, f.msgActive); err == nil {
					want[f.msgActive] = true
				}
				if _, err := f.a.EngagementThread(f.ctx, u, f.comm, f.msgComm); err == nil {
					want[f.msgComm] = true
				}
				if g.Total != len(want) || len(g.Hits) != len(want) {
					t.Fatalf("messages: %d (%d shown), want %v", g.Total, len(g.Hits), want)
				}
				for _, h := range g.Hits {
					if !want[h.ThreadID] {
						t.Fatalf("message hit in thread %d not readable by %s", h.ThreadID, email)
					}
				}
				if r.Gated != 0 {
					t.Fatalf("gated %d with a second factor", r.Gated)
				}
				// The same term, any way it is searched, never leaks through counts.
				total := 0
				for _, g := range r.Groups {
					total += g.Total
				}
				if total != r.Total {
					t.Fatalf("total %d, groups add to %d", r.Total, total)
				}
			})
		}
		// Role by role, what must hold whatever the demo's gates say.
		expect := func(email string, k app.SearchKind, want int) {
			t.Helper()
			r, err := f.a.Search(f.ctx, f.people[email], canary, k)
			if err != nil {
				t.Fatalf("%s %s: %v", email, k, err)
			}
			if g, _ := hitsOf(r, k); g.Total != want {
				t.Fatalf("%s %s: %d, want %d", email, k, g.Total, want)
			}
		}
		expect(emEleanor, app.SearchMatters, 1)
		expect(emPriya, app.SearchMatters, 0)
		expect(emPriya, app.SearchPartyNames, 0)
		expect(emMarcus, app.SearchPartyNames, 1)
		expect(emAnika, app.SearchDocuments, 1) // acknowledged the briefing
		expect(emMeera, app.SearchDocuments, 0) // has not
		expect(emAnika, app.SearchMatters, 0)   // Ardent is not Lexora's
		expect(emHelen, app.SearchMatters, 0)   // nor Calloway's
		expect(emHelen, app.SearchDocuments, 0) // nothing released, and no engagement files for clients
		expect(emMaria, app.SearchDocuments, 0) // Calloway's file is Lexora's engagement
		expect(emVictor, app.SearchMatters, 1)  // Ardent's own contact
	})
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestSearchTermsAndWildcards(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		a, p, _ := demoApp(t, e)
		ctx := app.WithMeta(context.Background(), app.Meta{MFA: true})
		marcus := p[emMarcus]
		for _, q := range []string{"", "   ", "a", " é ", strings.Repeat("x", 201)} {
			_, err := a.Search(ctx, marcus, q, "")
			if domain.ErrorCode(err) != domain.EInvalid || !strings.Contains(fmt.Sprint(err), "q") {
				t.Fatalf("%q: %v, want invalid", q, err)
			}
		}
		if _, err := a.Search(ctx, marcus, "Calloway", "nonsense"); domain.ErrorCode(err) != domain.EInvalid {
			t.Fatalf("unknown kind: %v", err)
		}
		if _, err := a.Search(ctx, p[emHelen], "Calloway", app.SearchPartyNames); domain.ErrorCode(err) != domain.EInvalid {
			t.Fatalf("a client asking for parties: %v", err)
		}
		// LIKE wildcards are literal: "%%" and "__" match nothing in the demo, "\" too.
		for _, q := range []string{"%%", "__", `\\`, `%_`} {
			r, err := a.Search(ctx, marcus, q, "")
			if err != nil || r.Total != 0 {
				t.Fatalf("%q: %d results, %v", q, r.Total, err)
			}
		}
		// A literal underscore or percent sign is found where it is written.
		db := a.Store.DB()
		if _, err := db.Exec(`UPDATE matters SET title = title || ' (100% of_claims)' WHERE number = $1`, callNo); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"100%", "of_c", "0% OF_"} {
			r, err := a.Search(ctx, marcus, q, app.SearchMatters)
			if err != nil || r.Total != 1 || r.Groups[0].Hits[0].Snippet.Match == "" {
				t.Fatalf("%q: %+v %v", q, r, err)
			}
		}
		// Counts and "more": one group asked alone shows more than the default.
		r, err := a.Search(ctx, marcus, "20", app.SearchMatters)
		if err != nil || len(r.Groups) != 1 {
			t.Fatalf("%+v %v", r, err)
		}
		all, err := a.Search(ctx, marcus, "20", "")
		if err != nil {
			t.Fatal(err)
		}
		g, _ := hitsOf(all, app.SearchMatters)
		if g.Total != r.Groups[0].Total || len(g.Hits) > app.SearchGroupHits || g.More != (g.Total > len(g.Hits)) {
			t.Fatalf("grouped %+v alone %+v", g, r.Groups[0])
		}
	})
}

func TestSearchWithholdsHighlyConfidentialWithoutSecondFactor(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		a, p, _ := demoApp(t, e)
		eleanor := p[emEleanor]
		if err := a.SetMFAPolicy(context.Background(), eleanor, domain.MFAPolicy{HighlyConfidential: true}); err != nil {
			t.Skipf("cannot set the policy here: %v", err)
		}
		without := app.WithMeta(context.Background(), app.Meta{})
		with := app.WithMeta(context.Background(), app.Meta{MFA: true})
		r, err := a.Search(without, p[emMarcus], "Solace", "")
		if err != nil {
			t.Fatal(err)
		}
		if r.Gated == 0 || r.Total != 0 {
			t.Fatalf("without a second factor: total %d gated %d", r.Total, r.Gated)
		}
		for _, g := range r.Groups {
			if len(g.Hits) != 0 {
				t.Fatalf("%s shown: %+v", g.Kind, g.Hits)
			}
		}
		r2, err := a.Search(with, p[emMarcus], "Solace", "")
		if err != nil || r2.Gated != 0 || r2.Total != r.Gated {
			t.Fatalf("with a second factor: total %d gated %d (was gated %d) %v", r2.Total, r2.Gated, r.Gated, err)
		}
		// A screened attorney gets neither results nor a gated count.
		r3, err := a.Search(without, p[emPriya], "Solace", "")
		if err != nil || r3.Gated != 0 || r3.Total != 0 {
			t.Fatalf("Priya: total %d gated %d %v", r3.Total, r3.Gated, err)
		}
	})
}
