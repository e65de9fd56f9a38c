package blob_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/probity/probity/internal/blob"
	"github.com/probity/probity/internal/testenv"
)

// The backend conformance tests run against the directory backend and a
// real S3-compatible server (versitygw, started by testenv.S3).

type counted interface {
	blob.Backend
	count(t *testing.T) (objects, leftovers int)
	// plantPartial leaves what a write cut off part-way leaves behind.
	plantPartial(t *testing.T) string
}

type dirBackend struct{ *blob.Dir }

func (d dirBackend) plantPartial(t *testing.T) string {
	f, err := os.CreateTemp(filepath.Join(d.Root(), "tmp"), "put-*")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write([]byte("half a document")); err != nil {
		t.Fatal(err)
	}
	return filepath.Base(f.Name())
}

func (d dirBackend) count(t *testing.T) (int, int) {
	o, tmp, err := d.Count()
	if err != nil {
		t.Fatal(err)
	}
	return o, tmp
}

type s3Backend struct {
	*blob.S3
	c blob.S3Config
}

// plantPartial starts a multipart upload, sends one part and never
// completes it, as a server killed mid-upload does.
func (s s3Backend) plantPartial(t *testing.T) string {
	ctx := context.Background()
	ep, _ := url.Parse(s.c.Endpoint)
	cl, err := minio.NewCore(ep.Host, &minio.Options{Creds: credentials.NewStaticV4(s.c.AccessKey, s.c.SecretKey, ""), Region: s.c.Region,
		BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatal(err)
	}
	key := strings.Repeat("ab", 16)
	name := key[:2] + "/" + key
	id, err := cl.NewMultipartUpload(ctx, s.c.Bucket, name, minio.PutObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	part := bytes.Repeat([]byte{7}, 1024)
	if _, err := cl.PutObjectPart(ctx, s.c.Bucket, name, id, 1, bytes.NewReader(part), int64(len(part)), minio.PutObjectPartOptions{}); err != nil {
		t.Fatal(err)
	}
	return name
}

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
		f(t, s3Backend{s, c})
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

// List reports every complete object with its size and time, and nothing
// else; ListPartial reports the leftovers of writes cut off part-way, and
// DeletePartial removes exactly the one it is given.
func TestBackendListing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b counted) {
		ctx := context.Background()
		start := time.Now().Add(-2 * time.Second) // S3 times are to the second
		want := map[string]int{}
		for i, n := range []int{0, 1, 70 << 10} {
			key := fmt.Sprintf("%02x%030x", i*40, i+1)
			if err := b.Put(ctx, key, bytes.NewReader(make([]byte, n))); err != nil {
				t.Fatal(err)
			}
			want[key] = n
		}
		got := map[string]int{}
		if err := b.List(ctx, func(o blob.Object) error {
			if o.ModTime.Before(start) || o.ModTime.After(time.Now().Add(2*time.Second)) {
				t.Errorf("%s: modified at %v, outside this test", o.Key, o.ModTime)
			}
			got[o.Key] = int(o.Size)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("listed %v, want %v", got, want)
		}
		// The listing stops at the callback's first error and returns it.
		stop, calls := errors.New("enough"), 0
		if err := b.List(ctx, func(blob.Object) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
			t.Fatalf("stopping: %v after %d calls", err, calls)
		}
		// Nothing partial yet; then two writes cut off part-way.
		partials := func() []blob.Partial {
			var ps []blob.Partial
			if err := b.ListPartial(ctx, func(p blob.Partial) error { ps = append(ps, p); return nil }); err != nil {
				t.Fatal(err)
			}
			sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
			return ps
		}
		if ps := partials(); len(ps) != 0 {
			t.Fatalf("partials before any cut-off write: %+v", ps)
		}
		n1, n2 := b.plantPartial(t), b.plantPartial(t)
		ps := partials()
		if len(ps) != 2 {
			t.Fatalf("partials: %+v, want %s and %s", ps, n1, n2)
		}
		for _, p := range ps {
			if p.Name != n1 && p.Name != n2 || p.Started.Before(start) {
				t.Fatalf("partial %+v: not one planted by this test", p)
			}
		}
		if objs, left := b.count(t); objs != 3 || left != 2 {
			t.Fatalf("before removal: %d objects, %d leftovers", objs, left)
		}
		if err := b.DeletePartial(ctx, ps[0]); err != nil {
			t.Fatal(err)
		}
		if err := b.DeletePartial(ctx, ps[0]); err != nil {
			t.Fatalf("removing it again: %v", err)
		}
		if rest := partials(); len(rest) != 1 || rest[0] != ps[1] {
			t.Fatalf("after removing %+v: %+v", ps[0], rest)
		}
		// A name that is not a leftover of this store is refused.
		if err := b.DeletePartial(ctx, blob.Partial{Name: "../objects", UploadID: "x"}); err == nil {
			t.Fatal("removed a partial named ../objects")
		}
		if objs, left := b.count(t); objs != 3 || left != 1 {
			t.Fatalf("after removal: %d objects, %d leftovers", objs, left)
		}
	})
}
