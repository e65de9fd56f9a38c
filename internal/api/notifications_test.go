package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

// TestNotificationsAPI: a person lists their own notifications newest first
// with the unread count and a cursor; another person's cannot be marked
// read (404); marking one read lowers the count; preferences round-trip and
// an unknown mode is refused as invalid, naming the field, saving nothing.
func TestNotificationsAPI(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		marcus, helen := f.as("marcus.oyelaran@hartwellcrane.example"), f.as("helen.calloway@callowayfreight.example")
		type page struct {
			Items []struct {
				ID     int64   `json:"id"`
				Kind   string  `json:"kind"`
				Link   string  `json:"link"`
				ReadAt *string `json:"read_at"`
			} `json:"items"`
			Unread     int    `json:"unread"`
			NextBefore *int64 `json:"next_before"`
		}
		var p page
		marcus.getJSON(t, "/api/v1/notifications?limit=2", &p)
		if len(p.Items) != 2 || p.Unread == 0 || p.NextBefore == nil || p.Items[0].ID <= p.Items[1].ID || p.Items[0].ReadAt != nil {
			t.Fatalf("first page: %+v", p)
		}
		var older page
		marcus.getJSON(t, fmt.Sprintf("/api/v1/notifications?limit=2&before=%d", *p.NextBefore), &older)
		if len(older.Items) == 0 || older.Items[0].ID >= p.Items[1].ID {
			t.Fatalf("next page: %+v", older)
		}
		id := p.Items[0].ID
		wantError(t, helen.send(t, http.MethodPost, fmt.Sprintf("/api/v1/notifications/%d/read", id), nil, false), http.StatusNotFound, "not_found")
		if r := marcus.send(t, http.MethodPost, fmt.Sprintf("/api/v1/notifications/%d/read", id), nil, false); r.status != http.StatusNoContent {
			t.Fatalf("read: %d %s", r.status, r.body)
		}
		var after page
		marcus.getJSON(t, "/api/v1/notifications?unread=true", &after)
		if after.Unread != p.Unread-1 || len(after.Items) != after.Unread {
			t.Errorf("after reading one: %d unread (%d listed), want %d", after.Unread, len(after.Items), p.Unread-1)
		}

		var prefs struct {
			EmailMode string   `json:"email_mode"`
			Muted     []string `json:"muted"`
		}
		marcus.getJSON(t, "/api/v1/notifications/preferences", &prefs)
		if prefs.EmailMode != "immediate" || len(prefs.Muted) != 0 {
			t.Fatalf("default prefs: %+v", prefs)
		}
		if e := wantError(t, marcus.send(t, http.MethodPut, "/api/v1/notifications/preferences", []byte(`{"email_mode":"weekly","muted":[]}`), false),
			http.StatusUnprocessableEntity, "invalid"); e.Error.Field != "email_mode" {
			t.Errorf("field %q, want email_mode", e.Error.Field)
		}
		if r := marcus.send(t, http.MethodPut, "/api/v1/notifications/preferences", []byte(`{"email_mode":"digest","muted":["audit_due"]}`), false); r.status != http.StatusOK {
			t.Fatalf("put: %d %s", r.status, r.body)
		}
		marcus.getJSON(t, "/api/v1/notifications/preferences", &prefs)
		if prefs.EmailMode != "digest" || len(prefs.Muted) != 1 || prefs.Muted[0] != "audit_due" {
			t.Errorf("saved prefs: %+v", prefs)
		}
	})
}
