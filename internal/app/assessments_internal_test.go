package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/auth"
	"github.com/probity/probity/internal/blob"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// asFixture is an App with two vendors, their managers, firm users, a fake
// clock and an encrypted document store in a temporary directory.
type asFixture struct {
	t                                                                   *testing.T
	a                                                                   *App
	now                                                                 time.Time
	dir                                                                 *blob.Dir
	vendor                                                              domain.Vendor // Lexora
	other                                                               domain.Vendor // Keystone
	admin, attorney, staff, manager, professional, otherManager, client domain.User
}

var asT0 = time.Date(2026, 3, 17, 9, 30, 0, 0, time.UTC)

func newAsFixture(t *testing.T, e testenv.Engine) *asFixture {
	t.Helper()
	ctx := context.Background()
	cfg := DefaultConfig()
	cfg.Password = auth.Params{MemoryKiB: 64, Time: 1, Threads: 1}
	f := &asFixture{t: t, a: New(testenv.OpenStore(t, e), cfg, slog.New(slog.DiscardHandler)), now: asT0}
	f.a.Now = func() time.Time { return f.now }
	dir, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	kek, _ := blob.GenerateKEK()
	f.dir, f.a.Blobs = dir, blob.New(dir, kek)
	f.vendor = domain.Vendor{Name: "Lexora", Country: "IN", Currency: "INR", Diligence: domain.DiligencePending}
	f.other = domain.Vendor{Name: "Keystone", Country: "US", Currency: "USD", Diligence: domain.DiligencePending}
	client := domain.Client{Number: "C-1", Name: "Calloway"}
	if err := f.a.Store.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateFirm(ctx, &domain.Firm{Name: "Hartwell & Crane LLP", Currency: "USD"}, asT0); err != nil {
			return err
		}
		if err := tx.CreateVendor(ctx, &f.vendor, asT0); err != nil {
			return err
		}
		if err := tx.CreateClient(ctx, &client, asT0); err != nil {
			return err
		}
		return tx.CreateVendor(ctx, &f.other, asT0)
	}); err != nil {
		t.Fatal(err)
	}
	user := func(email string, role domain.Role, vendor, client int64) domain.User {
		u, err := f.a.CreateUser(ctx, Operator, NewUser{Email: email, Name: strings.Split(email, "@")[0], Role: role, VendorID: vendor, ClientID: client, Password: "correct horse battery staple"})
		if err != nil {
			t.Fatalf("create %s: %v", email, err)
		}
		return u
	}
	f.admin = user("eleanor@firm.example", domain.RoleFirmAdmin, 0, 0)
	f.attorney = user("marcus@firm.example", domain.RoleAttorney, 0, 0)
	f.staff = user("daniel@firm.example", domain.RoleStaff, 0, 0)
	f.manager = user("anika@lexora.example", domain.RoleVendorManager, f.vendor.ID, 0)
	f.professional = user("rohan@lexora.example", domain.RoleVendorProfessional, f.vendor.ID, 0)
	f.otherManager = user("thomas@keystone.example", domain.RoleVendorManager, f.other.ID, 0)
	f.client = user("helen@calloway.example", domain.RoleClientContact, 0, client.ID)
	return f
}

func (f *asFixture) ctx() context.Context { return context.Background() }

func (f *asFixture) start(vendorID int64) domain.Assessment {
	f.t.Helper()
	as, err := f.a.StartAssessment(f.ctx(), f.attorney, vendorID, 0)
	if err != nil {
		f.t.Fatalf("StartAssessment: %v", err)
	}
	return as
}

// passingAnswers answers every control of the assessment so it passes,
// with changes applied.
func (f *asFixture) passingAnswers(as domain.Assessment, changes map[string]string) map[string]string {
	f.t.Helper()
	q, err := f.a.Questionnaire(f.ctx(), f.admin, as.QuestionnaireID)
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]string{}
	for _, c := range q.Controls {
		switch r := c.Rule; r.Op {
		case "yes", "no":
			out[c.Key] = r.Op
		case "max", "min":
			out[c.Key] = strconv.FormatFloat(r.Arg, 'f', -1, 64)
		case "in":
			out[c.Key] = r.Options[0]
		case "within_months":
			out[c.Key] = string(domain.DateOf(f.now.AddDate(0, -2, 0)))
		default:
			out[c.Key] = "Pune, India"
		}
	}
	for k, v := range changes {
		out[k] = v
	}
	return out
}

