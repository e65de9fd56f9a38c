package api

import (
	"net/http"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/httpx"
)

// profileJSON is what a person may change about themselves.
type profileJSON struct {
	Name     string `json:"name"`
	TimeZone string `json:"time_zone"`
	Locale   string `json:"locale"`
}

// putProfile changes the caller's own name, time zone and locale.
func (h *Handler) putProfile(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	var in profileJSON
	if err := decode(w, r, &in); err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	saved, err := h.app.UpdateProfile(r.Context(), u, app.Profile{Name: in.Name, TimeZone: in.TimeZone, Locale: in.Locale})
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, user(saved))
}
