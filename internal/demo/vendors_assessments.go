package demo

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/blob"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Options are what LoadWith may use besides the database.
type Options struct {
	// Blobs stores the demo's evidence files, encrypted as every document
	// is. Without it the files are recorded but hold no content.
	Blobs *blob.Store

	stored *[]string // storage keys written, removed again if the load fails
}

// LoadWith is Load with a document store for the demo's evidence files.
// If loading fails, the files it stored are removed again.
func LoadWith(ctx context.Context, s *store.Store, now time.Time, opts Options) error {
	var stored []string
	opts.stored = &stored
	err := load(ctx, s, now, opts)
	if err != nil && opts.Blobs != nil {
		for _, k := range stored {
			_ = opts.Blobs.Delete(context.WithoutCancel(ctx), k)
		}
	}
	return err
}

// assessments records the vendors' security assessments, consistent with
// their due-diligence state: Lexora approved with its SOC 2 Type II report
// accepted; Bayanihan conditionally approved, MFA for production access
// answered no and an open remediation item to enforce it; Keystone approved
// long ago, its approval lapsed last month (every reminder recorded) and a
// reassessment half answered; Meridian's first assessment submitted and
// waiting for the firm's review, with an ISO/IEC 27001 certificate to check.
func (l *loader) assessments(day func(int) domain.Date) {
	if l.err != nil {
		return
	}
	qid, err := l.tx.LatestPublishedQuestionnaire(l.ctx)
	l.do(err)
	q, err := l.tx.Questionnaire(l.ctx, qid)
	l.do(err)
	if l.err != nil {
		return
	}
	at := func(offset, hour int) time.Time { return day(offset).Time().Add(time.Duration(hour) * time.Hour) }
	eleanor, marcus, priya := l.users[people[0].email], l.users[people[1].email], l.users[people[2].email]

	// Lexora: approved until day(300), SOC 2 Type II on file.
	lex := l.assessment(q, "lexora", eleanor, at(-80, 10), "anika.deshmukh@lexora.example", passing(q, day(-70)), map[string]string{
		"iso27001":        "no",
		"data_locations":  "India: work in Pune; data in the firm's tenant (US East) and encrypted backups in Mumbai",
		"soc2_period_end": string(day(-120)),
	}, 0)
	l.evidence(lex, "soc2_type2", "Lexora SOC 2 Type II report.pdf", "anika.deshmukh@lexora.example", at(-72, 9), demoPDF(
		"SOC 2 Type II Report (demo document)",
		"Lexora Legal Services Pvt. Ltd., Pune, India",
		"Report on controls relevant to security, availability and confidentiality",
		"Period: "+string(day(-485))+" to "+string(day(-120)),
		"Opinion: unqualified. Exceptions noted: none.",
		"This file was generated for the Probity demo; it is not a real report."))
	l.submit(lex, q, "anika.deshmukh@lexora.example", at(-70, 15), day(-70))
	l.reviewEvidence(lex, eleanor, at(-66, 11))
	l.finding(lex, domain.SeverityLow, "iso27001", "No ISO/IEC 27001 certificate; the SOC 2 Type II report covers the services used.", eleanor, at(-65, 15))
	l.decide(lex, q, eleanor, at(-65, 16), day(-65), domain.DecisionInput{Decision: domain.DecisionApproved, ApprovedUntil: day(300),
		Note: "SOC 2 Type II report accepted; controls meet the firm's standard for confidential matters."})

	// Bayanihan: conditionally approved until day(330); MFA not enforced.
	bay := l.assessment(q, "bayanihan", eleanor, at(-50, 10), "maria.santos@bayanihan.example", passing(q, day(-40)), map[string]string{
		domain.ControlMFA:         "no",
		"remote_access":           "VPN without MFA",
		"soc2_type2":              "no",
		"soc2_period_end":         string(day(-400)),
		"iso27001":                "no",
		"data_locations":          "The Philippines: work and storage in Manila (Makati data centre)",
		"access_revocation_hours": "24",
	}, 0)
	l.submit(bay, q, "maria.santos@bayanihan.example", at(-40, 14), day(-40))
	l.finding(bay, domain.SeverityHigh, domain.ControlMFA, "Remote access to the document platform uses a VPN with passwords only; MFA is not enforced for production access.", marcus, at(-36, 10))
	l.finding(bay, domain.SeverityMedium, "soc2_type2", "No independent assurance report (SOC 2 Type II or ISO/IEC 27001) yet.", marcus, at(-36, 10))
	l.decide(bay, q, eleanor, at(-35, 11), day(-35), domain.DecisionInput{Decision: domain.DecisionConditional, ApprovedUntil: day(330),
		Note:        "Approved for standard and confidential work on condition that MFA is enforced on remote access.",
		Remediation: []domain.RemediationItem{{ControlKey: domain.ControlMFA, Text: "Enforce MFA on remote access", DueOn: day(30)}}})

	// Keystone: approved a year ago, lapsed last month, reassessment in progress.
	old := l.assessment(q, "keystone", eleanor, at(-410, 10), "thomas.walsh@keystonereview.example", passing(q, day(-400)), map[string]string{
		"soc2_type2":      "no",
		"iso27001":        "no",
		"soc2_period_end": string(day(-600)),
		"data_locations":  "United States: Philadelphia office and AWS us-east-1",
	}, 0)
	l.submit(old, q, "thomas.walsh@keystonereview.example", at(-400, 16), day(-400))
	l.decide(old, q, eleanor, at(-396, 15), day(-396), domain.DecisionInput{Decision: domain.DecisionApproved, ApprovedUntil: day(-31),
		Note: "Approved for 12 months for privilege review."})
	for _, r := range []struct {
		name       string
		offset     int
		recipients int
		superseded bool
	}{{"60d", -91, 2, false}, {"30d", -61, 2, false}, {"7d", -38, 2, false}, {"lapsed", -30, 2, false}} {
		if l.err == nil {
			_, err := l.tx.RecordReminder(l.ctx, l.vendors["keystone"], day(-31), r.name, r.recipients, r.superseded, at(r.offset, 7))
			l.do(err)
		}
	}
	l.assessment(q, "keystone", priya, at(-20, 9), "thomas.walsh@keystonereview.example", passing(q, day(-6)), map[string]string{
		"data_locations": "United States: Philadelphia office and AWS us-east-1",
	}, 12)

	// Meridian: first assessment submitted three days ago, waiting for review.
	mer := l.assessment(q, "meridian", marcus, at(-21, 10), "oliver.bennett@meridiandiscovery.example", passing(q, day(-3)), map[string]string{
		"soc2_type2":              "no",
		"soc2_period_end":         string(day(-500)),
		"access_revocation_hours": "48",
		"staff_turnover_percent":  "18",
		"data_locations":          "United Kingdom: London; processing in Microsoft Azure UK South",
	}, 0)
	l.evidence(mer, "iso27001", "Meridian ISO 27001 certificate.pdf", "oliver.bennett@meridiandiscovery.example", at(-4, 12), demoPDF(
		"ISO/IEC 27001:2022 Certificate of Registration (demo document)",
		"Meridian Discovery Partners Ltd, London, United Kingdom",
		"Scope: forensic collection, processing and hosting of electronically stored information",
		"Valid until: "+string(day(400)),
		"This file was generated for the Probity demo; it is not a real certificate."))
	l.submit(mer, q, "oliver.bennett@meridiandiscovery.example", at(-3, 17), day(-3))
}

