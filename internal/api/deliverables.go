package api

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
)

// Deliverables, their versions, the supervising attorney's review and the
// release; the review queue. The client contact reads released work only:
// the JSON leaves out what the app does not give it (notes, review
// comments, vendor personnel).

type versionJSON struct {
	ID            int64      `json:"id"`
	DeliverableID int64      `json:"deliverable_id"`
	Version       int        `json:"version"`
	Filename      string     `json:"filename,omitempty"`
	Size          int64      `json:"size,omitempty"`
	ContentURL    string     `json:"content_url,omitempty"`
	Note          string     `json:"note,omitempty"`
	SubmittedBy   string     `json:"submitted_by,omitempty"`
	SubmittedAt   *time.Time `json:"submitted_at,omitempty"`
	Superseded    bool       `json:"superseded"`
	Decision      string     `json:"decision"`
	State         string     `json:"state"`
	OpenedAt      *time.Time `json:"opened_at,omitempty"`
	ReviewedBy    string     `json:"reviewed_by,omitempty"`
	ReviewedAt    *time.Time `json:"reviewed_at,omitempty"`
	ReviewComment string     `json:"review_comment,omitempty"`
	ReviewMinutes int        `json:"review_minutes,omitempty"`
	Release       string     `json:"release,omitempty"` // client, matter
	ReleasedAt    *time.Time `json:"released_at,omitempty"`
}

