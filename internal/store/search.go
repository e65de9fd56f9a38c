package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/probity/probity/internal/domain"
)

// The general search (issue 9): one term matched, case-insensitively and as
// a literal substring, against the names people look things up by. Every
// query here takes the searcher's Scope (scope.go), so nothing outside it is
// returned or counted. The app adds the per-engagement work gates for
// documents and messages (app/search.go).

// SearchPattern turns a search term into a LIKE pattern that finds it
// anywhere in a lower-cased column: lower-cased, with the LIKE wildcards
// % and _ and the escape character \ taken literally (ESCAPE '\').
func SearchPattern(term string) string {
	return "%" + likeEscaper.Replace(strings.ToLower(term)) + "%"
}

// SearchQuery is one group's search.
type SearchQuery struct {
	Scope   Scope
	Pattern string // from SearchPattern
	Limit   int    // rows to return (the count is of all)
	// HideHighlyConfidential leaves out rows on highly confidential matters
	// (a session without its second factor); they are still counted apart
	// in SearchCount.HighlyConfidential.
	HideHighlyConfidential bool
	// Stages, for the engagement-level sources, is the engagement stages
	// whose rows may be opened, as ",active,paused," ("": any stage).
	Stages string
}

func (q SearchQuery) hide() int {
	if q.HideHighlyConfidential {
		return 1
	}
	return 0
}

func (q SearchQuery) limit() int {
	if q.Limit <= 0 || q.Limit > MaxPageSize {
		return MaxPageSize
	}
	return q.Limit
}

// SearchRow is one thing the search found: what it is called, where it
// sits, and the texts the term may be in (for the snippet).
type SearchRow struct {
	ID           int64 // the matter, party, vendor, engagement, engagement document, deliverable or message
	MatterID     int64
	EngagementID int64
	ThreadID     int64
	Name         string   // what the row is called: matter number, party or vendor name, file name, thread subject
	Where        string   // where it sits: matter number and title, engagement
	Texts        []string // the searched texts, in the order the snippet prefers them
	Sensitivity  domain.Sensitivity
}

// SearchCount is how many rows match in scope, and how many of those are on
// highly confidential matters.
type SearchCount struct {
	Total              int
	HighlyConfidential int
}

const hcCount = `COUNT(*), COALESCE(SUM(CASE WHEN m.sensitivity = 'highly_confidential' THEN 1 ELSE 0 END), 0)`

// hcHidden is a condition on matters m: not highly confidential when $n is 1.
func hcHidden(n string) string {
	return `($` + n + ` = 0 OR m.sensitivity <> 'highly_confidential')`
}

func (tx *Tx) searchCount(ctx context.Context, q string, args ...any) (SearchCount, error) {
	var c SearchCount
	err := tx.queryRow(ctx, q, args...).Scan(&c.Total, &c.HighlyConfidential)
	return c, err
}

func scanRows(rows *sql.Rows, err error, scan func(*sql.Rows) (SearchRow, error)) ([]SearchRow, error) {
	return collect(rows, err, scan)
}

// SearchMatters finds matters by number or title.
func (tx *Tx) SearchMatters(ctx context.Context, q SearchQuery) ([]SearchRow, SearchCount, error) {
	const where = ` FROM matters m JOIN clients c ON c.id = m.client_id WHERE (lower(m.number) LIKE $5 ESCAPE '\' OR lower(m.title) LIKE $5 ESCAPE '\') AND `
	args := append(scopeArgs(q.Scope), q.Pattern)
	c, err := tx.searchCount(ctx, `SELECT `+hcCount+where+matterVisible(1), args...)
	if err != nil || c.Total == 0 {
		return nil, c, err
	}
	rows, err := tx.query(ctx, `SELECT m.id, m.number, m.title, c.name, m.sensitivity`+where+matterVisible(1)+` AND `+hcHidden("6")+`
		ORDER BY m.status DESC, m.opened_on DESC, m.id DESC LIMIT $7`, append(args, q.hide(), q.limit())...)
	list, err := scanRows(rows, err, func(r *sql.Rows) (SearchRow, error) {
		var s SearchRow
		var title, client string
		err := r.Scan(&s.ID, &s.Name, &title, &client, &s.Sensitivity)
		s.MatterID, s.Where, s.Texts = s.ID, client, []string{title, s.Name}
		return s, err
	})
	return list, c, err
}

