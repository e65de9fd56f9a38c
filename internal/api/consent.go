package api

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// The outsourcing disclosure of an engagement and the client's consent.

type clientDisclosureJSON struct {
	ID          int64      `json:"id"`
	Version     int        `json:"version"`
	Body        string     `json:"body"`
	Issued      bool       `json:"issued"`
	SHA256      string     `json:"sha256,omitempty"`
	IssuedBy    string     `json:"issued_by,omitempty"`
	IssuedAt    *time.Time `json:"issued_at,omitempty"`
	VendorID    int64      `json:"vendor_id"`
	BillingMode string     `json:"billing_mode"`
}

func clientDisclosureOut(d domain.ClientDisclosure) *clientDisclosureJSON {
	if d.Body == "" {
		return nil
	}
	j := &clientDisclosureJSON{ID: d.ID, Version: d.Version, Body: d.Body, Issued: d.Issued(), SHA256: d.SHA256, IssuedBy: d.IssuedByName,
		VendorID: d.VendorID, BillingMode: string(d.BillingMode)}
	if d.Issued() {
		at := d.IssuedAt
		j.IssuedAt = &at
	}
	return j
}

type clientConsentJSON struct {
	State            string     `json:"state"` // none, pending, given, declined, revoked, stale
	Label            string     `json:"label"`
	Version          int        `json:"version,omitempty"`
	DisclosureSHA256 string     `json:"disclosure_sha256,omitempty"`
	ClientName       string     `json:"client_name,omitempty"`
	RecordedBy       string     `json:"recorded_by,omitempty"`
	Evidence         string     `json:"evidence,omitempty"`
	TypedName        string     `json:"typed_name,omitempty"`
	Address          string     `json:"address,omitempty"`
	AnsweredAt       *time.Time `json:"answered_at,omitempty"`
	RevokedAt        *time.Time `json:"revoked_at,omitempty"`
	StaleReason      string     `json:"stale_reason,omitempty"`
	// EvidenceURL downloads the attached evidence of an answer recorded
	// outside Probity; EvidenceFile is its name.
	EvidenceURL  string `json:"evidence_url,omitempty"`
	EvidenceFile string `json:"evidence_file,omitempty"`
}

func clientConsentOut(c domain.Consent) clientConsentJSON {
	state := string(c.State)
	if state == "" {
		state = "none"
	}
	j := clientConsentJSON{State: state, Label: c.State.Label(), Version: c.Version, DisclosureSHA256: c.DisclosureSHA256, ClientName: c.ClientName,
		RecordedBy: c.RecordedByName, Evidence: c.Evidence, TypedName: c.TypedName, Address: c.Address, StaleReason: c.StaleReason}
	if c.EvidenceDocumentID != 0 {
		j.EvidenceURL = fmt.Sprintf("%s/engagements/%d/consents/%d/evidence", Prefix, c.EngagementID, c.ID)
		j.EvidenceFile = c.EvidenceFilename
	}
	if !c.AnsweredAt.IsZero() {
		at := c.AnsweredAt
		j.AnsweredAt = &at
	}
	if !c.RevokedAt.IsZero() {
		at := c.RevokedAt
		j.RevokedAt = &at
	}
	return j
}

type consentViewJSON struct {
	EngagementID    int64                 `json:"engagement_id"`
	ConsentRequired bool                  `json:"consent_required"`
	Consent         clientConsentJSON     `json:"consent"`
	Issued          *clientDisclosureJSON `json:"issued,omitempty"`
	Draft           *clientDisclosureJSON `json:"draft,omitempty"`
}

// writeConsent answers with the engagement's disclosure and consent as the
// actor sees them.
func (h *Handler) writeConsent(w http.ResponseWriter, r *http.Request, status int, id int64) {
	u, _ := httpx.User(r)
	v, err := h.app.ConsentOf(r.Context(), u, id)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, status, consentViewJSON{EngagementID: id, ConsentRequired: v.Required, Consent: clientConsentOut(v.Consent),
		Issued: clientDisclosureOut(v.Issued), Draft: clientDisclosureOut(v.Draft)})
}

func (h *Handler) getDisclosure(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	h.writeConsent(w, r, http.StatusOK, id)
}

// consentCall runs a consent use case on the engagement in the path and
// answers with the result.
func (h *Handler) consentCall(w http.ResponseWriter, r *http.Request, in any, call func(u domain.User, id int64) error) {
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
	h.writeConsent(w, r, http.StatusOK, id)
}

