package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/probity/probity/internal/domain"
)

// QuestionnaireSummary is a questionnaire version in a list.
type QuestionnaireSummary struct {
	domain.Questionnaire
	ControlCount    int
	AssessmentCount int
	CreatedByName   string
}

const questionnaireCols = `q.id, q.name, q.version, q.status, COALESCE(q.based_on, 0), q.builtin, q.created_at, q.published_at`

func scanQuestionnaire(r interface{ Scan(...any) error }, extra ...any) (domain.Questionnaire, error) {
	var q domain.Questionnaire
	var created, published int64
	err := r.Scan(append([]any{&q.ID, &q.Name, &q.Version, &q.Status, &q.BasedOn, &q.Builtin, &created, &published}, extra...)...)
	q.CreatedAt, q.PublishedAt = optTime(created), optTime(published)
	return q, err
}

// ListQuestionnaires lists every questionnaire version, newest first.
func (tx *Tx) ListQuestionnaires(ctx context.Context) ([]QuestionnaireSummary, error) {
	rows, err := tx.query(ctx, `SELECT `+questionnaireCols+`,
		(SELECT COUNT(*) FROM questionnaire_controls c WHERE c.questionnaire_id = q.id),
		(SELECT COUNT(*) FROM assessments a WHERE a.questionnaire_id = q.id),
		COALESCE(u.name, '')
		FROM questionnaires q LEFT JOIN users u ON u.id = q.created_by ORDER BY q.version DESC`)
	return collect(rows, err, func(r *sql.Rows) (QuestionnaireSummary, error) {
		var s QuestionnaireSummary
		var err error
		s.Questionnaire, err = scanQuestionnaire(r, &s.ControlCount, &s.AssessmentCount, &s.CreatedByName)
		return s, err
	})
}

// Questionnaire loads one version with its controls in order.
func (tx *Tx) Questionnaire(ctx context.Context, id int64) (domain.Questionnaire, error) {
	q, err := scanQuestionnaire(tx.queryRow(ctx, `SELECT `+questionnaireCols+` FROM questionnaires q WHERE q.id = $1`, id))
	if err != nil {
		return q, one(err, "questionnaire")
	}
	rows, err := tx.query(ctx, `SELECT control_key, area, question, answer_type, options, weight, critical, pass_rule, evidence
		FROM questionnaire_controls WHERE questionnaire_id = $1 ORDER BY position`, id)
	q.Controls, err = collect(rows, err, func(r *sql.Rows) (domain.Control, error) {
		var c domain.Control
		var opts, rule string
		if err := r.Scan(&c.Key, &c.Area, &c.Question, &c.Type, &opts, &c.Weight, &c.Critical, &rule, &c.Evidence); err != nil {
			return c, err
		}
		if opts != "" {
			c.Options = strings.Split(opts, "|")
		}
		var err error
		c.Rule, err = domain.ParsePassRule(rule)
		return c, err
	})
	return q, err
}

// LatestPublishedQuestionnaire is the id of the newest published version.
func (tx *Tx) LatestPublishedQuestionnaire(ctx context.Context) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, `SELECT id FROM questionnaires WHERE status = 'published' ORDER BY version DESC LIMIT 1`).Scan(&id)
	return id, one(err, "published questionnaire")
}

// CreateQuestionnaire stores a new draft with the next version number.
func (tx *Tx) CreateQuestionnaire(ctx context.Context, q *domain.Questionnaire, createdBy int64, now time.Time) error {
	id, err := tx.insert(ctx, `INSERT INTO questionnaires (name, version, status, based_on, builtin, created_by, created_at)
		VALUES ($1, (SELECT COALESCE(MAX(version), 0) + 1 FROM questionnaires), 'draft', $2, FALSE, $3, $4)`,
		q.Name, nullID(q.BasedOn), nullID(createdBy), us(now))
	if err != nil {
		return err
	}
	if err := tx.queryRow(ctx, `SELECT version FROM questionnaires WHERE id = $1`, id).Scan(&q.Version); err != nil {
		return err
	}
	q.ID, q.Status, q.CreatedAt = id, domain.QuestionnaireDraft, now
	return tx.insertControls(ctx, id, q.Controls)
}

func (tx *Tx) insertControls(ctx context.Context, id int64, cs []domain.Control) error {
	for i, c := range cs {
		if _, err := tx.exec(ctx, `INSERT INTO questionnaire_controls (questionnaire_id, position, control_key, area, question, answer_type, options, weight, critical, pass_rule, evidence)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			id, i+1, c.Key, c.Area, c.Question, string(c.Type), strings.Join(c.Options, "|"), c.Weight, c.Critical, c.Rule.String(), string(c.Evidence)); err != nil {
			return err
		}
	}
	return nil
}

// UpdateDraft replaces a draft's name and controls; a published version is
// frozen (conflict).
func (tx *Tx) UpdateDraft(ctx context.Context, q domain.Questionnaire) error {
	r, err := tx.exec(ctx, `UPDATE questionnaires SET name = $1 WHERE id = $2 AND status = 'draft'`, q.Name, q.ID)
	if err != nil {
		return err
	}
	if n, err := r.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return domain.Errorf(domain.EConflict, "version %d is published and frozen: copy it to a new draft to change it", q.Version)
	}
	if _, err := tx.exec(ctx, `DELETE FROM questionnaire_controls WHERE questionnaire_id = $1`, q.ID); err != nil {
		return err
	}
	return tx.insertControls(ctx, q.ID, q.Controls)
}

// PublishQuestionnaire freezes a draft; it reports whether it was a draft.
func (tx *Tx) PublishQuestionnaire(ctx context.Context, id int64, now time.Time) (bool, error) {
	r, err := tx.exec(ctx, `UPDATE questionnaires SET status = 'published', published_at = $2 WHERE id = $1 AND status = 'draft'`, id, us(now))
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n == 1, err
}
