package demo

import "github.com/probity/probity/internal/domain"

// communicationPlans adds the demo firm's engagement work of this part (contract stub).
func (l *loader) communicationPlans(day func(int) domain.Date) {}
