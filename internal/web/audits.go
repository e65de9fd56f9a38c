package web

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
)

// The engagement's Quality audits tab: the audit plan and its switching
// rules, batches of items imported from CSV, the audits (due, being scored,
// completed) and the corrective actions raised to the vendor; one audit's
// page with its seeded sample, the scoring forms and the results; and the
// auditor's list at /audits. Every form calls the same use cases as the API
// and the CLI (internal/app/audits.go); nothing is decided here.

// auditsPage is what engagement-audits.html shows.
type auditsPage struct {
	app.AuditsView
	Header store.EngagementSummary
	Error  string   // a refused action
	Field  string   // the field it concerns
	Form   string   // which form it came from: plan, batch, start-{id}, start-manual, corrective-{id}
	Input  planForm // the plan form's values
	Locked string   // why the actor sees no audits now (a stage gate)

	Cadences    []domain.AuditCadence
	Populations []domain.Population
	Methods     []domain.SamplingMethod
	Weights     []domain.Weight
	Levels      []string
}

// planForm is the plan form's values as typed, so a refused form shows
// what was entered; proportions are shown and read as percentages.
type planForm struct {
	Cadence       string
	EveryN        string
	Population    string
	Method        string
	Confidence    string
	Margin        string
	Expected      string
	MaxErrorRate  string
	Level         string
	Accept        string
	Reject        string
	Stratify      bool
	PositiveLabel string
	PauseAfter    string
	AllowRelax    bool
	Auditor       int64
	Criteria      []domain.Criterion
}

// NextAfter is the item to score after item sid: the next unscored one in
// draw order (wrapping round), or 0 when sid is the last one left; the
// scoring form sends it so the page returns there.
func (p qualityAuditPage) NextAfter(sid int64) int64 {
	at := slices.IndexFunc(p.Items, func(it domain.SampleItem) bool { return it.ID == sid })
	for k := 1; k < len(p.Items); k++ {
		if it := p.Items[(at+k)%len(p.Items)]; it.Score == nil {
			return it.ID
		}
	}
	return 0
}

// ErrorAtForm reports whether the refused form is on the page to show its
// error beside it; otherwise the error heads the page (a stage that closed
// since the form was shown, say).
func (p auditsPage) ErrorAtForm() bool {
	switch {
	case p.Form == "plan":
		return p.CanPlan
	case p.Form == "batch":
		return p.CanAudit
	case p.Form == "start-manual":
		return p.CanAudit && p.Plan != nil
	case strings.HasPrefix(p.Form, "start-"):
		return p.CanAudit && slices.ContainsFunc(p.Audits, func(a domain.Audit) bool {
			return "start-"+strconv.FormatInt(a.ID, 10) == p.Form && a.State == domain.AuditDue
		})
	case strings.HasPrefix(p.Form, "corrective-"):
		return slices.ContainsFunc(p.Corrective, func(c domain.CorrectiveAction) bool { return "corrective-"+strconv.FormatInt(c.ID, 10) == p.Form })
	}
	return false
}

// emptyCriteria is how many blank rubric rows the form offers for new criteria.
const emptyCriteria = 3

// planFormOf shows a saved plan (or, with none, the defaults a new plan
// starts from) in the form.
func planFormOf(p *domain.AuditPlan) planForm {
	if p == nil {
		return planForm{Cadence: string(domain.AuditMonthly), Population: string(domain.PopulationDeliverables), Method: string(domain.MethodProportion),
			Confidence: "95", Margin: "5", Expected: "50", MaxErrorRate: "5", Level: "II", PositiveLabel: "responsive", PauseAfter: "0",
			Criteria: withBlankRows(slices.Clone(domain.DefaultRubric))}
	}
	f := planForm{Cadence: string(p.Cadence), Population: string(p.Population), Method: string(p.Sampling.Method),
		Confidence: percentInput(p.Sampling.Confidence), Margin: percentInput(p.Sampling.Margin), Expected: percentInput(p.Sampling.Expected),
		MaxErrorRate: percentInput(p.MaxErrorRate), Level: p.Sampling.Level, Stratify: p.Stratify, PositiveLabel: p.PositiveLabel,
		PauseAfter: strconv.Itoa(p.PauseAfter), AllowRelax: p.AllowRelax, Auditor: p.AuditorID, Criteria: withBlankRows(slices.Clone(p.Criteria))}
	if p.EveryN > 0 {
		f.EveryN = strconv.Itoa(p.EveryN)
	}
	if p.Sampling.Method == domain.MethodZ14 {
		f.Accept, f.Reject = strconv.Itoa(p.Sampling.Accept), strconv.Itoa(p.Sampling.Reject)
	}
	return f
}

