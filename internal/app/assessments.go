package app

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Security assessments: the firm starts one for a vendor, the vendor's
// managers answer it in the vendor portal (attaching evidence, evidence.go)
// and submit it, and an attorney or firm administrator reviews and decides
// it (assessment_review.go). Every use case here loads the assessment
// through loadAssessment, so the same rules hold on the web, in the API and
// anywhere else: vendor users only ever reach their own vendor's
// assessments, and only vendor managers among them.

// assessmentRef is an assessment loaded for a use case, with its vendor.
type assessmentRef struct {
	Vendor     domain.Vendor
	Assessment domain.Assessment
}

// loadAssessment loads assessment id of vendor vendorID for actor, who must
// be allowed to see assessments (forbidden otherwise, whatever the object),
// must see the vendor and the assessment must be the vendor's (not found
// otherwise), and must hold `need` too (forbidden).
func (a *App) loadAssessment(ctx context.Context, tx *store.Tx, actor domain.User, vendorID, id int64, need Action) (assessmentRef, error) {
	var ref assessmentRef
	if err := require(actor, ViewAssessments); err != nil {
		return ref, err
	}
	v, err := tx.Vendor(ctx, ScopeFor(actor), vendorID)
	if err != nil {
		return ref, err
	}
	if actor.Role.IsVendor() && actor.VendorID != v.ID {
		return ref, domain.NotFound("vendor")
	}
	as, err := tx.Assessment(ctx, id)
	if err != nil || as.VendorID != v.ID {
		return ref, domain.NotFound("assessment")
	}
	if need != ViewAssessments {
		if err := require(actor, need); err != nil {
			return ref, err
		}
	}
	return assessmentRef{Vendor: v, Assessment: as}, nil
}

// assessmentVendor loads a vendor whose assessments actor may see.
func (a *App) assessmentVendor(ctx context.Context, tx *store.Tx, actor domain.User, vendorID int64) (domain.Vendor, error) {
	if err := require(actor, ViewAssessments); err != nil {
		return domain.Vendor{}, err
	}
	v, err := tx.Vendor(ctx, ScopeFor(actor), vendorID)
	if err == nil && actor.Role.IsVendor() && actor.VendorID != v.ID {
		err = domain.NotFound("vendor")
	}
	return v, err
}

// AssessmentList is a vendor's assessments, newest first, with what the
// actor may do there.
type AssessmentList struct {
	Vendor         domain.Vendor
	Assessments    []domain.Assessment
	CanStart       bool
	Questionnaires []store.QuestionnaireSummary // published versions to start from (reviewers)
}

// Assessments lists a vendor's assessments.
func (a *App) Assessments(ctx context.Context, actor domain.User, vendorID int64) (AssessmentList, error) {
	var l AssessmentList
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		if l.Vendor, err = a.assessmentVendor(ctx, tx, actor, vendorID); err != nil {
			return err
		}
		if l.Assessments, err = tx.ListAssessments(ctx, vendorID); err != nil {
			return err
		}
		if !Can(actor, ReviewAssessments) {
			return nil
		}
		l.CanStart = !slices.ContainsFunc(l.Assessments, func(x domain.Assessment) bool { return x.Status != domain.AssessmentDecided })
		qs, err := tx.ListQuestionnaires(ctx)
		for _, q := range qs {
			if q.Status == domain.QuestionnairePublished {
				l.Questionnaires = append(l.Questionnaires, q)
			}
		}
		return err
	})
	return l, err
}

// vendorAssessments lists a vendor's assessments for its page, or nothing
// when the actor may not see them (clients, vendor professionals).
func (a *App) vendorAssessments(ctx context.Context, tx *store.Tx, actor domain.User, vendorID int64) ([]domain.Assessment, error) {
	if !Can(actor, ViewAssessments) || actor.Role.IsVendor() && actor.VendorID != vendorID {
		return nil, nil
	}
	return tx.ListAssessments(ctx, vendorID)
}

// VendorAssessments is the assessments card of a vendor's page: the
// vendor's assessments when the actor may see them, else none.
func (a *App) VendorAssessments(ctx context.Context, actor domain.User, vendorID int64) ([]domain.Assessment, error) {
	var out []domain.Assessment
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		if _, err := tx.Vendor(ctx, ScopeFor(actor), vendorID); err != nil {
			return err
		}
		var err error
		out, err = a.vendorAssessments(ctx, tx, actor, vendorID)
		return err
	})
	return out, err
}

