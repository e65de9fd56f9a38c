package app

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Client invoices and credit notes (issue 8 part 3). A draft is assembled by
// domain.AssembleClientInvoice from the matter's unbilled firm time and the
// approved, unbilled vendor invoices of its engagements, checked against the
// firm's billing policy (ABA Formal Op. 08-451); what it bills is marked
// with its id so nothing is billed twice. It moves draft → approved → sent →
// paid | written off; an invoice carrying a policy flag is held until a
// billing partner overrides it with a written reason (the billing partners
// are told when a draft or recompute leaves it held: notifyInvoiceHeld).
// Once sent it never changes: a correction is a credit note. Every step is
// one transaction with one client_invoice.* audit event.

// MinOverrideReason is the shortest written reason for an override.
const MinOverrideReason = 20

// ClientInvoiceInput is a new invoice as a form, request or command gives it.
type ClientInvoiceInput struct {
	MatterID                                                      int64
	Date, Start, End, Description, OverheadPercent, MarkupPercent string
}

// ClientInvoiceView is an invoice with its lines and what the viewer may do.
type ClientInvoiceView struct {
	Invoice domain.ClientInvoice
	Lines   []domain.ClientInvoiceLine
	// Internal is whether the viewer sees the firm's side (policy flags,
	// override details, vendor costs): firm users.
	Internal                           bool
	CanManage, CanApprove, CanOverride bool
	CanRecompute, CanDiscard, CanSend  bool
	// HeldFromSending: the viewer would send it, but a policy flag holds it
	// until a billing partner overrides it.
	HeldFromSending                bool
	CanPay, CanWriteOff, CanCredit bool
	Credited                       map[int64]bool // line ids already credited
}

// invoiceVisibleTo: client contacts see their client's invoices once sent.
func invoiceVisibleTo(actor domain.User, inv domain.ClientInvoice) bool {
	if !actor.Role.IsClient() {
		return true
	}
	return inv.State == domain.InvoiceSent || inv.State == domain.InvoicePaid || inv.State == domain.InvoiceWrittenOff
}

// loadClientInvoice reads an invoice in the actor's scope; a client contact
// gets not found for a draft or approved one, and a session without a
// second factor is refused a highly confidential matter's invoice.
func (a *App) loadClientInvoice(ctx context.Context, tx *store.Tx, actor domain.User, id int64) (domain.ClientInvoice, error) {
	inv, err := tx.ClientInvoice(ctx, ScopeFor(actor), id)
	if err != nil {
		return inv, err
	}
	if !invoiceVisibleTo(actor, inv) {
		return domain.ClientInvoice{}, domain.NotFound("invoice")
	}
	m, err := tx.Matter(ctx, ScopeFor(actor), inv.MatterID)
	if err != nil {
		return domain.ClientInvoice{}, err
	}
	return inv, a.confidentialGate(ctx, tx, actor, m)
}

// isBillingPartner: a firm administrator, or an attorney whose timekeeper
// classification is PARTNR.
func (a *App) isBillingPartner(ctx context.Context, tx *store.Tx, actor domain.User) (bool, error) {
	if actor.Role == domain.RoleFirmAdmin {
		return true, nil
	}
	if actor.Role != domain.RoleAttorney {
		return false, nil
	}
	tk, err := tx.Timekeeper(ctx, actor.ID)
	if domain.ErrorCode(err) == domain.ENotFound {
		return false, nil
	}
	return err == nil && tk.Classification == domain.ClassPartner, err
}

