// Package demo loads Hartwell & Crane LLP, the demo firm: a mid-size
// litigation firm in New York and Chicago with four vendors in four countries
// at different stages of due diligence, three clients, and engagements at
// every stage of the lifecycle. Dates are relative to the day it is loaded,
// so the story always reads as an ordinary Tuesday.
package demo

import (
	"context"
	"slices"
	"time"

	"github.com/probity/probity/internal/auditlog"
	"github.com/probity/probity/internal/auth"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/progress"
	"github.com/probity/probity/internal/store"
)

// Password is every demo account's password. It is printed by `probity demo`;
// never use demo data for real work.
const Password = "probity-demo-2026"

// Account is a demo sign-in, as `probity demo --json` prints it.
type Account struct {
	Role     domain.Role `json:"role"`
	Name     string      `json:"name"`
	Email    string      `json:"email"`
	Password string      `json:"password"`
	Org      string      `json:"organisation"`
	Note     string      `json:"note,omitempty"`
	// TOTPSecret, when set, is the account's authenticator key (base32):
	// after the password it signs in with a 6-digit code from an app
	// holding this key.
	TOTPSecret string `json:"totp_secret,omitempty"`
}

// totpSecrets are the demo accounts' fixed authenticator keys. Everyone whose
// role the default policy requires a second factor of has one, except Meera
// Iyer, who shows setting one up at first sign-in; so does Victor Lin, who
// works on the highly confidential Ardent matter.
var totpSecrets = map[string]string{
	"eleanor.hartwell@hartwellcrane.example":   "TXNBNDQNNH4VXIRER5KB3RWXGRKNLIRU",
	"anika.deshmukh@lexora.example":            "ORMMNKVSYYPXP745QCWAHMW4EYIPEBIB",
	"rohan.kulkarni@lexora.example":            "ZKBIS2AZD6PLHB2TMQJLMDYIXHUUAEOU",
	"maria.santos@bayanihan.example":           "U256PVGEBNRRAQCQTWN6SKISQIY65ZQU",
	"jose.reyes@bayanihan.example":             "DMXFDFKGJQBGIGTTEFJL666XIS5NXINE",
	"thomas.walsh@keystonereview.example":      "GZBKO4QJVRSIZ7TW4PF4OXYT2HOJ7S74",
	"oliver.bennett@meridiandiscovery.example": "ZMI2LNVLB6N3AVX6EOPMTYIWOKX3KM53",
	"victor.lin@ardentbio.example":             "ZS5HQEIFPM6NVSXWYTZ374NET5TAQ2W2",
}

// FirmName identifies a database that holds the demo firm.
const FirmName = "Hartwell & Crane LLP"

type person struct {
	email, name, title, tz, note string
	role                         domain.Role
	org                          string // vendor or client key
}

var people = []person{
	{"eleanor.hartwell@hartwellcrane.example", "Eleanor Hartwell", "Managing partner", "America/New_York", "firm administrator", domain.RoleFirmAdmin, ""},
	{"marcus.oyelaran@hartwellcrane.example", "Marcus Oyelaran", "Litigation partner", "America/New_York", "supervises most engagements", domain.RoleAttorney, ""},
	{"priya.raman@hartwellcrane.example", "Priya Raman", "Senior associate", "America/New_York", "screened from Ardent v. Solace", domain.RoleAttorney, ""},
	{"daniel.brooks@hartwellcrane.example", "Daniel Brooks", "Paralegal", "America/Chicago", "", domain.RoleStaff, ""},
	{"rosa.jimenez@hartwellcrane.example", "Rosa Jimenez", "Billing manager", "America/Chicago", "", domain.RoleStaff, ""},
	{"anika.deshmukh@lexora.example", "Anika Deshmukh", "Delivery manager", "Asia/Kolkata", "", domain.RoleVendorManager, "lexora"},
	{"rohan.kulkarni@lexora.example", "Rohan Kulkarni", "Senior reviewer", "Asia/Kolkata", "", domain.RoleVendorProfessional, "lexora"},
	{"meera.iyer@lexora.example", "Meera Iyer", "Reviewer", "Asia/Kolkata", "", domain.RoleVendorProfessional, "lexora"},
	{"maria.santos@bayanihan.example", "Maria Santos", "Research director", "Asia/Manila", "", domain.RoleVendorManager, "bayanihan"},
	{"jose.reyes@bayanihan.example", "Jose Reyes", "Contract analyst", "Asia/Manila", "", domain.RoleVendorProfessional, "bayanihan"},
	{"thomas.walsh@keystonereview.example", "Thomas Walsh", "Managing director", "America/New_York", "", domain.RoleVendorManager, "keystone"},
	{"oliver.bennett@meridiandiscovery.example", "Oliver Bennett", "Client services lead", "Europe/London", "", domain.RoleVendorManager, "meridian"},
	{"helen.calloway@callowayfreight.example", "Helen Calloway", "General counsel", "America/New_York", "", domain.RoleClientContact, "calloway"},
	{"victor.lin@ardentbio.example", "Victor Lin", "In-house counsel", "America/Chicago", "", domain.RoleClientContact, "ardent"},
	{"sam.okafor@greenfieldcu.example", "Sam Okafor", "Chief compliance officer", "America/Chicago", "", domain.RoleClientContact, "greenfield"},
}

