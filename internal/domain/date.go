package domain

import "time"

// Date is a calendar day without a time zone, stored as "YYYY-MM-DD".
type Date string

// ParseDate validates a "YYYY-MM-DD" date; the empty string is the zero Date.
func ParseDate(field, s string) (Date, error) {
	if s == "" {
		return "", nil
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return "", Invalid(field, "%q is not a date (YYYY-MM-DD)", s)
	}
	return Date(s), nil
}

// DateOf returns the calendar day of t in UTC.
func DateOf(t time.Time) Date { return Date(t.UTC().Format(time.DateOnly)) }

// Time returns midnight UTC of the day; the zero time for the zero Date.
func (d Date) Time() time.Time {
	t, _ := time.Parse(time.DateOnly, string(d))
	return t
}

// Before reports whether d is strictly before o (both set).
func (d Date) Before(o Date) bool { return d != "" && o != "" && d < o }
