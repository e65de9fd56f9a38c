package demo

import (
	"fmt"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// rates gives the demo its timekeepers and vendor rate cards (issue 8 part 1):
//
//   - Hartwell & Crane's timekeepers in USD: Eleanor Hartwell (PARTNR),
//     Marcus Oyelaran (PARTNR, last year's rate and this year's higher one,
//     so an invoice for last year's work keeps last year's rate), Priya
//     Raman (ASSOC) and Daniel Brooks (PARLGL). Rosa Jimenez, the billing
//     manager, bills no time.
//   - Lexora's rate card on Calloway, in INR: the first-level reviewer's
//     hourly rate (last year's and the one agreed with the statement of
//     work), the review team lead's, and a rate per document coded in
//     first-level review.
//   - Keystone's on Greenfield, in USD: contract attorneys and their review
//     manager by the hour.
//   - Bayanihan's on Greenfield, in PHP: an analyst by the hour and a rate
//     per loan agreement abstracted.
//
// Every line is in its vendor's currency, as the use cases require.
func (l *loader) rates(day func(int) domain.Date) {
	if l.err != nil {
		return
	}
	firm, err := l.tx.Firm(l.ctx)
	l.do(err)
	if l.err != nil {
		return
	}
	year := l.now.UTC().Year()
	lastYear, thisYear := domain.Date(fmt.Sprintf("%d-01-01", year-1)), domain.Date(fmt.Sprintf("%d-01-01", year))
	set := l.now.UTC().Truncate(24 * time.Hour).Add(-30 * 24 * time.Hour)
	eleanor := l.users["eleanor.hartwell@hartwellcrane.example"]
	usd := func(dollars int64) domain.Money { return domain.NewMoney(dollars*100, firm.Currency) }
	for _, t := range []struct {
		email, ledes string
		class        domain.Classification
		rates        []domain.Rate
	}{
		{"eleanor.hartwell@hartwellcrane.example", "HC-0001", domain.ClassPartner, []domain.Rate{{Effective: lastYear, Amount: usd(1050)}}},
		{"marcus.oyelaran@hartwellcrane.example", "HC-0107", domain.ClassPartner, []domain.Rate{{Effective: lastYear, Amount: usd(875)}, {Effective: thisYear, Amount: usd(950)}}},
		{"priya.raman@hartwellcrane.example", "HC-0214", domain.ClassAssociate, []domain.Rate{{Effective: lastYear, Amount: usd(650)}}},
		{"daniel.brooks@hartwellcrane.example", "HC-0388", domain.ClassParalegal, []domain.Rate{{Effective: lastYear, Amount: usd(245)}}},
	} {
		uid := l.users[t.email]
		if l.err != nil {
			return
		}
		l.do(l.tx.SaveTimekeeper(l.ctx, domain.Timekeeper{UserID: uid, LEDESID: t.ledes, Classification: t.class}, eleanor, set))
		for _, r := range t.rates {
			r.SetBy, r.SetAt = eleanor, set
			if l.err == nil {
				l.do(l.tx.AddTimekeeperRate(l.ctx, uid, &r))
			}
		}
	}

	calloway := l.engagementByDescription("First-level responsiveness and privilege review of 48,000 documents")
	keystone := l.engagementByDescription("Regulatory review of 4,000 loan files")
	bayanihan, _, err := l.engagementOf("bayanihan", "2026-0203")
	l.do(err)
	if l.err != nil {
		return
	}
	marcus, priya := l.users["marcus.oyelaran@hartwellcrane.example"], l.users["priya.raman@hartwellcrane.example"]
	inr := func(rupees int64) domain.Money { return domain.NewMoney(rupees*100, "INR") }
	php := func(pesos int64) domain.Money { return domain.NewMoney(pesos*100, "PHP") }
	type line = domain.RateCardLine
	hourly := func(c domain.Classification, desc string, m domain.Money, from domain.Date) line {
		return line{Kind: domain.RateHourly, Classification: c, Description: desc, Amount: m, Effective: from}
	}
	perUnit := func(unit, desc string, m domain.Money, from domain.Date) line {
		return line{Kind: domain.RatePerUnit, Unit: unit, Description: desc, Amount: m, Effective: from}
	}
	for _, c := range []struct {
		engagement, by int64
		lines          []line
	}{
		{calloway, marcus, []line{
			hourly(domain.ClassAssociate, "First-level reviewer", inr(1500), lastYear),
			hourly(domain.ClassAssociate, "First-level reviewer", inr(1650), day(-90)),
			hourly(domain.ClassOfCounsel, "Review team lead", inr(2100), day(-90)),
			perUnit("document", "First-level review, per document coded", inr(38), day(-90)),
		}},
		{keystone, priya, []line{
			hourly(domain.ClassAssociate, "Contract attorney, loan-file review", domain.NewMoney(45_00, "USD"), day(-50)),
			hourly(domain.ClassOfCounsel, "Review manager", domain.NewMoney(65_00, "USD"), day(-50)),
		}},
		{bayanihan.ID, priya, []line{
			hourly(domain.ClassParalegal, "Contract analyst", php(1400), day(-5)),
			perUnit("contract", "Loan agreement abstracted", php(850), day(-5)),
		}},
	} {
		e, err := l.tx.Engagement(l.ctx, store.Scope{All: true}, c.engagement)
		l.do(err)
		v, err := l.tx.Vendor(l.ctx, store.Scope{All: true}, e.VendorID)
		l.do(err)
		for _, ln := range c.lines {
			ln.EngagementID, ln.SetBy, ln.SetAt = c.engagement, c.by, set
			if l.err == nil {
				l.do(ln.Validate(v)) // in the vendor's currency, as the use case requires
			}
			if l.err == nil {
				l.do(l.tx.AddRateCardLine(l.ctx, &ln))
			}
		}
	}
}
