package web

import (
	"net/http"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
)

type usersView struct {
	Users   []domain.User
	Roles   []domain.Role
	Vendors []domain.Vendor
	Clients []domain.Client
	Form    app.NewUser
	Error   string
	Field   string
	Created string
}

func (h *Handler) usersView(r *http.Request, u domain.User) (usersView, error) {
	v := usersView{Roles: domain.Roles}
	var err error
	if v.Users, err = h.app.Users(r.Context(), u, store.UserFilter{Page: store.Page{Limit: store.MaxPageSize}}); err != nil {
		return v, err
	}
	if v.Vendors, err = h.app.Vendors(r.Context(), u, store.Page{Limit: store.MaxPageSize}); err != nil {
		return v, err
	}
	v.Clients, err = h.app.Clients(r.Context(), u, store.Page{Limit: store.MaxPageSize})
	return v, err
}

func (h *Handler) users(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	v, err := h.usersView(r, u)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	v.Created = r.URL.Query().Get("created")
	h.render(w, r, "users", "Users", v)
}

func (h *Handler) createUser(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	in := app.NewUser{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Role: domain.Role(r.PostFormValue("role")),
		Title: r.PostFormValue("title"), TimeZone: r.PostFormValue("time_zone"), Password: r.PostFormValue("password")}
	in.VendorID = formID(r, "vendor_id")
	in.ClientID = formID(r, "client_id")
	if !in.Role.IsVendor() {
		in.VendorID = 0
	}
	if !in.Role.IsClient() {
		in.ClientID = 0
	}
	created, err := h.app.CreateUser(r.Context(), u, in)
	if err == nil {
		http.Redirect(w, r, "/admin/users?created="+created.Email, http.StatusSeeOther)
		return
	}
	code := domain.ErrorCode(err)
	if code != domain.EInvalid && code != domain.EConflict {
		h.Error(w, r, err)
		return
	}
	v, verr := h.usersView(r, u)
	if verr != nil {
		h.Error(w, r, verr)
		return
	}
	in.Password = ""
	v.Form, v.Error, v.Field = in, domain.ErrorMessage(err), domain.ErrorField(err)
	h.renderStatus(w, r, httpx.Status(code), "users", "Users", v)
}
