package domain

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr bool
	}{
		{in: "", want: ""},
		{in: "2026-03-17", want: "2026-03-17"},
		{in: "2024-02-29", want: "2024-02-29"},
		{in: "2026-02-29", wantErr: true},
		{in: "2026-13-01", wantErr: true},
		{in: "2026-3-17", wantErr: true},
		{in: "17/03/2026", wantErr: true},
		{in: "2026-03-17T00:00:00Z", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseDate("opened_on", tt.in)
		if tt.wantErr {
			if ErrorCode(err) != EInvalid || ErrorField(err) != "opened_on" {
				t.Errorf("ParseDate(%q) = %q, %v; want invalid opened_on", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDate(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestDateOfAndTime(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	// 22:30 in New York on 16 March is 02:30 UTC on 17 March.
	if got := DateOf(time.Date(2026, 3, 16, 22, 30, 0, 0, ny)); got != "2026-03-17" {
		t.Errorf("DateOf = %q, want 2026-03-17 (the UTC day)", got)
	}
	if got := Date("2026-03-17").Time(); !got.Equal(time.Date(2026, 3, 17, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Time() = %v", got)
	}
	if got := Date("").Time(); !got.IsZero() {
		t.Errorf("zero Date Time() = %v, want the zero time", got)
	}
}

func TestDateBefore(t *testing.T) {
	tests := []struct {
		d, o Date
		want bool
	}{
		{"2026-03-16", "2026-03-17", true},
		{"2025-12-31", "2026-01-01", true},
		{"2026-03-17", "2026-03-17", false},
		{"2026-03-18", "2026-03-17", false},
		{"", "2026-03-17", false},
		{"2026-03-17", "", false},
	}
	for _, tt := range tests {
		if got := tt.d.Before(tt.o); got != tt.want {
			t.Errorf("%q.Before(%q) = %v, want %v", tt.d, tt.o, got, tt.want)
		}
	}
}
