package web

import (
	"net/http"
	"strconv"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
)

// matterPage is the matter page: its facts, and for attorneys and
// administrators its ethical screens with a form to add one.
type matterPage struct {
	app.MatterView
	CanScreen  bool
	CanManage  bool // edit the matter and its strategy notes (matter_edit.go)
	Screens    []store.ScreenEntry
	Candidates []domain.User
	Error      string
	Field      string
	Form       struct {
		UserID int64
		Reason string
	}
	Propose   proposeView // "Propose a vendor" (engagement_open.go)
	PartyEdit partyEdit   // adding and removing parties and aliases (parties.go)
}

func (h *Handler) matter(w http.ResponseWriter, r *http.Request) {
	h.renderMatter(w, r, http.StatusOK, nil, 0, "")
}

// renderMatter shows the matter page, with a failed screen form's error and input.
func (h *Handler) renderMatter(w http.ResponseWriter, r *http.Request, status int, formErr error, userID int64, reason string) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	v := matterPage{CanScreen: app.Can(u, app.ManageScreens), CanManage: app.Can(u, app.ManageMatters)}
	if v.MatterView, err = h.app.Matter(r.Context(), u, id); err != nil {
		h.Error(w, r, err)
		return
	}
	if v.CanScreen {
		if v.Screens, err = h.app.Screens(r.Context(), u, id); err == nil {
			v.Candidates, err = h.app.ScreenCandidates(r.Context(), u)
		}
		if err != nil {
			h.Error(w, r, err)
			return
		}
	}
	if formErr != nil {
		v.Error, v.Field = domain.ErrorMessage(formErr), domain.ErrorField(formErr)
		v.Form.UserID, v.Form.Reason = userID, reason
	}
	v.PartyEdit = partyEditOf(r, u)
	if v.Propose, err = h.proposal(r, u, v.Matter); err != nil {
		h.Error(w, r, err)
		return
	}
	h.renderStatus(w, r, status, "matter", v.Matter.Number+" "+v.Matter.Title, v)
}

// addScreen puts up an ethical screen from the matter page's form.
func (h *Handler) addScreen(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	userID, _ := strconv.ParseInt(r.PostFormValue("user_id"), 10, 64)
	reason := r.PostFormValue("reason")
	err = h.app.ScreenUser(r.Context(), u, id, userID, reason)
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/matters/"+r.PathValue("id")+"#screens", http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict:
		h.renderMatter(w, r, httpx.Status(domain.ErrorCode(err)), err, userID, reason)
	default:
		h.Error(w, r, err)
	}
}

// removeScreen lifts an ethical screen.
func (h *Handler) removeScreen(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var userID int64
	if err == nil {
		userID, err = pathID(r, "user")
	}
	if err == nil {
		err = h.app.Unscreen(r.Context(), u, id, userID, r.PostFormValue("reason"))
	}
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/matters/"+r.PathValue("id")+"#screens", http.StatusSeeOther)
	case domain.EInvalid:
		h.renderMatter(w, r, httpx.Status(domain.EInvalid), err, 0, "")
	default:
		h.Error(w, r, err)
	}
}
