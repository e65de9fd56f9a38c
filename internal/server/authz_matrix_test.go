package server_test

// The authorisation matrix: every route of the web UI and the API (read from
// their route tables, so a new route cannot escape it) × every demo account
// and an anonymous visitor × every object of each path parameter's kind,
// inside and outside the account's scope, plus one that does not exist. It
// proves that no out-of-scope read or write succeeds (and that refused writes
// change nothing), that access in scope is granted, and that every unsafe
// route refuses a missing or wrong CSRF token.
//
// What each account may see is decided here by an oracle of its own, written
// in Go over the raw tables rather than by the store's scope SQL, and the
// oracle is itself checked against facts of the demo story.

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/probity/probity/internal/server/servertest"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/probity/probity/internal/api"
	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/server"
	"github.com/probity/probity/internal/testenv"
)

func TestAuthorisationMatrix(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		start := time.Now()
		m := newMatrix(t, e)
		m.run()
		m.report(time.Since(start))
	})
}

// ---------------------------------------------------------------------------
// The oracle: who may see what, from the raw tables.

type userRow struct {
	id       int64
	email    string
	name     string
	role     domain.Role
	vendor   int64
	client   int64
	disabled bool
}

type matterRow struct {
	id          int64
	number      string
	client      int64
	sensitivity string
}

type engagementRow struct {
	id     int64
	matter int64
	vendor int64
}

type sessionRow struct {
	handle string
	user   int64
}

// world is the demo firm as the tables hold it, and the access policy
// restated over it: the oracle every answer is judged by.
type world struct {
	users       map[int64]userRow
	matters     map[int64]matterRow
	engagements map[int64]engagementRow
	vendors     map[int64]string // id -> name
	clients     map[int64]string
	members     map[[2]int64]bool // (engagement, user)
	screens     map[[2]int64]bool // (matter, user)
	tokens      map[int64]int64   // api token -> owner
	invitations map[int64]bool
	outbox      map[int64]bool
	sessions    map[string]sessionRow // handle -> session
	// hcNeedsMFA: the firm's policy keeps highly confidential matters from
	// sessions without a second factor.
	hcNeedsMFA bool

	conflicts   conflictWorld   // parties, disclosures, conflict hits (conflicts_matrix_test.go)
	assessments assessmentWorld // assessments, evidence, remediation, questionnaires (assessments_matrix_test.go)
	children    childWorld      // objects under an engagement (engagement_children_matrix_test.go)
}

func isAdmin(r domain.Role) bool { return r == domain.RoleFirmAdmin }
func isFirm(r domain.Role) bool {
	return r == domain.RoleFirmAdmin || r == domain.RoleAttorney || r == domain.RoleStaff
}
func isVendor(r domain.Role) bool {
	return r == domain.RoleVendorManager || r == domain.RoleVendorProfessional
}
func isClient(r domain.Role) bool { return r == domain.RoleClientContact }

// seesMatter: administrators every matter; attorneys and staff every matter
// they are not screened from; vendor users the matters of engagements of
// their own vendor that they are members of; client contacts their client's.
func (w *world) seesMatter(u userRow, id int64) bool {
	m, ok := w.matters[id]
	if !ok || u.disabled {
		return false
	}
	switch {
	case isAdmin(u.role):
		return true
	case isFirm(u.role):
		return !w.screens[[2]int64{id, u.id}]
	case isVendor(u.role):
		for _, e := range w.engagements {
			if e.matter == id && e.vendor == u.vendor && w.members[[2]int64{e.id, u.id}] {
				return true
			}
		}
		return false
	case isClient(u.role):
		return u.client != 0 && m.client == u.client
	}
	return false
}

// seesEngagement: as for its matter, except that a vendor user sees only
// their own vendor's engagements they are a member of.
func (w *world) seesEngagement(u userRow, id int64) bool {
	e, ok := w.engagements[id]
	if !ok || u.disabled {
		return false
	}
	switch {
	case isAdmin(u.role):
		return true
	case isFirm(u.role):
		return !w.screens[[2]int64{e.matter, u.id}]
	case isVendor(u.role):
		return u.vendor != 0 && e.vendor == u.vendor && w.members[[2]int64{id, u.id}]
	case isClient(u.role):
		return u.client != 0 && w.matters[e.matter].client == u.client
	}
	return false
}

// seesVendor: firm users every vendor; vendor users their own; client
// contacts the vendors engaged on their client's matters.
func (w *world) seesVendor(u userRow, id int64) bool {
	if _, ok := w.vendors[id]; !ok || u.disabled {
		return false
	}
	switch {
	case isFirm(u.role):
		return true
	case isVendor(u.role):
		return u.vendor == id
	case isClient(u.role):
		for _, e := range w.engagements {
			if e.vendor == id && w.matters[e.matter].client == u.client {
				return true
			}
		}
	}
	return false
}

// seesClient: firm users every client; client contacts their own; vendors none.
func (w *world) seesClient(u userRow, id int64) bool {
	if _, ok := w.clients[id]; !ok || u.disabled {
		return false
	}
	switch {
	case isFirm(u.role):
		return true
	case isClient(u.role):
		return u.client == id
	}
	return false
}

// gated reports whether a matter is kept from the actor's session until it
// passes a second factor.
func (w *world) gated(a *actor, matter int64) bool {
	return w.hcNeedsMFA && w.matters[matter].sensitivity == string(domain.SensitivityHighlyConfidential) && !a.mfa
}

func loadWorld(t *testing.T, db *sql.DB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{users: map[int64]userRow{}, matters: map[int64]matterRow{}, engagements: map[int64]engagementRow{},
		vendors: map[int64]string{}, clients: map[int64]string{}, members: map[[2]int64]bool{}, screens: map[[2]int64]bool{},
		tokens: map[int64]int64{}, invitations: map[int64]bool{}, outbox: map[int64]bool{}, sessions: map[string]sessionRow{}, hcNeedsMFA: true}
	each := func(q string, scan func(*sql.Rows) error) {
		t.Helper()
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			t.Fatalf("oracle: %s: %v", q, err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				t.Fatalf("oracle: %s: %v", q, err)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("oracle: %s: %v", q, err)
		}
	}
	each(`SELECT id, email, name, role, vendor_id, client_id, disabled FROM users`, func(r *sql.Rows) error {
		var u userRow
		var v, c sql.NullInt64
		var role string
		err := r.Scan(&u.id, &u.email, &u.name, &role, &v, &c, &u.disabled)
		u.role, u.vendor, u.client = domain.Role(role), v.Int64, c.Int64
		w.users[u.id] = u
		return err
	})
	each(`SELECT id, number, client_id, sensitivity FROM matters`, func(r *sql.Rows) error {
		var m matterRow
		err := r.Scan(&m.id, &m.number, &m.client, &m.sensitivity)
		w.matters[m.id] = m
		return err
	})
	each(`SELECT id, matter_id, vendor_id FROM engagements`, func(r *sql.Rows) error {
		var e engagementRow
		err := r.Scan(&e.id, &e.matter, &e.vendor)
		w.engagements[e.id] = e
		return err
	})
	each(`SELECT id, name FROM vendors`, func(r *sql.Rows) error {
		var id int64
		var name string
		err := r.Scan(&id, &name)
		w.vendors[id] = name
		return err
	})
	each(`SELECT id, name FROM clients`, func(r *sql.Rows) error {
		var id int64
		var name string
		err := r.Scan(&id, &name)
		w.clients[id] = name
		return err
	})
	each(`SELECT engagement_id, user_id FROM engagement_members`, func(r *sql.Rows) error {
		var k [2]int64
		err := r.Scan(&k[0], &k[1])
		w.members[k] = true
		return err
	})
	each(`SELECT matter_id, user_id FROM matter_screens`, func(r *sql.Rows) error {
		var k [2]int64
		err := r.Scan(&k[0], &k[1])
		w.screens[k] = true
		return err
	})
	each(`SELECT id, user_id FROM api_tokens`, func(r *sql.Rows) error {
		var id, owner int64
		err := r.Scan(&id, &owner)
		w.tokens[id] = owner
		return err
	})
	each(`SELECT id FROM invitations`, func(r *sql.Rows) error {
		var id int64
		err := r.Scan(&id)
		w.invitations[id] = true
		return err
	})
	each(`SELECT id FROM outbox`, func(r *sql.Rows) error {
		var id int64
		err := r.Scan(&id)
		w.outbox[id] = true
		return err
	})
	each(`SELECT id_hash, user_id FROM sessions`, func(r *sql.Rows) error {
		var hash string
		var user int64
		err := r.Scan(&hash, &user)
		w.sessions[hash[:domain.SessionHandleLength]] = sessionRow{handle: hash[:domain.SessionHandleLength], user: user}
		return err
	})
	w.conflicts = loadConflictWorld(t, db)
	w.assessments = loadAssessmentWorld(t, db)
	w.children = loadChildWorld(t, db)
	each(`SELECT name, value FROM settings`, func(r *sql.Rows) error {
		var name, value string
		err := r.Scan(&name, &value)
		if name == app.SettingMFAHighlyConfidential {
			w.hcNeedsMFA = value == "on" || value == "true" || value == "1"
		}
		return err
	})
	return w
}

// ---------------------------------------------------------------------------
// Actors: an anonymous visitor and one signed-in session per demo account.

type actor struct {
	label  string
	u      userRow // zero for the anonymous visitor
	token  string  // the session token; "" when anonymous
	handle string
	mfa    bool // the session passed a second factor
}

func (a *actor) anonymous() bool { return a.token == "" }

// ---------------------------------------------------------------------------
// Routes, path parameters and objects.

type kind string

const (
	kMatter     kind = "matter"
	kEngagement kind = "engagement"
	kVendor     kind = "vendor"
	kUser       kind = "user"
	kSession    kind = "session"
	kToken      kind = "api token"
	kInvitation kind = "invitation"
	kOutbox     kind = "outbox message"
	kScreenUser kind = "screened user"
	kSecret     kind = "emailed secret"
	kClient     kind = "client"        // only in list filters
	kPerson     kind = "vendor person" // a vendor's user, for personnel records
)

