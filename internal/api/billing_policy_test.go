package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/testenv"
)

type billingPolicyView struct {
	OverheadCapBP     int    `json:"overhead_cap_bp"`
	MarkupCapBP       int    `json:"markup_cap_bp"`
	MinSavingSharedBP int    `json:"min_saving_shared_bp"`
	DayHours          string `json:"day_hours"`
}

// The billing-policy API: administrators read and replace it in basis
// points; every figure is required and checked, naming its field; refused
// bodies change nothing; other roles are refused.
func TestBillingPolicyAPI(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newFixture(t, e)
		ctx := context.Background()
		admin, marcus := f.as(emailOf(t, "Eleanor Hartwell")), f.as(emailOf(t, "Marcus Oyelaran"))
		const path = "/api/v1/settings/billing-policy"
		var got billingPolicyView
		admin.getJSON(t, path, &got)
		def := domain.DefaultBillingPolicy()
		if got != (billingPolicyView{def.OverheadCapBP, def.MarkupCapBP, def.MinSavingSharedBP, "10"}) {
			t.Fatalf("GET: %+v, want the default %+v", got, def)
		}
		wantError(t, marcus.get(t, path), http.StatusForbidden, "forbidden")
		wantError(t, marcus.send(t, http.MethodPut, path, []byte(`{"overhead_cap_bp":0,"markup_cap_bp":0,"min_saving_shared_bp":10000}`), false), http.StatusForbidden, "forbidden")
		wantError(t, marcus.send(t, http.MethodPut, path, []byte(`{}`), false), http.StatusForbidden, "forbidden")

		for _, c := range []struct{ body, field string }{
			{`{"markup_cap_bp":2000,"min_saving_shared_bp":6000}`, "overhead_cap_bp"},
			{`{"overhead_cap_bp":500,"markup_cap_bp":2000}`, "min_saving_shared_bp"},
			{`{"overhead_cap_bp":5001,"markup_cap_bp":2000,"min_saving_shared_bp":6000}`, "overhead_cap_bp"},
			{`{"overhead_cap_bp":500,"markup_cap_bp":-1,"min_saving_shared_bp":6000}`, "markup_cap_bp"},
			{`{"overhead_cap_bp":500,"markup_cap_bp":2000,"min_saving_shared_bp":10001}`, "min_saving_shared_bp"},
			{`{"overhead_cap_bp":"10%","markup_cap_bp":2000,"min_saving_shared_bp":6000}`, "overhead_cap_bp"},
			{`{"overhead_cap_bp":500,"markup_cap_bp":2000,"min_saving_shared_bp":6000,"day_hours":"0.5"}`, "day_hours"},
			{`{"overhead_cap_bp":500,"markup_cap_bp":2000,"min_saving_shared_bp":6000,"day_hours":"ten"}`, "day_hours"},
		} {
			if e := wantError(t, admin.send(t, http.MethodPut, path, []byte(c.body), false), http.StatusUnprocessableEntity, "invalid"); e.Error.Field != c.field {
				t.Errorf("%s: field %q, want %q", c.body, e.Error.Field, c.field)
			}
		}
		wantError(t, admin.send(t, http.MethodPut, path, []byte(`{"overhead_cap_bp":500,"markup_cap_bp":2000,"min_saving_shared_bp":6000,"extra":1}`), false), http.StatusUnprocessableEntity, "invalid")
		if p, err := f.app.BillingPolicy(ctx, app.Operator); err != nil || p != def {
			t.Fatalf("refused bodies changed the policy: %+v %v", p, err)
		}

		r := admin.send(t, http.MethodPut, path, []byte(`{"overhead_cap_bp":500,"markup_cap_bp":2000,"min_saving_shared_bp":6000}`), false)
		if r.status != http.StatusOK {
			t.Fatalf("PUT: %d %s", r.status, r.body)
		}
		want := domain.BillingPolicy{OverheadCapBP: 500, MarkupCapBP: 2000, MinSavingSharedBP: 6000, DayHoursFlag: 100}
		if p, err := f.app.BillingPolicy(ctx, app.Operator); err != nil || p != want {
			t.Fatalf("stored %+v %v, want %+v", p, err, want)
		}
		admin.getJSON(t, path, &got)
		if got != (billingPolicyView{500, 2000, 6000, "10"}) {
			t.Errorf("GET after PUT: %+v", got)
		}
		r = admin.send(t, http.MethodPut, path, []byte(`{"overhead_cap_bp":500,"markup_cap_bp":2000,"min_saving_shared_bp":6000,"day_hours":"10.5"}`), false)
		if r.status != http.StatusOK {
			t.Fatalf("PUT day_hours: %d %s", r.status, r.body)
		}
		if p, _ := f.app.BillingPolicy(ctx, app.Operator); p.DayHoursFlag != 105 {
			t.Errorf("day_hours 10.5 stored as %s", p.DayHoursFlag)
		}
	})
}