func withBlankRows(cs []domain.Criterion) []domain.Criterion {
	for range emptyCriteria {
		cs = append(cs, domain.Criterion{Weight: domain.WeightMajor})
	}
	return cs
}

// percentInput shows a proportion as a percentage for a form field (0.95 → "95").
func percentInput(x float64) string {
	if x == 0 {
		return ""
	}
	return strconv.FormatFloat(math.Round(x*100*1e6)/1e6, 'f', -1, 64)
}

// auditPercent shows a proportion as a percentage with up to two decimals
// (0.019 → "1.9%", 0.0235 → "2.35%", 0.95 → "95%").
func auditPercent(x float64) string {
	s := strconv.FormatFloat(x*100, 'f', 2, 64)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".") + "%"
}

// auditLabels name the audit plan's settings in words.
var auditLabels = map[string]string{
	string(domain.AuditWeekly): "Weekly", string(domain.AuditFortnightly): "Fortnightly", string(domain.AuditMonthly): "Monthly",
	string(domain.AuditEveryN): "Every N submitted deliverable versions", string(domain.AuditEveryBatch): "Every imported batch",
	string(domain.PopulationDeliverables): "Submitted deliverable versions", string(domain.PopulationBatchItems): "Items of an imported batch",
	string(domain.MethodProportion): "Margin of error for a proportion (Krejcie & Morgan)", string(domain.MethodZeroDefect): "Zero-defect acceptance sampling",
	string(domain.MethodZ14):      "ISO 2859-1 / ANSI Z1.4 general inspection level",
	string(domain.WeightCritical): "Critical", string(domain.WeightMajor): "Major", string(domain.WeightMinor): "Minor",
	string(domain.SwitchNormal): "Normal", string(domain.SwitchTightened): "Tightened", string(domain.SwitchReduced): "Reduced",
	string(domain.AuditScheduled): "Scheduled", string(domain.AuditManual): "Manual", string(domain.AuditFinal): "Final",
	string(domain.AuditDue): "Due", string(domain.AuditScoring): "Being scored", string(domain.AuditCompleted): "Completed",
	string(domain.CorrectiveOpen): "Open", string(domain.CorrectiveResponded): "Responded", string(domain.CorrectiveClosed): "Closed",
	"pass": "Passed", "fail": "Failed",
}

// auditLabel names a cadence, population, method, weight, state or verdict.
func auditLabel(v any) string {
	s := fmt.Sprint(v)
	if l, ok := auditLabels[s]; ok {
		return l
	}
	return s
}

// verdictClass is an audit verdict's (or state's) badge.
func verdictClass(v string) string {
	switch v {
	case "pass", string(domain.CorrectiveClosed), string(domain.SwitchReduced):
		return "ok"
	case "fail", string(domain.SwitchTightened):
		return "bad"
	case string(domain.AuditDue), string(domain.AuditScoring), string(domain.CorrectiveOpen), string(domain.CorrectiveResponded):
		return "wait"
	}
	return "muted"
}

// auditStatement is a completed audit's result in one sentence, for the
// client's summary (the audit page shows the results' own statement).
func auditStatement(a domain.Audit) string {
	if a.State != domain.AuditCompleted || a.SampleSize == 0 {
		return ""
	}
	st, _, err := domain.AuditStatement(a, a.Errors, a.SampleSize)
	if err != nil {
		return fmt.Sprintf("%d of %d sampled items in error.", a.Errors, a.SampleSize)
	}
	return st
}

