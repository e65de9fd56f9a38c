package store

import (
	"context"
	"database/sql"
	"strconv"
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
	Scope Scope
	Term  string // what to find: a literal substring, any case
	Limit int    // rows to return (the count is of all)
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

// SearchCountCap is how many matching rows a group counts at most: a broad
// term on a large firm matches tens of thousands of documents, and counting
// them all (each through the scope and the gates) would cost the search
// hundreds of milliseconds for a number nobody reads. Past it the count is
// a lower bound ("1,000 or more").
const SearchCountCap = 1000

// SearchCount is how many rows match in scope, and how many of those are on
// highly confidential matters; Capped when there are more than
// SearchCountCap (Total is then SearchCountCap, HighlyConfidential of
// those counted).
type SearchCount struct {
	Total              int
	HighlyConfidential int
	Capped             bool
}

// hcCount counts the rows of a capped subquery naming its sensitivity s.
const hcCount = `COUNT(*), COALESCE(SUM(CASE WHEN s = 'highly_confidential' THEN 1 ELSE 0 END), 0)`

// hcHidden is a condition on matters m: not highly confidential when $n is 1.
func hcHidden(n string) string {
	return `($` + n + ` = 0 OR m.sensitivity <> 'highly_confidential')`
}

// searchCount counts the rows of from (FROM … WHERE …, over matters m), at
// most SearchCountCap of them; texts are the searched texts it matches.
func (tx *Tx) searchCount(ctx context.Context, t termMatch, from string, args []any, texts ...searchText) (SearchCount, error) {
	var c SearchCount
	err := tx.queryRow(ctx, `SELECT `+hcCount+` FROM (SELECT m.sensitivity AS s`+from+` LIMIT `+strconv.Itoa(SearchCountCap+1)+`) capped`, args...).
		Scan(&c.Total, &c.HighlyConfidential)
	if err == nil {
		err = c.cap(ctx, tx, t, texts...)
	}
	return c, err
}

// cap marks a count that is a lower bound — past SearchCountCap, or taken
// among the newest rows of a text that holds the term in more — and brings
// it back to the cap.
func (c *SearchCount) cap(ctx context.Context, tx *Tx, t termMatch, texts ...searchText) error {
	if c.Total > SearchCountCap {
		c.Total, c.Capped = SearchCountCap, true
		return nil
	}
	more, err := t.beyond(ctx, tx, texts...)
	c.Capped = more
	return err
}

func scanRows(rows *sql.Rows, err error, scan func(*sql.Rows) (SearchRow, error)) ([]SearchRow, error) {
	return collect(rows, err, scan)
}

// SearchMatters finds matters by number or title.
func (tx *Tx) SearchMatters(ctx context.Context, q SearchQuery) ([]SearchRow, SearchCount, error) {
	t := tx.matchTerm(q.Term)
	where := ` FROM matters m JOIN clients c ON c.id = m.client_id WHERE ` + in("m.id", t.ids(textMatters, "$5")) + ` AND `
	args := append(scopeArgs(q.Scope), t.arg)
	c, err := tx.searchCount(ctx, t, where+matterVisible(1), args, textMatters)
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
	t := tx.matchTerm(q.Term)
	where := ` FROM parties p JOIN matters m ON m.id = p.matter_id WHERE ` + in("p.id", t.ids(textParties, "$5"), t.ids(textAliases, "$5")) + ` AND `
	args := append(scopeArgs(q.Scope), t.arg)
	c, err := tx.searchCount(ctx, t, where+matterVisible(1), args, textParties, textAliases)
	if err != nil || c.Total == 0 {
		return nil, c, err
	}
	rows, err := tx.query(ctx, `SELECT p.id, p.name, m.id, m.number, m.title, m.sensitivity,
		COALESCE((SELECT MIN(a.alias) FROM party_aliases a WHERE a.party_id = p.id AND lower(a.alias) LIKE $8 ESCAPE '\'), '')`+where+matterVisible(1)+` AND `+hcHidden("6")+`
		ORDER BY lower(p.name), p.id LIMIT $7`, append(args, q.hide(), q.limit(), SearchPattern(q.Term))...)
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
	t := tx.matchTerm(q.Term)
	where := ` FROM vendors v WHERE ` + in("v.id", t.ids(textVendors, "$4")) + ` AND ` + vendorVisible
	args := append(vendorArgs(q.Scope), t.arg)
	var c SearchCount
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1`+where+` LIMIT `+strconv.Itoa(SearchCountCap+1)+`) capped`, args...).Scan(&c.Total)
	if err == nil {
		err = c.cap(ctx, tx, t, textVendors)
	}
	if err != nil || c.Total == 0 {
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
// vendor's name or legal name.
func (tx *Tx) SearchEngagements(ctx context.Context, q SearchQuery) ([]SearchRow, SearchCount, error) {
	t := tx.matchTerm(q.Term)
	where := ` FROM engagements e JOIN matters m ON m.id = e.matter_id JOIN vendors v ON v.id = e.vendor_id
		WHERE ` + in("e.id", t.ids(textEngagements, "$5"), `SELECT ev.id FROM engagements ev WHERE ev.vendor_id IN (`+t.ids(textVendors, "$5")+`)`) + ` AND `
	args := append(scopeArgs(q.Scope), t.arg)
	c, err := tx.searchCount(ctx, t, where+engagementVisible(1), args, textEngagements, textVendors)
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

// sourceSQL is, per source: FROM and the match condition (the term at
// $5), the row id column, and the columns a row reads (where a column shows
// which file name matched, it finds it with the LIKE pattern at $10).
func (t termMatch) sourceSQL(src SearchSource) (from, id, cols string, ok bool) {
	// A deliverable matches by its title or the file names of its versions
	// (released ones only, for the client).
	versions := func(released string) string {
		return `SELECT dv.deliverable_id FROM deliverable_versions dv WHERE ` + released + `dv.document_id IN (` + t.ids(textDocuments, "$5") + `)`
	}
	matchedFile := func(released string) string {
		return `COALESCE((SELECT MIN(d.filename) FROM deliverable_versions dv JOIN documents d ON d.id = dv.document_id
			WHERE dv.deliverable_id = x.id AND ` + released + `lower(d.filename) LIKE $10 ESCAPE '\'), '')`
	}
	switch src {
	case SourceDocuments:
		return ` FROM engagement_documents x JOIN documents d ON d.id = x.document_id JOIN engagements e ON e.id = x.engagement_id JOIN matters m ON m.id = e.matter_id
			WHERE ` + in("x.id", `SELECT xd.id FROM engagement_documents xd WHERE xd.document_id IN (`+t.ids(textDocuments, "$5")+`)`, t.ids(textShared, "$5")),
			`x.id`, `x.id, e.id, m.id, m.number, m.sensitivity, 0, d.filename, d.filename, x.description`, true
	case SourceDeliverables:
		return ` FROM deliverables x JOIN engagements e ON e.id = x.engagement_id JOIN matters m ON m.id = e.matter_id
			WHERE ` + in("x.id", t.ids(textDeliverable, "$5"), versions("")),
			`x.id`, `x.id, e.id, m.id, m.number, m.sensitivity, 0, x.title, x.title, ` + matchedFile(""), true
	case SourceReleased:
		const client = `dv.release_kind = 'client' AND `
		return ` FROM deliverables x JOIN engagements e ON e.id = x.engagement_id JOIN matters m ON m.id = e.matter_id
			WHERE EXISTS (SELECT 1 FROM deliverable_versions rv WHERE rv.deliverable_id = x.id AND rv.release_kind = 'client')
			AND ` + in("x.id", t.ids(textDeliverable, "$5"), versions(client)),
			`x.id`, `x.id, e.id, m.id, m.number, m.sensitivity, 0, x.title, x.title, ` + matchedFile(client), true
	case SourceMessages:
		// A thread's subject is found on its first message.
		return ` FROM messages x JOIN message_threads t ON t.id = x.thread_id JOIN engagements e ON e.id = x.engagement_id JOIN matters m ON m.id = e.matter_id
			WHERE ` + in("x.id", t.ids(textMessages, "$5"), `SELECT MIN(f.id) FROM messages f WHERE f.thread_id IN (`+t.ids(textThreads, "$5")+`) GROUP BY f.thread_id`),
			`x.id`, `x.id, e.id, m.id, m.number, m.sensitivity, t.id, t.subject, x.body, t.subject`, true
	}
	return "", "", "", false
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

// SearchPerEngagement counts the rows of a source matching the term on
// each engagement in scope at one of q.Stages, highly confidential ones
// included (and marked): the newest SearchCountCap rows at most, capped
// when there are more.
func (tx *Tx) SearchPerEngagement(ctx context.Context, src SearchSource, q SearchQuery) (per []EngagementMatches, capped bool, err error) {
	t := tx.matchTerm(q.Term)
	from, id, _, ok := t.sourceSQL(src)
	if !ok {
		return nil, false, domain.Invalid("kind", "unknown search source")
	}
	rows, err := tx.query(ctx, `SELECT eid, COUNT(*), MIN(hc) FROM (SELECT e.id AS eid, CASE WHEN m.sensitivity = 'highly_confidential' THEN 1 ELSE 0 END AS hc`+from+`
		AND `+engagementVisible(1)+` AND `+stageIn+` ORDER BY `+id+` DESC LIMIT `+strconv.Itoa(SearchCountCap+1)+`) capped GROUP BY eid ORDER BY eid`,
		append(scopeArgs(q.Scope), t.arg, q.Stages)...)
	n := 0
	per, err = collect(rows, err, func(r *sql.Rows) (EngagementMatches, error) {
		var x EngagementMatches
		var hc int
		err := r.Scan(&x.EngagementID, &x.Rows, &hc)
		x.HighlyConfidential = hc == 1
		n += x.Rows
		return x, err
	})
	if err != nil || n > SearchCountCap {
		return per, err == nil, err
	}
	capped, err = t.beyond(ctx, tx, sourceTexts[src]...)
	return per, capped, err
}

// sourceTexts are the searched texts of each engagement-level source.
var sourceTexts = map[SearchSource][]searchText{
	SourceDocuments:    {textDocuments, textShared},
	SourceDeliverables: {textDeliverable, textDocuments},
	SourceReleased:     {textDeliverable, textDocuments},
	SourceMessages:     {textMessages, textThreads},
}

// SearchSourceRows lists a source's matching rows in scope at one of
// q.Stages (and not on a highly confidential matter when q hides them),
// newest first, those with an id below before (0: from the newest); the
// caller keeps the rows of the engagements it may open and asks for the
// next page from the last id.
func (tx *Tx) SearchSourceRows(ctx context.Context, src SearchSource, q SearchQuery, before int64) ([]SearchRow, error) {
	t := tx.matchTerm(q.Term)
	from, id, cols, ok := t.sourceSQL(src)
	if !ok {
		return nil, domain.Invalid("kind", "unknown search source")
	}
	args := append(scopeArgs(q.Scope), t.arg, q.Stages, q.hide(), before, q.limit())
	if strings.Contains(cols, "$10") {
		args = append(args, SearchPattern(q.Term))
	}
	rows, err := tx.query(ctx, `SELECT `+cols+from+` AND `+engagementVisible(1)+` AND `+stageIn+` AND `+hcHidden("7")+`
		AND ($8 = 0 OR `+id+` < $8) ORDER BY `+id+` DESC LIMIT $9`, args...)
	return scanRows(rows, err, func(r *sql.Rows) (SearchRow, error) {
		var x SearchRow
		var a, b string
		err := r.Scan(&x.ID, &x.EngagementID, &x.MatterID, &x.Where, &x.Sensitivity, &x.ThreadID, &x.Name, &a, &b)
		x.Texts = []string{a, b}
		return x, err
	})
}
