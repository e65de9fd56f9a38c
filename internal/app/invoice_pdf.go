package app

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/pdf"
	"github.com/probity/probity/internal/store"
)

// PDFInvoiceLines is how many lines the PDF invoice lists; a larger invoice
// ends its tables with a line saying how many more are in the LEDES file.
const PDFInvoiceLines = 1000

// FirmAddressSetting is the firm-wide setting holding the firm's postal
// address as one line, printed under its name on PDF invoices (optional).
const FirmAddressSetting = "firm_address"

// NeverBilled is the sentence every invoice carries (ABA Op. 512).
const NeverBilled = "Time saved by outsourcing is never billed."

// InvoiceDocument is what the PDF invoice shows: the invoice, the first
// PDFInvoiceLines of its lines, and the firm's address line.
type InvoiceDocument struct {
	store.InvoiceExport
	Lines       []domain.ClientInvoiceLine
	FirmAddress string
}

// InvoicePDF writes invoice id as a PDF a client would be happy to receive,
// for the same people who may export it (exportableInvoice; drafts
// included for the firm, marked as drafts). The export is audited
// (client_invoice.pdf_export).
func (a *App) InvoicePDF(ctx context.Context, actor domain.User, id int64, w io.Writer) error {
	_, err := a.PDFDownload(ctx, actor, id, w)
	return err
}

// PDFDownload is InvoicePDF returning the file's name too (INV-2026-0001.pdf).
func (a *App) PDFDownload(ctx context.Context, actor domain.User, id int64, w io.Writer) (string, error) {
	var doc InvoiceDocument
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		if doc.InvoiceExport, err = a.exportableInvoice(ctx, tx, actor, id); err != nil {
			return err
		}
		if doc.FirmAddress, _, err = tx.Setting(ctx, FirmAddressSetting); err != nil {
			return err
		}
		inv := doc.Invoice
		for l, err := range tx.ExportInvoiceLines(ctx, inv.ID, inv.Currency) {
			if err != nil {
				return err
			}
			if len(doc.Lines) == PDFInvoiceLines {
				break
			}
			doc.Lines = append(doc.Lines, l)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	b, err := InvoicePDFDocument(doc)
	if err != nil {
		return "", err
	}
	inv := doc.Invoice
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		return a.audit(ctx, tx, actor, Record{Action: "client_invoice.pdf_export", ObjectType: "client_invoice", ObjectID: inv.ID, MatterID: inv.MatterID,
			Summary: fmt.Sprintf("exported %s %s (matter %s, %s) as PDF", kindWord(inv), inv.Number, inv.MatterNumber, inv.Total)})
	})
	if err != nil {
		return "", err
	}
	if _, err := w.Write(b); err != nil {
		return "", err
	}
	return safeFileName(inv.Number) + ".pdf", nil
}

// stateLabel names an invoice's state for the client.
func stateLabel(s domain.InvoiceState) string {
	switch s {
	case domain.InvoiceDraft:
		return "Draft (not yet approved)"
	case domain.InvoiceApproved:
		return "Approved (not yet sent)"
	case domain.InvoiceSent:
		return "Sent"
	case domain.InvoicePaid:
		return "Paid"
	case domain.InvoiceWrittenOff:
		return "Written off"
	}
	return string(s)
}

// longDate renders 2026-03-02 as "2 March 2026".
func longDate(d domain.Date) string {
	if d == "" {
		return ""
	}
	return d.Time().Format("2 January 2006")
}

// InvoiceTransparency completes the transparency block stored on an
// invoice (vendor cost, overhead, in-house equivalent, amount charged) with
// the client's saving, its percentage of the in-house equivalent, and the
// share of the firm's saving passed on, rounded by domain.ScaleAmount.
func InvoiceTransparency(t domain.Transparency) (domain.Transparency, error) {
	cur := t.InHouse.Currency
	t.ClientSaving = domain.NewMoney(t.InHouse.Minor-t.Charged.Minor, cur)
	t.SavingPercentBP, t.SavingSharedBP = 0, 0
	if t.InHouse.Minor > 0 {
		pct, err := domain.ScaleAmount(t.ClientSaving, 10000, t.InHouse.Minor, cur)
		if err != nil {
			return t, err
		}
		t.SavingPercentBP = int(pct.Minor)
	}
	if firm := t.FirmSaving(); firm.Minor > 0 {
		share, err := domain.ScaleAmount(t.ClientSaving, 10000, firm.Minor, cur)
		if err != nil {
			return t, err
		}
		t.SavingSharedBP = int(share.Minor)
	}
	return t, nil
}

