package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// The engagement's team and its responsibility allocation. Vendor members
// join and leave by the hand of the vendor's manager or the firm's side
// (the supervising attorney or a firm administrator). Only users of the
// engagement's vendor join, and only while their NDA and confidentiality
// training are current; the vendor lead leaves only when a new lead is
// named. A member who joins after the briefing was published acknowledges
// it before opening any document (briefingAcknowledged); a member leaving
// may be the last one the briefing gate waited on.

// AddTeamMember puts a vendor user on the engagement with a role
// (vendor_lead, reviewer or analyst). Naming a new vendor lead makes the
// old one a reviewer.
func (a *App) AddTeamMember(ctx context.Context, actor domain.User, id, userID int64, role string) error {
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		if err := a.sideFirst(ctx, tx, actor, id, false); err != nil {
			return err
		}
		ref, err := a.workEngagement(ctx, tx, actor, id, domain.ActivityTeam)
		if err != nil {
			return err
		}
		e := ref.Engagement
		if _, err := requirePlanSide(actor, e); err != nil {
			return err
		}
		if role, err = domain.ParseMemberRole(role); err != nil {
			return err
		}
		u, err := tx.User(ctx, userID)
		if domain.ErrorCode(err) == domain.ENotFound {
			return domain.Invalid("user", "there is no such user")
		} else if err != nil {
			return err
		}
		if !u.Role.IsVendor() || u.VendorID != e.VendorID || u.Disabled {
			return domain.Invalid("user", "only active people of this engagement's vendor join its team; %s is not one", u.Name)
		}
		members, err := tx.EngagementMembers(ctx, id)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(members, func(m domain.EngagementMember) bool { return m.UserID == userID }) {
			return domain.Errorf(domain.EConflict, "%s is already on this engagement", u.Name)
		}
		if err := a.personnelClear(ctx, tx, u.ID); err != nil {
			return err
		}
		summary := fmt.Sprintf("added %s to the team as %s", u.Name, strings.ToLower(domain.MemberRoleLabel(role)))
		if role == domain.MemberVendorLead {
			for _, m := range members {
				if m.Role == domain.MemberVendorLead {
					if err := tx.SetEngagementMemberRole(ctx, id, m.UserID, domain.MemberReviewer); err != nil {
						return err
					}
					summary += "; the previous lead stays on as a reviewer"
				}
			}
		}
		if err := tx.AddEngagementMember(ctx, domain.EngagementMember{EngagementID: id, UserID: userID, Role: role}); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "engagement.member_add", ObjectType: "engagement", ObjectID: id, MatterID: e.MatterID, Summary: summary})
	})
}

// RemoveTeamMember takes a vendor member off the engagement. The vendor
// lead leaves only when newLeadID names another vendor member to lead. If
// the briefing gate waited only on the member who left, the engagement
// moves on to the statement of work in the same transaction.
func (a *App) RemoveTeamMember(ctx context.Context, actor domain.User, id, userID, newLeadID int64) error {
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		if err := a.sideFirst(ctx, tx, actor, id, false); err != nil {
			return err
		}
		ref, err := a.workEngagement(ctx, tx, actor, id, domain.ActivityTeam)
		if err != nil {
			return err
		}
		e := ref.Engagement
		if _, err := requirePlanSide(actor, e); err != nil {
			return err
		}
		members, err := tx.EngagementMembers(ctx, id)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(members, func(m domain.EngagementMember) bool { return m.UserID == userID })
		if i < 0 {
			return domain.Invalid("user", "that person is not on this engagement")
		}
		u, err := tx.User(ctx, userID)
		if err != nil {
			return err
		}
		if !u.Role.IsVendor() {
			return domain.Invalid("user", "%s is on the firm's side; only vendor members leave the team here", u.Name)
		}
		summary := "took " + u.Name + " off the team"
		if members[i].Role == domain.MemberVendorLead {
			if newLeadID == 0 || newLeadID == userID {
				return domain.Invalid("new_lead", "%s leads the vendor's team: name another member as the new lead first", u.Name)
			}
			j := slices.IndexFunc(members, func(m domain.EngagementMember) bool { return m.UserID == newLeadID })
			if j < 0 {
				return domain.Invalid("new_lead", "the new lead must be a vendor member of this engagement")
			}
			nl, err := tx.User(ctx, newLeadID)
			if err != nil {
				return err
			}
			if !nl.Role.IsVendor() {
				return domain.Invalid("new_lead", "the new lead must be one of the vendor's people")
			}
			if err := tx.SetEngagementMemberRole(ctx, id, newLeadID, domain.MemberVendorLead); err != nil {
				return err
			}
			summary += "; " + nl.Name + " now leads the vendor's team"
		}
		if err := tx.RemoveEngagementMember(ctx, id, userID); err != nil {
			return err
		}
		if err := tx.RemoveContact(ctx, id, userID); err != nil {
			return err
		}
		moved, err := a.advanceBriefing(ctx, tx, e)
		if err != nil {
			return err
		}
		if moved {
			summary += "; every remaining vendor member has acknowledged the current briefing: the engagement moves to the statement of work"
		}
		return a.audit(ctx, tx, actor, Record{Action: "engagement.member_remove", ObjectType: "engagement", ObjectID: id, MatterID: e.MatterID, Summary: summary})
	})
}

