package app

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/probity/probity/internal/mail"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// A change that rolls back takes its email with it.
func TestQueuedMailRollsBackWithTheChange(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		a := New(testenv.OpenStore(t, e), DefaultConfig(), slog.New(slog.DiscardHandler))
		boom := errors.New("the change failed")
		err := a.Store.Write(ctx, func(tx *store.Tx) error {
			if err := a.queueMail(ctx, tx, email{Message: mail.Message{To: "a@b.example", Subject: "s", Body: "b"}}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Write = %v", err)
		}
		var n int
		if err := a.Store.DB().QueryRow(`SELECT COUNT(*) FROM outbox`).Scan(&n); err != nil || n != 0 {
			t.Errorf("%d message(s) in the outbox after a rollback (%v)", n, err)
		}
	})
}

func TestRedactLinks(t *testing.T) {
	in := "open https://p.example/invitations/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ now\nor /password/reset/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"
	out := RedactLinks(in)
	if out == in || len(secretLink.FindAllString(out, -1)) != 0 {
		t.Errorf("RedactLinks left a token:\n%s", out)
	}
}
