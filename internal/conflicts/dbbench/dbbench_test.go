package dbbench

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/probity/probity/internal/conflicts"
	"github.com/probity/probity/internal/domain"
)

// engineState is one engine's database, index and (PostgreSQL) pg_trgm
// setup, built once per test process.
type engineState struct {
	f       *fixture
	b       *built
	t       *trgm
	quality comparison
}

var (
	statesMu sync.Mutex
	states   = map[string]*engineState{}
)

// benchNames and benchChecked size the benchmark: 1,000,000 stored names,
// of which 256 matters of 20 are checked in turn.
const (
	benchNames   = 1_000_000
	benchChecked = 256
)

func state(b *testing.B, engine string) *engineState {
	statesMu.Lock()
	defer statesMu.Unlock()
	if st, ok := states[engine]; ok {
		return st
	}
	st := &engineState{f: newFixture(b, engine, benchNames, benchChecked)}
	st.b = buildIndex(b, st.f)
	b.Logf("%s: %d names stored in %v; loaded in %v, index built in %v, %.0f MB",
		engine, len(st.f.names), st.f.fill.Round(time.Millisecond), st.b.load.Round(time.Millisecond), st.b.build.Round(time.Millisecond), st.b.indexMB)
	if engine == "postgres" {
		st.t = setupTrgm(b, st.f)
		st.quality = compareQuality(b, st.f.store.DB(), st.t)
		b.Logf("postgres: GIN trigram index built in %v; %s", st.t.index.Round(time.Millisecond), st.quality.report())
		c := st.t.checker(b, st.f, setLimit(st.quality.best.threshold))
		b.Logf("postgres: pg_trgm's plan for a check:\n%s", c.plan(context.Background(), st.t, st.f.matters[0]))
		c.close()
	}
	states[engine] = st
	return st
}

// BenchmarkConflictCheckDB checks one matter of 20 parties against
// 1,000,000 party names stored in the parties table, on each engine: the
// index built from the database (Tx.IndexedNames, as party search does),
// each check reading the matter's parties from the database. On PostgreSQL,
// the same check by pg_trgm's similarity search with a GIN index is the
// reference, at the threshold giving pg_trgm its best recall at precision at
// least 0.95 on the labelled pairs, and again at the threshold where its
// recall equals Probity's.
func BenchmarkConflictCheckDB(b *testing.B) {
	ctx := context.Background()
	for _, engine := range engines(b) {
		st := state(b, engine)
		b.Run(engine+"/index", func(b *testing.B) {
			// The percentiles are over one check of every matter (and the
			// timed checks), however few iterations the run asks for (not in
			// the first run of one iteration, which only warms up).
			var d []time.Duration
			if b.N > 1 {
				for _, m := range st.f.matters {
					t0 := time.Now()
					if _, err := checkMatter(ctx, st.f, st.b, m, domain.ConflictThreshold); err != nil {
						b.Fatal(err)
					}
					d = append(d, time.Since(t0))
				}
			}
			hits := 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				found, err := checkMatter(ctx, st.f, st.b, st.f.matters[i%len(st.f.matters)], domain.ConflictThreshold)
				d = append(d, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}
				hits += len(found)
			}
			b.StopTimer()
			p50, p99 := percentiles(d)
			b.ReportMetric(p50, "p50-ms")
			b.ReportMetric(p99, "p99-ms")
			b.ReportMetric(float64(hits)/float64(b.N), "hits/check")
			b.ReportMetric(st.b.indexMB, "index-MB")
			b.ReportMetric(st.b.load.Seconds(), "load-s")
			b.ReportMetric(st.b.build.Seconds(), "build-s")
			if st.t != nil {
				b.ReportMetric(st.quality.probity.recall, "recall")
				b.ReportMetric(st.quality.probity.precision, "precision")
			}
		})
		if st.t == nil {
			continue
		}
		for _, v := range []struct {
			name string
			q    quality
		}{{"reference-pg_trgm", st.quality.best}, {"pg_trgm-equal-recall", st.quality.equal}} {
			b.Run(engine+"/"+v.name, func(b *testing.B) {
				c := st.t.checker(b, st.f, setLimit(v.q.threshold))
				defer c.close()
				d := make([]time.Duration, 0, b.N)
				hits := 0
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					t0 := time.Now()
					n, err := c.check(ctx, st.f.matters[i%len(st.f.matters)])
					d = append(d, time.Since(t0))
					if err != nil {
						b.Fatal(err)
					}
					hits += n
				}
				b.StopTimer()
				p50, p99 := percentiles(d)
				b.ReportMetric(p50, "p50-ms")
				b.ReportMetric(p99, "p99-ms")
				b.ReportMetric(float64(hits)/float64(b.N), "hits/check")
				b.ReportMetric(v.q.threshold, "threshold")
				b.ReportMetric(v.q.recall, "recall")
				b.ReportMetric(v.q.precision, "precision")
				b.ReportMetric(st.t.index.Seconds(), "gin-build-s")
			})
		}
	}
}

