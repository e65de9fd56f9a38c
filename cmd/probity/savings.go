package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/web"
)

// Savings from the command line, the same figures as /savings and
// /savings.csv (internal/app/savings.go).

// savings runs `probity savings`.
func (m *Main) savings(ctx context.Context, args []string) error {
	var as, matter string
	var asCSV bool
	var q app.SavingsQuery
	const synopsis = "savings --as EMAIL [--by week|month] [--matter NUMBER] [--vendor ID] [--client NUMBER] [--from D] [--to D] [--csv] [flags]"
	c, fs, err := m.parse("savings", synopsis, args, func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the user to act as")
		fs.StringVar(&q.By, "by", "week", "week or month")
		fs.StringVar(&matter, "matter", "", "only this matter (its number)")
		fs.Int64Var(&q.VendorID, "vendor", 0, "only this vendor (its id)")
		fs.StringVar(&q.ClientNumber, "client", "", "only this client (its number)")
		fs.StringVar(&q.From, "from", "", "first day (default: 12 periods back)")
		fs.StringVar(&q.To, "to", "", "last day (default: today)")
		fs.BoolVar(&asCSV, "csv", false, "write the figures as CSV, as /savings.csv does")
	})
	if err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(as) == "":
		return usageError("savings needs --as EMAIL: the user to act as")
	case fs.NArg() > 0:
		return usageError(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	a, actor, done, ctx, err := m.cliActor(ctx, c, as)
	if err != nil {
		return err
	}
	defer done()
	q.MatterNumber = matter
	v, err := a.Savings(ctx, actor, q)
	if err != nil {
		return err
	}
	if asCSV {
		w := csv.NewWriter(m.Stdout)
		_ = w.Write(web.SavingsCSVHeader)
		_ = w.WriteAll(web.SavingsCSVRows(v.SavingsReport))
		return w.Error()
	}
	fmt.Fprintf(m.Stdout, "Savings per %s, %s to %s (%s)\n", v.By, v.From, v.To, v.Currency)
	fmt.Fprintf(m.Stdout, "%-10s %10s %10s %10s %10s %16s %16s %16s %16s %16s %8s %14s\n", "PERIOD", "BASELINE", "SUPERV.", "REWORK", "FREED",
		"VENDOR COST", "IN-HOUSE", "CHARGED", "FIRM SAVED", "CLIENT SAVED", "PASSED", "BLENDED/H")
	line := func(label string, f domain.SavingsFigures) {
		fmt.Fprintf(m.Stdout, "%-10s %10s %10s %10s %10s %16s %16s %16s %16s %16s %8s %14s\n", label, domain.FormatUnits(f.BaselineHours),
			domain.FormatUnits(f.SupervisionHours), domain.FormatUnits(f.ReworkHours), domain.FormatUnits(f.HoursFreed()), f.VendorCost.Decimal(),
			f.InHouse.Decimal(), f.Charged.Decimal(), f.FirmSaving().Decimal(), f.ClientSaving().Decimal(), f.SharePassed(), f.Blended())
	}
	for _, p := range v.Periods {
		line(p.Label, p.SavingsFigures)
	}
	line("TOTAL", v.Total)
	return nil
}