// readPlanForm reads the plan form: the values as typed (to show again)
// and the plan they make, or the first field that is not a number.
func readPlanForm(r *http.Request) (planForm, domain.AuditPlan, error) {
	var f planForm
	var p domain.AuditPlan
	if err := r.ParseForm(); err != nil {
		return f, p, domain.Invalid("cadence", "the form could not be read")
	}
	v := func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
	f = planForm{Cadence: v("cadence"), EveryN: v("every_n"), Population: v("population"), Method: v("method"), Confidence: v("confidence"),
		Margin: v("margin"), Expected: v("expected"), MaxErrorRate: v("max_error_rate"), Level: v("level"), Accept: v("accept"), Reject: v("reject"),
		Stratify: v("stratify") != "", PositiveLabel: v("positive_label"), PauseAfter: v("pause_after"), AllowRelax: v("allow_relax") != ""}
	f.Auditor, _ = strconv.ParseInt(v("auditor"), 10, 64)
	keys, names, weights, descs := r.PostForm["criterion_key"], r.PostForm["criterion_name"], r.PostForm["criterion_weight"], r.PostForm["criterion_description"]
	at := func(s []string, i int) string {
		if i < len(s) {
			return strings.TrimSpace(s[i])
		}
		return ""
	}
	for i := range keys {
		c := domain.Criterion{Key: at(keys, i), Name: at(names, i), Weight: domain.Weight(at(weights, i)), Description: at(descs, i)}
		f.Criteria = append(f.Criteria, c)
		if c.Key != "" || c.Name != "" || c.Description != "" {
			p.Criteria = append(p.Criteria, c)
		}
	}
	show := f
	show.Criteria = withBlankRows(slices.DeleteFunc(slices.Clone(f.Criteria), func(c domain.Criterion) bool {
		return c.Key == "" && c.Name == "" && c.Description == ""
	}))

	p.Cadence, p.Population, p.Stratify, p.AllowRelax, p.AuditorID = domain.AuditCadence(f.Cadence), domain.Population(f.Population), f.Stratify, f.AllowRelax, f.Auditor
	p.PositiveLabel = f.PositiveLabel
	p.Sampling = domain.SampleSpec{Method: domain.SamplingMethod(f.Method), Level: f.Level}
	var err error
	integer := func(field, s string, to *int) {
		if err != nil || s == "" {
			return
		}
		n, perr := strconv.Atoi(s)
		if perr != nil {
			err = domain.Invalid(field, "enter a whole number")
			return
		}
		*to = n
	}
	percent := func(field, s string, to *float64) {
		if err != nil || s == "" {
			return
		}
		x, perr := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
		if perr != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			err = domain.Invalid(field, "enter a percentage, e.g. 95 or 2.5")
			return
		}
		// in percent here, so the message speaks the form's language (the
		// expected proportion may be 0: unknown, taken as 50)
		if field == "expected" && (x < 0 || x > 100) || field != "expected" && (x <= 0 || x >= 100) {
			err = domain.Invalid(field, "enter a percentage between 0 and 100, such as 95; got %s", s)
			return
		}
		*to = x / 100
	}
	if p.Cadence == domain.AuditEveryN {
		integer("every_n", f.EveryN, &p.EveryN)
	}
	percent("confidence", f.Confidence, &p.Sampling.Confidence)
	switch p.Sampling.Method {
	case domain.MethodProportion:
		percent("margin", f.Margin, &p.Sampling.Margin)
		percent("expected", f.Expected, &p.Sampling.Expected)
	case domain.MethodZ14:
		integer("accept", f.Accept, &p.Sampling.Accept)
		integer("reject", f.Reject, &p.Sampling.Reject)
	}
	percent("max_error_rate", f.MaxErrorRate, &p.MaxErrorRate)
	if p.Sampling.Method == domain.MethodZeroDefect {
		p.Sampling.MaxErrorRate = p.MaxErrorRate
	}
	integer("pause_after", f.PauseAfter, &p.PauseAfter)
	return show, p, err
}

func (h *Handler) engagementAudits(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	h.renderAudits(w, r, http.StatusOK, id, auditsPage{}, nil)
}

// renderAudits shows the tab; form, when not nil, is the plan form as the
// user typed it (a refused plan).
func (h *Handler) renderAudits(w http.ResponseWriter, r *http.Request, status int, id int64, p auditsPage, form *planForm) {
	u, _ := httpx.User(r)
	v, err := h.app.QualityAudits(r.Context(), u, id)
	if err != nil {
		if hd, ok := h.lockedHeader(r, u, id, err); ok {
			h.renderStatus(w, r, http.StatusOK, "engagement-audits", "Quality audits · "+hd.MatterNumber, auditsPage{Header: hd, Locked: domain.ErrorMessage(err)})
			return
		}
		h.Error(w, r, err)
		return
	}
	p.AuditsView, p.Header = v, h.auditHeader(r, u, v.EngagementRef)
	p.Cadences, p.Populations = domain.AuditCadences, []domain.Population{domain.PopulationDeliverables, domain.PopulationBatchItems}
	p.Methods = []domain.SamplingMethod{domain.MethodProportion, domain.MethodZeroDefect, domain.MethodZ14}
	p.Weights, p.Levels = []domain.Weight{domain.WeightCritical, domain.WeightMajor, domain.WeightMinor}, []string{"I", "II", "III"}
	if form != nil {
		p.Input = *form
	} else {
		p.Input = planFormOf(v.Plan)
	}
	h.renderStatus(w, r, status, "engagement-audits", "Quality audits · "+p.Header.MatterNumber, p)
}