// TestConflictCheckDB runs the benchmark's steps on 10,000 names on each
// engine, so they cannot rot: the index built from the database holds every
// stored name and finds exactly what an index built from the same names in
// memory finds; on PostgreSQL, pg_trgm's check uses the GIN index and finds
// hits, and both engines' recall and precision on the labelled pairs are
// printed side by side.
func TestConflictCheckDB(t *testing.T) {
	ctx := context.Background()
	for _, engine := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			f := newFixture(t, engine, 10_000, 16)
			b := buildIndex(t, f)
			if b.nameCount != len(f.names) || b.ix.Len() != len(f.names) {
				t.Fatalf("index of %d names (%d loaded), want %d", b.ix.Len(), b.nameCount, len(f.names))
			}
			// The same names indexed straight from memory.
			ps := make([]conflicts.Party, len(f.names))
			for i, n := range f.names {
				ps[i] = conflicts.Party{ID: int64(i), Name: n}
			}
			mem := conflicts.NewIndex(ps)
			total := 0
			for _, m := range f.matters {
				got, err := checkMatter(ctx, f, b, m, domain.ConflictThreshold)
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				for i, mm := range f.matter {
					if mm == m {
						names = append(names, f.names[i])
					}
				}
				var want []conflicts.Match
				for _, x := range mem.Check(names, domain.ConflictThreshold) {
					if f.matter[x.BID] != m {
						want = append(want, x)
					}
				}
				if g, w := hitSet(got), hitSet(want); !slices.Equal(g, w) {
					t.Fatalf("matter %d: checked against the database's names: %q; against the same names in memory: %q", m, g, w)
				}
				total += len(got)
			}
			if total < len(f.matters) {
				t.Fatalf("%d hits over %d matters, half of whose parties are stored names with a typo", total, len(f.matters))
			}
			if engine != "postgres" {
				return
			}
			tr := setupTrgm(t, f)
			q := compareQuality(t, f.store.DB(), tr)
			t.Log(q.report())
			fmt.Println("conflicts/dbbench:", q.report())
			if q.probity.recall < 0.98 || q.probity.precision < 0.95 || q.best.precision < 0.95 || q.equal.recall < q.probity.recall {
				t.Errorf("quality out of bounds: %s", q.report())
			}
			c := tr.checker(t, f, setLimit(q.best.threshold))
			defer c.close()
			if plan := c.plan(ctx, tr, f.matters[0]); !strings.Contains(plan, "parties_name_trgm") || !strings.Contains(plan, "parties_matter") {
				t.Errorf("pg_trgm's check does not use the GIN index and the matter's index:\n%s", plan)
			}
			n := 0
			for _, m := range f.matters {
				k, err := c.check(ctx, m)
				if err != nil {
					t.Fatal(err)
				}
				n += k
			}
			if n == 0 {
				t.Errorf("pg_trgm found nothing in %d matters at threshold %.3f", len(f.matters), q.best.threshold)
			}
		})
	}
}

// hitSet is the pairs of names of a check's matches, sorted.
func hitSet(ms []conflicts.Match) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, fmt.Sprintf("%s | %s | %.4f", m.A, m.B, m.Score))
	}
	slices.Sort(out)
	return out
}
