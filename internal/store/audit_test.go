package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/probity/probity/internal/auditlog"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

func verifyChain(tb testing.TB, s *store.Store) (int64, []byte) {
	tb.Helper()
	v := auditlog.NewVerifier()
	var headSeq int64
	var headHash []byte
	read(tb, s, func(ctx context.Context, tx *store.Tx) error {
		var err error
		if headSeq, headHash, err = tx.AuditHead(ctx); err != nil {
			return err
		}
		return tx.EachAudit(ctx, 0, 0, v.Next)
	})
	if headSeq != v.Seq() || string(headHash) != string(v.Head()) {
		tb.Fatalf("head row (%d) disagrees with the chain (%d)", headSeq, v.Seq())
	}
	return v.Events, v.Head()
}

func TestAuditAppendAndBatch(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		if n, head := verifyChain(t, s); n != 0 || string(head) != string(auditlog.Genesis) {
			t.Fatalf("a new database has %d events", n)
		}
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.AppendAudit(ctx, &auditlog.Event{At: t0, Action: "a.one", Summary: "first"})
		})
		batch := make([]auditlog.Event, 250)
		for i := range batch {
			batch[i] = auditlog.Event{At: t0, Action: "a.batch", ObjectID: int64(i), Summary: fmt.Sprint("batch ", i)}
		}
		write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.AppendAuditBatch(ctx, batch) })
		if batch[0].Seq != 2 || batch[249].Seq != 251 {
			t.Fatalf("batch seqs %d..%d, want 2..251", batch[0].Seq, batch[249].Seq)
		}
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.AppendAudit(ctx, &auditlog.Event{At: t0, Action: "a.last"})
		})
		if n, _ := verifyChain(t, s); n != 252 {
			t.Fatalf("chain holds %d events, want 252", n)
		}
		// A rolled-back append leaves neither an event nor a moved head.
		boom := errors.New("boom")
		err := s.Write(context.Background(), func(tx *store.Tx) error {
			if err := tx.AppendAudit(context.Background(), &auditlog.Event{At: t0, Action: "a.rolled_back"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		if n, _ := verifyChain(t, s); n != 252 {
			t.Fatalf("after a rollback the chain holds %d events, want 252", n)
		}
		evs := []auditlog.Event{}
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			evs, err = tx.AuditEvents(ctx, store.AuditFilter{Action: "a.", Limit: 3})
			return err
		})
		if len(evs) != 3 || evs[0].Action != "a.last" || evs[0].Seq != 252 || evs[1].Seq != 251 {
			t.Fatalf("newest first with a prefix filter: %+v", evs)
		}
	})
}

// TestAuditConcurrentAppends proves appenders from many goroutines (many
// connections on PostgreSQL) still make one unbroken chain.
func TestAuditConcurrentAppends(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		const workers, each = 8, 25
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < each; i++ {
					err := s.Write(context.Background(), func(tx *store.Tx) error {
						return tx.AppendAudit(context.Background(), &auditlog.Event{At: t0, ActorID: int64(w), Action: "a.concurrent", ObjectID: int64(i)})
					})
					if err != nil {
						errs <- err
						return
					}
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if n, _ := verifyChain(t, s); n != workers*each {
			t.Fatalf("chain holds %d events, want %d", n, workers*each)
		}
	})
}
