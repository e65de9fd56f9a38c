package server_test

// Billing (issue 8 parts 2–6). /billing sends firm users to the client
// invoices; nobody else has billing pages there. The vendor invoices,
// client invoices, firm time, budgets and savings rules are added beside
// their routes.
func (m *matrix) billingRules() map[string]rule {
	return map[string]rule{
		"GET /billing": {access: roleIs(isFirm)},
	}
}
