package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/probity/probity/internal/testenv"
)

// The vendor manager submits from the engagement's Invoices tab (a refused
// form keeps its input and marks the field); the firm lists, reads and
// disputes; the vendor cannot dispute; another vendor and the client see
// nothing.
func TestVendorInvoicePages(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		id, _ := auditEngagement(t, s)
		for _, q := range []string{`DELETE FROM vendor_invoice_messages`, `DELETE FROM vendor_invoice_lines`, `DELETE FROM vendor_invoices`} {
			if _, err := s.app.Store.DB().Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		anika := s.signIn(t, "anika.deshmukh@lexora.example", "192.0.2.120")
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.121")
		helen := s.signIn(t, "helen.calloway@callowayfreight.example", "192.0.2.122")
		maria := s.signIn(t, "maria.santos@bayanihan.example", "192.0.2.123")
		tab := fmt.Sprintf("/engagements/%d/invoices", id)
		count := func() int {
			var n int
			if err := s.app.Store.DB().QueryRow(`SELECT COUNT(*) FROM vendor_invoices`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		doc := parsePage(t, "invoices tab", s.do(t, http.MethodGet, tab, anika, nil))
		form := ogOne(t, "submit form", doc, func(n *html.Node) bool { return n.Data == "form" && attrOf(n, "action") == tab })
		in := url.Values{"number": {""}, "start": {"2026-01-01"}, "end": {"2026-12-31"}}
		for _, n := range elements(form, func(n *html.Node) bool { return n.Data == "input" }) {
			name := attrOf(n, "name")
			switch {
			case name == "entry":
				in.Add("entry", attrOf(n, "value"))
			case strings.HasPrefix(name, "person_"):
				in.Set(name, attrOf(n, "value"))
			case strings.HasPrefix(name, "class_"):
				in.Set(name, "ASSOC")
			case strings.HasPrefix(name, "rate_"):
				in.Set(name, "1650")
			}
		}
		if len(in["entry"]) == 0 {
			t.Fatal("the form lists no approved time to invoice")
		}
		for _, a := range ogOne(t, "date", form, func(n *html.Node) bool { return attrOf(n, "name") == "date" }).Attr {
			if a.Key == "value" {
				in.Set("date", a.Val)
			}
		}

		// Refused: no number; the input is kept and the field marked.
		rec := s.do(t, http.MethodPost, tab, anika, in)
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("no number: %d %.300s", rec.Code, rec.Body.String())
		}
		bad := parsePage(t, "refused", rec)
		num := ogOne(t, "number input", bad, func(n *html.Node) bool { return attrOf(n, "name") == "number" })
		if attrOf(num, "aria-invalid") != "true" || idText(bad, "form-error") == "" {
			t.Errorf("the number is not marked invalid")
		}
		if st := ogOne(t, "start", bad, func(n *html.Node) bool { return attrOf(n, "name") == "start" }); attrOf(st, "value") != "2026-01-01" {
			t.Errorf("the period was not kept: %q", attrOf(st, "value"))
		}
		if n := count(); n != 0 {
			t.Fatalf("a refused form saved %d invoices", n)
		}

		in.Set("number", "LX-WEB-1")
		rec = s.do(t, http.MethodPost, tab, anika, in)
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/vendor-invoices/") {
			t.Fatalf("submit: %d %s %.500s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
		}
		page := rec.Header().Get("Location")

		list := parsePage(t, "vendor invoices", s.do(t, http.MethodGet, "/vendor-invoices", marcus, nil))
		table := ogOne(t, "list", list, ogID("vendor-invoices"))
		if !strings.Contains(text(table), "LX-WEB-1") {
			t.Errorf("the firm's list lacks the invoice: %q", text(table))
		}
		ogOne(t, "billing tabs", list, func(n *html.Node) bool { return n.Data == "nav" && attrOf(n, "aria-label") == "Billing" })
		inv := parsePage(t, "invoice", s.do(t, http.MethodGet, page, marcus, nil))
		if idText(inv, "flag-count") == "" || idText(inv, "total") == "" {
			t.Errorf("the invoice page lacks its totals")
		}
		rows := elements(inv, func(n *html.Node) bool { return n.Data == "tr" && strings.HasPrefix(attrOf(n, "id"), "line-") })
		if len(rows) != len(in["entry"]) {
			t.Fatalf("%d lines shown, %d entries billed", len(rows), len(in["entry"]))
		}
		line := strings.TrimPrefix(attrOf(rows[0], "id"), "line-")

		if rec := s.do(t, http.MethodPost, page+"/lines/"+line+"/dispute", anika, url.Values{"message": {"self-dispute"}}); rec.Code != http.StatusForbidden {
			t.Errorf("the vendor disputing: %d", rec.Code)
		}
		for who, sess := range map[string]string{"another vendor": maria, "the client": helen} {
			if rec := s.do(t, http.MethodGet, page, sess, nil); rec.Code != http.StatusNotFound {
				t.Errorf("%s reading the invoice: %d", who, rec.Code)
			}
		}
		if rec := s.do(t, http.MethodPost, page+"/lines/"+line+"/dispute", marcus, url.Values{"message": {"Show the batch report."}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("dispute: %d %.300s", rec.Code, rec.Body.String())
		}
		inv = parsePage(t, "disputed", s.do(t, http.MethodGet, page, marcus, nil))
		if idText(inv, "invoice-state") != "disputed" {
			t.Errorf("state after the dispute: %q", idText(inv, "invoice-state"))
		}
		// Approval waits for the dispute: refused on the page, nothing changes.
		if rec := s.do(t, http.MethodPost, page+"/approve", marcus, url.Values{"fx_rate": {"0.012"}, "fx_date": {"2026-01-02"}}); rec.Code != http.StatusConflict {
			t.Errorf("approving with a disputed line: %d", rec.Code)
		}

		csv := s.do(t, http.MethodGet, "/vendor-invoices.csv", marcus, nil)
		if !strings.HasPrefix(csv.Header().Get("Content-Type"), "text/csv") || !strings.Contains(csv.Body.String(), "LX-WEB-1") {
			t.Errorf("CSV: %s %.200s", csv.Header().Get("Content-Type"), csv.Body.String())
		}
	})
}
