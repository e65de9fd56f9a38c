package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// The firm's billing policy for outsourced work (ABA Formal Op. 08-451):
// the overhead cap on disbursements, the markup cap on fees and the least
// share of the saving passed to the client. Client invoices check each
// outsourced charge against it (domain.CheckOutsourcedCharge) with
// billingPolicy.

// SettingBillingPolicy is the firm setting holding the billing policy as
// JSON; absent, the default policy applies.
const SettingBillingPolicy = "billing_policy"

// billingPolicyJSON is the stored form of the policy.
type billingPolicyJSON struct {
	OverheadCapBP     int `json:"overhead_cap_bp"`
	MarkupCapBP       int `json:"markup_cap_bp"`
	MinSavingSharedBP int `json:"min_saving_shared_bp"`
	// DayHoursTenths is absent from policies stored before it existed:
	// those read as the default.
	DayHoursTenths *int64 `json:"day_hours_tenths,omitempty"`
}

// billingPolicy reads the firm's policy inside tx: what it set, else the
// default. Client invoices call it in their own transaction.
func (a *App) billingPolicy(ctx context.Context, tx *store.Tx) (domain.BillingPolicy, error) {
	v, ok, err := tx.Setting(ctx, SettingBillingPolicy)
	if err != nil || !ok {
		return domain.DefaultBillingPolicy(), err
	}
	var j billingPolicyJSON
	if err := json.Unmarshal([]byte(v), &j); err != nil {
		return domain.BillingPolicy{}, fmt.Errorf("read the billing policy setting: %w", err)
	}
	p := domain.BillingPolicy{OverheadCapBP: j.OverheadCapBP, MarkupCapBP: j.MarkupCapBP, MinSavingSharedBP: j.MinSavingSharedBP,
		DayHoursFlag: domain.DefaultDayHoursFlag}
	if j.DayHoursTenths != nil {
		p.DayHoursFlag = domain.Tenths(*j.DayHoursTenths)
	}
	if err := p.Validate(); err != nil {
		return domain.BillingPolicy{}, fmt.Errorf("the stored billing policy is out of range: %v", err)
	}
	return p, nil
}

// BillingPolicy returns the firm's billing policy for outsourced work to
// firm administrators.
func (a *App) BillingPolicy(ctx context.Context, actor domain.User) (domain.BillingPolicy, error) {
	if err := require(actor, ManageSettings); err != nil {
		return domain.BillingPolicy{}, err
	}
	var p domain.BillingPolicy
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		p, err = a.billingPolicy(ctx, tx)
		return err
	})
	return p, err
}

// SetBillingPolicy replaces the firm's billing policy. Firm administrators
// only; refused figures change nothing; the change is audited with what
// changed. Invoices already sent are not re-judged.
func (a *App) SetBillingPolicy(ctx context.Context, actor domain.User, p domain.BillingPolicy) error {
	if err := require(actor, ManageSettings); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	day := int64(p.DayHoursFlag)
	v, err := json.Marshal(billingPolicyJSON{OverheadCapBP: p.OverheadCapBP, MarkupCapBP: p.MarkupCapBP, MinSavingSharedBP: p.MinSavingSharedBP,
		DayHoursTenths: &day})
	if err != nil {
		return err
	}
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		was, err := a.billingPolicy(ctx, tx)
		if err != nil {
			return err
		}
		changes := billingPolicyChanges(was, p)
		if len(changes) == 0 {
			return nil
		}
		if err := tx.SetSetting(ctx, SettingBillingPolicy, string(v), a.Now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "settings.billing_policy", ObjectType: "settings",
			Summary: "billing policy: " + strings.Join(changes, "; ")})
	})
}

// billingPolicyChanges describes each figure that changed, in words.
func billingPolicyChanges(was, now domain.BillingPolicy) []string {
	var d []string
	for _, f := range []struct {
		what     string
		was, now int
	}{
		{"overhead cap on disbursements", was.OverheadCapBP, now.OverheadCapBP},
		{"markup cap on fees", was.MarkupCapBP, now.MarkupCapBP},
		{"minimum share of the saving passed to the client", was.MinSavingSharedBP, now.MinSavingSharedBP},
	} {
		if f.was != f.now {
			d = append(d, fmt.Sprintf("%s %s (was %s)", f.what, domain.FormatBP(f.now), domain.FormatBP(f.was)))
		}
	}
	if was.DayHoursFlag != now.DayHoursFlag {
		d = append(d, fmt.Sprintf("vendor hours flagged past %s a day (was %s)", now.DayHoursFlag, was.DayHoursFlag))
	}
	return d
}

// FirmAddress is the firm's postal address as one line, printed under its
// name on PDF invoices ("" when not set). Firm administrators.
func (a *App) FirmAddress(ctx context.Context, actor domain.User) (string, error) {
	if err := require(actor, ManageSettings); err != nil {
		return "", err
	}
	var v string
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		v, _, err = tx.Setting(ctx, FirmAddressSetting)
		return err
	})
	return v, err
}

// CheckFirmAddress trims a firm address and checks it is one line of at
// most 200 characters, naming the field firm_address.
func CheckFirmAddress(s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, "\r\n") || len([]rune(s)) > 200 {
		return "", domain.Invalid("firm_address", "give the firm's address as one line of at most 200 characters")
	}
	return s, nil
}

// SetFirmAddress replaces the firm's address line on PDF invoices (firm
// administrators; audited; "" removes it).
func (a *App) SetFirmAddress(ctx context.Context, actor domain.User, addr string) error {
	if err := require(actor, ManageSettings); err != nil {
		return err
	}
	addr, err := CheckFirmAddress(addr)
	if err != nil {
		return err
	}
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		was, _, err := tx.Setting(ctx, FirmAddressSetting)
		if err != nil || was == addr {
			return err
		}
		if err := tx.SetSetting(ctx, FirmAddressSetting, addr, a.Now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "settings.firm_address", ObjectType: "settings",
			Summary: fmt.Sprintf("firm address on invoices: %q (was %q)", addr, was)})
	})
}
