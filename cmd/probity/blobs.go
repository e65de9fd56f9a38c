package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
)

// `probity blobs`: housekeeping of the encrypted document store.
//
//	blobs sweep [--older-than 24h] [--dry-run]   remove stored files no document names, and leftovers of interrupted uploads

const blobsUsage = `Usage:
  probity blobs sweep [--older-than 24h] [--dry-run] [flags]
Removes the files in the document store that no document names (left by a
crash or a failed upload) and the leftovers of interrupted uploads, once they
are older than --older-than; files that documents name are never touched.
--dry-run reports what would go and removes nothing. An age below the longest
an upload can take may remove an upload still in flight: use 0 only while no
server is running.
`

func (m *Main) blobs(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, blobsUsage)
		return usageError("blobs needs a subcommand: sweep")
	}
	switch args[0] {
	case "sweep":
		return m.blobsSweep(ctx, args[1:])
	case "help", "-h", "--help":
		fmt.Fprint(m.Stderr, blobsUsage)
		return nil
	}
	fmt.Fprint(m.Stderr, blobsUsage)
	return usageError("unknown blobs subcommand " + args[0])
}

func (m *Main) blobsSweep(ctx context.Context, args []string) error {
	var olderThan time.Duration
	var dryRun bool
	c, fs, err := m.parse("blobs sweep", "blobs sweep [--older-than 24h] [--dry-run] [flags]", args, func(fs *flag.FlagSet) {
		fs.DurationVar(&olderThan, "older-than", app.DefaultSweepAge, "remove only files written longer ago than this (e.g. 24h, 90m)")
		fs.BoolVar(&dryRun, "dry-run", false, "report what would be removed and remove nothing")
	})
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("blobs sweep takes no arguments; unexpected " + strings.Join(fs.Args(), " "))
	}
	if olderThan < 0 {
		return usageError(fmt.Sprintf("--older-than must be zero or more, not %s", olderThan))
	}
	a, done, err := m.keysApp(ctx, c)
	if err != nil {
		return err
	}
	defer done()
	rep, err := a.SweepOrphanBlobs(ctx, olderThan, dryRun)
	if err != nil {
		if rep.Orphans+rep.Partials > 0 {
			m.printSweep(rep)
		}
		return err
	}
	m.printSweep(rep)
	return nil
}

// printSweep says what a sweep removed (or would) and what it kept.
func (m *Main) printSweep(rep app.SweepReport) {
	verb := "Removed"
	if rep.DryRun {
		verb = "Dry run: would remove"
	}
	fmt.Fprintf(m.Stdout, "%s %s no document names and %s of interrupted uploads, older than %s: %s freed.\n", verb,
		count(rep.Orphans, "stored file", "stored files"), count(rep.Partials, "leftover", "leftovers"), rep.OlderThan, domain.FormatBytes(rep.Freed()))
	fmt.Fprintf(m.Stdout, "Kept %s that documents name, %s and %s younger than that.\n",
		count(rep.Named, "file", "files"), count(rep.YoungOrphans, "unnamed file", "unnamed files"), count(rep.YoungPartials, "leftover", "leftovers"))
	if rep.DryRun {
		fmt.Fprintln(m.Stdout, "Nothing was removed (--dry-run).")
	}
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
