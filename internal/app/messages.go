package app

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Messages: threaded conversations between the firm and the vendor's team
// on an engagement (domain.ActivityMessage: from the communication stage;
// never the client, whom workEngagement refuses). A post may mention people
// on the engagement with @ and their name (or the part of their email
// address before the @); mentions are stored as rows so notifications can
// follow, and a mention of anyone else is refused. Attachments are matter
// documents: attaching one or opening one is ActivityDocument, so a vendor
// member who has not acknowledged the briefing can write but not attach.

// Post is a new message: a thread's first post (Subject set, ThreadID 0) or a reply.
type Post struct {
	ThreadID    int64
	Subject     string
	Body        string
	Attachments []Upload // each read once, to its end, in order
}

// ThreadView is a conversation with its posts.
type ThreadView struct {
	Thread   store.MessageThread
	Messages []store.Message
}

// ThreadList is what the API lists of the conversations.
type ThreadList struct {
	Threads      []store.MessageThread
	Participants []domain.User // who can be mentioned
	CanAttach    error         // nil when the actor may attach files now; else why not
}

// EngagementThreads lists an engagement's conversations.
func (a *App) EngagementThreads(ctx context.Context, actor domain.User, engagementID int64) (ThreadList, error) {
	var p ThreadList
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		if _, err = a.workEngagement(ctx, tx, actor, engagementID, domain.ActivityMessage); err != nil {
			return err
		}
		if err = require(actor, WorkOnEngagements); err != nil {
			return err
		}
		if p.Threads, err = tx.Threads(ctx, engagementID); err != nil {
			return err
		}
		if p.Participants, err = tx.EngagementParticipants(ctx, engagementID); err != nil {
			return err
		}
		_, p.CanAttach = a.workEngagement(ctx, tx, actor, engagementID, domain.ActivityDocument)
		return nil
	})
	return p, err
}

// EngagementThread returns one conversation with its posts.
func (a *App) EngagementThread(ctx context.Context, actor domain.User, engagementID, threadID int64) (ThreadView, error) {
	var v ThreadView
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		if v.Thread, err = tx.Thread(ctx, engagementID, threadID); err != nil {
			return err // not of this engagement: not found, before any gate
		}
		if _, err = a.workEngagement(ctx, tx, actor, engagementID, domain.ActivityMessage); err != nil {
			return err
		}
		if err = require(actor, WorkOnEngagements); err != nil {
			return err
		}
		v.Messages, err = tx.Messages(ctx, threadID)
		return err
	})
	return v, err
}

// parseMentions finds the people a body mentions: "@" at the start or
// after a space, followed by a participant's name or the local part of
// their email address (longest match wins). An "@" followed by a word that
// names no one on the engagement is refused.
func parseMentions(body string, people []domain.User) ([]domain.User, error) {
	type handle struct {
		text string
		user domain.User
	}
	var hs []handle
	for _, u := range people {
		hs = append(hs, handle{strings.ToLower(u.Name), u})
		if local, _, ok := strings.Cut(u.Email, "@"); ok && local != "" {
			hs = append(hs, handle{strings.ToLower(local), u})
		}
	}
	sort.SliceStable(hs, func(i, j int) bool { return len(hs[i].text) > len(hs[j].text) })
	lower := strings.ToLower(body)
	var out []domain.User
	seen := map[int64]bool{}
	for i := 0; i < len(lower); i++ {
		if lower[i] != '@' || (i > 0 && !unicode.IsSpace(rune(lower[i-1])) && !strings.ContainsRune("([,;", rune(lower[i-1]))) {
			continue
		}
		rest := lower[i+1:]
		if rest == "" || !(unicode.IsLetter([]rune(rest)[0]) || unicode.IsDigit([]rune(rest)[0])) {
			continue
		}
		found := false
		for _, h := range hs {
			if strings.HasPrefix(rest, h.text) {
				after := rest[len(h.text):]
				if after != "" {
					r, _ := utf8.DecodeRuneInString(after)
					if unicode.IsLetter(r) || unicode.IsDigit(r) {
						continue
					}
				}
				found = true
				if !seen[h.user.ID] {
					seen[h.user.ID] = true
					out = append(out, h.user)
				}
				break
			}
		}
		if !found {
			word := strings.FieldsFunc(body[i+1:], func(r rune) bool {
				return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '.' && r != '-' && r != '_'
			})
			w := ""
			if len(word) > 0 {
				w = word[0]
			}
			return nil, domain.Invalid("body", "@%s is not on this engagement: you can mention only its people (%s)", w, participantNames(people))
		}
	}
	return out, nil
}

