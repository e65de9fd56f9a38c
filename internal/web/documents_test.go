package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

// The Documents and Messages tabs of the active Calloway/Lexora engagement:
// the attorney shares a file through the multipart form (a refused file
// points at the field and stores nothing), a vendor member downloads it,
// the attorney starts a conversation mentioning a vendor member (shown
// highlighted), a mention of someone outside is refused at the field, and
// the client contact is kept out of both tabs.
func TestDocumentsAndMessagesPages(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.70")
		anika := s.signIn(t, "anika.deshmukh@lexora.example", "192.0.2.71")
		helen := s.signIn(t, "helen.calloway@callowayfreight.example", "192.0.2.72")
		var id int64
		if err := s.app.Store.DB().QueryRow(`SELECT id FROM engagements WHERE description LIKE '%48,000%'`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		base := fmt.Sprintf("/engagements/%d", id)
		docs := func() int {
			var n int
			_ = s.app.Store.DB().QueryRow(`SELECT COUNT(*) FROM documents`).Scan(&n)
			return n
		}
		before := docs()

		// A refused upload: the page says why at the file field.
		rec := s.postForm(t, base+"/documents", marcus, [][2]string{{"folder", "Protocols"}}, "protocol.pdf", "application/pdf", []byte("not a pdf at all\n"))
		doc := parsePage(t, "refused upload", rec)
		if rec.Code != http.StatusUnprocessableEntity || oneByID(doc, "form-error") == nil || attrOf(oneByID(doc, "doc-file"), "aria-invalid") != "true" {
			t.Fatalf("refused upload: %d", rec.Code)
		}
		if attrOf(oneByID(doc, "doc-folder"), "value") != "Protocols" || docs() != before {
			t.Fatal("the refused upload lost the folder or stored something")
		}
		// A good one.
		rec = s.postForm(t, base+"/documents", marcus, [][2]string{{"folder", "Protocols"}, {"description", "Tagging rules"}}, "tagging.txt", "text/plain", []byte("Tag PRIV when counsel is copied.\n"))
		if rec.Code != http.StatusSeeOther || docs() != before+1 {
			t.Fatalf("upload: %d %s", rec.Code, rec.Body.String())
		}
		rec = s.do(t, http.MethodGet, base+"/documents", anika, nil)
		page := parsePage(t, "documents", rec)
		var docID int64
		if err := s.app.Store.DB().QueryRow(`SELECT ed.id FROM engagement_documents ed JOIN documents d ON d.id = ed.document_id WHERE d.filename = 'tagging.txt'`).Scan(&docID); err != nil {
			t.Fatal(err)
		}
		if oneByID(page, fmt.Sprintf("document-%d", docID)) == nil {
			t.Fatalf("Anika's documents page does not list it:\n%s", rec.Body.String())
		}
		rec = s.do(t, http.MethodGet, fmt.Sprintf("%s/documents/%d/content", base, docID), anika, nil)
		if rec.Code != http.StatusOK || rec.Body.String() != "Tag PRIV when counsel is copied.\n" || !strings.Contains(rec.Header().Get("Content-Disposition"), "tagging.txt") {
			t.Fatalf("download: %d %q", rec.Code, rec.Body.String())
		}
		rec = s.do(t, http.MethodGet, fmt.Sprintf("%s/documents/%d", base, docID), anika, nil)
		if page := parsePage(t, "document record", rec); rec.Code != http.StatusOK || len(text(oneByID(page, "doc-sha256"))) != 64 {
			t.Fatalf("record: %d", rec.Code)
		}

		// Messages: a mention of someone outside the engagement is refused at the field.
		rec = s.do(t, http.MethodPost, base+"/messages", marcus, url.Values{"subject": {"Tagging"}, "body": {"cc @Thomas Walsh"}})
		page = parsePage(t, "refused message", rec)
		if rec.Code != http.StatusUnprocessableEntity || attrOf(oneByID(page, "new-body"), "aria-invalid") != "true" || !strings.Contains(text(oneByID(page, "new-error")), "not on this engagement") {
			t.Fatalf("refused mention: %d", rec.Code)
		}
		rec = s.postForm(t, base+"/messages", marcus, [][2]string{{"subject", "Tagging rules"}, {"body", "@Anika Deshmukh please brief the reviewers <today>."}}, "", "", nil)
		if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Location"), base+"/messages/") {
			t.Fatalf("new thread: %d %s", rec.Code, rec.Body.String())
		}
		threadURL := strings.Split(rec.Header().Get("Location"), "#")[0]
		rec = s.do(t, http.MethodGet, threadURL, anika, nil)
		body := rec.Body.String()
		if rec.Code != http.StatusOK || !strings.Contains(body, `<mark class="mention">@Anika Deshmukh</mark>`) || !strings.Contains(body, "&lt;today&gt;") {
			t.Fatalf("thread page: %d\n%s", rec.Code, body)
		}
		// A reply with an attachment, by the vendor member.
		rec = s.postForm(t, threadURL, anika, [][2]string{{"body", "Done: reviewers briefed."}}, "roster.csv", "text/csv", []byte("name,role\nRohan,reviewer\n"))
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("reply: %d %s", rec.Code, rec.Body.String())
		}
		rec = s.do(t, http.MethodGet, threadURL, marcus, nil)
		if !strings.Contains(rec.Body.String(), "roster.csv") {
			t.Fatal("the reply's attachment is not shown")
		}
		// The client has no part in either tab.
		for _, p := range []string{base + "/documents", base + "/messages", threadURL} {
			if rec := s.do(t, http.MethodGet, p, helen, nil); rec.Code != http.StatusForbidden {
				t.Errorf("client GET %s: %d, want 403", p, rec.Code)
			}
		}
	})
}
