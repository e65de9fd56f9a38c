package api

import (
	"net/http"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// The statement of work of an engagement: versions, work items, approvals
// and change orders. Quantities and amounts travel as decimal strings
// ("12.5", "2100.00") so that nothing is ever a float.

type workItemJSON struct {
	ID            int64     `json:"id"`
	Position      int       `json:"position"`
	Type          string    `json:"type"`
	Title         string    `json:"title"`
	Description   string    `json:"description"`
	Deliverable   string    `json:"deliverable"`
	Acceptance    string    `json:"acceptance"`
	DueOn         string    `json:"due_on,omitempty"`
	Estimate      string    `json:"estimate"`
	EstimateUnit  string    `json:"estimate_unit"`
	BaselineHours string    `json:"baseline_hours"`
	BaselineRate  moneyJSON `json:"baseline_rate"`
	Pricing       string    `json:"pricing"`
	Price         moneyJSON `json:"price"`
	VendorCost    moneyJSON `json:"vendor_cost"`
	BaselineCost  moneyJSON `json:"baseline_cost"`
	TaskCode      string    `json:"task_code"`
	ActivityCode  string    `json:"activity_code"`
}

func workItemOut(w domain.WorkItem) workItemJSON {
	vc, _ := w.VendorCost()
	bc, _ := w.BaselineCost()
	return workItemJSON{ID: w.ID, Position: w.Position, Type: string(w.Service), Title: w.Title, Description: w.Description, Deliverable: w.Deliverable,
		Acceptance: w.Acceptance, DueOn: string(w.DueOn), Estimate: w.Estimate.String(), EstimateUnit: w.EstimateUnit, BaselineHours: w.BaselineHours.String(),
		BaselineRate: money(w.BaselineRate), Pricing: string(w.Pricing), Price: money(w.Price), VendorCost: money(vc), BaselineCost: money(bc),
		TaskCode: w.TaskCode, ActivityCode: w.ActivityCode}
}

type sowTotalsJSON struct {
	VendorCost   []moneyJSON `json:"vendor_cost"`
	BaselineCost []moneyJSON `json:"baseline_cost"`
	Saving       *moneyJSON  `json:"saving,omitempty"` // absent when the currencies differ
}

type sowVersionJSON struct {
	ID               int64          `json:"id"`
	Version          int            `json:"version"`
	State            string         `json:"state"`
	ChangeOrder      bool           `json:"change_order"`
	Reason           string         `json:"reason,omitempty"`
	Revision         int            `json:"revision"`
	FirmApprovedBy   string         `json:"firm_approved_by,omitempty"`
	FirmApprovedAt   *time.Time     `json:"firm_approved_at,omitempty"`
	VendorApprovedBy string         `json:"vendor_approved_by,omitempty"`
	VendorApprovedAt *time.Time     `json:"vendor_approved_at,omitempty"`
	ApprovedOn       string         `json:"approved_on,omitempty"`
	SHA256           string         `json:"sha256,omitempty"`
	Items            []workItemJSON `json:"items"`
	Totals           sowTotalsJSON  `json:"totals"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func sowVersionOut(v domain.SOWVersion, t domain.SOWTotals) sowVersionJSON {
	j := sowVersionJSON{ID: v.ID, Version: v.Version, State: v.State(), ChangeOrder: v.ChangeOrder(), Reason: v.Reason, Revision: v.Revision,
		FirmApprovedBy: v.FirmApproverName, FirmApprovedAt: timePtr(v.FirmApprovedAt), VendorApprovedBy: v.VendorApprover,
		VendorApprovedAt: timePtr(v.VendorApprovedAt), ApprovedOn: string(v.ApprovedOn), SHA256: v.SHA256, Items: []workItemJSON{},
		Totals: sowTotalsJSON{VendorCost: []moneyJSON{}, BaselineCost: []moneyJSON{}}}
	for _, w := range v.Items {
		j.Items = append(j.Items, workItemOut(w))
	}
	for _, m := range t.VendorCost {
		j.Totals.VendorCost = append(j.Totals.VendorCost, money(m))
	}
	for _, m := range t.BaselineCost {
		j.Totals.BaselineCost = append(j.Totals.BaselineCost, money(m))
	}
	if t.SavingKnown {
		s := money(t.Saving)
		j.Totals.Saving = &s
	}
	return j
}

type sowJSON struct {
	EngagementID int64            `json:"engagement_id"`
	Stage        string           `json:"stage"`
	Closed       string           `json:"closed,omitempty"` // why the statement cannot be worked on yet
	Current      *sowVersionJSON  `json:"current,omitempty"`
	Draft        *sowVersionJSON  `json:"draft,omitempty"`
	Versions     []sowVersionJSON `json:"versions"`
}

// writeSOW answers with the engagement's statement of work.
func (h *Handler) writeSOW(w http.ResponseWriter, r *http.Request, status int, id int64) {
	u, _ := httpx.User(r)
	v, err := h.app.SOWOf(r.Context(), u, id)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := sowJSON{EngagementID: id, Stage: string(v.Header.Stage), Closed: v.Closed, Versions: []sowVersionJSON{}}
	for _, x := range v.Versions {
		j := sowVersionOut(x, v.Totals[x.ID])
		out.Versions = append(out.Versions, j)
		if v.Current != nil && x.ID == v.Current.ID {
			out.Current = &j
		}
		if v.Draft != nil && x.ID == v.Draft.ID {
			out.Draft = &j
		}
	}
	httpx.WriteJSON(w, status, out)
}

func (h *Handler) getSOW(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	h.writeSOW(w, r, http.StatusOK, id)
}

// sowCall decodes in (if any), runs a use case on the engagement in the
// path and answers with the statement of work.
func (h *Handler) sowCall(w http.ResponseWriter, r *http.Request, status int, in any, call func(u domain.User, id int64) error) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	if err == nil && in != nil {
		err = decode(w, r, in)
	}
	if err == nil {
		err = call(u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	h.writeSOW(w, r, status, id)
}

type workItemIn struct {
	Type          string `json:"type"`
	Title         string `json:"title"`
	Description   string `json:"description"`
	Deliverable   string `json:"deliverable"`
	Acceptance    string `json:"acceptance"`
	DueOn         string `json:"due_on"`
	Estimate      string `json:"estimate"`
	EstimateUnit  string `json:"estimate_unit"`
	BaselineHours string `json:"baseline_hours"`
	BaselineRate  string `json:"baseline_rate"`
	Pricing       string `json:"pricing"`
	Price         string `json:"price"`
	TaskCode      string `json:"task_code"`
	ActivityCode  string `json:"activity_code"`
}

func (in workItemIn) input() app.WorkItemInput { return app.WorkItemInput(in) }

func (h *Handler) addWorkItem(w http.ResponseWriter, r *http.Request) {
	var in workItemIn
	h.sowCall(w, r, http.StatusCreated, &in, func(u domain.User, id int64) error {
		_, err := h.app.AddWorkItem(r.Context(), u, id, in.input())
		return err
	})
}

func (h *Handler) updateWorkItem(w http.ResponseWriter, r *http.Request) {
	var in workItemIn
	h.sowCall(w, r, http.StatusOK, &in, func(u domain.User, id int64) error {
		iid, err := httpx.PathID(r, "iid")
		if err != nil {
			return err
		}
		_, err = h.app.UpdateWorkItem(r.Context(), u, id, iid, in.input())
		return err
	})
}

func (h *Handler) removeWorkItem(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Confirm string `json:"confirm"` // "remove"
	}
	h.sowCall(w, r, http.StatusOK, &in, func(u domain.User, id int64) error {
		iid, err := httpx.PathID(r, "iid")
		if err != nil {
			return err
		}
		return h.app.RemoveWorkItem(r.Context(), u, id, iid, in.Confirm == "remove")
	})
}

func (h *Handler) proposeEstimate(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Estimate     string `json:"estimate"`
		EstimateUnit string `json:"estimate_unit"`
		Pricing      string `json:"pricing"`
		Price        string `json:"price"`
	}
	h.sowCall(w, r, http.StatusOK, &in, func(u domain.User, id int64) error {
		iid, err := httpx.PathID(r, "iid")
		if err != nil {
			return err
		}
		_, err = h.app.ProposeEstimate(r.Context(), u, id, iid, app.EstimateInput(in))
		return err
	})
}

func (h *Handler) approveSOW(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Revision int `json:"revision"` // the draft's revision approved; 0: as it is now
	}
	h.sowCall(w, r, http.StatusOK, &in, func(u domain.User, id int64) error {
		sv, err := httpx.PathID(r, "sv")
		if err != nil {
			return err
		}
		_, err = h.app.ApproveSOW(r.Context(), u, id, sv, in.Revision)
		return err
	})
}

func (h *Handler) proposeChangeOrder(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Reason string `json:"reason"`
	}
	h.sowCall(w, r, http.StatusCreated, &in, func(u domain.User, id int64) error {
		_, err := h.app.ProposeChangeOrder(r.Context(), u, id, in.Reason)
		return err
	})
}
