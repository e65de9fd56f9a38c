package api

import (
	"mime"
	"net/http"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// Quality audits: the engagement's audit plan, batches of items imported
// from CSV, audits drawn from a recorded seed and scored against the
// plan's rubric, their results, and the corrective actions raised to the
// vendor. What each caller sees is what the app gives them (a client
// contact: completed audits only; a vendor user: no sampled items).

// auditPlanJSON is an audit plan, read and written; proportions are fractions
// (confidence 0.95). switch, auditor and updated_at are read-only.
type auditPlanJSON struct {
	Cadence       string             `json:"cadence"`
	EveryN        int                `json:"every_n"`
	Population    string             `json:"population"`
	Method        string             `json:"method"`
	Confidence    float64            `json:"confidence"`
	Margin        float64            `json:"margin"`
	Expected      float64            `json:"expected"`
	MaxErrorRate  float64            `json:"max_error_rate"`
	Level         string             `json:"level"`
	Accept        int                `json:"accept"`
	Reject        int                `json:"reject"`
	Stratify      bool               `json:"stratify"`
	PositiveLabel string             `json:"positive_label"`
	Criteria      []domain.Criterion `json:"criteria"`
	AuditorID     int64              `json:"auditor_id"`
	AllowRelax    bool               `json:"allow_relax"`
	PauseAfter    int                `json:"pause_after"`
	Switch        string             `json:"switch,omitempty"`
	Auditor       string             `json:"auditor,omitempty"`
	UpdatedAt     *time.Time         `json:"updated_at,omitempty"`
}

func planOut(p domain.AuditPlan) auditPlanJSON {
	return auditPlanJSON{Cadence: string(p.Cadence), EveryN: p.EveryN, Population: string(p.Population), Method: string(p.Sampling.Method),
		Confidence: p.Sampling.Confidence, Margin: p.Sampling.Margin, Expected: p.Sampling.Expected, MaxErrorRate: p.MaxErrorRate,
		Level: p.Sampling.Level, Accept: p.Sampling.Accept, Reject: p.Sampling.Reject, Stratify: p.Stratify, PositiveLabel: p.PositiveLabel,
		Criteria: p.Criteria, AuditorID: p.AuditorID, AllowRelax: p.AllowRelax, PauseAfter: p.PauseAfter, Switch: string(p.Switch),
		Auditor: p.AuditorName, UpdatedAt: when(p.UpdatedAt)}
}

func (j auditPlanJSON) plan() domain.AuditPlan {
	p := domain.AuditPlan{Cadence: domain.AuditCadence(j.Cadence), EveryN: j.EveryN, Population: domain.Population(j.Population),
		Sampling: domain.SampleSpec{Method: domain.SamplingMethod(j.Method), Confidence: j.Confidence, Margin: j.Margin, Expected: j.Expected,
			Level: j.Level, Accept: j.Accept, Reject: j.Reject},
		MaxErrorRate: j.MaxErrorRate, Stratify: j.Stratify, PositiveLabel: j.PositiveLabel, Criteria: j.Criteria, AuditorID: j.AuditorID,
		AllowRelax: j.AllowRelax, PauseAfter: j.PauseAfter}
	if p.Sampling.Method == domain.MethodZeroDefect {
		p.Sampling.MaxErrorRate = j.MaxErrorRate
	}
	return p
}

type batchJSON struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	Items      int64     `json:"items"`
	People     int       `json:"people"`
	ImportedBy string    `json:"imported_by,omitempty"`
	ImportedAt time.Time `json:"imported_at"`
}

func batchOut(b domain.AuditBatch) batchJSON {
	return batchJSON{ID: b.ID, Name: b.Name, Items: b.Items, People: b.People, ImportedBy: b.ImportedName, ImportedAt: b.ImportedAt}
}

type auditJSON struct {
	ID           int64              `json:"id"`
	EngagementID int64              `json:"engagement_id"`
	Kind         string             `json:"kind"`
	Period       string             `json:"period"`
	DueOn        string             `json:"due_on"`
	State        string             `json:"state"`
	Overdue      bool               `json:"overdue"`
	Auditor      string             `json:"auditor,omitempty"`
	AuditorID    int64              `json:"auditor_id,omitempty"`
	BatchID      int64              `json:"batch_id,omitempty"`
	Population   int64              `json:"population"`
	SampleSize   int                `json:"sample_size"`
	Scored       int                `json:"scored"`
	Errors       int                `json:"errors"`
	Verdict      string             `json:"verdict"`
	Seed         string             `json:"seed,omitempty"`
	Spec         *domain.SampleSpec `json:"spec,omitempty"`
	MaxErrorRate float64            `json:"max_error_rate,omitempty"`
	Switch       string             `json:"switch,omitempty"`
	Stratified   bool               `json:"stratified"`
	Criteria     []domain.Criterion `json:"criteria,omitempty"`
	StartedAt    *time.Time         `json:"started_at,omitempty"`
	CompletedAt  *time.Time         `json:"completed_at,omitempty"`
	Matter       string             `json:"matter,omitempty"`
	Vendor       string             `json:"vendor,omitempty"`
}