func when(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func versionOut(v domain.DeliverableVersion) versionJSON {
	j := versionJSON{ID: v.ID, DeliverableID: v.DeliverableID, Version: v.Version, Filename: v.Filename, Size: v.Size, Note: v.Note,
		SubmittedBy: v.SubmitterName, SubmittedAt: when(v.SubmittedAt), Superseded: v.Superseded(), Decision: string(v.Decision), State: v.State(),
		OpenedAt: when(v.OpenedAt), ReviewedBy: v.ReviewerName, ReviewedAt: when(v.ReviewedAt), ReviewComment: v.ReviewComment,
		Release: string(v.ReleaseKind), ReleasedAt: when(v.ReleasedAt)}
	if v.DocumentID != 0 {
		j.ContentURL = fmt.Sprintf("%s/engagements/%d/deliverables/versions/%d/content", Prefix, v.EngagementID, v.ID)
	}
	if !v.ReviewedAt.IsZero() {
		j.ReviewMinutes = v.ReviewMinutes()
	}
	return j
}

type deliverableJSON struct {
	ID         int64         `json:"id"`
	Title      string        `json:"title"`
	WorkItemID int64         `json:"work_item_id,omitempty"`
	WorkItem   string        `json:"work_item"`
	Versions   []versionJSON `json:"versions"`
}

func deliverableOut(d domain.Deliverable) deliverableJSON {
	j := deliverableJSON{ID: d.ID, Title: d.Title, WorkItemID: d.WorkItemID, WorkItem: d.WorkItemTitle, Versions: []versionJSON{}}
	for _, v := range d.Versions {
		j.Versions = append(j.Versions, versionOut(v))
	}
	return j
}

func (h *Handler) listDeliverables(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var v app.DeliverablesView
	if err == nil {
		v, err = h.app.DeliverablesOf(r.Context(), u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := struct {
		Stage        string            `json:"stage"`
		Pending      int               `json:"pending_reviews"`
		Deliverables []deliverableJSON `json:"deliverables"`
	}{Stage: string(v.Header.Stage), Pending: v.Pending, Deliverables: []deliverableJSON{}}
	for _, d := range v.Deliverables {
		out.Deliverables = append(out.Deliverables, deliverableOut(d))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// receiveDeliverable reads an upload sent as the raw request body (with
// ?filename=NAME) or as multipart/form-data (text fields first, then
// file), and hands its fields and file to put.
func (h *Handler) receiveDeliverable(w http.ResponseWriter, r *http.Request, put func(fields map[string]string, up app.DeliverableUpload) error) error {
	limit := h.app.Config.MaxDocument
	q := r.URL.Query()
	if q.Get("filename") != "" {
		if r.ContentLength > limit {
			return httpx.UploadError(httpx.ErrUploadTooLarge, limit)
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit+1)
		fields := map[string]string{}
		for k := range q {
			fields[k] = q.Get(k)
		}
		return httpx.UploadError(put(fields, app.DeliverableUpload{Filename: q.Get("filename"), ClaimedType: r.Header.Get("Content-Type"), Body: r.Body}), limit)
	}
	err := httpx.StreamForm(w, r, limit, "file", func(fp httpx.FormPart) error {
		if fp.File == nil {
			return domain.Invalid("file", "choose a file to upload")
		}
		return put(fp.Fields, app.DeliverableUpload{Filename: fp.File.FileName(), ClaimedType: fp.File.Header.Get("Content-Type"), Body: fp.File})
	})
	if httpx.IsNotMultipart(err) {
		return domain.Invalid("file", "send the file as the request body with ?filename=NAME (and item, title, note), or as multipart/form-data with the fields first and then file")
	}
	return httpx.UploadError(err, limit)
}

func (h *Handler) submitDeliverable(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	if err == nil {
		err = h.app.CheckDeliverableSubmit(r.Context(), u, id, 0)
	}
	var d domain.Deliverable
	if err == nil {
		err = h.receiveDeliverable(w, r, func(f map[string]string, up app.DeliverableUpload) error {
			item, _ := strconv.ParseInt(f["item"], 10, 64)
			var err error
			d, err = h.app.SubmitDeliverable(r.Context(), u, id, domain.NewDeliverable{WorkItemID: item, Title: f["title"], Note: f["note"]}, up)
			return err
		})
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, deliverableOut(d))
}

func (h *Handler) submitDeliverableVersion(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var did int64
	if err == nil {
		did, err = httpx.PathID(r, "did")
	}
	if err == nil {
		err = h.app.CheckDeliverableSubmit(r.Context(), u, id, did)
	}
	var v domain.DeliverableVersion
	if err == nil {
		err = h.receiveDeliverable(w, r, func(f map[string]string, up app.DeliverableUpload) error {
			var err error
			v, err = h.app.SubmitDeliverableVersion(r.Context(), u, id, did, f["note"], up)
			return err
		})
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, versionOut(v))
}

func versionPath(r *http.Request) (int64, int64, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, 0, err
	}
	vid, err := httpx.PathID(r, "ver")
	return id, vid, err
}

// getDeliverableVersion shows a version; the supervising attorney's first
// reading of one awaiting review starts its review time.
func (h *Handler) getDeliverableVersion(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, vid, err := versionPath(r)
	var rv app.ReviewView
	if err == nil {
		rv, err = h.app.ReviewVersionOf(r.Context(), u, id, vid)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, struct {
		versionJSON
		Title      string `json:"title"`
		WorkItem   string `json:"work_item"`
		DueOn      string `json:"due_on,omitempty"`
		CanReview  bool   `json:"can_review"`
		CanRelease bool   `json:"can_release"`
	}{versionOut(rv.Version), rv.Deliverable.Title, rv.WorkItem.Title, string(rv.WorkItem.DueOn), rv.CanReview, rv.CanRelease})
}

func (h *Handler) downloadDeliverable(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, vid, err := versionPath(r)
	var ds app.DocumentStream
	if err == nil {
		ds, err = h.app.DownloadDeliverable(r.Context(), u, id, vid)
	}
	if err == nil {
		defer ds.Body.Close()
		err = httpx.StreamDownload(w, r, ds.Document.ContentType, ds.Document.Filename, ds.Document.Size, ds.Body)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
	}
}

func (h *Handler) reviewDeliverable(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, vid, err := versionPath(r)
	var in struct {
		Decision string `json:"decision"` // approved, changes_requested
		Comment  string `json:"comment"`
		Minutes  int    `json:"minutes"`
	}
	if err == nil {
		err = decode(w, r, &in)
	}
	var v domain.DeliverableVersion
	if err == nil {
		v, err = h.app.ReviewDeliverable(r.Context(), u, id, vid, domain.ReviewInput{Decision: domain.ReviewDecision(in.Decision), Comment: in.Comment, StatedMinutes: in.Minutes})
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, versionOut(v))
}

func (h *Handler) releaseDeliverable(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, vid, err := versionPath(r)
	var in struct {
		Kind string `json:"kind"` // client, matter
	}
	if err == nil {
		err = decode(w, r, &in)
	}
	var v domain.DeliverableVersion
	if err == nil {
		v, err = h.app.ReleaseDeliverable(r.Context(), u, id, vid, domain.ReleaseKind(in.Kind))
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, versionOut(v))
}

func (h *Handler) reviewQueue(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	q, err := h.app.ReviewQueue(r.Context(), u)
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	type itemJSON struct {
		versionJSON
		EngagementID int64  `json:"engagement_id"`
		Title        string `json:"title"`
		Matter       string `json:"matter"`
		Vendor       string `json:"vendor"`
		AgeDays      int    `json:"age_days"`
		DueOn        string `json:"due_on,omitempty"`
		Overdue      bool   `json:"overdue"`
	}
	out := struct {
		Count   int        `json:"count"`
		Overdue int        `json:"overdue"`
		Items   []itemJSON `json:"items"`
	}{Items: []itemJSON{}}
	for _, it := range q {
		out.Items = append(out.Items, itemJSON{versionOut(it.DeliverableVersion), it.EngagementID, it.Title, it.MatterNumber + " " + it.MatterTitle,
			it.VendorName, it.AgeDays, string(it.DueOn), it.Overdue})
		if it.Overdue {
			out.Overdue++
		}
	}
	out.Count = len(out.Items)
	httpx.WriteJSON(w, http.StatusOK, out)
}
