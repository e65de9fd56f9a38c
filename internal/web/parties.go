package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// Party editing on the matter page (add a party, add or remove an alias,
// remove a party) and the firm-wide party search. Each calls the same use
// case as the API.

// partyRoles are the roles offered when adding a party, in display order.
var partyRoles = []domain.PartyRole{domain.PartyClient, domain.PartyAdverse, domain.PartyCoParty, domain.PartyThirdParty, domain.PartyWitness}

// partyForm is what the party forms hold.
type partyForm struct {
	Name, Role, Aliases, Alias, Reason string
}

// partyEdit is the matter page's party editing: whether the viewer may
// edit, and a failed form's error and input.
type partyEdit struct {
	Can     bool
	Roles   []domain.PartyRole
	Error   string
	Field   string
	PartyID int64 // the party whose form failed; 0 for the add form
	Form    partyForm
}

// partyState carries a failed party form from its POST handler to
// renderMatter, which shows the error next to the field.
type partyState struct {
	partyID int64
	form    partyForm
	err     error
}

type partyStateKey struct{}

// partyEditOf builds the matter page's party editing for u.
func partyEditOf(r *http.Request, u domain.User) partyEdit {
	pe := partyEdit{Can: app.Can(u, app.EditParties), Roles: partyRoles, Form: partyForm{Role: string(domain.PartyAdverse)}}
	if st, ok := r.Context().Value(partyStateKey{}).(partyState); ok {
		pe.PartyID, pe.Form = st.partyID, st.form
		pe.Error, pe.Field = domain.ErrorMessage(st.err), domain.ErrorField(st.err)
	}
	return pe
}

// partyFailed shows the matter page again with a failed party form, or the
// error page when the failure is not the input's.
func (h *Handler) partyFailed(w http.ResponseWriter, r *http.Request, matterID int64, st partyState) {
	switch code := domain.ErrorCode(st.err); code {
	case domain.EInvalid, domain.EConflict:
		r = r.WithContext(context.WithValue(r.Context(), partyStateKey{}, st))
		r.SetPathValue("id", strconv.FormatInt(matterID, 10))
		h.renderMatter(w, r, httpx.Status(code), nil, 0, "")
	default:
		h.Error(w, r, st.err)
	}
}

// addParty adds a party to a matter from the matter page.
func (h *Handler) addParty(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	f := partyForm{Name: r.PostFormValue("name"), Role: r.PostFormValue("role"), Aliases: r.PostFormValue("aliases")}
	p := domain.Party{Name: f.Name, Role: domain.PartyRole(f.Role), Aliases: strings.Split(strings.ReplaceAll(f.Aliases, "\r\n", "\n"), "\n")}
	if _, err = h.app.AddParty(r.Context(), u, id, p); err != nil {
		h.partyFailed(w, r, id, partyState{form: f, err: err})
		return
	}
	http.Redirect(w, r, "/matters/"+strconv.FormatInt(id, 10)+"#parties", http.StatusSeeOther)
}

// partyChange runs a change to one party (/parties/{id}/…) and returns to
// its matter's page.
func (h *Handler) partyChange(w http.ResponseWriter, r *http.Request, f partyForm, change func(ctx context.Context, u domain.User, partyID int64) error) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var p domain.Party
	if err == nil {
		p, err = h.app.Party(r.Context(), u, id)
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	if err := change(r.Context(), u, id); err != nil {
		h.partyFailed(w, r, p.MatterID, partyState{partyID: id, form: f, err: err})
		return
	}
	http.Redirect(w, r, "/matters/"+strconv.FormatInt(p.MatterID, 10)+"#parties", http.StatusSeeOther)
}

// addAlias records another name of a party.
func (h *Handler) addAlias(w http.ResponseWriter, r *http.Request) {
	alias := r.PostFormValue("alias")
	h.partyChange(w, r, partyForm{Alias: alias}, func(ctx context.Context, u domain.User, id int64) error { return h.app.AddAlias(ctx, u, id, alias) })
}

// removeAlias takes an alias off a party.
func (h *Handler) removeAlias(w http.ResponseWriter, r *http.Request) {
	alias := r.PostFormValue("alias")
	h.partyChange(w, r, partyForm{}, func(ctx context.Context, u domain.User, id int64) error { return h.app.RemoveAlias(ctx, u, id, alias) })
}

// removeParty takes a party off its matter, with a reason.
func (h *Handler) removeParty(w http.ResponseWriter, r *http.Request) {
	reason := r.PostFormValue("reason")
	h.partyChange(w, r, partyForm{Reason: reason}, func(ctx context.Context, u domain.User, id int64) error { return h.app.RemoveParty(ctx, u, id, reason) })
}

// partySearchView is the party search page.
type partySearchView struct {
	app.PartySearch
	Searched  bool
	Error     string
	Threshold float64
}

// partySearch answers "who is this name related to?" across the matters the
// viewer may see and the vendors' disclosures.
func (h *Handler) partySearch(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	q := r.URL.Query().Get("q")
	if !app.Can(u, app.SearchParties) {
		h.Error(w, r, domain.Errorf(domain.EForbidden, "party search is for the firm's people"))
		return
	}
	v := partySearchView{PartySearch: app.PartySearch{Query: strings.TrimSpace(q)}, Threshold: app.ConflictThreshold}
	status := http.StatusOK
	if strings.TrimSpace(q) != "" {
		res, err := h.app.SearchParties(r.Context(), u, q)
		switch domain.ErrorCode(err) {
		case "":
			v.PartySearch, v.Searched = res, true
		case domain.EInvalid:
			v.Error, status = domain.ErrorMessage(err), httpx.Status(domain.EInvalid)
		default:
			h.Error(w, r, err)
			return
		}
	}
	h.renderStatus(w, r, status, "party-search", "Party search", v)
}