func (h *Handler) putDisclosure(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Body string `json:"body"`
	}
	h.consentCall(w, r, &in, func(u domain.User, id int64) error {
		_, err := h.app.SaveDisclosureDraft(r.Context(), u, id, in.Body)
		return err
	})
}

func (h *Handler) issueDisclosure(w http.ResponseWriter, r *http.Request) {
	h.consentCall(w, r, nil, func(u domain.User, id int64) error {
		_, err := h.app.IssueDisclosure(r.Context(), u, id)
		return err
	})
}

func (h *Handler) giveConsent(w http.ResponseWriter, r *http.Request) {
	var in struct {
		TypedName string `json:"typed_name"`
	}
	h.consentCall(w, r, &in, func(u domain.User, id int64) error {
		_, err := h.app.AnswerConsent(r.Context(), u, id, app.ConsentAnswer{Give: true, TypedName: in.TypedName})
		return err
	})
}

func (h *Handler) declineConsent(w http.ResponseWriter, r *http.Request) {
	h.consentCall(w, r, nil, func(u domain.User, id int64) error {
		_, err := h.app.AnswerConsent(r.Context(), u, id, app.ConsentAnswer{})
		return err
	})
}

func (h *Handler) revokeConsent(w http.ResponseWriter, r *http.Request) {
	h.consentCall(w, r, nil, func(u domain.User, id int64) error {
		_, err := h.app.RevokeConsent(r.Context(), u, id)
		return err
	})
}

// recordConsent records an answer given outside Probity: JSON, or a
// multipart form whose fields (answer, evidence, typed_name) come before
// the evidence file, streamed into the blob store.
func (h *Handler) recordConsent(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Answer    string `json:"answer"` // given or declined
		Evidence  string `json:"evidence"`
		TypedName string `json:"typed_name"`
	}
	record := func(u domain.User, id int64, file *app.Upload) error {
		var give bool
		switch in.Answer {
		case "given":
			give = true
		case "declined":
		default:
			if _, err := h.app.ConsentOf(r.Context(), u, id); err != nil {
				return err // out of scope answers not found, whatever the input
			}
			return domain.Invalid("answer", "say whether the client consented (given) or declined (declined)")
		}
		_, err := h.app.RecordConsent(r.Context(), u, id, app.RecordedConsent{Give: give, Evidence: in.Evidence, TypedName: in.TypedName, File: file})
		return err
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "multipart/form-data" {
		h.consentCall(w, r, &in, func(u domain.User, id int64) error { return record(u, id, nil) })
		return
	}
	h.consentCall(w, r, nil, func(u domain.User, id int64) error {
		err := httpx.StreamForm(w, r, h.app.Config.MaxUpload, "file", func(f httpx.FormPart) error {
			in.Answer, in.Evidence, in.TypedName = f.Fields["answer"], f.Fields["evidence"], f.Fields["typed_name"]
			var up *app.Upload
			if f.File != nil {
				up = &app.Upload{Filename: f.File.FileName(), ClaimedType: f.File.Header.Get("Content-Type"), Body: f.File}
			}
			return record(u, id, up)
		})
		return httpx.UploadError(err, h.app.Config.MaxUpload)
	})
}

// consentEvidence downloads the evidence attached to a recorded consent.
func (h *Handler) consentEvidence(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var cid int64
	if err == nil {
		cid, err = httpx.PathID(r, "cid")
	}
	if err == nil {
		var doc domain.Document
		var rc io.ReadCloser
		if doc, rc, err = h.app.ConsentEvidence(r.Context(), u, id, cid); err == nil {
			defer rc.Close()
			httpx.StreamDownload(w, r, doc.ContentType, doc.Filename, doc.Size, rc)
			return
		}
	}
	httpx.WriteJSONError(w, r, err)
}

type consentPolicyJSON struct {
	Required *bool `json:"required"`
}

func (h *Handler) getConsentPolicy(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	on, err := h.app.ConsentRequired(r.Context(), u)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, consentPolicyJSON{Required: &on})
}

func (h *Handler) putConsentPolicy(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	var in consentPolicyJSON
	err := decode(w, r, &in)
	if err == nil && in.Required == nil {
		if _, err = h.app.ConsentRequired(r.Context(), u); err == nil {
			err = domain.Invalid("required", "say whether the client's consent is required: true or false")
		}
	}
	if err == nil {
		err = h.app.SetConsentRequired(r.Context(), u, *in.Required)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	h.getConsentPolicy(w, r)
}
