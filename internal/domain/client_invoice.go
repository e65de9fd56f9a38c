package domain

import (
	"cmp"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Client invoices (issue 8 part 3): what the client pays for a matter's
// period, assembled by one pure function from the firm's own time and the
// approved vendor invoices of the matter's engagements. Time saved by
// outsourcing is never billed (ABA Formal Op. 512): no line is derived from
// a baseline or the in-house equivalent; the in-house figure only feeds the
// transparency block beside the lines.

// InvoiceNumber formats the firm's number of an invoice (INV-2026-0007) or a
// credit note (CN-2026-0002): at most 20 characters, the LEDES INVOICE_NUMBER.
func InvoiceNumber(kind InvoiceKind, year, n int) string {
	prefix := "INV"
	if kind == KindCreditNote {
		prefix = "CN"
	}
	return fmt.Sprintf("%s-%04d-%04d", prefix, year, n)
}

// OutsourcedInvoice is an approved vendor invoice to pass on, with how its
// engagement is billed.
type OutsourcedInvoice struct {
	Invoice VendorInvoice // approved; FirmCost in the firm's currency; Lines loaded
	Mode    BillingMode
	Service Service
}

// AssembleInput is everything AssembleClientInvoice needs: the invoice's
// header (number, matter, client, currency, dates, overhead and markup),
// the policy, the unbilled firm time of the period, the timekeepers by user
// id, and the approved unbilled vendor invoices.
type AssembleInput struct {
	Invoice     ClientInvoice
	Policy      BillingPolicy
	FirmTime    []FirmTimeEntry
	Timekeepers map[int64]Timekeeper
	Outsourced  []OutsourcedInvoice
}

// Expense codes of outsourced work billed as a disbursement.
const (
	ExpenseLitigationSupport  = "E118" // litigation support vendors: document review, e-discovery
	ExpenseOtherProfessionals = "E123" // other professionals
)

// Default UTBMS codes of a vendor line that carries none, billed as a fee.
const (
	defaultVendorTask     = "L110"
	defaultVendorActivity = "A111"
)

// AssembleClientInvoice computes a client invoice's lines, totals,
// transparency block and policy flags from in. It is pure and
// deterministic. Firm time: purpose matter and supervision (rework never),
// at the timekeeper's rate on the day. Outsourced work: a disbursement is
// one E line per vendor invoice at cost plus the overhead (and any markup,
// flagged); a fee is an F line per vendor person, classification, task and
// activity, the vendor's cost plus the markup. Each vendor invoice's firm
// cost, charge and in-house equivalent are spread over its lines exactly
// (largest remainder). Nothing to bill is an error.
func AssembleClientInvoice(in AssembleInput) (ClientInvoice, []ClientInvoiceLine, error) {
	inv := in.Invoice
	cur := inv.Currency
	if _, ok := minorUnits[cur]; !ok {
		return inv, nil, Invalid("currency", "%q is not a supported currency", string(cur))
	}
	if inv.Start == "" || inv.End == "" || inv.End < inv.Start {
		return inv, nil, Invalid("end", "the billing period must start (%s) on or before it ends (%s)", orDash(inv.Start), orDash(inv.End))
	}
	if inv.OverheadBP < 0 || inv.OverheadBP > MaxOverheadCapBP {
		return inv, nil, Invalid("overhead_percent", "the overhead share must be between 0%% and %s (got %s)", FormatBP(MaxOverheadCapBP), FormatBP(inv.OverheadBP))
	}
	if inv.MarkupBP < 0 || inv.MarkupBP > MaxMarkupCapBP {
		return inv, nil, Invalid("markup_percent", "the markup must be between 0%% and %s (got %s)", FormatBP(MaxMarkupCapBP), FormatBP(inv.MarkupBP))
	}
	var lines []ClientInvoiceLine
	zero := Money{Currency: cur}

	// Firm time, by day, then person, then id.
	entries := slices.Clone(in.FirmTime)
	slices.SortFunc(entries, func(a, b FirmTimeEntry) int {
		return cmp.Or(cmp.Compare(a.WorkedOn, b.WorkedOn), cmp.Compare(a.UserID, b.UserID), cmp.Compare(a.ID, b.ID))
	})
	for _, e := range entries {
		if e.Purpose != PurposeMatter && e.Purpose != PurposeSupervision {
			continue // rework is never billed
		}
		if e.WorkedOn < inv.Start || e.WorkedOn > inv.End || e.ClientInvoiceID != 0 {
			continue
		}
		tk, ok := in.Timekeepers[e.UserID]
		if !ok {
			return inv, nil, Invalid("timekeeper", "%s has no timekeeper record, so their time on %s cannot be billed: a firm administrator sets their LEDES id, classification and rate", nameOr(e.UserName, e.UserID), e.WorkedOn)
		}
		if tk.Name == "" {
			tk.Name = e.UserName
		}
		rate, err := tk.RateOn(e.WorkedOn)
		if err != nil {
			return inv, nil, Invalid("timekeeper", "%s, so their time that day cannot be billed: a firm administrator adds a rate in force on %s", ErrorMessage(err), e.WorkedOn)
		}
		if rate.Amount.Currency != cur {
			return inv, nil, Invalid("timekeeper", "%s's rate on %s is in %s, the invoice in %s", tk.Name, e.WorkedOn, rate.Amount.Currency, cur)
		}
		units := int64(e.Hours) * 10
		total, err := LineAmount(units, rate.Amount)
		if err != nil {
			return inv, nil, err
		}
		lines = append(lines, ClientInvoiceLine{Type: "F", Source: SourceFirmTime, Date: e.WorkedOn, Units: units, UnitCost: rate.Amount,
			Adjustment: zero, Total: total, TaskCode: e.TaskCode, ActivityCode: e.ActivityCode, TimekeeperID: tk.LEDESID,
			TimekeeperName: LEDESText(tk.Name), Classification: tk.Classification, Description: LEDESText(e.Narrative), FirmTimeID: e.ID,
			EngagementID: e.EngagementID, VendorCost: zero, InHouse: zero})
	}

	// Outsourced work, by vendor invoice period, then id.
	outs := slices.Clone(in.Outsourced)
	slices.SortFunc(outs, func(a, b OutsourcedInvoice) int {
		return cmp.Or(cmp.Compare(a.Invoice.End, b.Invoice.End), cmp.Compare(a.Invoice.ID, b.Invoice.ID))
	})
	type sums struct{ cost, overhead, charged, inHouse int64 }
	byMode := map[BillingMode]*sums{}
	for _, o := range outs {
		vi := o.Invoice
		if vi.State != VendorInvoiceApproved || vi.ClientInvoiceID != 0 {
			continue
		}
		if vi.FirmCost.Currency != cur {
			return inv, nil, Invalid("currency", "vendor invoice %s of %s has its firm cost in %s, the invoice is in %s", vi.Number, vi.VendorName, orNone(vi.FirmCost.Currency), cur)
		}
		if vi.FirmCost.Minor < 0 {
			return inv, nil, Invalid("vendor_invoice", "vendor invoice %s of %s has a negative cost (%s)", vi.Number, vi.VendorName, vi.FirmCost)
		}
		var kept []VendorInvoiceLine
		for _, l := range vi.Lines {
			if l.State != LineRemoved {
				kept = append(kept, l)
			}
		}
		var inHouse int64
		for _, l := range kept {
			inHouse += l.InHouse.Minor
		}
		markup, err := ScaleAmount(vi.FirmCost, int64(inv.MarkupBP), 10000, cur)
		if err != nil {
			return inv, nil, err
		}
		s := byMode[o.Mode]
		if s == nil {
			s = &sums{}
			byMode[o.Mode] = s
		}
		switch o.Mode {
		case BillingDisbursement:
			overhead, err := ScaleAmount(vi.FirmCost, int64(inv.OverheadBP), 10000, cur)
			if err != nil {
				return inv, nil, err
			}
			unit := Money{Minor: vi.FirmCost.Minor + overhead.Minor + markup.Minor, Currency: cur}
			code := ExpenseOtherProfessionals
			if o.Service == ServiceDocumentReview || o.Service == ServiceEDiscovery {
				code = ExpenseLitigationSupport
			}
			how := "at cost"
			if inv.OverheadBP > 0 {
				how = "at cost plus " + FormatBP(inv.OverheadBP) + " overhead"
			}
			if inv.MarkupBP > 0 {
				how += " and " + FormatBP(inv.MarkupBP) + " markup"
			}
			desc := fmt.Sprintf("%s by %s, invoice %s (%s to %s), %s", o.Service.Label(), vi.VendorName, vi.Number, vi.Start, vi.End, how)
			lines = append(lines, ClientInvoiceLine{Type: "E", Source: SourceOutsourced, Date: vi.End, Units: 100, UnitCost: unit, Adjustment: zero,
				Total: unit, ExpenseCode: code, Description: LEDESText(desc), EngagementID: vi.EngagementID, VendorInvoiceID: vi.ID,
				VendorCost: vi.FirmCost, InHouse: Money{Minor: inHouse, Currency: cur}})
			s.overhead += overhead.Minor
			s.charged += unit.Minor
		case BillingFee:
			if inv.OverheadBP > 0 && !hasMode(outs, BillingDisbursement) {
				return inv, nil, Invalid("overhead_percent", "an overhead share is disclosed on disbursements only; %s's work on this matter is billed as a fee, where any surcharge is the markup", vi.VendorName)
			}
			groups := feeGroups(vi, kept)
			if len(groups) == 0 {
				return inv, nil, Invalid("vendor_invoice", "vendor invoice %s of %s has no lines left to bill", vi.Number, vi.VendorName)
			}
			weights := make([]int64, len(groups))
			inHouses := make([]int64, len(groups))
			for i, g := range groups {
				weights[i], inHouses[i] = g.weight, g.inHouse
			}
			costs, err := Allocate(vi.FirmCost.Minor, weights)
			if err != nil {
				return inv, nil, err
			}
			charge := vi.FirmCost.Minor + markup.Minor
			charges, err := Allocate(charge, weights)
			if err != nil {
				return inv, nil, err
			}
			for i, g := range groups {
				amount := Money{Minor: charges[i], Currency: cur}
				unitCost, err := ScaleAmount(amount, 100, g.units, cur)
				if err != nil {
					return inv, nil, err
				}
				base, err := LineAmount(g.units, unitCost)
				if err != nil {
					return inv, nil, err
				}
				desc := fmt.Sprintf("%s by %s (%s), invoice %s: %s", o.Service.Label(), g.name, vi.VendorName, vi.Number, g.what)
				lines = append(lines, ClientInvoiceLine{Type: "F", Source: SourceOutsourced, Date: g.date, Units: g.units, UnitCost: unitCost,
					Adjustment: Money{Minor: amount.Minor - base.Minor, Currency: cur}, Total: amount, TaskCode: g.task, ActivityCode: g.activity,
					TimekeeperID: g.tkID, TimekeeperName: LEDESText(g.name), Classification: g.class, Description: LEDESText(desc),
					EngagementID: vi.EngagementID, VendorInvoiceID: vi.ID, VendorCost: Money{Minor: costs[i], Currency: cur},
					InHouse: Money{Minor: inHouses[i], Currency: cur}})
			}
			s.charged += charge
		default:
			return inv, nil, Invalid("billing_mode", "%q is not a billing mode (fee or disbursement)", string(o.Mode))
		}
		s.cost += vi.FirmCost.Minor
		s.inHouse += inHouse
	}
	if len(lines) == 0 {
		return inv, nil, Invalid("period", "nothing to bill on %s from %s to %s: no unbilled firm time in the period and no approved vendor invoice not yet billed", inv.MatterNumber, inv.Start, inv.End)
	}

	// The transparency block and the flags, mode by mode.
	inv.Transparency, inv.Flags = Transparency{}, nil
	var t Transparency
	modes := 0
	for _, mode := range []BillingMode{BillingDisbursement, BillingFee} {
		s := byMode[mode]
		if s == nil {
			continue
		}
		if s.inHouse <= 0 {
			return inv, nil, Invalid("in_house", "the outsourced work billed as a %s has no in-house equivalent (its work items have no baseline), so the client's saving cannot be shown: record the baseline in the statement of work first", mode)
		}
		c := OutsourcedCharge{VendorCost: Money{Minor: s.cost, Currency: cur}, Overhead: Money{Minor: s.overhead, Currency: cur},
			Charged: Money{Minor: s.charged, Currency: cur}, InHouse: Money{Minor: s.inHouse, Currency: cur}}
		mt, flags, err := CheckOutsourcedCharge(mode, in.Policy, c)
		if err != nil {
			return inv, nil, err
		}
		inv.Flags = append(inv.Flags, flags...)
		t.VendorCost.Minor += mt.VendorCost.Minor
		t.Overhead.Minor += mt.Overhead.Minor
		t.InHouse.Minor += mt.InHouse.Minor
		t.Charged.Minor += mt.Charged.Minor
		modes++
	}
	if modes > 0 {
		for _, m := range []*Money{&t.VendorCost, &t.Overhead, &t.InHouse, &t.Charged, &t.ClientSaving} {
			m.Currency = cur
		}
		t.ClientSaving.Minor = t.InHouse.Minor - t.Charged.Minor
		pct, err := ScaleAmount(t.ClientSaving, 10000, t.InHouse.Minor, cur)
		if err != nil {
			return inv, nil, err
		}
		t.SavingPercentBP = int(pct.Minor)
		if firm := t.FirmSaving(); firm.Minor > 0 {
			share, err := ScaleAmount(t.ClientSaving, 10000, firm.Minor, cur)
			if err != nil {
				return inv, nil, err
			}
			t.SavingSharedBP = int(share.Minor)
		}
		inv.Transparency = t
	}
	for i := range lines {
		lines[i].Position = int64(i + 1)
	}
	return Totals(inv, lines)
}

// Totals sets the invoice's fees (Σ F and IF), expenses (Σ E and IE),
// total and line count from its lines.
func Totals(inv ClientInvoice, lines []ClientInvoiceLine) (ClientInvoice, []ClientInvoiceLine, error) {
	cur := inv.Currency
	inv.Fees, inv.Expenses, inv.Total = Money{Currency: cur}, Money{Currency: cur}, Money{Currency: cur}
	for _, l := range lines {
		if l.Total.Currency != cur {
			return inv, nil, Invalid("currency", "line %d is in %s, the invoice in %s", l.Position, l.Total.Currency, cur)
		}
		switch l.Type {
		case "F", "IF":
			inv.Fees.Minor += l.Total.Minor
		case "E", "IE":
			inv.Expenses.Minor += l.Total.Minor
		default:
			return inv, nil, Invalid("type", "line %d has type %q (F, E, IF or IE)", l.Position, l.Type)
		}
	}
	inv.Total.Minor = inv.Fees.Minor + inv.Expenses.Minor
	inv.LineCount = int64(len(lines))
	return inv, lines, nil
}

// CreditLines are the lines of a credit note correcting orig: one IF or IE
// adjustment per chosen line (by position; all when none are chosen),
// crediting it in full (units 0, unit cost 0, adjustment and total the
// line's total negated), dated day. A position that does not exist, one
// given twice, or a line already credited (credited holds their ids) is
// refused, naming it.
func CreditLines(orig []ClientInvoiceLine, positions []int64, credited map[int64]bool, day Date, cur Currency) ([]ClientInvoiceLine, error) {
	byPos := map[int64]ClientInvoiceLine{}
	for _, l := range orig {
		byPos[l.Position] = l
	}
	chosen := positions
	if len(chosen) == 0 {
		for _, l := range orig {
			chosen = append(chosen, l.Position)
		}
	}
	seen := map[int64]bool{}
	var out []ClientInvoiceLine
	for _, p := range chosen {
		l, ok := byPos[p]
		if !ok {
			return nil, Invalid("lines", "the invoice has no line %d (it has lines 1 to %d)", p, len(orig))
		}
		if seen[p] {
			return nil, Invalid("lines", "line %d is chosen twice", p)
		}
		seen[p] = true
		if credited[l.ID] {
			return nil, Invalid("lines", "line %d is already credited by another credit note: a line is credited once", p)
		}
		if l.Total.Minor == 0 {
			continue
		}
		typ := "IF"
		if l.Type == "E" || l.Type == "IE" {
			typ = "IE"
		}
		neg := Money{Minor: -l.Total.Minor, Currency: cur}
		out = append(out, ClientInvoiceLine{Position: int64(len(out) + 1), Type: typ, Source: SourceCredit, Date: day, Units: 0,
			UnitCost: Money{Currency: cur}, Adjustment: neg, Total: neg, TaskCode: l.TaskCode, ExpenseCode: l.ExpenseCode, ActivityCode: l.ActivityCode,
			TimekeeperID: l.TimekeeperID, TimekeeperName: l.TimekeeperName, Classification: l.Classification,
			Description: LEDESText(fmt.Sprintf("Credit of line %d: %s", l.Position, l.Description)), EngagementID: l.EngagementID,
			VendorCost: Money{Currency: cur}, InHouse: Money{Currency: cur}, CreditedLineID: l.ID})
	}
	if len(out) == 0 {
		return nil, Invalid("lines", "the chosen lines total nothing: there is nothing to credit")
	}
	return out, nil
}

// feeGroup is one F line of outsourced work billed as a fee.
type feeGroup struct {
	key              string
	tkID, name, what string
	class            Classification
	task, activity   string
	units, weight    int64
	inHouse          int64
	date             Date
}

// feeGroups groups a vendor invoice's kept lines: hourly lines by person,
// classification, task and activity (units the hours); fixed and per-unit
// lines each one group of units 1.00. Weights are the vendor amounts the
// firm accepted.
func feeGroups(vi VendorInvoice, kept []VendorInvoiceLine) []feeGroup {
	var out []feeGroup
	idx := map[string]int{}
	for _, l := range kept {
		task, act := l.TaskCode, l.ActivityCode
		if task == "" {
			task = defaultVendorTask
		}
		if act == "" {
			act = defaultVendorActivity
		}
		accepted := l.ApprovedAmount.Minor
		if l.State == LineOpen || (l.State == LineAccepted && accepted == 0) {
			accepted = l.Amount.Minor
		}
		g := feeGroup{task: task, activity: act, weight: accepted, inHouse: l.InHouse.Minor, date: l.WorkedOn}
		if l.Kind == RateHourly && l.UserID != 0 {
			g.key = fmt.Sprintf("h|%d|%s|%s|%s", l.UserID, l.Classification, task, act)
			g.tkID = VendorTimekeeperID(vi.VendorID, l.UserID)
			g.name = nameOr(l.UserName, l.UserID)
			g.class = l.Classification
			if g.class == "" {
				g.class = ClassOther
			}
			g.units = l.Quantity
			g.what = fmt.Sprintf("%s, %s", g.class.Label(), Tasks(task))
		} else {
			g.key = fmt.Sprintf("l|%d", l.ID)
			g.tkID = VendorTimekeeperID(vi.VendorID, 0)
			g.name = vi.VendorName
			g.class = ClassOther
			g.units = 100
			g.what = strings.TrimSpace(l.WorkItem + " " + l.Description)
			if l.Kind == RatePerUnit {
				g.what = fmt.Sprintf("%s, %s %s", g.what, FormatUnits(l.Quantity), l.Unit)
			}
		}
		if i, ok := idx[g.key]; ok {
			o := &out[i]
			o.units += g.units
			o.weight += g.weight
			o.inHouse += g.inHouse
			o.date = max(o.date, g.date)
			continue
		}
		idx[g.key] = len(out)
		out = append(out, g)
	}
	// A group of no accepted amount still gets its share of nothing; a
	// whole invoice of zero weights is spread evenly.
	var total int64
	for _, g := range out {
		total += g.weight
	}
	if total == 0 {
		for i := range out {
			out[i].weight = 1
		}
	}
	return out
}

// Tasks names a UTBMS task code ("L110 Fact Investigation/Development").
func Tasks(code string) string {
	if n, ok := LitigationTasks[code]; ok {
		return code + " " + n
	}
	if n, ok := EDiscoveryTasks[code]; ok {
		return code + " " + n
	}
	return code
}

// VendorTimekeeperID is the LEDES timekeeper id of a vendor person on a
// client invoice (V12-345), or of the vendor itself (V12) for fixed and
// per-unit work: at most 20 characters.
func VendorTimekeeperID(vendorID, userID int64) string {
	if userID == 0 {
		return fmt.Sprintf("V%d", vendorID)
	}
	return fmt.Sprintf("V%d-%d", vendorID, userID)
}

// Allocate spreads total over weights exactly (Σ = total) by the largest
// remainder: each share is total × weight ÷ Σ weights rounded down, and the
// units left over go, one each, to the largest remainders (the earlier line
// on a tie). Weights must not be negative and must not all be zero.
func Allocate(total int64, weights []int64) ([]int64, error) {
	var sum int64
	for _, w := range weights {
		if w < 0 {
			return nil, Invalid("weights", "a weight cannot be negative (got %d)", w)
		}
		sum += w
		if sum < 0 {
			return nil, Invalid("weights", "the weights are too large to allocate over")
		}
	}
	if sum == 0 {
		return nil, Invalid("weights", "nothing to allocate over: every weight is zero")
	}
	neg := total < 0
	t := total
	if neg {
		t = -t
	}
	out := make([]int64, len(weights))
	rems := make([]int64, len(weights))
	var given int64
	for i, w := range weights {
		q, r := mulDiv(t, w, sum)
		out[i], rems[i] = q, r
		given += q
	}
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rems[b], rems[a]) })
	for k := 0; given < t; k++ {
		out[order[k%len(order)]]++
		given++
	}
	if neg {
		for i := range out {
			out[i] = -out[i]
		}
	}
	return out, nil
}

