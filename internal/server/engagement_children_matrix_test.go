package server_test

import (
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"testing"
)

// Objects that belong to an engagement (a consent, a message, a document, a
// deliverable and its versions) and appear in paths after it:
// /engagements/{id}/<collection>/{param}[/<collection>/{param}]. Each part
// registers its kind once with registerChild — the collection and parameter
// that name it, its parent kind (kEngagement, or another child kind) and
// the SQL that lists (id, parent id) from the raw tables — and the matrix
// then tries every such object under its own parent, under another
// engagement, and a nonexistent one under every engagement. Rules wrap
// their access in childAccess, which hides an object asked for under a
// parent it does not belong to, exactly like a nonexistent one.

type childKind struct {
	kind   kind
	parent kind
	query  string // SELECT id, parent_id ...
}

// childKinds by "collection/{param}".
var childKinds = map[string]childKind{}

// registerChild teaches the matrix a kind of object under an engagement.
// Call it from a package-level var initialiser of the part's matrix file.
func registerChild(collection, param string, k kind, parent kind, query string) bool {
	childKinds[collection+"/{"+param+"}"] = childKind{kind: k, parent: parent, query: query}
	return true
}

const kConsent kind = "consent" // a client consent (its evidence file)

// Only consents with an evidence file are objects of the evidence routes.
const consentsWithEvidence = `SELECT id, engagement_id FROM client_consents WHERE evidence_document_id IS NOT NULL`

var _ = registerChild("consent", "cid", kConsent, kEngagement, consentsWithEvidence)
var _ = registerChild("consents", "cid", kConsent, kEngagement, consentsWithEvidence)

// childKindOf is paramKind's fallback for registered children.
func childKindOf(collection, param string) (kind, bool) {
	c, ok := childKinds[collection+"/{"+param+"}"]
	return c.kind, ok
}

func isChildKind(k kind) bool {
	for _, c := range childKinds {
		if c.kind == k {
			return true
		}
	}
	return false
}

// childWorld is every registered child's parent, by kind.
type childWorld map[kind]map[int64]int64

func loadChildWorld(t *testing.T, db *sql.DB) childWorld {
	t.Helper()
	w := childWorld{}
	for _, c := range childKinds {
		if w[c.kind] != nil {
			continue
		}
		w[c.kind] = map[int64]int64{}
		rows, err := db.Query(c.query)
		if err != nil {
			t.Fatalf("oracle: %s: %v", c.query, err)
		}
		for rows.Next() {
			var id, parent int64
			if err := rows.Scan(&id, &parent); err != nil {
				t.Fatalf("oracle: %s: %v", c.query, err)
			}
			w[c.kind][id] = parent
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func parentOf(k kind) kind {
	for _, c := range childKinds {
		if c.kind == k {
			return c.parent
		}
	}
	return ""
}

// childParams reports whether a route's parameters are an engagement then
// one or two registered children, each the parent of the next.
func childParams(ps []param) bool {
	if len(ps) < 2 || len(ps) > 3 || ps[0].kind != kEngagement {
		return false
	}
	for i := 1; i < len(ps); i++ {
		if !isChildKind(ps[i].kind) || parentOf(ps[i].kind) != ps[i-1].kind {
			return false
		}
	}
	return true
}

// childValue is the path value of a child parameter at depth 1 or 2.
func (o object) childValue(depth int) string {
	if depth == 2 {
		return strconv.FormatInt(o.child2, 10)
	}
	return strconv.FormatInt(o.child1, 10)
}

// childObjects: every object of the route's deepest kind under its own
// parents, the same object under another engagement, a nonexistent child
// under every engagement, and the nonexistent reference.
func (m *matrix) childObjects(r *route) []object {
	w := m.w
	deep := r.params[len(r.params)-1].kind
	two := len(r.params) == 3
	out := []object{{label: "nonexistent engagement and " + string(deep), ref: true, engagement: noID, child1: noID, child2: noID}}
	engagements := slices.Sorted(func(yield func(int64) bool) {
		for id := range w.engagements {
			if !yield(id) {
				return
			}
		}
	})
	root := func(id int64) (e, c1 int64) { // the engagement (and first child) above a deepest object
		p := w.children[deep][id]
		if !two {
			return p, id
		}
		return w.children[parentOf(deep)][p], p
	}
	ids := slices.Sorted(func(yield func(int64) bool) {
		for id := range w.children[deep] {
			if !yield(id) {
				return
			}
		}
	})
	for _, id := range ids {
		e, c1 := root(id)
		o := object{label: fmt.Sprintf("%s %d of engagement %d", deep, id, e), engagement: e, child1: c1}
		if two {
			o.child2 = id
		} else {
			o.child1 = id
		}
		out = append(out, o)
		if len(engagements) > 1 {
			other := engagements[(slices.Index(engagements, e)+1)%len(engagements)]
			o.label, o.engagement = fmt.Sprintf("%s %d under engagement %d", deep, id, other), other
			out = append(out, o)
		}
	}
	for _, e := range engagements {
		out = append(out, object{label: fmt.Sprintf("nonexistent %s of engagement %d", deep, e), engagement: e, child1: noID, child2: noID})
	}
	return out
}

// childAccess hides a child asked for under parents it does not belong to
// (404, before any gate: use cases look the child up first), and otherwise
// judges by inner.
func childAccess(inner access) access {
	return func(w *world, a *actor, o object) verdict {
		if !w.childBelongs(o) {
			return vHide
		}
		return inner(w, a, o)
	}
}

// childBelongs reports whether the object's children exist and hang under
// its engagement (kinds are known from the route through o.kinds).
func (w *world) childBelongs(o object) bool {
	if o.child1 == noID || o.child2 == noID {
		return false
	}
	k1, k2 := o.childKinds[0], o.childKinds[1]
	if k1 != "" && w.children[k1][o.child1] != o.engagement {
		return false
	}
	if k2 != "" && w.children[k2][o.child2] != o.child1 {
		return false
	}
	return true
}
