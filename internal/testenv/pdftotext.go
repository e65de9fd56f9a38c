package testenv

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"testing"
	"time"
)

// PdfToTextPath returns the path of poppler's pdftotext ($PROBITY_TEST_PDFTOTEXT,
// else pdftotext on PATH), or skips (fails under CI).
func PdfToTextPath(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv("PROBITY_TEST_PDFTOTEXT"); p != "" {
		return p
	}
	if p, err := exec.LookPath("pdftotext"); err == nil {
		return p
	}
	Missing(tb, "pdftotext, from Debian poppler-utils ($PROBITY_TEST_PDFTOTEXT)")
	return ""
}

// PdfToText extracts the text of a PDF with pdftotext -layout, failing the
// test when pdftotext rejects the file (it reports syntax errors on stderr
// and those fail the test too), or skipping when pdftotext is absent.
func PdfToText(tb testing.TB, pdf []byte) string {
	tb.Helper()
	bin := PdfToTextPath(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-layout", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("pdftotext: %v: %s", err, stderr.String())
	}
	if s := bytes.TrimSpace(stderr.Bytes()); len(s) > 0 {
		tb.Fatalf("pdftotext reported problems with the PDF: %s", s)
	}
	return stdout.String()
}