func participantNames(people []domain.User) string {
	var names []string
	for _, u := range people {
		names = append(names, u.Name)
	}
	if len(names) == 0 {
		return "no one yet"
	}
	return strings.Join(names, ", ")
}

// PostMessage starts a thread (p.ThreadID 0, with a subject) or replies to
// one, with attachments sealed into the blob store first. Anything wrong
// (an empty body, a mention of someone not on the engagement, a refused
// attachment) changes nothing and leaves no blob.
func (a *App) PostMessage(ctx context.Context, actor domain.User, engagementID int64, p Post) (ThreadView, error) {
	var v ThreadView
	p.Subject = strings.TrimSpace(p.Subject)
	p.Body = strings.TrimSpace(p.Body)
	if p.ThreadID == 0 {
		if p.Subject == "" {
			return v, domain.Invalid("subject", "give the conversation a subject")
		}
		if utf8.RuneCountInString(p.Subject) > 200 {
			return v, domain.Invalid("subject", "the subject must be at most 200 characters")
		}
	}
	if p.Body == "" {
		return v, domain.Invalid("body", "write a message")
	}
	if utf8.RuneCountInString(p.Body) > 20000 {
		return v, domain.Invalid("body", "the message must be at most 20000 characters")
	}
	if len(p.Attachments) > 10 {
		return v, domain.Invalid("file", "attach at most 10 files to one message")
	}
	check := func(tx *store.Tx) (EngagementRef, []domain.User, error) {
		if p.ThreadID != 0 { // not of this engagement: not found, before any gate
			if _, err := tx.Thread(ctx, engagementID, p.ThreadID); err != nil {
				return EngagementRef{}, nil, err
			}
		}
		act := domain.ActivityMessage
		if len(p.Attachments) > 0 {
			act = domain.ActivityDocument
			if _, err := a.workEngagement(ctx, tx, actor, engagementID, domain.ActivityMessage); err != nil {
				return EngagementRef{}, nil, err
			}
		}
		ref, err := a.workEngagement(ctx, tx, actor, engagementID, act)
		if err != nil {
			return ref, nil, err
		}
		if err := require(actor, WorkOnEngagements); err != nil {
			return ref, nil, err
		}
		if p.ThreadID != 0 {
			if _, err := tx.Thread(ctx, engagementID, p.ThreadID); err != nil {
				return ref, nil, err
			}
		}
		people, err := tx.EngagementParticipants(ctx, engagementID)
		if err != nil {
			return ref, nil, err
		}
		mentioned, err := parseMentions(p.Body, people)
		return ref, mentioned, err
	}
	if err := a.Store.Read(ctx, func(tx *store.Tx) error { _, _, err := check(tx); return err }); err != nil {
		return v, err
	}
	var docs []domain.Document
	drop := func() {
		for _, d := range docs {
			a.dropBlob(ctx, d.StorageKey)
		}
	}
	for _, up := range p.Attachments {
		d, err := a.sealUpload(ctx, up, matterKinds, a.Config.MaxDocument)
		if err != nil {
			drop()
			return v, err
		}
		d.Kind, d.UploadedBy = "attachment", actor.ID
		docs = append(docs, d)
	}
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, mentioned, err := check(tx)
		if err != nil {
			return err
		}
		if p.ThreadID == 0 {
			v.Thread = store.MessageThread{EngagementID: engagementID, Subject: p.Subject, CreatedBy: actor.ID, CreatorName: actor.Name}
			if err := tx.CreateThread(ctx, &v.Thread, a.Now()); err != nil {
				return err
			}
		} else if v.Thread, err = tx.Thread(ctx, engagementID, p.ThreadID); err != nil {
			return err
		}
		m := store.Message{ThreadID: v.Thread.ID, EngagementID: engagementID, AuthorID: actor.ID, AuthorName: actor.Name, AuthorRole: actor.Role, Body: p.Body}
		for i := range docs {
			if err := tx.CreateDocument(ctx, &docs[i], a.Now()); err != nil {
				return err
			}
			docs[i].UploaderName = actor.Name
		}
		m.Attachments = docs
		for _, u := range mentioned {
			m.Mentions = append(m.Mentions, store.Mention{UserID: u.ID, Name: u.Name})
		}
		if err := tx.AddMessage(ctx, &m, a.Now()); err != nil {
			return err
		}
		what := "replied in"
		if p.ThreadID == 0 {
			what = "started"
		}
		summary := fmt.Sprintf("%s the conversation %q", what, v.Thread.Subject)
		if len(docs) > 0 {
			var names []string
			for _, d := range docs {
				names = append(names, fmt.Sprintf("%q (SHA-256 %s)", d.Filename, d.SHA256))
			}
			summary += ", attaching " + strings.Join(names, ", ")
		}
		if len(mentioned) > 0 {
			summary += ", mentioning " + participantNames(mentioned)
		}
		if err := a.audit(ctx, tx, actor, Record{Action: "engagement.message_post", ObjectType: "engagement", ObjectID: engagementID, MatterID: ref.Matter.ID, Summary: summary}); err != nil {
			return err
		}
		v.Messages, err = tx.Messages(ctx, v.Thread.ID)
		return err
	})
	if err != nil {
		drop()
		return ThreadView{}, err
	}
	return v, nil
}

