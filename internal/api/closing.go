package api

import (
	"net/http"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// Pause and resume by hand, close, and what follows: the vendor's
// certificate of return or destruction and the attorney's evaluation.

type closingJSON struct {
	Stage        string     `json:"stage"`
	ClosedOn     string     `json:"closed_on,omitempty"`
	PausedReason string     `json:"paused_reason,omitempty"`
	Pending      int        `json:"pending_reviews"`
	FinalAudit   *auditDue  `json:"final_audit,omitempty"`
	Certificate  *certJSON  `json:"certificate,omitempty"`
	Evaluation   *evalJSON  `json:"evaluation,omitempty"`
	Pauses       []pauseOut `json:"pauses"`
}

type auditDue struct {
	DueOn string `json:"due_on"`
	Done  bool   `json:"done"`
}

type certJSON struct {
	Method      string    `json:"method"`
	Date        string    `json:"date"`
	Statement   string    `json:"statement"`
	CertifiedBy string    `json:"certified_by"`
	At          time.Time `json:"at"`
}

type evalJSON struct {
	Quality       int       `json:"quality"`
	Timeliness    int       `json:"timeliness"`
	Communication int       `json:"communication"`
	Compliance    int       `json:"compliance"`
	Comments      string    `json:"comments,omitempty"`
	EvaluatedBy   string    `json:"evaluated_by"`
	At            time.Time `json:"at"`
}

type pauseOut struct {
	Action string    `json:"action"`
	Reason string    `json:"reason"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

func certOut(c domain.Certificate) *certJSON {
	return &certJSON{string(c.Method), string(c.CertifiedOn), c.Statement, c.CertifierName, c.CreatedAt}
}

func evalOut(e domain.Evaluation) *evalJSON {
	return &evalJSON{e.Quality, e.Timeliness, e.Communication, e.Compliance, e.Comments, e.EvaluatorName, e.CreatedAt}
}

func (h *Handler) getClosing(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var v app.ClosingView
	if err == nil {
		v, err = h.app.ClosingOf(r.Context(), u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, closingOut(v))
}

func closingOut(v app.ClosingView) closingJSON {
	j := closingJSON{Stage: string(v.Header.Stage), ClosedOn: string(v.Header.ClosedOn), PausedReason: v.Header.PausedReason, Pending: v.Pending, Pauses: []pauseOut{}}
	if v.FinalAudit != nil {
		j.FinalAudit = &auditDue{string(v.FinalAudit.DueOn), !v.FinalAudit.CompletedAt.IsZero()}
	}
	if v.Certificate != nil {
		j.Certificate = certOut(*v.Certificate)
	}
	if v.Evaluation != nil {
		j.Evaluation = evalOut(*v.Evaluation)
	}
	for _, p := range v.Pauses {
		j.Pauses = append(j.Pauses, pauseOut{p.Action, p.Reason, p.ByName, p.At})
	}
	return j
}

// closingCall decodes a JSON body into in, runs call and answers with the
// engagement's closing state.
func (h *Handler) closingCall(w http.ResponseWriter, r *http.Request, in any, call func(u domain.User, id int64) error) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	if err == nil {
		err = decode(w, r, in)
	}
	if err == nil {
		err = call(u, id)
	}
	var v app.ClosingView
	if err == nil {
		v, err = h.app.ClosingOf(r.Context(), u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, closingOut(v))
}

type reasonIn struct {
	Reason string `json:"reason"`
}

func (h *Handler) pauseEngagement(w http.ResponseWriter, r *http.Request) {
	var in reasonIn
	h.closingCall(w, r, &in, func(u domain.User, id int64) error { return h.app.PauseEngagement(r.Context(), u, id, in.Reason) })
}

func (h *Handler) resumeEngagement(w http.ResponseWriter, r *http.Request) {
	var in reasonIn
	h.closingCall(w, r, &in, func(u domain.User, id int64) error { return h.app.ResumeEngagement(r.Context(), u, id, in.Reason) })
}

func (h *Handler) closeEngagement(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Confirm bool `json:"confirm"`
	}
	h.closingCall(w, r, &in, func(u domain.User, id int64) error {
		return h.app.CloseEngagement(r.Context(), u, id, app.CloseInput{Confirm: in.Confirm})
	})
}

func (h *Handler) certifyReturn(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Method    string `json:"method"` // returned, destroyed, both
		Date      string `json:"date"`   // YYYY-MM-DD; today when empty
		Statement string `json:"statement"`
	}
	h.closingCall(w, r, &in, func(u domain.User, id int64) error {
		_, err := h.app.CertifyReturn(r.Context(), u, id, domain.Certificate{Method: domain.CertificateMethod(in.Method), CertifiedOn: domain.Date(in.Date), Statement: in.Statement})
		return err
	})
}

func (h *Handler) evaluateVendor(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Quality       int    `json:"quality"`
		Timeliness    int    `json:"timeliness"`
		Communication int    `json:"communication"`
		Compliance    int    `json:"compliance"`
		Comments      string `json:"comments"`
	}
	h.closingCall(w, r, &in, func(u domain.User, id int64) error {
		_, err := h.app.EvaluateVendor(r.Context(), u, id, domain.Evaluation{Quality: in.Quality, Timeliness: in.Timeliness,
			Communication: in.Communication, Compliance: in.Compliance, Comments: in.Comments})
		return err
	})
}