// SearchParties finds matter parties by name or alias.
func (tx *Tx) SearchParties(ctx context.Context, q SearchQuery) ([]SearchRow, SearchCount, error) {
	const where = ` FROM parties p JOIN matters m ON m.id = p.matter_id WHERE (lower(p.name) LIKE $5 ESCAPE '\'
		OR EXISTS (SELECT 1 FROM party_aliases a WHERE a.party_id = p.id AND lower(a.alias) LIKE $5 ESCAPE '\')) AND `
	args := append(scopeArgs(q.Scope), q.Pattern)
	c, err := tx.searchCount(ctx, `SELECT `+hcCount+where+matterVisible(1), args...)
	if err != nil || c.Total == 0 {
		return nil, c, err
	}
	rows, err := tx.query(ctx, `SELECT p.id, p.name, m.id, m.number, m.title, m.sensitivity,
		COALESCE((SELECT MIN(a.alias) FROM party_aliases a WHERE a.party_id = p.id AND lower(a.alias) LIKE $5 ESCAPE '\'), '')`+where+matterVisible(1)+` AND `+hcHidden("6")+`
		ORDER BY lower(p.name), p.id LIMIT $7`, append(args, q.hide(), q.limit())...)
	list, err := scanRows(rows, err, func(r *sql.Rows) (SearchRow, error) {
		var s SearchRow
		var number, title, alias string
		err := r.Scan(&s.ID, &s.Name, &s.MatterID, &number, &title, &s.Sensitivity, &alias)
		s.Where, s.Texts = number+" "+title, []string{s.Name, alias}
		return s, err
	})
	return list, c, err
}

// SearchVendors finds vendors by name or legal name.
func (tx *Tx) SearchVendors(ctx context.Context, q SearchQuery) ([]SearchRow, SearchCount, error) {
	const where = ` FROM vendors v WHERE (lower(v.name) LIKE $4 ESCAPE '\' OR lower(v.legal_name) LIKE $4 ESCAPE '\') AND ` + vendorVisible
	args := append(vendorArgs(q.Scope), q.Pattern)
	var c SearchCount
	if err := tx.queryRow(ctx, `SELECT COUNT(*)`+where, args...).Scan(&c.Total); err != nil || c.Total == 0 {
		return nil, c, err
	}
	rows, err := tx.query(ctx, `SELECT v.id, v.name, v.legal_name, v.country`+where+` ORDER BY lower(v.name), v.id LIMIT $5`, append(args, q.limit())...)
	list, err := scanRows(rows, err, func(r *sql.Rows) (SearchRow, error) {
		var s SearchRow
		var legal string
		err := r.Scan(&s.ID, &s.Name, &legal, &s.Where)
		s.Texts = []string{s.Name, legal}
		return s, err
	})
	return list, c, err
}

