package demo

import "time"

// CallowayStrategy is the demo's case strategy note on the Calloway matter
// (2026-0142): firm-only, which the authorisation tests prove by looking for
// it in what client contacts and vendor users receive.
const CallowayStrategy = "Push for early mediation once the review shows Tidewater's 2024 rate sheets; " +
	"keep the Brightwater coverage position in reserve until after the Q3 deposition of Tidewater's CFO."

// matters gives the demo matters what matters management keeps beyond the
// core facts: the firm's case strategy notes on the Calloway matter, written
// by its responsible attorney, Marcus.
func (l *loader) matters(calloway int64) {
	if l.err != nil {
		return
	}
	l.do(l.tx.SetMatterStrategy(l.ctx, calloway, CallowayStrategy, l.users["marcus.oyelaran@hartwellcrane.example"], l.now.Add(-72*time.Hour)))
}
