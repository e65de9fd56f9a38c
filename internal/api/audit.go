package api

import (
	"net/http"
	"time"

	"github.com/probity/probity/internal/auditlog"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
)

type auditEventJSON struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	ActorID    int64     `json:"actor_id"`
	ActorName  string    `json:"actor_name"`
	ActorRole  string    `json:"actor_role"`
	Org        string    `json:"organisation"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   int64     `json:"object_id"`
	MatterID   int64     `json:"matter_id"`
	Summary    string    `json:"summary"`
	Address    string    `json:"address"`
	RequestID  string    `json:"request_id"`
	Hash       string    `json:"hash"`
}

func auditEvent(e auditlog.Event) auditEventJSON {
	return auditEventJSON{Seq: e.Seq, At: e.At, ActorID: e.ActorID, ActorName: e.ActorName, ActorRole: e.ActorRole, Org: e.Org,
		Action: e.Action, ObjectType: e.ObjectType, ObjectID: e.ObjectID, MatterID: e.MatterID, Summary: e.Summary,
		Address: e.Address, RequestID: e.RequestID, Hash: auditlog.Hex(e.Hash)}
}

func (h *Handler) listAudit(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	f, err := httpx.AuditFilter(r)
	var evs []auditlog.Event
	if err == nil {
		evs, err = h.app.AuditEvents(r.Context(), u, f)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := struct {
		Items      []auditEventJSON `json:"items"`
		NextBefore *int64           `json:"next_before"`
	}{Items: make([]auditEventJSON, 0, len(evs))}
	for _, e := range evs {
		out.Items = append(out.Items, auditEvent(e))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = store.DefaultPageSize
	}
	if len(evs) >= limit {
		n := evs[len(evs)-1].Seq
		out.NextBefore = &n
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}
