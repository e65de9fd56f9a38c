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
)

// Uploads: every file a person sends (assessment evidence, matter
// documents, deliverables, message attachments) passes through sealUpload,
// which decides what the file is from its content, refuses what the caller
// does not accept, and seals it into the blob store while streaming, so no
// upload is ever held whole in memory.

// Upload is one file as a surface received it.
type Upload struct {
	Filename    string
	ClaimedType string    // the Content-Type the client sent, if any
	Body        io.Reader // read once, to its end
}

// fileKind is one kind of file a use case accepts: the type sniffing the
// content must give, the content type recorded, and its name for people.
type fileKind struct {
	Sniffed string // what sniff says of the content
	Type    string // the content type stored and served
	Name    string // "a PDF document"
}

// fileKinds is what a use case accepts, by lower-case file-name extension,
// and how to say so ("a PDF, PNG, JPEG or plain-text file (.pdf, .png, .jpg, .txt)").
type fileKinds struct {
	ByExt map[string]fileKind
	Say   string
}

var (
	kindPDF  = fileKind{"application/pdf", "application/pdf", "a PDF document"}
	kindPNG  = fileKind{"image/png", "image/png", "a PNG image"}
	kindJPEG = fileKind{"image/jpeg", "image/jpeg", "a JPEG image"}
	kindText = fileKind{"text/plain", "text/plain", "a plain-text file"}
)

// evidenceKinds are the files accepted as assessment evidence.
var evidenceKinds = fileKinds{
	ByExt: map[string]fileKind{".pdf": kindPDF, ".png": kindPNG, ".jpg": kindJPEG, ".jpeg": kindJPEG, ".txt": kindText},
	Say:   "a PDF, PNG, JPEG or plain-text file (.pdf, .png, .jpg, .txt)",
}

// describeType names a sniffed type for people.
func describeType(t string) string {
	for _, k := range []fileKind{kindPDF, kindPNG, kindJPEG, kindText} {
		if k.Sniffed == t {
			return k.Name
		}
	}
	switch {
	case t == "text/html":
		return "a web page (HTML)"
	case strings.HasPrefix(t, "image/"):
		return "an image of another kind (" + t + ")"
	case t == "application/zip":
		return "a compressed archive (ZIP; Office documents are ZIP inside)"
	case t == "application/x-gzip" || t == "application/x-rar-compressed":
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

// sealUpload checks and stores one upload: the name is cleaned, the type is
// sniffed from the content and must be one of accept's, agreeing with the
// name's extension and with the type the client claimed; content past limit
// bytes is refused while streaming. It returns the document record to
// insert (Kind and UploadedBy are the caller's to set). The caller inserts
// it in its transaction and, if that fails, calls a.dropBlob(doc.StorageKey):
// an error here leaves nothing stored.
func (a *App) sealUpload(ctx context.Context, up Upload, accept fileKinds, limit int64) (domain.Document, error) {
	var doc domain.Document
	if a.Blobs == nil {
		return doc, domain.Errorf(domain.EUnavailable, "document storage is not configured on this server")
	}
	name, err := cleanFilename(up.Filename)
	if err != nil {
		return doc, err
	}
	ext := strings.ToLower(path.Ext(name))
	want, ok := accept.ByExt[ext]
	if !ok {
		return doc, domain.Invalid("file", "the file must be %s; %q is not one of those", accept.Say, name)
	}
	if up.Body == nil {
		return doc, domain.Invalid("file", "%s is empty", name)
	}
	br := bufio.NewReaderSize(up.Body, 4096)
	head, err := br.Peek(512)
	if err != nil && err != io.EOF {
		return doc, fmt.Errorf("read the upload: %w", err)
	}
	if len(head) == 0 {
		return doc, domain.Invalid("file", "%s is empty", name)
	}
	got := sniff(head)
	if got != want.Sniffed {
		accepted := false
		for _, k := range accept.ByExt {
			accepted = accepted || k.Sniffed == got
		}
		if !accepted {
			return doc, domain.Invalid("file", "%s is %s; the file must be %s", name, describeType(got), accept.Say)
		}
		return doc, domain.Invalid("file", "this file says %s but is %s: rename it or upload the right file", ext, describeType(got))
	}
	claimed, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(up.ClaimedType)), ";")
	if claimed == "image/jpg" {
		claimed = "image/jpeg"
	}
	if claimed != "" && claimed != "application/octet-stream" && claimed != got && claimed != want.Type {
		return doc, domain.Invalid("file", "this file was sent as %s but is %s", claimed, describeType(got))
	}
	cr := &checkedReader{r: br, text: got == "text/plain"}
	sealed, err := a.Blobs.Put(ctx, cr, limit)
	switch {
	case errors.Is(err, blob.ErrTooLarge):
		return doc, domain.Invalid("file", "%s is larger than the %s limit", name, domain.FormatBytes(limit))
	case errors.Is(err, errBinaryText):
		return doc, domain.Invalid("file", "%s starts like plain text but holds binary content", name)
	case err != nil:
		return doc, err
	}
	if got == "application/pdf" && !cr.pdfComplete() {
		a.dropBlob(ctx, sealed.Key)
		return doc, domain.Invalid("file", "%s starts like a PDF but is not a complete PDF document", name)
	}
	return domain.Document{Filename: name, ContentType: want.Type, Size: sealed.Size, SHA256: sealed.SHA256,
		StorageKey: sealed.Key, WrappedKey: sealed.WrappedKey, KEKID: sealed.KEKID}, nil
}

// sealedOf is what the blob store needs to open d.
func sealedOf(d domain.Document) blob.Sealed {
	return blob.Sealed{Key: d.StorageKey, Size: d.Size, SHA256: d.SHA256, WrappedKey: d.WrappedKey, KEKID: d.KEKID}
}

// openDocumentStream opens a stored document for streaming. Every segment
// is authenticated as it is read, and the size and SHA-256 are checked at
// the end: a read error (documentError) means the content cannot be
// trusted, and a surface that already sent part of it must abort the
// response rather than finish it.
func (a *App) openDocumentStream(ctx context.Context, d domain.Document) (io.ReadCloser, error) {
	if a.Blobs == nil {
		return nil, domain.Errorf(domain.EUnavailable, "document storage is not configured on this server")
	}
	rc, err := a.Blobs.Open(ctx, sealedOf(d))
	if err != nil {
		return nil, a.documentError(d, err)
	}
	return rc, nil
}

// documentError turns a blob store failure on d into what an operator and
// a user need to hear, logging the detail.
func (a *App) documentError(d domain.Document, err error) error {
	switch {
	case errors.Is(err, blob.ErrNotFound):
		a.Log.Error("document file missing", slog.Int64("document", d.ID), slog.String("key", d.StorageKey))
		return domain.Errorf(domain.EUnavailable, "the file of %q is missing from document storage; restore the blob directory from a backup", d.Filename)
	case errors.Is(err, blob.ErrWrongKey):
		a.Log.Error("document key cannot be unwrapped", slog.Int64("document", d.ID), slog.String("kek", d.KEKID), slog.Any("err", err))
		return domain.Errorf(domain.EUnavailable, "%q was sealed with key %s, which is not the key this server has: check --key-file", d.Filename, d.KEKID)
	case errors.Is(err, blob.ErrCorrupt):
		a.Log.Error("document failed its integrity check", slog.Int64("document", d.ID), slog.Any("err", err))
		return domain.Errorf(domain.EUnavailable, "%q failed its integrity check (the stored file was altered or damaged); restore it from a backup", d.Filename)
	}
	return err
}