// paramKind says what a path parameter names, from the collection it
// follows. A route with a parameter this does not know fails the matrix:
// whoever adds it must teach the matrix which objects to try.
func paramKind(collection, param string) (kind, bool) {
	switch collection + "/{" + param + "}" {
	case "matters/{id}":
		return kMatter, true
	case "engagements/{id}":
		return kEngagement, true
	case "vendors/{id}":
		return kVendor, true
	case "users/{id}":
		return kUser, true
	case "sessions/{sid}", "sessions/{id}":
		return kSession, true
	case "tokens/{id}":
		return kToken, true
	case "invitations/{id}":
		return kInvitation, true
	case "outbox/{id}":
		return kOutbox, true
	case "screens/{user}", "screens/{user_id}":
		return kScreenUser, true
	case "people/{user}", "people/{user_id}":
		return kPerson, true
	case "parties/{id}":
		return kParty, true
	case "disclosures/{id}":
		return kDisclosure, true
	case "conflict-hits/{id}":
		return kHit, true
	case "assessments/{aid}":
		return kAssessment, true
	case "evidence/{eid}":
		return kEvidence, true
	case "remediation/{rid}":
		return kRemediation, true
	case "questionnaires/{id}":
		return kQuestionnaire, true
	case "invitations/{token}", "reset/{token}", "calendar/{file}":
		return kSecret, true
	case "time/{id}", "firm-time/{id}":
		return kFirmTime, true // savings_matrix_test.go
	case "vendor-invoices/{id}":
		return kVendorInvoice, true // vendor_invoices_matrix_test.go
	case "lines/{line}":
		return kVendorLine, true // vendor_invoices_matrix_test.go
	case "invoices/{id}":
		return kClientInvoice, true // invoices_matrix_test.go
	case "notifications/{id}":
		return kNotification, true // notifications_matrix_test.go
	}
	return childKindOf(collection, param) // engagement_children_matrix_test.go
}

type param struct {
	name string
	kind kind
}

type route struct {
	surface string // web, api, server
	pattern string // as registered
	method  string
	path    string // the pattern's path
	public  bool
	params  []param
	rule    rule
}

// unsafe reports whether the method changes state (and so needs a CSRF token).
func (r *route) unsafe() bool {
	return r.method != http.MethodGet && r.method != http.MethodHead && r.method != http.MethodOptions
}

func (r *route) name() string { return r.method + " " + r.path }

// object is one choice of values for a route's path parameters.
type object struct {
	label      string
	ref        bool // the nonexistent object the others are compared with
	matter     int64
	engagement int64
	vendor     int64
	user       int64
	session    string
	token      int64
	invitation int64
	outbox     int64
	screenUser int64
	secret     string
	person     int64
	query      string // a list filter naming the object

	party, disclosure, hit int64 // conflict checks (conflicts_matrix_test.go)

	assessment, evidence, remediation, questionnaire int64 // assessments_matrix_test.go

	// child1, child2: objects under an engagement, of childKinds[0] and [1]
	// (engagement_children_matrix_test.go).
	child1, child2 int64
	childKinds     [2]kind

	firmTime int64 // a firm time entry (savings_matrix_test.go)
	invoice  int64 // a client invoice (invoices_matrix_test.go)

	vendorInvoice, vendorLine int64 // a vendor invoice and one of its lines (vendor_invoices_matrix_test.go)

	notification int64 // notifications_matrix_test.go
}

const (
	noID     = int64(987654321)
	noHandle = "ffffffffffffffff"
)

func (o object) value(k kind) string {
	switch k {
	case kMatter:
		return strconv.FormatInt(o.matter, 10)
	case kEngagement:
		return strconv.FormatInt(o.engagement, 10)
	case kVendor:
		return strconv.FormatInt(o.vendor, 10)
	case kUser:
		return strconv.FormatInt(o.user, 10)
	case kSession:
		return o.session
	case kToken:
		return strconv.FormatInt(o.token, 10)
	case kInvitation:
		return strconv.FormatInt(o.invitation, 10)
	case kOutbox:
		return strconv.FormatInt(o.outbox, 10)
	case kScreenUser:
		return strconv.FormatInt(o.screenUser, 10)
	case kSecret:
		return o.secret
	case kParty, kDisclosure, kHit:
		v, _ := o.conflictValue(k)
		return v
	case kPerson:
		return strconv.FormatInt(o.person, 10)
	case kFirmTime:
		return strconv.FormatInt(o.firmTime, 10)
	case kVendorInvoice:
		return strconv.FormatInt(o.vendorInvoice, 10)
	case kVendorLine:
		return strconv.FormatInt(o.vendorLine, 10)
	case kClientInvoice:
		return strconv.FormatInt(o.invoice, 10)
	case kNotification:
		return strconv.FormatInt(o.notification, 10)
	case kAssessment, kEvidence, kRemediation, kQuestionnaire:
		return o.assessmentValue(k)
	}
	if isChildKind(k) {
		if k == o.childKinds[1] {
			return o.childValue(2)
		}
		return o.childValue(1)
	}
	return ""
}

var paramRE = regexp.MustCompile(`\{([^}]*)\}`)

// fill turns the route's path into a request path for o.
func (r *route) fill(o object) string {
	switch {
	case strings.HasSuffix(r.path, "{$}"):
		return strings.TrimSuffix(r.path, "{$}")
	case r.path == "/static/":
		return "/static/app.css"
	case r.path == "/":
		return "/matrix/no/such/page"
	case r.path == "/api/":
		return api.Prefix + "/matrix-no-such-endpoint"
	}
	p := r.path
	for _, prm := range r.params {
		p = strings.Replace(p, "{"+prm.name+"}", url.PathEscape(o.value(prm.kind)), 1)
	}
	if o.query != "" {
		p += "?" + o.query
	}
	return p
}

// ---------------------------------------------------------------------------
// Verdicts and rules.

type verdict int

const (
	vAllow     verdict = iota // in scope and permitted: access must be granted
	vHide                     // outside the scope, or nonexistent: 404, exactly as for a nonexistent object
	vDeny                     // the role lacks the capability, whatever the object: 403 (or 404)
	vGate                     // in scope, but highly confidential and the session has no second factor: 403
	vPublic                   // a public route: nothing to prove but that it does not fail
	vAnonymous                // no session on a route that needs one: sent to sign in (web), 401 (API)
)

func (v verdict) String() string {
	return [...]string{"allow", "hide", "deny", "second-factor gate", "public", "anonymous"}[v]
}

// body is what an unsafe request sends: a form on the web, JSON in the API,
// and any query string.
type body struct {
	form  url.Values
	json  string
	query string
}

type access func(w *world, a *actor, o object) verdict

// rule is what the matrix knows of a route: who may use it on which objects,
// and what to send. Refused requests send the probe, a body that would
// succeed if the refusal were missing, so a refusal is proved to come from
// the policy and not from validation; permitted ones send safe, a body the
// route judges (usually refusing it as invalid) without changing much.
type rule struct {
	access      access
	safe, probe body
	// destructive: a permitted request would end sessions or lock someone
	// out, so real objects are not used for it: "session" and "user" make
	// a sacrificial one instead; "caller" (signing out) is not tried.
	destructive string
	want404     bool // the catch-all: 404 to everyone
	// filters are a list's query parameters that name an object: the list
	// is also tried filtered by every object of the kind, and must still
	// show nothing outside the actor's scope.
	filters map[string]kind
}

func anyone(*world, *actor, object) verdict { return vAllow }
func public(*world, *actor, object) verdict { return vPublic }

func roleIs(ok func(domain.Role) bool) access {
	return func(_ *world, a *actor, _ object) verdict {
		if ok(a.u.role) {
			return vAllow
		}
		return vDeny
	}
}

func canScreen(r domain.Role) bool    { return r == domain.RoleFirmAdmin || r == domain.RoleAttorney }
func firmOrVendor(r domain.Role) bool { return isFirm(r) || isVendor(r) }
func everyRole(domain.Role) bool      { return true }

// notVendor: firm users and client contacts (the compliance record).
func notVendor(r domain.Role) bool { return !isVendor(r) }

func canMaintain(r domain.Role) bool {
	return r == domain.RoleFirmAdmin || r == domain.RoleVendorManager
}

// vendorCapable: acting on a vendor the actor can see, for roles with the
// capability (a vendor manager's scope is their own vendor).
func vendorCapable(capable func(domain.Role) bool) access {
	return func(w *world, a *actor, o object) verdict {
		switch {
		case !w.seesVendor(a.u, o.vendor):
			return vHide
		case !capable(a.u.role):
			return vDeny
		}
		return vAllow
	}
}

// vendorPeople: a vendor's people, to firm users and that vendor's users;
// client contacts never see personnel.
func vendorPeople(w *world, a *actor, o object) verdict {
	switch {
	case isClient(a.u.role):
		return vDeny
	case !w.seesVendor(a.u, o.vendor):
		return vHide
	}
	return vAllow
}

// personAccess: one person's personnel record: the person must be a user
// of the vendor; a vendor professional sees only themselves; then the
// capability.
func personAccess(capable func(domain.Role) bool) access {
	return func(w *world, a *actor, o object) verdict {
		if v := vendorPeople(w, a, o); v != vAllow {
			return v
		}
		p, ok := w.users[o.person]
		switch {
		case !ok || !isVendor(p.role) || p.vendor != o.vendor:
			return vHide
		case a.u.role == domain.RoleVendorProfessional && p.id != a.u.id:
			return vHide
		case !capable(a.u.role):
			return vDeny
		}
		return vAllow
	}
}

func matterAccess(capable func(domain.Role) bool) access {
	return func(w *world, a *actor, o object) verdict {
		switch {
		case !w.seesMatter(a.u, o.matter):
			return vHide
		case !capable(a.u.role):
			return vDeny
		case w.gated(a, o.matter):
			return vGate
		}
		return vAllow
	}
}

func screenAccess(capable func(domain.Role) bool) access {
	byMatter := matterAccess(capable)
	return func(w *world, a *actor, o object) verdict {
		v := byMatter(w, a, o)
		if _, ok := w.users[o.screenUser]; v == vAllow && !ok {
			return vHide
		}
		return v
	}
}

func engagementAccess(w *world, a *actor, o object) verdict {
	switch {
	case !w.seesEngagement(a.u, o.engagement):
		return vHide
	case w.gated(a, w.engagements[o.engagement].matter):
		return vGate
	}
	return vAllow
}

// engagementAction: acting on an engagement the actor can see, for roles
// with the capability, past the second-factor gate of its matter.
func engagementAction(capable func(domain.Role) bool) access {
	return func(w *world, a *actor, o object) verdict {
		switch {
		case !w.seesEngagement(a.u, o.engagement):
			return vHide
		case !capable(a.u.role):
			return vDeny
		case w.gated(a, w.engagements[o.engagement].matter):
			return vGate
		}
		return vAllow
	}
}

// capableOnEngagement: hide what the actor does not see, gate a highly
// confidential matter without a second factor, then ask capable (the
// order the engagement use cases answer in: app.onEngagement).
func capableOnEngagement(capable func(a *actor, o object) bool) access {
	return func(w *world, a *actor, o object) verdict {
		switch {
		case !w.seesEngagement(a.u, o.engagement):
			return vHide
		case w.gated(a, w.engagements[o.engagement].matter):
			return vGate
		case !capable(a, o):
			return vDeny
		}
		return vAllow
	}
}

// formBody is a probe's form body from name, value pairs; jsonBody its JSON body.
func formBody(kv ...string) body {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return body{form: v}
}

func jsonBody(s string) body { return body{json: s} }

