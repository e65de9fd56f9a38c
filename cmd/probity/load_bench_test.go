package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/probity/probity/internal/auth"
	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/loadgen"
	"github.com/probity/probity/internal/seed"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/engine"
	"github.com/probity/probity/internal/testenv"
)

// The mixed workload: what the four roles' browsers and integrations ask a
// Probity server for during a working day. Weights are requests per 100 (a
// person's kinds that do not apply to their role, or for which they have
// nothing to open, are left out, so the others' shares grow). Why these:
//
//   - Page views are most of the traffic, and mostly the pages people work
//     in: an engagement (12), its documents (10) and one document (5), its
//     messages (6) and one thread (6), the engagement list (8); firm people
//     also open matters (4) and a matter (4). Each page renders the
//     notification bell, so the bell is in every page's cost.
//   - Static assets (4): the layout's app.css, app.js and favicon carry
//     ?v=<hash> and are served "immutable" for a year, and the server sends
//     no ETag or Last-Modified (embedded files), so a browser with a warm
//     cache asks for none of them and there is no conditional GET to make; 4
//     in 100 stands for browsers with a cold cache (a new day, a new
//     machine). A browser fetching all three counts three requests.
//   - API integrations poll (document management, billing, the firm's own
//     dashboards): the unread-notification count (20, the bell of an
//     integration or a mobile client polling every minute), the engagement
//     list (8), one engagement (6) and its documents (5), with a bearer
//     token; per-token rate limits are off for the run (--api-token-rate 0).
//   - The notifications page (4), search (1) and the home dashboard (1):
//     the dashboard and search are the most expensive pages (on the large
//     set about 60 ms and 100 ms, against 1-9 ms for the others) and are
//     opened a few times a day, not per click; signing in lands on the
//     dashboard, which the set-up does for each person before the run.
//   - Writes (2): posting a message (1) and marking a notification read (1),
//     both through the API; both are safe to repeat. Each message starts a
//     new thread in one engagement per person that the reads leave out, so
//     the pages read do not grow during a long run.
//
// Every answer must be 2xx or 3xx; anything else is an error.
const (
	wEngagement, wDocuments, wDocument, wMessages, wThread, wEngagements = 12, 10, 5, 6, 6, 8
	wMatters, wMatter, wAssets                                           = 4, 4, 4
	wAPIBell, wAPIEngagements, wAPIEngagement, wAPIDocuments             = 20, 8, 6, 5
	wNotifications, wSearch, wHome, wPost, wRead                         = 4, 1, 1, 1, 1
)

// loadPerson is one signed-in user of the workload: the browser's session
// cookie, an API token, and what the person can open.
type loadPerson struct {
	email         string
	cookie, token string
	engagements   []int64           // readable engagements (pages and API)
	docs          map[int64][]int64 // engagement -> document ids
	threads       map[int64][]int64 // engagement -> thread ids
	matters       []int64
	notifications []int64
	postTo        int64 // engagement messages are posted in (left out of reads); 0: none
}

// loadTarget is one or more servers behind the load generator: requests go
// round-robin across bases (all on one database).
type loadTarget struct {
	bases []string
	next  atomic.Uint64
}

func (t *loadTarget) base() string {
	return t.bases[int(t.next.Add(1)%uint64(len(t.bases)))]
}

var loadTOTP = testenv.NewTOTP()

// loadSignIn signs in through the real form (and second factor, when the
// person has an authenticator) and returns the Cookie header value.
func loadSignIn(tb testing.TB, base, email, password, secret string) string {
	tb.Helper()
	c := newClient(tb)
	resp, err := c.Get(base + "/signin")
	if err != nil {
		tb.Fatal(err)
	}
	m := csrfInput.FindStringSubmatch(readAll(tb, resp))
	if m == nil {
		tb.Fatal("no csrf token on the sign-in page")
	}
	resp, err = c.PostForm(base+"/signin", url.Values{"email": {email}, "password": {password}, "csrf_token": {m[1]}})
	if err != nil {
		tb.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		tb.Fatalf("sign in as %s: status %d", email, resp.StatusCode)
	}
	if secret != "" {
		resp, err = c.Get(base + "/signin/mfa")
		if err != nil {
			tb.Fatal(err)
		}
		m = csrfInput.FindStringSubmatch(readAll(tb, resp))
		if m == nil {
			tb.Fatal("no csrf token on the second-factor page")
		}
		resp, err = c.PostForm(base+"/signin/mfa", url.Values{"code": {loadTOTP.Code(tb, secret)}, "csrf_token": {m[1]}})
		if err != nil {
			tb.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			tb.Fatalf("second factor of %s: status %d", email, resp.StatusCode)
		}
	}
	u, _ := url.Parse(base)
	var parts []string
	for _, ck := range c.Jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	return strings.Join(parts, "; ")
}

