package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// The engagement's Communication tab: the communication plan with the
// working-hour overlap, the kickoff and both sides' confirmations, the
// team and the responsibility allocation. Every form calls the same use
// cases as the API; a refusal shows the page again with the error next to
// the field.

// communicationPage is the page's view.
type communicationPage struct {
	app.CommunicationView
	Error     string
	Field     string
	Withdrawn bool // a confirmation was withdrawn by the last change
	Channels  []domain.Channel
	Cadences  []domain.Cadence
	Roles     []string
	// MyHours are the viewer's side's working hours (the form's values).
	MyHours domain.WorkingHours
	// EscalationText is the escalation path, one "who | hours" a line.
	EscalationText string
}

// IsContact reports whether a user is one of the viewer's side's contacts.
func (p communicationPage) IsContact(id int64) bool {
	for _, c := range append(append([]int64{}, p.Plan.FirmContacts...), p.Plan.VendorContacts...) {
		if c == id {
			return true
		}
	}
	return false
}

func (h *Handler) communication(w http.ResponseWriter, r *http.Request) {
	h.renderCommunication(w, r, http.StatusOK, nil)
}

// renderCommunication shows the page, with err (a refused action) if any.
func (h *Handler) renderCommunication(w http.ResponseWriter, r *http.Request, status int, err error) {
	u, _ := httpx.User(r)
	id, perr := pathID(r, "id")
	if perr != nil {
		h.Error(w, r, perr)
		return
	}
	v, verr := h.app.CommunicationOf(r.Context(), u, id)
	if verr != nil {
		h.Error(w, r, verr)
		return
	}
	p := communicationPage{CommunicationView: v, Channels: domain.Channels, Cadences: domain.Cadences, Roles: domain.VendorMemberRoles,
		Withdrawn: r.URL.Query().Get("notice") == "withdrawn"}
	if err != nil {
		p.Error, p.Field = domain.ErrorMessage(err), domain.ErrorField(err)
	}
	p.MyHours = v.Plan.Firm
	if v.PlanSide == app.PlanSideVendor {
		p.MyHours = v.Plan.Vendor
	}
	var lines []string
	for _, s := range v.Plan.Escalation {
		lines = append(lines, s.Who+" | "+strconv.Itoa(s.ResponseHours))
	}
	p.EscalationText = strings.Join(lines, "\n")
	h.renderStatus(w, r, status, "engagement-communication", "Communication: "+v.Header.MatterNumber, p)
}

// communicationAction runs a use case from a form: on success it shows the
// page again after a redirect (anchor, notice), on a refusal with the error.
func (h *Handler) communicationAction(w http.ResponseWriter, r *http.Request, anchor string, call func(u domain.User, id int64) (string, error)) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var notice string
	if err == nil {
		notice, err = call(u, id)
	}
	switch domain.ErrorCode(err) {
	case "":
		to := "/engagements/" + strconv.FormatInt(id, 10) + "/communication"
		if notice != "" {
			to += "?notice=withdrawn"
		}
		http.Redirect(w, r, to+"#"+anchor, http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict, domain.EGateClosed:
		h.renderCommunication(w, r, httpx.Status(domain.ErrorCode(err)), err)
	default:
		h.Error(w, r, err)
	}
}

// formIDs reads a multi-valued form field of ids, ignoring blanks.
func formIDs(r *http.Request, name string) ([]int64, error) {
	if err := r.ParseForm(); err != nil {
		return nil, domain.Invalid(name, "the form could not be read")
	}
	var out []int64
	for _, s := range r.PostForm[name] {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return nil, domain.Invalid(name, "choose people from the list")
		}
		out = append(out, id)
	}
	return out, nil
}

// parseEscalation reads "who | hours" lines.
func parseEscalation(text string) ([]domain.EscalationStep, error) {
	var out []domain.EscalationStep
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		who, hours, ok := strings.Cut(line, "|")
		n, err := strconv.Atoi(strings.TrimSpace(hours))
		if !ok || err != nil {
			return nil, domain.Invalid("escalation", "line %d: write “who | response time in hours”, e.g. “Maria Santos (vendor lead) | 4”", i+1)
		}
		out = append(out, domain.EscalationStep{Who: strings.TrimSpace(who), ResponseHours: n})
	}
	return out, nil
}

