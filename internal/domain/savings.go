package domain

import (
	"fmt"
	"sort"
	"time"
)

// Savings (issue 8 part 6): what outsourcing saved, per ISO week (from its
// Monday) or per calendar month, for the firm and for its clients. The
// store supplies SavingsRows (already grouped by day, in the firm's
// currency); AggregateSavings adds them up with exact integer arithmetic,
// rounding only inside BaselineShare and ScaleAmount (half to even). The
// figures of a period:
//
//   - BaselineHours: the in-house hours the vendor work done stands for.
//     For approved vendor time entries on an hourly work item with an hours
//     estimate, grouped by work item and day: BaselineShare(item, Σ entry
//     hours in hundredths), dated by the entries' day. For fixed and
//     per-unit work: Σ baseline_hundredths of the (not removed) lines of
//     approved vendor invoices, dated by the line's worked_on.
//   - SupervisionHours, ReworkHours: the firm's own time of those purposes
//     on the engagements, by the day worked.
//   - HoursFreed = BaselineHours − SupervisionHours − ReworkHours (attorney
//     hours freed; negative when supervising and redoing took longer).
//   - VendorCost, InHouse, Charged: over client invoice lines of source
//     outsourced on invoices sent or paid, dated by the line's date: the
//     vendor's cost and the in-house equivalent (firm currency, as the line
//     records them) and the line's total. Lines of credit notes (sent or
//     paid) crediting outsourced lines reduce Charged by their amount.
//   - FirmSaving = InHouse − VendorCost; ClientSaving = InHouse − Charged.
//   - SharePassedBP = ClientSaving ÷ FirmSaving in basis points
//     (ScaleAmount, half to even); none when FirmSaving ≤ 0.
//   - VendorHours: hours of approved vendor time entries (every work item).
//   - SupervisionBilled: totals of client invoice lines of source firm_time
//     billing supervision entries, on invoices sent or paid (credit note
//     lines crediting them subtract), dated by the line's date.
//   - BlendedRate (effective blended rate per hour) = (Charged +
//     SupervisionBilled) ÷ (VendorHours + SupervisionHours), per hour,
//     rounded once (ScaleAmount); none when there are no hours.

// SavingsSource is what a SavingsRow counts.
type SavingsSource string

// Savings row sources.
const (
	SavingsVendorTime        SavingsSource = "vendor_time"        // approved vendor time of one work item on one day: Hundredths, Item
	SavingsVendorLine        SavingsSource = "vendor_line"        // fixed and per-unit lines of approved vendor invoices: Hundredths is their baseline
	SavingsFirmTime          SavingsSource = "firm_time"          // supervision or rework (Purpose): Hundredths
	SavingsOutsourced        SavingsSource = "outsourced"         // outsourced client invoice lines: VendorCost, InHouse, Charged
	SavingsSupervisionBilled SavingsSource = "supervision_billed" // billed supervision lines: Charged
)

// SavingsRow is one grouped figure the store reads; amounts are minor units
// of the firm's currency, hours in hundredths.
type SavingsRow struct {
	Source       SavingsSource
	Day          Date
	MatterID     int64
	MatterNumber string
	EngagementID int64
	VendorID     int64
	VendorName   string
	ClientID     int64
	ClientName   string
	Item         WorkItem // vendor_time: the work item (estimate, baseline, pricing)
	Hundredths   int64
	Purpose      TimePurpose // firm_time
	VendorCost   int64
	InHouse      int64
	Charged      int64
}

// SavingsFigures are the figures of a period or a breakdown (see the
// package comment above for their meaning).
type SavingsFigures struct {
	BaselineHours     int64 // hundredths
	SupervisionHours  int64
	ReworkHours       int64
	VendorHours       int64
	VendorCost        Money
	InHouse           Money
	Charged           Money
	SupervisionBilled Money
}

// HoursFreed is the attorney hours freed, in hundredths.
func (f SavingsFigures) HoursFreed() int64 {
	return f.BaselineHours - f.SupervisionHours - f.ReworkHours
}

// FirmSaving is in-house minus the vendor's cost.
func (f SavingsFigures) FirmSaving() Money {
	return Money{Minor: f.InHouse.Minor - f.VendorCost.Minor, Currency: f.InHouse.Currency}
}