func auditOut(a domain.Audit) auditJSON {
	j := auditJSON{ID: a.ID, EngagementID: a.EngagementID, Kind: string(a.Kind), Period: a.Period, DueOn: string(a.DueOn), State: string(a.State),
		Overdue: a.Overdue, Auditor: a.AuditorName, AuditorID: a.AuditorID, BatchID: a.BatchID, Population: a.Population, SampleSize: a.SampleSize,
		Scored: a.Scored, Errors: a.Errors, Verdict: a.Verdict, Seed: a.Seed, MaxErrorRate: a.MaxErrorRate, Stratified: a.Stratified,
		Criteria: a.Criteria, StartedAt: when(a.StartedAt), CompletedAt: when(a.CompletedAt), Matter: a.MatterNumber, Vendor: a.VendorName}
	if a.Spec.Method != "" {
		spec := a.Spec
		j.Spec, j.Switch = &spec, string(a.Switch)
	}
	return j
}

type sampleJSON struct {
	ID                   int64          `json:"id"`
	Draw                 int            `json:"draw"`
	Position             int64          `json:"position"`
	Key                  string         `json:"key,omitempty"`
	DeliverableVersionID int64          `json:"deliverable_version_id,omitempty"`
	Decision             string         `json:"decision,omitempty"`
	Person               string         `json:"person,omitempty"`
	Score                *itemScoreJSON `json:"score"`
}

type itemScoreJSON struct {
	SampleID        int64      `json:"sample_id"`
	Failed          []string   `json:"failed"`
	CorrectDecision string     `json:"correct_decision"`
	Note            string     `json:"note"`
	ScoredBy        string     `json:"scored_by,omitempty"`
	ScoredAt        *time.Time `json:"scored_at,omitempty"`
}

func scoreOut(s domain.ItemScore) itemScoreJSON {
	j := itemScoreJSON{SampleID: s.SampleID, Failed: s.Failed, CorrectDecision: s.CorrectDecision, Note: s.Note, ScoredBy: s.ScoredName, ScoredAt: when(s.ScoredAt)}
	if j.Failed == nil {
		j.Failed = []string{}
	}
	return j
}

func sampleOut(s domain.SampleItem) sampleJSON {
	j := sampleJSON{ID: s.ID, Draw: s.Draw, Position: s.Position, Key: s.Key, DeliverableVersionID: s.DeliverableVersionID, Decision: s.Decision, Person: s.Person}
	if s.Score != nil {
		sc := scoreOut(*s.Score)
		j.Score = &sc
	}
	return j
}

type auditFindingJSON struct {
	ID        int64  `json:"id"`
	SampleID  int64  `json:"sample_id"`
	Item      string `json:"item"`
	Criterion string `json:"criterion"`
	Weight    string `json:"weight"`
	Note      string `json:"note,omitempty"`
}

