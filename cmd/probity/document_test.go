package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// cliWorld is the demo database with its active Calloway/Lexora engagement,
// and a way to run commands on it that returns stdout and stderr apart.
type cliWorld struct {
	s   *store.Store
	db  []string
	id  string // the engagement
	eid int64
	dir string
}

const (
	cwMarcus = "marcus.oyelaran@hartwellcrane.example" // supervising attorney
	cwRohan  = "rohan.kulkarni@lexora.example"
	cwAnika  = "anika.deshmukh@lexora.example"
	cwHelen  = "helen.calloway@callowayfreight.example" // the client's contact
)

func newCLIWorld(t *testing.T, e testenv.Engine) *cliWorld {
	t.Helper()
	dbURL, dir := e.URL(t)
	db := engineArgs(dbURL, dir)
	if _, errOut, err := runCLI(t, nil, "", append([]string{"demo"}, db...)...); err != nil {
		t.Fatalf("demo: %v\n%s", err, errOut)
	}
	s := openTestStore(t, dbURL, dir)
	eid, _ := approvedWork(t, s)
	return &cliWorld{s: s, db: db, id: strconv.FormatInt(eid, 10), eid: eid, dir: t.TempDir()}
}

func (w *cliWorld) run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	out, errOut, err := runCLI(t, nil, "", append(args, w.db...)...)
	if err != nil {
		errOut += err.Error()
	}
	return out, errOut, exitStatus(err)
}

