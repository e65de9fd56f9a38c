package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Deliverables: the vendor's team submits versions of the work product of
// the approved statement of work's items (domain.ActivityDeliverable, once
// the engagement is active); each version goes to the supervising
// attorney's review queue (reviews.go), and only an approved, current
// version is released to the client portal or marked as used in the
// matter. The client contact of the matter sees released work only, never
// the vendor's notes, the review comments or who at the vendor did it.

// deliverableKinds are the files accepted as deliverables: PDF, Word,
// Excel, plain text and CSV.
var deliverableKinds = fileKinds{
	ByExt: map[string]fileKind{".pdf": kindPDF, ".docx": kindDOCX, ".xlsx": kindXLSX, ".txt": kindText, ".csv": kindCSV},
	Say:   "a PDF, Word, Excel, plain-text or CSV file (.pdf, .docx, .xlsx, .txt, .csv)",
}

// DeliverableUpload is the file of a submitted version.
type DeliverableUpload = Upload

// onEngagement loads an engagement for an action in the order every
// surface answers: the actor's scope and the object acted on under it (not
// found, alike), the second-factor gate (engagementHeader), the actor's
// capability (forbidden), and last the work gate (workEngagement: the
// stage, lapsed personnel), so that a refusal never tells more than it may.
func (a *App) onEngagement(ctx context.Context, tx *store.Tx, actor domain.User, id int64, act domain.Activity,
	object func(e domain.Engagement) error, capable func(e domain.Engagement) error) (EngagementRef, error) {
	if object != nil {
		if actor.Disabled {
			return EngagementRef{}, domain.NotFound("engagement")
		}
		e, err := tx.Engagement(ctx, ScopeFor(actor), id)
		if err != nil {
			return EngagementRef{}, err
		}
		if err := object(e); err != nil {
			return EngagementRef{}, err
		}
	}
	h, err := a.engagementHeader(ctx, tx, actor, id)
	if err != nil {
		return EngagementRef{}, err
	}
	if err := capable(h.Engagement); err != nil {
		return EngagementRef{}, err
	}
	return a.workEngagement(ctx, tx, actor, id, act)
}

// submitter is the capability to submit deliverables.
func submitter(actor domain.User) func(domain.Engagement) error {
	return func(domain.Engagement) error { return require(actor, SubmitDeliverables) }
}

// deliverableOf checks that deliverable did (0: none) belongs to the engagement.
func deliverableOf(ctx context.Context, tx *store.Tx, did int64) func(domain.Engagement) error {
	if did == 0 {
		return nil
	}
	return func(e domain.Engagement) error {
		_, err := tx.Deliverable(ctx, e.ID, did)
		return err
	}
}

// CheckDeliverableSubmit reports whether actor may submit a deliverable
// (deliverableID 0) or a new version of deliverableID on the engagement
// now, so a surface can refuse before reading an upload.
func (a *App) CheckDeliverableSubmit(ctx context.Context, actor domain.User, engagementID, deliverableID int64) error {
	return a.Store.Read(ctx, func(tx *store.Tx) error {
		_, err := a.onEngagement(ctx, tx, actor, engagementID, domain.ActivityDeliverable, deliverableOf(ctx, tx, deliverableID), submitter(actor))
		return err
	})
}

// approvedItem returns the work item id of the engagement's approved
// statement of work, or an invalid-input error naming the field.
func approvedItem(items []domain.WorkItem, id int64) (domain.WorkItem, error) {
	for _, it := range items {
		if it.ID == id {
			return it, nil
		}
	}
	return domain.WorkItem{}, domain.Invalid("item", "choose a work item of the engagement's approved statement of work")
}

