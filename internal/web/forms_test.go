package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/probity/probity/internal/testenv"
)

// TestFormsKeepInputAndPointAtTheField: a representative set of forms, each
// posted with one bad field, comes back with what was typed, the field in
// error marked aria-invalid and described by the message, and exactly one
// such field (app.js gives it focus).
func TestFormsKeepInputAndPointAtTheField(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := newSite(t, e)
		ctx := context.Background()
		marcus := s.signIn(t, "marcus.oyelaran@hartwellcrane.example", "192.0.2.80")
		admin := s.signIn(t, "eleanor.hartwell@hartwellcrane.example", "192.0.2.81")
		var engagementID, matterID, clientID int64
		db := s.app.Store.DB()
		if err := db.QueryRowContext(ctx, `SELECT engagement_id FROM deadlines WHERE title = 'Batch 14 coding complete'`).Scan(&engagementID); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, `SELECT m.id, m.client_id FROM matters m JOIN engagements e ON e.matter_id = m.id WHERE e.id = $1`, engagementID).Scan(&matterID, &clientID); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name, session, target string
			form                  url.Values
			bad                   string // the id of the field in error
			kept                  string // the id of a field whose typed value must come back
			keptValue             string
		}{
			{"matter", marcus, "/matters", url.Values{"client_id": {strconv.FormatInt(clientID, 10)}, "number": {""}, "title": {"Keep this title"}, "sensitivity": {"confidential"}, "status": {"open"}},
				"m-number", "m-title", "Keep this title"},
			{"vendor", admin, "/vendors", url.Values{"name": {"Keep Vendor Ltd"}, "country": {"ZZ"}, "currency": {"USD"}},
				"v-country", "v-name", "Keep Vendor Ltd"},
			{"deadline", marcus, "/engagements/" + strconv.FormatInt(engagementID, 10) + "/deadlines", url.Values{"title": {"Keep this deadline"}, "due_on": {"2000-01-01"}},
				"d-due", "d-title", "Keep this deadline"},
			{"firm time", marcus, "/time", url.Values{"matter_id": {strconv.FormatInt(matterID, 10)}, "date": {"2026-01-05"}, "hours": {"many"}, "purpose": {"matter"}, "task_code": {"L110"}, "activity_code": {"A104"}, "narrative": {"Keep this narrative"}},
				"rt-hours", "rt-narr", "Keep this narrative"},
			{"client invoice", marcus, "/invoices", url.Values{"matter_id": {strconv.FormatInt(matterID, 10)}, "start": {"2026-01-01"}, "end": {"2026-01-31"}, "markup_percent": {"lots"}, "description": {"Keep this description"}},
				"n-markup", "n-desc", "Keep this description"},
			{"invitation", admin, "/admin/invitations", url.Values{"name": {"Keep Name"}, "email": {"not-an-email"}, "role": {"staff"}},
				"i-email", "i-name", "Keep Name"},
		}
		for _, c := range cases {
			rec := s.do(t, http.MethodPost, c.target, c.session, c.form)
			if rec.Code < 400 || rec.Code >= 500 {
				t.Errorf("%s: status %d, want a 4xx page (%.200s)", c.name, rec.Code, rec.Body.String())
				continue
			}
			doc := parsePage(t, c.name, rec)
			invalid := elements(doc, func(n *html.Node) bool { return attrOf(n, "aria-invalid") == "true" })
			if len(invalid) != 1 || attrOf(invalid[0], "id") != c.bad {
				ids := []string{}
				for _, n := range invalid {
					ids = append(ids, attrOf(n, "id"))
				}
				t.Errorf("%s: fields marked invalid %v, want exactly [%s]", c.name, ids, c.bad)
				continue
			}
			for _, ref := range strings.Fields(attrOf(invalid[0], "aria-describedby")) {
				msg := ogOne(t, c.name+" message", doc, ogID(ref))
				if ref != "" && text(msg) == "" {
					t.Errorf("%s: the message %s is empty", c.name, ref)
				}
			}
			if attrOf(invalid[0], "aria-describedby") == "" {
				t.Errorf("%s: the field in error is not described by a message", c.name)
			}
			kept := ogOne(t, c.name+" kept field", doc, ogID(c.kept))
			v := attrOf(kept, "value")
			if kept.Data == "textarea" {
				v = text(kept)
			}
			if v != c.keptValue {
				t.Errorf("%s: %s came back as %q, want %q", c.name, c.kept, v, c.keptValue)
			}
		}
	})
}
