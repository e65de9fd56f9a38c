package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/probity/probity/internal/domain"
)

// MessageThread is one conversation on an engagement.
type MessageThread struct {
	ID           int64
	EngagementID int64
	Subject      string
	CreatedBy    int64
	CreatorName  string
	CreatedAt    time.Time
	LastPostAt   time.Time
	Posts        int
}

// Message is one post in a thread, with its attachments and mentions.
type Message struct {
	ID           int64
	ThreadID     int64
	EngagementID int64
	AuthorID     int64
	AuthorName   string
	AuthorRole   domain.Role
	Body         string
	CreatedAt    time.Time
	Attachments  []domain.Document
	Mentions     []Mention
}

// Mention is a person a post names with @.
type Mention struct {
	ID        int64
	MessageID int64
	UserID    int64
	Name      string
}

// CreateThread starts a conversation on an engagement.
func (tx *Tx) CreateThread(ctx context.Context, t *MessageThread, now time.Time) error {
	id, err := tx.insert(ctx, `INSERT INTO message_threads (engagement_id, subject, created_by, created_at, last_post_at) VALUES ($1, $2, $3, $4, $4)`,
		t.EngagementID, t.Subject, t.CreatedBy, us(now))
	t.ID, t.CreatedAt, t.LastPostAt = id, now, now
	return err
}

const threadCols = `t.id, t.engagement_id, t.subject, t.created_by, u.name, t.created_at, t.last_post_at,
	(SELECT COUNT(*) FROM messages mm WHERE mm.thread_id = t.id)`

func scanThread(r interface{ Scan(...any) error }) (MessageThread, error) {
	var t MessageThread
	var c, l int64
	err := r.Scan(&t.ID, &t.EngagementID, &t.Subject, &t.CreatedBy, &t.CreatorName, &c, &l, &t.Posts)
	t.CreatedAt, t.LastPostAt = fromUS(c), fromUS(l)
	return t, err
}

// Threads lists an engagement's conversations, most recently active first.
func (tx *Tx) Threads(ctx context.Context, engagementID int64) ([]MessageThread, error) {
	rows, err := tx.query(ctx, `SELECT `+threadCols+` FROM message_threads t JOIN users u ON u.id = t.created_by
		WHERE t.engagement_id = $1 ORDER BY t.last_post_at DESC, t.id DESC`, engagementID)
	return collect(rows, err, func(r *sql.Rows) (MessageThread, error) { return scanThread(r) })
}

// Thread loads one conversation of an engagement.
func (tx *Tx) Thread(ctx context.Context, engagementID, id int64) (MessageThread, error) {
	t, err := scanThread(tx.queryRow(ctx, `SELECT `+threadCols+` FROM message_threads t JOIN users u ON u.id = t.created_by
		WHERE t.id = $1 AND t.engagement_id = $2`, id, engagementID))
	return t, one(err, "thread")
}

// AddMessage posts to a thread, attaching documents and recording mentions.
func (tx *Tx) AddMessage(ctx context.Context, m *Message, now time.Time) error {
	id, err := tx.insert(ctx, `INSERT INTO messages (thread_id, engagement_id, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5)`,
		m.ThreadID, m.EngagementID, m.AuthorID, m.Body, us(now))
	if err != nil {
		return err
	}
	m.ID, m.CreatedAt = id, now
	for _, d := range m.Attachments {
		if _, err := tx.exec(ctx, `INSERT INTO message_attachments (message_id, document_id) VALUES ($1, $2)`, id, d.ID); err != nil {
			return err
		}
	}
	for i := range m.Mentions {
		mid, err := tx.insert(ctx, `INSERT INTO message_mentions (message_id, engagement_id, user_id, created_at) VALUES ($1, $2, $3, $4)`,
			id, m.EngagementID, m.Mentions[i].UserID, us(now))
		if err != nil {
			return err
		}
		m.Mentions[i].ID, m.Mentions[i].MessageID = mid, id
	}
	_, err = tx.exec(ctx, `UPDATE message_threads SET last_post_at = $2 WHERE id = $1`, m.ThreadID, us(now))
	return err
}