// SubmitDeliverable records a new deliverable of a work item with its
// first version. Vendor users only, on an active engagement; bad input
// stores nothing (no blob, no row).
func (a *App) SubmitDeliverable(ctx context.Context, actor domain.User, engagementID int64, in domain.NewDeliverable, up DeliverableUpload) (domain.Deliverable, error) {
	var d domain.Deliverable
	if err := a.CheckDeliverableSubmit(ctx, actor, engagementID, 0); err != nil {
		return d, err
	}
	if err := in.Validate(); err != nil {
		return d, err
	}
	// The item is checked before the upload is read.
	if err := a.Store.Read(ctx, func(tx *store.Tx) error {
		items, err := tx.WorkItems(ctx, engagementID)
		if err != nil {
			return err
		}
		_, err = approvedItem(items, in.WorkItemID)
		return err
	}); err != nil {
		return d, err
	}
	doc, err := a.sealUpload(ctx, up, deliverableKinds, a.Config.MaxDocument)
	if err != nil {
		return d, err
	}
	doc.Kind, doc.UploadedBy = "deliverable", actor.ID
	var mails []email
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, err := a.onEngagement(ctx, tx, actor, engagementID, domain.ActivityDeliverable, nil, submitter(actor))
		if err != nil {
			return err
		}
		items, err := tx.WorkItems(ctx, engagementID)
		if err != nil {
			return err
		}
		item, err := approvedItem(items, in.WorkItemID)
		if err != nil {
			return err
		}
		if err := tx.CreateDocument(ctx, &doc, a.Now()); err != nil {
			return err
		}
		d = domain.Deliverable{EngagementID: engagementID, WorkItemID: item.ID, WorkItemTitle: item.Title, Title: in.Title, CreatedBy: actor.ID, CreatedAt: a.Now()}
		if err := tx.CreateDeliverable(ctx, &d); err != nil {
			return err
		}
		v := domain.DeliverableVersion{DeliverableID: d.ID, EngagementID: engagementID, DocumentID: doc.ID, Filename: doc.Filename, Size: doc.Size,
			Note: in.Note, SubmittedBy: actor.ID, SubmitterName: actor.Name, SubmittedAt: a.Now()}
		if err := tx.AddDeliverableVersion(ctx, &v); err != nil {
			return err
		}
		d.Versions = []domain.DeliverableVersion{v}
		if mails, err = a.notifyReviewRequested(ctx, tx, actor, ref, d.Title, v); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "deliverable.submit", ObjectType: "engagement", ObjectID: engagementID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("submitted deliverable %q (work item %q) version 1: %q (%s, SHA-256 %s), for the supervising attorney's review",
				d.Title, item.Title, doc.Filename, domain.FormatBytes(doc.Size), doc.SHA256)})
	})
	if err != nil {
		a.dropBlob(ctx, doc.StorageKey)
		return domain.Deliverable{}, err
	}
	a.mailQueued(mails...)
	return d, nil
}

// SubmitDeliverableVersion records a new version of a deliverable, which
// supersedes the current one (a version is never replaced).
func (a *App) SubmitDeliverableVersion(ctx context.Context, actor domain.User, engagementID, deliverableID int64, note string, up DeliverableUpload) (domain.DeliverableVersion, error) {
	var v domain.DeliverableVersion
	if err := a.CheckDeliverableSubmit(ctx, actor, engagementID, deliverableID); err != nil {
		return v, err
	}
	if err := domain.ValidateVersionNote(note); err != nil {
		return v, err
	}
	if err := a.Store.Read(ctx, func(tx *store.Tx) error {
		_, err := tx.Deliverable(ctx, engagementID, deliverableID)
		return err
	}); err != nil {
		return v, err
	}
	doc, err := a.sealUpload(ctx, up, deliverableKinds, a.Config.MaxDocument)
	if err != nil {
		return v, err
	}
	doc.Kind, doc.UploadedBy = "deliverable", actor.ID
	var mails []email
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, err := a.onEngagement(ctx, tx, actor, engagementID, domain.ActivityDeliverable, deliverableOf(ctx, tx, deliverableID), submitter(actor))
		if err != nil {
			return err
		}
		d, err := tx.Deliverable(ctx, engagementID, deliverableID)
		if err != nil {
			return err
		}
		if err := tx.CreateDocument(ctx, &doc, a.Now()); err != nil {
			return err
		}
		v = domain.DeliverableVersion{DeliverableID: d.ID, EngagementID: engagementID, DocumentID: doc.ID, Filename: doc.Filename, Size: doc.Size,
			Note: strings.TrimSpace(note), SubmittedBy: actor.ID, SubmitterName: actor.Name, SubmittedAt: a.Now()}
		if err := tx.AddDeliverableVersion(ctx, &v); err != nil {
			return err
		}
		if mails, err = a.notifyReviewRequested(ctx, tx, actor, ref, d.Title, v); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "deliverable.submit", ObjectType: "engagement", ObjectID: engagementID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("submitted deliverable %q version %d: %q (%s, SHA-256 %s), superseding version %d, for the supervising attorney's review",
				d.Title, v.Version, doc.Filename, domain.FormatBytes(doc.Size), doc.SHA256, v.Version-1)})
	})
	if err != nil {
		a.dropBlob(ctx, doc.StorageKey)
		return domain.DeliverableVersion{}, err
	}
	a.mailQueued(mails...)
	return v, nil
}

