package web

import (
	"net/http"
	"strconv"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
)

// The engagement's Documents page: the shared matter documents by folder,
// a streaming upload form, each document's record and its streaming
// download. Every decision is the app's (workEngagement).

type documentsPage struct {
	app.DocumentsView
	Error    string
	Field    string
	Folder   string
	Desc     string
	Opened   *docRecord // a document's record, when one was asked for
	MaxLabel string
	Sizes    map[int64]string // by engagement document id
}

func newDocumentsPage(v app.DocumentsView) documentsPage {
	p := documentsPage{DocumentsView: v, MaxLabel: domain.FormatBytes(v.MaxDocument), Sizes: map[int64]string{}}
	for _, d := range v.Documents {
		p.Sizes[d.ID] = domain.FormatBytes(d.Document.Size)
	}
	return p
}

type docRecord struct {
	Filename, Type, Size, SHA256, Uploader, Folder, Description, Side string
	Version                                                           int
	ID                                                                int64
	At                                                                string
}

func (h *Handler) engagementDocuments(w http.ResponseWriter, r *http.Request) {
	h.renderDocuments(w, r, http.StatusOK, nil, "", "")
}

func (h *Handler) renderDocuments(w http.ResponseWriter, r *http.Request, status int, failed error, folder, desc string) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var v app.DocumentsView
	if err == nil {
		v, err = h.app.DocumentsPage(r.Context(), u, id)
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	p := newDocumentsPage(v)
	p.Folder, p.Desc = folder, desc
	if failed != nil {
		p.Error, p.Field = domain.ErrorMessage(failed), domain.ErrorField(failed)
	}
	h.renderStatus(w, r, status, "engagement-documents", "Documents · "+v.Header.VendorName, p)
}

func (h *Handler) uploadEngagementDocument(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	if err := h.app.CheckDocumentUpload(r.Context(), u, id); err != nil {
		h.Error(w, r, err)
		return
	}
	var folder, desc string
	limit := h.app.Config.MaxDocument
	err = httpx.StreamForm(w, r, limit, "file", func(fp httpx.FormPart) error {
		folder, desc = fp.Fields["folder"], fp.Fields["description"]
		if fp.File == nil {
			return domain.Invalid("file", "choose a file to upload")
		}
		_, err := h.app.UploadEngagementDocument(r.Context(), u, id, app.DocumentUpload{Filename: fp.File.FileName(), ClaimedType: fp.File.Header.Get("Content-Type"),
			Folder: folder, Description: desc, Body: fp.File})
		return err
	})
	switch {
	case httpx.IsNotMultipart(err):
		err = domain.Invalid("file", "send the file with the upload form")
	default:
		err = httpx.UploadError(err, limit)
	}
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/engagements/"+strconv.FormatInt(id, 10)+"/documents#documents", http.StatusSeeOther)
	case domain.EInvalid:
		h.renderDocuments(w, r, http.StatusUnprocessableEntity, err, folder, desc)
	default:
		h.Error(w, r, err)
	}
}

func (h *Handler) engagementDocument(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var did int64
	if err == nil {
		did, err = pathID(r, "did")
	}
	var ed store.EngagementDocument
	if err == nil {
		ed, err = h.app.EngagementDocument(r.Context(), u, id, did) // decides access; records the view
	}
	var v app.DocumentsView
	if err == nil {
		v, err = h.app.DocumentsPage(r.Context(), u, id)
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	d := ed.Document
	p := newDocumentsPage(v)
	p.Opened = &docRecord{ID: ed.ID, Filename: d.Filename, Type: app.DescribeContentType(d.ContentType), Size: domain.FormatBytes(d.Size),
		SHA256: d.SHA256, Uploader: d.UploaderName, Folder: ed.Folder, Description: ed.Description, Side: ed.Side, Version: ed.Version,
		At: u.Locale.FormatDateTime(d.CreatedAt, u.TimeZone)}
	h.render(w, r, "engagement-documents", d.Filename+" · Documents", p)
}

func (h *Handler) downloadEngagementDocument(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var did int64
	if err == nil {
		did, err = pathID(r, "did")
	}
	var ds app.DocumentStream
	if err == nil {
		ds, err = h.app.DownloadEngagementDocument(r.Context(), u, id, did)
	}
	if err == nil {
		defer ds.Body.Close()
		err = httpx.StreamDownload(w, r, ds.Document.ContentType, ds.Document.Filename, ds.Document.Size, ds.Body)
	}
	if err != nil {
		h.Error(w, r, err)
	}
}
