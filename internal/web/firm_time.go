package web

import (
	"net/http"
	"strconv"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// The firm's own time at /time (a billing tab): one's entries this month
// (firm administrators: anyone's), a matter filter, and the form to record
// time. Every form calls the use cases of internal/app/firm_time.go.

type firmTimePage struct {
	app.FirmTimeView
	Purposes   []domain.TimePurpose
	Tasks      []domain.UTBMSCode
	Activities []domain.UTBMSCode
	Form       app.FirmTimeInput
	EditID     int64
	Saved      string
	Error      string
	Field      string
}

func int64Param(r *http.Request, name string) int64 {
	v, _ := strconv.ParseInt(r.FormValue(name), 10, 64)
	return v
}

func (h *Handler) firmTime(w http.ResponseWriter, r *http.Request) {
	p := firmTimePage{Form: app.FirmTimeInput{Purpose: string(domain.PurposeMatter), MatterID: int64Param(r, "matter")}}
	if id := int64Param(r, "edit"); id != 0 {
		p.EditID = id
	}
	h.renderFirmTime(w, r, http.StatusOK, nil, p)
}

func (h *Handler) renderFirmTime(w http.ResponseWriter, r *http.Request, status int, err error, p firmTimePage) {
	u, _ := httpx.User(r)
	q := r.URL.Query()
	v, verr := h.app.FirmTime(r.Context(), u, app.FirmTimeQuery{UserID: int64Param(r, "person"), MatterID: int64Param(r, "matter"), From: q.Get("from"), To: q.Get("to")})
	if verr != nil {
		h.Error(w, r, verr)
		return
	}
	p.FirmTimeView = v
	p.Purposes = []domain.TimePurpose{domain.PurposeMatter, domain.PurposeSupervision, domain.PurposeRework}
	p.Tasks, p.Activities = domain.TaskCodes(), domain.ActivityCodes()
	p.Saved = q.Get("saved")
	if p.EditID != 0 && err == nil {
		for _, e := range v.Entries {
			if e.ID == p.EditID && !e.Billed() {
				p.Form = app.FirmTimeInput{MatterID: e.MatterID, EngagementID: e.EngagementID, Date: string(e.WorkedOn), Hours: e.Hours.String(),
					Purpose: string(e.Purpose), TaskCode: e.TaskCode, ActivityCode: e.ActivityCode, Narrative: e.Narrative}
			}
		}
	}
	if p.Form.Date == "" {
		p.Form.Date = string(v.Today)
	}
	if err != nil {
		p.Error, p.Field = domain.ErrorMessage(err), domain.ErrorField(err)
	}
	h.renderStatus(w, r, status, "firm-time", "Our time", p)
}

func firmTimeForm(r *http.Request) app.FirmTimeInput {
	f := r.PostFormValue
	return app.FirmTimeInput{MatterID: int64Param(r, "matter_id"), EngagementID: int64Param(r, "engagement_id"), Date: f("date"), Hours: f("hours"),
		Purpose: f("purpose"), TaskCode: f("task_code"), ActivityCode: f("activity_code"), Narrative: f("narrative")}
}

// recordFirmTime records the signed-in user's time, or corrects an entry
// (id given).
func (h *Handler) recordFirmTime(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	in := firmTimeForm(r)
	id := int64Param(r, "id")
	var err error
	if id != 0 {
		_, err = h.app.EditFirmTime(r.Context(), u, id, in)
	} else {
		_, err = h.app.RecordFirmTimeEntry(r.Context(), u, in)
	}
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/time?saved=recorded", http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict:
		h.renderFirmTime(w, r, httpx.Status(domain.ErrorCode(err)), err, firmTimePage{Form: in, EditID: id})
	default:
		h.Error(w, r, err)
	}
}

// deleteFirmTime removes an unbilled entry.
func (h *Handler) deleteFirmTime(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	err := h.app.DeleteFirmTime(r.Context(), u, id)
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/time?saved=deleted", http.StatusSeeOther)
	case domain.EConflict:
		h.renderFirmTime(w, r, http.StatusConflict, err, firmTimePage{Form: app.FirmTimeInput{Purpose: string(domain.PurposeMatter)}})
	default:
		h.Error(w, r, err)
	}
}
