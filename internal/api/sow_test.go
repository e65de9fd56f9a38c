package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/testenv"
)

type sowView struct {
	Stage   string `json:"stage"`
	Current *struct {
		Version int    `json:"version"`
		SHA256  string `json:"sha256"`
		Items   []struct {
			ID    int64  `json:"id"`
			Title string `json:"title"`
		} `json:"items"`
	} `json:"current"`
	Draft *struct {
		ID       int64  `json:"id"`
		Revision int    `json:"revision"`
		State    string `json:"state"`
		Items    []struct {
			ID         int64 `json:"id"`
			VendorCost struct {
				Minor    int64  `json:"minor"`
				Currency string `json:"currency"`
			} `json:"vendor_cost"`
		} `json:"items"`
		Totals struct {
			Saving *json.RawMessage `json:"saving"`
		} `json:"totals"`
	} `json:"draft"`
}

// The statement-of-work, time and deadline API: the vendor manager's
// estimate withdraws the firm's approval (the stale revision is refused),
// both approvals make the engagement active, time and deadlines keep their
// bounds with the field named, and the calendar feed URL works without a
// session and stops working when rotated.
func TestSOWTimeAndCalendarAPI(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		marcus, anika := f.as(emailOf(t, "Marcus Oyelaran")), f.as(emailOf(t, "Anika Deshmukh"))
		rohan, helen := f.as(emailOf(t, "Rohan Kulkarni")), f.as(emailOf(t, "Helen Calloway"))
		var id int64
		if err := f.app.Store.DB().QueryRow(`SELECT e.id FROM engagements e JOIN vendors v ON v.id = e.vendor_id WHERE e.stage = 'sow' AND v.name LIKE 'Lexora%'`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		path := func(tail string) string { return fmt.Sprintf("/api/v1/engagements/%d%s", id, tail) }
		var v sowView
		anika.getJSON(t, path("/sow"), &v)
		if v.Stage != "sow" || v.Draft == nil || v.Draft.State != "awaiting the vendor manager" || v.Current != nil || len(v.Draft.Items) != 1 ||
			v.Draft.Items[0].VendorCost.Currency != "INR" || v.Draft.Totals.Saving != nil {
			t.Fatalf("the demo draft: %+v", v)
		}
		wantError(t, helen.get(t, path("/sow")), http.StatusNotFound, "not_found")
		stale := v.Draft.Revision
		r := anika.send(t, http.MethodPost, path(fmt.Sprintf("/sow/items/%d/estimate", v.Draft.Items[0].ID)), []byte(`{"estimate":"300","price":"1150.50"}`), false)
		if r.status != http.StatusOK {
			t.Fatalf("estimate: %d %s", r.status, r.body)
		}
		json.Unmarshal(r.body, &v)
		if v.Draft.State != "draft" || v.Draft.Items[0].VendorCost.Minor != 300*115050 {
			t.Fatalf("after the estimate: %+v", v.Draft)
		}
		wantError(t, marcus.send(t, http.MethodPost, path(fmt.Sprintf("/sow/versions/%d/approve", v.Draft.ID)), []byte(fmt.Sprintf(`{"revision":%d}`, stale)), false),
			http.StatusConflict, "conflict")
		wantError(t, rohan.send(t, http.MethodPost, path(fmt.Sprintf("/sow/versions/%d/approve", v.Draft.ID)), []byte(`{}`), false), http.StatusForbidden, "forbidden")
		for _, s := range []*session{marcus, anika} {
			if r := s.send(t, http.MethodPost, path(fmt.Sprintf("/sow/versions/%d/approve", v.Draft.ID)), []byte(fmt.Sprintf(`{"revision":%d}`, v.Draft.Revision)), false); r.status != http.StatusOK {
				t.Fatalf("approve: %d %s", r.status, r.body)
			}
		}
		v = sowView{}
		marcus.getJSON(t, path("/sow"), &v)
		if v.Stage != "active" || v.Current == nil || len(v.Current.SHA256) != 64 || v.Draft != nil {
			t.Fatalf("after both approvals: %+v", v)
		}

		// Time: the error names the field; a good entry lists with its day total.
		future := time.Now().UTC().AddDate(0, 0, 2).Format(time.DateOnly)
		er := wantError(t, rohan.send(t, http.MethodPost, path("/time-entries"), []byte(`{"date":"`+future+`","hours":"1","narrative":"x"}`), false),
			http.StatusUnprocessableEntity, "invalid")
		if er.Error.Field != "date" {
			t.Errorf("future time names %q", er.Error.Field)
		}
		er = wantError(t, rohan.send(t, http.MethodPost, path("/time-entries"), []byte(`{"date":"`+time.Now().UTC().Format(time.DateOnly)+`","hours":"1","narrative":"x","activity_code":"A999"}`), false),
			http.StatusUnprocessableEntity, "invalid")
		if er.Error.Field != "activity_code" {
			t.Errorf("an unknown code names %q", er.Error.Field)
		}
		wantError(t, marcus.send(t, http.MethodPost, path("/time-entries"), []byte(`{"date":"2026-01-01","hours":"1","narrative":"x"}`), false), http.StatusForbidden, "forbidden")
		r = rohan.send(t, http.MethodPost, path("/time-entries"), []byte(`{"work_item_id":`+fmt.Sprint(v.Current.Items[0].ID)+`,"date":"`+time.Now().UTC().Format(time.DateOnly)+`","hours":"3.5","narrative":"First draft","submit":true}`), false)
		var te struct {
			Entries []struct {
				State    string `json:"state"`
				DayTotal string `json:"day_total"`
			} `json:"entries"`
		}
		if err := json.Unmarshal(r.body, &te); err != nil || r.status != http.StatusCreated || len(te.Entries) != 1 || te.Entries[0].State != "submitted" || te.Entries[0].DayTotal != "3.5" {
			t.Fatalf("time: %d %s", r.status, r.body)
		}

		// Deadlines.
		er = wantError(t, marcus.send(t, http.MethodPost, path("/deadlines"), []byte(`{"title":"Late","due_on":"2020-01-01"}`), false), http.StatusUnprocessableEntity, "invalid")
		if er.Error.Field != "due_on" {
			t.Errorf("a deadline before today names %q", er.Error.Field)
		}
		due := time.Now().UTC().AddDate(0, 0, 5).Format(time.DateOnly)
		r = marcus.send(t, http.MethodPost, path("/deadlines"), []byte(`{"title":"Opposition to Marcus","due_on":"`+due+`"}`), false)
		var dl struct {
			Deadlines []struct {
				Title, Owner string
			} `json:"deadlines"`
		}
		if err := json.Unmarshal(r.body, &dl); err != nil || r.status != http.StatusCreated || !strings.Contains(fmt.Sprint(dl.Deadlines), "{Opposition to Marcus Marcus Oyelaran}") {
			t.Fatalf("deadline: %d %s", r.status, r.body)
		}

		// The calendar feed: a URL that needs no session, until rotated.
		var feed struct {
			URL string `json:"url"`
		}
		r = rohan.send(t, http.MethodPost, "/api/v1/me/calendar", nil, false)
		if err := json.Unmarshal(r.body, &feed); err != nil || r.status != http.StatusCreated || !strings.Contains(feed.URL, "/calendar/pcal_") {
			t.Fatalf("feed: %d %s", r.status, r.body)
		}
		get := func(u string) (int, string) {
			resp, err := http.Get(u)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var b strings.Builder
			buf := make([]byte, 1<<16)
			for {
				n, err := resp.Body.Read(buf)
				b.Write(buf[:n])
				if err != nil {
					break
				}
			}
			return resp.StatusCode, b.String()
		}
		u := f.url + feed.URL[strings.Index(feed.URL, "/calendar/"):]
		status, cal := get(u)
		if status != http.StatusOK || !strings.Contains(cal, "SUMMARY:Opposition to Marcus\r\n") || !strings.Contains(cal, "DTSTART;VALUE=DATE:"+strings.ReplaceAll(due, "-", "")) {
			t.Fatalf("feed body: %d\n%s", status, cal)
		}
		rohan.send(t, http.MethodPost, "/api/v1/me/calendar", nil, false)
		if status, _ := get(u); status != http.StatusNotFound {
			t.Fatalf("a rotated feed URL answers %d", status)
		}
	})
}
