package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

func countRows(tb testing.TB, a *app.App, table string) int {
	tb.Helper()
	var n int
	if err := a.Store.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func auditSummaries(tb testing.TB, a *app.App, action string) []string {
	tb.Helper()
	evs, err := a.AuditEvents(context.Background(), app.Operator, store.AuditFilter{Action: action, Limit: store.MaxPageSize})
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		out = append(out, e.Summary)
	}
	return out
}

func TestCreateAndEditMatters(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		a, p, ms := demoApp(t, e)
		ctx := mfa()
		marcus, daniel, helen := p["marcus.oyelaran@hartwellcrane.example"], p["daniel.brooks@hartwellcrane.example"], p["helen.calloway@callowayfreight.example"]
		v, err := a.Matter(ctx, marcus, ms["2026-0142"])
		if err != nil {
			t.Fatal(err)
		}
		good := app.MatterInput{ClientID: v.Matter.ClientID, Number: "2026-0301", Title: "Calloway v. Harbor Cranes", PracticeArea: "Litigation",
			Sensitivity: domain.SensitivityConfidential, ResponsibleAttorneyID: marcus.ID, Courts: []string{"D. Del."},
			GoverningLaw: []string{"Delaware"}, Performance: []string{"India", "Philippines"}, TeamIDs: []int64{daniel.ID}}
		matters, events := countRows(t, a, "matters"), countRows(t, a, "audit_events")

		bad := []struct {
			name  string
			edit  func(*app.MatterInput)
			code  string
			field string
		}{
			{"a number with a pipe (LEDES)", func(in *app.MatterInput) { in.Number = "2026|0301" }, domain.EInvalid, "number"},
			{"a number over 20 characters", func(in *app.MatterInput) { in.Number = strings.Repeat("9", 21) }, domain.EInvalid, "number"},
			{"no title", func(in *app.MatterInput) { in.Title = " " }, domain.EInvalid, "title"},
			{"an unknown sensitivity", func(in *app.MatterInput) { in.Sensitivity = "secret" }, domain.EInvalid, "sensitivity"},
			{"staff as responsible attorney", func(in *app.MatterInput) { in.ResponsibleAttorneyID = daniel.ID }, domain.EInvalid, "responsible_attorney"},
			{"a client contact on the team", func(in *app.MatterInput) { in.TeamIDs = []int64{helen.ID} }, domain.EInvalid, "team"},
			{"no client", func(in *app.MatterInput) { in.ClientID = 987654 }, domain.EInvalid, "client"},
			{"a duplicate number", func(in *app.MatterInput) { in.Number = "2026-0142" }, domain.EConflict, "number"},
		}
		for _, b := range bad {
			in := good
			b.edit(&in)
			_, err := a.CreateMatter(ctx, marcus, in)
			if domain.ErrorCode(err) != b.code || domain.ErrorField(err) != b.field {
				t.Errorf("%s: %v (code %q field %q), want %s on %s", b.name, err, domain.ErrorCode(err), domain.ErrorField(err), b.code, b.field)
			}
		}
		for _, who := range []domain.User{daniel, helen, p["anika.deshmukh@lexora.example"]} {
			if _, err := a.CreateMatter(ctx, who, good); domain.ErrorCode(err) != domain.EForbidden {
				t.Errorf("%s created a matter: %v", who.Name, err)
			}
		}
		if n, ev := countRows(t, a, "matters"), countRows(t, a, "audit_events"); n != matters || ev != events {
			t.Fatalf("refused creations wrote: %d→%d matters, %d→%d events", matters, n, events, ev)
		}

		m, err := a.CreateMatter(ctx, marcus, good)
		if err != nil {
			t.Fatal(err)
		}
		got, err := a.Matter(ctx, marcus, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Matter.Number != "2026-0301" || len(got.Matter.Jurisdictions) != 4 || got.Matter.Jurisdictions[3].Name != "Philippines" ||
			len(got.Team) != 1 || got.Team[0].User.ID != daniel.ID || got.Matter.OpenedOn == "" {
			t.Errorf("created matter = %+v, team %+v", got.Matter, got.Team)
		}
		if s := auditSummaries(t, a, "matter.create"); len(s) == 0 || !strings.Contains(strings.Join(s, "\n"), "2026-0301") {
			t.Errorf("no matter.create event for 2026-0301: %q", s)
		}

		// Editing: a duplicate number is a conflict and nothing changes; a new
		// sensitivity is audited before and after.
		edit := good
		edit.Number = "2025-0311"
		if _, err := a.UpdateMatter(ctx, marcus, m.ID, edit); domain.ErrorCode(err) != domain.EConflict {
			t.Errorf("renumbering onto 2025-0311: %v, want conflict", err)
		}
		edit = good
		edit.Sensitivity, edit.TeamIDs = domain.SensitivityHighlyConfidential, nil
		if _, err := a.UpdateMatter(ctx, marcus, m.ID, edit); err != nil {
			t.Fatal(err)
		}
		s := strings.Join(auditSummaries(t, a, "matter.update"), "\n")
		if !strings.Contains(s, `sensitivity from "confidential" to "highly_confidential"`) || !strings.Contains(s, "took Daniel Brooks off the team") {
			t.Errorf("matter.update summaries = %q", s)
		}
		if _, err := a.UpdateMatter(ctx, helen, ms["2026-0142"], good); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("a client contact editing a matter: %v, want not found", err)
		}
		if _, err := a.UpdateMatter(ctx, daniel, m.ID, good); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("staff editing a matter: %v, want forbidden", err)
		}
	})
}

