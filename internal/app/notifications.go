package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// notice is one notification before it is addressed: its subject and body
// are written for one audience (a vendor's never carries client-only
// content), and link is a site path. EngagementID, and MatterID for a
// notice about a whole matter (a client invoice), name what it is about:
// nobody who may not see them is told.
type notice struct {
	Kind         domain.NotificationKind
	Subject      string
	Body         string
	Link         string
	EngagementID int64
	MatterID     int64 // not stored: the row keeps the engagement only
}

// notify tells each recipient of n, inside tx, the transaction of the change
// that caused it, so notifications exist if and only if the change commits:
// a row per recipient (disabled people, duplicates and anyone the
// engagement or matter is hidden from skipped: an ethical screen, a vendor
// person off the team) and, per the recipient's preference, an email queued
// in the outbox now or left for the daily digest. It returns the emails
// queued, for mailQueued after the commit.
func (a *App) notify(ctx context.Context, tx *store.Tx, n notice, to ...domain.User) ([]email, error) {
	var mails []email
	seen := map[int64]bool{}
	for _, u := range to {
		if u.ID == 0 || u.Disabled || seen[u.ID] {
			continue
		}
		seen[u.ID] = true
		if ok, err := mayKnow(ctx, tx, u, n.EngagementID, n.MatterID); err != nil || !ok {
			if err != nil {
				return nil, fmt.Errorf("notify %s: %w", n.Kind, err)
			}
			continue
		}
		p, err := tx.NotificationPrefs(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		state := p.EmailFor(n.Kind)
		if u.Email == "" {
			state = domain.EmailNone
		}
		row := domain.Notification{UserID: u.ID, Kind: n.Kind, Subject: clip(n.Subject, 300), Body: clip(n.Body, 4000), Link: n.Link,
			EngagementID: n.EngagementID, Email: state, CreatedAt: a.Now()}
		if err := tx.InsertNotification(ctx, &row); err != nil {
			return nil, fmt.Errorf("notify %s: %w", n.Kind, err)
		}
		if state != domain.EmailQueued {
			continue
		}
		e := email{Link: a.link(n.Link)}
		e.To, e.Subject = u.Email, row.Subject
		var b strings.Builder
		fmt.Fprintf(&b, "Hello %s,\n\n%s\n", u.Name, row.Body)
		if n.Link != "" {
			fmt.Fprintf(&b, "\nOpen it in Probity:\n%s\n", e.Link)
		}
		fmt.Fprintf(&b, "\nYou receive this email because of your notification settings:\n%s\n", a.link("/account/notifications"))
		e.Body = b.String()
		if err := a.queueMail(ctx, tx, e); err != nil {
			return nil, err
		}
		mails = append(mails, e)
	}
	return mails, nil
}

// mayKnow reports whether u may see engagement engagementID and matter
// matterID (0: not asked): an ethical screen, a vendor person's lost
// assignment or another client's matter answers no.
func mayKnow(ctx context.Context, tx *store.Tx, u domain.User, engagementID, matterID int64) (bool, error) {
	var err error
	if engagementID != 0 {
		_, err = tx.Engagement(ctx, ScopeFor(u), engagementID)
	}
	if err == nil && matterID != 0 {
		_, err = tx.Matter(ctx, ScopeFor(u), matterID)
	}
	if domain.ErrorCode(err) == domain.ENotFound {
		return false, nil
	}
	return err == nil, err
}

// inScope keeps the people who may see engagement id (an ethical screen or
// a vendor's lost assignment drops them), enabled, each once.
func inScope(ctx context.Context, tx *store.Tx, engagementID int64, us []domain.User) ([]domain.User, error) {
	var out []domain.User
	for _, u := range us {
		if u.Disabled || slices.ContainsFunc(out, func(x domain.User) bool { return x.ID == u.ID }) {
			continue
		}
		ok, err := mayKnow(ctx, tx, u, engagementID, 0)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, u)
		}
	}
	return out, nil
}

