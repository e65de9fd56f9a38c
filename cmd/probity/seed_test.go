package main

import (
	"context"
	"strings"
	"testing"

	"github.com/probity/probity/internal/progress"
	"github.com/probity/probity/internal/seed"
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
