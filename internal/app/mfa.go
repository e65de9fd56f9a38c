package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/probity/probity/internal/auth"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// TOTPIssuer is the name authenticator apps show beside the account.
const TOTPIssuer = "Probity"

// MFAStatus is where a user stands with their second factor.
type MFAStatus struct {
	Enabled      bool      // an authenticator app is set up and confirmed
	EnabledAt    time.Time // when it was confirmed
	Enrolling    bool      // set-up started but not yet confirmed with a code
	RecoveryLeft int       // unused recovery codes
	Required     bool      // the firm's policy requires a second factor of the user's role
}

// MFAStatus returns u's own second-factor status.
func (a *App) MFAStatus(ctx context.Context, u domain.User) (MFAStatus, error) {
	var st MFAStatus
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		st, err = a.mfaStatus(ctx, tx, u)
		return err
	})
	return st, err
}

func (a *App) mfaStatus(ctx context.Context, tx *store.Tx, u domain.User) (MFAStatus, error) {
	t, err := tx.UserTOTP(ctx, u.ID)
	if err != nil {
		return MFAStatus{}, err
	}
	left, err := tx.RecoveryCodesLeft(ctx, u.ID)
	if err != nil {
		return MFAStatus{}, err
	}
	p, err := a.mfaPolicy(ctx, tx)
	if err != nil {
		return MFAStatus{}, err
	}
	return MFAStatus{Enabled: t.Enabled(), EnabledAt: t.EnabledAt, Enrolling: t.Secret != "" && !t.Enabled(), RecoveryLeft: left,
		Required: p.Requires(u.Role)}, nil
}

// Enrolment is what a person needs to add Probity to an authenticator app.
// It is shown only to that person, on a page that is never cached.
type Enrolment struct {
	Secret string // base32, for typing in
	URI    string // otpauth://…, what the QR code holds
	QRCode []byte // PNG
}

// BeginEnrolment starts (or, on a reload, resumes) setting up an
// authenticator for the user of the session behind token. Nothing changes
// for sign-in until ConfirmEnrolment succeeds.
func (a *App) BeginEnrolment(ctx context.Context, token string) (Enrolment, error) {
	now := a.Now()
	var e Enrolment
	var email string
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		_, u, err := a.liveSession(ctx, tx, token, now)
		if err != nil {
			return err
		}
		email = u.Email
		t, err := tx.UserTOTP(ctx, u.ID)
		if err != nil {
			return err
		}
		if t.Enabled() {
			return domain.Errorf(domain.EConflict, "An authenticator app is already set up for your account. Reset it first to set up another.")
		}
		if t.Secret != "" {
			e.Secret = t.Secret
			return nil
		}
		e.Secret = auth.NewTOTPSecret()
		if err := tx.SetTOTP(ctx, u.ID, e.Secret, time.Time{}); err != nil {
			return err
		}
		return a.audit(ctx, tx, u, Record{Action: "mfa.enrolment_started", ObjectType: "user", ObjectID: u.ID, Summary: "started setting up an authenticator app"})
	})
	if err != nil {
		return Enrolment{}, err
	}
	e.URI = auth.TOTPURI(TOTPIssuer, email, e.Secret)
	if e.QRCode, err = auth.TOTPQRCode(e.URI, 240); err != nil {
		return Enrolment{}, fmt.Errorf("render the QR code: %w", err)
	}
	return e, nil
}

// ConfirmEnrolment finishes setting up an authenticator: the code must come
// from the app just set up. It returns ten recovery codes, which are shown
// once and stored only as hashes, and counts the session as having passed
// its second factor.
func (a *App) ConfirmEnrolment(ctx context.Context, token, code string) ([]string, error) {
	fc, err := parseFactorCode(code, false)
	if err != nil {
		return nil, err
	}
	now := a.Now()
	m := metaOf(ctx)
	codes := auth.NewRecoveryCodes(auth.RecoveryCodeCount)
	var failed error
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		s, u, err := a.liveSession(ctx, tx, token, now)
		if err != nil {
			return err
		}
		t, err := tx.UserTOTP(ctx, u.ID)
		if err != nil {
			return err
		}
		switch {
		case t.Enabled():
			return domain.Errorf(domain.EConflict, "An authenticator app is already set up for your account.")
		case t.Secret == "":
			return domain.Errorf(domain.EConflict, "Set-up has not started, or was reset. Open the set-up page again for a new key.")
		}
		if failed, err = a.throttleFactor(ctx, tx, u, now); failed != nil || err != nil {
			return err
		}
		step, ok := auth.MatchTOTP(t.Secret, fc.totp, now)
		if ok {
			if ok, err = tx.AcceptTOTPStep(ctx, u.ID, step); err != nil {
				return err
			}
		}
		if !ok {
			failed = domain.Invalid("code", "That code does not match. Check that the app shows %s with your email, and type the code it shows now.", TOTPIssuer)
			if err := tx.RecordSignIn(ctx, factorKey(u), m.Address, false, now); err != nil {
				return err
			}
			return a.audit(ctx, tx, u, Record{Action: "mfa.enrol_failed", ObjectType: "user", ObjectID: u.ID, Summary: "set-up not confirmed: wrong code"})
		}
		if err := tx.EnableTOTP(ctx, u.ID, now); err != nil {
			return err
		}
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, hashCodes(codes)); err != nil {
			return err
		}
		if err := tx.PassSecondFactor(ctx, s.IDHash, now); err != nil {
			return err
		}
		if err := tx.RecordSignIn(ctx, factorKey(u), m.Address, true, now); err != nil {
			return err
		}
		return a.audit(ctx, tx, u, Record{Action: "mfa.enrol", ObjectType: "user", ObjectID: u.ID,
			Summary: fmt.Sprintf("set up an authenticator app; %d recovery codes issued", len(codes))})
	})
	if err != nil {
		return nil, err
	}
	if failed != nil {
		return nil, failed
	}
	return codes, nil
}

