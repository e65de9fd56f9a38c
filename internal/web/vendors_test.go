package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// registryIDs finds the demo vendors, users and engagements the registry
// pages are tried with.
type registryIDs struct {
	vendors   map[string]int64 // by first word of the name
	users     map[string]int64 // by full name
	bayGreen  int64            // Bayanihan's engagement on the Greenfield matter
	adminMail string
}

func findRegistryIDs(t *testing.T, s *site) registryIDs {
	t.Helper()
	ctx := context.Background()
	ids := registryIDs{vendors: map[string]int64{}, users: map[string]int64{}}
	vs, err := s.app.Vendors(ctx, app.Operator, store.Page{Limit: store.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		ids.vendors[strings.Fields(v.Name)[0]] = v.ID
	}
	us, err := s.app.Users(ctx, app.Operator, store.UserFilter{Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		ids.users[u.Name] = u.ID
		if u.Role == domain.RoleFirmAdmin && ids.adminMail == "" {
			ids.adminMail = u.Email
		}
	}
	es, err := s.app.Engagements(ctx, app.Operator, store.EngagementFilter{VendorID: ids.vendors["Bayanihan"], Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.MatterNumber == "2026-0203" {
			ids.bayGreen = e.ID
		}
	}
	if ids.bayGreen == 0 || len(ids.vendors) != 4 {
		t.Fatalf("demo ids: %+v", ids)
	}
	return ids
}

func byID(doc *html.Node, id string) []*html.Node {
	return elements(doc, func(n *html.Node) bool { return attrOf(n, "id") == id })
}

func TestVendorRegistryPages(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		ids := findRegistryIDs(t, s)
		admin := s.signIn(t, ids.adminMail, "192.0.2.40")
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.41")
		anika := s.signIn(t, "anika.deshmukh@lexora.example", "192.0.2.42")

		// The list shows status, countries and services; only administrators get the form.
		doc := parsePage(t, "GET /vendors", s.do(t, http.MethodGet, "/vendors", admin, nil))
		rows := elements(doc, func(n *html.Node) bool { return n.Data == "tr" && attrOf(n, "data-vendor") != "" })
		if len(rows) != 4 {
			t.Fatalf("%d vendor rows, want 4", len(rows))
		}
		lexora := elements(doc, func(n *html.Node) bool { return attrOf(n, "data-vendor") == fmt.Sprint(ids.vendors["Lexora"]) })
		if got := text(lexora[0]); !strings.Contains(got, "Active") || !strings.Contains(got, "Document review, E-discovery") || !strings.Contains(got, "Pune") {
			t.Errorf("Lexora's row: %q", got)
		}
		bay := elements(doc, func(n *html.Node) bool { return attrOf(n, "data-vendor") == fmt.Sprint(ids.vendors["Bayanihan"]) })
		if got := text(bay[0]); !strings.Contains(got, "1 change to review") || !strings.Contains(got, "SG") {
			t.Errorf("Bayanihan's row: %q", got)
		}
		if len(byID(doc, "add-vendor")) != 1 {
			t.Errorf("the administrator has no Add a vendor form")
		}
		doc = parsePage(t, "GET /vendors as Marcus", s.do(t, http.MethodGet, "/vendors", marcus, nil))
		if len(byID(doc, "add-vendor")) != 0 {
			t.Errorf("an attorney is offered the Add a vendor form")
		}

		// A near duplicate is refused on the page, next to the field, keeping the input.
		rec := s.do(t, http.MethodPost, "/vendors", admin, url.Values{"name": {"Keystone Review"}, "country": {"US"}, "currency": {"USD"}})
		if rec.Code != http.StatusConflict {
			t.Fatalf("near-duplicate vendor: %d", rec.Code)
		}
		doc = parsePage(t, "POST /vendors near duplicate", rec)
		if alert := byID(doc, "vendor-error"); len(alert) != 1 || !strings.Contains(text(alert[0]), "Keystone Review LLC") {
			t.Errorf("no error naming the existing vendor")
		}
		if in := byID(doc, "v-name"); len(in) != 1 || attrOf(in[0], "aria-invalid") != "true" || attrOf(in[0], "value") != "Keystone Review" {
			t.Errorf("the name field is not marked or lost the input")
		}
		rec = s.do(t, http.MethodPost, "/vendors", admin, url.Values{"name": {"Northwind Legal Support"}, "country": {"ZA"}, "currency": {"ZAR"}, "city": {"Cape Town"}})
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/vendors/") {
			t.Fatalf("creating a vendor: %d %s", rec.Code, rec.Header().Get("Location"))
		}

		// The vendor manager edits the profile on its own page; bad input is
		// shown at its field and saves nothing.
		lex := fmt.Sprint(ids.vendors["Lexora"])
		form := url.Values{"legal_name": {"Lexora Legal Services Private Limited"}, "country": {"IN"}, "city": {"Pune"}, "website": {"https://lexora.example"},
			"performance_countries": {"IN"}, "storage_countries": {"IN, Singapore"}, "services": {"document_review", "ediscovery"},
			"sub_name": {"Sahyadri Data Centres Pvt. Ltd.", ""}, "sub_country": {"IN", ""}, "sub_work": {"Hosts the review platform's servers in a Tier III data centre in Pune", ""},
			"ins_kind": {"cyber"}, "ins_carrier": {"Deccan General"}, "ins_limit": {"50,000,000"}, "ins_currency": {"INR"}, "ins_expires_on": {"2030-01-01"},
			"contact_name": {"Anika Deshmukh"}, "contact_role": {"Delivery manager"}, "contact_email": {"anika.deshmukh@lexora.example"}, "contact_phone": {""}}
		doc = parsePage(t, "GET profile form", s.do(t, http.MethodGet, "/vendors/"+lex+"/profile", anika, nil))
		if len(elements(doc, func(n *html.Node) bool { return n.Data == "select" && attrOf(n, "name") == "status" })) != 0 {
			t.Errorf("the vendor manager is offered the registry status")
		}
		rec = s.do(t, http.MethodPost, "/vendors/"+lex+"/profile", anika, form)
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("bad storage country: %d", rec.Code)
		}
		doc = parsePage(t, "POST profile bad", rec)
		if in := byID(doc, "p-store"); len(in) != 1 || attrOf(in[0], "aria-invalid") != "true" || len(byID(doc, "profile-error")) != 1 {
			t.Errorf("the storage field is not marked invalid")
		}
		form.Set("storage_countries", "IN, SG")
		form["ins_limit"] = []string{"50,00"}
		rec = s.do(t, http.MethodPost, "/vendors/"+lex+"/profile", anika, form)
		doc = parsePage(t, "POST profile bad limit", rec)
		if in := byID(doc, "ins-limit-1"); rec.Code != http.StatusUnprocessableEntity || len(in) != 1 || attrOf(in[0], "aria-invalid") != "true" {
			t.Errorf("a limit that is not an amount: %d, not marked on its row", rec.Code)
		}
		doc = parsePage(t, "vendor page before", s.do(t, http.MethodGet, "/vendors/"+lex, marcus, nil))
		if n := len(elements(doc, func(n *html.Node) bool { return attrOf(n, "data-change") != "" })); n != 0 {
			t.Fatalf("refused saves flagged %d changes", n)
		}
		form["ins_limit"] = []string{"50,000,000"}
		if rec = s.do(t, http.MethodPost, "/vendors/"+lex+"/profile", anika, form); rec.Code != http.StatusSeeOther {
			t.Fatalf("saving the profile: %d\n%.400s", rec.Code, rec.Body.String())
		}

		// The firm sees the change, and acknowledges it.
		doc = parsePage(t, "vendor page after", s.do(t, http.MethodGet, "/vendors/"+lex, marcus, nil))
		changes := elements(doc, func(n *html.Node) bool { return attrOf(n, "data-change") != "" })
		if len(changes) != 1 || !strings.Contains(text(changes[0]), "data stored in IN, SG") {
			t.Fatalf("flagged changes: %d", len(changes))
		}
		if forms := elements(changes[0], func(n *html.Node) bool { return n.Data == "form" }); len(forms) != 1 {
			t.Errorf("no acknowledge form for the attorney")
		}
		doc = parsePage(t, "vendor page as Anika", s.do(t, http.MethodGet, "/vendors/"+lex, anika, nil))
		if forms := elements(doc, func(n *html.Node) bool {
			return n.Data == "form" && strings.HasSuffix(attrOf(n, "action"), "/acknowledge")
		}); len(forms) != 0 {
			t.Errorf("the vendor is offered to acknowledge its own change")
		}
		if len(byID(doc, "edit-profile")) != 1 {
			t.Errorf("the vendor manager has no Edit the profile action")
		}
		rec = s.do(t, http.MethodPost, "/vendors/"+lex+"/changes/acknowledge", marcus, url.Values{"change_id": {attrOf(changes[0], "data-change")}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("acknowledging: %d", rec.Code)
		}
		// The hosting subcontractor stays approved (same name, same country).
		doc = parsePage(t, "vendor page acknowledged", s.do(t, http.MethodGet, "/vendors/"+lex, marcus, nil))
		if n := len(elements(doc, func(n *html.Node) bool { return attrOf(n, "data-change") != "" })); n != 0 {
			t.Errorf("%d changes still shown after acknowledging", n)
		}
		subs := elements(doc, func(n *html.Node) bool { return attrOf(n, "data-subcontractor") != "" })
		if len(subs) != 1 || !strings.Contains(text(subs[0]), "Approved by the firm") {
			t.Errorf("subcontractors: %d", len(subs))
		}
		if people := elements(doc, func(n *html.Node) bool { return attrOf(n, "data-person") != "" }); len(people) != 3 {
			t.Errorf("Lexora shows %d people, want 3", len(people))
		}
	})
}

