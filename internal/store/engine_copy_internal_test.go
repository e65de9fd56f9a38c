package store

import (
	"bytes"
	"testing"
)

// TestConvertValue pins how a SQLite value becomes a PostgreSQL one, and
// that a value PostgreSQL cannot hold is an error rather than a silent
// change.
func TestConvertValue(t *testing.T) {
	for _, c := range []struct {
		in      any
		pgType  string
		want    any
		wantErr bool
	}{
		{int64(1), "boolean", true, false},
		{int64(0), "boolean", false, false},
		{int64(2), "boolean", nil, true},
		{"x", "boolean", nil, true},
		{nil, "boolean", nil, false},
		{int64(1732630000123456), "bigint", int64(1732630000123456), false},
		{"42", "bigint", int64(42), false},
		{"4x", "bigint", nil, true},
		{[]byte{0, 1, 2}, "bytea", []byte{0, 1, 2}, false},
		{"ab", "bytea", []byte("ab"), false},
		{"Café", "text", "Café", false},
		{[]byte("Café"), "text", "Café", false},
		{int64(7), "text", "7", false},
		{"a\x00b", "text", nil, true},
		{string([]byte{0xff, 0xfe}), "text", nil, true},
		{float64(1.5), "double precision", float64(1.5), false},
		{"1", "jsonb", nil, true},
	} {
		got, err := convertValue(c.in, c.pgType)
		if (err != nil) != c.wantErr {
			t.Errorf("%#v as %s: error %v", c.in, c.pgType, err)
			continue
		}
		if b, ok := c.want.([]byte); ok {
			if g, _ := got.([]byte); !bytes.Equal(g, b) {
				t.Errorf("%#v as %s: %#v", c.in, c.pgType, got)
			}
			continue
		}
		if got != c.want {
			t.Errorf("%#v as %s: %#v, want %#v", c.in, c.pgType, got, c.want)
		}
	}
}
