package domain_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/ledes"
)

func usd(minor int64) domain.Money { return domain.Money{Minor: minor, Currency: "USD"} }

func baseInput() domain.AssembleInput {
	return domain.AssembleInput{
		Invoice: domain.ClientInvoice{Number: "INV-2026-0001", Kind: domain.KindInvoice, MatterID: 1, MatterNumber: "M-1", Currency: "USD",
			Date: "2026-03-01", Start: "2026-02-01", End: "2026-02-28"},
		Policy:      domain.DefaultBillingPolicy(),
		Timekeepers: map[int64]domain.Timekeeper{7: {UserID: 7, Name: "Marcus Oyelaran", LEDESID: "MO", Classification: domain.ClassPartner, Rates: []domain.Rate{{Effective: "2026-01-01", Amount: usd(50000)}}}},
	}
}

func vendorInvoice(id int64, cost, inHouse int64) domain.VendorInvoice {
	return domain.VendorInvoice{ID: id, EngagementID: 3, VendorID: 4, VendorName: "Lexora Légal", Number: fmt.Sprintf("LX-%d", id), Start: "2026-02-01", End: "2026-02-20",
		State: domain.VendorInvoiceApproved, FirmCost: usd(cost), Lines: []domain.VendorInvoiceLine{
			{ID: id*10 + 1, Kind: domain.RateHourly, UserID: 20, UserName: "Anaïs Roy", Classification: domain.ClassParalegal, WorkedOn: "2026-02-03", Quantity: 250,
				Amount: domain.Money{Minor: 300000, Currency: "INR"}, ApprovedAmount: domain.Money{Minor: 300000, Currency: "INR"}, State: domain.LineAccepted, TaskCode: "L320", ActivityCode: "A104", InHouse: usd(inHouse / 2)},
			{ID: id*10 + 2, Kind: domain.RateHourly, UserID: 21, UserName: "Raj Patel", Classification: domain.ClassAssociate, WorkedOn: "2026-02-04", Quantity: 125,
				Amount: domain.Money{Minor: 200000, Currency: "INR"}, ApprovedAmount: domain.Money{Minor: 200000, Currency: "INR"}, State: domain.LineAccepted, TaskCode: "L320", ActivityCode: "A104", InHouse: usd(inHouse - inHouse/2)},
			{ID: id*10 + 3, Kind: domain.RateHourly, UserID: 22, UserName: "Removed", WorkedOn: "2026-02-04", Quantity: 100, State: domain.LineRemoved, InHouse: usd(999999)},
		}}
}

