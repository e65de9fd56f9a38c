package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
)

// Security assessments and questionnaire templates in the API: the same use
// cases as the web UI.

type assessmentJSON struct {
	ID                   int64         `json:"id"`
	VendorID             int64         `json:"vendor_id"`
	VendorName           string        `json:"vendor_name"`
	QuestionnaireID      int64         `json:"questionnaire_id"`
	QuestionnaireName    string        `json:"questionnaire_name"`
	QuestionnaireVersion int           `json:"questionnaire_version"`
	Status               string        `json:"status"`
	StatusLabel          string        `json:"status_label"`
	StartedBy            string        `json:"started_by"`
	StartedAt            time.Time     `json:"started_at"`
	SubmittedAt          *time.Time    `json:"submitted_at"`
	Decision             string        `json:"decision"`
	DecisionNote         string        `json:"decision_note"`
	DecidedBy            string        `json:"decided_by"`
	DecidedAt            *time.Time    `json:"decided_at"`
	ApprovedUntil        string        `json:"approved_until"`
	Score                *int          `json:"score,omitempty"`    // firm users, once decided
	Override             *overrideJSON `json:"override,omitempty"` // firm users
}

type overrideJSON struct {
	Score  int    `json:"score"`
	Reason string `json:"reason"`
}

func assessmentOf(viewer domain.User) func(domain.Assessment) assessmentJSON {
	return func(a domain.Assessment) assessmentJSON {
		j := assessmentJSON{ID: a.ID, VendorID: a.VendorID, VendorName: a.VendorName, QuestionnaireID: a.QuestionnaireID,
			QuestionnaireName: a.QuestionnaireName, QuestionnaireVersion: a.QuestionnaireVersion, Status: string(a.Status),
			StatusLabel: a.StatusLabel(), StartedBy: a.StartedByName, StartedAt: a.StartedAt, SubmittedAt: optTime(a.SubmittedAt),
			Decision: string(a.Decision), DecisionNote: a.DecisionNote, DecidedBy: a.DecidedByName, DecidedAt: optTime(a.DecidedAt),
			ApprovedUntil: string(a.ApprovedUntil)}
		if viewer.Role.IsFirm() {
			if a.Status == domain.AssessmentDecided {
				s := a.FinalScore()
				j.Score = &s
			}
			if a.Overridden {
				j.Override = &overrideJSON{Score: a.OverrideScore, Reason: a.OverrideReason}
			}
		}
		return j
	}
}

type evidenceJSON struct {
	ID          int64     `json:"id"`
	ControlKey  string    `json:"control_key"`
	Kind        string    `json:"kind"`
	Status      string    `json:"status"`
	ReviewNote  string    `json:"review_note"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  string    `json:"uploaded_by"`
	UploadedAt  time.Time `json:"uploaded_at"`
}

func evidenceOf(e domain.Evidence) evidenceJSON {
	return evidenceJSON{ID: e.ID, ControlKey: e.ControlKey, Kind: string(e.Kind), Status: string(e.Status), ReviewNote: e.ReviewNote,
		Filename: e.Document.Filename, ContentType: e.Document.ContentType, Size: e.Document.Size, SHA256: e.Document.SHA256,
		UploadedBy: e.Document.UploaderName, UploadedAt: e.Document.CreatedAt}
}

type controlJSON struct {
	Key        string   `json:"key"`
	Area       string   `json:"area"`
	Question   string   `json:"question"`
	AnswerType string   `json:"answer_type"`
	Options    []string `json:"options"`
	Weight     int      `json:"weight"`
	Critical   bool     `json:"critical"`
	PassRule   string   `json:"pass_rule"`
	Evidence   string   `json:"evidence"`
}

func controlOf(c domain.Control) controlJSON {
	opts := c.Options
	if opts == nil {
		opts = []string{}
	}
	return controlJSON{Key: c.Key, Area: c.Area, Question: c.Question, AnswerType: string(c.Type), Options: opts, Weight: c.Weight,
		Critical: c.Critical, PassRule: c.Rule.String(), Evidence: string(c.Evidence)}
}

type itemJSON struct {
	controlJSON
	Answer  any            `json:"answer"` // typed: true/false, a number, a string; null when unanswered
	Comment string         `json:"comment"`
	Passes  *bool          `json:"passes,omitempty"` // firm users
	Files   []evidenceJSON `json:"evidence_files"`
}

// typedValue is a stored answer as its JSON type.
func typedValue(c domain.Control, v string) any {
	switch {
	case v == "":
		return nil
	case c.Type == domain.AnswerYesNo:
		return v == "yes"
	case c.Type == domain.AnswerNumber:
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	}
	return v
}

type findingJSON struct {
	ID         int64     `json:"id"`
	Severity   string    `json:"severity"`
	ControlKey string    `json:"control_key"`
	Text       string    `json:"text"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
}

