package main

import "context"

// sampleSize is `probity sample-size`: the sample size as a bare integer
// (--json: the details), computed by domain.SampleSize.
func (m *Main) sampleSize(ctx context.Context, args []string) error {
	return usageError("sample-size: not implemented yet")
}

// auditSample is `probity audit sample`: the positions (or, with a CSV
// population file, the item ids) a seeded draw selects, one per line.
func (m *Main) auditSample(ctx context.Context, args []string) error {
	return usageError("audit sample: not implemented yet")
}