func (h *Handler) saveCommunication(w http.ResponseWriter, r *http.Request) {
	h.communicationAction(w, r, "plan", func(u domain.User, id int64) (string, error) {
		contacts, err := formIDs(r, "contacts")
		if err != nil {
			return "", err
		}
		esc, err := parseEscalation(r.PostFormValue("escalation"))
		if err != nil {
			return "", err
		}
		in := app.PlanInput{Contacts: contacts, Channels: r.PostForm["channels"], Cadence: r.PostFormValue("cadence"), Escalation: esc,
			Language: r.PostFormValue("language"),
			Hours:    domain.WorkingHours{TimeZone: r.PostFormValue("time_zone"), Start: r.PostFormValue("hours_start"), End: r.PostFormValue("hours_end")}}
		return h.app.UpdateCommunicationPlan(r.Context(), u, id, in)
	})
}

func (h *Handler) recordKickoff(w http.ResponseWriter, r *http.Request) {
	h.communicationAction(w, r, "kickoff", func(u domain.User, id int64) (string, error) {
		loc, err := time.LoadLocation(u.TimeZone)
		if err != nil {
			loc = time.UTC
		}
		at, err := time.ParseInLocation("2006-01-02T15:04", r.PostFormValue("held_at"), loc)
		if err != nil {
			if _, verr := h.app.CommunicationOf(r.Context(), u, id); verr != nil {
				return "", verr
			}
			return "", domain.Invalid("held_at", "give the date and time the kickoff was held")
		}
		return h.app.RecordKickoff(r.Context(), u, id, app.KickoffInput{HeldAt: at, Attendees: r.PostFormValue("attendees"), Notes: r.PostFormValue("notes")})
	})
}

func (h *Handler) confirmKickoff(w http.ResponseWriter, r *http.Request) {
	h.communicationAction(w, r, "kickoff", func(u domain.User, id int64) (string, error) {
		if r.PostFormValue("confirm") != "yes" {
			if _, err := h.app.CommunicationOf(r.Context(), u, id); err != nil {
				return "", err // out of scope answers not found, whatever the input
			}
			return "", domain.Invalid("confirm", "tick the box to confirm that the kickoff took place as recorded")
		}
		_, err := h.app.ConfirmKickoff(r.Context(), u, id)
		return "", err
	})
}

func (h *Handler) addMember(w http.ResponseWriter, r *http.Request) {
	h.communicationAction(w, r, "team", func(u domain.User, id int64) (string, error) {
		uid := formID(r, "user_id")
		return "", h.app.AddTeamMember(r.Context(), u, id, uid, r.PostFormValue("role"))
	})
}

func (h *Handler) removeMember(w http.ResponseWriter, r *http.Request) {
	h.communicationAction(w, r, "team", func(u domain.User, id int64) (string, error) {
		return "", h.app.RemoveTeamMember(r.Context(), u, id, formID(r, "user_id"), formID(r, "new_lead"))
	})
}

func (h *Handler) saveResponsibilities(w http.ResponseWriter, r *http.Request) {
	h.communicationAction(w, r, "allocation", func(u domain.User, id int64) (string, error) {
		if err := r.ParseForm(); err != nil {
			return "", domain.Invalid("work_area", "the form could not be read")
		}
		areas, atts, vps := r.PostForm["work_area"], r.PostForm["attorney_id"], r.PostForm["vendor_person_id"]
		var rows []domain.Responsibility
		for i, a := range areas {
			if strings.TrimSpace(a) == "" {
				continue
			}
			var at, vp int64
			if i < len(atts) {
				at, _ = strconv.ParseInt(atts[i], 10, 64)
			}
			if i < len(vps) {
				vp, _ = strconv.ParseInt(vps[i], 10, 64)
			}
			rows = append(rows, domain.Responsibility{WorkArea: a, AttorneyID: at, VendorPersonID: vp})
		}
		return "", h.app.SetResponsibilities(r.Context(), u, id, rows)
	})
}
