package store_test

import (
	"context"
	"testing"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// Timekeepers and their dated rates round-trip on both engines; a LEDES id
// is unique and one day takes one rate; refused writes leave no rows.
func TestTimekeeperStore(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		w := buildWorld(t, s)
		ctx := context.Background()
		usd := func(m int64) domain.Money { return domain.NewMoney(m, "USD") }
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.SaveTimekeeper(ctx, domain.Timekeeper{UserID: w.att.ID, LEDESID: "MO-01", Classification: domain.ClassPartner}, w.admin.ID, t0); err != nil {
				return err
			}
			for _, r := range []domain.Rate{{Effective: "2025-01-01", Amount: usd(87500)}, {Effective: "2026-01-01", Amount: usd(95000)}} {
				r.SetBy, r.SetAt = w.admin.ID, t0
				if err := tx.AddTimekeeperRate(ctx, w.att.ID, &r); err != nil {
					return err
				}
			}
			return tx.SaveTimekeeper(ctx, domain.Timekeeper{UserID: w.screened.ID, LEDESID: "PR-02", Classification: domain.ClassAssociate}, w.admin.ID, t0)
		})
		var tk domain.Timekeeper
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			tk, err = tx.Timekeeper(ctx, w.att.ID)
			return err
		})
		if tk.LEDESID != "MO-01" || tk.Classification != domain.ClassPartner || tk.Name != "Marcus" || len(tk.Rates) != 2 ||
			tk.Rates[0].Effective != "2026-01-01" || tk.Rates[0].Amount != usd(95000) || tk.Rates[1].Amount != usd(87500) || tk.Rates[0].SetByName != "Eleanor" {
			t.Fatalf("timekeeper round trip: %+v", tk)
		}
		if r, err := tk.RateOn("2025-12-31"); err != nil || r.Amount != usd(87500) {
			t.Errorf("rate on 2025-12-31: %v %v", r, err)
		}
		var all []domain.Timekeeper
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) { all, err = tx.Timekeepers(ctx); return err })
		if len(all) != 2 || all[0].Name != "Marcus" || len(all[0].Rates) != 2 || all[1].Name != "Priya" || len(all[1].Rates) != 0 {
			t.Fatalf("timekeepers: %+v", all)
		}
		read(t, s, func(ctx context.Context, tx *store.Tx) error {
			got, err := tx.TimekeeperByLEDESID(ctx, "mo-01")
			if err != nil || got.UserID != w.att.ID {
				t.Errorf("by LEDES id: %+v %v", got, err)
			}
			_, err = tx.Timekeeper(ctx, w.admin.ID)
			wantCode(t, err, domain.ENotFound, "no timekeeper")
			return nil
		})
		before := count(t, s, "timekeeper_rates")
		err := s.Write(ctx, func(tx *store.Tx) error {
			r := domain.Rate{Effective: "2026-01-01", Amount: usd(99000), SetBy: w.admin.ID, SetAt: t0}
			return tx.AddTimekeeperRate(ctx, w.att.ID, &r)
		})
		wantCode(t, err, domain.EConflict, "same effective day twice")
		err = s.Write(ctx, func(tx *store.Tx) error {
			return tx.SaveTimekeeper(ctx, domain.Timekeeper{UserID: w.admin.ID, LEDESID: "MO-01", Classification: domain.ClassPartner}, w.admin.ID, t0)
		})
		wantCode(t, err, domain.EConflict, "duplicate LEDES id")
		if n := count(t, s, "timekeeper_rates"); n != before {
			t.Errorf("refused rate left rows: %d, want %d", n, before)
		}
		if n := count(t, s, "timekeepers"); n != 2 {
			t.Errorf("refused timekeeper left rows: %d timekeepers", n)
		}
	})
}

// Rate card lines keep every dated line; the same thing priced twice from
// the same day is refused (a fixed fee for no work item included).
func TestRateCardStore(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		w := buildWorld(t, s)
		ctx := context.Background()
		inr := func(m int64) domain.Money { return domain.NewMoney(m, "INR") }
		lines := []domain.RateCardLine{
			{Kind: domain.RateHourly, Classification: domain.ClassAssociate, Description: "Reviewer", Amount: inr(200000), Effective: "2025-01-01"},
			{Kind: domain.RateHourly, Classification: domain.ClassAssociate, Description: "Reviewer", Amount: inr(220000), Effective: "2026-01-01"},
			{Kind: domain.RatePerUnit, Unit: "document", Amount: inr(4500), Effective: "2026-01-01"},
			{Kind: domain.RateFixed, Amount: inr(5000000), Effective: "2026-01-01"},
		}
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			for i := range lines {
				lines[i].EngagementID, lines[i].SetBy, lines[i].SetAt = w.e1.ID, w.att.ID, t0
				if err := tx.AddRateCardLine(ctx, &lines[i]); err != nil {
					return err
				}
			}
			return nil
		})
		var card []domain.RateCardLine
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) { card, err = tx.RateCard(ctx, w.e1.ID); return err })
		if len(card) != 4 || card[0].Kind != domain.RateFixed || card[1].Kind != domain.RateHourly || card[1].Effective != "2026-01-01" ||
			card[2].Amount != inr(200000) || card[3].Unit != "document" || card[3].SetByName != "Marcus" || card[1].Description != "Reviewer" {
			t.Fatalf("rate card: %+v", card)
		}
		read(t, s, func(ctx context.Context, tx *store.Tx) error {
			other, err := tx.RateCard(ctx, w.e3.ID)
			if err != nil || len(other) != 0 {
				t.Errorf("another engagement's card: %v %v", other, err)
			}
			return nil
		})
		for _, dup := range []domain.RateCardLine{
			{Kind: domain.RatePerUnit, Unit: "Document", Amount: inr(5000), Effective: "2026-01-01"},
			{Kind: domain.RateFixed, Amount: inr(100), Effective: "2026-01-01"},
		} {
			err := s.Write(ctx, func(tx *store.Tx) error {
				dup.EngagementID, dup.SetBy, dup.SetAt = w.e1.ID, w.att.ID, t0
				return tx.AddRateCardLine(ctx, &dup)
			})
			wantCode(t, err, domain.EConflict, "the same line twice from the same day")
		}
		if n := count(t, s, "rate_card_lines"); n != 4 {
			t.Errorf("refused lines left rows: %d, want 4", n)
		}
	})
}