// SetResponsibilities replaces the responsibility allocation: the firm's
// side only. Every row names a firm attorney who can see the matter and a
// vendor member; the rows together name the engagement's supervising
// attorney and the vendor's lead.
func (a *App) SetResponsibilities(ctx context.Context, actor domain.User, id int64, rows []domain.Responsibility) error {
	return a.Store.Write(ctx, func(tx *store.Tx) error {
		if err := a.sideFirst(ctx, tx, actor, id, true); err != nil {
			return err
		}
		ref, err := a.workEngagement(ctx, tx, actor, id, domain.ActivityTeam)
		if err != nil {
			return err
		}
		e := ref.Engagement
		if engagementSide(actor, e) != PlanSideFirm {
			return domain.Errorf(domain.EForbidden, "only the supervising attorney or a firm administrator allocates responsibility for the work")
		}
		members, err := tx.EngagementMembers(ctx, id)
		if err != nil {
			return err
		}
		var lead int64
		for _, m := range members {
			if m.Role == domain.MemberVendorLead {
				lead = m.UserID
			}
		}
		if len(rows) == 0 {
			return domain.Invalid("work_area", "allocate at least one work area")
		}
		var hasSupervisor, hasLead bool
		areas := make([]string, 0, len(rows))
		for i := range rows {
			r := &rows[i]
			r.WorkArea = strings.TrimSpace(r.WorkArea)
			if err := r.Validate(i + 1); err != nil {
				return err
			}
			at, err := tx.User(ctx, r.AttorneyID)
			if err != nil && domain.ErrorCode(err) != domain.ENotFound {
				return err
			}
			if err != nil || at.Role != domain.RoleAttorney || at.Disabled {
				return domain.Invalid("attorney", "row %d (%s): the supervisor must be an active firm attorney", i+1, r.WorkArea)
			}
			if _, err := tx.Matter(ctx, ScopeFor(at), e.MatterID); domain.ErrorCode(err) == domain.ENotFound {
				return domain.Invalid("attorney", "row %d (%s): %s cannot see this matter", i+1, r.WorkArea, at.Name)
			} else if err != nil {
				return err
			}
			if !slices.ContainsFunc(members, func(m domain.EngagementMember) bool { return m.UserID == r.VendorPersonID }) {
				return domain.Invalid("vendor_person", "row %d (%s): the vendor's person must be on the engagement's team", i+1, r.WorkArea)
			}
			vp, err := tx.User(ctx, r.VendorPersonID)
			if err != nil {
				return err
			}
			if !vp.Role.IsVendor() {
				return domain.Invalid("vendor_person", "row %d (%s): choose one of the vendor's people", i+1, r.WorkArea)
			}
			hasSupervisor = hasSupervisor || r.AttorneyID == e.SupervisingAttorneyID
			hasLead = hasLead || r.VendorPersonID == lead
			areas = append(areas, r.WorkArea)
		}
		if !hasSupervisor {
			return domain.Invalid("attorney", "the engagement's supervising attorney must supervise at least one work area")
		}
		if !hasLead {
			return domain.Invalid("vendor_person", "the vendor's lead must lead at least one work area")
		}
		if err := tx.SetResponsibilities(ctx, id, rows); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "engagement.responsibilities", ObjectType: "engagement", ObjectID: id, MatterID: e.MatterID,
			Summary: fmt.Sprintf("allocated responsibility for %d work areas: %s", len(rows), strings.Join(areas, "; "))})
	})
}