// answered starts an assessment of the fixture's vendor, answers it (with
// changes), attaches a SOC 2 report and submits it.
func (f *asFixture) answered(changes map[string]string) domain.Assessment {
	f.t.Helper()
	as := f.start(f.vendor.ID)
	answers := f.passingAnswers(as, map[string]string{"iso27001": "no"}) // a SOC 2 report, no ISO certificate
	for k, v := range changes {
		answers[k] = v
	}
	if err := f.a.SaveAnswers(f.ctx(), f.manager, f.vendor.ID, as.ID, AnswersInput{Answers: answers}); err != nil {
		f.t.Fatalf("SaveAnswers: %v", err)
	}
	if _, err := f.upload(as, "soc2_type2", "soc2.pdf", "application/pdf", testPDF()); err != nil {
		f.t.Fatalf("upload: %v", err)
	}
	if err := f.a.SubmitAssessment(f.ctx(), f.manager, f.vendor.ID, as.ID); err != nil {
		f.t.Fatalf("SubmitAssessment: %v", err)
	}
	return as
}

func (f *asFixture) upload(as domain.Assessment, control, name, claimed string, content []byte) (domain.Evidence, error) {
	return f.a.UploadEvidence(f.ctx(), f.manager, as.VendorID, as.ID, EvidenceUpload{ControlKey: control, Filename: name, ClaimedType: claimed, Body: bytes.NewReader(content)})
}

func (f *asFixture) count(table string) int {
	f.t.Helper()
	var n int
	if err := f.a.Store.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func (f *asFixture) blobs() (objects, temps int) {
	f.t.Helper()
	o, tmp, err := f.dir.Count()
	if err != nil {
		f.t.Fatal(err)
	}
	return o, tmp
}

func (f *asFixture) vendorNow(id int64) domain.Vendor {
	f.t.Helper()
	var v domain.Vendor
	if err := f.a.Store.Read(f.ctx(), func(tx *store.Tx) (err error) {
		v, err = tx.Vendor(f.ctx(), store.Scope{All: true}, id)
		return err
	}); err != nil {
		f.t.Fatal(err)
	}
	return v
}

func (f *asFixture) facts(vendorID int64) (certified, mfa bool, score int) {
	f.t.Helper()
	if err := f.a.Store.Read(f.ctx(), func(tx *store.Tx) (err error) {
		certified, mfa, score, err = f.a.assessmentFacts(f.ctx(), tx, vendorID)
		return err
	}); err != nil {
		f.t.Fatal(err)
	}
	return
}

func testPDF() []byte {
	return []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
}

func testPNG() []byte {
	return append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0}, 64)...)
}

func wantErr(t *testing.T, err error, code, what string) {
	t.Helper()
	if got := domain.ErrorCode(err); got != code {
		t.Fatalf("%s: %v (code %q), want %q", what, err, got, code)
	}
}

func TestBuiltinQuestionnaire(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newAsFixture(t, e)
		qs, err := f.a.Questionnaires(f.ctx(), f.attorney)
		if err != nil || len(qs) != 1 {
			t.Fatalf("Questionnaires = %d, %v; want the built-in one", len(qs), err)
		}
		q, err := f.a.Questionnaire(f.ctx(), f.attorney, qs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if q.Version != 1 || !q.Builtin || q.Status != domain.QuestionnairePublished || len(q.Controls) < 25 || len(q.Controls) > 31 {
			t.Fatalf("built-in: version %d, builtin %v, %s, %d controls", q.Version, q.Builtin, q.Status, len(q.Controls))
		}
		if err := q.Validate(); err != nil {
			t.Fatalf("the built-in questionnaire does not validate: %v", err)
		}
		kinds := map[domain.EvidenceKind]bool{}
		types := map[domain.AnswerType]bool{}
		critical := 0
		for _, c := range q.Controls {
			kinds[c.Evidence], types[c.Type] = true, true
			if c.Critical {
				critical++
			}
		}
		mfa, ok := q.Control(domain.ControlMFA)
		breach, _ := q.Control("breach_notification_hours")
		if !ok || !mfa.Critical || !kinds[domain.EvidenceSOC2] || !kinds[domain.EvidenceISO27001] || len(types) != 5 || critical < 4 || breach.Rule.String() != "max:72" {
			t.Fatalf("built-in: mfa %v, evidence kinds %v, answer types %v, %d critical, breach rule %q", mfa, kinds, types, critical, breach.Rule.String())
		}
	})
}

