package store_test

import (
	"context"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

// TestRefreshStatistics: on SQLite the planner's per-index averages are
// kept (sqlite_stat1) and the value histograms are not (sqlite_stat4, even
// when a manual ANALYZE made them), and a second refresh works on top of
// the first; on PostgreSQL, which keeps its own, it succeeds and does nothing.
func TestRefreshStatistics(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		s := testenv.OpenStore(t, e)
		if s.Engine() == "sqlite" {
			if _, err := s.DB().ExecContext(ctx, `ANALYZE`); err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < 2; i++ {
			if err := s.RefreshStatistics(ctx); err != nil {
				t.Fatalf("refresh %d: %v", i+1, err)
			}
		}
		if s.Engine() != "sqlite" {
			return
		}
		tables := map[string]bool{}
		rows, err := s.ReadDB().QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE name LIKE 'sqlite_stat%'`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				t.Fatal(err)
			}
			tables[name] = true
		}
		if !tables["sqlite_stat1"] || tables["sqlite_stat4"] {
			t.Errorf("statistics tables after the refresh: %v; want sqlite_stat1 and no sqlite_stat4", tables)
		}
		var n int
		if err := s.ReadDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_stat1`).Scan(&n); err != nil || n == 0 {
			t.Errorf("sqlite_stat1 holds %d rows (%v); want the indexes' averages", n, err)
		}
	})
}