// mulDiv is a × b ÷ c, quotient and remainder, exact for non-negative int64s.
func mulDiv(a, b, c int64) (int64, int64) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	q, r := bits.Div64(hi, lo, uint64(c))
	return int64(q), int64(r)
}

// LEDESText makes s fit a LEDES 1998B text field, so an invoice Probity
// accepted can always be exported: common accented letters lose their
// accents (é → e, ß → ss, Ø → O), typographic quotes and dashes become
// ASCII, line breaks and tabs become spaces, "|" becomes "/", "[" and "]"
// become "(" and ")", and anything else outside printable ASCII becomes "?".
func LEDESText(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		switch {
		case r == '|':
			b.WriteByte('/')
		case r == '[':
			b.WriteByte('(')
		case r == ']':
			b.WriteByte(')')
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r):
			// a combining accent, dropped
		default:
			if t, ok := ledesFold[r]; ok {
				b.WriteString(t)
			} else {
				b.WriteByte('?')
			}
		}
	}
	return strings.TrimSpace(b.String())
}

var ledesFold = map[rune]string{
	'ß': "ss", 'æ': "ae", 'Æ': "AE", 'ø': "o", 'Ø': "O", 'œ': "oe", 'Œ': "OE", 'ł': "l", 'Ł': "L", 'đ': "d", 'Đ': "D",
	'þ': "th", 'Þ': "Th", 'ð': "d", 'Ð': "D", 'ı': "i", '‘': "'", '’': "'", '‚': "'", '“': "\"", '”': "\"", '„': "\"",
	'–': "-", '—': "-", '−': "-", '…': "...", '•': "*", '€': "EUR", '£': "GBP", '¥': "JPY", '×': "x", '\u00a0': " ",
}

func hasMode(outs []OutsourcedInvoice, m BillingMode) bool {
	for _, o := range outs {
		if o.Mode == m && o.Invoice.State == VendorInvoiceApproved && o.Invoice.ClientInvoiceID == 0 {
			return true
		}
	}
	return false
}

func nameOr(name string, id int64) string {
	if name != "" {
		return name
	}
	return fmt.Sprintf("user %d", id)
}

func orDash(d Date) string {
	if d == "" {
		return "no date"
	}
	return string(d)
}