// Accounts lists the demo sign-ins.
func Accounts() []Account {
	orgs := map[string]string{"": FirmName, "lexora": "Lexora Legal Services Pvt. Ltd.", "bayanihan": "Bayanihan Legal Process Center Inc.",
		"keystone": "Keystone Review LLC", "meridian": "Meridian Discovery Partners Ltd", "calloway": "Calloway Freight Systems, Inc.",
		"ardent": "Ardent BioSciences Corp.", "greenfield": "Greenfield Municipal Credit Union"}
	out := make([]Account, 0, len(people))
	for _, p := range people {
		a := Account{Role: p.role, Name: p.name, Email: p.email, Password: Password, Org: orgs[p.org], Note: p.note, TOTPSecret: totpSecrets[p.email]}
		if a.TOTPSecret == "" && domain.DefaultMFAPolicy().Requires(p.role) && a.Note == "" {
			a.Note = "sets up an authenticator app at first sign-in"
		}
		out = append(out, a)
	}
	return out
}

// ErrNotEmpty is returned when the database already holds a firm.
var ErrNotEmpty = domain.Errorf(domain.EConflict, "the database already holds a firm; demo data is only loaded into an empty database")

// Load writes the demo firm into an empty, migrated store in one transaction:
// all of it or nothing. Without a document store (LoadWith), evidence files
// are recorded but have no content to download.
func Load(ctx context.Context, s *store.Store, now time.Time) error {
	return LoadWith(ctx, s, now, Options{})
}

