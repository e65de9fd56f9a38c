package web

import (
	"net/http"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// The account's profile page: a person's name, time zone and locale, which
// decide how every other page writes dates, times and money for them.

type profileView struct {
	Form    app.Profile // the values shown: saved ones, or the submitted ones after an error
	Error   string
	Field   string
	Saved   bool
	Locales []domain.Locale
	Zones   []string // suggestions; any IANA name is accepted
	Sample  time.Time
	SampleM domain.Money
}

// commonZones are offered as suggestions in the time-zone field.
var commonZones = []string{"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Toronto",
	"Europe/London", "Europe/Dublin", "Europe/Paris", "Europe/Berlin", "Asia/Kolkata", "Asia/Manila", "Asia/Singapore",
	"Asia/Colombo", "Australia/Sydney", "Africa/Johannesburg", "UTC"}

func (h *Handler) profile(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	f := app.Profile{Name: u.Name, TimeZone: u.TimeZone, Locale: string(u.Locale)}
	if f.Locale == "" {
		f.Locale = string(domain.DefaultLocale)
	}
	h.renderProfile(w, r, http.StatusOK, profileView{Form: f, Saved: r.URL.Query().Get("saved") == "1"})
}

func (h *Handler) saveProfile(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	in := app.Profile{Name: r.PostFormValue("name"), TimeZone: r.PostFormValue("time_zone"), Locale: r.PostFormValue("locale")}
	_, err := h.app.UpdateProfile(r.Context(), u, in)
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/account/profile?saved=1", http.StatusSeeOther)
	case domain.EInvalid:
		h.renderProfile(w, r, http.StatusUnprocessableEntity, profileView{Form: in, Error: domain.ErrorMessage(err), Field: domain.ErrorField(err)})
	default:
		h.Error(w, r, err)
	}
}

func (h *Handler) renderProfile(w http.ResponseWriter, r *http.Request, status int, v profileView) {
	v.Locales, v.Zones = domain.Locales, commonZones
	v.Sample, v.SampleM = h.app.Now(), domain.NewMoney(123456789, "USD")
	h.renderStatus(w, r, status, "profile", "Your profile", v)
}