func findingOf(f domain.Finding) findingJSON {
	return findingJSON{ID: f.ID, Severity: string(f.Severity), ControlKey: f.ControlKey, Text: f.Text, CreatedBy: f.CreatedBy, CreatedAt: f.CreatedAt}
}

type remediationJSON struct {
	ID         int64      `json:"id"`
	ControlKey string     `json:"control_key"`
	Text       string     `json:"text"`
	DueOn      string     `json:"due_on"`
	DoneAt     *time.Time `json:"done_at"`
	DoneBy     string     `json:"done_by"`
}

type scoreJSON struct {
	Value           int      `json:"value"`
	Passing         int      `json:"passing"`
	Total           int      `json:"total"`
	FailingCritical []string `json:"failing_critical"`
}

type assessmentDetailJSON struct {
	assessmentJSON
	Answered    int               `json:"answered"`
	Total       int               `json:"total"`
	AutoScore   *scoreJSON        `json:"automatic_score,omitempty"` // firm users
	Controls    []itemJSON        `json:"controls"`
	Findings    []findingJSON     `json:"findings"`
	Remediation []remediationJSON `json:"remediation"`
}

func assessmentDetail(u domain.User, v app.AssessmentView) assessmentDetailJSON {
	j := assessmentDetailJSON{assessmentJSON: assessmentOf(u)(v.Assessment), Answered: v.Answered, Total: v.Total,
		Controls: []itemJSON{}, Findings: []findingJSON{}, Remediation: []remediationJSON{}}
	if v.Firm {
		s := scoreJSON{Value: v.Score.Value, Passing: v.Score.Passing, Total: v.Score.Total, FailingCritical: []string{}}
		for _, c := range v.Score.FailingCritical {
			s.FailingCritical = append(s.FailingCritical, c.Key)
		}
		j.AutoScore = &s
	}
	for _, it := range v.Items() {
		ij := itemJSON{controlJSON: controlOf(it.Control), Answer: typedValue(it.Control, it.Answer.Value), Comment: it.Answer.Comment, Files: []evidenceJSON{}}
		if v.Firm {
			p := it.Passes
			ij.Passes = &p
		}
		for _, e := range it.Evidence {
			ij.Files = append(ij.Files, evidenceOf(e))
		}
		j.Controls = append(j.Controls, ij)
	}
	for _, f := range v.Findings {
		j.Findings = append(j.Findings, findingOf(f))
	}
	for _, r := range v.Remediation {
		j.Remediation = append(j.Remediation, remediationJSON{ID: r.ID, ControlKey: r.ControlKey, Text: r.Text, DueOn: string(r.DueOn), DoneAt: optTime(r.DoneAt), DoneBy: r.DoneBy})
	}
	return j
}

// ids reads the vendor and assessment of the path.
func assessmentPath(r *http.Request) (vendorID, id int64, err error) {
	if vendorID, err = pathID(r); err != nil {
		return
	}
	id, err = httpx.PathID(r, "aid")
	return vendorID, id, err
}

