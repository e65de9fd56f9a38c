package web

import (
	"testing"

	"github.com/probity/probity/internal/domain"
)

// BenchmarkParsePages is what a locale's first request pays once: parsing
// every page template with that locale's functions.
func BenchmarkParsePages(b *testing.B) {
	for b.Loop() {
		if _, err := parsePages(domain.Locale("de-DE")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFormatMoney formats an amount in Indian grouping.
func BenchmarkFormatMoney(b *testing.B) {
	m := domain.NewMoney(1234567890, "INR")
	for b.Loop() {
		_ = domain.Locale("en-IN").FormatMoney(m)
	}
}