func load(ctx context.Context, s *store.Store, now time.Time, opts Options) error {
	hash, err := auth.HashPassword(Password, auth.Default)
	if err != nil {
		return err
	}
	today := now.UTC().Truncate(24 * time.Hour)
	day := func(offset int) domain.Date { return domain.DateOf(today.AddDate(0, 0, offset)) }
	return s.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Firm(ctx); err == nil {
			return ErrNotEmpty
		}
		l := loader{tx: tx, ctx: ctx, now: now, vendors: map[string]int64{}, clients: map[string]int64{}, users: map[string]int64{}}
		l.opts = opts
		l.do(tx.CreateFirm(ctx, &domain.Firm{Name: FirmName, TaxID: "13-4567890", Currency: "USD"}, now))
		l.vendor("lexora", domain.Vendor{Name: "Lexora Legal Services Pvt. Ltd.", LegalName: "Lexora Legal Services Private Limited", Country: "IN", Currency: "INR", Diligence: domain.DiligenceApproved, ApprovedUntil: day(300)})
		l.vendor("bayanihan", domain.Vendor{Name: "Bayanihan Legal Process Center Inc.", LegalName: "Bayanihan Legal Process Center, Inc.", Country: "PH", Currency: "PHP", Diligence: domain.DiligenceConditional, ApprovedUntil: day(330)})
		l.vendor("keystone", domain.Vendor{Name: "Keystone Review LLC", LegalName: "Keystone Review, L.L.C.", Country: "US", Currency: "USD", Diligence: domain.DiligenceApproved, ApprovedUntil: day(-31)})
		l.vendor("meridian", domain.Vendor{Name: "Meridian Discovery Partners Ltd", LegalName: "Meridian Discovery Partners Limited", Country: "GB", Currency: "GBP", Diligence: domain.DiligencePending})
		l.client("calloway", domain.Client{Number: "CFS-0711", Name: "Calloway Freight Systems, Inc.", Country: "US"})
		l.client("ardent", domain.Client{Number: "ABC-2290", Name: "Ardent BioSciences Corp.", Country: "US"})
		l.client("greenfield", domain.Client{Number: "GMCU-0418", Name: "Greenfield Municipal Credit Union", Country: "US"})
		for _, p := range people {
			u := domain.User{Email: p.email, Name: p.name, Role: p.role, Title: p.title, TimeZone: p.tz, VendorID: l.vendors[p.org], ClientID: l.clients[p.org]}
			l.check(u.Validate())
			l.do(tx.CreateUser(ctx, &u, hash, now))
			l.users[p.email] = u.ID
			if secret := totpSecrets[p.email]; secret != "" && l.err == nil {
				l.do(tx.SetTOTP(ctx, u.ID, secret, now))
			}
		}
		marcus, priya, daniel := l.users[people[1].email], l.users[people[2].email], l.users[people[3].email]
		l.bar(marcus, "NY", "4821137", day(-6200))
		l.bar(marcus, "IL", "6290451", day(-5100))
		l.bar(priya, "NY", "5530218", day(-2900))

		calloway := l.matter(domain.Matter{ClientID: l.clients["calloway"], Number: "2026-0142", Title: "Calloway Freight Systems v. Tidewater Logistics",
			PracticeArea: "Commercial litigation", Sensitivity: domain.SensitivityConfidential, ResponsibleAttorneyID: marcus, OpenedOn: day(-120),
			Jurisdictions: []domain.Jurisdiction{{Kind: "court", Name: "U.S. District Court, S.D.N.Y."}, {Kind: "governing_law", Name: "New York"}, {Kind: "performance", Name: "India"}}})
		ardent := l.matter(domain.Matter{ClientID: l.clients["ardent"], Number: "2026-0177", Title: "Ardent BioSciences v. Solace Pharma",
			PracticeArea: "Patent litigation", Sensitivity: domain.SensitivityHighlyConfidential, ResponsibleAttorneyID: marcus, OpenedOn: day(-45),
			Jurisdictions: []domain.Jurisdiction{{Kind: "court", Name: "U.S. District Court, N.D. Ill."}, {Kind: "governing_law", Name: "United States (35 U.S.C.)"}, {Kind: "performance", Name: "Philippines"}}})
		greenfield := l.matter(domain.Matter{ClientID: l.clients["greenfield"], Number: "2026-0203", Title: "Greenfield loan-file regulatory review",
			PracticeArea: "Financial regulation", Sensitivity: domain.SensitivityStandard, ResponsibleAttorneyID: priya, OpenedOn: day(-70),
			Jurisdictions: []domain.Jurisdiction{{Kind: "governing_law", Name: "Illinois"}, {Kind: "performance", Name: "United States"}}})
		harbor := l.matter(domain.Matter{ClientID: l.clients["calloway"], Number: "2025-0311", Title: "Calloway Freight Systems — Harbor Point lease arbitration",
			PracticeArea: "Commercial arbitration", Sensitivity: domain.SensitivityConfidential, ResponsibleAttorneyID: marcus, Status: "closed", OpenedOn: day(-420),
			Jurisdictions: []domain.Jurisdiction{{Kind: "court", Name: "AAA Commercial Arbitration, New York"}, {Kind: "performance", Name: "India"}}})

		for _, t := range []struct {
			m, u int64
			role string
		}{{calloway, marcus, "Lead partner"}, {calloway, priya, "Associate"}, {calloway, daniel, "Paralegal"},
			{ardent, marcus, "Lead partner"}, {ardent, daniel, "Paralegal"}, {greenfield, priya, "Lead associate"}, {greenfield, daniel, "Paralegal"}, {harbor, marcus, "Lead partner"}} {
			l.do(tx.AddTeamMember(ctx, t.m, t.u, t.role))
		}
		l.do(tx.Screen(ctx, ardent, priya, l.users[people[0].email], "Lateral hire: advised Solace Pharma on this dispute at her previous firm", now))

		l.party(domain.Party{MatterID: calloway, Name: "Calloway Freight Systems, Inc.", Role: domain.PartyClient, Aliases: []string{"Calloway Freight", "CFS"}})
		l.party(domain.Party{MatterID: calloway, Name: "Tidewater Logistics LLC", Role: domain.PartyAdverse, Aliases: []string{"Tidewater Logistics Holdings", "TWL"}})
		l.party(domain.Party{MatterID: calloway, Name: "Brightwater Insurance Company", Role: domain.PartyThirdParty})
		l.party(domain.Party{MatterID: ardent, Name: "Ardent BioSciences Corp.", Role: domain.PartyClient})
		l.party(domain.Party{MatterID: ardent, Name: "Solace Pharmaceuticals, Inc.", Role: domain.PartyAdverse, Aliases: []string{"Solace Pharma"}})
		l.party(domain.Party{MatterID: greenfield, Name: "Greenfield Municipal Credit Union", Role: domain.PartyClient, Aliases: []string{"GMCU"}})
		l.party(domain.Party{MatterID: greenfield, Name: "National Credit Union Administration", Role: domain.PartyThirdParty, Aliases: []string{"NCUA"}})
		l.party(domain.Party{MatterID: harbor, Name: "Harbor Point Realty Partners LP", Role: domain.PartyAdverse})

		usd := func(dollars int64) domain.Money { return domain.NewMoney(dollars*100, "USD") }
		l.engagement(domain.Engagement{MatterID: calloway, VendorID: l.vendors["lexora"], SupervisingAttorneyID: marcus, Service: domain.ServiceDocumentReview,
			Description: "First-level responsiveness and privilege review of 48,000 documents", Stage: domain.StageActive, BillingMode: domain.BillingDisbursement,
			EstimatedCost: domain.NewMoney(1_450_000_00, "INR"), InHouseEstimate: usd(412_000), OpenedOn: day(-98)},
			map[string]string{"anika.deshmukh@lexora.example": "vendor_lead", "rohan.kulkarni@lexora.example": "reviewer", "meera.iyer@lexora.example": "reviewer"})
		l.engagement(domain.Engagement{MatterID: ardent, VendorID: l.vendors["bayanihan"], SupervisingAttorneyID: marcus, Service: domain.ServiceLegalResearch,
			Description: "Prior-art research on lipid nanoparticle formulations", Stage: domain.StageProposed, BillingMode: domain.BillingFee,
			EstimatedCost: domain.NewMoney(2_100_000_00, "PHP"), InHouseEstimate: usd(96_000)},
			map[string]string{"maria.santos@bayanihan.example": "vendor_lead"})
		l.engagement(domain.Engagement{MatterID: greenfield, VendorID: l.vendors["keystone"], SupervisingAttorneyID: priya, Service: domain.ServiceDocumentReview,
			Description: "Regulatory review of 4,000 loan files", Stage: domain.StageActive, BillingMode: domain.BillingFee, // paused in vendors_gates.go; a fee: billing.go
			EstimatedCost: usd(88_000), InHouseEstimate: usd(164_000), OpenedOn: day(-60)},
			map[string]string{"thomas.walsh@keystonereview.example": "vendor_lead"})
		l.engagement(domain.Engagement{MatterID: greenfield, VendorID: l.vendors["bayanihan"], SupervisingAttorneyID: priya, Service: domain.ServiceContractManagement,
			Description: "Abstraction of loan agreements into the review template", Stage: domain.StageCommunication, BillingMode: domain.BillingDisbursement,
			EstimatedCost: domain.NewMoney(640_000_00, "PHP"), InHouseEstimate: usd(38_500), OpenedOn: day(-6)},
			map[string]string{"maria.santos@bayanihan.example": "vendor_lead", "jose.reyes@bayanihan.example": "reviewer"})
		l.engagement(domain.Engagement{MatterID: calloway, VendorID: l.vendors["meridian"], SupervisingAttorneyID: marcus, Service: domain.ServiceEDiscovery,
			Description: "Forensic collection and processing of Tidewater's produced ESI", Stage: domain.StageProposed, BillingMode: domain.BillingFee,
			EstimatedCost: domain.NewMoney(31_000_00, "GBP"), InHouseEstimate: usd(61_000)},
			map[string]string{"oliver.bennett@meridiandiscovery.example": "vendor_lead"})
		l.engagement(domain.Engagement{MatterID: harbor, VendorID: l.vendors["lexora"], SupervisingAttorneyID: marcus, Service: domain.ServiceDocumentReview,
			Description: "Review of lease correspondence for the arbitration record", Stage: domain.StageClosed, BillingMode: domain.BillingDisbursement,
			EstimatedCost: domain.NewMoney(310_000_00, "INR"), InHouseEstimate: usd(72_000), OpenedOn: day(-400), ClosedOn: day(-250)},
			map[string]string{"anika.deshmukh@lexora.example": "vendor_lead"})
		l.engagement(domain.Engagement{MatterID: ardent, VendorID: l.vendors["meridian"], SupervisingAttorneyID: marcus, Service: domain.ServiceEDiscovery,
			Description: "Forensic collection of Ardent's laboratory notebooks and instrument data", Stage: domain.StageProposed, BillingMode: domain.BillingFee,
			EstimatedCost: domain.NewMoney(18_500_00, "GBP"), InHouseEstimate: usd(39_000)}, // declined by the client: consent.go
			map[string]string{"oliver.bennett@meridiandiscovery.example": "vendor_lead"})
		// Each stage is reported to ctx's progress.Func and checks ctx
		// first: cancelled, the load stops and its one transaction rolls back.
		for _, stage := range []func(){
			l.registry,
			func() { l.conflictChecks(day, greenfield) },
			l.gates,
			func() { l.matters(calloway) },
			func() { l.assessments(day) },
			l.consent,
			// Engagement work, in the order the gates open (one file each):
			func() { l.communicationPlans(day) },  // engagement_communication.go: plans, kickoffs, briefings, acknowledgements
			func() { l.statementsOfWork(day) },    // engagement_sow.go: SOWs, change orders, deadlines, time entries
			func() { l.engagementDocuments(day) }, // engagement_documents.go: documents and messages
			func() { l.deliverables(day) },        // engagement_deliverables.go: deliverables, reviews, releases, closing records
			func() { l.qualityAudits(day) },       // engagement_audits.go: audit plans, passed and failed audits, corrective actions, scorecard history
			func() { l.rates(day) },               // rates.go: timekeepers with dated rates, vendor rate cards
			func() { l.billing(day) },             // billing.go: firm time, vendor and client invoices, credit note, budgets
			func() {
				l.history(day, map[string]int64{"calloway": calloway, "ardent": ardent, "greenfield": greenfield, "harbor": harbor})
				l.notifications() // notifications.go: the bell's recent notifications
			},
		} {
			l.stage(stage)
		}
		return l.err
	})
}

