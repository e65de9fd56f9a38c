package web

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/auditlog"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
)

type auditPage struct {
	Events []auditlog.Event
	Query  url.Values
	Next   string // query string of the next (older) page
	CSV    string // query string of the CSV export
	Error  string
	Field  string
}

// audit is the administrators' view of the audit trail, newest first, with
// filters by matter, user, action and date.
func (h *Handler) audit(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	v := auditPage{Query: r.URL.Query()}
	f, err := httpx.AuditFilter(r)
	status := http.StatusOK
	if err == nil {
		v.Events, err = h.app.AuditEvents(r.Context(), u, f)
	}
	switch domain.ErrorCode(err) {
	case "":
	case domain.EInvalid:
		v.Error, v.Field, status = domain.ErrorMessage(err), domain.ErrorField(err), http.StatusUnprocessableEntity
	default:
		h.Error(w, r, err)
		return
	}
	q := r.URL.Query()
	q.Del("before")
	v.CSV = q.Encode()
	limit := f.Limit
	if limit <= 0 {
		limit = store.DefaultPageSize
	}
	if len(v.Events) >= limit {
		q.Set("before", strconv.FormatInt(v.Events[len(v.Events)-1].Seq, 10))
		v.Next = q.Encode()
	}
	h.renderStatus(w, r, status, "audit", "Audit trail", v)
}

// auditCSV streams every event matching the filters as CSV, newest first.
func (h *Handler) auditCSV(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	f, err := httpx.AuditFilter(r)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	f.Limit = store.MaxPageSize
	first, err := h.app.AuditEvents(r.Context(), u, f)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="probity-audit-`+time.Now().UTC().Format("20060102-150405")+`.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"seq", "at_utc", "actor_id", "actor_name", "actor_role", "organisation", "action", "object_type", "object_id", "matter_id", "summary", "address", "request_id", "hash"})
	evs := first
	for len(evs) > 0 {
		for _, e := range evs {
			_ = cw.Write([]string{strconv.FormatInt(e.Seq, 10), e.At.Format(time.RFC3339Nano), strconv.FormatInt(e.ActorID, 10),
				cell(e.ActorName), e.ActorRole, e.Org, e.Action, e.ObjectType, strconv.FormatInt(e.ObjectID, 10), strconv.FormatInt(e.MatterID, 10),
				cell(e.Summary), e.Address, e.RequestID, auditlog.Hex(e.Hash)})
		}
		if len(evs) < f.Limit {
			break
		}
		f.BeforeSeq = evs[len(evs)-1].Seq
		if evs, err = h.app.AuditEvents(r.Context(), u, f); err != nil {
			httpx.LogIfInternal(r, err)
			break
		}
	}
	cw.Flush()
}

// cell keeps a spreadsheet from reading a value as a formula.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