// loadToken creates a write-scoped API token for email with the CLI.
func loadToken(tb testing.TB, dbURL, data, email string) string {
	tb.Helper()
	out, errOut, err := runCLI(tb, nil, "", append([]string{"token", "create", "--user", email, "--name", "load test", "--scope", "write"}, engineArgs(dbURL, data)...)...)
	if err != nil {
		tb.Fatalf("token create for %s: %v\n%s", email, err, errOut)
	}
	return strings.TrimSpace(out)
}

// apiJSON GETs an API path with the person's token into v; false when the
// role may not (any non-200).
func (p *loadPerson) apiJSON(tb testing.TB, base, path string, v any) bool {
	tb.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1"+path, nil)
	req.Header.Set("Authorization", "Bearer "+p.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return false
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		tb.Fatalf("GET %s: %v", path, err)
	}
	return true
}

type idList struct {
	Items []struct {
		ID int64 `json:"id"`
	} `json:"items"`
}

func (l idList) ids(n int) []int64 {
	var out []int64
	for _, it := range l.Items {
		if len(out) == n {
			break
		}
		out = append(out, it.ID)
	}
	return out
}

// discover finds what the person can open, through the API as they would,
// keeps only what answers 200 both as a page and through the API (a gate
// may close an engagement's documents, a screen a matter), and probes
// whether they may post messages (a 201 there is kept: a thread in postTo,
// which reads leave out).
func (p *loadPerson) discover(tb testing.TB, base string) {
	tb.Helper()
	p.docs, p.threads = map[int64][]int64{}, map[int64][]int64{}
	// Signing in lands on the home page: open it as the browser would, so
	// the firm-wide figures it keeps a few minutes (internal/app/
	// home_cache.go) are counted here, at sign-in, not in the run.
	if !p.pageOK(tb, base, "/home") {
		tb.Fatalf("%s: the home page after sign-in did not answer 200", p.email)
	}
	var l idList
	if p.apiJSON(tb, base, "/engagements?limit=12", &l) {
		p.engagements = l.ids(12)
	}
	l = idList{}
	if p.apiJSON(tb, base, "/matters?limit=12", &l) {
		for _, m := range l.ids(12) {
			if p.pageOK(tb, base, fmt.Sprintf("/matters/%d", m)) {
				p.matters = append(p.matters, m)
			}
		}
	}
	l = idList{}
	if p.apiJSON(tb, base, "/notifications?limit=20", &l) {
		p.notifications = l.ids(20)
	}
	var readable []int64
	for _, e := range p.engagements {
		var docs, threads idList
		path := fmt.Sprintf("/engagements/%d", e)
		if !p.apiJSON(tb, base, path, &struct{}{}) || !p.apiJSON(tb, base, path+"/documents", &docs) || !p.apiJSON(tb, base, path+"/messages", &threads) ||
			!p.pageOK(tb, base, path) || !p.pageOK(tb, base, path+"/documents") || !p.pageOK(tb, base, path+"/messages") {
			continue
		}
		for _, d := range docs.ids(10) {
			if p.pageOK(tb, base, fmt.Sprintf("%s/documents/%d", path, d)) {
				p.docs[e] = append(p.docs[e], d)
			}
		}
		for _, th := range threads.ids(10) {
			if p.pageOK(tb, base, fmt.Sprintf("%s/messages/%d", path, th)) {
				p.threads[e] = append(p.threads[e], th)
			}
		}
		readable = append(readable, e)
	}
	// Post in the engagement with the least to read (from the last), and
	// leave it out of the reads when there are others to read.
	cands := slices.Clone(readable)
	slices.Reverse(cands)
	slices.SortStableFunc(cands, func(a, b int64) int {
		return (len(p.docs[a]) + len(p.threads[a])) - (len(p.docs[b]) + len(p.threads[b]))
	})
	for _, e := range cands {
		if p.post(tb, base, e) {
			p.postTo = e
			break
		}
	}
	if p.postTo != 0 && len(readable) > 1 {
		readable = slices.DeleteFunc(readable, func(e int64) bool { return e == p.postTo })
	}
	p.engagements = readable
}

