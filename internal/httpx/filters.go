package httpx

import (
	"net/http"
	"strconv"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// QueryInt reads an optional non-negative integer query parameter.
func QueryInt(r *http.Request, name string) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return 0, domain.Invalid(name, "%s must be a non-negative integer", name)
	}
	return v, nil
}

// QueryDate reads an optional YYYY-MM-DD query parameter as midnight UTC.
func QueryDate(r *http.Request, name string) (time.Time, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, domain.Invalid(name, "%s must be a date (YYYY-MM-DD)", name)
	}
	return t, nil
}

// AuditFilter reads the audit filters the API and the web screen share:
// matter_id, actor_id, action (exact, or a prefix ending in "."), from and to
// (YYYY-MM-DD, to inclusive), before (a seq, paging newest first), limit.
func AuditFilter(r *http.Request) (store.AuditFilter, error) {
	var f store.AuditFilter
	var err error
	if f.MatterID, err = QueryInt(r, "matter_id"); err != nil {
		return f, err
	}
	if f.ActorID, err = QueryInt(r, "actor_id"); err != nil {
		return f, err
	}
	if f.BeforeSeq, err = QueryInt(r, "before"); err != nil {
		return f, err
	}
	limit, err := QueryInt(r, "limit")
	if err != nil {
		return f, err
	}
	if limit > store.MaxPageSize {
		return f, domain.Invalid("limit", "limit must be at most %d", store.MaxPageSize)
	}
	f.Limit = int(limit)
	f.Action = r.URL.Query().Get("action")
	if len(f.Action) > 100 {
		return f, domain.Invalid("action", "action is at most 100 characters")
	}
	if f.From, err = QueryDate(r, "from"); err != nil {
		return f, err
	}
	if f.To, err = QueryDate(r, "to"); err != nil {
		return f, err
	}
	if !f.To.IsZero() {
		f.To = f.To.AddDate(0, 0, 1)
	}
	return f, nil
}
