package app_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/testenv"
)

// A client invoice held by the billing policy tells the people who may
// override it (kind invoice_flagged, a link to the invoice page): the firm
// administrator and the attorneys whose timekeeper classification is PARTNR
// who may see the matter, each by their email preference, never the one
// who drafted or recomputed it. Nobody else: not the billing staff, not an
// attorney who is no partner, not a screened partner, never a vendor or a
// client. An invoice not held, or recomputed and held by the same flags,
// tells nobody; one held again after an override tells them again.
func TestHeldClientInvoiceTellsBillingPartners(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newInvoiceFixture(t, e)
		ctx := f.ctx
		f.a.Config.Mail.BaseURL = "http://probity.test"
		f.mode(t, domain.BillingDisbursement)
		everyone := map[string]domain.User{}
		for email, u := range f.people {
			everyone[email] = u
		}
		if _, err := f.a.SetNotificationPrefs(ctx, f.admin, "digest", nil); err != nil {
			t.Fatal(err)
		}
		snapshot := func() map[string]told {
			out := map[string]told{}
			for email, u := range everyone {
				out[email] = toldOf(t, f.a, u)
			}
			return out
		}
		// expect checks who was told of the held invoice since before: the
		// people in want, each once (email "queued", "digest" or "none"),
		// and nobody else anything.
		expect := func(step string, before map[string]told, inv domain.ClientInvoice, want map[string]domain.NotificationEmail) {
			t.Helper()
			link := fmt.Sprintf("/invoices/%d", inv.ID)
			for email, u := range everyone {
				got := toldOf(t, f.a, u).since(before[email])
				mode, ok := want[email]
				if !ok {
					if got.total() != 0 || got.mails != 0 {
						t.Errorf("%s: %s (%s) was told %v and emailed %d times", step, u.Name, u.Role, got.kinds, got.mails)
					}
					continue
				}
				wantMails := 0
				if mode == domain.EmailQueued {
					wantMails = 1
				}
				if got.total() != 1 || got.kinds[domain.NotifyInvoiceFlagged] != 1 || got.mails != wantMails {
					t.Errorf("%s: %s was told %v and emailed %d times, want one invoice_flagged and %d emails", step, u.Name, got.kinds, got.mails, wantMails)
					continue
				}
				p, err := f.a.Notifications(ctx, u, 0, 1, false)
				if err != nil || len(p.Items) != 1 {
					t.Fatalf("%s: %s's notifications: %v %v", step, u.Name, p.Items, err)
				}
				n := p.Items[0]
				if n.Link != link || n.Email != mode || n.EngagementID != 0 || !strings.Contains(n.Subject, inv.Number) ||
					!strings.Contains(n.Subject, "held by the billing policy") || !strings.Contains(n.Body, inv.Flags[0].Message) {
					t.Errorf("%s: %s's notification: %+v, want a link to %s and email %s", step, u.Name, n, link, mode)
				}
				if wantMails == 1 {
					mails := f.outboxTo(t, u.Email)
					if last := mails[len(mails)-1]; !strings.HasPrefix(last, n.Subject+"\n") || !strings.Contains(last, "http://probity.test"+link+"\n") {
						t.Errorf("%s: the email to %s:\n%s", step, u.Name, last)
					}
				}
			}
		}
		draft := func(markup string) domain.ClientInvoice {
			t.Helper()
			inv, err := f.a.DraftClientInvoice(ctx, f.rosa, app.ClientInvoiceInput{MatterID: f.matterID, Date: "2026-03-01", Start: "2026-02-01", End: "2026-02-28",
				MarkupPercent: markup})
			if err != nil {
				t.Fatal(err)
			}
			return inv
		}
		recompute := func(who domain.User, id int64) {
			t.Helper()
			if _, err := f.a.RecomputeClientInvoice(ctx, who, id); err != nil {
				t.Fatal(err)
			}
		}
		override := func(who domain.User, id int64) {
			t.Helper()
			if _, err := f.a.OverrideClientInvoice(ctx, who, id, "The client agreed to this markup in the engagement letter."); err != nil {
				t.Fatal(err)
			}
		}

		// Not held: nobody is told.
		f.firmTime(t, f.marcus, "2026-02-02", 15, "matter")
		before := snapshot()
		plain := draft("")
		recompute(f.rosa, plain.ID)
		if plain.Held() {
			t.Fatalf("the plain invoice is held: %+v", plain.Flags)
		}
		expect("an invoice not held", before, plain, nil)

		// Held: Marcus (PARTNR) by email, Eleanor (administrator) in her
		// digest; not Priya (an attorney, ASSOC), Rosa who drafted it,
		// Daniel, the vendor's people or any client.
		f.vendorInvoice(t, "LX-9", "2026-02-20", 100000, 300000)
		before = snapshot()
		held := draft("10")
		if !held.Held() {
			t.Fatalf("the marked-up invoice is not held: %+v", held)
		}
		expect("a held draft", before, held, map[string]domain.NotificationEmail{emMarcus: domain.EmailQueued, emEleanor: domain.EmailPending})
		latest, err := f.a.Notifications(ctx, f.marcus, 0, 1, false)
		if err != nil || len(latest.Items) != 1 {
			t.Fatalf("Marcus's notifications: %v %v", latest, err)
		}
		link, err := f.a.OpenNotification(ctx, f.marcus, latest.Items[0].ID)
		if err != nil || link != fmt.Sprintf("/invoices/%d", held.ID) {
			t.Fatalf("opening Marcus's notification: %q %v", link, err)
		}
		if _, err := f.a.ClientInvoice(ctx, f.marcus, held.ID); err != nil {
			t.Fatalf("the linked page for Marcus: %v", err)
		}

		// Recomputed, held by the same flags: told once already.
		before = snapshot()
		recompute(f.rosa, held.ID)
		expect("recomputed, the same flags", before, held, nil)

		// Priya becomes a partner; an override is cleared by a recompute:
		// held again, she is told too.
		if _, err := f.a.SetTimekeeper(ctx, f.admin, app.TimekeeperInput{UserID: f.priya.ID, LEDESID: "HC-PR", Classification: "PARTNR"}); err != nil {
			t.Fatal(err)
		}
		override(f.marcus, held.ID)
		before = snapshot()
		recompute(f.rosa, held.ID)
		expect("held again", before, held, map[string]domain.NotificationEmail{emMarcus: domain.EmailQueued, emEleanor: domain.EmailPending,
			emPriya: domain.EmailQueued})

		// Priya screened from the matter; Marcus mutes the kind: the bell only.
		if err := f.a.ScreenUser(ctx, f.admin, f.matterID, f.priya.ID, "Priya acted for Tidewater at her previous firm."); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.SetNotificationPrefs(ctx, f.marcus, "immediate", []string{string(domain.NotifyInvoiceFlagged)}); err != nil {
			t.Fatal(err)
		}
		override(f.marcus, held.ID)
		before = snapshot()
		recompute(f.rosa, held.ID)
		expect("a screened partner, a muted kind", before, held, map[string]domain.NotificationEmail{emMarcus: domain.EmailNone, emEleanor: domain.EmailPending})

		// Whoever recomputes is not told of their own work.
		override(f.admin, held.ID)
		before = snapshot()
		recompute(f.marcus, held.ID)
		expect("recomputed by a partner", before, held, map[string]domain.NotificationEmail{emEleanor: domain.EmailPending})
	})
}