// ClientSaving is in-house minus what the client was charged.
func (f SavingsFigures) ClientSaving() Money {
	return Money{Minor: f.InHouse.Minor - f.Charged.Minor, Currency: f.InHouse.Currency}
}

// SharePassedBP is the client's saving as a share of the firm's, in basis
// points; ok is false when the firm saved nothing.
func (f SavingsFigures) SharePassedBP() (bp int64, ok bool) {
	firm := f.FirmSaving()
	if firm.Minor <= 0 {
		return 0, false
	}
	m, err := ScaleAmount(f.ClientSaving(), 10000, firm.Minor, firm.Currency)
	if err != nil {
		return 0, false
	}
	return m.Minor, true
}

// SharePassed renders the share passed on ("62.5%", or "—").
func (f SavingsFigures) SharePassed() string {
	bp, ok := f.SharePassedBP()
	if !ok {
		return "—"
	}
	return FormatBP(int(bp))
}

// BlendedRate is the effective blended rate per hour; ok is false when
// there are no hours.
func (f SavingsFigures) BlendedRate() (Money, bool) {
	hours := f.VendorHours + f.SupervisionHours
	if hours <= 0 {
		return Money{Currency: f.Charged.Currency}, false
	}
	amount := Money{Minor: f.Charged.Minor + f.SupervisionBilled.Minor, Currency: f.Charged.Currency}
	m, err := ScaleAmount(amount, 100, hours, amount.Currency)
	return m, err == nil
}

// Blended renders the blended rate ("USD 150.00", or "—").
func (f SavingsFigures) Blended() string {
	m, ok := f.BlendedRate()
	if !ok {
		return "—"
	}
	return m.String()
}

// SavingsBy is the period of a savings report.
type SavingsBy string

// Savings periods.
const (
	ByWeek  SavingsBy = "week"  // ISO week, from its Monday
	ByMonth SavingsBy = "month" // calendar month
)

// ParseSavingsBy validates week or month ("" is week).
func ParseSavingsBy(s string) (SavingsBy, error) {
	switch SavingsBy(s) {
	case "", ByWeek:
		return ByWeek, nil
	case ByMonth:
		return ByMonth, nil
	}
	return "", Invalid("by", "%q is not a period: choose week or month", s)
}

// PeriodStart is the first day of the period holding day: its ISO week's
// Monday, or the first of its month.
func (b SavingsBy) PeriodStart(day Date) Date {
	t := day.Time()
	if b == ByMonth {
		return DateOf(time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC))
	}
	back := (int(t.Weekday()) + 6) % 7 // Monday 0 … Sunday 6
	return DateOf(t.AddDate(0, 0, -back))
}

// next is the first day of the period after the one starting at start.
func (b SavingsBy) next(start Date) Date {
	if b == ByMonth {
		return DateOf(start.Time().AddDate(0, 1, 0))
	}
	return DateOf(start.Time().AddDate(0, 0, 7))
}

