package api

import (
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// matterInputJSON is the body of POST /matters and PUT /matters/{id}.
type matterInputJSON struct {
	ClientID              int64    `json:"client_id"`
	Number                string   `json:"number"`
	Title                 string   `json:"title"`
	PracticeArea          string   `json:"practice_area"`
	Sensitivity           string   `json:"sensitivity"`
	ResponsibleAttorneyID int64    `json:"responsible_attorney_id"`
	Status                string   `json:"status"`
	Courts                []string `json:"courts"`
	GoverningLaw          []string `json:"governing_law"`
	Performance           []string `json:"performance"`
	TeamIDs               []int64  `json:"team_ids"`
}

func (in matterInputJSON) app() app.MatterInput {
	return app.MatterInput{ClientID: in.ClientID, Number: in.Number, Title: in.Title, PracticeArea: in.PracticeArea,
		Sensitivity: domain.Sensitivity(in.Sensitivity), ResponsibleAttorneyID: in.ResponsibleAttorneyID, Status: in.Status,
		Courts: in.Courts, GoverningLaw: in.GoverningLaw, Performance: in.Performance, TeamIDs: in.TeamIDs}
}

func (h *Handler) createMatter(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	var in matterInputJSON
	err := decode(w, r, &in)
	var m domain.Matter
	if err == nil {
		m, err = h.app.CreateMatter(r.Context(), u, in.app())
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, matter(m))
}

func (h *Handler) updateMatter(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var in matterInputJSON
	if err == nil {
		err = decode(w, r, &in)
	}
	var m domain.Matter
	if err == nil {
		m, err = h.app.UpdateMatter(r.Context(), u, id, in.app())
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, matter(m))
}

type strategyJSON struct {
	Notes     string `json:"notes"`
	UpdatedBy string `json:"updated_by,omitempty"`
	UpdatedAt string `json:"updated_at,omitempty"`
}

func (h *Handler) setStrategy(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var in struct {
		Notes string `json:"notes"`
	}
	if err == nil {
		err = decode(w, r, &in)
	}
	var out strategyJSON
	if err == nil {
		s, e := h.app.SetMatterStrategy(r.Context(), u, id, in.Notes)
		out, err = strategyJSON{Notes: s.Notes, UpdatedBy: s.UpdatedByName}, e
		if !s.UpdatedAt.IsZero() {
			out.UpdatedAt = s.UpdatedAt.UTC().Format(time.RFC3339)
		}
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

type importRowJSON struct {
	Line     int      `json:"line"`
	Key      string   `json:"matter_number"`
	Name     string   `json:"name"`
	Detail   string   `json:"detail"`
	Problems []string `json:"problems"`
}

type importProblemJSON struct {
	Line    int    `json:"line"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

type importPreviewJSON struct {
	Kind      string              `json:"kind"`
	SHA256    string              `json:"sha256"`
	Valid     bool                `json:"valid"`
	Committed bool                `json:"committed"`
	Rows      []importRowJSON     `json:"rows"`
	Problems  []importProblemJSON `json:"problems"`
}

// importMatters previews (dry_run=true) or imports a CSV file of matters or
// parties (kind=matters|parties) sent as the text/csv body.
func (h *Handler) importMatters(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	q := r.URL.Query()
	kind := domain.ImportKind(q.Get("kind"))
	if kind == "" {
		kind = domain.ImportMatters
	}
	dry := q.Get("dry_run")
	var err error
	if dry != "" && dry != "true" && dry != "false" {
		err = domain.Invalid("dry_run", "dry_run is true or false")
	}
	var data []byte
	if err == nil {
		data, err = io.ReadAll(http.MaxBytesReader(w, r.Body, domain.MaxImportBytes))
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			err = domain.Invalid("body", "the file is larger than %d MiB: split it into smaller files", domain.MaxImportBytes>>20)
		}
	}
	var p app.ImportPreview
	if err == nil {
		p, err = h.app.ImportCSV(r.Context(), u, kind, data, dry == "true")
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := importPreviewJSON{Kind: string(p.Kind), SHA256: p.Digest, Valid: p.Valid(), Committed: p.Committed,
		Rows: []importRowJSON{}, Problems: []importProblemJSON{}}
	for _, row := range p.Rows {
		probs := row.Problems
		if probs == nil {
			probs = []string{}
		}
		out.Rows = append(out.Rows, importRowJSON{Line: row.Line, Key: row.Key, Name: row.Name, Detail: row.Detail, Problems: probs})
	}
	for _, pr := range p.Problems {
		out.Problems = append(out.Problems, importProblemJSON{Line: pr.Line, Field: pr.Field, Message: pr.Message})
	}
	status := http.StatusOK
	if p.Committed {
		status = http.StatusCreated
	}
	httpx.WriteJSON(w, status, out)
}
