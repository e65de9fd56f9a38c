package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

// TestCommunicationCommands drives the communication and briefing gates on
// the command line: Bayanihan's loan-agreement work for Greenfield waits on
// the vendor's kickoff confirmation; the vendor's manager changes the plan
// (withdrawing the firm's confirmation), both sides confirm, the lapsed
// member leaves, the attorney drafts and publishes the briefing and the
// vendor's manager acknowledges it — the engagement reaches the SOW.
// Refusals exit 1 and change nothing.
func TestCommunicationCommands(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		dbURL, dir := e.URL(t)
		db := engineArgs(dbURL, dir)
		if _, errOut, err := runCLI(t, nil, "", append([]string{"demo"}, db...)...); err != nil {
			t.Fatalf("demo: %v\n%s", err, errOut)
		}
		s := openTestStore(t, dbURL, dir)
		const priya, maria, jose, daniel = "priya.raman@hartwellcrane.example", "maria.santos@bayanihan.example", "jose.reyes@bayanihan.example", "daniel.brooks@hartwellcrane.example"
		var id string
		if err := s.DB().QueryRow(`SELECT e.id FROM engagements e JOIN matters m ON m.id = e.matter_id JOIN vendors v ON v.id = e.vendor_id
			WHERE m.number = '2026-0203' AND v.name LIKE 'Bayanihan%'`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		stage := func() string {
			t.Helper()
			var st string
			if err := s.DB().QueryRow(`SELECT stage FROM engagements WHERE id = ` + id).Scan(&st); err != nil {
				t.Fatal(err)
			}
			return st
		}
		run := func(args ...string) (string, error) {
			out, errOut, err := runCLI(t, nil, "", append(args, db...)...)
			if err != nil {
				errOut += err.Error()
			}
			return out + errOut, err
		}
		out, err := run("engagement", "plan", id, "--as", priya)
		if err != nil || !strings.Contains(out, "confirmed by Priya Raman") || !strings.Contains(out, "Overlap:") {
			t.Fatalf("plan: %v\n%s", err, out)
		}
		audit := countTableRows(t, s, "audit_events")
		if out, err := run("engagement", "plan", id, "--as", daniel, "--language", "Tagalog"); exitStatus(err) != 1 {
			t.Errorf("staff changing the plan: exit %d\n%s", exitStatus(err), out)
		}
		if out, err := run("engagement", "kickoff-confirm", id, "--as", jose); exitStatus(err) != 1 {
			t.Errorf("a vendor professional confirming: exit %d\n%s", exitStatus(err), out)
		}
		if countTableRows(t, s, "audit_events") != audit {
			t.Fatal("a refused command wrote an audit event")
		}
		out, err = run("engagement", "plan", id, "--as", maria, "--hours", "20:00-05:00")
		if err != nil || !strings.Contains(out, "withdrawn") || !strings.Contains(out, "20:00–05:00 Asia/Manila") {
			t.Fatalf("the vendor changes its hours: %v\n%s", err, out)
		}
		for _, who := range []string{maria, priya} {
			if out, err := run("engagement", "kickoff-confirm", id, "--as", who); err != nil {
				t.Fatalf("%s confirms: %v\n%s", who, err, out)
			}
		}
		if st := stage(); st != "briefing" {
			t.Fatalf("after both confirmed: %s", st)
		}
		out, err = run("engagement", "responsibilities", id, "--as", priya, "--row", "Loan agreement abstraction|"+priya+"|"+maria)
		if err != nil || !strings.Contains(out, "Loan agreement abstraction: supervised by Priya Raman, led by Maria Santos") {
			t.Fatalf("responsibilities: %v\n%s", err, out)
		}
		if out, err := run("engagement", "responsibilities", id, "--as", maria, "--row", "x|"+priya+"|"+maria); exitStatus(err) != 1 {
			t.Errorf("the vendor allocating: exit %d\n%s", exitStatus(err), out)
		}
		if out, err := run("engagement", "members", id, "--as", maria, "--remove", jose); err != nil || strings.Contains(out, "Jose Reyes") {
			t.Fatalf("Jose leaves: %v\n%s", err, out)
		}
		out, err = run("engagement", "members", id, "--as", maria, "--add", jose, "--role", "reviewer")
		if exitStatus(err) != 1 || !strings.Contains(out, "NDA") {
			t.Errorf("a lapsed NDA joins: exit %d\n%s", exitStatus(err), out)
		}
		sections := filepath.Join(t.TempDir(), "briefing.json")
		if err := os.WriteFile(sections, []byte(`{"jurisdiction_rules":"Illinois law.","client_guidelines":"Greenfield's guidelines.",
			"privilege_handling":"Flag counsel's emails.","strategy_fit":"Answers the NCUA findings.","confidentiality":"No exports."}`), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := run("briefing", "draft", id, "--as", maria, "--from", sections); exitStatus(err) != 1 {
			t.Errorf("the vendor drafts: exit %d\n%s", exitStatus(err), out)
		}
		if out, err := run("briefing", "draft", id, "--as", priya, "--from", sections); err != nil || !strings.Contains(out, "version 1") {
			t.Fatalf("draft: %v\n%s", err, out)
		}
		out, err = run("briefing", "publish", id, "--as", priya)
		if err != nil || !strings.Contains(out, "Published version 1") || !strings.Contains(out, "WAITING       Maria Santos") {
			t.Fatalf("publish: %v\n%s", err, out)
		}
		if out, err := run("briefing", "acknowledge", id, "--as", maria, "--name", "Jose Reyes"); exitStatus(err) != 1 {
			t.Errorf("acknowledging with another's name: exit %d\n%s", exitStatus(err), out)
		}
		out, err = run("briefing", "acknowledge", id, "--as", maria)
		if err != nil || !strings.Contains(out, "ACKNOWLEDGED  Maria Santos") {
			t.Fatalf("acknowledge: %v\n%s", err, out)
		}
		if st := stage(); st != "sow" {
			t.Fatalf("after the acknowledgement: %s", st)
		}
		if out, err := run("briefing", "show", id, "--as", maria); err != nil || !strings.Contains(out, "Answers the NCUA findings.") {
			t.Errorf("show: %v\n%s", err, out)
		}
	})
}
