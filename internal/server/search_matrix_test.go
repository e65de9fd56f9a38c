package server_test

import (
	"github.com/probity/probity/internal/api"
)

// The general search (issue 9 part 3). Every signed-in role may search;
// what the answer shows is its scope's own: the matrix's content check
// follows every matter, engagement and vendor link of the page and every
// matter_id, engagement_id and vendor_id of the JSON, and fails on one
// outside the actor's scope. The term is short and common, so that every
// group answers with many results. The app tests (app/search_test.go) plant
// a word in out-of-scope places and prove it is neither shown nor counted.
func (m *matrix) searchRules() map[string]rule {
	q := body{query: "q=re"}
	docs := body{query: "q=re&kind=documents"}
	p := api.Prefix
	return map[string]rule{
		"GET /search":          {access: anyone, safe: q, probe: docs},
		"GET " + p + "/search": {access: anyone, safe: q, probe: docs},
	}
}
