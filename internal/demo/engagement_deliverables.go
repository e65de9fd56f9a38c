package demo

import "github.com/probity/probity/internal/domain"

// deliverables adds the demo firm's engagement work of this part (contract stub).
func (l *loader) deliverables(day func(int) domain.Date) {}
