package web

import (
	"fmt"
	"net/http"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
)

type userView struct {
	User   domain.User
	Org    string
	Self   bool   // the administrator is looking at their own account
	Done   string // "disabled" or "enabled", after the action
	Error  string
	Viewer string // the viewer's time zone
}

func (h *Handler) userView(r *http.Request, viewer domain.User, id int64) (userView, error) {
	u, err := h.app.User(r.Context(), viewer, id)
	if err != nil {
		return userView{}, err
	}
	v := userView{User: u, Self: u.ID == viewer.ID, Viewer: viewer.TimeZone}
	switch {
	case u.Role.IsVendor():
		if vv, err := h.app.Vendor(r.Context(), viewer, u.VendorID); err == nil {
			v.Org = vv.Vendor.Name
		}
	case u.Role.IsClient():
		cs, _ := h.app.Clients(r.Context(), viewer, store.Page{Limit: store.MaxPageSize})
		for _, c := range cs {
			if c.ID == u.ClientID {
				v.Org = c.Name
			}
		}
	default:
		if f, err := h.app.Firm(r.Context()); err == nil {
			v.Org = f.Name
		}
	}
	return v, nil
}

func (h *Handler) user(w http.ResponseWriter, r *http.Request) {
	viewer, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var v userView
	if err == nil {
		v, err = h.userView(r, viewer, id)
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	if d := r.URL.Query().Get("done"); d == "disabled" || d == "enabled" {
		v.Done = d
	}
	h.render(w, r, "user", v.User.Name, v)
}

func (h *Handler) disableUser(w http.ResponseWriter, r *http.Request) { h.setDisabled(w, r, true) }

func (h *Handler) enableUser(w http.ResponseWriter, r *http.Request) { h.setDisabled(w, r, false) }

func (h *Handler) setDisabled(w http.ResponseWriter, r *http.Request, disable bool) {
	viewer, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	done := "enabled"
	if disable {
		_, err = h.app.DisableUser(r.Context(), viewer, id)
		done = "disabled"
	} else {
		_, err = h.app.EnableUser(r.Context(), viewer, id)
	}
	if err == nil {
		http.Redirect(w, r, fmt.Sprintf("/admin/users/%d?done=%s", id, done), http.StatusSeeOther)
		return
	}
	code := domain.ErrorCode(err)
	if code != domain.EConflict && code != domain.EForbidden {
		h.Error(w, r, err)
		return
	}
	v, verr := h.userView(r, viewer, id)
	if verr != nil {
		h.Error(w, r, verr)
		return
	}
	v.Error = domain.ErrorMessage(err)
	h.renderStatus(w, r, httpx.Status(code), "user", v.User.Name, v)
}
