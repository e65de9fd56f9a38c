package app

import (
	"context"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Engagement documents: the firm shares matter documents with the vendor's
// team, and vendor members upload their working files. Every upload streams
// through sealUpload into the encrypted blob store (a data key per
// document, wrapped by the firm's key-encryption key); every listing, view
// of a document's record and download is work on the engagement
// (domain.ActivityDocument, decided by workEngagement: the stage, the
// client's consent, the vendor member's briefing acknowledgement and lapsed
// personnel) and every view and download is an audit event.

var (
	kindDOCX = fileKind{"application/zip", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "a Word document"}
	kindXLSX = fileKind{"application/zip", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "an Excel workbook"}
	kindPPTX = fileKind{"application/zip", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "a PowerPoint presentation"}
	kindCSV  = fileKind{"text/plain", "text/csv", "a CSV file"}
	kindEML  = fileKind{"text/plain", "message/rfc822", "an email message (.eml)"}
)

// matterKinds are the files accepted as matter documents and attachments.
// Office documents are ZIP archives inside: ZIP content is accepted only
// under their extensions, never as a bare .zip.
var matterKinds = fileKinds{
	ByExt: map[string]fileKind{".pdf": kindPDF, ".docx": kindDOCX, ".xlsx": kindXLSX, ".pptx": kindPPTX,
		".txt": kindText, ".csv": kindCSV, ".eml": kindEML, ".png": kindPNG, ".jpg": kindJPEG, ".jpeg": kindJPEG},
	Say: "a PDF, Word, Excel, PowerPoint, plain-text, CSV, email (.eml), PNG or JPEG file",
}

// DocumentUpload is one matter document sent to an engagement.
type DocumentUpload struct {
	Filename    string
	ClaimedType string
	Folder      string
	Description string
	Body        io.Reader // read once, to its end
}

func cleanFolder(s string) (string, error) {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	s = strings.Trim(s, "/ ")
	if utf8.RuneCountInString(s) > 80 {
		return "", domain.Invalid("folder", "the folder name must be at most 80 characters")
	}
	return s, nil
}

func cleanDescription(s string) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > 1000 {
		return "", domain.Invalid("description", "the description must be at most 1000 characters")
	}
	return s, nil
}

func sideOf(u domain.User) string {
	if u.Role.IsVendor() {
		return "vendor"
	}
	return "firm"
}

// CheckDocumentUpload reports whether actor may share a document on the
// engagement now, so a surface can refuse before reading an upload.
func (a *App) CheckDocumentUpload(ctx context.Context, actor domain.User, engagementID int64) error {
	return a.Store.Read(ctx, func(tx *store.Tx) error {
		if _, err := a.workEngagement(ctx, tx, actor, engagementID, domain.ActivityDocument); err != nil {
			return err
		}
		return require(actor, WorkOnEngagements)
	})
}

// UploadEngagementDocument seals one file into the blob store, streaming,
// and shares it on the engagement. Bad input (no name, an empty file, a
// type that is not accepted or does not match its extension, a file over
// the limit) is refused with nothing stored: no blob and no row.
func (a *App) UploadEngagementDocument(ctx context.Context, actor domain.User, engagementID int64, up DocumentUpload) (store.EngagementDocument, error) {
	var ed store.EngagementDocument
	folder, err := cleanFolder(up.Folder)
	if err != nil {
		return ed, err
	}
	desc, err := cleanDescription(up.Description)
	if err != nil {
		return ed, err
	}
	if err := a.CheckDocumentUpload(ctx, actor, engagementID); err != nil {
		return ed, err
	}
	doc, err := a.sealUpload(ctx, Upload{Filename: up.Filename, ClaimedType: up.ClaimedType, Body: up.Body}, matterKinds, a.Config.MaxDocument)
	if err != nil {
		return ed, err
	}
	doc.Kind, doc.UploadedBy = "matter", actor.ID
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, err := a.workEngagement(ctx, tx, actor, engagementID, domain.ActivityDocument)
		if err != nil {
			return err
		}
		if err := require(actor, WorkOnEngagements); err != nil {
			return err
		}
		if err := tx.CreateDocument(ctx, &doc, a.Now()); err != nil {
			return err
		}
		ed = store.EngagementDocument{EngagementID: engagementID, Side: sideOf(actor), Folder: folder, Description: desc, Document: doc}
		if err := tx.AddEngagementDocument(ctx, &ed, a.Now()); err != nil {
			return err
		}
		ed.Document.UploaderName = actor.Name
		where := ""
		if folder != "" {
			where = " in " + folder
		}
		return a.audit(ctx, tx, actor, Record{Action: "engagement.document_upload", ObjectType: "engagement", ObjectID: engagementID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("shared %q version %d%s (%s, %s, SHA-256 %s)", doc.Filename, ed.Version, where, describeKind(doc.ContentType), domain.FormatBytes(doc.Size), doc.SHA256)})
	})
	if err != nil {
		a.dropBlob(ctx, doc.StorageKey)
		return store.EngagementDocument{}, err
	}
	return ed, nil
}

// describeKind names a stored content type for people.
func describeKind(t string) string {
	for _, k := range matterKinds.ByExt {
		if k.Type == t {
			return k.Name
		}
	}
	return describeType(t)
}

