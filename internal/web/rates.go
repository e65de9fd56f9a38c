package web

import (
	"net/http"
	"strconv"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// Rates: the firm's timekeepers at /admin/timekeepers (LEDES id,
// classification, the rate in force and its history, forms to set them)
// and the rate card section of the engagement's Statement of work tab.
// Every form calls the same use cases as the API and the CLI
// (internal/app/rates.go); nothing is decided here.

// timekeepersPage is what timekeepers.html shows.
type timekeepersPage struct {
	Timekeepers     []timekeeperRow
	People          []domain.User
	Classifications []domain.Classification
	Today           domain.Date
	Saved           bool
	Error           string
	Field           string
	Form            app.TimekeeperInput
}

// timekeeperRow is a timekeeper with the rate in force today.
type timekeeperRow struct {
	domain.Timekeeper
	Current *domain.Rate
}

func (h *Handler) timekeepers(w http.ResponseWriter, r *http.Request) {
	h.renderTimekeepers(w, r, http.StatusOK, nil, app.TimekeeperInput{})
}

func (h *Handler) renderTimekeepers(w http.ResponseWriter, r *http.Request, status int, err error, form app.TimekeeperInput) {
	u, _ := httpx.User(r)
	list, lerr := h.app.Timekeepers(r.Context(), u)
	if lerr != nil {
		h.Error(w, r, lerr)
		return
	}
	people, perr := h.app.TimekeeperCandidates(r.Context(), u)
	if perr != nil {
		h.Error(w, r, perr)
		return
	}
	today := domain.DateOf(h.app.Now())
	p := timekeepersPage{People: people, Classifications: domain.Classifications, Today: today, Saved: r.URL.Query().Get("saved") == "1", Form: form}
	for _, t := range list {
		row := timekeeperRow{Timekeeper: t}
		if rate, err := t.RateOn(today); err == nil {
			row.Current = &rate
		}
		p.Timekeepers = append(p.Timekeepers, row)
	}
	if err != nil {
		p.Error, p.Field, p.Saved = domain.ErrorMessage(err), domain.ErrorField(err), false
	}
	h.renderStatus(w, r, status, "timekeepers", "Timekeepers and rates", p)
}

// setTimekeeper saves the timekeeper form (LEDES id, classification and,
// optionally, a dated rate).
func (h *Handler) setTimekeeper(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	f := r.PostFormValue
	uid, _ := strconv.ParseInt(f("user_id"), 10, 64)
	in := app.TimekeeperInput{UserID: uid, LEDESID: f("ledes_id"), Classification: f("classification"), Rate: f("rate"), Currency: f("currency"), From: f("from")}
	_, err := h.app.SetTimekeeper(r.Context(), u, in)
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/admin/timekeepers?saved=1", http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict:
		h.renderTimekeepers(w, r, httpx.Status(domain.ErrorCode(err)), err, in)
	default:
		h.Error(w, r, err)
	}
}

// addRateCardLine adds a line to the engagement's rate card from the
// Statement of work tab.
func (h *Handler) addRateCardLine(w http.ResponseWriter, r *http.Request) {
	f := r.PostFormValue
	item, _ := strconv.ParseInt(f("work_item_id"), 10, 64)
	in := app.RateCardLineInput{Kind: f("kind"), Classification: f("classification"), WorkItemID: item, Unit: f("unit"), Description: f("description"),
		Amount: f("amount"), Currency: f("currency"), From: f("from")}
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err == nil {
		_, err = h.app.AddRateCardLine(r.Context(), u, id, in)
	}
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/engagements/"+strconv.FormatInt(id, 10)+"/sow#rate-card", http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict, domain.EGateClosed:
		h.renderSOWRates(w, r, httpx.Status(domain.ErrorCode(err)), err, in)
	default:
		h.Error(w, r, err)
	}
}
