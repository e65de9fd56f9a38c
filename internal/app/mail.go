package app

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/mail"
	"github.com/probity/probity/internal/store"
)

// MailConfig is how the app sends email. Every email is first written to the
// outbox in the transaction of the change that caused it; a sender started
// by `serve` delivers it.
type MailConfig struct {
	// BaseURL is where people reach Probity ("https://probity.firm.example");
	// links in emails start with it.
	BaseURL string
	// Delivery is true when an SMTP server is configured. When false (the
	// development outbox) mail stays in the outbox and each message is
	// logged with its link, which is a secret: that is only acceptable when
	// nothing is delivered.
	Delivery bool
	// Schedule holds the delivery slots of a message, as waits after it was
	// queued: slot n may start once created_at + Schedule[n] has passed. A
	// message that has used every slot is given up.
	Schedule []time.Duration
	// Guard is how close to the next slot a slot may no longer start. It must
	// exceed the longest delivery (mail.DefaultTimeout) plus clock skew
	// between servers, so that two deliveries of one message never overlap.
	Guard time.Duration
	// Batch is how many due messages one pass over the outbox takes.
	Batch int
}

// DefaultMailConfig tries at once, then at 3, 10 and 30 minutes and 1, 2, 4,
// 8 and 24 hours.
func DefaultMailConfig() MailConfig {
	return MailConfig{
		Schedule: []time.Duration{0, 3 * time.Minute, 10 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 24 * time.Hour},
		Guard:    mail.DefaultTimeout + 30*time.Second,
		Batch:    20,
	}
}

// email is a message a use case queues, with the secret link it carries (if
// any), which is logged only in the development outbox.
type email struct {
	mail.Message
	Link string
}

// link is an absolute URL for a path on this site.
func (a *App) link(path string) string {
	return strings.TrimRight(a.Config.Mail.BaseURL, "/") + path
}

// queueMail writes e to the outbox in tx, so it is sent if and only if the
// change commits. Call mailQueued after the commit.
func (a *App) queueMail(ctx context.Context, tx *store.Tx, e email) error {
	m := store.OutboxMessage{To: e.To, Subject: e.Subject, Body: e.Body, CreatedAt: a.Now()}
	if err := tx.QueueMail(ctx, &m); err != nil {
		return fmt.Errorf("queue mail: %w", err)
	}
	return nil
}

// mailQueued runs after a commit that queued mail: it wakes the sender, or,
// in the development outbox, logs each message with its link.
func (a *App) mailQueued(es ...email) {
	if len(es) == 0 {
		return
	}
	if a.Config.Mail.Delivery {
		select {
		case a.mailKick <- struct{}{}:
		default:
		}
		return
	}
	for _, e := range es {
		attrs := []any{slog.String("to", e.To), slog.String("subject", e.Subject)}
		if e.Link != "" {
			attrs = append(attrs, slog.String("link", e.Link))
		}
		a.Log.Info("mail queued (development outbox)", attrs...)
	}
}

// DeliverMail makes one pass over the outbox: each message whose delivery
// slot has come is claimed (in one compare-and-set statement, so of several
// servers exactly one sends it), sent, and marked sent or failed. It returns
// how many messages it took.
func (a *App) DeliverMail(ctx context.Context, s mail.Sender) (int, error) {
	cfg := a.Config.Mail
	now := a.Now()
	var due []store.OutboxMessage
	if err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		due, err = tx.DueMail(ctx, now, cfg.Schedule, cfg.Batch)
		return err
	}); err != nil {
		return 0, err
	}
	for _, m := range due {
		if ctx.Err() != nil {
			return len(due), ctx.Err()
		}
		slot := m.Attempts
		for slot+1 < len(cfg.Schedule) && !now.Before(m.CreatedAt.Add(cfg.Schedule[slot+1])) {
			slot++ // slots that passed unused (the servers were down) are skipped
		}
		if slot+1 < len(cfg.Schedule) && !now.Before(m.CreatedAt.Add(cfg.Schedule[slot+1]-cfg.Guard)) {
			continue // too close to the next slot: wait for it
		}
		var claimed bool
		if err := a.Store.Write(ctx, func(tx *store.Tx) (err error) {
			claimed, err = tx.ClaimMail(ctx, m.ID, m.Attempts, slot)
			return err
		}); err != nil {
			return len(due), err
		}
		if !claimed {
			continue // another server took it
		}
		attempts := slot + 1
		sendErr := s.Send(ctx, mail.Message{To: m.To, Subject: m.Subject, Body: m.Body})
		err := a.Store.Write(context.WithoutCancel(ctx), func(tx *store.Tx) error {
			if sendErr != nil {
				return tx.MarkMailFailed(ctx, m.ID, attempts, truncate(sendErr.Error(), 500))
			}
			return tx.MarkMailSent(ctx, m.ID, attempts, a.Now())
		})
		switch {
		case err != nil:
			return len(due), err
		case sendErr == nil:
			a.Log.Info("mail sent", slog.Int64("message", m.ID), slog.String("to", m.To), slog.String("subject", m.Subject))
		case attempts >= len(cfg.Schedule):
			a.Log.Error("mail given up", slog.Int64("message", m.ID), slog.String("to", m.To), slog.Int("attempts", attempts), slog.Any("err", sendErr))
		default:
			a.Log.Warn("mail not sent; will retry", slog.Int64("message", m.ID), slog.String("to", m.To), slog.Int("attempts", attempts),
				slog.Time("next", m.CreatedAt.Add(cfg.Schedule[attempts])), slog.Any("err", sendErr))
		}
	}
	return len(due), nil
}