// auditHeader is the engagement's heading (the names beside it), read
// from the actor's list of engagements: the use case already let the actor
// see the engagement. Without the names it shows the matter alone.
func (h *Handler) auditHeader(r *http.Request, u domain.User, ref app.EngagementRef) store.EngagementSummary {
	e := ref.Engagement
	es, err := h.app.Engagements(r.Context(), u, store.EngagementFilter{MatterID: e.MatterID, VendorID: e.VendorID, Page: store.Page{AfterID: e.ID - 1, Limit: 1}})
	if err == nil && len(es) == 1 && es[0].ID == e.ID {
		return es[0]
	}
	return store.EngagementSummary{Engagement: e, MatterNumber: ref.Matter.Number, MatterTitle: ref.Matter.Title}
}

// lockedHeader is, when the use case refused a read with a stage gate
// (the vendor's team sees no audits before the engagement is active or
// after it closes), the engagement's heading from the actor's own list, so
// the tab shows why instead of an error page.
func (h *Handler) lockedHeader(r *http.Request, u domain.User, id int64, err error) (store.EngagementSummary, bool) {
	if r.Method != http.MethodGet || domain.ErrorCode(err) != domain.EGateClosed {
		return store.EngagementSummary{}, false
	}
	es, lerr := h.app.Engagements(r.Context(), u, store.EngagementFilter{Page: store.Page{AfterID: id - 1, Limit: 1}})
	if lerr != nil || len(es) != 1 || es[0].ID != id {
		return store.EngagementSummary{}, false
	}
	return es[0], true
}

// auditsResult shows the tab again after a form: a redirect on success,
// the tab with the error next to the form on bad input or a clash.
func (h *Handler) auditsResult(w http.ResponseWriter, r *http.Request, id int64, form, to string, err error, plan *planForm) {
	switch domain.ErrorCode(err) {
	case "":
		if to == "" {
			to = "/engagements/" + strconv.FormatInt(id, 10) + "/audits"
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict, domain.EGateClosed:
		h.renderAudits(w, r, httpx.Status(domain.ErrorCode(err)), id,
			auditsPage{Error: domain.ErrorMessage(err), Field: domain.ErrorField(err), Form: form}, plan)
	default:
		h.Error(w, r, err)
	}
}

func (h *Handler) saveAuditPlan(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	f, p, err := readPlanForm(r)
	if err == nil {
		_, err = h.app.SetAuditPlan(r.Context(), u, id, p)
	}
	h.auditsResult(w, r, id, "plan", fmt.Sprintf("/engagements/%d/audits#plan", id), err, &f)
}

func (h *Handler) importAuditBatch(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	err = httpx.StreamForm(w, r, h.app.Config.MaxDocument, "file", func(f httpx.FormPart) error {
		if f.File == nil {
			return domain.Invalid("file", "choose a CSV file of the batch's items")
		}
		_, err := h.app.ImportAuditBatch(r.Context(), u, id, f.Fields["name"], f.File)
		return err
	})
	if httpx.IsNotMultipart(err) {
		// A form without a file: the use case still answers first who may
		// import here, then that the batch has no items.
		_, err = h.app.ImportAuditBatch(r.Context(), u, id, r.PostFormValue("name"), strings.NewReader(""))
	}
	err = httpx.UploadError(err, h.app.Config.MaxDocument)
	h.auditsResult(w, r, id, "batch", fmt.Sprintf("/engagements/%d/audits#batches", id), err, nil)
}

func (h *Handler) startQualityAudit(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	var in app.StartAuditInput
	form := "start-manual"
	if err = r.ParseForm(); err != nil {
		err = domain.Invalid("seed", "the form could not be read")
	}
	if s := strings.TrimSpace(r.PostForm.Get("audit")); err == nil && s != "" {
		form = "start-" + s
		if in.AuditID, err = strconv.ParseInt(s, 10, 64); err != nil || in.AuditID <= 0 {
			err = domain.NotFound("audit")
		}
	}
	if s := strings.TrimSpace(r.PostForm.Get("batch")); err == nil && s != "" {
		if in.BatchID, err = strconv.ParseInt(s, 10, 64); err != nil || in.BatchID <= 0 {
			err = domain.Invalid("batch", "choose a batch from the list")
		}
	}
	in.Seed = strings.TrimSpace(r.PostForm.Get("seed"))
	var a domain.Audit
	if err == nil {
		a, err = h.app.StartAudit(r.Context(), u, id, in)
	}
	h.auditsResult(w, r, id, form, fmt.Sprintf("/engagements/%d/audits/%d", id, a.ID), err, nil)
}

// correctiveAction answers a vendor's response or the attorney's check of
// a corrective action from the tab.
func (h *Handler) correctiveAction(w http.ResponseWriter, r *http.Request, call func(u domain.User, id, cid int64) error) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var cid int64
	if err == nil {
		cid, err = pathID(r, "cid")
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.Error(w, r, domain.Invalid("response", "the form could not be read"))
		return
	}
	err = call(u, id, cid)
	h.auditsResult(w, r, id, "corrective-"+strconv.FormatInt(cid, 10), fmt.Sprintf("/engagements/%d/audits#corrective-%d", id, cid), err, nil)
}

