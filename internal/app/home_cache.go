package app

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// The figures of the home page — the savings cards of administrators,
// attorneys and client contacts, and an administrator's quality-by-month
// chart and vendor standings — add up every approved time entry, invoice
// line and completed audit of months in the person's scope: with millions of
// rows that is seconds of work for the firm (a client's year, a tenth of a
// second), too slow for the first screen of every sign-in. They
// are therefore kept per person for homeFiguresFresh: a page within that time
// shows the kept figures; a later one shows them once more while they are
// recomputed in the background. One computation per person runs at a time: a
// second view while it runs waits for it instead of starting another. Serve
// warms the administrators' figures at start (WarmHomeFigures), so the first
// view after a restart does not wait either. The savings page itself always
// adds up live, and the cards say when their figures were taken. The figures
// are totals only; what a person may open is still decided on every request.
// Kept figures are labelled with the access they were added up for (role,
// client or vendor, the matters the person is screened from), read afresh
// from the database on every view: after a change of access, made on this
// app server or another, the next view adds the figures up again instead of
// showing totals over matters the person may no longer see.

// homeFiguresFresh is how long a person's figures are shown without being
// recomputed.
const homeFiguresFresh = 5 * time.Minute

// homeFigures holds each person's kept figures. Its zero value is ready.
type homeFigures struct {
	mu       sync.Mutex
	entries  map[int64]homeFiguresEntry
	inflight map[int64]chan struct{} // closed when the person's computation ends
}

type homeFiguresEntry struct {
	at     time.Time
	access string // what the figures were added up over (homeAccess)
	today  domain.Date
	cards  HomeSavings
	firm   firmFigures
}

// firmFigures are an administrator's kept quality and vendor figures.
type firmFigures struct {
	quality []store.QualityMonth
	vendors []store.VendorStanding
}

// savingsCards reports whether the actor's home has savings cards
// (homeSavings: administrators and attorneys the firm's, client contacts
// their year's).
func savingsCards(actor domain.User) bool {
	return Can(actor, ViewSavings) && (actor.Role == domain.RoleFirmAdmin || actor.Role == domain.RoleAttorney ||
		actor.Role.IsClient() && actor.ClientID != 0)
}

// keptFigures reports whether the actor's home shows kept figures.
func keptFigures(actor domain.User) bool {
	return savingsCards(actor) || actor.Role == domain.RoleFirmAdmin
}

// cachedHomeFigures returns the actor's figures: kept ones while fresh (and
// of the same day); stale ones while a refresh runs in the background;
// computed now (or awaited, if another view is computing them) when there
// are none.
func (a *App) cachedHomeFigures(ctx context.Context, actor domain.User, today domain.Date) (homeFiguresEntry, error) {
	f := &a.homeFigures
	var access string
	if err := a.Store.Read(ctx, func(tx *store.Tx) (err error) { access, err = homeAccess(ctx, tx, actor); return err }); err != nil {
		return homeFiguresEntry{}, err
	}
	for {
		f.mu.Lock()
		e, ok := f.entries[actor.ID]
		done, running := f.inflight[actor.ID]
		if ok && e.today == today && e.access == access {
			if a.Now().Sub(e.at) >= homeFiguresFresh && !running {
				a.startHomeFigures(actor)
				go a.refreshHomeFigures(context.WithoutCancel(ctx), actor)
			}
			f.mu.Unlock()
			return e, nil
		}
		if !running {
			a.startHomeFigures(actor)
			f.mu.Unlock()
			return a.computeHomeFigures(ctx, actor)
		}
		f.mu.Unlock()
		select {
		case <-done:
		case <-ctx.Done():
			return homeFiguresEntry{}, ctx.Err()
		}
	}
}

// startHomeFigures marks the actor's computation running; f.mu is held.
func (a *App) startHomeFigures(actor domain.User) {
	f := &a.homeFigures
	if f.inflight == nil {
		f.inflight = map[int64]chan struct{}{}
	}
	f.inflight[actor.ID] = make(chan struct{})
}

func (a *App) refreshHomeFigures(ctx context.Context, actor domain.User) {
	if _, err := a.computeHomeFigures(ctx, actor); err != nil {
		a.Log.Warn("home figures refresh", "user", actor.ID, "err", err)
	}
}

// WarmHomeFigures computes the kept figures of every active firm
// administrator, so that their first home page after the server starts
// does not wait for the sums. Serve runs it in the background at start.
func (a *App) WarmHomeFigures(ctx context.Context) error {
	var admins []domain.User
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		users, err := tx.ListUsers(ctx, store.UserFilter{Role: domain.RoleFirmAdmin, Page: store.Page{Limit: store.MaxPageSize}})
		for _, u := range users {
			if !u.Disabled {
				admins = append(admins, u)
			}
		}
		return err
	})
	for _, u := range admins {
		if err != nil {
			break
		}
		var today domain.Date
		if err = a.Store.Read(ctx, func(tx *store.Tx) (err error) { today, err = a.todayFor(ctx, tx, u); return err }); err == nil {
			_, err = a.cachedHomeFigures(ctx, u, today)
		}
	}
	return err
}

// computeHomeFigures adds the figures up now, keeps them, and ends the
// actor's running mark (which the caller set).
func (a *App) computeHomeFigures(ctx context.Context, actor domain.User) (homeFiguresEntry, error) {
	e := homeFiguresEntry{at: a.Now()}
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		// The label is read before the sums: if access changes meanwhile,
		// the label is the older one and the next view recomputes.
		if e.access, err = homeAccess(ctx, tx, actor); err != nil {
			return err
		}
		if e.today, err = a.todayFor(ctx, tx, actor); err != nil {
			return err
		}
		if savingsCards(actor) {
			if e.cards, err = a.homeSavings(ctx, tx, actor); err != nil {
				return err
			}
		}
		if actor.Role == domain.RoleFirmAdmin {
			e.firm, err = a.firmFigures(ctx, tx, actor, e.today)
		}
		return err
	})
	f := &a.homeFigures
	f.mu.Lock()
	defer f.mu.Unlock()
	if done, ok := f.inflight[actor.ID]; ok {
		close(done)
		delete(f.inflight, actor.ID)
	}
	if err != nil {
		return e, err
	}
	if f.entries == nil {
		f.entries = map[int64]homeFiguresEntry{}
	}
	f.entries[actor.ID] = e
	return e, nil
}

// homeAccess describes what the actor's kept figures may add up over, from
// the database: the role, scope and the matters screened from them. Kept
// figures are used only while it is unchanged.
func homeAccess(ctx context.Context, tx *store.Tx, actor domain.User) (string, error) {
	u, err := tx.User(ctx, actor.ID)
	if err != nil {
		return "", err
	}
	screened, err := tx.ScreenedMatters(ctx, u.ID)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s|%v|%d|%d|%v", u.Role, u.Disabled, u.ClientID, u.VendorID, screened), nil
}
