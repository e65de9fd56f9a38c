package api

import (
	"fmt"
	"mime"
	"net/http"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
)

// Matter documents shared on an engagement: upload (a raw body with
// ?filename=, or a multipart form), list, metadata and streaming download.

type documentJSON struct {
	ID          int64     `json:"id"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  string    `json:"uploaded_by"`
	UploadedAt  time.Time `json:"uploaded_at"`
}

func documentOut(d domain.Document) documentJSON {
	return documentJSON{ID: d.ID, Filename: d.Filename, ContentType: d.ContentType, Size: d.Size, SHA256: d.SHA256, UploadedBy: d.UploaderName, UploadedAt: d.CreatedAt}
}

type engagementDocumentJSON struct {
	ID           int64        `json:"id"`
	EngagementID int64        `json:"engagement_id"`
	Side         string       `json:"side"`
	Folder       string       `json:"folder"`
	Description  string       `json:"description"`
	Version      int          `json:"version"`
	Document     documentJSON `json:"document"`
	DownloadURL  string       `json:"download_url"`
}

func engagementDocumentOut(e store.EngagementDocument) engagementDocumentJSON {
	return engagementDocumentJSON{ID: e.ID, EngagementID: e.EngagementID, Side: e.Side, Folder: e.Folder, Description: e.Description, Version: e.Version,
		Document: documentOut(e.Document), DownloadURL: fmt.Sprintf("%s/engagements/%d/documents/%d/content", Prefix, e.EngagementID, e.ID)}
}

func (h *Handler) listEngagementDocuments(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var docs []store.EngagementDocument
	if err == nil {
		docs, err = h.app.EngagementDocuments(r.Context(), u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := list[engagementDocumentJSON]{Items: make([]engagementDocumentJSON, 0, len(docs))}
	for _, d := range docs {
		out.Items = append(out.Items, engagementDocumentOut(d))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// uploadEngagementDocument takes the file as the raw request body
// (PUT or POST with ?filename=, optional folder and description query
// parameters) or as a multipart form (fields folder, description, then
// file), streaming it into the blob store.
func (h *Handler) uploadEngagementDocument(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	if err == nil {
		err = h.app.CheckDocumentUpload(r.Context(), u, id)
	}
	var ed store.EngagementDocument
	if err == nil {
		ed, err = h.receiveDocument(w, r, u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, engagementDocumentOut(ed))
}

func (h *Handler) receiveDocument(w http.ResponseWriter, r *http.Request, u domain.User, id int64) (store.EngagementDocument, error) {
	limit := h.app.Config.MaxDocument
	q := r.URL.Query()
	if q.Get("filename") != "" {
		if r.ContentLength > limit {
			return store.EngagementDocument{}, httpx.UploadError(httpx.ErrUploadTooLarge, limit)
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit+1)
		ed, err := h.app.UploadEngagementDocument(r.Context(), u, id, app.DocumentUpload{Filename: q.Get("filename"), ClaimedType: rawClaimedType(r),
			Folder: q.Get("folder"), Description: q.Get("description"), Body: r.Body})
		return ed, httpx.UploadError(err, limit)
	}
	var ed store.EngagementDocument
	err := httpx.StreamForm(w, r, limit, "file", func(fp httpx.FormPart) error {
		if fp.File == nil {
			return domain.Invalid("file", "choose a file to upload")
		}
		var err error
		ed, err = h.app.UploadEngagementDocument(r.Context(), u, id, app.DocumentUpload{Filename: fp.File.FileName(), ClaimedType: fp.File.Header.Get("Content-Type"),
			Folder: fp.Fields["folder"], Description: fp.Fields["description"], Body: fp.File})
		return err
	})
	if httpx.IsNotMultipart(err) {
		return ed, domain.Invalid("file", "send the file as the request body with ?filename=NAME, or as a multipart/form-data body with the fields folder, description and file (in that order)")
	}
	return ed, httpx.UploadError(err, limit)
}

// rawClaimedType is the file type a raw-body upload claims. Generic
// transport types that tools send by default (curl --data-binary sends a
// form type) say nothing about the file and are not held against it.
func rawClaimedType(r *http.Request) string {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/x-www-form-urlencoded", "application/json", "application/octet-stream":
		return ""
	}
	return ct
}

func (h *Handler) getEngagementDocument(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var did int64
	if err == nil {
		did, err = httpx.PathID(r, "did")
	}
	var ed store.EngagementDocument
	if err == nil {
		ed, err = h.app.EngagementDocument(r.Context(), u, id, did)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, engagementDocumentOut(ed))
}

func (h *Handler) downloadEngagementDocument(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var did int64
	if err == nil {
		did, err = httpx.PathID(r, "did")
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
		httpx.WriteJSONError(w, r, err)
	}
}
