package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/auditlog"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// The field names of matter.json (format_version 1). They are part of the
// archive's documented format (docs/OPERATIONS.md): add fields, never
// rename them. Times are RFC 3339 in UTC and omitted when unset; dates are
// YYYY-MM-DD; money is integer minor units with its ISO 4217 currency.

type matterExport struct {
	FormatVersion  int                `json:"format_version"`
	ExportedAt     string             `json:"exported_at"`
	ExportedBy     string             `json:"exported_by"`
	Firm           string             `json:"firm"`
	Matter         exportMatter       `json:"matter"`
	Parties        []exportParty      `json:"parties"`
	Engagements    []exportEngagement `json:"engagements"`
	Documents      []exportDocument   `json:"documents"`
	ClientInvoices []exportInvoice    `json:"client_invoices"`
	AuditEvents    []exportAuditEvent `json:"audit_events"`
}

type exportMoney struct {
	Minor    int64  `json:"minor"`
	Currency string `json:"currency"`
}

func moneyOut(m domain.Money) exportMoney {
	return exportMoney{Minor: m.Minor, Currency: string(m.Currency)}
}

type exportMatter struct {
	Number              string               `json:"number"`
	Title               string               `json:"title"`
	ClientNumber        string               `json:"client_number"`
	ClientName          string               `json:"client_name"`
	PracticeArea        string               `json:"practice_area,omitempty"`
	Status              string               `json:"status"`
	OpenedOn            string               `json:"opened_on,omitempty"`
	CreatedAt           string               `json:"created_at"`
	ResponsibleAttorney string               `json:"responsible_attorney"`
	Jurisdictions       []exportJurisdiction `json:"jurisdictions"`
}

type exportJurisdiction struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

type exportParty struct {
	Name    string   `json:"name"`
	Role    string   `json:"role"`
	Aliases []string `json:"aliases"`
}

type exportEngagement struct {
	ID                  int64               `json:"id"`
	Vendor              string              `json:"vendor"`
	Service             string              `json:"service"`
	Description         string              `json:"description"`
	Stage               string              `json:"stage"`
	BillingMode         string              `json:"billing_mode"`
	EstimatedCost       exportMoney         `json:"estimated_cost"`
	SupervisingAttorney string              `json:"supervising_attorney"`
	OpenedOn            string              `json:"opened_on,omitempty"`
	ClosedOn            string              `json:"closed_on,omitempty"`
	CreatedAt           string              `json:"created_at"`
	Briefings           []exportBriefing    `json:"briefings"`
	SOWVersions         []exportSOW         `json:"sow_versions"`
	Deadlines           []exportDeadline    `json:"deadlines"`
	Deliverables        []exportDeliverable `json:"deliverables"`
	Threads             []exportThread      `json:"message_threads"`
	Consents            []exportConsent     `json:"consents"`
	QualityAudits       []exportQAAudit     `json:"quality_audits"`
}

type exportBriefing struct {
	Version           int    `json:"version"`
	PublishedAt       string `json:"published_at"`
	PublishedBy       string `json:"published_by"`
	SHA256            string `json:"sha256"`
	JurisdictionRules string `json:"jurisdiction_rules"`
	LocalRules        string `json:"local_rules"`
	ClientGuidelines  string `json:"client_guidelines"`
	Formatting        string `json:"formatting"`
	PrivilegeHandling string `json:"privilege_handling"`
	StrategyFit       string `json:"strategy_fit"`
	Confidentiality   string `json:"confidentiality"`
}

type exportSOW struct {
	Version    int             `json:"version"`
	Reason     string          `json:"reason,omitempty"`
	ApprovedAt string          `json:"approved_at,omitempty"`
	ApprovedOn string          `json:"approved_on,omitempty"`
	SHA256     string          `json:"sha256,omitempty"`
	Items      []exportSOWItem `json:"items"`
}

type exportSOWItem struct {
	Position    int         `json:"position"`
	Service     string      `json:"service"`
	Title       string      `json:"title"`
	Description string      `json:"description"`
	Deliverable string      `json:"deliverable"`
	Acceptance  string      `json:"acceptance"`
	DueOn       string      `json:"due_on,omitempty"`
	Pricing     string      `json:"pricing"`
	Price       exportMoney `json:"price"`
}

type exportDeadline struct {
	Title    string `json:"title"`
	DueOn    string `json:"due_on"`
	Owner    string `json:"owner,omitempty"`
	WorkItem string `json:"work_item,omitempty"`
	DoneAt   string `json:"done_at,omitempty"`
}