func TestAssembleFirmTimeAndRework(t *testing.T) {
	in := baseInput()
	in.FirmTime = []domain.FirmTimeEntry{
		{ID: 1, UserID: 7, WorkedOn: "2026-02-02", Hours: 15, Purpose: domain.PurposeMatter, TaskCode: "L120", ActivityCode: "A101", Narrative: "Strategy | call"},
		{ID: 2, UserID: 7, WorkedOn: "2026-02-03", Hours: 10, Purpose: domain.PurposeRework, TaskCode: "L120", ActivityCode: "A101", Narrative: "Rework"},
	}
	inv, lines, err := domain.AssembleClientInvoice(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 || lines[0].Units != 150 || lines[0].Total != usd(75000) || lines[0].FirmTimeID != 1 || lines[0].Description != "Strategy / call" {
		t.Fatalf("lines = %+v", lines)
	}
	if inv.Total != usd(75000) || inv.Fees != usd(75000) || inv.LineCount != 1 || len(inv.Flags) != 0 {
		t.Fatalf("invoice = %+v", inv)
	}
	// No rate on the day: an error naming the person and the day.
	in.FirmTime[0].WorkedOn = "2025-12-31"
	in.Invoice.Start = "2025-12-01"
	_, _, err = domain.AssembleClientInvoice(in)
	if err == nil || !strings.Contains(err.Error(), "Marcus Oyelaran") || !strings.Contains(err.Error(), "2025-12-31") {
		t.Fatalf("err = %v", err)
	}
	// Only rework: nothing to bill.
	in.FirmTime = in.FirmTime[1:]
	if _, _, err := domain.AssembleClientInvoice(in); domain.ErrorField(err) != "period" {
		t.Fatalf("err = %v", err)
	}
}

func TestAssembleDisbursementAndFlags(t *testing.T) {
	in := baseInput()
	in.Invoice.OverheadBP = 500
	in.Outsourced = []domain.OutsourcedInvoice{{Invoice: vendorInvoice(1, 100000, 300000), Mode: domain.BillingDisbursement, Service: domain.ServiceDocumentReview}}
	inv, lines, err := domain.AssembleClientInvoice(in)
	if err != nil {
		t.Fatal(err)
	}
	l := lines[0]
	if len(lines) != 1 || l.Type != "E" || l.ExpenseCode != "E118" || l.Total != usd(105000) || l.VendorCost != usd(100000) || l.InHouse != usd(300000) ||
		!strings.Contains(l.Description, "at cost plus 5% overhead") || !strings.Contains(l.Description, "Lexora Legal") {
		t.Fatalf("line = %+v", l)
	}
	if inv.Transparency.Charged != usd(105000) || inv.Transparency.Overhead != usd(5000) || len(inv.Flags) != 0 {
		t.Fatalf("invoice = %+v", inv)
	}
	// A markup on a disbursement is flagged.
	in.Invoice.MarkupBP = 1000
	inv, _, err = domain.AssembleClientInvoice(in)
	if err != nil || len(inv.Flags) != 1 || inv.Flags[0].Code != domain.FlagDisbursementMarkup || !inv.Held() {
		t.Fatalf("flags = %+v, %v", inv.Flags, err)
	}
}

func TestAssembleFeeFlags(t *testing.T) {
	in := baseInput()
	in.Outsourced = []domain.OutsourcedInvoice{{Invoice: vendorInvoice(1, 100000, 300000), Mode: domain.BillingFee, Service: domain.ServiceLegalResearch}}
	in.Invoice.MarkupBP = 2500
	inv, lines, err := domain.AssembleClientInvoice(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 || lines[0].TimekeeperID != "V4-20" || lines[0].TimekeeperName != "Anais Roy" || lines[0].Units != 250 || len(inv.Flags) != 0 {
		t.Fatalf("lines = %+v flags %+v", lines, inv.Flags)
	}
	if inv.Total != usd(125000) || lines[0].VendorCost.Minor+lines[1].VendorCost.Minor != 100000 || lines[0].InHouse.Minor+lines[1].InHouse.Minor != 300000 {
		t.Fatalf("invoice = %+v lines %+v", inv, lines)
	}
	// Markup above the cap.
	in.Invoice.MarkupBP = 3000
	if inv, _, _ = domain.AssembleClientInvoice(in); !hasFlag(inv, domain.FlagFeeMarkupAboveCap) {
		t.Fatalf("flags = %+v", inv.Flags)
	}
	// A saving not passed on: the fee is close to the in-house cost.
	in.Invoice.MarkupBP = 2500
	in.Outsourced[0].Invoice = vendorInvoice(1, 100000, 130000)
	if inv, _, _ = domain.AssembleClientInvoice(in); !hasFlag(inv, domain.FlagSavingNotPassedOn) {
		t.Fatalf("flags = %+v", inv.Flags)
	}
	// An overhead on a fee is refused.
	in.Invoice.OverheadBP = 500
	if _, _, err := domain.AssembleClientInvoice(in); domain.ErrorField(err) != "overhead_percent" {
		t.Fatalf("err = %v", err)
	}
}

func hasFlag(inv domain.ClientInvoice, c domain.PolicyFlagCode) bool {
	for _, f := range inv.Flags {
		if f.Code == c {
			return true
		}
	}
	return false
}

func TestInHouseNeverBilled(t *testing.T) {
	// The in-house equivalent changes the transparency block, never a line.
	in := baseInput()
	for _, mode := range []domain.BillingMode{domain.BillingFee, domain.BillingDisbursement} {
		in.Outsourced = []domain.OutsourcedInvoice{{Invoice: vendorInvoice(1, 100000, 300000), Mode: mode}}
		a, la, err := domain.AssembleClientInvoice(in)
		if err != nil {
			t.Fatal(err)
		}
		in.Outsourced[0].Invoice = vendorInvoice(1, 100000, 9000000)
		b, lb, err := domain.AssembleClientInvoice(in)
		if err != nil {
			t.Fatal(err)
		}
		if a.Total != b.Total || len(la) != len(lb) || a.Transparency.InHouse == b.Transparency.InHouse {
			t.Fatalf("%s: the in-house equivalent reached the bill: %v vs %v", mode, a.Total, b.Total)
		}
		for i := range la {
			if la[i].Total != lb[i].Total || la[i].UnitCost != lb[i].UnitCost {
				t.Fatalf("%s: line %d changed with the in-house equivalent", mode, i+1)
			}
		}
	}
}

func TestAllocateExact(t *testing.T) {
	got, err := domain.Allocate(100, []int64{1, 1, 1})
	if err != nil || got[0]+got[1]+got[2] != 100 || got[0] != 34 {
		t.Fatalf("got %v, %v", got, err)
	}
	if _, err := domain.Allocate(5, []int64{0, 0}); err == nil {
		t.Fatal("zero weights allocated")
	}
}

func TestCreditLines(t *testing.T) {
	orig := []domain.ClientInvoiceLine{{ID: 11, Position: 1, Type: "F", Total: usd(1000)}, {ID: 12, Position: 2, Type: "E", Total: usd(500), EngagementID: 3}}
	lines, err := domain.CreditLines(orig, []int64{2}, nil, "2026-03-05", "USD")
	if err != nil || len(lines) != 1 || lines[0].Type != "IE" || lines[0].Total != usd(-500) || lines[0].CreditedLineID != 12 || lines[0].EngagementID != 3 {
		t.Fatalf("lines = %+v, %v", lines, err)
	}
	for _, c := range []struct {
		pos      []int64
		credited map[int64]bool
	}{{[]int64{3}, nil}, {[]int64{1, 1}, nil}, {[]int64{1}, map[int64]bool{11: true}}} {
		if _, err := domain.CreditLines(orig, c.pos, c.credited, "2026-03-05", "USD"); domain.ErrorField(err) != "lines" {
			t.Fatalf("%v: err = %v", c.pos, err)
		}
	}
}

func TestLEDESText(t *testing.T) {
	for in, want := range map[string]string{"Müller & Søn | [x]": "Muller & Son / (x)", "Straße — “ok”": "Strasse - \"ok\"", "a\nb": "a b", "日本": "??"} {
		if got := domain.LEDESText(in); got != want {
			t.Errorf("LEDESText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestAssembleProperty: ~500 random invoices (firm time, vendor invoices
// with random costs, both modes, overhead and markup) keep total = Σ lines
// = fees + expenses and Σ outsourced vendor cost = Σ firm costs, and each
// writes as valid LEDES 1998B whose INVOICE_TOTAL is the invoice total.
func TestAssembleProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 2026))
	names := []string{"Zoë Ærø", "Ana | Bell", "José [Pepe]", "Li 李"}
	for n := range 500 {
		in := baseInput()
		in.Invoice.Number = fmt.Sprintf("INV-2026-%04d", n+1)
		in.Invoice.OverheadBP = rng.IntN(3) * 500
		in.Invoice.MarkupBP = rng.IntN(4) * 1000
		for i := range rng.IntN(6) {
			in.FirmTime = append(in.FirmTime, domain.FirmTimeEntry{ID: int64(i + 1), UserID: 7, WorkedOn: domain.Date(fmt.Sprintf("2026-02-%02d", 1+rng.IntN(28))),
				Hours: domain.Tenths(1 + rng.IntN(80)), Purpose: []domain.TimePurpose{domain.PurposeMatter, domain.PurposeSupervision, domain.PurposeRework}[rng.IntN(3)],
				TaskCode: "L120", ActivityCode: "A101", Narrative: names[rng.IntN(len(names))]})
		}
		mode := []domain.BillingMode{domain.BillingFee, domain.BillingDisbursement}[rng.IntN(2)]
		if mode == domain.BillingFee {
			in.Invoice.OverheadBP = 0
		}
		var firmCost int64
		for k := range rng.IntN(4) {
			vi := vendorInvoice(int64(k+1), rng.Int64N(50_000_00)+1, rng.Int64N(90_000_00)+10)
			for i := range vi.Lines {
				vi.Lines[i].ApprovedAmount.Minor = rng.Int64N(1_000_000)
				vi.Lines[i].Quantity = 1 + rng.Int64N(2000)
				vi.Lines[i].UserName = names[rng.IntN(len(names))]
			}
			vi.VendorName = names[rng.IntN(len(names))]
			firmCost += vi.FirmCost.Minor
			in.Outsourced = append(in.Outsourced, domain.OutsourcedInvoice{Invoice: vi, Mode: mode, Service: domain.ServiceDocumentReview})
		}
		inv, lines, err := domain.AssembleClientInvoice(in)
		if err != nil {
			if domain.ErrorField(err) == "period" {
				continue // nothing to bill
			}
			t.Fatalf("case %d: %v", n, err)
		}
		var sum, fees, exp, cost int64
		for _, l := range lines {
			sum += l.Total.Minor
			if l.Type == "F" {
				fees += l.Total.Minor
			} else {
				exp += l.Total.Minor
			}
			if l.Source == domain.SourceOutsourced {
				cost += l.VendorCost.Minor
			}
		}
		if sum != inv.Total.Minor || fees != inv.Fees.Minor || exp != inv.Expenses.Minor || inv.Fees.Minor+inv.Expenses.Minor != inv.Total.Minor {
			t.Fatalf("case %d: total %d, Σ lines %d, fees %d/%d, expenses %d/%d", n, inv.Total.Minor, sum, inv.Fees.Minor, fees, inv.Expenses.Minor, exp)
		}
		if cost != firmCost {
			t.Fatalf("case %d: Σ vendor cost %d, Σ firm costs %d", n, cost, firmCost)
		}
		var buf bytes.Buffer
		w := ledes.NewWriter(&buf)
		err = w.WriteInvoice(ledes.Invoice{Date: inv.Date, Number: inv.Number, ClientID: "CAL", LawFirmMatterID: "M-1", Start: inv.Start, End: inv.End,
			LawFirmID: "12-3456789", Total: inv.Total}, func(yield func(ledes.Line, error) bool) {
			for _, l := range lines {
				if !yield(ledes.Line{Number: int(l.Position), Type: l.Type, Units: l.Units, Adjustment: l.Adjustment, Total: l.Total, UnitCost: l.UnitCost,
					Date: l.Date, TaskCode: l.TaskCode, ExpenseCode: l.ExpenseCode, ActivityCode: l.ActivityCode, TimekeeperID: l.TimekeeperID,
					Description: l.Description, TimekeeperName: l.TimekeeperName, TimekeeperClassification: string(l.Classification)}, nil) {
					return
				}
			}
		})
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			t.Fatalf("case %d: write: %v", n, err)
		}
		rep, err := ledes.Validate(&buf)
		if err != nil || !rep.Valid() {
			t.Fatalf("case %d: validate: %v %+v", n, err, rep.Problems)
		}
		if total, _ := rep.Total(); total != inv.Total.Minor {
			t.Fatalf("case %d: INVOICE_TOTAL %d, invoice total %d", n, total, inv.Total.Minor)
		}
	}
}
