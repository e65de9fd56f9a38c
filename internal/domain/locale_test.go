package domain_test

import (
	"testing"
	"time"

	"github.com/probity/probity/internal/domain"
)

func TestLocaleFormatMoney(t *testing.T) {
	cases := []struct {
		locale domain.Locale
		m      domain.Money
		want   string
	}{
		{"en-US", domain.NewMoney(123456, "USD"), "$1,234.56"},
		{"en-US", domain.NewMoney(-5, "USD"), "-$0.05"},
		{"en-US", domain.NewMoney(100000000, "USD"), "$1,000,000.00"},
		{"en-GB", domain.NewMoney(123456, "GBP"), "£1,234.56"},
		{"en-GB", domain.NewMoney(123456, "CHF"), "CHF\u00a01,234.56"},
		{"en-IN", domain.NewMoney(12345678, "INR"), "₹1,23,456.78"},
		{"en-IN", domain.NewMoney(1234567890, "INR"), "₹1,23,45,678.90"},
		{"en-IN", domain.NewMoney(99999, "INR"), "₹999.99"},
		{"en-PH", domain.NewMoney(123456, "PHP"), "₱1,234.56"},
		{"de-DE", domain.NewMoney(123456, "EUR"), "1.234,56\u00a0€"},
		{"de-DE", domain.NewMoney(-123456, "EUR"), "-1.234,56\u00a0€"},
		{"fr-FR", domain.NewMoney(123456789, "EUR"), "1\u202f234\u202f567,89\u00a0€"},
		{"en-US", domain.NewMoney(1234, "JPY"), "¥1,234"},
		{"de-DE", domain.NewMoney(1234567, "KWD"), "1.234,567\u00a0KWD"},
		{"", domain.NewMoney(100, "USD"), "$1.00"},
	}
	for _, c := range cases {
		if got := c.locale.FormatMoney(c.m); got != c.want {
			t.Errorf("%s %v: got %q, want %q", c.locale, c.m, got, c.want)
		}
	}
}

func TestLocaleFormatDates(t *testing.T) {
	d := domain.Date("2026-03-17")
	at := time.Date(2026, 3, 17, 19, 4, 0, 0, time.UTC)
	cases := []struct {
		locale       domain.Locale
		date, moment string
	}{
		{"en-US", "Mar 17, 2026", "Mar 17, 2026, 3:04 PM EDT"},
		{"en-GB", "17 Mar 2026", "17 Mar 2026, 19:04 GMT"},
		{"en-IN", "17 Mar 2026", "18 Mar 2026, 00:34 IST"},
		{"en-PH", "Mar 17, 2026", "Mar 18, 2026, 3:04 AM PST"},
		{"fr-FR", "17/03/2026", "17/03/2026, 20:04 CET"},
		{"de-DE", "17.03.2026", "17.03.2026, 20:04 CET"},
	}
	zones := map[domain.Locale]string{"en-US": "America/New_York", "en-GB": "Europe/London", "en-IN": "Asia/Kolkata", "en-PH": "Asia/Manila", "fr-FR": "Europe/Paris", "de-DE": "Europe/Berlin"}
	for _, c := range cases {
		if got := c.locale.FormatDate(d); got != c.date {
			t.Errorf("%s date: got %q, want %q", c.locale, got, c.date)
		}
		if got := c.locale.FormatDateTime(at, zones[c.locale]); got != c.moment {
			t.Errorf("%s moment: got %q, want %q", c.locale, got, c.moment)
		}
	}
	if got := domain.Locale("en-US").FormatDate(""); got != "—" {
		t.Errorf("empty date: %q", got)
	}
	if got := domain.Locale("en-US").FormatDateTime(time.Time{}, "UTC"); got != "—" {
		t.Errorf("zero time: %q", got)
	}
}

// A deadline is a firm calendar day; a New York attorney and a Manila
// vendor see the same instant, each in their own zone.
func TestDeadlineInEachZone(t *testing.T) {
	d := domain.Date("2026-03-17")
	if got := domain.DeadlineMoment(d, "America/New_York").UTC(); !got.Equal(time.Date(2026, 3, 18, 4, 0, 0, 0, time.UTC)) {
		t.Fatalf("moment: %v", got)
	}
	us := domain.Locale("en-US")
	if got := us.FormatDeadline(d, "America/New_York", "America/New_York"); got != "Mar 17, 2026, 11:59 PM EDT" {
		t.Errorf("New York: %q", got)
	}
	if got := us.FormatDeadline(d, "America/New_York", "Asia/Manila"); got != "Mar 18, 2026, 11:59 AM PST" {
		t.Errorf("Manila: %q", got)
	}
}

func TestParseLocale(t *testing.T) {
	for in, want := range map[string]domain.Locale{"": "en-US", "en-gb": "en-GB", "de_DE": "de-DE", " fr-FR ": "fr-FR"} {
		if got, err := domain.ParseLocale(in); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	if _, err := domain.ParseLocale("xx-YY"); domain.ErrorField(err) != "locale" {
		t.Errorf("unknown locale: %v", err)
	}
}

// TestLoadZone: a zone is read once and the same one served after; an
// empty or unknown name is UTC.
func TestLoadZone(t *testing.T) {
	ny := domain.LoadZone("America/New_York")
	if ny.String() != "America/New_York" {
		t.Fatalf("LoadZone(America/New_York) = %v", ny)
	}
	if again := domain.LoadZone("America/New_York"); again != ny {
		t.Error("the zone was loaded again instead of served from the cache")
	}
	for _, tz := range []string{"", "Local", "Mars/Olympus_Mons", "../../etc/passwd"} {
		if got := domain.LoadZone(tz); got != time.UTC {
			t.Errorf("LoadZone(%q) = %v, want UTC", tz, got)
		}
	}
}
