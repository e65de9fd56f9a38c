package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// searchView is the general search page: the results, grouped by kind,
// each with the link to what it found.
type searchView struct {
	Query       string
	Kind        app.SearchKind
	KindLabel   string
	Searched    bool
	Error       string
	Total       int
	AtLeast     bool
	Gated       int
	PartySearch bool
	Groups      []searchGroupView
	AllHref     string // back to every group, when one group is shown
	MinLength   int
	MaxLength   int
}

type searchGroupView struct {
	app.SearchGroup
	Hits     []searchHitView
	MoreHref string
}

type searchHitView struct {
	app.SearchHit
	Href string
}

// searchHref is the page a hit opens.
func searchHref(h app.SearchHit) string {
	switch h.Kind {
	case app.SearchMatters:
		return fmt.Sprintf("/matters/%d", h.MatterID)
	case app.SearchPartyNames:
		return fmt.Sprintf("/matters/%d#parties", h.MatterID)
	case app.SearchVendorNames:
		return fmt.Sprintf("/vendors/%d", h.ID)
	case app.SearchEngagements:
		return fmt.Sprintf("/engagements/%d", h.EngagementID)
	case app.SearchDocuments:
		if h.Deliverable {
			return fmt.Sprintf("/engagements/%d/deliverables", h.EngagementID)
		}
		return fmt.Sprintf("/engagements/%d/documents/%d", h.EngagementID, h.ID)
	case app.SearchMessages:
		return fmt.Sprintf("/engagements/%d/messages/%d", h.EngagementID, h.ThreadID)
	}
	return "/search"
}

func searchLink(q string, k app.SearchKind) string {
	v := url.Values{"q": {q}}
	if k != "" {
		v.Set("kind", string(k))
	}
	return "/search?" + v.Encode()
}

// search is GET /search?q=…[&kind=…]: one box across what the viewer may see.
func (h *Handler) search(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	q, kind := r.URL.Query().Get("q"), app.SearchKind(r.URL.Query().Get("kind"))
	v := searchView{Query: strings.TrimSpace(q), Kind: kind, KindLabel: kind.Label(), PartySearch: app.Can(u, app.SearchParties),
		MinLength: app.MinSearchLength, MaxLength: app.MaxSearchLength}
	status := http.StatusOK
	if r.URL.Query().Has("q") {
		res, err := h.app.Search(r.Context(), u, q, kind)
		switch domain.ErrorCode(err) {
		case "":
			v.Searched, v.Query, v.Total, v.AtLeast, v.Gated = true, res.Query, res.Total, res.AtLeast, res.Gated
			for _, g := range res.Groups {
				gv := searchGroupView{SearchGroup: g}
				for _, hit := range g.Hits {
					gv.Hits = append(gv.Hits, searchHitView{SearchHit: hit, Href: searchHref(hit)})
				}
				if g.More && kind == "" {
					gv.MoreHref = searchLink(res.Query, g.Kind)
				}
				v.Groups = append(v.Groups, gv)
			}
			if kind != "" {
				v.AllHref = searchLink(res.Query, "")
			}
		case domain.EInvalid:
			v.Error, status = domain.ErrorMessage(err), httpx.Status(domain.EInvalid)
		default:
			h.Error(w, r, err)
			return
		}
	}
	title := "Search"
	if v.Searched {
		title = "Search: " + v.Query
	}
	h.renderStatus(w, r, status, "search", title, v)
}
