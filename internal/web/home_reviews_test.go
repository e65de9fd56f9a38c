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

// TestAttorneyHomeFlagsReviews: the attorney's first screen counts the
// deliverable versions waiting for their review and flags the overdue ones,
// agreeing with the review queue; staff and vendor users get no such card.
func TestAttorneyHomeFlagsReviews(t *testing.T) {
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
		queue, err := s.app.ReviewQueue(ctx, marcus)
		if err != nil {
			t.Fatal(err)
		}
		overdue := 0
		for _, q := range queue {
			if q.Overdue {
				overdue++
			}
		}
		if len(queue) == 0 || overdue == 0 {
			t.Fatalf("the demo should give Marcus reviews waiting, one overdue: %d waiting, %d overdue", len(queue), overdue)
		}
		session := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.95")
		doc := parsePage(t, "home", s.do(t, http.MethodGet, "/home", session, nil))
		if got := strings.TrimSpace(text(ogOne(t, "review count", doc, ogID("reviews-count")))); got != strconv.Itoa(len(queue)) {
			t.Errorf("the home page counts %s reviews, the queue holds %d", got, len(queue))
		}
		if got := text(ogOne(t, "overdue notice", doc, ogID("reviews-overdue"))); !strings.HasPrefix(strings.TrimSpace(got), strconv.Itoa(overdue)+" overdue") {
			t.Errorf("overdue notice %q, want %d overdue", got, overdue)
		}
		links := elements(ogOne(t, "reviews card", doc, ogID("home-reviews")), func(n *html.Node) bool {
			return n.Data == "a" && strings.Contains(attrOf(n, "href"), "/deliverables/versions/")
		})
		if len(links) != min(5, len(queue)) {
			t.Errorf("%d review links, want %d", len(links), min(5, len(queue)))
		}
		for _, who := range []string{"daniel.brooks@hartwellcrane.example", "helen.calloway@callowayfreight.example"} {
			rec := s.do(t, http.MethodGet, "/home", s.signIn(t, who, "192.0.2.96"), nil)
			if strings.Contains(rec.Body.String(), `id="home-reviews"`) {
				t.Errorf("%s's home shows the attorney's review card", who)
			}
		}
	})
}
