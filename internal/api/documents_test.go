package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

// The documents and messages API on the active Calloway/Lexora engagement:
// a raw-body upload, the list and record, a refused upload (wrong type),
// a conversation with a mention by JSON, a refused mention, and the
// client contact kept out.
func TestDocumentsAndMessagesAPI(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		marcus := f.as("marcus.oyelaran@hartwellcrane.example")
		rohan := f.as("rohan.kulkarni@lexora.example")
		helen := f.as("helen.calloway@callowayfreight.example")
		var id int64
		if err := f.app.Store.DB().QueryRow(`SELECT id FROM engagements WHERE description LIKE '%48,000%'`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		base := fmt.Sprintf("/api/v1/engagements/%d", id)
		r := marcus.send(t, http.MethodPut, base+"/documents?filename=notes.txt&folder=Memos", []byte("Meeting notes: tag PRIV.\n"), false)
		if r.status != http.StatusCreated {
			t.Fatalf("upload: %d %s", r.status, r.body)
		}
		var doc struct {
			ID       int64  `json:"id"`
			Folder   string `json:"folder"`
			Version  int    `json:"version"`
			Document struct {
				SHA256 string `json:"sha256"`
			} `json:"document"`
		}
		_ = json.Unmarshal(r.body, &doc)
		if doc.Folder != "Memos" || doc.Version != 1 || len(doc.Document.SHA256) != 64 {
			t.Fatalf("upload answered %s", r.body)
		}
		r = marcus.send(t, http.MethodPut, base+"/documents?filename=notes.pdf", []byte("not a pdf\n"), false)
		if e := wantError(t, r, http.StatusUnprocessableEntity, "invalid"); !strings.Contains(e.Error.Message, "says .pdf") {
			t.Fatalf("refused upload: %+v", e)
		}
		var list struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		rohan.getJSON(t, base+"/documents", &list)
		found := false
		for _, it := range list.Items {
			found = found || it.ID == doc.ID
		}
		if !found {
			t.Fatalf("Rohan's list lacks the document: %+v", list)
		}
		r = rohan.get(t, fmt.Sprintf("%s/documents/%d/content", base, doc.ID))
		if r.status != http.StatusOK || string(r.body) != "Meeting notes: tag PRIV.\n" {
			t.Fatalf("download: %d %q", r.status, r.body)
		}

		r = rohan.send(t, http.MethodPost, base+"/messages", []byte(`{"subject":"Question","body":"@Marcus Oyelaran is cc-only counsel PRIV?"}`), false)
		if r.status != http.StatusCreated {
			t.Fatalf("new thread: %d %s", r.status, r.body)
		}
		var th struct {
			ID       int64 `json:"id"`
			Messages []struct {
				Mentions []struct {
					Name string `json:"name"`
				} `json:"mentions"`
			} `json:"messages"`
		}
		_ = json.Unmarshal(r.body, &th)
		if len(th.Messages) != 1 || len(th.Messages[0].Mentions) != 1 || th.Messages[0].Mentions[0].Name != "Marcus Oyelaran" {
			t.Fatalf("thread: %s", r.body)
		}
		r = marcus.send(t, http.MethodPost, fmt.Sprintf("%s/messages/%d", base, th.ID), []byte(`{"body":"Ask @nobody"}`), false)
		wantError(t, r, http.StatusUnprocessableEntity, "invalid")
		r = marcus.send(t, http.MethodPost, fmt.Sprintf("%s/messages/%d", base, th.ID), []byte(`{"body":"Yes: PRIV."}`), false)
		if r.status != http.StatusCreated {
			t.Fatalf("reply: %d %s", r.status, r.body)
		}
		r = helen.get(t, base+"/messages")
		wantError(t, r, http.StatusForbidden, "forbidden")
		r = helen.get(t, base+"/documents")
		wantError(t, r, http.StatusForbidden, "forbidden")
	})
}
