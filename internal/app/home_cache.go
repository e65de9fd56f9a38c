package app

import (
	"context"
	"sync"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// The firm-wide savings cards of the home page add up every approved time
// entry, vendor invoice line and client invoice line of the last six months
// in the person's scope: with millions of time entries that is seconds of
// work, too slow for the first screen of every sign-in. The cards are
// therefore kept per person for homeFiguresFresh: a page within that time
// shows the kept figures; a later one shows them once more while they are
// recomputed in the background, so only a person's first view after the
// server starts waits for the sum. The savings page itself always adds up
// live, and the cards say when their figures were taken.

// homeFiguresFresh is how long a person's savings cards are shown without
// being recomputed.
const homeFiguresFresh = 5 * time.Minute

// homeFigures holds each person's savings cards. Its zero value is ready.
type homeFigures struct {
	mu         sync.Mutex
	entries    map[int64]homeFiguresEntry
	refreshing map[int64]bool
}

type homeFiguresEntry struct {
	at    time.Time
	today domain.Date
	cards HomeSavings
}

// firmSavingsView reports whether the actor's home has the firm-wide
// savings cards (homeSavings: administrators and attorneys).
func firmSavingsView(actor domain.User) bool {
	return Can(actor, ViewSavings) && (actor.Role == domain.RoleFirmAdmin || actor.Role == domain.RoleAttorney)
}

// cachedHomeSavings returns the actor's savings cards: kept ones while
// fresh (and of the same day); stale ones while a refresh runs in the
// background; computed now when there are none.
func (a *App) cachedHomeSavings(ctx context.Context, actor domain.User, today domain.Date) (HomeSavings, time.Time, error) {
	f := &a.homeFigures
	now := a.Now()
	f.mu.Lock()
	e, ok := f.entries[actor.ID]
	if ok && e.today == today {
		if now.Sub(e.at) >= homeFiguresFresh && !f.refreshing[actor.ID] {
			if f.refreshing == nil {
				f.refreshing = map[int64]bool{}
			}
			f.refreshing[actor.ID] = true
			go a.refreshHomeSavings(context.WithoutCancel(ctx), actor)
		}
		f.mu.Unlock()
		return e.cards, e.at, nil
	}
	f.mu.Unlock()
	return a.computeHomeSavings(ctx, actor)
}

func (a *App) refreshHomeSavings(ctx context.Context, actor domain.User) {
	if _, _, err := a.computeHomeSavings(ctx, actor); err != nil {
		a.Log.Warn("home savings refresh", "user", actor.ID, "err", err)
	}
	a.homeFigures.mu.Lock()
	delete(a.homeFigures.refreshing, actor.ID)
	a.homeFigures.mu.Unlock()
}

// computeHomeSavings adds the cards up now and keeps them.
func (a *App) computeHomeSavings(ctx context.Context, actor domain.User) (HomeSavings, time.Time, error) {
	at := a.Now()
	var cards HomeSavings
	var today domain.Date
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		if today, err = a.todayFor(ctx, tx, actor); err != nil {
			return err
		}
		cards, err = a.homeSavings(ctx, tx, actor)
		return err
	})
	if err != nil {
		return cards, at, err
	}
	f := &a.homeFigures
	f.mu.Lock()
	if f.entries == nil {
		f.entries = map[int64]homeFiguresEntry{}
	}
	f.entries[actor.ID] = homeFiguresEntry{at: at, today: today, cards: cards}
	f.mu.Unlock()
	return cards, at, nil
}