func (w *cliWorld) file(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(w.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// rows counts the rows of the tables a command may write.
func (w *cliWorld) rows(t *testing.T, tables ...string) string {
	t.Helper()
	var b strings.Builder
	for _, tb := range tables {
		b.WriteString(tb + "=" + strconv.Itoa(countTableRows(t, w.s, tb)) + " ")
	}
	return b.String()
}

func (w *cliWorld) audits(t *testing.T, action string) int {
	t.Helper()
	var n int
	if err := w.s.DB().QueryRow(`SELECT COUNT(*) FROM audit_events WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDocumentCommands shares, lists and downloads engagement documents
// through the CLI: the upload is stored and audited; bad input and
// refusals exit with a reason and change nothing; a download streams the
// exact content to a file or standard output and is audited.
func TestDocumentCommands(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		w := newCLIWorld(t, e)
		tables := []string{"documents", "engagement_documents", "audit_events"}
		content := "Privilege log, custodians A-F.\n" + strings.Repeat("row; privileged; withheld\n", 5000)
		memo := w.file(t, "privilege-log.csv", content)

		before := w.rows(t, tables...)
		for _, c := range []struct {
			why  string
			code int
			args []string
		}{
			{"no --file", 2, []string{"document", "upload", "--engagement", w.id, "--as", cwMarcus}},
			{"no --engagement", 2, []string{"document", "list", "--as", cwMarcus}},
			{"no --document", 2, []string{"document", "download", "--engagement", w.id, "--as", cwMarcus}},
			{"a missing file", 2, []string{"document", "upload", "--engagement", w.id, "--file", filepath.Join(w.dir, "nope.pdf"), "--as", cwMarcus}},
			{"the client", 1, []string{"document", "upload", "--engagement", w.id, "--file", memo, "--as", cwHelen}},
			{"a PDF that is not one", 1, []string{"document", "upload", "--engagement", w.id, "--file", w.file(t, "fake.pdf", "not a pdf at all\n"), "--as", cwMarcus}},
			{"an empty file", 1, []string{"document", "upload", "--engagement", w.id, "--file", w.file(t, "empty.txt", ""), "--as", cwMarcus}},
			{"another engagement", 1, []string{"document", "upload", "--engagement", "999999", "--file", memo, "--as", cwMarcus}},
		} {
			out, errOut, code := w.run(t, c.args...)
			if code != c.code {
				t.Errorf("%s: exit %d, want %d\n%s%s", c.why, code, c.code, out, errOut)
			}
			if c.code == 1 && strings.TrimSpace(errOut) == "" {
				t.Errorf("%s: refused without saying why", c.why)
			}
		}
		if after := w.rows(t, tables...); after != before {
			t.Fatalf("refused uploads changed the database: %s -> %s", before, after)
		}

		out, errOut, code := w.run(t, "document", "upload", "--engagement", w.id, "--file", memo, "--folder", "Privilege", "--description", "The log so far", "--as", cwMarcus)
		if code != 0 || !strings.Contains(out, `Shared "privilege-log.csv" version 1`) {
			t.Fatalf("upload: exit %d\n%s%s", code, out, errOut)
		}
		var docID int64
		var folder, desc, side string
		var size int64
		if err := w.s.DB().QueryRow(`SELECT ed.id, ed.folder, ed.description, ed.side, d.size FROM engagement_documents ed JOIN documents d ON d.id = ed.document_id
			WHERE ed.engagement_id = $1 AND d.filename = 'privilege-log.csv'`, w.eid).Scan(&docID, &folder, &desc, &side, &size); err != nil {
			t.Fatal(err)
		}
		if folder != "Privilege" || desc != "The log so far" || side != "firm" || size != int64(len(content)) {
			t.Errorf("stored %q %q %q %d bytes", folder, desc, side, size)
		}
		if n := w.audits(t, "engagement.document_upload"); n < 1 {
			t.Error("the upload was not audited")
		}
		doc := strconv.FormatInt(docID, 10)

		// The vendor's manager lists and downloads it (the demo's team has
		// acknowledged the briefing); the client may not.
		out, errOut, code = w.run(t, "document", "list", "--engagement", w.id, "--as", cwAnika)
		if code != 0 || !strings.Contains(out, "privilege-log.csv") || !strings.Contains(out, "Privilege") {
			t.Errorf("list: exit %d\n%s%s", code, out, errOut)
		}
		if out, errOut, code := w.run(t, "document", "list", "--engagement", w.id, "--as", cwHelen); code != 1 || strings.Contains(out, "privilege-log") {
			t.Errorf("the client's list: exit %d\n%s%s", code, out, errOut)
		}
		downloads := w.audits(t, "engagement.document_download")
		dest := filepath.Join(w.dir, "copy.csv")
		if out, errOut, code := w.run(t, "document", "download", "--engagement", w.id, "--document", doc, "--out", dest, "--as", cwAnika); code != 0 {
			t.Fatalf("download: exit %d\n%s%s", code, out, errOut)
		}
		if b, err := os.ReadFile(dest); err != nil || string(b) != content {
			t.Errorf("the downloaded copy differs (%d bytes, %v)", len(b), err)
		}
		out, errOut, code = w.run(t, "document", "download", "--engagement", w.id, "--document", doc, "--as", cwMarcus)
		if code != 0 || out != content {
			t.Errorf("download to standard output: exit %d, %d bytes\n%s", code, len(out), errOut)
		}
		if got := w.audits(t, "engagement.document_download"); got != downloads+2 {
			t.Errorf("%d downloads audited, want %d", got, downloads+2)
		}

		// Refused downloads write nothing and are not counted as downloads.
		before = w.rows(t, tables...)
		refused := filepath.Join(w.dir, "refused.csv")
		for _, who := range []string{cwHelen} {
			if out, errOut, code := w.run(t, "document", "download", "--engagement", w.id, "--document", doc, "--out", refused, "--as", who); code != 1 {
				t.Errorf("%s downloading: exit %d\n%s%s", who, code, out, errOut)
			}
		}
		if out, errOut, code := w.run(t, "document", "download", "--engagement", w.id, "--document", "999999", "--out", refused, "--as", cwMarcus); code != 1 || !strings.Contains(errOut, "not found") && !strings.Contains(errOut, "could not find") {
			t.Errorf("a document that is not there: exit %d\n%s%s", code, out, errOut)
		}
		if _, err := os.Stat(refused); err == nil {
			t.Error("a refused download left a file")
		}
		if entries, _ := os.ReadDir(w.dir); len(entries) > 0 {
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), ".probity-download-") {
					t.Errorf("a partial download was left behind: %s", e.Name())
				}
			}
		}
		if after := w.rows(t, tables...); after != before {
			t.Errorf("refused downloads changed the database: %s -> %s", before, after)
		}
	})
}

// TestMessageCommands posts and lists conversations through the CLI, with
// the same refusals as the web and the API: the client, an empty body, a
// mention of someone not on the engagement, a thread of no engagement.
func TestMessageCommands(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		w := newCLIWorld(t, e)
		tables := []string{"message_threads", "messages", "audit_events"}
		if _, _, code := w.run(t, "message", "post", "--engagement", w.id, "--body", "hi", "--as", cwRohan); code != 2 {
			t.Errorf("post without --subject or --thread: exit %d, want 2", code)
		}
		if _, _, code := w.run(t, "message", "post", "--engagement", w.id, "--body", "hi", "--subject", "S", "--thread", "1", "--as", cwRohan); code != 2 {
			t.Errorf("post with both --subject and --thread: exit %d, want 2", code)
		}
		before := w.rows(t, tables...)
		for _, c := range []struct {
			why, want string
			args      []string
		}{
			{"the client", "", []string{"--subject", "Status", "--body", "Any news?", "--as", cwHelen}},
			{"an empty body", "write a message", []string{"--subject", "Status", "--body", "  ", "--as", cwRohan}},
			{"a stranger mentioned", "", []string{"--subject", "Status", "--body", "Ask @zebedee.nobody please", "--as", cwRohan}},
			{"a thread of no engagement", "", []string{"--thread", "999999", "--body", "Reply", "--as", cwRohan}},
		} {
			out, errOut, code := w.run(t, append([]string{"message", "post", "--engagement", w.id}, c.args...)...)
			if code != 1 || !strings.Contains(errOut, c.want) {
				t.Errorf("%s: exit %d\n%s%s", c.why, code, out, errOut)
			}
		}
		if after := w.rows(t, tables...); after != before {
			t.Fatalf("refused posts changed the database: %s -> %s", before, after)
		}

		out, errOut, code := w.run(t, "message", "post", "--engagement", w.id, "--subject", "Custodian order", "--body", "Which custodian first, @Marcus Oyelaran?", "--as", cwRohan)
		if code != 0 || !strings.Contains(out, `"Custodian order" (1 post(s))`) {
			t.Fatalf("post: exit %d\n%s%s", code, out, errOut)
		}
		var thread int64
		if err := w.s.DB().QueryRow(`SELECT id FROM message_threads WHERE engagement_id = $1 AND subject = 'Custodian order'`, w.eid).Scan(&thread); err != nil {
			t.Fatal(err)
		}
		var mentions int
		if err := w.s.DB().QueryRow(`SELECT COUNT(*) FROM message_mentions mm JOIN messages m ON m.id = mm.message_id WHERE m.thread_id = $1`, thread).Scan(&mentions); err != nil {
			t.Fatal(err)
		}
		if mentions != 1 {
			t.Errorf("%d mentions stored, want 1 (Marcus)", mentions)
		}
		th := strconv.FormatInt(thread, 10)
		out, errOut, code = w.run(t, "message", "post", "--engagement", w.id, "--thread", th, "--body", "Start with the CFO.", "--as", cwMarcus)
		if code != 0 || !strings.Contains(out, "(2 post(s))") {
			t.Fatalf("reply: exit %d\n%s%s", code, out, errOut)
		}
		out, errOut, code = w.run(t, "message", "list", "--engagement", w.id, "--as", cwAnika)
		if code != 0 || !strings.Contains(out, th+"\tCustodian order\t2 post(s)") {
			t.Errorf("list: exit %d\n%s%s", code, out, errOut)
		}
		out, errOut, code = w.run(t, "message", "list", "--engagement", w.id, "--thread", th, "--as", cwAnika)
		if code != 0 || !strings.Contains(out, "Which custodian first") || !strings.Contains(out, "Start with the CFO.") ||
			strings.Index(out, "Which custodian first") > strings.Index(out, "Start with the CFO.") {
			t.Errorf("the thread: exit %d\n%s%s", code, out, errOut)
		}
		if out, errOut, code := w.run(t, "message", "list", "--engagement", w.id, "--as", cwHelen); code != 1 || strings.Contains(out, "Custodian") {
			t.Errorf("the client's list: exit %d\n%s%s", code, out, errOut)
		}
	})
}

// TestSowItemAddCommand adds a work item to a change order's draft through
// the CLI with every field the web form takes; bad input names the field
// and changes nothing; a vendor user may not draft.
func TestSowItemAddCommand(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		w := newCLIWorld(t, e)
		item := func(who string, extra ...string) []string {
			return append([]string{"sow", "item", "add", "--engagement", w.id, "--as", who, "--type", "document_review", "--title", "Second-level review",
				"--description", "QC of the first level", "--deliverable", "QC memo", "--acceptance", "Error rate under 2%", "--due", "2031-01-15",
				"--estimate", "30", "--unit", "hours", "--baseline-hours", "90", "--baseline-rate", "310.00", "--pricing", "hourly", "--price", "2600.00",
				"--task", "L110", "--activity", "A104"}, extra...)
		}
		tables := []string{"sow_versions", "sow_items", "audit_events"}
		before := w.rows(t, tables...)
		if out, errOut, code := w.run(t, item(cwMarcus)...); code != 1 || !strings.Contains(errOut, "change order") {
			t.Errorf("adding to an approved statement: exit %d\n%s%s", code, out, errOut)
		}
		if after := w.rows(t, tables...); after != before {
			t.Fatalf("a refused item changed the database: %s -> %s", before, after)
		}
		if out, errOut, code := w.run(t, "sow", "change-order", w.id, "--as", cwMarcus, "--reason", "Add QC"); code != 0 {
			t.Fatalf("change order: exit %d\n%s%s", code, out, errOut)
		}
		before = w.rows(t, tables...)
		for _, c := range []struct {
			why, want string
			args      []string
		}{
			{"a vendor user", "", item(cwAnika)},
			{"a bad date", "date", item(cwMarcus, "--due", "15/01/2031")},
			{"an unknown service", "", item(cwMarcus, "--type", "astrology")},
			{"an unknown task code", "", item(cwMarcus, "--task", "Z999")},
		} {
			if out, errOut, code := w.run(t, c.args...); code != 1 || !strings.Contains(errOut, c.want) {
				t.Errorf("%s: exit %d\n%s%s", c.why, code, out, errOut)
			}
		}
		if after := w.rows(t, tables...); after != before {
			t.Fatalf("refused items changed the database: %s -> %s", before, after)
		}
		out, errOut, code := w.run(t, item(cwMarcus)...)
		if code != 0 || !strings.Contains(out, `"Second-level review" to the draft`) || !strings.Contains(out, "Second-level review (") {
			t.Fatalf("item add: exit %d\n%s%s", code, out, errOut)
		}
		var title, deliverable, acceptance, due, task, act, pricing string
		if err := w.s.DB().QueryRow(`SELECT i.title, i.deliverable, i.acceptance, i.due_on, i.task_code, i.activity_code, i.pricing FROM sow_items i
			JOIN sow_versions v ON v.id = i.sow_version_id WHERE i.engagement_id = $1 AND v.approved_at = 0 AND i.title = 'Second-level review'`, w.eid).
			Scan(&title, &deliverable, &acceptance, &due, &task, &act, &pricing); err != nil {
			t.Fatal(err)
		}
		if deliverable != "QC memo" || acceptance != "Error rate under 2%" || due != "2031-01-15" || task != "L110" || act != "A104" || pricing != "hourly" {
			t.Errorf("stored %q %q %q %q %q %q", deliverable, acceptance, due, task, act, pricing)
		}
	})
}