// passing returns answers that pass every control of q on a day.
func passing(q domain.Questionnaire, on domain.Date) map[string]string {
	out := map[string]string{}
	for _, c := range q.Controls {
		r := c.Rule
		switch {
		case r.Op == "yes" || r.Op == "no":
			out[c.Key] = r.Op
		case r.Op == "max":
			out[c.Key] = strconv.FormatFloat(r.Arg/3, 'f', 0, 64)
		case r.Op == "min":
			out[c.Key] = strconv.FormatFloat(r.Arg, 'f', -1, 64)
		case r.Op == "in":
			out[c.Key] = r.Options[0]
		case r.Op == "within_months":
			out[c.Key] = string(domain.DateOf(on.Time().AddDate(0, -3, 0)))
		case c.Type == domain.AnswerYesNo:
			out[c.Key] = "yes"
		case c.Type == domain.AnswerChoice:
			out[c.Key] = c.Options[0]
		default:
			out[c.Key] = "See our security overview."
		}
	}
	return out
}

// assessment starts one and saves answers: base overridden by the changes;
// only the first `only` controls when only > 0 (a half-finished one).
func (l *loader) assessment(q domain.Questionnaire, vendor string, startedBy int64, at time.Time, answerer string, base, changes map[string]string, only int) int64 {
	if l.err != nil {
		return 0
	}
	as := domain.Assessment{VendorID: l.vendors[vendor], QuestionnaireID: q.ID, StartedBy: startedBy}
	l.do(l.tx.CreateAssessment(l.ctx, &as, at))
	for k, v := range changes {
		base[k] = v
	}
	for i, c := range q.Controls {
		if only > 0 && i >= only || l.err != nil {
			break
		}
		v, err := c.ParseAnswer(base[c.Key])
		l.do(err)
		l.do(l.tx.SaveAnswer(l.ctx, as.ID, domain.Answer{Key: c.Key, Value: v, AnsweredBy: l.users[answerer], AnsweredAt: at.Add(time.Duration(24+i) * time.Hour)}))
	}
	return as.ID
}

