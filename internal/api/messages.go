package api

import (
	"net/http"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
)

// Threaded messages between the firm and the vendor's team on an engagement.

type threadJSON struct {
	ID         int64     `json:"id"`
	Subject    string    `json:"subject"`
	StartedBy  string    `json:"started_by"`
	StartedAt  time.Time `json:"started_at"`
	LastPostAt time.Time `json:"last_post_at"`
	Posts      int       `json:"posts"`
}

func threadOut(t store.MessageThread) threadJSON {
	return threadJSON{ID: t.ID, Subject: t.Subject, StartedBy: t.CreatorName, StartedAt: t.CreatedAt, LastPostAt: t.LastPostAt, Posts: t.Posts}
}

type mentionJSON struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
}

type messageJSON struct {
	ID          int64          `json:"id"`
	Author      string         `json:"author"`
	AuthorID    int64          `json:"author_id"`
	Body        string         `json:"body"`
	PostedAt    time.Time      `json:"posted_at"`
	Mentions    []mentionJSON  `json:"mentions"`
	Attachments []documentJSON `json:"attachments"`
}

type threadViewJSON struct {
	threadJSON
	Messages []messageJSON `json:"messages"`
}

func threadViewOut(v app.ThreadView) threadViewJSON {
	out := threadViewJSON{threadJSON: threadOut(v.Thread), Messages: []messageJSON{}}
	out.Posts = len(v.Messages)
	for _, m := range v.Messages {
		j := messageJSON{ID: m.ID, Author: m.AuthorName, AuthorID: m.AuthorID, Body: m.Body, PostedAt: m.CreatedAt, Mentions: []mentionJSON{}, Attachments: []documentJSON{}}
		for _, x := range m.Mentions {
			j.Mentions = append(j.Mentions, mentionJSON{UserID: x.UserID, Name: x.Name})
		}
		for _, d := range m.Attachments {
			j.Attachments = append(j.Attachments, documentOut(d))
		}
		out.Messages = append(out.Messages, j)
	}
	return out
}

func (h *Handler) listThreads(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var p app.ThreadList
	if err == nil {
		p, err = h.app.EngagementThreads(r.Context(), u, id)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	out := list[threadJSON]{Items: make([]threadJSON, 0, len(p.Threads))}
	for _, t := range p.Threads {
		out.Items = append(out.Items, threadOut(t))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) getThread(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var tid int64
	if err == nil {
		tid, err = httpx.PathID(r, "tid")
	}
	var v app.ThreadView
	if err == nil {
		v, err = h.app.EngagementThread(r.Context(), u, id, tid)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, threadViewOut(v))
}

// postMessage starts a thread (POST .../messages) or replies to one
// (POST .../messages/{tid}). The body is JSON {"subject", "body"}, or a
// multipart form with the fields subject and body and then one file.
func (h *Handler) postMessage(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var p app.Post
	if err == nil && r.PathValue("tid") != "" {
		p.ThreadID, err = httpx.PathID(r, "tid")
	}
	var v app.ThreadView
	if err == nil {
		v, err = h.receiveMessage(w, r, u, id, p)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, threadViewOut(v))
}

func (h *Handler) receiveMessage(w http.ResponseWriter, r *http.Request, u domain.User, id int64, p app.Post) (app.ThreadView, error) {
	var v app.ThreadView
	err := httpx.StreamForm(w, r, h.app.Config.MaxDocument, "file", func(fp httpx.FormPart) error {
		p.Subject, p.Body = fp.Fields["subject"], fp.Fields["body"]
		if fp.File != nil {
			p.Attachments = []app.Upload{{Filename: fp.File.FileName(), ClaimedType: fp.File.Header.Get("Content-Type"), Body: fp.File}}
		}
		var err error
		v, err = h.app.PostMessage(r.Context(), u, id, p)
		return err
	})
	if !httpx.IsNotMultipart(err) {
		return v, httpx.UploadError(err, h.app.Config.MaxDocument)
	}
	var in struct {
		Subject string `json:"subject"`
		Body    string `json:"body"`
	}
	if err := decode(w, r, &in); err != nil {
		return v, err
	}
	p.Subject, p.Body = in.Subject, in.Body
	return h.app.PostMessage(r.Context(), u, id, p)
}

func (h *Handler) downloadAttachment(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r)
	var did int64
	if err == nil {
		did, err = httpx.PathID(r, "did")
	}
	var ds app.DocumentStream
	if err == nil {
		ds, err = h.app.DownloadAttachment(r.Context(), u, id, did)
	}
	if err == nil {
		defer ds.Body.Close()
		err = httpx.StreamDownload(w, r, ds.Document.ContentType, ds.Document.Filename, ds.Document.Size, ds.Body)
	}
	if err != nil {
		httpx.WriteJSONError(w, r, err)
	}
}