// VerifySecondFactor checks a code from the authenticator app (each accepted
// at most once) or an unused recovery code for the session behind token.
// Right, the session is fully signed in and counts as having passed its
// second factor; wrong, the attempt is counted, and after MaxFailsMFA in the
// throttle window every attempt is refused until the window passes. A session
// already signed in without a second factor (an identity provider that did
// not report one) steps up the same way.
func (a *App) VerifySecondFactor(ctx context.Context, token, code string) (domain.User, error) {
	var user domain.User
	err := a.withSecondFactor(ctx, token, code, true, "sign-in", func(tx *store.Tx, s store.Session, u domain.User, how string) error {
		user = u
		if err := tx.PassSecondFactor(ctx, s.IDHash, a.Now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, u, Record{Action: "auth.mfa", ObjectType: "user", ObjectID: u.ID, Summary: "passed the second factor with " + how})
	})
	return user, err
}

// ResetOwnMFA removes the authenticator and recovery codes of the user of the
// session behind token, who must prove the second factor once more first.
func (a *App) ResetOwnMFA(ctx context.Context, token, code string) error {
	return a.withSecondFactor(ctx, token, code, true, "reset", func(tx *store.Tx, s store.Session, u domain.User, how string) error {
		if err := tx.ClearTOTP(ctx, u.ID); err != nil {
			return err
		}
		return a.audit(ctx, tx, u, Record{Action: "mfa.reset", ObjectType: "user", ObjectID: u.ID,
			Summary: "removed their own authenticator app and recovery codes, confirmed with " + how})
	})
}

// RenewRecoveryCodes replaces the recovery codes of the user of the session
// behind token with ten new ones, after a code from the authenticator app.
func (a *App) RenewRecoveryCodes(ctx context.Context, token, code string) ([]string, error) {
	codes := auth.NewRecoveryCodes(auth.RecoveryCodeCount)
	err := a.withSecondFactor(ctx, token, code, false, "new recovery codes", func(tx *store.Tx, s store.Session, u domain.User, how string) error {
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, hashCodes(codes)); err != nil {
			return err
		}
		return a.audit(ctx, tx, u, Record{Action: "mfa.recovery_codes", ObjectType: "user", ObjectID: u.ID,
			Summary: fmt.Sprintf("replaced their recovery codes with %d new ones", len(codes))})
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// ResetMFA removes another user's authenticator and recovery codes, for when
// they lost their device, and ends all their sessions; at their next sign-in
// they set up a new one if their role requires it. Firm administrators (and
// the operator) only, and not for themselves (ResetOwnMFA needs a code).
func (a *App) ResetMFA(ctx context.Context, actor domain.User, userID int64) error {
	return a.resetMFA(ctx, actor, func(tx *store.Tx) (domain.User, error) { return tx.User(ctx, userID) })
}

// ResetMFAByEmail is ResetMFA for a user named by email (the command line).
func (a *App) ResetMFAByEmail(ctx context.Context, actor domain.User, email string) error {
	email, err := domain.NormalizeEmail(email)
	if err != nil {
		return err
	}
	return a.resetMFA(ctx, actor, func(tx *store.Tx) (domain.User, error) {
		u, _, err := tx.UserByEmail(ctx, email)
		return u, err
	})
}

func (a *App) resetMFA(ctx context.Context, actor domain.User, find func(*store.Tx) (domain.User, error)) error {
	if err := require(actor, ManageUsers); err != nil {
		return err
	}
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		u, err := find(tx)
		if err != nil {
			return err
		}
		if u.ID == actor.ID {
			return domain.Errorf(domain.EForbidden, "To reset your own second factor, use Security on your account page: it asks for a code first.")
		}
		if err := tx.ClearTOTP(ctx, u.ID); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "mfa.reset", ObjectType: "user", ObjectID: u.ID,
			Summary: fmt.Sprintf("reset the second factor of %s (%s); all their sessions ended", u.Name, u.Email)})
	})
}

