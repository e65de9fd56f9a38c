package app

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/probity/probity/internal/blob"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// The orphan sweep. A document's ciphertext is written to the blob store
// before the transaction that records it commits, so a crash, a failed
// transaction or a cancelled upload can leave a stored file that no row
// names (an orphan), and a write cut off part-way leaves a temporary file
// (Dir) or an unfinished multipart upload (S3). SweepOrphanBlobs finds and
// removes them once they are older than an age that no upload in flight
// reaches.

// DefaultSweepAge is how old an unnamed file must be before the sweep
// removes it: far longer than any upload takes from its first byte to its
// commit.
const DefaultSweepAge = 24 * time.Hour

// blobSweeper is the actor of the orphan sweep in the audit trail.
var blobSweeper = domain.User{Name: "Probity (document storage sweep)"}

// SweepReport is what one sweep found and removed (or, in a dry run, would
// remove). Byte counts are of stored ciphertext.
type SweepReport struct {
	DryRun    bool
	OlderThan time.Duration

	Objects      int   // complete files in the store
	Named        int   // of them, named by a database row: kept
	YoungOrphans int   // unnamed but younger than OlderThan: kept
	Orphans      int   // unnamed and older: removed
	OrphanBytes  int64 // their size

	Partials      int   // leftovers of interrupted writes older than OlderThan: removed
	PartialBytes  int64 // their size, where the backend tells (S3 does not)
	YoungPartials int   // younger leftovers (perhaps writes still going): kept
}

// Freed is how many bytes the sweep removed (or would remove).
func (r SweepReport) Freed() int64 { return r.OrphanBytes + r.PartialBytes }

// SweepOrphanBlobs removes every stored file that no database row names and
// that was written more than olderThan ago, and every leftover of an
// interrupted write that old. With dryRun it removes nothing and reports
// what would go. When it removed something it records one audit event with
// the counts (never the keys). It refuses, removing nothing, when the store
// holds files and the database names none of them: that is the wrong
// database or the wrong store, not a store of orphans.
//
// An olderThan of zero removes every unnamed file at once; that is safe only
// while no server is writing to the store (an upload's file exists before
// its row commits).
func (a *App) SweepOrphanBlobs(ctx context.Context, olderThan time.Duration, dryRun bool) (SweepReport, error) {
	rep := SweepReport{DryRun: dryRun, OlderThan: olderThan}
	if a.Blobs == nil {
		return rep, domain.Errorf(domain.EUnavailable, "document storage is not configured on this server")
	}
	if olderThan < 0 {
		return rep, domain.Invalid("older_than", "the age must be zero or more, not %s", olderThan)
	}
	b := a.Blobs.Backend()
	cutoff := a.Now().Add(-olderThan)

	// Race safety: the stored files are listed first and the named keys
	// read afterwards. An upload writes its file, then commits the row that
	// names it. If such a file is listed and its row commits at any moment
	// before the keys are read, its key is in the set and the file is kept.
	// If the row commits later, the upload was still in flight when the
	// keys were read; its file was written less than olderThan ago (no
	// upload takes that long), so it is too young to remove. Reading the
	// keys first would open a gap: a file written and committed between the
	// two reads would be listed yet absent from an older set of keys.
	var objects []blob.Object
	if err := b.List(ctx, func(o blob.Object) error {
		objects = append(objects, o)
		return nil
	}); err != nil {
		return rep, fmt.Errorf("list stored documents: %w", err)
	}
	var named map[string]struct{}
	if err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		named, err = tx.StorageKeys(ctx)
		return err
	}); err != nil {
		return rep, fmt.Errorf("read the documents' storage keys: %w", err)
	}

	var orphans []blob.Object
	rep.Objects = len(objects)
	for _, o := range objects {
		switch _, ok := named[o.Key]; {
		case ok:
			rep.Named++
		case o.ModTime.After(cutoff):
			rep.YoungOrphans++
		default:
			orphans = append(orphans, o)
		}
	}
	if rep.Objects > 0 && rep.Named == 0 && len(named) > 0 {
		return rep, domain.Errorf(domain.EConflict, "none of the %d files in the document store is one of the %d documents this database records: "+
			"this is the wrong database or the wrong document store, so nothing was removed", rep.Objects, len(named))
	}
	if rep.Objects > 0 && len(named) == 0 && len(orphans) > 0 {
		return rep, domain.Errorf(domain.EConflict, "this database records no documents but the document store holds %d files: "+
			"check that this is the right database and store; nothing was removed", rep.Objects)
	}

	var partials []blob.Partial
	if err := b.ListPartial(ctx, func(p blob.Partial) error {
		if p.Started.After(cutoff) {
			rep.YoungPartials++
			return nil
		}
		partials = append(partials, p)
		return nil
	}); err != nil {
		return rep, fmt.Errorf("list interrupted writes: %w", err)
	}

	if dryRun {
		for _, o := range orphans {
			rep.Orphans++
			rep.OrphanBytes += o.Size
		}
		for _, p := range partials {
			rep.Partials++
			rep.PartialBytes += p.Size
		}
		return rep, nil
	}
	var err error
	for _, o := range orphans {
		if err = b.Delete(ctx, o.Key); err != nil {
			err = fmt.Errorf("remove orphaned file: %w", err)
			break
		}
		rep.Orphans++
		rep.OrphanBytes += o.Size
	}
	for _, p := range partials {
		if err != nil {
			break
		}
		if err = b.DeletePartial(ctx, p); err != nil {
			err = fmt.Errorf("remove an interrupted write: %w", err)
			break
		}
		rep.Partials++
		rep.PartialBytes += p.Size
	}
	if rep.Orphans+rep.Partials > 0 {
		// What was removed is recorded even when a later removal failed or
		// the caller gave up.
		if aerr := a.Store.Write(context.WithoutCancel(ctx), func(tx *store.Tx) error {
			return a.audit(ctx, tx, blobSweeper, Record{Action: "documents.sweep", ObjectType: "documents", Summary: rep.summary()})
		}); aerr != nil && err == nil {
			err = aerr
		}
	}
	return rep, err
}

// summary says what the sweep removed, in counts and bytes, never keys.
func (r SweepReport) summary() string {
	var parts []string
	if r.Orphans > 0 {
		parts = append(parts, fmt.Sprintf("%s that no record names (%s)", plural(r.Orphans, "stored file", "stored files"), domain.FormatBytes(r.OrphanBytes)))
	}
	if r.Partials > 0 {
		parts = append(parts, plural(r.Partials, "leftover", "leftovers")+" of interrupted uploads")
	}
	return fmt.Sprintf("removed %s, older than %s; kept %d named files", strings.Join(parts, " and "), r.OlderThan, r.Named)
}

// RunBlobSweep runs SweepOrphanBlobs with DefaultSweepAge at once and then
// every interval until ctx ends. Several servers may run it together: a
// file is removed only when no row names it after it was listed, and a
// removal of a file already gone is not an error; still, running it on one
// server (the leader) avoids duplicate audit events. Without a document
// store it returns at once.
func (a *App) RunBlobSweep(ctx context.Context, every time.Duration) {
	if a.Blobs == nil {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		rep, err := a.SweepOrphanBlobs(ctx, DefaultSweepAge, false)
		switch {
		case err != nil && ctx.Err() == nil:
			a.Log.Error("sweep orphaned document files", slog.Any("err", err))
		case rep.Orphans+rep.Partials > 0:
			a.Log.Info("removed orphaned document files", slog.Int("files", rep.Orphans), slog.Int("interrupted_writes", rep.Partials),
				slog.Int64("bytes", rep.Freed()))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
