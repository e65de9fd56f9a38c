package web

import (
	"net/http"
	"strconv"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// The engagement's deliverables page: the vendor's team submits versions,
// the supervising attorney reviews and releases them (reviews.go), and the
// client contact sees released work only. Every form calls the same use
// cases as the API and the CLI; nothing is decided here.

// deliverablesPage is what engagement-deliverables.html shows.
type deliverablesPage struct {
	app.DeliverablesView
	Review *app.ReviewView // the version opened for review, if any
	Error  string          // a refused action
	Field  string          // the field it concerns
	Form   string          // which form it came from: submit, version-{id}, review, release
}

func (h *Handler) renderDeliverables(w http.ResponseWriter, r *http.Request, status int, id int64, p deliverablesPage) {
	u, _ := httpx.User(r)
	v, err := h.app.DeliverablesOf(r.Context(), u, id)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	p.DeliverablesView = v
	h.renderStatus(w, r, status, "engagement-deliverables", "Deliverables · "+v.Header.MatterNumber, p)
}

func (h *Handler) engagementDeliverables(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	h.renderDeliverables(w, r, http.StatusOK, id, deliverablesPage{})
}

// deliverableResult shows the page again after a form: a redirect on
// success, the page with the error on bad input or a clash.
func (h *Handler) deliverableResult(w http.ResponseWriter, r *http.Request, id int64, form, anchor string, err error) {
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/engagements/"+strconv.FormatInt(id, 10)+"/deliverables"+anchor, http.StatusSeeOther)
	case domain.EInvalid, domain.EConflict, domain.EGateClosed:
		h.renderDeliverables(w, r, httpx.Status(domain.ErrorCode(err)), id,
			deliverablesPage{Error: domain.ErrorMessage(err), Field: domain.ErrorField(err), Form: form})
	default:
		h.Error(w, r, err)
	}
}

// uploadErr turns a streaming form's failure into what a person can act on.
func (h *Handler) uploadErr(err error) error {
	switch {
	case httpx.IsNotMultipart(err):
		return domain.Invalid("file", "choose a file to upload")
	}
	return httpx.UploadError(err, h.app.Config.MaxDocument)
}

func (h *Handler) submitDeliverable(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	if err := h.app.CheckDeliverableSubmit(r.Context(), u, id, 0); err != nil {
		h.deliverableResult(w, r, id, "submit", "", err)
		return
	}
	err = h.uploadErr(httpx.StreamForm(w, r, h.app.Config.MaxDocument, "file", func(f httpx.FormPart) error {
		item, _ := strconv.ParseInt(f.Fields["item"], 10, 64)
		up := app.DeliverableUpload{Body: http.NoBody}
		if f.File != nil {
			up = app.DeliverableUpload{Filename: f.File.FileName(), ClaimedType: f.File.Header.Get("Content-Type"), Body: f.File}
		}
		_, err := h.app.SubmitDeliverable(r.Context(), u, id, domain.NewDeliverable{WorkItemID: item, Title: f.Fields["title"], Note: f.Fields["note"]}, up)
		return err
	}))
	h.deliverableResult(w, r, id, "submit", "", err)
}

func (h *Handler) submitDeliverableVersion(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var did int64
	if err == nil {
		did, err = pathID(r, "did")
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	form := "version-" + strconv.FormatInt(did, 10)
	if err := h.app.CheckDeliverableSubmit(r.Context(), u, id, did); err != nil {
		h.deliverableResult(w, r, id, form, "", err)
		return
	}
	err = h.uploadErr(httpx.StreamForm(w, r, h.app.Config.MaxDocument, "file", func(f httpx.FormPart) error {
		up := app.DeliverableUpload{Body: http.NoBody}
		if f.File != nil {
			up = app.DeliverableUpload{Filename: f.File.FileName(), ClaimedType: f.File.Header.Get("Content-Type"), Body: f.File}
		}
		_, err := h.app.SubmitDeliverableVersion(r.Context(), u, id, did, f.Fields["note"], up)
		return err
	}))
	h.deliverableResult(w, r, id, form, "#deliverable-"+strconv.FormatInt(did, 10), err)
}

func (h *Handler) deliverableFile(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var vid int64
	if err == nil {
		vid, err = pathID(r, "ver")
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	ds, err := h.app.DownloadDeliverable(r.Context(), u, id, vid)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	defer ds.Body.Close()
	_ = httpx.StreamDownload(w, r, ds.Document.ContentType, ds.Document.Filename, ds.Document.Size, ds.Body)
}
