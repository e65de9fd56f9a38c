// The storage conformance suite: written once, run on every engine (SQLite
// always, PostgreSQL when $PROBITY_TEST_POSTGRES is set) through
// testenv.ForEachEngine. No database is mocked.
package store_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/engine"
	"github.com/probity/probity/internal/testenv"
)

// t0 is the fixed "now" of these tests.
var t0 = time.Date(2026, 3, 17, 9, 30, 0, 0, time.UTC)

// write runs fn in a write transaction and fails the test on error.
func write(tb testing.TB, s *store.Store, fn func(ctx context.Context, tx *store.Tx) error) {
	tb.Helper()
	ctx := context.Background()
	if err := s.Write(ctx, func(tx *store.Tx) error { return fn(ctx, tx) }); err != nil {
		tb.Fatalf("write: %v", err)
	}
}

// read runs fn in a read transaction and fails the test on error.
func read(tb testing.TB, s *store.Store, fn func(ctx context.Context, tx *store.Tx) error) {
	tb.Helper()
	ctx := context.Background()
	if err := s.Read(ctx, func(tx *store.Tx) error { return fn(ctx, tx) }); err != nil {
		tb.Fatalf("read: %v", err)
	}
}

// wantCode fails the test unless err carries the domain code.
func wantCode(tb testing.TB, err error, code, what string) {
	tb.Helper()
	if got := domain.ErrorCode(err); got != code {
		tb.Fatalf("%s: error %v has code %q, want %q", what, err, got, code)
	}
}

// count returns the number of rows in a table, read through the write pool
// so it sees exactly what was committed.
func count(tb testing.TB, s *store.Store, table string) int {
	tb.Helper()
	var n int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		tb.Fatalf("count %s: %v", table, err)
	}
	return n
}

func mustCreateUser(tb testing.TB, s *store.Store, u domain.User) domain.User {
	tb.Helper()
	if err := u.Validate(); err != nil {
		tb.Fatalf("user %s: %v", u.Email, err)
	}
	write(tb, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateUser(ctx, &u, "hash-"+u.Email, t0) })
	return u
}

func mustCreateClient(tb testing.TB, s *store.Store, number, name string) domain.Client {
	tb.Helper()
	c := domain.Client{Number: number, Name: name, Country: "US"}
	if err := c.Validate(); err != nil {
		tb.Fatal(err)
	}
	write(tb, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateClient(ctx, &c, t0) })
	return c
}

func mustCreateVendor(tb testing.TB, s *store.Store, name, country string, currency domain.Currency) domain.Vendor {
	tb.Helper()
	v := domain.Vendor{Name: name, LegalName: name + " Ltd", Country: country, Currency: currency, Diligence: domain.DiligenceApproved, ApprovedUntil: "2026-12-31"}
	if err := v.Validate(); err != nil {
		tb.Fatal(err)
	}
	write(tb, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateVendor(ctx, &v, t0) })
	return v
}

func mustCreateMatter(tb testing.TB, s *store.Store, m domain.Matter) domain.Matter {
	tb.Helper()
	if err := m.Validate(); err != nil {
		tb.Fatal(err)
	}
	write(tb, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateMatter(ctx, &m, t0) })
	return m
}

func mustCreateEngagement(tb testing.TB, s *store.Store, e domain.Engagement, members ...int64) domain.Engagement {
	tb.Helper()
	write(tb, s, func(ctx context.Context, tx *store.Tx) error {
		if err := tx.CreateEngagement(ctx, &e, t0); err != nil {
			return err
		}
		for _, u := range members {
			if err := tx.AddEngagementMember(ctx, domain.EngagementMember{EngagementID: e.ID, UserID: u, Role: "reviewer"}); err != nil {
				return err
			}
		}
		return nil
	})
	return e
}

func engagementOn(m domain.Matter, v domain.Vendor, supervisor int64, stage domain.Stage) domain.Engagement {
	return domain.Engagement{MatterID: m.ID, VendorID: v.ID, SupervisingAttorneyID: supervisor, Service: domain.ServiceDocumentReview,
		Description: "review", Stage: stage, BillingMode: domain.BillingDisbursement,
		EstimatedCost: domain.NewMoney(100, v.Currency), InHouseEstimate: domain.NewMoney(200, "USD"), OpenedOn: "2026-03-01"}
}

func TestSchemaMigrations(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		u, dir := e.URL(t)
		s, err := engine.Open(ctx, u, dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })

		cur, latest, err := s.SchemaStatus(ctx)
		if err != nil || cur != 0 || latest < 1 {
			t.Fatalf("fresh database: SchemaStatus = %d, %d, %v; want 0, >=1", cur, latest, err)
		}
		wantCode(t, s.CheckSchema(ctx), domain.EConflict, "CheckSchema on an unmigrated database")

		applied, err := s.Migrate(ctx, t0)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]int, latest)
		for i := range want {
			want[i] = i + 1
		}
		if !slices.Equal(applied, want) {
			t.Fatalf("Migrate applied %v, want %v", applied, want)
		}
		if cur, l, err := s.SchemaStatus(ctx); err != nil || cur != latest || l != latest {
			t.Fatalf("after Migrate: SchemaStatus = %d, %d, %v; want %d, %d", cur, l, err, latest, latest)
		}
		if err := s.CheckSchema(ctx); err != nil {
			t.Fatalf("CheckSchema after Migrate: %v", err)
		}
		if applied, err := s.Migrate(ctx, t0.Add(time.Hour)); err != nil || len(applied) != 0 {
			t.Fatalf("second Migrate applied %v, %v; want nothing", applied, err)
		}
		if n := count(t, s, "schema_migrations"); n != latest {
			t.Fatalf("schema_migrations has %d rows, want %d", n, latest)
		}
		var appliedAt int64
		if err := s.DB().QueryRow(`SELECT applied_at FROM schema_migrations WHERE version = 1`).Scan(&appliedAt); err != nil || appliedAt != t0.UnixMicro() {
			t.Fatalf("version 1 applied_at = %d, %v; want the clock's %d (unchanged by the second Migrate)", appliedAt, err, t0.UnixMicro())
		}
	})
}

func TestOpenStoreIsCurrent(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		s := testenv.OpenStore(t, e)
		if s.Engine() != e.Name {
			t.Fatalf("Engine() = %q, want %q", s.Engine(), e.Name)
		}
		if err := s.Ping(ctx); err != nil {
			t.Fatal(err)
		}
		cur, latest, err := s.SchemaStatus(ctx)
		if err != nil || cur != latest || latest < 1 {
			t.Fatalf("SchemaStatus = %d, %d, %v; want current == latest", cur, latest, err)
		}
		if applied, err := s.Migrate(ctx, t0); err != nil || len(applied) != 0 {
			t.Fatalf("Migrate on a current database applied %v, %v", applied, err)
		}
	})
}