// assembleInvoice loads what a draft bills and runs the rules.
func (a *App) assembleInvoice(ctx context.Context, tx *store.Tx, inv domain.ClientInvoice) (domain.ClientInvoice, []domain.ClientInvoiceLine, error) {
	policy, err := a.billingPolicy(ctx, tx)
	if err != nil {
		return inv, nil, err
	}
	in := domain.AssembleInput{Invoice: inv, Policy: policy, Timekeepers: map[int64]domain.Timekeeper{}}
	if in.FirmTime, err = tx.UnbilledFirmTime(ctx, inv.MatterID, inv.Start, inv.End); err != nil {
		return inv, nil, err
	}
	for _, e := range in.FirmTime {
		if _, ok := in.Timekeepers[e.UserID]; ok {
			continue
		}
		tk, err := tx.Timekeeper(ctx, e.UserID)
		if err == nil {
			in.Timekeepers[e.UserID] = tk
		} else if domain.ErrorCode(err) != domain.ENotFound {
			return inv, nil, err
		}
	}
	if in.Outsourced, err = tx.UnbilledVendorInvoices(ctx, inv.MatterID, inv.End); err != nil {
		return inv, nil, err
	}
	return domain.AssembleClientInvoice(in)
}

// DraftClientInvoice drafts an invoice for a matter's period (firm users,
// the matter in scope): the firm time and vendor invoices it bills are
// marked, so a second draft does not bill them again.
func (a *App) DraftClientInvoice(ctx context.Context, actor domain.User, in ClientInvoiceInput) (domain.ClientInvoice, error) {
	var out domain.ClientInvoice
	var mails []email
	if err := require(actor, ManageClientInvoices); err != nil {
		return out, err
	}
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		mails = nil
		if in.MatterID == 0 {
			return domain.Invalid("matter", "choose the matter to invoice")
		}
		m, err := tx.Matter(ctx, ScopeFor(actor), in.MatterID)
		if err != nil {
			return err
		}
		if err := a.confidentialGate(ctx, tx, actor, m); err != nil {
			return err
		}
		client, err := tx.Client(ctx, store.Scope{All: true}, m.ClientID)
		if err != nil {
			return err
		}
		firm, err := tx.Firm(ctx)
		if err != nil {
			return err
		}
		inv := domain.ClientInvoice{Kind: domain.KindInvoice, MatterID: m.ID, MatterNumber: m.Number, MatterTitle: m.Title, ClientID: client.ID,
			ClientName: client.Name, Currency: firm.Currency, State: domain.InvoiceDraft, CreatedBy: actor.ID, CreatedAt: a.Now(),
			Description: domain.LEDESText(strings.TrimSpace(in.Description))}
		if inv.Start, err = domain.ParseDate("start", strings.TrimSpace(in.Start)); err != nil {
			return err
		}
		if inv.End, err = domain.ParseDate("end", strings.TrimSpace(in.End)); err != nil {
			return err
		}
		if inv.End < inv.Start {
			return domain.Invalid("end", "the period ends (%s) before it starts (%s)", inv.End, inv.Start)
		}
		if strings.TrimSpace(in.Date) == "" {
			if inv.Date, err = a.todayFor(ctx, tx, actor); err != nil {
				return err
			}
		} else if inv.Date, err = domain.ParseDate("date", strings.TrimSpace(in.Date)); err != nil {
			return err
		}
		if inv.Date < inv.Start {
			return domain.Invalid("date", "the invoice date (%s) is before the period starts (%s)", inv.Date, inv.Start)
		}
		if inv.OverheadBP, err = invoicePercent("overhead_percent", in.OverheadPercent, domain.MaxOverheadCapBP, "the overhead share"); err != nil {
			return err
		}
		if inv.MarkupBP, err = invoicePercent("markup_percent", in.MarkupPercent, domain.MaxMarkupCapBP, "the markup"); err != nil {
			return err
		}
		if len(inv.Description) > 1000 {
			return domain.Invalid("description", "the description is at most 1,000 characters (got %d)", len(inv.Description))
		}
		if inv.Number, err = tx.NextClientInvoiceNumber(ctx, domain.KindInvoice, inv.Date.Time().Year()); err != nil {
			return err
		}
		inv, lines, err := a.assembleInvoice(ctx, tx, inv)
		if err != nil {
			return err
		}
		if err := tx.CreateClientInvoice(ctx, &inv, lines); err != nil {
			return err
		}
		if err := tx.MarkClientInvoiceBilled(ctx, inv.ID, lines); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, actor, Record{Action: "client_invoice.draft", ObjectType: "client_invoice", ObjectID: inv.ID, MatterID: m.ID,
			Summary: fmt.Sprintf("invoice %s drafted for %s, %s to %s: %d lines, %s%s", inv.Number, m.Number, inv.Start, inv.End, inv.LineCount, inv.Total, policyFlagWords(inv.Flags))}); err != nil {
			return err
		}
		if out, err = tx.ClientInvoice(ctx, store.Scope{All: true}, inv.ID); err != nil {
			return err
		}
		mails, err = a.notifyInvoiceHeld(ctx, tx, actor, out, nil)
		return err
	})
	if err == nil {
		a.mailQueued(mails...)
	}
	return out, err
}

