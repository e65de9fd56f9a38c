package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/progress"
	"github.com/probity/probity/internal/store"
)

// ImportRow is one data row of a CSV import as the preview shows it.
type ImportRow struct {
	Line     int
	Key      string   // the matter's number (both kinds)
	Name     string   // the matter's title, or the party's name
	Detail   string   // client and sensitivity, or role and aliases
	Problems []string // empty when the row can be imported
}

// ImportPreview is what an import of matters or parties would do (or did).
type ImportPreview struct {
	Kind      domain.ImportKind
	Digest    string // SHA-256 of the file, hex: the web commit names the file it previewed
	Rows      []ImportRow
	Problems  []RowError // every problem, by line (line 0: the whole file)
	Committed bool
}

// Valid reports whether every row can be imported.
func (p ImportPreview) Valid() bool { return len(p.Problems) == 0 && len(p.Rows) > 0 }

// ImportDigest is the hex SHA-256 of an import file.
func ImportDigest(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// errDryRun rolls back an import that only previews.
var errDryRun = errors.New("dry run: roll back")

// ImportCSV previews (dryRun) or imports a CSV file of matters or parties
// (domain.ParseImportCSV describes the columns). An import writes only when
// every row is valid, all in one transaction with one audit event; otherwise
// it returns the preview and an *ImportError listing every problem with its
// line, and writes nothing. Importing parties rechecks conflicts on each
// matter, as adding a party does. Attorneys and firm administrators.
//
// It reports each row checked and written to ctx's progress.Func, and
// checks ctx between rows: cancelled (Ctrl-C, a closed browser request), it
// returns ctx's error and the transaction rolls back, so nothing is written.
func (a *App) ImportCSV(ctx context.Context, actor domain.User, kind domain.ImportKind, data []byte, dryRun bool) (ImportPreview, error) {
	p := ImportPreview{Kind: kind, Digest: ImportDigest(data)}
	if err := require(actor, ManageMatters); err != nil {
		return p, err
	}
	if kind != domain.ImportMatters && kind != domain.ImportParties {
		return p, domain.Invalid("kind", "the kind of import is matters or parties")
	}
	if len(data) > domain.MaxImportBytes {
		return p, domain.Invalid("file", "the file is larger than %d MiB: split it into smaller files", domain.MaxImportBytes>>20)
	}
	records, problems := domain.ParseImportCSV(kind, data)
	for _, pr := range problems {
		p.Problems = append(p.Problems, RowError{Line: pr.Line, Field: pr.Column, Message: pr.Message})
	}
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		var write func() error
		var err error
		if kind == domain.ImportMatters {
			write, err = a.checkMatterRows(ctx, tx, actor, records, &p)
		} else {
			write, err = a.checkPartyRows(ctx, tx, actor, records, &p)
		}
		if err != nil {
			return err
		}
		sort.SliceStable(p.Problems, func(i, j int) bool { return p.Problems[i].Line < p.Problems[j].Line })
		if len(p.Problems) == 0 && len(p.Rows) == 0 {
			p.Problems = append(p.Problems, RowError{Line: 2, Field: "file", Message: "the file has no rows to import under its header"})
		}
		if dryRun || len(p.Problems) > 0 {
			return errDryRun
		}
		return write()
	})
	switch {
	case errors.Is(err, errDryRun) && len(p.Problems) > 0 && !dryRun:
		return p, &ImportError{Rows: p.Problems}
	case errors.Is(err, errDryRun):
		return p, nil
	case err != nil:
		return p, err
	}
	p.Committed = true
	return p, nil
}

// rowDone reports that done of total rows are through stage and stops when
// ctx is cancelled.
func rowDone(ctx context.Context, stage string, done, total int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	progress.Report(ctx, stage, int64(done), int64(total))
	return nil
}

// rowProblems collects the problems of one row.
type rowProblems struct {
	p   *ImportPreview
	row *ImportRow
}

func (r rowProblems) add(field, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	r.row.Problems = append(r.row.Problems, msg)
	r.p.Problems = append(r.p.Problems, RowError{Line: r.row.Line, Field: field, Message: msg})
}