func TestAssessmentLifecycle(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newAsFixture(t, e)
		ctx := f.ctx()
		as := f.start(f.vendor.ID)
		if _, err := f.a.StartAssessment(ctx, f.attorney, f.vendor.ID, 0); domain.ErrorCode(err) != domain.EConflict {
			t.Fatalf("a second open assessment: %v, want conflict", err)
		}
		// Typed answers from the API, and form answers.
		if err := f.a.SaveAnswers(ctx, f.manager, f.vendor.ID, as.ID, AnswersInput{Typed: map[string]any{
			domain.ControlMFA: true, "breach_notification_hours": float64(24), "remote_access": "VPN with MFA from managed devices only"}}); err != nil {
			t.Fatalf("typed answers: %v", err)
		}
		if err := f.a.SaveAnswers(ctx, f.manager, f.vendor.ID, as.ID, AnswersInput{Answers: f.passingAnswers(as, nil)}); err != nil {
			t.Fatalf("answers: %v", err)
		}
		// Submitting needs the SOC 2 report the answer promises.
		wantErr(t, f.a.SubmitAssessment(ctx, f.manager, f.vendor.ID, as.ID), domain.EInvalid, "submit without the evidence")
		ev, err := f.upload(as, "soc2_type2", "Lexora SOC 2.pdf", "application/pdf", testPDF())
		if err != nil || ev.Kind != domain.EvidenceSOC2 || ev.Document.ContentType != "application/pdf" || ev.Document.SHA256 != blob.Sum(testPDF()) {
			t.Fatalf("upload = %+v, %v", ev, err)
		}
		if objs, _ := f.blobs(); objs != 1 {
			t.Fatalf("%d stored files after one upload", objs)
		}
		wantErr(t, f.a.SubmitAssessment(ctx, f.manager, f.vendor.ID, as.ID), domain.EInvalid, "submit without the ISO certificate")
		if _, err := f.upload(as, "iso27001", "iso.png", "image/png", testPNG()); err != nil {
			t.Fatalf("upload the certificate: %v", err)
		}
		if err := f.a.SubmitAssessment(ctx, f.manager, f.vendor.ID, as.ID); err != nil {
			t.Fatalf("submit: %v", err)
		}
		wantErr(t, f.a.SaveAnswers(ctx, f.manager, f.vendor.ID, as.ID, AnswersInput{Answers: map[string]string{domain.ControlMFA: "no"}}), domain.EConflict, "answers after submission")
		// The vendor sees no score; the firm does.
		vv, err := f.a.Assessment(ctx, f.manager, f.vendor.ID, as.ID)
		if err != nil || vv.Score.Total != 0 || vv.Firm || vv.CanReview {
			t.Fatalf("the vendor's view: score %+v, firm %v, can review %v, %v", vv.Score, vv.Firm, vv.CanReview, err)
		}
		fv, err := f.a.Assessment(ctx, f.staff, f.vendor.ID, as.ID)
		if err != nil || fv.Score.Value != 100 || fv.CanReview {
			t.Fatalf("staff's view: score %d, can review %v, %v", fv.Score.Value, fv.CanReview, err)
		}
		// Download: the firm and the vendor's managers, audited.
		before := f.count("audit_events")
		file, err := f.a.DownloadEvidence(ctx, f.staff, f.vendor.ID, as.ID, ev.ID)
		if err != nil || !bytes.Equal(file.Content, testPDF()) {
			t.Fatalf("download: %d bytes, %v", len(file.Content), err)
		}
		if _, err := f.a.DownloadEvidence(ctx, f.manager, f.vendor.ID, as.ID, ev.ID); err != nil {
			t.Fatalf("download by the vendor's manager: %v", err)
		}
		if got := f.count("audit_events"); got != before+2 {
			t.Fatalf("two downloads added %d audit events, want 2", got-before)
		}
		// Certification needs the reviewer to accept the report.
		if err := f.a.ReviewEvidence(ctx, f.attorney, f.vendor.ID, as.ID, ev.ID, true, ""); err != nil {
			t.Fatalf("accept evidence: %v", err)
		}
		if _, err := f.a.AddFinding(ctx, f.attorney, f.vendor.ID, as.ID, FindingInput{Severity: "low", Text: "Backups in one region only."}); err != nil {
			t.Fatalf("finding: %v", err)
		}
		wantErr(t, f.a.OverrideScore(ctx, f.attorney, f.vendor.ID, as.ID, 90, ""), domain.EInvalid, "override without a reason")
		wantErr(t, f.a.OverrideScore(ctx, f.attorney, f.vendor.ID, as.ID, 101, "too generous"), domain.EInvalid, "override above 100")
		if err := f.a.OverrideScore(ctx, f.attorney, f.vendor.ID, as.ID, 88, "backups in one region"); err != nil {
			t.Fatalf("override: %v", err)
		}
		outbox := f.count("outbox")
		decided, err := f.a.Decide(ctx, f.attorney, f.vendor.ID, as.ID, domain.DecisionInput{Decision: domain.DecisionApproved})
		if err != nil {
			t.Fatalf("decide: %v", err)
		}
		wantUntil := domain.DateOf(asT0.AddDate(1, 0, 0))
		v := f.vendorNow(f.vendor.ID)
		if decided.Status != domain.AssessmentDecided || decided.ApprovedUntil != wantUntil || decided.FinalScore() != 88 || decided.AutoScore != 100 {
			t.Fatalf("decided = %+v", decided)
		}
		if v.Diligence != domain.DiligenceApproved || v.ApprovedUntil != wantUntil {
			t.Fatalf("vendor after approval: %s until %s, want approved until %s", v.Diligence, v.ApprovedUntil, wantUntil)
		}
		if f.count("outbox") != outbox+1 {
			t.Fatalf("the decision queued %d emails, want 1 (the vendor's manager)", f.count("outbox")-outbox)
		}
		if c, m, s := f.facts(f.vendor.ID); !c || !m || s != 88 {
			t.Fatalf("facts = certified %v, mfa %v, score %d; want true, true, 88", c, m, s)
		}
		wantErr(t, func() error {
			_, err := f.a.Decide(ctx, f.attorney, f.vendor.ID, as.ID, domain.DecisionInput{Decision: domain.DecisionRejected, Note: "x"})
			return err
		}(),
			domain.EConflict, "deciding twice")
		// Every change was audited.
		var n int
		if err := f.a.Store.DB().QueryRow(`SELECT COUNT(*) FROM audit_events WHERE action LIKE 'assessment.%'`).Scan(&n); err != nil || n < 9 {
			t.Fatalf("%d assessment audit events (%v), want at least 9", n, err)
		}
	})
}

