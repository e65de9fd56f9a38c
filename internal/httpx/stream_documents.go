package httpx

import (
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/probity/probity/internal/domain"
)

// Streaming uploads and downloads of documents of any size: nothing here
// holds a file in memory.

// StreamDownload sends a document as an attachment of size bytes, copying
// body to the response as it is read. body authenticates its content as
// it goes: if a read fails part-way (a tampered or damaged file), the
// response is aborted (the connection is cut, so the client sees a
// truncated transfer, never a completed one) rather than finished. An
// error before any byte is sent is returned for the caller to report.
func StreamDownload(w http.ResponseWriter, r *http.Request, contentType, filename string, size int64, body io.Reader) error {
	buf := make([]byte, 256<<10)
	n, err := io.ReadFull(body, buf[:min(int64(len(buf)), max(size, 1))])
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return err
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if _, werr := w.Write(buf[:n]); werr != nil {
		return nil
	}
	if _, err := io.CopyBuffer(w, onlyReader{body}, buf); err != nil {
		Log(r).Error("document download aborted", slog.String("file", filename), slog.Any("err", err))
		panic(http.ErrAbortHandler)
	}
	return nil
}

// onlyReader hides WriterTo/ReaderFrom so CopyBuffer uses the buffer.
type onlyReader struct{ io.Reader }

// FormPart is the file part of a streamed multipart form, with the text
// fields that came before it.
type FormPart struct {
	Fields map[string]string
	File   *multipart.Part // nil when the form had no file
}

// ErrUploadTooLarge is returned by StreamForm when the body passed limit.
var ErrUploadTooLarge = errors.New("the upload is larger than the limit")

// UploadError says, for the file field, that an upload passed its limit
// (ErrUploadTooLarge, or a body cut by http.MaxBytesReader); any other
// error is returned as it is.
func UploadError(err error, limit int64) error {
	var mbe *http.MaxBytesError
	if errors.Is(err, ErrUploadTooLarge) || errors.As(err, &mbe) {
		return domain.Invalid("file", "the file is larger than the %s limit", domain.FormatBytes(limit))
	}
	return err
}

// StreamForm reads a multipart/form-data body whose text fields (each at
// most 64 KiB) come before its one file part named fileField, and calls put
// with the fields and the file part unbuffered (File nil when there is no
// file, or it was left empty). The body is capped a little above limit;
// reading past it fails with an error wrapping ErrUploadTooLarge.
func StreamForm(w http.ResponseWriter, r *http.Request, limit int64, fileField string, put func(FormPart) error) error {
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "multipart/form-data" {
		return errNotMultipart
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit+256<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return errNotMultipart
	}
	fp := FormPart{Fields: map[string]string{}}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return put(fp)
		}
		if err != nil {
			return tooLarge(err)
		}
		if part.FormName() == fileField {
			if part.FileName() == "" {
				continue
			}
			fp.File = part
			return tooLarge(put(fp))
		}
		b, err := io.ReadAll(io.LimitReader(part, 64<<10))
		if err != nil {
			return tooLarge(err)
		}
		fp.Fields[part.FormName()] = string(b)
	}
}

var errNotMultipart = errors.New("send the file as a multipart/form-data body")

// IsNotMultipart reports whether StreamForm refused the body's type.
func IsNotMultipart(err error) bool { return errors.Is(err, errNotMultipart) }

func tooLarge(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return ErrUploadTooLarge
	}
	return err
}