// SearchEngagements finds engagements by their service, description or
// vendor's name.
func (tx *Tx) SearchEngagements(ctx context.Context, q SearchQuery) ([]SearchRow, SearchCount, error) {
	const where = ` FROM engagements e JOIN matters m ON m.id = e.matter_id JOIN vendors v ON v.id = e.vendor_id
		WHERE (lower(e.service) LIKE $5 ESCAPE '\' OR lower(e.description) LIKE $5 ESCAPE '\' OR lower(v.name) LIKE $5 ESCAPE '\') AND `
	args := append(scopeArgs(q.Scope), q.Pattern)
	c, err := tx.searchCount(ctx, `SELECT `+hcCount+where+engagementVisible(1), args...)
	if err != nil || c.Total == 0 {
		return nil, c, err
	}
	rows, err := tx.query(ctx, `SELECT e.id, m.id, m.number, m.title, v.name, e.service, e.description, m.sensitivity`+where+engagementVisible(1)+` AND `+hcHidden("6")+`
		ORDER BY e.id DESC LIMIT $7`, append(args, q.hide(), q.limit())...)
	list, err := scanRows(rows, err, func(r *sql.Rows) (SearchRow, error) {
		var s SearchRow
		var number, title, vendor, service, desc string
		err := r.Scan(&s.ID, &s.MatterID, &number, &title, &vendor, &service, &desc, &s.Sensitivity)
		s.EngagementID = s.ID
		s.Name, s.Where, s.Texts = vendor+" — "+service, number+" "+title, []string{service, vendor, desc}
		return s, err
	})
	return list, c, err
}

// Engagement-level groups (documents, deliverables, messages) are searched
// in two steps, because whether a person may open them depends on gates per
// engagement that are not SQL (app.workEngagement): first how many rows
// match per engagement in scope, then, for the engagements the app lets
// through, the rows themselves, newest first, a page at a time.

// SearchSource is an engagement-level kind of row.
type SearchSource string

// The engagement-level sources of the general search.
const (
	SourceDocuments    SearchSource = "documents"    // files shared on engagements (name, description)
	SourceDeliverables SearchSource = "deliverables" // deliverable titles and their versions' file names
	SourceReleased     SearchSource = "released"     // the same, counting only versions released to the client
	SourceMessages     SearchSource = "messages"     // message bodies, and thread subjects on a thread's first post
)

// sourceSQL is, per source: FROM and the match condition (on $5), the row
// id column, and the columns a row reads.
var sourceSQL = map[SearchSource]struct{ from, id, cols string }{
	SourceDocuments: {
		from: ` FROM engagement_documents x JOIN documents d ON d.id = x.document_id JOIN engagements e ON e.id = x.engagement_id JOIN matters m ON m.id = e.matter_id
			WHERE (lower(d.filename) LIKE $5 ESCAPE '\' OR lower(x.description) LIKE $5 ESCAPE '\')`,
		id:   `x.id`,
		cols: `x.id, e.id, m.id, m.number, m.sensitivity, 0, d.filename, d.filename, x.description`,
	},
	SourceDeliverables: {
		from: ` FROM deliverables x JOIN engagements e ON e.id = x.engagement_id JOIN matters m ON m.id = e.matter_id
			WHERE (lower(x.title) LIKE $5 ESCAPE '\' OR EXISTS (SELECT 1 FROM deliverable_versions dv JOIN documents d ON d.id = dv.document_id
				WHERE dv.deliverable_id = x.id AND lower(d.filename) LIKE $5 ESCAPE '\'))`,
		id: `x.id`,
		cols: `x.id, e.id, m.id, m.number, m.sensitivity, 0, x.title, x.title,
			COALESCE((SELECT MIN(d.filename) FROM deliverable_versions dv JOIN documents d ON d.id = dv.document_id
				WHERE dv.deliverable_id = x.id AND lower(d.filename) LIKE $5 ESCAPE '\'), '')`,
	},
	SourceReleased: {
		from: ` FROM deliverables x JOIN engagements e ON e.id = x.engagement_id JOIN matters m ON m.id = e.matter_id
			WHERE EXISTS (SELECT 1 FROM deliverable_versions rv WHERE rv.deliverable_id = x.id AND rv.release_kind = 'client')
			AND (lower(x.title) LIKE $5 ESCAPE '\' OR EXISTS (SELECT 1 FROM deliverable_versions dv JOIN documents d ON d.id = dv.document_id
				WHERE dv.deliverable_id = x.id AND dv.release_kind = 'client' AND lower(d.filename) LIKE $5 ESCAPE '\'))`,
		id: `x.id`,
		cols: `x.id, e.id, m.id, m.number, m.sensitivity, 0, x.title, x.title,
			COALESCE((SELECT MIN(d.filename) FROM deliverable_versions dv JOIN documents d ON d.id = dv.document_id
				WHERE dv.deliverable_id = x.id AND dv.release_kind = 'client' AND lower(d.filename) LIKE $5 ESCAPE '\'), '')`,
	},
	SourceMessages: {
		from: ` FROM messages x JOIN message_threads t ON t.id = x.thread_id JOIN engagements e ON e.id = x.engagement_id JOIN matters m ON m.id = e.matter_id
			WHERE (lower(x.body) LIKE $5 ESCAPE '\' OR (lower(t.subject) LIKE $5 ESCAPE '\'
				AND x.id = (SELECT MIN(f.id) FROM messages f WHERE f.thread_id = t.id)))`,
		id:   `x.id`,
		cols: `x.id, e.id, m.id, m.number, m.sensitivity, t.id, t.subject, x.body, t.subject`,
	},
}

