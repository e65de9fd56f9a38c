package blob

import (
	"fmt"
	"sort"
	"strings"
)

// Key rotation. A Store wraps new data keys with its current KEK and can
// also hold retired KEKs, used only to unwrap the data keys of documents
// sealed before a rotation. Rewrap moves one document's data key from
// whichever KEK wrapped it to another without touching its content: the
// content is encrypted with the data key, which does not change.

// WithRetired returns a copy of s that also opens documents whose data
// keys are wrapped by any of keys (older key-encryption keys kept until a
// rotation has rewrapped everything).
func (s *Store) WithRetired(keys ...*KEK) *Store {
	c := *s
	c.retired = map[string]*KEK{}
	for id, k := range s.retired {
		c.retired[id] = k
	}
	for _, k := range keys {
		if k != nil && k.ID() != s.kek.ID() {
			c.retired[k.ID()] = k
		}
	}
	return &c
}

// KEKIDs lists the ids of the current key and the retired ones.
func (s *Store) KEKIDs() (current string, retired []string) {
	for id := range s.retired {
		retired = append(retired, id)
	}
	sort.Strings(retired)
	return s.kek.ID(), retired
}

// kekFor finds the key that wrapped a document's data key.
func (s *Store) kekFor(id string) (*KEK, error) {
	if id == "" || id == s.kek.ID() {
		return s.kek, nil
	}
	if k, ok := s.retired[id]; ok {
		return k, nil
	}
	_, retired := s.KEKIDs()
	have := s.kek.ID()
	if len(retired) > 0 {
		have += " (retired: " + strings.Join(retired, ", ") + ")"
	}
	return nil, fmt.Errorf("%w (the document was sealed with key %s; the configured key is %s)", ErrWrongKey, id, have)
}

func (s *Store) unwrap(d Sealed) ([]byte, error) {
	k, err := s.kekFor(d.KEKID)
	if err != nil {
		return nil, err
	}
	return k.unwrap(d.WrappedKey, d.Key)
}

// Rewrap returns d's data key wrapped by to (and to's id), unwrapping it
// with the store's current or a retired key. The content is not read.
func (s *Store) Rewrap(d Sealed, to *KEK) ([]byte, string, error) {
	dek, err := s.unwrap(d)
	if err != nil {
		return nil, "", err
	}
	defer clear(dek)
	w, err := to.wrap(dek, d.Key)
	if err != nil {
		return nil, "", err
	}
	return w, to.ID(), nil
}