func TestAnswersOfTheWrongTypeSaveNothing(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newAsFixture(t, e)
		ctx := f.ctx()
		as := f.start(f.vendor.ID)
		if err := f.a.SaveAnswers(ctx, f.manager, f.vendor.ID, as.ID, AnswersInput{Answers: map[string]string{"insurance": "yes"}}); err != nil {
			t.Fatal(err)
		}
		audit := f.count("audit_events")
		cases := []struct {
			name string
			in   AnswersInput
			bad  []string
		}{
			{"form answers", AnswersInput{Answers: map[string]string{
				domain.ControlMFA:           "yes", // fine, but not saved with the others
				"breach_notification_hours": "within a day",
				"remote_access":             "Carrier pigeon",
				"bcdr_tested":               "2025-02-30",
				"insurance":                 "perhaps",
				"no_such_question":          "yes",
			}}, []string{"bcdr_tested", "breach_notification_hours", "insurance", "no_such_question", "remote_access"}},
			{"typed answers", AnswersInput{Typed: map[string]any{
				domain.ControlMFA:           "maybe",
				"breach_notification_hours": "72",
				"remote_access":             true,
				"bcdr_tested":               float64(2025),
				"data_locations":            "India",
			}}, []string{"bcdr_tested", "breach_notification_hours", domain.ControlMFA, "remote_access"}},
			{"a comment without an answer", AnswersInput{Comments: map[string]string{"training": "yearly"}}, []string{"training"}},
		}
		for _, c := range cases {
			err := f.a.SaveAnswers(ctx, f.manager, f.vendor.ID, as.ID, c.in)
			var ae AnswerErrors
			if !errors.As(err, &ae) || domain.ErrorCode(err) != domain.EInvalid {
				t.Fatalf("%s: %v, want per-question errors", c.name, err)
			}
			if got := strings.Join(ae.Keys(), ","); got != strings.Join(c.bad, ",") {
				t.Errorf("%s: errors on %s, want %s", c.name, got, strings.Join(c.bad, ","))
			}
			for k, msg := range ae {
				if msg == "" {
					t.Errorf("%s: no message for %s", c.name, k)
				}
			}
			if !strings.HasPrefix(domain.ErrorField(err), "answers.") {
				t.Errorf("%s: field %q", c.name, domain.ErrorField(err))
			}
		}
		view, err := f.a.Assessment(ctx, f.attorney, f.vendor.ID, as.ID)
		if err != nil || view.Answered != 1 || f.count("assessment_answers") != 1 || f.count("audit_events") != audit {
			t.Fatalf("after refused answers: %d answered, %d rows, %d new audit events (%v); want the one earlier answer only",
				view.Answered, f.count("assessment_answers"), f.count("audit_events")-audit, err)
		}
		// Clearing an answer works, with an empty string or null.
		if err := f.a.SaveAnswers(ctx, f.manager, f.vendor.ID, as.ID, AnswersInput{Typed: map[string]any{"insurance": nil}}); err != nil || f.count("assessment_answers") != 0 {
			t.Fatalf("clearing: %v, %d rows", err, f.count("assessment_answers"))
		}
	})
}

// slowFail is a body that, once read to its end, lets a hook run first
// (to change the world between the upload and its record).
type hookReader struct {
	r    io.Reader
	hook func()
	done bool
}

func (h *hookReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	if err == io.EOF && !h.done {
		h.done = true
		h.hook()
	}
	return n, err
}

