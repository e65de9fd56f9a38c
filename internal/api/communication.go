package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// The engagement's communication plan, kickoff, team and responsibility
// allocation.

type personJSON struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Role  string `json:"role"`
}

func personOut(p app.PersonRef) personJSON {
	return personJSON{ID: p.ID, Name: p.Name, Email: p.Email, Role: string(p.Role)}
}

type hoursJSON struct {
	TimeZone string `json:"time_zone"`
	Start    string `json:"start"`
	End      string `json:"end"`
}

type planJSON struct {
	FirmContacts   []personJSON            `json:"firm_contacts"`
	VendorContacts []personJSON            `json:"vendor_contacts"`
	Channels       []string                `json:"channels"`
	Cadence        string                  `json:"cadence"`
	FirmHours      hoursJSON               `json:"firm_hours"`
	VendorHours    hoursJSON               `json:"vendor_hours"`
	Escalation     []domain.EscalationStep `json:"escalation"`
	Language       string                  `json:"language"`
	Missing        []string                `json:"missing"`
	OverlapOn      string                  `json:"overlap_on"`
	OverlapMinutes *int                    `json:"overlap_minutes"`
}

type kickoffJSON struct {
	HeldAt            time.Time  `json:"held_at"`
	Attendees         string     `json:"attendees"`
	Notes             string     `json:"notes"`
	RecordedBy        string     `json:"recorded_by"`
	FirmConfirmedBy   string     `json:"firm_confirmed_by,omitempty"`
	FirmConfirmedAt   *time.Time `json:"firm_confirmed_at,omitempty"`
	VendorConfirmedBy string     `json:"vendor_confirmed_by,omitempty"`
	VendorConfirmedAt *time.Time `json:"vendor_confirmed_at,omitempty"`
}

type memberJSON struct {
	personJSON
	MemberRole string `json:"member_role"`
	Vendor     bool   `json:"vendor"`
	Blocked    string `json:"blocked,omitempty"`
}

type responsibilityJSON struct {
	WorkArea       string `json:"work_area"`
	AttorneyID     int64  `json:"attorney_id"`
	AttorneyName   string `json:"attorney_name,omitempty"`
	VendorPersonID int64  `json:"vendor_person_id"`
	VendorName     string `json:"vendor_person_name,omitempty"`
}

type communicationJSON struct {
	EngagementID     int64                `json:"engagement_id"`
	Stage            string               `json:"stage"`
	Side             string               `json:"side"`
	Plan             planJSON             `json:"plan"`
	Kickoff          *kickoffJSON         `json:"kickoff"`
	Members          []memberJSON         `json:"members"`
	Responsibilities []responsibilityJSON `json:"responsibilities"`
	Blocking         string               `json:"blocking,omitempty"`
	Withdrawn        string               `json:"withdrawn,omitempty"`
}

func communicationOut(v app.CommunicationView, withdrawn string) communicationJSON {
	people := func(ids []int64) []personJSON {
		out := []personJSON{}
		for _, id := range ids {
			out = append(out, personOut(v.People[id]))
		}
		return out
	}
	p := v.Plan
	j := communicationJSON{EngagementID: v.Header.ID, Stage: string(v.Header.Stage), Side: string(v.PlanSide), Blocking: v.Blocking, Withdrawn: withdrawn,
		Members: []memberJSON{}, Responsibilities: []responsibilityJSON{}}
	j.Plan = planJSON{FirmContacts: people(p.FirmContacts), VendorContacts: people(p.VendorContacts), Channels: []string{}, Cadence: string(p.Cadence),
		FirmHours: hoursJSON(p.Firm), VendorHours: hoursJSON(p.Vendor), Escalation: p.Escalation, Language: p.Language, Missing: v.Missing, OverlapOn: string(v.OverlapOn)}
	if j.Plan.Escalation == nil {
		j.Plan.Escalation = []domain.EscalationStep{}
	}
	if j.Plan.Missing == nil {
		j.Plan.Missing = []string{}
	}
	for _, c := range p.Channels {
		j.Plan.Channels = append(j.Plan.Channels, string(c))
	}
	if v.OverlapKnown {
		m := int(v.Overlap.Minutes())
		j.Plan.OverlapMinutes = &m
	}
	if k := v.Kickoff; k.Recorded() {
		j.Kickoff = &kickoffJSON{HeldAt: k.HeldAt, Attendees: k.Attendees, Notes: k.Notes, RecordedBy: k.RecordedByName, FirmConfirmedBy: k.FirmConfirmedName,
			FirmConfirmedAt: optTime(k.FirmConfirmedAt), VendorConfirmedBy: k.VendorConfirmedName, VendorConfirmedAt: optTime(k.VendorConfirmedAt)}
	}
	for _, m := range v.Team {
		j.Members = append(j.Members, memberJSON{personJSON: personOut(m.PersonRef), MemberRole: m.MemberRole, Vendor: m.Vendor, Blocked: m.Blocked})
	}
	for _, r := range v.Allocation {
		j.Responsibilities = append(j.Responsibilities, responsibilityJSON{WorkArea: r.WorkArea, AttorneyID: r.AttorneyID, AttorneyName: r.AttorneyName,
			VendorPersonID: r.VendorPersonID, VendorName: r.VendorName})
	}
	return j
}

