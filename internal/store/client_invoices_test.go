package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// Client invoices round-trip on both engines: numbers per year and kind,
// lines streamed in chunks, scope (a screened attorney and the other
// client see nothing), and state changes as compare-and-set.
func TestClientInvoiceStore(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		s := testenv.OpenStore(t, e)
		w := buildWorld(t, s)
		usd := func(m int64) domain.Money { return domain.NewMoney(m, "USD") }
		n := store.ClientInvoiceLineChunk + 3
		lines := make([]domain.ClientInvoiceLine, n)
		for i := range lines {
			lines[i] = domain.ClientInvoiceLine{Position: int64(i + 1), Type: "F", Source: domain.SourceFirmTime, Date: "2026-02-02", Units: 100,
				UnitCost: usd(100), Adjustment: usd(0), Total: usd(100), TaskCode: "L120", ActivityCode: "A101", TimekeeperID: "MO", TimekeeperName: "Marcus",
				Classification: domain.ClassPartner, VendorCost: usd(0), InHouse: usd(0)}
		}
		inv := domain.ClientInvoice{Kind: domain.KindInvoice, MatterID: w.m1.ID, ClientID: w.clientA.ID, Currency: "USD", Date: "2026-03-01",
			Start: "2026-02-01", End: "2026-02-28", State: domain.InvoiceDraft, CreatedBy: w.att.ID, CreatedAt: t0,
			Flags:        []domain.PolicyFlag{{Code: domain.FlagFeeAboveInHouse, Message: "too much"}},
			Transparency: domain.Transparency{VendorCost: usd(1000), InHouse: usd(3000), Charged: usd(1500)}}
		inv, lines, err := domain.Totals(inv, lines)
		if err != nil {
			t.Fatal(err)
		}
		write(t, s, func(ctx context.Context, tx *store.Tx) error {
			var err error
			if inv.Number, err = tx.NextClientInvoiceNumber(ctx, domain.KindInvoice, 2026); err != nil {
				return err
			}
			return tx.CreateClientInvoice(ctx, &inv, lines)
		})
		var got domain.ClientInvoice
		var count int
		var next, nextCN string
		read(t, s, func(ctx context.Context, tx *store.Tx) (err error) {
			if got, err = tx.ClientInvoice(ctx, store.Scope{All: true}, inv.ID); err != nil {
				return err
			}
			for l, err := range tx.EachClientInvoiceLine(ctx, inv.ID, "USD") {
				if err != nil {
					return err
				}
				if l.Position != int64(count+1) {
					return fmt.Errorf("line %d at %d", l.Position, count)
				}
				count++
			}
			if next, err = tx.NextClientInvoiceNumber(ctx, domain.KindInvoice, 2026); err != nil {
				return err
			}
			if nextCN, err = tx.NextClientInvoiceNumber(ctx, domain.KindCreditNote, 2026); err != nil {
				return err
			}
			for _, sc := range []store.Scope{{UserID: w.screened.ID}, {UserID: w.contactB.ID, ClientID: w.clientB.ID}} {
				if _, err := tx.ClientInvoice(ctx, sc, inv.ID); domain.ErrorCode(err) != domain.ENotFound {
					return fmt.Errorf("scope %+v sees the invoice: %v", sc, err)
				}
			}
			return nil
		})
		if got.Number != "INV-2026-0001" || got.Total != usd(int64(n)*100) || got.LineCount != int64(n) || len(got.Flags) != 1 || !got.Held() ||
			got.Transparency.ClientSaving != usd(1500) || got.MatterNumber != "2026-0142" {
			t.Fatalf("round trip: %+v", got)
		}
		if count != n || next != "INV-2026-0002" || nextCN != "CN-2026-0001" {
			t.Fatalf("streamed %d of %d; next %s, %s", count, n, next, nextCN)
		}
		// A state change is a compare-and-set: moving from a state the
		// invoice is not in is a conflict.
		ctx := context.Background()
		err = s.Write(ctx, func(tx *store.Tx) error {
			return tx.MoveClientInvoice(ctx, inv.ID, store.ClientInvoiceMove{From: []domain.InvoiceState{domain.InvoiceApproved}, To: domain.InvoiceSent, By: w.att.ID, At: t0}, "stale")
		})
		if domain.ErrorCode(err) != domain.EConflict {
			t.Fatalf("move from the wrong state: %v", err)
		}
	})
}
