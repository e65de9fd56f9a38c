package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
)

// invitationRow is one invitation in the administrators' table.
type invitationRow struct {
	app.Invitation
	State      domain.InvitationState
	StateClass string
	Org        string
}

type invitationsView struct {
	Rows       []invitationRow
	Roles      []domain.Role
	Vendors    []domain.Vendor
	Clients    []domain.Client
	Form       app.NewInvitation
	Error      string
	Field      string
	Sent       string // the address just invited
	Revoked    string
	ExpiryDays int
	Delivery   bool // mail is delivered; otherwise it waits in the development outbox
	CanSet     bool // may change the expiry setting
	TimeZone   string
}

func (h *Handler) invitationsView(r *http.Request, u domain.User) (invitationsView, error) {
	v := invitationsView{Roles: domain.Roles, Delivery: h.app.Config.Mail.Delivery, CanSet: app.Can(u, app.ManageSettings), TimeZone: u.TimeZone}
	invs, err := h.app.Invitations(r.Context(), u, store.InvitationFilter{Limit: store.MaxPageSize})
	if err != nil {
		return v, err
	}
	firm := ""
	if f, err := h.app.Firm(r.Context()); err == nil {
		firm = f.Name
	}
	now := h.app.Now()
	for _, inv := range invs {
		row := invitationRow{Invitation: inv, State: inv.StateAt(now), Org: firm}
		switch {
		case inv.Role.IsVendor():
			row.Org = inv.VendorName
		case inv.Role.IsClient():
			row.Org = inv.ClientName
		}
		switch row.State {
		case domain.InvitationPending:
			row.StateClass = "wait"
		case domain.InvitationAccepted:
			row.StateClass = "ok"
		default:
			row.StateClass = "muted"
		}
		v.Rows = append(v.Rows, row)
	}
	ttl, err := h.app.InvitationExpiry(r.Context(), u)
	if err != nil {
		return v, err
	}
	v.ExpiryDays = int(ttl / (24 * time.Hour))
	if v.Vendors, err = h.app.Vendors(r.Context(), u, store.Page{Limit: store.MaxPageSize}); err != nil {
		return v, err
	}
	v.Clients, err = h.app.Clients(r.Context(), u, store.Page{Limit: store.MaxPageSize})
	return v, err
}

func (h *Handler) invitations(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	v, err := h.invitationsView(r, u)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	q := r.URL.Query()
	v.Sent, v.Revoked = q.Get("sent"), q.Get("revoked")
	v.Form.Role = domain.RoleVendorProfessional
	h.render(w, r, "invitations", "Invitations", v)
}

func (h *Handler) invite(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	in := app.NewInvitation{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Role: domain.Role(r.PostFormValue("role")),
		VendorID: formID(r, "vendor_id"), ClientID: formID(r, "client_id")}
	if !in.Role.IsVendor() {
		in.VendorID = 0
	}
	if !in.Role.IsClient() {
		in.ClientID = 0
	}
	inv, err := h.app.Invite(r.Context(), u, in)
	if err == nil {
		http.Redirect(w, r, "/admin/invitations?sent="+url.QueryEscape(inv.Email), http.StatusSeeOther)
		return
	}
	h.invitationsFormError(w, r, u, in, err)
}

func (h *Handler) invitationsFormError(w http.ResponseWriter, r *http.Request, u domain.User, in app.NewInvitation, err error) {
	code := domain.ErrorCode(err)
	if code != domain.EInvalid && code != domain.EConflict {
		h.Error(w, r, err)
		return
	}
	v, verr := h.invitationsView(r, u)
	if verr != nil {
		h.Error(w, r, verr)
		return
	}
	v.Form, v.Error, v.Field = in, domain.ErrorMessage(err), domain.ErrorField(err)
	h.renderStatus(w, r, httpx.Status(code), "invitations", "Invitations", v)
}

