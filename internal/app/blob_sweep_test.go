package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/blob"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/testenv"
)

// sweepBackend is a blob backend under test and a way to leave behind what
// a write cut off part-way leaves.
type sweepBackend struct {
	blob.Backend
	plantPartial func(tb testing.TB)
}

// forEachSweepBackend runs f on each engine with the directory backend and
// with a real S3-compatible server.
func forEachSweepBackend(t *testing.T, f func(t *testing.T, e testenv.Engine, b sweepBackend)) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		t.Run("dir", func(t *testing.T) {
			d, err := blob.NewDir(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			f(t, e, sweepBackend{d, func(tb testing.TB) {
				tb.Helper()
				if err := os.WriteFile(filepath.Join(d.Root(), "tmp", "put-"+randomKey(tb)), []byte("half a document"), 0o600); err != nil {
					tb.Fatal(err)
				}
			}})
		})
		t.Run("s3", func(t *testing.T) {
			c := testenv.S3(t)
			s, err := blob.NewS3(context.Background(), c)
			if err != nil {
				t.Fatal(err)
			}
			f(t, e, sweepBackend{s, func(tb testing.TB) { tb.Helper(); plantS3Upload(tb, c) }})
		})
	})
}

// plantS3Upload starts a multipart upload, sends one part and never
// completes it, as a server killed mid-upload does.
func plantS3Upload(tb testing.TB, c blob.S3Config) {
	tb.Helper()
	ctx := context.Background()
	ep, _ := url.Parse(c.Endpoint)
	cl, err := minio.NewCore(ep.Host, &minio.Options{Creds: credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""), Region: c.Region,
		BucketLookup: minio.BucketLookupPath})
	if err != nil {
		tb.Fatal(err)
	}
	key := randomKey(tb)
	name := key[:2] + "/" + key
	id, err := cl.NewMultipartUpload(ctx, c.Bucket, name, minio.PutObjectOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	part := bytes.Repeat([]byte{7}, 1024)
	if _, err := cl.PutObjectPart(ctx, c.Bucket, name, id, 1, bytes.NewReader(part), int64(len(part)), minio.PutObjectPartOptions{}); err != nil {
		tb.Fatal(err)
	}
}

func randomKey(tb testing.TB) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	return fmt.Sprintf("%x", b)
}

// listing is every complete object's key and size, and how many partial
// writes the backend holds.
func listing(tb testing.TB, b blob.Backend) (map[string]int64, int) {
	tb.Helper()
	objs := map[string]int64{}
	if err := b.List(context.Background(), func(o blob.Object) error { objs[o.Key] = o.Size; return nil }); err != nil {
		tb.Fatal(err)
	}
	partials := 0
	if err := b.ListPartial(context.Background(), func(blob.Partial) error { partials++; return nil }); err != nil {
		tb.Fatal(err)
	}
	return objs, partials
}

// A sweep removes exactly the stored files no row names that are older than
// the age, and the leftovers of interrupted writes that old; it keeps every
// named file (each document still downloads with its SHA-256) and younger
// orphans. A dry run removes nothing; a second sweep finds nothing; one
// audit event records the counts, never the keys.
func TestSweepOrphanBlobs(t *testing.T) {
	forEachSweepBackend(t, func(t *testing.T, e testenv.Engine, b sweepBackend) {
		f := newDocFixture(t, e)
		f.a.Blobs = blob.New(b, f.kek).WithSegment(1024)
		ctx := f.ctx
		contents := map[int64][]byte{}
		for i, who := range []string{emMarcus, emAnika, emRohan} {
			content := []byte(strings.Repeat(fmt.Sprintf("line %d of a review note\n", i), 100*(i+1)))
			ed := f.upload(t, who, fmt.Sprintf("note-%d.txt", i), "", content)
			contents[ed.ID] = content
		}
		named, _ := listing(t, b)
		if len(named) != 3 {
			t.Fatalf("%d stored files after three uploads", len(named))
		}
		// Old orphans (a file whose transaction never committed) and an old
		// interrupted write.
		old := map[string]int64{}
		for _, n := range []int{1, 4096} {
			k := randomKey(t)
			if err := b.Put(context.Background(), k, bytes.NewReader(make([]byte, n))); err != nil {
				t.Fatal(err)
			}
			old[k] = int64(n)
		}
		b.plantPartial(t)
		// Wait until the clock has passed every time stamp so far, the
		// interrupted write's included (on a loaded machine it can start in
		// a later second than the objects), by a second (S3 keeps times to
		// the second), so that what is planted next is younger than the
		// cut-off for certain.
		var newest time.Time
		_ = b.List(context.Background(), func(o blob.Object) error {
			if o.ModTime.After(newest) {
				newest = o.ModTime
			}
			return nil
		})
		_ = b.ListPartial(context.Background(), func(p blob.Partial) error {
			if p.Started.After(newest) {
				newest = p.Started
			}
			return nil
		})
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(newest.Add(1100 * time.Millisecond)); {
			if time.Now().After(deadline) {
				t.Fatalf("the clock did not pass %v", newest)
			}
			<-time.After(20 * time.Millisecond) // polling the clock, not synchronising
		}
		cutoff := newest.Add(500 * time.Millisecond)
		young := randomKey(t)
		if err := b.Put(context.Background(), young, bytes.NewReader([]byte("in flight"))); err != nil {
			t.Fatal(err)
		}
		b.plantPartial(t)
		all, partials := listing(t, b)
		if len(all) != 6 || partials != 2 {
			t.Fatalf("before sweeping: %d files, %d partial writes", len(all), partials)
		}

		f.a.Now = func() time.Time { return cutoff.Add(app.DefaultSweepAge) }
		audits := f.count(t, "audit_events")
		want := app.SweepReport{DryRun: true, OlderThan: app.DefaultSweepAge, Objects: 6, Named: 3, YoungOrphans: 1, Orphans: 2, OrphanBytes: 4097,
			Partials: 1, YoungPartials: 1}
		if _, ok := b.Backend.(*blob.Dir); ok {
			want.PartialBytes = int64(len("half a document"))
		}
		rep, err := f.a.SweepOrphanBlobs(ctx, app.DefaultSweepAge, true)
		if err != nil || rep != want {
			t.Fatalf("dry run: %+v, %v\nwant %+v", rep, err, want)
		}
		if now, p := listing(t, b); len(now) != 6 || p != 2 || f.count(t, "audit_events") != audits {
			t.Fatalf("the dry run removed something or was audited: %d files, %d partial writes", len(now), p)
		}

		want.DryRun = false
		rep, err = f.a.SweepOrphanBlobs(ctx, app.DefaultSweepAge, false)
		if err != nil || rep != want || rep.Freed() != 4097+want.PartialBytes {
			t.Fatalf("sweep: %+v, %v\nwant %+v", rep, err, want)
		}
		left, p := listing(t, b)
		for k := range old {
			if _, ok := left[k]; ok {
				t.Errorf("old orphan %s kept", k)
			}
		}
		for k := range named {
			if _, ok := left[k]; !ok {
				t.Errorf("named file %s removed", k)
			}
		}
		if _, ok := left[young]; !ok || len(left) != 4 || p != 1 {
			t.Fatalf("after the sweep: %v, %d partial writes; want the 3 named files, the young orphan and the young partial write", left, p)
		}
		if n := f.count(t, "audit_events") - audits; n != 1 {
			t.Fatalf("%d audit events, want 1", n)
		}
		var action, summary, actor string
		if err := f.a.Store.DB().QueryRow(`SELECT action, summary, actor_name FROM audit_events ORDER BY seq DESC LIMIT 1`).Scan(&action, &summary, &actor); err != nil {
			t.Fatal(err)
		}
		if action != "documents.sweep" || !strings.Contains(summary, "2 stored files") || !strings.Contains(summary, "1 leftover") || actor == "" {
			t.Fatalf("audit event %s by %q: %s", action, actor, summary)
		}
		for k := range old {
			if strings.Contains(summary, k) {
				t.Fatalf("the audit event names a storage key: %s", summary)
			}
		}

		// Running again finds nothing and records nothing.
		again, err := f.a.SweepOrphanBlobs(ctx, app.DefaultSweepAge, false)
		if err != nil || again.Orphans != 0 || again.Partials != 0 || again.Named != 3 || again.YoungOrphans != 1 || f.count(t, "audit_events") != audits+1 {
			t.Fatalf("second sweep: %+v, %v", again, err)
		}
		// With no age at all the young ones go too; the named files stay.
		rep, err = f.a.SweepOrphanBlobs(ctx, 0, false)
		if err != nil || rep.Orphans != 1 || rep.Partials != 1 || rep.Named != 3 {
			t.Fatalf("sweep with age 0: %+v, %v", rep, err)
		}
		if left, p := listing(t, b); len(left) != 3 || p != 0 {
			t.Fatalf("after the sweep with age 0: %d files, %d partial writes", len(left), p)
		}

		// Every document still downloads, whole and with its SHA-256.
		f.a.Now = func() time.Time { return t0 }
		for id, content := range contents {
			ds, err := f.a.DownloadEngagementDocument(ctx, f.people[emRohan], f.active, id)
			if err != nil {
				t.Fatalf("download %d: %v", id, err)
			}
			got, err := readStream(t, ds)
			if err != nil || !bytes.Equal(got, content) || blob.Sum(got) != ds.Document.SHA256 {
				t.Fatalf("download %d after the sweep: %d bytes, %v", id, len(got), err)
			}
		}
	})
}