type exportDeliverable struct {
	ID       int64                      `json:"id"`
	Title    string                     `json:"title"`
	WorkItem string                     `json:"work_item,omitempty"`
	Versions []exportDeliverableVersion `json:"versions"`
}

type exportDeliverableVersion struct {
	Version       int    `json:"version"`
	DocumentID    int64  `json:"document_id,omitempty"`
	FileName      string `json:"file_name,omitempty"`
	SubmittedBy   string `json:"submitted_by"`
	SubmittedAt   string `json:"submitted_at"`
	Decision      string `json:"decision"`
	ReviewedBy    string `json:"reviewed_by,omitempty"`
	ReviewedAt    string `json:"reviewed_at,omitempty"`
	ReviewComment string `json:"review_comment,omitempty"`
	ReleaseKind   string `json:"release_kind,omitempty"`
	ReleasedBy    string `json:"released_by,omitempty"`
	ReleasedAt    string `json:"released_at,omitempty"`
}

type exportThread struct {
	Subject   string          `json:"subject"`
	StartedBy string          `json:"started_by"`
	StartedAt string          `json:"started_at"`
	Messages  []exportMessage `json:"messages"`
}

type exportMessage struct {
	Author        string  `json:"author"`
	AuthorRole    string  `json:"author_role"`
	At            string  `json:"at"`
	Body          string  `json:"body"`
	AttachmentIDs []int64 `json:"attachment_document_ids"`
}

type exportConsent struct {
	Version            int    `json:"version"`
	State              string `json:"state"`
	DisclosureSHA256   string `json:"disclosure_sha256"`
	AnsweredBy         string `json:"answered_by,omitempty"`
	RecordedBy         string `json:"recorded_by,omitempty"`
	TypedName          string `json:"typed_name,omitempty"`
	Evidence           string `json:"evidence,omitempty"`
	EvidenceDocumentID int64  `json:"evidence_document_id,omitempty"`
	AnsweredAt         string `json:"answered_at,omitempty"`
	RevokedAt          string `json:"revoked_at,omitempty"`
	StaleReason        string `json:"stale_reason,omitempty"`
}

type exportQAAudit struct {
	Kind        string `json:"kind"`
	Period      string `json:"period"`
	DueOn       string `json:"due_on,omitempty"`
	State       string `json:"state"`
	Population  int64  `json:"population"`
	SampleSize  int    `json:"sample_size"`
	Errors      int    `json:"errors"`
	Verdict     string `json:"verdict,omitempty"`
	CompletedAt string `json:"completed_at,omitempty"`
}

type exportDocument struct {
	ID           int64  `json:"id"`
	EngagementID int64  `json:"engagement_id"`
	Source       string `json:"source"`
	Folder       string `json:"folder,omitempty"`
	Description  string `json:"description,omitempty"`
	FileName     string `json:"file_name"`
	ContentType  string `json:"content_type"`
	Size         int64  `json:"size"`
	SHA256       string `json:"sha256"`
	UploadedBy   string `json:"uploaded_by"`
	UploadedAt   string `json:"uploaded_at"`
	ArchivePath  string `json:"archive_path"` // "" when no file was ever stored
}

type exportInvoice struct {
	Number      string              `json:"number"`
	Kind        string              `json:"kind"`
	State       string              `json:"state"`
	Date        string              `json:"date"`
	PeriodStart string              `json:"period_start"`
	PeriodEnd   string              `json:"period_end"`
	Description string              `json:"description"`
	Fees        exportMoney         `json:"fees"`
	Expenses    exportMoney         `json:"expenses"`
	Total       exportMoney         `json:"total"`
	Lines       []exportInvoiceLine `json:"lines"`
}

type exportInvoiceLine struct {
	Position     int64       `json:"position"`
	Type         string      `json:"type"`
	Date         string      `json:"date"`
	Units        int64       `json:"units"`
	UnitCost     exportMoney `json:"unit_cost"`
	Adjustment   exportMoney `json:"adjustment"`
	Total        exportMoney `json:"total"`
	TaskCode     string      `json:"task_code,omitempty"`
	ExpenseCode  string      `json:"expense_code,omitempty"`
	ActivityCode string      `json:"activity_code,omitempty"`
	Timekeeper   string      `json:"timekeeper,omitempty"`
	Description  string      `json:"description"`
}

