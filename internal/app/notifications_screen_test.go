package app_test

import (
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// told is what a person has been told: notification rows by kind (in the
// notifications table) and emails queued to their address (in the outbox).
type told struct {
	kinds map[domain.NotificationKind]int
	mails int
}

func toldOf(tb testing.TB, a *app.App, u domain.User) told {
	tb.Helper()
	db := a.Store.DB()
	t := told{kinds: map[domain.NotificationKind]int{}}
	rows, err := db.Query(`SELECT kind, COUNT(*) FROM notifications WHERE user_id = $1 GROUP BY kind`, u.ID)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			tb.Fatal(err)
		}
		t.kinds[domain.NotificationKind(k)] = n
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM outbox WHERE to_addr = $1`, u.Email).Scan(&t.mails); err != nil {
		tb.Fatal(err)
	}
	return t
}

// since is what was added after before: new rows by kind and new emails.
func (t told) since(before told) told {
	d := told{kinds: map[domain.NotificationKind]int{}, mails: t.mails - before.mails}
	for k, n := range t.kinds {
		if n != before.kinds[k] {
			d.kinds[k] = n - before.kinds[k]
		}
	}
	return d
}

func (t told) total() int {
	n := 0
	for _, c := range t.kinds {
		n += c
	}
	return n
}

// A firm person screened from a matter and a vendor person taken off an
// engagement's team are told nothing more of it, in the app or by email.
// First, unscreened and on the team, they are: Rosa (billing staff) of a
// flagged vendor invoice, Meera (reviewer) of changes requested and a new
// briefing, Anika (the vendor's manager) of a disputed invoice line. Then
// Rosa is screened from the matter and Meera and Anika leave the team; the
// same events, which still reach the others (proof they happened), add
// no notification row and no outbox email for any of the three.
func TestScreenedPeopleAreNotNotified(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newVIFixture(t, e)
		ctx := f.ctx
		meera := f.people[emMeera]
		var matterID int64
		if err := f.a.Store.Write(ctx, func(tx *store.Tx) error { // newVIFixture took Meera off the team: she is back on it
			eng, err := tx.Engagement(ctx, store.Scope{All: true}, f.eid)
			matterID = eng.MatterID
			if err != nil {
				return err
			}
			return tx.AddEngagementMember(ctx, domain.EngagementMember{EngagementID: f.eid, UserID: meera.ID, Role: domain.MemberReviewer})
		}); err != nil {
			t.Fatal(err)
		}
		people := map[string]domain.User{"Rosa": f.rosa, "Meera": meera, "Anika": f.anika, "Rohan": f.rohan, "Marcus": f.marcus}
		snapshot := func() map[string]told {
			out := map[string]told{}
			for name, u := range people {
				out[name] = toldOf(t, f.a, u)
			}
			return out
		}
		changesRequested := func(title string) {
			t.Helper()
			d := f.submit(t, dvRohan, title)
			if _, err := f.a.ReviewDeliverable(ctx, f.marcus, f.eid, d.Versions[0].ID, domain.ReviewInput{Decision: domain.ReviewChangesRequested,
				Comment: "Recheck the privilege calls on the board minutes."}); err != nil {
				t.Fatal(err)
			}
		}
		publishBriefing := func(confidentiality string) {
			t.Helper()
			if _, err := f.a.SaveBriefingDraft(ctx, f.marcus, f.eid, domain.BriefingSections{JurisdictionRules: "New York law; SDNY local rules.",
				ClientGuidelines: "Calloway's outside counsel guidelines, 2026.", PrivilegeHandling: "Log every withheld document.",
				StrategyFit: "The privilege log supports the motion.", Confidentiality: confidentiality, LocalRules: "SDNY", Formatting: "PDF/A"}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.a.PublishBriefing(ctx, f.marcus, f.eid); err != nil {
				t.Fatal(err)
			}
		}
		flaggedInvoice := func(number string, entries ...int64) domain.VendorInvoice {
			t.Helper()
			var lines []app.VendorLineInput
			for _, id := range entries {
				lines = append(lines, app.VendorLineInput{Kind: "hourly", TimeEntryID: id})
			}
			v, err := f.a.SubmitVendorInvoice(ctx, f.anika, f.eid, f.input(number, lines...))
			if err != nil {
				t.Fatal(err)
			}
			if v.FlagCount() == 0 {
				t.Fatalf("invoice %s has no flag", number)
			}
			return v
		}
		dispute := func(v domain.VendorInvoice) {
			t.Helper()
			if err := f.a.DisputeVendorLine(ctx, f.marcus, v.ID, v.Lines[0].ID, "Explain this line before we approve it."); err != nil {
				t.Fatal(err)
			}
		}

		// Unscreened, on the team: told in the app and by email.
		start := snapshot()
		changesRequested("Privilege calls, batch 1")
		v1 := flaggedInvoice("LX-S1", f.entry(t, dvRohan, "2026-03-14", domain.TimeApproved), f.extra) // 11.5 hours that day
		dispute(v1)
		publishBriefing("Confidential.")
		got := map[string]told{}
		for name, u := range people {
			got[name] = toldOf(t, f.a, u).since(start[name])
		}
		for _, c := range []struct {
			who   string
			kind  domain.NotificationKind
			mails int
		}{
			{"Meera", domain.NotifyChangesRequested, 2}, {"Meera", domain.NotifyBriefingUpdated, 2},
			{"Rosa", domain.NotifyInvoiceFlagged, 1}, {"Anika", domain.NotifyInvoiceFlagged, 3},
		} {
			if g := got[c.who]; g.kinds[c.kind] != 1 || g.mails != c.mails {
				t.Errorf("%s before the screen or removal: %v and %d emails, want one %s and %d emails", c.who, g.kinds, g.mails, c.kind, c.mails)
			}
		}
		for _, who := range []domain.User{f.rohan, f.anika} {
			if _, err := f.a.AcknowledgeBriefing(ctx, who, f.eid, who.Name); err != nil {
				t.Fatal(err)
			}
		}

		// Rosa screened, then a flagged invoice; Meera and Anika (the lead:
		// Rohan leads now) off the team, then the other events.
		if err := f.a.ScreenUser(ctx, f.admin, matterID, f.rosa.ID, "Rosa advised Tidewater's insurer before she joined the firm."); err != nil {
			t.Fatal(err)
		}
		before := snapshot()
		v2 := flaggedInvoice("LX-S2", f.early) // before the statement of work
		if err := f.a.RemoveTeamMember(ctx, f.marcus, f.eid, meera.ID, 0); err != nil {
			t.Fatal(err)
		}
		if err := f.a.RemoveTeamMember(ctx, f.marcus, f.eid, f.anika.ID, f.rohan.ID); err != nil {
			t.Fatal(err)
		}
		changesRequested("Privilege calls, batch 2")
		dispute(v2)
		publishBriefing("Confidential: attorneys' eyes only.")
		for name, u := range people {
			got[name] = toldOf(t, f.a, u).since(before[name])
		}
		for _, who := range []string{"Rosa", "Meera", "Anika"} {
			if g := got[who]; g.total() != 0 || g.mails != 0 {
				t.Errorf("%s, screened or off the team, was told %v and emailed %d times", who, g.kinds, g.mails)
			}
		}
		if g := got["Marcus"]; g.kinds[domain.NotifyInvoiceFlagged] != 1 {
			t.Errorf("the supervising attorney after the second flagged invoice: %v", g.kinds)
		}
		if g := got["Rohan"]; g.kinds[domain.NotifyChangesRequested] != 1 || g.kinds[domain.NotifyBriefingUpdated] != 1 || g.mails != 2 {
			t.Errorf("Rohan, still on the team: %v and %d emails, want changes requested and the briefing", g.kinds, g.mails)
		}
	})
}
