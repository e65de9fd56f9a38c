package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// The briefing: the second gate. The firm tells the vendor's team what they
// must know about the matter before they touch it: the jurisdiction's rules
// and local rules, the client's requirements, how the work serves the case
// strategy, and how to keep it confidential. Each published version is
// frozen and hashed; every vendor member acknowledges the current version.

// BriefingSections is the content of a briefing.
type BriefingSections struct {
	JurisdictionRules string // rules of the court, governing law, places of performance
	LocalRules        string
	ClientGuidelines  string // the client's outside counsel guidelines
	Formatting        string
	PrivilegeHandling string
	StrategyFit       string // how this work fits the case strategy (quoted from firm-only notes)
	Confidentiality   string
}

// BriefingSection is one titled section, for display.
type BriefingSection struct {
	Key, Title, Text string
}

// List gives the sections in order with their titles.
func (s BriefingSections) List() []BriefingSection {
	return []BriefingSection{
		{"jurisdiction_rules", "Jurisdiction-specific rules", s.JurisdictionRules},
		{"local_rules", "Local rules", s.LocalRules},
		{"client_guidelines", "The client's outside counsel guidelines", s.ClientGuidelines},
		{"formatting", "Formatting requirements", s.Formatting},
		{"privilege_handling", "Privilege handling", s.PrivilegeHandling},
		{"strategy_fit", "How this work fits the case strategy", s.StrategyFit},
		{"confidentiality", "Confidentiality instructions", s.Confidentiality},
	}
}

// Normalize trims each section and unifies line endings.
func (s BriefingSections) Normalize() BriefingSections {
	n := func(v string) string { return strings.TrimSpace(strings.ReplaceAll(v, "\r\n", "\n")) }
	return BriefingSections{n(s.JurisdictionRules), n(s.LocalRules), n(s.ClientGuidelines), n(s.Formatting), n(s.PrivilegeHandling), n(s.StrategyFit), n(s.Confidentiality)}
}

// maxSection bounds each section.
const maxSection = 20000

// Validate checks a draft: each section within bounds.
func (s BriefingSections) Validate() error {
	for _, sec := range s.List() {
		if utf8.RuneCountInString(sec.Text) > maxSection {
			return Invalid(sec.Key, "%s is too long (up to 20,000 characters)", sec.Title)
		}
	}
	return nil
}

// ReadyToPublish returns nil when every section a vendor team must read
// is written, else an invalid error naming the first empty one.
func (s BriefingSections) ReadyToPublish() error {
	for _, sec := range s.List() {
		if sec.Key == "local_rules" || sec.Key == "formatting" {
			continue // not every matter has them
		}
		if strings.TrimSpace(sec.Text) == "" {
			return Invalid(sec.Key, "write the section “%s” before publishing", sec.Title)
		}
	}
	return nil
}

// Briefing is one version of an engagement's briefing.
type Briefing struct {
	ID              int64
	EngagementID    int64
	Version         int
	Sections        BriefingSections
	DraftedBy       int64
	DraftedByName   string
	DraftedAt       time.Time
	SHA256          string
	PublishedBy     int64
	PublishedByName string
	PublishedAt     time.Time
}

// Published reports whether the version is published (frozen).
func (b Briefing) Published() bool { return !b.PublishedAt.IsZero() }

// ShortHash is the first 12 hex digits of the version's hash.
func (b Briefing) ShortHash() string {
	if len(b.SHA256) < 12 {
		return b.SHA256
	}
	return b.SHA256[:12]
}

// BriefingHash is the SHA-256 (hex) of a briefing version's content: its
// engagement, version number and every section, each titled, so a changed
// word or a moved paragraph gives another hash.
func BriefingHash(engagementID int64, version int, s BriefingSections) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Probity briefing\nengagement %d\nversion %d\n", engagementID, version)
	for _, sec := range s.Normalize().List() {
		fmt.Fprintf(&b, "\n## %s (%d)\n%s\n", sec.Key, len(sec.Text), sec.Text)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// Acknowledgement is a vendor member's acknowledgement of one published
// briefing version.
type Acknowledgement struct {
	BriefingID     int64
	Version        int
	UserID         int64
	UserName       string
	TypedName      string
	SHA256         string
	AcknowledgedAt time.Time
}

// CheckTypedName returns nil when typed is the person's name (ignoring case
// and surrounding spaces), as a signature.
func CheckTypedName(typed, name string) error {
	if strings.TrimSpace(typed) == "" {
		return Invalid("typed_name", "type your full name to acknowledge the briefing")
	}
	if !strings.EqualFold(strings.Join(strings.Fields(typed), " "), strings.Join(strings.Fields(name), " ")) {
		return Invalid("typed_name", "type your own full name exactly as Probity knows it (%s)", name)
	}
	return nil
}

// JurisdictionPrefill writes the first text of the jurisdiction section
// from a matter's jurisdictions.
func JurisdictionPrefill(js []Jurisdiction) string {
	var court, law, perf []string
	for _, j := range js {
		switch j.Kind {
		case "court":
			court = append(court, j.Name)
		case "governing_law":
			law = append(law, j.Name)
		case "performance":
			perf = append(perf, j.Name)
		}
	}
	var lines []string
	if len(court) > 0 {
		lines = append(lines, "Court or forum: "+strings.Join(court, "; ")+". Follow its rules of procedure and the judge's individual practices.")
	}
	if len(law) > 0 {
		lines = append(lines, "Governing law: "+strings.Join(law, "; ")+".")
	}
	if len(perf) > 0 {
		lines = append(lines, "Places of performance: "+strings.Join(perf, "; ")+". Work is done there under the firm's supervision; no legal advice is given to anyone.")
	}
	return strings.Join(lines, "\n")
}
