package api

import (
	"net/http"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
)

// Accounts: invitations, disabling and enabling users, the email outbox.

type invitationJSON struct {
	ID          int64      `json:"id"`
	Email       string     `json:"email"`
	Name        string     `json:"name"`
	Role        string     `json:"role"`
	VendorID    *int64     `json:"vendor_id"`
	ClientID    *int64     `json:"client_id"`
	InvitedByID int64      `json:"invited_by_id"`
	InvitedBy   string     `json:"invited_by"`
	CreatedAt   time.Time  `json:"created_at"`
	ExpiresAt   time.Time  `json:"expires_at"`
	AcceptedAt  *time.Time `json:"accepted_at"`
	RevokedAt   *time.Time `json:"revoked_at"`
	UserID      *int64     `json:"user_id"`
	State       string     `json:"state"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func invitation(now time.Time) func(app.Invitation) invitationJSON {
	return func(i app.Invitation) invitationJSON {
		return invitationJSON{ID: i.ID, Email: i.Email, Name: i.Name, Role: string(i.Role), VendorID: optID(i.VendorID), ClientID: optID(i.ClientID),
			InvitedByID: i.InvitedBy, InvitedBy: i.InviterName, CreatedAt: i.CreatedAt, ExpiresAt: i.ExpiresAt,
			AcceptedAt: optTime(i.AcceptedAt), RevokedAt: optTime(i.RevokedAt), UserID: optID(i.UserID), State: string(i.StateAt(now))}
	}
}

// beforePage reads ?before= and ?limit= for the newest-first lists.
func beforePage(r *http.Request) (before int64, limit int, err error) {
	if before, err = queryInt(r, "before"); err != nil {
		return 0, 0, err
	}
	l, err := queryInt(r, "limit")
	if err != nil {
		return 0, 0, err
	}
	if l > store.MaxPageSize {
		return 0, 0, domain.Invalid("limit", "limit must be at most %d", store.MaxPageSize)
	}
	if l == 0 {
		l = store.DefaultPageSize
	}
	return before, int(l), nil
}

// newestFirst is the envelope of a newest-first list: pass next_before as
// `before` for the next (older) page; null on the last.
type newestFirst[T any] struct {
	Items      []T    `json:"items"`
	NextBefore *int64 `json:"next_before"`
}

func newNewestFirst[T any, S any](src []S, limit int, conv func(S) T, id func(S) int64) newestFirst[T] {
	out := newestFirst[T]{Items: make([]T, 0, len(src))}
	for _, s := range src {
		out.Items = append(out.Items, conv(s))
	}
	if len(src) > 0 && len(src) >= limit {
		n := id(src[len(src)-1])
		out.NextBefore = &n
	}
	return out
}

func (h *Handler) listInvitations(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	before, limit, err := beforePage(r)
	var invs []app.Invitation
	if err == nil {
		invs, err = h.app.Invitations(r.Context(), u, store.InvitationFilter{BeforeID: before, Limit: limit})
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, newNewestFirst(invs, limit, invitation(h.app.Now()), func(i app.Invitation) int64 { return i.ID }))
}

func (h *Handler) createInvitation(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	var in struct {
		Email    string `json:"email"`
		Name     string `json:"name"`
		Role     string `json:"role"`
		VendorID int64  `json:"vendor_id"`
		ClientID int64  `json:"client_id"`
	}
	if err := decode(w, r, &in); err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	inv, err := h.app.Invite(r.Context(), u, app.NewInvitation{Email: in.Email, Name: in.Name, Role: domain.Role(in.Role), VendorID: in.VendorID, ClientID: in.ClientID})
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, invitation(h.app.Now())(inv))
}

func (h *Handler) revokeInvitation(w http.ResponseWriter, r *http.Request) {
	byID(h.app.RevokeInvitation, func(_ domain.User, inv app.Invitation) invitationJSON { return invitation(h.app.Now())(inv) })(w, r)
}

type invitationSettingsJSON struct {
	ExpiryDays int `json:"expiry_days"`
}

func (h *Handler) getInvitationSettings(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	ttl, err := h.app.InvitationExpiry(r.Context(), u)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, invitationSettingsJSON{ExpiryDays: int(ttl / (24 * time.Hour))})
}

func (h *Handler) putInvitationSettings(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	var in struct {
		ExpiryDays *int `json:"expiry_days"`
	}
	err := decode(w, r, &in)
	if err == nil && in.ExpiryDays == nil {
		err = domain.Invalid("expiry_days", "expiry_days is required: whole days, 1 to %d", app.MaxInvitationExpiryDays)
	}
	if err == nil {
		err = h.app.SetInvitationExpiry(r.Context(), u, *in.ExpiryDays)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, invitationSettingsJSON{ExpiryDays: *in.ExpiryDays})
}

func (h *Handler) getUser(w http.ResponseWriter, r *http.Request) {
	byID(h.app.User, func(_ domain.User, got domain.User) userJSON { return user(got) })(w, r)
}

func (h *Handler) disableUser(w http.ResponseWriter, r *http.Request) { h.setDisabled(w, r, true) }

func (h *Handler) enableUser(w http.ResponseWriter, r *http.Request) { h.setDisabled(w, r, false) }

func (h *Handler) setDisabled(w http.ResponseWriter, r *http.Request, disable bool) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var got domain.User
	if err == nil {
		if disable {
			got, err = h.app.DisableUser(r.Context(), u, id)
		} else {
			got, err = h.app.EnableUser(r.Context(), u, id)
		}
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, user(got))
}

type outboxJSON struct {
	ID        int64      `json:"id"`
	To        string     `json:"to"`
	Subject   string     `json:"subject"`
	Body      *string    `json:"body,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at"`
	Attempts  int        `json:"attempts"`
	LastError string     `json:"last_error"`
	Status    string     `json:"status"`
}

func outboxMessage(m app.OutboxView) outboxJSON {
	status := "queued"
	switch {
	case !m.SentAt.IsZero():
		status = "sent"
	case m.GivenUp:
		status = "failed"
	case m.Attempts > 0:
		status = "retrying"
	}
	return outboxJSON{ID: m.ID, To: m.To, Subject: m.Subject, CreatedAt: m.CreatedAt, SentAt: optTime(m.SentAt),
		Attempts: m.Attempts, LastError: m.LastError, Status: status}
}

func (h *Handler) listOutbox(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	before, limit, err := beforePage(r)
	var ms []app.OutboxView
	if err == nil {
		ms, err = h.app.Outbox(r.Context(), u, store.OutboxFilter{BeforeID: before, Limit: limit})
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, newNewestFirst(ms, limit, outboxMessage, func(m app.OutboxView) int64 { return m.ID }))
}

func (h *Handler) getOutboxMessage(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var m app.OutboxView
	if err == nil {
		m, err = h.app.OutboxMessage(r.Context(), u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	j := outboxMessage(m)
	j.Body = &m.Body
	httpx.WriteJSON(w, http.StatusOK, j)
}
