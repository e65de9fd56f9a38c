// Package seed generates a realistic firm's worth of data into an empty,
// migrated store, fast: people, clients, matters, vendors, engagements at
// every stage with their consents, briefings, statements of work, deadlines,
// deliverables and reviews, quality audits and corrective actions, vendor
// and client invoices, the vendor people's personnel records, the matters'
// parties and aliases, the engagements' documents (metadata only: no files)
// and message threads, vendor and firm time, sign-in attempts and a hash-
// chained audit trail. Rows are written in bulk in a few large transactions
// (store.Tx.SeedRows), so a Large set of millions of rows takes minutes, not
// hours. The same Size and seed give the same data (math/rand/v2, PCG).
package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Version names the generator's output: it changes whenever the same Size
// would produce different rows, so caches keyed on it (the dashboard
// benchmark's database file) are rebuilt.
const Version = 3

// Size is how much to generate.
type Size struct {
	Name        string // "small", "large": for messages and cache names
	Clients     int
	Matters     int // spread over the clients
	Attorneys   int
	Staff       int
	Vendors     int // each with one manager and two professionals
	Engagements int // spread over the matters
	TimeEntries int // vendor time entries
	FirmTime    int // the firm's own time entries
	Parties     int // parties over the matters, each matter's client among them; about 1 in 10 with an alias
	Documents   int // engagement documents' records (no stored files)
	Threads     int // message threads on engagements at work
	Messages    int // their posts, at least one a thread
	AuditEvents int // audit-trail events, one valid hash chain
	SignIns     int // sign-in attempts (some failed)
	// Now is the day the data is built around (deadlines this week, audits
	// due); zero means the time of the call.
	Now time.Time
	// Seed makes a different but equally reproducible data set.
	Seed uint64
}

// Small is a few of everything: for tests on both engines (seconds).
var Small = Size{Name: "small", Clients: 4, Matters: 24, Attorneys: 3, Staff: 2, Vendors: 6, Engagements: 60,
	TimeEntries: 3000, FirmTime: 600, Parties: 1500, Documents: 400, Threads: 40, Messages: 200, AuditEvents: 2000, SignIns: 100}

// Large is a big firm's years of use: 5,000 matters with 1,000,000 parties,
// 300 vendors, 20,000 engagements with 200,000 documents' records and
// 10,000 message threads of 50,000 posts, 4,500,000 vendor and 500,000 firm
// time entries and 1,000,000 audit events (minutes on SQLite).
var Large = Size{Name: "large", Clients: 500, Matters: 5000, Attorneys: 60, Staff: 12, Vendors: 300, Engagements: 20000,
	TimeEntries: 4_500_000, FirmTime: 500_000, Parties: 1_000_000, Documents: 200_000, Threads: 10_000, Messages: 50_000,
	AuditEvents: 1_000_000, SignIns: 20_000}

// People are the users a generated set holds one of per role, for
// benchmarks and demonstrations: each sees a realistic share of the data.
// Each is the first user of their role (the lowest id), so a reader of a
// generated database finds them without this value. The vendor people's
// NDA and training are current, their vendor approved, and the client
// contact's client has engagements at work with released deliverables and
// sent invoices.
type People struct {
	Admin, Attorney, Staff, VendorManager, VendorProfessional, ClientContact int64
}

// Progress is told how far generation has come: done of total rows, and
// the stage being written. It may be nil.
type Progress func(done, total int64, stage string)

// Password is every generated person's password hash: none (they cannot
// sign in with a password until one is set).
const noPassword = ""

