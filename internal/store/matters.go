package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/probity/probity/internal/domain"
)

const matterCols = `m.id, m.client_id, m.number, m.title, m.practice_area, m.sensitivity, m.responsible_attorney_id, m.status, m.opened_on, m.created_at`

// scanMatter scans matterCols followed by any extra columns.
func scanMatter(r interface{ Scan(...any) error }, extra ...any) (domain.Matter, error) {
	var m domain.Matter
	var created int64
	err := r.Scan(append([]any{&m.ID, &m.ClientID, &m.Number, &m.Title, &m.PracticeArea, &m.Sensitivity, &m.ResponsibleAttorneyID, &m.Status, &m.OpenedOn, &created}, extra...)...)
	m.CreatedAt = fromUS(created)
	return m, err
}

// CreateMatter stores a validated matter with its jurisdictions.
func (tx *Tx) CreateMatter(ctx context.Context, m *domain.Matter, now time.Time) error {
	id, err := tx.insert(ctx, `INSERT INTO matters (client_id, number, title, practice_area, sensitivity, responsible_attorney_id, status, opened_on, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		m.ClientID, m.Number, m.Title, m.PracticeArea, m.Sensitivity, m.ResponsibleAttorneyID, m.Status, string(m.OpenedOn), us(now))
	if err != nil {
		return err
	}
	m.ID, m.CreatedAt = id, now
	for i, j := range m.Jurisdictions {
		if _, err := tx.exec(ctx, `INSERT INTO matter_jurisdictions (matter_id, position, kind, name) VALUES ($1, $2, $3, $4)`, id, i, j.Kind, j.Name); err != nil {
			return err
		}
	}
	return nil
}

// Matter loads a matter within scope, with its jurisdictions.
func (tx *Tx) Matter(ctx context.Context, s Scope, id int64) (domain.Matter, error) {
	m, err := scanMatter(tx.queryRow(ctx, `SELECT `+matterCols+` FROM matters m WHERE `+matterVisible(1)+` AND m.id = $5`, append(scopeArgs(s), id)...))
	if err != nil {
		return m, one(err, "matter")
	}
	rows, err := tx.query(ctx, `SELECT kind, name FROM matter_jurisdictions WHERE matter_id = $1 ORDER BY position`, id)
	m.Jurisdictions, err = collect(rows, err,
		func(r *sql.Rows) (j domain.Jurisdiction, err error) { err = r.Scan(&j.Kind, &j.Name); return j, err })
	return m, err
}

// MatterFilter narrows ListMatters.
type MatterFilter struct {
	ClientID int64
	Status   string
	Query    string // matched against number and title, case-insensitively
	Page
}

// MatterSummary is a matter with the names a list shows beside it.
type MatterSummary struct {
	domain.Matter
	ClientName              string
	ResponsibleAttorneyName string
}

// ListMatters lists matters within scope, by id.
func (tx *Tx) ListMatters(ctx context.Context, s Scope, f MatterFilter) ([]MatterSummary, error) {
	args := append(scopeArgs(s), f.AfterID, f.ClientID, f.Status, f.limit())
	// The text filter is in the statement only when there is text: SQLite
	// plans a LIKE on a bound pattern again for every value bound to it.
	like := ""
	if f.Query != "" {
		like = ` AND (lower(m.number) LIKE $9 ESCAPE '\' OR lower(m.title) LIKE $9 ESCAPE '\')`
		args = append(args, "%"+likeEscaper.Replace(strings.ToLower(f.Query))+"%")
	}
	rows, err := tx.query(ctx, `SELECT `+matterCols+`, c.name, u.name FROM matters m
		JOIN clients c ON c.id = m.client_id JOIN users u ON u.id = m.responsible_attorney_id WHERE `+matterVisible(1)+matterScopeHint(s)+given(f.ClientID, ` AND m.client_id = $6`)+`
		AND m.id > $5 AND ($6 = 0 OR m.client_id = $6) AND ($7 = '' OR m.status = $7)`+like+`
		ORDER BY m.id LIMIT $8`, args...)
	return collect(rows, err, func(r *sql.Rows) (MatterSummary, error) {
		var ms MatterSummary
		var err error
		ms.Matter, err = scanMatter(r, &ms.ClientName, &ms.ResponsibleAttorneyName)
		return ms, err
	})
}

// AddTeamMember puts a firm user on a matter's team.
func (tx *Tx) AddTeamMember(ctx context.Context, matterID, userID int64, role string) error {
	_, err := tx.exec(ctx, `INSERT INTO matter_team (matter_id, user_id, role) VALUES ($1, $2, $3)`, matterID, userID, role)
	return err
}

// TeamMember is a firm user on a matter's team.
type TeamMember struct {
	User domain.User
	Role string
}

// Team lists a matter's team.
func (tx *Tx) Team(ctx context.Context, matterID int64) ([]TeamMember, error) {
	rows, err := tx.query(ctx, `SELECT `+prefixed("u.", userCols)+`, t.role FROM matter_team t JOIN users u ON u.id = t.user_id WHERE t.matter_id = $1 ORDER BY u.name`, matterID)
	return collect(rows, err, func(r *sql.Rows) (TeamMember, error) {
		var t TeamMember
		var err error
		t.User, err = scanUser(r, &t.Role)
		return t, err
	})
}

// Screen keeps a firm user out of a matter (an ethical screen).
func (tx *Tx) Screen(ctx context.Context, matterID, userID, by int64, reason string, now time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO matter_screens (matter_id, user_id, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5)`,
		matterID, userID, reason, by, us(now))
	return err
}

// CreateParty stores a validated party and its aliases.
func (tx *Tx) CreateParty(ctx context.Context, p *domain.Party) error {
	id, err := tx.insert(ctx, `INSERT INTO parties (matter_id, name, role) VALUES ($1, $2, $3)`, p.MatterID, p.Name, p.Role)
	if err != nil {
		return err
	}
	p.ID = id
	for _, a := range p.Aliases {
		if _, err := tx.exec(ctx, `INSERT INTO party_aliases (party_id, alias) VALUES ($1, $2)`, id, a); err != nil {
			return err
		}
	}
	return nil
}

// Parties lists a matter's parties with their aliases.
func (tx *Tx) Parties(ctx context.Context, matterID int64) ([]domain.Party, error) {
	rows, err := tx.query(ctx, `SELECT id, matter_id, name, role FROM parties WHERE matter_id = $1 ORDER BY id`, matterID)
	ps, err := collect(rows, err,
		func(r *sql.Rows) (p domain.Party, err error) {
			err = r.Scan(&p.ID, &p.MatterID, &p.Name, &p.Role)
			return p, err
		})
	if err != nil {
		return nil, err
	}
	idx := map[int64]int{}
	for i, p := range ps {
		idx[p.ID] = i
	}
	rows, err = tx.query(ctx, `SELECT a.party_id, a.alias FROM party_aliases a JOIN parties p ON p.id = a.party_id WHERE p.matter_id = $1 ORDER BY a.alias`, matterID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var alias string
		if err := rows.Scan(&id, &alias); err != nil {
			return nil, err
		}
		ps[idx[id]].Aliases = append(ps[idx[id]].Aliases, alias)
	}
	return ps, rows.Err()
}

// prefixed qualifies each column of a column list with a table alias
// ("id, COALESCE(vendor_id, 0)" -> "u.id, COALESCE(u.vendor_id, 0)"). Commas
// inside parentheses do not separate columns.
// likeEscaper makes user text literal inside a LIKE pattern (ESCAPE '\').
var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

func prefixed(prefix, cols string) string {
	var parts []string
	depth, start := 0, 0
	for i, r := range cols {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, strings.TrimSpace(cols[start:i]))
				start = i + 1
			}
		}
	}
	parts = append(parts, strings.TrimSpace(cols[start:]))
	for i, p := range parts {
		if strings.HasPrefix(p, "COALESCE(") {
			parts[i] = "COALESCE(" + prefix + strings.TrimPrefix(p, "COALESCE(")
		} else {
			parts[i] = prefix + p
		}
	}
	return strings.Join(parts, ", ")
}

// ScreenEntry is one ethical screen on a matter.
type ScreenEntry struct {
	User      domain.User
	Reason    string
	CreatedBy string
	CreatedAt time.Time
}

// Screens lists the users screened from a matter.
func (tx *Tx) Screens(ctx context.Context, matterID int64) ([]ScreenEntry, error) {
	rows, err := tx.query(ctx, `SELECT `+prefixed("u.", userCols)+`, s.reason, b.name, s.created_at FROM matter_screens s
		JOIN users u ON u.id = s.user_id JOIN users b ON b.id = s.created_by WHERE s.matter_id = $1 ORDER BY u.name`, matterID)
	return collect(rows, err, func(r *sql.Rows) (ScreenEntry, error) {
		var e ScreenEntry
		var at int64
		var err error
		e.User, err = scanUser(r, &e.Reason, &e.CreatedBy, &at)
		e.CreatedAt = fromUS(at)
		return e, err
	})
}

// ScreenedMatters lists the ids of the matters a user is screened from, in
// order: what a firm user may see, beside their role.
func (tx *Tx) ScreenedMatters(ctx context.Context, userID int64) ([]int64, error) {
	rows, err := tx.query(ctx, `SELECT matter_id FROM matter_screens WHERE user_id = $1 ORDER BY matter_id`, userID)
	return collect(rows, err, func(r *sql.Rows) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
}

// Unscreen lifts an ethical screen.
func (tx *Tx) Unscreen(ctx context.Context, matterID, userID int64) error {
	r, err := tx.exec(ctx, `DELETE FROM matter_screens WHERE matter_id = $1 AND user_id = $2`, matterID, userID)
	return affected(r, err, "screen")
}

// RemoveTeamMember takes a user off a matter's team; it is not an error if they were not on it.
func (tx *Tx) RemoveTeamMember(ctx context.Context, matterID, userID int64) (bool, error) {
	r, err := tx.exec(ctx, `DELETE FROM matter_team WHERE matter_id = $1 AND user_id = $2`, matterID, userID)
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n > 0, err
}

// SupervisesOnMatter reports whether a user supervises any engagement on a matter.
func (tx *Tx) SupervisesOnMatter(ctx context.Context, matterID, userID int64) (bool, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM engagements WHERE matter_id = $1 AND supervising_attorney_id = $2 AND stage <> 'closed'`, matterID, userID).Scan(&n)
	return n > 0, err
}
