package api

import (
	"net/http"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
)

type tokenJSON struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	UserEmail  string     `json:"user_email"`
	Name       string     `json:"name"`
	Scope      string     `json:"scope"`
	Prefix     string     `json:"prefix"`
	Status     string     `json:"status"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// newTokenJSON is a token just created: the only time its secret is shown.
type newTokenJSON struct {
	tokenJSON
	Token string `json:"token"`
}

func tokenTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func tokenOut(now time.Time) func(store.APITokenSummary) tokenJSON {
	return func(t store.APITokenSummary) tokenJSON {
		return tokenJSON{ID: t.ID, UserID: t.UserID, UserEmail: t.UserEmail, Name: t.Name, Scope: string(t.Scope), Prefix: t.Prefix,
			Status: string(t.Status(now)), CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt, LastUsedAt: tokenTime(t.LastUsedAt), RevokedAt: tokenTime(t.RevokedAt)}
	}
}

func tokenID(t store.APITokenSummary) int64 { return t.ID }

// tokenFilter reads the list parameters shared by both token lists.
func tokenFilter(r *http.Request) (app.TokenFilter, error) {
	p, err := pageOf(r)
	if err != nil {
		return app.TokenFilter{}, err
	}
	f := app.TokenFilter{Page: p}
	switch r.URL.Query().Get("status") {
	case "", "all":
	case "active":
		f.ActiveOnly = true
	default:
		return app.TokenFilter{}, domain.Invalid("status", "status must be active or all")
	}
	return f, nil
}

func (h *Handler) listTokens(w http.ResponseWriter, r *http.Request, f app.TokenFilter) {
	u, _ := httpx.User(r)
	ts, err := h.app.ListTokens(r.Context(), u, f)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, newList(ts, f.Page, tokenOut(h.app.Now()), tokenID))
}

// listMyTokens lists the caller's own API tokens.
func (h *Handler) listMyTokens(w http.ResponseWriter, r *http.Request) {
	f, err := tokenFilter(r)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	h.listTokens(w, r, f)
}

// listAllTokens lists everyone's API tokens, for firm administrators.
func (h *Handler) listAllTokens(w http.ResponseWriter, r *http.Request) {
	f, err := tokenFilter(r)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	f.AllUsers = true
	if email := r.URL.Query().Get("user"); email != "" {
		f.AllUsers, f.UserEmail = false, email
	}
	h.listTokens(w, r, f)
}

type newTokenRequest struct {
	Name          string `json:"name"`
	Scope         string `json:"scope"`
	ExpiresInDays *int   `json:"expires_in_days"`
}

// createMyToken issues a token to the caller, from a signed-in session only:
// a token that could mint tokens could outlive its own expiry and revocation.
func (h *Handler) createMyToken(w http.ResponseWriter, r *http.Request) {
	if _, viaToken := httpx.APIToken(r); viaToken {
		httpx.WriteJSONError(w, r, domain.Errorf(domain.EForbidden,
			"an API token cannot create API tokens: create them signed in to Probity (API tokens, beside your name), or ask an operator to run probity token create"))
		return
	}
	u, _ := httpx.User(r)
	var in newTokenRequest
	if err := decode(w, r, &in); err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	var lifetime time.Duration
	if in.ExpiresInDays != nil {
		if *in.ExpiresInDays < 1 || *in.ExpiresInDays > 365 {
			httpx.WriteJSONError(w, r, domain.Invalid("expires_in_days", "expires_in_days must be between 1 and 365"))
			return
		}
		lifetime = time.Duration(*in.ExpiresInDays) * 24 * time.Hour
	}
	secret, t, err := h.app.CreateToken(r.Context(), u, app.TokenRequest{Name: in.Name, Scope: domain.TokenScope(in.Scope), Lifetime: lifetime})
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	j := tokenOut(h.app.Now())(store.APITokenSummary{APIToken: t, UserName: u.Name, UserEmail: u.Email})
	httpx.WriteJSON(w, http.StatusCreated, newTokenJSON{tokenJSON: j, Token: secret})
}

// revokeMyToken revokes one of the caller's own tokens.
func (h *Handler) revokeMyToken(w http.ResponseWriter, r *http.Request) {
	h.revoke(w, r, true)
}

// revokeAnyToken revokes a token of the caller's, or (administrators) anyone's.
func (h *Handler) revokeAnyToken(w http.ResponseWriter, r *http.Request) {
	h.revoke(w, r, false)
}

func (h *Handler) revoke(w http.ResponseWriter, r *http.Request, ownOnly bool) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	revoke := h.app.RevokeToken
	if ownOnly {
		revoke = h.app.RevokeOwnToken
	}
	t, err := revoke(r.Context(), u, id)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, tokenOut(h.app.Now())(t))
}
