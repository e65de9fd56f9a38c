package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/testenv"
)

// TestBillingPolicySettingPage: the firm administrator sets the billing policy
// in percent from the settings page; an attorney cannot; a refused figure
// is shown at its field with everything typed kept, and changes nothing.
func TestBillingPolicySettingPage(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		ctx := context.Background()
		admin := s.signIn(t, "eleanor.hartwell@hartwellcrane.example", "192.0.2.90")
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.91")
		values := func(doc *html.Node) map[string]string {
			sec := ogOne(t, "billing policy", doc, ogID("billing-policy"))
			out := map[string]string{}
			for _, in := range elements(sec, func(n *html.Node) bool { return n.Data == "input" && attrOf(n, "type") != "hidden" }) {
				out[attrOf(in, "name")] = attrOf(in, "value")
			}
			return out
		}
		stored := func() domain.BillingPolicy {
			p, err := s.app.BillingPolicy(ctx, app.Operator)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		doc := parsePage(t, "settings", s.do(t, http.MethodGet, "/admin/settings", admin, nil))
		def := domain.DefaultBillingPolicy()
		want := map[string]string{"overhead_cap": domain.PercentBP(def.OverheadCapBP), "markup_cap": domain.PercentBP(def.MarkupCapBP), "min_saving_shared": domain.PercentBP(def.MinSavingSharedBP), "day_hours": "10"}
		address := func() string {
			a, err := s.app.FirmAddress(ctx, app.Operator)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		before := address()
		if got := values(doc); len(got) != 5 || got["firm_address"] != before || got["overhead_cap"] != want["overhead_cap"] || got["markup_cap"] != want["markup_cap"] || got["min_saving_shared"] != want["min_saving_shared"] || got["day_hours"] != "10" {
			t.Fatalf("the default policy shows %v, want %v", got, want)
		}
		if lead := text(ogOne(t, "billing policy", doc, ogID("billing-policy"))); !strings.Contains(lead, "08-451") || !strings.Contains(lead, "never marked up") {
			t.Errorf("the card does not state the rules: %q", lead)
		}

		fields := []string{"overhead_cap", "markup_cap", "min_saving_shared", "day_hours", "firm_address"}
		form := url.Values{"overhead_cap": {"7.5"}, "markup_cap": {"20"}, "min_saving_shared": {"60"}, "day_hours": {"10.5"},
			"firm_address": {"1 Probity Plaza, New York, NY 10001"}}
		if rec := s.do(t, http.MethodPost, "/admin/settings/billing", marcus, form); rec.Code != http.StatusForbidden {
			t.Errorf("an attorney setting the billing policy: %d, want 403", rec.Code)
		}
		for _, c := range []struct {
			field, value string
		}{
			{"overhead_cap", "ten"},
			{"markup_cap", "101"},
			{"min_saving_shared", "50.125"},
			{"day_hours", "25"},
			{"day_hours", "10.25"},
			{"firm_address", "500 Fifth Avenue\nNew York"},
		} {
			bad := url.Values{}
			for _, k := range fields {
				bad.Set(k, form.Get(k))
			}
			bad.Set(c.field, c.value)
			rec := s.do(t, http.MethodPost, "/admin/settings/billing", admin, bad)
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("%s=%q: %d, want 422", c.field, c.value, rec.Code)
			}
			doc := parsePage(t, "refused", rec)
			got := values(doc)
			for _, k := range fields {
				if got[k] != bad.Get(k) {
					t.Errorf("%s=%q: the input %s shows %q, want %q kept", c.field, c.value, k, got[k], bad.Get(k))
				}
			}
			sec := ogOne(t, "billing policy", doc, ogID("billing-policy"))
			in := ogOne(t, "the field at fault", sec, func(n *html.Node) bool { return n.Data == "input" && attrOf(n, "aria-invalid") == "true" })
			if attrOf(in, "name") != c.field {
				t.Errorf("%s=%q: %s marked invalid", c.field, c.value, attrOf(in, "name"))
			}
			if msg := ogOne(t, "the field's error", sec, ogID(c.field+"-error")); !strings.Contains(attrOf(in, "aria-describedby"), c.field+"-error") || text(msg) == "" {
				t.Errorf("%s: the error is not tied to the field", c.field)
			}
		}
		if p := stored(); p != def || address() != before {
			t.Fatalf("refused changes were saved: %+v, address %q", p, address())
		}

		rec := s.do(t, http.MethodPost, "/admin/settings/billing", admin, form)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/settings?saved=billing#billing-policy" {
			t.Fatalf("save: %d %s", rec.Code, rec.Header().Get("Location"))
		}
		if p := stored(); p != (domain.BillingPolicy{OverheadCapBP: 750, MarkupCapBP: 2000, MinSavingSharedBP: 6000, DayHoursFlag: 105}) {
			t.Fatalf("stored %+v", p)
		}
		if a := address(); a != "1 Probity Plaza, New York, NY 10001" {
			t.Fatalf("stored address %q", a)
		}
		doc = parsePage(t, "saved", s.do(t, http.MethodGet, "/admin/settings?saved=billing", admin, nil))
		if got := values(doc); got["overhead_cap"] != "7.5" || got["markup_cap"] != "20" || got["min_saving_shared"] != "60" || got["day_hours"] != "10.5" {
			t.Errorf("the page shows %v after saving", got)
		}
		ogOne(t, "saved notice", ogOne(t, "billing policy", doc, ogID("billing-policy")), func(n *html.Node) bool { return attrOf(n, "role") == "status" })
	})
}
