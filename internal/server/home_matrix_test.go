package server_test

// The home page's chart downloads (issue 9): each chart's numbers as CSV,
// for the people whose first screen draws that chart. The savings charts
// are on the firm administrators' and attorneys' pages (canScreen is
// exactly those roles), the quality and vendor figures on the
// administrators'; anyone else is refused (403). What each CSV holds is
// the page's own figures in the person's scope (internal/web
// TestHomeChartCSVIsTheChart, internal/app TestDashboardsByRole).

func (m *matrix) homeRules() map[string]rule {
	savings, firm := roleIs(canScreen), roleIs(isAdmin)
	return map[string]rule{
		"GET /home/charts/hours-freed.csv":    {access: savings},
		"GET /home/charts/savings-passed.csv": {access: savings},
		"GET /home/charts/audit-errors.csv":   {access: firm},
		"GET /home/charts/vendors.csv":        {access: firm},
	}
}
