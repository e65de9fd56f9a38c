package api

import (
	"errors"
	"net/http"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// The firm's billing policy for outsourced work, in basis points.

type billingPolicyJSON struct {
	OverheadCapBP     *int `json:"overhead_cap_bp"`
	MarkupCapBP       *int `json:"markup_cap_bp"`
	MinSavingSharedBP *int `json:"min_saving_shared_bp"`
	// DayHours is the hours a vendor timekeeper may bill in one day before
	// the invoice line is flagged, as a decimal string ("10", "10.5");
	// absent on PUT keeps the current figure.
	DayHours *string `json:"day_hours,omitempty"`
}

func (h *Handler) getBillingPolicy(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	p, err := h.app.BillingPolicy(r.Context(), u)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	day := p.DayHoursFlag.String()
	httpx.WriteJSON(w, http.StatusOK, billingPolicyJSON{OverheadCapBP: &p.OverheadCapBP, MarkupCapBP: &p.MarkupCapBP, MinSavingSharedBP: &p.MinSavingSharedBP,
		DayHours: &day})
}

// putBillingPolicy replaces the policy; every figure is required, so a
// forgotten one is never read as zero.
func (h *Handler) putBillingPolicy(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	var in billingPolicyJSON
	err := decode(w, r, &in)
	var p domain.BillingPolicy
	if err == nil {
		for _, f := range []struct {
			field string
			v     *int
			to    *int
		}{
			{"overhead_cap_bp", in.OverheadCapBP, &p.OverheadCapBP},
			{"markup_cap_bp", in.MarkupCapBP, &p.MarkupCapBP},
			{"min_saving_shared_bp", in.MinSavingSharedBP, &p.MinSavingSharedBP},
		} {
			if f.v == nil {
				if _, err = h.app.BillingPolicy(r.Context(), u); err == nil {
					err = domain.Invalid(f.field, "%s is required, in basis points (1000 = 10%%)", f.field)
				}
				break
			}
			*f.to = *f.v
		}
	}
	if err == nil {
		if in.DayHours != nil {
			p.DayHoursFlag, err = domain.ParseTenths("day_hours", *in.DayHours)
		} else {
			var cur domain.BillingPolicy
			cur, err = h.app.BillingPolicy(r.Context(), u)
			p.DayHoursFlag = cur.DayHoursFlag
		}
	}
	if err == nil {
		err = h.app.SetBillingPolicy(r.Context(), u, p)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, bpField(err))
		return
	}
	h.getBillingPolicy(w, r)
}

// bpField names the JSON field of a refused figure ("markup_cap" is
// "markup_cap_bp" here).
func bpField(err error) error {
	var e *domain.Error
	if errors.As(err, &e) && e.Code == domain.EInvalid {
		switch e.Field {
		case "overhead_cap", "markup_cap", "min_saving_shared":
			c := *e
			c.Field += "_bp"
			return &c
		}
	}
	return err
}