// StartAssessment asks a vendor to answer a published questionnaire (the
// newest when questionnaireID is 0). Attorneys and firm administrators may;
// a vendor with an assessment still open gets a conflict. The vendor's
// managers are emailed.
func (a *App) StartAssessment(ctx context.Context, actor domain.User, vendorID, questionnaireID int64) (domain.Assessment, error) {
	if err := require(actor, ReviewAssessments); err != nil {
		return domain.Assessment{}, err
	}
	if actor.ID == 0 {
		return domain.Assessment{}, domain.Errorf(domain.EForbidden, "an assessment is started by an attorney or firm administrator signed in to Probity")
	}
	var out domain.Assessment
	var mails []email
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		v, err := tx.Vendor(ctx, ScopeFor(actor), vendorID)
		if err != nil {
			return err
		}
		if questionnaireID == 0 {
			if questionnaireID, err = tx.LatestPublishedQuestionnaire(ctx); err != nil {
				return domain.Invalid("questionnaire", "no questionnaire is published yet: publish one under Questionnaires first")
			}
		}
		q, err := tx.Questionnaire(ctx, questionnaireID)
		if err != nil {
			return domain.Invalid("questionnaire", "choose a questionnaire")
		}
		if q.Status != domain.QuestionnairePublished {
			return domain.Invalid("questionnaire", "version %d is a draft: publish it before using it", q.Version)
		}
		as := domain.Assessment{VendorID: v.ID, QuestionnaireID: q.ID, StartedBy: actor.ID}
		if err := tx.CreateAssessment(ctx, &as, a.Now()); err != nil {
			return err
		}
		if out, err = tx.Assessment(ctx, as.ID); err != nil {
			return err
		}
		firm, err := firmName(ctx, tx)
		if err != nil {
			return err
		}
		managers, err := a.vendorManagers(ctx, tx, v.ID)
		if err != nil {
			return err
		}
		link := a.link(fmt.Sprintf("/vendors/%d/assessments/%d", v.ID, as.ID))
		for _, m := range managers {
			e := email{}
			e.To = m.Email
			e.Subject = fmt.Sprintf("%s asks %s to complete a security assessment", firm, v.Name)
			e.Body = fmt.Sprintf("Hello %s,\n\n%s has asked %s to complete its security assessment (%s, version %d: %d questions).\n\n"+
				"Answer the questions and attach the evidence asked for (such as a SOC 2 Type II report or an ISO/IEC 27001 certificate), then submit it for the firm's review:\n%s\n\n"+
				"You can save your answers and come back to them before you submit.\n",
				m.Name, firm, v.Name, q.Name, q.Version, len(q.Controls), link)
			if err := a.queueMail(ctx, tx, e); err != nil {
				return err
			}
			mails = append(mails, e)
		}
		return a.audit(ctx, tx, actor, Record{Action: "assessment.start", ObjectType: "assessment", ObjectID: as.ID,
			Summary: fmt.Sprintf("started a security assessment of %s on %s version %d", v.Name, q.Name, q.Version)})
	})
	if err != nil {
		return domain.Assessment{}, err
	}
	a.mailQueued(mails...)
	return out, nil
}

// vendorManagers lists a vendor's enabled managers.
func (a *App) vendorManagers(ctx context.Context, tx *store.Tx, vendorID int64) ([]domain.User, error) {
	us, err := tx.ListUsers(ctx, store.UserFilter{VendorID: vendorID, Role: domain.RoleVendorManager, Page: store.Page{Limit: store.MaxPageSize}})
	return slices.DeleteFunc(us, func(u domain.User) bool { return u.Disabled }), err
}

// AssessmentItem is one control of an assessment with its answer and evidence.
type AssessmentItem struct {
	Control  domain.Control
	Answer   domain.Answer
	Passes   bool // firm users only
	Evidence []domain.Evidence
	// Remediated: a remediation item for this control was marked done.
	Remediated bool
}

// Answered reports whether the control has an answer.
func (i AssessmentItem) Answered() bool { return i.Answer.Value != "" }

