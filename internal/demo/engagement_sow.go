package demo

import "github.com/probity/probity/internal/domain"

// statementsOfWork adds the demo firm's engagement work of this part (contract stub).
func (l *loader) statementsOfWork(day func(int) domain.Date) {}
