package blob

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KEK is the firm's key-encryption key: 32 bytes that wrap every
// document's data key. It is never logged or printed; ID is a fingerprint
// that names it without revealing it.
type KEK struct {
	key [keySize]byte
	id  string
}

// NewKEK wraps 32 bytes of key material.
func NewKEK(key []byte) (*KEK, error) {
	if len(key) != keySize {
		return nil, fmt.Errorf("a key-encryption key is %d bytes, not %d", keySize, len(key))
	}
	k := &KEK{}
	copy(k.key[:], key)
	h := sha256.Sum256(append([]byte("probity kek id\x00"), key...))
	k.id = "kek-" + hex.EncodeToString(h[:8])
	return k, nil
}

// GenerateKEK returns a new random key.
func GenerateKEK() (*KEK, error) {
	b := make([]byte, keySize)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	return NewKEK(b)
}

// ID is the key's fingerprint ("kek-" and 16 hex digits), recorded with every
// document it wraps.
func (k *KEK) ID() string { return k.id }

// String never shows the key.
func (k *KEK) String() string { return k.id }

// GoString never shows the key.
func (k *KEK) GoString() string { return "blob.KEK(" + k.id + ")" }

// wrapAAD binds a wrapped data key to the document's storage key, so a
// wrapped key copied onto another row does not open that row's file.
func wrapAAD(storageKey string) []byte {
	return []byte("probity/blob/dek/v1\x00" + storageKey)
}

// wrap seals a data key: version (1) | nonce (12) | AES-256-GCM ciphertext.
func (k *KEK) wrap(dek []byte, storageKey string) ([]byte, error) {
	aead, err := newGCM(k.key[:])
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	out := append([]byte{1}, nonce...)
	return aead.Seal(out, nonce, dek, wrapAAD(storageKey)), nil
}

func (k *KEK) unwrap(wrapped []byte, storageKey string) ([]byte, error) {
	aead, err := newGCM(k.key[:])
	if err != nil {
		return nil, err
	}
	ns := aead.NonceSize()
	if len(wrapped) < 1+ns+tagSize || wrapped[0] != 1 {
		return nil, fmt.Errorf("%w: the wrapped key is malformed", ErrCorrupt)
	}
	dek, err := aead.Open(nil, wrapped[1:1+ns], wrapped[1+ns:], wrapAAD(storageKey))
	if err != nil {
		return nil, ErrWrongKey
	}
	return dek, nil
}

// ParseKEK reads key material as written in a key file: 64 hex digits or
// standard base64 of 32 bytes, surrounding white space ignored.
func ParseKEK(text []byte) (*KEK, error) {
	s := strings.TrimSpace(string(text))
	if b, err := hex.DecodeString(s); err == nil && len(b) == keySize {
		return NewKEK(b)
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == keySize {
		return NewKEK(b)
	}
	return nil, errors.New("the key file must hold 32 bytes as 64 hex digits or base64")
}

// LoadKEKFile reads a key file.
func LoadKEKFile(path string) (*KEK, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, err := ParseKEK(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// CreateKEKFile generates a new key and writes it to path (mode 0600, its
// directory created 0700), refusing to overwrite an existing file.
func CreateKEKFile(path string) (*KEK, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	k, err := GenerateKEK()
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("%s already exists; refusing to replace a key", path)
		}
		return nil, err
	}
	_, err = f.WriteString(hex.EncodeToString(k.key[:]) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return nil, err
	}
	return k, nil
}
