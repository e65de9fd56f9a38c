package auditlog

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"testing"
	"time"
)

func chain(n int) []Event {
	prev := Genesis
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	var out []Event
	for i := 1; i <= n; i++ {
		e := Event{Seq: int64(i), At: at.Add(time.Duration(i) * time.Second), ActorID: 7, ActorName: "Marcus Oyelaran", ActorRole: "attorney",
			Org: "firm", Action: "matter.view", ObjectType: "matter", ObjectID: int64(i % 3), MatterID: 3, Summary: "viewed", Address: "127.0.0.1", RequestID: "r"}
		e.Seal(prev)
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func verify(events []Event) (*Verifier, error) {
	v := NewVerifier()
	for i := range events {
		if err := v.Next(&events[i]); err != nil {
			return v, err
		}
	}
	return v, nil
}

func TestIntactChainVerifies(t *testing.T) {
	evs := chain(50)
	v, err := verify(evs)
	if err != nil {
		t.Fatal(err)
	}
	if v.Events != 50 || !bytes.Equal(v.Head(), evs[49].Hash) || v.Bytes == 0 {
		t.Fatalf("verifier state %+v", v)
	}
}

func TestTamperingIsDetectedAndNamed(t *testing.T) {
	cases := []struct {
		name    string
		tamper  func([]Event) []Event
		wantSeq int64
	}{
		{"edit summary", func(e []Event) []Event { e[9].Summary = "nothing to see"; return e }, 10},
		{"edit time", func(e []Event) []Event { e[19].At = e[19].At.Add(time.Microsecond); return e }, 20},
		{"edit and rehash", func(e []Event) []Event { e[4].Action = "x"; e[4].Seal(e[3].Hash); return e }, 6},
		{"delete", func(e []Event) []Event { return append(e[:14:14], e[15:]...) }, 15},
		{"delete last-but-one and renumber", func(e []Event) []Event {
			out := append(e[:29:29], e[30:]...)
			out[29].Seq = 30
			return out
		}, 30},
		{"swap", func(e []Event) []Event { e[7], e[8] = e[8], e[7]; return e }, 8},
		{"swap seqs too", func(e []Event) []Event { e[7], e[8] = e[8], e[7]; e[7].Seq, e[8].Seq = 8, 9; return e }, 8},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := verify(c.tamper(chain(40)))
			var b *Break
			if !errors.As(err, &b) {
				t.Fatalf("tampering not detected: %v", err)
			}
			if b.Seq != c.wantSeq {
				t.Fatalf("break reported at %d (%s), want %d", b.Seq, b.Reason, c.wantSeq)
			}
		})
	}
}

func TestCanonicalIsUnambiguous(t *testing.T) {
	a := Event{Seq: 1, ActorName: "ab", ActorRole: "c"}
	b := Event{Seq: 1, ActorName: "a", ActorRole: "bc"}
	if bytes.Equal(a.Canonical(nil), b.Canonical(nil)) {
		t.Fatal("field boundaries are ambiguous")
	}
	h, _ := a.ComputeHash(Genesis, nil)
	want := sha256.Sum256(append(append([]byte{}, Genesis...), a.Canonical(nil)...))
	if !bytes.Equal(h, want[:]) {
		t.Fatal("hash is not SHA-256(prev || canonical)")
	}
}