func TestStrategyNotesAreFirmOnly(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		a, p, ms := demoApp(t, e)
		ctx := mfa()
		calloway := ms["2026-0142"]
		marcus := p["marcus.oyelaran@hartwellcrane.example"]
		v, err := a.Matter(ctx, marcus, calloway)
		if err != nil {
			t.Fatal(err)
		}
		if v.Strategy == nil || v.Strategy.Notes != demo.CallowayStrategy || v.Strategy.UpdatedByName != "Marcus Oyelaran" {
			t.Fatalf("Marcus's view of the Calloway strategy = %+v", v.Strategy)
		}
		for _, email := range []string{"helen.calloway@callowayfreight.example", "anika.deshmukh@lexora.example", "rohan.kulkarni@lexora.example"} {
			u := p[email]
			v, err := a.Matter(ctx, u, calloway)
			if err != nil {
				t.Fatalf("%s cannot see the Calloway matter: %v", u.Name, err)
			}
			if v.Strategy != nil {
				t.Errorf("%s received the strategy notes", u.Name)
			}
			if _, err := a.MatterStrategy(ctx, u, calloway); domain.ErrorCode(err) != domain.ENotFound {
				t.Errorf("%s reading the strategy: %v, want not found", u.Name, err)
			}
			if _, err := a.SetMatterStrategy(ctx, u, calloway, "x"); domain.ErrorCode(err) != domain.ENotFound {
				t.Errorf("%s writing the strategy: %v, want not found", u.Name, err)
			}
		}
		if _, err := a.SetMatterStrategy(ctx, p["daniel.brooks@hartwellcrane.example"], calloway, "x"); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("staff writing the strategy: %v, want forbidden", err)
		}
		if _, err := a.SetMatterStrategy(ctx, marcus, calloway, strings.Repeat("x", app.MaxStrategyNotes+1)); domain.ErrorCode(err) != domain.EInvalid {
			t.Errorf("over-long notes: %v, want invalid", err)
		}
		s, err := a.SetMatterStrategy(ctx, p["eleanor.hartwell@hartwellcrane.example"], calloway, "Settle below 2M.")
		if err != nil || s.Notes != "Settle below 2M." || s.UpdatedByName != "Eleanor Hartwell" {
			t.Fatalf("SetMatterStrategy = %+v, %v", s, err)
		}
		sum := strings.Join(auditSummaries(t, a, "matter.strategy_update"), "\n")
		if !strings.Contains(sum, "2026-0142") || strings.Contains(sum, "Settle below") {
			t.Errorf("strategy audit %q: must name the matter and never hold the notes", sum)
		}
	})
}

// problemsByLine gathers an import's problems by line.
func problemsByLine(p app.ImportPreview) map[int]string {
	out := map[int]string{}
	for _, r := range p.Problems {
		out[r.Line] += r.Message + "; "
	}
	return out
}

const matterHeader = "number,client_number,title,practice_area,sensitivity,responsible_attorney_email,court,governing_law,performance\n"

