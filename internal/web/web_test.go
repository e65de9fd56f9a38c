package web_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/server"
	"github.com/probity/probity/internal/server/servertest"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
	"github.com/probity/probity/internal/web"
)

func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ next, want string }{
		{"/matters/3", "/matters/3"},
		{"/matters?q=2026-0177&after=4", "/matters?q=2026-0177&after=4"},
		{"/home", "/home"},
		{"", "/home"},
		{"//evil.example", "/home"},
		{"//evil.example/matters", "/home"},
		{"https://evil.example", "/home"},
		{"http://evil.example/home", "/home"},
		{"javascript:alert(1)", "/home"},
		{"/\\evil", "/home"},
		{"/\\/evil.example", "/home"},
		{"matters/3", "/home"},
		// Browsers drop tabs and newlines from a Location before resolving it.
		{"/\t/evil.example", "/home"},
		{"/\n/evil.example", "/home"},
		{"/\r\n/evil.example", "/home"},
		{"/\t\\evil.example", "/home"},
	} {
		if got := web.SafeNext(tc.next); got != tc.want {
			t.Errorf("SafeNext(%q) = %q, want %q", tc.next, got, tc.want)
		}
	}
}

// elements returns the elements under n for which match is true.
func elements(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var visit func(*html.Node)
	visit = func(x *html.Node) {
		if x.Type == html.ElementNode && match(x) {
			out = append(out, x)
		}
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(n)
	return out
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	return slices.Contains(strings.Fields(attrOf(n, "class")), class)
}

func text(n *html.Node) string {
	var b strings.Builder
	var visit func(*html.Node)
	visit = func(x *html.Node) {
		if x.Type == html.TextNode {
			b.WriteString(x.Data + " ")
		}
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func TestEveryPageHasATemplate(t *testing.T) {
	h, err := web.New(nil, httpx.Cookies{}, "test")
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	for _, name := range web.PageNames {
		if !h.HasPage(name) {
			t.Errorf("page %s has no template with a content block", name)
		}
	}
	files, err := web.TemplateFiles()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		base := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html")
		if base != "layout" && !slices.Contains(web.PageNames, base) {
			t.Errorf("templates/%s.html is not in pageNames, so New would not insist on it", base)
		}
	}
}

// site is the whole server, as `probity serve` builds it, over a demo firm.
type site struct {
	h       *web.Handler
	app     *app.App
	handler http.Handler
	totp    *testenv.TOTP
}

// signIn signs a demo account in through the app, with its second factor
// when it has one, and returns the session token.
func (s *site) signIn(t *testing.T, email, address string) string {
	t.Helper()
	ctx := context.Background()
	token, _, err := s.app.SignIn(ctx, app.SignInRequest{Email: email, Password: demo.Password, Address: address})
	if err != nil {
		t.Fatalf("sign in %s: %v", email, err)
	}
	for _, acc := range demo.Accounts() {
		if acc.Email == email && acc.TOTPSecret != "" {
			if _, err := s.app.VerifySecondFactor(ctx, token, s.totp.Code(t, acc.TOTPSecret)); err != nil {
				t.Fatalf("second factor of %s: %v", email, err)
			}
		}
	}
	return token
}

func newSite(t *testing.T, e testenv.Engine) *site {
	t.Helper()
	s := testenv.OpenStore(t, e)
	blobs := servertest.Blobs(t)
	if err := demo.LoadWith(context.Background(), s, time.Now(), demo.Options{Blobs: blobs}); err != nil {
		t.Fatalf("demo.Load: %v", err)
	}
	log := slog.New(slog.DiscardHandler)
	a := app.New(s, app.DefaultConfig(), log)
	a.Blobs = blobs
	srv, err := server.New(a, server.Config{Version: "test"}, log)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	return &site{h: srv.Web, app: a, handler: srv.Handler(), totp: testenv.NewTOTP()}
}

const testCSRF = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func (s *site) do(t *testing.T, method, target, session string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	var body *strings.Reader
	if form != nil {
		form.Set(httpx.CSRFField, testCSRF)
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.AddCookie(&http.Cookie{Name: httpx.CSRFCookie, Value: testCSRF})
	if session != "" {
		req.AddCookie(&http.Cookie{Name: httpx.SessionCookie, Value: session})
	}
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	return rec
}

// parsePage requires an HTML page with the layout's frame.
func parsePage(t *testing.T, what string, rec *httptest.ResponseRecorder) *html.Node {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("%s: Content-Type %q, want text/html (status %d: %.300s)", what, ct, rec.Code, rec.Body.String())
	}
	doc, err := html.Parse(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if n := len(elements(doc, func(n *html.Node) bool { return n.Data == "main" && attrOf(n, "id") == "main" })); n != 1 {
		t.Fatalf("%s: %d main#main, want 1", what, n)
	}
	if n := len(elements(doc, func(n *html.Node) bool { return n.Data == "h1" })); n != 1 {
		t.Errorf("%s: %d h1, want 1", what, n)
	}
	return doc
}

func TestPagesRenderForEveryRole(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		s := newSite(t, e)
		// ids are the demo objects each detail route is tried with.
		ids := map[string][]int64{}
		ms, err := s.app.Matters(ctx, app.Operator, store.MatterFilter{Page: store.Page{Limit: store.MaxPageSize}})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			ids["/matters"] = append(ids["/matters"], m.ID)
		}
		es, err := s.app.Engagements(ctx, app.Operator, store.EngagementFilter{Page: store.Page{Limit: store.MaxPageSize}})
		if err != nil {
			t.Fatal(err)
		}
		for _, en := range es {
			ids["/engagements"] = append(ids["/engagements"], en.ID)
			cv, err := s.app.EngagementConflicts(ctx, app.Operator, en.ID) // conflict hits (conflicts_test.go)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range cv.Hits {
				ids["/conflict-hits"] = append(ids["/conflict-hits"], h.ID)
			}
		}
		vs, err := s.app.Vendors(ctx, app.Operator, store.Page{Limit: store.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		people := map[int64][]int64{} // each vendor's users, for personnel records
		for _, v := range vs {
			ids["/vendors"] = append(ids["/vendors"], v.ID)
			us, err := s.app.Users(ctx, app.Operator, store.UserFilter{VendorID: v.ID})
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range us {
				people[v.ID] = append(people[v.ID], u.ID)
			}
		}
		assessments := map[int64][]int64{} // each vendor's security assessments (assessments_test.go)
		for _, v := range vs {
			l, err := s.app.Assessments(ctx, app.Operator, v.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range l.Assessments {
				assessments[v.ID] = append(assessments[v.ID], a.ID)
			}
		}
		qs, err := s.app.Questionnaires(ctx, app.Operator)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range qs {
			ids["/admin/questionnaires"] = append(ids["/admin/questionnaires"], q.ID)
		}
		cs, err := s.app.Clients(ctx, app.Operator, store.Page{Limit: store.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			ids["/clients"] = append(ids["/clients"], c.ID)
		}
		us, err := s.app.Users(ctx, app.Operator, store.UserFilter{Page: store.Page{Limit: 2}})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range us {
			ids["/admin/users"] = append(ids["/admin/users"], u.ID)
		}
		// An invitation puts a message in the email outbox.
		admins, err := s.app.Users(ctx, app.Operator, store.UserFilter{Role: domain.RoleFirmAdmin})
		if err != nil || len(admins) == 0 {
			t.Fatalf("no firm administrator: %v", err)
		}
		if _, err := s.app.Invite(ctx, admins[0], app.NewInvitation{Email: "invitee@lexora.example", Name: "Invitee", Role: domain.RoleStaff}); err != nil {
			t.Fatal(err)
		}
		mail, err := s.app.Outbox(ctx, admins[0], store.OutboxFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mail {
			ids["/admin/outbox"] = append(ids["/admin/outbox"], m.ID)
		}
		// Each engagement's quality audits (audits_test.go): their pages.
		audits := map[int64][]int64{}
		rows, err := s.app.Store.DB().QueryContext(ctx, `SELECT id, engagement_id FROM audits ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var aid, eid int64
			if err := rows.Scan(&aid, &eid); err != nil {
				t.Fatal(err)
			}
			audits[eid] = append(audits[eid], aid)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		// Client invoices (invoices_test.go): the demo's, or one drafted here.
		ids["/invoices"] = clientInvoiceIDs(t, s, admins[0])
		// Vendor invoices (vendor_invoices_test.go): the demo's.
		vrows, err := s.app.Store.DB().QueryContext(ctx, `SELECT id FROM vendor_invoices ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		for vrows.Next() {
			var id int64
			if err := vrows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids["/vendor-invoices"] = append(ids["/vendor-invoices"], id)
		}
		if err := vrows.Close(); err != nil {
			t.Fatal(err)
		}
		// Every signed-in GET page of the route table, with each demo id.
		var paths []string
		for _, rt := range s.h.Routes() {
			method, pattern, ok := strings.Cut(rt.Pattern, " ")
			if !ok || method != http.MethodGet || rt.Public {
				continue
			}
			prefix, param, hasParam := strings.Cut(pattern, "/{")
			switch {
			case pattern == "/billing":
				// a redirect to /invoices (TestBillingRedirect)
			case !hasParam:
				paths = append(paths, pattern)
			case param == "id}" && len(ids[prefix]) > 0:
				for _, id := range ids[prefix] {
					paths = append(paths, prefix+"/"+strconv.FormatInt(id, 10))
				}
			case param == "id}/disclosures" && len(ids[prefix]) > 0:
				for _, id := range ids[prefix] {
					paths = append(paths, prefix+"/"+strconv.FormatInt(id, 10)+"/disclosures")
				}
			case param == "id}/profile" && len(ids[prefix]) > 0:
				for _, id := range ids[prefix] {
					paths = append(paths, prefix+"/"+strconv.FormatInt(id, 10)+"/profile")
				}
			case param == "id}/assessments" && prefix == "/vendors":
				for _, id := range ids[prefix] {
					paths = append(paths, fmt.Sprintf("/vendors/%d/assessments", id))
				}
			case param == "id}/assessments/{aid}" && prefix == "/vendors":
				for v, as := range assessments {
					for _, a := range as {
						paths = append(paths, fmt.Sprintf("/vendors/%d/assessments/%d", v, a))
					}
				}
			case param == "id}/assessments/{aid}/evidence/{eid}":
				// a download, not a page (assessments_test.go)
			case param == "id}/people/{user}" && prefix == "/vendors":
				for v, us := range people {
					for _, u := range us {
						paths = append(paths, fmt.Sprintf("/vendors/%d/people/%d", v, u))
					}
				}
			case param == "id}/edit" && prefix == "/matters": // matter_edit.go
				for _, id := range ids[prefix] {
					paths = append(paths, fmt.Sprintf("/matters/%d/edit", id))
				}
			case param == "id}/compliance" && prefix == "/matters": // compliance.go
				for _, id := range ids[prefix] {
					paths = append(paths, fmt.Sprintf("/matters/%d/compliance", id))
				}
			case param == "id}/compliance.pdf", param == "id}/disclosure.pdf":
				// a download, not a page (compliance_test.go)
			case param == "id}/sessions" && len(ids[prefix]) > 0:
				for _, id := range ids[prefix] {
					paths = append(paths, prefix+"/"+strconv.FormatInt(id, 10)+"/sessions")
				}
			case (param == "id}/communication" || param == "id}/briefing" || param == "id}/sow" || param == "id}/work") && prefix == "/engagements": // communication.go, briefing.go, sow.go, work.go
				for _, id := range ids[prefix] {
					paths = append(paths, fmt.Sprintf("/engagements/%d/%s", id, strings.TrimPrefix(param, "id}/")))
				}
			case param == "id}/audits" && prefix == "/engagements": // audits.go
				for _, id := range ids[prefix] {
					paths = append(paths, fmt.Sprintf("/engagements/%d/audits", id))
				}
			case param == "id}/audits/{aid}" && prefix == "/engagements":
				for e, as := range audits {
					for _, a := range as {
						paths = append(paths, fmt.Sprintf("/engagements/%d/audits/%d", e, a))
					}
				}
			case (param == "id}/deliverables" || param == "id}/close" || param == "id}/invoices") && prefix == "/engagements": // deliverables.go, closing.go, vendor_invoices.go
				for _, id := range ids[prefix] {
					paths = append(paths, fmt.Sprintf("/engagements/%d/%s", id, strings.TrimPrefix(param, "id}/")))
				}
			case (param == "id}/documents" || param == "id}/messages") && prefix == "/engagements": // documents.go, messages.go
				for _, id := range ids[prefix] {
					paths = append(paths, fmt.Sprintf("/engagements/%d/%s", id, strings.TrimPrefix(param, "id}/")))
				}
			case param == "id}/documents/{did}", param == "id}/documents/{did}/content", param == "id}/messages/{tid}", param == "id}/attachments/{did}/content":
				// a document's record, a download and a thread (documents_test.go, messages_test.go)
			case param == "id}/deliverables/versions/{ver}", param == "id}/deliverables/versions/{ver}/file":
				// a version's review page and its file (deliverables_test.go)
			case param == "id}/ledes", param == "id}/pdf":
				// an invoice's downloads (invoice_export_test.go)
			case param == "id}/consent/{cid}/evidence":
				// a download (consent_evidence_test.go)
			case param == "id}/open" && prefix == "/notifications":
				// a redirect to the notification's link (notifications_test.go)
			default:
				t.Errorf("route %s: this test does not know which ids to try; teach it", rt.Pattern)
			}
		}
		paths = append(paths, "/engagements?stage=active", "/matters?q=Calloway", "/search?q=Calloway", "/search?q=review&kind=documents", "/no/such/page")

		// pageOf is the template a path renders when it answers 200: a
		// collection's page is named for it ("/matters", "/admin/users"), a
		// detail page for one of it ("/matters/3" renders "matter").
		pageOf := func(p string) string {
			p, _, _ = strings.Cut(p, "?")
			switch { // the vendor registry's pages under a vendor
			case strings.HasPrefix(p, "/vendors/") && strings.HasSuffix(p, "/profile"):
				return "vendor-profile"
			case strings.HasPrefix(p, "/vendors/") && strings.Contains(p, "/people/"):
				return "person"
			case p == "/parties/search":
				return "party-search"
			case p == "/matters/new" || strings.HasPrefix(p, "/matters/") && strings.HasSuffix(p, "/edit"):
				return "matter-form"
			case p == "/matters/import":
				return "matter-import"
			case p == "/time": // firm_time.go: the firm's own time
				return "firm-time"
			case p == "/account/notifications": // notifications.go: the settings page
				return "account-notifications"
			case strings.HasPrefix(p, "/engagements/") && (strings.HasSuffix(p, "/documents") || strings.HasSuffix(p, "/messages")):
				return "engagement-" + p[strings.LastIndex(p, "/")+1:]
			case strings.HasPrefix(p, "/engagements/") && strings.HasSuffix(p, "/audits"):
				return "engagement-audits"
			case strings.HasPrefix(p, "/engagements/") && strings.Contains(p, "/audits/"):
				return "engagement-audit"
			case strings.HasPrefix(p, "/engagements/") && (strings.HasSuffix(p, "/deliverables") || strings.HasSuffix(p, "/close") || strings.HasSuffix(p, "/invoices")):
				return "engagement-" + p[strings.LastIndex(p, "/")+1:]
			case strings.HasPrefix(p, "/engagements/") && (strings.HasSuffix(p, "/communication") || strings.HasSuffix(p, "/briefing") || strings.HasSuffix(p, "/sow") || strings.HasSuffix(p, "/work")):
				return "engagement-" + p[strings.LastIndex(p, "/")+1:]
			}
			parts := strings.Split(strings.Trim(p, "/"), "/")
			last := parts[len(parts)-1]
			if _, err := strconv.ParseInt(last, 10, 64); err == nil && len(parts) > 1 {
				return strings.TrimSuffix(parts[len(parts)-2], "s")
			}
			return last
		}

		rendered := map[string]bool{}
		for _, role := range domain.Roles {
			var acct demo.Account
			for _, a := range demo.Accounts() {
				if a.Role == role {
					acct = a
					break
				}
			}
			token := s.signIn(t, acct.Email, "192.0.2.30")
			t.Run(string(role), func(t *testing.T) {
				ok := 0
				for _, p := range paths {
					rec := s.do(t, http.MethodGet, p, token, nil)
					what := string(role) + " GET " + p
					if rec.Code == http.StatusOK && path.Ext(strings.Split(p, "?")[0]) != "" {
						continue // a download (CSV, …), not a page
					}
					switch rec.Code {
					case http.StatusOK:
						ok++
						rendered[pageOf(p)] = true
					case http.StatusForbidden, http.StatusNotFound:
						rendered["error"] = true
					default:
						t.Errorf("%s: status %d\n%.500s", what, rec.Code, rec.Body.String())
						continue
					}
					doc := parsePage(t, what, rec)
					who := elements(doc, func(n *html.Node) bool { return hasClass(n, "who-name") })
					if len(who) != 1 || text(who[0]) != acct.Name {
						t.Errorf("%s: .who-name does not show %s", what, acct.Name)
					}
					errorPage := len(elements(doc, func(n *html.Node) bool { return n.Data == "h1" && attrOf(n, "id") == "err-h" })) == 1
					if errorPage != (rec.Code != http.StatusOK) {
						t.Errorf("%s: status %d but error page = %v", what, rec.Code, errorPage)
					}
					if pageOf(p) == "error" && rec.Code != http.StatusNotFound {
						t.Errorf("%s: status %d, want 404", what, rec.Code)
					}
				}
				if ok < 3 {
					t.Errorf("%s could open only %d pages", role, ok)
				}
			})
		}

		// Pages with a form error, and the signed-out sign-in page.
		rec := s.do(t, http.MethodGet, "/signin?next=/matters", "", nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET /signin: %d", rec.Code)
		}
		parsePage(t, "GET /signin", rec)
		rendered["signin"] = true
		rec = s.do(t, http.MethodPost, "/signin", "", url.Values{"email": {"nobody@hartwellcrane.example"}, "password": {"wrong-password-1"}})
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("POST /signin with a wrong password: %d", rec.Code)
		}
		doc := parsePage(t, "POST /signin", rec)
		if alerts := elements(doc, func(n *html.Node) bool { return attrOf(n, "id") == "signin-error" }); len(alerts) != 1 || text(alerts[0]) == "" {
			t.Errorf("the failed sign-in shows no error")
		}
		admin := s.signIn(t, demo.Accounts()[0].Email, "192.0.2.31")
		rec = s.do(t, http.MethodPost, "/admin/users", admin, url.Values{"email": {"not-an-email"}, "name": {"Someone"}, "role": {"staff"}})
		if rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("POST /admin/users with a bad email: %d", rec.Code)
		}
		doc = parsePage(t, "POST /admin/users", rec)
		email := elements(doc, func(n *html.Node) bool { return n.Data == "input" && attrOf(n, "name") == "email" })
		if len(email) != 1 || attrOf(email[0], "value") != "not-an-email" {
			t.Errorf("the users form does not keep the typed email")
		}

		// The second-factor pages, which a session still signing in reaches.
		pending, _, err := s.app.SignIn(ctx, app.SignInRequest{Email: demo.Accounts()[0].Email, Password: demo.Password, Address: "192.0.2.32"})
		if err != nil {
			t.Fatal(err)
		}
		if rec = s.do(t, http.MethodGet, "/signin/mfa", pending, nil); rec.Code != http.StatusOK {
			t.Errorf("GET /signin/mfa while signing in: %d", rec.Code)
		}
		parsePage(t, "GET /signin/mfa", rec)
		rendered["signin-mfa"] = true
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.33")
		if rec = s.do(t, http.MethodGet, "/account/mfa", marcus, nil); rec.Code != http.StatusOK {
			t.Errorf("GET /account/mfa: %d", rec.Code)
		}
		parsePage(t, "GET /account/mfa", rec)
		rendered["mfa"] = true

		// The signed-out account pages: a forgotten password, and links that cannot be used.
		for p, page := range map[string]string{"/password/forgot": "password-forgot", "/password/reset/not-a-token": "password-reset", "/invitations/not-a-token": "invitation"} {
			rec = s.do(t, http.MethodGet, p, "", nil)
			if rec.Code != http.StatusOK && rec.Code != http.StatusNotFound {
				t.Errorf("GET %s: %d", p, rec.Code)
			}
			parsePage(t, "GET "+p, rec)
			rendered[page] = true
		}

		for _, name := range web.PageNames {
			if !rendered[name] {
				t.Errorf("page %s was never rendered by the GET routes tried (%v)", name, paths)
			}
		}
	})
}
