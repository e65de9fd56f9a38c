package domain

import (
	"strings"
	"testing"
)

// RateOn picks the rate with the latest effective day not after the day
// asked about, whatever the order given; before the first there is none.
func TestRateOn(t *testing.T) {
	usd := func(minor int64) Money { return NewMoney(minor, "USD") }
	tk := Timekeeper{Name: "Marcus Oyelaran", LEDESID: "MO-001", Rates: []Rate{
		{ID: 3, Effective: "2026-01-01", Amount: usd(95000)},
		{ID: 1, Effective: "2025-01-01", Amount: usd(87500)},
		{ID: 2, Effective: "2025-07-01", Amount: usd(90000)},
	}}
	for _, c := range []struct {
		day  Date
		want int64
	}{{"2025-01-01", 1}, {"2025-06-30", 1}, {"2025-07-01", 2}, {"2025-12-31", 2}, {"2026-01-01", 3}, {"2027-03-04", 3}} {
		r, err := tk.RateOn(c.day)
		if err != nil || r.ID != c.want {
			t.Errorf("RateOn(%s) = %d, %v; want rate %d", c.day, r.ID, err, c.want)
		}
	}
	_, err := tk.RateOn("2024-12-31")
	if ErrorCode(err) != ENotFound || !strings.Contains(err.Error(), "Marcus Oyelaran") || !strings.Contains(err.Error(), "2024-12-31") {
		t.Errorf("before the first rate: %v, want not found naming the timekeeper and the day", err)
	}
	if _, err := (Timekeeper{LEDESID: "X1"}).RateOn("2026-01-01"); err == nil || !strings.Contains(err.Error(), "X1") {
		t.Errorf("no rates at all: %v", err)
	}
}

func TestTimekeeperValidate(t *testing.T) {
	ok := Timekeeper{UserID: 1, LEDESID: "HC-MO.01_a", Classification: ClassPartner}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid timekeeper: %v", err)
	}
	for name, tk := range map[string]Timekeeper{
		"no user":       {LEDESID: "A", Classification: ClassPartner},
		"empty id":      {UserID: 1, Classification: ClassPartner},
		"long id":       {UserID: 1, LEDESID: strings.Repeat("a", 21), Classification: ClassPartner},
		"pipe in id":    {UserID: 1, LEDESID: "A|B", Classification: ClassPartner},
		"space in id":   {UserID: 1, LEDESID: "A B", Classification: ClassPartner},
		"unknown class": {UserID: 1, LEDESID: "A", Classification: "BOSS"},
		"no class":      {UserID: 1, LEDESID: "A"},
	} {
		if err := tk.Validate(); ErrorCode(err) != EInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	if c, err := ParseClassification("c", " parlgl "); err != nil || c != ClassParalegal || c.Label() != "Paralegal" {
		t.Errorf("ParseClassification: %v %v", c, err)
	}
	for _, c := range Classifications {
		if c.Label() == string(c) {
			t.Errorf("%s has no label", c)
		}
	}
}

func TestRateValidate(t *testing.T) {
	if err := (Rate{Effective: "2026-01-01", Amount: NewMoney(95000, "USD")}).Validate("USD"); err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]Rate{
		"zero":     {Effective: "2026-01-01", Amount: NewMoney(0, "USD")},
		"negative": {Effective: "2026-01-01", Amount: NewMoney(-1, "USD")},
		"currency": {Effective: "2026-01-01", Amount: NewMoney(100, "EUR")},
		"no day":   {Amount: NewMoney(100, "USD")},
	} {
		if err := r.Validate("USD"); ErrorCode(err) != EInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
}

