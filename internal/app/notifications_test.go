package app_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/mail"
	"github.com/probity/probity/internal/mail/smtptest"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// notes is everything a person was notified of since the test began.
func (f *delivFixture) notes(tb testing.TB, who string) []domain.Notification {
	tb.Helper()
	p, err := f.a.Notifications(f.ctx, f.people[who], 0, 100, false)
	if err != nil {
		tb.Fatal(err)
	}
	return p.Items
}

// outboxTo lists the subjects and bodies of every email to addr.
func (f *delivFixture) outboxTo(tb testing.TB, addr string) []string {
	tb.Helper()
	rows, err := f.a.Store.DB().Query(`SELECT subject, body FROM outbox WHERE to_addr = $1 ORDER BY id`, addr)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s, b string
		if err := rows.Scan(&s, &b); err != nil {
			tb.Fatal(err)
		}
		out = append(out, s+"\n"+b)
	}
	return out
}

// The events notify the right people by role and scope: review requested
// goes to the supervising attorney; changes requested and approval to the
// engagement's vendor team; a release to the client's contacts and the
// team; a new briefing to the team; a disclosure to the client's contacts
// only; the client's answer to the supervising attorney. No vendor user's
// notification or email carries client-only content (the disclosure's
// words, consent, savings), and what a vendor was told never reaches
// another organisation's people.
func TestNotificationsReachTheRightPeople(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newDelivFixture(t, e)
		f.a.Config.Mail.BaseURL = "http://probity.test"
		marcus, helen := f.people[emMarcus], f.people[emHelen]
		team := f.vendorTeam(t)
		if len(team) == 0 {
			t.Fatal("the engagement has no vendor team")
		}
		before := map[string]int{}
		for email := range f.people {
			before[email] = len(f.notes(t, email))
		}
		fresh := func(who string) []domain.Notification { return f.notes(t, who)[:len(f.notes(t, who))-before[who]] }
		// freshKinds counts the notifications the test's events made, by kind.
		freshKinds := func(who string) map[domain.NotificationKind]int {
			out := map[domain.NotificationKind]int{}
			for _, n := range fresh(who) {
				out[n.Kind]++
			}
			return out
		}

		// Review requested → the supervising attorney only.
		d := f.submit(t, dvRohan, "Privilege calls, batch 7")
		if got := fresh(emMarcus); len(got) != 1 || got[0].Kind != domain.NotifyReviewRequested || got[0].EngagementID != f.eid ||
			!strings.Contains(got[0].Link, "/deliverables/versions/") {
			t.Fatalf("the supervising attorney after a submission: %+v", got)
		}
		if got := f.outboxTo(t, marcus.Email); len(got) == 0 || !strings.Contains(got[len(got)-1], "Review requested") ||
			!strings.Contains(got[len(got)-1], "http://probity.test/engagements/") {
			t.Fatalf("no review email with an absolute link to the attorney: %q", got)
		}
		for _, who := range []string{emPriya, emDaniel, emEleanor, emHelen, dvRohan} {
			if n := len(fresh(who)); n != 0 {
				t.Errorf("%s was notified of a review request (%d)", who, n)
			}
		}

		// Changes requested, then approval → the vendor team.
		if _, err := f.a.ReviewDeliverable(f.ctx, marcus, f.eid, d.Versions[0].ID, domain.ReviewInput{Decision: domain.ReviewChangesRequested,
			Comment: "Recheck the privilege calls on the board minutes."}); err != nil {
			t.Fatal(err)
		}
		v2, err := f.a.SubmitDeliverableVersion(f.ctx, f.people[dvRohan], f.eid, d.ID, "rechecked", textFile("batch2.txt", "rechecked\n"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.ReviewDeliverable(f.ctx, marcus, f.eid, v2.ID, domain.ReviewInput{Decision: domain.ReviewApproved}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.ReleaseDeliverable(f.ctx, marcus, f.eid, v2.ID, domain.ReleaseToClient); err != nil {
			t.Fatal(err)
		}
		for _, u := range team {
			k := freshKinds(u.Email)
			if k[domain.NotifyChangesRequested] != 1 || k[domain.NotifyApproved] != 2 {
				t.Errorf("vendor %s (%s): %v, want one changes requested and two approved/released", u.Name, u.Role, k)
			}
		}
		if k := freshKinds(emHelen); k[domain.NotifyApproved] != 1 || k[domain.NotifyChangesRequested] != 0 {
			t.Errorf("the client contact: %v, want only the release", k)
		}
		for _, who := range []string{emPriya, emDaniel, emSam} {
			if n := len(fresh(who)); n != 0 {
				t.Errorf("%s, not concerned, was notified %d times", who, n)
			}
		}

		// A new briefing version → the vendor team.
		if _, err := f.a.SaveBriefingDraft(f.ctx, marcus, f.eid, domain.BriefingSections{JurisdictionRules: "New York law; SDNY local rules.",
			ClientGuidelines: "Calloway's outside counsel guidelines, 2026.", PrivilegeHandling: "Log every withheld document.",
			StrategyFit: "The privilege log supports the motion.", Confidentiality: "Confidential.", LocalRules: "SDNY", Formatting: "PDF/A"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.PublishBriefing(f.ctx, marcus, f.eid); err != nil {
			t.Fatal(err)
		}
		for _, u := range team {
			if k := freshKinds(u.Email); k[domain.NotifyBriefingUpdated] != 1 {
				t.Errorf("vendor %s after a new briefing: %v", u.Name, k)
			}
		}
		if k := freshKinds(emHelen); k[domain.NotifyBriefingUpdated] != 0 {
			t.Errorf("the client was told of the vendor's briefing: %v", k)
		}

		// The disclosure → the client's contacts; their answer → the attorney.
		const secret = "CLIENT-ONLY: the firm keeps 40% of the saving of USD 9,999.00"
		v, err := f.a.ConsentOf(f.ctx, marcus, f.eid)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.SaveDisclosureDraft(f.ctx, marcus, f.eid, v.Draft.Body+"\n\n"+secret); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.IssueDisclosure(f.ctx, marcus, f.eid); err != nil {
			t.Fatal(err)
		}
		if k := freshKinds(emHelen); k[domain.NotifyConsentRequested] != 1 {
			t.Fatalf("the client contact after the disclosure: %v", k)
		}
		if _, err := f.a.AnswerConsent(f.ctx, helen, f.eid, app.ConsentAnswer{Give: true, TypedName: helen.Name}); err != nil {
			t.Fatal(err)
		}
		if k := freshKinds(emMarcus); k[domain.NotifyConsentGiven] != 1 {
			t.Errorf("the supervising attorney after the client consented: %v", k)
		}
		for _, u := range team {
			k := freshKinds(u.Email)
			if k[domain.NotifyConsentRequested]+k[domain.NotifyConsentGiven] != 0 {
				t.Errorf("vendor %s was told of the client's consent: %v", u.Name, k)
			}
		}

		// Nothing client-only in any vendor user's notifications or emails.
		forbidden := []string{secret, "CLIENT-ONLY", "consent", "Consent", "disclosure", "saving", helen.Email}
		vendorUsers := 0
		for email, u := range f.people {
			if !u.Role.IsVendor() {
				continue
			}
			vendorUsers++
			texts := f.outboxTo(t, email)
			for _, n := range f.notes(t, email) {
				texts = append(texts, n.Subject+"\n"+n.Body+"\n"+n.Link)
			}
			for _, text := range texts {
				for _, s := range forbidden {
					if strings.Contains(text, s) {
						t.Errorf("vendor %s was sent %q:\n%s", u.Name, s, text)
					}
				}
			}
		}
		if vendorUsers == 0 {
			t.Fatal("no vendor users to check")
		}
	})
}

// vendorTeam is the engagement's assigned vendor people.
func (f *delivFixture) vendorTeam(tb testing.TB) []domain.User {
	tb.Helper()
	var out []domain.User
	err := f.a.Store.Read(f.ctx, func(tx *store.Tx) error {
		ms, err := tx.EngagementMembers(f.ctx, f.eid)
		for _, m := range ms {
			u, err := tx.User(f.ctx, m.UserID)
			if err != nil {
				return err
			}
			if u.Role.IsVendor() && !u.Disabled {
				out = append(out, u)
			}
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// Preferences: immediate queues an email at once; digest leaves it for one
// daily email listing everything since the last, sent once however often
// the job runs, and not again within the day; off sends nothing; a muted
// kind is never emailed. Bad input changes nothing. The bell counts unread
// notifications; only the recipient reads or opens one.
func TestNotificationPreferencesAndDigest(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newDelivFixture(t, e)
		f.a.Config.Mail.BaseURL = "http://probity.test"
		marcus, priya, rohan := f.people[emMarcus], f.people[emPriya], f.people[dvRohan]
		count := func(addr, subject string) int {
			var n int
			if err := f.a.Store.DB().QueryRow(`SELECT COUNT(*) FROM outbox WHERE to_addr = $1 AND subject LIKE $2`, addr, "%"+subject+"%").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		// Bad input changes nothing.
		for _, c := range []struct {
			mode  string
			muted []string
			field string
		}{{"weekly", nil, "email_mode"}, {"digest", []string{"review_requested", "gossip"}, "muted"}} {
			_, err := f.a.SetNotificationPrefs(f.ctx, marcus, c.mode, c.muted)
			if domain.ErrorCode(err) != domain.EInvalid || domain.ErrorField(err) != c.field {
				t.Errorf("prefs %q %v: %v, want invalid %s", c.mode, c.muted, err, c.field)
			}
		}
		if p, err := f.a.NotificationPrefs(f.ctx, marcus); err != nil || p.EmailMode != domain.EmailImmediate || len(p.Muted) != 0 {
			t.Fatalf("after refused changes: %+v %v", p, err)
		}

		// Digest: nothing at once, one email at the digest, not again the same day.
		if _, err := f.a.SetNotificationPrefs(f.ctx, marcus, "digest", nil); err != nil {
			t.Fatal(err)
		}
		f.submit(t, dvRohan, "Batch A")
		f.submit(t, dvRohan, "Batch B")
		if n := count(marcus.Email, "Review requested"); n != 0 {
			t.Fatalf("%d immediate emails in digest mode", n)
		}
		now := f.now.Add(time.Hour)
		if n, err := f.a.SendDigests(f.ctx, now); err != nil || n != 1 {
			t.Fatalf("first digest run: %d %v", n, err)
		}
		digests := f.outboxTo(t, marcus.Email)
		last := digests[len(digests)-1]
		if !strings.HasPrefix(last, "Your Probity digest: 2 notifications") || !strings.Contains(last, `"Batch A"`) || !strings.Contains(last, `"Batch B"`) ||
			!strings.Contains(last, "http://probity.test/engagements/") {
			t.Fatalf("the digest:\n%s", last)
		}
		if n, err := f.a.SendDigests(f.ctx, now); err != nil || n != 0 {
			t.Fatalf("a second run sent %d digests (%v)", n, err)
		}
		f.submit(t, dvRohan, "Batch C")
		if n, err := f.a.SendDigests(f.ctx, now.Add(2*time.Hour)); err != nil || n != 0 {
			t.Fatalf("a digest within the day: %d %v", n, err)
		}
		if n, err := f.a.SendDigests(f.ctx, now.Add(24*time.Hour)); err != nil || n != 1 {
			t.Fatalf("the next day's digest: %d %v", n, err)
		}
		digests = f.outboxTo(t, marcus.Email)
		if last := digests[len(digests)-1]; !strings.HasPrefix(last, "Your Probity digest: 1 notification\n") || !strings.Contains(last, "Batch C") || strings.Contains(last, "Batch A") {
			t.Fatalf("the second digest:\n%s", last)
		}

		// Off, and a muted kind: the bell only.
		if _, err := f.a.SetNotificationPrefs(f.ctx, marcus, "off", nil); err != nil {
			t.Fatal(err)
		}
		mails := len(f.outboxTo(t, marcus.Email))
		f.submit(t, dvRohan, "Batch D")
		if _, err := f.a.SendDigests(f.ctx, now.Add(72*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if n := len(f.outboxTo(t, marcus.Email)); n != mails {
			t.Errorf("email off: %d new emails", n-mails)
		}
		if _, err := f.a.SetNotificationPrefs(f.ctx, marcus, "immediate", []string{"review_requested"}); err != nil {
			t.Fatal(err)
		}
		f.submit(t, dvRohan, "Batch E")
		if n := len(f.outboxTo(t, marcus.Email)); n != mails {
			t.Errorf("a muted kind was emailed (%d)", n-mails)
		}

		// The bell, reading and opening: the recipient's own only.
		p, err := f.a.Notifications(f.ctx, marcus, 0, 2, true)
		if err != nil || p.Unread < 5 || len(p.Items) != 2 || p.NextBefore == 0 || !strings.Contains(p.Items[0].Subject, "Batch E") {
			t.Fatalf("unread page: %+v %v", p, err)
		}
		id := p.Items[0].ID
		for _, u := range []domain.User{priya, rohan} {
			if _, err := f.a.OpenNotification(f.ctx, u, id); domain.ErrorCode(err) != domain.ENotFound {
				t.Errorf("%s opening Marcus's notification: %v", u.Name, err)
			}
			if err := f.a.MarkNotificationRead(f.ctx, u, id); domain.ErrorCode(err) != domain.ENotFound {
				t.Errorf("%s marking Marcus's notification read: %v", u.Name, err)
			}
		}
		if n, _ := f.a.UnreadNotifications(f.ctx, marcus); n != p.Unread {
			t.Fatalf("others' attempts changed the count: %d → %d", p.Unread, n)
		}
		link, err := f.a.OpenNotification(f.ctx, marcus, id)
		if err != nil || link != p.Items[0].Link {
			t.Fatalf("open: %q %v", link, err)
		}
		if n, _ := f.a.UnreadNotifications(f.ctx, marcus); n != p.Unread-1 {
			t.Errorf("opening did not mark it read: %d → %d", p.Unread, n)
		}
		if n, err := f.a.MarkAllNotificationsRead(f.ctx, marcus); err != nil || n != p.Unread-1 {
			t.Errorf("mark all: %d %v", n, err)
		}
		if n, _ := f.a.UnreadNotifications(f.ctx, marcus); n != 0 {
			t.Errorf("%d unread after marking all read", n)
		}
	})
}

// Notification email goes through the outbox to a real SMTP server
// (STARTTLS, authenticated): an event's email reaches its recipient with
// the subject and an absolute link; in digest mode the person gets one
// digest instead; with email off, nothing.
func TestNotificationEmailOverSMTP(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		srv := smtptest.Start(t, smtptest.Options{STARTTLS: true, User: "probity", Password: "mail-pw"})
		sender, err := mail.NewSMTP(mail.SMTPConfig{URL: "smtp://probity:mail-pw@127.0.0.1:" + srv.Port(), From: "Probity <probity@hartwellcrane.example>",
			RootCAs: srv.RootCAs, Timeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		f := newDelivFixture(t, e)
		f.a.Config.Mail.BaseURL = "https://probity.hartwellcrane.example"
		f.a.Config.Mail.Delivery = true
		marcus, rohan, anika := f.people[emMarcus], f.people[dvRohan], f.people[emAnika]
		deliver := func() {
			t.Helper()
			if _, err := f.a.DeliverMail(f.ctx, sender); err != nil {
				t.Fatal(err)
			}
		}

		d := f.submit(t, dvRohan, "Privilege calls, batch 9")
		deliver()
		got := srv.Wait(t, 1, 10*time.Second)[0]
		link := fmt.Sprintf("https://probity.hartwellcrane.example/engagements/%d/deliverables/versions/%d", f.eid, d.Versions[0].ID)
		if len(got.To) != 1 || got.To[0] != marcus.Email || !strings.HasPrefix(got.Subject, "Review requested:") || !strings.Contains(got.Subject, "Privilege calls, batch 9") ||
			!strings.Contains(got.Body, link) || !got.TLS {
			t.Fatalf("the review email: to %v, subject %q, TLS %v, want a link to %s:\n%s", got.To, got.Subject, got.TLS, link, got.Body)
		}

		// Marcus: the daily digest; Rohan: no email.
		if _, err := f.a.SetNotificationPrefs(f.ctx, marcus, "digest", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.SetNotificationPrefs(f.ctx, rohan, "off", nil); err != nil {
			t.Fatal(err)
		}
		f.submit(t, dvRohan, "Privilege calls, batch 10")
		f.submit(t, dvRohan, "Privilege calls, batch 11")
		if _, err := f.a.ReviewDeliverable(f.ctx, marcus, f.eid, d.Versions[0].ID, domain.ReviewInput{Decision: domain.ReviewChangesRequested,
			Comment: "Recheck the board minutes."}); err != nil {
			t.Fatal(err)
		}
		if n, err := f.a.SendDigests(f.ctx, f.now.Add(time.Hour)); err != nil || n != 1 {
			t.Fatalf("digests: %d %v", n, err)
		}
		deliver()
		var queued int
		if err := f.a.Store.DB().QueryRow(`SELECT COUNT(*) FROM outbox`).Scan(&queued); err != nil {
			t.Fatal(err)
		}
		all := srv.Wait(t, queued, 10*time.Second)
		to := map[string][]smtptest.Message{}
		for _, m := range all[1:] {
			to[m.To[0]] = append(to[m.To[0]], m)
		}
		if ms := to[marcus.Email]; len(ms) != 1 || ms[0].Subject != "Your Probity digest: 2 notifications" ||
			!strings.Contains(ms[0].Body, "batch 10") || !strings.Contains(ms[0].Body, "batch 11") || !strings.Contains(ms[0].Body, "https://probity.hartwellcrane.example/notifications") {
			t.Errorf("Marcus, in digest mode, got %d messages: %+v", len(ms), ms)
		}
		if ms := to[rohan.Email]; len(ms) != 0 {
			t.Errorf("Rohan, with email off, got %d messages", len(ms))
		}
		if ms := to[anika.Email]; len(ms) != 1 || !strings.HasPrefix(ms[0].Subject, "Changes requested:") {
			t.Errorf("Anika (immediate) got %+v, want the changes requested", ms)
		}
	})
}

// Two servers running the digest job at the same moment send one digest:
// each person's digest is claimed by compare-and-set.
func TestDigestSentOnceByConcurrentRuns(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newDelivFixture(t, e)
		marcus := f.people[emMarcus]
		if _, err := f.a.SetNotificationPrefs(f.ctx, marcus, "digest", nil); err != nil {
			t.Fatal(err)
		}
		f.submit(t, dvRohan, "Batch X")
		now := f.now.Add(time.Hour)
		var wg sync.WaitGroup
		sent := make([]int, 4)
		errs := make([]error, 4)
		for i := range sent {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sent[i], errs[i] = f.a.SendDigests(f.ctx, now)
			}()
		}
		wg.Wait()
		total := 0
		for i := range sent {
			if errs[i] != nil {
				t.Errorf("run %d: %v", i, errs[i])
			}
			total += sent[i]
		}
		var digests int
		if err := f.a.Store.DB().QueryRow(`SELECT COUNT(*) FROM outbox WHERE to_addr = $1 AND subject LIKE 'Your Probity digest%'`, marcus.Email).Scan(&digests); err != nil {
			t.Fatal(err)
		}
		if total != 1 || digests != 1 {
			t.Errorf("%d runs reported %d digests, %d in the outbox; want 1", len(sent), total, digests)
		}
	})
}
