package seed_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/seed"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// TestGenerateSmall writes the Small set on each engine: the row counts
// are the size's, progress counts every row up to the total, the audit
// chain verifies, the generated people see what they should, and a second
// run into the same database is refused and changes nothing. Both engines
// get the same rows.
func TestGenerateSmall(t *testing.T) {
	digests := map[string]string{}
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		s := testenv.OpenStore(t, e)
		size := seed.Small
		size.Now = time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
		var last, total, beforeDone int64
		var stages []string
		people, err := seed.Generate(ctx, s, size, func(done, tot int64, stage string) {
			if done < last {
				t.Errorf("progress went back from %d to %d", last, done)
			}
			if stage != "done" {
				beforeDone = done
			}
			last, total = done, tot
			if len(stages) == 0 || stages[len(stages)-1] != stage {
				stages = append(stages, stage)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if last != total || total == 0 || stages[len(stages)-1] != "done" {
			t.Errorf("progress ended at %d of %d (%v)", last, total, stages)
		}
		if beforeDone != total {
			t.Errorf("the stages counted %d rows of the %d announced: the bar jumps at the end", beforeDone, total)
		}
		db := s.DB()
		count := func(q string) int {
			t.Helper()
			var n int
			if err := db.QueryRow(q).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		for q, want := range map[string]int{
			`SELECT COUNT(*) FROM matters`:                             size.Matters,
			`SELECT COUNT(*) FROM clients`:                             size.Clients,
			`SELECT COUNT(*) FROM vendors`:                             size.Vendors,
			`SELECT COUNT(*) FROM engagements`:                         size.Engagements,
			`SELECT COUNT(*) FROM time_entries`:                        size.TimeEntries,
			`SELECT COUNT(*) FROM firm_time_entries`:                   size.FirmTime,
			`SELECT COUNT(*) FROM audit_events`:                        size.AuditEvents,
			`SELECT COUNT(*) FROM users`:                               1 + size.Attorneys + size.Staff + 3*size.Vendors + size.Clients,
			`SELECT COUNT(*) FROM users WHERE role = 'vendor_manager'`: size.Vendors,
			`SELECT COUNT(*) FROM client_consents`:                     size.Engagements,
			`SELECT COUNT(*) FROM time_entries t JOIN engagements e ON e.id = t.engagement_id WHERE e.stage IN ('proposed','communication','briefing','sow')`: 0,
			// Parties: each matter's client under the client's name, names unique within a matter.
			`SELECT COUNT(*) FROM parties`:                       size.Parties,
			`SELECT COUNT(*) FROM parties WHERE role = 'client'`: size.Matters,
			`SELECT COUNT(*) FROM parties p JOIN matters m ON m.id = p.matter_id JOIN clients c ON c.id = m.client_id WHERE p.role = 'client' AND p.name = c.name`: size.Matters,
			`SELECT COUNT(*) FROM (SELECT matter_id, lower(name) FROM parties GROUP BY matter_id, lower(name) HAVING COUNT(*) > 1) d`:                              0,
			`SELECT COUNT(*) FROM party_aliases a JOIN parties p ON p.id = a.party_id WHERE lower(a.alias) = lower(p.name)`:                                        0,
			`SELECT COUNT(*) FROM (SELECT party_id FROM party_aliases GROUP BY party_id HAVING COUNT(*) > 1) d`:                                                    0,
			`SELECT COUNT(*) FROM conflict_generation WHERE generation > 0`:                                                                                        1,
			// Documents: records shared on engagements past the briefing, by the engagement's team.
			`SELECT COUNT(*) FROM documents WHERE kind = 'matter' AND kek_id = 'none'`:                                                               size.Documents,
			`SELECT COUNT(*) FROM engagement_documents`:                                                                                              size.Documents,
			`SELECT COUNT(*) FROM engagement_documents d JOIN engagements e ON e.id = d.engagement_id WHERE e.stage IN ('proposed','communication')`: 0,
			`SELECT COUNT(*) FROM engagement_documents ed JOIN documents d ON d.id = ed.document_id
				WHERE NOT EXISTS (SELECT 1 FROM engagement_members m WHERE m.engagement_id = ed.engagement_id AND m.user_id = d.uploaded_by)`: 0,
			`SELECT COUNT(*) FROM (SELECT ed.engagement_id, ed.folder, lower(d.filename), ed.version FROM engagement_documents ed JOIN documents d ON d.id = ed.document_id
				GROUP BY ed.engagement_id, ed.folder, lower(d.filename), ed.version HAVING COUNT(*) > 1) x`: 0,
			// Messages: threads on engagements at work, posts by the engagement's team.
			`SELECT COUNT(*) FROM message_threads`: size.Threads,
			`SELECT COUNT(*) FROM messages`:        size.Messages,
			`SELECT COUNT(*) FROM message_threads t WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = t.id)`:                                               0,
			`SELECT COUNT(*) FROM messages x JOIN engagements e ON e.id = x.engagement_id WHERE e.stage NOT IN ('active','paused','closed')`:                            0,
			`SELECT COUNT(*) FROM messages x WHERE NOT EXISTS (SELECT 1 FROM engagement_members m WHERE m.engagement_id = x.engagement_id AND m.user_id = x.author_id)`: 0,
			`SELECT COUNT(*) FROM message_threads t WHERE t.last_post_at <> (SELECT MAX(created_at) FROM messages m WHERE m.thread_id = t.id)`:                          0,
			// Vendor time is the engagement team's.
			`SELECT COUNT(*) FROM time_entries x WHERE NOT EXISTS (SELECT 1 FROM engagement_members m WHERE m.engagement_id = x.engagement_id AND m.user_id = x.user_id)`: 0,
			// Personnel: one record per vendor person.
			`SELECT COUNT(*) FROM personnel`: 3 * size.Vendors,
			`SELECT COUNT(*) FROM users u WHERE u.role IN ('vendor_manager','vendor_professional') AND NOT EXISTS (SELECT 1 FROM personnel p WHERE p.user_id = u.id)`: 0,
		} {
			if got := count(q); got != want {
				t.Errorf("%s = %d, want %d", q, got, want)
			}
		}
		// Every role has something to look at.
		for q, what := range map[string]string{
			`SELECT COUNT(*) FROM deliverable_versions WHERE decision = 'pending' AND superseded_at = 0`:                                                          "pending reviews",
			`SELECT COUNT(*) FROM audits WHERE state = 'due'`:                                                                                                     "audits due",
			`SELECT COUNT(*) FROM client_consents WHERE state IN ('pending','stale')`:                                                                             "consents pending or stale",
			`SELECT COUNT(*) FROM audit_events WHERE action = 'auth.sign_in_failed'`:                                                                              "failed sign-ins",
			`SELECT COUNT(*) FROM engagement_members m JOIN users u ON u.id = m.user_id WHERE u.role = 'vendor_manager'`:                                          "vendor assignments",
			`SELECT COUNT(*) FROM engagement_documents WHERE version > 1`:                                                                                         "new versions of shared documents",
			`SELECT COUNT(*) FROM engagement_documents WHERE side = 'vendor'`:                                                                                     "documents shared by vendors",
			`SELECT COUNT(*) FROM parties WHERE role = 'witness'`:                                                                                                 "witnesses",
			`SELECT COUNT(*) FROM personnel WHERE nda_expires_on < '2026-11-26' OR confidentiality_expires_on < '2026-11-26' OR ethics_expires_on < '2026-11-26'`: "lapsed vendor people",
		} {
			if count(q) == 0 {
				t.Errorf("no %s in the small set", what)
			}
		}
		// Rows the store's own readers must understand (JSON columns).
		if err := s.Read(ctx, func(tx *store.Tx) error {
			_, err := tx.ClientInvoices(ctx, store.Scope{All: true}, store.ClientInvoiceFilter{Page: store.Page{Limit: store.MaxPageSize}})
			return err
		}); err != nil {
			t.Errorf("client invoices: %v", err)
		}
		a := app.New(s, app.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		res, err := a.VerifyAudit(ctx, nil)
		if err != nil || res.Break != nil || res.Events != int64(size.AuditEvents) {
			t.Errorf("verify: %+v, %v", res, err)
		}
		// About 1 in 10 parties has an alias.
		if n := count(`SELECT COUNT(*) FROM party_aliases`); n < size.Parties/20 || n > size.Parties/6 {
			t.Errorf("%d aliases for %d parties, want about 1 in 10", n, size.Parties)
		}
		for role, id := range map[domain.Role]int64{domain.RoleFirmAdmin: people.Admin, domain.RoleAttorney: people.Attorney, domain.RoleStaff: people.Staff,
			domain.RoleVendorManager: people.VendorManager, domain.RoleVendorProfessional: people.VendorProfessional, domain.RoleClientContact: people.ClientContact} {
			if first := count(`SELECT MIN(id) FROM users WHERE role = '` + string(role) + `'`); id == 0 || int64(first) != id {
				t.Errorf("the chosen %s is %d, want the first of the role (%d)", role, id, first)
			}
		}
		checkPeople(t, a, size, people)
		digests[e.Name] = digest(t, db)
		// The run marked the database complete (partial while it ran).
		if st, err := seed.State(ctx, s); err != nil || st != seed.StateComplete+" small" {
			t.Errorf("state %q, %v", st, err)
		}
		// Again into the same database: refused, nothing added.
		_, err = seed.Generate(ctx, s, size, nil)
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.EConflict {
			t.Errorf("second run: %v, want a conflict", err)
		}
		if got := count(`SELECT COUNT(*) FROM matters`); got != size.Matters {
			t.Errorf("after refused run: %d matters", got)
		}
	})
	if d, ok := digests["postgres"]; ok && d != digests["sqlite"] {
		t.Errorf("the same size and seed gave different rows on SQLite and PostgreSQL")
	}
}

// TestGenerateDeterministic generates Small twice with the same seed into
// two databases: the rows are the same.
func TestGenerateDeterministic(t *testing.T) {
	e := testenv.Engines(t)[0]
	var sums []string
	for range 2 {
		s := testenv.OpenStore(t, e)
		size := seed.Small
		size.Now = time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
		if _, err := seed.Generate(context.Background(), s, size, nil); err != nil {
			t.Fatal(err)
		}
		sums = append(sums, digest(t, s.DB()))
	}
	if sums[0] != sums[1] {
		t.Error("two runs of the same size and seed wrote different rows")
	}
}

// TestSizeValidate refuses sizes that cannot be generated, before
// touching the store.
func TestSizeValidate(t *testing.T) {
	for name, change := range map[string]func(z *seed.Size){
		"fewer engagements than matters": func(z *seed.Size) { z.Engagements = 1 },
		"fewer parties than matters":     func(z *seed.Size) { z.Parties = z.Matters - 1 },
		"negative documents":             func(z *seed.Size) { z.Documents = -1 },
		"threads without a message each": func(z *seed.Size) { z.Threads, z.Messages = 10, 9 },
		"messages without threads":       func(z *seed.Size) { z.Threads, z.Messages = 0, 5 },
	} {
		bad := seed.Small
		change(&bad)
		_, err := seed.Generate(context.Background(), nil, bad, nil)
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.EInvalid {
			t.Errorf("%s: err = %v, want invalid", name, err)
		}
	}
}
