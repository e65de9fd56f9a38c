package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
)

// `probity engagement plan|kickoff|kickoff-confirm|members ID --as EMAIL`
// and `probity briefing show|draft|publish|acknowledge ID --as EMAIL`: the
// communication gate and the briefing gate, through the same use cases as
// the engagement's Communication and Briefing tabs and the API.

const communicationUsage = `  probity engagement plan ID --as EMAIL [--contacts EMAIL,EMAIL] [--time-zone ZONE]
        [--hours 09:00-18:00] [--channels probity,email,video,phone]
        [--cadence daily|twice_weekly|weekly|fortnightly|monthly]
        [--escalation "WHO|HOURS;WHO|HOURS"] [--language TEXT]
      show the communication plan; with flags, change it for the side the
      user acts for (each side sets its own contacts, time zone and hours)
  probity engagement kickoff ID --as EMAIL --held-at "2026-03-16 14:00" --attendees TEXT [--notes TEXT]
      record the kickoff meeting (the time in the user's time zone)
  probity engagement kickoff-confirm ID --as EMAIL
      confirm the kickoff for the user's side; when both sides have, the
      engagement moves to briefing
  probity engagement members ID --as EMAIL [--add EMAIL --role vendor_lead|reviewer|analyst
        | --remove EMAIL [--new-lead EMAIL]]
      list the team, add a vendor member or take one off
  probity engagement responsibilities ID --as EMAIL --row "WORK AREA|ATTORNEY EMAIL|VENDOR EMAIL" [--row ...]
      replace the responsibility allocation (the firm's side): who supervises
      each work area and who leads it at the vendor
`

const briefingUsage = `Usage:
  probity briefing show ID --as EMAIL
      print the current briefing and who has acknowledged it
  probity briefing draft ID --as EMAIL --from FILE.json
      save the draft of the next version; the file holds the sections:
      jurisdiction_rules, local_rules, client_guidelines, formatting,
      privilege_handling, strategy_fit, confidentiality
  probity briefing publish ID --as EMAIL
      publish the draft; every vendor member must acknowledge it
  probity briefing acknowledge ID --as EMAIL [--name "FULL NAME"]
      acknowledge the current version as the vendor member (the typed name
      defaults to the user's own name)
`

// communicationSubs are the engagement subcommands of this file.
var communicationSubs = map[string]string{
	"plan":             "engagement plan ID --as EMAIL [--contacts EMAILS] [--time-zone ZONE] [--hours HH:MM-HH:MM] [--channels LIST] [--cadence C] [--escalation \"WHO|HOURS;...\"] [--language TEXT] [flags]",
	"kickoff":          "engagement kickoff ID --as EMAIL --held-at \"YYYY-MM-DD HH:MM\" --attendees TEXT [--notes TEXT] [flags]",
	"kickoff-confirm":  "engagement kickoff-confirm ID --as EMAIL [flags]",
	"members":          "engagement members ID --as EMAIL [--add EMAIL --role ROLE | --remove EMAIL [--new-lead EMAIL]] [flags]",
	"responsibilities": "engagement responsibilities ID --as EMAIL --row \"AREA|ATTORNEY EMAIL|VENDOR EMAIL\" [--row ...] [flags]",
}

// rowsFlag collects a repeated flag.
type rowsFlag []string

func (r *rowsFlag) String() string     { return strings.Join(*r, "; ") }
func (r *rowsFlag) Set(v string) error { *r = append(*r, v); return nil }

// cliActor opens the store and finds the user to act as (--as). The
// operator on the command line already holds the database's keys, as
// app.confidentialGate says of the operator: acting as a user, the
// session's second factor is not what protects a matter here (MFA: true).
func (m *Main) cliActor(ctx context.Context, c *Config, as string) (*app.App, domain.User, func(), context.Context, error) {
	s, err := m.openCurrent(ctx, c)
	if err != nil {
		return nil, domain.User{}, func() {}, ctx, err
	}
	a := m.newApp(s, c)
	ctx = app.WithMeta(ctx, app.Meta{RequestID: "cli", MFA: true})
	actor, err := a.UserByEmail(ctx, app.Operator, as)
	if err != nil {
		s.Close()
		return nil, actor, func() {}, ctx, err
	}
	return a, actor, func() { s.Close() }, ctx, nil
}