func TestSchemaNewerThanBinaryIsRefused(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		s := testenv.OpenStore(t, e)
		_, latest, err := s.SchemaStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'from_the_future', $2)`,
			latest+1, t0.UnixMicro()); err != nil {
			t.Fatal(err)
		}
		mustCreateClient(t, s, "CFS-0711", "Calloway Freight Systems, Inc.")
		before := count(t, s, "schema_migrations")

		if cur, _, err := s.SchemaStatus(ctx); err != nil || cur != latest+1 {
			t.Fatalf("SchemaStatus current = %d, %v; want %d", cur, err, latest+1)
		}
		wantCode(t, s.CheckSchema(ctx), domain.EConflict, "CheckSchema on a newer schema")
		applied, err := s.Migrate(ctx, t0)
		wantCode(t, err, domain.EConflict, "Migrate on a newer schema")
		if len(applied) != 0 {
			t.Fatalf("Migrate applied %v on a newer schema", applied)
		}
		if after := count(t, s, "schema_migrations"); after != before {
			t.Fatalf("schema_migrations went from %d to %d rows", before, after)
		}
		if n := count(t, s, "clients"); n != 1 {
			t.Fatalf("clients has %d rows after a refused Migrate, want 1", n)
		}
	})
}

func TestFirm(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		s := testenv.OpenStore(t, e)
		err := s.Read(ctx, func(tx *store.Tx) error { _, err := tx.Firm(ctx); return err })
		wantCode(t, err, domain.ENotFound, "Firm before one is created")

		f := domain.Firm{Name: "Hartwell & Crane LLP", TaxID: "13-4567890", Currency: "USD"}
		write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateFirm(ctx, &f, t0) })
		var got domain.Firm
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) { got, err = tx.Firm(ctx); return err })
		if got != (domain.Firm{ID: 1, Name: "Hartwell & Crane LLP", TaxID: "13-4567890", Currency: "USD"}) {
			t.Fatalf("Firm = %+v", got)
		}
		err = s.Write(ctx, func(tx *store.Tx) error {
			return tx.CreateFirm(ctx, &domain.Firm{Name: "Second firm", Currency: "USD"}, t0)
		})
		wantCode(t, err, domain.EConflict, "a second firm")
	})
}

func TestUsers(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		s := testenv.OpenStore(t, e)
		v := mustCreateVendor(t, s, "Lexora", "IN", "INR")
		c := mustCreateClient(t, s, "CFS-0711", "Calloway")

		marcus := mustCreateUser(t, s, domain.User{Email: "marcus@firm.example", Name: "Marcus Oyelaran", Role: domain.RoleAttorney,
			Title: "Partner", TimeZone: "America/New_York"})
		if marcus.ID == 0 || !marcus.CreatedAt.Equal(t0) {
			t.Fatalf("CreateUser left %+v; want an id and CreatedAt", marcus)
		}

		var got domain.User
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) { got, err = tx.User(ctx, marcus.ID); return err })
		if got != marcus {
			t.Fatalf("User = %+v\nwant %+v", got, marcus)
		}
		var hash string
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			got, hash, err = tx.UserByEmail(ctx, "marcus@firm.example")
			return err
		})
		if got != marcus || hash != "hash-marcus@firm.example" {
			t.Fatalf("UserByEmail = %+v, %q", got, hash)
		}
		err := s.Read(ctx, func(tx *store.Tx) error { _, _, err := tx.UserByEmail(ctx, "nobody@firm.example"); return err })
		wantCode(t, err, domain.ENotFound, "UserByEmail of an unknown address")
		err = s.Read(ctx, func(tx *store.Tx) error { _, err := tx.User(ctx, marcus.ID+1000); return err })
		wantCode(t, err, domain.ENotFound, "User of an unknown id")

		// A duplicate email is a conflict and leaves nothing behind.
		dup := domain.User{Email: "marcus@firm.example", Name: "Another Marcus", Role: domain.RoleStaff, TimeZone: "UTC"}
		err = s.Write(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, &dup, "", t0) })
		wantCode(t, err, domain.EConflict, "duplicate email")
		if n := count(t, s, "users"); n != 1 {
			t.Fatalf("users has %d rows after a refused duplicate, want 1", n)
		}

		// SetPassword.
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.SetPassword(ctx, marcus.ID, "new-hash", t0.Add(time.Hour))
		})
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			_, hash, err = tx.UserByEmail(ctx, "marcus@firm.example")
			return err
		})
		if hash != "new-hash" {
			t.Fatalf("hash after SetPassword = %q", hash)
		}
		err = s.Write(ctx, func(tx *store.Tx) error { return tx.SetPassword(ctx, marcus.ID+1000, "x", t0) })
		wantCode(t, err, domain.ENotFound, "SetPassword of an unknown user")

		// A vendor and a client user, and a disabled one, round-trip their links.
		anika := mustCreateUser(t, s, domain.User{Email: "anika@lexora.example", Name: "Anika", Role: domain.RoleVendorManager, VendorID: v.ID, TimeZone: "Asia/Kolkata"})
		helen := mustCreateUser(t, s, domain.User{Email: "helen@calloway.example", Name: "Helen", Role: domain.RoleClientContact, ClientID: c.ID, Disabled: true})
		for _, want := range []domain.User{anika, helen} {
			read(t, s, func(ctx context.Context, tx *store.Tx) (err error) { got, err = tx.User(ctx, want.ID); return err })
			if got != want {
				t.Fatalf("User = %+v\nwant %+v", got, want)
			}
		}

		// Bar admissions.
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			for _, j := range []string{"NY", "IL"} {
				if err := tx.AddBarAdmission(ctx, &domain.BarAdmission{UserID: marcus.ID, Jurisdiction: j, Number: "N-" + j, Status: "active", AdmittedOn: "2009-01-15"}); err != nil {
					return err
				}
			}
			return nil
		})
		var bars []domain.BarAdmission
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			bars, err = tx.BarAdmissions(ctx, marcus.ID)
			return err
		})
		if len(bars) != 2 || bars[0].Jurisdiction != "IL" || bars[1].Jurisdiction != "NY" || bars[1].Number != "N-NY" || bars[1].AdmittedOn != "2009-01-15" || bars[0].ID == 0 {
			t.Fatalf("BarAdmissions = %+v", bars)
		}
		err = s.Write(ctx, func(tx *store.Tx) error {
			return tx.AddBarAdmission(ctx, &domain.BarAdmission{UserID: marcus.ID, Jurisdiction: "NY", Status: "active"})
		})
		wantCode(t, err, domain.EConflict, "a second admission in one jurisdiction")
	})
}

func TestConstraintViolationsAreInvalid(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		s := testenv.OpenStore(t, e)
		c := mustCreateClient(t, s, "CFS-0711", "Calloway")
		att := mustCreateUser(t, s, domain.User{Email: "marcus@firm.example", Name: "Marcus", Role: domain.RoleAttorney})
		tests := []struct {
			name string
			fn   func(tx *store.Tx) error
		}{
			{"user of a vendor that does not exist", func(tx *store.Tx) error {
				u := domain.User{Email: "x@v.example", Name: "X", Role: domain.RoleVendorManager, VendorID: 999, TimeZone: "UTC"}
				return tx.CreateUser(ctx, &u, "", t0)
			}},
			{"user of a client that does not exist", func(tx *store.Tx) error {
				u := domain.User{Email: "x@c.example", Name: "X", Role: domain.RoleClientContact, ClientID: 999, TimeZone: "UTC"}
				return tx.CreateUser(ctx, &u, "", t0)
			}},
			{"vendor role without a vendor (check)", func(tx *store.Tx) error {
				u := domain.User{Email: "x@v.example", Name: "X", Role: domain.RoleVendorManager, TimeZone: "UTC"}
				return tx.CreateUser(ctx, &u, "", t0)
			}},
			{"matter of a client that does not exist", func(tx *store.Tx) error {
				m := domain.Matter{ClientID: 999, Number: "1", Title: "T", ResponsibleAttorneyID: att.ID, Sensitivity: "standard", Status: "open"}
				return tx.CreateMatter(ctx, &m, t0)
			}},
			{"matter with an attorney who does not exist", func(tx *store.Tx) error {
				m := domain.Matter{ClientID: c.ID, Number: "1", Title: "T", ResponsibleAttorneyID: 999, Sensitivity: "standard", Status: "open"}
				return tx.CreateMatter(ctx, &m, t0)
			}},
			{"session of a user who does not exist", func(tx *store.Tx) error {
				return tx.CreateSession(ctx, store.Session{IDHash: "h", UserID: 999, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour)})
			}},
			{"vendor with an unknown diligence (check)", func(tx *store.Tx) error {
				v := domain.Vendor{Name: "V", Country: "IN", Currency: "INR", Diligence: "expired"}
				return tx.CreateVendor(ctx, &v, t0)
			}},
		}
		for _, tt := range tests {
			err := s.Write(ctx, tt.fn)
			wantCode(t, err, domain.EInvalid, tt.name)
		}
		for table, want := range map[string]int{"users": 1, "matters": 0, "sessions": 0, "vendors": 0} {
			if n := count(t, s, table); n != want {
				t.Errorf("%s has %d rows, want %d", table, n, want)
			}
		}
	})
}

func TestWriteRollsBack(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		s := testenv.OpenStore(t, e)
		boom := errors.New("boom")
		err := s.Write(ctx, func(tx *store.Tx) error {
			c := domain.Client{Number: "CFS-0711", Name: "Calloway"}
			if err := tx.CreateClient(ctx, &c, t0); err != nil {
				return err
			}
			if c.ID == 0 {
				return fmt.Errorf("no id")
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Write returned %v, want fn's error", err)
		}
		// A later statement failing undoes the earlier ones too.
		err = s.Write(ctx, func(tx *store.Tx) error {
			a := domain.Client{Number: "A-1", Name: "A"}
			if err := tx.CreateClient(ctx, &a, t0); err != nil {
				return err
			}
			b := domain.Client{Number: "A-1", Name: "B"}
			return tx.CreateClient(ctx, &b, t0)
		})
		wantCode(t, err, domain.EConflict, "second client with the same number")
		if n := count(t, s, "clients"); n != 0 {
			t.Fatalf("clients has %d rows after two rolled-back writes, want 0", n)
		}
		var cs []domain.Client
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			cs, err = tx.ListClients(ctx, store.Scope{All: true}, store.Page{})
			return err
		})
		if len(cs) != 0 {
			t.Fatalf("ListClients = %+v after rollbacks", cs)
		}
		// The store is usable afterwards (the SQLite writer was released).
		mustCreateClient(t, s, "A-1", "A")
	})
}

func TestReadIsReadOnly(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		s := testenv.OpenStore(t, e)
		err := s.Read(ctx, func(tx *store.Tx) error {
			c := domain.Client{Number: "A-1", Name: "A"}
			return tx.CreateClient(ctx, &c, t0)
		})
		if err == nil {
			t.Fatal("a write inside Read succeeded")
		}
		if n := count(t, s, "clients"); n != 0 {
			t.Fatalf("clients has %d rows after a write inside Read", n)
		}
	})
}

func TestListUsers(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		v1 := mustCreateVendor(t, s, "Lexora", "IN", "INR")
		v2 := mustCreateVendor(t, s, "Bayanihan", "PH", "PHP")
		c1 := mustCreateClient(t, s, "CFS-0711", "Calloway")
		var ids []int64
		add := func(u domain.User) int64 {
			u = mustCreateUser(t, s, u)
			ids = append(ids, u.ID)
			return u.ID
		}
		admin := add(domain.User{Email: "admin@firm.example", Name: "Admin", Role: domain.RoleFirmAdmin})
		att1 := add(domain.User{Email: "att1@firm.example", Name: "Att 1", Role: domain.RoleAttorney})
		att2 := add(domain.User{Email: "att2@firm.example", Name: "Att 2", Role: domain.RoleAttorney})
		v1m := add(domain.User{Email: "m@v1.example", Name: "V1 manager", Role: domain.RoleVendorManager, VendorID: v1.ID})
		v1p := add(domain.User{Email: "p@v1.example", Name: "V1 pro", Role: domain.RoleVendorProfessional, VendorID: v1.ID})
		v2m := add(domain.User{Email: "m@v2.example", Name: "V2 manager", Role: domain.RoleVendorManager, VendorID: v2.ID})
		cc := add(domain.User{Email: "c@c1.example", Name: "Client", Role: domain.RoleClientContact, ClientID: c1.ID})

		list := func(f store.UserFilter) []int64 {
			t.Helper()
			var us []domain.User
			read(t, s, func(ctx context.Context, tx *store.Tx) (err error) { us, err = tx.ListUsers(ctx, f); return err })
			out := []int64{}
			for _, u := range us {
				out = append(out, u.ID)
			}
			return out
		}
		tests := []struct {
			name string
			f    store.UserFilter
			want []int64
		}{
			{"everyone, by id", store.UserFilter{}, ids},
			{"attorneys", store.UserFilter{Role: domain.RoleAttorney}, []int64{att1, att2}},
			{"vendor 1", store.UserFilter{VendorID: v1.ID}, []int64{v1m, v1p}},
			{"vendor 2", store.UserFilter{VendorID: v2.ID}, []int64{v2m}},
			{"vendor managers", store.UserFilter{Role: domain.RoleVendorManager}, []int64{v1m, v2m}},
			{"vendor 1 managers", store.UserFilter{Role: domain.RoleVendorManager, VendorID: v1.ID}, []int64{v1m}},
			{"client 1", store.UserFilter{ClientID: c1.ID}, []int64{cc}},
			{"no such role", store.UserFilter{Role: domain.RoleStaff}, []int64{}},
			{"first page", store.UserFilter{Page: store.Page{Limit: 3}}, []int64{admin, att1, att2}},
			{"second page", store.UserFilter{Page: store.Page{AfterID: att2, Limit: 3}}, []int64{v1m, v1p, v2m}},
			{"last page", store.UserFilter{Page: store.Page{AfterID: v2m, Limit: 3}}, []int64{cc}},
			{"past the end", store.UserFilter{Page: store.Page{AfterID: cc, Limit: 3}}, []int64{}},
			{"filter and page", store.UserFilter{Role: domain.RoleAttorney, Page: store.Page{AfterID: att1, Limit: 1}}, []int64{att2}},
			{"limit above the cap is capped, not refused", store.UserFilter{Page: store.Page{Limit: store.MaxPageSize + 1}}, ids},
		}
		for _, tt := range tests {
			if got := list(tt.f); !slices.Equal(got, tt.want) {
				t.Errorf("%s: ListUsers = %v, want %v", tt.name, got, tt.want)
			}
		}
	})
}

func TestListUsersDefaultPageSize(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			for i := range store.DefaultPageSize + 2 {
				u := domain.User{Email: fmt.Sprintf("u%03d@firm.example", i), Name: "U", Role: domain.RoleStaff, TimeZone: "UTC"}
				if err := tx.CreateUser(ctx, &u, "", t0); err != nil {
					return err
				}
			}
			return nil
		})
		var us []domain.User
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			us, err = tx.ListUsers(ctx, store.UserFilter{})
			return err
		})
		if len(us) != store.DefaultPageSize {
			t.Fatalf("ListUsers without a limit returned %d, want %d", len(us), store.DefaultPageSize)
		}
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			us, err = tx.ListUsers(ctx, store.UserFilter{Page: store.Page{AfterID: us[len(us)-1].ID}})
			return err
		})
		if len(us) != 2 || us[1].Email != fmt.Sprintf("u%03d@firm.example", store.DefaultPageSize+1) {
			t.Fatalf("second page = %+v", us)
		}
	})
}

func TestSessions(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		s := testenv.OpenStore(t, e)
		alice := mustCreateUser(t, s, domain.User{Email: "alice@firm.example", Name: "Alice", Role: domain.RoleAttorney})
		bob := mustCreateUser(t, s, domain.User{Email: "bob@firm.example", Name: "Bob", Role: domain.RoleStaff})
		idle := 2 * time.Hour
		sess := func(hash string, u int64, created time.Time) store.Session {
			return store.Session{IDHash: hash, UserID: u, CreatedAt: created, LastSeenAt: created, ExpiresAt: created.Add(12 * time.Hour),
				Address: "203.0.113.7", UserAgent: "Firefox"}
		}
		a1 := sess("a1", alice.ID, t0)
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			for _, x := range []store.Session{a1, sess("a2", alice.ID, t0), sess("b1", bob.ID, t0)} {
				if err := tx.CreateSession(ctx, x); err != nil {
					return err
				}
			}
			return nil
		})
		err := s.Write(ctx, func(tx *store.Tx) error { return tx.CreateSession(ctx, sess("a1", bob.ID, t0)) })
		wantCode(t, err, domain.EConflict, "a session hash reused")

		var got store.Session
		var u domain.User
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			got, u, err = tx.SessionByHash(ctx, "a1")
			return err
		})
		if got.IDHash != a1.IDHash || got.UserID != alice.ID || !got.CreatedAt.Equal(t0) || !got.LastSeenAt.Equal(t0) ||
			!got.ExpiresAt.Equal(t0.Add(12*time.Hour)) || got.Address != a1.Address || got.UserAgent != a1.UserAgent {
			t.Fatalf("SessionByHash = %+v, want %+v", got, a1)
		}
		if u != alice {
			t.Fatalf("session user = %+v, want %+v", u, alice)
		}
		err = s.Read(ctx, func(tx *store.Tx) error { _, _, err := tx.SessionByHash(ctx, "nope"); return err })
		wantCode(t, err, domain.ENotFound, "unknown session")

		// Touch moves last-seen and nothing else.
		seen := t0.Add(90*time.Minute + 123*time.Microsecond)
		write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.TouchSession(ctx, "a1", seen) })
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			got, _, err = tx.SessionByHash(ctx, "a1")
			return err
		})
		if !got.LastSeenAt.Equal(seen) || !got.CreatedAt.Equal(t0) || !got.ExpiresAt.Equal(t0.Add(12*time.Hour)) {
			t.Fatalf("after touch: %+v", got)
		}

		// At t0+2h, a2 and b1 (last seen t0) are idle; a1 (seen at t0+1h30) is not.
		var n int64
		write(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			n, err = tx.DeleteExpiredSessions(ctx, t0.Add(idle), idle)
			return err
		})
		if n != 2 || count(t, s, "sessions") != 1 {
			t.Fatalf("DeleteExpiredSessions removed %d, %d left; want 2 removed, a1 left", n, count(t, s, "sessions"))
		}
		// At its absolute limit a1 goes too, however recently it was used.
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.TouchSession(ctx, "a1", t0.Add(12*time.Hour-time.Minute))
		})
		write(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			n, err = tx.DeleteExpiredSessions(ctx, t0.Add(12*time.Hour-time.Second), idle)
			return err
		})
		if n != 0 {
			t.Fatalf("DeleteExpiredSessions removed %d before the absolute limit", n)
		}
		write(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			n, err = tx.DeleteExpiredSessions(ctx, t0.Add(12*time.Hour), idle)
			return err
		})
		if n != 1 || count(t, s, "sessions") != 0 {
			t.Fatalf("DeleteExpiredSessions at the absolute limit removed %d", n)
		}

		// DeleteSession and DeleteUserSessions.
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			for _, x := range []store.Session{sess("a3", alice.ID, t0), sess("a4", alice.ID, t0), sess("b2", bob.ID, t0)} {
				if err := tx.CreateSession(ctx, x); err != nil {
					return err
				}
			}
			return tx.DeleteSession(ctx, "a3")
		})
		err = s.Read(ctx, func(tx *store.Tx) error { _, _, err := tx.SessionByHash(ctx, "a3"); return err })
		wantCode(t, err, domain.ENotFound, "deleted session")
		write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.DeleteUserSessions(ctx, alice.ID) })
		err = s.Read(ctx, func(tx *store.Tx) error { _, _, err := tx.SessionByHash(ctx, "a4"); return err })
		wantCode(t, err, domain.ENotFound, "session of a user whose sessions were deleted")
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			got, _, err = tx.SessionByHash(ctx, "b2")
			return err
		})
		if got.UserID != bob.ID {
			t.Fatalf("another user's session went too: %+v", got)
		}
	})
}

func TestFailedSignIns(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		const alice, bob, home, cafe = "alice@firm.example", "bob@firm.example", "198.51.100.1", "203.0.113.9"
		at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
		record := func(email, addr string, ok bool, when time.Time) {
			t.Helper()
			write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.RecordSignIn(ctx, email, addr, ok, when) })
		}
		failed := func(email, addr string, since time.Time) (int, int) {
			t.Helper()
			var a, b int
			read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
				a, b, err = tx.FailedSignIns(ctx, email, addr, since)
				return err
			})
			return a, b
		}
		check := func(what string, gotA, gotB, wantA, wantB int) {
			t.Helper()
			if gotA != wantA || gotB != wantB {
				t.Errorf("%s: FailedSignIns = %d by account, %d by address; want %d, %d", what, gotA, gotB, wantA, wantB)
			}
		}
		a, b := failed(alice, home, at(-60))
		check("nothing recorded", a, b, 0, 0)

		record(alice, home, false, at(0))  // outside the window below
		record(alice, home, false, at(20)) //
		record(alice, cafe, false, at(21))
		record(bob, home, false, at(22))
		record(bob, cafe, true, at(23))
		since := at(10)

		a, b = failed(alice, home, since)
		check("alice from home", a, b, 2, 2)
		a, b = failed(alice, cafe, since)
		check("alice from the cafe", a, b, 2, 1)
		a, b = failed(bob, cafe, since)
		check("bob from the cafe (his failure came before his success)", a, b, 0, 1)
		a, b = failed(alice, home, at(-1))
		check("window covering all of alice's failures", a, b, 3, 3)
		a, b = failed("carol@firm.example", "192.0.2.1", since)
		check("someone else elsewhere", a, b, 0, 0)

		// A success resets the account's count but not the address's.
		record(alice, cafe, true, at(30))
		a, b = failed(alice, home, since)
		check("alice after a success", a, b, 0, 2)
		record(alice, home, false, at(31))
		a, b = failed(alice, home, since)
		check("alice failing after her success", a, b, 1, 3)
		// Failures exactly at `since` are outside the window.
		a, b = failed(alice, home, at(31))
		check("window starting at the last failure", a, b, 0, 0)
	})
}

func TestMatterAndEngagementRoundTrip(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		s := testenv.OpenStore(t, e)
		all := store.Scope{All: true}
		c := mustCreateClient(t, s, "CFS-0711", "Calloway Freight Systems, Inc.")
		v := mustCreateVendor(t, s, "Lexora", "IN", "INR")
		marcus := mustCreateUser(t, s, domain.User{Email: "marcus@firm.example", Name: "Marcus Oyelaran", Role: domain.RoleAttorney})
		priya := mustCreateUser(t, s, domain.User{Email: "priya@firm.example", Name: "Priya Raman", Role: domain.RoleAttorney})
		m := mustCreateMatter(t, s, domain.Matter{ClientID: c.ID, Number: "2026-0142", Title: "Calloway v. Tidewater", PracticeArea: "Commercial litigation",
			Sensitivity: domain.SensitivityConfidential, ResponsibleAttorneyID: marcus.ID, OpenedOn: "2026-01-10",
			Jurisdictions: []domain.Jurisdiction{{Kind: "performance", Name: "India"}, {Kind: "court", Name: "S.D.N.Y."}, {Kind: "governing_law", Name: "New York"}}})

		var got domain.Matter
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) { got, err = tx.Matter(ctx, all, m.ID); return err })
		if got.ClientID != c.ID || got.Number != "2026-0142" || got.Title != m.Title || got.PracticeArea != m.PracticeArea ||
			got.Sensitivity != domain.SensitivityConfidential || got.ResponsibleAttorneyID != marcus.ID || got.Status != "open" ||
			got.OpenedOn != "2026-01-10" || !got.CreatedAt.Equal(t0) || !slices.Equal(got.Jurisdictions, m.Jurisdictions) {
			t.Fatalf("Matter = %+v\nwant %+v", got, m)
		}
		err := s.Write(ctx, func(tx *store.Tx) error {
			dup := domain.Matter{ClientID: c.ID, Number: "2026-0142", Title: "Other", ResponsibleAttorneyID: marcus.ID, Sensitivity: "standard", Status: "open"}
			return tx.CreateMatter(ctx, &dup, t0)
		})
		wantCode(t, err, domain.EConflict, "duplicate matter number")

		// Team, in name order, and parties with aliases.
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.AddTeamMember(ctx, m.ID, priya.ID, "Associate"); err != nil {
				return err
			}
			if err := tx.AddTeamMember(ctx, m.ID, marcus.ID, "Lead partner"); err != nil {
				return err
			}
			for _, p := range []domain.Party{
				{MatterID: m.ID, Name: "Calloway Freight Systems, Inc.", Role: domain.PartyClient},
				{MatterID: m.ID, Name: "Tidewater Logistics LLC", Role: domain.PartyAdverse, Aliases: []string{"TWL", "Tidewater Logistics Holdings"}},
			} {
				if err := tx.CreateParty(ctx, &p); err != nil {
					return err
				}
			}
			return nil
		})
		var team []store.TeamMember
		var parties []domain.Party
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			if team, err = tx.Team(ctx, m.ID); err != nil {
				return err
			}
			parties, err = tx.Parties(ctx, m.ID)
			return err
		})
		if len(team) != 2 || team[0].User != marcus || team[0].Role != "Lead partner" || team[1].User.ID != priya.ID || team[1].Role != "Associate" {
			t.Fatalf("Team = %+v", team)
		}
		if len(parties) != 2 || parties[0].Name != "Calloway Freight Systems, Inc." || parties[0].Role != domain.PartyClient || len(parties[0].Aliases) != 0 ||
			parties[1].Role != domain.PartyAdverse || !slices.Equal(parties[1].Aliases, []string{"TWL", "Tidewater Logistics Holdings"}) ||
			parties[1].MatterID != m.ID || parties[1].ID == 0 {
			t.Fatalf("Parties = %+v", parties)
		}

		// Engagement and members.
		en := mustCreateEngagement(t, s, domain.Engagement{MatterID: m.ID, VendorID: v.ID, SupervisingAttorneyID: marcus.ID,
			Service: domain.ServiceDocumentReview, Description: "First-level review", Stage: domain.StageActive, BillingMode: domain.BillingFee,
			EstimatedCost: domain.NewMoney(1_450_000_00, "INR"), InHouseEstimate: domain.NewMoney(412_000_00, "USD"), OpenedOn: "2026-02-01"}, priya.ID, marcus.ID)
		var ge domain.Engagement
		var members []domain.EngagementMember
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			if ge, err = tx.Engagement(ctx, all, en.ID); err != nil {
				return err
			}
			members, err = tx.EngagementMembers(ctx, en.ID)
			return err
		})
		if ge != en {
			t.Fatalf("Engagement = %+v\nwant %+v", ge, en)
		}
		if len(members) != 2 || members[0].UserID != min(marcus.ID, priya.ID) || members[0].EngagementID != en.ID || members[0].Role != "reviewer" {
			t.Fatalf("EngagementMembers = %+v", members)
		}
		err = s.Write(ctx, func(tx *store.Tx) error {
			return tx.AddEngagementMember(ctx, domain.EngagementMember{EngagementID: en.ID, UserID: priya.ID, Role: "reviewer"})
		})
		wantCode(t, err, domain.EConflict, "member added twice")

		var list []store.EngagementSummary
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			list, err = tx.ListEngagements(ctx, all, store.EngagementFilter{})
			return err
		})
		if len(list) != 1 || list[0].Engagement != en || list[0].MatterNumber != "2026-0142" || list[0].MatterTitle != m.Title ||
			list[0].ClientName != c.Name || list[0].VendorName != "Lexora" || list[0].SupervisorName != "Marcus Oyelaran" {
			t.Fatalf("ListEngagements = %+v", list)
		}
	})
}

func TestMoneyRoundTripsExactly(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		c := mustCreateClient(t, s, "C-1", "Client")
		v := mustCreateVendor(t, s, "Vendor", "US", "USD")
		att := mustCreateUser(t, s, domain.User{Email: "att@firm.example", Name: "Att", Role: domain.RoleAttorney})
		m := mustCreateMatter(t, s, domain.Matter{ClientID: c.ID, Number: "M-1", Title: "M", ResponsibleAttorneyID: att.ID})
		amounts := []domain.Money{
			domain.NewMoney(9_007_199_254_740_993, "USD"), // 2^53 + 1: lost by any float64 on the way
			domain.NewMoney(-9_007_199_254_740_993, "JPY"),
			domain.NewMoney(math.MaxInt64, "KWD"),
			domain.NewMoney(math.MinInt64, "INR"),
			domain.NewMoney(1, "USD"),
			domain.NewMoney(0, "GBP"),
		}
		var ids []int64
		for i, a := range amounts {
			en := engagementOn(m, v, att.ID, domain.StageActive)
			en.EstimatedCost, en.InHouseEstimate = a, amounts[len(amounts)-1-i]
			ids = append(ids, mustCreateEngagement(t, s, en).ID)
		}
		for i, id := range ids {
			var got domain.Engagement
			read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
				got, err = tx.Engagement(ctx, store.Scope{All: true}, id)
				return err
			})
			if got.EstimatedCost != amounts[i] || got.InHouseEstimate != amounts[len(amounts)-1-i] {
				t.Errorf("engagement %d money = %+v / %+v, want %+v / %+v", id, got.EstimatedCost, got.InHouseEstimate, amounts[i], amounts[len(amounts)-1-i])
			}
		}
	})
}

func TestListMattersFilters(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		ca := mustCreateClient(t, s, "CFS-0711", "Calloway Freight Systems, Inc.")
		cb := mustCreateClient(t, s, "ABC-2290", "Ardent BioSciences Corp.")
		att := mustCreateUser(t, s, domain.User{Email: "marcus@firm.example", Name: "Marcus Oyelaran", Role: domain.RoleAttorney})
		m1 := mustCreateMatter(t, s, domain.Matter{ClientID: ca.ID, Number: "2026-0142", Title: "Calloway v. Tidewater", ResponsibleAttorneyID: att.ID})
		m2 := mustCreateMatter(t, s, domain.Matter{ClientID: cb.ID, Number: "2026-0177", Title: "Ardent BioSciences v. Solace Pharma", ResponsibleAttorneyID: att.ID})
		m3 := mustCreateMatter(t, s, domain.Matter{ClientID: ca.ID, Number: "2025-0311", Title: "Harbor Point lease arbitration", ResponsibleAttorneyID: att.ID, Status: "closed"})
		m4 := mustCreateMatter(t, s, domain.Matter{ClientID: cb.ID, Number: "2026_9", Title: "Claim for 50% of net_profit", ResponsibleAttorneyID: att.ID})
		tests := []struct {
			name string
			f    store.MatterFilter
			want []int64
		}{
			{"all", store.MatterFilter{}, []int64{m1.ID, m2.ID, m3.ID, m4.ID}},
			{"client A", store.MatterFilter{ClientID: ca.ID}, []int64{m1.ID, m3.ID}},
			{"open", store.MatterFilter{Status: "open"}, []int64{m1.ID, m2.ID, m4.ID}},
			{"percent is literal", store.MatterFilter{Query: "50%"}, []int64{m4.ID}},
			{"underscore is literal", store.MatterFilter{Query: "_"}, []int64{m4.ID}},
			{"backslash is literal", store.MatterFilter{Query: `\`}, []int64{}},
			{"closed of client A", store.MatterFilter{ClientID: ca.ID, Status: "closed"}, []int64{m3.ID}},
			{"title, any case", store.MatterFilter{Query: "SOLACE"}, []int64{m2.ID}},
			{"number", store.MatterFilter{Query: "2026-"}, []int64{m1.ID, m2.ID}},
			{"no match", store.MatterFilter{Query: "zebra"}, []int64{}},
			{"page", store.MatterFilter{Page: store.Page{AfterID: m1.ID, Limit: 1}}, []int64{m2.ID}},
		}
		for _, tt := range tests {
			var got []store.MatterSummary
			read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
				got, err = tx.ListMatters(ctx, store.Scope{All: true}, tt.f)
				return err
			})
			ids := []int64{}
			for _, m := range got {
				ids = append(ids, m.ID)
				if m.ResponsibleAttorneyName != "Marcus Oyelaran" || (m.ClientID == ca.ID) != (m.ClientName == ca.Name) {
					t.Errorf("%s: summary names %+v", tt.name, m)
				}
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("%s: ListMatters = %v, want %v", tt.name, ids, tt.want)
			}
		}
	})
}

// world is a small firm for scope tests: two clients, two vendors, three
// matters, three engagements with members, and an ethical screen.
type world struct {
	clientA, clientB           domain.Client
	vendorA, vendorB           domain.Vendor
	admin, att, screened       domain.User
	vaAssigned, vaIdle, vbUser domain.User
	contactA, contactB         domain.User
	m1, m2, m3                 domain.Matter // m1, m3: client A (m3 closed); m2: client B
	e1, e2, e3                 domain.Engagement
	allMatters, allEngagements []int64
	allVendors, allClients     []int64
}

func buildWorld(tb testing.TB, s *store.Store) world {
	tb.Helper()
	var w world
	w.clientA = mustCreateClient(tb, s, "CFS-0711", "Calloway Freight Systems, Inc.")
	w.clientB = mustCreateClient(tb, s, "ABC-2290", "Ardent BioSciences Corp.")
	w.vendorA = mustCreateVendor(tb, s, "Lexora", "IN", "INR")
	w.vendorB = mustCreateVendor(tb, s, "Bayanihan", "PH", "PHP")
	w.admin = mustCreateUser(tb, s, domain.User{Email: "admin@firm.example", Name: "Eleanor", Role: domain.RoleFirmAdmin})
	w.att = mustCreateUser(tb, s, domain.User{Email: "marcus@firm.example", Name: "Marcus", Role: domain.RoleAttorney})
	w.screened = mustCreateUser(tb, s, domain.User{Email: "priya@firm.example", Name: "Priya", Role: domain.RoleAttorney})
	w.vaAssigned = mustCreateUser(tb, s, domain.User{Email: "rohan@lexora.example", Name: "Rohan", Role: domain.RoleVendorProfessional, VendorID: w.vendorA.ID})
	w.vaIdle = mustCreateUser(tb, s, domain.User{Email: "meera@lexora.example", Name: "Meera", Role: domain.RoleVendorProfessional, VendorID: w.vendorA.ID})
	w.vbUser = mustCreateUser(tb, s, domain.User{Email: "maria@bayanihan.example", Name: "Maria", Role: domain.RoleVendorManager, VendorID: w.vendorB.ID})
	w.contactA = mustCreateUser(tb, s, domain.User{Email: "helen@calloway.example", Name: "Helen", Role: domain.RoleClientContact, ClientID: w.clientA.ID})
	w.contactB = mustCreateUser(tb, s, domain.User{Email: "victor@ardent.example", Name: "Victor", Role: domain.RoleClientContact, ClientID: w.clientB.ID})

	w.m1 = mustCreateMatter(tb, s, domain.Matter{ClientID: w.clientA.ID, Number: "2026-0142", Title: "Calloway v. Tidewater", ResponsibleAttorneyID: w.att.ID})
	w.m2 = mustCreateMatter(tb, s, domain.Matter{ClientID: w.clientB.ID, Number: "2026-0177", Title: "Ardent v. Solace", ResponsibleAttorneyID: w.att.ID})
	w.m3 = mustCreateMatter(tb, s, domain.Matter{ClientID: w.clientA.ID, Number: "2025-0311", Title: "Harbor Point", ResponsibleAttorneyID: w.att.ID, Status: "closed"})
	write(tb, s, func(ctx context.Context, tx *store.Tx) error {
		return tx.Screen(ctx, w.m1.ID, w.screened.ID, w.admin.ID, "advised the other side at a previous firm", t0)
	})
	// e1: vendor A on m1, Rohan assigned. e2: vendor A on m1, closed, Rohan not
	// assigned. e3: vendor B on m2, Maria assigned — and Rohan too, though he
	// is not vendor B's, so that membership must not open it to him.
	w.e1 = mustCreateEngagement(tb, s, engagementOn(w.m1, w.vendorA, w.att.ID, domain.StageActive), w.att.ID, w.vaAssigned.ID)
	w.e2 = mustCreateEngagement(tb, s, engagementOn(w.m1, w.vendorA, w.att.ID, domain.StageClosed), w.att.ID)
	w.e3 = mustCreateEngagement(tb, s, engagementOn(w.m2, w.vendorB, w.att.ID, domain.StageProposed), w.att.ID, w.vbUser.ID, w.vaAssigned.ID)

	w.allMatters = []int64{w.m1.ID, w.m2.ID, w.m3.ID}
	w.allEngagements = []int64{w.e1.ID, w.e2.ID, w.e3.ID}
	w.allVendors = []int64{w.vendorA.ID, w.vendorB.ID}
	w.allClients = []int64{w.clientA.ID, w.clientB.ID}
	return w
}

func TestScopeVisibility(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		s := testenv.OpenStore(t, e)
		w := buildWorld(t, s)
		ids := func(xs ...int64) []int64 { return append([]int64{}, xs...) }
		tests := []struct {
			name                                   string
			scope                                  store.Scope
			matters, engagements, vendors, clients []int64
			stages                                 map[domain.Stage]int
		}{
			{"all (firm admin)", store.Scope{All: true, UserID: w.admin.ID},
				w.allMatters, w.allEngagements, w.allVendors, w.allClients,
				map[domain.Stage]int{domain.StageActive: 1, domain.StageClosed: 1, domain.StageProposed: 1}},
			{"firm user", store.Scope{UserID: w.att.ID},
				w.allMatters, w.allEngagements, w.allVendors, w.allClients,
				map[domain.Stage]int{domain.StageActive: 1, domain.StageClosed: 1, domain.StageProposed: 1}},
			{"screened firm user", store.Scope{UserID: w.screened.ID},
				ids(w.m2.ID, w.m3.ID), ids(w.e3.ID), w.allVendors, w.allClients,
				map[domain.Stage]int{domain.StageProposed: 1}},
			{"vendor user assigned", store.Scope{UserID: w.vaAssigned.ID, VendorID: w.vendorA.ID},
				ids(w.m1.ID), ids(w.e1.ID), ids(w.vendorA.ID), ids(),
				map[domain.Stage]int{domain.StageActive: 1}},
			{"vendor user of the same vendor, not assigned", store.Scope{UserID: w.vaIdle.ID, VendorID: w.vendorA.ID},
				ids(), ids(), ids(w.vendorA.ID), ids(), map[domain.Stage]int{}},
			{"vendor user of the other vendor", store.Scope{UserID: w.vbUser.ID, VendorID: w.vendorB.ID},
				ids(w.m2.ID), ids(w.e3.ID), ids(w.vendorB.ID), ids(),
				map[domain.Stage]int{domain.StageProposed: 1}},
			{"client contact of client A", store.Scope{UserID: w.contactA.ID, ClientID: w.clientA.ID},
				ids(w.m1.ID, w.m3.ID), ids(w.e1.ID, w.e2.ID), ids(w.vendorA.ID), ids(w.clientA.ID),
				map[domain.Stage]int{domain.StageActive: 1, domain.StageClosed: 1}},
			{"client contact of client B", store.Scope{UserID: w.contactB.ID, ClientID: w.clientB.ID},
				ids(w.m2.ID), ids(w.e3.ID), ids(w.vendorB.ID), ids(w.clientB.ID),
				map[domain.Stage]int{domain.StageProposed: 1}},
			{"nobody (a disabled user's scope)", store.Scope{UserID: -1, VendorID: -1, ClientID: -1},
				ids(), ids(), ids(), ids(), map[domain.Stage]int{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var matters []store.MatterSummary
				var engagements []store.EngagementSummary
				var vendors []domain.Vendor
				var clients []domain.Client
				var counts store.Counts
				read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
					if matters, err = tx.ListMatters(ctx, tt.scope, store.MatterFilter{}); err != nil {
						return err
					}
					if engagements, err = tx.ListEngagements(ctx, tt.scope, store.EngagementFilter{}); err != nil {
						return err
					}
					if vendors, err = tx.ListVendors(ctx, tt.scope, store.Page{}); err != nil {
						return err
					}
					if clients, err = tx.ListClients(ctx, tt.scope, store.Page{}); err != nil {
						return err
					}
					counts, err = tx.CountsFor(ctx, tt.scope)
					return err
				})
				gotM, gotE, gotV, gotC := []int64{}, []int64{}, []int64{}, []int64{}
				for _, m := range matters {
					gotM = append(gotM, m.ID)
				}
				for _, x := range engagements {
					gotE = append(gotE, x.ID)
				}
				for _, v := range vendors {
					gotV = append(gotV, v.ID)
				}
				for _, c := range clients {
					gotC = append(gotC, c.ID)
				}
				if !slices.Equal(gotM, tt.matters) {
					t.Errorf("ListMatters = %v, want %v", gotM, tt.matters)
				}
				if !slices.Equal(gotE, tt.engagements) {
					t.Errorf("ListEngagements = %v, want %v", gotE, tt.engagements)
				}
				if !slices.Equal(gotV, tt.vendors) {
					t.Errorf("ListVendors = %v, want %v", gotV, tt.vendors)
				}
				if !slices.Equal(gotC, tt.clients) {
					t.Errorf("ListClients = %v, want %v", gotC, tt.clients)
				}

				// Single-object lookups agree with the lists; outside the
				// scope is not-found, never forbidden.
				lookups := []struct {
					kind    string
					all     []int64
					visible []int64
					get     func(tx *store.Tx, id int64) error
				}{
					{"matter", w.allMatters, tt.matters, func(tx *store.Tx, id int64) error { _, err := tx.Matter(ctx, tt.scope, id); return err }},
					{"engagement", w.allEngagements, tt.engagements, func(tx *store.Tx, id int64) error { _, err := tx.Engagement(ctx, tt.scope, id); return err }},
					{"vendor", w.allVendors, tt.vendors, func(tx *store.Tx, id int64) error { _, err := tx.Vendor(ctx, tt.scope, id); return err }},
					{"client", w.allClients, tt.clients, func(tx *store.Tx, id int64) error { _, err := tx.Client(ctx, tt.scope, id); return err }},
				}
				for _, l := range lookups {
					for _, id := range l.all {
						err := s.Read(ctx, func(tx *store.Tx) error { return l.get(tx, id) })
						switch {
						case slices.Contains(l.visible, id) && err != nil:
							t.Errorf("%s %d: %v, want it visible", l.kind, id, err)
						case !slices.Contains(l.visible, id) && domain.ErrorCode(err) != domain.ENotFound:
							t.Errorf("%s %d: err %v, want not_found", l.kind, id, err)
						}
					}
				}

				wantOpen := 0
				for st, n := range tt.stages {
					if st != domain.StageClosed {
						wantOpen += n
					}
				}
				if counts.Matters != len(tt.matters) || counts.Vendors != len(tt.vendors) || counts.Clients != len(tt.clients) ||
					counts.OpenEngagements != wantOpen || !maps.Equal(counts.EngagementStages, tt.stages) {
					t.Errorf("CountsFor = %+v; want %d matters, %d vendors, %d clients, %d open, stages %v",
						counts, len(tt.matters), len(tt.vendors), len(tt.clients), wantOpen, tt.stages)
				}
			})
		}
	})
}

func TestListEngagementsFilters(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		w := buildWorld(t, s)
		other := mustCreateUser(t, s, domain.User{Email: "other@firm.example", Name: "Other", Role: domain.RoleAttorney})
		e4 := mustCreateEngagement(t, s, engagementOn(w.m2, w.vendorA, other.ID, domain.StageActive))
		tests := []struct {
			name string
			f    store.EngagementFilter
			want []int64
		}{
			{"all", store.EngagementFilter{}, []int64{w.e1.ID, w.e2.ID, w.e3.ID, e4.ID}},
			{"matter 1", store.EngagementFilter{MatterID: w.m1.ID}, []int64{w.e1.ID, w.e2.ID}},
			{"vendor A", store.EngagementFilter{VendorID: w.vendorA.ID}, []int64{w.e1.ID, w.e2.ID, e4.ID}},
			{"supervised by other", store.EngagementFilter{SupervisingAttorneyID: other.ID}, []int64{e4.ID}},
			{"active", store.EngagementFilter{Stage: domain.StageActive}, []int64{w.e1.ID, e4.ID}},
			{"active on matter 2", store.EngagementFilter{Stage: domain.StageActive, MatterID: w.m2.ID}, []int64{e4.ID}},
			{"page", store.EngagementFilter{Page: store.Page{AfterID: w.e1.ID, Limit: 2}}, []int64{w.e2.ID, w.e3.ID}},
		}
		for _, tt := range tests {
			var got []store.EngagementSummary
			read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
				got, err = tx.ListEngagements(ctx, store.Scope{All: true}, tt.f)
				return err
			})
			ids := []int64{}
			for _, x := range got {
				ids = append(ids, x.ID)
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("%s: ListEngagements = %v, want %v", tt.name, ids, tt.want)
			}
		}
	})
}
