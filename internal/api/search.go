package api

import (
	"net/http"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/httpx"
)

// searchJSON is the general search's answer (openapi.json: SearchResults).
type searchJSON struct {
	Query   string            `json:"query"`
	Kind    string            `json:"kind,omitempty"`
	Total   int               `json:"total"`
	AtLeast bool              `json:"at_least"`
	Gated   int               `json:"gated"`
	Groups  []searchGroupJSON `json:"groups"`
}

type searchGroupJSON struct {
	Kind    string          `json:"kind"`
	Label   string          `json:"label"`
	Total   int             `json:"total"`
	More    bool            `json:"more"`
	AtLeast bool            `json:"at_least"`
	Items   []searchHitJSON `json:"items"`
}

type searchHitJSON struct {
	Name         string      `json:"name"`
	Where        string      `json:"where"`
	Snippet      snippetJSON `json:"snippet"`
	ID           *int64      `json:"id,omitempty"`
	MatterID     *int64      `json:"matter_id,omitempty"`
	EngagementID *int64      `json:"engagement_id,omitempty"`
	ThreadID     *int64      `json:"thread_id,omitempty"`
	VendorID     *int64      `json:"vendor_id,omitempty"`
	Deliverable  bool        `json:"deliverable,omitempty"`
}

type snippetJSON struct {
	Before string `json:"before"`
	Match  string `json:"match"`
	After  string `json:"after"`
}

// search is GET /search?q=…[&kind=…]: the general search across what the
// caller may see, grouped by kind.
func (h *Handler) search(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	res, err := h.app.Search(r.Context(), u, r.URL.Query().Get("q"), app.SearchKind(r.URL.Query().Get("kind")))
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := searchJSON{Query: res.Query, Kind: string(res.Kind), Total: res.Total, AtLeast: res.AtLeast, Gated: res.Gated, Groups: make([]searchGroupJSON, 0, len(res.Groups))}
	for _, g := range res.Groups {
		gj := searchGroupJSON{Kind: string(g.Kind), Label: g.Label, Total: g.Total, More: g.More, AtLeast: g.AtLeast, Items: make([]searchHitJSON, 0, len(g.Hits))}
		for _, x := range g.Hits {
			id, vendor := x.ID, int64(0)
			switch x.Kind {
			case app.SearchMatters, app.SearchEngagements:
				id = 0 // the matter_id / engagement_id says it
			case app.SearchVendorNames:
				id, vendor = 0, x.ID
			}
			gj.Items = append(gj.Items, searchHitJSON{Name: x.Name, Where: x.Where, Snippet: snippetJSON(x.Snippet), ID: optID(id), MatterID: optID(x.MatterID),
				EngagementID: optID(x.EngagementID), ThreadID: optID(x.ThreadID), VendorID: optID(vendor), Deliverable: x.Deliverable})
		}
		out.Groups = append(out.Groups, gj)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}