func (a *App) checkMatterRows(ctx context.Context, tx *store.Tx, actor domain.User, records []domain.CSVRecord, p *ImportPreview) (func() error, error) {
	var ms []domain.Matter
	inFile := map[string]int{}
	clients := map[string]domain.Client{}
	for i, rec := range records {
		if err := rowDone(ctx, "Checking matters", i, len(records)); err != nil {
			return nil, err
		}
		f := rec.Fields
		row := ImportRow{Line: rec.Line, Key: f["number"], Name: f["title"]}
		bad := rowProblems{p, &row}
		m := domain.Matter{Number: f["number"], Title: f["title"], PracticeArea: f["practice_area"], Sensitivity: domain.Sensitivity(strings.ToLower(f["sensitivity"])),
			Status: "open", OpenedOn: domain.DateOf(a.Now())}
		c, ok := clients[f["client_number"]]
		if !ok {
			var err error
			c, err = tx.ClientByNumber(ctx, f["client_number"])
			if domain.ErrorCode(err) == domain.ENotFound {
				bad.add("client_number", "no client is numbered %q", f["client_number"])
			} else if err != nil {
				return nil, err
			} else {
				clients[c.Number] = c
			}
		}
		m.ClientID = c.ID
		email := strings.ToLower(f["responsible_attorney_email"])
		if u, _, err := tx.UserByEmail(ctx, email); domain.ErrorCode(err) == domain.ENotFound {
			bad.add("responsible_attorney_email", "no user has the email %q", f["responsible_attorney_email"])
		} else if err != nil {
			return nil, err
		} else if u.Disabled || (u.Role != domain.RoleAttorney && u.Role != domain.RoleFirmAdmin) {
			bad.add("responsible_attorney_email", "%s is not an active attorney", f["responsible_attorney_email"])
		} else {
			m.ResponsibleAttorneyID = u.ID
		}
		for _, col := range domain.JurisdictionKinds {
			for _, n := range domain.SplitList(f[col]) {
				m.Jurisdictions = append(m.Jurisdictions, domain.Jurisdiction{Kind: col, Name: n})
			}
		}
		id := m.ClientID
		if m.ClientID == 0 || m.ResponsibleAttorneyID == 0 { // already reported; let Validate judge the rest
			m.ClientID, m.ResponsibleAttorneyID = -1, -1
		}
		if err := m.Validate(); err != nil {
			bad.add(domain.ErrorField(err), "%s", domain.ErrorMessage(err))
		}
		m.ClientID = id
		if m.Number != "" {
			key := strings.ToLower(m.Number)
			if first, ok := inFile[key]; ok {
				bad.add("number", "matter number %s is already on line %d of this file", m.Number, first)
			} else {
				inFile[key] = rec.Line
				if other, err := tx.MatterIDByNumber(ctx, m.Number); err != nil {
					return nil, err
				} else if other != 0 {
					bad.add("number", "a matter numbered %s already exists", m.Number)
				}
			}
		}
		row.Detail = c.Name + " · " + m.Sensitivity.Label()
		p.Rows = append(p.Rows, row)
		ms = append(ms, m)
	}
	progress.Report(ctx, "Checking matters", int64(len(records)), int64(len(records)))
	return func() error {
		var numbers []string
		for i := range ms {
			if err := rowDone(ctx, "Importing matters", i, len(ms)); err != nil {
				return err
			}
			if err := tx.CreateMatter(ctx, &ms[i], a.Now()); err != nil {
				return err
			}
			numbers = append(numbers, ms[i].Number)
		}
		progress.Report(ctx, "Importing matters", int64(len(ms)), int64(len(ms)))
		return a.audit(ctx, tx, actor, Record{Action: "matter.import", ObjectType: "matter",
			Summary: fmt.Sprintf("imported %s from a CSV file (sha256 %s): %s", plural(len(ms), "matter", "matters"), p.Digest[:16], strings.Join(numbers, ", "))})
	}, nil
}

