package web_test

import (
	"net/http"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

// TestBillingRedirect: the firm's "Billing" entry opens the client
// invoices; nobody else has billing pages there.
func TestBillingRedirect(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		for _, c := range []struct {
			email string
			want  int
		}{
			{"rosa.jimenez@hartwellcrane.example", http.StatusSeeOther},
			{"marcus.oyelaran@hartwellcrane.example", http.StatusSeeOther},
			{"helen.calloway@callowayfreight.example", http.StatusForbidden},
		} {
			rec := s.do(t, http.MethodGet, "/billing", s.signIn(t, c.email, "192.0.2.40"), nil)
			if rec.Code != c.want || c.want == http.StatusSeeOther && rec.Header().Get("Location") != "/invoices" {
				t.Errorf("%s GET /billing: %d %s, want %d", c.email, rec.Code, rec.Header().Get("Location"), c.want)
			}
		}
	})
}
