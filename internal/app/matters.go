package app

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// MatterInput is what creating or editing a matter takes.
type MatterInput struct {
	ClientID              int64
	Number                string
	Title                 string
	PracticeArea          string
	Sensitivity           domain.Sensitivity
	ResponsibleAttorneyID int64
	Status                string // editing only; empty keeps it
	Courts                []string
	GoverningLaw          []string
	Performance           []string // where outsourced work will be performed
	TeamIDs               []int64
}

// jurisdictions lists the input's places in display order.
func (in MatterInput) jurisdictions() []domain.Jurisdiction {
	var js []domain.Jurisdiction
	add := func(kind string, names []string) {
		for _, n := range names {
			if n = strings.TrimSpace(n); n != "" {
				js = append(js, domain.Jurisdiction{Kind: kind, Name: n})
			}
		}
	}
	add("court", in.Courts)
	add("governing_law", in.GoverningLaw)
	add("performance", in.Performance)
	return js
}

// MaxStrategyNotes bounds a matter's case strategy notes, in characters.
const MaxStrategyNotes = 20000

// checkMatter validates a matter being created or edited: its number is
// unique (another matter's number is a conflict), its client exists, its
// responsible attorney and team are active firm users.
func (a *App) checkMatter(ctx context.Context, tx *store.Tx, m *domain.Matter, team []int64) (domain.Client, domain.User, error) {
	if err := m.Validate(); err != nil {
		return domain.Client{}, domain.User{}, err
	}
	if utf8.RuneCountInString(m.PracticeArea) > 200 {
		return domain.Client{}, domain.User{}, domain.Invalid("practice_area", "the practice area is at most 200 characters")
	}
	if other, err := tx.MatterIDByNumber(ctx, m.Number); err != nil {
		return domain.Client{}, domain.User{}, err
	} else if other != 0 && other != m.ID {
		return domain.Client{}, domain.User{}, &domain.Error{Code: domain.EConflict, Field: "number", Message: fmt.Sprintf("a matter numbered %s already exists", m.Number)}
	}
	c, err := tx.Client(ctx, store.Scope{All: true}, m.ClientID)
	if domain.ErrorCode(err) == domain.ENotFound {
		return c, domain.User{}, domain.Invalid("client", "choose the matter's client")
	} else if err != nil {
		return c, domain.User{}, err
	}
	resp, err := a.firmPerson(ctx, tx, m.ResponsibleAttorneyID, "responsible_attorney", true)
	if err != nil {
		return c, resp, err
	}
	for _, id := range team {
		if _, err := a.firmPerson(ctx, tx, id, "team", false); err != nil {
			return c, resp, err
		}
	}
	return c, resp, nil
}

// firmPerson loads an active firm user for a matter (an attorney or
// administrator when attorney is set).
func (a *App) firmPerson(ctx context.Context, tx *store.Tx, id int64, field string, attorney bool) (domain.User, error) {
	u, err := tx.User(ctx, id)
	switch {
	case domain.ErrorCode(err) == domain.ENotFound:
		return u, domain.Invalid(field, "choose a firm user")
	case err != nil:
		return u, err
	case u.Disabled || !u.Role.IsFirm():
		return u, domain.Invalid(field, "%s is not an active firm user", u.Name)
	case attorney && u.Role != domain.RoleAttorney && u.Role != domain.RoleFirmAdmin:
		return u, domain.Invalid(field, "%s is not an attorney", u.Name)
	}
	return u, nil
}

