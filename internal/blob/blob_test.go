package blob_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/probity/probity/internal/blob"
)

func newStore(t *testing.T, segment int) (*blob.Store, *blob.Dir) {
	t.Helper()
	d, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	k, err := blob.GenerateKEK()
	if err != nil {
		t.Fatal(err)
	}
	return blob.New(d, k).WithSegment(segment), d
}

func random(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// objectPath finds the one stored object's file.
func objectPath(t *testing.T, d *blob.Dir, key string) string {
	t.Helper()
	p := filepath.Join(d.Root(), "objects", key[:2], key)
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{0, 1, 63, 64, 65, 128, 1000, 4096} {
		s, d := newStore(t, 64)
		plain := random(t, n)
		sealed, err := s.Put(ctx, bytes.NewReader(plain), 1<<20)
		if err != nil {
			t.Fatalf("%d bytes: Put: %v", n, err)
		}
		if sealed.Size != int64(n) || sealed.SHA256 != blob.Sum(plain) || sealed.KEKID != s.KEKID() || len(sealed.WrappedKey) == 0 {
			t.Fatalf("%d bytes: sealed = %+v", n, sealed)
		}
		got, err := s.ReadAll(ctx, sealed)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("%d bytes: ReadAll = %d bytes, %v", n, len(got), err)
		}
		// The file holds no plaintext and is not the plaintext's length.
		raw, err := os.ReadFile(objectPath(t, d, sealed.Key))
		if err != nil {
			t.Fatal(err)
		}
		if n >= 16 && bytes.Contains(raw, plain[:16]) {
			t.Fatalf("%d bytes: the stored file contains plaintext", n)
		}
		if len(raw) <= n {
			t.Fatalf("%d bytes: stored %d bytes, want more (header and tags)", n, len(raw))
		}
		if objs, temps, _ := d.Count(); objs != 1 || temps != 0 {
			t.Fatalf("%d bytes: %d objects and %d temporary files, want 1 and 0", n, objs, temps)
		}
	}
}

func TestEmptyDocument(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, blob.DefaultSegment)
	sealed, err := s.Put(ctx, strings.NewReader(""), 10)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.ReadAll(ctx, sealed)
	if err != nil || len(got) != 0 || sealed.Size != 0 || sealed.SHA256 != blob.Sum(nil) {
		t.Fatalf("empty document: %q, %v, %+v", got, err, sealed)
	}
}

