package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/probity/probity/internal/domain"
)

const documentCols = `d.id, d.kind, d.filename, d.content_type, d.size, d.sha256, d.storage_key, d.wrapped_key, d.kek_id, d.uploaded_by, du.name, d.created_at`

const documentFrom = ` documents d JOIN users du ON du.id = d.uploaded_by`

func documentDest(d *domain.Document, created *int64) []any {
	return []any{&d.ID, &d.Kind, &d.Filename, &d.ContentType, &d.Size, &d.SHA256, &d.StorageKey, &d.WrappedKey, &d.KEKID, &d.UploadedBy, &d.UploaderName, created}
}

// CreateDocument records a sealed document stored in the blob store.
func (tx *Tx) CreateDocument(ctx context.Context, d *domain.Document, now time.Time) error {
	id, err := tx.insert(ctx, `INSERT INTO documents (kind, filename, content_type, size, sha256, storage_key, wrapped_key, kek_id, uploaded_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		d.Kind, d.Filename, d.ContentType, d.Size, d.SHA256, d.StorageKey, d.WrappedKey, d.KEKID, d.UploadedBy, us(now))
	d.ID, d.CreatedAt = id, now
	return err
}

// Document loads a document record.
func (tx *Tx) Document(ctx context.Context, id int64) (domain.Document, error) {
	var d domain.Document
	var created int64
	err := tx.queryRow(ctx, `SELECT `+documentCols+` FROM`+documentFrom+` WHERE d.id = $1`, id).Scan(documentDest(&d, &created)...)
	d.CreatedAt = fromUS(created)
	return d, one(err, "document")
}

const evidenceCols = `e.id, e.assessment_id, e.control_key, e.kind, e.status, e.review_note, ` + documentCols

func scanEvidence(r interface{ Scan(...any) error }) (domain.Evidence, error) {
	var e domain.Evidence
	var created int64
	err := r.Scan(append([]any{&e.ID, &e.AssessmentID, &e.ControlKey, &e.Kind, &e.Status, &e.ReviewNote}, documentDest(&e.Document, &created)...)...)
	e.Document.CreatedAt = fromUS(created)
	return e, err
}

// AddEvidence attaches a recorded document to a control of an assessment.
func (tx *Tx) AddEvidence(ctx context.Context, e *domain.Evidence) error {
	id, err := tx.insert(ctx, `INSERT INTO assessment_evidence (assessment_id, control_key, document_id, kind, status) VALUES ($1, $2, $3, $4, 'pending')`,
		e.AssessmentID, e.ControlKey, e.Document.ID, string(e.Kind))
	e.ID, e.Status = id, domain.EvidencePending
	return err
}

// Evidence lists an assessment's evidence files in upload order.
func (tx *Tx) Evidence(ctx context.Context, assessmentID int64) ([]domain.Evidence, error) {
	rows, err := tx.query(ctx, `SELECT `+evidenceCols+` FROM assessment_evidence e JOIN documents d ON d.id = e.document_id JOIN users du ON du.id = d.uploaded_by
		WHERE e.assessment_id = $1 ORDER BY e.id`, assessmentID)
	return collect(rows, err, func(r *sql.Rows) (domain.Evidence, error) { return scanEvidence(r) })
}

// EvidenceItem loads one evidence file.
func (tx *Tx) EvidenceItem(ctx context.Context, id int64) (domain.Evidence, error) {
	e, err := scanEvidence(tx.queryRow(ctx, `SELECT `+evidenceCols+` FROM assessment_evidence e JOIN documents d ON d.id = e.document_id JOIN users du ON du.id = d.uploaded_by WHERE e.id = $1`, id))
	return e, one(err, "evidence")
}

// ReviewEvidence records the reviewer's verdict on an evidence file.
func (tx *Tx) ReviewEvidence(ctx context.Context, id int64, status domain.EvidenceStatus, note string, by int64, now time.Time) error {
	r, err := tx.exec(ctx, `UPDATE assessment_evidence SET status = $2, review_note = $3, reviewed_by = $4, reviewed_at = $5 WHERE id = $1`,
		id, string(status), note, by, us(now))
	return affected(r, err, "evidence")
}