// pageOK GETs a page with the person's session: true on 200.
func (p *loadPerson) pageOK(tb testing.TB, base, path string) bool {
	tb.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	req.Header.Set("Cookie", p.cookie)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func (p *loadPerson) post(tb testing.TB, base string, engagement int64) bool {
	tb.Helper()
	req, err := p.postRequest(base, engagement)
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusCreated
}

var postSeq atomic.Int64

func (p *loadPerson) postRequest(base string, engagement int64) (*http.Request, error) {
	n := postSeq.Add(1)
	body := fmt.Sprintf(`{"subject":"Load test note %d","body":"Status check %d from the load test: nothing to action."}`, n, n)
	req, err := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/engagements/%d/messages", base, engagement), strings.NewReader(body))
	if err == nil {
		req.Header.Set("Authorization", "Bearer "+p.token)
		req.Header.Set("Content-Type", "application/json")
	}
	return req, err
}

// loadPeople signs in and discovers each person on the first server.
func loadPeople(tb testing.TB, base, dbURL, data string, emails []string, password string, secrets map[string]string) []*loadPerson {
	tb.Helper()
	var out []*loadPerson
	for _, email := range emails {
		p := &loadPerson{email: email}
		p.cookie = loadSignIn(tb, base, email, password, secrets[email])
		p.token = loadToken(tb, dbURL, data, email)
		p.discover(tb, base)
		docs, threads := 0, 0
		for _, e := range p.engagements {
			docs, threads = docs+len(p.docs[e]), threads+len(p.threads[e])
		}
		tb.Logf("%s: %d engagements, %d documents, %d threads, %d matters, %d notifications; posts in engagement %d",
			email, len(p.engagements), docs, threads, len(p.matters), len(p.notifications), p.postTo)
		out = append(out, p)
	}
	// An engagement's thread list is not paginated: leave every engagement
	// someone posts in out of everyone's reads, so the pages read stay the
	// same size through a long run (unless that leaves a person nothing).
	posted := map[int64]bool{}
	for _, p := range out {
		if p.postTo != 0 {
			posted[p.postTo] = true
		}
	}
	for _, p := range out {
		if rest := slices.DeleteFunc(slices.Clone(p.engagements), func(e int64) bool { return posted[e] }); len(rest) > 0 {
			p.engagements = rest
		}
		tb.Logf("%s reads %v", p.email, p.engagements)
	}
	return out
}

// mixFor is the weighted workload of people against target.
func mixFor(people []*loadPerson, target *loadTarget, workers int) loadgen.Mix {
	mix := loadgen.Mix{Workers: workers, Seed: 2026}
	for _, p := range people {
		mix.People = append(mix.People, loadgen.Person{Name: p.email, Kinds: p.kinds(target)})
	}
	return mix
}

func pickID(rng *rand.Rand, ids []int64) int64 { return ids[rng.IntN(len(ids))] }

func (p *loadPerson) kinds(t *loadTarget) []loadgen.Kind {
	page := func(path string) (*http.Request, error) {
		req, err := http.NewRequest(http.MethodGet, t.base()+path, nil)
		if err == nil {
			req.Header.Set("Cookie", p.cookie)
			req.Header.Set("Accept", "text/html")
		}
		return req, err
	}
	api := func(method, path string) (*http.Request, error) {
		req, err := http.NewRequest(method, t.base()+"/api/v1"+path, nil)
		if err == nil {
			req.Header.Set("Authorization", "Bearer "+p.token)
		}
		return req, err
	}
	var withDocs, withThreads []int64
	for _, e := range p.engagements {
		if len(p.docs[e]) > 0 {
			withDocs = append(withDocs, e)
		}
		if len(p.threads[e]) > 0 {
			withThreads = append(withThreads, e)
		}
	}
	assets := []string{"/static/app.css", "/static/app.js", "/static/favicon.svg"}
	ks := []loadgen.Kind{
		{Name: "page/engagements", Weight: wEngagements, Build: func(*rand.Rand) (*http.Request, error) { return page("/engagements") }},
		{Name: "page/notifications", Weight: wNotifications, Build: func(*rand.Rand) (*http.Request, error) { return page("/notifications") }},
		{Name: "page/home", Weight: wHome, Build: func(*rand.Rand) (*http.Request, error) { return page("/home") }},
		{Name: "page/search", Weight: wSearch, Build: func(rng *rand.Rand) (*http.Request, error) {
			return page("/search?q=" + url.QueryEscape([]string{"motion", "contract", "review", "discovery", "invoice"}[rng.IntN(5)]))
		}},
		{Name: "static/asset", Weight: wAssets, Build: func(rng *rand.Rand) (*http.Request, error) { return page(assets[rng.IntN(len(assets))] + "?v=load") }},
		{Name: "api/bell", Weight: wAPIBell, Build: func(*rand.Rand) (*http.Request, error) {
			return api(http.MethodGet, "/notifications?unread=true&limit=1")
		}},
		{Name: "api/engagements", Weight: wAPIEngagements, Build: func(*rand.Rand) (*http.Request, error) { return api(http.MethodGet, "/engagements?limit=25") }},
	}
	if len(p.engagements) > 0 {
		ks = append(ks,
			loadgen.Kind{Name: "page/engagement", Weight: wEngagement, Build: func(rng *rand.Rand) (*http.Request, error) {
				return page(fmt.Sprintf("/engagements/%d", pickID(rng, p.engagements)))
			}},
			loadgen.Kind{Name: "page/documents", Weight: wDocuments, Build: func(rng *rand.Rand) (*http.Request, error) {
				return page(fmt.Sprintf("/engagements/%d/documents", pickID(rng, p.engagements)))
			}},
			loadgen.Kind{Name: "page/messages", Weight: wMessages, Build: func(rng *rand.Rand) (*http.Request, error) {
				return page(fmt.Sprintf("/engagements/%d/messages", pickID(rng, p.engagements)))
			}},
			loadgen.Kind{Name: "api/engagement", Weight: wAPIEngagement, Build: func(rng *rand.Rand) (*http.Request, error) {
				return api(http.MethodGet, fmt.Sprintf("/engagements/%d", pickID(rng, p.engagements)))
			}},
			loadgen.Kind{Name: "api/documents", Weight: wAPIDocuments, Build: func(rng *rand.Rand) (*http.Request, error) {
				return api(http.MethodGet, fmt.Sprintf("/engagements/%d/documents", pickID(rng, p.engagements)))
			}},
		)
	}
	if len(withDocs) > 0 {
		ks = append(ks, loadgen.Kind{Name: "page/document", Weight: wDocument, Build: func(rng *rand.Rand) (*http.Request, error) {
			e := pickID(rng, withDocs)
			return page(fmt.Sprintf("/engagements/%d/documents/%d", e, pickID(rng, p.docs[e])))
		}})
	}
	if len(withThreads) > 0 {
		ks = append(ks, loadgen.Kind{Name: "page/thread", Weight: wThread, Build: func(rng *rand.Rand) (*http.Request, error) {
			e := pickID(rng, withThreads)
			return page(fmt.Sprintf("/engagements/%d/messages/%d", e, pickID(rng, p.threads[e])))
		}})
	}
	if len(p.matters) > 0 {
		ks = append(ks,
			loadgen.Kind{Name: "page/matters", Weight: wMatters, Build: func(*rand.Rand) (*http.Request, error) { return page("/matters") }},
			loadgen.Kind{Name: "page/matter", Weight: wMatter, Build: func(rng *rand.Rand) (*http.Request, error) {
				return page(fmt.Sprintf("/matters/%d", pickID(rng, p.matters)))
			}},
		)
	}
	if p.postTo != 0 {
		ks = append(ks, loadgen.Kind{Name: "write/post-message", Weight: wPost, Build: func(*rand.Rand) (*http.Request, error) { return p.postRequest(t.base(), p.postTo) }})
	}
	if len(p.notifications) > 0 {
		ks = append(ks, loadgen.Kind{Name: "write/mark-read", Weight: wRead, Build: func(rng *rand.Rand) (*http.Request, error) {
			return api(http.MethodPost, fmt.Sprintf("/notifications/%d/read", pickID(rng, p.notifications)))
		}})
	}
	return ks
}

// demoLoadEmails are one demo person per role (firm: administrator,
// attorney, staff; vendor: manager, professional; client).
var demoLoadEmails = []string{
	"eleanor.hartwell@hartwellcrane.example", "marcus.oyelaran@hartwellcrane.example", "daniel.brooks@hartwellcrane.example",
	"anika.deshmukh@lexora.example", "rohan.kulkarni@lexora.example", "helen.calloway@callowayfreight.example",
}

func demoSecrets() map[string]string {
	out := map[string]string{}
	for _, a := range demo.Accounts() {
		out[a.Email] = a.TOTPSecret
	}
	return out
}

// largeLoadPassword is given to the large set's chosen people (who are
// generated without one) before the run.
const largeLoadPassword = "load-test-large-2026"

// prepareLargeSet copies the cached large data set into a fresh data
// directory as serve expects it (probity.db), migrates it, and readies one
// person per role to sign in honestly: a password set with `probity user
// passwd`, and for the roles the firm's policy requires a second factor of,
// an authenticator key stored as enrolled (what finishing the set-up page
// writes). It returns the data dir, the people's emails and their keys,
// and the vendor people, whose NDA and training the generated set does not
// record (recordTraining does, as the firm's administrator would).
func prepareLargeSet(b *testing.B) (string, []string, map[string]string, []vendorPerson) {
	b.Helper()
	src := filepath.Join(os.TempDir(), fmt.Sprintf("probity-bench-dashboard-v%d.db", seed.Version))
	if _, err := os.Stat(src); err != nil {
		b.Skipf("the large data set is not cached at %s: run BenchmarkDashboard in internal/web first (about 12 minutes)", src)
	}
	data := b.TempDir()
	if err := testenv.CopyFile(src, filepath.Join(data, engine.SQLiteFile)); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	s, err := engine.Open(ctx, "", data)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx, time.Now()); err != nil {
		b.Fatal(err)
	}
	var emails []string
	var ids []int64
	var vendors []vendorPerson
	for _, role := range []domain.Role{domain.RoleFirmAdmin, domain.RoleAttorney, domain.RoleStaff, domain.RoleVendorManager, domain.RoleVendorProfessional, domain.RoleClientContact} {
		var id, vendor int64
		var email string
		if err := s.ReadDB().QueryRowContext(ctx, `SELECT id, email, COALESCE(vendor_id, 0) FROM users WHERE id = (SELECT MIN(id) FROM users WHERE role = $1)`, string(role)).Scan(&id, &email, &vendor); err != nil {
			b.Fatalf("the first %s: %v", role, err)
		}
		emails, ids = append(emails, email), append(ids, id)
		if vendor != 0 {
			vendors = append(vendors, vendorPerson{vendor: vendor, user: id})
		}
	}
	secrets := map[string]string{}
	policy := domain.DefaultMFAPolicy()
	err = s.Write(ctx, func(tx *store.Tx) error {
		for i, email := range emails {
			u, err := tx.User(ctx, ids[i])
			if err != nil {
				return err
			}
			if policy.Requires(u.Role) {
				secrets[email] = auth.NewTOTPSecret()
				if err := tx.SetTOTP(ctx, u.ID, secrets[email], time.Now()); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	for _, email := range emails {
		if _, errOut, err := runCLI(b, nil, largeLoadPassword+"\n", "user", "passwd", "--email", email, "--password-stdin", "--data", data); err != nil {
			b.Fatalf("user passwd %s: %v\n%s", email, err, errOut)
		}
	}
	return data, emails, secrets, vendors
}

// vendorPerson is a vendor's person by vendor and user id.
type vendorPerson struct{ vendor, user int64 }

// recordTraining records, as the firm's administrator through the API, a
// signed NDA and current confidentiality and ethics training for each vendor
// person: without them the engagement gate keeps them out of all engagement
// work (409), and the generated set records none.
func recordTraining(tb testing.TB, base, adminToken string, people []vendorPerson) {
	tb.Helper()
	body := `{"position":"Reviewer","nda_signed_on":"2026-01-05","nda_expires_on":"2028-12-31","confidentiality_completed_on":"2026-01-10",` +
		`"confidentiality_expires_on":"2028-12-31","ethics_completed_on":"2026-01-10","ethics_expires_on":"2028-12-31"}`
	for _, p := range people {
		req, _ := http.NewRequest(http.MethodPut, fmt.Sprintf("%s/api/v1/vendors/%d/people/%d", base, p.vendor, p.user), strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+adminToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			tb.Fatal(err)
		}
		out := readAll(tb, resp)
		if resp.StatusCode != http.StatusOK {
			tb.Fatalf("record the training of vendor %d's person %d: %d %s", p.vendor, p.user, resp.StatusCode, out)
		}
	}
}

// BenchmarkLoadMixed replays the mixed four-role workload (the weights
// above) from PROBITY_LOAD_WORKERS keep-alive clients (default 8; each acts
// as one person), b.N requests a run (-benchtime=20000x), and reports req/s,
// p50 and p99 and the ratio of req/s to a bare net/http handler measured in
// the same run:
//
//   - reference/bare-net-http: the reference, under loadgen.Run;
//   - sqlite-large/one-server: the large data set (seed.Large) on SQLite;
//   - postgres-demo/one-server and postgres-demo/two-servers: the demo firm
//     on PostgreSQL, one server, then two servers on the same database with
//     requests round-robin across them; two-servers also reports its req/s
//     as a ratio to the median of the one-server runs.
//
// PROBITY_LOAD_SKIP_SQLITE=1 leaves out the large set (its copy and start
// take a minute). PROBITY_LOAD_CPUPROFILE=FILE writes a CPU profile of the
// runs alone (FILE.<run>), without the servers' start and the sign-ins,
// which -cpuprofile would include.
//
// The load generator runs on the same machine and competes with the servers
// for its cores.
func BenchmarkLoadMixed(b *testing.B) {
	workers := envInt(b, "PROBITY_LOAD_WORKERS", benchWorkers)
	var refRPS float64
	b.Run("reference/bare-net-http", func(b *testing.B) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"status":"ready"}`))
		}))
		defer srv.Close()
		b.ResetTimer()
		r := loadgen.Run(context.Background(), b.N, workers, func() (*http.Request, error) { return http.NewRequest(http.MethodGet, srv.URL+"/", nil) })
		b.StopTimer()
		if r.Errors > 0 {
			b.Fatalf("%d errors; first: %s", r.Errors, r.FirstError)
		}
		reportLoad(b, r, 0)
		refRPS = r.RPS
	})
	// Servers are set up once here, not in the sub-benchmarks, which the
	// testing package calls more than once (b.N = 1 first).
	noLimits := []string{"--api-token-rate", "0", "--api-address-rate", "0"}
	if os.Getenv("PROBITY_LOAD_SKIP_SQLITE") == "" {
		data, emails, secrets, vendors := prepareLargeSet(b)
		e := testenv.Engine{Name: "sqlite", URL: func(testing.TB) (string, string) { return "", data }}
		srv := startServer(b, e, noLimits...)
		recordTraining(b, srv.URL, loadToken(b, "", data, emails[0]), vendors)
		people := loadPeople(b, srv.URL, "", data, emails, largeLoadPassword, secrets)
		mix := mixFor(people, &loadTarget{bases: []string{srv.URL}}, workers)
		b.Run("sqlite-large/one-server", func(b *testing.B) { runMix(b, mix, refRPS) })
		if err := srv.Stop(); err != nil {
			b.Fatal(err)
		}
	}
	if os.Getenv("PROBITY_TEST_POSTGRES") == "" {
		b.Log("PROBITY_TEST_POSTGRES is not set: no PostgreSQL runs")
		return
	}
	pg := testenv.Engines(b)[1]
	one := startServer(b, pg, append([]string{"--demo"}, noLimits...)...)
	people := loadPeople(b, one.URL, one.DB, one.Data, demoLoadEmails, demo.Password, demoSecrets())
	var ones serverRuns
	b.Run("postgres-demo/one-server", func(b *testing.B) {
		ones.add(b, runMix(b, mixFor(people, &loadTarget{bases: []string{one.URL}}, workers), refRPS))
	})
	// The second server shares the database and the data directory (its
	// key-encryption key and documents), as a second app server shares the
	// database and the object store. Same people, same sessions, same
	// number of clients: only the servers double.
	shared := testenv.Engine{Name: "postgres", URL: func(testing.TB) (string, string) { return one.DB, one.Data }}
	two := startServer(b, shared, noLimits...)
	b.Run("postgres-demo/two-servers", func(b *testing.B) {
		ones.report(b, runMix(b, mixFor(people, &loadTarget{bases: []string{one.URL, two.URL}}, workers), refRPS))
	})
}

// serverRuns are the req/s of the one-server runs so far. With -count, the
// testing package runs a sub-benchmark all its times before the next, so
// two-servers' x-one-server is its req/s over the median of every one-server
// run, not over whichever ran last.
type serverRuns []float64

func (r *serverRuns) add(b *testing.B, rps float64) {
	if b.N > 1 { // the testing package's b.N = 1 probe is not a run
		*r = append(*r, rps)
	}
}

func (r serverRuns) report(b *testing.B, rps float64) {
	if len(r) == 0 || b.N == 1 {
		return
	}
	b.ReportMetric(rps/median(r), "x-one-server")
}

// median is the middle of v (the mean of the two middle values when there
// are an even number); v is not changed.
func median(v []float64) float64 {
	s := slices.Sorted(slices.Values(v))
	if len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[len(s)/2]
}

// runMix runs b.N requests of mix and reports them; it fails on any error.
func runMix(b *testing.B, mix loadgen.Mix, refRPS float64) float64 {
	b.Helper()
	if b.N > 1 {
		// A server that has been up a while has each reading connection's
		// view of the database file mapped and its statements prepared; a
		// fresh one pays for both on the first requests of each connection
		// (millions of page faults on the large set). The measured run is
		// the server as it runs after the warm-up, not its first minute.
		if r := mix.Run(context.Background(), envInt(b, "PROBITY_LOAD_WARMUP", benchWarmup)); r.Errors > 0 {
			b.Fatalf("warm-up: %d of %d requests failed; first: %s", r.Errors, r.Requests, r.FirstError)
		}
	}
	stop := profileRun(b)
	b.ResetTimer()
	r := mix.Run(context.Background(), b.N)
	b.StopTimer()
	stop()
	for _, k := range r.Kinds {
		b.Logf("%-22s %6d requests %3d errors  p50 %6.2f ms  p99 %7.2f ms", k.Name, k.Requests, k.Errors, ms(k.P50), ms(k.P99))
	}
	if r.Errors > 0 {
		b.Fatalf("%d of %d requests failed; first: %s", r.Errors, r.Requests, r.FirstError)
	}
	reportLoad(b, r.Result, refRPS)
	return r.RPS
}

// profileRun starts a CPU profile of this run when PROBITY_LOAD_CPUPROFILE
// names a file (the run's name is appended); the returned func stops it.
func profileRun(b *testing.B) func() {
	base := os.Getenv("PROBITY_LOAD_CPUPROFILE")
	if base == "" || b.N == 1 {
		return func() {}
	}
	f, err := os.Create(base + "." + strings.NewReplacer("/", "-").Replace(b.Name()))
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func reportLoad(b *testing.B, r loadgen.Result, refRPS float64) {
	b.ReportMetric(r.RPS, "req/s")
	b.ReportMetric(float64(r.P50.Microseconds()), "p50-µs")
	b.ReportMetric(float64(r.P99.Microseconds()), "p99-µs")
	if refRPS > 0 {
		b.ReportMetric(r.RPS/refRPS, "x-reference-rps")
	}
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }
