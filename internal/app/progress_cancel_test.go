package app_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/blob"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/progress"
	"github.com/probity/probity/internal/testenv"
)

// An import cancelled part-way (Ctrl-C on the command line, a browser
// request aborted) writes nothing: not the rows it had reached, nor its audit
// event. The context is cancelled from the progress report itself, after a
// given number of rows, in each stage.
func TestImportCancelledMidwayChangesNothing(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		a, p, _ := demoApp(t, e)
		marcus := p["marcus.oyelaran@hartwellcrane.example"]
		var b strings.Builder
		b.WriteString(matterHeader)
		const rows = 40
		for i := range rows {
			fmt.Fprintf(&b, "2026-%04d,CFS-0711,Imported matter %d,Litigation,standard,marcus.oyelaran@hartwellcrane.example,,,\n", 5000+i, i)
		}
		file := []byte(b.String())
		matters, events := countRows(t, a, "matters"), countRows(t, a, "audit_events")
		for _, stop := range []struct {
			stage string
			after int64
		}{{"Checking matters", 25}, {"Importing matters", 1}, {"Importing matters", 30}} {
			ctx, cancel := context.WithCancel(mfa())
			var reached int64
			ctx = progress.WithFunc(ctx, func(stage string, done, total int64) {
				if total != rows {
					t.Errorf("%s: total %d, want %d", stage, total, rows)
				}
				if stage == stop.stage && done >= stop.after {
					reached = done
					cancel()
				}
			})
			prev, err := a.ImportCSV(ctx, marcus, domain.ImportMatters, file, false)
			cancel()
			if !errors.Is(err, context.Canceled) || prev.Committed {
				t.Fatalf("cancelled in %q after %d rows: committed %v, %v; want context.Canceled", stop.stage, stop.after, prev.Committed, err)
			}
			if reached != stop.after {
				t.Fatalf("the import never reached row %d of %q", stop.after, stop.stage)
			}
			if n, ev := countRows(t, a, "matters"), countRows(t, a, "audit_events"); n != matters || ev != events {
				t.Fatalf("cancelled in %q after %d rows: matters %d → %d, audit events %d → %d", stop.stage, stop.after, matters, n, events, ev)
			}
		}
		// Not cancelled, the same file imports whole, reporting every row.
		var last int64
		ctx := progress.WithFunc(mfa(), func(stage string, done, total int64) {
			if stage == "Importing matters" {
				last = done
			}
		})
		if prev, err := a.ImportCSV(ctx, marcus, domain.ImportMatters, file, false); err != nil || !prev.Committed {
			t.Fatalf("import: %v", err)
		}
		if n := countRows(t, a, "matters"); n != matters+rows || last != rows {
			t.Fatalf("matters %d → %d, last report %d; want +%d", matters, n, last, rows)
		}
	})
}

// A party import cancelled while writing rolls back too.
func TestPartyImportCancelledMidwayChangesNothing(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		a, p, _ := demoApp(t, e)
		marcus := p["marcus.oyelaran@hartwellcrane.example"]
		var b strings.Builder
		b.WriteString("matter_number,name,role,aliases\n")
		for i := range 12 {
			fmt.Fprintf(&b, "2026-0142,Witness Number %d,third_party,\n", i)
		}
		parties := countRows(t, a, "parties")
		ctx, cancel := context.WithCancel(mfa())
		defer cancel()
		ctx = progress.WithFunc(ctx, func(stage string, done, total int64) {
			if stage == "Importing parties" && done == 6 {
				cancel()
			}
		})
		if _, err := a.ImportCSV(ctx, marcus, domain.ImportParties, []byte(b.String()), false); !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled party import: %v", err)
		}
		if n := countRows(t, a, "parties"); n != parties {
			t.Fatalf("parties %d → %d after a cancelled import", parties, n)
		}
	})
}

// A rotation cancelled between batches leaves every document readable by a
// server configured as during a rotation (the new key current, the old one
// retired): the documents already rewrapped open with the new key, the rest
// with the old, and a rerun continues where it stopped.
func TestRotationCancelledLeavesEveryDocumentReadable(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newDocFixture(t, e)
		contents := map[int64][]byte{}
		for i := range 7 {
			c := []byte(fmt.Sprintf("document %d: %s\n", i, bytes.Repeat([]byte{'k' + byte(i)}, 2000)))
			contents[f.upload(t, emMarcus, fmt.Sprintf("rot%d.txt", i), "", c).ID] = c
		}
		newKEK, _ := blob.GenerateKEK()
		ctx, cancel := context.WithCancel(f.ctx)
		batches := 0
		_, err := f.a.RotateKeys(ctx, app.Operator, newKEK, 3, func(int) {
			if batches++; batches == 2 {
				cancel()
			}
		})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled rotation: %v", err)
		}
		st, err := f.a.KeyStatus(f.ctx)
		if err != nil || st.ByKEK[newKEK.ID()] == 0 || st.ByKEK[f.kek.ID()] == 0 {
			t.Fatalf("after two batches of three, some documents should be under each key: %+v %v", st.ByKEK, err)
		}
		f.a.Blobs = blob.New(f.dir, newKEK).WithSegment(1024).WithRetired(f.kek)
		if n, failed, err := f.a.VerifyDocuments(f.ctx, nil); err != nil || len(failed) != 0 || n < len(contents) {
			t.Fatalf("after a cancelled rotation: %d checked, failed %v, %v", n, failed, err)
		}
		for id, c := range contents {
			ds, err := f.a.DownloadEngagementDocument(f.ctx, f.people[emMarcus], f.active, id)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := readStream(t, ds); err != nil || !bytes.Equal(got, c) {
				t.Fatalf("document %d after a cancelled rotation: %v", id, err)
			}
		}
		if res, err := f.a.RotateKeys(f.ctx, app.Operator, newKEK, 3, nil); err != nil || res.Rewrapped == 0 {
			t.Fatalf("rerun: %+v %v", res, err)
		}
		if st, _ := f.a.KeyStatus(f.ctx); st.ByKEK[f.kek.ID()] != 0 {
			t.Fatalf("after the rerun the old key still wraps %d documents", st.ByKEK[f.kek.ID()])
		}
	})
}
