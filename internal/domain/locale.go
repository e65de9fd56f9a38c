package domain

import (
	"strings"
	"sync"
	"time"
)

// Locale is how dates and money are written for a person on screen
// ("en-US", "fr-FR"). Exports (CSV, LEDES, the API) keep machine formats
// whatever it is.
type Locale string

// DefaultLocale is the locale of a person who has not chosen one.
const DefaultLocale Locale = "en-US"

// localeFormat is what a locale writes differently.
type localeFormat struct {
	label     string
	group     string // between groups of the integer part
	decimal   string
	indian    bool   // lakh/crore grouping: 1,23,45,678
	after     bool   // the currency sign follows the amount ("1.234,56 €")
	dateStyle string // "mdy" (Mar 17, 2026), "dmy" (17 Mar 2026) or a numeric separator style
	dateSep   string // for numeric dates: "." or "/"
	clock12   bool   // 3:04 PM rather than 15:04
}

var locales = map[Locale]localeFormat{
	"en-US": {label: "English (United States)", group: ",", decimal: ".", dateStyle: "mdy", clock12: true},
	"en-GB": {label: "English (United Kingdom)", group: ",", decimal: ".", dateStyle: "dmy"},
	"en-IN": {label: "English (India)", group: ",", decimal: ".", indian: true, dateStyle: "dmy"},
	"en-PH": {label: "English (Philippines)", group: ",", decimal: ".", dateStyle: "mdy", clock12: true},
	"fr-FR": {label: "Français (France)", group: "\u202f", decimal: ",", after: true, dateStyle: "numeric", dateSep: "/"},
	"de-DE": {label: "Deutsch (Deutschland)", group: ".", decimal: ",", after: true, dateStyle: "numeric", dateSep: "."},
}

// Locales lists the supported locales in the order a form offers them.
var Locales = []Locale{"en-US", "en-GB", "en-IN", "en-PH", "fr-FR", "de-DE"}

// ParseLocale validates a locale tag; "" is the default.
func ParseLocale(s string) (Locale, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DefaultLocale, nil
	}
	for l := range locales {
		if strings.EqualFold(string(l), s) || strings.EqualFold(strings.ReplaceAll(string(l), "-", "_"), s) {
			return l, nil
		}
	}
	return "", Invalid("locale", "%q is not a supported locale; choose one of en-US, en-GB, en-IN, en-PH, fr-FR, de-DE", s)
}

// Label names the locale in its own language.
func (l Locale) Label() string { return l.format().label }

func (l Locale) format() localeFormat {
	if f, ok := locales[l]; ok {
		return f
	}
	return locales[DefaultLocale]
}

// currencySigns are the signs written instead of the ISO code; any other
// currency is written with its code ("CHF 1,234.56").
var currencySigns = map[Currency]string{"USD": "$", "EUR": "€", "GBP": "£", "INR": "₹", "PHP": "₱", "JPY": "¥"}

// FormatMoney writes m for a locale from its integer minor units, with the
// currency's own number of decimals: "$1,234.56", "1.234,56 €",
// "₹1,23,456.78". It never goes through a float.
func (l Locale) FormatMoney(m Money) string {
	f := l.format()
	dec := m.Decimal()
	neg := strings.HasPrefix(dec, "-")
	dec = strings.TrimPrefix(dec, "-")
	intPart, frac, _ := strings.Cut(dec, ".")
	num := group(intPart, f.group, f.indian)
	if frac != "" {
		num += f.decimal + frac
	}
	sign, isSign := currencySigns[m.Currency]
	if !isSign {
		sign = string(m.Currency)
	}
	var s string
	switch {
	case f.after:
		s = num + "\u00a0" + sign
	case isSign:
		s = sign + num
	default:
		s = sign + "\u00a0" + num
	}
	if neg {
		s = "-" + s
	}
	return s
}

// group inserts sep between digit groups: threes, or for Indian grouping
// the last three then twos.
func group(digits, sep string, indian bool) string {
	if len(digits) <= 3 {
		return digits
	}
	head, tail := digits[:len(digits)-3], digits[len(digits)-3:]
	size := 3
	if indian {
		size = 2
	}
	var parts []string
	for len(head) > size {
		parts = append([]string{head[len(head)-size:]}, parts...)
		head = head[:len(head)-size]
	}
	parts = append([]string{head}, parts...)
	return strings.Join(append(parts, tail), sep)
}

// FormatDate writes a calendar day: "Mar 17, 2026", "17 Mar 2026",
// "17.03.2026"; "—" when there is none.
func (l Locale) FormatDate(d Date) string {
	if d == "" {
		return "—"
	}
	return l.formatDay(d.Time())
}

func (l Locale) formatDay(t time.Time) string {
	f := l.format()
	switch f.dateStyle {
	case "mdy":
		return t.Format("Jan 2, 2006")
	case "dmy":
		return t.Format("2 Jan 2006")
	}
	return t.Format("02" + f.dateSep + "01" + f.dateSep + "2006")
}

// FormatDateTime writes a moment in the IANA time zone tz (UTC when tz is
// empty or unknown) with the zone's abbreviation: "Mar 17, 2026, 3:04 PM EDT",
// "17 Mar 2026, 15:04 GMT"; "—" for the zero time.
func (l Locale) FormatDateTime(t time.Time, tz string) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(LoadZone(tz))
	clock := "15:04"
	if l.format().clock12 {
		clock = "3:04 PM"
	}
	return l.formatDay(t) + ", " + t.Format(clock) + " " + ZoneAbbrev(t)
}

// FormatDay writes the calendar day that moment t falls on in zone tz
// ("Mar 17, 2026"); "—" for the zero time.
func (l Locale) FormatDay(t time.Time, tz string) string {
	if t.IsZero() {
		return "—"
	}
	return l.formatDay(t.In(LoadZone(tz)))
}

// LoadZone is the IANA zone tz, or UTC when it is empty or unknown.
func LoadZone(tz string) *time.Location {
	if tz == "" || tz == "Local" {
		return time.UTC
	}
	if loc, ok := zones.Load(tz); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return time.UTC
	}
	zones.Store(tz, loc)
	return loc
}

// zones holds the zones loaded so far: time.LoadLocation reads the zone
// file again on every call, and every page formats times in the reader's
// zone. Only zones that exist are kept, so the map is bounded by the zone
// database; a changed zone database is read after a restart.
var zones sync.Map

// ZoneAbbrev is the zone's abbreviation at t ("EDT", "PST"), or "UTC+08"
// where the zone database has only a numeric offset ("+08").
func ZoneAbbrev(t time.Time) string {
	name, _ := t.Zone()
	if name != "" && (name[0] == '+' || name[0] == '-') {
		return "UTC" + name
	}
	return name
}

// DeadlineMoment is the instant a deadline due on day d ends: midnight
// after d in the firm's time zone (UTC when unset). A deadline is a firm
// calendar day; everyone else sees this moment in their own zone.
func DeadlineMoment(d Date, firmTZ string) time.Time {
	if d == "" {
		return time.Time{}
	}
	day := d.Time()
	return time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, LoadZone(firmTZ))
}

// FormatDeadline writes when a deadline due on d (a firm calendar day)
// ends, for a person in zone tz: "Mar 17, 2026, 11:59 PM EDT" for the
// firm's own zone, "Mar 18, 2026, 11:59 AM PST" in Manila.
func (l Locale) FormatDeadline(d Date, firmTZ, tz string) string {
	if d == "" {
		return "—"
	}
	return l.FormatDateTime(DeadlineMoment(d, firmTZ).Add(-time.Minute), tz)
}
