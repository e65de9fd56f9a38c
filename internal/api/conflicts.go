package api

import (
	"net/http"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// Conflict checks: vendors' disclosures, a matter's parties and aliases, the
// hits of an engagement's vendor and their resolution, and the firm-wide
// party search. Each handler calls the use case the web UI calls.

type disclosureJSON struct {
	ID        int64     `json:"id"`
	VendorID  int64     `json:"vendor_id"`
	Name      string    `json:"name"`
	Kind      string    `json:"kind"`
	UserID    *int64    `json:"user_id"`
	UserName  string    `json:"user_name,omitempty"`
	Details   string    `json:"details"`
	CreatedAt time.Time `json:"created_at"`
}

func disclosure(d domain.Disclosure) disclosureJSON {
	return disclosureJSON{ID: d.ID, VendorID: d.VendorID, Name: d.Name, Kind: string(d.Kind), UserID: optID(d.UserID), UserName: d.UserName,
		Details: d.Details, CreatedAt: d.CreatedAt}
}

type disclosureListJSON struct {
	VendorID int64            `json:"vendor_id"`
	CanEdit  bool             `json:"can_edit"`
	Items    []disclosureJSON `json:"items"`
}

func (h *Handler) listDisclosures(w http.ResponseWriter, r *http.Request) {
	byID(h.app.Disclosures, func(_ domain.User, v app.DisclosuresView) disclosureListJSON {
		out := disclosureListJSON{VendorID: v.Vendor.ID, CanEdit: v.CanEdit, Items: make([]disclosureJSON, 0, len(v.Disclosures))}
		for _, d := range v.Disclosures {
			out.Items = append(out.Items, disclosure(d))
		}
		return out
	})(w, r)
}

type newDisclosureJSON struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	UserID  int64  `json:"user_id"`
	Details string `json:"details"`
}

func (n newDisclosureJSON) domain() domain.Disclosure {
	return domain.Disclosure{Name: n.Name, Kind: domain.DisclosureKind(n.Kind), UserID: n.UserID, Details: n.Details}
}

func (h *Handler) addDisclosure(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var in newDisclosureJSON
	if err == nil {
		err = decode(w, r, &in)
	}
	var d domain.Disclosure
	if err == nil {
		d, err = h.app.AddDisclosure(r.Context(), u, id, in.domain())
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, disclosure(d))
}

type importJSON struct {
	Text        string              `json:"text"`
	DefaultKind string              `json:"default_kind"`
	Rows        []newDisclosureJSON `json:"rows"`
}

