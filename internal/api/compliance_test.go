package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

type complianceRecordJSON struct {
	Matter struct {
		ID     int64  `json:"id"`
		Number string `json:"number"`
	} `json:"matter"`
	ClientCopy  bool `json:"client_copy"`
	Gaps        int  `json:"gaps"`
	Engagements []struct {
		Engagement struct {
			VendorName string `json:"vendor_name"`
		} `json:"engagement"`
		Gaps        int `json:"gaps"`
		Obligations []struct {
			Key, Name, State, Status string
			Facts                    []struct{ What, On, By string }
		} `json:"obligations"`
	} `json:"engagements"`
}

func TestComplianceRecordAPI(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		marcus := f.as(emailOf(t, "Marcus Oyelaran"))
		helen := f.as(emailOf(t, "Helen Calloway"))
		victor := f.as(emailOf(t, "Victor Lin"))
		oliver := f.as(emailOf(t, "Oliver Bennett"))
		calloway := findID(t, marcus, "/api/v1/matters?q=2026-0142", "number", "2026-0142")
		path := fmt.Sprintf("/api/v1/matters/%d/compliance", calloway)

		var r complianceRecordJSON
		marcus.getJSON(t, path, &r)
		if r.Matter.Number != "2026-0142" || r.ClientCopy || len(r.Engagements) < 2 {
			t.Fatalf("record: %+v", r)
		}
		sum := 0
		vendors := map[string]map[string]string{} // vendor → obligation → state
		for _, e := range r.Engagements {
			sum += e.Gaps
			st := map[string]string{}
			for _, o := range e.Obligations {
				st[o.Key] = o.State
				// A gap is nothing recorded; a briefing gap names who has not acknowledged.
				if o.State == "gap" && o.Status != "Not recorded" && !(o.Key == "briefing" && strings.Contains(o.Status, "not acknowledged by")) {
					t.Errorf("%s %s: a gap says %q", e.Engagement.VendorName, o.Key, o.Status)
				}
				if o.Facts == nil {
					t.Errorf("%s %s: facts is null", e.Engagement.VendorName, o.Key)
				}
			}
			vendors[e.Engagement.VendorName] = st
		}
		if sum != r.Gaps || r.Gaps < 8 {
			t.Errorf("gaps %d, engagements sum to %d", r.Gaps, sum)
		}
		if lex := vendors["Lexora Legal Services Pvt. Ltd."]; lex["due_diligence"] != "met" || lex["billing"] != "gap" {
			t.Errorf("Lexora: %v", lex)
		}
		if mer := vendors["Meridian Discovery Partners Ltd"]; mer["conflicts"] != "attention" || mer["due_diligence"] == "met" {
			t.Errorf("Meridian: %v", mer)
		}

		var c complianceRecordJSON
		helen.getJSON(t, path, &c)
		if !c.ClientCopy || c.Gaps != r.Gaps {
			t.Errorf("client copy: %+v", c)
		}
		for _, e := range c.Engagements {
			for _, o := range e.Obligations {
				for _, fct := range o.Facts {
					if strings.Contains(fct.What, "Tide Water") {
						t.Errorf("the client's copy names a hit: %q", fct.What)
					}
				}
			}
		}
		wantError(t, victor.get(t, path), http.StatusNotFound, "not_found")
		wantError(t, oliver.get(t, path), http.StatusNotFound, "not_found")
	})
}
