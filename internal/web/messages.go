package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/httpx"
	"github.com/probity/probity/internal/store"
)

// The engagement's Messages page: the conversations between the firm and
// the vendor's team (never the client), one open with its posts, a form to
// reply and one to start a conversation. Mentions are highlighted.

type messagesPage struct {
	app.MessagesView
	Posts    []postView
	Error    string
	Field    string
	Form     string // "new" or "reply": which form the error belongs to
	Subject  string
	Body     string
	MaxLabel string
}

type postView struct {
	store.Message
	HTML template.HTML // the body, escaped, with mentions highlighted
}

// highlightMentions escapes body and marks each "@Name" of a mentioned person.
func highlightMentions(body string, mentions []store.Mention) template.HTML {
	out := template.HTMLEscapeString(body)
	seen := map[string]bool{}
	for _, m := range mentions {
		at := template.HTMLEscapeString("@" + m.Name)
		if seen[at] {
			continue
		}
		seen[at] = true
		out = replaceFold(out, at, `<mark class="mention">`, `</mark>`)
	}
	return template.HTML(out)
}

// replaceFold wraps each case-insensitive occurrence of needle in s.
func replaceFold(s, needle, open, close string) string {
	var b strings.Builder
	ls, ln := strings.ToLower(s), strings.ToLower(needle)
	for {
		i := strings.Index(ls, ln)
		if i < 0 || len(ls) != len(s) {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i] + open + s[i:i+len(needle)] + close)
		s, ls = s[i+len(needle):], ls[i+len(needle):]
	}
}

func (h *Handler) engagementMessages(w http.ResponseWriter, r *http.Request) {
	h.renderMessages(w, r, http.StatusOK, 0, nil, "", "", "")
}

func (h *Handler) engagementThread(w http.ResponseWriter, r *http.Request) {
	tid, err := pathID(r, "tid")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	h.renderMessages(w, r, http.StatusOK, tid, nil, "", "", "")
}

func (h *Handler) renderMessages(w http.ResponseWriter, r *http.Request, status int, tid int64, failed error, form, subject, body string) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var v app.MessagesView
	if err == nil {
		v, err = h.app.MessagesPage(r.Context(), u, id, tid)
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	p := messagesPage{MessagesView: v, Form: form, Subject: subject, Body: body, MaxLabel: domain.FormatBytes(v.MaxDocument)}
	if v.Thread != nil {
		for _, m := range v.Thread.Messages {
			p.Posts = append(p.Posts, postView{Message: m, HTML: highlightMentions(m.Body, m.Mentions)})
		}
	}
	if failed != nil {
		p.Error, p.Field = domain.ErrorMessage(failed), domain.ErrorField(failed)
	}
	title := "Messages · " + v.Header.VendorName
	if v.Thread != nil {
		title = v.Thread.Thread.Subject + " · Messages"
	}
	h.renderStatus(w, r, status, "engagement-messages", title, p)
}

// postMessage starts a conversation (POST /engagements/{id}/messages) or
// replies (POST /engagements/{id}/messages/{tid}); the form is multipart
// so one file can be attached, streamed.
func (h *Handler) postMessage(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var post app.Post
	form := "new"
	if err == nil && r.PathValue("tid") != "" {
		post.ThreadID, err = pathID(r, "tid")
		form = "reply"
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	limit := h.app.Config.MaxDocument
	var v app.ThreadView
	call := func() error {
		var err error
		v, err = h.app.PostMessage(r.Context(), u, id, post)
		return err
	}
	err = httpx.StreamForm(w, r, limit, "file", func(fp httpx.FormPart) error {
		post.Subject, post.Body = fp.Fields["subject"], fp.Fields["body"]
		if fp.File != nil {
			post.Attachments = []app.Upload{{Filename: fp.File.FileName(), ClaimedType: fp.File.Header.Get("Content-Type"), Body: fp.File}}
		}
		return call()
	})
	if httpx.IsNotMultipart(err) {
		post.Subject, post.Body = r.PostFormValue("subject"), r.PostFormValue("body")
		err = call()
	}
	err = httpx.UploadError(err, limit)
	switch domain.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/engagements/"+strconv.FormatInt(id, 10)+"/messages/"+strconv.FormatInt(v.Thread.ID, 10)+"#latest", http.StatusSeeOther)
	case domain.EInvalid:
		h.renderMessages(w, r, http.StatusUnprocessableEntity, post.ThreadID, err, form, post.Subject, post.Body)
	default:
		h.Error(w, r, err)
	}
}

func (h *Handler) downloadAttachment(w http.ResponseWriter, r *http.Request) {
	u, _ := httpx.User(r)
	id, err := pathID(r, "id")
	var did int64
	if err == nil {
		did, err = pathID(r, "did")
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
		h.Error(w, r, err)
	}
}
