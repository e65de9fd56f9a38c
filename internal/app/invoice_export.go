package app

import (
	"context"
	"fmt"
	"io"
	"iter"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/ledes"
	"github.com/probity/probity/internal/progress"
	"github.com/probity/probity/internal/store"
)

// Exports of client invoices (issue 8 part 4): the LEDES 1998B file and the
// PDF invoice. One access rule serves every surface (exportableInvoice):
// firm users who can see the matter (ViewClientInvoices and the scope, the
// second factor on a highly confidential matter), and the client's contacts
// once the invoice is sent, paid or written off — a draft or approved
// invoice is not found for them. A draft is never exported as LEDES (it
// may still change); approved, sent, paid and written-off invoices and
// credit notes are. Lines stream from the database in position order
// (store.Tx.ExportInvoiceLines), so an invoice of a million lines is
// written in constant memory; every successful export is audited
// (client_invoice.ledes_export, client_invoice.pdf_export).

// clientMayExport reports whether a client contact may see an invoice in state s.
func clientMayExport(s domain.InvoiceState) bool {
	return s == domain.InvoiceSent || s == domain.InvoicePaid || s == domain.InvoiceWrittenOff
}

// exportableInvoice loads invoice id for actor, or refuses: forbidden
// without ViewClientInvoices, not found outside the scope (and, for a
// client contact, before it is sent), the second-factor gate on a highly
// confidential matter.
func (a *App) exportableInvoice(ctx context.Context, tx *store.Tx, actor domain.User, id int64) (store.InvoiceExport, error) {
	if err := require(actor, ViewClientInvoices); err != nil {
		return store.InvoiceExport{}, err
	}
	scope := ScopeFor(actor)
	x, err := tx.ExportInvoice(ctx, scope, id)
	if err != nil {
		return x, err
	}
	if actor.Role.IsClient() && !clientMayExport(x.Invoice.State) {
		return store.InvoiceExport{}, domain.NotFound("invoice")
	}
	m, err := tx.Matter(ctx, scope, x.Invoice.MatterID)
	if err != nil {
		return store.InvoiceExport{}, err
	}
	if err := a.confidentialGate(ctx, tx, actor, m); err != nil {
		return store.InvoiceExport{}, err
	}
	return x, nil
}

// ExportInvoiceID resolves an invoice or credit note number to its id for
// actor (the CLI's --invoice NUMBER); an invoice outside the actor's scope
// is not found.
func (a *App) ExportInvoiceID(ctx context.Context, actor domain.User, number string) (int64, error) {
	if err := require(actor, ViewClientInvoices); err != nil {
		return 0, err
	}
	if number == "" {
		return 0, domain.Invalid("invoice", "give the invoice number (such as INV-2026-0001)")
	}
	var id int64
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		id, err = tx.ExportInvoiceID(ctx, ScopeFor(actor), number)
		if domain.ErrorCode(err) == domain.ENotFound {
			return domain.Errorf(domain.ENotFound, "no invoice numbered %q", number)
		}
		return err
	})
	return id, err
}

// LEDESFileName is the download name of an invoice's LEDES file.
func LEDESFileName(number string) string { return safeFileName(number) + ".ledes" }

// ExportLEDES writes invoice id as a LEDES 1998B file to w, streaming its
// lines from the database and reporting them to ctx's progress.Func. On any
// error, a cancelled ctx included, the output written so far is not a valid
// file and must be discarded (the web and CLI write to a temporary file
// first).
func (a *App) ExportLEDES(ctx context.Context, actor domain.User, id int64, w io.Writer) error {
	_, err := a.LEDESDownload(ctx, actor, id, w)
	return err
}

// LEDESDownload is ExportLEDES returning the file's name too
// (INV-2026-0001.ledes).
func (a *App) LEDESDownload(ctx context.Context, actor domain.User, id int64, w io.Writer) (string, error) {
	var x store.InvoiceExport
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		if x, err = a.exportableInvoice(ctx, tx, actor, id); err != nil {
			return err
		}
		inv := x.Invoice
		if inv.State == domain.InvoiceDraft {
			return domain.Errorf(domain.EConflict, "invoice %s is a draft and may still change: approve it first, then export it as LEDES", inv.Number)
		}
		lw := ledes.NewWriter(w)
		lines := reportLines(ctx, "Exporting "+inv.Number, inv.LineCount, tx.ExportInvoiceLines(ctx, inv.ID, inv.Currency))
		if err := lw.WriteInvoice(LEDESInvoice(x), LEDESLines(lines)); err != nil {
			return err
		}
		return lw.Flush()
	})
	if err != nil {
		return "", err
	}
	inv := x.Invoice
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		return a.audit(ctx, tx, actor, Record{Action: "client_invoice.ledes_export", ObjectType: "client_invoice", ObjectID: inv.ID, MatterID: inv.MatterID,
			Summary: fmt.Sprintf("exported %s %s (matter %s, %d lines, %s) as LEDES 1998B", kindWord(inv), inv.Number, inv.MatterNumber, inv.LineCount, inv.Total)})
	})
	return LEDESFileName(inv.Number), err
}

func kindWord(inv domain.ClientInvoice) string {
	if inv.Kind == domain.KindCreditNote {
		return "credit note"
	}
	return "invoice"
}

// LEDESInvoice maps an invoice's header to the LEDES invoice-level fields:
// CLIENT_ID is the client's number, LAW_FIRM_MATTER_ID the matter's,
// LAW_FIRM_ID the firm's tax id.
func LEDESInvoice(x store.InvoiceExport) ledes.Invoice {
	inv := x.Invoice
	return ledes.Invoice{Date: inv.Date, Number: inv.Number, ClientID: x.ClientNumber, LawFirmMatterID: inv.MatterNumber,
		Start: inv.Start, End: inv.End, Description: inv.Description, LawFirmID: x.Firm.TaxID, Total: inv.Total}
}

// LEDESLine maps one client invoice line to a LEDES line item, field by field.
func LEDESLine(l domain.ClientInvoiceLine) ledes.Line {
	return ledes.Line{Number: int(l.Position), Type: l.Type, Units: l.Units, Adjustment: l.Adjustment, Total: l.Total,
		UnitCost: l.UnitCost, Date: l.Date, TaskCode: l.TaskCode, ExpenseCode: l.ExpenseCode, ActivityCode: l.ActivityCode,
		TimekeeperID: l.TimekeeperID, Description: l.Description, TimekeeperName: l.TimekeeperName,
		TimekeeperClassification: string(l.Classification)}
}

// reportLines passes lines through, reporting the first and every
// thousandth to ctx's progress.Func, and ends the stream with ctx's error
// once it is cancelled.
func reportLines(ctx context.Context, stage string, total int64, lines iter.Seq2[domain.ClientInvoiceLine, error]) iter.Seq2[domain.ClientInvoiceLine, error] {
	return func(yield func(domain.ClientInvoiceLine, error) bool) {
		var n int64
		for l, err := range lines {
			if err == nil {
				err = ctx.Err()
			}
			if n++; err == nil && (n == 1 || n%1000 == 0) {
				progress.Report(ctx, stage, n, total)
			}
			if !yield(l, err) || err != nil {
				return
			}
		}
		progress.Report(ctx, stage, n, max(n, total))
	}
}

// LEDESLines maps a stream of invoice lines to LEDES line items.
func LEDESLines(lines iter.Seq2[domain.ClientInvoiceLine, error]) iter.Seq2[ledes.Line, error] {
	return func(yield func(ledes.Line, error) bool) {
		for l, err := range lines {
			if !yield(LEDESLine(l), err) {
				return
			}
		}
	}
}
