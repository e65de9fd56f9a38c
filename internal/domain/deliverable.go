package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Deliverables and the supervising attorney's review (Model Rules 5.1 and
// 5.3: the lawyer's obligation to supervise cannot be handed over). Each
// deliverable belongs to a work item of the approved statement of work and
// has versions. A version is never replaced, only superseded by a newer
// one; each goes to the supervising attorney's review queue, who approves
// it or requests changes (with a comment). Only an approved version that
// has not been superseded can be released to the client or marked as used
// in the matter.

// ReviewDecision is the supervising attorney's decision on a version.
type ReviewDecision string

// Review decisions.
const (
	ReviewPending          ReviewDecision = "pending"
	ReviewApproved         ReviewDecision = "approved"
	ReviewChangesRequested ReviewDecision = "changes_requested"
)

// Label names a decision for people.
func (d ReviewDecision) Label() string {
	switch d {
	case ReviewPending:
		return "Awaiting review"
	case ReviewApproved:
		return "Approved"
	case ReviewChangesRequested:
		return "Changes requested"
	}
	return string(d)
}

// ReleaseKind is what a release of approved work does.
type ReleaseKind string

// Release kinds.
const (
	ReleaseToClient ReleaseKind = "client" // released to the client portal
	ReleaseInMatter ReleaseKind = "matter" // marked as used in the matter (filed, served, relied on)
)

// Label names a release for people.
func (k ReleaseKind) Label() string {
	switch k {
	case ReleaseToClient:
		return "Released to the client"
	case ReleaseInMatter:
		return "Used in the matter"
	}
	return ""
}

// Deliverable is one piece of work product of a work item.
type Deliverable struct {
	ID            int64
	EngagementID  int64
	WorkItemID    int64
	WorkItemTitle string
	Title         string
	CreatedBy     int64
	CreatedAt     time.Time
	Versions      []DeliverableVersion // oldest first, when loaded
}

// Latest is the current (newest) version, if any.
func (d Deliverable) Latest() (DeliverableVersion, bool) {
	if len(d.Versions) == 0 {
		return DeliverableVersion{}, false
	}
	return d.Versions[len(d.Versions)-1], true
}

// DeliverableVersion is one submitted version of a deliverable and its review.
type DeliverableVersion struct {
	ID            int64
	DeliverableID int64
	EngagementID  int64
	Version       int
	DocumentID    int64 // 0 when the version has no file (demo data without a blob store)
	Filename      string
	Size          int64
	Note          string // the vendor's note: never shown to the client
	SubmittedBy   int64
	SubmitterName string
	SubmittedAt   time.Time
	SupersededAt  time.Time // zero while it is the current version
	Decision      ReviewDecision
	OpenedAt      time.Time // first opened by the reviewing attorney
	ReviewedBy    int64
	ReviewerName  string
	ReviewedAt    time.Time
	ReviewComment string
	ReviewSeconds int64 // measured from first opening to the decision
	StatedMinutes int   // what the attorney said they spent
	ReleaseKind   ReleaseKind
	ReleasedBy    int64
	ReleaserName  string
	ReleasedAt    time.Time
}

// Superseded reports whether a newer version replaced this one.
func (v DeliverableVersion) Superseded() bool { return !v.SupersededAt.IsZero() }

// Released reports whether the version was released.
func (v DeliverableVersion) Released() bool { return !v.ReleasedAt.IsZero() }

// ReviewMinutes is the review time to report: what the attorney stated, or
// else the measured time rounded up to whole minutes.
func (v DeliverableVersion) ReviewMinutes() int {
	if v.StatedMinutes > 0 {
		return v.StatedMinutes
	}
	return int((v.ReviewSeconds + 59) / 60)
}

// State names where the version stands, for people.
func (v DeliverableVersion) State() string {
	switch {
	case v.Released():
		return v.ReleaseKind.Label()
	case v.Superseded() && v.Decision == ReviewPending:
		return "Superseded before review"
	case v.Superseded():
		return v.Decision.Label() + " (superseded)"
	}
	return v.Decision.Label()
}