func TestEvidenceIsSniffedAndNothingIsLeftBehind(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newAsFixture(t, e)
		f.a.Config.MaxUpload = 4 << 10
		as := f.start(f.vendor.ID)
		big := append(testPDF()[:9], bytes.Repeat([]byte("x"), 5<<10)...)
		big = append(big, "\n%%EOF\n"...)
		cases := []struct {
			name, file, claimed string
			content             []byte
			want                string // in the message
		}{
			{"a PNG renamed .pdf", "report.pdf", "application/pdf", testPNG(), "says .pdf but is a PNG image"},
			{"a PDF sent as an image", "report.pdf", "image/png", testPDF(), "sent as image/png but is a PDF document"},
			{"a web page", "report.txt", "text/plain", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "web page"},
			{"an archive", "report.pdf", "", append([]byte("PK\x03\x04"), bytes.Repeat([]byte{1}, 40)...), "compressed archive"},
			{"an unaccepted extension", "report.docx", "", testPDF(), "PDF, PNG, JPEG or plain-text"},
			{"an empty file", "empty.txt", "", nil, "is empty"},
			{"oversize", "big.pdf", "application/pdf", big, "larger than the 4 KiB limit"},
			{"a PDF that is cut short", "cut.pdf", "", []byte("%PDF-1.4\n1 0 obj\n<< >>\nendobj\n"), "not a complete PDF"},
			{"binary in a text file", "notes.txt", "", append(bytes.Repeat([]byte("Our policy is attached. "), 30), 0, 1, 2), "binary content"},
		}
		for _, c := range cases {
			_, err := f.upload(as, "soc2_type2", c.file, c.claimed, c.content)
			if domain.ErrorCode(err) != domain.EInvalid || domain.ErrorField(err) != "file" || !strings.Contains(domain.ErrorMessage(err), c.want) {
				t.Errorf("%s: %v; want an invalid file error saying %q", c.name, err, c.want)
			}
			if objs, temps := f.blobs(); objs != 0 || temps != 0 || f.count("documents") != 0 || f.count("assessment_evidence") != 0 {
				t.Fatalf("%s left %d files, %d temporary files, %d document rows", c.name, objs, temps, f.count("documents"))
			}
		}
		// The record cannot be written (the assessment was submitted while
		// the file streamed): the stored file is removed again.
		body := &hookReader{r: bytes.NewReader(testPDF()), hook: func() {
			if _, err := f.a.Store.DB().Exec(`UPDATE assessments SET status = 'submitted' WHERE id = $1`, as.ID); err != nil {
				t.Error(err)
			}
		}}
		_, err := f.a.UploadEvidence(f.ctx(), f.manager, f.vendor.ID, as.ID, EvidenceUpload{ControlKey: "soc2_type2", Filename: "r.pdf", Body: body})
		wantErr(t, err, domain.EConflict, "upload to an assessment submitted meanwhile")
		if objs, temps := f.blobs(); objs != 0 || temps != 0 || f.count("documents") != 0 {
			t.Fatalf("a failed record left %d files, %d temporary files, %d document rows", objs, temps, f.count("documents"))
		}
		// Good files of each kind are accepted.
		if _, err := f.a.Store.DB().Exec(`UPDATE assessments SET status = 'in_progress' WHERE id = $1`, as.ID); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name, claimed string
			content       []byte
			want          string
		}{
			{"policy.txt", "text/plain; charset=utf-8", []byte("Information security policy, version 4.\n"), "text/plain"},
			{"cert.PDF", "application/octet-stream", testPDF(), "application/pdf"},
			{"scan.png", "", testPNG(), "image/png"},
			{"scan.jpg", "image/jpg", append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), bytes.Repeat([]byte{7}, 40)...), "image/jpeg"},
		} {
			ev, err := f.upload(as, "iso27001", c.name, c.claimed, c.content)
			if err != nil || ev.Document.ContentType != c.want {
				t.Errorf("%s: %+v, %v; want stored as %s", c.name, ev.Document, err, c.want)
			}
		}
	})
}

func TestAssessmentsAreKeptToTheirVendor(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newAsFixture(t, e)
		ctx := f.ctx()
		as := f.answered(nil)
		ev, err := f.a.Assessment(ctx, f.attorney, f.vendor.ID, as.ID)
		if err != nil {
			t.Fatal(err)
		}
		var eid int64
		for _, it := range ev.Items() {
			if len(it.Evidence) > 0 {
				eid = it.Evidence[0].ID
			}
		}
		// Another vendor's manager: not found, by every route in.
		for name, err := range map[string]error{
			"view":     func() error { _, err := f.a.Assessment(ctx, f.otherManager, f.vendor.ID, as.ID); return err }(),
			"list":     func() error { _, err := f.a.Assessments(ctx, f.otherManager, f.vendor.ID); return err }(),
			"answer":   f.a.SaveAnswers(ctx, f.otherManager, f.vendor.ID, as.ID, AnswersInput{Answers: map[string]string{domain.ControlMFA: "no"}}),
			"download": func() error { _, err := f.a.DownloadEvidence(ctx, f.otherManager, f.vendor.ID, as.ID, eid); return err }(),
			"under its own vendor": func() error {
				_, err := f.a.Assessment(ctx, f.otherManager, f.other.ID, as.ID)
				return err
			}(),
		} {
			wantErr(t, err, domain.ENotFound, "another vendor's manager: "+name)
		}
		// The firm, under the wrong vendor: not found either.
		_, err = f.a.Assessment(ctx, f.attorney, f.other.ID, as.ID)
		wantErr(t, err, domain.ENotFound, "an assessment under another vendor")
		// Vendor professionals and clients never see assessments.
		for _, u := range []domain.User{f.professional, f.client} {
			_, err := f.a.Assessment(ctx, u, f.vendor.ID, as.ID)
			wantErr(t, err, domain.EForbidden, string(u.Role)+" viewing")
			_, err = f.a.DownloadEvidence(ctx, u, f.vendor.ID, as.ID, eid)
			wantErr(t, err, domain.EForbidden, string(u.Role)+" downloading")
			if list, err := f.a.VendorAssessments(ctx, u, f.vendor.ID); err != nil && domain.ErrorCode(err) != domain.ENotFound || len(list) != 0 {
				t.Fatalf("%s: the vendor page lists %d assessments (%v)", u.Role, len(list), err)
			}
		}
	})
}

