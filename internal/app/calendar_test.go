package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// feedSummaries parses a feed back: its unfolded SUMMARY values, after
// checking the framing (CRLF, at most 75 octets a line).
func feedSummaries(tb testing.TB, cal string) []string {
	tb.Helper()
	for _, l := range strings.Split(strings.TrimSuffix(cal, "\r\n"), "\r\n") {
		if len(l) > 75 || strings.ContainsAny(l, "\r\n") {
			tb.Fatalf("bad line %q", l)
		}
	}
	var out []string
	for _, l := range domain.UnfoldLines(cal) {
		if v, ok := strings.CutPrefix(l, "SUMMARY:"); ok {
			out = append(out, domain.UnescapeText(v))
		}
	}
	return out
}

func has(list []string, s string) bool {
	for _, x := range list {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}

// The calendar feed: a secret per-user URL whose token is stored only as a
// hash; rotating kills the old URL; the feed holds what the user may see
// now — screens apply, vendor users lose closed engagements, a disabled
// user's feed is gone.
func TestCalendarFeedScope(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newSOWFixture(t, e)
		bg := context.Background()
		marcus, priya, rohan, thomas := f.people[emMarcus], f.people[emPriya], f.people[swRohan], f.people["thomas.walsh@keystonereview.example"]
		tok, err := f.a.RotateCalendarFeed(f.ctx, rohan)
		if err != nil {
			t.Fatal(err)
		}
		var stored int
		f.a.Store.DB().QueryRow(`SELECT COUNT(*) FROM calendar_feeds WHERE token_sha256 = $1`, tok).Scan(&stored)
		if stored != 0 {
			t.Fatalf("the token itself is stored")
		}
		cal, err := f.a.CalendarFeed(bg, tok, "https://probity.example")
		if err != nil {
			t.Fatal(err)
		}
		s := feedSummaries(t, cal)
		if !has(s, "Batch 14 coding complete") || !has(s, "Due: Privilege review and privilege log") || has(s, "Regulatory review") {
			t.Fatalf("Rohan's feed: %q", s)
		}
		if !strings.Contains(cal, "URL:https://probity.example/engagements/") || !strings.Contains(cal, "DTSTART;VALUE=DATE:2026031") {
			t.Errorf("feed lacks links or all-day dates:\n%s", cal)
		}
		// A stable UID: the same feed twice has the same UIDs.
		again, _ := f.a.CalendarFeed(bg, tok, "")
		uid := func(c string) string {
			var u []string
			for _, l := range domain.UnfoldLines(c) {
				if strings.HasPrefix(l, "UID:") {
					u = append(u, l)
				}
			}
			return strings.Join(u, ",")
		}
		if uid(cal) != uid(again) || uid(cal) == "" {
			t.Errorf("UIDs are not stable")
		}
		// Thomas (Keystone) sees none of Lexora's.
		tt, _ := f.a.RotateCalendarFeed(f.ctx, thomas)
		cal, _ = f.a.CalendarFeed(bg, tt, "")
		if s := feedSummaries(t, cal); has(s, "Batch 14") {
			t.Errorf("another vendor's deadlines leak: %q", s)
		}
		// Rotation kills the old URL.
		tok2, _ := f.a.RotateCalendarFeed(f.ctx, rohan)
		_, err = f.a.CalendarFeed(bg, tok, "")
		wantCode(t, err, domain.ENotFound, "a rotated token")
		_, err = f.a.CalendarFeed(bg, "pcal_guess", "")
		wantCode(t, err, domain.ENotFound, "a guessed token")
		// Screens apply at each fetch: Priya screened from Calloway loses it.
		tp, _ := f.a.RotateCalendarFeed(f.ctx, priya)
		cal, _ = f.a.CalendarFeed(bg, tp, "")
		if !has(feedSummaries(t, cal), "Batch 14") {
			t.Fatalf("Priya's feed lacks Calloway before the screen")
		}
		err = f.a.Store.Write(bg, func(tx *store.Tx) error {
			e := f.engagement(t, f.active)
			return tx.Screen(bg, e.MatterID, priya.ID, marcus.ID, "test screen", t0)
		})
		if err != nil {
			t.Fatal(err)
		}
		cal, _ = f.a.CalendarFeed(bg, tp, "")
		if has(feedSummaries(t, cal), "Batch 14") {
			t.Errorf("a screened attorney's feed shows the matter")
		}
		// A closed engagement leaves the vendor's feed, not the firm's.
		if _, err := f.a.Store.DB().Exec(`UPDATE engagements SET stage = 'closed' WHERE id = $1`, f.active); err != nil {
			t.Fatal(err)
		}
		cal, _ = f.a.CalendarFeed(bg, tok2, "")
		if has(feedSummaries(t, cal), "Batch 14") {
			t.Errorf("a vendor keeps a closed engagement in the feed")
		}
		tm, _ := f.a.RotateCalendarFeed(f.ctx, marcus)
		cal, _ = f.a.CalendarFeed(bg, tm, "")
		if !has(feedSummaries(t, cal), "Batch 14") {
			t.Errorf("the firm loses a closed engagement's deadlines")
		}
		// Disabled: no feed.
		if err := f.a.Store.Write(bg, func(tx *store.Tx) error { _, err := tx.SetUserDisabled(bg, marcus.ID, true, t0); return err }); err != nil {
			t.Fatal(err)
		}
		_, err = f.a.CalendarFeed(bg, tm, "")
		wantCode(t, err, domain.ENotFound, "a disabled user's feed")
	})
}
