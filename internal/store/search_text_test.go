package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// partiesFound is the names of the parties a firm-wide search for term finds.
func partiesFound(t *testing.T, s *store.Store, term string) []string {
	t.Helper()
	var names []string
	read(t, s, func(ctx context.Context, tx *store.Tx) error {
		rows, c, err := tx.SearchParties(ctx, store.SearchQuery{Scope: store.Scope{All: true}, Term: term, Limit: 50})
		for _, r := range rows {
			names = append(names, r.Name)
		}
		if err == nil && c.Total != len(rows) {
			t.Errorf("%q: counted %d, listed %d", term, c.Total, len(rows))
		}
		return err
	})
	slices.Sort(names)
	return names
}

func mattersFound(t *testing.T, s *store.Store, term string) int {
	t.Helper()
	var n int
	read(t, s, func(ctx context.Context, tx *store.Tx) error {
		_, c, err := tx.SearchMatters(ctx, store.SearchQuery{Scope: store.Scope{All: true}, Term: term})
		n = c.Total
		return err
	})
	return n
}

// TestSearchTextIndexFollowsWrites: the search's text index (SQLite's FTS5
// trigram tables, PostgreSQL's pg_trgm indexes) answers what the tables
// hold after every kind of write — a new party and alias, a renamed matter,
// an alias removed, a party deleted — matches any case of any script, and a
// term too short for a trigram is still found.
func TestSearchTextIndexFollowsWrites(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		c := mustCreateClient(t, s, "C-1", "Calloway")
		att := mustCreateUser(t, s, domain.User{Email: "att@example.com", Name: "Att", Role: domain.RoleAttorney})
		m := mustCreateMatter(t, s, domain.Matter{ClientID: c.ID, Number: "2026-0001", Title: "Calloway v. Tidewater", ResponsibleAttorneyID: att.ID})
		mill := domain.Party{MatterID: m.ID, Name: "Ölmühle Grünwald GmbH", Role: domain.PartyAdverse, Aliases: []string{"Grünwald Mill", "OGG"}}
		tide := domain.Party{MatterID: m.ID, Name: "Tidewater Logistics LLC", Role: domain.PartyThirdParty}
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.CreateParty(ctx, &mill); err != nil {
				return err
			}
			return tx.CreateParty(ctx, &tide)
		})

		for _, tc := range []struct {
			term string
			want []string
		}{
			{"ÖLMÜHLE", []string{mill.Name}},       // any case, beyond ASCII
			{"grünwald mill", []string{mill.Name}}, // an alias, across a space
			{"wald", []string{mill.Name}},          // inside a word
			{"logistics", []string{tide.Name}},
			{"ll", []string{mill.Name, tide.Name}}, // two characters: no trigram, still found (LLC; Grünwald Mill)
			{"Zephyr", nil},
			{`50%_\"`, nil}, // the pattern and phrase characters are literal
		} {
			slices.Sort(tc.want)
			if got := partiesFound(t, s, tc.term); !slices.Equal(got, tc.want) {
				t.Errorf("parties for %q: %v, want %v", tc.term, got, tc.want)
			}
		}

		// A new alias, then one removed; a renamed party; a renamed matter.
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.AddAlias(ctx, tide.ID, "Zephyr Freight"); err != nil {
				return err
			}
			return tx.RemoveAlias(ctx, mill.ID, "Grünwald Mill")
		})
		if got := partiesFound(t, s, "zephyr"); !slices.Equal(got, []string{tide.Name}) {
			t.Errorf("after adding an alias: %v", got)
		}
		if got := partiesFound(t, s, "wald mill"); got != nil {
			t.Errorf("a removed alias is still found: %v", got)
		}
		if got := partiesFound(t, s, "OGG"); !slices.Equal(got, []string{mill.Name}) {
			t.Errorf("the party's other alias is lost: %v", got)
		}
		if n := mattersFound(t, s, "tidewater"); n != 1 {
			t.Fatalf("matter by title: %d", n)
		}
		m.Title = "Calloway v. Seaboard"
		write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.UpdateMatter(ctx, m, t0) })
		if a, b := mattersFound(t, s, "tidewater"), mattersFound(t, s, "SEABOARD"); a != 0 || b != 1 {
			t.Errorf("after renaming the matter: old title found %d, new %d", a, b)
		}
		write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.DeleteParty(ctx, mill.ID) })
		if got := partiesFound(t, s, "ogg"); got != nil {
			t.Errorf("a deleted party's alias is still found: %v", got)
		}
		if got := partiesFound(t, s, "mühle"); got != nil {
			t.Errorf("a deleted party is still found: %v", got)
		}
	})
}