// engagementVendorTeam is the vendor people assigned to an engagement who
// may still see it.
func (a *App) engagementVendorTeam(ctx context.Context, tx *store.Tx, e domain.Engagement) ([]domain.User, error) {
	ms, err := tx.EngagementMembers(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	var us []domain.User
	for _, m := range ms {
		u, err := tx.User(ctx, m.UserID)
		if err != nil {
			return nil, err
		}
		if u.Role.IsVendor() && u.VendorID == e.VendorID {
			us = append(us, u)
		}
	}
	return inScope(ctx, tx, e.ID, us)
}

// matterClientContacts is the client's contacts who may see the engagement.
func (a *App) matterClientContacts(ctx context.Context, tx *store.Tx, e domain.Engagement, m domain.Matter) ([]domain.User, error) {
	us, err := tx.ListUsers(ctx, store.UserFilter{ClientID: m.ClientID, Role: domain.RoleClientContact, Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		return nil, err
	}
	return inScope(ctx, tx, e.ID, us)
}

// supervisingAttorney is the engagement's supervising attorney, as a list
// of at most one enabled person.
func (a *App) supervisingAttorney(ctx context.Context, tx *store.Tx, e domain.Engagement) ([]domain.User, error) {
	u, err := tx.User(ctx, e.SupervisingAttorneyID)
	if err != nil {
		return nil, err
	}
	return inScope(ctx, tx, 0, []domain.User{u})
}

// billingStaff is the firm's staff (who keep its billing) not screened from
// the engagement.
func (a *App) billingStaff(ctx context.Context, tx *store.Tx, engagementID int64) ([]domain.User, error) {
	us, err := tx.ListUsers(ctx, store.UserFilter{Role: domain.RoleStaff, Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		return nil, err
	}
	return inScope(ctx, tx, engagementID, us)
}

// billingPartners are the people who may release a client invoice held by
// the billing policy (OverrideBillingPolicy, as OverrideClientInvoice checks
// it: a firm administrator, or an attorney whose timekeeper classification
// is PARTNR) and who may see matter matterID, each once.
func (a *App) billingPartners(ctx context.Context, tx *store.Tx, matterID int64) ([]domain.User, error) {
	var candidates []domain.User
	for page := (store.Page{Limit: store.MaxPageSize}); ; {
		admins, err := tx.ListUsers(ctx, store.UserFilter{Role: domain.RoleFirmAdmin, Page: page})
		if err != nil {
			return nil, err
		}
		candidates = append(candidates, admins...)
		if len(admins) < page.Limit {
			break
		}
		page.AfterID = admins[len(admins)-1].ID
	}
	tks, err := tx.Timekeepers(ctx)
	if err != nil {
		return nil, err
	}
	for _, tk := range tks {
		if tk.Classification != domain.ClassPartner {
			continue
		}
		u, err := tx.User(ctx, tk.UserID)
		if err != nil {
			return nil, err
		}
		candidates = append(candidates, u)
	}
	var out []domain.User
	for _, u := range candidates {
		if !Can(u, OverrideBillingPolicy) || slices.ContainsFunc(out, func(x domain.User) bool { return x.ID == u.ID }) {
			continue
		}
		if ok, err := a.isBillingPartner(ctx, tx, u); err != nil {
			return nil, err
		} else if !ok {
			continue
		}
		if ok, err := mayKnow(ctx, tx, u, 0, matterID); err != nil {
			return nil, err
		} else if ok {
			out = append(out, u)
		}
	}
	return out, nil
}

// NotificationPage is one page of a person's notifications, newest first.
type NotificationPage struct {
	Items  []domain.Notification
	Unread int
	// NextBefore, when not 0, is the BeforeID of the next (older) page.
	NextBefore int64
}

// Notifications lists actor's own notifications, newest first, a page
// (limit 1..100, default 25) of ids below before (0: the newest).
func (a *App) Notifications(ctx context.Context, actor domain.User, before int64, limit int, unreadOnly bool) (NotificationPage, error) {
	var p NotificationPage
	if err := signedIn(actor); err != nil {
		return p, err
	}
	if limit <= 0 {
		limit = 25
	}
	if limit > 100 {
		return p, domain.Invalid("limit", "at most 100 notifications a page")
	}
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		items, err := tx.Notifications(ctx, actor.ID, store.NotificationFilter{BeforeID: before, UnreadOnly: unreadOnly, Limit: limit + 1})
		if err != nil {
			return err
		}
		if len(items) > limit {
			items = items[:limit]
			p.NextBefore = items[limit-1].ID
		}
		p.Items = items
		p.Unread, err = tx.UnreadNotifications(ctx, actor.ID)
		return err
	})
	return p, err
}

// UnreadNotifications counts actor's unread notifications, for the bell.
func (a *App) UnreadNotifications(ctx context.Context, actor domain.User) (int, error) {
	if actor.ID == 0 || actor.Disabled {
		return 0, nil
	}
	var n int
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		n, err = tx.UnreadNotifications(ctx, actor.ID)
		return err
	})
	return n, err
}

