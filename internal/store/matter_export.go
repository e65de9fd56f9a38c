package store

import (
	"context"
	"database/sql"

	"github.com/probity/probity/internal/auditlog"
	"github.com/probity/probity/internal/domain"
)

// MatterDocument is a stored document that belongs to a matter through one
// of its engagements: shared in the engagement's documents, attached to a
// message, submitted as a deliverable version, or filed as the evidence of
// a client's consent.
type MatterDocument struct {
	Source       string // "engagement_document", "message_attachment", "deliverable_version", "consent_evidence"
	EngagementID int64
	Folder       string // engagement documents only
	Description  string // engagement documents: the description; deliverable versions: the deliverable's title
	Document     domain.Document
}

// MatterDocuments lists every document of a matter's engagements, by
// engagement and then document id. It reads no scope: the caller has
// already decided the actor may export the whole matter.
func (tx *Tx) MatterDocuments(ctx context.Context, matterID int64) ([]MatterDocument, error) {
	rows, err := tx.query(ctx, `SELECT x.source, x.engagement_id, x.folder, x.description, `+documentCols+` FROM (
			SELECT 'engagement_document' AS source, ed.engagement_id AS engagement_id, ed.folder AS folder, ed.description AS description, ed.document_id AS document_id
			FROM engagement_documents ed JOIN engagements e ON e.id = ed.engagement_id WHERE e.matter_id = $1
		UNION ALL
			SELECT 'message_attachment', msg.engagement_id, '', '', ma.document_id
			FROM message_attachments ma JOIN messages msg ON msg.id = ma.message_id JOIN engagements e ON e.id = msg.engagement_id WHERE e.matter_id = $1
		UNION ALL
			SELECT 'deliverable_version', dv.engagement_id, '', dl.title, dv.document_id
			FROM deliverable_versions dv JOIN deliverables dl ON dl.id = dv.deliverable_id JOIN engagements e ON e.id = dv.engagement_id
			WHERE e.matter_id = $1 AND dv.document_id IS NOT NULL
		UNION ALL
			SELECT 'consent_evidence', cc.engagement_id, '', '', cc.evidence_document_id
			FROM client_consents cc JOIN engagements e ON e.id = cc.engagement_id WHERE e.matter_id = $1 AND cc.evidence_document_id IS NOT NULL
		) x JOIN documents d ON d.id = x.document_id JOIN users du ON du.id = d.uploaded_by
		ORDER BY x.engagement_id, d.id`, matterID)
	return collect(rows, err, func(r *sql.Rows) (MatterDocument, error) {
		var md MatterDocument
		var created int64
		err := r.Scan(append([]any{&md.Source, &md.EngagementID, &md.Folder, &md.Description}, documentDest(&md.Document, &created)...)...)
		md.Document.CreatedAt = fromUS(created)
		return md, err
	})
}

// EachMatterAudit calls fn with every audit event that names the matter
// or one of its engagements, oldest first.
func (tx *Tx) EachMatterAudit(ctx context.Context, matterID int64, fn func(*auditlog.Event) error) error {
	rows, err := tx.query(ctx, `SELECT `+auditCols+` FROM audit_events WHERE matter_id = $1
		OR (object_type = 'engagement' AND object_id IN (SELECT id FROM engagements WHERE matter_id = $1))
		ORDER BY seq`, matterID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e auditlog.Event
		if err := scanAudit(rows, &e); err != nil {
			return err
		}
		if err := fn(&e); err != nil {
			return err
		}
	}
	return rows.Err()
}