// AssessmentView is one assessment as its page shows it. Vendor users see
// their answers, evidence, findings (which are shared with them), the
// decision and remediation; the score, what passes and the reason for an
// override are the firm's alone.
type AssessmentView struct {
	Vendor      domain.Vendor
	Assessment  domain.Assessment
	Areas       []AssessmentArea
	Answered    int
	Total       int
	Findings    []domain.Finding
	Remediation []domain.RemediationItem
	Score       domain.Score // firm users only
	Firm        bool         // the viewer is a firm user
	CanAnswer   bool         // the vendor's manager, while it is in progress
	CanReview   bool         // an attorney or administrator, once submitted
	CanRemedy   bool         // may mark remediation done
	Today       domain.Date
}

// AssessmentArea groups the items of one control area.
type AssessmentArea struct {
	Name  string
	Items []AssessmentItem
}

// Items lists every item in order.
func (v AssessmentView) Items() []AssessmentItem {
	var out []AssessmentItem
	for _, ar := range v.Areas {
		out = append(out, ar.Items...)
	}
	return out
}

// Assessment returns one assessment as actor may see it.
func (a *App) Assessment(ctx context.Context, actor domain.User, vendorID, id int64) (AssessmentView, error) {
	var v AssessmentView
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		ref, err := a.loadAssessment(ctx, tx, actor, vendorID, id, ViewAssessments)
		if err != nil {
			return err
		}
		v, err = a.assessmentView(ctx, tx, actor, ref)
		return err
	})
	return v, err
}

func (a *App) assessmentView(ctx context.Context, tx *store.Tx, actor domain.User, ref assessmentRef) (AssessmentView, error) {
	as := ref.Assessment
	v := AssessmentView{Vendor: ref.Vendor, Assessment: as, Firm: actor.Role.IsFirm(), Today: domain.DateOf(a.Now())}
	q, err := tx.Questionnaire(ctx, as.QuestionnaireID)
	if err != nil {
		return v, err
	}
	answers, err := tx.Answers(ctx, as.ID)
	if err != nil {
		return v, err
	}
	evidence, err := tx.Evidence(ctx, as.ID)
	if err != nil {
		return v, err
	}
	if v.Findings, err = tx.Findings(ctx, as.ID); err != nil {
		return v, err
	}
	if v.Remediation, err = tx.Remediation(ctx, as.ID); err != nil {
		return v, err
	}
	byKey := map[string]domain.Answer{}
	values := map[string]string{}
	for _, an := range answers {
		byKey[an.Key], values[an.Key] = an, an.Value
	}
	day := v.Today
	if as.Status == domain.AssessmentDecided {
		day = domain.DateOf(as.DecidedAt)
	}
	for _, c := range q.Controls {
		it := AssessmentItem{Control: c, Answer: byKey[c.Key]}
		for _, e := range evidence {
			if e.ControlKey == c.Key {
				it.Evidence = append(it.Evidence, e)
			}
		}
		for _, r := range v.Remediation {
			if r.ControlKey == c.Key && r.Done() {
				it.Remediated = true
			}
		}
		if v.Firm {
			it.Passes = c.Passes(it.Answer.Value, day)
		}
		if it.Answered() {
			v.Answered++
		}
		v.Total++
		if n := len(v.Areas); n == 0 || v.Areas[n-1].Name != c.Area {
			v.Areas = append(v.Areas, AssessmentArea{Name: c.Area})
		}
		v.Areas[len(v.Areas)-1].Items = append(v.Areas[len(v.Areas)-1].Items, it)
	}
	if v.Firm {
		v.Score = domain.ScoreAnswers(q.Controls, values, day)
	} else {
		v.Assessment.OverrideReason = ""
		v.Assessment.Overridden, v.Assessment.OverrideScore, v.Assessment.AutoScore = false, 0, 0
	}
	v.CanAnswer = Can(actor, AnswerAssessments) && as.Status == domain.AssessmentInProgress
	v.CanReview = Can(actor, ReviewAssessments) && as.Status == domain.AssessmentSubmitted
	v.CanRemedy = Can(actor, ReviewAssessments) && as.Status == domain.AssessmentDecided
	return v, nil
}

// AnswerErrors is what was wrong with a set of answers, by control key. It
// unwraps to one invalid-input error naming the first control, so it maps
// to the usual status and error shape; pages show each message beside its
// question.
type AnswerErrors map[string]string