// PeriodLabel names the period starting at start: "2026-W05" or "2026-01".
func (b SavingsBy) PeriodLabel(start Date) string {
	if b == ByMonth {
		return string(start)[:7]
	}
	y, w := start.Time().ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// SavingsPeriod is one week's or month's figures.
type SavingsPeriod struct {
	Start Date
	Label string
	SavingsFigures
}

// SavingsBreakdown is one matter's, vendor's or client's figures in one
// period (Period "" is the whole report).
type SavingsBreakdown struct {
	Period string // the period's label; "" for the whole range
	Kind   string // matter, vendor or client
	ID     int64
	Label  string
	SavingsFigures
}

// SavingsReport is the periods of a range with their breakdowns.
type SavingsReport struct {
	By       SavingsBy
	From, To Date // the range: every period from From's to To's is listed
	Currency Currency
	Periods  []SavingsPeriod
	Total    SavingsFigures
	// Breakdown is the whole range per matter, vendor and client; Detail the
	// same per period (the CSV's rows).
	Breakdown []SavingsBreakdown
	Detail    []SavingsBreakdown
}

// AggregateSavings adds rows up by period from from's period to to's
// (rows outside are left out), with the breakdowns, in currency cur.
func AggregateSavings(rows []SavingsRow, by SavingsBy, from, to Date, cur Currency) (SavingsReport, error) {
	rep := SavingsReport{By: by, From: from, To: to, Currency: cur, Total: zeroFigures(cur)}
	if from == "" || to == "" || to.Before(from) {
		return rep, Invalid("from", "the range %s to %s is empty", from, to)
	}
	index := map[Date]int{}
	first, last := by.PeriodStart(from), by.PeriodStart(to)
	for d, n := first, 0; !last.Before(d); d = by.next(d) {
		if n++; n > 1000 {
			return rep, Invalid("from", "the range %s to %s has too many periods: choose a shorter one", from, to)
		}
		index[d] = len(rep.Periods)
		rep.Periods = append(rep.Periods, SavingsPeriod{Start: d, Label: by.PeriodLabel(d), SavingsFigures: zeroFigures(cur)})
	}
	type key struct {
		period string
		kind   string
		id     int64
	}
	groups := map[key]*SavingsBreakdown{}
	var order []key
	bucket := func(period, kind string, id int64, label string) *SavingsFigures {
		k := key{period, kind, id}
		g := groups[k]
		if g == nil {
			g = &SavingsBreakdown{Period: period, Kind: kind, ID: id, Label: label, SavingsFigures: zeroFigures(cur)}
			groups[k], order = g, append(order, k)
		}
		return &g.SavingsFigures
	}
	for _, r := range rows {
		if r.Day.Before(from) || to.Before(r.Day) {
			continue
		}
		i, ok := index[by.PeriodStart(r.Day)]
		if !ok {
			continue
		}
		var add SavingsFigures
		switch r.Source {
		case SavingsVendorTime:
			add.VendorHours = r.Hundredths
			if r.Item.Pricing == PricingHourly && r.Item.EstimateUnit == UnitHours {
				h, _, err := BaselineShare(r.Item, r.Hundredths)
				if err != nil {
					return rep, err
				}
				add.BaselineHours = h
			}
		case SavingsVendorLine:
			add.BaselineHours = r.Hundredths
		case SavingsFirmTime:
			switch r.Purpose {
			case PurposeSupervision:
				add.SupervisionHours = r.Hundredths
			case PurposeRework:
				add.ReworkHours = r.Hundredths
			}
		case SavingsOutsourced:
			add.VendorCost.Minor, add.InHouse.Minor, add.Charged.Minor = r.VendorCost, r.InHouse, r.Charged
		case SavingsSupervisionBilled:
			add.SupervisionBilled.Minor = r.Charged
		}
		p := rep.Periods[i].Label
		for _, f := range []*SavingsFigures{&rep.Periods[i].SavingsFigures, &rep.Total,
			bucket(p, "matter", r.MatterID, r.MatterNumber), bucket(p, "vendor", r.VendorID, r.VendorName), bucket(p, "client", r.ClientID, r.ClientName),
			bucket("", "matter", r.MatterID, r.MatterNumber), bucket("", "vendor", r.VendorID, r.VendorName), bucket("", "client", r.ClientID, r.ClientName)} {
			f.add(add)
		}
	}
	for _, k := range order {
		if k.period == "" {
			rep.Breakdown = append(rep.Breakdown, *groups[k])
		} else {
			rep.Detail = append(rep.Detail, *groups[k])
		}
	}
	kinds := map[string]int{"matter": 0, "vendor": 1, "client": 2}
	sortBreakdown := func(list []SavingsBreakdown) {
		sort.SliceStable(list, func(i, j int) bool {
			a, b := list[i], list[j]
			if a.Period != b.Period {
				return a.Period < b.Period
			}
			if a.Kind != b.Kind {
				return kinds[a.Kind] < kinds[b.Kind]
			}
			return a.Label < b.Label
		})
	}
	sortBreakdown(rep.Breakdown)
	sortBreakdown(rep.Detail)
	return rep, nil
}

func zeroFigures(cur Currency) SavingsFigures {
	z := Money{Currency: cur}
	return SavingsFigures{VendorCost: z, InHouse: z, Charged: z, SupervisionBilled: z}
}

func (f *SavingsFigures) add(o SavingsFigures) {
	f.BaselineHours += o.BaselineHours
	f.SupervisionHours += o.SupervisionHours
	f.ReworkHours += o.ReworkHours
	f.VendorHours += o.VendorHours
	f.VendorCost.Minor += o.VendorCost.Minor
	f.InHouse.Minor += o.InHouse.Minor
	f.Charged.Minor += o.Charged.Minor
	f.SupervisionBilled.Minor += o.SupervisionBilled.Minor
}

// BudgetStatus is a budget with what has been spent and accrued against it,
// in the firm's currency.
type BudgetStatus struct {
	Budget
	MatterNumber string
	Engagement   string // "" for a matter's budget
	// Actual: a matter's client invoices approved, sent, paid or written off
	// (credit notes subtract); an engagement's approved vendor invoices'
	// firm cost.
	Actual Money
	// Accrued: the engagement's approved vendor time not yet on a
	// submitted, disputed or approved vendor invoice, valued at the rate
	// card and converted (AccruedConverted); when no exchange rate was ever
	// recorded for the vendor's currency, AccruedForeign holds the amount in
	// the vendor's currency and AccruedConverted is false.
	Accrued          Money
	AccruedForeign   Money
	AccruedConverted bool
	AccrualNotes     []string // e.g. "several hourly classifications: valued at the highest rate"
}

// Remaining is budget − actual − accrued (accrued only when converted).
func (b BudgetStatus) Remaining() Money {
	return Money{Minor: b.Amount.Minor - b.Actual.Minor - b.Accrued.Minor, Currency: b.Amount.Currency}
}

// UsedBP is the share of the budget used (actual + accrued), in basis
// points, rounded once half to even.
func (b BudgetStatus) UsedBP() int64 {
	if b.Amount.Minor <= 0 {
		return 0
	}
	m, err := ScaleAmount(Money{Minor: b.Actual.Minor + b.Accrued.Minor, Currency: b.Amount.Currency}, 10000, b.Amount.Minor, b.Amount.Currency)
	if err != nil {
		return 0
	}
	return m.Minor
}

// Used renders UsedBP as a percentage ("62.5%").
func (b BudgetStatus) Used() string { return FormatBP(int(b.UsedBP())) }

// Over reports whether actual and accrued pass the budget.
func (b BudgetStatus) Over() bool { return b.Remaining().Minor < 0 }

// Validate checks a budget: a matter, an amount above zero, in the firm's
// currency.
func (b Budget) Validate(firm Currency) error {
	switch {
	case b.MatterID == 0:
		return Invalid("matter", "choose the matter the budget is for")
	case b.Amount.Currency != firm:
		return Invalid("amount", "budgets are in the firm's currency, %s; got %s", firm, b.Amount.Currency)
	case b.Amount.Minor <= 0:
		return Invalid("amount", "a budget must be more than zero; got %s", b.Amount.Decimal())
	case len(b.Note) > 500:
		return Invalid("note", "keep the note under 500 characters")
	}
	return nil
}

// AccrualEntry is an approved vendor time entry not yet invoiced.
type AccrualEntry struct {
	Day        Date
	Hundredths int64
}

// AccrueTime values approved, uninvoiced vendor time at the rate card: each
// entry at the hourly rate in force on its day (CardOn), rounded once per
// entry (LineAmount), in the vendor's currency cur. When the card has
// several hourly classifications on a day the highest rate is used, and a
// day without an hourly rate values its entry at nothing; both are said in
// the notes.
func AccrueTime(entries []AccrualEntry, card []RateCardLine, cur Currency) (Money, []string, error) {
	total := Money{Currency: cur}
	var notes []string
	several, missing := false, 0
	for _, e := range entries {
		var rate Money
		n := 0
		for _, l := range CardOn(card, e.Day) {
			if l.Kind == RateHourly {
				n++
				if rate.Currency == "" || l.Amount.Minor > rate.Minor {
					rate = l.Amount
				}
			}
		}
		if n == 0 {
			missing++
			continue
		}
		if n > 1 {
			several = true
		}
		v, err := LineAmount(e.Hundredths, rate)
		if err != nil {
			return total, notes, err
		}
		if total, err = total.Add(v); err != nil {
			return total, notes, err
		}
	}
	if several {
		notes = append(notes, "the rate card has several hourly classifications: time is valued at the highest rate")
	}
	if missing > 0 {
		notes = append(notes, fmt.Sprintf("%d time entries fall on days without an hourly rate on the card and are not valued", missing))
	}
	return total, notes, nil
}
