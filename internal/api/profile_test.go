package api_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

// PUT /me/profile changes the caller's own name, time zone and locale; bad
// input names the field and changes nothing; GET /me shows the locale.
func TestProfileAPI(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		maria := f.as(emailOf(t, "Maria Santos"))
		e1 := wantError(t, maria.send(t, http.MethodPut, "/api/v1/me/profile", []byte(`{"name":"Maria Santos","time_zone":"Asia/Atlantis","locale":"en-PH"}`), false),
			http.StatusUnprocessableEntity, "invalid")
		if e1.Error.Field != "time_zone" {
			t.Errorf("a bad zone names field %q", e1.Error.Field)
		}
		var me struct {
			Name     string `json:"name"`
			TimeZone string `json:"time_zone"`
			Locale   string `json:"locale"`
		}
		maria.getJSON(t, "/api/v1/me", &me)
		if me.Locale != "en-US" || me.TimeZone != "Asia/Manila" {
			t.Fatalf("after a refused change: %+v", me)
		}
		r := maria.send(t, http.MethodPut, "/api/v1/me/profile", []byte(`{"name":"Maria L. Santos","time_zone":"Asia/Manila","locale":"en-PH"}`), false)
		if r.status != http.StatusOK || json.Unmarshal(r.body, &me) != nil || me.Locale != "en-PH" || me.Name != "Maria L. Santos" {
			t.Fatalf("save: %d %s", r.status, r.body)
		}
		maria.getJSON(t, "/api/v1/me", &me)
		if me.Locale != "en-PH" || me.Name != "Maria L. Santos" {
			t.Fatalf("GET /me after the change: %+v", me)
		}
	})
}