// DeliverablesView is an engagement's deliverables as one person may see them.
type DeliverablesView struct {
	Header       store.EngagementSummary
	Engagement   domain.Engagement
	Items        []domain.WorkItem // the approved statement of work's items (not for clients)
	Deliverables []domain.Deliverable
	Client       bool   // the client's view: released work only
	CanSubmit    bool   // a vendor user on an active engagement
	SubmitClosed string // why submitting is closed, for the vendor's side
	IsReviewer   bool   // the supervising attorney: reviews and releases
	Pending      int    // current versions awaiting review
	Locked       string // why a vendor user sees none of the work now (stage, lapsed personnel)
}

// Released is whether anything was released to the client.
func (v DeliverablesView) Released() bool {
	for _, d := range v.Deliverables {
		if len(d.Versions) > 0 {
			return true
		}
	}
	return false
}

// clientCopy keeps what the client may see of a deliverable: its title,
// work item and the versions released to the client, without the vendor's
// notes, the review comments or the names of the vendor's people.
func clientCopy(d domain.Deliverable) (domain.Deliverable, bool) {
	out := domain.Deliverable{ID: d.ID, EngagementID: d.EngagementID, Title: d.Title, WorkItemTitle: d.WorkItemTitle}
	for _, v := range d.Versions {
		if v.ReleaseKind != domain.ReleaseToClient {
			continue
		}
		out.Versions = append(out.Versions, domain.DeliverableVersion{ID: v.ID, DeliverableID: v.DeliverableID, EngagementID: v.EngagementID,
			Version: v.Version, DocumentID: v.DocumentID, Filename: v.Filename, Size: v.Size, Decision: v.Decision,
			ReleaseKind: v.ReleaseKind, ReleasedAt: v.ReleasedAt, ReleaserName: v.ReleaserName, ReleasedBy: v.ReleasedBy})
	}
	return out, len(out.Versions) > 0
}

// deliverablesAccess loads the engagement for reading its deliverables:
// every viewer in scope, the version asked for (versionID 0: none) under
// it, past the second-factor gate; vendor users only while the stage
// allows deliverable work (never after close).
func (a *App) deliverablesAccess(ctx context.Context, tx *store.Tx, actor domain.User, engagementID, versionID int64) (store.EngagementSummary, domain.DeliverableVersion, error) {
	var v domain.DeliverableVersion
	var h store.EngagementSummary
	if versionID != 0 {
		if actor.Disabled {
			return h, v, domain.NotFound("engagement")
		}
		if _, err := tx.Engagement(ctx, ScopeFor(actor), engagementID); err != nil {
			return h, v, err
		}
		var err error
		if v, err = tx.DeliverableVersion(ctx, engagementID, versionID); err != nil {
			return h, v, err
		}
	}
	h, err := a.engagementHeader(ctx, tx, actor, engagementID)
	if err != nil {
		return h, v, err
	}
	if actor.Role.IsVendor() {
		_, err := a.workEngagement(ctx, tx, actor, engagementID, domain.ActivityDeliverable)
		return h, v, err
	}
	return h, v, nil
}