// A rate card line must be in the vendor's currency, and name what its
// kind prices and nothing else.
func TestRateCardLineValidate(t *testing.T) {
	lexora := Vendor{Name: "Lexora", Currency: "INR"}
	inr := NewMoney(250000, "INR")
	good := []RateCardLine{
		{Kind: RateHourly, Classification: ClassAssociate, Amount: inr, Effective: "2026-01-01"},
		{Kind: RateFixed, WorkItemID: 7, Amount: inr, Effective: "2026-01-01"},
		{Kind: RateFixed, Amount: inr, Effective: "2026-01-01"},
		{Kind: RatePerUnit, Unit: "document", Amount: NewMoney(4500, "INR"), Effective: "2026-01-01"},
	}
	for _, l := range good {
		if err := l.Validate(lexora); err != nil {
			t.Errorf("%+v: %v", l, err)
		}
	}
	err := RateCardLine{Kind: RateHourly, Classification: ClassAssociate, Amount: NewMoney(5000, "USD"), Effective: "2026-01-01"}.Validate(lexora)
	if ErrorCode(err) != EInvalid || ErrorMessage(err) != "the rate card is in INR, Lexora's currency; got USD" {
		t.Errorf("wrong currency: %v", err)
	}
	for name, l := range map[string]RateCardLine{
		"unknown kind":       {Kind: "daily", Amount: inr, Effective: "2026-01-01"},
		"hourly no class":    {Kind: RateHourly, Amount: inr, Effective: "2026-01-01"},
		"hourly bad class":   {Kind: RateHourly, Classification: "JUNIOR", Amount: inr, Effective: "2026-01-01"},
		"hourly with unit":   {Kind: RateHourly, Classification: ClassAssociate, Unit: "page", Amount: inr, Effective: "2026-01-01"},
		"fixed with class":   {Kind: RateFixed, Classification: ClassAssociate, Amount: inr, Effective: "2026-01-01"},
		"per unit no unit":   {Kind: RatePerUnit, Amount: inr, Effective: "2026-01-01"},
		"per unit with item": {Kind: RatePerUnit, Unit: "document", WorkItemID: 3, Amount: inr, Effective: "2026-01-01"},
		"zero amount":        {Kind: RatePerUnit, Unit: "document", Amount: NewMoney(0, "INR"), Effective: "2026-01-01"},
		"negative amount":    {Kind: RatePerUnit, Unit: "document", Amount: NewMoney(-5, "INR"), Effective: "2026-01-01"},
		"no effective day":   {Kind: RatePerUnit, Unit: "document", Amount: inr},
	} {
		if err := l.Validate(lexora); ErrorCode(err) != EInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
}

// CardOn keeps, for each thing priced, the line in force on the day.
func TestCardOn(t *testing.T) {
	inr := func(m int64) Money { return NewMoney(m, "INR") }
	lines := []RateCardLine{
		{ID: 1, Kind: RateHourly, Classification: ClassAssociate, Amount: inr(200000), Effective: "2025-01-01"},
		{ID: 2, Kind: RateHourly, Classification: ClassAssociate, Amount: inr(220000), Effective: "2026-01-01"},
		{ID: 3, Kind: RatePerUnit, Unit: "document", Amount: inr(4500), Effective: "2026-02-01"},
		{ID: 4, Kind: RateHourly, Classification: ClassOfCounsel, Amount: inr(350000), Effective: "2025-06-01"},
	}
	ids := func(ls []RateCardLine) []int64 {
		var out []int64
		for _, l := range ls {
			out = append(out, l.ID)
		}
		return out
	}
	if got := ids(CardOn(lines, "2025-12-31")); len(got) != 2 || got[0] != 1 || got[1] != 4 {
		t.Errorf("card on 2025-12-31: %v, want [1 4]", got)
	}
	if got := ids(CardOn(lines, "2026-03-01")); len(got) != 3 || got[0] != 2 || got[1] != 4 || got[2] != 3 {
		t.Errorf("card on 2026-03-01: %v, want [2 4 3]", got)
	}
	if got := CardOn(lines, "2024-01-01"); len(got) != 0 {
		t.Errorf("card before any line: %v", got)
	}
}