// pairs reads a two-column query of ids into a map (an engagement's
// supervising attorney, an entry's owner, ...), from the matrix's own view
// of the tables.
func (m *matrix) pairs(q string) map[int64]int64 {
	out := map[int64]int64{}
	rows, err := m.db.Query(q)
	if err != nil {
		m.t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var a, b int64
		if err := rows.Scan(&a, &b); err != nil {
			m.t.Fatal(err)
		}
		out[a] = b
	}
	if err := rows.Err(); err != nil {
		m.t.Fatal(err)
	}
	return out
}

func vendorAccess(w *world, a *actor, o object) verdict {
	if w.seesVendor(a.u, o.vendor) {
		return vAllow
	}
	return vHide
}

// adminUser: administrators only; notSelf refuses the administrator's own account.
func adminUser(notSelf bool) access {
	return func(w *world, a *actor, o object) verdict {
		_, exists := w.users[o.user]
		switch {
		case !isAdmin(a.u.role):
			return vDeny
		case !exists:
			return vHide
		case notSelf && o.user == a.u.id:
			return vDeny
		}
		return vAllow
	}
}

// ownOrAdminUser: one's own account, or anyone's to administrators.
func ownOrAdminUser(w *world, a *actor, o object) verdict {
	_, exists := w.users[o.user]
	switch {
	case !exists:
		return vHide
	case isAdmin(a.u.role) || o.user == a.u.id:
		return vAllow
	}
	return vDeny
}

func ownSession(w *world, a *actor, o object) verdict {
	if s, ok := w.sessions[o.session]; ok && s.user == a.u.id {
		return vAllow
	}
	return vHide
}

// userSession: a session of the user named, who must be the actor unless an administrator.
func userSession(w *world, a *actor, o object) verdict {
	if v := ownOrAdminUser(w, a, o); v != vAllow {
		return v
	}
	if s, ok := w.sessions[o.session]; ok && s.user == o.user {
		return vAllow
	}
	return vHide
}

func tokenAccess(adminAny bool) access {
	return func(w *world, a *actor, o object) verdict {
		owner, ok := w.tokens[o.token]
		if ok && (owner == a.u.id || adminAny && isAdmin(a.u.role)) {
			return vAllow
		}
		return vHide
	}
}

func adminObject(exists func(w *world, o object) bool) access {
	return func(w *world, a *actor, o object) verdict {
		switch {
		case !isAdmin(a.u.role):
			return vDeny
		case !exists(w, o):
			return vHide
		}
		return vAllow
	}
}

// rules returns what the matrix knows of each route, by pattern.
func (m *matrix) rules() map[string]rule {
	form, js := formBody, jsonBody
	admin := roleIs(isAdmin)
	noCode := form("code", "")
	target := strconv.FormatInt(m.screenTarget, 10)
	const probeReason = "authorisation matrix probe"
	defaultPolicy := form("mfa_role", "firm_admin", "mfa_role", "vendor_manager", "mfa_role", "vendor_professional", "mfa_highly_confidential", "on")
	invitationExists := func(w *world, o object) bool { return w.invitations[o.invitation] }
	outboxExists := func(w *world, o object) bool { return w.outbox[o.outbox] }
	p := api.Prefix
	// The vendor registry: the probes would refuse Lexora's approved
	// subcontractor and acknowledge Bayanihan's open change.
	var sub, change int64
	_ = m.db.QueryRowContext(m.ctx, `SELECT id FROM vendor_subcontractors ORDER BY id LIMIT 1`).Scan(&sub)
	_ = m.db.QueryRowContext(m.ctx, `SELECT id FROM vendor_changes WHERE acknowledged_at = 0 ORDER BY id LIMIT 1`).Scan(&change)
	if sub == 0 || change == 0 {
		m.t.Fatalf("the demo has no subcontractor (%d) or open vendor change (%d) for the registry probes", sub, change)
	}
	subID, changeID := strconv.FormatInt(sub, 10), strconv.FormatInt(change, 10)
	personProbe := form("position", "Matrix probe", "nda_signed_on", "2025-01-10", "confidentiality_completed_on", "2025-12-01", "confidentiality_expires_on", "2026-12-01")
	// Proposing a vendor: the probe would record a proposal of Lexora on the
	// Greenfield matter (standard: no second-factor gate), supervised by
	// Marcus; the safe body names work that does not exist.
	canPropose := canScreen // attorneys and firm administrators
	var greenfield, lexora, marcus int64
	for id, x := range m.w.matters {
		if x.number == "2026-0203" {
			greenfield = id
		}
	}
	for id, n := range m.w.vendors {
		if strings.HasPrefix(n, "Lexora") {
			lexora = id
		}
	}
	for id, u := range m.w.users {
		if u.name == "Marcus Oyelaran" {
			marcus = id
		}
	}
	proposeForm := func(service string) body {
		return form("vendor_id", strconv.FormatInt(lexora, 10), "service", service, "description", probeReason,
			"supervisor_id", strconv.FormatInt(marcus, 10), "billing_mode", "disbursement", "currency", "USD")
	}
	proposeJSON := func(service string) body {
		return js(fmt.Sprintf(`{"matter_id":%d,"vendor_id":%d,"service":%q,"description":%q,"supervising_attorney_id":%d,"billing_mode":"disbursement"}`,
			greenfield, lexora, service, probeReason, marcus))
	}
	defaultRules := form("mfa_confidential", "on", "cert_highly_confidential", "on", "mfa_highly_confidential", "on", "subs_highly_confidential", "on",
		"min_score_standard", "0", "min_score_confidential", "0", "min_score_highly_confidential", "70")
	defaultRulesJSON := js(`{"rules":[{"sensitivity":"standard","require_certification":false,"require_mfa":false,"no_unapproved_subcontractors":false,"min_score":0},` +
		`{"sensitivity":"confidential","require_certification":false,"require_mfa":true,"no_unapproved_subcontractors":false,"min_score":0},` +
		`{"sensitivity":"highly_confidential","require_certification":true,"require_mfa":true,"no_unapproved_subcontractors":true,"min_score":70}]}`)
	return map[string]rule{
		// The web UI.
		"GET /{$}":                                  {access: public},
		"GET /signin":                               {access: public},
		"POST /signin":                              {access: public, safe: form()},
		"POST /signout":                             {access: public, destructive: "caller"},
		"GET /signin/mfa":                           {access: public},
		"POST /signin/mfa":                          {access: public, safe: noCode},
		"GET /auth/oidc/start":                      {access: public},
		"GET /auth/oidc/callback":                   {access: public},
		"GET /account/mfa":                          {access: public},
		"POST /account/mfa":                         {access: public, safe: noCode},
		"POST /account/mfa/reset":                   {access: anyone, safe: noCode},
		"POST /account/mfa/recovery-codes":          {access: anyone, safe: noCode},
		"GET /account/sessions":                     {access: anyone},
		"POST /account/sessions/{sid}/end":          {access: ownSession, destructive: "session"},
		"GET /admin/users/{id}/sessions":            {access: ownOrAdminUser},
		"POST /admin/users/{id}/sessions/{sid}/end": {access: userSession, destructive: "session"},
		"POST /admin/users/{id}/mfa/reset":          {access: adminUser(true), destructive: "user"},
		"GET /admin/settings":                       {access: admin},
		"POST /admin/settings":                      {access: admin, safe: form("mfa_role", "wizard"), probe: defaultPolicy},
		"GET /static/":                              {access: public},
		"GET /home":                                 {access: anyone},
		"GET /matters":                              {access: anyone, filters: map[string]kind{"client": kClient}},
		"GET /matters/{id}":                         {access: matterAccess(everyRole)},
		// The compliance record: firm users and the matter's client contacts, never vendors.
		"GET /matters/{id}/compliance":     {access: matterAccess(notVendor)},
		"GET /matters/{id}/compliance.pdf": {access: matterAccess(notVendor)},
		"POST /matters/{id}/screens": {access: matterAccess(canScreen),
			safe: form("user_id", strconv.FormatInt(noID, 10), "reason", "x"), probe: form("user_id", target, "reason", probeReason)},
		"POST /matters/{id}/screens/{user}/remove": {access: screenAccess(canScreen), safe: form(), probe: form("reason", probeReason)},
		"POST /matters/{id}/engagements":           {access: matterAccess(canPropose), safe: proposeForm("wizardry"), probe: proposeForm("document_review")},
		"POST /engagements/{id}/open":              {access: engagementAction(canPropose)},
		"POST /admin/settings/vendor-requirements": {access: admin, safe: form("min_score_standard", "500"), probe: defaultRules},
		"GET /engagements":                         {access: anyone},
		"GET /engagements/{id}":                    {access: engagementAccess},
		"GET /vendors":                             {access: roleIs(firmOrVendor)},
		"GET /vendors/{id}":                        {access: vendorAccess},
		"POST /vendors": {access: admin, safe: form("name", "", "country", "US", "currency", "USD"),
			probe: form("name", "Matrix Probe Vendor", "country", "US", "currency", "USD")},
		"GET /vendors/{id}/profile":  {access: vendorCapable(canMaintain)},
		"POST /vendors/{id}/profile": {access: vendorCapable(canMaintain), safe: form("country", "XX"), probe: form("country", "US", "performance_countries", "US")},
		"POST /vendors/{id}/subcontractors/decision": {access: vendorCapable(canScreen), safe: form("subcontractor_id", subID, "decision", "maybe"),
			probe: form("subcontractor_id", subID, "decision", "refused", "note", probeReason)},
		"POST /vendors/{id}/changes/acknowledge":  {access: vendorCapable(canScreen), safe: form("change_id", "0"), probe: form("change_id", changeID)},
		"GET /vendors/{id}/people/{user}":         {access: personAccess(firmOrVendor)},
		"POST /vendors/{id}/people/{user}":        {access: personAccess(canMaintain), safe: form("experience_years", "-1"), probe: personProbe},
		"POST /vendors/{id}/people/{user}/verify": {access: personAccess(canScreen), safe: form("jurisdiction", ""), probe: form("jurisdiction", "Maharashtra and Goa")},
		"GET /clients":                     {access: roleIs(isFirm)},
		"GET /account/tokens":              {access: anyone},
		"POST /account/tokens":             {access: anyone, safe: form("name", "")},
		"POST /account/tokens/{id}/revoke": {access: tokenAccess(true)},
		"GET /admin/users":                 {access: admin},
		"POST /admin/users": {access: admin, safe: form("email", "not-an-email", "name", "X", "role", "staff"),
			probe: form("email", "matrix.probe@hartwellcrane.example", "name", "Matrix Probe", "role", "staff")},
		"GET /admin/users/{id}":          {access: adminUser(false)},
		"POST /admin/users/{id}/disable": {access: adminUser(true), destructive: "user"},
		"POST /admin/users/{id}/enable":  {access: adminUser(false)},
		"GET /admin/invitations":         {access: admin},
		"POST /admin/invitations": {access: admin, safe: form("email", "not-an-email", "name", "X", "role", "staff"),
			probe: form("email", "matrix.probe.invitee@hartwellcrane.example", "name", "Matrix Probe", "role", "staff")},
		"POST /admin/invitations/{id}/revoke": {access: adminObject(invitationExists)},
		"POST /admin/invitations/expiry":      {access: admin, safe: form("expiry_days", "0"), probe: form("expiry_days", "7")},
		"GET /admin/outbox":                   {access: admin},
		"GET /admin/outbox/{id}":              {access: adminObject(outboxExists)},
		"GET /invitations/{token}":            {access: public},
		"POST /invitations/{token}":           {access: public, safe: form()},
		"GET /password/forgot":                {access: public},
		"POST /password/forgot":               {access: public, safe: form("email", "")},
		"GET /password/reset/{token}":         {access: public},
		"POST /password/reset/{token}":        {access: public, safe: form()},
		"GET /admin/audit":                    {access: admin},
		"GET /admin/audit.csv":                {access: admin},
		"/":                                   {access: public, want404: true},

		// The JSON API.
		"GET " + p + "/openapi.json":                 {access: public},
		"GET " + p + "/me":                           {access: anyone},
		"GET " + p + "/me/sessions":                  {access: anyone},
		"DELETE " + p + "/me/sessions/{id}":          {access: ownSession, destructive: "session"},
		"GET " + p + "/me/mfa":                       {access: anyone},
		"GET " + p + "/users/{id}/sessions":          {access: ownOrAdminUser},
		"DELETE " + p + "/users/{id}/sessions/{sid}": {access: userSession, destructive: "session"},
		"GET " + p + "/users/{id}/mfa":               {access: ownOrAdminUser},
		"POST " + p + "/users/{id}/mfa/reset":        {access: adminUser(true), destructive: "user"},
		"GET " + p + "/settings/mfa":                 {access: admin},
		"PUT " + p + "/settings/mfa": {access: admin, safe: js(`{"required_roles":["wizard"],"highly_confidential":true}`),
			probe: js(`{"required_roles":["firm_admin","vendor_manager","vendor_professional"],"highly_confidential":true}`)},
		"GET " + p + "/me/tokens":            {access: anyone},
		"POST " + p + "/me/tokens":           {access: anyone, safe: js(`{"name":""}`)},
		"DELETE " + p + "/me/tokens/{id}":    {access: tokenAccess(false)},
		"GET " + p + "/tokens":               {access: admin},
		"DELETE " + p + "/tokens/{id}":       {access: tokenAccess(true)},
		"GET " + p + "/matters":              {access: anyone, filters: map[string]kind{"client_id": kClient}},
		"GET " + p + "/matters/{id}":         {access: matterAccess(everyRole)},
		"GET " + p + "/matters/{id}/screens": {access: matterAccess(canScreen)},
		// The compliance record (web and API rules alike).
		"GET " + p + "/matters/{id}/compliance": {access: matterAccess(notVendor)},

		"POST " + p + "/matters/{id}/screens": {access: matterAccess(canScreen),
			safe: js(fmt.Sprintf(`{"user_id":%d,"reason":"x"}`, noID)), probe: js(fmt.Sprintf(`{"user_id":%s,"reason":%q}`, target, probeReason))},
		"DELETE " + p + "/matters/{id}/screens/{user_id}": {access: screenAccess(canScreen), probe: body{query: "reason=" + url.QueryEscape(probeReason)}},
		"GET " + p + "/audit-events":                      {access: admin},
		"GET " + p + "/engagements":                       {access: anyone, filters: map[string]kind{"matter_id": kMatter, "vendor_id": kVendor}},
		"GET " + p + "/engagements/{id}":                  {access: engagementAccess},
		"GET " + p + "/matters/{id}/opening-check":        {access: matterAccess(canPropose)},
		"POST " + p + "/engagements":                      {access: roleIs(canPropose), safe: proposeJSON("wizardry"), probe: proposeJSON("document_review")},
		"POST " + p + "/engagements/{id}/open":            {access: engagementAction(canPropose)},
		"GET " + p + "/settings/sensitivity-rules":        {access: admin},
		"PUT " + p + "/settings/sensitivity-rules":        {access: admin, safe: js(`{"rules":[]}`), probe: defaultRulesJSON},
		"GET " + p + "/vendors":                           {access: roleIs(firmOrVendor)},
		"GET " + p + "/vendors/{id}":                      {access: vendorAccess},
		"POST " + p + "/vendors": {access: admin, safe: js(`{"name":"","country":"US","currency":"USD"}`),
			probe: js(`{"name":"Matrix Probe Vendor","country":"US","currency":"USD"}`)},
		"GET " + p + "/vendors/{id}/profile": {access: vendorAccess},
		"PUT " + p + "/vendors/{id}/profile": {access: vendorCapable(canMaintain), safe: js(`{"country":"XX"}`),
			probe: js(`{"country":"US","performance_countries":["US"]}`)},
		"POST " + p + "/vendors/{id}/subcontractors/decision": {access: vendorCapable(canScreen), safe: js(fmt.Sprintf(`{"subcontractor_id":%d,"decision":"maybe"}`, sub)),
			probe: js(fmt.Sprintf(`{"subcontractor_id":%d,"decision":"refused","note":%q}`, sub, probeReason))},
		"POST " + p + "/vendors/{id}/changes/acknowledge": {access: vendorCapable(canScreen), safe: js(`{"change_id":0}`), probe: js(fmt.Sprintf(`{"change_id":%d}`, change))},
		"GET " + p + "/vendors/{id}/people":               {access: vendorPeople},
		"GET " + p + "/vendors/{id}/people/{user_id}":     {access: personAccess(firmOrVendor)},
		"PUT " + p + "/vendors/{id}/people/{user_id}": {access: personAccess(canMaintain), safe: js(`{"experience_years":-1}`),
			probe: js(`{"position":"Matrix probe","nda_signed_on":"2025-01-10"}`)},
		"POST " + p + "/vendors/{id}/people/{user_id}/bar-admissions/verify": {access: personAccess(canScreen), safe: js(`{"jurisdiction":""}`),
			probe: js(`{"jurisdiction":"Maharashtra and Goa"}`)},
		"GET " + p + "/clients": {access: roleIs(isFirm)},
		"GET " + p + "/users":   {access: admin},
		"POST " + p + "/users": {access: admin, safe: js(`{"email":"not-an-email","name":"X","role":"staff"}`),
			probe: js(`{"email":"matrix.probe@hartwellcrane.example","name":"Matrix Probe","role":"staff"}`)},
		"GET " + p + "/users/{id}":          {access: adminUser(false)},
		"POST " + p + "/users/{id}/disable": {access: adminUser(true), destructive: "user"},
		"POST " + p + "/users/{id}/enable":  {access: adminUser(false)},
		"GET " + p + "/invitations":         {access: admin},
		"POST " + p + "/invitations": {access: admin, safe: js(`{"email":"not-an-email","name":"X","role":"staff"}`),
			probe: js(`{"email":"matrix.probe.invitee@hartwellcrane.example","name":"Matrix Probe","role":"staff"}`)},
		"POST " + p + "/invitations/{id}/revoke": {access: adminObject(invitationExists)},
		"GET " + p + "/settings/invitations":     {access: admin},
		"PUT " + p + "/settings/invitations":     {access: admin, safe: js(`{"expiry_days":0}`), probe: js(`{"expiry_days":7}`)},
		"GET " + p + "/outbox":                   {access: admin},
		"GET " + p + "/outbox/{id}":              {access: adminObject(outboxExists)},
		"/api/":                                  {access: public, want404: true},

		// The server's own routes.
		"GET /healthz": {access: public},
		"GET /readyz":  {access: public},
		"GET /metrics": {access: public},
	}
}