func (h *Handler) importDisclosures(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var in importJSON
	if err == nil {
		err = decode(w, r, &in)
	}
	var out []domain.Disclosure
	if err == nil {
		imp := app.DisclosureImport{Text: in.Text, DefaultKind: domain.DisclosureKind(in.DefaultKind)}
		if imp.DefaultKind == "" {
			imp.DefaultKind = domain.DisclosureClient
		}
		for _, row := range in.Rows {
			imp.Rows = append(imp.Rows, row.domain())
		}
		out, err = h.app.ImportDisclosures(r.Context(), u, id, imp)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	l := disclosureListJSON{VendorID: id, CanEdit: true, Items: make([]disclosureJSON, 0, len(out))}
	for _, d := range out {
		l.Items = append(l.Items, disclosure(d))
	}
	httpx.WriteJSON(w, http.StatusCreated, l)
}

func (h *Handler) removeDisclosure(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	if err == nil {
		err = h.app.RemoveDisclosure(r.Context(), u, id, r.URL.Query().Get("reason"))
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type newPartyJSON struct {
	Name    string   `json:"name"`
	Role    string   `json:"role"`
	Aliases []string `json:"aliases"`
}

func party(p domain.Party) partyJSON {
	aliases := p.Aliases
	if aliases == nil {
		aliases = []string{}
	}
	return partyJSON{ID: p.ID, Name: p.Name, Role: string(p.Role), Aliases: aliases}
}

func (h *Handler) addParty(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var in newPartyJSON
	if err == nil {
		err = decode(w, r, &in)
	}
	var p domain.Party
	if err == nil {
		p, err = h.app.AddParty(r.Context(), u, id, domain.Party{Name: in.Name, Role: domain.PartyRole(in.Role), Aliases: in.Aliases})
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, party(p))
}

func (h *Handler) removeParty(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	if err == nil {
		err = h.app.RemoveParty(r.Context(), u, id, r.URL.Query().Get("reason"))
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type aliasJSON struct {
	Alias string `json:"alias"`
}

func (h *Handler) addAlias(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var in aliasJSON
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		err = h.app.AddAlias(r.Context(), u, id, in.Alias)
	}
	var p domain.Party
	if err == nil {
		p, err = h.app.Party(r.Context(), u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, party(p))
}

func (h *Handler) removeAlias(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	if err == nil {
		err = h.app.RemoveAlias(r.Context(), u, id, r.URL.Query().Get("alias"))
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type consentJSON struct {
	By       string `json:"by"`
	On       string `json:"on"`
	Evidence string `json:"evidence"`
}

type hitJSON struct {
	ID             int64        `json:"id"`
	MatterID       int64        `json:"matter_id"`
	VendorID       int64        `json:"vendor_id"`
	PartyID        int64        `json:"party_id"`
	PartyName      string       `json:"party_name"`
	PartyLabel     string       `json:"party_label"`
	PartyRole      string       `json:"party_role"`
	DisclosureID   int64        `json:"disclosure_id"`
	DisclosedName  string       `json:"disclosed_name"`
	DisclosureKind string       `json:"disclosure_kind"`
	Score          float64      `json:"score"`
	Reasons        []string     `json:"reasons"`
	Status         string       `json:"status"`
	Resolution     string       `json:"resolution"`
	Consent        *consentJSON `json:"consent"`
	ResolvedBy     *int64       `json:"resolved_by"`
	ResolvedByName string       `json:"resolved_by_name,omitempty"`
	ResolvedAt     *time.Time   `json:"resolved_at"`
	FoundAt        time.Time    `json:"found_at"`
	Current        bool         `json:"current"`
	ObsoleteAt     *time.Time   `json:"obsolete_at"`
}

func hit(x domain.ConflictHit) hitJSON {
	j := hitJSON{ID: x.ID, MatterID: x.MatterID, VendorID: x.VendorID, PartyID: x.PartyID, PartyName: x.PartyName, PartyLabel: x.PartyLabel,
		PartyRole: string(x.PartyRole), DisclosureID: x.DisclosureID, DisclosedName: x.DisclosedName, DisclosureKind: string(x.DisclosureKind),
		Score: x.Score, Reasons: x.Reasons, Status: string(x.Status), Resolution: x.Resolution, ResolvedBy: optID(x.ResolvedBy),
		ResolvedByName: x.ResolvedByName, ResolvedAt: optTime(x.ResolvedAt), FoundAt: x.FoundAt, Current: x.Current(), ObsoleteAt: optTime(x.ObsoleteAt)}
	if j.Reasons == nil {
		j.Reasons = []string{}
	}
	if x.Status == domain.HitWaived {
		j.Consent = &consentJSON{By: x.Consent.By, On: string(x.Consent.On), Evidence: x.Consent.Evidence}
	}
	return j
}

type conflictsJSON struct {
	EngagementID int64      `json:"engagement_id"`
	MatterID     int64      `json:"matter_id"`
	VendorID     int64      `json:"vendor_id"`
	CheckedAt    *time.Time `json:"checked_at"`
	Due          bool       `json:"due"`
	Open         int        `json:"open"`
	Blocked      int        `json:"blocked"`
	Items        []hitJSON  `json:"items"`
	Obsolete     []hitJSON  `json:"obsolete"`
}

func conflictsOf(_ domain.User, v app.ConflictsView) conflictsJSON {
	out := conflictsJSON{EngagementID: v.EngagementID, MatterID: v.MatterID, VendorID: v.VendorID, CheckedAt: optTime(v.CheckedAt), Due: v.Due,
		Open: v.Open, Blocked: v.Blocked, Items: make([]hitJSON, 0, len(v.Hits)), Obsolete: make([]hitJSON, 0, len(v.Obsolete))}
	for _, x := range v.Hits {
		out.Items = append(out.Items, hit(x))
	}
	for _, x := range v.Obsolete {
		out.Obsolete = append(out.Obsolete, hit(x))
	}
	return out
}

func (h *Handler) listConflicts(w http.ResponseWriter, r *http.Request) {
	byID(h.app.EngagementConflicts, conflictsOf)(w, r)
}

func (h *Handler) checkConflicts(w http.ResponseWriter, r *http.Request) {
	byID(h.app.CheckEngagementConflicts, conflictsOf)(w, r)
}

type resolutionJSON struct {
	Status  string       `json:"status"`
	Reason  string       `json:"reason"`
	Consent *consentJSON `json:"consent"`
}

func (h *Handler) resolveHit(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var in resolutionJSON
	if err == nil {
		err = decode(w, r, &in)
	}
	var x domain.ConflictHit
	if err == nil {
		res := domain.Resolution{Status: domain.HitStatus(in.Status), Reason: in.Reason}
		if in.Consent != nil {
			res.Consent = domain.ConsentRecord{By: in.Consent.By, On: domain.Date(in.Consent.On), Evidence: in.Consent.Evidence}
		}
		x, err = h.app.ResolveConflictHit(r.Context(), u, id, res)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, hit(x))
}

type partyMatchJSON struct {
	Query          string   `json:"query"`
	Name           string   `json:"name"`
	Score          float64  `json:"score"`
	Reasons        []string `json:"reasons"`
	MatterID       *int64   `json:"matter_id,omitempty"`
	MatterNumber   string   `json:"matter_number,omitempty"`
	MatterTitle    string   `json:"matter_title,omitempty"`
	PartyName      string   `json:"party_name,omitempty"`
	PartyRole      string   `json:"party_role,omitempty"`
	VendorID       *int64   `json:"vendor_id,omitempty"`
	VendorName     string   `json:"vendor_name,omitempty"`
	DisclosureKind string   `json:"disclosure_kind,omitempty"`
}

type partySearchJSON struct {
	Query string           `json:"query"`
	Names int              `json:"names"`
	Gated int              `json:"gated"`
	Items []partyMatchJSON `json:"items"`
}

func (h *Handler) searchParties(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	res, err := h.app.SearchParties(r.Context(), u, r.URL.Query().Get("q"))
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := partySearchJSON{Query: res.Query, Names: res.Names, Gated: res.Gated, Items: make([]partyMatchJSON, 0, len(res.Matches))}
	for _, m := range res.Matches {
		j := partyMatchJSON{Query: m.Query, Name: m.Name, Score: m.Score, Reasons: m.Reasons, MatterID: optID(m.MatterID), MatterNumber: m.MatterNumber,
			MatterTitle: m.MatterTitle, PartyName: m.PartyLabel, PartyRole: string(m.PartyRole), VendorID: optID(m.VendorID), VendorName: m.VendorName,
			DisclosureKind: string(m.DisclosureKind)}
		if j.Reasons == nil {
			j.Reasons = []string{}
		}
		out.Items = append(out.Items, j)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}