// answer runs an assessment request and writes the assessment as it now is.
func (h *Handler) answer(w http.ResponseWriter, r *http.Request, status int, do func(u domain.User, vendorID, id int64) error) {
	u, _ := httpx.User(r)
	vendorID, id, err := assessmentPath(r)
	if err == nil {
		err = do(u, vendorID, id)
	}
	var v app.AssessmentView
	if err == nil {
		v, err = h.app.Assessment(r.Context(), u, vendorID, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, status, assessmentDetail(u, v))
}

func (h *Handler) listAssessments(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var l app.AssessmentList
	if err == nil {
		l, err = h.app.Assessments(r.Context(), u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, newList(l.Assessments, store.Page{Limit: store.MaxPageSize}, assessmentOf(u), func(a domain.Assessment) int64 { return a.ID }))
}

func (h *Handler) startAssessment(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	var in struct {
		QuestionnaireID int64 `json:"questionnaire_id"`
	}
	id, err := pathID(r)
	if err == nil {
		err = decode(w, r, &in)
	}
	var as domain.Assessment
	if err == nil {
		as, err = h.app.StartAssessment(r.Context(), u, id, in.QuestionnaireID)
	}
	var v app.AssessmentView
	if err == nil {
		v, err = h.app.Assessment(r.Context(), u, id, as.ID)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, assessmentDetail(u, v))
}

func (h *Handler) getAssessment(w http.ResponseWriter, r *http.Request) {
	h.answer(w, r, http.StatusOK, func(domain.User, int64, int64) error { return nil })
}

func (h *Handler) putAnswers(w http.ResponseWriter, r *http.Request) {
	h.answer(w, r, http.StatusOK, func(u domain.User, vendorID, id int64) error {
		var in struct {
			Answers  map[string]any    `json:"answers"`
			Comments map[string]string `json:"comments"`
		}
		if err := decode(w, r, &in); err != nil {
			return err
		}
		if len(in.Answers)+len(in.Comments) == 0 {
			return domain.Invalid("answers", "send answers: an object of question key → answer")
		}
		return h.app.SaveAnswers(r.Context(), u, vendorID, id, app.AnswersInput{Typed: in.Answers, Comments: in.Comments})
	})
}

func (h *Handler) submitAssessment(w http.ResponseWriter, r *http.Request) {
	h.answer(w, r, http.StatusOK, func(u domain.User, vendorID, id int64) error {
		return h.app.SubmitAssessment(r.Context(), u, vendorID, id)
	})
}

func (h *Handler) overrideScore(w http.ResponseWriter, r *http.Request) {
	h.answer(w, r, http.StatusOK, func(u domain.User, vendorID, id int64) error {
		var in struct {
			Score  *int   `json:"score"`
			Reason string `json:"reason"`
		}
		if err := decode(w, r, &in); err != nil {
			return err
		}
		if in.Score == nil {
			return domain.Invalid("score", "the score is a whole number from 0 to 100")
		}
		return h.app.OverrideScore(r.Context(), u, vendorID, id, *in.Score, in.Reason)
	})
}

func (h *Handler) addFinding(w http.ResponseWriter, r *http.Request) {
	h.answer(w, r, http.StatusCreated, func(u domain.User, vendorID, id int64) error {
		var in struct {
			Severity   string `json:"severity"`
			ControlKey string `json:"control_key"`
			Text       string `json:"text"`
		}
		if err := decode(w, r, &in); err != nil {
			return err
		}
		_, err := h.app.AddFinding(r.Context(), u, vendorID, id, app.FindingInput{Severity: in.Severity, ControlKey: in.ControlKey, Text: in.Text})
		return err
	})
}

func (h *Handler) decideAssessment(w http.ResponseWriter, r *http.Request) {
	h.answer(w, r, http.StatusOK, func(u domain.User, vendorID, id int64) error {
		var in struct {
			Decision      string `json:"decision"`
			Note          string `json:"note"`
			ApprovedUntil string `json:"approved_until"`
			Remediation   []struct {
				Text       string `json:"text"`
				DueOn      string `json:"due_on"`
				ControlKey string `json:"control_key"`
			} `json:"remediation"`
		}
		if err := decode(w, r, &in); err != nil {
			return err
		}
		d, err := domain.ParseDecision(in.Decision)
		if err != nil {
			return err
		}
		di := domain.DecisionInput{Decision: d, Note: in.Note, ApprovedUntil: domain.Date(in.ApprovedUntil)}
		for _, it := range in.Remediation {
			di.Remediation = append(di.Remediation, domain.RemediationItem{Text: it.Text, DueOn: domain.Date(it.DueOn), ControlKey: it.ControlKey})
		}
		_, err = h.app.Decide(r.Context(), u, vendorID, id, di)
		return err
	})
}

func (h *Handler) remediationDone(w http.ResponseWriter, r *http.Request) {
	h.answer(w, r, http.StatusOK, func(u domain.User, vendorID, id int64) error {
		rid, err := httpx.PathID(r, "rid")
		if err != nil {
			return err
		}
		return h.app.MarkRemediationDone(r.Context(), u, vendorID, id, rid)
	})
}

func (h *Handler) reviewEvidence(w http.ResponseWriter, r *http.Request) {
	h.answer(w, r, http.StatusOK, func(u domain.User, vendorID, id int64) error {
		eid, err := httpx.PathID(r, "eid")
		if err != nil {
			return err
		}
		var in struct {
			Accepted *bool  `json:"accepted"`
			Note     string `json:"note"`
		}
		if err := decode(w, r, &in); err != nil {
			return err
		}
		if in.Accepted == nil {
			return domain.Invalid("accepted", "accepted must be true or false")
		}
		return h.app.ReviewEvidence(r.Context(), u, vendorID, id, eid, *in.Accepted, in.Note)
	})
}

// uploadEvidence takes a multipart/form-data body with the fields control
// and then file; the file is streamed into encrypted storage.
func (h *Handler) uploadEvidence(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	vendorID, id, err := assessmentPath(r)
	var ev domain.Evidence
	if err == nil {
		ev, err = h.upload(w, r, u, vendorID, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, evidenceOf(ev))
}

func (h *Handler) upload(w http.ResponseWriter, r *http.Request, u domain.User, vendorID, id int64) (domain.Evidence, error) {
	if err := h.app.CheckEvidenceUpload(r.Context(), u, vendorID, id); err != nil {
		return domain.Evidence{}, err
	}
	limit := h.app.Config.MaxUpload
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "multipart/form-data" {
		return domain.Evidence{}, domain.Invalid("file", "send a multipart/form-data body with the fields control and file (in that order)")
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return domain.Evidence{}, domain.Invalid("file", "the body is not a readable multipart form")
	}
	tooLarge := func(err error) error {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return domain.Invalid("file", "the file is larger than the %d MiB limit", limit>>20)
		}
		return err
	}
	control := ""
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return domain.Evidence{}, domain.Invalid("file", "the form has no file field")
		}
		if err != nil {
			if e := tooLarge(err); e != err {
				return domain.Evidence{}, e
			}
			return domain.Evidence{}, domain.Invalid("file", "the form could not be read: %v", err)
		}
		switch part.FormName() {
		case "control":
			b, _ := io.ReadAll(io.LimitReader(part, 200))
			control = string(b)
		case "file":
			ev, err := h.app.UploadEvidence(r.Context(), u, vendorID, id, app.EvidenceUpload{ControlKey: control, Filename: part.FileName(),
				ClaimedType: part.Header.Get("Content-Type"), Body: part})
			return ev, tooLarge(err)
		}
	}
}

