package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

// TestConsentCommands: `probity consent` shows the gate's view of a
// consent, records an answer given outside Probity with the signed letter
// attached (sealed like every document), refuses a bad file and a vendor
// user changing nothing, and lets only an administrator change the policy.
func TestConsentCommands(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		dbURL, dir := e.URL(t)
		db := engineArgs(dbURL, dir)
		if _, errOut, err := runCLI(t, nil, "", append([]string{"demo"}, db...)...); err != nil {
			t.Fatalf("demo: %v\n%s", err, errOut)
		}
		s := openTestStore(t, dbURL, dir)
		files := t.TempDir()
		write := func(name, content string) string {
			p := filepath.Join(files, name)
			if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		const marcus, anika, eleanor = "marcus.oyelaran@hartwellcrane.example", "anika.deshmukh@lexora.example", "eleanor.hartwell@hartwellcrane.example"
		var ardent string // Bayanihan's research on Ardent: the disclosure waits for Victor Lin
		if err := s.DB().QueryRow(`SELECT e.id FROM engagements e JOIN matters m ON m.id = e.matter_id JOIN vendors v ON v.id = e.vendor_id
			WHERE m.number = '2026-0177' AND v.name LIKE 'Bayanihan%'`).Scan(&ardent); err != nil {
			t.Fatal(err)
		}
		run := func(args ...string) (string, error) {
			out, errOut, err := runCLI(t, nil, "", append(args, db...)...)
			if err != nil {
				errOut += err.Error()
			}
			return out + errOut, err
		}
		out, err := run("consent", "show", "--engagement", ardent, "--as", marcus)
		if err != nil || !strings.Contains(out, "disclosure version 1") || !strings.Contains(strings.ToLower(out), "waiting") {
			t.Fatalf("show: %v\n%s", err, out)
		}
		if out, err := run("consent", "show", "--engagement", ardent, "--as", anika); exitStatus(err) != 1 {
			t.Errorf("a vendor user reading the client's consent: exit %d\n%s", exitStatus(err), out)
		}
		given, docs := countTableRows(t, s, "client_consents"), countTableRows(t, s, "documents")
		bad := write("letter.pdf", "<html><body>not a letter</body></html>")
		out, err = run("consent", "record", "--engagement", ardent, "--as", marcus, "--answer", "given", "--file", bad)
		if exitStatus(err) != 1 || !strings.Contains(out, "web page") {
			t.Errorf("a web page as the letter: exit %d\n%s", exitStatus(err), out)
		}
		if _, err := run("consent", "record", "--engagement", ardent, "--as", marcus, "--answer", "maybe", "--evidence", "x"); exitStatus(err) != 2 {
			t.Errorf("--answer maybe: exit %d, want 2", exitStatus(err))
		}
		var state string
		if err := s.DB().QueryRow(`SELECT state FROM client_consents WHERE engagement_id = ` + ardent + ` ORDER BY id DESC LIMIT 1`).Scan(&state); err != nil || state != "pending" ||
			countTableRows(t, s, "client_consents") != given || countTableRows(t, s, "documents") != docs {
			t.Fatalf("refused recordings changed something: state %q %v", state, err)
		}

		letter := write("Ardent consent.pdf", "%PDF-1.4\nSigned: Victor Lin, Ardent BioSciences\n%%EOF\n")
		out, err = run("consent", "record", "--engagement", ardent, "--as", marcus, "--answer", "given", "--evidence", "signed letter, DMS 2026-0177/12", "--file", letter)
		if err != nil || !strings.Contains(out, "evidence file: Ardent consent.pdf") || !strings.Contains(out, "recorded by Marcus Oyelaran") {
			t.Fatalf("record: %v\n%s", err, out)
		}
		if n := countTableRows(t, s, "documents"); n != docs+1 {
			t.Errorf("documents %d → %d, want one more", docs, n)
		}

		if out, err := run("consent", "policy", "--as", marcus, "--set", "not-required"); exitStatus(err) != 1 {
			t.Errorf("an attorney changing the policy: exit %d\n%s", exitStatus(err), out)
		}
		out, err = run("consent", "policy", "--as", eleanor, "--set", "not-required")
		if err != nil || !strings.Contains(out, "not required") {
			t.Errorf("policy off: %v\n%s", err, out)
		}
	})
}
