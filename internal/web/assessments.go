package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// Security assessments on the web: the list of a vendor's assessments (and
// starting one), one assessment (the vendor's answer form, the firm's
// review), evidence upload and download. Every handler calls the app use
// case, which decides who may do what.

type assessmentsPage struct {
	app.AssessmentList
	Error string
	Field string
}

func (h *Handler) assessments(w http.ResponseWriter, r *http.Request) {
	h.renderAssessments(w, r, http.StatusOK, nil)
}

func (h *Handler) renderAssessments(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var v assessmentsPage
	if err == nil {
		v.AssessmentList, err = h.app.Assessments(r.Context(), u, id)
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	if formErr != nil {
		v.Error, v.Field = domain.ErrorMessage(formErr), domain.ErrorField(formErr)
	}
	h.renderStatus(w, r, status, "assessments", "Security assessments of "+v.Vendor.Name, v)
}

func (h *Handler) startAssessment(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	q, _ := strconv.ParseInt(r.PostFormValue("questionnaire_id"), 10, 64)
	as, err := h.app.StartAssessment(r.Context(), u, id, q)
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/vendors/%d/assessments/%d", id, as.ID), http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict:
		h.renderAssessments(w, r, httpx.Status(domain.ErrorCode(err)), err)
	default:
		h.Error(w, r, err)
	}
}

// assessmentPage is one assessment with what a failed form left behind.
type assessmentPage struct {
	app.AssessmentView
	AnswerErrors app.AnswerErrors
	Values       map[string]string // answers as typed, after a failed save
	Comments     map[string]string
	Error        string // another form's error
	Field        string
	Form         string // which form failed: evidence, score, finding, decision, review
	Notice       string
	Severities   []domain.Severity
	// CanReviewEvidence: a reviewer, once the vendor has submitted.
	CanReviewEvidence bool
	MaxUploadMiB      int64
}

// Value is the answer to show for a control: as typed after a failed save,
// else as stored.
func (p assessmentPage) Value(it app.AssessmentItem) string {
	if v, ok := p.Values[it.Control.Key]; ok {
		return v
	}
	return it.Answer.Value
}

// Comment is the comment to show for a control.
func (p assessmentPage) Comment(it app.AssessmentItem) string {
	if v, ok := p.Comments[it.Control.Key]; ok {
		return v
	}
	return it.Answer.Comment
}

// AnswerError is the error of one control's answer, if any.
func (p assessmentPage) AnswerError(key string) string { return p.AnswerErrors[key] }

// ShowAnswer renders a stored answer for reading.
func (p assessmentPage) ShowAnswer(it app.AssessmentItem) string {
	v := it.Answer.Value
	switch {
	case v == "":
		return "Not answered"
	case it.Control.Type == domain.AnswerYesNo:
		return strings.ToUpper(v[:1]) + v[1:]
	case it.Control.Type == domain.AnswerDate:
		return domain.Date(v).Time().Format("2 Jan 2006")
	}
	return v
}

// EvidenceControls are the questions a file can be attached to, those that
// ask for evidence first.
func (p assessmentPage) EvidenceControls() []domain.Control {
	var first, rest []domain.Control
	for _, it := range p.Items() {
		if it.Control.Evidence != domain.EvidenceNone {
			first = append(first, it.Control)
		} else {
			rest = append(rest, it.Control)
		}
	}
	return append(first, rest...)
}

// CriticalKeys are the failing critical controls' keys, for the remediation rows.
func (p assessmentPage) CriticalKeys() []string {
	var out []string
	for _, c := range p.Score.FailingCritical {
		out = append(out, c.Key)
	}
	return out
}

// RemediationRows are the blank rows the decision form offers.
func (p assessmentPage) RemediationRows() []int { return []int{0, 1, 2} }

// RemediationKey suggests the control of row i: the failing critical controls first.
func (p assessmentPage) RemediationKey(i int) string {
	if ks := p.CriticalKeys(); i < len(ks) {
		return ks[i]
	}
	return ""
}

func (h *Handler) assessment(w http.ResponseWriter, r *http.Request) {
	h.renderAssessment(w, r, http.StatusOK, assessmentPage{Notice: noticeText(r.URL.Query().Get("done"))})
}

func noticeText(done string) string {
	switch done {
	case "saved":
		return "Your answers are saved. You can come back and change them until you submit."
	case "submitted":
		return "Submitted. The firm has been told and will review your answers."
	case "uploaded":
		return "The file is attached, stored encrypted."
	case "decided":
		return "Decision recorded. The vendor's status and the engagements waiting on it are updated, and the vendor's managers were emailed."
	}
	return ""
}

