package app_test

import (
	"errors"
	"maps"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/testenv"
)

// FuzzImportCSVAllOrNothing: a CSV import of matters or parties into the
// demo firm (a real SQLite store, loaded once per fuzzing process) either
// commits every row with one audit event, or is refused and changes no row
// of any table. SQLite only: the property is the transaction's, which
// TestImportMattersCSV and TestImportPartiesCSV check on both engines.
func FuzzImportCSVAllOrNothing(f *testing.F) {
	f.Add(false, []byte(matterHeader+"2026-0901,CFS-0711,Calloway lease review,Real estate,confidential,marcus.oyelaran@hartwellcrane.example,,,India; Philippines\n"))
	f.Add(false, []byte(matterHeader+"2026-0902,CFS-0711,Fine,Lit,standard,marcus.oyelaran@hartwellcrane.example,,,\n2026-0903,NOPE-1,Unknown client,Lit,standard,marcus.oyelaran@hartwellcrane.example,,,\n"))
	f.Add(false, []byte("number,client_number,title\n\"unterminated"))
	f.Add(true, []byte("\xef\xbb\xbfmatter_number,name,role,aliases\r\n2026-0142,Harbor Cranes Inc,adverse,HCI; Harbor Cranes\r\n2025-0311,Port of Tacoma,third_party,\r\n"))
	f.Add(true, []byte("matter_number,name,role,aliases\n2026-0142,Tidewater Logistics LLC,adverse,\n2026-0142,Someone,judge,\n"))
	f.Add(true, []byte("matter_number,name,role\n2026-0142,Caf\xe9 Nova,witness\n"))
	sqlite := testenv.Engine{Name: "sqlite", URL: func(tb testing.TB) (string, string) { return "", tb.TempDir() }}
	a, p, _ := demoApp(f, sqlite)
	marcus := p["marcus.oyelaran@hartwellcrane.example"]
	var tables []string
	rows, err := a.Store.DB().Query(`SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' ORDER BY name`)
	if err != nil {
		f.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			f.Fatal(err)
		}
		tables = append(tables, n)
	}
	if err := rows.Err(); err != nil {
		f.Fatal(err)
	}
	_ = rows.Close()
	counts := func(tb testing.TB) map[string]int {
		m := make(map[string]int, len(tables))
		for _, t := range tables {
			m[t] = countRows(tb, a, t)
		}
		return m
	}
	f.Fuzz(func(t *testing.T, parties bool, data []byte) {
		kind, table, event := domain.ImportMatters, "matters", "matter.import"
		if parties {
			kind, table, event = domain.ImportParties, "parties", "matter.party_import"
		}
		before := counts(t)
		events := len(auditSummaries(t, a, event))
		prev, err := a.ImportCSV(mfa(), marcus, kind, data, false)
		after := counts(t)
		if err != nil {
			var ie *app.ImportError
			if domain.ErrorCode(err) != domain.EInvalid || (errors.As(err, &ie) && len(ie.Rows) == 0) {
				t.Fatalf("not a clear refusal: %v", err)
			}
			t.Logf("refused: %v", err)
			if prev.Committed || !maps.Equal(before, after) {
				t.Fatalf("a refused import (%v) changed the store: %v → %v", err, before, after)
			}
			return
		}
		t.Logf("committed %d %s", len(prev.Rows), table)
		if !prev.Committed || !prev.Valid() {
			t.Fatalf("imported without committing: %+v", prev)
		}
		if after[table] != before[table]+len(prev.Rows) {
			t.Fatalf("%d rows imported, %s %d → %d", len(prev.Rows), table, before[table], after[table])
		}
		if n := len(auditSummaries(t, a, event)); n != events+1 {
			t.Fatalf("%s audit events %d → %d", event, events, n)
		}
	})
}
