package seed

import (
	"context"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/store"
)

// parties writes the matters' parties: first each matter's client (the
// client's name), then adverse parties, co-parties, third parties and
// witnesses, people and companies, a few on most matters and hundreds on
// some; about 1 in 10 with one alias. Names are unique within a matter, as
// the app keeps them. The last transaction bumps the party-search
// generation, as every change of names does, so no index built before is
// served.
func (g *gen) parties(ctx context.Context, s *store.Store) error {
	z := g.size
	if z.Parties == 0 {
		return nil
	}
	counts := g.spread(z.Parties-z.Matters, z.Matters, 6)
	var rows [][]any
	type alias struct {
		row  int // index in rows
		name string
	}
	var aliases []alias
	written := 0
	flush := func() error {
		last := written+len(rows) == z.Parties
		err := s.Write(ctx, func(tx *store.Tx) error {
			first, err := tx.SeedInsert(ctx, "parties", []string{"matter_id", "name", "role"}, rows)
			if err != nil {
				return err
			}
			al := make([][]any, len(aliases))
			for i, a := range aliases {
				al[i] = []any{first + int64(a.row), a.name}
			}
			if err := tx.SeedRows(ctx, "party_aliases", []string{"party_id", "alias"}, al); err != nil {
				return err
			}
			if last {
				return tx.BumpConflictGeneration(ctx)
			}
			return nil
		})
		if err != nil {
			return err
		}
		written += len(rows)
		g.step(len(rows), "parties")
		rows, aliases = rows[:0], aliases[:0]
		return ctx.Err()
	}
	add := func(matter int64, name, role string) error {
		rows = append(rows, []any{matter, name, role})
		if len(rows) == batch {
			return flush()
		}
		return nil
	}
	for mi := range z.Matters {
		matter := g.firstMat + int64(mi)
		client := g.clientName[g.matterCli[mi]-g.firstCli]
		seen := map[string]bool{strings.ToLower(client): true}
		if err := add(matter, client, "client"); err != nil {
			return err
		}
		for k := range counts[mi] {
			role, person := "third_party", g.rng.IntN(100) < 45
			switch r := g.rng.IntN(100); {
			case r < 25:
				role = "adverse"
			case r < 35:
				role = "co_party"
			case r >= 75:
				role, person = "witness", g.rng.IntN(20) > 0
			}
			var name string
			for try := 0; try == 0 || seen[strings.ToLower(name)]; try++ {
				if try == 10 {
					name = fmt.Sprintf("%s (%d)", name, k+1)
					break
				}
				if person {
					name = personName(g.rng)
				} else {
					name = companyName(g.rng)
				}
			}
			seen[strings.ToLower(name)] = true
			if g.rng.IntN(10) == 0 {
				if al := aliasOf(g.rng, name, person); !strings.EqualFold(al, name) {
					aliases = append(aliases, alias{len(rows), al})
				}
			}
			if err := add(matter, name, role); err != nil {
				return err
			}
		}
	}
	if len(rows) > 0 {
		return flush()
	}
	return nil
}

// spread deals n things over k holders, unevenly but reproducibly: each
// holder's share is weighted by a random power of two below 2^spreadBits,
// and the remainder of the division goes one each to the first holders.
func (g *gen) spread(n, k, spreadBits int) []int {
	w := make([]int64, k)
	var sum int64
	for i := range w {
		w[i] = 1 << g.rng.IntN(spreadBits)
		sum += w[i]
	}
	out := make([]int, k)
	given := 0
	for i := range out {
		out[i] = int(int64(n) * w[i] / sum)
		given += out[i]
	}
	for i := 0; given < n; i = (i + 1) % k {
		out[i]++
		given++
	}
	return out
}
