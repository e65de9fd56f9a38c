package blob_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/probity/probity/internal/blob"
	"github.com/probity/probity/internal/testenv"
)

// The backend conformance tests run against the directory backend and a
// real S3-compatible server (versitygw, started by testenv.S3).

type counted interface {
	blob.Backend
	count(t *testing.T) (objects, leftovers int)
}

type dirBackend struct{ *blob.Dir }

func (d dirBackend) count(t *testing.T) (int, int) {
	o, tmp, err := d.Count()
	if err != nil {
		t.Fatal(err)
	}
	return o, tmp
}

type s3Backend struct{ *blob.S3 }

func (s s3Backend) count(t *testing.T) (int, int) {
	o, inc, err := s.Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return o, inc
}

func forEachBackend(t *testing.T, f func(t *testing.T, b counted)) {
	t.Run("dir", func(t *testing.T) {
		d, err := blob.NewDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		f(t, dirBackend{d})
	})
	t.Run("s3", func(t *testing.T) {
		c := testenv.S3(t)
		s, err := blob.NewS3(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		s.PartSize = 5 << 20 // the S3 minimum, so a 12 MiB document takes three parts
		f(t, s3Backend{s})
	})
}

// brokenSource yields n bytes of data then fails.
type brokenSource struct {
	n   int
	err error
}

func (f *brokenSource) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, f.err
	}
	k := min(len(p), f.n)
	for i := range p[:k] {
		p[i] = byte(i)
	}
	f.n -= k
	return k, nil
}

func TestBackendConformance(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b counted) {
		ctx := context.Background()
		kek, _ := blob.GenerateKEK()
		s := blob.New(b, kek)
		content := random(t, 12<<20+12345)
		sealed, err := s.Put(ctx, bytes.NewReader(content), -1)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.ReadAll(ctx, sealed)
		if err != nil || !bytes.Equal(got, content) || sealed.SHA256 != blob.Sum(content) {
			t.Fatalf("round trip: %d bytes, %v", len(got), err)
		}
		if objs, left := b.count(t); objs != 1 || left != 0 {
			t.Fatalf("after one put: %d objects, %d leftovers", objs, left)
		}
		// Over the limit: ErrTooLarge, nothing stored.
		if _, err := s.Put(ctx, bytes.NewReader(content), 6<<20); !errors.Is(err, blob.ErrTooLarge) {
			t.Fatalf("over the limit: %v", err)
		}
		// A source that breaks part-way: its error, nothing stored.
		boom := errors.New("client went away")
		if _, err := s.Put(ctx, &brokenSource{n: 7 << 20, err: boom}, -1); !errors.Is(err, boom) {
			t.Fatalf("broken source: %v", err)
		}
		if objs, left := b.count(t); objs != 1 || left != 0 {
			t.Fatalf("after refused puts: %d objects, %d leftovers", objs, left)
		}
		// Tamper with one byte of the stored ciphertext: a clear integrity error.
		rc, err := b.Get(ctx, sealed.Key)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		raw[len(raw)/3] ^= 0x80
		if err := b.Delete(ctx, sealed.Key); err != nil {
			t.Fatal(err)
		}
		if err := b.Put(ctx, sealed.Key, bytes.NewReader(raw)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReadAll(ctx, sealed); !errors.Is(err, blob.ErrCorrupt) {
			t.Fatalf("tampered: %v", err)
		}
		// Delete, then the object is gone; deleting again is not an error.
		if err := s.Delete(ctx, sealed.Key); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, sealed.Key); err != nil {
			t.Fatalf("second delete: %v", err)
		}
		if _, err := s.Open(ctx, sealed); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("open after delete: %v", err)
		}
		if objs, left := b.count(t); objs != 0 || left != 0 {
			t.Fatalf("after delete: %d objects, %d leftovers", objs, left)
		}
	})
}
