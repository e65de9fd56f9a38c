package api

import (
	"net/http"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// The engagement's briefing: versions, the draft (firm only) and the
// vendor members' acknowledgements.

type sectionsJSON struct {
	JurisdictionRules string `json:"jurisdiction_rules"`
	LocalRules        string `json:"local_rules"`
	ClientGuidelines  string `json:"client_guidelines"`
	Formatting        string `json:"formatting"`
	PrivilegeHandling string `json:"privilege_handling"`
	StrategyFit       string `json:"strategy_fit"`
	Confidentiality   string `json:"confidentiality"`
}

type briefingJSON struct {
	Version     int          `json:"version"`
	Sections    sectionsJSON `json:"sections"`
	Published   bool         `json:"published"`
	SHA256      string       `json:"sha256,omitempty"`
	PublishedBy string       `json:"published_by,omitempty"`
	PublishedAt *time.Time   `json:"published_at,omitempty"`
}

func briefingOut(b domain.Briefing) *briefingJSON {
	if b.Version == 0 {
		return nil
	}
	return &briefingJSON{Version: b.Version, Sections: sectionsJSON(b.Sections), Published: b.Published(), SHA256: b.SHA256,
		PublishedBy: b.PublishedByName, PublishedAt: optTime(b.PublishedAt)}
}

type ackJSON struct {
	Version        int       `json:"version"`
	UserID         int64     `json:"user_id"`
	Name           string    `json:"name"`
	TypedName      string    `json:"typed_name"`
	SHA256         string    `json:"sha256"`
	AcknowledgedAt time.Time `json:"acknowledged_at"`
}

func ackOut(a domain.Acknowledgement) ackJSON {
	return ackJSON{Version: a.Version, UserID: a.UserID, Name: a.UserName, TypedName: a.TypedName, SHA256: a.SHA256, AcknowledgedAt: a.AcknowledgedAt}
}

type memberAckJSON struct {
	personJSON
	MemberRole   string   `json:"member_role"`
	Acknowledged bool     `json:"acknowledged"`
	Ack          *ackJSON `json:"acknowledgement,omitempty"`
}

type briefingViewJSON struct {
	EngagementID int64           `json:"engagement_id"`
	Stage        string          `json:"stage"`
	Current      *briefingJSON   `json:"current"`
	Draft        *briefingJSON   `json:"draft,omitempty"`
	Versions     []briefingJSON  `json:"versions"`
	Members      []memberAckJSON `json:"members"`
	History      []ackJSON       `json:"acknowledgements"`
	Blocking     string          `json:"blocking,omitempty"`
}

func (h *Handler) writeBriefing(w http.ResponseWriter, r *http.Request, id int64) {
	u, _ := httpx.User(r)
	v, err := h.app.BriefingOf(r.Context(), u, id)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	j := briefingViewJSON{EngagementID: id, Stage: string(v.Header.Stage), Current: briefingOut(v.Current), Versions: []briefingJSON{},
		Members: []memberAckJSON{}, History: []ackJSON{}, Blocking: v.Blocking}
	if v.Firm {
		j.Draft = briefingOut(v.Draft)
	}
	for _, b := range v.Versions {
		j.Versions = append(j.Versions, *briefingOut(b))
	}
	for _, m := range v.Acks {
		x := memberAckJSON{personJSON: personOut(m.PersonRef), MemberRole: m.MemberRole, Acknowledged: m.Ack != nil}
		if m.Ack != nil {
			a := ackOut(*m.Ack)
			x.Ack = &a
		}
		j.Members = append(j.Members, x)
	}
	for _, a := range v.History {
		j.History = append(j.History, ackOut(a))
	}
	httpx.WriteJSON(w, http.StatusOK, j)
}

// briefingCall runs a briefing use case and answers with the briefing.
func (h *Handler) briefingCall(w http.ResponseWriter, r *http.Request, in any, call func(u domain.User, id int64) error) {
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
	h.writeBriefing(w, r, id)
}

func (h *Handler) getBriefing(w http.ResponseWriter, r *http.Request) {
	h.briefingCall(w, r, nil, func(domain.User, int64) error { return nil })
}

func (h *Handler) putBriefing(w http.ResponseWriter, r *http.Request) {
	var in sectionsJSON
	h.briefingCall(w, r, &in, func(u domain.User, id int64) error {
		_, err := h.app.SaveBriefingDraft(r.Context(), u, id, domain.BriefingSections(in))
		return err
	})
}

func (h *Handler) publishBriefing(w http.ResponseWriter, r *http.Request) {
	h.briefingCall(w, r, nil, func(u domain.User, id int64) error {
		_, err := h.app.PublishBriefing(r.Context(), u, id)
		return err
	})
}

func (h *Handler) acknowledgeBriefing(w http.ResponseWriter, r *http.Request) {
	var in struct {
		TypedName string `json:"typed_name"`
	}
	h.briefingCall(w, r, &in, func(u domain.User, id int64) error {
		_, err := h.app.AcknowledgeBriefing(r.Context(), u, id, in.TypedName)
		return err
	})
}