func uniqueIDs(ids []int64) []int64 {
	var out []int64
	seen := map[int64]bool{}
	for _, id := range ids {
		if id != 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// CreateMatter opens a new matter (attorneys and firm administrators). A
// number already in use is a conflict and nothing is written.
func (a *App) CreateMatter(ctx context.Context, actor domain.User, in MatterInput) (domain.Matter, error) {
	m := domain.Matter{ClientID: in.ClientID, Number: in.Number, Title: in.Title, PracticeArea: strings.TrimSpace(in.PracticeArea),
		Sensitivity: in.Sensitivity, ResponsibleAttorneyID: in.ResponsibleAttorneyID, Status: "open", Jurisdictions: in.jurisdictions()}
	if err := require(actor, ManageMatters); err != nil {
		return m, err
	}
	team := uniqueIDs(in.TeamIDs)
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		c, resp, err := a.checkMatter(ctx, tx, &m, team)
		if err != nil {
			return err
		}
		m.OpenedOn = domain.DateOf(a.Now())
		if err := tx.CreateMatter(ctx, &m, a.Now()); err != nil {
			return err
		}
		for _, id := range team {
			if err := tx.AddTeamMember(ctx, m.ID, id, ""); err != nil {
				return err
			}
		}
		return a.audit(ctx, tx, actor, Record{Action: "matter.create", ObjectType: "matter", ObjectID: m.ID, MatterID: m.ID,
			Summary: fmt.Sprintf("opened matter %s %q for %s (%s), responsible attorney %s%s", m.Number, m.Title, c.Name,
				strings.ToLower(m.Sensitivity.Label()), resp.Name, describePlaces(m.Jurisdictions))})
	})
	return m, err
}

func describePlaces(js []domain.Jurisdiction) string {
	if len(js) == 0 {
		return ""
	}
	var parts []string
	for _, j := range js {
		parts = append(parts, j.Kind+" "+j.Name)
	}
	return "; " + strings.Join(parts, ", ")
}

// editMatter loads a matter for editing: in scope (else not found), by an
// attorney or administrator, past the second-factor gate.
func (a *App) editMatter(ctx context.Context, tx *store.Tx, actor domain.User, id int64) (domain.Matter, error) {
	if !actor.Role.IsFirm() {
		return domain.Matter{}, domain.NotFound("matter")
	}
	m, err := tx.Matter(ctx, ScopeFor(actor), id)
	if err != nil {
		return m, err
	}
	if err := require(actor, ManageMatters); err != nil {
		return m, err
	}
	return m, a.confidentialGate(ctx, tx, actor, m)
}

// UpdateMatter edits a matter's facts, places and team. Every change is
// audited; a change of sensitivity names it before and after.
func (a *App) UpdateMatter(ctx context.Context, actor domain.User, id int64, in MatterInput) (domain.Matter, error) {
	var m domain.Matter
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		before, err := a.editMatter(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		m = before
		m.ClientID, m.Number, m.Title, m.PracticeArea = in.ClientID, in.Number, in.Title, strings.TrimSpace(in.PracticeArea)
		m.Sensitivity, m.ResponsibleAttorneyID, m.Jurisdictions = in.Sensitivity, in.ResponsibleAttorneyID, in.jurisdictions()
		if in.Status != "" {
			m.Status = in.Status
		}
		team := uniqueIDs(in.TeamIDs)
		if _, _, err := a.checkMatter(ctx, tx, &m, team); err != nil {
			return err
		}
		oldTeam, err := tx.Team(ctx, id)
		if err != nil {
			return err
		}
		var changes []string
		note := func(field, from, to string) {
			if from != to {
				changes = append(changes, fmt.Sprintf("%s from %q to %q", field, from, to))
			}
		}
		note("number", before.Number, m.Number)
		note("title", before.Title, m.Title)
		note("practice area", before.PracticeArea, m.PracticeArea)
		note("sensitivity", string(before.Sensitivity), string(m.Sensitivity))
		note("status", before.Status, m.Status)
		note("client", fmt.Sprint(before.ClientID), fmt.Sprint(m.ClientID))
		note("responsible attorney", fmt.Sprint(before.ResponsibleAttorneyID), fmt.Sprint(m.ResponsibleAttorneyID))
		note("places", strings.TrimPrefix(describePlaces(before.Jurisdictions), "; "), strings.TrimPrefix(describePlaces(m.Jurisdictions), "; "))
		keep := map[int64]bool{}
		for _, id := range team {
			keep[id] = true
		}
		had := map[int64]bool{}
		for _, t := range oldTeam {
			had[t.User.ID] = true
			if !keep[t.User.ID] {
				if _, err := tx.RemoveTeamMember(ctx, id, t.User.ID); err != nil {
					return err
				}
				changes = append(changes, "took "+t.User.Name+" off the team")
			}
		}
		for _, uid := range team {
			if !had[uid] {
				if err := tx.AddTeamMember(ctx, id, uid, ""); err != nil {
					return err
				}
				u, _ := tx.User(ctx, uid)
				changes = append(changes, "put "+u.Name+" on the team")
			}
		}
		if len(changes) == 0 {
			return nil
		}
		if err := tx.UpdateMatter(ctx, m, a.Now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "matter.update", ObjectType: "matter", ObjectID: id, MatterID: id,
			Summary: fmt.Sprintf("edited matter %s: %s", m.Number, strings.Join(changes, "; "))})
	})
	return m, err
}