// invoicePercent parses an optional percentage between 0 and most basis points.
func invoicePercent(field, s string, most int, what string) (int, error) {
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	bp, err := domain.ParsePercentBP(field, s)
	if err != nil {
		return 0, err
	}
	if bp < 0 || bp > most {
		return 0, domain.Invalid(field, "%s must be between 0%% and %s (got %s)", what, domain.FormatBP(most), domain.FormatBP(bp))
	}
	return bp, nil
}

func policyFlagWords(flags []domain.PolicyFlag) string {
	if len(flags) == 0 {
		return ""
	}
	codes := make([]string, len(flags))
	for i, f := range flags {
		codes[i] = string(f.Code)
	}
	return "; held by policy flags: " + strings.Join(codes, ", ")
}

// invoiceDraftOf loads an invoice the actor may manage, refusing anything but a
// draft with EConflict.
func (a *App) invoiceDraftOf(ctx context.Context, tx *store.Tx, actor domain.User, id int64, what string) (domain.ClientInvoice, error) {
	inv, err := a.loadClientInvoice(ctx, tx, actor, id)
	if err != nil {
		return inv, err
	}
	if inv.State != domain.InvoiceDraft {
		return inv, domain.Errorf(domain.EConflict, "%s is %s: only a draft is %s", inv.Number, invoiceStateWord(inv.State), what)
	}
	return inv, nil
}

func invoiceStateWord(s domain.InvoiceState) string { return strings.ReplaceAll(string(s), "_", " ") }

// RecomputeClientInvoice re-collects a draft: it releases what it billed and
// assembles it again from what is unbilled now (an override is cleared).
func (a *App) RecomputeClientInvoice(ctx context.Context, actor domain.User, id int64) (domain.ClientInvoice, error) {
	var out domain.ClientInvoice
	var mails []email
	if err := require(actor, ManageClientInvoices); err != nil {
		return out, err
	}
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		mails = nil
		inv, err := a.invoiceDraftOf(ctx, tx, actor, id, "recomputed")
		if err != nil {
			return err
		}
		was := inv
		if inv.Kind == domain.KindCreditNote {
			return domain.Errorf(domain.EConflict, "%s is a credit note: discard it and issue a new one instead", inv.Number)
		}
		if err := tx.ReleaseClientInvoice(ctx, id); err != nil {
			return err
		}
		inv, lines, err := a.assembleInvoice(ctx, tx, inv)
		if err != nil {
			return err
		}
		if err := tx.ReplaceClientInvoiceDraft(ctx, inv, lines); err != nil {
			return err
		}
		if err := tx.MarkClientInvoiceBilled(ctx, id, lines); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, actor, Record{Action: "client_invoice.recompute", ObjectType: "client_invoice", ObjectID: id, MatterID: inv.MatterID,
			Summary: fmt.Sprintf("invoice %s recomputed: %d lines, %s%s", inv.Number, inv.LineCount, inv.Total, policyFlagWords(inv.Flags))}); err != nil {
			return err
		}
		if out, err = tx.ClientInvoice(ctx, store.Scope{All: true}, id); err != nil {
			return err
		}
		mails, err = a.notifyInvoiceHeld(ctx, tx, actor, out, &was)
		return err
	})
	if err == nil {
		a.mailQueued(mails...)
	}
	return out, err
}