// DownloadAttachment opens an attachment of a post on the engagement for
// streaming (ActivityDocument) and records the download.
func (a *App) DownloadAttachment(ctx context.Context, actor domain.User, engagementID, documentID int64) (DocumentStream, error) {
	var ds DocumentStream
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		d, err := tx.MessageAttachment(ctx, engagementID, documentID) // not of this engagement: not found, before any gate
		if err != nil {
			return err
		}
		ref, err := a.workEngagement(ctx, tx, actor, engagementID, domain.ActivityDocument)
		if err != nil {
			return err
		}
		if err := require(actor, WorkOnEngagements); err != nil {
			return err
		}
		rc, err := a.openDocumentStream(ctx, d)
		if err != nil {
			return err
		}
		ds.Body = checkedBody{rc, a, d}
		ds.Document = d
		return a.audit(ctx, tx, actor, Record{Action: "engagement.attachment_download", ObjectType: "engagement", ObjectID: engagementID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("downloaded the message attachment %q (%s, SHA-256 %s)", d.Filename, domain.FormatBytes(d.Size), d.SHA256)})
	})
	if err != nil {
		if ds.Body != nil {
			_ = ds.Body.Close()
		}
		return DocumentStream{}, err
	}
	return ds, nil
}

// MessagesView is the engagement's Messages page.
type MessagesView struct {
	Header       store.EngagementSummary
	Closed       string // why messages cannot be sent now ("" when they can)
	AttachClosed string // why files cannot be attached now ("" when they can)
	Threads      []store.MessageThread
	Participants []domain.User
	Thread       *ThreadView // the open conversation, if one was asked for
	MaxDocument  int64
}

// MessagesPage builds the Messages page, with conversation threadID open
// when it is not 0. A closed gate is shown on the page, not raised.
func (a *App) MessagesPage(ctx context.Context, actor domain.User, engagementID, threadID int64) (MessagesView, error) {
	v := MessagesView{MaxDocument: a.Config.MaxDocument}
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		if threadID != 0 { // not of this engagement: not found, before any gate
			if _, err := tx.Thread(ctx, engagementID, threadID); err != nil {
				return err
			}
		}
		if v.Header, err = a.engagementHeader(ctx, tx, actor, engagementID); err != nil {
			return err
		}
		if _, err := a.workEngagement(ctx, tx, actor, engagementID, domain.ActivityMessage); err != nil {
			if domain.ErrorCode(err) == domain.EGateClosed {
				v.Closed = domain.ErrorMessage(err)
				return nil
			}
			return err
		}
		if err := require(actor, WorkOnEngagements); err != nil {
			return err
		}
		if _, err := a.workEngagement(ctx, tx, actor, engagementID, domain.ActivityDocument); err != nil {
			if domain.ErrorCode(err) != domain.EGateClosed {
				return err
			}
			v.AttachClosed = domain.ErrorMessage(err)
		}
		if v.Threads, err = tx.Threads(ctx, engagementID); err != nil {
			return err
		}
		if v.Participants, err = tx.EngagementParticipants(ctx, engagementID); err != nil {
			return err
		}
		if threadID != 0 {
			t := ThreadView{}
			if t.Thread, err = tx.Thread(ctx, engagementID, threadID); err != nil {
				return err
			}
			if t.Messages, err = tx.Messages(ctx, threadID); err != nil {
				return err
			}
			v.Thread = &t
		}
		return nil
	})
	return v, err
}
