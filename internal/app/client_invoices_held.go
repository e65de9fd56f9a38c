package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// notifyInvoiceHeld tells the billing partners who may see the matter (not
// the actor, who has the invoice in front of them) that invoice inv, just
// drafted or recomputed, is held by the billing policy: kind
// invoice_flagged, the flags' explanations and a link to the invoice page.
// The firm's own people only: never a vendor, never the client. It does
// nothing when inv is not held, or when was (the invoice before a
// recompute) was held by the same flags, so they are told once.
func (a *App) notifyInvoiceHeld(ctx context.Context, tx *store.Tx, actor domain.User, inv domain.ClientInvoice, was *domain.ClientInvoice) ([]email, error) {
	if !inv.Held() || was != nil && was.Held() && policyFlagWords(was.Flags) == policyFlagWords(inv.Flags) {
		return nil, nil
	}
	partners, err := a.billingPartners(ctx, tx, inv.MatterID)
	if err != nil {
		return nil, err
	}
	var to []domain.User
	for _, u := range partners {
		if u.ID != actor.ID {
			to = append(to, u)
		}
	}
	verb := "drafted"
	if was != nil {
		verb = "recomputed"
	}
	var flags strings.Builder
	for _, f := range inv.Flags {
		fmt.Fprintf(&flags, "- %s\n", f.Message)
	}
	return a.notify(ctx, tx, notice{Kind: domain.NotifyInvoiceFlagged, MatterID: inv.MatterID,
		Subject: fmt.Sprintf("Client invoice %s on %s is held by the billing policy", inv.Number, inv.MatterNumber),
		Body: fmt.Sprintf("%s %s invoice %s to %s on matter %s, %s to %s, for %s. The firm's billing policy holds it:\n\n%s\nIt cannot be sent until a billing partner overrides the flags with a written reason, or it is corrected and recomputed.",
			actor.Name, verb, inv.Number, inv.ClientName, inv.MatterNumber, inv.Start, inv.End, inv.Total, flags.String()),
		Link: fmt.Sprintf("/invoices/%d", inv.ID)}, to...)
}
