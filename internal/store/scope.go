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

// scopeArgs binds a Scope to the four placeholders of matterVisible/engagementVisible.
func scopeArgs(s Scope) []any {
	all := 0
	if s.All {
		all = 1
	}
	return []any{all, s.VendorID, s.ClientID, s.UserID}
}