func TestImportMattersCSV(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		a, p, _ := demoApp(t, e)
		ctx := mfa()
		marcus := p["marcus.oyelaran@hartwellcrane.example"]
		matters := countRows(t, a, "matters")

		cases := []struct {
			name string
			file string
			want map[int]string // line -> a part of its problem
		}{
			{"unknown columns are named", "number,client_number,title,responsible_attorney_email,colour,size\n", map[int]string{1: `unknown columns "colour", "size"`}},
			{"a missing column", "number,title\n", map[int]string{1: "missing columns: client_number, responsible_attorney_email"}},
			{"wrong field count and bad quoting", matterHeader +
				"2026-0401,CFS-0711,Fine,Lit,standard,marcus.oyelaran@hartwellcrane.example,,,\n" +
				"2026-0402,CFS-0711,Too few\n" +
				"2026-0403,CFS-0711,Bad \"quote\" here,Lit,standard,marcus.oyelaran@hartwellcrane.example,,,\n",
				map[int]string{3: "3 fields; the header has 9", 4: "quote"}},
			{"invalid UTF-8 on its line", matterHeader +
				"2026-0401,CFS-0711,Fine,Lit,standard,marcus.oyelaran@hartwellcrane.example,,,\n" +
				"2026-0402,CFS-0711,Caf\xe9,Lit,standard,marcus.oyelaran@hartwellcrane.example,,,\n",
				map[int]string{3: "not valid UTF-8"}},
			{"duplicates, unknown client and attorney, bad sensitivity", matterHeader +
				"2026-0401,CFS-0711,One,Lit,standard,marcus.oyelaran@hartwellcrane.example,,,\n" +
				"2026-0401,CFS-0711,Again,Lit,standard,marcus.oyelaran@hartwellcrane.example,,,\n" +
				"2026-0142,CFS-0711,Exists,Lit,standard,marcus.oyelaran@hartwellcrane.example,,,\n" +
				"2026-0404,NOPE-1,Client,Lit,standard,marcus.oyelaran@hartwellcrane.example,,,\n" +
				"2026-0405,CFS-0711,Attorney,Lit,standard,nobody@hartwellcrane.example,,,\n" +
				"2026-0406,CFS-0711,Staff,Lit,standard,daniel.brooks@hartwellcrane.example,,,\n" +
				"2026-0407,CFS-0711,Label,Lit,top_secret,marcus.oyelaran@hartwellcrane.example,,,\n" +
				"2026|0408,CFS-0711,Pipe,Lit,standard,marcus.oyelaran@hartwellcrane.example,,,\n",
				map[int]string{3: "already on line 2", 4: "already exists", 5: `no client is numbered "NOPE-1"`, 6: "no user has the email",
					7: "not an active attorney", 8: "not a sensitivity label", 9: "number must be"}},
			{"an empty file", "", map[int]string{1: "empty"}},
		}
		for _, c := range cases {
			prev, err := a.ImportCSV(ctx, marcus, domain.ImportMatters, []byte(c.file), false)
			var ie *app.ImportError
			if !errors.As(err, &ie) || domain.ErrorCode(err) != domain.EInvalid {
				t.Errorf("%s: %v, want an import error", c.name, err)
			}
			got := problemsByLine(prev)
			for line, want := range c.want {
				if !strings.Contains(got[line], want) {
					t.Errorf("%s: line %d problems %q, want %q (all: %v)", c.name, line, got[line], want, got)
				}
			}
			if len(got) != len(c.want) {
				t.Errorf("%s: problems on lines %v, want exactly %v", c.name, got, c.want)
			}
			if prev.Committed {
				t.Errorf("%s: committed", c.name)
			}
		}
		if n := countRows(t, a, "matters"); n != matters {
			t.Fatalf("failed imports wrote matters: %d → %d", matters, n)
		}

		// A good file with a byte-order mark, CRLF line ends and quoted
		// fields: the dry run writes nothing, the import writes all of it
		// with one audit event.
		good := "\xef\xbb\xbf" + strings.ReplaceAll(matterHeader, "\n", "\r\n") +
			"2026-0401,CFS-0711,\"Calloway v. Port Authority, Phase II\",Litigation,confidential,MARCUS.OYELARAN@hartwellcrane.example,S.D.N.Y.,New York,India; Philippines\r\n" +
			"2026-0402,CFS-0711,Calloway lease review,Real estate,,eleanor.hartwell@hartwellcrane.example,,,\r\n"
		prev, err := a.ImportCSV(ctx, marcus, domain.ImportMatters, []byte(good), true)
		if err != nil || !prev.Valid() || prev.Committed || len(prev.Rows) != 2 || prev.Rows[1].Line != 3 {
			t.Fatalf("dry run = %+v, %v", prev, err)
		}
		if n := countRows(t, a, "matters"); n != matters {
			t.Fatalf("the dry run wrote matters")
		}
		before := len(auditSummaries(t, a, "matter.import"))
		if prev, err = a.ImportCSV(ctx, marcus, domain.ImportMatters, []byte(good), false); err != nil || !prev.Committed {
			t.Fatalf("import = %+v, %v", prev, err)
		}
		if n := countRows(t, a, "matters"); n != matters+2 {
			t.Errorf("matters %d → %d, want +2", matters, n)
		}
		if s := auditSummaries(t, a, "matter.import"); len(s) != before+1 || !strings.Contains(s[0]+s[len(s)-1], "2026-0401, 2026-0402") {
			t.Errorf("import audit = %q", s)
		}
		ms, err := a.Matters(ctx, marcus, store.MatterFilter{Query: "2026-0401", Page: store.Page{Limit: 5}})
		if err != nil || len(ms) != 1 || ms[0].Title != "Calloway v. Port Authority, Phase II" || ms[0].Sensitivity != domain.SensitivityConfidential {
			t.Fatalf("imported matter = %+v, %v", ms, err)
		}
		m, _ := a.Matter(ctx, marcus, ms[0].ID)
		if len(m.Matter.Jurisdictions) != 4 || m.Matter.Jurisdictions[3].Name != "Philippines" {
			t.Errorf("imported jurisdictions = %+v", m.Matter.Jurisdictions)
		}
		// Importing the same file again: every row is a duplicate now.
		if prev, err = a.ImportCSV(ctx, marcus, domain.ImportMatters, []byte(good), false); err == nil || len(prev.Problems) != 2 {
			t.Errorf("re-import = %+v, %v", prev.Problems, err)
		}
		if _, err := a.ImportCSV(ctx, p["daniel.brooks@hartwellcrane.example"], domain.ImportMatters, []byte(good), true); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("staff importing: %v, want forbidden", err)
		}
		big := []byte(matterHeader + strings.Repeat("x", domain.MaxImportBytes))
		if _, err := a.ImportCSV(ctx, marcus, domain.ImportMatters, big, true); domain.ErrorCode(err) != domain.EInvalid || !strings.Contains(domain.ErrorMessage(err), "5 MiB") {
			t.Errorf("an oversize file: %v", err)
		}
	})
}

