package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// A vendor's conflict disclosures, in the vendor portal: its managers add,
// remove and bulk-import them; the firm's people read them.

// disclosureForm is what the add form holds.
type disclosureForm struct {
	Name, Kind, Details string
	UserID              int64
}

// disclosuresPage is the vendor's disclosures page.
type disclosuresPage struct {
	app.DisclosuresView
	Kinds []domain.DisclosureKind
	// The add form, and its error.
	Form  disclosureForm
	Error string
	Field string
	// The bulk import, and its errors line by line.
	Text         string
	DefaultKind  string
	ImportError  string
	ImportRows   []app.RowError
	Imported     string // "N" after a successful import
	RemoveID     int64  // the disclosure whose removal failed
	RemoveError  string
	RemoveReason string
}

func (h *Handler) disclosures(w http.ResponseWriter, r *http.Request) {
	h.renderDisclosures(w, r, http.StatusOK, func(*disclosuresPage) {})
}

// renderDisclosures shows a vendor's disclosures; edit fills in a failed
// form's error and input.
func (h *Handler) renderDisclosures(w http.ResponseWriter, r *http.Request, status int, edit func(*disclosuresPage)) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	v := disclosuresPage{Kinds: domain.DisclosureKinds, Form: disclosureForm{Kind: string(domain.DisclosureClient)},
		DefaultKind: string(domain.DisclosureClient), Imported: r.URL.Query().Get("imported")}
	if err == nil {
		v.DisclosuresView, err = h.app.Disclosures(r.Context(), u, id)
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	edit(&v)
	h.renderStatus(w, r, status, "disclosures", "Conflict disclosures: "+v.Vendor.Name, v)
}

func (h *Handler) disclosuresURL(vendorID int64) string {
	return "/vendors/" + strconv.FormatInt(vendorID, 10) + "/disclosures"
}

// disclosureFailed re-renders the page for a mistake in the input (and the error
// page for anything else).
func (h *Handler) disclosureFailed(w http.ResponseWriter, r *http.Request, err error, edit func(*disclosuresPage)) {
	switch code := domain.ErrorCode(err); code {
	case domain.EInvalid, domain.EConflict:
		h.renderDisclosures(w, r, httpx.Status(code), edit)
	default:
		h.Error(w, r, err)
	}
}

// addDisclosure records one disclosure.
func (h *Handler) addDisclosure(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	f := disclosureForm{Name: r.PostFormValue("name"), Kind: r.PostFormValue("kind"), Details: r.PostFormValue("details"), UserID: formID(r, "user_id")}
	_, err = h.app.AddDisclosure(r.Context(), u, id, domain.Disclosure{Name: f.Name, Kind: domain.DisclosureKind(f.Kind), Details: f.Details, UserID: f.UserID})
	if err != nil {
		h.disclosureFailed(w, r, err, func(v *disclosuresPage) {
			v.Form, v.Error, v.Field = f, domain.ErrorMessage(err), domain.ErrorField(err)
		})
		return
	}
	http.Redirect(w, r, h.disclosuresURL(id)+"#disclosures", http.StatusSeeOther)
}

// importDisclosures records pasted disclosures, all or nothing.
func (h *Handler) importDisclosures(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	text, kind := r.PostFormValue("text"), r.PostFormValue("default_kind")
	out, err := h.app.ImportDisclosures(r.Context(), u, id, app.DisclosureImport{Text: text, DefaultKind: domain.DisclosureKind(kind)})
	if err != nil {
		h.disclosureFailed(w, r, err, func(v *disclosuresPage) {
			v.Text, v.DefaultKind = text, kind
			var ie *app.ImportError
			if errors.As(err, &ie) {
				v.ImportRows = ie.Rows
				v.ImportError = "Nothing was imported. Correct the lines below and import again."
			} else {
				v.ImportError = domain.ErrorMessage(err)
			}
		})
		return
	}
	http.Redirect(w, r, h.disclosuresURL(id)+"?imported="+strconv.Itoa(len(out))+"#disclosures", http.StatusSeeOther)
}

// removeDisclosure withdraws one disclosure, with a reason.
func (h *Handler) removeDisclosure(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var d domain.Disclosure
	if err == nil {
		d, err = h.app.Disclosure(r.Context(), u, id)
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	reason := r.PostFormValue("reason")
	if err := h.app.RemoveDisclosure(r.Context(), u, id, reason); err != nil {
		r.SetPathValue("id", strconv.FormatInt(d.VendorID, 10))
		h.disclosureFailed(w, r, err, func(v *disclosuresPage) {
			v.RemoveID, v.RemoveError, v.RemoveReason = id, domain.ErrorMessage(err), reason
		})
		return
	}
	http.Redirect(w, r, h.disclosuresURL(d.VendorID)+"#disclosures", http.StatusSeeOther)
}