// communicationCall runs a use case on the engagement in the path and
// answers with the communication view.
func (h *Handler) communicationCall(w http.ResponseWriter, r *http.Request, in any, call func(u domain.User, id int64) (string, error)) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var withdrawn string
	if err == nil && in != nil {
		err = decode(w, r, in)
	}
	if err == nil {
		withdrawn, err = call(u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	v, err := h.app.CommunicationOf(r.Context(), u, id)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, communicationOut(v, withdrawn))
}

func (h *Handler) getCommunication(w http.ResponseWriter, r *http.Request) {
	h.communicationCall(w, r, nil, func(domain.User, int64) (string, error) { return "", nil })
}

func (h *Handler) putCommunication(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Contacts   []int64                 `json:"contacts"`
		Hours      hoursJSON               `json:"hours"`
		Channels   []string                `json:"channels"`
		Cadence    string                  `json:"cadence"`
		Escalation []domain.EscalationStep `json:"escalation"`
		Language   string                  `json:"language"`
	}
	h.communicationCall(w, r, &in, func(u domain.User, id int64) (string, error) {
		return h.app.UpdateCommunicationPlan(r.Context(), u, id, app.PlanInput{Contacts: in.Contacts, Hours: domain.WorkingHours(in.Hours),
			Channels: in.Channels, Cadence: in.Cadence, Escalation: in.Escalation, Language: in.Language})
	})
}

func (h *Handler) recordKickoff(w http.ResponseWriter, r *http.Request) {
	var in struct {
		HeldAt    string `json:"held_at"`
		Attendees string `json:"attendees"`
		Notes     string `json:"notes"`
	}
	h.communicationCall(w, r, &in, func(u domain.User, id int64) (string, error) {
		at, err := time.Parse(time.RFC3339, in.HeldAt)
		if err != nil {
			if _, verr := h.app.CommunicationOf(r.Context(), u, id); verr != nil {
				return "", verr // out of scope answers not found, whatever the input
			}
			return "", domain.Invalid("held_at", "give the time the kickoff was held as RFC 3339, e.g. 2026-03-16T14:00:00Z")
		}
		return h.app.RecordKickoff(r.Context(), u, id, app.KickoffInput{HeldAt: at, Attendees: in.Attendees, Notes: in.Notes})
	})
}

func (h *Handler) confirmKickoff(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Confirm bool `json:"confirm"`
	}
	h.communicationCall(w, r, &in, func(u domain.User, id int64) (string, error) {
		if !in.Confirm {
			if _, err := h.app.CommunicationOf(r.Context(), u, id); err != nil {
				return "", err // out of scope answers not found, whatever the input
			}
			return "", domain.Invalid("confirm", `send {"confirm": true} to confirm that the kickoff took place as recorded`)
		}
		_, err := h.app.ConfirmKickoff(r.Context(), u, id)
		return "", err
	})
}

func (h *Handler) listMembers(w http.ResponseWriter, r *http.Request) {
	h.getCommunication(w, r)
}

func (h *Handler) addMember(w http.ResponseWriter, r *http.Request) {
	var in struct {
		UserID int64  `json:"user_id"`
		Role   string `json:"role"`
	}
	h.communicationCall(w, r, &in, func(u domain.User, id int64) (string, error) {
		return "", h.app.AddTeamMember(r.Context(), u, id, in.UserID, in.Role)
	})
}

func (h *Handler) removeMember(w http.ResponseWriter, r *http.Request) {
	h.communicationCall(w, r, nil, func(u domain.User, id int64) (string, error) {
		uid, err := strconv.ParseInt(r.URL.Query().Get("user_id"), 10, 64)
		if err != nil || uid <= 0 {
			if _, verr := h.app.CommunicationOf(r.Context(), u, id); verr != nil {
				return "", verr // out of scope answers not found, whatever the input
			}
			return "", domain.Invalid("user", "user_id is the id of the member to take off the team")
		}
		var newLead int64
		if s := r.URL.Query().Get("new_lead"); s != "" {
			if newLead, err = strconv.ParseInt(s, 10, 64); err != nil || newLead <= 0 {
				return "", domain.Invalid("new_lead", "new_lead is the id of the member who will lead the vendor's team")
			}
		}
		return "", h.app.RemoveTeamMember(r.Context(), u, id, uid, newLead)
	})
}

func (h *Handler) putResponsibilities(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Rows []responsibilityJSON `json:"rows"`
	}
	h.communicationCall(w, r, &in, func(u domain.User, id int64) (string, error) {
		rows := make([]domain.Responsibility, len(in.Rows))
		for i, x := range in.Rows {
			rows[i] = domain.Responsibility{WorkArea: x.WorkArea, AttorneyID: x.AttorneyID, VendorPersonID: x.VendorPersonID}
		}
		return "", h.app.SetResponsibilities(r.Context(), u, id, rows)
	})
}