// Messages lists a thread's posts in order, with attachments and mentions.
func (tx *Tx) Messages(ctx context.Context, threadID int64) ([]Message, error) {
	rows, err := tx.query(ctx, `SELECT m.id, m.thread_id, m.engagement_id, m.author_id, u.name, u.role, m.body, m.created_at
		FROM messages m JOIN users u ON u.id = m.author_id WHERE m.thread_id = $1 ORDER BY m.id`, threadID)
	list, err := collect(rows, err, func(r *sql.Rows) (Message, error) {
		var m Message
		var c int64
		err := r.Scan(&m.ID, &m.ThreadID, &m.EngagementID, &m.AuthorID, &m.AuthorName, &m.AuthorRole, &m.Body, &c)
		m.CreatedAt = fromUS(c)
		return m, err
	})
	if err != nil || len(list) == 0 {
		return list, err
	}
	byID := map[int64]*Message{}
	for i := range list {
		byID[list[i].ID] = &list[i]
	}
	rows, err = tx.query(ctx, `SELECT a.message_id, `+documentCols+` FROM message_attachments a JOIN messages m ON m.id = a.message_id
		JOIN documents d ON d.id = a.document_id JOIN users du ON du.id = d.uploaded_by WHERE m.thread_id = $1 ORDER BY a.message_id, d.id`, threadID)
	type att struct {
		msg int64
		doc domain.Document
	}
	atts, err := collect(rows, err, func(r *sql.Rows) (att, error) {
		var a att
		var created int64
		err := r.Scan(append([]any{&a.msg}, documentDest(&a.doc, &created)...)...)
		a.doc.CreatedAt = fromUS(created)
		return a, err
	})
	if err != nil {
		return nil, err
	}
	for _, a := range atts {
		byID[a.msg].Attachments = append(byID[a.msg].Attachments, a.doc)
	}
	rows, err = tx.query(ctx, `SELECT mn.id, mn.message_id, mn.user_id, u.name FROM message_mentions mn JOIN messages m ON m.id = mn.message_id
		JOIN users u ON u.id = mn.user_id WHERE m.thread_id = $1 ORDER BY mn.id`, threadID)
	ms, err := collect(rows, err, func(r *sql.Rows) (Mention, error) {
		var x Mention
		err := r.Scan(&x.ID, &x.MessageID, &x.UserID, &x.Name)
		return x, err
	})
	if err != nil {
		return nil, err
	}
	for _, x := range ms {
		byID[x.MessageID].Mentions = append(byID[x.MessageID].Mentions, x)
	}
	return list, nil
}

// MessageAttachment loads an attachment of a post on an engagement (not
// found when the document is not attached to a post of that engagement).
func (tx *Tx) MessageAttachment(ctx context.Context, engagementID, documentID int64) (domain.Document, error) {
	var d domain.Document
	var created int64
	err := tx.queryRow(ctx, `SELECT `+documentCols+` FROM message_attachments a JOIN messages m ON m.id = a.message_id
		JOIN documents d ON d.id = a.document_id JOIN users du ON du.id = d.uploaded_by WHERE a.document_id = $1 AND m.engagement_id = $2`, documentID, engagementID).Scan(documentDest(&d, &created)...)
	d.CreatedAt = fromUS(created)
	return d, one(err, "attachment")
}

// MentionsOf lists the unnotified mentions of a user (issue 9 notifies them).
func (tx *Tx) MentionsOf(ctx context.Context, userID int64) ([]Mention, error) {
	rows, err := tx.query(ctx, `SELECT mn.id, mn.message_id, mn.user_id, u.name FROM message_mentions mn JOIN users u ON u.id = mn.user_id
		WHERE mn.user_id = $1 AND mn.notified_at = 0 ORDER BY mn.id`, userID)
	return collect(rows, err, func(r *sql.Rows) (Mention, error) {
		var x Mention
		err := r.Scan(&x.ID, &x.MessageID, &x.UserID, &x.Name)
		return x, err
	})
}

// EngagementParticipants are the people on an engagement: its supervising
// attorney, the matter's responsible attorney and its members (firm and
// vendor), enabled accounts only, by name.
func (tx *Tx) EngagementParticipants(ctx context.Context, engagementID int64) ([]domain.User, error) {
	rows, err := tx.query(ctx, `SELECT u.id, u.email, u.name, u.role, COALESCE(u.vendor_id, 0), COALESCE(u.client_id, 0) FROM users u WHERE u.disabled = FALSE AND u.id IN (
			SELECT e.supervising_attorney_id FROM engagements e WHERE e.id = $1
			UNION SELECT m.responsible_attorney_id FROM engagements e JOIN matters m ON m.id = e.matter_id WHERE e.id = $1
			UNION SELECT em.user_id FROM engagement_members em WHERE em.engagement_id = $1)
		ORDER BY u.name, u.id`, engagementID)
	return collect(rows, err, func(r *sql.Rows) (domain.User, error) {
		var u domain.User
		err := r.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.VendorID, &u.ClientID)
		return u, err
	})
}
