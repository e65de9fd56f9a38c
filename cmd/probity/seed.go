package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/progress"
	"github.com/probity/probity/internal/seed"
)

// seed generates a realistic firm's worth of data (internal/seed) into an
// empty database, for benchmarks, load tests and trying Probity at scale.
func (m *Main) seed(ctx context.Context, args []string) error {
	var size string
	var quiet bool
	c, _, err := m.parse("seed", "seed --size small|large [--quiet] [flags]", args, func(fs *flag.FlagSet) {
		fs.StringVar(&size, "size", "", "how much to generate: small (a few of everything, seconds) or large (5,000 matters, 300 vendors, 1,000,000 parties, 5,000,000 time entries, "+
			"1,000,000 audit events, 200,000 documents' records, 10,000 message threads: minutes)")
		quietFlag(fs, &quiet)
	})
	if err != nil {
		return err
	}
	var z seed.Size
	switch size {
	case "small":
		z = seed.Small
	case "large":
		z = seed.Large
	default:
		return usageError("--size must be small or large")
	}
	z.Now = m.Now()
	s, err := m.openStore(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.Migrate(ctx, m.Now()); err != nil {
		return err
	}
	// A run stopped part-way left its mark: say so rather than "holds people".
	state, err := seed.State(ctx, s)
	if err != nil {
		return err
	}
	if strings.HasPrefix(state, seed.StatePartial) {
		return domain.Errorf(domain.EConflict, "this database holds a partial %s data set from a seed that was stopped part-way: "+
			"delete it (a new --data directory, or drop and recreate the PostgreSQL database) and seed again", strings.TrimSpace(strings.TrimPrefix(state, seed.StatePartial)))
	}
	if strings.HasPrefix(state, seed.StateComplete) {
		return domain.Errorf(domain.EConflict, "this database already holds a generated %s data set: seed only into an empty database", strings.TrimSpace(strings.TrimPrefix(state, seed.StateComplete)))
	}
	bctx, finish := m.withBar(ctx, quiet)
	label := "Seeding the " + z.Name + " data set"
	_, err = seed.Generate(bctx, s, z, func(done, total int64, stage string) {
		progress.Report(bctx, label, done, total)
	})
	finish()
	if err != nil {
		if errors.Is(err, context.Canceled) && ctx.Err() != nil {
			if st, _ := seed.State(context.WithoutCancel(ctx), s); st == "" {
				return interrupted(ctx, err, "nothing was written (the first transaction was rolled back)")
			}
			return interrupted(ctx, err, "the data set is partial: the rows of the transactions that finished are kept and the database is marked partial; "+
				"a new `probity seed` refuses it: delete it and seed again")
		}
		return err
	}
	if err := s.RefreshStatistics(ctx); err != nil { // the planner's view of the new rows (store/statistics.go)
		return err
	}
	fmt.Fprintf(m.Stdout, "Generated the %s data set in the %s database: %d clients, %d matters with %d parties, %d vendors, %d engagements with %d documents' records "+
		"and %d messages in %d threads, %d vendor time entries, %d firm time entries, %d audit events.\n",
		z.Name, s.Engine(), z.Clients, z.Matters, z.Parties, z.Vendors, z.Engagements, z.Documents, z.Messages, z.Threads, z.TimeEntries, z.FirmTime, z.AuditEvents)
	fmt.Fprintln(m.Stdout, "The documents are records only, with no stored file (key id \"none\"): they list and search like any other, but none can be downloaded.")
	fmt.Fprintln(m.Stdout, "Generated people have no password: give one with `probity user passwd --email EMAIL` (the administrator is admin@harlowfinch.example, the attorneys attorney1@harlowfinch.example and on).")
	return nil
}