// Keys lists the controls at fault, sorted.
func (e AnswerErrors) Keys() []string {
	ks := make([]string, 0, len(e))
	for k := range e {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func (e AnswerErrors) Error() string { return e.Unwrap().Error() }

// Unwrap is the invalid-input error summarising every problem.
func (e AnswerErrors) Unwrap() error {
	ks := e.Keys()
	parts := make([]string, 0, len(ks))
	for _, k := range ks {
		parts = append(parts, k+": "+e[k])
	}
	first := ""
	if len(ks) > 0 {
		first = "answers." + ks[0]
	}
	noun := "answer needs"
	if len(ks) != 1 {
		noun = "answers need"
	}
	return &domain.Error{Code: domain.EInvalid, Field: first,
		Message: fmt.Sprintf("%d %s correcting, and nothing was saved: %s", len(ks), noun, strings.Join(parts, "; "))}
}

// AnswersInput is a set of answers to save: control key → raw answer ("" to
// clear it), and optional comments by control key. Keys left out are left
// as they are.
type AnswersInput struct {
	Answers  map[string]string
	Comments map[string]string
	// Typed are answers as JSON values (the API): true/false for yes-or-no
	// questions, a number for numbers, a string otherwise, null to clear.
	Typed map[string]any
}

// typedAnswer turns a JSON value into a raw answer for the control's type.
func typedAnswer(c domain.Control, v any) (string, error) {
	field := "answers." + c.Key
	switch x := v.(type) {
	case nil:
		return "", nil
	case bool:
		if c.Type != domain.AnswerYesNo {
			return "", domain.Invalid(field, "must be %s, not true or false", typeWords(c.Type))
		}
		if x {
			return "yes", nil
		}
		return "no", nil
	case float64:
		if c.Type != domain.AnswerNumber {
			return "", domain.Invalid(field, "must be %s, not a number", typeWords(c.Type))
		}
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case string:
		switch c.Type {
		case domain.AnswerNumber:
			return "", domain.Invalid(field, "must be a JSON number, such as 72, not a string")
		case domain.AnswerYesNo:
			if x != "yes" && x != "no" {
				return "", domain.Invalid(field, "must be true or false")
			}
		}
		if strings.TrimSpace(x) == "" {
			return "", domain.Invalid(field, "must not be empty: send null to clear an answer")
		}
		return x, nil
	}
	return "", domain.Invalid(field, "must be %s", typeWords(c.Type))
}

func typeWords(t domain.AnswerType) string {
	switch t {
	case domain.AnswerYesNo:
		return "true or false"
	case domain.AnswerNumber:
		return "a JSON number"
	case domain.AnswerChoice:
		return "one of the options, as a string"
	case domain.AnswerDate:
		return "a date string, YYYY-MM-DD"
	}
	return "a string"
}

// SaveAnswers saves a vendor manager's answers to their vendor's assessment
// in progress. Every answer is checked against its control's type first;
// if any is wrong, none is saved and each is named (AnswerErrors).
func (a *App) SaveAnswers(ctx context.Context, actor domain.User, vendorID, id int64, in AnswersInput) error {
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, err := a.loadAssessment(ctx, tx, actor, vendorID, id, AnswerAssessments)
		if err != nil {
			return err
		}
		if ref.Assessment.Status != domain.AssessmentInProgress {
			return domain.Errorf(domain.EConflict, "this assessment was submitted and can no longer be changed")
		}
		q, err := tx.Questionnaire(ctx, ref.Assessment.QuestionnaireID)
		if err != nil {
			return err
		}
		existing, err := tx.Answers(ctx, id)
		if err != nil {
			return err
		}
		old := map[string]domain.Answer{}
		for _, an := range existing {
			old[an.Key] = an
		}
		errs := AnswerErrors{}
		keys := map[string]bool{}
		for k := range in.Answers {
			keys[k] = true
		}
		for k := range in.Typed {
			keys[k] = true
		}
		for k := range in.Comments {
			keys[k] = true
		}
		type change struct {
			key, value, comment string
		}
		var changes []change
		for k := range keys {
			c, ok := q.Control(k)
			if !ok {
				errs[k] = "this questionnaire has no such question"
				continue
			}
			raw, given := in.Answers[k]
			if tv, ok := in.Typed[k]; ok {
				if raw, err = typedAnswer(c, tv); err != nil {
					errs[k] = domain.ErrorMessage(err)
					continue
				}
				given = true
			}
			value := old[k].Value
			if given {
				value = ""
				if strings.TrimSpace(raw) != "" {
					if value, err = c.ParseAnswer(raw); err != nil {
						errs[k] = domain.ErrorMessage(err)
						continue
					}
				}
			}
			comment, hasComment := in.Comments[k]
			comment = strings.TrimSpace(comment)
			if !hasComment {
				comment = old[k].Comment
			}
			if utf8.RuneCountInString(comment) > 2000 {
				errs[k] = "the comment must be at most 2000 characters"
				continue
			}
			if value == "" && comment != "" {
				errs[k] = "answer the question as well as commenting on it"
				continue
			}
			if value != old[k].Value || comment != old[k].Comment {
				changes = append(changes, change{k, value, comment})
			}
		}
		if len(errs) > 0 {
			return errs
		}
		answered := len(old)
		for _, ch := range changes {
			if ch.value == "" {
				if err := tx.DeleteAnswer(ctx, id, ch.key); err != nil {
					return err
				}
				answered--
				continue
			}
			if old[ch.key].Value == "" {
				answered++
			}
			if err := tx.SaveAnswer(ctx, id, domain.Answer{Key: ch.key, Value: ch.value, Comment: ch.comment, AnsweredBy: actor.ID, AnsweredAt: a.Now()}); err != nil {
				return err
			}
		}
		return a.audit(ctx, tx, actor, Record{Action: "assessment.answer", ObjectType: "assessment", ObjectID: id,
			Summary: fmt.Sprintf("saved %d change(s) to the answers of %s's security assessment (%d of %d questions answered)",
				len(changes), ref.Vendor.Name, answered, len(q.Controls))})
	})
}

