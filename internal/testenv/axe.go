package testenv

import (
	"os"
	"testing"
)

// Axe is the path of axe-core's axe.min.js for the accessibility tests:
// $PROBITY_TEST_AXE (scripts/test installs a pinned axe-core with npm into
// .tools/node_modules and sets it). Without it the test skips, or fails
// under CI=true.
func Axe(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv("PROBITY_TEST_AXE"); p != "" {
		if _, err := os.Stat(p); err != nil {
			tb.Fatalf("PROBITY_TEST_AXE=%s: %v", p, err)
		}
		return p
	}
	Missing(tb, "axe-core ($PROBITY_TEST_AXE)")
	return ""
}