// DiscardClientInvoice deletes a draft; what it billed is unbilled again.
func (a *App) DiscardClientInvoice(ctx context.Context, actor domain.User, id int64) error {
	if err := require(actor, ManageClientInvoices); err != nil {
		return err
	}
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		inv, err := a.invoiceDraftOf(ctx, tx, actor, id, "discarded")
		if err != nil {
			return err
		}
		if err := tx.ReleaseClientInvoice(ctx, id); err != nil {
			return err
		}
		if err := tx.DeleteClientInvoiceDraft(ctx, id); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "client_invoice.discard", ObjectType: "client_invoice", ObjectID: id, MatterID: inv.MatterID,
			Summary: fmt.Sprintf("draft %s discarded (%s)", inv.Number, inv.Total)})
	})
}

// ApproveClientInvoice approves a draft (attorneys and firm administrators).
func (a *App) ApproveClientInvoice(ctx context.Context, actor domain.User, id int64) (domain.ClientInvoice, error) {
	return a.moveClientInvoice(ctx, actor, id, ApproveClientInvoices, store.ClientInvoiceMove{From: []domain.InvoiceState{domain.InvoiceDraft}, To: domain.InvoiceApproved},
		"client_invoice.approve", "approved", nil)
}

// SendClientInvoice sends an approved invoice. One held by a policy flag is
// refused (EGateClosed) naming each flag, until a billing partner overrides.
func (a *App) SendClientInvoice(ctx context.Context, actor domain.User, id int64) (domain.ClientInvoice, error) {
	return a.moveClientInvoice(ctx, actor, id, ManageClientInvoices, store.ClientInvoiceMove{From: []domain.InvoiceState{domain.InvoiceApproved}, To: domain.InvoiceSent},
		"client_invoice.send", "sent", func(inv domain.ClientInvoice, _ *store.ClientInvoiceMove) error {
			if !inv.Held() {
				return nil
			}
			msgs := make([]string, len(inv.Flags))
			for i, f := range inv.Flags {
				msgs[i] = f.Message
			}
			return domain.Errorf(domain.EGateClosed, "%s is held by the firm's billing policy: %s A billing partner must override it with a written reason before it is sent.",
				inv.Number, strings.Join(msgs, " "))
		})
}

// MarkClientInvoicePaid records the payment of a sent invoice on paidOn.
func (a *App) MarkClientInvoicePaid(ctx context.Context, actor domain.User, id int64, paidOn string) (domain.ClientInvoice, error) {
	return a.moveClientInvoice(ctx, actor, id, ManageClientInvoices, store.ClientInvoiceMove{From: []domain.InvoiceState{domain.InvoiceSent}, To: domain.InvoicePaid},
		"client_invoice.paid", "paid", func(inv domain.ClientInvoice, m *store.ClientInvoiceMove) error {
			day, err := domain.ParseDate("paid_on", strings.TrimSpace(paidOn))
			if err != nil {
				return err
			}
			if day < inv.Date {
				return domain.Invalid("paid_on", "the payment day (%s) is before the invoice date (%s)", day, inv.Date)
			}
			m.PaidOn = day
			return nil
		})
}

// WriteOffClientInvoice writes off a sent invoice with a reason (attorneys
// and firm administrators).
func (a *App) WriteOffClientInvoice(ctx context.Context, actor domain.User, id int64, reason string) (domain.ClientInvoice, error) {
	reason = strings.TrimSpace(reason)
	return a.moveClientInvoice(ctx, actor, id, ApproveClientInvoices, store.ClientInvoiceMove{From: []domain.InvoiceState{domain.InvoiceSent}, To: domain.InvoiceWrittenOff, Reason: reason},
		"client_invoice.write_off", "written off", func(domain.ClientInvoice, *store.ClientInvoiceMove) error {
			if len(reason) < 5 {
				return domain.Invalid("reason", "say why the invoice is written off (at least 5 characters)")
			}
			return nil
		})
}

