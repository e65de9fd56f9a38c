package api

import (
	"net/http"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// sessionJSON is one signed-in browser. id is its public handle: not the
// session token, and useless for signing in.
type sessionJSON struct {
	ID         string     `json:"id"`
	CreatedAt  time.Time  `json:"created_at"`
	LastSeenAt time.Time  `json:"last_seen_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	Address    string     `json:"address"`
	UserAgent  string     `json:"user_agent"`
	Method     string     `json:"method"`
	MFA        bool       `json:"mfa"`
	MFAAt      *time.Time `json:"mfa_at"`
	Pending    bool       `json:"pending"`
	Current    bool       `json:"current"`
}

func sessionOut(s domain.Session) sessionJSON {
	j := sessionJSON{ID: s.Handle, CreatedAt: s.CreatedAt, LastSeenAt: s.LastSeenAt, ExpiresAt: s.ExpiresAt, Address: s.Address,
		UserAgent: s.UserAgent, Method: s.Method, MFA: s.MFA(), Pending: s.Step != domain.StepNone, Current: s.Current}
	if s.MFA() {
		t := s.MFAAt
		j.MFAAt = &t
	}
	return j
}

type sessionsJSON struct {
	Items []sessionJSON `json:"items"`
}

type mfaStatusJSON struct {
	Enabled      bool       `json:"enabled"`
	EnabledAt    *time.Time `json:"enabled_at"`
	RecoveryLeft int        `json:"recovery_codes_left"`
	Required     bool       `json:"required"`
}

func mfaOut(st app.MFAStatus) mfaStatusJSON {
	j := mfaStatusJSON{Enabled: st.Enabled, RecoveryLeft: st.RecoveryLeft, Required: st.Required}
	if st.Enabled {
		t := st.EnabledAt
		j.EnabledAt = &t
	}
	return j
}

// currentHandle is the handle of the session making the request, if any.
func currentHandle(r *http.Request) string {
	s, _ := httpx.Session(r)
	return s.Handle
}

func (h *Handler) mySessions(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	h.writeSessions(w, r, u, u.ID)
}

func (h *Handler) userSessions(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	h.writeSessions(w, r, u, id)
}

func (h *Handler) writeSessions(w http.ResponseWriter, r *http.Request, actor domain.User, userID int64) {
	ss, err := h.app.Sessions(r.Context(), actor, userID, currentHandle(r))
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := sessionsJSON{Items: make([]sessionJSON, 0, len(ss))}
	for _, s := range ss {
		out.Items = append(out.Items, sessionOut(s))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) endMySession(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	h.endSession(w, r, u, u.ID, r.PathValue("id"))
}

func (h *Handler) endUserSession(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	h.endSession(w, r, u, id, r.PathValue("sid"))
}

func (h *Handler) endSession(w http.ResponseWriter, r *http.Request, actor domain.User, userID int64, handle string) {
	if err := h.app.EndSession(r.Context(), actor, userID, handle); err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) myMFA(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	st, err := h.app.MFAStatus(r.Context(), u)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, mfaOut(st))
}

func (h *Handler) userMFA(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	sec, err := h.app.Security(r.Context(), u, id, "")
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, mfaOut(sec.MFA))
}

func (h *Handler) resetUserMFA(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	if err == nil {
		err = h.app.ResetMFA(r.Context(), u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type mfaPolicyJSON struct {
	RequiredRoles      []string `json:"required_roles"`
	HighlyConfidential bool     `json:"highly_confidential"`
}

func policyOut(p domain.MFAPolicy) mfaPolicyJSON {
	j := mfaPolicyJSON{RequiredRoles: make([]string, 0, len(p.RequiredRoles)), HighlyConfidential: p.HighlyConfidential}
	for _, r := range domain.Roles {
		if p.Requires(r) {
			j.RequiredRoles = append(j.RequiredRoles, string(r))
		}
	}
	return j
}

func (h *Handler) getMFAPolicy(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	if !app.Can(u, app.ManageSettings) {
		httpx.WriteJSONError(w, r, domain.Errorf(domain.EForbidden, "your role (%s) does not allow this", u.Role.Label()))
		return
	}
	p, err := h.app.MFAPolicy(r.Context())
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, policyOut(p))
}

func (h *Handler) putMFAPolicy(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	var in struct {
		RequiredRoles      *[]string `json:"required_roles"`
		HighlyConfidential *bool     `json:"highly_confidential"`
	}
	if err := decode(w, r, &in); err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	if in.RequiredRoles == nil {
		httpx.WriteJSONError(w, r, domain.Invalid("required_roles", "required_roles is required: a list of roles (it may be empty)"))
		return
	}
	if in.HighlyConfidential == nil {
		httpx.WriteJSONError(w, r, domain.Invalid("highly_confidential", "highly_confidential is required: true or false"))
		return
	}
	p := domain.MFAPolicy{HighlyConfidential: *in.HighlyConfidential}
	for _, name := range *in.RequiredRoles {
		role, err := domain.ParseRole(name)
		if err != nil {
			httpx.WriteJSONError(w, r, domain.Invalid("required_roles", "%s", domain.ErrorMessage(err)))
			return
		}
		p.RequiredRoles = append(p.RequiredRoles, role)
	}
	if err := h.app.SetMFAPolicy(r.Context(), u, p); err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	saved, err := h.app.MFAPolicy(r.Context())
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, policyOut(saved))
}
