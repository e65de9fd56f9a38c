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
// are the size's, progress reaches the total, the audit chain verifies,
// and a second run into the same database is refused and changes nothing.
func TestGenerateSmall(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		s := testenv.OpenStore(t, e)
		size := seed.Small
		size.Now = time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
		var last, total int64
		var stages []string
		people, err := seed.Generate(ctx, s, size, func(done, tot int64, stage string) {
			if done < last {
				t.Errorf("progress went back from %d to %d", last, done)
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
		} {
			if got := count(q); got != want {
				t.Errorf("%s = %d, want %d", q, got, want)
			}
		}
		// Every role has something to look at.
		for q, what := range map[string]string{
			`SELECT COUNT(*) FROM deliverable_versions WHERE decision = 'pending' AND superseded_at = 0`:                 "pending reviews",
			`SELECT COUNT(*) FROM audits WHERE state = 'due'`:                                                            "audits due",
			`SELECT COUNT(*) FROM client_consents WHERE state IN ('pending','stale')`:                                    "consents pending or stale",
			`SELECT COUNT(*) FROM audit_events WHERE action = 'auth.sign_in_failed'`:                                     "failed sign-ins",
			`SELECT COUNT(*) FROM engagement_members m JOIN users u ON u.id = m.user_id WHERE u.role = 'vendor_manager'`: "vendor assignments",
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
		for _, id := range []int64{people.Admin, people.Attorney, people.VendorManager, people.ClientContact} {
			if id == 0 {
				t.Errorf("people %+v: a role without a person", people)
			}
		}
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
}

// TestSizeValidate refuses sizes that cannot be generated.
func TestSizeValidate(t *testing.T) {
	bad := seed.Small
	bad.Engagements = 1
	_, err := seed.Generate(context.Background(), nil, bad, nil)
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.EInvalid {
		t.Errorf("err = %v, want invalid", err)
	}
}
