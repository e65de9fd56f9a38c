package progress

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a fake clock the test moves by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 5800: "5,800", 1234567: "1,234,567", -1000: "-1,000"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestTerminalBarRedrawsInPlaceAtMostTenTimesASecond(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	var out strings.Builder
	b := New(&out, Options{TTY: true, Now: c.now, Width: 12})
	b.Start("Importing matters", 10_000)
	for i := 1; i <= 100; i++ { // 100 updates within 50 ms: no redraw
		c.t = c.t.Add(500 * time.Microsecond)
		b.Add(10)
	}
	if n := strings.Count(out.String(), "\r"); n != 1 {
		t.Fatalf("%d redraws within 100 ms, want only the first: %q", n, out.String())
	}
	c.t = c.t.Add(12 * time.Second)
	b.Set(5_800)
	draws := strings.Split(out.String(), "\r")
	last := draws[len(draws)-1]
	if want := "Importing matters  [######......]   58%  5,800/10,000  12s"; last != want {
		t.Fatalf("line = %q, want %q", last, want)
	}
	b.Finish()
	if !strings.HasSuffix(out.String(), "\n") || strings.Count(out.String(), "\n") != 1 {
		t.Fatalf("Finish should end the one line: %q", out.String())
	}
}

func TestPlainOutputPrintsALineEveryTenth(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	var out strings.Builder
	b := New(&out, Options{Now: c.now, Width: 10})
	b.Start("Checking", 1000)
	for range 1000 {
		b.Add(1)
	}
	b.Finish()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 11 { // the start and each tenth; the finish repeats nothing
		t.Fatalf("%d lines, want 11:\n%s", len(lines), out.String())
	}
	if strings.Contains(out.String(), "\r") {
		t.Fatal("plain output must not redraw with \\r")
	}
	if want := "Checking  [##########]  100%  1,000/1,000  0s"; lines[10] != want {
		t.Fatalf("last line = %q, want %q", lines[10], want)
	}
}

func TestPlainOutputShowsWhereAStoppedJobGotTo(t *testing.T) {
	var out strings.Builder
	b := New(&out, Options{Width: 10})
	b.Start("Rewrapping", 100)
	b.Set(53)
	b.Finish()
	if !strings.Contains(out.String(), "53/100") {
		t.Fatalf("the last state is missing: %q", out.String())
	}
}

func TestQuietPrintsNothing(t *testing.T) {
	var out strings.Builder
	b := New(&out, Options{Quiet: true, TTY: true})
	f := b.Func()
	f("Importing", 5, 10)
	f("Importing", 10, 10)
	b.Finish()
	if out.Len() != 0 {
		t.Fatalf("quiet bar wrote %q", out.String())
	}
}

func TestFuncStartsANewLinePerStageAndReportReachesIt(t *testing.T) {
	var out strings.Builder
	b := New(&out, Options{Width: 4})
	ctx := WithFunc(context.Background(), b.Func())
	Report(ctx, "Checking matters", 2, 2)
	Report(ctx, "Importing matters", 1, 2)
	Report(ctx, "Importing matters", 2, 2)
	b.Finish()
	s := out.String()
	if !strings.Contains(s, "Checking matters  [####]  100%  2/2") || !strings.Contains(s, "Importing matters  [####]  100%  2/2") {
		t.Fatalf("both stages should be shown complete:\n%s", s)
	}
	Report(context.Background(), "nobody listens", 1, 1) // no Func: nothing happens
}

func TestConcurrentAddCountsEveryUnit(t *testing.T) {
	var out strings.Builder
	b := New(&out, Options{Quiet: true})
	b.Start("Verifying", 8000)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				b.Add(1)
			}
		})
	}
	wg.Wait()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done != 8000 {
		t.Fatalf("done = %d, want 8000", b.done)
	}
}

func TestUnknownTotalShowsACount(t *testing.T) {
	var out strings.Builder
	b := New(&out, Options{TTY: true})
	b.Start("Verifying documents", 0)
	b.Set(1234)
	b.Finish()
	if !strings.Contains(out.String(), "Verifying documents  1,234  0s") {
		t.Fatalf("got %q", out.String())
	}
}

func TestWithFuncKeepsTheOuterFunc(t *testing.T) {
	var outer, inner int64
	ctx := WithFunc(context.Background(), func(_ string, done, _ int64) { outer = done })
	ctx = WithFunc(ctx, func(_ string, done, _ int64) { inner = done })
	Report(ctx, "x", 7, 10)
	if outer != 7 || inner != 7 {
		t.Fatalf("outer %d, inner %d: both should see 7", outer, inner)
	}
}

// BenchmarkReportToBar is the cost of one report reaching a terminal bar
// (most are throttled away): what a job pays per row it reports.
func BenchmarkReportToBar(b *testing.B) {
	b.ReportAllocs()
	bar := New(io.Discard, Options{TTY: true})
	ctx := WithFunc(context.Background(), bar.Func())
	var n int64
	for b.Loop() {
		n++
		Report(ctx, "Exporting", n, 1<<40)
	}
}
