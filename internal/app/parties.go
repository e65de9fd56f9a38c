package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// partyMatter loads a matter for party editing: firm users only (to anyone
// else a party is not found), within the actor's scope, by an attorney or
// administrator, behind the matter's second-factor gate.
func (a *App) partyMatter(ctx context.Context, tx *store.Tx, actor domain.User, matterID int64) (domain.Matter, error) {
	if !actor.Role.IsFirm() {
		return domain.Matter{}, domain.NotFound("matter")
	}
	m, err := tx.Matter(ctx, ScopeFor(actor), matterID)
	if err != nil {
		return m, err
	}
	if err := require(actor, EditParties); err != nil {
		return m, err
	}
	return m, a.confidentialGate(ctx, tx, actor, m)
}

// party loads a party and its matter for editing, as partyMatter does.
func (a *App) party(ctx context.Context, tx *store.Tx, actor domain.User, partyID int64) (domain.Party, domain.Matter, error) {
	if !actor.Role.IsFirm() {
		return domain.Party{}, domain.Matter{}, domain.NotFound("party")
	}
	p, err := tx.Party(ctx, partyID)
	if err != nil {
		return p, domain.Matter{}, err
	}
	m, err := a.partyMatter(ctx, tx, actor, p.MatterID)
	if domain.ErrorCode(err) == domain.ENotFound {
		return p, m, domain.NotFound("party")
	}
	return p, m, err
}

// Party returns one party for a firm user who can see its matter (anyone
// else: not found).
func (a *App) Party(ctx context.Context, actor domain.User, partyID int64) (domain.Party, error) {
	var p domain.Party
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		if !actor.Role.IsFirm() {
			return domain.NotFound("party")
		}
		if p, err = tx.Party(ctx, partyID); err != nil {
			return err
		}
		m, err := tx.Matter(ctx, ScopeFor(actor), p.MatterID)
		if domain.ErrorCode(err) == domain.ENotFound {
			return domain.NotFound("party")
		} else if err != nil {
			return err
		}
		return a.confidentialGate(ctx, tx, actor, m)
	})
	return p, err
}

// partiesChanged bumps the party-search generation and rechecks every vendor
// with an engagement on the matter that is not closed, in the transaction
// of the change; it returns what the rechecks found, for the audit summary.
func (a *App) partiesChanged(ctx context.Context, tx *store.Tx, matterID int64) (string, error) {
	if err := tx.BumpConflictGeneration(ctx); err != nil {
		return "", err
	}
	rs, err := a.recheckMatter(ctx, tx, matterID)
	return describeChecks(rs), err
}

// knownAs reports whether name is already one of p's names (case aside).
func knownAs(p domain.Party, name string) bool {
	if strings.EqualFold(p.Name, name) {
		return true
	}
	for _, al := range p.Aliases {
		if strings.EqualFold(al, name) {
			return true
		}
	}
	return false
}

// AddParty adds a party (with any aliases) to a matter, and rechecks the
// vendors working on it.
func (a *App) AddParty(ctx context.Context, actor domain.User, matterID int64, p domain.Party) (domain.Party, error) {
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		m, err := a.partyMatter(ctx, tx, actor, matterID)
		if err != nil {
			return err
		}
		p.ID, p.MatterID = 0, matterID
		if err := p.Validate(); err != nil {
			return err
		}
		if p.Name, err = domain.PartyName("name", p.Name); err != nil {
			return err
		}
		aliases := p.Aliases
		p.Aliases = nil
		for _, al := range aliases {
			if strings.TrimSpace(al) == "" {
				continue
			}
			al, err := domain.PartyName("aliases", al)
			if err != nil {
				return err
			}
			if !knownAs(p, al) {
				p.Aliases = append(p.Aliases, al)
			}
		}
		existing, err := tx.Parties(ctx, matterID)
		if err != nil {
			return err
		}
		for _, x := range existing {
			if strings.EqualFold(x.Name, p.Name) {
				return &domain.Error{Code: domain.EConflict, Field: "name", Message: fmt.Sprintf("%s already has a party named %s", m.Number, x.Name)}
			}
		}
		if err := tx.CreateParty(ctx, &p); err != nil {
			return err
		}
		checks, err := a.partiesChanged(ctx, tx, matterID)
		if err != nil {
			return err
		}
		aka := ""
		if len(p.Aliases) > 0 {
			aka = ", also known as " + strings.Join(p.Aliases, ", ")
		}
		return a.audit(ctx, tx, actor, Record{Action: "matter.party_add", ObjectType: "party", ObjectID: p.ID, MatterID: matterID,
			Summary: fmt.Sprintf("added %s (%s%s) to %s%s", p.Name, strings.ToLower(p.Role.Label()), aka, m.Number, checks)})
	})
	return p, err
}

// RemoveParty takes a party off a matter, with a reason for the record.
// Conflict hits on its names become obsolete (kept for the record).
func (a *App) RemoveParty(ctx context.Context, actor domain.User, partyID int64, reason string) error {
	reason, err := screenReason(reason, "say why the party is removed")
	if err != nil {
		return err
	}
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		p, m, err := a.party(ctx, tx, actor, partyID)
		if err != nil {
			return err
		}
		if err := tx.DeleteParty(ctx, p.ID); err != nil {
			return err
		}
		checks, err := a.partiesChanged(ctx, tx, m.ID)
		if err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "matter.party_remove", ObjectType: "party", ObjectID: p.ID, MatterID: m.ID,
			Summary: fmt.Sprintf("removed %s (%s) from %s: %s%s", p.Name, strings.ToLower(p.Role.Label()), m.Number, reason, checks)})
	})
}

// AddAlias records another name a party is known by, and rechecks the
// vendors working on its matter.
func (a *App) AddAlias(ctx context.Context, actor domain.User, partyID int64, alias string) error {
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		p, m, err := a.party(ctx, tx, actor, partyID)
		if err != nil {
			return err
		}
		if alias, err = domain.PartyName("alias", alias); err != nil {
			return err
		}
		if knownAs(p, alias) {
			return &domain.Error{Code: domain.EConflict, Field: "alias", Message: fmt.Sprintf("%s is already known as %s", p.Name, alias)}
		}
		if err := tx.AddAlias(ctx, p.ID, alias); err != nil {
			return err
		}
		checks, err := a.partiesChanged(ctx, tx, m.ID)
		if err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "matter.alias_add", ObjectType: "party", ObjectID: p.ID, MatterID: m.ID,
			Summary: fmt.Sprintf("recorded that %s on %s is also known as %s%s", p.Name, m.Number, alias, checks)})
	})
}

// RemoveAlias takes an alias off a party, and rechecks the vendors working
// on its matter.
func (a *App) RemoveAlias(ctx context.Context, actor domain.User, partyID int64, alias string) error {
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		p, m, err := a.party(ctx, tx, actor, partyID)
		if err != nil {
			return err
		}
		if strings.TrimSpace(alias) == "" {
			return domain.Invalid("alias", "name the alias to remove")
		}
		if err := tx.RemoveAlias(ctx, p.ID, alias); err != nil {
			if domain.ErrorCode(err) == domain.ENotFound {
				return domain.Invalid("alias", "%s is not known as %q", p.Name, alias)
			}
			return err
		}
		checks, err := a.partiesChanged(ctx, tx, m.ID)
		if err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "matter.alias_remove", ObjectType: "party", ObjectID: p.ID, MatterID: m.ID,
			Summary: fmt.Sprintf("removed the alias %s of %s on %s%s", alias, p.Name, m.Number, checks)})
	})
}