// MatterStrategy returns a matter's case strategy notes: firm users who can
// see the matter only; everyone else gets not found.
func (a *App) MatterStrategy(ctx context.Context, actor domain.User, id int64) (store.Strategy, error) {
	var s store.Strategy
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		if !actor.Role.IsFirm() {
			return domain.NotFound("matter")
		}
		m, err := tx.Matter(ctx, ScopeFor(actor), id)
		if err != nil {
			return err
		}
		if err := a.confidentialGate(ctx, tx, actor, m); err != nil {
			return err
		}
		s, err = tx.MatterStrategy(ctx, id)
		return err
	})
	return s, err
}

// SetMatterStrategy writes a matter's case strategy notes (attorneys and
// firm administrators). The notes are firm-only: they are never shown to
// vendor users or client contacts.
func (a *App) SetMatterStrategy(ctx context.Context, actor domain.User, id int64, notes string) (store.Strategy, error) {
	notes = strings.TrimSpace(strings.ReplaceAll(notes, "\r\n", "\n"))
	var s store.Strategy
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		m, err := a.editMatter(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if !utf8.ValidString(notes) || utf8.RuneCountInString(notes) > MaxStrategyNotes {
			return domain.Invalid("notes", "strategy notes are at most %d characters of text", MaxStrategyNotes)
		}
		before, err := tx.MatterStrategy(ctx, id)
		if err != nil {
			return err
		}
		if before.Notes == notes && !before.UpdatedAt.IsZero() {
			s = before
			return nil
		}
		if err := tx.SetMatterStrategy(ctx, id, notes, actor.ID, a.Now()); err != nil {
			return err
		}
		if s, err = tx.MatterStrategy(ctx, id); err != nil {
			return err
		}
		// The notes themselves stay out of the audit trail, which others may read.
		return a.audit(ctx, tx, actor, Record{Action: "matter.strategy_update", ObjectType: "matter", ObjectID: id, MatterID: id,
			Summary: fmt.Sprintf("updated the case strategy notes of %s (%d characters)", m.Number, utf8.RuneCountInString(notes))})
	})
	return s, err
}

// MatterChoices are what the matter form offers: clients, the attorneys who
// may be responsible, and the firm users who may be on the team.
type MatterChoices struct {
	Clients   []domain.Client
	Attorneys []domain.User
	People    []domain.User
}

// MatterFormChoices lists the matter form's choices (attorneys and firm
// administrators).
func (a *App) MatterFormChoices(ctx context.Context, actor domain.User) (MatterChoices, error) {
	var c MatterChoices
	if err := require(actor, ManageMatters); err != nil {
		return c, err
	}
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		if c.Clients, err = tx.ListClients(ctx, store.Scope{All: true}, store.Page{Limit: store.MaxPageSize}); err != nil {
			return err
		}
		for _, role := range []domain.Role{domain.RoleFirmAdmin, domain.RoleAttorney, domain.RoleStaff} {
			us, err := tx.ListUsers(ctx, store.UserFilter{Role: role, Page: store.Page{Limit: store.MaxPageSize}})
			if err != nil {
				return err
			}
			for _, u := range us {
				if u.Disabled {
					continue
				}
				if role != domain.RoleStaff {
					c.Attorneys = append(c.Attorneys, u)
				}
				c.People = append(c.People, u)
			}
		}
		return nil
	})
	return c, err
}