func TestImportPartiesCSV(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		a, p, ms := demoApp(t, e)
		ctx := mfa()
		marcus, priya := p["marcus.oyelaran@hartwellcrane.example"], p["priya.raman@hartwellcrane.example"]
		parties := countRows(t, a, "parties")
		bad := "matter_number,name,role,aliases\n" +
			"2026-0142,Harbor Cranes Inc,adverse,HCI; Harbor Cranes\n" +
			"2026-0142,Tidewater Logistics LLC,adverse,\n" +
			"2026-0142,Harbor Cranes Inc,witness,\n" +
			"2099-0001,Nobody,adverse,\n" +
			"2026-0142,Someone,judge,\n"
		prev, err := a.ImportCSV(ctx, marcus, domain.ImportParties, []byte(bad), false)
		got := problemsByLine(prev)
		want := map[int]string{3: "already has a party named Tidewater", 4: "already has a party named Harbor Cranes", 5: `no matter numbered "2099-0001"`, 6: "not a party role"}
		for line, w := range want {
			if !strings.Contains(got[line], w) {
				t.Errorf("line %d: %q, want %q", line, got[line], w)
			}
		}
		if err == nil || len(got) != len(want) {
			t.Errorf("problems %v (%v), want lines %v", got, err, want)
		}
		if n := countRows(t, a, "parties"); n != parties {
			t.Fatalf("a file with bad rows wrote parties: %d → %d", parties, n)
		}
		// Priya is screened from 2026-0177: to her it does not exist.
		if prev, _ := a.ImportCSV(ctx, priya, domain.ImportParties, []byte("matter_number,name,role\n2026-0177,X Corp,adverse\n"), true); !strings.Contains(problemsByLine(prev)[2], "no matter numbered") {
			t.Errorf("a screened matter: %v", prev.Problems)
		}

		// The import rechecks the vendors working on each matter exactly as
		// adding a party does (partiesChanged): the audit says so.
		good := "\xef\xbb\xbfmatter_number,name,role,aliases\n2026-0142,Harbor Cranes Inc,adverse,HCI; Harbor Cranes\n2025-0311,Port of Tacoma,third_party,\n"
		if prev, err = a.ImportCSV(ctx, marcus, domain.ImportParties, []byte(good), false); err != nil || !prev.Committed {
			t.Fatalf("import = %+v, %v", prev, err)
		}
		if n := countRows(t, a, "parties"); n != parties+2 {
			t.Errorf("parties %d → %d, want +2", parties, n)
		}
		v, _ := a.Matter(ctx, marcus, ms["2026-0142"])
		found := false
		for _, x := range v.Parties {
			if x.Name == "Harbor Cranes Inc" && len(x.Aliases) == 2 {
				found = true
			}
		}
		if !found {
			t.Errorf("imported party with aliases missing: %+v", v.Parties)
		}
		s := auditSummaries(t, a, "matter.party_import")
		if len(s) != 1 || !strings.Contains(s[0], "1 on 2026-0142") || !strings.Contains(s[0], "conflict check of") {
			t.Errorf("party import audit = %q", s)
		}
	})
}
