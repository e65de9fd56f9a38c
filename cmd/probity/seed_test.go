package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/progress"
	"github.com/probity/probity/internal/seed"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// TestSeedCommand generates the small set on SQLite with a progress bar,
// refuses a second run, refuses a bad --size, and marks a run stopped
// part-way (Ctrl-C) so that the next run refuses the partial database
// with a reason rather than adding to it.
func TestSeedCommand(t *testing.T) {
	data := t.TempDir()
	if _, _, err := runCLI(t, nil, "", "seed", "--size", "medium", "--data", data); exitStatus(err) != 2 {
		t.Errorf("--size medium: %v, want a usage error", err)
	}
	out, errOut, err := runCLI(t, nil, "", "seed", "--size", "small", "--data", data)
	if err != nil || !strings.Contains(out, "Generated the small data set") {
		t.Fatalf("seed: %v\n%s%s", err, out, errOut)
	}
	if !strings.Contains(errOut, "Seeding the small data set") || !strings.Contains(errOut, "100%") {
		t.Errorf("no progress bar on standard error:\n%s", errOut)
	}
	s := openTestStore(t, "", data)
	if n := countTableRows(t, s, "matters"); n != seed.Small.Matters {
		t.Errorf("%d matters, want %d", n, seed.Small.Matters)
	}
	if st, err := seed.State(context.Background(), s); err != nil || st != "complete small" {
		t.Errorf("state %q %v", st, err)
	}
	audits := countTableRows(t, s, "audit_events")
	if _, _, err := runCLI(t, nil, "", "seed", "--size", "small", "--data", data); exitStatus(err) != 1 || !strings.Contains(describe(err), "already holds a generated small data set") {
		t.Errorf("a second seed: %v", err)
	}
	if n := countTableRows(t, s, "audit_events"); n != audits {
		t.Errorf("the refused seed changed the audit trail: %d -> %d events", audits, n)
	}
	if out, errOut, err := runCLI(t, nil, "", "audit", "verify", "--quiet", "--data", data); err != nil {
		t.Errorf("audit verify of the seeded database: %v\n%s%s", err, out, errOut)
	}

	// Stopped inside the first transaction: nothing is written, and a
	// new run starts afresh.
	fresh := t.TempDir()
	err = seedUntil(t, fresh, func(done, total int64) bool { return done > 0 })
	if exitStatus(err) != 130 || !strings.Contains(err.Error(), "nothing was written") {
		t.Fatalf("seed stopped at once: %v", err)
	}
	fs := openTestStore(t, "", fresh)
	if n := countTableRows(t, fs, "users"); n != 0 {
		t.Errorf("the stopped seed left %d users", n)
	}
	if _, errOut, err := runCLI(t, nil, "", "seed", "--size", "small", "--quiet", "--data", fresh); err != nil {
		t.Errorf("seeding after a stop in the first transaction: %v\n%s", err, errOut)
	}

	// Stopped half-way (after the vendor time): the committed rows stay,
	// marked partial, nothing more is written, and a rerun refuses them.
	part := t.TempDir()
	err = seedUntil(t, part, func(done, total int64) bool { return 2*done >= total })
	if exitStatus(err) != 130 || !strings.Contains(err.Error(), "marked partial") {
		t.Fatalf("interrupted seed: %v", err)
	}
	ps := openTestStore(t, "", part)
	if st, _ := seed.State(context.Background(), ps); st != "partial small" {
		t.Errorf("the stopped seed left state %q", st)
	}
	if n := countTableRows(t, ps, "matters"); n != seed.Small.Matters {
		t.Errorf("the stopped seed kept %d matters, want the first transaction's %d", n, seed.Small.Matters)
	}
	if n := countTableRows(t, ps, "audit_events"); n != 0 {
		t.Errorf("the stopped seed wrote %d audit events after it was stopped", n)
	}
	if _, _, err := runCLI(t, nil, "", "seed", "--size", "small", "--data", part); exitStatus(err) != 1 || !strings.Contains(describe(err), "stopped part-way") {
		t.Errorf("seeding a partial database: %v", err)
	}
}