// history appends the demo firm's past to the audit trail, oldest first, so
// the trail reads as the story: the firm set up, vendors assessed, matters
// opened, a screen put up, vendors proposed, one engagement closed, and the
// last few days' sign-ins.
func (l *loader) history(day func(int) domain.Date, matters map[string]int64) {
	at := func(offset int, hour int) time.Time {
		return day(offset).Time().Add(time.Duration(hour) * time.Hour)
	}
	eleanor, marcus, priya := l.user(people[0].email), l.user(people[1].email), l.user(people[2].email)
	type ev struct {
		at      time.Time
		actor   domain.User
		action  string
		objType string
		objID   int64
		matter  int64
		summary string
	}
	var evs []ev
	for _, p := range people {
		evs = append(evs, ev{at(-440, 14), domain.User{Name: "operator (command line)", Role: domain.RoleFirmAdmin}, "user.create", "user", l.users[p.email], 0,
			"created " + p.name + " (" + p.email + ") as " + p.role.Label()})
	}
	evs = append(evs,
		ev{at(-396, 15), eleanor, "vendor.approve", "vendor", l.vendors["keystone"], 0, "approved Keystone Review LLC for 12 months after its security assessment"},
		ev{at(-65, 16), eleanor, "vendor.approve", "vendor", l.vendors["lexora"], 0, "approved Lexora Legal Services Pvt. Ltd. (SOC 2 Type II on file)"},
		ev{at(-35, 11), eleanor, "vendor.approve_conditionally", "vendor", l.vendors["bayanihan"], 0, "conditionally approved Bayanihan: enforce MFA on remote access within 30 days"},
		ev{at(-420, 10), marcus, "matter.create", "matter", matters["harbor"], matters["harbor"], "opened 2025-0311 Harbor Point lease arbitration"},
		ev{at(-120, 10), marcus, "matter.create", "matter", matters["calloway"], matters["calloway"], "opened 2026-0142 Calloway v. Tidewater"},
		ev{at(-70, 9), priya, "matter.create", "matter", matters["greenfield"], matters["greenfield"], "opened 2026-0203 Greenfield loan-file review"},
		ev{at(-45, 9), marcus, "matter.create", "matter", matters["ardent"], matters["ardent"], "opened 2026-0177 Ardent v. Solace Pharma"},
		ev{at(-44, 17), eleanor, "matter.screen", "user", priya.ID, matters["ardent"], "screened Priya Raman from 2026-0177: advised Solace Pharma at her previous firm"},
		ev{at(-250, 16), marcus, "engagement.close", "engagement", 0, matters["harbor"], "closed Lexora's review on 2025-0311; destruction certified"},
		ev{at(-1, 22), domain.User{Name: "rohan.kulkarni@lexora.example"}, "auth.sign_in_failed", "user", l.user("rohan.kulkarni@lexora.example").ID, 0, "wrong email or password, or the account is disabled"},
		ev{at(-1, 13), marcus, "auth.sign_in", "user", marcus.ID, 0, "signed in with password"},
		ev{at(-1, 14), eleanor, "auth.sign_in", "user", eleanor.ID, 0, "signed in with password"},
	)
	slices.SortStableFunc(evs, func(a, b ev) int { return a.at.Compare(b.at) })
	for _, e := range evs {
		org := "firm"
		switch {
		case e.actor.ID == 0 && e.actor.Role == domain.RoleFirmAdmin:
			org = "operator"
		case e.actor.Role == "":
			org = ""
		}
		l.do(l.tx.AppendAudit(l.ctx, &auditlog.Event{At: e.at, ActorID: e.actor.ID, ActorName: e.actor.Name, ActorRole: string(e.actor.Role), Org: org,
			Action: e.action, ObjectType: e.objType, ObjectID: e.objID, MatterID: e.matter, Summary: e.summary, Address: "10.20.0.15", RequestID: "demo"}))
	}
}

