package main

import (
	"context"
	"flag"
	"fmt"
)

func (m *Main) migrate(ctx context.Context, args []string) error {
	var status bool
	c, _, err := m.parse("migrate", "migrate [--status] [flags]", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&status, "status", false, "only show the schema version; change nothing")
	})
	if err != nil {
		return err
	}
	s, err := m.openStore(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	if status {
		cur, latest, err := s.SchemaStatus(ctx)
		if err != nil {
			return err
		}
		state := "current"
		switch {
		case cur < latest:
			state = fmt.Sprintf("%d pending", latest-cur)
		case cur > latest:
			state = "newer than this binary"
		}
		fmt.Fprintf(m.Stdout, "%s schema at version %d of %d (%s)\n", s.Engine(), cur, latest, state)
		return nil
	}
	applied, err := s.Migrate(ctx, m.Now())
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(m.Stdout, "%s schema is current; nothing to apply\n", s.Engine())
		return nil
	}
	fmt.Fprintf(m.Stdout, "%s schema migrated: applied %v\n", s.Engine(), applied)
	return nil
}