func (h *Handler) revokeInvitation(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err == nil {
		var inv app.Invitation
		if inv, err = h.app.RevokeInvitation(r.Context(), u, id); err == nil {
			http.Redirect(w, r, "/admin/invitations?revoked="+url.QueryEscape(inv.Email), http.StatusSeeOther)
			return
		}
	}
	h.Error(w, r, err)
}

func (h *Handler) setInvitationExpiry(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	days, convErr := strconv.Atoi(r.PostFormValue("expiry_days"))
	err := h.app.SetInvitationExpiry(r.Context(), u, days)
	if convErr != nil && err == nil {
		err = domain.Invalid("expiry_days", "enter a whole number of days")
	}
	if err == nil {
		http.Redirect(w, r, "/admin/invitations", http.StatusSeeOther)
		return
	}
	h.invitationsFormError(w, r, u, app.NewInvitation{Role: domain.RoleVendorProfessional}, err)
}

// invitationView is the page an invitee opens from their email.
type invitationView struct {
	Invitation app.Invitation
	Firm       string
	Org        string
	Problem    string // why the link cannot be used; the form is not shown
	// OrgEndsSentence: the lead names an organisation ending in a full stop
	// ("… Inc."), so it needs no other.
	OrgEndsSentence bool
	Error           string // a mistake in the form
	Field           string
	TimeZone        string
}

// secretPage marks a response whose URL holds a secret token: never cached,
// and never sent on as a Referer, even to this site's own assets.
func secretPage(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
}

func (h *Handler) invitationPage(w http.ResponseWriter, r *http.Request) {
	secretPage(w)
	inv, firm, err := h.app.OpenInvitation(r.Context(), r.PathValue("token"))
	h.renderInvitation(w, r, inv, firm.Name, err, invitationView{TimeZone: "UTC"})
}

func (h *Handler) renderInvitation(w http.ResponseWriter, r *http.Request, inv app.Invitation, firm string, err error, v invitationView) {
	v.Invitation, v.Firm, v.Org = inv, firm, firm
	switch {
	case inv.Role.IsVendor():
		v.Org = inv.VendorName
	case inv.Role.IsClient():
		v.Org = inv.ClientName
	}
	v.OrgEndsSentence = v.Org != v.Firm && strings.HasSuffix(v.Org, ".")
	status := http.StatusOK
	if err != nil {
		code := domain.ErrorCode(err)
		if code != domain.ENotFound && code != domain.EConflict && code != domain.EInvalid && code != domain.EForbidden {
			h.Error(w, r, err)
			return
		}
		status = httpx.Status(code)
		if code == domain.EInvalid {
			v.Error, v.Field = domain.ErrorMessage(err), domain.ErrorField(err)
		} else {
			v.Problem = domain.ErrorMessage(err)
		}
	}
	title := "Accept your invitation"
	if v.Problem != "" {
		title = "This invitation cannot be used"
	}
	h.renderStatus(w, r, status, "invitation", title, v)
}

func (h *Handler) acceptInvitation(w http.ResponseWriter, r *http.Request) {
	secretPage(w)
	token := r.PathValue("token")
	password, tz := r.PostFormValue("password"), r.PostFormValue("time_zone")
	var u domain.User
	err := passwordsMatch(password, r.PostFormValue("password_again"))
	if err == nil {
		u, err = h.app.AcceptInvitation(r.Context(), token, app.Acceptance{Password: password, TimeZone: tz})
	}
	if err != nil {
		inv, firm, openErr := h.app.OpenInvitation(r.Context(), token)
		if openErr != nil {
			err = openErr // the link itself is the problem: say so, not the form
		}
		h.renderInvitation(w, r, inv, firm.Name, err, invitationView{TimeZone: tz})
		return
	}
	// Sign in exactly as the sign-in form does, so the firm's rules (such as
	// setting up a second factor) apply from the first moment.
	r.PostForm.Set("email", u.Email)
	r.PostForm.Set("next", "/home")
	h.signIn(w, r)
}

// passwordsMatch checks the repeated password of a form.
func passwordsMatch(password, again string) error {
	if password != again {
		return domain.Invalid("password_again", "the two passwords are not the same")
	}
	return nil
}
