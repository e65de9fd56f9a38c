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

// tokenRow is one token in a table, with where it stands now.
type tokenRow struct {
	store.APITokenSummary
	Status      domain.TokenStatus
	StatusClass string
	ShowOwner   bool   // in the administrators' table of everyone's tokens
	CSRF        string // for the revoke button
	// Times in the viewer's time zone: days for creation and expiry, the
	// minute for the last use and revocation ("" for never).
	Created, Expires, LastUsed, Revoked string
}

// newToken is a token just created: the one time its secret is shown.
type newToken struct {
	Secret string
	Name   string
	Scope  domain.TokenScope
	Expiry time.Time
}

type tokenForm struct {
	Name  string
	Scope string
	Days  string
}

type tokensView struct {
	Tokens  []tokenRow
	Others  []tokenRow // administrators: everyone else's active tokens
	IsAdmin bool
	Form    tokenForm
	Error   string
	Field   string
	Created *newToken
	Revoked string
	MaxDays int
}

func rowsOf(r *http.Request, viewer domain.User, ts []store.APITokenSummary, now time.Time, showOwner bool) []tokenRow {
	// In the viewer's zone and locale; "" for never.
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return viewer.Locale.FormatDay(t, viewer.TimeZone)
	}
	moment := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return viewer.Locale.FormatDateTime(t, viewer.TimeZone)
	}
	out := make([]tokenRow, 0, len(ts))
	for _, t := range ts {
		st := t.Status(now)
		class := "ok"
		if st != domain.TokenActive {
			class = "muted"
		}
		out = append(out, tokenRow{APITokenSummary: t, Status: st, StatusClass: class, ShowOwner: showOwner, CSRF: httpx.CSRFToken(r),
			Created: day(t.CreatedAt), Expires: day(t.ExpiresAt), LastUsed: moment(t.LastUsedAt), Revoked: moment(t.RevokedAt)})
	}
	return out
}

func (h *Handler) tokensView(r *http.Request, u domain.User) (tokensView, error) {
	v := tokensView{MaxDays: int(domain.MaxTokenLifetime / (24 * time.Hour)), Form: tokenForm{Scope: string(domain.TokenRead), Days: "90"}}
	now := h.app.Now()
	mine, err := h.app.ListTokens(r.Context(), u, app.TokenFilter{NewestFirst: true, Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		return v, err
	}
	v.Tokens = rowsOf(r, u, mine, now, false)
	if app.Can(u, app.ManageAPITokens) {
		v.IsAdmin = true
		all, err := h.app.ListTokens(r.Context(), u, app.TokenFilter{AllUsers: true, ActiveOnly: true, NewestFirst: true, Page: store.Page{Limit: store.MaxPageSize}})
		if err != nil {
			return v, err
		}
		for _, t := range rowsOf(r, u, all, now, true) {
			if t.UserID != u.ID {
				v.Others = append(v.Others, t)
			}
		}
	}
	return v, nil
}

// tokens is the API tokens page: one's own tokens, a form for a new one and,
// for administrators, everyone else's active tokens.
func (h *Handler) tokens(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	v, err := h.tokensView(r, u)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	v.Revoked = r.URL.Query().Get("revoked")
	h.render(w, r, "tokens", "API tokens", v)
}

// createToken issues a token and shows it on the page it answers with,
// never in a redirect, so the secret is in no URL, history or log.
func (h *Handler) createToken(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	form := tokenForm{Name: r.PostFormValue("name"), Scope: r.PostFormValue("scope"), Days: strings.TrimSpace(r.PostFormValue("expires_in_days"))}
	secret, t, err := h.createTokenFrom(r, u, form)
	v, verr := h.tokensView(r, u)
	if verr != nil {
		h.Error(w, r, verr)
		return
	}
	if err != nil {
		code := domain.ErrorCode(err)
		if code != domain.EInvalid && code != domain.EConflict {
			h.Error(w, r, err)
			return
		}
		v.Form, v.Error, v.Field = form, domain.ErrorMessage(err), domain.ErrorField(err)
		h.renderStatus(w, r, httpx.Status(code), "tokens", "API tokens", v)
		return
	}
	v.Created = &newToken{Secret: secret, Name: t.Name, Scope: t.Scope, Expiry: t.ExpiresAt}
	h.render(w, r, "tokens", "API tokens", v)
}

func (h *Handler) createTokenFrom(r *http.Request, u domain.User, f tokenForm) (string, domain.APIToken, error) {
	days, err := strconv.Atoi(f.Days)
	if f.Days == "" {
		days, err = 90, nil
	}
	if err != nil || days < 1 || days > 365 {
		return "", domain.APIToken{}, domain.Invalid("expires_in_days", "the token must expire in 1 to 365 days")
	}
	return h.app.CreateToken(r.Context(), u, app.TokenRequest{Name: f.Name, Scope: domain.TokenScope(f.Scope), Lifetime: time.Duration(days) * 24 * time.Hour})
}

// revokeToken revokes a token at once and returns to the page.
func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	t, err := h.app.RevokeToken(r.Context(), u, id)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/account/tokens?revoked="+url.QueryEscape(t.Name), http.StatusSeeOther)
}