// SubmitAssessment sends a vendor's answers to the firm for review. Every
// question needs an answer, and every control that asks for evidence and is
// answered yes needs a file attached. The attorney who started it is emailed.
func (a *App) SubmitAssessment(ctx context.Context, actor domain.User, vendorID, id int64) error {
	var mails []email
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, err := a.loadAssessment(ctx, tx, actor, vendorID, id, AnswerAssessments)
		if err != nil {
			return err
		}
		if ref.Assessment.Status != domain.AssessmentInProgress {
			return domain.Errorf(domain.EConflict, "this assessment was already submitted")
		}
		view, err := a.assessmentView(ctx, tx, Operator, ref)
		if err != nil {
			return err
		}
		var missing, noEvidence []string
		for _, it := range view.Items() {
			switch {
			case !it.Answered():
				missing = append(missing, it.Control.Key)
			case it.Control.Evidence != domain.EvidenceNone && it.Answer.Value == "yes" && len(it.Evidence) == 0:
				noEvidence = append(noEvidence, fmt.Sprintf("%s (%s)", it.Control.Key, it.Control.Evidence.Label()))
			}
		}
		if len(missing) > 0 {
			return domain.Invalid("answers."+missing[0], "every question needs an answer before the assessment is submitted; %d are unanswered: %s",
				len(missing), strings.Join(missing, ", "))
		}
		if len(noEvidence) > 0 {
			return domain.Invalid("evidence", "attach the evidence asked for, or change the answer: %s", strings.Join(noEvidence, ", "))
		}
		ok, err := tx.SubmitAssessment(ctx, id, actor.ID, view.Score.Value, a.Now())
		if err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.EConflict, "this assessment was already submitted")
		}
		if starter, err := tx.User(ctx, ref.Assessment.StartedBy); err == nil && !starter.Disabled {
			e := email{}
			e.To = starter.Email
			e.Subject = fmt.Sprintf("%s submitted its security assessment", ref.Vendor.Name)
			e.Body = fmt.Sprintf("Hello %s,\n\n%s of %s submitted the security assessment you started. It is waiting for your review:\n%s\n",
				starter.Name, actor.Name, ref.Vendor.Name, a.link(fmt.Sprintf("/vendors/%d/assessments/%d", vendorID, id)))
			if err := a.queueMail(ctx, tx, e); err != nil {
				return err
			}
			mails = append(mails, e)
		}
		return a.audit(ctx, tx, actor, Record{Action: "assessment.submit", ObjectType: "assessment", ObjectID: id,
			Summary: fmt.Sprintf("submitted %s's security assessment for the firm's review (%d questions answered, %d evidence files)",
				ref.Vendor.Name, view.Answered, countEvidence(view))})
	})
	if err == nil {
		a.mailQueued(mails...)
	}
	return err
}

func countEvidence(v AssessmentView) int {
	n := 0
	for _, it := range v.Items() {
		n += len(it.Evidence)
	}
	return n
}
