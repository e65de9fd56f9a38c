package demo_test

import (
	"context"
	"errors"
	"testing"

	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/progress"
	"github.com/probity/probity/internal/testenv"
)

// Loading the demo reports each stage, and a load cancelled part-way leaves
// the database empty (one transaction), so it can be loaded again.
func TestDemoLoadReportsProgressAndCancelsCleanly(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ctx = progress.WithFunc(ctx, func(_ string, done, _ int64) {
			if done == 5 {
				cancel()
			}
		})
		if err := demo.Load(ctx, s, t0); !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled load: %v, want context.Canceled", err)
		}
		for table, n := range counts(t, s) {
			if n != 0 {
				t.Errorf("a cancelled load left %d rows in %s", n, table)
			}
		}
		var last, total int64
		ctx = progress.WithFunc(context.Background(), func(_ string, done, all int64) { last, total = done, all })
		if err := demo.Load(ctx, s, t0); err != nil {
			t.Fatalf("load after the cancelled one: %v", err)
		}
		if last == 0 || last != total {
			t.Fatalf("last report %d of %d, want every stage", last, total)
		}
	})
}
