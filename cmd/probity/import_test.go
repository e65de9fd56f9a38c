package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

// TestImportCommands: `probity import` prints each problem with its line,
// exits 1 and writes nothing when there is any; --dry-run writes nothing;
// a valid file is imported whole.
func TestImportCommands(t *testing.T) {
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
		const as = "marcus.oyelaran@hartwellcrane.example"
		header := "number,client_number,title,sensitivity,responsible_attorney_email,performance\n"
		bad := write("bad.csv", header+
			"2026-0701,CFS-0711,Fine,standard,"+as+",India\n"+
			"2026-0702,CFS-0711,Bad label,secret,"+as+",\n"+
			"2026-0703,CFS-0711,\"broken,standard,"+as+",\n")
		good := write("good.csv", "\xef\xbb\xbf"+header+"2026-0701,CFS-0711,Fine,standard,"+as+",India; Philippines\n")
		parties := write("parties.csv", "matter_number,name,role,aliases\n2026-0142,Harbor Cranes Inc,adverse,HCI\n2026-0142,Someone,judge,\n")
		matters, partyRows, audits := countTableRows(t, s, "matters"), countTableRows(t, s, "parties"), countTableRows(t, s, "audit_events")

		out, _, err := runCLI(t, nil, "", append([]string{"import", "matters", bad, "--as", as}, db...)...)
		if exitStatus(err) != 1 || !strings.Contains(out, "bad.csv:3: ") || !strings.Contains(out, "not a sensitivity label") || !strings.Contains(out, "bad.csv:4: ") {
			t.Errorf("a bad file: exit %d, %v\n%s", exitStatus(err), err, out)
		}
		out, _, err = runCLI(t, nil, "", append([]string{"import", "parties", parties, "--as", as}, db...)...)
		if exitStatus(err) != 1 || !strings.Contains(out, "parties.csv:3: ") || strings.Contains(out, "parties.csv:2:") {
			t.Errorf("bad parties: exit %d, %v\n%s", exitStatus(err), err, out)
		}
		out, _, err = runCLI(t, nil, "", append([]string{"import", "matters", good, "--as", as, "--dry-run"}, db...)...)
		if err != nil || !strings.Contains(out, "1 matter would be imported") {
			t.Errorf("dry run: %v\n%s", err, out)
		}
		if _, _, err := runCLI(t, nil, "", append([]string{"import", "matters", good}, db...)...); exitStatus(err) != 2 {
			t.Errorf("no --as: exit %d (%v), want 2", exitStatus(err), err)
		}
		if _, _, err := runCLI(t, nil, "", append([]string{"import", "matters", good, "--as", "daniel.brooks@hartwellcrane.example"}, db...)...); exitStatus(err) != 1 {
			t.Errorf("staff importing: exit %d (%v), want 1", exitStatus(err), err)
		}
		if m, p, a := countTableRows(t, s, "matters"), countTableRows(t, s, "parties"), countTableRows(t, s, "audit_events"); m != matters || p != partyRows || a != audits {
			t.Fatalf("refused imports and the dry run wrote: matters %d → %d, parties %d → %d, events %d → %d", matters, m, partyRows, p, audits, a)
		}
		out, _, err = runCLI(t, nil, "", append([]string{"import", "matters", good, "--as", as}, db...)...)
		if err != nil || !strings.Contains(out, "Imported 1 matter") || countTableRows(t, s, "matters") != matters+1 {
			t.Errorf("import: %v\n%s", err, out)
		}
	})
}
