package demo

import "github.com/probity/probity/internal/domain"

// engagementDocuments adds the demo firm's engagement work of this part (contract stub).
func (l *loader) engagementDocuments(day func(int) domain.Date) {}