// withSecondFactor checks code for the session behind token and, when it is
// right, runs then in the same transaction. Wrong codes are recorded (and
// audited) in a transaction that commits, so the count holds.
func (a *App) withSecondFactor(ctx context.Context, token, code string, allowRecovery bool, purpose string,
	then func(tx *store.Tx, s store.Session, u domain.User, how string) error) error {
	fc, err := parseFactorCode(code, allowRecovery)
	if err != nil {
		return err
	}
	now := a.Now()
	m := metaOf(ctx)
	var failed error
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		s, u, err := a.liveSession(ctx, tx, token, now)
		if err != nil {
			return err
		}
		t, err := tx.UserTOTP(ctx, u.ID)
		if err != nil {
			return err
		}
		if !t.Enabled() {
			return domain.Errorf(domain.EConflict, "No authenticator app is set up for your account. Set one up first.")
		}
		if failed, err = a.throttleFactor(ctx, tx, u, now); failed != nil || err != nil {
			return err
		}
		ok, how, reason := false, "an authenticator code", "wrong code"
		if fc.totp != "" {
			if step, match := auth.MatchTOTP(t.Secret, fc.totp, now); match {
				if ok, err = tx.AcceptTOTPStep(ctx, u.ID, step); err != nil {
					return err
				}
				reason = "a code that was already used"
			}
		} else {
			how, reason = "a recovery code", "wrong or already used recovery code"
			if ok, err = tx.UseRecoveryCode(ctx, u.ID, auth.HashRecoveryCode(fc.recovery), now); err != nil {
				return err
			}
			if ok {
				left, err := tx.RecoveryCodesLeft(ctx, u.ID)
				if err != nil {
					return err
				}
				how += fmt.Sprintf(" (%d left)", left)
			}
		}
		if err := tx.RecordSignIn(ctx, factorKey(u), m.Address, ok, now); err != nil {
			return err
		}
		if !ok {
			failed = &domain.Error{Code: domain.EUnauthorized, Field: "code",
				Message: "That code is not right, or it was already used. Enter the code your authenticator app shows now, or a recovery code."}
			return a.audit(ctx, tx, u, Record{Action: "auth.mfa_failed", ObjectType: "user", ObjectID: u.ID, Summary: purpose + " refused: " + reason})
		}
		return then(tx, s, u, how)
	})
	if err != nil {
		return err
	}
	return failed
}

// throttleFactor refuses (with an audited, committed refusal) when the user
// has had MaxFailsMFA wrong codes in the window since their last right one.
func (a *App) throttleFactor(ctx context.Context, tx *store.Tx, u domain.User, now time.Time) (refused error, err error) {
	fails, _, err := tx.FailedSignIns(ctx, factorKey(u), "", now.Add(-a.Config.ThrottleWindow))
	if err != nil || fails < a.Config.MaxFailsMFA {
		return nil, err
	}
	a.Log.Warn("second factor throttled", "user", u.ID)
	refused = domain.Errorf(domain.ETooMany, "Too many wrong codes. Wait %d minutes and try again, or ask your administrator.", int(a.Config.ThrottleWindow/time.Minute))
	return refused, a.audit(ctx, tx, u, Record{Action: "auth.mfa_throttled", ObjectType: "user", ObjectID: u.ID,
		Summary: fmt.Sprintf("second factor refused: %d wrong codes in %s", fails, a.Config.ThrottleWindow)})
}

// factorKey is the name under which second-factor attempts are counted,
// apart from password attempts.
func factorKey(u domain.User) string { return "mfa:" + u.Email }

// liveSession loads the session behind token in tx; an unknown or ended
// session is unauthorized.
func (a *App) liveSession(ctx context.Context, tx *store.Tx, token string, now time.Time) (store.Session, domain.User, error) {
	if token == "" || len(token) > 100 {
		return store.Session{}, domain.User{}, domain.Errorf(domain.EUnauthorized, "Please sign in.")
	}
	s, u, err := tx.SessionByHash(ctx, auth.HashToken(token))
	if domain.ErrorCode(err) == domain.ENotFound || err == nil && a.expired(s, u, now) {
		return store.Session{}, domain.User{}, domain.Errorf(domain.EUnauthorized, "Your session has ended. Please sign in again.")
	}
	return s, u, err
}

// factorCode is a typed code: six digits from an authenticator app, or a
// normalised recovery code.
type factorCode struct{ totp, recovery string }

