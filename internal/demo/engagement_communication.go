package demo

import (
	"fmt"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Engagement names of the two engagements this part adds so that every
// stage is shown (both Lexora's, on the Calloway matter, whose opening
// gates hold: Lexora approved, conflicts checked, Calloway's consent):
const (
	// BriefingEngagement waits at the briefing stage: version 1 published,
	// Anika Deshmukh has acknowledged it, Meera Iyer has not.
	BriefingEngagement = "Research memo on carrier liability limits under the Carmack Amendment"
	// SOWEngagement is at the statement-of-work stage: everyone acknowledged
	// the briefing; the SOW waits for approval.
	SOWEngagement = "First draft of the privilege log for the Tidewater production"
)

// communicationPlans gives the demo's engagements past the communication
// stage a complete plan, a kickoff confirmed by both sides and published
// briefings acknowledged by their vendor teams:
//
//   - Calloway/Lexora (active): two briefing versions, the second a week
//     ago after the mediation plan changed; everyone acknowledged both;
//   - Greenfield/Keystone (paused from active) and Harbor/Lexora (closed):
//     one version, acknowledged;
//   - Greenfield/Bayanihan (communication): a plan and a kickoff confirmed
//     by the firm only, waiting on Maria Santos for the vendor;
//   - two new Lexora engagements on Calloway, one at each of the briefing
//     and the SOW stages (BriefingEngagement, SOWEngagement).
func (l *loader) communicationPlans(day func(int) domain.Date) {
	if l.err != nil {
		return
	}
	at := func(offset, hour int) time.Time { return day(offset).Time().Add(time.Duration(hour) * time.Hour) }
	u := func(email string) int64 { return l.users[email] }
	marcus, priya, daniel := u("marcus.oyelaran@hartwellcrane.example"), u("priya.raman@hartwellcrane.example"), u("daniel.brooks@hartwellcrane.example")
	anika, rohan, meera := u("anika.deshmukh@lexora.example"), u("rohan.kulkarni@lexora.example"), u("meera.iyer@lexora.example")
	maria, thomas := u("maria.santos@bayanihan.example"), u("thomas.walsh@keystonereview.example")
	ny := domain.WorkingHours{TimeZone: "America/New_York", Start: "09:00", End: "18:00"}
	chicago := domain.WorkingHours{TimeZone: "America/Chicago", Start: "08:30", End: "17:30"}
	kolkata := domain.WorkingHours{TimeZone: "Asia/Kolkata", Start: "14:00", End: "23:00"}

	calloway, err := l.matterByNumber("2026-0142")
	if l.do(err); l.err != nil {
		return
	}
	// The two new engagements, with Calloway's consent to each.
	l.engagement(domain.Engagement{MatterID: calloway, VendorID: l.vendors["lexora"], SupervisingAttorneyID: marcus, Service: domain.ServiceLegalResearch,
		Description: BriefingEngagement, Stage: domain.StageBriefing, BillingMode: domain.BillingDisbursement,
		EstimatedCost: domain.NewMoney(260_000_00, "INR"), InHouseEstimate: domain.NewMoney(18_500_00, "USD"), OpenedOn: day(-12)},
		map[string]string{"anika.deshmukh@lexora.example": domain.MemberVendorLead, "meera.iyer@lexora.example": domain.MemberAnalyst})
	l.engagement(domain.Engagement{MatterID: calloway, VendorID: l.vendors["lexora"], SupervisingAttorneyID: marcus, Service: domain.ServiceDrafting,
		Description: SOWEngagement, Stage: domain.StageSOW, BillingMode: domain.BillingDisbursement,
		EstimatedCost: domain.NewMoney(390_000_00, "INR"), InHouseEstimate: domain.NewMoney(27_000_00, "USD"), OpenedOn: day(-21)},
		map[string]string{"anika.deshmukh@lexora.example": domain.MemberVendorLead, "rohan.kulkarni@lexora.example": domain.MemberReviewer})
	briefingEng, sowEng := l.engagementByDescription(BriefingEngagement), l.engagementByDescription(SOWEngagement)
	l.consentGiven(briefingEng, marcus, at(-15, 10), "Helen Calloway", u("helen.calloway@callowayfreight.example"), at(-13, 9))
	l.consentGiven(sowEng, marcus, at(-25, 10), "Helen Calloway", u("helen.calloway@callowayfreight.example"), at(-23, 15))

	lexora, _, err := l.engagementOf("lexora", "2026-0142")
	l.do(err)
	keystone, _, err := l.engagementOf("keystone", "2026-0203")
	l.do(err)
	bayanihan, _, err := l.engagementOf("bayanihan", "2026-0203")
	l.do(err)
	harbor, _, err := l.engagementOf("lexora", "2025-0311")
	l.do(err)
	if l.err != nil {
		return
	}
	escal := func(vendorLead, attorney string) []domain.EscalationStep {
		return []domain.EscalationStep{{Who: vendorLead + " (vendor lead)", ResponseHours: 4}, {Who: attorney + " (supervising attorney)", ResponseHours: 24},
			{Who: "Eleanor Hartwell (managing partner)", ResponseHours: 48}}
	}
	all := []domain.Channel{domain.ChannelProbity, domain.ChannelEmail, domain.ChannelVideo}
	type setup struct {
		id                int64
		firm, vendor      []int64
		firmH, vendorH    domain.WorkingHours
		cadence           domain.Cadence
		lead, attorney    string
		planned           int // days ago
		firmBy, vendorBy  int64
		vendorConfirmDays int // 0: not confirmed
	}
	for _, s := range []setup{
		{lexora.ID, []int64{marcus, priya}, []int64{anika, rohan}, ny, kolkata, domain.CadenceWeekly, "Anika Deshmukh", "Marcus Oyelaran", 97, marcus, anika, 95},
		{keystone.ID, []int64{priya, daniel}, []int64{thomas}, chicago, ny, domain.CadenceTwiceWeekly, "Thomas Walsh", "Priya Raman", 59, priya, thomas, 57},
		{harbor.ID, []int64{marcus}, []int64{anika}, ny, kolkata, domain.CadenceWeekly, "Anika Deshmukh", "Marcus Oyelaran", 399, marcus, anika, 397},
		{bayanihan.ID, []int64{priya}, []int64{maria}, chicago, domain.WorkingHours{TimeZone: "Asia/Manila", Start: "21:00", End: "06:00"},
			domain.CadenceTwiceWeekly, "Maria Santos", "Priya Raman", 5, priya, 0, 0},
		{briefingEng, []int64{marcus}, []int64{anika, meera}, ny, kolkata, domain.CadenceWeekly, "Anika Deshmukh", "Marcus Oyelaran", 11, marcus, anika, 9},
		{sowEng, []int64{marcus, daniel}, []int64{anika, rohan}, ny, kolkata, domain.CadenceTwiceWeekly, "Anika Deshmukh", "Marcus Oyelaran", 20, marcus, anika, 18},
	} {
		p := domain.CommunicationPlan{EngagementID: s.id, FirmContacts: s.firm, VendorContacts: s.vendor, Channels: all, Cadence: s.cadence,
			Firm: s.firmH, Vendor: s.vendorH, Escalation: escal(s.lead, s.attorney), Language: "English", UpdatedBy: s.firmBy, UpdatedAt: at(-s.planned, 14)}
		l.check(p.Validate())
		l.check(p.Complete())
		l.do(l.tx.SaveCommunicationPlan(l.ctx, p))
		k := domain.Kickoff{EngagementID: s.id, HeldAt: at(-s.planned+1, 13), Attendees: fmt.Sprintf("%s and the firm's team; %s and the vendor's team", s.attorney, s.lead),
			Notes: "Walked through the plan, the escalation path and the overlap hours; agreed the first check-in.", RecordedBy: s.firmBy, RecordedAt: at(-s.planned+1, 15),
			FirmConfirmedBy: s.firmBy, FirmConfirmedAt: at(-s.planned+1, 16)}
		if s.vendorConfirmDays != 0 {
			k.VendorConfirmedBy, k.VendorConfirmedAt = s.vendorBy, at(-s.vendorConfirmDays, 10)
		}
		l.do(l.tx.SaveKickoff(l.ctx, k))
		l.do(l.tx.SetResponsibilities(l.ctx, s.id, []domain.Responsibility{{WorkArea: "All work under the engagement", AttorneyID: s.firmBy, VendorPersonID: s.vendor[0]}}))
	}

	calloSections := domain.BriefingSections{
		JurisdictionRules: "Court or forum: U.S. District Court, S.D.N.Y. Follow the Federal Rules of Civil Procedure, the S.D.N.Y. Local Civil Rules and Judge Alvarez's individual practices.\nGoverning law: New York.\nPlaces of performance: India, under the firm's supervision; no legal advice to anyone.",
		LocalRules:        "Local Civil Rule 26.2 on privilege logs: categorical logs are allowed only with the supervising attorney's approval.",
		ClientGuidelines:  "Calloway's outside counsel guidelines (2025): no block billing, tasks in 0.1-hour units, UTBMS L320/A104 codes for review.",
		Formatting:        "Coding in the review platform only; no local copies. Notes in English.",
		PrivilegeHandling: "Tag anything to or from Calloway's in-house counsel or Hartwell & Crane as potentially privileged; never redact without the attorney's review.",
		StrategyFit:       "The review feeds the damages model: find Tidewater's 2024 rate sheets and every communication about the surcharge.",
		Confidentiality:   "Calloway's shipping data is confidential: clean-desk rules, no personal devices, report any suspected disclosure to Marcus Oyelaran within one hour.",
	}
	v2 := calloSections
	v2.StrategyFit = "As the firm's strategy now stands: “Push for early mediation once the review shows Tidewater's 2024 rate sheets.” Prioritise the rate sheets and the surcharge emails: they decide when we propose mediation."
	greenSections := domain.BriefingSections{
		JurisdictionRules: "Governing law: Illinois. Places of performance: United States.\nFederal credit union regulations (12 C.F.R. Part 701) apply to the loan files.",
		ClientGuidelines:  "Greenfield's vendor guidelines: member data stays in the review platform; exceptions reported to the CCO within a day.",
		PrivilegeHandling: "Flag communications with Greenfield's counsel; do not summarise them.",
		StrategyFit:       "The review answers the NCUA examiners' findings on loan documentation.",
		Confidentiality:   "Member personal data: need-to-know only; no exports.",
	}
	harborSections := domain.BriefingSections{
		JurisdictionRules: "Forum: AAA Commercial Arbitration, New York; the AAA Commercial Rules and the tribunal's procedural order no. 1 apply.",
		ClientGuidelines:  "Calloway's outside counsel guidelines (2024).",
		PrivilegeHandling: "Tag correspondence with Calloway's counsel as privileged.",
		StrategyFit:       "The review builds the record of Harbor Point's notices under the lease.",
		Confidentiality:   "Lease terms are confidential under the arbitration agreement.",
	}
	research := calloSections
	research.StrategyFit = "The memo tells the firm whether Tidewater can limit its liability under the Carmack Amendment: it shapes the damages claim."
	privlog := calloSections
	privlog.StrategyFit = "The privilege log must survive a challenge: Tidewater has signalled a motion to compel."

	b1 := l.briefing(lexora.ID, 1, calloSections, marcus, at(-94, 11))
	b2 := l.briefing(lexora.ID, 2, v2, marcus, at(-7, 10))
	for i, who := range []int64{anika, rohan, meera} {
		l.ack(b1, who, at(-93+i, 9+i))
		l.ack(b2, who, at(-6, 9+i))
	}
	l.ack(l.briefing(keystone.ID, 1, greenSections, priya, at(-56, 10)), thomas, at(-55, 15))
	l.ack(l.briefing(harbor.ID, 1, harborSections, marcus, at(-396, 10)), anika, at(-395, 9))
	rb := l.briefing(briefingEng, 1, research, marcus, at(-3, 11))
	l.ack(rb, anika, at(-2, 10)) // Meera Iyer has not acknowledged yet
	pb := l.briefing(sowEng, 1, privlog, marcus, at(-17, 11))
	l.ack(pb, anika, at(-16, 9))
	l.ack(pb, rohan, at(-16, 12))
}

// demoBriefing is a published briefing version, for acknowledgements.
type demoBriefing struct {
	id, version int64
	sha         string
}

// briefing publishes a version of an engagement's briefing.
func (l *loader) briefing(engagementID int64, version int, s domain.BriefingSections, by int64, at time.Time) demoBriefing {
	s = s.Normalize()
	l.check(s.ReadyToPublish())
	b := domain.Briefing{EngagementID: engagementID, Version: version, Sections: s, DraftedBy: by, DraftedAt: at.Add(-2 * time.Hour)}
	l.do(l.tx.CreateBriefing(l.ctx, &b))
	sha := domain.BriefingHash(engagementID, version, s)
	l.do(l.tx.PublishBriefing(l.ctx, b.ID, sha, by, at))
	return demoBriefing{id: b.ID, version: int64(version), sha: sha}
}

// ack records a member's acknowledgement of a version, typing their name.
func (l *loader) ack(b demoBriefing, userID int64, at time.Time) {
	name := ""
	for _, p := range people {
		if l.users[p.email] == userID {
			name = p.name
		}
	}
	l.do(l.tx.AddAcknowledgement(l.ctx, domain.Acknowledgement{BriefingID: b.id, UserID: userID, TypedName: name, SHA256: b.sha, AcknowledgedAt: at}))
}

// engagementByDescription finds a demo engagement by its description.
func (l *loader) engagementByDescription(desc string) int64 {
	if l.err != nil {
		return 0
	}
	es, err := l.tx.ListEngagements(l.ctx, store.Scope{All: true}, store.EngagementFilter{Page: store.Page{Limit: store.MaxPageSize}})
	l.do(err)
	for _, e := range es {
		if e.Description == desc {
			return e.ID
		}
	}
	l.do(fmt.Errorf("demo: no engagement %q", desc))
	return 0
}

// consentGiven issues a generated disclosure for an engagement and records
// the client's consent to it.
func (l *loader) consentGiven(engagementID, issuedBy int64, issued time.Time, clientName string, client int64, answered time.Time) {
	if l.err != nil {
		return
	}
	e, err := l.tx.Engagement(l.ctx, store.Scope{All: true}, engagementID)
	if l.do(err); l.err != nil {
		return
	}
	m, err := l.tx.Matter(l.ctx, store.Scope{All: true}, e.MatterID)
	if l.do(err); l.err != nil {
		return
	}
	f, err := l.tx.DisclosureFacts(l.ctx, e, m)
	if l.do(err); l.err != nil {
		return
	}
	if f.Assessed {
		f.Certified, f.MFA = true, true // Lexora's safeguards (vendors_assessments.go)
	}
	body := domain.GenerateDisclosure(f)
	d := domain.ClientDisclosure{EngagementID: e.ID, Body: body, VendorID: e.VendorID, BillingMode: e.BillingMode, DraftedBy: issuedBy, DraftedAt: issued.Add(-time.Hour)}
	l.do(l.tx.SaveDisclosureDraft(l.ctx, &d))
	sha := domain.HashDisclosure(body)
	l.do(l.tx.IssueDisclosure(l.ctx, d.ID, sha, issuedBy, issued))
	c := domain.Consent{EngagementID: e.ID, DisclosureID: d.ID, DisclosureSHA256: sha, State: domain.ConsentPending, UpdatedAt: issued}
	l.do(l.tx.CreateConsent(l.ctx, &c))
	c.State, c.ClientUserID, c.TypedName, c.Address, c.AnsweredAt = domain.ConsentGiven, client, clientName, "198.51.100.23", answered
	_, err = l.tx.AnswerConsent(l.ctx, c)
	l.do(err)
}