func TestVendorUsersNeverDecideOrScore(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newAsFixture(t, e)
		ctx := f.ctx()
		as := f.answered(map[string]string{domain.ControlMFA: "no"})
		view, _ := f.a.Assessment(ctx, f.attorney, f.vendor.ID, as.ID)
		var eid int64
		for _, it := range view.Items() {
			if len(it.Evidence) > 0 {
				eid = it.Evidence[0].ID
			}
		}
		audit := f.count("audit_events")
		for _, u := range []domain.User{f.manager, f.professional, f.staff, f.client} {
			for name, err := range map[string]error{
				"override": f.a.OverrideScore(ctx, u, f.vendor.ID, as.ID, 100, "we are great"),
				"decide": func() error {
					_, err := f.a.Decide(ctx, u, f.vendor.ID, as.ID, domain.DecisionInput{Decision: domain.DecisionConditional,
						Remediation: []domain.RemediationItem{{ControlKey: domain.ControlMFA, Text: "MFA", DueOn: "2026-04-30"}}})
					return err
				}(),
				"finding": func() error {
					_, err := f.a.AddFinding(ctx, u, f.vendor.ID, as.ID, FindingInput{Severity: "low", Text: "x"})
					return err
				}(),
				"evidence": f.a.ReviewEvidence(ctx, u, f.vendor.ID, as.ID, eid, true, ""),
				"start":    func() error { _, err := f.a.StartAssessment(ctx, u, f.other.ID, 0); return err }(),
			} {
				wantErr(t, err, domain.EForbidden, fmt.Sprintf("%s: %s", u.Role, name))
			}
		}
		if f.count("audit_events") != audit || f.vendorNow(f.vendor.ID).Diligence != domain.DiligencePending {
			t.Fatal("refused reviews changed something")
		}
	})
}

func TestCriticalFailureAndRemediation(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newAsFixture(t, e)
		ctx := f.ctx()
		as := f.answered(map[string]string{domain.ControlMFA: "no"})
		_, err := f.a.Decide(ctx, f.attorney, f.vendor.ID, as.ID, domain.DecisionInput{Decision: domain.DecisionApproved})
		wantErr(t, err, domain.EInvalid, "unconditional approval with MFA failing")
		_, err = f.a.Decide(ctx, f.attorney, f.vendor.ID, as.ID, domain.DecisionInput{Decision: domain.DecisionConditional,
			Remediation: []domain.RemediationItem{{ControlKey: "training", Text: "Train people", DueOn: "2026-04-30"}}})
		wantErr(t, err, domain.EInvalid, "conditional approval without remediating MFA")
		if v := f.vendorNow(f.vendor.ID); v.Diligence != domain.DiligencePending || f.count("remediation_items") != 0 {
			t.Fatalf("refused decisions changed the vendor (%s) or recorded %d items", v.Diligence, f.count("remediation_items"))
		}
		d, err := f.a.Decide(ctx, f.attorney, f.vendor.ID, as.ID, domain.DecisionInput{Decision: domain.DecisionConditional, ApprovedUntil: "2026-12-31",
			Remediation: []domain.RemediationItem{{ControlKey: domain.ControlMFA, Text: "Enforce MFA on remote access", DueOn: "2026-04-16"}}})
		if err != nil {
			t.Fatalf("conditional approval: %v", err)
		}
		if v := f.vendorNow(f.vendor.ID); v.Diligence != domain.DiligenceConditional || v.ApprovedUntil != "2026-12-31" || d.Decision != domain.DecisionConditional {
			t.Fatalf("vendor %s until %s after a conditional approval", v.Diligence, v.ApprovedUntil)
		}
		if _, mfa, _ := f.facts(f.vendor.ID); mfa {
			t.Fatal("MFA counted before the remediation is done")
		}
		view, _ := f.a.Assessment(ctx, f.manager, f.vendor.ID, as.ID)
		if len(view.Remediation) != 1 || view.Remediation[0].Done() {
			t.Fatalf("the vendor sees remediation %+v", view.Remediation)
		}
		wantErr(t, f.a.MarkRemediationDone(ctx, f.manager, f.vendor.ID, as.ID, view.Remediation[0].ID), domain.EForbidden, "the vendor marking its own remediation done")
		if err := f.a.MarkRemediationDone(ctx, f.attorney, f.vendor.ID, as.ID, view.Remediation[0].ID); err != nil {
			t.Fatalf("mark done: %v", err)
		}
		wantErr(t, f.a.MarkRemediationDone(ctx, f.attorney, f.vendor.ID, as.ID, view.Remediation[0].ID), domain.EConflict, "marking done twice")
		if _, mfa, _ := f.facts(f.vendor.ID); !mfa {
			t.Fatal("MFA not counted once the firm saw its remediation done")
		}
		// Certification needs accepted evidence: the SOC 2 report is still pending.
		if c, _, _ := f.facts(f.vendor.ID); c {
			t.Fatal("certified on evidence nobody accepted")
		}
	})
}

