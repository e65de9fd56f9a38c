package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

type screenJSON struct {
	UserID    int64     `json:"user_id"`
	UserName  string    `json:"user_name"`
	Reason    string    `json:"reason"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

func (h *Handler) listScreens(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	ss, err := h.app.Screens(r.Context(), u, id)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := make([]screenJSON, 0, len(ss))
	for _, s := range ss {
		out = append(out, screenJSON{UserID: s.User.ID, UserName: s.User.Name, Reason: s.Reason, CreatedBy: s.CreatedBy, CreatedAt: s.CreatedAt})
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": out})
}

type newScreenJSON struct {
	UserID int64  `json:"user_id"`
	Reason string `json:"reason"`
}

func (h *Handler) addScreen(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var in newScreenJSON
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		err = h.app.ScreenUser(r.Context(), u, id, in.UserID, in.Reason)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) removeScreen(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var userID int64
	if err == nil {
		userID, err = strconv.ParseInt(r.PathValue("user_id"), 10, 64)
		if err != nil || userID <= 0 {
			err = domain.NotFound("screen")
		}
	}
	if err == nil {
		err = h.app.Unscreen(r.Context(), u, id, userID, r.URL.Query().Get("reason"))
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