func (l *loader) user(email string) domain.User {
	for _, p := range people {
		if p.email == email {
			return domain.User{ID: l.users[email], Name: p.name, Email: email, Role: p.role}
		}
	}
	return domain.User{}
}

// loader keeps the first error so Load reads as a script.
type loader struct {
	tx      *store.Tx
	ctx     context.Context
	now     time.Time
	err     error
	vendors map[string]int64
	clients map[string]int64
	users   map[string]int64
	opts    Options // vendors_assessments.go
	stages  int64   // stages done, for progress
}

// stage runs one stage of the load unless the load already failed or ctx
// is cancelled, and reports it done to ctx's progress.Func.
func (l *loader) stage(run func()) {
	if l.err == nil {
		l.err = l.ctx.Err()
	}
	if l.err != nil {
		return
	}
	run()
	l.stages++
	progress.Report(l.ctx, "Loading the demo firm", l.stages, demoStages)
}

// demoStages is how many stages load runs.
const demoStages = 14

func (l *loader) do(err error) {
	if l.err == nil {
		l.err = err
	}
}

func (l *loader) check(err error) { l.do(err) }

func (l *loader) vendor(key string, v domain.Vendor) {
	l.check(v.Validate())
	l.do(l.tx.CreateVendor(l.ctx, &v, l.now))
	l.vendors[key] = v.ID
}

