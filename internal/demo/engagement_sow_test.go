package demo_test

import (
	"context"
	"testing"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// The demo's statements of work: every engagement past the SOW stage has an
// approved statement whose recorded hash is the hash of what is stored;
// Calloway/Lexora runs on an approved change order (version 2); the
// engagement at stage sow has a draft approved by the firm alone; this
// week's deadlines include one overdue; Lexora's reviewers have submitted
// and approved time, all within the rules time entries are held to.
func TestDemoStatementsOfWork(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		a := loaded(t, e)
		ctx := context.Background()
		today := domain.DateOf(t0)
		err := a.Store.Read(ctx, func(tx *store.Tx) error {
			list, err := tx.ListEngagements(ctx, store.Scope{All: true}, store.EngagementFilter{Page: store.Page{Limit: store.MaxPageSize}})
			if err != nil {
				return err
			}
			var sawChange, sawDraft, overdue, submitted, approved int
			for _, en := range list {
				vs, err := tx.SOWVersions(ctx, en.ID)
				if err != nil {
					return err
				}
				for _, v := range vs {
					if !v.Draft() && v.SHA256 != v.Hash() {
						t.Errorf("%s version %d: recorded hash is not the hash of its items", en.Description, v.Version)
					}
					if v.ChangeOrder() && !v.Draft() && v.Reason != "" {
						sawChange++
					}
				}
				switch en.Stage {
				case domain.StageActive, domain.StagePaused, domain.StageClosed:
					if cur, err := tx.CurrentSOW(ctx, en.ID); err != nil || len(cur.Items) == 0 {
						t.Errorf("%s (%s) has no approved statement: %v", en.Description, en.Stage, err)
					}
				case domain.StageSOW:
					d, err := tx.DraftSOW(ctx, en.ID)
					if err != nil || d.FirmApprovedBy == 0 || d.VendorApprovedBy != 0 {
						t.Errorf("the engagement at stage sow: draft %+v %v", d, err)
					}
					sawDraft++
				default:
					if len(vs) != 0 {
						t.Errorf("%s at %s already has a statement of work", en.Description, en.Stage)
					}
				}
				ds, err := tx.Deadlines(ctx, en.ID)
				if err != nil {
					return err
				}
				for _, d := range ds {
					if d.Overdue(today) {
						overdue++
					}
				}
				entries, err := tx.TimeEntries(ctx, en.ID, 0)
				if err != nil {
					return err
				}
				first, err := tx.FirstSOWApproval(ctx, en.ID)
				if err != nil {
					return err
				}
				for _, te := range entries {
					total, err := tx.DayTotal(ctx, te.UserID, te.WorkedOn, te.ID)
					if err != nil {
						return err
					}
					check := te
					if err := check.Validate(domain.TimeRules{Today: today, SOWOn: first, DayTotal: total, ItemExists: true}); err != nil {
						t.Errorf("demo time entry %d breaks the rules: %v", te.ID, err)
					}
					switch te.State {
					case domain.TimeSubmitted:
						submitted++
					case domain.TimeApproved:
						approved++
					}
				}
			}
			if sawChange != 1 || sawDraft != 1 || overdue != 1 || submitted == 0 || approved == 0 {
				t.Errorf("%d approved change orders, %d drafts at sow, %d overdue deadlines, %d submitted and %d approved entries", sawChange, sawDraft, overdue, submitted, approved)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
