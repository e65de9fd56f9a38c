package app_test

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/seed"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// dashApp is an app over the Small generated set, its clock on the
// set's day.
func dashApp(t *testing.T, e testenv.Engine) (*app.App, seed.People) {
	t.Helper()
	s := testenv.OpenStore(t, e)
	size := seed.Small
	size.Now = time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
	people, err := seed.Generate(context.Background(), s, size, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(s, app.DefaultConfig(), slog.New(slog.DiscardHandler))
	a.Now = func() time.Time { return size.Now }
	return a, people
}

func dashUser(t *testing.T, a *app.App, id int64) domain.User {
	t.Helper()
	var u domain.User
	if err := a.Store.Read(context.Background(), func(tx *store.Tx) (err error) {
		u, err = tx.User(context.Background(), id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return u
}

func dashCount(t *testing.T, db *sql.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestDashboardsByRole: each role's first screen lists what concerns that
// person and nothing of another scope: the attorney's lists hold only
// engagements they supervise (totals agree with the database), the vendor's
// only their organisation's engagements they are on, the client's only
// their own matters; other roles' sections stay empty.
func TestDashboardsByRole(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		a, people := dashApp(t, e)
		ctx := context.Background()
		db := a.Store.DB()

		// Attorney.
		att := dashUser(t, a, people.Attorney)
		h, err := a.Home(ctx, att)
		if err != nil {
			t.Fatal(err)
		}
		if h.Attorney == nil || h.Firm != nil || h.Vendor != nil || h.Client != nil {
			t.Fatalf("attorney home sections: %+v", h)
		}
		at := h.Attorney
		if want := dashCount(t, db, `SELECT COUNT(*) FROM engagements WHERE supervising_attorney_id = $1 AND stage IN ('proposed','communication','briefing','sow','paused')`, att.ID); at.Blocked.Total != want || want == 0 {
			t.Errorf("blocked total %d, want %d (non-zero)", at.Blocked.Total, want)
		}
		for _, b := range at.Blocked.Items {
			if sup := dashCount(t, db, `SELECT COUNT(*) FROM engagements WHERE id = $1 AND supervising_attorney_id = $2`, b.EngagementID, att.ID); sup != 1 {
				t.Errorf("blocked engagement %d is not the attorney's", b.EngagementID)
			}
			if b.Why == "" {
				t.Errorf("blocked engagement %d without a reason", b.EngagementID)
			}
		}
		if want := dashCount(t, db, `SELECT COUNT(*) FROM client_consents c JOIN engagements e ON e.id = c.engagement_id
			WHERE e.supervising_attorney_id = $1 AND e.stage <> 'closed' AND c.state IN ('pending','stale')`, att.ID); at.Consents.Total != want {
			t.Errorf("consents total %d, want %d", at.Consents.Total, want)
		}
		if want := dashCount(t, db, `SELECT COUNT(*) FROM deadlines d JOIN engagements e ON e.id = d.engagement_id
			WHERE e.supervising_attorney_id = $1 AND e.stage <> 'closed' AND d.done_at = 0 AND d.due_on <= $2`, att.ID, string(at.WeekEnd)); at.Deadlines.Total != want || want == 0 {
			t.Errorf("deadlines total %d, want %d (non-zero)", at.Deadlines.Total, want)
		}
		for i := 1; i < len(at.Deadlines.Items); i++ {
			if at.Deadlines.Items[i].DueOn < at.Deadlines.Items[i-1].DueOn {
				t.Errorf("deadlines not soonest first: %v", at.Deadlines.Items)
			}
		}
		for _, v := range at.Expiring {
			if v.Engagements == 0 || v.ApprovedUntil < h.Today || v.ApprovedUntil > domain.DateOf(h.Today.Time().AddDate(0, 0, 30)) {
				t.Errorf("expiring vendor %+v outside the attorney's 30 days", v)
			}
		}

		// Vendor manager: only their vendor's engagements they are on.
		vm := dashUser(t, a, people.VendorManager)
		h, err = a.Home(ctx, vm)
		if err != nil {
			t.Fatal(err)
		}
		if h.Vendor == nil || h.Attorney != nil || h.Firm != nil || h.Client != nil {
			t.Fatalf("vendor home sections: %+v", h)
		}
		mine := func(engagement int64) bool {
			return dashCount(t, db, `SELECT COUNT(*) FROM engagements e JOIN engagement_members m ON m.engagement_id = e.id
				WHERE e.id = $1 AND e.vendor_id = $2 AND m.user_id = $3`, engagement, vm.VendorID, vm.ID) == 1
		}
		v := h.Vendor
		for _, d := range v.Deadlines.Items {
			if !mine(d.EngagementID) {
				t.Errorf("vendor sees deadline %d of engagement %d", d.ID, d.EngagementID)
			}
		}
		for _, c := range v.Changes.Items {
			if !mine(c.EngagementID) {
				t.Errorf("vendor sees changes on engagement %d", c.EngagementID)
			}
		}
		for _, c := range v.Corrective.Items {
			if !mine(c.EngagementID) {
				t.Errorf("vendor sees corrective action %d", c.ID)
			}
		}
		for _, b := range v.Briefings.Items {
			if !mine(b.EngagementID) {
				t.Errorf("vendor sees briefing of engagement %d", b.EngagementID)
			}
		}
		if want := dashCount(t, db, `SELECT COUNT(*) FROM vendor_invoices vi JOIN engagements e ON e.id = vi.engagement_id
			JOIN engagement_members m ON m.engagement_id = e.id AND m.user_id = $1 WHERE e.vendor_id = $2`, vm.ID, vm.VendorID); dashInvoices(v.Invoices) != want || want == 0 {
			t.Errorf("vendor invoices counted %d, want %d (non-zero)", dashInvoices(v.Invoices), want)
		}
		if want := dashCount(t, db, `SELECT COUNT(*) FROM corrective_actions ca JOIN engagement_members m ON m.engagement_id = ca.engagement_id AND m.user_id = $1
			WHERE ca.vendor_id = $2 AND ca.state IN ('open','responded')`, vm.ID, vm.VendorID); v.Corrective.Total != want {
			t.Errorf("corrective total %d, want %d", v.Corrective.Total, want)
		}
		// A vendor professional gets no invoices or corrective actions.
		pro := dashUser(t, a, people.VendorProfessional)
		if h, err = a.Home(ctx, pro); err != nil || h.Vendor == nil || h.Vendor.Invoices != nil || h.Vendor.Corrective.Total != 0 {
			t.Errorf("professional: %+v, %v", h.Vendor, err)
		}

		// Client: only their own matters.
		cl := dashUser(t, a, people.ClientContact)
		h, err = a.Home(ctx, cl)
		if err != nil {
			t.Fatal(err)
		}
		if h.Client == nil || h.Attorney != nil || h.Firm != nil || h.Vendor != nil {
			t.Fatalf("client home sections: %+v", h)
		}
		own := func(engagement int64) bool {
			return dashCount(t, db, `SELECT COUNT(*) FROM engagements e JOIN matters m ON m.id = e.matter_id WHERE e.id = $1 AND m.client_id = $2`, engagement, cl.ClientID) == 1
		}
		c := h.Client
		for _, x := range c.Consents.Items {
			if !own(x.EngagementID) || x.State != "pending" {
				t.Errorf("client sees consent %+v", x)
			}
		}
		if want := dashCount(t, db, `SELECT COUNT(*) FROM client_consents c JOIN engagements e ON e.id = c.engagement_id JOIN matters m ON m.id = e.matter_id
			WHERE m.client_id = $1 AND e.stage <> 'closed' AND c.state = 'pending'`, cl.ClientID); c.Consents.Total != want {
			t.Errorf("client consents %d, want %d", c.Consents.Total, want)
		}
		for _, x := range c.Released.Items {
			if !own(x.EngagementID) {
				t.Errorf("client sees released work of engagement %d", x.EngagementID)
			}
		}
		if c.Released.Total == 0 {
			t.Error("the client has no released work in the small set")
		}
		for _, inv := range c.Invoices {
			if inv.ClientID != cl.ClientID {
				t.Errorf("client sees invoice %s of client %d", inv.Number, inv.ClientID)
			}
		}
		audits := 0
		for _, s := range c.Audits {
			audits += s.Audits
		}
		if want := dashCount(t, db, `SELECT COUNT(*) FROM audits a JOIN engagements e ON e.id = a.engagement_id JOIN matters m ON m.id = e.matter_id
			WHERE m.client_id = $1 AND a.state = 'completed' AND a.due_on >= $2`, cl.ClientID, string(c.Since)); audits != want || want == 0 {
			t.Errorf("client audit summaries count %d audits, want %d (non-zero)", audits, want)
		}

		// Firm administrator: firm-wide figures.
		adm := dashUser(t, a, people.Admin)
		h, err = a.Home(ctx, adm)
		if err != nil {
			t.Fatal(err)
		}
		if h.Firm == nil || h.Attorney != nil || h.Vendor != nil || h.Client != nil {
			t.Fatalf("admin home sections: %+v", h)
		}
		f := h.Firm
		if len(f.Quality) != 6 {
			t.Errorf("%d quality months, want 6", len(f.Quality))
		}
		completed := 0
		for _, q := range f.Quality {
			completed += q.Audits
		}
		if want := dashCount(t, db, `SELECT COUNT(*) FROM audits WHERE state = 'completed' AND period >= $1`, f.Quality[0].Month); completed != want || want == 0 {
			t.Errorf("quality months count %d audits, want %d (non-zero)", completed, want)
		}
		if want := dashCount(t, db, `SELECT COUNT(*) FROM client_invoices WHERE override_at > 0`); f.Overrides.Total != want {
			t.Errorf("overrides %d, want %d", f.Overrides.Total, want)
		}
		if want := dashCount(t, db, `SELECT COUNT(*) FROM audit_events WHERE action = 'auth.sign_in_failed' AND at >= $1`, a.Now().AddDate(0, 0, -30).UnixMicro()); f.SecurityCounts["auth.sign_in_failed"] != want {
			t.Errorf("failed sign-ins %d, want %d", f.SecurityCounts["auth.sign_in_failed"], want)
		}
		for i := 1; i < len(f.Security); i++ {
			if f.Security[i].Seq > f.Security[i-1].Seq {
				t.Errorf("security events not newest first")
			}
		}
		if len(f.Vendors) == 0 || len(f.Vendors) > 10 {
			t.Errorf("%d vendors by cost", len(f.Vendors))
		}
	})
}

func dashInvoices(cs []store.InvoiceStateCount) int {
	n := 0
	for _, c := range cs {
		n += c.Count
	}
	return n
}

// TestHomeSavingsKept: the savings cards are added up once and shown again
// while fresh (the same figures, the same time taken), and added up anew on
// the person's next day; a client contact's year is kept the same way.
func TestHomeSavingsKept(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		a, people := dashApp(t, e)
		ctx := context.Background()
		start := a.Now()
		clock := start
		a.Now = func() time.Time { return clock }
		admin := dashUser(t, a, people.Admin)
		h1, err := a.Home(ctx, admin)
		if err != nil || h1.Savings.Weeks == nil || !h1.SavingsAt.Equal(start) {
			t.Fatalf("first home: at %v, weeks %v, %v", h1.SavingsAt, h1.Savings.Weeks != nil, err)
		}
		clock = start.Add(time.Minute)
		h2, err := a.Home(ctx, admin)
		if err != nil || !h2.SavingsAt.Equal(start) || h2.Savings.Weeks != h1.Savings.Weeks {
			t.Errorf("within the minute: at %v (want the kept %v), %v", h2.SavingsAt, start, err)
		}
		// Another person's cards are their own.
		att := dashUser(t, a, people.Attorney)
		h3, err := a.Home(ctx, att)
		if err != nil || !h3.SavingsAt.Equal(clock) {
			t.Errorf("attorney's first home: at %v, want %v, %v", h3.SavingsAt, clock, err)
		}
		clock = start.Add(24 * time.Hour)
		h4, err := a.Home(ctx, admin)
		if err != nil || !h4.SavingsAt.Equal(clock) {
			t.Errorf("next day: at %v, want %v (added up anew), %v", h4.SavingsAt, clock, err)
		}
		client := dashUser(t, a, people.ClientContact)
		c1, err := a.Home(ctx, client)
		if err != nil || !c1.SavingsAt.Equal(clock) || c1.Savings.Year == nil {
			t.Fatalf("client: at %v (want %v), year %v, %v", c1.SavingsAt, clock, c1.Savings.Year != nil, err)
		}
		clock = clock.Add(time.Minute)
		if c2, err := a.Home(ctx, client); err != nil || !c2.SavingsAt.Equal(c1.SavingsAt) || c2.Savings.Year != c1.Savings.Year {
			t.Errorf("client within the minute: at %v (want the kept %v), %v", c2.SavingsAt, c1.SavingsAt, err)
		}
	})
}

// TestHomeFiguresWarmedAndShared: serve's warming keeps the administrators'
// figures (savings cards, quality chart, vendor standings), so their first
// home page shows them without adding up again; views that arrive while a
// person's figures are being added up wait for that one computation rather
// than starting their own.
func TestHomeFiguresWarmedAndShared(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		a, people := dashApp(t, e)
		ctx := context.Background()
		var tick atomic.Int64
		start := a.Now()
		// Every reading of the clock is a microsecond later, so two
		// computations can never report the same instant.
		a.Now = func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Microsecond) }
		if err := a.WarmHomeFigures(ctx); err != nil {
			t.Fatal(err)
		}
		warmedBy := tick.Load()
		admin := dashUser(t, a, people.Admin)
		h, err := a.Home(ctx, admin)
		if err != nil {
			t.Fatal(err)
		}
		if h.SavingsAt.IsZero() || h.SavingsAt.After(start.Add(time.Duration(warmedBy)*time.Microsecond)) {
			t.Errorf("admin's first home added up at %v; want the figures kept by the warming (by %v)", h.SavingsAt, start.Add(time.Duration(warmedBy)*time.Microsecond))
		}
		if h.Firm == nil || len(h.Firm.Quality) != 6 || h.Savings.Weeks == nil {
			t.Fatalf("admin's kept figures missing: firm %v, weeks %v", h.Firm != nil, h.Savings.Weeks != nil)
		}
		att := dashUser(t, a, people.Attorney)
		var wg sync.WaitGroup
		ats := make([]time.Time, 4)
		errs := make([]error, 4)
		for i := range ats {
			wg.Go(func() {
				h, err := a.Home(ctx, att)
				ats[i], errs[i] = h.SavingsAt, err
			})
		}
		wg.Wait()
		for i := range ats {
			if errs[i] != nil || !ats[i].Equal(ats[0]) {
				t.Errorf("view %d: figures of %v, %v; want every view to show the one computation's (%v)", i, ats[i], errs[i], ats[0])
			}
		}
	})
}