func signedIn(actor domain.User) error {
	if actor.ID == 0 || actor.Disabled {
		return domain.Errorf(domain.EUnauthorized, "sign in first")
	}
	return nil
}

// MarkNotificationRead marks one of actor's notifications read; another
// person's is not found.
func (a *App) MarkNotificationRead(ctx context.Context, actor domain.User, id int64) error {
	if err := signedIn(actor); err != nil {
		return err
	}
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		return tx.MarkNotificationRead(ctx, actor.ID, id, a.Now())
	})
}

// OpenNotification marks one of actor's notifications read and returns the
// site path it links to ("/notifications" when it has none). Another
// person's is not found.
func (a *App) OpenNotification(ctx context.Context, actor domain.User, id int64) (string, error) {
	if err := signedIn(actor); err != nil {
		return "", err
	}
	var link string
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		n, err := tx.Notification(ctx, actor.ID, id)
		if err != nil {
			return err
		}
		link = n.Link
		if n.Unread() {
			return tx.MarkNotificationRead(ctx, actor.ID, id, a.Now())
		}
		return nil
	})
	if !strings.HasPrefix(link, "/") || strings.HasPrefix(link, "//") {
		link = "/notifications" // only paths on this site
	}
	return link, err
}

// MarkAllNotificationsRead marks every unread notification of actor read
// and returns how many.
func (a *App) MarkAllNotificationsRead(ctx context.Context, actor domain.User) (int, error) {
	if err := signedIn(actor); err != nil {
		return 0, err
	}
	var n int
	err := a.Store.Write(ctx, func(tx *store.Tx) (err error) {
		n, err = tx.MarkAllNotificationsRead(ctx, actor.ID, a.Now())
		return err
	})
	return n, err
}

// NotificationPrefs is actor's own email preference (the defaults when never set).
func (a *App) NotificationPrefs(ctx context.Context, actor domain.User) (domain.NotificationPrefs, error) {
	var p domain.NotificationPrefs
	if err := signedIn(actor); err != nil {
		return p, err
	}
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		p, err = tx.NotificationPrefs(ctx, actor.ID)
		return err
	})
	return p, err
}

