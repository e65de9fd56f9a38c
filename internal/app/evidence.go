package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Evidence files: a vendor manager attaches them to the controls of their
// assessment in progress; firm users and that vendor's managers download
// them, and every download is audited. Files are sealed in the blob store
// (internal/blob); the database keeps their record (documents) and the
// wrapped data key.

// EvidenceUpload is one file sent for a control.
type EvidenceUpload struct {
	ControlKey  string
	Filename    string
	ClaimedType string    // the Content-Type the client sent, if any
	Body        io.Reader // read once, to its end
}

// UploadEvidence stores a file for a control of the vendor's assessment in
// progress. The type is sniffed from the content: only PDF, PNG, JPEG and
// plain text are accepted, and the file name's extension (and the type the
// client claimed) must agree with what the content is. Files over the size
// limit are refused while streaming. The blob is written first and the
// record inserted in one transaction; if anything fails, neither the record
// nor the file remains.
func (a *App) UploadEvidence(ctx context.Context, actor domain.User, vendorID, id int64, up EvidenceUpload) (domain.Evidence, error) {
	var ev domain.Evidence
	var ref assessmentRef
	var control domain.Control
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		if ref, err = a.uploadTarget(ctx, tx, actor, vendorID, id); err != nil {
			return err
		}
		control, err = uploadControl(ctx, tx, ref, up.ControlKey)
		return err
	})
	if err != nil {
		return ev, err
	}
	doc, err := a.sealUpload(ctx, Upload{Filename: up.Filename, ClaimedType: up.ClaimedType, Body: up.Body}, evidenceKinds, a.Config.MaxUpload)
	if err != nil {
		return ev, err
	}
	doc.Kind, doc.UploadedBy = "evidence", actor.ID
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, err := a.uploadTarget(ctx, tx, actor, vendorID, id)
		if err != nil {
			return err
		}
		if control, err = uploadControl(ctx, tx, ref, up.ControlKey); err != nil {
			return err
		}
		if err := tx.CreateDocument(ctx, &doc, a.Now()); err != nil {
			return err
		}
		kind := control.Evidence
		if kind == domain.EvidenceNone {
			kind = domain.EvidenceOther
		}
		ev = domain.Evidence{AssessmentID: id, ControlKey: control.Key, Kind: kind, Document: doc}
		if err := tx.AddEvidence(ctx, &ev); err != nil {
			return err
		}
		ev.Document.UploaderName = actor.Name
		return a.audit(ctx, tx, actor, Record{Action: "assessment.evidence_upload", ObjectType: "assessment", ObjectID: id,
			Summary: fmt.Sprintf("attached %q (%s, %s) to question %s of %s's security assessment", doc.Filename, describeType(doc.ContentType), domain.FormatBytes(doc.Size), control.Key, ref.Vendor.Name)})
	})
	if err != nil {
		a.dropBlob(ctx, doc.StorageKey)
		return domain.Evidence{}, err
	}
	return ev, nil
}

// dropBlob removes a stored file whose record was never written.
func (a *App) dropBlob(ctx context.Context, key string) {
	if err := a.Blobs.Delete(context.WithoutCancel(ctx), key); err != nil {
		a.Log.Error("remove an orphaned document", slog.String("key", key), slog.Any("err", err))
	}
}

// CheckEvidenceUpload reports whether actor may attach evidence to the
// assessment now, so a surface can refuse before reading an upload.
func (a *App) CheckEvidenceUpload(ctx context.Context, actor domain.User, vendorID, id int64) error {
	return a.Store.Read(ctx, func(tx *store.Tx) error {
		_, err := a.uploadTarget(ctx, tx, actor, vendorID, id)
		return err
	})
}

func (a *App) uploadTarget(ctx context.Context, tx *store.Tx, actor domain.User, vendorID, id int64) (assessmentRef, error) {
	ref, err := a.loadAssessment(ctx, tx, actor, vendorID, id, AnswerAssessments)
	if err == nil && ref.Assessment.Status != domain.AssessmentInProgress {
		err = domain.Errorf(domain.EConflict, "this assessment was submitted; evidence can no longer be added")
	}
	return ref, err
}

func uploadControl(ctx context.Context, tx *store.Tx, ref assessmentRef, key string) (domain.Control, error) {
	q, err := tx.Questionnaire(ctx, ref.Assessment.QuestionnaireID)
	if err != nil {
		return domain.Control{}, err
	}
	c, ok := q.Control(strings.TrimSpace(key))
	if !ok {
		return c, domain.Invalid("control", "choose the question the file is evidence for")
	}
	return c, nil
}

// EvidenceFile is a downloaded evidence file: its record and its verified content.
type EvidenceFile struct {
	Evidence domain.Evidence
	Content  []byte
}

// DownloadEvidence returns an evidence file to a firm user or one of the
// vendor's managers, and records the download in the audit trail. The
// content is read whole and verified (every segment authenticated, size and
// SHA-256 checked) before any of it is returned.
func (a *App) DownloadEvidence(ctx context.Context, actor domain.User, vendorID, id, evidenceID int64) (EvidenceFile, error) {
	var f EvidenceFile
	var ref assessmentRef
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		if ref, err = a.loadAssessment(ctx, tx, actor, vendorID, id, ViewAssessments); err != nil {
			return err
		}
		f.Evidence, err = tx.EvidenceItem(ctx, evidenceID)
		if err != nil || f.Evidence.AssessmentID != id {
			return domain.NotFound("evidence")
		}
		return nil
	})
	if err != nil {
		return f, err
	}
	if f.Content, err = a.openDocument(ctx, f.Evidence.Document); err != nil {
		return EvidenceFile{}, err
	}
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		return a.audit(ctx, tx, actor, Record{Action: "assessment.evidence_download", ObjectType: "assessment", ObjectID: id,
			Summary: fmt.Sprintf("downloaded %q (%s, question %s) from %s's security assessment", f.Evidence.Document.Filename,
				f.Evidence.Kind.Label(), f.Evidence.ControlKey, ref.Vendor.Name)})
	})
	if err != nil {
		return EvidenceFile{}, err
	}
	return f, nil
}

// openDocument reads a stored document whole, verified.
func (a *App) openDocument(ctx context.Context, d domain.Document) ([]byte, error) {
	if a.Blobs == nil {
		return nil, domain.Errorf(domain.EUnavailable, "document storage is not configured on this server")
	}
	b, err := a.Blobs.ReadAll(ctx, sealedOf(d))
	if err != nil {
		return nil, a.documentError(d, err)
	}
	return b, nil
}
