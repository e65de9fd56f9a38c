package api

import (
	"net/http"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/httpx"
)

type complianceJSON struct {
	Matter                  matterJSON                 `json:"matter"`
	ClientName              string                     `json:"client_name"`
	ResponsibleAttorneyName string                     `json:"responsible_attorney_name"`
	GeneratedAt             string                     `json:"generated_at"`
	ClientCopy              bool                       `json:"client_copy"`
	Gaps                    int                        `json:"gaps"`
	Engagements             []complianceEngagementJSON `json:"engagements"`
}

type complianceEngagementJSON struct {
	Engagement  engagementJSON   `json:"engagement"`
	Gaps        int              `json:"gaps"`
	Obligations []app.Obligation `json:"obligations"`
}

// getCompliance answers a matter's compliance record (app.ComplianceRecord).
func (h *Handler) getCompliance(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var rec app.ComplianceRecord
	if err == nil {
		rec, err = h.app.ComplianceRecord(r.Context(), u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := complianceJSON{Matter: matter(rec.Matter), ClientName: rec.Client.Name, ResponsibleAttorneyName: rec.Responsible.Name,
		GeneratedAt: rec.Generated.UTC().Format(time.RFC3339), ClientCopy: rec.ForClient, Gaps: rec.Gaps(),
		Engagements: []complianceEngagementJSON{}}
	toJSON := engagement(u)
	for _, e := range rec.Engagements {
		obs := e.Obligations
		for i := range obs {
			if obs[i].Facts == nil {
				obs[i].Facts = []app.Fact{}
			}
		}
		out.Engagements = append(out.Engagements, complianceEngagementJSON{Engagement: toJSON(e.Engagement), Gaps: e.Gaps(), Obligations: obs})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}