// Generate writes a data set of the given size into s, which must be
// migrated and hold no people yet. It returns the chosen people.
func Generate(ctx context.Context, s *store.Store, size Size, progress Progress) (People, error) {
	if err := size.validate(); err != nil {
		return People{}, err
	}
	if size.Now.IsZero() {
		size.Now = time.Now().UTC()
	}
	if progress == nil {
		progress = func(int64, int64, string) {}
	}
	g := &gen{size: size, now: size.Now.UTC(), rng: rand.New(rand.NewPCG(size.Seed, 0x9e3779b97f4a7c15)), progress: progress}
	g.total = size.rows()
	err := s.Write(ctx, func(tx *store.Tx) error {
		empty, err := tx.SeedEmpty(ctx)
		if err != nil {
			return err
		}
		if !empty {
			return domain.Errorf(domain.EConflict, "the database already holds people: generate into a new database")
		}
		// The first write marks the database: a run stopped part-way
		// (Ctrl-C, a crash) leaves "partial" behind, which State reports.
		if err := tx.SetSetting(ctx, StateSetting, StatePartial+" "+size.Name, g.now); err != nil {
			return err
		}
		return g.organisations(ctx, tx)
	})
	if err != nil {
		return People{}, err
	}
	if err := s.Write(ctx, func(tx *store.Tx) error { return g.engagements(ctx, tx) }); err != nil {
		return People{}, err
	}
	// Parties, documents, messages, time and the audit trail: many rows, in
	// transactions of a bounded size.
	for _, f := range []func(context.Context, *store.Store) error{g.parties, g.documents, g.messages, g.timeEntries, g.firmTime, g.auditTrail} {
		if err := f(ctx, s); err != nil {
			return People{}, err
		}
	}
	if err := s.Write(ctx, func(tx *store.Tx) error {
		return tx.SetSetting(ctx, StateSetting, StateComplete+" "+size.Name, g.now)
	}); err != nil {
		return People{}, err
	}
	progress(g.total, g.total, "done")
	return g.people, nil
}

// The settings row a generator keeps its state in, and its values' first
// words: Generate writes StatePartial in its first transaction, with the
// first rows, and StateComplete in its last, so a database a stopped run
// left half-written is recognisable (State).
const (
	StateSetting  = "seed"
	StatePartial  = "partial"
	StateComplete = "complete"
)

// State reports what a generator left in s: "" when it never wrote there,
// else StatePartial or StateComplete followed by the size's name.
func State(ctx context.Context, s *store.Store) (string, error) {
	var v string
	err := s.Read(ctx, func(tx *store.Tx) error {
		var err error
		v, _, err = tx.Setting(ctx, StateSetting)
		return err
	})
	return v, err
}

// rows is how many rows the progress reports count to: each stage's step.
func (z Size) rows() int64 {
	people := 1 + z.Attorneys + z.Staff + 3*z.Vendors + z.Clients
	orgs := z.Vendors + z.Clients + people + 3*z.Vendors + z.Matters + z.SignIns // the vendor people's personnel records: 3 a vendor
	return int64(orgs + 10*z.Engagements + z.Parties + z.Documents + z.Threads + z.Messages + z.TimeEntries + z.FirmTime + z.AuditEvents)
}

func (z Size) validate() error {
	for _, f := range []struct {
		name string
		n    int
	}{{"clients", z.Clients}, {"matters", z.Matters}, {"attorneys", z.Attorneys}, {"staff", z.Staff}, {"vendors", z.Vendors}, {"engagements", z.Engagements}} {
		if f.n < 1 {
			return domain.Invalid("size", "%s must be at least 1", f.name)
		}
	}
	if z.Matters < z.Clients || z.Engagements < z.Matters {
		return domain.Invalid("size", "need at least one matter per client and one engagement per matter")
	}
	if z.TimeEntries < 0 || z.FirmTime < 0 || z.AuditEvents < 0 || z.SignIns < 0 || z.Parties < 0 || z.Documents < 0 || z.Threads < 0 || z.Messages < 0 {
		return domain.Invalid("size", "counts must not be negative")
	}
	if z.Parties > 0 && z.Parties < z.Matters {
		return domain.Invalid("size", "parties must be none or at least one a matter (its client)")
	}
	if z.Messages < z.Threads || z.Messages > 0 && z.Threads == 0 {
		return domain.Invalid("size", "messages need threads, and every thread at least one message")
	}
	return nil
}

// gen holds the ids written so far.
type gen struct {
	size     Size
	now      time.Time
	rng      *rand.Rand
	progress Progress
	done     int64
	total    int64
	people   People

	admin      int64
	attorneys  []int64
	staff      []int64
	vendorMgr  []int64 // per vendor (index = vendor id - first vendor id)
	vendorPros [][2]int64
	firstVen   int64
	firstCli   int64
	clientName []string // per client
	contacts   []int64  // per client
	firstMat   int64
	matterCli  []int64 // client of each matter
	matterAtt  []int64 // responsible attorney of each matter

	// engagements
	firstEng int64
	eng      []engRow
	items    map[int64][2]int64 // engagement → its two SOW items
}