// EngagementMatches is how many rows of a source match on one engagement.
type EngagementMatches struct {
	EngagementID       int64
	Rows               int
	HighlyConfidential bool
}

// stageIn is a condition on engagements e: its stage is in the list $6
// (",a,b,"), or the list is empty.
const stageIn = `($6 = '' OR $6 LIKE ('%,' || e.stage || ',%'))`

// SearchPerEngagement counts the rows of a source matching the pattern on
// each engagement in scope at one of q.Stages, highly confidential ones
// included (and marked).
func (tx *Tx) SearchPerEngagement(ctx context.Context, src SearchSource, q SearchQuery) ([]EngagementMatches, error) {
	s, ok := sourceSQL[src]
	if !ok {
		return nil, domain.Invalid("kind", "unknown search source")
	}
	rows, err := tx.query(ctx, `SELECT e.id, COUNT(*), MIN(CASE WHEN m.sensitivity = 'highly_confidential' THEN 1 ELSE 0 END)`+s.from+`
		AND `+engagementVisible(1)+` AND `+stageIn+` GROUP BY e.id ORDER BY e.id`, append(scopeArgs(q.Scope), q.Pattern, q.Stages)...)
	return collect(rows, err, func(r *sql.Rows) (EngagementMatches, error) {
		var x EngagementMatches
		var hc int
		err := r.Scan(&x.EngagementID, &x.Rows, &hc)
		x.HighlyConfidential = hc == 1
		return x, err
	})
}

// SearchSourceRows lists a source's matching rows in scope at one of
// q.Stages (and not on a highly confidential matter when q hides them),
// newest first, those with an id below before (0: from the newest); the
// caller keeps the rows of the engagements it may open and asks for the
// next page from the last id.
func (tx *Tx) SearchSourceRows(ctx context.Context, src SearchSource, q SearchQuery, before int64) ([]SearchRow, error) {
	s, ok := sourceSQL[src]
	if !ok {
		return nil, domain.Invalid("kind", "unknown search source")
	}
	rows, err := tx.query(ctx, `SELECT `+s.cols+s.from+` AND `+engagementVisible(1)+` AND `+stageIn+` AND `+hcHidden("7")+`
		AND ($8 = 0 OR `+s.id+` < $8) ORDER BY `+s.id+` DESC LIMIT $9`, append(scopeArgs(q.Scope), q.Pattern, q.Stages, q.hide(), before, q.limit())...)
	return scanRows(rows, err, func(r *sql.Rows) (SearchRow, error) {
		var x SearchRow
		var a, b string
		err := r.Scan(&x.ID, &x.EngagementID, &x.MatterID, &x.Where, &x.Sensitivity, &x.ThreadID, &x.Name, &a, &b)
		x.Texts = []string{a, b}
		return x, err
	})
}
