package app_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/blob"
	"github.com/probity/probity/internal/testenv"
)

func TestRotateKeysRewrapsWithoutReencrypting(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newDocFixture(t, e)
		old := f.a.Blobs
		contents := map[int64][]byte{}
		for i := range 5 {
			c := []byte(fmt.Sprintf("document %d: %s\n", i, bytes.Repeat([]byte{'a' + byte(i)}, 3000)))
			ed := f.upload(t, emMarcus, fmt.Sprintf("doc%d.txt", i), "", c)
			contents[ed.ID] = c
		}
		before := f.dirBytes(t)
		newKEK, _ := blob.GenerateKEK()
		// A rotation stopped after its first batch...
		ctx, cancel := context.WithCancel(f.ctx)
		_, err := f.a.RotateKeys(ctx, app.Operator, newKEK, 2, func(int) { cancel() })
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted rotation: %v", err)
		}
		st, err := f.a.KeyStatus(f.ctx)
		if err != nil || st.ByKEK[newKEK.ID()] != 2 {
			t.Fatalf("after one batch: %+v %v", st, err)
		}
		// ...resumes where it stopped, here with the new key current and the
		// old one retired (how the server runs during a rotation).
		f.a.Blobs = blob.New(f.dir, newKEK).WithSegment(1024).WithRetired(f.kek)
		res, err := f.a.RotateKeys(f.ctx, app.Operator, newKEK, 2, nil)
		if err != nil || res.Rewrapped != 3 {
			t.Fatalf("resumed rotation: %+v %v", res, err)
		}
		if after := f.dirBytes(t); !bytes.Equal(before, after) {
			t.Fatal("rotation changed the stored ciphertext: it must only rewrap keys")
		}
		// The old key is no longer needed: a store with only the new key opens everything.
		f.a.Blobs = blob.New(f.dir, newKEK)
		st, err = f.a.KeyStatus(f.ctx)
		if err != nil || len(st.Missing()) != 0 || st.ByKEK[old.KEKID()] != 0 {
			t.Fatalf("status after rotation: %+v %v", st, err)
		}
		for id, c := range contents {
			ds, err := f.a.DownloadEngagementDocument(f.ctx, f.people[emMarcus], f.active, id)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := readStream(t, ds); err != nil || !bytes.Equal(got, c) {
				t.Fatalf("document %d after rotation: %v", id, err)
			}
		}
		if n, failed, err := f.a.VerifyDocuments(f.ctx, nil); err != nil || len(failed) != 0 || n < len(contents) {
			t.Fatalf("verify: %d checked, %v, %v", n, failed, err)
		}
		// And the old key alone no longer opens them.
		f.a.Blobs = old
		if _, failed, _ := f.a.VerifyDocuments(f.ctx, nil); len(failed) < len(contents) {
			t.Fatalf("the old key still opens %d documents", len(contents)-len(failed))
		}
		// Only the operator rotates.
		if _, err := f.a.RotateKeys(f.ctx, f.people[emEleanor], newKEK, 2, nil); err == nil {
			t.Fatal("a firm administrator's session rotated the keys")
		}
	})
}
