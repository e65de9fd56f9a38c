package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
)

// Questionnaire templates: the list of versions, one version (an edit form
// when it is a draft), copy and publish. Firm users read them; firm
// administrators change them.

type questionnairesPage struct {
	Questionnaires []store.QuestionnaireSummary
	CanManage      bool
	Error          string
}

func (h *Handler) questionnaires(w http.ResponseWriter, r *http.Request) {
	h.renderQuestionnaires(w, r, http.StatusOK, nil)
}

func (h *Handler) renderQuestionnaires(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	u, _ := httpx.User(r)
	qs, err := h.app.Questionnaires(r.Context(), u)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	v := questionnairesPage{Questionnaires: qs, CanManage: app.Can(u, app.ManageQuestionnaires)}
	if formErr != nil {
		v.Error = domain.ErrorMessage(formErr)
	}
	h.renderStatus(w, r, status, "questionnaires", "Questionnaires", v)
}

func (h *Handler) copyQuestionnaire(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var q domain.Questionnaire
	if err == nil {
		q, err = h.app.CopyQuestionnaire(r.Context(), u, id)
	}
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/admin/questionnaires/%d", q.ID), http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict:
		h.renderQuestionnaires(w, r, httpx.Status(domain.ErrorCode(err)), err)
	default:
		h.Error(w, r, err)
	}
}

// questionnairePage is one version; for a draft, the edit form with one
// blank row to add a control.
type questionnairePage struct {
	Questionnaire domain.Questionnaire
	Rows          []controlRow
	CanEdit       bool
	AnswerTypes   []domain.AnswerType
	EvidenceKinds []domain.EvidenceKind
	Error         string
	Field         string
	Notice        string
}

// controlRow is one control in the edit form.
type controlRow struct {
	Index   int
	New     bool
	Control domain.Control
	Options string
	Rule    string
}

func controlRowsOf(cs []domain.Control, blank bool) []controlRow {
	out := make([]controlRow, 0, len(cs)+1)
	for i, c := range cs {
		out = append(out, controlRow{Index: i, Control: c, Options: strings.Join(c.Options, " | "), Rule: c.Rule.String()})
	}
	if blank {
		out = append(out, controlRow{Index: len(cs), New: true, Control: domain.Control{Type: domain.AnswerYesNo, Weight: 1}, Rule: "yes"})
	}
	return out
}

func (h *Handler) questionnaire(w http.ResponseWriter, r *http.Request) {
	v := questionnairePage{}
	switch r.URL.Query().Get("done") {
	case "saved":
		v.Notice = "Draft saved."
	case "published":
		v.Notice = "Published. New assessments can use this version; it can no longer be changed."
	}
	h.renderQuestionnaire(w, r, http.StatusOK, v, nil)
}

func (h *Handler) renderQuestionnaire(w http.ResponseWriter, r *http.Request, status int, v questionnairePage, rows []controlRow) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err == nil {
		v.Questionnaire, err = h.app.Questionnaire(r.Context(), u, id)
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	v.CanEdit = app.Can(u, app.ManageQuestionnaires) && v.Questionnaire.Status == domain.QuestionnaireDraft
	v.Rows = rows
	if v.Rows == nil {
		v.Rows = controlRowsOf(v.Questionnaire.Controls, v.CanEdit)
	}
	v.AnswerTypes = domain.AnswerTypes
	v.EvidenceKinds = []domain.EvidenceKind{domain.EvidenceNone, domain.EvidenceSOC2, domain.EvidenceISO27001, domain.EvidenceOther}
	h.renderStatus(w, r, status, "questionnaire", fmt.Sprintf("%s, version %d", v.Questionnaire.Name, v.Questionnaire.Version), v)
}

// controlsFrom reads the edit form's rows (fields key_N, area_N, …); a
// row marked remove_N, or a blank new row, is left out.
func controlsFrom(form url.Values) ([]domain.Control, []controlRow, error) {
	var out []domain.Control
	var rows []controlRow
	var firstErr error
	for i := 0; i <= domain.MaxControls+1; i++ {
		n := strconv.Itoa(i)
		if _, ok := form["key_"+n]; !ok {
			break
		}
		c := domain.Control{Key: strings.TrimSpace(form.Get("key_" + n)), Area: form.Get("area_" + n), Question: form.Get("question_" + n),
			Type: domain.AnswerType(form.Get("type_" + n)), Critical: form.Get("critical_"+n) == "on", Evidence: domain.EvidenceKind(form.Get("evidence_" + n))}
		row := controlRow{Index: i, New: form.Get("new_"+n) == "1", Options: form.Get("options_" + n), Rule: form.Get("rule_" + n)}
		if row.New && c.Key == "" && strings.TrimSpace(c.Question) == "" {
			continue
		}
		for o := range strings.SplitSeq(row.Options, "|") {
			if o = strings.TrimSpace(o); o != "" {
				c.Options = append(c.Options, o)
			}
		}
		w, err := strconv.Atoi(strings.TrimSpace(form.Get("weight_" + n)))
		if err != nil && firstErr == nil {
			firstErr = domain.Invalid("weight", "%s: the weight must be a whole number from 1 to 10", c.Key)
		}
		c.Weight = w
		rule, err := domain.ParsePassRule(row.Rule)
		if err != nil && firstErr == nil {
			firstErr = domain.Invalid("pass_rule", "%s: %s", c.Key, domain.ErrorMessage(err))
		}
		c.Rule = rule
		row.Control = c
		rows = append(rows, row)
		if form.Get("remove_"+n) == "on" {
			continue
		}
		out = append(out, c)
	}
	return out, rows, firstErr
}

func (h *Handler) saveQuestionnaire(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	_ = r.ParseForm()
	controls, rows, err := controlsFrom(r.PostForm)
	if err == nil {
		_, err = h.app.UpdateQuestionnaire(r.Context(), u, id, r.PostFormValue("name"), controls)
	}
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/admin/questionnaires/%d?done=saved", id), http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict:
		h.renderQuestionnaire(w, r, httpx.Status(domain.ErrorCode(err)),
			questionnairePage{Error: domain.ErrorMessage(err), Field: domain.ErrorField(err)}, rows)
	default:
		h.Error(w, r, err)
	}
}

func (h *Handler) publishQuestionnaire(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err == nil {
		_, err = h.app.PublishQuestionnaire(r.Context(), u, id)
	}
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/admin/questionnaires/%d?done=published", id), http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict:
		h.renderQuestionnaire(w, r, httpx.Status(domain.ErrorCode(err)), questionnairePage{Error: domain.ErrorMessage(err), Field: domain.ErrorField(err)}, nil)
	default:
		h.Error(w, r, err)
	}
}