func (m *Main) engagementCommunication(ctx context.Context, args []string) error {
	sub := args[0]
	id, rest, err := splitID(args[1:])
	if err != nil {
		return err
	}
	var as, contacts, tz, hours, channels, cadence, escalation, language, heldAt, attendees, notes, add, role, remove, newLead string
	var rows rowsFlag
	c, fs, err := m.parse("engagement "+sub, communicationSubs[sub], rest, func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the user to act as")
		switch sub {
		case "plan":
			fs.StringVar(&contacts, "contacts", "", "the side's points of contact, emails separated by commas")
			fs.StringVar(&tz, "time-zone", "", "the side's IANA time zone, e.g. America/New_York")
			fs.StringVar(&hours, "hours", "", "the side's working hours, e.g. 09:00-18:00")
			fs.StringVar(&channels, "channels", "", "channels separated by commas: probity, email, video, phone")
			fs.StringVar(&cadence, "cadence", "", "meeting cadence: daily, twice_weekly, weekly, fortnightly or monthly")
			fs.StringVar(&escalation, "escalation", "", "the escalation path in order, e.g. \"Maria Santos|4;Priya Raman|24\"")
			fs.StringVar(&language, "language", "", "the working language")
		case "kickoff":
			fs.StringVar(&heldAt, "held-at", "", "when the kickoff was held, \"YYYY-MM-DD HH:MM\" in the user's time zone (or RFC 3339)")
			fs.StringVar(&attendees, "attendees", "", "who attended, from both sides")
			fs.StringVar(&notes, "notes", "", "notes of the meeting")
		case "members":
			fs.StringVar(&add, "add", "", "email of a vendor user to add to the team")
			fs.StringVar(&role, "role", "reviewer", "their role: vendor_lead, reviewer or analyst")
			fs.StringVar(&remove, "remove", "", "email of a vendor member to take off the team")
			fs.StringVar(&newLead, "new-lead", "", "when the vendor lead leaves: email of the member who leads instead")
		case "responsibilities":
			fs.Var(&rows, "row", "a work area, its supervising attorney and the vendor's person who leads it: \"AREA|ATTORNEY EMAIL|VENDOR EMAIL\" (repeat)")
		}
	})
	if err != nil {
		return err
	}
	if strings.TrimSpace(as) == "" {
		return usageError("engagement " + sub + " needs --as EMAIL: the user to act as")
	}
	if sub == "responsibilities" && len(rows) == 0 {
		return usageError("engagement responsibilities needs at least one --row \"AREA|ATTORNEY EMAIL|VENDOR EMAIL\"")
	}
	if add != "" && remove != "" {
		return usageError("engagement members takes --add or --remove, not both")
	}
	a, actor, done, ctx, err := m.cliActor(ctx, c, as)
	if err != nil {
		return err
	}
	defer done()
	byEmail := func(email string) (int64, error) {
		u, err := a.UserByEmail(ctx, app.Operator, strings.TrimSpace(email))
		return u.ID, err
	}
	switch sub {
	case "plan":
		changed := false
		fs.Visit(func(*flag.Flag) { changed = true })
		if changed {
			v, err := a.CommunicationOf(ctx, actor, id)
			if err != nil {
				return err
			}
			in := planInputOf(v)
			if fset(fs, "contacts") {
				in.Contacts = nil
				for _, e := range strings.Split(contacts, ",") {
					if strings.TrimSpace(e) == "" {
						continue
					}
					uid, err := byEmail(e)
					if err != nil {
						return err
					}
					in.Contacts = append(in.Contacts, uid)
				}
			}
			if fset(fs, "time-zone") {
				in.Hours.TimeZone = tz
			}
			if fset(fs, "hours") {
				start, end, ok := strings.Cut(hours, "-")
				if !ok {
					return domain.Invalid("hours", "give the working hours as HH:MM-HH:MM, e.g. 09:00-18:00")
				}
				in.Hours.Start, in.Hours.End = strings.TrimSpace(start), strings.TrimSpace(end)
			}
			if fset(fs, "channels") {
				in.Channels = strings.Split(channels, ",")
			}
			if fset(fs, "cadence") {
				in.Cadence = cadence
			}
			if fset(fs, "escalation") {
				in.Escalation = nil
				for _, step := range strings.Split(escalation, ";") {
					if strings.TrimSpace(step) == "" {
						continue
					}
					who, h, ok := strings.Cut(step, "|")
					n, err := strconv.Atoi(strings.TrimSpace(h))
					if !ok || err != nil {
						return domain.Invalid("escalation", "write each step as WHO|HOURS, e.g. \"Maria Santos|4\"")
					}
					in.Escalation = append(in.Escalation, domain.EscalationStep{Who: strings.TrimSpace(who), ResponseHours: n})
				}
			}
			if fset(fs, "language") {
				in.Language = language
			}
			withdrawn, err := a.UpdateCommunicationPlan(ctx, actor, id, in)
			if err != nil {
				return err
			}
			if withdrawn != "" {
				fmt.Fprintln(m.Stdout, "Note: "+withdrawn+".")
			}
		}
	case "kickoff":
		at, err := cliTime(heldAt, actor.TimeZone)
		if err != nil {
			return err
		}
		withdrawn, err := a.RecordKickoff(ctx, actor, id, app.KickoffInput{HeldAt: at, Attendees: attendees, Notes: notes})
		if err != nil {
			return err
		}
		if withdrawn != "" {
			fmt.Fprintln(m.Stdout, "Note: "+withdrawn+".")
		}
	case "kickoff-confirm":
		if _, err := a.ConfirmKickoff(ctx, actor, id); err != nil {
			return err
		}
	case "responsibilities":
		var rs []domain.Responsibility
		for _, row := range rows {
			parts := strings.Split(row, "|")
			if len(parts) != 3 {
				return usageError(fmt.Sprintf("--row %q: write AREA|ATTORNEY EMAIL|VENDOR EMAIL", row))
			}
			at, err := byEmail(parts[1])
			if err != nil {
				return err
			}
			vp, err := byEmail(parts[2])
			if err != nil {
				return err
			}
			rs = append(rs, domain.Responsibility{WorkArea: strings.TrimSpace(parts[0]), AttorneyID: at, VendorPersonID: vp})
		}
		if err := a.SetResponsibilities(ctx, actor, id, rs); err != nil {
			return err
		}
	case "members":
		switch {
		case add != "":
			uid, err := byEmail(add)
			if err != nil {
				return err
			}
			if err := a.AddTeamMember(ctx, actor, id, uid, role); err != nil {
				return err
			}
		case remove != "":
			uid, err := byEmail(remove)
			if err != nil {
				return err
			}
			var nl int64
			if newLead != "" {
				if nl, err = byEmail(newLead); err != nil {
					return err
				}
			}
			if err := a.RemoveTeamMember(ctx, actor, id, uid, nl); err != nil {
				return err
			}
		}
	}
	v, err := a.CommunicationOf(ctx, actor, id)
	if err != nil {
		return err
	}
	printCommunication(m.Stdout, v)
	return nil
}

