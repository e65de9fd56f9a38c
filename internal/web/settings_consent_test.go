package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"golang.org/x/net/html"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/testenv"
)

// TestConsentPolicySetting: the firm administrator turns the client-consent
// gate off and on from the settings page; an attorney cannot, and a form
// without a choice changes nothing.
func TestConsentPolicySetting(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		ctx := context.Background()
		admin := s.signIn(t, "eleanor.hartwell@hartwellcrane.example", "192.0.2.80")
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.81")
		checked := func(doc *html.Node) string {
			sec := ogOne(t, "client consent", doc, ogID("client-consent"))
			for _, in := range elements(sec, func(n *html.Node) bool { return n.Data == "input" && attrOf(n, "name") == "consent_required" }) {
				for _, a := range in.Attr {
					if a.Key == "checked" {
						return attrOf(in, "value")
					}
				}
			}
			return ""
		}
		if got := checked(parsePage(t, "settings", s.do(t, http.MethodGet, "/admin/settings", admin, nil))); got != "on" {
			t.Fatalf("the default policy shows %q, want required (on)", got)
		}
		if rec := s.do(t, http.MethodPost, "/admin/settings/consent", marcus, url.Values{"consent_required": {"off"}}); rec.Code != http.StatusForbidden {
			t.Errorf("an attorney turning consent off: %d, want 403", rec.Code)
		}
		if rec := s.do(t, http.MethodPost, "/admin/settings/consent", admin, url.Values{}); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("no choice: %d, want 422", rec.Code)
		}
		if on, err := s.app.ConsentRequired(ctx, app.Operator); err != nil || !on {
			t.Fatalf("refused changes were saved: required=%v %v", on, err)
		}
		rec := s.do(t, http.MethodPost, "/admin/settings/consent", admin, url.Values{"consent_required": {"off"}})
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/settings?saved=consent#client-consent" {
			t.Fatalf("save: %d %s", rec.Code, rec.Header().Get("Location"))
		}
		if on, err := s.app.ConsentRequired(ctx, app.Operator); err != nil || on {
			t.Fatalf("after turning it off: required=%v %v", on, err)
		}
		if got := checked(parsePage(t, "saved", s.do(t, http.MethodGet, "/admin/settings?saved=consent", admin, nil))); got != "off" {
			t.Errorf("the page shows %q after turning consent off", got)
		}
	})
}
