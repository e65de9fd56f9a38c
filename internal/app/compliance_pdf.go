package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/pdf"
	"github.com/probity/probity/internal/store"
)

// ComplianceRecordPDF returns a matter's compliance record as a PDF, with
// the same facts as ComplianceRecord and for the same people, and a file
// name for it. The export is audited (matter.compliance_export) in the
// transaction that reads the record.
func (a *App) ComplianceRecordPDF(ctx context.Context, actor domain.User, matterID int64) ([]byte, string, error) {
	var out []byte
	var name string
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		r, err := a.complianceRecord(ctx, tx, actor, matterID)
		if err != nil {
			return err
		}
		if out, err = ComplianceRecordDocument(r); err != nil {
			return err
		}
		name = "compliance-record-" + safeFileName(r.Matter.Number) + ".pdf"
		copyOf := "firm"
		if r.ForClient {
			copyOf = "client"
		}
		return a.audit(ctx, tx, actor, Record{Action: "matter.compliance_export", ObjectType: "matter", ObjectID: matterID, MatterID: matterID,
			Summary: fmt.Sprintf("exported the compliance record of matter %s as PDF (%s copy, %d engagements, %d gaps)", r.Matter.Number, copyOf, len(r.Engagements), r.Gaps())})
	})
	return out, name, err
}

func safeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, s)
}

// ComplianceRecordDocument lays a compliance record out as a PDF.
func ComplianceRecordDocument(r ComplianceRecord) ([]byte, error) {
	d := pdf.New(pdf.A4, "Compliance record: "+r.Matter.Number+" "+r.Matter.Title)
	d.SetCreationDate(r.Generated)
	d.Heading("Compliance record")
	d.Paragraph(fmt.Sprintf("Matter %s: %s\nClient: %s\nResponsible attorney: %s\nPrepared on %s",
		r.Matter.Number, r.Matter.Title, r.Client.Name, r.Responsible.Name, r.Generated.UTC().Format("2 January 2006, 15:04 UTC")))
	d.Paragraph("For each vendor engaged on this matter, this record shows the evidence of every obligation the firm " +
		"owes when it outsources work: who did what, and when. Where nothing is recorded, it says so.")
	if g := r.Gaps(); g > 0 {
		d.Styled(fmt.Sprintf("%d obligations have nothing recorded (marked \"%s\").", g, NotRecorded), pdf.Style{Bold: true, Color: pdf.Red})
	}
	if len(r.Engagements) == 0 {
		d.Paragraph("No vendor has been engaged or proposed on this matter.")
	}
	for _, e := range r.Engagements {
		d.Subheading(e.Engagement.VendorName)
		d.Paragraph(fmt.Sprintf("%s, stage: %s. Supervising attorney: %s.", e.Engagement.Service.Label(), e.Engagement.Stage.Label(), e.Engagement.SupervisorName))
		var rows [][]pdf.Cell
		for _, o := range e.Obligations {
			status := pdf.Cell{Text: o.Status, Bold: true}
			switch o.State {
			case ObligationGap:
				status.Color = pdf.Red
			case ObligationMet:
				status.Color = pdf.Green
			}
			var facts []string
			for _, f := range o.Facts {
				line := f.What
				if f.On != "" || f.By != "" {
					line += " (" + strings.TrimSpace(strings.Join(nonEmpty(f.On, f.By), ", ")) + ")"
				}
				facts = append(facts, line)
			}
			rows = append(rows, []pdf.Cell{{Text: o.Name, Bold: true}, status, pdf.Text(strings.Join(facts, "\n"))})
		}
		d.Table([]string{"Obligation", "Status", "Evidence (day, who)"}, []float64{1.7, 1.4, 3.4}, rows)
	}
	return d.Bytes()
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
