package web

import (
	"net/http"
	"strconv"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
)

// page reads ?after= and ?limit= for a list.
func page(r *http.Request) store.Page {
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	return store.Page{AfterID: after, Limit: limit}
}

// nextAfter is the cursor for the next page, or 0 when this page is not full.
func nextAfter(n int, p store.Page, lastID int64) int64 {
	limit := p.Limit
	if limit <= 0 {
		limit = store.DefaultPageSize
	}
	if n < limit {
		return 0
	}
	return lastID
}

func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	home, err := h.app.Home(r.Context(), u)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	h.render(w, r, "home", "Home", homePage{Home: home}) // savings.go: the chart cards
}

type mattersView struct {
	Matters   []store.MatterSummary
	Query     string
	Next      int64
	CanManage bool // new matter and import (matter_edit.go)
}

func (h *Handler) matters(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	p := page(r)
	q := r.URL.Query().Get("q")
	client, _ := strconv.ParseInt(r.URL.Query().Get("client"), 10, 64)
	ms, err := h.app.Matters(r.Context(), u, store.MatterFilter{Query: q, ClientID: client, Page: p})
	if err != nil {
		h.Error(w, r, err)
		return
	}
	v := mattersView{Matters: ms, Query: q, CanManage: app.Can(u, app.ManageMatters)}
	if len(ms) > 0 {
		v.Next = nextAfter(len(ms), p, ms[len(ms)-1].ID)
	}
	h.render(w, r, "matters", "Matters", v)
}

type engagementsView struct {
	Engagements []store.EngagementSummary
	Next        int64
}

func (h *Handler) engagements(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	p := page(r)
	es, err := h.app.Engagements(r.Context(), u, store.EngagementFilter{Stage: domain.Stage(r.URL.Query().Get("stage")), Page: p})
	if err != nil {
		h.Error(w, r, err)
		return
	}
	v := engagementsView{Engagements: es}
	if len(es) > 0 {
		v.Next = nextAfter(len(es), p, es[len(es)-1].ID)
	}
	h.render(w, r, "engagements", "Engagements", v)
}

type engagementView struct {
	app.EngagementView
	Diligence domain.Diligence
	Gates     app.EngagementGates // a proposal's opening gates (engagement_open.go)
	OpenError string              // why opening it was refused
	Consent   *consentCard        // the client-consent card (consent.go); nil for vendor users
}

func (h *Handler) engagement(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err == nil {
		var v app.EngagementView
		if v, err = h.app.Engagement(r.Context(), u, id); err == nil {
			h.renderEngagement(w, r, http.StatusOK, v, nil) // engagement_open.go: with the opening gates
			return
		}
	}
	if h.personnelBlocked(w, r, err) { // vendors.go: says what to renew
		return
	}
	h.Error(w, r, err)
}

// The vendor list and vendor page are in vendors.go.

type clientsView struct {
	Clients []domain.Client
	Next    int64
}

func (h *Handler) clients(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	p := page(r)
	cs, err := h.app.Clients(r.Context(), u, p)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	v := clientsView{Clients: cs}
	if len(cs) > 0 {
		v.Next = nextAfter(len(cs), p, cs[len(cs)-1].ID)
	}
	h.render(w, r, "clients", "Clients", v)
}

func formID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PostFormValue(name), 10, 64)
	return id
}
