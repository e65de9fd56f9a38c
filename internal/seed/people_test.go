package seed_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/seed"
	"github.com/probity/probity/internal/store"
)

// checkPeople checks, through the app on its clock at the set's day, that
// the chosen people of a generated set see what they should: the vendor
// people are cleared for work (and open their engagement's documents), a
// lapsed vendor person is blocked, the client contact sees their
// engagements with released work and invoices, and an attorney finds
// generated parties by name and by alias.
func checkPeople(t *testing.T, a *app.App, size seed.Size, people seed.People) {
	t.Helper()
	ctx := context.Background()
	a.Now = func() time.Time { return size.Now }
	today := domain.DateOf(size.Now)
	db := a.Store.DB()
	one := func(q string, args ...any) (v int64) {
		t.Helper()
		if err := db.QueryRow(q, args...).Scan(&v); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return v
	}
	var users map[int64]domain.User
	status := map[int64]domain.PersonnelState{}
	lapsed := one(`SELECT id FROM users WHERE email = $1`, fmt.Sprintf("analyst2@vendor%d.example", size.Vendors))
	if err := a.Store.Read(ctx, func(tx *store.Tx) error {
		users = map[int64]domain.User{}
		for _, id := range []int64{people.Attorney, people.VendorManager, people.VendorProfessional, people.ClientContact} {
			u, err := tx.User(ctx, id)
			if err != nil {
				return err
			}
			users[id] = u
		}
		for _, id := range []int64{people.VendorManager, people.VendorProfessional, lapsed} {
			p, err := tx.Personnel(ctx, id)
			if err != nil {
				return fmt.Errorf("personnel of %d: %w", id, err)
			}
			status[id] = p.PersonnelStatus(today).State
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if status[people.VendorManager] != domain.PersonnelClear || status[people.VendorProfessional] != domain.PersonnelClear {
		t.Errorf("the chosen vendor people's NDA and training: %v", status)
	}
	if status[lapsed] != domain.PersonnelBlocked {
		t.Errorf("the last vendor's second analyst is %q, want lapsed (blocked)", status[lapsed])
	}

	// The chosen professional works on an engagement at work and opens its documents.
	pro := users[people.VendorProfessional]
	eng := one(`SELECT MIN(e.id) FROM engagements e JOIN engagement_members m ON m.engagement_id = e.id WHERE m.user_id = $1 AND e.stage = 'active'`, pro.ID)
	docs, err := a.EngagementDocuments(ctx, pro, eng)
	if err != nil || int64(len(docs)) != one(`SELECT COUNT(*) FROM engagement_documents WHERE engagement_id = $1`, eng) {
		t.Errorf("the chosen professional's documents on engagement %d: %d, %v", eng, len(docs), err)
	}

	// The client contact sees their client's engagements, released work and invoices.
	cl := users[people.ClientContact]
	var list []store.EngagementSummary
	if err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		list, err = tx.ListEngagements(ctx, app.ScopeFor(cl), store.EngagementFilter{Page: store.Page{Limit: store.MaxPageSize}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	active := 0
	for _, e := range list {
		if one(`SELECT m.client_id FROM matters m WHERE m.id = $1`, e.MatterID) != cl.ClientID {
			t.Errorf("the client contact sees engagement %d of another client", e.ID)
		}
		if e.Stage == domain.StageActive {
			active++
		}
	}
	if active == 0 {
		t.Errorf("the client contact sees %d engagements, none at work", len(list))
	}
	h, err := a.Home(ctx, cl)
	if err != nil || h.Client == nil || h.Client.Released.Total == 0 || len(h.Client.Invoices) == 0 {
		t.Errorf("the client contact's home: %+v, %v", h.Client, err)
	}

	// An attorney finds a generated party, by name and by alias, in the
	// party search and the general search.
	att := users[people.Attorney]
	var name, alias, aliasOf string
	var matter, aliasMatter int64
	if err := db.QueryRow(`SELECT p.name, p.matter_id FROM parties p JOIN matters m ON m.id = p.matter_id
		WHERE p.role = 'adverse' AND m.sensitivity <> 'highly_confidential' ORDER BY p.id LIMIT 1`).Scan(&name, &matter); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT a.alias, p.name, p.matter_id FROM party_aliases a JOIN parties p ON p.id = a.party_id JOIN matters m ON m.id = p.matter_id
		WHERE m.sensitivity <> 'highly_confidential' ORDER BY p.id LIMIT 1`).Scan(&alias, &aliasOf, &aliasMatter); err != nil {
		t.Fatal(err)
	}
	found := func(q string, matter int64, label string) {
		t.Helper()
		res, err := a.SearchParties(ctx, att, q)
		if err != nil {
			t.Fatalf("party search %q: %v", q, err)
		}
		if res.Names < size.Parties {
			t.Errorf("the party index holds %d names, want at least the %d parties", res.Names, size.Parties)
		}
		for _, m := range res.Matches {
			if m.Name == q && m.MatterID == matter && (label == "" || m.PartyLabel == label) {
				return
			}
		}
		t.Errorf("party search %q: no match on matter %d among %d", q, matter, len(res.Matches))
	}
	found(name, matter, "")
	found(alias, aliasMatter, aliasOf)
	res, err := a.Search(ctx, att, name, app.SearchPartyNames)
	if err != nil {
		t.Fatal(err)
	}
	hit := false
	for _, g := range res.Groups {
		for _, x := range g.Hits {
			hit = hit || x.Name == name && x.MatterID == matter
		}
	}
	if !hit {
		t.Errorf("the general search for %q did not find the party on matter %d: %+v", name, matter, res.Groups)
	}
}

// digest sums the generated rows of the tables the generator fills at
// random, in id order, as text (the same on both engines).
func digest(t *testing.T, db *sql.DB) string {
	t.Helper()
	h := sha256.New()
	for _, q := range []string{
		`SELECT id, matter_id, name, role FROM parties ORDER BY id`,
		`SELECT party_id, alias FROM party_aliases ORDER BY party_id`,
		`SELECT id, filename, content_type, size, sha256, storage_key, uploaded_by, created_at FROM documents ORDER BY id`,
		`SELECT id, engagement_id, document_id, side, folder, description, version FROM engagement_documents ORDER BY id`,
		`SELECT id, engagement_id, subject, created_by, created_at, last_post_at FROM message_threads ORDER BY id`,
		`SELECT id, thread_id, author_id, body, created_at FROM messages ORDER BY id`,
		`SELECT user_id, position, nda_expires_on, confidentiality_expires_on, ethics_expires_on FROM personnel ORDER BY user_id`,
		`SELECT id, engagement_id, user_id, worked_on, tenths, state FROM time_entries ORDER BY id`,
		`SELECT id, stage, vendor_id FROM engagements ORDER BY id`,
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		cols, _ := rows.Columns()
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				fmt.Fprintf(h, "%q,", v.String)
			}
			h.Write([]byte{'\n'})
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		_ = rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}