// InvoicePDFDocument lays an invoice out as a PDF.
func InvoicePDFDocument(doc InvoiceDocument) ([]byte, error) {
	inv := doc.Invoice
	title := "Invoice " + inv.Number
	if inv.Kind == domain.KindCreditNote {
		title = "Credit note " + inv.Number
	}
	d := pdf.New(pdf.Letter, doc.Firm.Name+" - "+title)
	d.SetCreationDate(inv.Date.Time())
	d.Heading(doc.Firm.Name)
	var firm []string
	if a := strings.TrimSpace(doc.FirmAddress); a != "" {
		firm = append(firm, a)
	}
	if doc.Firm.TaxID != "" {
		firm = append(firm, "Tax ID "+doc.Firm.TaxID)
	}
	if len(firm) > 0 {
		d.Styled(strings.Join(firm, " | "), pdf.Style{Color: pdf.Grey})
	}
	d.Subheading(title)
	if inv.Kind == domain.KindCreditNote {
		credits := doc.CreditsNumber
		if credits == "" {
			credits = "an earlier invoice"
		}
		d.Styled("Credit note correcting invoice "+credits+".", pdf.Style{Bold: true})
	}
	d.Table([]string{"Invoice", ""}, []float64{1.3, 4}, [][]pdf.Cell{
		{{Text: "Client", Bold: true}, pdf.Text(inv.ClientName + " (client " + doc.ClientNumber + ")")},
		{{Text: "Matter", Bold: true}, pdf.Text(inv.MatterNumber + ": " + inv.MatterTitle)},
		{{Text: "Number", Bold: true}, pdf.Text(inv.Number)},
		{{Text: "Date", Bold: true}, pdf.Text(longDate(inv.Date))},
		{{Text: "Period", Bold: true}, pdf.Text(longDate(inv.Start) + " to " + longDate(inv.End))},
		{{Text: "State", Bold: true}, pdf.Text(stateLabel(inv.State))},
	})
	if inv.Description != "" {
		d.Paragraph(inv.Description)
	}

	var fees, expenses [][]pdf.Cell
	for _, l := range doc.Lines {
		desc := l.Description
		if l.Adjustment.Minor != 0 {
			desc = strings.TrimSpace(desc + " (adjustment " + l.Adjustment.String() + ")")
		}
		switch l.Type {
		case "E", "IE":
			expenses = append(expenses, []pdf.Cell{pdf.Text(string(l.Date)), pdf.Text(l.ExpenseCode), pdf.Text(desc), pdf.Text(domain.FormatUnits(l.Units)),
				pdf.Text(l.UnitCost.String()), pdf.Text(l.Total.String())})
		default:
			who := l.TimekeeperName
			if l.Classification != "" {
				who += " (" + string(l.Classification) + ")"
			}
			fees = append(fees, []pdf.Cell{pdf.Text(string(l.Date)), pdf.Text(who), pdf.Text(desc), pdf.Text(domain.FormatUnits(l.Units)),
				pdf.Text(l.UnitCost.String()), pdf.Text(l.Total.String())})
		}
	}
	widths := []float64{1.1, 1.6, 3.2, 0.8, 1.3, 1.4}
	if len(fees) > 0 {
		d.Subheading("Fees")
		d.Table([]string{"Date", "Timekeeper", "Description", "Hours", "Rate", "Amount"}, widths, fees)
	}
	if len(expenses) > 0 {
		d.Subheading("Expenses")
		d.Table([]string{"Date", "Code", "Description", "Units", "Unit cost", "Amount"}, widths, expenses)
	}
	if more := inv.LineCount - int64(len(doc.Lines)); more > 0 {
		d.Styled(fmt.Sprintf("This PDF lists the first %d of the invoice's %d lines; the %d more are in its LEDES file.",
			len(doc.Lines), inv.LineCount, more), pdf.Style{Bold: true})
	}

	d.Subheading("Totals")
	d.Table([]string{"Totals", "Amount"}, []float64{4, 1.6}, [][]pdf.Cell{
		{pdf.Text("Fees"), pdf.Text(inv.Fees.String())},
		{pdf.Text("Expenses"), pdf.Text(inv.Expenses.String())},
		{{Text: "Total due", Bold: true}, {Text: inv.Total.String(), Bold: true}},
	})

	if t := inv.Transparency; t.VendorCost.Minor != 0 || t.Charged.Minor != 0 || t.InHouse.Minor != 0 {
		t, err := InvoiceTransparency(t)
		if err != nil {
			return nil, err
		}
		d.Subheading("Outsourced work: what it cost and what you save")
		d.Paragraph("Part of the work on this invoice was done by a legal services provider under our supervision. " +
			"These are the figures for that work.")
		rows := [][]pdf.Cell{{pdf.Text("What the provider charged us (our cost)"), pdf.Text(t.VendorCost.String())}}
		if t.Overhead.Minor != 0 {
			rows = append(rows, []pdf.Cell{pdf.Text("Disclosed overhead share included in the amount charged"), pdf.Text(t.Overhead.String())})
		}
		rows = append(rows,
			[]pdf.Cell{pdf.Text("What the same work would have cost done in-house"), pdf.Text(t.InHouse.String())},
			[]pdf.Cell{pdf.Text("Amount charged to you for it"), pdf.Text(t.Charged.String())},
			[]pdf.Cell{{Text: "Your saving", Bold: true}, {Text: t.ClientSaving.String() + " (" + domain.FormatBP(t.SavingPercentBP) + ")", Bold: true, Color: pdf.Green}},
		)
		if t.FirmSaving().Minor > 0 {
			rows = append(rows, []pdf.Cell{pdf.Text("Share of the saving from outsourcing passed on to you"), pdf.Text(domain.FormatBP(t.SavingSharedBP))})
		}
		d.Table([]string{"Outsourced work", "Amount"}, []float64{4, 1.6}, rows)
	}
	d.Paragraph(NeverBilled)
	return d.Bytes()
}
