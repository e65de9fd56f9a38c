package api

import (
	"net/http"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// Rates: the firm's timekeepers with their LEDES ids, classifications and
// dated rates (firm administrators), and each engagement's vendor rate
// card (read by firm users and the vendor's managers; added to by the
// supervising attorney or a firm administrator). Amounts are written as
// decimal strings in the currency ("950.00") and read back as money
// objects (minor units, currency, decimal).

type rateJSON struct {
	ID      int64     `json:"id"`
	From    string    `json:"from"`
	Rate    moneyJSON `json:"rate"`
	SetBy   string    `json:"set_by"`
	SetAt   time.Time `json:"set_at"`
	InForce bool      `json:"in_force"`
}

type timekeeperJSON struct {
	UserID         int64      `json:"user_id"`
	Name           string     `json:"name"`
	Email          string     `json:"email"`
	LEDESID        string     `json:"ledes_id"`
	Classification string     `json:"classification"`
	Rates          []rateJSON `json:"rates"` // newest first
}

func timekeeperOut(t domain.Timekeeper, today domain.Date) timekeeperJSON {
	out := timekeeperJSON{UserID: t.UserID, Name: t.Name, Email: t.Email, LEDESID: t.LEDESID, Classification: string(t.Classification), Rates: []rateJSON{}}
	cur, _ := t.RateOn(today)
	for _, r := range t.Rates {
		out.Rates = append(out.Rates, rateJSON{ID: r.ID, From: string(r.Effective), Rate: money(r.Amount), SetBy: r.SetByName, SetAt: r.SetAt, InForce: r.ID == cur.ID})
	}
	return out
}

// timekeeperIn is the body of PUT /timekeepers/{id}.
type timekeeperIn struct {
	LEDESID        string `json:"ledes_id"`
	Classification string `json:"classification"`
	Rate           string `json:"rate"`
	Currency       string `json:"currency"`
	From           string `json:"from"`
}

func (h *Handler) listTimekeepers(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	list, err := h.app.Timekeepers(r.Context(), u)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	today := domain.DateOf(h.app.Now())
	out := struct {
		Timekeepers []timekeeperJSON `json:"timekeepers"`
	}{Timekeepers: []timekeeperJSON{}}
	for _, t := range list {
		out.Timekeepers = append(out.Timekeepers, timekeeperOut(t, today))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) getTimekeeper(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var t domain.Timekeeper
	if err == nil {
		t, err = h.app.Timekeeper(r.Context(), u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, timekeeperOut(t, domain.DateOf(h.app.Now())))
}

func (h *Handler) putTimekeeper(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var in timekeeperIn
	if err == nil {
		err = decode(w, r, &in)
	}
	var t domain.Timekeeper
	if err == nil {
		t, err = h.app.SetTimekeeper(r.Context(), u, app.TimekeeperInput{UserID: id, LEDESID: in.LEDESID, Classification: in.Classification,
			Rate: in.Rate, Currency: in.Currency, From: in.From})
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, timekeeperOut(t, domain.DateOf(h.app.Now())))
}

type rateCardLineJSON struct {
	ID             int64     `json:"id"`
	Kind           string    `json:"kind"`
	Classification string    `json:"classification,omitempty"`
	WorkItemID     int64     `json:"work_item_id,omitempty"`
	WorkItem       string    `json:"work_item,omitempty"`
	Unit           string    `json:"unit,omitempty"`
	Description    string    `json:"description,omitempty"`
	Amount         moneyJSON `json:"amount"`
	From           string    `json:"from"`
	SetBy          string    `json:"set_by"`
	SetAt          time.Time `json:"set_at"`
}

func rateCardLineOut(l domain.RateCardLine) rateCardLineJSON {
	return rateCardLineJSON{ID: l.ID, Kind: string(l.Kind), Classification: string(l.Classification), WorkItemID: l.WorkItemID, WorkItem: l.WorkItemTitle,
		Unit: l.Unit, Description: l.Description, Amount: money(l.Amount), From: string(l.Effective), SetBy: l.SetByName, SetAt: l.SetAt}
}

// rateCardLineIn is the body of POST /engagements/{id}/rate-card.
type rateCardLineIn struct {
	Kind           string `json:"kind"`
	Classification string `json:"classification"`
	WorkItemID     int64  `json:"work_item_id"`
	Unit           string `json:"unit"`
	Description    string `json:"description"`
	Amount         string `json:"amount"`
	Currency       string `json:"currency"`
	From           string `json:"from"`
}

func (h *Handler) getRateCard(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var v app.RateCardView
	if err == nil {
		v, err = h.app.RateCardOf(r.Context(), u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := struct {
		Currency string             `json:"currency"`
		Today    string             `json:"today"`
		Current  []rateCardLineJSON `json:"current"`
		Lines    []rateCardLineJSON `json:"lines"`
		CanSet   bool               `json:"can_set"`
		Closed   string             `json:"closed,omitempty"`
	}{Currency: string(v.Currency), Today: string(v.Today), Current: []rateCardLineJSON{}, Lines: []rateCardLineJSON{}, CanSet: v.CanSet, Closed: v.Closed}
	for _, l := range v.Current {
		out.Current = append(out.Current, rateCardLineOut(l))
	}
	for _, l := range v.Lines {
		out.Lines = append(out.Lines, rateCardLineOut(l))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) addRateCardLine(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var in rateCardLineIn
	if err == nil {
		err = decode(w, r, &in)
	}
	var l domain.RateCardLine
	if err == nil {
		l, err = h.app.AddRateCardLine(r.Context(), u, id, app.RateCardLineInput{Kind: in.Kind, Classification: in.Classification, WorkItemID: in.WorkItemID,
			Unit: in.Unit, Description: in.Description, Amount: in.Amount, Currency: in.Currency, From: in.From})
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, rateCardLineOut(l))
}
