package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/probity/probity/internal/domain"
)

// EngagementDocument is a matter document shared on an engagement: the
// sealed document's record and where it sits on the engagement.
type EngagementDocument struct {
	ID           int64
	EngagementID int64
	Side         string // "firm" or "vendor": who shared it
	Folder       string
	Description  string
	Version      int // 1 for the first upload of this name in this folder, then 2, 3, ...
	Document     domain.Document
}

const engagementDocumentCols = `ed.id, ed.engagement_id, ed.side, ed.folder, ed.description, ed.version, ` + documentCols

const engagementDocumentFrom = ` engagement_documents ed JOIN documents d ON d.id = ed.document_id JOIN users du ON du.id = d.uploaded_by`

func scanEngagementDocument(r interface{ Scan(...any) error }) (EngagementDocument, error) {
	var e EngagementDocument
	var created int64
	err := r.Scan(append([]any{&e.ID, &e.EngagementID, &e.Side, &e.Folder, &e.Description, &e.Version}, documentDest(&e.Document, &created)...)...)
	e.Document.CreatedAt = fromUS(created)
	return e, err
}

// AddEngagementDocument shares a recorded document on an engagement,
// numbering it as the next version of its file name in its folder.
func (tx *Tx) AddEngagementDocument(ctx context.Context, e *EngagementDocument, now time.Time) error {
	var latest int
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(ed.version), 0) FROM engagement_documents ed JOIN documents d ON d.id = ed.document_id
		WHERE ed.engagement_id = $1 AND ed.folder = $2 AND lower(d.filename) = lower($3)`, e.EngagementID, e.Folder, e.Document.Filename).Scan(&latest); err != nil {
		return err
	}
	e.Version = latest + 1
	id, err := tx.insert(ctx, `INSERT INTO engagement_documents (engagement_id, document_id, side, folder, description, version, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, e.EngagementID, e.Document.ID, e.Side, e.Folder, e.Description, e.Version, us(now))
	e.ID = id
	return err
}

// EngagementDocuments lists an engagement's shared documents by folder,
// name and newest version first.
func (tx *Tx) EngagementDocuments(ctx context.Context, engagementID int64) ([]EngagementDocument, error) {
	rows, err := tx.query(ctx, `SELECT `+engagementDocumentCols+` FROM`+engagementDocumentFrom+`
		WHERE ed.engagement_id = $1 ORDER BY ed.folder, lower(d.filename), ed.version DESC, ed.id`, engagementID)
	return collect(rows, err, func(r *sql.Rows) (EngagementDocument, error) { return scanEngagementDocument(r) })
}

// EngagementDocument loads one shared document of an engagement
// (not found when it belongs to another engagement).
func (tx *Tx) EngagementDocument(ctx context.Context, engagementID, id int64) (EngagementDocument, error) {
	e, err := scanEngagementDocument(tx.queryRow(ctx, `SELECT `+engagementDocumentCols+` FROM`+engagementDocumentFrom+`
		WHERE ed.id = $1 AND ed.engagement_id = $2`, id, engagementID))
	return e, one(err, "document")
}

// DocumentKeys is one page of the key-rotation walk: documents whose data
// key is not wrapped by kekID, in id order after afterID.
func (tx *Tx) DocumentKeys(ctx context.Context, notKEK string, afterID int64, limit int) ([]domain.Document, error) {
	rows, err := tx.query(ctx, `SELECT `+documentCols+` FROM`+documentFrom+` WHERE d.kek_id <> $1 AND d.id > $2 ORDER BY d.id LIMIT $3`, notKEK, afterID, limit)
	return scanDocuments(rows, err)
}

func scanDocuments(rows *sql.Rows, err error) ([]domain.Document, error) {
	return collect(rows, err, func(r *sql.Rows) (domain.Document, error) {
		var d domain.Document
		var created int64
		err := r.Scan(documentDest(&d, &created)...)
		d.CreatedAt = fromUS(created)
		return d, err
	})
}

// AllDocuments lists every document record in id order after afterID.
func (tx *Tx) AllDocuments(ctx context.Context, afterID int64, limit int) ([]domain.Document, error) {
	rows, err := tx.query(ctx, `SELECT `+documentCols+` FROM`+documentFrom+` WHERE d.id > $1 ORDER BY d.id LIMIT $2`, afterID, limit)
	return scanDocuments(rows, err)
}

// KEKCounts reports how many documents each key-encryption key wraps.
func (tx *Tx) KEKCounts(ctx context.Context) (map[string]int64, error) {
	rows, err := tx.query(ctx, `SELECT kek_id, COUNT(*) FROM documents GROUP BY kek_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// RewrapDocument records a document's data key wrapped by another KEK,
// only if it is still wrapped by fromKEK (so a concurrent rotation does not
// overwrite a newer wrap).
func (tx *Tx) RewrapDocument(ctx context.Context, id int64, fromKEK string, wrapped []byte, kekID string) error {
	r, err := tx.exec(ctx, `UPDATE documents SET wrapped_key = $2, kek_id = $3 WHERE id = $1 AND kek_id = $4`, id, wrapped, kekID, fromKEK)
	return affected(r, err, "document")
}