type exportAuditEvent struct {
	Seq        int64  `json:"seq"`
	At         string `json:"at"`
	ActorName  string `json:"actor_name"`
	ActorRole  string `json:"actor_role"`
	Org        string `json:"org"`
	Action     string `json:"action"`
	ObjectType string `json:"object_type"`
	ObjectID   int64  `json:"object_id"`
	Summary    string `json:"summary"`
	Hash       string `json:"hash"`
}

// gatherMatter reads everything matter.json holds for m, in tx.
func (a *App) gatherMatter(ctx context.Context, tx *store.Tx, m domain.Matter, docs []store.MatterDocument) (matterExport, error) {
	all := store.Scope{All: true} // the gate has passed: the whole matter
	x := matterExport{FormatVersion: 1, Parties: []exportParty{}, Engagements: []exportEngagement{}, Documents: []exportDocument{},
		ClientInvoices: []exportInvoice{}, AuditEvents: []exportAuditEvent{}}
	firm, err := tx.Firm(ctx)
	if err != nil {
		return x, err
	}
	client, err := tx.Client(ctx, all, m.ClientID)
	if err != nil {
		return x, err
	}
	responsible, err := tx.User(ctx, m.ResponsibleAttorneyID)
	if err != nil {
		return x, err
	}
	x.Firm = firm.Name
	x.Matter = exportMatter{Number: m.Number, Title: m.Title, ClientNumber: client.Number, ClientName: client.Name, PracticeArea: m.PracticeArea,
		Status: m.Status, OpenedOn: string(m.OpenedOn), CreatedAt: rfc3339(m.CreatedAt), ResponsibleAttorney: responsible.Name,
		Jurisdictions: []exportJurisdiction{}}
	for _, j := range m.Jurisdictions {
		x.Matter.Jurisdictions = append(x.Matter.Jurisdictions, exportJurisdiction{Kind: j.Kind, Name: j.Name})
	}
	parties, err := tx.Parties(ctx, m.ID)
	if err != nil {
		return x, err
	}
	for _, p := range parties {
		x.Parties = append(x.Parties, exportParty{Name: p.Name, Role: string(p.Role), Aliases: append([]string{}, p.Aliases...)})
	}
	for after := int64(0); ; {
		page, err := tx.ListEngagements(ctx, all, store.EngagementFilter{MatterID: m.ID, Page: store.Page{AfterID: after, Limit: store.MaxPageSize}})
		if err != nil {
			return x, err
		}
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			xe, err := gatherEngagement(ctx, tx, e)
			if err != nil {
				return x, fmt.Errorf("export engagement %d: %w", e.ID, err)
			}
			x.Engagements = append(x.Engagements, xe)
		}
		after = page[len(page)-1].ID
	}
	for _, d := range docs {
		x.Documents = append(x.Documents, exportDocument{ID: d.Document.ID, EngagementID: d.EngagementID, Source: d.Source, Folder: d.Folder,
			Description: d.Description, FileName: d.Document.Filename, ContentType: d.Document.ContentType, Size: d.Document.Size,
			SHA256: d.Document.SHA256, UploadedBy: d.Document.UploaderName, UploadedAt: rfc3339(d.Document.CreatedAt), ArchivePath: documentPath(d)})
	}
	if x.ClientInvoices, err = gatherInvoices(ctx, tx, m.ID); err != nil {
		return x, err
	}
	err = tx.EachMatterAudit(ctx, m.ID, func(e *auditlog.Event) error {
		x.AuditEvents = append(x.AuditEvents, auditEventOut(e))
		return nil
	})
	return x, err
}