// moveClientInvoice is one state change: capability, scope, the check, the
// compare-and-set and the audit event, in one transaction.
func (a *App) moveClientInvoice(ctx context.Context, actor domain.User, id int64, need Action, m store.ClientInvoiceMove, action, verb string,
	check func(domain.ClientInvoice, *store.ClientInvoiceMove) error) (domain.ClientInvoice, error) {
	var out domain.ClientInvoice
	if err := require(actor, need); err != nil {
		return out, err
	}
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		inv, err := a.loadClientInvoice(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if inv.State != m.From[0] {
			return domain.Errorf(domain.EConflict, "%s is %s: only a %s invoice is %s", inv.Number, invoiceStateWord(inv.State), invoiceStateWord(m.From[0]), verb)
		}
		if check != nil {
			if err := check(inv, &m); err != nil {
				return err
			}
		}
		m.By, m.At = actor.ID, a.Now()
		if err := tx.MoveClientInvoice(ctx, id, m, inv.Number+" changed meanwhile: reload the page"); err != nil {
			return err
		}
		summary := fmt.Sprintf("%s %s %s (%s)", invoiceKindName(inv), inv.Number, verb, inv.Total)
		switch m.To {
		case domain.InvoicePaid:
			summary += " on " + string(m.PaidOn)
		case domain.InvoiceWrittenOff:
			summary += ": " + m.Reason
		}
		if err := a.audit(ctx, tx, actor, Record{Action: action, ObjectType: "client_invoice", ObjectID: id, MatterID: inv.MatterID, Summary: summary}); err != nil {
			return err
		}
		out, err = tx.ClientInvoice(ctx, store.Scope{All: true}, id)
		return err
	})
	return out, err
}

func invoiceKindName(inv domain.ClientInvoice) string {
	if inv.Kind == domain.KindCreditNote {
		return "credit note"
	}
	return "invoice"
}

// OverrideClientInvoice releases an invoice held by policy flags: a billing
// partner (a firm administrator, or an attorney whose timekeeper
// classification is PARTNR) with a written reason of at least 20
// characters, while it is a draft or approved. Audited with the flags and
// the reason.
func (a *App) OverrideClientInvoice(ctx context.Context, actor domain.User, id int64, reason string) (domain.ClientInvoice, error) {
	var out domain.ClientInvoice
	if err := require(actor, OverrideBillingPolicy); err != nil {
		return out, err
	}
	reason = strings.TrimSpace(reason)
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		inv, err := a.loadClientInvoice(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		ok, err := a.isBillingPartner(ctx, tx, actor)
		if err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.EForbidden, "a billing partner must override a policy flag: a firm administrator, or an attorney whose timekeeper classification is PARTNR")
		}
		if inv.State != domain.InvoiceDraft && inv.State != domain.InvoiceApproved {
			return domain.Errorf(domain.EConflict, "%s is %s: it no longer changes", inv.Number, invoiceStateWord(inv.State))
		}
		if len(inv.Flags) == 0 {
			return domain.Errorf(domain.EConflict, "%s has no policy flag to override", inv.Number)
		}
		if inv.OverrideBy != 0 {
			return domain.Errorf(domain.EConflict, "%s was already overridden by %s", inv.Number, inv.OverrideByName)
		}
		if len([]rune(reason)) < MinOverrideReason {
			return domain.Invalid("reason", "write why the policy flag is overridden: at least %d characters (got %d)", MinOverrideReason, len([]rune(reason)))
		}
		if len(reason) > 2000 {
			return domain.Invalid("reason", "the reason is at most 2,000 characters")
		}
		if err := tx.OverrideClientInvoice(ctx, id, actor.ID, reason, a.Now()); err != nil {
			return err
		}
		codes := make([]string, len(inv.Flags))
		for i, f := range inv.Flags {
			codes[i] = string(f.Code)
		}
		if err := a.audit(ctx, tx, actor, Record{Action: "client_invoice.override", ObjectType: "client_invoice", ObjectID: id, MatterID: inv.MatterID,
			Summary: fmt.Sprintf("%s released from policy flags %s: %s", inv.Number, strings.Join(codes, ", "), reason)}); err != nil {
			return err
		}
		out, err = tx.ClientInvoice(ctx, store.Scope{All: true}, id)
		return err
	})
	return out, err
}

