package domain

import (
	"math"
	"testing"
)

func TestParseCurrency(t *testing.T) {
	tests := []struct {
		in      string
		want    Currency
		wantErr bool
	}{
		{in: "USD", want: "USD"},
		{in: "usd", want: "USD"},
		{in: " jpy ", want: "JPY"},
		{in: "KWD", want: "KWD"},
		{in: "", wantErr: true},
		{in: "US", wantErr: true},
		{in: "USDD", wantErr: true},
		{in: "XXX", wantErr: true},
		{in: "BTC", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseCurrency(tt.in)
		if tt.wantErr {
			if ErrorCode(err) != EInvalid || ErrorField(err) != "currency" {
				t.Errorf("ParseCurrency(%q) = %q, %v; want an invalid currency error", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseCurrency(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestMinorUnits(t *testing.T) {
	for c, want := range map[Currency]int{"USD": 2, "JPY": 0, "KWD": 3, "INR": 2} {
		if got := c.MinorUnits(); got != want {
			t.Errorf("%s.MinorUnits() = %d, want %d", c, got, want)
		}
	}
}

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in       string
		currency Currency
		want     int64
		wantErr  string // the field expected at fault, "" for success
	}{
		{"1234.5", "USD", 123450, ""},
		{"1234.56", "USD", 123456, ""},
		{"1234", "USD", 123400, ""},
		{"0.01", "USD", 1, ""},
		{"0", "USD", 0, ""},
		{"  12.30 ", "EUR", 1230, ""},
		{"-12", "USD", -1200, ""},
		{"-0.05", "USD", -5, ""},
		{"1,234.56", "USD", 123456, ""},
		{"1,234,567.89", "USD", 123456789, ""},
		{"-1,234.5", "USD", -123450, ""},
		{"1234", "JPY", 1234, ""},
		{"1,234", "JPY", 1234, ""},
		{"1.234", "KWD", 1234, ""},
		{"999999999999999.99", "USD", 99999999999999999, ""},
		// Never rounded: more decimals than the currency has is an error.
		{"1.234", "USD", 0, "amount"},
		{"0.001", "USD", 0, "amount"},
		{"1.5", "JPY", 0, "amount"},
		{"1.0", "JPY", 0, "amount"},
		{"1.2345", "KWD", 0, "amount"},
		// Malformed.
		{"", "USD", 0, "amount"},
		{"-", "USD", 0, "amount"},
		{".5", "USD", 0, "amount"},
		{"12.", "USD", 0, "amount"},
		{"1.2.3", "USD", 0, "amount"},
		{"abc", "USD", 0, "amount"},
		{"1e3", "USD", 0, "amount"},
		{"+5", "USD", 0, "amount"},
		{"--5", "USD", 0, "amount"},
		{"5-", "USD", 0, "amount"},
		{"1 234", "USD", 0, "amount"},
		{"$12", "USD", 0, "amount"},
		{"0x10", "USD", 0, "amount"},
		// Commas only group thousands; anything else is not read as an amount
		// (a European "1,23" must not become 123.00).
		{"1,23", "EUR", 0, "amount"},
		{"1234,56", "EUR", 0, "amount"},
		{"12,34,567", "USD", 0, "amount"},
		{",123", "USD", 0, "amount"},
		{"123,", "USD", 0, "amount"},
		{"1,,234", "USD", 0, "amount"},
		{"1.234,56", "USD", 0, "amount"},
		{"1.2,3", "USD", 0, "amount"},
		// Too large.
		{"1000000000000000", "USD", 0, "amount"},
		{"99999999999999999999", "JPY", 0, "amount"},
		// Unknown currency.
		{"12", "XXX", 0, "currency"},
		{"12", "", 0, "currency"},
	}
	for _, tt := range tests {
		got, err := ParseMoney(tt.in, tt.currency)
		if tt.wantErr != "" {
			if ErrorCode(err) != EInvalid || ErrorField(err) != tt.wantErr {
				t.Errorf("ParseMoney(%q, %s) = %+v, %v; want invalid %s", tt.in, tt.currency, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != (Money{Minor: tt.want, Currency: tt.currency}) {
			t.Errorf("ParseMoney(%q, %s) = %+v, %v; want %d minor units", tt.in, tt.currency, got, err, tt.want)
		}
	}
}

func TestMoneyDecimalAndString(t *testing.T) {
	tests := []struct {
		m       Money
		decimal string
		str     string
	}{
		{NewMoney(123450, "USD"), "1234.50", "USD 1,234.50"},
		{NewMoney(0, "USD"), "0.00", "USD 0.00"},
		{NewMoney(5, "USD"), "0.05", "USD 0.05"},
		{NewMoney(50, "USD"), "0.50", "USD 0.50"},
		{NewMoney(-5, "USD"), "-0.05", "USD -0.05"},
		{NewMoney(-123450, "USD"), "-1234.50", "USD -1,234.50"},
		{NewMoney(100, "USD"), "1.00", "USD 1.00"},
		{NewMoney(99999, "USD"), "999.99", "USD 999.99"},
		{NewMoney(100000, "USD"), "1000.00", "USD 1,000.00"},
		{NewMoney(123456789, "USD"), "1234567.89", "USD 1,234,567.89"},
		{NewMoney(1234, "JPY"), "1234", "JPY 1,234"},
		{NewMoney(-1234567, "JPY"), "-1234567", "JPY -1,234,567"},
		{NewMoney(7, "JPY"), "7", "JPY 7"},
		{NewMoney(1, "KWD"), "0.001", "KWD 0.001"},
		{NewMoney(1234567, "KWD"), "1234.567", "KWD 1,234.567"},
		{NewMoney(9_007_199_254_740_993, "USD"), "90071992547409.93", "USD 90,071,992,547,409.93"},
		{NewMoney(math.MaxInt64, "USD"), "92233720368547758.07", "USD 92,233,720,368,547,758.07"},
		{NewMoney(math.MinInt64, "USD"), "-92233720368547758.08", "USD -92,233,720,368,547,758.08"},
		{NewMoney(math.MinInt64, "JPY"), "-9223372036854775808", "JPY -9,223,372,036,854,775,808"},
	}
	for _, tt := range tests {
		if got := tt.m.Decimal(); got != tt.decimal {
			t.Errorf("%+v.Decimal() = %q, want %q", tt.m, got, tt.decimal)
		}
		if got := tt.m.String(); got != tt.str {
			t.Errorf("%+v.String() = %q, want %q", tt.m, got, tt.str)
		}
	}
}

func TestMoneyDecimalRoundTrip(t *testing.T) {
	for _, m := range []Money{NewMoney(123450, "USD"), NewMoney(-5, "USD"), NewMoney(1234, "JPY"), NewMoney(-1, "KWD"), NewMoney(99999999999999999, "USD")} {
		got, err := ParseMoney(m.Decimal(), m.Currency)
		if err != nil || got != m {
			t.Errorf("ParseMoney(%q) = %+v, %v; want %+v", m.Decimal(), got, err, m)
		}
		got, err = ParseMoney(m.String()[4:], m.Currency)
		if err != nil || got != m {
			t.Errorf("ParseMoney(%q) = %+v, %v; want %+v", m.String()[4:], got, err, m)
		}
	}
}

func TestMoneyAdd(t *testing.T) {
	tests := []struct {
		a, b    Money
		want    Money
		wantErr bool
	}{
		{a: NewMoney(150, "USD"), b: NewMoney(275, "USD"), want: NewMoney(425, "USD")},
		{a: NewMoney(150, "USD"), b: NewMoney(-275, "USD"), want: NewMoney(-125, "USD")},
		{a: NewMoney(0, "JPY"), b: NewMoney(1, "JPY"), want: NewMoney(1, "JPY")},
		{a: NewMoney(150, "USD"), b: NewMoney(150, "EUR"), wantErr: true},
		{a: NewMoney(150, "USD"), b: NewMoney(150, ""), wantErr: true},
		{a: NewMoney(math.MaxInt64, "USD"), b: NewMoney(1, "USD"), wantErr: true},
		{a: NewMoney(math.MinInt64, "USD"), b: NewMoney(-1, "USD"), wantErr: true},
		{a: NewMoney(math.MaxInt64, "USD"), b: NewMoney(math.MinInt64, "USD"), want: NewMoney(-1, "USD")},
	}
	for _, tt := range tests {
		got, err := tt.a.Add(tt.b)
		if tt.wantErr {
			if ErrorCode(err) != EInvalid || got != (Money{}) {
				t.Errorf("%v.Add(%v) = %v, %v; want an invalid error and the zero Money", tt.a, tt.b, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%v.Add(%v) = %v, %v; want %v", tt.a, tt.b, got, err, tt.want)
		}
	}
}