func (h *Handler) respondCorrectiveAction(w http.ResponseWriter, r *http.Request) {
	h.correctiveAction(w, r, func(u domain.User, id, cid int64) error {
		return h.app.RespondCorrectiveAction(r.Context(), u, id, cid, r.PostForm.Get("response"))
	})
}

func (h *Handler) verifyCorrectiveAction(w http.ResponseWriter, r *http.Request) {
	h.correctiveAction(w, r, func(u domain.User, id, cid int64) error {
		var accept bool
		switch r.PostForm.Get("decision") {
		case "accept":
			accept = true
		case "reopen":
		default:
			return domain.Invalid("decision", "choose to accept the response and close the action, or reopen it")
		}
		return h.app.VerifyCorrectiveAction(r.Context(), u, id, cid, accept, r.PostForm.Get("note"))
	})
}

// qualityAuditPage is what engagement-audit.html shows.
type qualityAuditPage struct {
	app.AuditDetail
	Header  store.EngagementSummary
	Command string // the command line that reproduces the draw
	Locked  string // why the actor sees no audits now (a stage gate)
	Error   string
	Field   string
	Form    string // item-{sid}, complete, raise-{finding id}, raise
}

// ErrorAtForm reports whether the refused form is on the page to show its
// error beside it; otherwise the error heads the page.
func (p qualityAuditPage) ErrorAtForm() bool {
	switch {
	case strings.HasPrefix(p.Form, "item-"):
		return p.CanScore && p.Audit.State == domain.AuditScoring && slices.ContainsFunc(p.Items, func(it domain.SampleItem) bool {
			return "item-"+strconv.FormatInt(it.ID, 10) == p.Form
		})
	case strings.HasPrefix(p.Form, "raise"):
		return p.CanRaise
	}
	return false
}

// Failed reports whether a sampled item's score failed a criterion.
func (qualityAuditPage) Failed(it domain.SampleItem, key string) bool {
	return it.Score != nil && slices.Contains(it.Score.Failed, key)
}

// Unscored counts the sampled items still to score.
func (p qualityAuditPage) Unscored() int {
	n := 0
	for _, it := range p.Items {
		if it.Score == nil {
			n++
		}
	}
	return n
}

// IsBatch reports whether the audit samples a batch's items (which have
// the vendor's decision, so the auditor gives the correct one).
func (p qualityAuditPage) IsBatch() bool { return p.Audit.BatchID != 0 }

// sampleCommand is the command line that reproduces an audit's draw.
func sampleCommand(a domain.Audit) string {
	if a.Seed == "" {
		return ""
	}
	seed := a.Seed
	if strings.ContainsAny(seed, " \t'\"\\$`;&|<>*?()") {
		seed = "'" + strings.ReplaceAll(seed, "'", `'\''`) + "'"
	}
	if a.Stratified { // drawn per person: the batch's CSV names each item's person
		return fmt.Sprintf("probity audit sample --seed %s --population BATCH.csv --size %d --stratify", seed, a.SampleSize)
	}
	return fmt.Sprintf("probity audit sample --seed %s --population %d --size %d", seed, a.Population, a.SampleSize)
}

