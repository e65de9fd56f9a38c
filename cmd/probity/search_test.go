package main

import (
	"strings"
	"testing"

	"github.com/probity/probity/internal/testenv"
)

func TestSearchCommand(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		w := newCLIWorld(t, e)
		out, errOut, code := w.run(t, "search", "--as", "eleanor.hartwell@hartwellcrane.example", "SOLACE")
		if code != 0 || !strings.Contains(out, "2026-0177") || !strings.Contains(out, "[Solace]") {
			t.Fatalf("Eleanor: %d\n%s\n%s", code, out, errOut)
		}
		// Priya is screened from Ardent: no trace of it, not even a count.
		out, errOut, code = w.run(t, "search", "--as", "priya.raman@hartwellcrane.example", "Solace")
		if code != 0 || strings.Contains(out, "2026-0177") || strings.Contains(out, "Ardent") {
			t.Fatalf("Priya: %d\n%s\n%s", code, out, errOut)
		}
		// A vendor gets no parties group; words after the flags join into one term.
		out, _, code = w.run(t, "search", "--as", cwAnika, "--kind", "engagements", "Lexora", "Legal")
		if code != 0 || !strings.Contains(out, "Engagements (") || strings.Contains(out, "Parties (") {
			t.Fatalf("Anika: %d\n%s", code, out)
		}
		if _, errOut, code := w.run(t, "search", "--as", cwAnika, "--kind", "parties", "Solace"); code == 0 || !strings.Contains(errOut, "kind") {
			t.Fatalf("a vendor's party search: %d %s", code, errOut)
		}
		if _, errOut, code := w.run(t, "search", "--as", cwHelen, "x"); code == 0 || !strings.Contains(errOut, "2 characters") {
			t.Fatalf("a one-letter search: %d %s", code, errOut)
		}
		if _, errOut, code := w.run(t, "search", "Solace"); code == 0 || !strings.Contains(errOut, "--as") {
			t.Fatalf("no --as: %d %s", code, errOut)
		}
	})
}