func (h *Handler) renderAssessment(w http.ResponseWriter, r *http.Request, status int, p assessmentPage) {
	u, _ := httpx.User(r)
	vendorID, err := pathID(r, "id")
	var id int64
	if err == nil {
		id, err = pathID(r, "aid")
	}
	if err == nil {
		p.AssessmentView, err = h.app.Assessment(r.Context(), u, vendorID, id)
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	p.Severities = domain.Severities
	p.CanReviewEvidence = app.Can(u, app.ReviewAssessments) && p.Assessment.Status != domain.AssessmentInProgress
	p.MaxUploadMiB = h.app.Config.MaxUpload >> 20
	h.renderStatus(w, r, status, "assessment", "Security assessment of "+p.Vendor.Name, p)
}

// ids reads the vendor and assessment of the path.
func assessmentIDs(r *http.Request) (vendorID, id int64, err error) {
	if vendorID, err = pathID(r, "id"); err == nil {
		id, err = pathID(r, "aid")
	}
	return vendorID, id, err
}

func (h *Handler) assessmentURL(r *http.Request, fragment, done string) string {
	u := fmt.Sprintf("/vendors/%s/assessments/%s", r.PathValue("id"), r.PathValue("aid"))
	if done != "" {
		u += "?done=" + url.QueryEscape(done)
	}
	if fragment != "" {
		u += "#" + fragment
	}
	return u
}

// answersFrom reads answer.<key> and comment.<key> fields.
func answersFrom(form url.Values) app.AnswersInput {
	in := app.AnswersInput{Answers: map[string]string{}, Comments: map[string]string{}}
	for k, vs := range form {
		switch {
		case strings.HasPrefix(k, "answer."):
			in.Answers[strings.TrimPrefix(k, "answer.")] = vs[0]
		case strings.HasPrefix(k, "comment."):
			in.Comments[strings.TrimPrefix(k, "comment.")] = vs[0]
		}
	}
	return in
}

// formFailed re-shows the assessment page with a form's error, or the
// error page when the failure is not the form's.
func (h *Handler) formFailed(w http.ResponseWriter, r *http.Request, err error, form string, p assessmentPage) {
	switch code := domain.ErrorCode(err); code {
	case domain.EInvalid, domain.EConflict:
		var ae app.AnswerErrors
		if errors.As(err, &ae) {
			p.AnswerErrors = ae
		} else {
			p.Error, p.Field = domain.ErrorMessage(err), domain.ErrorField(err)
		}
		p.Form = form
		h.renderAssessment(w, r, httpx.Status(code), p)
	default:
		h.Error(w, r, err)
	}
}

func (h *Handler) saveAnswers(w http.ResponseWriter, r *http.Request) {
	h.answersThen(w, r, false)
}

func (h *Handler) submitAssessment(w http.ResponseWriter, r *http.Request) {
	h.answersThen(w, r, true)
}

// answersThen saves the answers the form carries and, when submit is set,
// submits the assessment.
func (h *Handler) answersThen(w http.ResponseWriter, r *http.Request, submit bool) {
	u, _ := httpx.User(r)
	vendorID, id, err := assessmentIDs(r)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	_ = r.ParseForm()
	in := answersFrom(r.PostForm)
	p := assessmentPage{Values: in.Answers, Comments: in.Comments}
	if len(in.Answers)+len(in.Comments) > 0 || !submit {
		if err := h.app.SaveAnswers(r.Context(), u, vendorID, id, in); err != nil {
			h.formFailed(w, r, err, "answers", p)
			return
		}
	}
	done := "saved"
	if submit {
		if err := h.app.SubmitAssessment(r.Context(), u, vendorID, id); err != nil {
			h.formFailed(w, r, err, "answers", assessmentPage{Notice: "Your answers are saved, but the assessment was not submitted yet."})
			return
		}
		done = "submitted"
	}
	http.Redirect(w, r, h.assessmentURL(r, "", done), http.StatusSeeOther)
}

// uploadEvidence streams a multipart upload into the app: the fields
// csrf_token (read by the CSRF check), control, then file, in that order.
func (h *Handler) uploadEvidence(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	vendorID, id, err := assessmentIDs(r)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	if err := h.app.CheckEvidenceUpload(r.Context(), u, vendorID, id); err != nil {
		h.formFailed(w, r, err, "evidence", assessmentPage{})
		return
	}
	err = streamUpload(w, r, h.app.Config.MaxUpload, func(control string, part *multipart.Part) error {
		_, err := h.app.UploadEvidence(r.Context(), u, vendorID, id, app.EvidenceUpload{ControlKey: control, Filename: part.FileName(),
			ClaimedType: part.Header.Get("Content-Type"), Body: part})
		return err
	})
	if err != nil {
		h.formFailed(w, r, err, "evidence", assessmentPage{})
		return
	}
	http.Redirect(w, r, h.assessmentURL(r, "evidence", "uploaded"), http.StatusSeeOther)
}

// streamUpload reads a multipart form whose fields come before its file
// part and hands the file, unbuffered, to put with the "control" field. The
// whole body is capped a little above the document limit.
func streamUpload(w http.ResponseWriter, r *http.Request, limit int64, put func(control string, part *multipart.Part) error) error {
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "multipart/form-data" {
		return domain.Invalid("file", "send the file as a multipart/form-data upload with the fields control and file")
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return domain.Invalid("file", "the upload is not a readable multipart form")
	}
	control := ""
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return domain.Invalid("file", "choose a file to upload")
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return domain.Invalid("file", "the file is larger than the %d MiB limit", limit>>20)
			}
			return domain.Invalid("file", "the upload could not be read: %v", err)
		}
		switch part.FormName() {
		case "control":
			b, _ := io.ReadAll(io.LimitReader(part, 200))
			control = string(b)
		case "file":
			if part.FileName() == "" {
				return domain.Invalid("file", "choose a file to upload")
			}
			err := put(control, part)
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return domain.Invalid("file", "the file is larger than the %d MiB limit", limit>>20)
			}
			return err
		}
	}
}