func TestTamperingIsDetected(t *testing.T) {
	ctx := context.Background()
	plain := random(t, 300) // five segments of 64
	cases := []struct {
		name   string
		change func([]byte) []byte
	}{
		{"a flipped bit in the first segment", func(b []byte) []byte { b[20] ^= 1; return b }},
		{"a flipped bit in the last segment", func(b []byte) []byte { b[len(b)-3] ^= 0x80; return b }},
		{"a flipped bit in the header", func(b []byte) []byte { b[12] ^= 1; return b }},
		{"truncated at a segment boundary", func(b []byte) []byte { return b[:17+2*(64+16)] }},
		{"truncated inside a segment", func(b []byte) []byte { return b[:len(b)-5] }},
		{"two segments swapped", func(b []byte) []byte {
			out := append([]byte{}, b...)
			a, c := out[17:17+80], out[17+80:17+160]
			tmp := append([]byte{}, a...)
			copy(a, c)
			copy(c, tmp)
			return out
		}},
		{"a segment appended", func(b []byte) []byte { return append(b, b[17:17+80]...) }},
		{"empty", func([]byte) []byte { return nil }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, d := newStore(t, 64)
			sealed, err := s.Put(ctx, bytes.NewReader(plain), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			p := objectPath(t, d, sealed.Key)
			raw, _ := os.ReadFile(p)
			if err := os.WriteFile(p, c.change(raw), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := s.ReadAll(ctx, sealed)
			if !errors.Is(err, blob.ErrCorrupt) {
				t.Fatalf("ReadAll = %d bytes, %v; want ErrCorrupt", len(got), err)
			}
		})
	}
	t.Run("a record whose SHA-256 differs", func(t *testing.T) {
		s, _ := newStore(t, 64)
		sealed, _ := s.Put(ctx, bytes.NewReader(plain), 1<<20)
		sealed.SHA256 = blob.Sum([]byte("something else"))
		if _, err := s.ReadAll(ctx, sealed); !errors.Is(err, blob.ErrCorrupt) {
			t.Fatalf("ReadAll: %v, want ErrCorrupt", err)
		}
	})
	t.Run("a wrapped key moved to another document", func(t *testing.T) {
		s, _ := newStore(t, 64)
		a, _ := s.Put(ctx, bytes.NewReader(plain), 1<<20)
		b, _ := s.Put(ctx, bytes.NewReader(plain), 1<<20)
		a.WrappedKey = b.WrappedKey
		if _, err := s.ReadAll(ctx, a); !errors.Is(err, blob.ErrWrongKey) {
			t.Fatalf("ReadAll: %v, want ErrWrongKey", err)
		}
	})
}

func TestWrongKEKFails(t *testing.T) {
	ctx := context.Background()
	s, d := newStore(t, 64)
	sealed, err := s.Put(ctx, strings.NewReader("privileged and confidential"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := blob.GenerateKEK()
	s2 := blob.New(d, other)
	if _, err := s2.ReadAll(ctx, sealed); !errors.Is(err, blob.ErrWrongKey) {
		t.Fatalf("another KEK: %v, want ErrWrongKey", err)
	}
	// Even if the record's key id is lost, the other key cannot unwrap it.
	sealed.KEKID = ""
	if _, err := s2.ReadAll(ctx, sealed); !errors.Is(err, blob.ErrWrongKey) {
		t.Fatalf("another KEK, no key id: %v, want ErrWrongKey", err)
	}
}

func TestSizeLimitLeavesNothing(t *testing.T) {
	ctx := context.Background()
	s, d := newStore(t, 64)
	for _, n := range []int{101, 1000, 64*3 + 1} {
		_, err := s.Put(ctx, bytes.NewReader(random(t, n)), 100)
		if !errors.Is(err, blob.ErrTooLarge) {
			t.Fatalf("%d bytes over a 100-byte limit: %v, want ErrTooLarge", n, err)
		}
	}
	if objs, temps, err := d.Count(); objs != 0 || temps != 0 || err != nil {
		t.Fatalf("after refused uploads: %d objects, %d temporary files (%v), want none", objs, temps, err)
	}
	// Exactly the limit is accepted.
	if _, err := s.Put(ctx, bytes.NewReader(random(t, 100)), 100); err != nil {
		t.Fatalf("100 bytes at a 100-byte limit: %v", err)
	}
}

// failingReader fails after some bytes, like a dropped upload.
type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	n := min(len(p), f.n)
	f.n -= n
	return n, nil
}

func TestFailedUploadLeavesNothing(t *testing.T) {
	s, d := newStore(t, 64)
	if _, err := s.Put(context.Background(), &failingReader{n: 500}, 1<<20); err == nil {
		t.Fatal("Put of a failing reader succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Put(ctx, bytes.NewReader(random(t, 500)), 1<<20); err == nil {
		t.Fatal("Put with a cancelled context succeeded")
	}
	if objs, temps, _ := d.Count(); objs != 0 || temps != 0 {
		t.Fatalf("%d objects, %d temporary files, want none", objs, temps)
	}
}

func TestDeleteAndMissing(t *testing.T) {
	ctx := context.Background()
	s, d := newStore(t, 64)
	sealed, _ := s.Put(ctx, strings.NewReader("x"), 10)
	if err := s.Delete(ctx, sealed.Key); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, sealed.Key); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
	if _, err := s.Open(ctx, sealed); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Open after delete: %v, want ErrNotFound", err)
	}
	if _, err := d.Get(ctx, "../../etc/passwd"); err == nil {
		t.Fatal("a path-like key was accepted")
	}
}

func TestKEKFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "keys", "probity.kek")
	k, err := blob.CreateKEKFile(p)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	di, _ := os.Stat(filepath.Dir(p))
	if di.Mode().Perm() != 0o700 {
		t.Fatalf("key directory mode %v, want 0700", di.Mode().Perm())
	}
	again, err := blob.LoadKEKFile(p)
	if err != nil || again.ID() != k.ID() {
		t.Fatalf("LoadKEKFile = %v, %v; want %s", again, err, k.ID())
	}
	if _, err := blob.CreateKEKFile(p); err == nil {
		t.Fatal("CreateKEKFile replaced an existing key")
	}
	if _, err := blob.ParseKEK([]byte("too short")); err == nil {
		t.Fatal("ParseKEK accepted a short key")
	}
	b64 := []byte("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n")
	if k, err := blob.ParseKEK(b64); err != nil || !strings.HasPrefix(k.ID(), "kek-") {
		t.Fatalf("ParseKEK(base64) = %v, %v", k, err)
	}
	if s := k.GoString() + k.String(); strings.Contains(s, "=") {
		t.Fatalf("the key's string forms %q look like key material", s)
	}
}