func (l *loader) client(key string, c domain.Client) {
	l.check(c.Validate())
	l.do(l.tx.CreateClient(l.ctx, &c, l.now))
	l.clients[key] = c.ID
}

func (l *loader) bar(user int64, jurisdiction, number string, admitted domain.Date) {
	l.do(l.tx.AddBarAdmission(l.ctx, &domain.BarAdmission{UserID: user, Jurisdiction: jurisdiction, Number: number, Status: "active", AdmittedOn: admitted}))
}

func (l *loader) matter(m domain.Matter) int64 {
	l.check(m.Validate())
	l.do(l.tx.CreateMatter(l.ctx, &m, l.now))
	return m.ID
}

func (l *loader) party(p domain.Party) {
	l.check(p.Validate())
	l.do(l.tx.CreateParty(l.ctx, &p))
}

func (l *loader) engagement(e domain.Engagement, members map[string]string) {
	l.do(l.tx.CreateEngagement(l.ctx, &e, l.now))
	l.do(l.tx.AddEngagementMember(l.ctx, domain.EngagementMember{EngagementID: e.ID, UserID: e.SupervisingAttorneyID, Role: "supervisor"}))
	for email, role := range members {
		l.do(l.tx.AddEngagementMember(l.ctx, domain.EngagementMember{EngagementID: e.ID, UserID: l.users[email], Role: role}))
	}
}