func TestPersonnelPagesAndTheBlock(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		ids := findRegistryIDs(t, s)
		jose := s.signIn(t, "jose.reyes@bayanihan.example", "192.0.2.50")
		maria := s.signIn(t, "maria.santos@bayanihan.example", "192.0.2.51")
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.52")
		bay, joseID := ids.vendors["Bayanihan"], ids.users["Jose Reyes"]
		record := fmt.Sprintf("/vendors/%d/people/%d", bay, joseID)

		// Jose's NDA has lapsed: the engagement says what to renew and leads to his record.
		rec := s.do(t, http.MethodGet, fmt.Sprintf("/engagements/%d", ids.bayGreen), jose, nil)
		if rec.Code != http.StatusConflict {
			t.Fatalf("Jose opening his engagement: %d", rec.Code)
		}
		doc := parsePage(t, "blocked engagement", rec)
		if !strings.Contains(text(doc), "NDA expired") || !strings.Contains(text(doc), "Maria Santos") {
			t.Errorf("the page does not say what to renew and who renews it: %q", text(byID(doc, "main")[0]))
		}
		if a := byID(doc, "err-action"); len(a) != 1 || attrOf(a[0], "href") != record {
			t.Errorf("no link to Jose's personnel record")
		}
		doc = parsePage(t, "Jose's record", s.do(t, http.MethodGet, record, jose, nil))
		if len(byID(doc, "person-blocked")) != 1 || len(byID(doc, "person-form")) != 0 {
			t.Errorf("Jose's own record: blocked alert %d, edit form %d (want 1, 0)", len(byID(doc, "person-blocked")), len(byID(doc, "person-form")))
		}
		// Jose may not read Maria's record.
		if rec := s.do(t, http.MethodGet, fmt.Sprintf("/vendors/%d/people/%d", bay, ids.users["Maria Santos"]), jose, nil); rec.Code != http.StatusNotFound {
			t.Errorf("Jose reading Maria's record: %d", rec.Code)
		}

		// Maria renews it; a date that is not one is shown at its field.
		doc = parsePage(t, "Maria's view", s.do(t, http.MethodGet, record, maria, nil))
		if len(byID(doc, "person-form")) != 1 {
			t.Fatalf("the vendor manager has no form")
		}
		form := url.Values{"position": {"Contract analyst"}, "experience_years": {"4"}, "nda_signed_on": {"2026-13-01"},
			"confidentiality_completed_on": {"2025-12-01"}, "confidentiality_expires_on": {"2099-12-01"}, "ethics_completed_on": {"2025-12-01"}, "ethics_expires_on": {"2099-12-01"},
			"bar_jurisdiction": {""}, "bar_number": {""}, "bar_status": {"active"}, "bar_admitted_on": {""}}
		rec = s.do(t, http.MethodPost, record, maria, form)
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("a bad date: %d", rec.Code)
		}
		doc = parsePage(t, "bad date", rec)
		if in := byID(doc, "pp-nda"); len(in) != 1 || attrOf(in[0], "aria-invalid") != "true" || attrOf(in[0], "value") != "2026-13-01" {
			t.Errorf("the NDA field is not marked, or lost the input")
		}
		form.Set("nda_signed_on", "2025-12-01")
		if rec = s.do(t, http.MethodPost, record, maria, form); rec.Code != http.StatusSeeOther {
			t.Fatalf("renewing: %d\n%.400s", rec.Code, rec.Body.String())
		}
		doc = parsePage(t, "renewed", s.do(t, http.MethodGet, record, marcus, nil))
		if st := byID(doc, "person-status"); len(st) != 1 || text(st[0]) != "Clear" {
			t.Errorf("status after renewal: %v", st)
		}
		if rec = s.do(t, http.MethodGet, fmt.Sprintf("/engagements/%d", ids.bayGreen), jose, nil); rec.Code != http.StatusOK {
			t.Errorf("Jose after renewal: %d", rec.Code)
		}

		// The firm verifies a bar admission; the vendor cannot.
		thomas := fmt.Sprintf("/vendors/%d/people/%d", ids.vendors["Keystone"], ids.users["Thomas Walsh"])
		if rec = s.do(t, http.MethodPost, thomas+"/verify", maria, url.Values{"jurisdiction": {"Pennsylvania"}}); rec.Code != http.StatusNotFound {
			t.Errorf("another vendor's manager verifying: %d", rec.Code)
		}
		if rec = s.do(t, http.MethodPost, thomas+"/verify", marcus, url.Values{"jurisdiction": {"Pennsylvania"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("verifying: %d", rec.Code)
		}
		doc = parsePage(t, "Thomas's record", s.do(t, http.MethodGet, thomas, marcus, nil))
		if !strings.Contains(text(doc), "Verified") || !strings.Contains(text(doc), "by Marcus Oyelaran") {
			t.Errorf("the verification is not shown")
		}
	})
}
