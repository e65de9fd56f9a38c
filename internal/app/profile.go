package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// EditOwnProfile lets a signed-in person change their own name, time zone
// and locale; nobody edits another person's profile this way.
const EditOwnProfile Action = "edit_own_profile"

// Profile is what a person says about themselves: how they are named, the
// time zone they see times in, and how dates and money are written for them.
type Profile struct {
	Name     string
	TimeZone string // IANA name
	Locale   string // "en-US", "en-GB", ...
}

// UpdateProfile changes the actor's own profile in one transaction and
// records it in the audit trail. Bad input changes nothing.
func (a *App) UpdateProfile(ctx context.Context, actor domain.User, in Profile) (domain.User, error) {
	if err := require(actor, EditOwnProfile); err != nil {
		return domain.User{}, err
	}
	name := strings.TrimSpace(in.Name)
	if name == "" || len([]rune(name)) > 200 {
		return domain.User{}, domain.Invalid("name", "your name is required (at most 200 characters)")
	}
	tz := strings.TrimSpace(in.TimeZone)
	if tz == "" {
		return domain.User{}, domain.Invalid("time_zone", "choose your time zone, such as America/New_York or Asia/Manila")
	}
	if tz == "Local" || domain.LoadZone(tz).String() != tz {
		return domain.User{}, domain.Invalid("time_zone", "%q is not an IANA time zone; use a name such as America/New_York or Asia/Manila", tz)
	}
	loc, err := domain.ParseLocale(in.Locale)
	if err != nil {
		return domain.User{}, err
	}
	var u domain.User
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		before, err := tx.User(ctx, actor.ID)
		if err != nil {
			return err
		}
		if err := tx.UpdateProfile(ctx, actor.ID, name, tz, loc, a.Now()); err != nil {
			return err
		}
		var changed []string
		if before.Name != name {
			changed = append(changed, fmt.Sprintf("name %q → %q", before.Name, name))
		}
		if before.TimeZone != tz {
			changed = append(changed, fmt.Sprintf("time zone %s → %s", before.TimeZone, tz))
		}
		if before.Locale != loc {
			changed = append(changed, fmt.Sprintf("locale %s → %s", before.Locale, loc))
		}
		summary := "profile saved unchanged"
		if len(changed) > 0 {
			summary = "changed own " + strings.Join(changed, ", ")
		}
		if err := a.audit(ctx, tx, actor, Record{Action: "user.profile", ObjectType: "user", ObjectID: actor.ID, Summary: summary}); err != nil {
			return err
		}
		u, err = tx.User(ctx, actor.ID)
		return err
	})
	return u, err
}
