package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// Firm time round-trips, is scoped (the screened attorney sees none of
// m1's) and never changes once billed; a budget is set again in place; the
// savings rows group the firm's supervision and rework by day and honour the
// scope.
func TestFirmTimeBudgetSavingsStore(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		w := buildWorld(t, s)
		ctx := context.Background()
		entry := func(day domain.Date, tenths domain.Tenths, purpose domain.TimePurpose) domain.FirmTimeEntry {
			return domain.FirmTimeEntry{MatterID: w.m1.ID, EngagementID: w.e1.ID, UserID: w.att.ID, WorkedOn: day, Hours: tenths, Purpose: purpose,
				TaskCode: "L110", ActivityCode: "A104", Narrative: "n", CreatedAt: t0}
		}
		var ids []int64
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			for _, x := range []domain.FirmTimeEntry{entry("2026-03-03", 10, domain.PurposeSupervision), entry("2026-03-03", 5, domain.PurposeSupervision),
				entry("2026-03-04", 7, domain.PurposeRework)} {
				if err := tx.InsertFirmTime(ctx, &x); err != nil {
					return err
				}
				ids = append(ids, x.ID)
			}
			return tx.SaveBudget(ctx, domain.Budget{MatterID: w.m1.ID, Amount: domain.NewMoney(1000, "USD"), SetBy: w.admin.ID, SetAt: t0})
		})
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.SaveBudget(ctx, domain.Budget{MatterID: w.m1.ID, Amount: domain.NewMoney(2000, "USD"), SetBy: w.att.ID, SetAt: t0})
		})
		var list []domain.FirmTimeEntry
		var budgets []domain.BudgetStatus
		var day domain.Tenths
		var rows, hidden []domain.SavingsRow
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			if list, err = tx.FirmTimeEntries(ctx, store.Scope{UserID: w.att.ID}, store.FirmTimeFilter{MatterID: w.m1.ID}); err != nil {
				return err
			}
			if day, err = tx.FirmDayTotal(ctx, w.att.ID, "2026-03-03", ids[0]); err != nil {
				return err
			}
			if budgets, err = tx.Budgets(ctx, store.Scope{All: true}, 0); err != nil {
				return err
			}
			f := store.SavingsFilter{From: "2026-03-01", To: "2026-03-31", Currency: "USD"}
			if rows, err = tx.SavingsRows(ctx, store.Scope{UserID: w.att.ID}, f); err != nil {
				return err
			}
			hidden, err = tx.SavingsRows(ctx, store.Scope{UserID: w.screened.ID}, f)
			return err
		})
		if len(list) != 3 || list[0].WorkedOn != "2026-03-04" || list[0].MatterNumber != w.m1.Number || day != 5 {
			t.Fatalf("firm time: %+v, day total %s", list, day)
		}
		if len(budgets) != 1 || budgets[0].Amount != domain.NewMoney(2000, "USD") || budgets[0].SetByName != "Marcus" {
			t.Fatalf("budgets: %+v", budgets)
		}
		// Grouped by day and purpose: 1.0 + 0.5 supervision on the 3rd, 0.7 rework on the 4th.
		if len(rows) != 2 || rows[0].Hundredths != 150 || rows[0].Purpose != domain.PurposeSupervision || rows[1].Hundredths != 70 || rows[1].ClientID != w.clientA.ID {
			t.Fatalf("savings rows: %+v", rows)
		}
		if len(hidden) != 0 {
			t.Fatalf("the screened attorney sees %+v", hidden)
		}
		billed, err := insertClientInvoice(s, w)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().Exec(fmt.Sprintf(`UPDATE firm_time_entries SET client_invoice_id = %d WHERE id = %d`, billed, ids[0])); err != nil {
			t.Fatal(err)
		}
		err = s.Write(ctx, func(tx *store.Tx) error { return tx.DeleteFirmTime(ctx, ids[0]) })
		if domain.ErrorCode(err) != domain.EConflict {
			t.Fatalf("deleting a billed entry: %v", err)
		}
		x := entry("2026-03-05", 1, domain.PurposeRework)
		x.ID = ids[0]
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.UpdateFirmTime(ctx, x) }); domain.ErrorCode(err) != domain.EConflict {
			t.Fatalf("changing a billed entry: %v", err)
		}
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.DeleteFirmTime(ctx, ids[1]) }); err != nil {
			t.Fatal(err)
		}
	})
}

// insertClientInvoice writes a bare sent client invoice on m1.
func insertClientInvoice(s *store.Store, w world) (int64, error) {
	var id int64
	err := s.DB().QueryRow(fmt.Sprintf(`INSERT INTO client_invoices (number, kind, matter_id, client_id, currency, invoice_date, period_start, period_end, state, created_by, created_at)
		VALUES ('ST-1', 'invoice', %d, %d, 'USD', '2026-03-31', '2026-03-01', '2026-03-31', 'sent', %d, 1) RETURNING id`, w.m1.ID, w.clientA.ID, w.admin.ID)).Scan(&id)
	return id, err
}

// BenchmarkSavingsRows: the savings query over 20,000 firm time entries and
// 20,000 approved vendor time entries on one engagement, a year of days.
func BenchmarkSavingsRows(b *testing.B) {
	for _, e := range testenv.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			s := testenv.OpenStore(b, e)
			w := buildWorld(b, s)
			ctx := context.Background()
			var item int64
			if err := s.DB().QueryRow(fmt.Sprintf(`INSERT INTO sow_versions (engagement_id, version, drafted_by, drafted_at) VALUES (%d, 1, %d, 1) RETURNING id`, w.e1.ID, w.att.ID)).Scan(&item); err != nil {
				b.Fatal(err)
			}
			if err := s.DB().QueryRow(fmt.Sprintf(`INSERT INTO sow_items (engagement_id, sow_version_id, position, service, title, estimate_tenths, baseline_tenths, baseline_rate_minor,
			baseline_rate_currency, pricing, price_currency, task_code, activity_code) VALUES (%d, %d, 1, 'document_review', 'x', 1000, 2000, 30000, 'USD', 'hourly', 'INR', 'L110', 'A104') RETURNING id`,
				w.e1.ID, item)).Scan(&item); err != nil {
				b.Fatal(err)
			}
			const n = 20000
			err := s.Write(ctx, func(tx *store.Tx) error {
				for i := range n {
					day := domain.DateOf(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%365))
					x := domain.FirmTimeEntry{MatterID: w.m1.ID, EngagementID: w.e1.ID, UserID: w.att.ID, WorkedOn: day, Hours: 1, Purpose: domain.PurposeSupervision,
						TaskCode: "L110", ActivityCode: "A104", Narrative: "n", CreatedAt: t0}
					if err := tx.InsertFirmTime(ctx, &x); err != nil {
						return err
					}
					v := domain.TimeEntry{EngagementID: w.e1.ID, WorkItemID: item, UserID: w.vaAssigned.ID, WorkedOn: day, Hours: 1, TaskCode: "L110", ActivityCode: "A104",
						Narrative: "n", State: domain.TimeApproved}
					if err := tx.CreateTimeEntry(ctx, &v, t0); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				var rows []domain.SavingsRow
				read(b, s, func(ctx context.Context, tx *store.Tx) (err error) {
					rows, err = tx.SavingsRows(ctx, store.Scope{All: true}, store.SavingsFilter{From: "2026-10-01", To: "2026-12-31", Currency: "USD"})
					return err
				})
				if len(rows) == 0 {
					b.Fatal("no rows")
				}
			}
		})
	}
}