// SetNotificationPrefs saves actor's own email preference: mode immediate,
// digest or off, and kinds never emailed. Turning email off drops what
// waited for the digest. Bad input changes nothing.
func (a *App) SetNotificationPrefs(ctx context.Context, actor domain.User, mode string, muted []string) (domain.NotificationPrefs, error) {
	if err := signedIn(actor); err != nil {
		return domain.NotificationPrefs{}, err
	}
	p, err := domain.ParseNotificationPrefs(actor.ID, mode, muted)
	if err != nil {
		return p, err
	}
	p.UpdatedAt = a.Now()
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		old, err := tx.NotificationPrefs(ctx, actor.ID)
		if err != nil {
			return err
		}
		p.DigestSentAt = old.DigestSentAt
		if err := tx.SaveNotificationPrefs(ctx, p); err != nil {
			return err
		}
		if p.EmailMode == domain.EmailOff {
			if err := tx.DropPendingDigest(ctx, actor.ID); err != nil {
				return err
			}
		}
		muted := "nothing muted"
		if len(p.Muted) > 0 {
			ks := make([]string, len(p.Muted))
			for i, k := range p.Muted {
				ks[i] = string(k)
			}
			muted = "muted: " + strings.Join(ks, ", ")
		}
		return a.audit(ctx, tx, actor, Record{Action: "notifications.prefs", ObjectType: "user", ObjectID: actor.ID,
			Summary: fmt.Sprintf("set notification email to %s (%s)", p.EmailMode, muted)})
	})
	return p, err
}

// SendDigests sends, at now, each person's daily digest that is due: one
// email listing the notifications left for the digest since the last one,
// which are then marked as sent in a digest. A person's digest goes at most
// once in 23 hours; each is claimed with a compare-and-set in its own
// transaction, so two servers running this at once send it once. It
// returns how many digests it queued; serve runs it periodically and tests
// call it with an explicit now.
func (a *App) SendDigests(ctx context.Context, now time.Time) (int, error) {
	var users []int64
	if err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		users, err = tx.DigestRecipients(ctx)
		return err
	}); err != nil {
		return 0, err
	}
	sent := 0
	for _, id := range users {
		var mails []email
		err := a.Store.Write(ctx, func(tx *store.Tx) error {
			mails = nil
			p, err := tx.NotificationPrefs(ctx, id)
			if err != nil || !p.DigestDue(now) {
				return err
			}
			u, err := tx.User(ctx, id)
			if err != nil {
				return err
			}
			items, err := tx.PendingDigest(ctx, id)
			if err != nil || len(items) == 0 {
				return err
			}
			if ok, err := tx.ClaimDigest(ctx, id, p.DigestSentAt, now); err != nil || !ok {
				return err // another server sent it
			}
			if err := tx.MarkDigested(ctx, id, items[len(items)-1].ID); err != nil {
				return err
			}
			if u.Disabled || u.Email == "" {
				return nil
			}
			e := a.digestEmail(u, items)
			if err := a.queueMail(ctx, tx, e); err != nil {
				return err
			}
			mails = append(mails, e)
			return nil
		})
		if err != nil {
			return sent, fmt.Errorf("notification digest of user %d: %w", id, err)
		}
		a.mailQueued(mails...)
		sent += len(mails)
	}
	return sent, nil
}

func (a *App) digestEmail(u domain.User, items []domain.Notification) email {
	e := email{Link: a.link("/notifications")}
	e.To = u.Email
	if len(items) == 1 {
		e.Subject = "Your Probity digest: 1 notification"
	} else {
		e.Subject = fmt.Sprintf("Your Probity digest: %d notifications", len(items))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\nSince your last digest:\n", u.Name)
	for _, n := range items {
		fmt.Fprintf(&b, "\n- %s (%s, %s)\n", n.Subject, n.Kind.Label(), n.CreatedAt.Format("2 Jan 15:04 MST"))
		if n.Link != "" {
			fmt.Fprintf(&b, "  %s\n", a.link(n.Link))
		}
	}
	fmt.Fprintf(&b, "\nAll your notifications:\n%s\n\nChange how you are notified:\n%s\n", e.Link, a.link("/account/notifications"))
	e.Body = b.String()
	return e
}

// RunDigests sends due digests at once and then every poll interval until
// ctx ends.
func (a *App) RunDigests(ctx context.Context, poll time.Duration) {
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if n, err := a.SendDigests(ctx, a.Now()); err != nil && ctx.Err() == nil {
			a.Log.Error("notification digests", "err", err)
		} else if n > 0 {
			a.Log.Info("notification digests queued", "emails", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
