package app

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/probity/probity/internal/blob"
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

// evidenceTypes are the kinds of file accepted as evidence, by sniffed type.
var evidenceTypes = map[string]string{
	"application/pdf": "a PDF document",
	"image/png":       "a PNG image",
	"image/jpeg":      "a JPEG image",
	"text/plain":      "a plain-text file",
}

// extensionTypes are the file-name extensions accepted, and the type each claims.
var extensionTypes = map[string]string{".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".txt": "text/plain"}

// describeType names a sniffed type for people.
func describeType(t string) string {
	if d, ok := evidenceTypes[t]; ok {
		return d
	}
	switch {
	case t == "text/html":
		return "a web page (HTML)"
	case strings.HasPrefix(t, "image/"):
		return "an image of another kind (" + t + ")"
	case t == "application/zip" || t == "application/x-gzip" || t == "application/x-rar-compressed":
		return "a compressed archive"
	case t == "application/octet-stream":
		return "a file of unrecognised content"
	}
	return "a file of type " + t
}

// sniff decides a file's type from its first bytes, as the browser would
// (http.DetectContentType), with a stricter check for PDF: the content must
// start with the PDF signature.
func sniff(head []byte) string {
	t, _, _ := strings.Cut(http.DetectContentType(head), ";")
	if t == "application/pdf" && !bytes.HasPrefix(head, []byte("%PDF-")) {
		return "application/octet-stream"
	}
	return t
}

// cleanFilename keeps the base name of what the client sent, without
// control characters, at most 200 characters.
func cleanFilename(name string) (string, error) {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(strings.TrimSpace(name))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' {
			return -1
		}
		return r
	}, name)
	if name == "" || name == "." || name == "/" {
		return "", domain.Invalid("file", "choose a file to upload")
	}
	if utf8.RuneCountInString(name) > 200 {
		return "", domain.Invalid("file", "the file name must be at most 200 characters")
	}
	return name, nil
}

// checkedReader passes the content through while checking what sniffing
// the first bytes cannot: a plain-text file holds no NUL bytes, and a PDF
// ends with its end-of-file marker (checked by pdfComplete after the read).
type checkedReader struct {
	r    io.Reader
	text bool
	tail []byte // the last bytes read
}

var errBinaryText = errors.New("binary content in a text file")

func (c *checkedReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.text && bytes.IndexByte(p[:n], 0) >= 0 {
		return n, errBinaryText
	}
	c.tail = append(c.tail, p[:n]...)
	if len(c.tail) > 2048 {
		c.tail = append(c.tail[:0], c.tail[len(c.tail)-1024:]...)
	}
	return n, err
}

func (c *checkedReader) pdfComplete() bool {
	t := c.tail
	if len(t) > 1024 {
		t = t[len(t)-1024:]
	}
	return bytes.Contains(t, []byte("%%EOF"))
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
	if a.Blobs == nil {
		return ev, domain.Errorf(domain.EUnavailable, "document storage is not configured on this server")
	}
	name, err := cleanFilename(up.Filename)
	if err != nil {
		return ev, err
	}
	ext := strings.ToLower(path.Ext(name))
	extType, ok := extensionTypes[ext]
	if !ok {
		return ev, domain.Invalid("file", "evidence must be a PDF, PNG, JPEG or plain-text file (.pdf, .png, .jpg, .txt); %q is not one of those", name)
	}
	br := bufio.NewReaderSize(up.Body, 4096)
	head, err := br.Peek(512)
	if err != nil && err != io.EOF {
		return ev, fmt.Errorf("read the upload: %w", err)
	}
	if len(head) == 0 {
		return ev, domain.Invalid("file", "%s is empty", name)
	}
	got := sniff(head)
	if _, ok := evidenceTypes[got]; !ok {
		return ev, domain.Invalid("file", "%s is %s; evidence must be a PDF, PNG, JPEG or plain-text file", name, describeType(got))
	}
	if got != extType {
		return ev, domain.Invalid("file", "this file says %s but is %s: rename it or upload the right file", ext, describeType(got))
	}
	claimed, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(up.ClaimedType)), ";")
	if claimed == "image/jpg" {
		claimed = "image/jpeg"
	}
	if claimed != "" && claimed != "application/octet-stream" && claimed != got {
		return ev, domain.Invalid("file", "this file was sent as %s but is %s", claimed, describeType(got))
	}
	cr := &checkedReader{r: br, text: got == "text/plain"}
	sealed, err := a.Blobs.Put(ctx, cr, a.Config.MaxUpload)
	switch {
	case errors.Is(err, blob.ErrTooLarge):
		return ev, domain.Invalid("file", "%s is larger than the %s limit", name, formatBytes(a.Config.MaxUpload))
	case errors.Is(err, errBinaryText):
		return ev, domain.Invalid("file", "%s starts like plain text but holds binary content", name)
	case err != nil:
		return ev, err
	}
	if got == "application/pdf" && !cr.pdfComplete() {
		a.dropBlob(ctx, sealed.Key)
		return ev, domain.Invalid("file", "%s starts like a PDF but is not a complete PDF document", name)
	}
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		ref, err := a.uploadTarget(ctx, tx, actor, vendorID, id)
		if err != nil {
			return err
		}
		if control, err = uploadControl(ctx, tx, ref, up.ControlKey); err != nil {
			return err
		}
		doc := domain.Document{Kind: "evidence", Filename: name, ContentType: got, Size: sealed.Size, SHA256: sealed.SHA256,
			StorageKey: sealed.Key, WrappedKey: sealed.WrappedKey, KEKID: sealed.KEKID, UploadedBy: actor.ID}
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
			Summary: fmt.Sprintf("attached %q (%s, %s) to question %s of %s's security assessment", name, describeType(got), formatBytes(sealed.Size), control.Key, ref.Vendor.Name)})
	})
	if err != nil {
		a.dropBlob(ctx, sealed.Key)
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

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
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
	b, err := a.Blobs.ReadAll(ctx, blob.Sealed{Key: d.StorageKey, Size: d.Size, SHA256: d.SHA256, WrappedKey: d.WrappedKey, KEKID: d.KEKID})
	switch {
	case err == nil:
		return b, nil
	case errors.Is(err, blob.ErrNotFound):
		a.Log.Error("document file missing", slog.Int64("document", d.ID), slog.String("key", d.StorageKey))
		return nil, domain.Errorf(domain.EUnavailable, "the file of %q is missing from document storage; restore the blob directory from a backup", d.Filename)
	case errors.Is(err, blob.ErrWrongKey):
		a.Log.Error("document key cannot be unwrapped", slog.Int64("document", d.ID), slog.String("kek", d.KEKID), slog.Any("err", err))
		return nil, domain.Errorf(domain.EUnavailable, "%q was sealed with key %s, which is not the key this server has: check --key-file", d.Filename, d.KEKID)
	case errors.Is(err, blob.ErrCorrupt):
		a.Log.Error("document failed its integrity check", slog.Int64("document", d.ID), slog.Any("err", err))
		return nil, domain.Errorf(domain.EUnavailable, "%q failed its integrity check (the stored file was altered or damaged); restore it from a backup", d.Filename)
	}
	return nil, err
}