// A store none of whose files the database names is the wrong store (or the
// wrong database): the sweep refuses and removes nothing. A negative age is
// refused too.
func TestSweepOrphanBlobsRefusesAStoreTheDatabaseDoesNotKnow(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newDocFixture(t, e)
		f.upload(t, emMarcus, "note.txt", "", []byte("a note\n"))
		other, err := blob.NewDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		stranger := randomKey(t)
		if err := other.Put(context.Background(), stranger, bytes.NewReader([]byte("someone else's"))); err != nil {
			t.Fatal(err)
		}
		f.a.Blobs = blob.New(other, f.kek)
		f.a.Now = func() time.Time { return time.Now().Add(48 * time.Hour) }
		audits := f.count(t, "audit_events")
		_, err = f.a.SweepOrphanBlobs(f.ctx, app.DefaultSweepAge, false)
		if domain.ErrorCode(err) != domain.EConflict || !strings.Contains(err.Error(), "wrong database or the wrong document store") {
			t.Fatalf("sweep of a stranger's store: %v", err)
		}
		if left, _ := listing(t, other); len(left) != 1 || f.count(t, "audit_events") != audits {
			t.Fatalf("the refused sweep changed something: %v", left)
		}
		if _, err := f.a.SweepOrphanBlobs(f.ctx, -time.Hour, true); domain.ErrorCode(err) != domain.EInvalid {
			t.Fatalf("negative age: %v", err)
		}
	})
}

// RunBlobSweep sweeps at once with the default age, then on its interval,
// and returns when its context ends.
func TestRunBlobSweep(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newDocFixture(t, e)
		f.upload(t, emMarcus, "note.txt", "", []byte("a note\n"))
		orphan := randomKey(t)
		if err := f.dir.Put(context.Background(), orphan, bytes.NewReader([]byte("never committed"))); err != nil {
			t.Fatal(err)
		}
		f.a.Now = func() time.Time { return time.Now().Add(app.DefaultSweepAge + time.Minute) }
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); f.a.RunBlobSweep(ctx, time.Hour) }()
		for deadline := time.Now().Add(20 * time.Second); ; {
			if left, _ := listing(t, f.dir); len(left) == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the periodic sweep did not remove the orphan")
			}
			<-time.After(20 * time.Millisecond)
		}
		cancel()
		<-done
	})
}
