package web

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// The "Client consent" card of the engagement page: the attorney drafts,
// issues and records; the client (who sees the same page in the portal)
// reads the disclosure and consents, declines or revokes. Every form calls
// the same use cases as the API.

// consentCard is what the card shows.
type consentCard struct {
	app.ConsentView
	Error string // a refused action, shown in the card
	Field string // the field it concerns
	Body  string // the draft wording to show (the attorney's, kept on error)
}

type consentErrKey struct{}

// consentErr carries a refused consent action to the re-rendered page.
type consentErr struct {
	err  error
	body string
}

// consentCardOf builds the card for u, or nil when u does not see it
// (vendor users).
func (h *Handler) consentCardOf(r *http.Request, u domain.User, id int64) *consentCard {
	v, err := h.app.ConsentOf(r.Context(), u, id)
	if err != nil {
		return nil
	}
	c := &consentCard{ConsentView: v, Body: v.Draft.Body}
	if ce, ok := r.Context().Value(consentErrKey{}).(consentErr); ok {
		c.Error, c.Field = domain.ErrorMessage(ce.err), domain.ErrorField(ce.err)
		if ce.body != "" {
			c.Body = ce.body
		}
	}
	return c
}

// consentAction runs a consent use case from a form and shows the
// engagement again: on success after a redirect, on a refusal with the
// error in the card.
func (h *Handler) consentAction(w http.ResponseWriter, r *http.Request, body string, call func(u domain.User, id int64) error) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err == nil {
		err = call(u, id)
	}
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/engagements/"+strconv.FormatInt(id, 10)+"#consent", http.StatusSeeOther)
		return
	case domain.EInvalid, domain.EConflict:
		v, verr := h.app.Engagement(r.Context(), u, id)
		if verr != nil {
			h.Error(w, r, verr)
			return
		}
		ctx := context.WithValue(r.Context(), consentErrKey{}, consentErr{err: err, body: body})
		h.renderEngagement(w, r.WithContext(ctx), httpx.Status(domain.ErrorCode(err)), v, nil)
		return
	}
	h.Error(w, r, err)
}

func (h *Handler) saveDisclosure(w http.ResponseWriter, r *http.Request) {
	body := r.PostFormValue("body")
	h.consentAction(w, r, body, func(u domain.User, id int64) error {
		_, err := h.app.SaveDisclosureDraft(r.Context(), u, id, body)
		return err
	})
}

func (h *Handler) issueDisclosure(w http.ResponseWriter, r *http.Request) {
	h.consentAction(w, r, "", func(u domain.User, id int64) error {
		_, err := h.app.IssueDisclosure(r.Context(), u, id)
		return err
	})
}

func (h *Handler) answerConsent(w http.ResponseWriter, r *http.Request) {
	in := app.ConsentAnswer{Give: r.PostFormValue("answer") != "decline", TypedName: r.PostFormValue("typed_name")}
	h.consentAction(w, r, "", func(u domain.User, id int64) error {
		_, err := h.app.AnswerConsent(r.Context(), u, id, in)
		return err
	})
}

func (h *Handler) revokeConsent(w http.ResponseWriter, r *http.Request) {
	h.consentAction(w, r, "", func(u domain.User, id int64) error {
		_, err := h.app.RevokeConsent(r.Context(), u, id)
		return err
	})
}

// recordConsent records an answer given outside Probity; the form may
// attach the evidence as a file (multipart, streamed into the blob store).
func (h *Handler) recordConsent(w http.ResponseWriter, r *http.Request) {
	h.consentAction(w, r, "", func(u domain.User, id int64) error {
		record := func(f httpx.FormPart) error {
			in := app.RecordedConsent{Give: f.Fields["answer"] != "declined", Evidence: f.Fields["evidence"], TypedName: f.Fields["typed_name"]}
			if f.File != nil {
				in.File = &app.Upload{Filename: f.File.FileName(), ClaimedType: f.File.Header.Get("Content-Type"), Body: f.File}
			}
			_, err := h.app.RecordConsent(r.Context(), u, id, in)
			return err
		}
		err := httpx.StreamForm(w, r, h.app.Config.MaxUpload, "file", record)
		switch {
		case httpx.IsNotMultipart(err): // the form without its file input
			return record(httpx.FormPart{Fields: map[string]string{"answer": r.PostFormValue("answer"),
				"evidence": r.PostFormValue("evidence"), "typed_name": r.PostFormValue("typed_name")}})
		}
		return httpx.UploadError(err, h.app.Config.MaxUpload)
	})
}

// consentEvidence downloads the file attached to a recorded consent.
func (h *Handler) consentEvidence(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var cid int64
	if err == nil {
		cid, err = pathID(r, "cid")
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
	h.Error(w, r, err)
}

// splitParas splits a text into its paragraphs (blank-line separated).
func splitParas(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// disclosureLetter downloads the issued disclosure as a PDF letter.
func (h *Handler) disclosureLetter(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var b []byte
	var name string
	if err == nil {
		b, name, err = h.app.DisclosureLetterPDF(r.Context(), u, id)
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	httpx.WriteDownload(w, "application/pdf", name, b)
}