// parseFactorCode reads what a person typed. Malformed input is refused
// before anything is counted or changed.
func parseFactorCode(s string, allowRecovery bool) (factorCode, error) {
	want := "Enter the 6-digit code from your authenticator app"
	if allowRecovery {
		want += ", or one of your recovery codes (like abcd-efgh-jkmn)"
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return factorCode{}, domain.Invalid("code", "%s.", want)
	}
	if len(s) > 40 {
		return factorCode{}, domain.Invalid("code", "That is too long for a code. %s.", want)
	}
	digits := strings.ReplaceAll(s, " ", "")
	if strings.Trim(digits, "0123456789") == "" {
		if len(digits) != auth.TOTPDigits {
			return factorCode{}, domain.Invalid("code", "A code from your authenticator app has exactly 6 digits.")
		}
		return factorCode{totp: digits}, nil
	}
	if allowRecovery {
		if r, ok := auth.NormalizeRecoveryCode(s); ok {
			return factorCode{recovery: r}, nil
		}
	}
	return factorCode{}, domain.Invalid("code", "That is not a code. %s.", want)
}

func hashCodes(codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		n, _ := auth.NormalizeRecoveryCode(c)
		out[i] = auth.HashRecoveryCode(n)
	}
	return out
}

// Setting names of the second-factor policy.
const (
	SettingMFARoles              = "mfa_required_roles"
	SettingMFAHighlyConfidential = "mfa_highly_confidential"
)

// MFAPolicy returns the firm's second-factor policy.
func (a *App) MFAPolicy(ctx context.Context) (domain.MFAPolicy, error) {
	var p domain.MFAPolicy
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		p, err = a.mfaPolicy(ctx, tx)
		return err
	})
	return p, err
}

func (a *App) mfaPolicy(ctx context.Context, tx *store.Tx) (domain.MFAPolicy, error) {
	p := domain.DefaultMFAPolicy()
	if v, ok, err := tx.Setting(ctx, SettingMFARoles); err != nil {
		return p, err
	} else if ok {
		roles, err := domain.ParseRoleList("roles", v)
		if err != nil {
			a.Log.Error("stored MFA policy unreadable; using the default", "value", v)
			return domain.DefaultMFAPolicy(), nil
		}
		p.RequiredRoles = roles
	}
	if v, ok, err := tx.Setting(ctx, SettingMFAHighlyConfidential); err != nil {
		return p, err
	} else if ok {
		p.HighlyConfidential = v != "off"
	}
	return p, nil
}

// SetMFAPolicy replaces the firm's second-factor policy. Firm administrators
// only. Users already signed in keep their sessions; the policy applies at
// their next sign-in (and to highly confidential matters at once).
func (a *App) SetMFAPolicy(ctx context.Context, actor domain.User, p domain.MFAPolicy) error {
	if err := require(actor, ManageSettings); err != nil {
		return err
	}
	for _, r := range p.RequiredRoles {
		if _, err := domain.ParseRole(string(r)); err != nil {
			e := err.(*domain.Error)
			e.Field = "roles"
			return e
		}
	}
	hc := "off"
	if p.HighlyConfidential {
		hc = "on"
	}
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		old, err := a.mfaPolicy(ctx, tx)
		if err != nil {
			return err
		}
		now := a.Now()
		if err := tx.SetSetting(ctx, SettingMFARoles, p.RolesText(), now); err != nil {
			return err
		}
		if err := tx.SetSetting(ctx, SettingMFAHighlyConfidential, hc, now); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "settings.mfa_policy", ObjectType: "settings",
			Summary: fmt.Sprintf("second factor required of: %s (was %s); highly confidential matters need one: %s (was %s)",
				rolesWords(p), rolesWords(old), hc, onOff(old.HighlyConfidential))})
	})
}

func rolesWords(p domain.MFAPolicy) string {
	if t := p.RolesText(); t != "" {
		return t
	}
	return "no role"
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// ErrSecondFactorRequired refuses a highly confidential matter to a session
// that has not passed a second factor.
var ErrSecondFactorRequired = &domain.Error{Code: domain.EForbidden,
	Message: "This matter is highly confidential: sign in with your second factor to open it."}

// confidentialGate keeps highly confidential matters (and their engagements)
// from sessions without a second factor, when the firm's policy says so. The
// operator on the command line already holds the keys and passes.
func (a *App) confidentialGate(ctx context.Context, tx *store.Tx, actor domain.User, m domain.Matter) error {
	if m.Sensitivity != domain.SensitivityHighlyConfidential || actor.ID == 0 || metaOf(ctx).MFA {
		return nil
	}
	p, err := a.mfaPolicy(ctx, tx)
	if err != nil {
		return err
	}
	if p.HighlyConfidential {
		return ErrSecondFactorRequired
	}
	return nil
}