// TestSeedCommandEngines seeds the small set on each engine through the
// command: every kind of row is there in the size's numbers (parties with
// aliases, documents' records, message threads, personnel records), the
// audit chain verifies, the first vendor people are cleared for work, the
// first client contact sees their engagements at work, and an attorney's
// party search finds a generated party.
func TestSeedCommandEngines(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		dbURL, dir := e.URL(t)
		args := engineArgs(dbURL, dir)
		out, errOut, err := runCLI(t, nil, "", append([]string{"seed", "--size", "small", "--quiet"}, args...)...)
		if err != nil || !strings.Contains(out, "1500 parties") {
			t.Fatalf("seed: %v\n%s%s", err, out, errOut)
		}
		s := openTestStore(t, dbURL, dir)
		z := seed.Small
		for table, want := range map[string]int{"parties": z.Parties, "documents": z.Documents, "engagement_documents": z.Documents,
			"message_threads": z.Threads, "messages": z.Messages, "personnel": 3 * z.Vendors, "time_entries": z.TimeEntries, "firm_time_entries": z.FirmTime} {
			if n := countTableRows(t, s, table); n != want {
				t.Errorf("%s: %d rows, want %d", table, n, want)
			}
		}
		if n := countTableRows(t, s, "party_aliases"); n < z.Parties/20 || n > z.Parties/6 {
			t.Errorf("%d party aliases for %d parties, want about 1 in 10", n, z.Parties)
		}
		if out, errOut, err := runCLI(t, nil, "", append([]string{"audit", "verify", "--quiet"}, args...)...); err != nil {
			t.Errorf("audit verify: %v\n%s%s", err, out, errOut)
		}

		a := app.New(s, app.Config{}, slog.New(slog.DiscardHandler))
		first := map[domain.Role]domain.User{}
		if err := s.Read(ctx, func(tx *store.Tx) error {
			for _, role := range []domain.Role{domain.RoleAttorney, domain.RoleVendorManager, domain.RoleVendorProfessional, domain.RoleClientContact} {
				var id int64
				if err := s.DB().QueryRow(`SELECT MIN(id) FROM users WHERE role = $1`, string(role)).Scan(&id); err != nil {
					return err
				}
				u, err := tx.User(ctx, id)
				if err != nil {
					return err
				}
				first[role] = u
				if role.IsVendor() {
					p, err := tx.Personnel(ctx, id)
					if err != nil {
						return err
					}
					if st := p.PersonnelStatus(domain.DateOf(time.Now())); st.State != domain.PersonnelClear {
						t.Errorf("the first %s's NDA and training: %s", role, st.Reason())
					}
				}
			}
			list, err := tx.ListEngagements(ctx, app.ScopeFor(first[domain.RoleClientContact]), store.EngagementFilter{Stage: domain.StageActive, Page: store.Page{Limit: 10}})
			if err != nil {
				return err
			}
			if len(list) == 0 {
				t.Error("the first client contact sees no engagement at work")
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		var name string
		if err := s.DB().QueryRow(`SELECT p.name FROM parties p JOIN matters m ON m.id = p.matter_id
			WHERE p.role = 'witness' AND m.sensitivity = 'standard' ORDER BY p.id LIMIT 1`).Scan(&name); err != nil {
			t.Fatal(err)
		}
		res, err := a.SearchParties(ctx, first[domain.RoleAttorney], name)
		if err != nil || len(res.Matches) == 0 || res.Matches[0].Name != name {
			t.Errorf("party search for %q: %+v, %v", name, res.Matches, err)
		}
	})
}

// seedUntil runs `probity seed --size small` into data, cancelling it (as
// Ctrl-C does) at the first progress report stop accepts.
func seedUntil(t *testing.T, data string, stop func(done, total int64) bool) error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ctx = progress.WithFunc(ctx, func(stage string, done, total int64) {
		if stop(done, total) {
			cancel()
		}
	})
	m, _, _ := testMain(nil)
	return m.Run(ctx, []string{"seed", "--size", "small", "--quiet", "--data", data})
}