// StateClass is the badge colour of State: ok when approved or released,
// bad when changes were requested, wait while it awaits review.
func (v DeliverableVersion) StateClass() string {
	switch {
	case v.Released() || v.Decision == ReviewApproved:
		return "ok"
	case v.Decision == ReviewChangesRequested:
		return "bad"
	case v.Superseded():
		return ""
	}
	return "wait"
}

// NewDeliverable is a vendor user's first submission of a deliverable.
type NewDeliverable struct {
	WorkItemID int64
	Title      string
	Note       string
}

// Validate checks a new deliverable's fields.
func (n *NewDeliverable) Validate() error {
	n.Title, n.Note = strings.TrimSpace(n.Title), strings.TrimSpace(n.Note)
	if n.WorkItemID <= 0 {
		return Invalid("item", "choose the work item of the statement of work this deliverable is for")
	}
	if n.Title == "" {
		return Invalid("title", "give the deliverable a title")
	}
	if utf8.RuneCountInString(n.Title) > 200 {
		return Invalid("title", "the title must be at most 200 characters")
	}
	return ValidateVersionNote(n.Note)
}

// ValidateVersionNote checks a version's note.
func ValidateVersionNote(note string) error {
	if utf8.RuneCountInString(note) > 4000 {
		return Invalid("note", "the note must be at most 4,000 characters")
	}
	return nil
}

// ReviewInput is the supervising attorney's decision on a version.
type ReviewInput struct {
	Decision      ReviewDecision
	Comment       string
	StatedMinutes int // optional: minutes the attorney says they spent
}

// Validate checks a review: a decision, a comment when changes are
// requested, and a plausible number of minutes.
func (r *ReviewInput) Validate() error {
	r.Comment = strings.TrimSpace(r.Comment)
	switch r.Decision {
	case ReviewApproved:
	case ReviewChangesRequested:
		if r.Comment == "" {
			return Invalid("comment", "say what must change: a comment is required when requesting changes")
		}
	default:
		return Invalid("decision", "choose approve or request changes")
	}
	if utf8.RuneCountInString(r.Comment) > 4000 {
		return Invalid("comment", "the comment must be at most 4,000 characters")
	}
	if r.StatedMinutes < 0 || r.StatedMinutes > 24*60 {
		return Invalid("minutes", "the review time must be between 0 and 1,440 minutes")
	}
	return nil
}

// CanRelease returns nil when v may be released as kind: approved, the
// current version, not yet released.
func CanRelease(v DeliverableVersion, kind ReleaseKind) error {
	if kind != ReleaseToClient && kind != ReleaseInMatter {
		return Invalid("kind", "choose release to the client or mark as used in the matter")
	}
	switch {
	case v.Released():
		return Errorf(EConflict, "version %d was already released (%s)", v.Version, v.ReleaseKind.Label())
	case v.Superseded():
		return Errorf(EConflict, "version %d was superseded by a newer version: only the current approved version can be released", v.Version)
	case v.Decision == ReviewChangesRequested:
		return Errorf(EConflict, "changes were requested on version %d: only an approved version can be released", v.Version)
	case v.Decision != ReviewApproved:
		return Errorf(EConflict, "version %d has not been approved by the supervising attorney yet: approve it before releasing it", v.Version)
	}
	return nil
}

// CanReview returns nil when v is awaiting review.
func CanReview(v DeliverableVersion) error {
	switch {
	case v.Superseded():
		return Errorf(EConflict, "version %d was superseded by a newer version; review the current one", v.Version)
	case v.Decision != ReviewPending:
		return Errorf(EConflict, "version %d was already reviewed (%s)", v.Version, v.Decision.Label())
	}
	return nil
}

// ReviewDays is how many days a version may wait for the supervising
// attorney's review before the review is overdue.
const ReviewDays = 5

// ReviewAge is how many whole days a version has waited for review on day today.
func ReviewAge(submitted time.Time, today Date) int {
	d := int(today.Time().Sub(DateOf(submitted).Time()).Hours() / 24)
	if d < 0 {
		return 0
	}
	return d
}