// fset reports whether flag name was given.
func fset(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// planInputOf is the plan as the viewer's side would submit it unchanged.
func planInputOf(v app.CommunicationView) app.PlanInput {
	in := app.PlanInput{Cadence: string(v.Plan.Cadence), Escalation: v.Plan.Escalation, Language: v.Plan.Language}
	for _, c := range v.Plan.Channels {
		in.Channels = append(in.Channels, string(c))
	}
	if v.PlanSide == app.PlanSideVendor {
		in.Contacts, in.Hours = v.Plan.VendorContacts, v.Plan.Vendor
	} else {
		in.Contacts, in.Hours = v.Plan.FirmContacts, v.Plan.Firm
	}
	return in
}

// cliTime reads "YYYY-MM-DD HH:MM" in zone tz, or RFC 3339.
func cliTime(s, tz string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(s), loc)
	if err != nil {
		return t, domain.Invalid("held_at", "give --held-at as \"YYYY-MM-DD HH:MM\" (your time zone, %s) or RFC 3339", loc)
	}
	return t, nil
}

func printCommunication(w io.Writer, v app.CommunicationView) {
	names := func(ids []int64) string {
		var out []string
		for _, id := range ids {
			out = append(out, v.Name(id))
		}
		if len(out) == 0 {
			return "none"
		}
		return strings.Join(out, ", ")
	}
	p := v.Plan
	fmt.Fprintf(w, "Engagement %d on %s (%s): %s.\n", v.Header.ID, v.Header.MatterNumber, v.Header.VendorName, v.Header.Stage.Label())
	fmt.Fprintf(w, "Firm contacts:   %s\nVendor contacts: %s\n", names(p.FirmContacts), names(p.VendorContacts))
	var chans []string
	for _, c := range p.Channels {
		chans = append(chans, c.Label())
	}
	fmt.Fprintf(w, "Channels:        %s\nMeetings:        %s\nLanguage:        %s\n", orDash(strings.Join(chans, ", ")), orDash(p.Cadence.Label()), orDash(p.Language))
	fmt.Fprintf(w, "Firm hours:      %s\nVendor hours:    %s\n", orDash(p.Firm.String()), orDash(p.Vendor.String()))
	if v.OverlapKnown {
		fmt.Fprintf(w, "Overlap:         %s on %s\n", v.OverlapLabel(), v.OverlapOn)
	}
	for i, s := range p.Escalation {
		fmt.Fprintf(w, "Escalation %d:    %s (within %d h)\n", i+1, s.Who, s.ResponseHours)
	}
	if k := v.Kickoff; k.Recorded() {
		fmt.Fprintf(w, "Kickoff:         held %s with %s\n", k.HeldAt.Format("2006-01-02 15:04 MST"), k.Attendees)
		confirmed := func(name string, at time.Time) string {
			if name == "" {
				return "not confirmed"
			}
			return "confirmed by " + name + " " + at.Format("2006-01-02 15:04 MST")
		}
		fmt.Fprintf(w, "  firm:          %s\n  vendor:        %s\n", confirmed(k.FirmConfirmedName, k.FirmConfirmedAt), confirmed(k.VendorConfirmedName, k.VendorConfirmedAt))
	} else {
		fmt.Fprintln(w, "Kickoff:         not recorded")
	}
	fmt.Fprintln(w, "Team:")
	for _, t := range v.Team {
		line := fmt.Sprintf("  %-24s %-22s %s", t.Name, t.RoleLabel(), t.Email)
		if t.Blocked != "" {
			line += "  BLOCKED: " + t.Blocked
		}
		fmt.Fprintln(w, line)
	}
	for _, r := range v.Allocation {
		fmt.Fprintf(w, "Responsibility:  %s: supervised by %s, led by %s\n", r.WorkArea, r.AttorneyName, r.VendorName)
	}
	if v.Blocking != "" {
		fmt.Fprintln(w, "Waiting: "+v.Blocking)
	}
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (m *Main) briefing(ctx context.Context, args []string) error {
	subs := map[string]string{
		"show":        "briefing show ID --as EMAIL [flags]",
		"draft":       "briefing draft ID --as EMAIL --from FILE.json [flags]",
		"publish":     "briefing publish ID --as EMAIL [flags]",
		"acknowledge": "briefing acknowledge ID --as EMAIL [--name \"FULL NAME\"] [flags]",
	}
	if len(args) == 0 || subs[args[0]] == "" {
		fmt.Fprint(m.Stderr, briefingUsage)
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
			return nil
		}
		return usageError("briefing needs a subcommand: show, draft, publish or acknowledge")
	}
	sub := args[0]
	id, rest, err := splitID(args[1:])
	if err != nil {
		return err
	}
	var as, from, name string
	c, _, err := m.parse("briefing "+sub, subs[sub], rest, func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the user to act as")
		switch sub {
		case "draft":
			fs.StringVar(&from, "from", "", "a JSON file with the sections")
		case "acknowledge":
			fs.StringVar(&name, "name", "", "the full name typed as the acknowledgement (default: the user's name)")
		}
	})
	if err != nil {
		return err
	}
	if strings.TrimSpace(as) == "" {
		return usageError("briefing " + sub + " needs --as EMAIL: the user to act as")
	}
	if sub == "draft" && from == "" {
		return usageError("briefing draft needs --from FILE.json")
	}
	a, actor, done, ctx, err := m.cliActor(ctx, c, as)
	if err != nil {
		return err
	}
	defer done()
	switch sub {
	case "draft":
		b, err := os.ReadFile(from)
		if err != nil {
			return err
		}
		var in struct {
			JurisdictionRules string `json:"jurisdiction_rules"`
			LocalRules        string `json:"local_rules"`
			ClientGuidelines  string `json:"client_guidelines"`
			Formatting        string `json:"formatting"`
			PrivilegeHandling string `json:"privilege_handling"`
			StrategyFit       string `json:"strategy_fit"`
			Confidentiality   string `json:"confidentiality"`
		}
		if err := json.Unmarshal(b, &in); err != nil {
			return domain.Invalid("from", "%s is not a JSON object of sections: %v", from, err)
		}
		d, err := a.SaveBriefingDraft(ctx, actor, id, domain.BriefingSections(in))
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Saved the draft of version %d.\n", d.Version)
	case "publish":
		b, err := a.PublishBriefing(ctx, actor, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Published version %d (SHA-256 %s).\n", b.Version, b.SHA256)
	case "acknowledge":
		if name == "" {
			name = actor.Name
		}
		if _, err := a.AcknowledgeBriefing(ctx, actor, id, name); err != nil {
			return err
		}
	}
	v, err := a.BriefingOf(ctx, actor, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "Engagement %d on %s (%s): %s.\n", v.Header.ID, v.Header.MatterNumber, v.Header.VendorName, v.Header.Stage.Label())
	if v.Current.ID == 0 {
		fmt.Fprintln(m.Stdout, "No briefing is published yet.")
	} else {
		cur := v.Current
		fmt.Fprintf(m.Stdout, "Briefing version %d, published by %s on %s (SHA-256 %s).\n", cur.Version, cur.PublishedByName, cur.PublishedAt.Format("2006-01-02"), cur.SHA256)
		if sub == "show" {
			for _, s := range cur.Sections.List() {
				if s.Text != "" {
					fmt.Fprintf(m.Stdout, "\n%s\n%s\n", s.Title, s.Text)
				}
			}
			fmt.Fprintln(m.Stdout)
		}
	}
	for _, ma := range v.Acks {
		if ma.Ack != nil {
			fmt.Fprintf(m.Stdout, "  ACKNOWLEDGED  %s, %s\n", ma.Name, ma.Ack.AcknowledgedAt.Format("2006-01-02 15:04 MST"))
		} else {
			fmt.Fprintf(m.Stdout, "  WAITING       %s\n", ma.Name)
		}
	}
	if v.Blocking != "" {
		fmt.Fprintln(m.Stdout, "Waiting: "+v.Blocking)
	}
	return nil
}
