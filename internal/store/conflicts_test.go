package store_test

import (
	"context"
	"testing"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

func TestConflictStorage(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		v := mustCreateVendor(t, s, "Meridian Discovery", "GB", "GBP")
		other := mustCreateVendor(t, s, "Lexora", "IN", "INR")
		c := mustCreateClient(t, s, "C-1", "Calloway")
		att := mustCreateUser(t, s, domain.User{Email: "att@example.com", Name: "Att", Role: domain.RoleAttorney})
		m := mustCreateMatter(t, s, domain.Matter{ClientID: c.ID, Number: "2026-0001", Title: "Calloway v. Tidewater", ResponsibleAttorneyID: att.ID})
		mustCreateEngagement(t, s, engagementOn(m, v, att.ID, domain.StageProposed))
		mustCreateEngagement(t, s, engagementOn(m, other, att.ID, domain.StageClosed))
		party := domain.Party{MatterID: m.ID, Name: "Tidewater Logistics LLC", Role: domain.PartyAdverse, Aliases: []string{"TWL"}}
		write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.CreateParty(ctx, &party) })

		// A vendor discloses a name once per kind while it stands; after
		// removal it may disclose it again. Another vendor may disclose it too.
		d := domain.Disclosure{VendorID: v.ID, Name: "Tide Water Logistics", Kind: domain.DisclosureClient}
		write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.AddDisclosure(ctx, &d, t0) })
		err := s.Write(context.Background(), func(tx *store.Tx) error {
			dup := domain.Disclosure{VendorID: v.ID, Name: "TIDE WATER LOGISTICS", Kind: domain.DisclosureClient}
			return tx.AddDisclosure(context.Background(), &dup, t0)
		})
		wantCode(t, err, domain.EConflict, "the same name twice")
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			adverse := domain.Disclosure{VendorID: v.ID, Name: "Tide Water Logistics", Kind: domain.DisclosureAdverse}
			theirs := domain.Disclosure{VendorID: other.ID, Name: "Tide Water Logistics", Kind: domain.DisclosureClient}
			if err := tx.AddDisclosure(ctx, &adverse, t0); err != nil {
				return err
			}
			return tx.AddDisclosure(ctx, &theirs, t0)
		})
		err = s.Write(context.Background(), func(tx *store.Tx) error {
			bad := domain.Disclosure{VendorID: v.ID, Name: "Someone", Kind: domain.DisclosureClient, UserID: att.ID}
			return tx.AddDisclosure(context.Background(), &bad, t0)
		})
		if err == nil {
			t.Fatal("a client disclosure naming a person was stored")
		}

		// Hits: one row per pair; resolving needs a standing hit; counts.
		h := domain.ConflictHit{MatterID: m.ID, VendorID: v.ID, PartyID: party.ID, PartyName: "Tidewater Logistics LLC", PartyLabel: party.Name,
			PartyRole: party.Role, DisclosureID: d.ID, DisclosedName: d.Name, Score: 0.9134, Reasons: []string{"legal form differs", "'Tide water' written as one word"}}
		write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.InsertConflictHit(ctx, &h, t0) })
		err = s.Write(context.Background(), func(tx *store.Tx) error {
			again := h
			return tx.InsertConflictHit(context.Background(), &again, t0)
		})
		wantCode(t, err, domain.EConflict, "the same pair twice")
		read(t, s, func(ctx context.Context, tx *store.Tx) error {
			got, err := tx.ConflictHit(ctx, h.ID)
			if err != nil {
				return err
			}
			if got.Score != 0.913 || len(got.Reasons) != 2 || got.Reasons[1] != h.Reasons[1] || got.Status != domain.HitOpen || !got.Current() ||
				got.DisclosureKind != domain.DisclosureClient || !got.FoundAt.Equal(t0) {
				t.Errorf("hit %+v", got)
			}
			open, blocked, err := tx.StandingHits(ctx, m.ID, v.ID)
			if open != 1 || blocked != 0 {
				t.Errorf("standing hits %d open, %d blocked", open, blocked)
			}
			return err
		})
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.ResolveConflictHit(ctx, h.ID, domain.Resolution{Status: domain.HitBlocked, Reason: "same company"}, att.ID, t0)
		})
		write(t, s, func(ctx context.Context, tx *store.Tx) error { return tx.ObsoleteConflictHit(ctx, h.ID, t0) })
		err = s.Write(context.Background(), func(tx *store.Tx) error {
			return tx.ResolveConflictHit(context.Background(), h.ID, domain.Resolution{Status: domain.HitCleared, Reason: "x"}, att.ID, t0)
		})
		wantCode(t, err, domain.ENotFound, "resolving an obsolete hit")
		read(t, s, func(ctx context.Context, tx *store.Tx) error {
			hs, err := tx.ConflictHits(ctx, m.ID, v.ID, false)
			if err != nil || len(hs) != 0 {
				t.Errorf("standing hits after obsolete: %+v, %v", hs, err)
			}
			hs, err = tx.ConflictHits(ctx, m.ID, v.ID, true)
			if err != nil || len(hs) != 1 || hs[0].Status != domain.HitBlocked || hs[0].Current() || hs[0].ResolvedByName != "Att" {
				t.Errorf("all hits: %+v, %v", hs, err)
			}
			open, blocked, err := tx.StandingHits(ctx, m.ID, v.ID)
			if open != 0 || blocked != 0 {
				t.Errorf("an obsolete hit still stands: %d open, %d blocked", open, blocked)
			}
			return err
		})

		// Checks and the generation; engagements not closed.
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.SetConflictCheck(ctx, m.ID, v.ID, t0, "a"); err != nil {
				return err
			}
			if err := tx.SetConflictCheck(ctx, m.ID, v.ID, t0.Add(1e9), "b"); err != nil {
				return err
			}
			return tx.BumpConflictGeneration(ctx)
		})
		read(t, s, func(ctx context.Context, tx *store.Tx) error {
			c, err := tx.LastConflictCheck(ctx, m.ID, v.ID)
			if err != nil || c.Inputs != "b" || !c.CheckedAt.Equal(t0.Add(1e9)) {
				t.Errorf("last check %+v, %v", c, err)
			}
			if c, err := tx.LastConflictCheck(ctx, m.ID, other.ID); err != nil || !c.CheckedAt.IsZero() {
				t.Errorf("a check that never ran: %+v, %v", c, err)
			}
			if g, err := tx.ConflictGeneration(ctx); err != nil || g != 1 {
				t.Errorf("generation %d, %v", g, err)
			}
			vs, err := tx.OpenEngagementVendors(ctx, m.ID)
			if err != nil || len(vs) != 1 || vs[0] != v.ID {
				t.Errorf("vendors with open engagements: %v, %v", vs, err)
			}
			in, err := tx.ConflictInputs(ctx, m.ID, v.ID)
			if err != nil || len(in.Parties) != 1 || len(in.Disclosures) != 2 || in.Digest == "" {
				t.Errorf("inputs %+v, %v", in, err)
			}
			names, err := tx.IndexedNames(ctx)
			if err != nil || len(names) != 2+3 {
				t.Errorf("indexed names %+v, %v", names, err)
			}
			return nil
		})

		// Removing a disclosure changes the inputs' digest; removing it twice is not found.
		var before string
		read(t, s, func(ctx context.Context, tx *store.Tx) error {
			in, err := tx.ConflictInputs(ctx, m.ID, v.ID)
			before = in.Digest
			return err
		})
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			return tx.RemoveDisclosure(ctx, d.ID, att.ID, "ended", t0)
		})
		err = s.Write(context.Background(), func(tx *store.Tx) error { return tx.RemoveDisclosure(context.Background(), d.ID, att.ID, "ended", t0) })
		wantCode(t, err, domain.ENotFound, "removing a removed disclosure")
		read(t, s, func(ctx context.Context, tx *store.Tx) error {
			in, err := tx.ConflictInputs(ctx, m.ID, v.ID)
			if err != nil || in.Digest == before || len(in.Disclosures) != 1 {
				t.Errorf("inputs after removal: %+v, %v", in, err)
			}
			got, err := tx.Disclosure(ctx, d.ID)
			if err != nil || got.RemovedAt.IsZero() {
				t.Errorf("removed disclosure %+v, %v", got, err)
			}
			return nil
		})
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			d2 := domain.Disclosure{VendorID: v.ID, Name: "Tide Water Logistics", Kind: domain.DisclosureClient}
			return tx.AddDisclosure(ctx, &d2, t0)
		})
	})
}
