package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestStablePlans: every connection of both pools plans statements without
// looking at bound values (plans.go), and a connection of another kind is
// refused rather than poked at.
func TestStablePlans(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "probity.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for name, db := range map[string]*sql.DB{"read": s.ReadDB(), "write": s.DB()} {
		var conns []*sql.Conn
		for range 2 { // two at once: two connections of the read pool
			c, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
			if name == "write" {
				break // the writer has one connection
			}
		}
		for i, c := range conns {
			err := c.Raw(func(dc any) error {
				on, err := stablePlans(dc, -1)
				if err == nil && on != 1 {
					t.Errorf("%s connection %d: QPSG is %d, want 1", name, i, on)
				}
				return err
			})
			if err != nil {
				t.Fatalf("%s connection %d: %v", name, i, err)
			}
			_ = c.Close()
		}
	}
	if _, err := stablePlans(&struct{ db string }{}, -1); err == nil {
		t.Error("a struct without the driver's fields was accepted")
	}
}