type correctiveJSON struct {
	ID          int64      `json:"id"`
	AuditID     int64      `json:"audit_id"`
	FindingID   int64      `json:"finding_id,omitempty"`
	Criterion   string     `json:"criterion,omitempty"`
	ItemKey     string     `json:"item_key,omitempty"`
	Description string     `json:"description"`
	DueOn       string     `json:"due_on"`
	State       string     `json:"state"`
	Overdue     bool       `json:"overdue"`
	RaisedBy    string     `json:"raised_by,omitempty"`
	RaisedAt    *time.Time `json:"raised_at,omitempty"`
	Response    string     `json:"response,omitempty"`
	RespondedAt *time.Time `json:"responded_at,omitempty"`
	VerifyNote  string     `json:"verify_note,omitempty"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
}

func correctiveOut(c domain.CorrectiveAction) correctiveJSON {
	return correctiveJSON{ID: c.ID, AuditID: c.AuditID, FindingID: c.FindingID, Criterion: c.Criterion, ItemKey: c.ItemKey, Description: c.Description, DueOn: string(c.DueOn), State: string(c.State),
		Overdue: c.Overdue, RaisedBy: c.RaisedName, RaisedAt: when(c.RaisedAt), Response: c.Response, RespondedAt: when(c.RespondedAt),
		VerifyNote: c.VerifyNote, ClosedAt: when(c.ClosedAt)}
}

func correctivesOut(cs []domain.CorrectiveAction) []correctiveJSON {
	out := []correctiveJSON{}
	for _, c := range cs {
		out = append(out, correctiveOut(c))
	}
	return out
}

// auditsOf loads the engagement's audit tab for the caller.
func (h *Handler) auditsOf(r *http.Request) (app.AuditsView, error) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	if err != nil {
		return app.AuditsView{}, err
	}
	return h.app.QualityAudits(r.Context(), u, id)
}

func (h *Handler) getAuditPlan(w http.ResponseWriter, r *http.Request) {
	v, err := h.auditsOf(r)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := struct {
		Plan     *auditPlanJSON `json:"plan"`
		Rules    []string       `json:"rules"`
		CanPlan  bool           `json:"can_plan"`
		CanAudit bool           `json:"can_audit"`
	}{Rules: v.Rules, CanPlan: v.CanPlan, CanAudit: v.CanAudit}
	if out.Rules == nil {
		out.Rules = []string{}
	}
	if v.Plan != nil {
		p := planOut(*v.Plan)
		out.Plan = &p
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) putAuditPlan(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var in auditPlanJSON
	if err == nil {
		err = decode(w, r, &in)
	}
	var p domain.AuditPlan
	if err == nil {
		p, err = h.app.SetAuditPlan(r.Context(), u, id, in.plan())
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, planOut(p))
}

func (h *Handler) listAuditBatches(w http.ResponseWriter, r *http.Request) {
	v, err := h.auditsOf(r)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := struct {
		Batches []batchJSON `json:"batches"`
	}{[]batchJSON{}}
	for _, b := range v.Batches {
		out.Batches = append(out.Batches, batchOut(b))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// importAuditBatch reads the CSV as the request body (e.g. Content-Type
// text/csv, with ?name=NAME) or as multipart/form-data (name first, then
// file), streaming it to the use case, which checks who may import before
// reading a byte.
func (h *Handler) importAuditBatch(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	limit := h.app.Config.MaxDocument
	var b domain.AuditBatch
	if err == nil {
		if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "multipart/form-data" {
			if r.ContentLength > limit {
				err = httpx.UploadError(httpx.ErrUploadTooLarge, limit)
			} else {
				r.Body = http.MaxBytesReader(w, r.Body, limit+1)
				b, err = h.app.ImportAuditBatch(r.Context(), u, id, r.URL.Query().Get("name"), r.Body)
				err = httpx.UploadError(err, limit)
			}
		} else {
			err = httpx.UploadError(httpx.StreamForm(w, r, limit, "file", func(fp httpx.FormPart) error {
				if fp.File == nil {
					return domain.Invalid("file", "send the CSV as the file field, after name")
				}
				var err error
				b, err = h.app.ImportAuditBatch(r.Context(), u, id, fp.Fields["name"], fp.File)
				return err
			}), limit)
		}
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, batchOut(b))
}

func (h *Handler) listQualityAudits(w http.ResponseWriter, r *http.Request) {
	v, err := h.auditsOf(r)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := struct {
		Audits []auditJSON `json:"audits"`
	}{[]auditJSON{}}
	for _, a := range v.Audits {
		out.Audits = append(out.Audits, auditOut(a))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) startQualityAudit(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var in struct {
		AuditID int64  `json:"audit_id"`
		BatchID int64  `json:"batch_id"`
		Seed    string `json:"seed"`
	}
	if err == nil {
		err = decode(w, r, &in)
	}
	var a domain.Audit
	if err == nil {
		a, err = h.app.StartAudit(r.Context(), u, id, app.StartAuditInput{AuditID: in.AuditID, BatchID: in.BatchID, Seed: in.Seed})
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, auditOut(a))
}

func auditIDs(r *http.Request) (int64, int64, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, 0, err
	}
	aid, err := httpx.PathID(r, "aid")
	return id, aid, err
}

// auditDetailJSON is one audit with its sample, results, findings and
// corrective actions.
type auditDetailJSON struct {
	auditJSON
	Items         []sampleJSON        `json:"items"`
	Results       domain.AuditResults `json:"results"`
	Findings      []auditFindingJSON  `json:"findings"`
	Corrective    []correctiveJSON    `json:"corrective_actions"`
	PositiveLabel string              `json:"positive_label,omitempty"`
	CanScore      bool                `json:"can_score"`
	CanRaise      bool                `json:"can_raise"`
}

func auditDetailOut(d app.AuditDetail) auditDetailJSON {
	j := auditDetailJSON{auditJSON: auditOut(d.Audit), Items: []sampleJSON{}, Results: d.Results, Findings: []auditFindingJSON{},
		Corrective: correctivesOut(d.Corrective), PositiveLabel: d.PositiveLabel, CanScore: d.CanScore, CanRaise: d.CanRaise}
	for _, it := range d.Items {
		j.Items = append(j.Items, sampleOut(it))
	}
	for _, f := range d.Findings {
		j.Findings = append(j.Findings, auditFindingJSON{ID: f.ID, SampleID: f.SampleID, Item: f.ItemKey, Criterion: f.Criterion, Weight: string(f.Weight), Note: f.Note})
	}
	if j.Results.Criteria == nil {
		j.Results.Criteria = []domain.CriterionResult{}
	}
	return j
}

func (h *Handler) getQualityAudit(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, aid, err := auditIDs(r)
	var d app.AuditDetail
	if err == nil {
		d, err = h.app.AuditDetail(r.Context(), u, id, aid)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, auditDetailOut(d))
}

func (h *Handler) scoreAuditItem(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, aid, err := auditIDs(r)
	var in struct {
		SampleID        int64    `json:"sample_id"`
		Failed          []string `json:"failed"`
		CorrectDecision string   `json:"correct_decision"`
		Note            string   `json:"note"`
	}
	if err == nil {
		err = decode(w, r, &in)
	}
	s := domain.ItemScore{SampleID: in.SampleID, Failed: in.Failed, CorrectDecision: in.CorrectDecision, Note: in.Note}
	if err == nil {
		err = h.app.ScoreAuditItem(r.Context(), u, id, aid, s)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, scoreOut(s))
}

func (h *Handler) completeQualityAudit(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, aid, err := auditIDs(r)
	var d app.AuditDetail
	if err == nil {
		d, err = h.app.CompleteAudit(r.Context(), u, id, aid)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, auditDetailOut(d))
}

func (h *Handler) raiseCorrectiveAction(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, aid, err := auditIDs(r)
	var in struct {
		FindingID   int64  `json:"finding_id"`
		Description string `json:"description"`
		DueOn       string `json:"due_on"`
	}
	if err == nil {
		err = decode(w, r, &in)
	}
	var due domain.Date
	if err == nil {
		due, err = domain.ParseDate("due_on", in.DueOn)
	}
	var c domain.CorrectiveAction
	if err == nil {
		c, err = h.app.RaiseCorrectiveAction(r.Context(), u, id, aid, domain.CorrectiveAction{FindingID: in.FindingID, Description: in.Description, DueOn: due})
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, correctiveOut(c))
}

func (h *Handler) listCorrectiveActions(w http.ResponseWriter, r *http.Request) {
	v, err := h.auditsOf(r)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, struct {
		Corrective []correctiveJSON `json:"corrective_actions"`
	}{correctivesOut(v.Corrective)})
}

// correctiveStep runs a vendor's response or an attorney's verification
// and answers with the action's new state.
func (h *Handler) correctiveStep(w http.ResponseWriter, r *http.Request, in any, do func(u domain.User, id, cid int64) (domain.CorrectiveState, error)) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var cid int64
	if err == nil {
		cid, err = httpx.PathID(r, "cid")
	}
	if err == nil {
		err = decode(w, r, in)
	}
	var state domain.CorrectiveState
	if err == nil {
		state, err = do(u, id, cid)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, struct {
		ID    int64  `json:"id"`
		State string `json:"state"`
	}{cid, string(state)})
}

func (h *Handler) respondCorrectiveAction(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Response string `json:"response"`
	}
	h.correctiveStep(w, r, &in, func(u domain.User, id, cid int64) (domain.CorrectiveState, error) {
		return domain.CorrectiveResponded, h.app.RespondCorrectiveAction(r.Context(), u, id, cid, in.Response)
	})
}

func (h *Handler) verifyCorrectiveAction(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Accept *bool  `json:"accept"`
		Note   string `json:"note"`
	}
	h.correctiveStep(w, r, &in, func(u domain.User, id, cid int64) (domain.CorrectiveState, error) {
		if in.Accept == nil {
			return "", domain.Invalid("accept", "accept must be true (close the action) or false (reopen it, with a note)")
		}
		state := domain.CorrectiveOpen
		if *in.Accept {
			state = domain.CorrectiveClosed
		}
		return state, h.app.VerifyCorrectiveAction(r.Context(), u, id, cid, *in.Accept, in.Note)
	})
}

func (h *Handler) myAudits(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	list, err := h.app.MyAudits(r.Context(), u)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := struct {
		Count   int         `json:"count"`
		Overdue int         `json:"overdue"`
		Audits  []auditJSON `json:"audits"`
	}{Audits: []auditJSON{}}
	for _, a := range list {
		out.Audits = append(out.Audits, auditOut(a))
		if a.Overdue {
			out.Overdue++
		}
	}
	out.Count = len(out.Audits)
	httpx.WriteJSON(w, http.StatusOK, out)
}
