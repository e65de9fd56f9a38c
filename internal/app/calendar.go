package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// The iCalendar feed (issue 6 part 5): each user may create, and rotate, a
// secret per-user URL /calendar/{token}.ics that calendar programs
// subscribe to. Only the token's SHA-256 is stored; the token is shown once.
// The feed holds the deadlines and approved work items' due dates of every
// engagement the user may see now (scope and screens applied at each fetch;
// nothing for a disabled user; vendor users lose closed engagements).
// Highly confidential matters appear without their names.

// calendarTokenPrefix marks Probity calendar tokens.
const calendarTokenPrefix = "pcal_"

func calendarTokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// RotateCalendarFeed makes a new feed token for actor, replacing any
// earlier one (whose URL stops working at once). It returns the token.
func (a *App) RotateCalendarFeed(ctx context.Context, actor domain.User) (string, error) {
	if actor.Disabled || actor.ID == 0 {
		return "", domain.Errorf(domain.EForbidden, "sign in to make a calendar feed")
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	token := calendarTokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		was, err := tx.CalendarFeedCreated(ctx, actor.ID)
		if err != nil {
			return err
		}
		if err := tx.SetCalendarFeed(ctx, actor.ID, calendarTokenHash(token), a.Now()); err != nil {
			return err
		}
		say := "calendar feed URL created"
		if !was.IsZero() {
			say = "calendar feed URL rotated: the previous URL no longer works"
		}
		return a.audit(ctx, tx, actor, Record{Action: "calendar.rotate", ObjectType: "user", ObjectID: actor.ID, Summary: say})
	})
	return token, err
}

// CalendarFeedCreated is when actor's current feed URL was made (zero: none).
func (a *App) CalendarFeedCreated(ctx context.Context, actor domain.User) (time.Time, error) {
	var at time.Time
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		at, err = tx.CalendarFeedCreated(ctx, actor.ID)
		return err
	})
	return at, err
}

// CalendarFeed renders the iCalendar feed of the token's owner; an unknown
// token, or a disabled owner, is not found. baseURL (may be empty) makes
// links back to the engagement's work page.
func (a *App) CalendarFeed(ctx context.Context, token, baseURL string) (string, error) {
	var out string
	if !strings.HasPrefix(token, calendarTokenPrefix) {
		return "", domain.NotFound("calendar feed")
	}
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		u, err := tx.CalendarFeedOwner(ctx, calendarTokenHash(token))
		if err != nil {
			return err
		}
		if u.Disabled || u.Role.IsClient() {
			return domain.NotFound("calendar feed")
		}
		list, err := tx.FeedDeadlines(ctx, ScopeFor(u), u.Role.IsVendor())
		if err != nil {
			return err
		}
		events := make([]domain.CalendarEvent, 0, len(list))
		for _, d := range list {
			e := domain.CalendarEvent{Day: d.DueOn, Done: d.Done()}
			if d.FromWorkItem {
				e.UID = fmt.Sprintf("sow-item-%d@probity", d.WorkItemID)
			} else {
				e.UID = fmt.Sprintf("deadline-%d@probity", d.ID)
			}
			if d.Sensitivity == domain.SensitivityHighlyConfidential {
				e.Summary = "Deadline on a highly confidential matter"
				e.Description = "Open Probity to see it."
			} else {
				e.Summary = d.Title
				if d.FromWorkItem {
					e.Summary = "Due: " + d.Title
				}
				e.Description = fmt.Sprintf("%s %s — %s", d.MatterNumber, d.MatterTitle, d.VendorName)
				if d.OwnerName != "" {
					e.Description += "\nOwner: " + d.OwnerName
				}
			}
			if baseURL != "" {
				e.URL = fmt.Sprintf("%s/engagements/%d/work", strings.TrimRight(baseURL, "/"), d.EngagementID)
			}
			events = append(events, e)
		}
		out = domain.RenderCalendar("Probity deadlines: "+u.Name, events, a.Now())
		return nil
	})
	return out, err
}

// CalendarFeedPath is the feed's path for a token.
func CalendarFeedPath(token string) string { return "/calendar/" + token + ".ics" }

// SiteURL is the configured address people reach Probity at ("" when none).
func (a *App) SiteURL() string { return strings.TrimRight(a.Config.Mail.BaseURL, "/") }