func gatherEngagement(ctx context.Context, tx *store.Tx, e store.EngagementSummary) (exportEngagement, error) {
	xe := exportEngagement{ID: e.ID, Vendor: e.VendorName, Service: string(e.Service), Description: e.Description, Stage: string(e.Stage),
		BillingMode: string(e.BillingMode), EstimatedCost: moneyOut(e.EstimatedCost), SupervisingAttorney: e.SupervisorName,
		OpenedOn: string(e.OpenedOn), ClosedOn: string(e.ClosedOn), CreatedAt: rfc3339(e.CreatedAt),
		Briefings: []exportBriefing{}, SOWVersions: []exportSOW{}, Deadlines: []exportDeadline{}, Deliverables: []exportDeliverable{},
		Threads: []exportThread{}, Consents: []exportConsent{}, QualityAudits: []exportQAAudit{}}
	briefings, err := tx.Briefings(ctx, e.ID)
	if err != nil {
		return xe, err
	}
	for _, b := range briefings {
		if b.PublishedAt.IsZero() {
			continue // a draft is the firm's working paper
		}
		s := b.Sections
		xe.Briefings = append(xe.Briefings, exportBriefing{Version: b.Version, PublishedAt: rfc3339(b.PublishedAt), PublishedBy: b.PublishedByName, SHA256: b.SHA256,
			JurisdictionRules: s.JurisdictionRules, LocalRules: s.LocalRules, ClientGuidelines: s.ClientGuidelines, Formatting: s.Formatting,
			PrivilegeHandling: s.PrivilegeHandling, StrategyFit: s.StrategyFit, Confidentiality: s.Confidentiality})
	}
	sows, err := tx.SOWVersions(ctx, e.ID)
	if err != nil {
		return xe, err
	}
	for _, v := range sows {
		xv := exportSOW{Version: v.Version, Reason: v.Reason, ApprovedAt: rfc3339(v.ApprovedAt), ApprovedOn: string(v.ApprovedOn), SHA256: v.SHA256, Items: []exportSOWItem{}}
		for _, w := range v.Items {
			xv.Items = append(xv.Items, exportSOWItem{Position: w.Position, Service: string(w.Service), Title: w.Title, Description: w.Description,
				Deliverable: w.Deliverable, Acceptance: w.Acceptance, DueOn: string(w.DueOn), Pricing: string(w.Pricing), Price: moneyOut(w.Price)})
		}
		xe.SOWVersions = append(xe.SOWVersions, xv)
	}
	deadlines, err := tx.Deadlines(ctx, e.ID)
	if err != nil {
		return xe, err
	}
	for _, d := range deadlines {
		xe.Deadlines = append(xe.Deadlines, exportDeadline{Title: d.Title, DueOn: string(d.DueOn), Owner: d.OwnerName, WorkItem: d.WorkItem, DoneAt: rfc3339(d.DoneAt)})
	}
	deliverables, err := tx.Deliverables(ctx, e.ID)
	if err != nil {
		return xe, err
	}
	for _, d := range deliverables {
		xd := exportDeliverable{ID: d.ID, Title: d.Title, WorkItem: d.WorkItemTitle, Versions: []exportDeliverableVersion{}}
		for _, v := range d.Versions { // the vendor's note and review timings stay out: firm and vendor working data
			xd.Versions = append(xd.Versions, exportDeliverableVersion{Version: v.Version, DocumentID: v.DocumentID, FileName: v.Filename,
				SubmittedBy: v.SubmitterName, SubmittedAt: rfc3339(v.SubmittedAt), Decision: string(v.Decision), ReviewedBy: v.ReviewerName,
				ReviewedAt: rfc3339(v.ReviewedAt), ReviewComment: v.ReviewComment, ReleaseKind: string(v.ReleaseKind), ReleasedBy: v.ReleaserName,
				ReleasedAt: rfc3339(v.ReleasedAt)})
		}
		xe.Deliverables = append(xe.Deliverables, xd)
	}
	threads, err := tx.Threads(ctx, e.ID)
	if err != nil {
		return xe, err
	}
	for _, t := range threads {
		msgs, err := tx.Messages(ctx, t.ID)
		if err != nil {
			return xe, err
		}
		xt := exportThread{Subject: t.Subject, StartedBy: t.CreatorName, StartedAt: rfc3339(t.CreatedAt), Messages: []exportMessage{}}
		for _, msg := range msgs {
			xm := exportMessage{Author: msg.AuthorName, AuthorRole: string(msg.AuthorRole), At: rfc3339(msg.CreatedAt), Body: msg.Body, AttachmentIDs: []int64{}}
			for _, d := range msg.Attachments {
				xm.AttachmentIDs = append(xm.AttachmentIDs, d.ID)
			}
			xt.Messages = append(xt.Messages, xm)
		}
		xe.Threads = append(xe.Threads, xt)
	}
	consents, err := tx.Consents(ctx, e.ID)
	if err != nil {
		return xe, err
	}
	for _, c := range consents { // the answering address (an IP) stays out
		xe.Consents = append(xe.Consents, exportConsent{Version: c.Version, State: string(c.State), DisclosureSHA256: c.DisclosureSHA256,
			AnsweredBy: c.ClientName, RecordedBy: c.RecordedByName, TypedName: c.TypedName, Evidence: c.Evidence, EvidenceDocumentID: c.EvidenceDocumentID,
			AnsweredAt: rfc3339(c.AnsweredAt), RevokedAt: rfc3339(c.RevokedAt), StaleReason: c.StaleReason})
	}
	audits, err := tx.Audits(ctx, e.ID)
	if err != nil {
		return xe, err
	}
	for _, au := range audits {
		xe.QualityAudits = append(xe.QualityAudits, exportQAAudit{Kind: string(au.Kind), Period: au.Period, DueOn: string(au.DueOn), State: string(au.State),
			Population: au.Population, SampleSize: au.SampleSize, Errors: au.Errors, Verdict: au.Verdict, CompletedAt: rfc3339(au.CompletedAt)})
	}
	return xe, nil
}

