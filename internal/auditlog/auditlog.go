// Package auditlog is Probity's tamper-evident event log: each event's hash is
// SHA-256 over the previous event's hash and a canonical encoding of the event,
// so deleting, reordering or editing any event breaks every later link.
package auditlog

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
)

// Event is one entry of the audit trail.
type Event struct {
	Seq        int64     // 1, 2, 3, … without gaps
	At         time.Time // when, UTC, microsecond precision
	ActorID    int64     // 0 for the operator (command line) or the system
	ActorName  string
	ActorRole  string
	Org        string // "firm", "vendor:3", "client:2", or "" for the operator
	Action     string // "user.create", "auth.sign_in", …
	ObjectType string
	ObjectID   int64
	MatterID   int64 // 0 when the event concerns no matter
	Summary    string
	Address    string
	RequestID  string
	PrevHash   []byte // the previous event's Hash; 32 zero bytes for the first
	Hash       []byte
}

// Genesis is the PrevHash of the first event.
var Genesis = make([]byte, sha256.Size)

// Canonical encodes the event's content (everything but the hashes) as bytes
// that are the same on every engine and machine: each field in a fixed order,
// as a uvarint length followed by its bytes; numbers and times in decimal.
func (e *Event) Canonical(buf []byte) []byte {
	fields := [...]string{
		"probity.audit.v1",
		strconv.FormatInt(e.Seq, 10),
		strconv.FormatInt(e.At.UnixMicro(), 10),
		strconv.FormatInt(e.ActorID, 10),
		e.ActorName, e.ActorRole, e.Org, e.Action, e.ObjectType,
		strconv.FormatInt(e.ObjectID, 10),
		strconv.FormatInt(e.MatterID, 10),
		e.Summary, e.Address, e.RequestID,
	}
	for _, f := range fields {
		buf = binary.AppendUvarint(buf, uint64(len(f)))
		buf = append(buf, f...)
	}
	return buf
}

// ComputeHash returns SHA-256(prev || canonical) for the event.
func (e *Event) ComputeHash(prev []byte, scratch []byte) ([]byte, []byte) {
	scratch = e.Canonical(scratch[:0])
	h := sha256.New()
	h.Write(prev)
	h.Write(scratch)
	return h.Sum(nil), scratch
}

// Seal sets PrevHash and Hash for an event appended after prev.
func (e *Event) Seal(prev []byte) {
	e.PrevHash = append([]byte(nil), prev...)
	e.Hash, _ = e.ComputeHash(prev, nil)
}

// Break describes the first link that does not hold.
type Break struct {
	Seq    int64
	Reason string
}

func (b *Break) Error() string {
	return fmt.Sprintf("audit chain broken at event %d: %s", b.Seq, b.Reason)
}

// Verifier checks a chain event by event, in order. Feed it every event with
// Next; Head is the last good hash.
type Verifier struct {
	prev    []byte
	seq     int64
	scratch []byte
	Events  int64
	Bytes   int64 // canonical bytes hashed
}

// NewVerifier starts at the genesis hash.
func NewVerifier() *Verifier { return &Verifier{prev: Genesis} }

// ResumeVerifier starts after event seq, whose stored hash is prev: it checks
// the part of a chain that follows, so parts can be checked in parallel and
// joined by comparing each part's Head with the stored hash its successor
// started from.
func ResumeVerifier(seq int64, prev []byte) *Verifier {
	return &Verifier{seq: seq, prev: append([]byte(nil), prev...)}
}

// Next checks one event against the chain so far and returns a *Break for the
// first problem: a gap or reordering in Seq, a PrevHash that is not the
// previous Hash, or a Hash that does not match the content.
func (v *Verifier) Next(e *Event) error {
	if e.Seq != v.seq+1 {
		if e.Seq <= v.seq {
			return &Break{Seq: e.Seq, Reason: fmt.Sprintf("out of order: follows event %d", v.seq)}
		}
		return &Break{Seq: v.seq + 1, Reason: fmt.Sprintf("missing: the next event present is %d", e.Seq)}
	}
	if string(e.PrevHash) != string(v.prev) {
		return &Break{Seq: e.Seq, Reason: "its previous-hash does not match the event before it (an event was removed, inserted or edited)"}
	}
	var h []byte
	h, v.scratch = e.ComputeHash(v.prev, v.scratch)
	if string(h) != string(e.Hash) {
		return &Break{Seq: e.Seq, Reason: "its content does not match its hash (the event was edited)"}
	}
	v.prev, v.seq = e.Hash, e.Seq
	v.Events++
	v.Bytes += int64(len(v.scratch))
	return nil
}

// Head is the hash of the last verified event (the genesis hash if none).
func (v *Verifier) Head() []byte { return v.prev }

// Seq is the sequence number of the last verified event.
func (v *Verifier) Seq() int64 { return v.seq }

// Hex renders a hash for people.
func Hex(h []byte) string { return hex.EncodeToString(h) }