func (a *App) checkPartyRows(ctx context.Context, tx *store.Tx, actor domain.User, records []domain.CSVRecord, p *ImportPreview) (func() error, error) {
	type matterParties struct {
		m       domain.Matter
		err     error
		names   map[string]bool // existing and imported names, lower case
		parties []domain.Party
	}
	byNumber := map[string]*matterParties{}
	var order []*matterParties
	s := ScopeFor(actor)
	for i, rec := range records {
		if err := rowDone(ctx, "Checking parties", i, len(records)); err != nil {
			return nil, err
		}
		f := rec.Fields
		row := ImportRow{Line: rec.Line, Key: f["matter_number"], Name: f["name"]}
		bad := rowProblems{p, &row}
		mp, ok := byNumber[strings.ToLower(f["matter_number"])]
		if !ok {
			mp = &matterParties{names: map[string]bool{}}
			id, err := tx.MatterIDByNumber(ctx, f["matter_number"])
			if err != nil {
				return nil, err
			}
			if id == 0 {
				mp.err = domain.NotFound("matter")
			} else {
				mp.m, mp.err = tx.Matter(ctx, s, id) // a matter out of scope is as unknown as a missing one
			}
			if mp.err == nil {
				mp.err = a.confidentialGate(ctx, tx, actor, mp.m)
			}
			if mp.err == nil {
				existing, err := tx.Parties(ctx, mp.m.ID)
				if err != nil {
					return nil, err
				}
				for _, x := range existing {
					mp.names[strings.ToLower(x.Name)] = true
				}
			} else if c := domain.ErrorCode(mp.err); c != domain.ENotFound && c != domain.EForbidden {
				return nil, mp.err
			}
			byNumber[strings.ToLower(f["matter_number"])] = mp
			order = append(order, mp)
		}
		switch domain.ErrorCode(mp.err) {
		case domain.ENotFound:
			bad.add("matter_number", "no matter numbered %q", f["matter_number"])
		case domain.EForbidden:
			bad.add("matter_number", "%s", domain.ErrorMessage(mp.err))
		}
		party := domain.Party{MatterID: mp.m.ID, Name: f["name"], Role: domain.PartyRole(strings.ToLower(f["role"]))}
		if err := party.Validate(); err != nil {
			bad.add(domain.ErrorField(err), "%s", domain.ErrorMessage(err))
		} else if name, err := domain.PartyName("name", party.Name); err != nil {
			bad.add("name", "%s", domain.ErrorMessage(err))
		} else {
			party.Name = name
			if mp.names[strings.ToLower(name)] {
				bad.add("name", "%s already has a party named %s (on the matter or earlier in this file)", f["matter_number"], name)
			}
			mp.names[strings.ToLower(name)] = true
		}
		for _, al := range domain.SplitList(f["aliases"]) {
			al, err := domain.PartyName("aliases", al)
			if err != nil {
				bad.add("aliases", "%s", domain.ErrorMessage(err))
				continue
			}
			if !knownAs(party, al) {
				party.Aliases = append(party.Aliases, al)
			}
		}
		row.Detail = party.Role.Label()
		if len(party.Aliases) > 0 {
			row.Detail += " · also known as " + strings.Join(party.Aliases, ", ")
		}
		p.Rows = append(p.Rows, row)
		mp.parties = append(mp.parties, party)
	}
	progress.Report(ctx, "Checking parties", int64(len(records)), int64(len(records)))
	return func() error {
		var parts []string
		n := 0
		for _, mp := range order {
			for i := range mp.parties {
				if err := rowDone(ctx, "Importing parties", n+i, len(records)); err != nil {
					return err
				}
				if err := tx.CreateParty(ctx, &mp.parties[i]); err != nil {
					return err
				}
			}
			n += len(mp.parties)
			checks, err := a.partiesChanged(ctx, tx, mp.m.ID)
			if err != nil {
				return err
			}
			parts = append(parts, fmt.Sprintf("%d on %s%s", len(mp.parties), mp.m.Number, checks))
		}
		progress.Report(ctx, "Importing parties", int64(n), int64(len(records)))
		return a.audit(ctx, tx, actor, Record{Action: "matter.party_import", ObjectType: "party",
			Summary: fmt.Sprintf("imported %s from a CSV file (sha256 %s): %s", plural(n, "party", "parties"), p.Digest[:16], strings.Join(parts, "; "))})
	}, nil
}