// DeliverablesOf is the engagement's deliverables page: the client contact
// sees released work only.
func (a *App) DeliverablesOf(ctx context.Context, actor domain.User, engagementID int64) (DeliverablesView, error) {
	var v DeliverablesView
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		h, _, err := a.deliverablesAccess(ctx, tx, actor, engagementID, 0)
		if actor.Role.IsVendor() && domain.ErrorCode(err) == domain.EGateClosed {
			// The vendor's team sees why, and nothing of the work.
			v.Header, v.Engagement, v.Locked, v.SubmitClosed = h, h.Engagement, domain.ErrorMessage(err), domain.ErrorMessage(err)
			return nil
		}
		if err != nil {
			return err
		}
		e := h.Engagement
		v.Header, v.Engagement, v.Client = h, e, actor.Role.IsClient()
		ds, err := tx.Deliverables(ctx, engagementID)
		if err != nil {
			return err
		}
		items, err := tx.WorkItems(ctx, engagementID)
		if err != nil {
			return err
		}
		title := map[int64]string{}
		for _, it := range items {
			title[it.ID] = it.Title
		}
		for i := range ds {
			t, ok := title[ds[i].WorkItemID]
			if !ok { // an item of an earlier version of the statement of work
				if it, err := tx.WorkItem(ctx, engagementID, ds[i].WorkItemID); err == nil {
					t = it.Title
				}
			}
			ds[i].WorkItemTitle = t
		}
		if v.Client {
			for _, d := range ds {
				if c, ok := clientCopy(d); ok {
					v.Deliverables = append(v.Deliverables, c)
				}
			}
			return nil
		}
		v.Deliverables, v.Items = ds, items
		for _, d := range ds {
			if l, ok := d.Latest(); ok && l.Decision == domain.ReviewPending {
				v.Pending++
			}
		}
		v.IsReviewer = Can(actor, ReviewDeliverables) && actor.ID == e.SupervisingAttorneyID
		if Can(actor, SubmitDeliverables) {
			if err := domain.StageAllows(e.Stage, domain.ActivityDeliverable); err != nil {
				v.SubmitClosed = domain.ErrorMessage(err)
			} else {
				v.CanSubmit = true
			}
		}
		return nil
	})
	return v, err
}

// DownloadDeliverable opens a version's file for streaming and records the
// download. The client contact may download only work released to the
// client; vendor users only while the stage allows deliverable work; the
// supervising attorney's first opening of a version awaiting review starts
// its review time.
func (a *App) DownloadDeliverable(ctx context.Context, actor domain.User, engagementID, versionID int64) (DocumentStream, error) {
	var ds DocumentStream
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		h, v, err := a.deliverablesAccess(ctx, tx, actor, engagementID, versionID)
		if err != nil {
			return err
		}
		e := h.Engagement
		if actor.Role.IsClient() && v.ReleaseKind != domain.ReleaseToClient {
			return domain.NotFound("deliverable version")
		}
		if v.DocumentID == 0 {
			return domain.Errorf(domain.EConflict, "version %d was recorded without a file", v.Version)
		}
		doc, err := tx.Document(ctx, v.DocumentID)
		if err != nil {
			return err
		}
		if actor.ID == e.SupervisingAttorneyID && v.Decision == domain.ReviewPending && !v.Superseded() {
			if err := tx.MarkVersionOpened(ctx, v.ID, a.Now()); err != nil {
				return err
			}
		}
		if ds.Body, err = a.openDocumentStream(ctx, doc); err != nil {
			return err
		}
		ds.Document = doc
		who := "downloaded"
		if actor.Role.IsClient() {
			who = "the client downloaded released"
		}
		return a.audit(ctx, tx, actor, Record{Action: "deliverable.download", ObjectType: "engagement", ObjectID: engagementID, MatterID: h.MatterID,
			Summary: fmt.Sprintf("%s deliverable version %d: %q (%s, SHA-256 %s)", who, v.Version, doc.Filename, domain.FormatBytes(doc.Size), doc.SHA256)})
	})
	if err != nil {
		if ds.Body != nil {
			_ = ds.Body.Close()
		}
		return DocumentStream{}, err
	}
	return ds, nil
}