// TestSearchTextIndexIsUsed: a term of three characters or more is looked
// up in the engine's text index, not by reading every row of the table.
func TestSearchTextIndexIsUsed(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		db := s.DB()
		var plan []string
		if s.Engine() == "postgres" {
			tx, err := db.Begin()
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			// With an empty table a sequential scan is cheapest: forbid it,
			// to see whether an index can answer at all.
			if _, err := tx.Exec(`SET LOCAL enable_seqscan = off`); err != nil {
				t.Fatal(err)
			}
			rows, err := tx.Query(`EXPLAIN SELECT id FROM parties WHERE lower(name) LIKE '%tidewater%' ESCAPE '\'`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var line string
				if err := rows.Scan(&line); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, line)
			}
			rows.Close()
			if p := strings.Join(plan, "\n"); !strings.Contains(p, "parties_name_trgm") {
				t.Fatalf("PostgreSQL does not use the trigram index:\n%s", p)
			}
			return
		}
		// The shape of the party search's condition (a name or an alias).
		rows, err := db.Query(`EXPLAIN QUERY PLAN SELECT p.id FROM parties p JOIN matters m ON m.id = p.matter_id
			WHERE p.id IN (SELECT id FROM (SELECT rowid AS id FROM parties_fts WHERE parties_fts MATCH '"tidewater"' ORDER BY rowid DESC LIMIT 1000) newest
				UNION SELECT id FROM (SELECT rowid AS id FROM party_aliases_fts WHERE party_aliases_fts MATCH '"tidewater"' ORDER BY rowid DESC LIMIT 1000) newest)`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		p := strings.Join(plan, "\n")
		t.Log(p)
		if !strings.Contains(p, "parties_fts VIRTUAL TABLE INDEX") || !strings.Contains(p, "party_aliases_fts VIRTUAL TABLE INDEX") || slices.Contains(plan, "SCAN p") {
			t.Fatalf("SQLite does not answer from the FTS5 index:\n%s", p)
		}
	})
}

// TestSearchCountIsCapped: a term matching more rows than a group counts
// reports SearchCountCap and says the count is a lower bound, on both
// engines; one row fewer than the cap is counted exactly.
func TestSearchCountIsCapped(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		c := mustCreateClient(t, s, "C-1", "Calloway")
		att := mustCreateUser(t, s, domain.User{Email: "att@example.com", Name: "Att", Role: domain.RoleAttorney})
		m := mustCreateMatter(t, s, domain.Matter{ClientID: c.ID, Number: "2026-0001", Title: "Calloway v. Many", ResponsibleAttorneyID: att.ID})
		add := func(prefix string, n int) {
			write(t, s, func(ctx context.Context, tx *store.Tx) error {
				for i := range n {
					p := domain.Party{MatterID: m.ID, Name: fmt.Sprintf("%s Holdings %04d", prefix, i), Role: domain.PartyThirdParty}
					if err := tx.CreateParty(ctx, &p); err != nil {
						return err
					}
				}
				return nil
			})
		}
		add("Capella", store.SearchCountCap+5)
		add("Vega", store.SearchCountCap-1)
		count := func(term string) store.SearchCount {
			var got store.SearchCount
			read(t, s, func(ctx context.Context, tx *store.Tx) error {
				_, c, err := tx.SearchParties(ctx, store.SearchQuery{Scope: store.Scope{All: true}, Term: term, Limit: 5})
				got = c
				return err
			})
			return got
		}
		if c := count("capella"); c.Total != store.SearchCountCap || !c.Capped {
			t.Errorf("capella: %+v, want %d and capped", c, store.SearchCountCap)
		}
		if c := count("vega"); c.Total != store.SearchCountCap-1 || c.Capped {
			t.Errorf("vega: %+v, want %d exactly", c, store.SearchCountCap-1)
		}
	})
}