// CreditNote drafts a credit note correcting a sent or paid invoice: an IF
// or IE adjustment crediting each chosen line (by position; all when none)
// in full. A line is credited once. The note is then approved and sent like
// an invoice.
func (a *App) CreditNote(ctx context.Context, actor domain.User, id int64, reason string, positions []int64) (domain.ClientInvoice, error) {
	var out domain.ClientInvoice
	if err := require(actor, ManageClientInvoices); err != nil {
		return out, err
	}
	reason = domain.LEDESText(strings.TrimSpace(reason))
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		orig, err := a.loadClientInvoice(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if orig.Kind != domain.KindInvoice || (orig.State != domain.InvoiceSent && orig.State != domain.InvoicePaid) {
			return domain.Errorf(domain.EConflict, "%s is a %s %s: a credit note corrects a sent or paid invoice", orig.Number, invoiceStateWord(orig.State), invoiceKindName(orig))
		}
		if len(reason) < 5 {
			return domain.Invalid("reason", "say why the invoice is credited (at least 5 characters)")
		}
		lines, err := tx.ClientInvoiceLines(ctx, id, orig.Currency)
		if err != nil {
			return err
		}
		credited, err := tx.CreditedLines(ctx, id)
		if err != nil {
			return err
		}
		day, err := a.todayFor(ctx, tx, actor)
		if err != nil {
			return err
		}
		if day < orig.Date {
			day = orig.Date
		}
		cl, err := domain.CreditLines(lines, positions, credited, day, orig.Currency)
		if err != nil {
			return err
		}
		cn := domain.ClientInvoice{Kind: domain.KindCreditNote, CreditsInvoiceID: orig.ID, MatterID: orig.MatterID, ClientID: orig.ClientID,
			Currency: orig.Currency, Date: day, Start: orig.Start, End: orig.End, State: domain.InvoiceDraft, CreatedBy: actor.ID, CreatedAt: a.Now(),
			Description: fmt.Sprintf("Credit note for invoice %s: %s", orig.Number, reason)}
		if cn.Number, err = tx.NextClientInvoiceNumber(ctx, domain.KindCreditNote, day.Time().Year()); err != nil {
			return err
		}
		if cn, cl, err = domain.Totals(cn, cl); err != nil {
			return err
		}
		if err := tx.CreateClientInvoice(ctx, &cn, cl); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, actor, Record{Action: "client_invoice.credit_note", ObjectType: "client_invoice", ObjectID: cn.ID, MatterID: orig.MatterID,
			Summary: fmt.Sprintf("credit note %s drafted for %s: %d lines, %s: %s", cn.Number, orig.Number, cn.LineCount, cn.Total, reason)}); err != nil {
			return err
		}
		out, err = tx.ClientInvoice(ctx, store.Scope{All: true}, cn.ID)
		return err
	})
	return out, err
}

// ClientInvoiceFilter narrows ClientInvoices.
type ClientInvoiceFilter struct {
	State    string // "" any
	MatterID int64
	ClientID int64
	store.Page
}

// ClientInvoices lists invoices the actor may see, newest first: firm users
// every one in scope, client contacts their client's sent, paid and written
// off ones.
func (a *App) ClientInvoices(ctx context.Context, actor domain.User, f ClientInvoiceFilter) ([]domain.ClientInvoice, error) {
	if err := require(actor, ViewClientInvoices); err != nil {
		return nil, err
	}
	sf := store.ClientInvoiceFilter{MatterID: f.MatterID, ClientID: f.ClientID, Page: f.Page}
	if s := strings.TrimSpace(f.State); s != "" {
		st := domain.InvoiceState(s)
		switch st {
		case domain.InvoiceDraft, domain.InvoiceApproved, domain.InvoiceSent, domain.InvoicePaid, domain.InvoiceWrittenOff:
		default:
			return nil, domain.Invalid("state", "%q is not an invoice state (draft, approved, sent, paid, written_off)", s)
		}
		sf.States = []domain.InvoiceState{st}
	}
	if actor.Role.IsClient() {
		visible := []domain.InvoiceState{domain.InvoiceSent, domain.InvoicePaid, domain.InvoiceWrittenOff}
		if len(sf.States) == 0 {
			sf.States = visible
		} else if !invoiceVisibleTo(actor, domain.ClientInvoice{State: sf.States[0]}) {
			return nil, nil
		}
	}
	var out []domain.ClientInvoice
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.ClientInvoices(ctx, ScopeFor(actor), sf)
		return err
	})
	return out, err
}