func TestRejectionAndReassessment(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newAsFixture(t, e)
		ctx := f.ctx()
		if c, m, s := f.facts(f.vendor.ID); c || m || s != 0 {
			t.Fatalf("facts with no decided assessment: %v %v %d", c, m, s)
		}
		first := f.answered(nil)
		firstScore := 0
		if _, err := f.a.Decide(ctx, f.admin, f.vendor.ID, first.ID, domain.DecisionInput{Decision: domain.DecisionApproved, ApprovedUntil: "2026-06-30"}); err != nil {
			t.Fatal(err)
		}
		_, _, firstScore = f.facts(f.vendor.ID)
		second := f.answered(map[string]string{"encryption_at_rest": "no"})
		_, err := f.a.Decide(ctx, f.admin, f.vendor.ID, second.ID, domain.DecisionInput{Decision: domain.DecisionRejected})
		wantErr(t, err, domain.EInvalid, "rejection without a reason")
		if _, err := f.a.Decide(ctx, f.admin, f.vendor.ID, second.ID, domain.DecisionInput{Decision: domain.DecisionRejected, Note: "Data at rest is not encrypted."}); err != nil {
			t.Fatal(err)
		}
		if v := f.vendorNow(f.vendor.ID); v.Diligence != domain.DiligenceRejected || v.ApprovedUntil != "" {
			t.Fatalf("vendor %s until %q after a rejection", v.Diligence, v.ApprovedUntil)
		}
		// The facts come from the latest decided assessment.
		if _, _, s := f.facts(f.vendor.ID); s >= firstScore || firstScore == 0 {
			t.Fatal("facts still read the earlier assessment")
		}
	})
}

func TestApprovalReminders(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newAsFixture(t, e)
		ctx := f.ctx()
		as := f.answered(nil)
		until := domain.DateOf(asT0.AddDate(0, 0, 90))
		if _, err := f.a.Decide(ctx, f.attorney, f.vendor.ID, as.ID, domain.DecisionInput{Decision: domain.DecisionApproved, ApprovedUntil: until}); err != nil {
			t.Fatal(err)
		}
		recipients := 2 // the firm administrator and the vendor's manager
		send := func(daysLeft, want int) {
			t.Helper()
			f.now = until.Time().AddDate(0, 0, -daysLeft).Add(10 * time.Hour)
			outbox := f.count("outbox")
			n, err := f.a.SendApprovalReminders(ctx)
			if err != nil || n != want || f.count("outbox")-outbox != want {
				t.Fatalf("%d days left: sent %d (%d in the outbox), %v; want %d", daysLeft, n, f.count("outbox")-outbox, err, want)
			}
		}
		send(61, 0)
		send(60, recipients)
		send(60, 0)
		send(45, 0)
		send(30, recipients)
		send(29, 0)
		send(7, recipients)
		send(0, 0)
		send(-1, recipients) // lapsed
		send(-2, 0)
		var rows int
		if err := f.a.Store.DB().QueryRow(`SELECT COUNT(*) FROM approval_reminders WHERE vendor_id = $1 AND superseded = FALSE`, f.vendor.ID).Scan(&rows); err != nil || rows != 4 {
			t.Fatalf("%d reminders recorded (%v), want 4", rows, err)
		}
		var lapsed string
		if err := f.a.Store.DB().QueryRow(`SELECT subject FROM outbox ORDER BY id DESC LIMIT 1`).Scan(&lapsed); err != nil || !strings.Contains(lapsed, "has lapsed") {
			t.Fatalf("the last reminder's subject is %q (%v)", lapsed, err)
		}
		// A vendor whose thresholds all passed unnoticed gets only the latest.
		other := f.start(f.other.ID)
		if err := f.a.SaveAnswers(ctx, f.otherManager, f.other.ID, other.ID, AnswersInput{Answers: f.passingAnswers(other, map[string]string{"soc2_type2": "no", "iso27001": "no"})}); err != nil {
			t.Fatal(err)
		}
		if err := f.a.SubmitAssessment(ctx, f.otherManager, f.other.ID, other.ID); err != nil {
			t.Fatal(err)
		}
		otherUntil := domain.DateOf(f.now.AddDate(0, 0, 100))
		if _, err := f.a.Decide(ctx, f.attorney, f.other.ID, other.ID, domain.DecisionInput{Decision: domain.DecisionApproved, ApprovedUntil: otherUntil}); err != nil {
			t.Fatal(err)
		}
		f.now = otherUntil.Time().AddDate(0, 0, -5)
		outbox := f.count("outbox")
		if n, err := f.a.SendApprovalReminders(ctx); err != nil || n != recipients || f.count("outbox")-outbox != recipients {
			t.Fatalf("catching up: sent %d, %v; want one reminder to each of %d people", n, err, recipients)
		}
		var superseded int
		if err := f.a.Store.DB().QueryRow(`SELECT COUNT(*) FROM approval_reminders WHERE vendor_id = $1 AND superseded = TRUE`, f.other.ID).Scan(&superseded); err != nil || superseded != 2 {
			t.Fatalf("%d superseded thresholds (%v), want 2 (60 and 30 days)", superseded, err)
		}
	})
}

