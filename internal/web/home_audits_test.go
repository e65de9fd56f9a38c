package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// TestHomeShowsAuditsDue: an attorney's first screen lists the quality
// audits due on the engagements they supervise, agreeing with MyAudits
// (the demo has one due this week on Calloway/Lexora); client contacts
// get no such card.
func TestHomeShowsAuditsDue(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		ctx := context.Background()
		var marcus domain.User
		if err := s.app.Store.Read(ctx, func(tx *store.Tx) (err error) {
			marcus, _, err = tx.UserByEmail(ctx, "marcus.oyelaran@hartwellcrane.example")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		mine, err := s.app.MyAudits(ctx, marcus)
		if err != nil {
			t.Fatal(err)
		}
		if len(mine) == 0 {
			t.Fatal("the demo should give Marcus an audit due this week")
		}
		doc := parsePage(t, "home", s.do(t, http.MethodGet, "/home", s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.97"), nil))
		if got := strings.TrimSpace(text(ogOne(t, "audit count", doc, ogID("audits-count")))); got != strconv.Itoa(len(mine)) {
			t.Errorf("the home page counts %s audits, MyAudits holds %d", got, len(mine))
		}
		links := elements(ogOne(t, "audits card", doc, ogID("home-audits")), func(n *html.Node) bool {
			return n.Data == "a" && strings.Contains(attrOf(n, "href"), "/audits")
		})
		if len(links) < len(mine) {
			t.Errorf("%d audit links on the card, want at least %d", len(links), len(mine))
		}
		for _, who := range []string{"sam.okafor@greenfieldcu.example", "helen.calloway@callowayfreight.example"} {
			rec := s.do(t, http.MethodGet, "/home", s.signIn(t, who, "192.0.2.98"), nil)
			if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `id="home-audits"`) {
				t.Errorf("%s: status %d, or sees the auditor's card", who, rec.Code)
			}
		}
	})
}
