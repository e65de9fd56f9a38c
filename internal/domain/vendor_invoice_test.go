package domain

import (
	"testing"
)

func inr(minor int64) Money { return NewMoney(minor, "INR") }

// Fixed-fee lines: the share is priced with LineAmount, a share past the
// whole item is flagged, a rate at the card passes, and the in-house
// equivalent is the same share of the item's baseline.
func TestVendorInvoiceFixedLines(t *testing.T) {
	item := WorkItem{ID: 7, Title: "Privilege log", Pricing: PricingFixed, Price: inr(500000_00), BaselineHours: 400, BaselineRate: usd(200_00)}
	v := VendorInvoice{Number: "F-1", Date: "2026-10-31", Start: "2026-10-01", End: "2026-10-31", Lines: []VendorInvoiceLine{
		{Kind: RateFixed, WorkItemID: 7, WorkItem: item.Title, Quantity: 50, Rate: item.Price, WorkedOn: "2026-10-31"},
	}}
	if err := v.Validate(VendorInvoiceRules{Vendor: Vendor{Name: "Lexora", Currency: "INR"}, Today: "2026-11-01"}); err != nil {
		t.Fatal(err)
	}
	if v.Total != inr(250000_00) {
		t.Fatalf("half the item: %s", v.Total)
	}
	facts := VendorFlagFacts{Items: []WorkItem{item}, SOWApproved: "2026-09-01", DayHoursFlag: 100,
		Card: []RateCardLine{{Kind: RateFixed, WorkItemID: 7, Amount: inr(500000_00), Effective: "2026-01-01"}}}
	if fl := VendorInvoiceFlags(v.Lines, facts); len(fl[0]) != 0 {
		t.Errorf("a line in order is flagged: %+v", fl[0])
	}
	facts.CountPriorItem(VendorInvoiceLine{Kind: RateFixed, WorkItemID: 7, Quantity: 60})
	if fl := VendorInvoiceFlags(v.Lines, facts); len(fl[0]) != 1 || fl[0][0].Code != VFlagOverEstimate ||
		fl[0][0].Message != `"Privilege log" is a fixed fee; the invoices bill 1.10 of it in all, more than the whole item (1.00).` {
		t.Errorf("a share past the whole item: %+v", fl[0])
	}
	hours, cost, err := InHouseShare(item, v.Lines[0])
	if err != nil || hours != 2000 || cost != usd(4000_00) {
		t.Errorf("in-house share of half: %d hundredths, %s, %v", hours, cost, err)
	}
	// More than the whole item on one line is refused.
	v.Lines[0].Quantity = 101
	if err := v.Validate(VendorInvoiceRules{Vendor: Vendor{Name: "Lexora", Currency: "INR"}}); ErrorField(err) != "lines[0].quantity" {
		t.Errorf("a share past the whole: %v", err)
	}
}

func TestParseFXRate(t *testing.T) {
	for in, want := range map[string][2]int64{"0.0120": {120, 10000}, "1": {1, 1}, "83.25": {8325, 100}, ".5": {5, 10}, "0.0000000001": {1, 10000000000}} {
		n, d, err := ParseFXRate(in)
		if err != nil || n != want[0] || d != want[1] {
			t.Errorf("ParseFXRate(%q) = %d/%d %v, want %v", in, n, d, err, want)
		}
	}
	for _, in := range []string{"", "0", "0.000", "-1", "1e3", "0.00000000001", "1.", "abc", "123456789"} {
		if _, _, err := ParseFXRate(in); ErrorField(err) != "fx_rate" {
			t.Errorf("ParseFXRate(%q): %v, want fx_rate", in, err)
		}
	}
	// INR 24,375.00 at 0.0120 is USD 292.50; half-to-even at the cent.
	if m, _ := FirmCost(inr(24375_00), 120, 10000, "USD"); m != usd(292_50) {
		t.Errorf("firm cost %s", m)
	}
	if m, _ := FirmCost(inr(1_25), 1, 10, "USD"); m != usd(12) {
		t.Errorf("INR 1.25 at 0.1 = %s, want USD 0.12 (half to even)", m)
	}
}

func TestResolveLine(t *testing.T) {
	l := VendorInvoiceLine{Position: 2, Amount: inr(100_00), State: LineOpen}
	if err := ResolveLine(&l, ResolveAccept, Money{}); ErrorCode(err) != EConflict {
		t.Errorf("resolving an open line: %v", err)
	}
	for _, m := range []Money{inr(100_00), inr(-1), usd(10_00)} {
		l.State = LineDisputed
		if err := ResolveLine(&l, ResolveAdjust, m); ErrorField(err) != "amount" {
			t.Errorf("adjust to %s: %v", m, err)
		}
	}
	if err := ResolveLine(&l, ResolveAdjust, inr(0)); err != nil || l.State != LineAdjusted || l.ApprovedAmount != inr(0) {
		t.Errorf("adjust to zero: %v %+v", err, l)
	}
	lines := []VendorInvoiceLine{{Amount: inr(5_00), State: LineOpen}, l, {Amount: inr(7_00), State: LineRemoved}, {Amount: inr(3_00), State: LineDisputed, Position: 4}}
	if _, err := ApproveLines(lines, "INR"); ErrorCode(err) != EConflict {
		t.Errorf("approving with a disputed line: %v", err)
	}
	lines[3].State, lines[3].ApprovedAmount = LineAccepted, inr(3_00)
	if total, err := ApproveLines(lines, "INR"); err != nil || total != inr(8_00) || lines[0].State != LineAccepted {
		t.Errorf("approved %s %v", total, err)
	}
}
