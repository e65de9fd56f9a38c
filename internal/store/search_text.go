package store

import (
	"context"
	"strings"
)

// The texts the general search matches (search.go), and how each engine
// finds a term in them without reading every row: SQLite keeps each in an
// FTS5 trigram table (its migration 0023, kept in step by triggers);
// PostgreSQL has a pg_trgm GIN index on each column, lower-cased (its
// 0023), which serves the LIKE below. A term shorter than three characters
// has no trigram: both engines then read the rows with LIKE.

// searchText is one table's searched columns.
type searchText struct {
	index string   // SQLite's FTS5 table over cols, rowid = key
	table string   // the table
	key   string   // the column the ids are of: the row's id, or its owner's
	cols  []string // the searched columns
}

var (
	textMatters     = searchText{"matters_fts", "matters", "id", []string{"number", "title"}}
	textParties     = searchText{"parties_fts", "parties", "id", []string{"name"}}
	textAliases     = searchText{"party_aliases_fts", "party_aliases", "party_id", []string{"alias"}} // ids of parties
	textVendors     = searchText{"vendors_fts", "vendors", "id", []string{"name", "legal_name"}}
	textEngagements = searchText{"engagements_fts", "engagements", "id", []string{"service", "description"}}
	textDocuments   = searchText{"documents_fts", "documents", "id", []string{"filename"}}
	textShared      = searchText{"engagement_documents_fts", "engagement_documents", "id", []string{"description"}}
	textDeliverable = searchText{"deliverables_fts", "deliverables", "id", []string{"title"}}
	textThreads     = searchText{"message_threads_fts", "message_threads", "id", []string{"subject"}}
	textMessages    = searchText{"messages_fts", "messages", "id", []string{"body"}}
)

// termMatch is one search's way of matching its term: the value bound to
// the term's placeholder, and whether the engine's text index answers it.
type termMatch struct {
	d       Dialect
	term    string
	arg     string
	indexed bool
}

// matchTerm prepares term for the engine: the text index's argument when it
// answers the term, else a LIKE pattern (SearchPattern).
func (tx *Tx) matchTerm(term string) termMatch {
	m := termMatch{d: tx.d, term: term}
	if _, arg, ok := tx.d.TextIndexed("", "", term, SearchCountCap); ok {
		m.arg, m.indexed = arg, true
		return m
	}
	m.arg = SearchPattern(term)
	return m
}

// ids is a subquery of the ids (t.key) of t's rows whose searched columns
// hold the term, bound at param. From a text index, it is the newest
// SearchCountCap of them: a term that matches more rows of one text than a
// group counts is looked up among the newest (beyond reports whether there
// are more).
func (m termMatch) ids(t searchText, param string) string {
	if m.indexed {
		q, _, _ := m.d.TextIndexed(t.index, param, m.term, SearchCountCap)
		return q
	}
	var or []string
	for _, c := range t.cols {
		or = append(or, `lower(`+c+`) LIKE `+param+` ESCAPE '\'`)
	}
	return `SELECT ` + t.key + ` FROM ` + t.table + ` WHERE ` + strings.Join(or, ` OR `)
}

// in is the condition that column holds one of the ids of sets (subqueries
// of ids, from ids): one IN over their UNION, which each engine evaluates
// once and then looks the rows up by id.
func in(column string, sets ...string) string {
	return column + ` IN (` + strings.Join(sets, ` UNION `) + `)`
}

// beyond reports whether any of texts holds the term in more rows than ids
// gives: then a group's count is a lower bound.
func (m termMatch) beyond(ctx context.Context, tx *Tx, texts ...searchText) (bool, error) {
	if !m.indexed {
		return false, nil
	}
	for _, t := range texts {
		var n int
		q, _, _ := m.d.TextIndexed(t.index, "$1", m.term, SearchCountCap+1)
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM (`+q+`) newest`, m.arg).Scan(&n); err != nil {
			return false, err
		}
		if n > SearchCountCap {
			return true, nil
		}
	}
	return false, nil
}
