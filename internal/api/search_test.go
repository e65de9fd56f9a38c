package api_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

type searchResultJSON struct {
	Query  string            `json:"query"`
	Total  int               `json:"total"`
	Gated  int               `json:"gated"`
	Groups []searchGroupJSON `json:"groups"`
}

type searchGroupJSON struct {
	Kind  string `json:"kind"`
	Total int    `json:"total"`
	More  bool   `json:"more"`
	Items []struct {
		Name     string `json:"name"`
		MatterID *int64 `json:"matter_id"`
		Snippet  struct {
			Before, Match, After string
		} `json:"snippet"`
	} `json:"items"`
}

func (r searchResultJSON) matters() []int64 {
	var out []int64
	for _, g := range r.Groups {
		for _, it := range g.Items {
			if it.MatterID != nil {
				out = append(out, *it.MatterID)
			}
		}
	}
	return out
}

func TestSearchAPI(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		eleanor := f.as(emailOf(t, "Eleanor Hartwell"))
		priya := f.as(emailOf(t, "Priya Raman"))
		anika := f.as(emailOf(t, "Anika Deshmukh"))
		ardent := findID(t, eleanor, "/api/v1/matters?q=2026-0177", "number", "2026-0177")

		q := "/api/v1/search?q=" + url.QueryEscape("SOLACE")
		var el, pr, an searchResultJSON
		eleanor.getJSON(t, q, &el)
		priya.getJSON(t, q, &pr)
		anika.getJSON(t, q, &an)
		if !slices.Contains(el.matters(), ardent) || el.Total == 0 {
			t.Fatalf("Eleanor: %+v", el)
		}
		if slices.Contains(pr.matters(), ardent) || pr.Gated != 0 {
			t.Fatalf("Priya, screened, finds Ardent: %+v", pr)
		}
		if slices.Contains(an.matters(), ardent) || slices.ContainsFunc(an.Groups, func(g searchGroupJSON) bool {
			return g.Kind == "parties"
		}) {
			t.Fatalf("a vendor's search: %+v", an)
		}
		for _, g := range el.Groups {
			for _, it := range g.Items {
				if !strings.EqualFold(it.Snippet.Match, "solace") {
					t.Fatalf("%s snippet %+v", g.Kind, it.Snippet)
				}
			}
		}
		var one searchResultJSON
		eleanor.getJSON(t, "/api/v1/search?kind=matters&q=solace", &one)
		if len(one.Groups) != 1 || one.Groups[0].Kind != "matters" {
			t.Fatalf("one group: %+v", one)
		}
		wantError(t, eleanor.get(t, "/api/v1/search?q=s"), http.StatusUnprocessableEntity, "invalid")
		wantError(t, eleanor.get(t, "/api/v1/search?q=solace&kind=invoices"), http.StatusUnprocessableEntity, "invalid")
	})
}
