package conflicts

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/probity/probity/internal/conflicts/synthnames"
)

// BenchmarkConflictCheck checks a 20-party matter against 1,000,000 party
// names held in memory and reports the p50 and p99 time of one check, the
// time NewIndex takes and the memory held by the index. BenchmarkConflictCheckDB
// (package dbbench) does the same with the names stored in a database.
func BenchmarkConflictCheck(b *testing.B) {
	const size = 1_000_000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := rand.New(rand.NewPCG(2026, 11))
	parties := make([]Party, size)
	for i := range parties {
		parties[i] = Party{ID: int64(i + 1), Name: synthnames.Name(r)}
	}
	start := time.Now()
	ix := NewIndex(parties)
	build := time.Since(start)
	sample := make([]string, 2000)
	for i := range sample {
		sample[i] = parties[r.IntN(size)].Name
	}
	parties = nil
	runtime.GC()
	runtime.ReadMemStats(&after)
	indexMB := float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
	b.Logf("index of %d names: built in %v, %.0f MB held, %d words, %d keys", ix.Len(), build.Round(time.Millisecond), indexMB, len(ix.words), ix.keys.n)

	matters := make([][]string, 256)
	mr := rand.New(rand.NewPCG(7, 7))
	for i := range matters {
		matters[i] = synthnames.Matter(mr, sample)
	}

	report := func(b *testing.B, d []time.Duration) {
		slices.Sort(d)
		ms := func(q float64) float64 { return float64(d[int(q*float64(len(d)-1))]) / 1e6 }
		b.ReportMetric(ms(0.50), "p50-ms")
		b.ReportMetric(ms(0.99), "p99-ms")
		b.ReportMetric(indexMB, "index-MB")
		b.ReportMetric(build.Seconds(), "build-s")
	}

	// "index" is Check as the application calls it (the parties looked up in
	// parallel, one per processor); "index-one-core" looks them up one after
	// the other, for comparison with engines that answer on one core.
	for _, c := range []struct {
		name    string
		workers int
	}{{"index", runtime.GOMAXPROCS(0)}, {"index-one-core", 1}} {
		b.Run(c.name, func(b *testing.B) {
			d := make([]time.Duration, 0, b.N)
			hits := 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				hits += len(ix.check(matters[i%len(matters)], threshold, c.workers))
				d = append(d, time.Since(t0))
			}
			b.StopTimer()
			report(b, d)
			b.ReportMetric(float64(hits)/float64(b.N), "hits/check")
		})
	}

	b.Run("reference-exact-map", func(b *testing.B) {
		exact := make(map[string]int32, ix.Len())
		for i := range ix.Len() {
			exact[Normalize(ix.name(int32(i))).Sorted()] = int32(i)
		}
		d := make([]time.Duration, 0, b.N)
		hits := 0
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			for _, n := range matters[i%len(matters)] {
				if _, ok := exact[Normalize(n).Sorted()]; ok {
					hits++
				}
			}
			d = append(d, time.Since(t0))
		}
		b.StopTimer()
		report(b, d)
		b.ReportMetric(float64(hits)/float64(b.N), "hits/check")
	})
}