// ClientInvoice reads one invoice with its lines and what the viewer may
// do. Client contacts see their client's invoices once sent; a draft or
// approved one is not found.
func (a *App) ClientInvoice(ctx context.Context, actor domain.User, id int64) (ClientInvoiceView, error) {
	var v ClientInvoiceView
	if err := require(actor, ViewClientInvoices); err != nil {
		return v, err
	}
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		inv, err := a.loadClientInvoice(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		v.Invoice = inv
		if v.Lines, err = tx.ClientInvoiceLines(ctx, id, inv.Currency); err != nil {
			return err
		}
		if actor.Role.IsClient() {
			v.Invoice.Flags, v.Invoice.OverrideReason, v.Invoice.OverrideByName = nil, "", ""
			return nil
		}
		v.Internal = true
		partner, err := a.isBillingPartner(ctx, tx, actor)
		if err != nil {
			return err
		}
		if v.Credited, err = tx.CreditedLines(ctx, id); err != nil {
			return err
		}
		manage, approve := Can(actor, ManageClientInvoices), Can(actor, ApproveClientInvoices)
		st := inv.State
		v.CanManage, v.CanApprove = manage, approve && st == domain.InvoiceDraft
		v.CanRecompute = manage && st == domain.InvoiceDraft && inv.Kind == domain.KindInvoice
		v.CanDiscard = manage && st == domain.InvoiceDraft
		v.CanOverride = partner && Can(actor, OverrideBillingPolicy) && inv.Held() && (st == domain.InvoiceDraft || st == domain.InvoiceApproved)
		v.CanSend = manage && st == domain.InvoiceApproved && !inv.Held() // SendClientInvoice refuses a held one anyway
		v.HeldFromSending = manage && st == domain.InvoiceApproved && inv.Held()
		v.CanPay = manage && st == domain.InvoiceSent
		v.CanWriteOff = approve && st == domain.InvoiceSent
		v.CanCredit = manage && inv.Kind == domain.KindInvoice && (st == domain.InvoiceSent || st == domain.InvoicePaid) && len(v.Credited) < len(v.Lines)
		return nil
	})
	return v, err
}

// ClientInvoiceID finds an invoice the actor may see by its number.
func (a *App) ClientInvoiceID(ctx context.Context, actor domain.User, number string) (int64, error) {
	if err := require(actor, ViewClientInvoices); err != nil {
		return 0, err
	}
	var id int64
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		if id, err = tx.ClientInvoiceByNumber(ctx, ScopeFor(actor), number); err != nil {
			return err
		}
		_, err = a.loadClientInvoice(ctx, tx, actor, id)
		return err
	})
	return id, err
}

// ClientInvoiceLines streams an invoice's lines in chunks (large invoices),
// after the same checks as ClientInvoice; the read transaction stays open
// while the caller ranges over them.
func (a *App) ClientInvoiceLines(ctx context.Context, actor domain.User, id int64) iter.Seq2[domain.ClientInvoiceLine, error] {
	return func(yield func(domain.ClientInvoiceLine, error) bool) {
		if err := require(actor, ViewClientInvoices); err != nil {
			yield(domain.ClientInvoiceLine{}, err)
			return
		}
		stopped := false
		err := a.Store.Read(ctx, func(tx *store.Tx) error {
			inv, err := a.loadClientInvoice(ctx, tx, actor, id)
			if err != nil {
				return err
			}
			for l, err := range tx.EachClientInvoiceLine(ctx, id, inv.Currency) {
				if err != nil {
					return err
				}
				if !yield(l, nil) {
					stopped = true
					return nil
				}
			}
			return nil
		})
		if err != nil && !stopped {
			yield(domain.ClientInvoiceLine{}, err)
		}
	}
}
