package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Questionnaire templates are versioned: a firm administrator copies a
// version to a new draft, edits its controls and publishes it; a published
// version is frozen, and every assessment keeps the version it was started
// on. Version 1, the built-in questionnaire, is seeded by migration 0005.

// Questionnaires lists every questionnaire version, newest first.
func (a *App) Questionnaires(ctx context.Context, actor domain.User) ([]store.QuestionnaireSummary, error) {
	if err := require(actor, ViewQuestionnaires); err != nil {
		return nil, err
	}
	var out []store.QuestionnaireSummary
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.ListQuestionnaires(ctx)
		return err
	})
	return out, err
}

// Questionnaire returns one version with its controls.
func (a *App) Questionnaire(ctx context.Context, actor domain.User, id int64) (domain.Questionnaire, error) {
	if err := require(actor, ViewQuestionnaires); err != nil {
		return domain.Questionnaire{}, err
	}
	var q domain.Questionnaire
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		q, err = tx.Questionnaire(ctx, id)
		return err
	})
	return q, err
}

// CopyQuestionnaire makes a new editable draft from a version, with the
// next version number.
func (a *App) CopyQuestionnaire(ctx context.Context, actor domain.User, id int64) (domain.Questionnaire, error) {
	if err := require(actor, ManageQuestionnaires); err != nil {
		return domain.Questionnaire{}, err
	}
	var q domain.Questionnaire
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		src, err := tx.Questionnaire(ctx, id)
		if err != nil {
			return err
		}
		q = domain.Questionnaire{Name: src.Name, BasedOn: src.ID, Controls: src.Controls}
		if err := tx.CreateQuestionnaire(ctx, &q, actor.ID, a.Now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "questionnaire.copy", ObjectType: "questionnaire", ObjectID: q.ID,
			Summary: fmt.Sprintf("copied %s version %d to a new draft, version %d", src.Name, src.Version, q.Version)})
	})
	return q, err
}

// UpdateQuestionnaire replaces a draft's name and controls (weights,
// critical flags, rules, added and removed controls). Published versions
// are frozen.
func (a *App) UpdateQuestionnaire(ctx context.Context, actor domain.User, id int64, name string, controls []domain.Control) (domain.Questionnaire, error) {
	if err := require(actor, ManageQuestionnaires); err != nil {
		return domain.Questionnaire{}, err
	}
	var q domain.Questionnaire
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		old, err := tx.Questionnaire(ctx, id)
		if err != nil {
			return err
		}
		if old.Status != domain.QuestionnaireDraft {
			return domain.Errorf(domain.EConflict, "version %d is published and frozen: copy it to a new draft to change it", old.Version)
		}
		q = old
		q.Name, q.Controls = name, controls
		if err := q.Validate(); err != nil {
			return err
		}
		if err := tx.UpdateDraft(ctx, q); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "questionnaire.update", ObjectType: "questionnaire", ObjectID: id,
			Summary: fmt.Sprintf("edited draft version %d of %s: %s", q.Version, q.Name, describeControlChanges(old.Controls, q.Controls))})
	})
	return q, err
}

// describeControlChanges says what an edit changed, for the audit trail.
func describeControlChanges(old, updated []domain.Control) string {
	before := map[string]domain.Control{}
	for _, c := range old {
		before[c.Key] = c
	}
	var added, changed []string
	for _, c := range updated {
		o, ok := before[c.Key]
		delete(before, c.Key)
		switch {
		case !ok:
			added = append(added, c.Key)
		case o.Weight != c.Weight || o.Critical != c.Critical || o.Rule.String() != c.Rule.String() || o.Question != c.Question ||
			o.Area != c.Area || o.Type != c.Type || o.Evidence != c.Evidence || strings.Join(o.Options, "|") != strings.Join(c.Options, "|"):
			changed = append(changed, c.Key)
		}
	}
	var removed []string
	for _, c := range old {
		if _, gone := before[c.Key]; gone {
			removed = append(removed, c.Key)
		}
	}
	var parts []string
	for _, p := range []struct {
		what string
		keys []string
	}{{"added", added}, {"changed", changed}, {"removed", removed}} {
		if len(p.keys) > 0 {
			parts = append(parts, p.what+" "+strings.Join(p.keys, ", "))
		}
	}
	if len(parts) == 0 {
		return "no change to the controls"
	}
	return strings.Join(parts, "; ")
}

// PublishQuestionnaire freezes a draft so assessments can be started on it.
func (a *App) PublishQuestionnaire(ctx context.Context, actor domain.User, id int64) (domain.Questionnaire, error) {
	if err := require(actor, ManageQuestionnaires); err != nil {
		return domain.Questionnaire{}, err
	}
	var q domain.Questionnaire
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		var err error
		if q, err = tx.Questionnaire(ctx, id); err != nil {
			return err
		}
		if q.Status != domain.QuestionnaireDraft {
			return domain.Errorf(domain.EConflict, "version %d is already published", q.Version)
		}
		if err := q.Validate(); err != nil {
			return err
		}
		if ok, err := tx.PublishQuestionnaire(ctx, id, a.Now()); err != nil {
			return err
		} else if !ok {
			return domain.Errorf(domain.EConflict, "version %d is already published", q.Version)
		}
		q.Status, q.PublishedAt = domain.QuestionnairePublished, a.Now()
		return a.audit(ctx, tx, actor, Record{Action: "questionnaire.publish", ObjectType: "questionnaire", ObjectID: id,
			Summary: fmt.Sprintf("published %s version %d (%d controls); new assessments can use it", q.Name, q.Version, len(q.Controls))})
	})
	return q, err
}
