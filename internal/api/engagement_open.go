package api

import (
	"net/http"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// Proposing a vendor, the opening gates, opening an engagement, and the
// firm's vendor requirements by sensitivity.

type gateJSON struct {
	Key   string `json:"key"`
	Name  string `json:"name"`
	Met   bool   `json:"met"`
	State string `json:"state"` // met, waiting, blocked
	Why   string `json:"why"`
}

type sensitivityRuleJSON struct {
	Sensitivity                string `json:"sensitivity"`
	RequireCertification       bool   `json:"require_certification"`
	RequireMFA                 bool   `json:"require_mfa"`
	NoUnapprovedSubcontractors bool   `json:"no_unapproved_subcontractors"`
	MinScore                   int    `json:"min_score"`
}

func ruleJSON(r domain.SensitivityRule) sensitivityRuleJSON {
	return sensitivityRuleJSON{Sensitivity: string(r.Sensitivity), RequireCertification: r.RequireCertification, RequireMFA: r.RequireMFA,
		NoUnapprovedSubcontractors: r.NoUnapprovedSubcontractors, MinScore: r.MinScore}
}

type openingCheckJSON struct {
	MatterID    int64               `json:"matter_id"`
	VendorID    int64               `json:"vendor_id"`
	VendorName  string              `json:"vendor_name"`
	Sensitivity string              `json:"sensitivity"`
	Rule        sensitivityRuleJSON `json:"rule"`
	GatesMet    bool                `json:"gates_met"`
	Gates       []gateJSON          `json:"gates"`
}

func openingCheck(c app.OpeningCheck) openingCheckJSON {
	j := openingCheckJSON{MatterID: c.Matter.ID, VendorID: c.Vendor.ID, VendorName: c.Vendor.Name, Sensitivity: string(c.Matter.Sensitivity),
		Rule: ruleJSON(c.Rule), GatesMet: c.Met(), Gates: make([]gateJSON, 0, len(c.Gates))}
	for _, g := range c.Gates {
		j.Gates = append(j.Gates, gateJSON{Key: g.Key, Name: g.Name, Met: g.Met, State: g.State(), Why: g.Why})
	}
	return j
}

// engagementGatesJSON is an engagement with the opening gates it was judged by.
type engagementGatesJSON struct {
	Engagement engagementJSON   `json:"engagement"`
	Check      openingCheckJSON `json:"opening_check"`
}

func (h *Handler) openingCheck(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var vendorID int64
	if err == nil {
		vendorID, err = queryInt(r, "vendor_id")
	}
	var c app.OpeningCheck
	if err == nil {
		c, err = h.app.OpeningCheck(r.Context(), u, id, vendorID)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, openingCheck(c))
}

type proposalJSON struct {
	MatterID              int64      `json:"matter_id"`
	VendorID              int64      `json:"vendor_id"`
	Service               string     `json:"service"`
	Description           string     `json:"description"`
	SupervisingAttorneyID int64      `json:"supervising_attorney_id"`
	BillingMode           string     `json:"billing_mode"`
	EstimatedCost         *moneyJSON `json:"estimated_cost"`
	InHouseEstimate       *moneyJSON `json:"inhouse_estimate"`
}

// moneyIn reads an amount given as {"minor": …, "currency": …} (decimal is
// ignored on input); absent means zero in the fallback currency.
func moneyIn(m *moneyJSON, fallback domain.Currency) domain.Money {
	if m == nil {
		return domain.NewMoney(0, fallback)
	}
	return domain.NewMoney(m.Minor, domain.Currency(m.Currency))
}

func (h *Handler) proposeEngagement(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	var in proposalJSON
	if err := decode(w, r, &in); err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	firm, err := h.app.Firm(r.Context())
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	p, err := h.app.ProposeEngagement(r.Context(), u, app.EngagementProposal{MatterID: in.MatterID, VendorID: in.VendorID,
		Service: domain.Service(in.Service), Description: in.Description, SupervisorID: in.SupervisingAttorneyID,
		BillingMode: domain.BillingMode(in.BillingMode), EstimatedCost: moneyIn(in.EstimatedCost, firm.Currency),
		InHouseEstimate: moneyIn(in.InHouseEstimate, firm.Currency)})
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	h.writeEngagementGates(w, r, u, http.StatusCreated, p.Engagement.ID, p.Check)
}

func (h *Handler) openEngagement(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var c app.OpeningCheck
	if err == nil {
		_, c, err = h.app.OpenEngagement(r.Context(), u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	h.writeEngagementGates(w, r, u, http.StatusOK, id, c)
}

// writeEngagementGates answers with the engagement as the caller sees it and
// the gates it was judged by.
func (h *Handler) writeEngagementGates(w http.ResponseWriter, r *http.Request, u domain.User, status int, id int64, c app.OpeningCheck) {
	v, err := h.app.Engagement(r.Context(), u, id)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, status, engagementGatesJSON{Engagement: engagement(u)(v.Engagement), Check: openingCheck(c)})
}

type sensitivityRulesJSON struct {
	Rules []sensitivityRuleJSON `json:"rules"`
}

func rulesJSON(rs []domain.SensitivityRule) sensitivityRulesJSON {
	j := sensitivityRulesJSON{Rules: make([]sensitivityRuleJSON, 0, len(rs))}
	for _, r := range rs {
		j.Rules = append(j.Rules, ruleJSON(r))
	}
	return j
}

func (h *Handler) getSensitivityRules(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	rs, err := h.app.SensitivityRules(r.Context(), u)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, rulesJSON(rs))
}

func (h *Handler) putSensitivityRules(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	var in struct {
		Rules *[]sensitivityRuleJSON `json:"rules"`
	}
	err := decode(w, r, &in)
	if err == nil && in.Rules == nil {
		err = domain.Invalid("rules", "rules is required: one rule for each sensitivity (standard, confidential, highly_confidential)")
	}
	if err == nil {
		rules := make([]domain.SensitivityRule, 0, len(*in.Rules))
		for _, x := range *in.Rules {
			rules = append(rules, domain.SensitivityRule{Sensitivity: domain.Sensitivity(x.Sensitivity), RequireCertification: x.RequireCertification,
				RequireMFA: x.RequireMFA, NoUnapprovedSubcontractors: x.NoUnapprovedSubcontractors, MinScore: x.MinScore})
		}
		err = h.app.SetSensitivityRules(r.Context(), u, rules)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	h.getSensitivityRules(w, r)
}