// gatherInvoices lists the matter's client invoices and credit notes the
// client received (sent, paid, written off: clientMayExport), oldest first,
// with their lines. Drafts and approved invoices not yet sent stay out.
func gatherInvoices(ctx context.Context, tx *store.Tx, matterID int64) ([]exportInvoice, error) {
	out := []exportInvoice{}
	var all []domain.ClientInvoice
	for before := int64(0); ; {
		page, err := tx.ClientInvoices(ctx, store.Scope{All: true}, store.ClientInvoiceFilter{MatterID: matterID,
			States: []domain.InvoiceState{domain.InvoiceSent, domain.InvoicePaid, domain.InvoiceWrittenOff}, Page: store.Page{AfterID: before, Limit: store.MaxPageSize}})
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			break
		}
		all = append(all, page...)
		before = page[len(page)-1].ID
	}
	for i := len(all) - 1; i >= 0; i-- {
		inv := all[i]
		if !clientMayExport(inv.State) {
			continue
		}
		lines, err := tx.ClientInvoiceLines(ctx, inv.ID, inv.Currency)
		if err != nil {
			return nil, err
		}
		xi := exportInvoice{Number: inv.Number, Kind: string(inv.Kind), State: string(inv.State), Date: string(inv.Date), PeriodStart: string(inv.Start),
			PeriodEnd: string(inv.End), Description: inv.Description, Fees: moneyOut(inv.Fees), Expenses: moneyOut(inv.Expenses), Total: moneyOut(inv.Total),
			Lines: []exportInvoiceLine{}}
		for _, l := range lines { // the vendor's cost and the in-house equivalent are the firm's own figures
			xi.Lines = append(xi.Lines, exportInvoiceLine{Position: l.Position, Type: l.Type, Date: string(l.Date), Units: l.Units, UnitCost: moneyOut(l.UnitCost),
				Adjustment: moneyOut(l.Adjustment), Total: moneyOut(l.Total), TaskCode: l.TaskCode, ExpenseCode: l.ExpenseCode, ActivityCode: l.ActivityCode,
				Timekeeper: l.TimekeeperName, Description: l.Description})
		}
		out = append(out, xi)
	}
	return out, nil
}

// matterReadme is README.txt: what the archive holds and how to check it.
func matterReadme(x matterExport) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Matter %s: %s\nClient: %s\nExported from %s on %s by %s.\n\n", x.Matter.Number, x.Matter.Title, x.Matter.ClientName, x.Firm, x.ExportedAt, x.ExportedBy)
	b.WriteString(`This archive holds:
  matter.json   the matter, its parties, its engagements (vendor, stage, briefings,
                statements of work, deadlines, deliverables and their reviews,
                messages, consents, quality audits), its documents' details, the
                client invoices sent for it with their lines, and the audit trail
                entries about the matter and its engagements.
                Times are RFC 3339 in UTC; dates YYYY-MM-DD; money is an integer
                number of minor units (cents) with its ISO 4217 currency.
  documents/    every document of the matter's engagements, decrypted, at the
                archive_path matter.json gives for it; each was checked against
                its recorded SHA-256 as it was written.
  SHA256SUMS    the SHA-256 of every other file in the archive.

To check the archive after unpacking it, run in the unpacked folder:
  sha256sum -c SHA256SUMS          (Linux)
  shasum -a 256 -c SHA256SUMS      (macOS)
`)
	fmt.Fprintf(&b, "\n%d documents, %d engagements, %d client invoices, %d audit events.\n", countFiles(x.Documents), len(x.Engagements), len(x.ClientInvoices), len(x.AuditEvents))
	return b.String()
}

func countFiles(ds []exportDocument) int {
	n := 0
	for _, d := range ds {
		if d.ArchivePath != "" {
			n++
		}
	}
	return n
}