// DescribeContentType names a stored content type for people ("a Word document").
func DescribeContentType(t string) string { return describeKind(t) }

// EngagementDocuments lists the documents shared on an engagement.
func (a *App) EngagementDocuments(ctx context.Context, actor domain.User, engagementID int64) ([]store.EngagementDocument, error) {
	var list []store.EngagementDocument
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		if _, err = a.workEngagement(ctx, tx, actor, engagementID, domain.ActivityDocument); err != nil {
			return err
		}
		if err = require(actor, WorkOnEngagements); err != nil {
			return err
		}
		list, err = tx.EngagementDocuments(ctx, engagementID)
		return err
	})
	return list, err
}

// EngagementDocument returns one shared document's record (name, type,
// size, SHA-256, who shared it) and records the view in the audit trail.
func (a *App) EngagementDocument(ctx context.Context, actor domain.User, engagementID, id int64) (store.EngagementDocument, error) {
	var ed store.EngagementDocument
	err := a.Store.Write(ctx, func(tx *store.Tx) (err error) {
		// A document not of this engagement is not found, whatever gate
		// the engagement is behind (as an engagement out of scope is).
		if ed, err = tx.EngagementDocument(ctx, engagementID, id); err != nil {
			return err
		}
		ref, err := a.workEngagement(ctx, tx, actor, engagementID, domain.ActivityDocument)
		if err != nil {
			return err
		}
		if err := require(actor, WorkOnEngagements); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, Record{Action: "engagement.document_view", ObjectType: "engagement", ObjectID: engagementID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("viewed the record of %q version %d", ed.Document.Filename, ed.Version)})
	})
	return ed, err
}

// DocumentStream is a document being downloaded: its record and its
// content, authenticated segment by segment as it is read. A read error
// means the content cannot be trusted: a surface that already sent part of
// it must abort the response rather than complete it.
type DocumentStream struct {
	Document domain.Document
	Body     io.ReadCloser
}

// checkedBody turns a failure part-way through a document (a tampered or
// damaged segment) into the error people and operators need (documentError).
type checkedBody struct {
	rc  io.ReadCloser
	a   *App
	doc domain.Document
}

func (c checkedBody) Read(p []byte) (int, error) {
	n, err := c.rc.Read(p)
	if err != nil && err != io.EOF {
		err = c.a.documentError(c.doc, err)
	}
	return n, err
}

func (c checkedBody) Close() error { return c.rc.Close() }

// DownloadEngagementDocument opens a shared document for streaming and
// records the download in the audit trail. The caller closes Body.
func (a *App) DownloadEngagementDocument(ctx context.Context, actor domain.User, engagementID, id int64) (DocumentStream, error) {
	var ds DocumentStream
	err := a.Store.Write(ctx, func(tx *store.Tx) error {
		ed, err := tx.EngagementDocument(ctx, engagementID, id) // not of this engagement: not found, before any gate
		if err != nil {
			return err
		}
		ref, err := a.workEngagement(ctx, tx, actor, engagementID, domain.ActivityDocument)
		if err != nil {
			return err
		}
		if err := require(actor, WorkOnEngagements); err != nil {
			return err
		}
		rc, err := a.openDocumentStream(ctx, ed.Document)
		if err != nil {
			return err
		}
		ds.Body = checkedBody{rc, a, ed.Document}
		ds.Document = ed.Document
		return a.audit(ctx, tx, actor, Record{Action: "engagement.document_download", ObjectType: "engagement", ObjectID: engagementID, MatterID: ref.Matter.ID,
			Summary: fmt.Sprintf("downloaded %q version %d (%s, SHA-256 %s)", ed.Document.Filename, ed.Version, domain.FormatBytes(ed.Document.Size), ed.Document.SHA256)})
	})
	if err != nil {
		if ds.Body != nil {
			_ = ds.Body.Close()
		}
		return DocumentStream{}, err
	}
	return ds, nil
}

// DocumentsView is the engagement's Documents page: the heading, and the
// shared documents, or why they are closed to the actor now.
type DocumentsView struct {
	Header      store.EngagementSummary
	Documents   []store.EngagementDocument
	Closed      string // why documents cannot be shared or opened now ("" when they can)
	MaxDocument int64
}

// DocumentsPage builds the Documents page. A closed gate (the stage, the
// client's consent, the briefing acknowledgement, lapsed personnel) is
// shown on the page, not raised; anything else (not found, a client) is
// an error.
func (a *App) DocumentsPage(ctx context.Context, actor domain.User, engagementID int64) (DocumentsView, error) {
	v := DocumentsView{MaxDocument: a.Config.MaxDocument}
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		if v.Header, err = a.engagementHeader(ctx, tx, actor, engagementID); err != nil {
			return err
		}
		if _, err := a.workEngagement(ctx, tx, actor, engagementID, domain.ActivityDocument); err != nil {
			if domain.ErrorCode(err) == domain.EGateClosed {
				v.Closed = domain.ErrorMessage(err)
				return nil
			}
			return err
		}
		if err := require(actor, WorkOnEngagements); err != nil {
			return err
		}
		v.Documents, err = tx.EngagementDocuments(ctx, engagementID)
		return err
	})
	return v, err
}
