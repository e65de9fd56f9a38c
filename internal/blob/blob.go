// Package blob is Probity's encrypted document storage. Every document is
// sealed with envelope encryption before any byte of it reaches a backend:
// a fresh random 256-bit data key per document encrypts the content with
// AES-256-GCM in fixed-size segments, and the data key is itself wrapped
// with the firm's key-encryption key (KEK). The wrapped key belongs in the
// database row that names the document, never beside the file, so the
// files alone (a copied disk, a leaked bucket) reveal nothing, and the
// database alone holds no key that opens them.
//
// A backend only stores opaque ciphertext by key (Backend): Dir keeps it in
// a local directory; an S3-compatible backend can implement the same three
// methods (and List, ListPartial and DeletePartial, which the orphan sweep uses).
package blob

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
)

// Backend stores opaque objects by key. Put must be atomic: an object is
// visible under its key only once it is complete, and a failed Put (the
// reader returned an error) leaves nothing behind.
type Backend interface {
	Put(ctx context.Context, key string, r io.Reader) error
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes an object; deleting a missing one is not an error.
	Delete(ctx context.Context, key string) error
	// List calls fn for every complete object, in no particular order,
	// stopping at fn's first error (listing.go).
	List(ctx context.Context, fn func(Object) error) error
	// ListPartial calls fn for every leftover of a write that never
	// completed (a temporary file, an unfinished multipart upload).
	ListPartial(ctx context.Context, fn func(Partial) error) error
	// DeletePartial removes one such leftover; a missing one is not an error.
	DeletePartial(ctx context.Context, p Partial) error
}

// Errors callers tell apart.
var (
	// ErrTooLarge: the content passed the size limit; nothing was stored.
	ErrTooLarge = errors.New("blob: content is larger than the limit")
	// ErrNotFound: no object under that key.
	ErrNotFound = errors.New("blob: no such document")
	// ErrCorrupt: the stored object failed authentication (tampered,
	// truncated, reordered or not Probity's) or its SHA-256 does not match.
	ErrCorrupt = errors.New("blob: the document failed its integrity check")
	// ErrWrongKey: the data key cannot be unwrapped with this KEK.
	ErrWrongKey = errors.New("blob: the document's key cannot be unwrapped with the configured key-encryption key")
)

// Sealed is what the database keeps about a stored document: where it is,
// its plaintext size and SHA-256, and its data key wrapped by the KEK named
// by KEKID.
type Sealed struct {
	Key        string // storage key in the backend
	Size       int64  // plaintext bytes
	SHA256     string // hex SHA-256 of the plaintext
	WrappedKey []byte // the data key, sealed with the KEK
	KEKID      string // which KEK wrapped it (KEK.ID)
}

// Store seals documents into a backend with one KEK.
type Store struct {
	backend Backend
	kek     *KEK
	retired map[string]*KEK // older KEKs that still open documents (keyring.go)
	segment int
}

// DefaultSegment is the plaintext size of one encrypted segment.
const DefaultSegment = 64 << 10

// New returns a store over backend with the firm's KEK.
func New(b Backend, kek *KEK) *Store {
	return &Store{backend: b, kek: kek, segment: DefaultSegment}
}

// WithSegment returns a copy of s using segments of n plaintext bytes
// (tests use small segments to exercise many of them).
func (s *Store) WithSegment(n int) *Store {
	c := *s
	c.segment = n
	return &c
}

// KEKID names the store's key-encryption key.
func (s *Store) KEKID() string { return s.kek.ID() }

// newStorageKey is a random name that says nothing about the document.
func newStorageKey() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// Put reads r to its end and stores it sealed, refusing (ErrTooLarge, with
// nothing stored) content longer than limit bytes. The returned Sealed must
// be recorded by the caller; until it is, the object is an orphan that the
// caller should Delete if its own transaction fails.
func (s *Store) Put(ctx context.Context, r io.Reader, limit int64) (Sealed, error) {
	key, err := newStorageKey()
	if err != nil {
		return Sealed{}, err
	}
	dek := make([]byte, keySize)
	if _, err := rand.Read(dek); err != nil {
		return Sealed{}, err
	}
	wrapped, err := s.kek.wrap(dek, key)
	if err != nil {
		return Sealed{}, err
	}
	sr, err := newSealReader(r, dek, s.segment, limit)
	if err != nil {
		return Sealed{}, err
	}
	// Sealing runs in a goroutine of its own, ahead of the backend's
	// writing, through a pipe: the two overlap instead of taking turns.
	pr, pw := io.Pipe()
	sealed := make(chan struct{})
	go func() {
		defer close(sealed)
		_, err := io.CopyBuffer(pw, sr, make([]byte, 128<<10))
		_ = pw.CloseWithError(err)
	}()
	err = s.backend.Put(ctx, key, pr)
	_ = pr.CloseWithError(errors.New("blob: the backend stopped reading"))
	<-sealed
	sr.finish()
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			return Sealed{}, ErrTooLarge
		}
		return Sealed{}, fmt.Errorf("store document: %w", err)
	}
	return Sealed{Key: key, Size: sr.n, SHA256: hex.EncodeToString(sr.sum.Sum(nil)), WrappedKey: wrapped, KEKID: s.kek.ID()}, nil
}

// Open returns the plaintext of a sealed document as a stream. Every segment
// is authenticated as it is read; at the end the size and SHA-256 are
// checked against d, and a mismatch, truncation or tampering surfaces as
// ErrCorrupt from Read. Callers that must not act on unverified content read
// to EOF before using it (ReadAll does).
func (s *Store) Open(ctx context.Context, d Sealed) (io.ReadCloser, error) {
	dek, err := s.unwrap(d)
	if err != nil {
		return nil, err
	}
	rc, err := s.backend.Get(ctx, d.Key)
	if err != nil {
		return nil, err
	}
	or, err := newOpenReader(rc, dek, d.Size, d.SHA256)
	if err != nil {
		_ = rc.Close()
		return nil, err
	}
	return or, nil
}

// ReadAll opens a document and reads it whole, verified.
func (s *Store) ReadAll(ctx context.Context, d Sealed) ([]byte, error) {
	rc, err := s.Open(ctx, d)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// Delete removes a stored document.
func (s *Store) Delete(ctx context.Context, key string) error {
	return s.backend.Delete(ctx, key)
}

// Sum is the hex SHA-256 of b, as Sealed records it.
func Sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Backend returns the store's backend.
func (s *Store) Backend() Backend { return s.backend }