func (l *loader) answers(id int64) map[string]string {
	out := map[string]string{}
	as, err := l.tx.Answers(l.ctx, id)
	l.do(err)
	for _, a := range as {
		out[a.Key] = a.Value
	}
	return out
}

func (l *loader) submit(id int64, q domain.Questionnaire, by string, at time.Time, on domain.Date) {
	if l.err != nil {
		return
	}
	s := domain.ScoreAnswers(q.Controls, l.answers(id), on)
	_, err := l.tx.SubmitAssessment(l.ctx, id, l.users[by], s.Value, at)
	l.do(err)
}

func (l *loader) decide(id int64, q domain.Questionnaire, by int64, at time.Time, on domain.Date, in domain.DecisionInput) {
	if l.err != nil {
		return
	}
	s := domain.ScoreAnswers(q.Controls, l.answers(id), on)
	l.check(domain.CheckDecision(&in, s, on))
	_, err := l.tx.DecideAssessment(l.ctx, id, in, s.Value, by, at)
	l.do(err)
	for i := range in.Remediation {
		in.Remediation[i].AssessmentID = id
		l.do(l.tx.AddRemediation(l.ctx, &in.Remediation[i], at))
	}
}

func (l *loader) finding(id int64, sev domain.Severity, control, text string, by int64, at time.Time) {
	if l.err == nil {
		l.do(l.tx.AddFinding(l.ctx, &domain.Finding{AssessmentID: id, Severity: sev, ControlKey: control, Text: text}, by, at))
	}
}

// evidence stores a file, encrypted, and attaches it to a control.
func (l *loader) evidence(id int64, control, filename, by string, at time.Time, content []byte) {
	if l.err != nil {
		return
	}
	sealed := blob.Sealed{Size: int64(len(content)), SHA256: blob.Sum(content), WrappedKey: []byte{0}, KEKID: "none"}
	if l.opts.Blobs != nil {
		var err error
		if sealed, err = l.opts.Blobs.Put(l.ctx, bytes.NewReader(content), int64(len(content))); err != nil {
			l.do(fmt.Errorf("store the demo evidence %s: %w", filename, err))
			return
		}
		if l.opts.stored != nil {
			*l.opts.stored = append(*l.opts.stored, sealed.Key)
		}
	} else {
		k := make([]byte, 16)
		_, _ = rand.Read(k)
		sealed.Key = hex.EncodeToString(k)
	}
	doc := domain.Document{Kind: "evidence", Filename: filename, ContentType: "application/pdf", Size: sealed.Size, SHA256: sealed.SHA256,
		StorageKey: sealed.Key, WrappedKey: sealed.WrappedKey, KEKID: sealed.KEKID, UploadedBy: l.users[by]}
	l.do(l.tx.CreateDocument(l.ctx, &doc, at))
	kind := domain.EvidenceKind(control)
	l.do(l.tx.AddEvidence(l.ctx, &domain.Evidence{AssessmentID: id, ControlKey: control, Kind: kind, Document: doc}))
}

// reviewEvidence accepts every evidence file of an assessment.
func (l *loader) reviewEvidence(id, by int64, at time.Time) {
	if l.err != nil {
		return
	}
	es, err := l.tx.Evidence(l.ctx, id)
	l.do(err)
	for _, e := range es {
		l.do(l.tx.ReviewEvidence(l.ctx, e.ID, domain.EvidenceAccepted, "Checked: covers the services used, unqualified opinion.", by, at))
	}
}

// demoPDF is a small, valid one-page PDF showing lines of text.
func demoPDF(lines ...string) []byte {
	var cs strings.Builder
	cs.WriteString("BT /F1 12 Tf 72 720 Td 18 TL\n")
	for _, line := range lines {
		esc := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`).Replace(line)
		fmt.Fprintf(&cs, "(%s) Tj T*\n", esc)
	}
	cs.WriteString("ET")
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>")
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", cs.Len(), cs.String()))
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}