func (h *Handler) downloadEvidence(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	vendorID, id, err := assessmentPath(r)
	var eid int64
	if err == nil {
		eid, err = httpx.PathID(r, "eid")
	}
	var f app.EvidenceFile
	if err == nil {
		f, err = h.app.DownloadEvidence(r.Context(), u, vendorID, id, eid)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	d := f.Evidence.Document
	w.Header().Set("Digest", "sha-256="+d.SHA256)
	httpx.WriteDownload(w, d.ContentType, d.Filename, f.Content)
}

// Questionnaires.

type questionnaireJSON struct {
	ID           int64         `json:"id"`
	Name         string        `json:"name"`
	Version      int           `json:"version"`
	Status       string        `json:"status"`
	BasedOn      *int64        `json:"based_on"`
	Builtin      bool          `json:"builtin"`
	PublishedAt  *time.Time    `json:"published_at"`
	Controls     []controlJSON `json:"controls,omitempty"`
	ControlCount int           `json:"control_count"`
}

func questionnaireOf(q domain.Questionnaire) questionnaireJSON {
	j := questionnaireJSON{ID: q.ID, Name: q.Name, Version: q.Version, Status: string(q.Status), BasedOn: optID(q.BasedOn), Builtin: q.Builtin,
		PublishedAt: optTime(q.PublishedAt), Controls: []controlJSON{}, ControlCount: len(q.Controls)}
	for _, c := range q.Controls {
		j.Controls = append(j.Controls, controlOf(c))
	}
	return j
}

func (h *Handler) listQuestionnaires(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	qs, err := h.app.Questionnaires(r.Context(), u)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, newList(qs, store.Page{Limit: store.MaxPageSize}, func(s store.QuestionnaireSummary) questionnaireJSON {
		j := questionnaireOf(s.Questionnaire)
		j.Controls, j.ControlCount = nil, s.ControlCount
		return j
	}, func(s store.QuestionnaireSummary) int64 { return s.ID }))
}

func (h *Handler) getQuestionnaire(w http.ResponseWriter, r *http.Request) {
	byID(h.app.Questionnaire, func(_ domain.User, q domain.Questionnaire) questionnaireJSON { return questionnaireOf(q) })(w, r)
}

func (h *Handler) copyQuestionnaire(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var q domain.Questionnaire
	if err == nil {
		q, err = h.app.CopyQuestionnaire(r.Context(), u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, questionnaireOf(q))
}

func (h *Handler) putQuestionnaire(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var in struct {
		Name     string        `json:"name"`
		Controls []controlJSON `json:"controls"`
	}
	if err == nil {
		err = decode(w, r, &in)
	}
	var cs []domain.Control
	for _, c := range in.Controls {
		if err != nil {
			break
		}
		var rule domain.PassRule
		if rule, err = domain.ParsePassRule(c.PassRule); err != nil {
			err = domain.Invalid("pass_rule", "%s: %s", c.Key, domain.ErrorMessage(err))
			break
		}
		cs = append(cs, domain.Control{Key: c.Key, Area: c.Area, Question: c.Question, Type: domain.AnswerType(c.AnswerType), Options: c.Options,
			Weight: c.Weight, Critical: c.Critical, Rule: rule, Evidence: domain.EvidenceKind(c.Evidence)})
	}
	var q domain.Questionnaire
	if err == nil {
		q, err = h.app.UpdateQuestionnaire(r.Context(), u, id, in.Name, cs)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, questionnaireOf(q))
}

func (h *Handler) publishQuestionnaire(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var q domain.Questionnaire
	if err == nil {
		q, err = h.app.PublishQuestionnaire(r.Context(), u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, questionnaireOf(q))
}