// ---------------------------------------------------------------------------
// The matrix.

type matrix struct {
	t      *testing.T
	engine string
	ctx    context.Context
	app    *app.App
	db     *sql.DB
	base   string
	client *http.Client
	totp   *testenv.TOTP
	logs   *servertest.LockedLog
	csrf   string // every request's CSRF cookie
	other  string // a well-formed CSRF token that is not the cookie's

	w      *world
	actors []*actor
	routes []*route
	tables []string

	admin        userRow // a firm administrator, for setting up
	screenTarget int64   // a staff user the screen probes would screen
	screened     int64   // a staff user screened from every matter
	spares       int
	sacrificed   map[string]bool // route|actor pairs given a sacrificial object

	// tallies
	cases, csrfCases, skipped int
	byVerdict                 map[verdict]int
	allowedStatus             map[string]int
	failures                  []string
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func newMatrix(t *testing.T, e testenv.Engine) *matrix {
	t.Helper()
	ctx := context.Background()
	d := servertest.StartDemo(t, e)
	a, s, srv, logs := d.App, d.Store, d.Server, d.Logs
	m := &matrix{t: t, engine: e.Name, ctx: ctx, app: a, db: s.ReadDB(), base: d.URL, totp: testenv.NewTOTP(), logs: logs,
		csrf: randomHex(32), other: randomHex(32), byVerdict: map[verdict]int{}, allowedStatus: map[string]int{},
		client: &http.Client{
			Transport:     &http.Transport{MaxIdleConnsPerHost: 8, IdleConnTimeout: time.Minute},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}}
	t.Cleanup(m.client.CloseIdleConnections)

	m.w = loadWorld(t, m.db)
	for _, u := range m.w.users {
		if isAdmin(u.role) {
			m.admin = u
		}
	}
	m.signInEveryone()
	m.addObjects()
	m.addClientInvoices()    // invoices_matrix_test.go
	m.w = loadWorld(t, m.db) // with the sessions, tokens, invitations and mail just made
	for _, a := range m.actors {
		if !a.anonymous() {
			a.u = m.w.users[a.u.id]
		}
	}
	m.checkOracle()
	m.tables = m.tableNames()
	m.collectRoutes(srv)
	return m
}

// ---------------------------------------------------------------------------
// HTTP.

type request struct {
	method, path string
	api          bool
	session      string
	csrf         string // "ok", "missing" or "wrong"
	body         body
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (m *matrix) do(rq request) response {
	m.t.Helper()
	target := m.base + rq.path
	if rq.body.query != "" {
		target += "?" + rq.body.query
	}
	unsafe := rq.method != http.MethodGet && rq.method != http.MethodHead
	token := ""
	switch rq.csrf {
	case "ok":
		token = m.csrf
	case "wrong":
		token = m.other
	}
	var rd io.Reader
	contentType := ""
	if unsafe {
		if rq.api {
			if rq.body.json != "" {
				rd, contentType = strings.NewReader(rq.body.json), "application/json"
			}
		} else {
			f := url.Values{}
			maps.Copy(f, rq.body.form)
			if token != "" {
				f.Set(httpx.CSRFField, token)
			}
			rd, contentType = strings.NewReader(f.Encode()), "application/x-www-form-urlencoded"
		}
	}
	req, err := http.NewRequestWithContext(m.ctx, rq.method, target, rd)
	if err != nil {
		m.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if rq.api {
		req.Header.Set("Accept", "application/json")
		if unsafe && token != "" {
			req.Header.Set(httpx.CSRFHeader, token)
		}
	}
	req.AddCookie(&http.Cookie{Name: httpx.CSRFCookie, Value: m.csrf})
	if rq.session != "" {
		req.AddCookie(&http.Cookie{Name: httpx.SessionCookie, Value: rq.session})
	}
	resp, err := m.client.Do(req)
	if err != nil {
		m.t.Fatalf("%s %s: %v", rq.method, rq.path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		m.t.Fatalf("%s %s: %v", rq.method, rq.path, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func sessionCookie(h http.Header) string {
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == httpx.SessionCookie && c.MaxAge >= 0 {
			return c.Value
		}
	}
	return ""
}

// signIn signs an account in through the web UI's own forms: the password,
// then the authenticator code, or setting an authenticator up when the firm
// requires one and the account has none (enrol forces that for accounts it
// is not required of). It returns the session token.
func (m *matrix) signIn(email, secret string, enrol bool) string {
	t := m.t
	t.Helper()
	r := m.do(request{method: http.MethodPost, path: "/signin", csrf: "ok",
		body: body{form: url.Values{"email": {email}, "password": {demo.Password}, "next": {"/home"}}}})
	token := sessionCookie(r.header)
	if r.status != http.StatusSeeOther || token == "" {
		t.Fatalf("sign in %s: %d, no session\n%.300s", email, r.status, r.body)
	}
	loc := r.header.Get("Location")
	switch {
	case strings.HasPrefix(loc, "/signin/mfa"):
		r = m.do(request{method: http.MethodPost, path: "/signin/mfa", session: token, csrf: "ok",
			body: body{form: url.Values{"code": {m.totp.Code(t, secret)}, "next": {"/home"}}}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/home" {
			t.Fatalf("second factor of %s: %d %s\n%.300s", email, r.status, r.header.Get("Location"), r.body)
		}
	case strings.HasPrefix(loc, "/account/mfa"), enrol && loc == "/home":
		if r = m.do(request{method: http.MethodGet, path: "/account/mfa", session: token}); r.status != http.StatusOK {
			t.Fatalf("set-up page of %s: %d", email, r.status)
		}
		// The page shows the key to type into the app; asking again resumes
		// the same set-up and returns it.
		e, err := m.app.BeginEnrolment(m.ctx, token)
		if err != nil {
			t.Fatalf("authenticator key of %s: %v", email, err)
		}
		r = m.do(request{method: http.MethodPost, path: "/account/mfa", session: token, csrf: "ok",
			body: body{form: url.Values{"code": {m.totp.Code(t, e.Secret)}}}})
		if r.status != http.StatusOK {
			t.Fatalf("confirm the authenticator of %s: %d\n%.300s", email, r.status, r.body)
		}
	case loc != "/home":
		t.Fatalf("sign in %s: sent to %s", email, loc)
	}
	var me struct{ Email string }
	r = m.do(request{method: http.MethodGet, path: api.Prefix + "/me", api: true, session: token})
	if r.status != http.StatusOK || json.Unmarshal(r.body, &me) != nil || me.Email != email {
		t.Fatalf("%s is not signed in: %d %s", email, r.status, r.body)
	}
	return token
}

func handleOf(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])[:domain.SessionHandleLength]
}

func (m *matrix) signInEveryone() {
	byEmail := map[string]userRow{}
	for _, u := range m.w.users {
		byEmail[u.email] = u
	}
	m.actors = append(m.actors, &actor{label: "anonymous"})
	var marcus demo.Account
	for _, acc := range demo.Accounts() {
		u, ok := byEmail[acc.Email]
		if !ok {
			m.t.Fatalf("demo account %s is not in the users table", acc.Email)
		}
		if u.role == domain.RoleAttorney && acc.TOTPSecret == "" && marcus.Email == "" {
			marcus = acc
		}
		tok := m.signIn(acc.Email, acc.TOTPSecret, false)
		m.actors = append(m.actors, &actor{label: fmt.Sprintf("%s (%s)", acc.Name, u.role), u: u, token: tok, handle: handleOf(tok)})
	}
	// An attorney once more, after setting up an authenticator, so that the
	// highly confidential matter is tried in scope and past the gate too.
	if marcus.Email == "" {
		m.t.Fatalf("no demo attorney without an authenticator to set one up")
	}
	u := byEmail[marcus.Email]
	tok := m.signIn(marcus.Email, "", true)
	m.actors = append(m.actors, &actor{label: fmt.Sprintf("%s (%s, second factor)", marcus.Name, u.role), u: u, token: tok, handle: handleOf(tok)})

	// Whether each session passed a second factor, from the sessions table.
	for _, a := range m.actors[1:] {
		var mfaAt int64
		if err := m.db.QueryRowContext(m.ctx, `SELECT mfa_at FROM sessions WHERE id_hash = $1`, hex.EncodeToString(sha256Of(a.token))).Scan(&mfaAt); err != nil {
			m.t.Fatalf("session of %s: %v", a.label, err)
		}
		a.mfa = mfaAt > 0
	}
}

func sha256Of(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// addObjects gives every kind of object at least one instance: API tokens for
// everyone, invitations and password-reset mail in the outbox, and two staff
// users for the screen routes (one the probes would screen, one screened
// from every matter, whose screens the remove probes would lift).
func (m *matrix) addObjects() {
	ctx := app.WithMeta(m.ctx, app.Meta{Address: "192.0.2.90", RequestID: "matrix", MFA: true})
	t := m.t
	for _, acc := range demo.Accounts() {
		if _, _, err := m.app.CreateToken(ctx, app.Operator, app.TokenRequest{UserEmail: acc.Email, Name: "matrix"}); err != nil {
			t.Fatalf("token for %s: %v", acc.Email, err)
		}
	}
	admin, err := m.app.User(ctx, app.Operator, m.admin.id)
	if err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"matrix.invitee1@hartwellcrane.example", "matrix.invitee2@hartwellcrane.example"} {
		if _, err := m.app.Invite(ctx, admin, app.NewInvitation{Email: email, Name: "Matrix Invitee", Role: domain.RoleStaff}); err != nil {
			t.Fatalf("invite %s: %v", email, err)
		}
	}
	for _, acc := range demo.Accounts() {
		if acc.Role == domain.RoleClientContact {
			if err := m.app.RequestPasswordReset(ctx, app.ResetRequest{Email: acc.Email, Address: "192.0.2.91"}); err != nil {
				t.Fatalf("password reset for %s: %v", acc.Email, err)
			}
			break
		}
	}
	target, err := m.app.CreateUser(ctx, app.Operator, app.NewUser{Email: "matrix.target@hartwellcrane.example", Name: "Matrix Target", Role: domain.RoleStaff})
	if err != nil {
		t.Fatal(err)
	}
	screened, err := m.app.CreateUser(ctx, app.Operator, app.NewUser{Email: "matrix.screened@hartwellcrane.example", Name: "Matrix Screened", Role: domain.RoleStaff})
	if err != nil {
		t.Fatal(err)
	}
	m.screenTarget, m.screened = target.ID, screened.ID
	for id := range m.w.matters {
		if err := m.app.ScreenUser(ctx, admin, id, screened.ID, "authorisation matrix fixture"); err != nil {
			t.Fatalf("screen the fixture user from matter %d: %v", id, err)
		}
	}
}

// spareSession starts a session of u through the password step only; ending
// it harms nobody. Accounts with an authenticator get a pending session,
// which is still theirs to end.
func (m *matrix) spareSession(u userRow) string {
	tok, _, err := m.app.SignIn(m.ctx, app.SignInRequest{Email: u.email, Password: demo.Password, Address: "192.0.2.92"})
	if err != nil {
		m.t.Fatalf("spare session of %s: %v", u.email, err)
	}
	h := handleOf(tok)
	m.w.sessions[h] = sessionRow{handle: h, user: u.id}
	return h
}

// spareUser creates a staff user that may be disabled or reset.
func (m *matrix) spareUser() int64 {
	m.spares++
	u, err := m.app.CreateUser(m.ctx, app.Operator, app.NewUser{Email: fmt.Sprintf("matrix.spare%d@hartwellcrane.example", m.spares),
		Name: fmt.Sprintf("Matrix Spare %d", m.spares), Role: domain.RoleStaff, Password: "matrix-spare-password-2026"})
	if err != nil {
		m.t.Fatalf("spare user: %v", err)
	}
	m.w.users[u.ID] = userRow{id: u.ID, email: u.Email, name: u.Name, role: u.Role}
	return u.ID
}

// ---------------------------------------------------------------------------
// The oracle, checked against the demo story.

func (m *matrix) checkOracle() {
	t := m.t
	w := m.w
	matterNo := map[string]int64{}
	for _, x := range w.matters {
		matterNo[x.number] = x.id
	}
	vendorNamed := func(prefix string) int64 {
		for id, n := range w.vendors {
			if strings.HasPrefix(n, prefix) {
				return id
			}
		}
		t.Fatalf("oracle: no vendor %s", prefix)
		return 0
	}
	// engagementsOf lists a vendor's engagements on a matter, oldest first.
	engagementsOf := func(number, vendor string) []int64 {
		var out []int64
		for _, e := range w.engagements {
			if e.matter == matterNo[number] && e.vendor == vendorNamed(vendor) {
				out = append(out, e.id)
			}
		}
		slices.Sort(out)
		return out
	}
	engagement := func(number, vendor string) int64 {
		if es := engagementsOf(number, vendor); len(es) > 0 {
			return es[0]
		}
		t.Fatalf("oracle: no engagement of %s on %s", vendor, number)
		return 0
	}
	person := func(name string) userRow {
		for _, u := range w.users {
			if u.name == name {
				return u
			}
		}
		t.Fatalf("oracle: no user %s", name)
		return userRow{}
	}
	matters := func(u userRow) []string {
		var out []string
		for id, x := range w.matters {
			if w.seesMatter(u, id) {
				out = append(out, x.number)
			}
		}
		slices.Sort(out)
		return out
	}
	engagements := func(u userRow) []int64 {
		var out []int64
		for id := range w.engagements {
			if w.seesEngagement(u, id) {
				out = append(out, id)
			}
		}
		slices.Sort(out)
		return out
	}
	vendors := func(u userRow) []int64 {
		var out []int64
		for id := range w.vendors {
			if w.seesVendor(u, id) {
				out = append(out, id)
			}
		}
		slices.Sort(out)
		return out
	}
	ids := func(xs ...int64) []int64 { slices.Sort(xs); return xs }
	all := []string{"2025-0311", "2026-0142", "2026-0177", "2026-0203"}
	lexCal, lexHarbor := engagement("2026-0142", "Lexora"), engagement("2025-0311", "Lexora")
	merCal, bayArd := engagement("2026-0142", "Meridian"), engagement("2026-0177", "Bayanihan")
	bayGreen, keyGreen := engagement("2026-0203", "Bayanihan"), engagement("2026-0203", "Keystone")
	merArd := engagement("2026-0177", "Meridian")
	// Lexora's later engagements on Calloway: legal research (at the briefing
	// stage, Anika and Meera) and the privilege log (at the SOW stage, Anika
	// and Rohan); demo/engagement_communication.go.
	lexLater := engagementsOf("2026-0142", "Lexora")
	if len(lexLater) != 3 {
		t.Fatalf("oracle: Lexora has %d engagements on 2026-0142, want 3", len(lexLater))
	}
	lexResearch, lexPrivlog := lexLater[1], lexLater[2]
	everyEngagement := ids(lexCal, lexResearch, lexPrivlog, lexHarbor, merCal, merArd, bayArd, bayGreen, keyGreen)
	for _, f := range []struct {
		fact      string
		got, want any
	}{
		{"Eleanor (admin) sees every matter", matters(person("Eleanor Hartwell")), all},
		{"Marcus sees every matter", matters(person("Marcus Oyelaran")), all},
		{"Priya is screened from 2026-0177", matters(person("Priya Raman")), []string{"2025-0311", "2026-0142", "2026-0203"}},
		{"Priya sees every engagement but Bayanihan's on Ardent", engagements(person("Priya Raman")), ids(lexCal, lexResearch, lexPrivlog, lexHarbor, merCal, bayGreen, keyGreen)},
		{"Daniel (staff) sees every engagement", engagements(person("Daniel Brooks")), everyEngagement},
		{"Helen sees only Calloway's matters", matters(person("Helen Calloway")), []string{"2025-0311", "2026-0142"}},
		{"Helen sees the vendors on Calloway's matters", vendors(person("Helen Calloway")), ids(vendorNamed("Lexora"), vendorNamed("Meridian"))},
		{"Victor sees only Ardent", matters(person("Victor Lin")), []string{"2026-0177"}},
		{"Sam sees only Greenfield", matters(person("Sam Okafor")), []string{"2026-0203"}},
		{"Sam sees Keystone and Bayanihan", vendors(person("Sam Okafor")), ids(vendorNamed("Keystone"), vendorNamed("Bayanihan"))},
		{"Anika sees Lexora's four engagements", engagements(person("Anika Deshmukh")), ids(lexCal, lexResearch, lexPrivlog, lexHarbor)},
		{"Rohan sees the Calloway review and privilege log", engagements(person("Rohan Kulkarni")), ids(lexCal, lexPrivlog)},
		{"Rohan sees only 2026-0142", matters(person("Rohan Kulkarni")), []string{"2026-0142"}},
		{"Rohan sees only Lexora", vendors(person("Rohan Kulkarni")), ids(vendorNamed("Lexora"))},
		{"Meera sees the Calloway review and research", engagements(person("Meera Iyer")), ids(lexCal, lexResearch)},
		{"Maria sees Bayanihan's two engagements", engagements(person("Maria Santos")), ids(bayArd, bayGreen)},
		{"Maria sees Ardent and Greenfield", matters(person("Maria Santos")), []string{"2026-0177", "2026-0203"}},
		{"Jose sees only Greenfield's Bayanihan engagement", engagements(person("Jose Reyes")), ids(bayGreen)},
		{"Thomas sees only Keystone's engagement", engagements(person("Thomas Walsh")), ids(keyGreen)},
		{"Oliver sees Meridian's two engagements", engagements(person("Oliver Bennett")), ids(merCal, merArd)},
		{"Oliver sees 2026-0142 and 2026-0177", matters(person("Oliver Bennett")), []string{"2026-0142", "2026-0177"}},
		{"vendors see no client", w.seesClient(person("Anika Deshmukh"), w.matters[matterNo["2026-0142"]].client), false},
		{"only 2026-0177 is highly confidential", w.matters[matterNo["2026-0177"]].sensitivity, "highly_confidential"},
		{"the firm keeps highly confidential matters behind a second factor", w.hcNeedsMFA, true},
	} {
		if fmt.Sprint(f.got) != fmt.Sprint(f.want) {
			t.Errorf("oracle: %s: got %v, want %v", f.fact, f.got, f.want)
		}
	}
	n := 0
	for _, x := range w.matters {
		if x.sensitivity == "highly_confidential" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("oracle: %d highly confidential matters, want 1", n)
	}
	// The sessions' second factor, as the story has it.
	for _, a := range m.actors[1:] {
		want := true
		for _, acc := range demo.Accounts() {
			if acc.Email == a.u.email && acc.TOTPSecret == "" && !strings.Contains(a.label, "second factor") && !isVendor(acc.Role) {
				want = false
			}
		}
		if a.mfa != want {
			t.Errorf("oracle: session of %s passed a second factor = %v, want %v", a.label, a.mfa, want)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

// ---------------------------------------------------------------------------
// Routes from the router.

func (m *matrix) collectRoutes(srv *server.Server) {
	rules := m.rules()
	maps.Copy(rules, m.conflictRules())
	maps.Copy(rules, m.assessmentRules())
	maps.Copy(rules, m.matterRules())
	maps.Copy(rules, m.consentRules())
	maps.Copy(rules, m.communicationRules()) // communication_matrix_test.go
	maps.Copy(rules, m.documentsRules())
	maps.Copy(rules, m.deliverablesRules())
	maps.Copy(rules, m.scorecardsRules()) // scorecards_matrix_test.go
	maps.Copy(rules, m.sowRules())        // sow_matrix_test.go
	maps.Copy(rules, m.auditsRules())     // audits_matrix_test.go
	maps.Copy(rules, m.ratesRules())      // rates_matrix_test.go
	maps.Copy(rules, m.billingPolicyRules())
	maps.Copy(rules, m.billingRules())       // billing_matrix_test.go
	maps.Copy(rules, m.savingsRules())       // savings_matrix_test.go
	maps.Copy(rules, m.searchRules())        // search_matrix_test.go
	maps.Copy(rules, m.invoicesRules())      // invoices_matrix_test.go
	maps.Copy(rules, m.invoiceExportRules()) // invoice_export_matrix_test.go
	// vendor_invoices_matrix_test.go:
	maps.Copy(rules, m.vendorInvoicesRules())
	maps.Copy(rules, m.profileRules())      // profile_matrix_test.go
	maps.Copy(rules, m.notificationRules()) // notifications_matrix_test.go
	maps.Copy(rules, m.homeRules())         // home_matrix_test.go
	seen := map[string]bool{}
	add := func(surface, pattern string, public bool) {
		seen[pattern] = true
		method, path, ok := strings.Cut(pattern, " ")
		methods := []string{method}
		if !ok {
			// A pattern without a method answers every method: try a safe and an unsafe one.
			path, methods = pattern, []string{http.MethodGet, http.MethodPost}
		}
		var params []param
		segs := strings.Split(strings.Trim(path, "/"), "/")
		bad := false
		for i, seg := range segs {
			for _, sm := range paramRE.FindAllStringSubmatch(seg, -1) {
				name := sm[1]
				if name == "$" {
					continue
				}
				prev := ""
				if i > 0 {
					prev = segs[i-1]
				}
				k, ok := paramKind(prev, strings.TrimSuffix(name, "..."))
				if !ok || seg != "{"+name+"}" {
					m.t.Errorf("route %q: the authorisation matrix does not know which objects to put in {%s} (after %q): teach paramKind and objectsFor in authz_matrix_test.go", pattern, name, prev)
					bad = true
					continue
				}
				params = append(params, param{name: name, kind: k})
			}
		}
		r, known := rules[pattern]
		if !known {
			m.t.Errorf("route %q (%s) is not in the authorisation matrix: add a rule saying who may use it and on what, in authz_matrix_test.go", pattern, surface)
			return
		}
		if bad {
			return
		}
		if !assessmentParams(params) && !childParams(params) && !vendorInvoiceParams(params) && (len(params) > 2 || len(params) == 2 && !(params[0].kind == kMatter && params[1].kind == kScreenUser || params[0].kind == kUser && params[1].kind == kSession || params[0].kind == kVendor && params[1].kind == kPerson)) {
			m.t.Errorf("route %q: the authorisation matrix does not know how to combine the parameters %v: teach objectsFor", pattern, params)
			return
		}
		for _, meth := range methods {
			m.routes = append(m.routes, &route{surface: surface, pattern: pattern, method: meth, path: path, public: public, params: params, rule: r})
		}
	}
	for _, rt := range srv.Web.Routes() {
		add("web", rt.Pattern, rt.Public)
	}
	for _, rt := range srv.API.Routes() {
		add("api", rt.Pattern, rt.Public)
	}
	for _, p := range srv.Routes() {
		add("server", p, true)
	}
	for p := range rules {
		if !seen[p] {
			m.t.Errorf("the authorisation matrix has a rule for %q, which no router serves: remove it", p)
		}
	}
	if m.t.Failed() {
		m.t.FailNow()
	}
}

// objectsFor lists the objects a route is tried with for an actor: the
// nonexistent one first (the others' refusals are compared with it), then
// every object of the parameter's kind.
func (m *matrix) objectsFor(r *route, a *actor) []object {
	w := m.w
	if len(r.params) == 0 {
		out := []object{{label: "-"}}
		for _, name := range slices.Sorted(maps.Keys(r.rule.filters)) {
			var ids []int64
			label := func(id int64) string { return fmt.Sprint(id) }
			switch r.rule.filters[name] {
			case kClient:
				ids, label = slices.Collect(maps.Keys(w.clients)), func(id int64) string { return w.clients[id] }
			case kMatter:
				ids, label = slices.Collect(maps.Keys(w.matters)), func(id int64) string { return w.matters[id].number }
			case kVendor:
				ids, label = slices.Collect(maps.Keys(w.vendors)), func(id int64) string { return w.vendors[id] }
			}
			slices.Sort(ids)
			out = append(out, object{label: "filtered by nonexistent " + name, query: fmt.Sprintf("%s=%d", name, noID)})
			for _, id := range ids {
				out = append(out, object{label: fmt.Sprintf("filtered by %s %s", name, label(id)), query: fmt.Sprintf("%s=%d", name, id)})
			}
		}
		return out
	}
	sortedIDs := func(ids []int64) []int64 { slices.Sort(ids); return ids }
	keys := func(mp any) []int64 {
		var out []int64
		switch x := mp.(type) {
		case map[int64]matterRow:
			out = slices.Collect(maps.Keys(x))
		case map[int64]engagementRow:
			out = slices.Collect(maps.Keys(x))
		case map[int64]string:
			out = slices.Collect(maps.Keys(x))
		case map[int64]userRow:
			out = slices.Collect(maps.Keys(x))
		case map[int64]int64:
			out = slices.Collect(maps.Keys(x))
		case map[int64]bool:
			out = slices.Collect(maps.Keys(x))
		}
		return sortedIDs(out)
	}
	var out []object
	switch first := r.params[0].kind; {
	case len(r.params) == 2 && first == kMatter:
		out = append(out, object{label: "nonexistent matter and user", ref: true, matter: noID, screenUser: noID})
		for _, id := range append(keys(w.matters), noID) {
			number := "nonexistent matter"
			if x, ok := w.matters[id]; ok {
				number = "matter " + x.number
			}
			out = append(out, object{label: number + ", fixture screen", matter: id, screenUser: m.screened},
				object{label: number + ", nonexistent user", matter: id, screenUser: noID})
			for k := range w.screens {
				if k[0] == id && k[1] != m.screened {
					out = append(out, object{label: number + ", screen of " + w.users[k[1]].name, matter: id, screenUser: k[1]})
				}
			}
		}
	case assessmentParams(r.params):
		out = append(out, m.assessmentObjects(r)...)
	case childParams(r.params):
		for _, o := range m.childObjects(r) {
			for i, p := range r.params[1:] {
				o.childKinds[i] = p.kind
			}
			out = append(out, o)
		}
	case len(r.params) == 2 && first == kVendor:
		// Every vendor (and none) with every vendor user, an administrator
		// (not a vendor's person) and nobody.
		out = append(out, object{label: "nonexistent vendor and person", ref: true, vendor: noID, person: noID})
		var people []int64
		for id, u := range w.users {
			if isVendor(u.role) {
				people = append(people, id)
			}
		}
		people = append(sortedIDs(people), m.admin.id, noID)
		for _, vid := range append(keys(w.vendors), noID) {
			for _, pid := range people {
				who := "nobody"
				if u, ok := w.users[pid]; ok {
					who = u.name
				}
				out = append(out, object{label: fmt.Sprintf("vendor %s, person %s", w.vendors[vid], who), vendor: vid, person: pid})
			}
		}
	case len(r.params) == 2 && first == kUser:
		out = append(out, object{label: "nonexistent user and session", ref: true, user: noID, session: noHandle})
		handles := slices.Sorted(maps.Keys(w.sessions))
		for _, h := range handles {
			owner := w.sessions[h].user
			out = append(out, object{label: "session of " + w.users[owner].name + " under its owner", user: owner, session: h})
			if !a.anonymous() && owner != a.u.id {
				out = append(out, object{label: "session of " + w.users[owner].name + " under the actor", user: a.u.id, session: h})
			}
		}
		out = append(out, object{label: "nonexistent session of an administrator", user: m.admin.id, session: noHandle})
		if !a.anonymous() {
			out = append(out, object{label: "nonexistent session of the actor", user: a.u.id, session: noHandle})
		}
	default:
		switch first {
		case kMatter:
			out = append(out, object{label: "nonexistent matter", ref: true, matter: noID})
			for _, id := range keys(w.matters) {
				out = append(out, object{label: "matter " + w.matters[id].number, matter: id})
			}
		case kEngagement:
			out = append(out, object{label: "nonexistent engagement", ref: true, engagement: noID})
			for _, id := range keys(w.engagements) {
				e := w.engagements[id]
				out = append(out, object{label: fmt.Sprintf("engagement %d (%s on %s)", id, w.vendors[e.vendor], w.matters[e.matter].number), engagement: id})
			}
		case kVendor:
			out = append(out, object{label: "nonexistent vendor", ref: true, vendor: noID})
			for _, id := range keys(w.vendors) {
				out = append(out, object{label: "vendor " + w.vendors[id], vendor: id})
			}
		case kUser:
			out = append(out, object{label: "nonexistent user", ref: true, user: noID})
			for _, id := range keys(w.users) {
				out = append(out, object{label: "user " + w.users[id].name, user: id})
			}
		case kSession:
			out = append(out, object{label: "nonexistent session", ref: true, session: noHandle})
			for _, h := range slices.Sorted(maps.Keys(w.sessions)) {
				out = append(out, object{label: "session of " + w.users[w.sessions[h].user].name, session: h})
			}
		case kToken:
			out = append(out, object{label: "nonexistent API token", ref: true, token: noID})
			for _, id := range keys(w.tokens) {
				out = append(out, object{label: "API token of " + w.users[w.tokens[id]].name, token: id})
			}
		case kInvitation:
			out = append(out, object{label: "nonexistent invitation", ref: true, invitation: noID})
			for _, id := range keys(w.invitations) {
				out = append(out, object{label: fmt.Sprintf("invitation %d", id), invitation: id})
			}
		case kOutbox:
			out = append(out, object{label: "nonexistent message", ref: true, outbox: noID})
			for _, id := range keys(w.outbox) {
				out = append(out, object{label: fmt.Sprintf("message %d", id), outbox: id})
			}
		case kParty, kDisclosure, kHit:
			out = append(out, m.conflictObjects(first)...)
		case kQuestionnaire:
			out = append(out, m.questionnaireObjects()...)
		case kFirmTime:
			out = append(out, m.firmTimeObjects()...) // savings_matrix_test.go
		case kVendorInvoice:
			out = append(out, m.vendorInvoiceObjects()...) // vendor_invoices_matrix_test.go
		case kClientInvoice:
			out = append(out, m.clientInvoiceObjects()...) // invoices_matrix_test.go
		case kNotification:
			out = append(out, m.notificationObjects()...) // notifications_matrix_test.go
		case kSecret:
			out = append(out, object{label: "malformed link token", ref: true, secret: "not-a-token"},
				object{label: "unknown link token", secret: strings.Repeat("A", 43)})
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// Running and judging.

// kase is one (route, actor, object) of the matrix.
type kase struct {
	r *route
	a *actor
	o object
	v verdict
}

func (c kase) String() string {
	return fmt.Sprintf("%s %s as %s on %s [%s]", c.r.method, c.r.path, c.a.label, c.o.label, c.v)
}

func (m *matrix) fail(c kase, format string, args ...any) {
	m.failures = append(m.failures, c.String()+": "+fmt.Sprintf(format, args...))
}

func (m *matrix) run() {
	// Safe routes first, then unsafe ones, so what permitted writes change
	// (a revoked token, a disabled spare user) cannot alter a read's answer.
	routes := slices.Clone(m.routes)
	sort.SliceStable(routes, func(i, j int) bool { return !routes[i].unsafe() && routes[j].unsafe() })
	for _, r := range routes {
		before := m.fingerprint(true)
		var permitted []kase
		for _, a := range m.actors {
			permitted = append(permitted, m.refusals(r, a)...)
		}
		if after := m.fingerprint(true); after != before {
			m.failures = append(m.failures, fmt.Sprintf("%s %s: the database changed while the route refused requests:\n%s", r.method, r.path, diffLines(before, after)))
		}
		for _, c := range permitted {
			m.permitted(c)
		}
	}
}

// refusals runs every case of r and a that must be refused (anonymous
// requests, objects out of scope, roles without the capability, the
// second-factor gate, missing or wrong CSRF tokens) and returns the
// permitted ones, to be run afterwards.
func (m *matrix) refusals(r *route, a *actor) []kase {
	before := m.fingerprint(false)
	var permitted []kase
	refStatus := 0
	for i, o := range m.objectsFor(r, a) {
		c := kase{r: r, a: a, o: o, v: vPublic}
		switch {
		case !a.anonymous():
			c.v = r.rule.access(m.w, a, o)
		case !r.public:
			c.v = vAnonymous
		}
		// The CSRF check runs before routing and never looks at the object
		// (httpx.CSRF), so one object per route and actor proves it; the
		// other objects' cases check scope and capability.
		if r.unsafe() && i == 0 {
			for _, mode := range []string{"missing", "wrong"} {
				rs := m.send(c, mode, r.rule.probe)
				m.csrfCases++
				if rs.status != http.StatusForbidden {
					m.fail(c, "with a %s CSRF token: %d, want 403", mode, rs.status)
				}
			}
		}
		switch {
		case c.v == vAnonymous:
			rs := m.send(c, "ok", r.rule.probe)
			m.cases++
			m.byVerdict[vAnonymous]++
			m.judgeAnonymous(c, rs)
			continue
		case c.v == vAllow || c.v == vPublic:
			permitted = append(permitted, c)
			continue
		}
		rs := m.send(c, "ok", r.rule.probe)
		m.cases++
		m.byVerdict[c.v]++
		if o.ref {
			refStatus = rs.status
		}
		m.judgeRefusal(c, rs, refStatus)
	}
	if after := m.fingerprint(false); after != before {
		m.failures = append(m.failures, fmt.Sprintf("%s %s as %s: refused requests changed the database:\n%s", r.method, r.path, a.label, diffLines(before, after)))
	}
	return permitted
}

func (m *matrix) send(c kase, csrf string, b body) response {
	return m.do(request{method: c.r.method, path: c.r.fill(c.o), api: c.r.surface == "api", session: c.a.token, csrf: csrf, body: b})
}

func (m *matrix) judgeAnonymous(c kase, rs response) {
	switch c.r.surface {
	case "api":
		if rs.status != http.StatusUnauthorized || apiErrorCode(rs) != "unauthorized" {
			m.fail(c, "%d %s, want 401 with error code unauthorized", rs.status, short(rs.body))
		}
	default:
		if loc := rs.header.Get("Location"); rs.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/signin") {
			m.fail(c, "%d (Location %q), want 303 to /signin", rs.status, loc)
		}
	}
}

func (m *matrix) judgeRefusal(c kase, rs response, refStatus int) {
	switch c.v {
	case vHide:
		// Out of scope answers exactly as a nonexistent object does: 404, or
		// 403 when the route refuses this actor before looking the object up.
		if !(rs.status == http.StatusNotFound || rs.status == http.StatusForbidden && (c.o.ref || refStatus == http.StatusForbidden)) {
			m.fail(c, "%d %s, want 404 (as for a nonexistent object: %d)", rs.status, short(rs.body), refStatus)
		}
	case vDeny:
		if rs.status != http.StatusForbidden && rs.status != http.StatusNotFound {
			m.fail(c, "%d %s, want 403", rs.status, short(rs.body))
		}
	case vGate:
		if rs.status != http.StatusForbidden {
			m.fail(c, "%d %s, want 403 until the session passes a second factor", rs.status, short(rs.body))
		}
	}
	if c.r.surface == "api" {
		if code := apiErrorCode(rs); code != "not_found" && code != "forbidden" {
			m.fail(c, "refused without the JSON error shape (code %q): %s", code, short(rs.body))
		}
	}
}

// permitted runs a case the actor may perform and requires access granted.
func (m *matrix) permitted(c kase) {
	if c.v == vAllow && c.r.rule.destructive != "" {
		m.skipped++
		o, ok := m.sacrifice(c)
		if !ok {
			return
		}
		c.o = o
		if v := c.r.rule.access(m.w, c.a, o); v != vAllow {
			m.fail(c, "the sacrificial object is %s, not allowed: the matrix is wrong", v)
			return
		}
	}
	if c.v == vPublic && c.r.rule.destructive == "caller" && !c.a.anonymous() {
		m.skipped++
		return
	}
	rs := m.send(c, "ok", c.r.rule.safe)
	m.cases++
	m.byVerdict[c.v]++
	if rs.status >= 500 {
		m.fail(c, "%d %s", rs.status, short(rs.body))
		return
	}
	m.checkContent(c, rs)
	if c.v == vPublic {
		if c.r.rule.want404 && rs.status != http.StatusNotFound {
			m.fail(c, "%d, want 404", rs.status)
		}
		return
	}
	switch {
	case rs.status == http.StatusUnauthorized || rs.status == http.StatusForbidden || rs.status == http.StatusNotFound:
		m.fail(c, "%d %s: access in scope was refused", rs.status, short(rs.body))
	case rs.status/100 == 3 && strings.HasPrefix(rs.header.Get("Location"), "/signin"):
		m.fail(c, "sent to %s: access in scope was refused", rs.header.Get("Location"))
	}
	m.allowedStatus[strconv.Itoa(rs.status)]++
}

// sacrifice replaces the real object of a destructive permitted case with
// one made for it, once per route and actor.
func (m *matrix) sacrifice(c kase) (object, bool) {
	key := c.r.name() + "|" + c.a.label
	if m.sacrificed[key] {
		return object{}, false
	}
	if m.sacrificed == nil {
		m.sacrificed = map[string]bool{}
	}
	m.sacrificed[key] = true
	m.skipped--
	switch c.r.rule.destructive {
	case "session":
		return object{label: "a spare session of the actor", user: c.a.u.id, session: m.spareSession(c.a.u)}, true
	case "user":
		return object{label: "a spare user", user: m.spareUser()}, true
	}
	return object{}, false
}

func apiErrorCode(rs response) string {
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	if !strings.HasPrefix(rs.header.Get("Content-Type"), "application/json") || json.Unmarshal(rs.body, &e) != nil {
		return ""
	}
	return e.Error.Code
}

func short(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

// ---------------------------------------------------------------------------
// What a successful answer shows must be in the actor's scope too.

var (
	linkRE   = regexp.MustCompile(`^/(matters|engagements|vendors)/(\d+)(?:[/?#]|$)`)
	clientRE = regexp.MustCompile(`^/matters\?(?:.*&)?client=(\d+)`)
)

func (m *matrix) checkContent(c kase, rs response) {
	if rs.status/100 != 2 {
		return
	}
	a := c.a
	path, _, _ := strings.Cut(c.r.fill(c.o), "?")
	if isVendor(a.u.role) && (strings.HasPrefix(path, "/clients") || strings.HasPrefix(path, api.Prefix+"/clients")) {
		m.fail(c, "a vendor got %d from a client route", rs.status)
	}
	see := func(what string, id int64) {
		ok := true
		switch what {
		case "matters":
			ok = m.w.seesMatter(a.u, id)
		case "engagements":
			ok = m.w.seesEngagement(a.u, id)
		case "vendors":
			ok = m.w.seesVendor(a.u, id)
		case "clients":
			ok = m.w.seesClient(a.u, id)
		}
		if !ok {
			m.fail(c, "the answer shows %s %d, which is outside the actor's scope", strings.TrimSuffix(what, "s"), id)
		}
	}
	ct := rs.header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "text/html"):
		doc, err := html.Parse(bytes.NewReader(rs.body))
		if err != nil {
			m.fail(c, "unparseable HTML: %v", err)
			return
		}
		var visit func(*html.Node)
		visit = func(n *html.Node) {
			if n.Type == html.ElementNode {
				for _, at := range n.Attr {
					if at.Key != "href" && at.Key != "action" {
						continue
					}
					if sm := linkRE.FindStringSubmatch(at.Val); sm != nil {
						id, _ := strconv.ParseInt(sm[2], 10, 64)
						see(sm[1], id)
					}
					if sm := clientRE.FindStringSubmatch(at.Val); sm != nil {
						id, _ := strconv.ParseInt(sm[1], 10, 64)
						see("clients", id)
					}
				}
			}
			for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
				visit(ch)
			}
		}
		visit(doc)
	case strings.HasPrefix(ct, "application/json") && c.r.surface == "api":
		var v any
		if err := json.Unmarshal(rs.body, &v); err != nil {
			m.fail(c, "unparseable JSON: %v", err)
			return
		}
		// The items of a list are objects of its collection.
		for _, coll := range []string{"matters", "engagements", "vendors", "clients"} {
			if path == api.Prefix+"/"+coll {
				items, _ := v.(map[string]any)["items"].([]any)
				for _, it := range items {
					if id, ok := it.(map[string]any)["id"].(float64); ok {
						see(coll, int64(id))
					}
				}
			}
		}
		// A matter's engagements, and anything naming a matter, an engagement or a vendor.
		if detail, ok := v.(map[string]any); ok && strings.HasPrefix(path, api.Prefix+"/matters/") {
			es, _ := detail["engagements"].([]any)
			for _, e := range es {
				if id, ok := e.(map[string]any)["id"].(float64); ok {
					see("engagements", int64(id))
				}
			}
		}
		var walk func(any)
		walk = func(x any) {
			switch y := x.(type) {
			case map[string]any:
				for k, val := range y {
					if id, ok := val.(float64); ok && id > 0 {
						switch k {
						case "matter_id":
							see("matters", int64(id))
						case "engagement_id":
							see("engagements", int64(id))
						case "vendor_id":
							see("vendors", int64(id))
						}
					}
					walk(val)
				}
			case []any:
				for _, e := range y {
					walk(e)
				}
			}
		}
		walk(v)
	}
}

// ---------------------------------------------------------------------------
// The database's state, to prove refusals change nothing.

func (m *matrix) tableNames() []string {
	q := `SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%'`
	if m.app.Store.Engine() == "postgres" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := m.db.QueryContext(m.ctx, q)
	if err != nil {
		m.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			m.t.Fatal(err)
		}
		out = append(out, n)
	}
	slices.Sort(out)
	if len(out) < 10 || !slices.Contains(out, "audit_head") || !slices.Contains(out, "users") {
		m.t.Fatalf("tables %v: the fingerprint would prove nothing", out)
	}
	return out
}

// volatile columns change on every request and say nothing of authority.
var volatile = map[string]bool{"sessions.last_seen_at": true, "api_tokens.last_used_at": true}

// fingerprint describes the database: the audit trail's head and each
// table's row count and, when full, a digest of every row (the audit events
// themselves are covered by the head, which chains them).
func (m *matrix) fingerprint(full bool) string {
	var b strings.Builder
	var seq int64
	var hash []byte
	if err := m.db.QueryRowContext(m.ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash); err != nil {
		m.t.Fatalf("audit head: %v", err)
	}
	fmt.Fprintf(&b, "audit_head seq=%d hash=%x\n", seq, hash)
	if !full {
		parts := make([]string, 0, len(m.tables))
		for _, tb := range m.tables {
			parts = append(parts, fmt.Sprintf("(SELECT count(*) FROM %s)", tb))
		}
		row := m.db.QueryRowContext(m.ctx, "SELECT "+strings.Join(parts, ", "))
		counts := make([]int64, len(m.tables))
		ptrs := make([]any, len(counts))
		for i := range counts {
			ptrs[i] = &counts[i]
		}
		if err := row.Scan(ptrs...); err != nil {
			m.t.Fatalf("row counts: %v", err)
		}
		for i, tb := range m.tables {
			fmt.Fprintf(&b, "%s rows=%d\n", tb, counts[i])
		}
		return b.String()
	}
	for _, tb := range m.tables {
		if tb == "audit_events" {
			continue
		}
		rows, err := m.db.QueryContext(m.ctx, "SELECT * FROM "+tb)
		if err != nil {
			m.t.Fatalf("fingerprint %s: %v", tb, err)
		}
		cols, _ := rows.Columns()
		var lines []string
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				m.t.Fatalf("fingerprint %s: %v", tb, err)
			}
			var line strings.Builder
			for i, col := range cols {
				if volatile[tb+"."+col] {
					continue
				}
				if bs, ok := vals[i].([]byte); ok {
					fmt.Fprintf(&line, "%s=%x|", col, bs)
				} else {
					fmt.Fprintf(&line, "%s=%v|", col, vals[i])
				}
			}
			lines = append(lines, line.String())
		}
		if err := rows.Err(); err != nil {
			m.t.Fatalf("fingerprint %s: %v", tb, err)
		}
		rows.Close()
		slices.Sort(lines)
		sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
		fmt.Fprintf(&b, "%s rows=%d digest=%x\n", tb, len(lines), sum[:8])
	}
	return b.String()
}

func diffLines(before, after string) string {
	a, b := strings.Split(before, "\n"), strings.Split(after, "\n")
	var out []string
	for i := range max(len(a), len(b)) {
		x, y := "", ""
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			out = append(out, "  before: "+x+"\n  after:  "+y)
		}
	}
	return strings.Join(out, "\n")
}

// ---------------------------------------------------------------------------
// The report.

func (m *matrix) report(took time.Duration) {
	t := m.t
	surfaces := map[string]int{}
	patterns := map[string]bool{}
	for _, r := range m.routes {
		if !patterns[r.surface+r.pattern] {
			patterns[r.surface+r.pattern] = true
			surfaces[r.surface]++
		}
	}
	const maxShown = 150
	for i, f := range m.failures {
		if i == maxShown {
			t.Errorf("… and %d more failures", len(m.failures)-maxShown)
			break
		}
		t.Error(f)
	}
	verdicts := fmt.Sprintf("anonymous %d, allowed %d, public %d, out of scope or nonexistent %d, capability denied %d, second-factor gate %d",
		m.byVerdict[vAnonymous], m.byVerdict[vAllow], m.byVerdict[vPublic], m.byVerdict[vHide], m.byVerdict[vDeny], m.byVerdict[vGate])
	statuses := slices.Sorted(maps.Keys(m.allowedStatus))
	var st []string
	for _, s := range statuses {
		st = append(st, fmt.Sprintf("%s×%d", s, m.allowedStatus[s]))
	}
	line := fmt.Sprintf("authorisation matrix (%s): %d routes (web %d, api %d, server %d; %d method×path) × %d actors × objects = %d cases + %d CSRF cases, %d destructive in-scope objects replaced or skipped, %d failures, %s\n"+
		"  by verdict: %s\n  permitted answers by status: %s",
		m.engine, len(patterns), surfaces["web"], surfaces["api"], surfaces["server"], len(m.routes), len(m.actors),
		m.cases, m.csrfCases, m.skipped, len(m.failures), took.Round(time.Millisecond), verdicts, strings.Join(st, " "))
	t.Log(line)
	fmt.Println(line)
	// go test shows a passing package's output only with -v; scripts/test
	// prints the *.summary files of the artifact directory at the end.
	if err := os.WriteFile(filepath.Join(testenv.ArtifactDir(t), "authz-matrix-"+m.engine+".summary"), []byte(line+"\n"), 0o644); err != nil {
		t.Log(err)
	}
}
