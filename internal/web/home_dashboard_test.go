package web_test

import (
	"context"
	"encoding/csv"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/seed"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
	"github.com/probity/probity/internal/web"
)

// seededHome is the web handler's routes over the Small generated set, the
// clock on its day, with the set's people.
type seededHome struct {
	app    *app.App
	routes map[string]http.HandlerFunc
	people map[string]domain.User
}

func newSeededHome(t *testing.T, e testenv.Engine) *seededHome {
	t.Helper()
	ctx := context.Background()
	s := testenv.OpenStore(t, e)
	size := seed.Small
	size.Now = time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
	p, err := seed.Generate(ctx, s, size, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(s, app.DefaultConfig(), slog.New(slog.DiscardHandler))
	a.Now = func() time.Time { return size.Now }
	h, err := web.New(a, httpx.Cookies{}, "test")
	if err != nil {
		t.Fatal(err)
	}
	sh := &seededHome{app: a, routes: map[string]http.HandlerFunc{}, people: map[string]domain.User{}}
	for _, r := range h.Routes() {
		sh.routes[r.Pattern] = r.Handler
	}
	err = s.Read(ctx, func(tx *store.Tx) error {
		for name, id := range map[string]int64{"admin": p.Admin, "attorney": p.Attorney, "staff": p.Staff, "vendor": p.VendorManager, "professional": p.VendorProfessional, "client": p.ClientContact} {
			u, err := tx.User(ctx, id)
			if err != nil {
				return err
			}
			sh.people[name] = u
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

// get answers GET path as the person, through the route's handler.
func (sh *seededHome) get(t *testing.T, who, path string) *httptest.ResponseRecorder {
	t.Helper()
	hf := sh.routes["GET "+path]
	if hf == nil {
		t.Fatalf("no route GET %s", path)
	}
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r = r.WithContext(httpx.WithUser(r.Context(), sh.people[who]))
	w := httptest.NewRecorder()
	hf(w, r)
	return w
}

func (sh *seededHome) page(t *testing.T, who string) *html.Node {
	t.Helper()
	rec := sh.get(t, who, "/home")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /home as %s: %d", who, rec.Code)
	}
	doc, err := html.Parse(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestHomeDashboardSections: each role's first screen has its own
// sections and not the others', each count agrees with the app's figures,
// and every link in a section leads somewhere (no empty href).
func TestHomeDashboardSections(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		sh := newSeededHome(t, e)
		ctx := context.Background()
		all := []string{"home-blocked", "home-consents", "home-deadlines", "home-expiring", "home-quality", "home-vendors", "home-overrides", "home-security",
			"home-briefings", "home-changes", "home-vendor-deadlines", "home-corrective", "home-vendor-invoices",
			"home-client-consents", "home-released", "home-client-invoices", "home-client-audits"}
		for _, c := range []struct {
			who    string
			has    []string
			counts func(app.Home) map[string]int
		}{
			{"attorney", []string{"home-blocked", "home-consents", "home-deadlines", "home-expiring"}, func(h app.Home) map[string]int {
				return map[string]int{"blocked-count": h.Attorney.Blocked.Total, "consents-count": h.Attorney.Consents.Total,
					"deadlines-count": h.Attorney.Deadlines.Total, "expiring-count": len(h.Attorney.Expiring)}
			}},
			{"admin", []string{"home-quality", "home-vendors", "home-overrides", "home-security"}, func(h app.Home) map[string]int {
				return map[string]int{"overrides-count": h.Firm.Overrides.Total}
			}},
			{"vendor", []string{"home-briefings", "home-changes", "home-vendor-deadlines", "home-corrective", "home-vendor-invoices"}, func(h app.Home) map[string]int {
				return map[string]int{"briefings-count": h.Vendor.Briefings.Total, "changes-count": h.Vendor.Changes.Total,
					"deadlines-count": h.Vendor.Deadlines.Total, "corrective-count": h.Vendor.Corrective.Total}
			}},
			{"professional", []string{"home-briefings", "home-changes", "home-vendor-deadlines"}, nil},
			{"client", []string{"home-client-consents", "home-released", "home-client-invoices", "home-client-audits"}, func(h app.Home) map[string]int {
				return map[string]int{"client-consents-count": h.Client.Consents.Total, "released-count": h.Client.Released.Total}
			}},
			{"staff", nil, nil},
		} {
			doc := sh.page(t, c.who)
			for _, id := range all {
				found := len(elements(doc, ogID(id))) == 1
				want := false
				for _, h := range c.has {
					want = want || h == id
				}
				if found != want {
					t.Errorf("%s: section %s shown = %v, want %v", c.who, id, found, want)
				}
				if !found {
					continue
				}
				sec := elements(doc, ogID(id))[0]
				for _, a := range elements(sec, func(n *html.Node) bool { return n.Data == "a" }) {
					if href := attrOf(a, "href"); href == "" || strings.Contains(href, "/0/") || strings.HasSuffix(href, "/0") {
						t.Errorf("%s: %s has a link to %q", c.who, id, href)
					}
				}
				if len(elements(sec, func(n *html.Node) bool { return n.Data == "tr" || n.Data == "li" })) == 0 && len(elements(sec, func(n *html.Node) bool { return attrOf(n, "class") == "empty" })) == 0 {
					t.Errorf("%s: %s lists nothing and says nothing about what to do", c.who, id)
				}
			}
			if c.counts == nil {
				continue
			}
			h, err := sh.app.Home(ctx, sh.people[c.who])
			if err != nil {
				t.Fatal(err)
			}
			for id, want := range c.counts(h) {
				if got := strings.TrimSpace(text(ogOne(t, id, doc, ogID(id)))); got != strconv.Itoa(want) {
					t.Errorf("%s: %s shows %s, the app counts %d", c.who, id, got, want)
				}
			}
		}
	})
}

// TestHomeChartCSVIsTheChart: each chart's CSV holds exactly the numbers of
// the chart's table on the same person's page (same labels, the same
// values once formatted as the table formats them, the same notes), and a
// person whose page has no such chart is refused.
func TestHomeChartCSVIsTheChart(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		sh := newSeededHome(t, e)
		oneDecimal := func(s string) string {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("CSV value %q: %v", s, err)
			}
			return strconv.FormatFloat(v, 'f', 1, 64)
		}
		same := func(s string) string { return s }
		for _, c := range []struct {
			who, name, figure string
			format            func(string) string
		}{
			{"admin", "audit-errors", "home-quality-chart", oneDecimal},
			{"admin", "hours-freed", "home-hours-chart", same},
			{"attorney", "hours-freed", "home-hours-chart", same},
		} {
			doc := sh.page(t, c.who)
			fig := ogOne(t, c.figure, doc, ogID(c.figure))
			var table [][]string
			for _, tr := range elements(fig, func(n *html.Node) bool { return n.Data == "tr" }) {
				var row []string
				for _, cell := range elements(tr, func(n *html.Node) bool { return n.Data == "td" || n.Data == "th" }) {
					row = append(row, strings.TrimSpace(text(cell)))
				}
				table = append(table, row)
			}
			rec := sh.get(t, c.who, "/home/charts/"+c.name+".csv")
			if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
				t.Fatalf("%s %s.csv: %d %s", c.who, c.name, rec.Code, rec.Header().Get("Content-Type"))
			}
			rows, err := csv.NewReader(rec.Body).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(table) || len(rows) < 2 {
				t.Fatalf("%s %s: %d CSV rows, the chart's table has %d", c.who, c.name, len(rows), len(table))
			}
			for i := 1; i < len(rows); i++ {
				csvRow, tab := rows[i], table[i]
				want := []string{csvRow[0], c.format(csvRow[1]), c.format(csvRow[2]) + " – " + c.format(csvRow[3]), csvRow[4]}
				if strings.Join(want, "|") != strings.Join(tab, "|") {
					t.Errorf("%s %s row %d: CSV %v, table %v", c.who, c.name, i, want, tab)
				}
			}
		}
		for _, c := range []struct{ who, name string }{{"attorney", "audit-errors"}, {"client", "hours-freed"}, {"vendor", "vendors"}, {"staff", "savings-passed"}} {
			if rec := sh.get(t, c.who, "/home/charts/"+c.name+".csv"); rec.Code != http.StatusForbidden {
				t.Errorf("%s %s.csv: %d, want 403", c.who, c.name, rec.Code)
			}
		}
	})
}