func auditPath(r *http.Request) (id, aid int64, err error) {
	if id, err = pathID(r, "id"); err == nil {
		aid, err = pathID(r, "aid")
	}
	return id, aid, err
}

func (h *Handler) qualityAudit(w http.ResponseWriter, r *http.Request) {
	id, aid, err := auditPath(r)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	h.renderAudit(w, r, http.StatusOK, id, aid, qualityAuditPage{})
}

func (h *Handler) renderAudit(w http.ResponseWriter, r *http.Request, status int, id, aid int64, p qualityAuditPage) {
	u, _ := httpx.User(r)
	d, err := h.app.AuditDetail(r.Context(), u, id, aid)
	if err != nil {
		if hd, ok := h.lockedHeader(r, u, id, err); ok {
			h.renderStatus(w, r, http.StatusOK, "engagement-audit", "Quality audit · "+hd.MatterNumber, qualityAuditPage{Header: hd, Locked: domain.ErrorMessage(err)})
			return
		}
		h.Error(w, r, err)
		return
	}
	p.AuditDetail, p.Header, p.Command = d, h.auditHeader(r, u, d.EngagementRef), sampleCommand(d.Audit)
	h.renderStatus(w, r, status, "engagement-audit", fmt.Sprintf("Audit %s · %s", d.Audit.Period, p.Header.MatterNumber), p)
}

// auditResult goes back to the audit (at anchor) on success and shows the
// error next to the form on bad input or a clash.
func (h *Handler) auditResult(w http.ResponseWriter, r *http.Request, id, aid int64, form, anchor string, err error) {
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/engagements/%d/audits/%d%s", id, aid, anchor), http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict, domain.EGateClosed:
		h.renderAudit(w, r, httpx.Status(domain.ErrorCode(err)), id, aid,
			qualityAuditPage{Error: domain.ErrorMessage(err), Field: domain.ErrorField(err), Form: form})
	default:
		h.Error(w, r, err)
	}
}

func (h *Handler) scoreAuditItem(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, aid, err := auditPath(r)
	var sid int64
	if err == nil {
		sid, err = pathID(r, "sid")
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.Error(w, r, domain.Invalid("failed", "the form could not be read"))
		return
	}
	s := domain.ItemScore{SampleID: sid, CorrectDecision: strings.TrimSpace(r.PostForm.Get("correct")), Note: strings.TrimSpace(r.PostForm.Get("note"))}
	for _, k := range r.PostForm["fail"] {
		if k = strings.TrimSpace(k); k != "" {
			s.Failed = append(s.Failed, k)
		}
	}
	err = h.app.ScoreAuditItem(r.Context(), u, id, aid, s)
	next := "#results" // the last item scored: the results, ready to complete
	if n, perr := strconv.ParseInt(r.PostForm.Get("next"), 10, 64); perr == nil && n > 0 {
		next = fmt.Sprintf("#item-%d", n)
	}
	h.auditResult(w, r, id, aid, fmt.Sprintf("item-%d", sid), next, err)
}

func (h *Handler) completeQualityAudit(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, aid, err := auditPath(r)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	_, err = h.app.CompleteAudit(r.Context(), u, id, aid)
	h.auditResult(w, r, id, aid, "complete", "#results", err)
}

func (h *Handler) raiseCorrectiveAction(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, aid, err := auditPath(r)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.Error(w, r, domain.Invalid("description", "the form could not be read"))
		return
	}
	c := domain.CorrectiveAction{Description: strings.TrimSpace(r.PostForm.Get("description"))}
	form := "raise"
	if s := strings.TrimSpace(r.PostForm.Get("finding")); s != "" {
		form = "raise-" + s
		if c.FindingID, err = strconv.ParseInt(s, 10, 64); err != nil || c.FindingID <= 0 {
			err = domain.Invalid("finding", "choose a finding of this audit")
		}
	}
	if err == nil {
		c.DueOn, err = domain.ParseDate("due_on", strings.TrimSpace(r.PostForm.Get("due_on")))
	}
	if err == nil {
		_, err = h.app.RaiseCorrectiveAction(r.Context(), u, id, aid, c)
	}
	h.auditResult(w, r, id, aid, form, "#corrective", err)
}

func (h *Handler) myAudits(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	list, err := h.app.MyAudits(r.Context(), u)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	overdue := 0
	for _, a := range list {
		if a.Overdue {
			overdue++
		}
	}
	h.render(w, r, "audits", "Quality audits", struct {
		Audits  []domain.Audit
		Overdue int
	}{list, overdue})
}