type engRow struct {
	id, matter, vendor, attorney int64
	analyst                      int64 // the vendor professional on the team
	stage                        domain.Stage
	mode                         string // billing mode, as the client's disclosure says it
	opened                       time.Time
	// showcase engagements are at work, on the first client's matters with
	// the first vendor's people, with released work: what People see.
	showcase bool
}

func (g *gen) step(n int, stage string) {
	g.done += int64(n)
	g.progress(g.done, g.total, stage)
}

func us(t time.Time) int64 { return t.UnixMicro() }

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// days is a time d days from now (negative: in the past).
func (g *gen) days(d int) time.Time { return g.now.AddDate(0, 0, d) }

// organisations writes the firm, people, clients, vendors and matters.
func (g *gen) organisations(ctx context.Context, tx *store.Tx) error {
	z := g.size
	if _, err := tx.Firm(ctx); err != nil {
		if err := tx.CreateFirm(ctx, &domain.Firm{Name: "Harlow & Finch LLP", TaxID: "13-5550101", Currency: "USD"}, g.now); err != nil {
			return err
		}
	}
	created := us(g.days(-900))
	// Vendors.
	var rows [][]any
	for i := range z.Vendors {
		c := vcountries[i%len(vcountries)]
		diligence, until := "approved", day(g.days(30+g.rng.IntN(700)))
		switch r := g.rng.IntN(100); {
		case r < 6: // approval running out within the month
			until = day(g.days(1 + g.rng.IntN(30)))
		case r < 9:
			diligence, until = "conditional", day(g.days(60+g.rng.IntN(200)))
		case r < 12:
			diligence, until = "pending", ""
		case r < 14: // lapsed
			until = day(g.days(-1 - g.rng.IntN(90)))
		}
		if i == 0 { // the chosen vendor people's: approved for a while yet
			diligence, until = "approved", day(g.days(400))
		}
		name := fmt.Sprintf("%s %s %d", vendorWord[i%len(vendorWord)], vendorKind[(i/len(vendorWord))%len(vendorKind)], i+1)
		rows = append(rows, []any{name, name + " Pvt Ltd", c[0], c[1], diligence, until, created, "active", created})
	}
	var err error
	if g.firstVen, err = tx.SeedInsert(ctx, "vendors", []string{"name", "legal_name", "country", "currency", "diligence", "approved_until", "created_at", "status", "updated_at"}, rows); err != nil {
		return err
	}
	g.step(z.Vendors, "vendors")
	// Clients.
	rows = rows[:0]
	for i := range z.Clients {
		g.clientName = append(g.clientName, fmt.Sprintf("%s %s %d", clientWord[i%len(clientWord)], clientKind[(i/len(clientWord))%len(clientKind)], i+1))
		rows = append(rows, []any{fmt.Sprintf("C%05d", i+1), g.clientName[i], "US", created})
	}
	if g.firstCli, err = tx.SeedInsert(ctx, "clients", []string{"number", "name", "country", "created_at"}, rows); err != nil {
		return err
	}
	g.step(z.Clients, "clients")
	// People: the administrator, attorneys, staff, vendor teams, client contacts.
	userCols := []string{"email", "name", "role", "vendor_id", "client_id", "title", "time_zone", "password_hash", "created_at", "updated_at"}
	rows = rows[:0]
	n := 0
	person := func(email, role string, vendor, client any, title, tz string) {
		rows = append(rows, []any{email, g.name(n), role, vendor, client, title, tz, noPassword, created, created})
		n++
	}
	person("admin@harlowfinch.example", "firm_admin", nil, nil, "Firm administrator", "America/New_York")
	for i := range z.Attorneys {
		person(fmt.Sprintf("attorney%d@harlowfinch.example", i+1), "attorney", nil, nil, "Partner", "America/New_York")
	}
	for i := range z.Staff {
		person(fmt.Sprintf("staff%d@harlowfinch.example", i+1), "staff", nil, nil, "Paralegal", "America/New_York")
	}
	for i := range z.Vendors {
		v := g.firstVen + int64(i)
		tz := "Asia/Kolkata"
		if i%len(vcountries) == 1 {
			tz = "Asia/Manila"
		}
		person(fmt.Sprintf("lead@vendor%d.example", i+1), "vendor_manager", v, nil, "Team lead", tz)
		person(fmt.Sprintf("analyst1@vendor%d.example", i+1), "vendor_professional", v, nil, "Analyst", tz)
		person(fmt.Sprintf("analyst2@vendor%d.example", i+1), "vendor_professional", v, nil, "Analyst", tz)
	}
	for i := range z.Clients {
		person(fmt.Sprintf("counsel@client%d.example", i+1), "client_contact", nil, g.firstCli+int64(i), "General counsel", "America/Chicago")
	}
	first, err := tx.SeedInsert(ctx, "users", userCols, rows)
	if err != nil {
		return err
	}
	id := first
	g.admin = id
	id++
	for range z.Attorneys {
		g.attorneys = append(g.attorneys, id)
		id++
	}
	for range z.Staff {
		g.staff = append(g.staff, id)
		id++
	}
	for range z.Vendors {
		g.vendorMgr = append(g.vendorMgr, id)
		g.vendorPros = append(g.vendorPros, [2]int64{id + 1, id + 2})
		id += 3
	}
	for range z.Clients {
		g.contacts = append(g.contacts, id)
		id++
	}
	g.people = People{Admin: g.admin, Attorney: g.attorneys[0], Staff: g.staff[0], VendorManager: g.vendorMgr[0],
		VendorProfessional: g.vendorPros[0][0], ClientContact: g.contacts[0]}
	g.step(len(rows), "people")
	if err := g.personnel(ctx, tx); err != nil {
		return err
	}
	// Matters, round-robin over clients and attorneys.
	rows = rows[:0]
	var team [][]any
	for i := range z.Matters {
		cli := g.firstCli + int64(i%z.Clients)
		att := g.attorneys[i%z.Attorneys]
		status := "open"
		if g.rng.IntN(100) < 8 {
			status = "closed"
		}
		opened := g.days(-30 - g.rng.IntN(800))
		sensitivity := []string{"standard", "confidential", "highly_confidential"}[g.rng.IntN(3)]
		if i == 0 || i == z.Clients%z.Matters { // the showcase engagements' matters: open, and no second factor needed
			status, sensitivity = "open", "confidential"
		}
		rows = append(rows, []any{cli, fmt.Sprintf("%d-%05d", opened.Year(), i+1), fmt.Sprintf("%s v. %s", clientWord[i%len(clientWord)], lastNames[i%len(lastNames)]),
			practices[i%len(practices)], sensitivity, att, status, day(opened), us(opened), us(opened)})
		g.matterCli = append(g.matterCli, cli)
		g.matterAtt = append(g.matterAtt, att)
	}
	if g.firstMat, err = tx.SeedInsert(ctx, "matters", []string{"client_id", "number", "title", "practice_area", "sensitivity", "responsible_attorney_id", "status", "opened_on", "created_at", "updated_at"}, rows); err != nil {
		return err
	}
	for i := range z.Matters {
		team = append(team, []any{g.firstMat + int64(i), g.matterAtt[i], "responsible"})
	}
	if err := tx.SeedRows(ctx, "matter_team", []string{"matter_id", "user_id", "role"}, team); err != nil {
		return err
	}
	g.step(z.Matters, "matters")
	// Sign-in attempts of the last month, a few failed.
	rows = rows[:0]
	for i := range z.SignIns {
		ok := g.rng.IntN(100) >= 4
		rows = append(rows, []any{fmt.Sprintf("attorney%d@harlowfinch.example", i%z.Attorneys+1), fmt.Sprintf("198.51.100.%d", i%250+1), ok,
			us(g.now.Add(-time.Duration(g.rng.Int64N(int64(30 * 24 * time.Hour)))))})
	}
	if err := tx.SeedRows(ctx, "sign_in_attempts", []string{"email", "address", "succeeded", "at"}, rows); err != nil {
		return err
	}
	g.step(z.SignIns, "sign-ins")
	return nil
}