func (h *Handler) downloadEvidence(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	vendorID, id, err := assessmentIDs(r)
	var eid int64
	if err == nil {
		eid, err = pathID(r, "eid")
	}
	var f app.EvidenceFile
	if err == nil {
		f, err = h.app.DownloadEvidence(r.Context(), u, vendorID, id, eid)
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	serveDocument(w, f.Evidence.Document, f.Content)
}

// serveDocument sends a document as a download, with its sniffed type.
func serveDocument(w http.ResponseWriter, d domain.Document, content []byte) {
	httpx.WriteDownload(w, d.ContentType, d.Filename, content)
}

func (h *Handler) reviewEvidence(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	vendorID, id, err := assessmentIDs(r)
	var eid int64
	if err == nil {
		eid, err = pathID(r, "eid")
	}
	if err == nil {
		err = h.app.ReviewEvidence(r.Context(), u, vendorID, id, eid, r.PostFormValue("accepted") == "yes", r.PostFormValue("note"))
	}
	if err != nil {
		h.formFailed(w, r, err, "review", assessmentPage{})
		return
	}
	http.Redirect(w, r, h.assessmentURL(r, "answers", ""), http.StatusSeeOther)
}

func (h *Handler) overrideScore(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	vendorID, id, err := assessmentIDs(r)
	if err == nil {
		score, perr := strconv.Atoi(strings.TrimSpace(r.PostFormValue("score")))
		if perr != nil {
			score = -1
		}
		err = h.app.OverrideScore(r.Context(), u, vendorID, id, score, r.PostFormValue("reason"))
	}
	if err != nil {
		h.formFailed(w, r, err, "score", assessmentPage{})
		return
	}
	http.Redirect(w, r, h.assessmentURL(r, "score", ""), http.StatusSeeOther)
}

func (h *Handler) addFinding(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	vendorID, id, err := assessmentIDs(r)
	if err == nil {
		_, err = h.app.AddFinding(r.Context(), u, vendorID, id, app.FindingInput{Severity: r.PostFormValue("severity"),
			ControlKey: r.PostFormValue("control_key"), Text: r.PostFormValue("text")})
	}
	if err != nil {
		h.formFailed(w, r, err, "finding", assessmentPage{})
		return
	}
	http.Redirect(w, r, h.assessmentURL(r, "findings", ""), http.StatusSeeOther)
}

func (h *Handler) decideAssessment(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	vendorID, id, err := assessmentIDs(r)
	if err == nil {
		_ = r.ParseForm()
		in := domain.DecisionInput{Note: r.PostFormValue("note"), ApprovedUntil: domain.Date(strings.TrimSpace(r.PostFormValue("approved_until")))}
		in.Decision, err = domain.ParseDecision(r.PostFormValue("decision"))
		texts, dues, keys := r.PostForm["remediation_text"], r.PostForm["remediation_due"], r.PostForm["remediation_control"]
		for i, t := range texts {
			if strings.TrimSpace(t) == "" {
				continue
			}
			it := domain.RemediationItem{Text: t}
			if i < len(dues) {
				it.DueOn = domain.Date(strings.TrimSpace(dues[i]))
			}
			if i < len(keys) {
				it.ControlKey = keys[i]
			}
			in.Remediation = append(in.Remediation, it)
		}
		if err == nil {
			_, err = h.app.Decide(r.Context(), u, vendorID, id, in)
		}
	}
	if err != nil {
		h.formFailed(w, r, err, "decision", assessmentPage{})
		return
	}
	http.Redirect(w, r, h.assessmentURL(r, "", "decided"), http.StatusSeeOther)
}

func (h *Handler) remediationDone(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	vendorID, id, err := assessmentIDs(r)
	var rid int64
	if err == nil {
		rid, err = pathID(r, "rid")
	}
	if err == nil {
		err = h.app.MarkRemediationDone(r.Context(), u, vendorID, id, rid)
	}
	if err != nil {
		h.formFailed(w, r, err, "remediation", assessmentPage{})
		return
	}
	http.Redirect(w, r, h.assessmentURL(r, "remediation", ""), http.StatusSeeOther)
}