// RunMailer delivers the outbox through s until ctx ends: at once, every
// poll interval, and right after any change that queues mail.
func (a *App) RunMailer(ctx context.Context, s mail.Sender, poll time.Duration) {
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		for {
			n, err := a.DeliverMail(ctx, s)
			if err != nil && ctx.Err() == nil {
				a.Log.Error("mail delivery", slog.Any("err", err))
			}
			if err != nil || n < a.Config.Mail.Batch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-a.mailKick:
		}
	}
}

// OutboxView is one message as an administrator sees it.
type OutboxView struct {
	store.OutboxMessage
	GivenUp bool // every delivery slot was used without success
}

// Status says where a message stands, in words.
func (v OutboxView) Status(delivery bool) string {
	switch {
	case !v.SentAt.IsZero():
		return "Sent"
	case v.GivenUp:
		return "Failed"
	case !delivery:
		return "Kept (development outbox)"
	case v.Attempts > 0:
		return "Retrying"
	}
	return "Queued"
}

func (a *App) outboxView(m store.OutboxMessage) OutboxView {
	return OutboxView{OutboxMessage: m, GivenUp: m.SentAt.IsZero() && m.Attempts >= len(a.Config.Mail.Schedule)}
}

// Outbox lists the outbox for firm administrators, newest first, without bodies.
func (a *App) Outbox(ctx context.Context, actor domain.User, f store.OutboxFilter) ([]OutboxView, error) {
	if err := require(actor, ViewOutbox); err != nil {
		return nil, err
	}
	var ms []store.OutboxMessage
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		ms, err = tx.ListOutbox(ctx, f)
		return err
	})
	out := make([]OutboxView, 0, len(ms))
	for _, m := range ms {
		m.Body = ""
		out = append(out, a.outboxView(m))
	}
	return out, err
}

// OutboxMessage shows one message with its body to a firm administrator,
// and records that they read it. When mail is delivered, the secret links
// in the body are hidden: they belong to the recipient alone (in the
// development outbox, reading them is how the link reaches anyone).
func (a *App) OutboxMessage(ctx context.Context, actor domain.User, id int64) (OutboxView, error) {
	if err := require(actor, ViewOutbox); err != nil {
		return OutboxView{}, err
	}
	var m store.OutboxMessage
	err := a.Store.Write(ctx, func(tx *store.Tx) (err error) {
		if m, err = tx.OutboxMessage(ctx, id); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "outbox.view", ObjectType: "outbox", ObjectID: id,
			Summary: fmt.Sprintf("read the email %q to %s", m.Subject, m.To)})
	})
	if err != nil {
		return OutboxView{}, err
	}
	if a.Config.Mail.Delivery {
		m.Body = RedactLinks(m.Body)
	}
	return a.outboxView(m), nil
}

// secretLink matches the token of an invitation or password-reset link.
var secretLink = regexp.MustCompile(`(/invitations/|/password/reset/)[A-Za-z0-9_-]{16,}`)

// RedactLinks hides the tokens of invitation and password-reset links.
func RedactLinks(s string) string {
	return secretLink.ReplaceAllString(s, "${1}[hidden: sent to the recipient only]")
}
