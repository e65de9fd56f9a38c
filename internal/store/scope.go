package store

import "fmt"

// Scope is what one person may see, decided by the access policy in app and
// turned into SQL here, once, so every list and lookup honours it.
type Scope struct {
	All      bool  // firm administrators: everything
	UserID   int64 // the viewer; firm users are kept out of matters they are screened from
	VendorID int64 // vendor users: only engagements of this vendor they are assigned to
	ClientID int64 // client contacts: only this client's matters
}

// matterVisible is a SQL condition on a matters row aliased m; it uses
// placeholders $first.. $first+2 bound by scopeArgs.
func matterVisible(first int) string {
	a, b, c := first, first+1, first+2
	return fmt.Sprintf(`(
		($%[1]d = 1) OR
		($%[2]d = 0 AND $%[3]d = 0 AND NOT EXISTS (SELECT 1 FROM matter_screens ms WHERE ms.matter_id = m.id AND ms.user_id = $%[4]d)) OR
		($%[3]d <> 0 AND m.client_id = $%[3]d) OR
		($%[2]d <> 0 AND EXISTS (SELECT 1 FROM engagements ve JOIN engagement_members vm ON vm.engagement_id = ve.id
			WHERE ve.matter_id = m.id AND ve.vendor_id = $%[2]d AND vm.user_id = $%[4]d)))`, a, b, c, first+3)
}

// engagementVisible is a SQL condition on an engagements row e joined with its matter m.
func engagementVisible(first int) string {
	a, b, c, d := first, first+1, first+2, first+3
	return fmt.Sprintf(`(
		($%[1]d = 1) OR
		($%[2]d = 0 AND $%[3]d = 0 AND NOT EXISTS (SELECT 1 FROM matter_screens ms WHERE ms.matter_id = m.id AND ms.user_id = $%[4]d)) OR
		($%[3]d <> 0 AND m.client_id = $%[3]d) OR
		($%[2]d <> 0 AND e.vendor_id = $%[2]d AND EXISTS (SELECT 1 FROM engagement_members em WHERE em.engagement_id = e.id AND em.user_id = $%[4]d)))`, a, b, c, d)
}

// Scope hints: conditions that engagementVisible and matterVisible already
// imply for a vendor's or a client's scope, written so an index can drive
// the query (the engagements of the vendor; the matters of the client).
// The engines' planners do not see through the OR of the visibility
// conditions, so without them a vendor's list reads every engagement of
// the firm to find its own. They use the same placeholders ($2 vendor, $3
// client) and add nothing for the firm's scope.

// engagementScopeHint is the hint on engagements e (joined with matters m).
func engagementScopeHint(s Scope) string {
	switch {
	case s.All:
		return ""
	case s.VendorID != 0:
		return ` AND e.vendor_id = $2`
	case s.ClientID != 0:
		return ` AND m.client_id = $3`
	}
	return ""
}

// matterScopeHint is the hint on matters m.
func matterScopeHint(s Scope) string {
	switch {
	case s.All:
		return ""
	case s.VendorID != 0:
		return ` AND m.id IN (SELECT hv.matter_id FROM engagements hv WHERE hv.vendor_id = $2)`
	case s.ClientID != 0:
		return ` AND m.client_id = $3`
	}
	return ""
}

// scopeArgs binds a Scope to the four placeholders of matterVisible/engagementVisible.
func scopeArgs(s Scope) []any {
	all := 0
	if s.All {
		all = 1
	}
	return []any{all, s.VendorID, s.ClientID, s.UserID}
}