func TestQuestionnaireVersions(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newAsFixture(t, e)
		ctx := f.ctx()
		qs, _ := f.a.Questionnaires(ctx, f.admin)
		v1, _ := f.a.Questionnaire(ctx, f.admin, qs[0].ID)
		_, err := f.a.CopyQuestionnaire(ctx, f.attorney, v1.ID)
		wantErr(t, err, domain.EForbidden, "an attorney copying a template")
		_, err = f.a.Questionnaires(ctx, f.manager)
		wantErr(t, err, domain.EForbidden, "a vendor reading templates")
		draft, err := f.a.CopyQuestionnaire(ctx, f.admin, v1.ID)
		if err != nil || draft.Version != 2 || draft.Status != domain.QuestionnaireDraft || draft.BasedOn != v1.ID {
			t.Fatalf("copy = %+v, %v", draft, err)
		}
		// A draft cannot be used until published.
		_, err = f.a.StartAssessment(ctx, f.attorney, f.vendor.ID, draft.ID)
		wantErr(t, err, domain.EInvalid, "starting on a draft")
		controls := append([]domain.Control{}, v1.Controls[1:]...) // drop the first
		controls[0].Weight, controls[0].Critical = 9, true
		controls = append(controls, domain.Control{Key: "ai_tools", Area: "Governance", Question: "Do you keep client data out of generative AI tools?",
			Type: domain.AnswerYesNo, Weight: 4, Critical: true, Rule: domain.PassRule{Op: "yes"}})
		bad := append([]domain.Control{}, controls...)
		bad[1].Rule = domain.PassRule{Op: "max", Arg: 3}
		_, err = f.a.UpdateQuestionnaire(ctx, f.admin, draft.ID, "Vendor security questionnaire (2026)", bad)
		wantErr(t, err, domain.EInvalid, "a rule that does not fit")
		if _, err := f.a.UpdateQuestionnaire(ctx, f.admin, draft.ID, "Vendor security questionnaire (2026)", controls); err != nil {
			t.Fatalf("edit: %v", err)
		}
		_, err = f.a.UpdateQuestionnaire(ctx, f.admin, v1.ID, "Changed", controls)
		wantErr(t, err, domain.EConflict, "editing a published version")
		if _, err := f.a.PublishQuestionnaire(ctx, f.admin, draft.ID); err != nil {
			t.Fatalf("publish: %v", err)
		}
		_, err = f.a.PublishQuestionnaire(ctx, f.admin, draft.ID)
		wantErr(t, err, domain.EConflict, "publishing twice")
		again, _ := f.a.Questionnaire(ctx, f.admin, v1.ID)
		if len(again.Controls) != len(v1.Controls) || again.Controls[1].Weight != v1.Controls[1].Weight {
			t.Fatal("editing the copy changed version 1")
		}
		// New assessments take the newest published version and keep it.
		as := f.start(f.vendor.ID)
		if as.QuestionnaireVersion != 2 {
			t.Fatalf("started on version %d, want 2", as.QuestionnaireVersion)
		}
		v3, _ := f.a.CopyQuestionnaire(ctx, f.admin, draft.ID)
		if _, err := f.a.UpdateQuestionnaire(ctx, f.admin, v3.ID, "Short form", controls[:3]); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.PublishQuestionnaire(ctx, f.admin, v3.ID); err != nil {
			t.Fatal(err)
		}
		view, err := f.a.Assessment(ctx, f.attorney, f.vendor.ID, as.ID)
		if err != nil || view.Total != len(controls) || view.Assessment.QuestionnaireVersion != 2 {
			t.Fatalf("the assessment shows %d questions of version %d (%v), want %d of version 2", view.Total, view.Assessment.QuestionnaireVersion, err, len(controls))
		}
	})
}
