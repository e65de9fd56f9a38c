package app

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/probity/probity/internal/auditlog"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/progress"
	"github.com/probity/probity/internal/store"
)

// A matter export is the portable archive a client who leaves takes with
// them: a ZIP file (it opens with no extra software on Windows and macOS,
// where clients' people work, and archive/zip streams it without seeking)
// holding documents/… (every document of the matter's engagements,
// decrypted and checked against its recorded SHA-256 as it is written),
// matter.json (the matter's records, field names in matter_export_json.go),
// README.txt and SHA256SUMS (one line per file, for `sha256sum -c`).
//
// What is the client's goes in; what is the firm's own or a secret stays
// out: no keys (wrapped or not), password hashes, second factors, tokens or
// sessions; no conflict-check notes, screens, vendor assessments, vendor
// invoices, in-house estimates, the vendor's private notes on deliverable
// versions, draft or unsent client invoices, unpublished briefing drafts,
// or the network addresses recorded in the audit trail.

// MatterExportResult says what an export wrote.
type MatterExportResult struct {
	Matter    string // the matter number
	Documents int    // document files written
	Bytes     int64  // their decrypted size
	Events    int    // audit events in matter.json
}

// mayExportMatter is the export gate: a firm administrator, or the
// matter's responsible attorney, and nobody else.
func mayExportMatter(actor domain.User, m domain.Matter) error {
	switch {
	case actor.Disabled:
		return domain.Errorf(domain.EForbidden, "a disabled account cannot export a matter")
	case actor.Role == domain.RoleFirmAdmin:
		return nil
	case actor.Role == domain.RoleAttorney && actor.ID != 0 && actor.ID == m.ResponsibleAttorneyID:
		return nil
	}
	return domain.Errorf(domain.EForbidden, "only a firm administrator or the matter's responsible attorney may export matter %s", m.Number)
}

// ExportMatter writes the archive of the matter numbered number to w and
// records "matter.export" in the audit trail once the archive is complete.
// It reports progress (bytes of documents written) to ctx's progress.Func
// and stops with ctx's error when ctx is cancelled; the caller discards
// what reached w when it returns an error.
func (a *App) ExportMatter(ctx context.Context, actor domain.User, number string, w io.Writer) (MatterExportResult, error) {
	res := MatterExportResult{Matter: strings.TrimSpace(number)}
	var x matterExport
	var docs []store.MatterDocument
	var m domain.Matter
	err := a.Store.Read(ctx, func(tx *store.Tx) error {
		id, err := tx.MatterIDByNumber(ctx, res.Matter)
		if err != nil {
			return err
		}
		if id == 0 {
			return domain.Errorf(domain.ENotFound, "no matter numbered %q", res.Matter)
		}
		if m, err = tx.Matter(ctx, ScopeFor(actor), id); err != nil {
			return err
		}
		if err := mayExportMatter(actor, m); err != nil {
			return err
		}
		if err := a.confidentialGate(ctx, tx, actor, m); err != nil {
			return err
		}
		if docs, err = tx.MatterDocuments(ctx, m.ID); err != nil {
			return err
		}
		x, err = a.gatherMatter(ctx, tx, m, docs)
		return err
	})
	if err != nil {
		return res, err
	}
	x.ExportedAt, x.ExportedBy = rfc3339(a.Now()), actor.Name
	res.Events = len(x.AuditEvents)

	zw := zip.NewWriter(w)
	sums := &strings.Builder{}
	stage := "Exporting matter " + m.Number
	var total, done int64
	for _, d := range docs {
		total += d.Document.Size
	}
	progress.Report(ctx, stage, 0, total)
	for i, d := range docs {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		path := x.Documents[i].ArchivePath
		if path == "" {
			continue // recorded without a stored file (demo data without a document store)
		}
		n, err := a.writeDocument(ctx, zw, path, d.Document, sums, func(n int64) {
			done += n
			progress.Report(ctx, stage, done, total)
		})
		if err != nil {
			return res, err
		}
		res.Documents++
		res.Bytes += n
	}
	body, err := json.MarshalIndent(x, "", "  ")
	if err != nil {
		return res, fmt.Errorf("export matter %s: %w", m.Number, err)
	}
	body = append(body, '\n')
	readme := []byte(matterReadme(x))
	for _, f := range []struct {
		name string
		body []byte
	}{{"matter.json", body}, {"README.txt", readme}} {
		if err := writeEntry(zw, f.name, f.body, a.Now(), sums); err != nil {
			return res, err
		}
	}
	if err := writeEntry(zw, "SHA256SUMS", []byte(sums.String()), a.Now(), nil); err != nil {
		return res, err
	}
	if err := zw.Close(); err != nil {
		return res, fmt.Errorf("export matter %s: %w", m.Number, err)
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		return a.audit(ctx, tx, actor, Record{Action: "matter.export", ObjectType: "matter", ObjectID: m.ID, MatterID: m.ID,
			Summary: fmt.Sprintf("matter exported: %s for the client (%d documents, %d bytes, %d audit events)", m.Number, res.Documents, res.Bytes, res.Events)})
	})
	return res, err
}

// writeDocument decrypts d into the archive at path, checking its SHA-256
// against the recorded one, and adds its line to sums.
func (a *App) writeDocument(ctx context.Context, zw *zip.Writer, path string, d domain.Document, sums *strings.Builder, wrote func(int64)) (int64, error) {
	rc, err := a.openDocumentStream(ctx, d)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: path, Method: zip.Deflate, Modified: d.CreatedAt.UTC()})
	if err != nil {
		return 0, fmt.Errorf("export document %d: %w", d.ID, err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(fw, h, countingWriter(wrote)), ctxReader{ctx, rc})
	if err != nil {
		if ctx.Err() != nil {
			return n, ctx.Err()
		}
		return n, a.documentError(d, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != d.SHA256 || n != d.Size {
		return n, domain.Errorf(domain.EUnavailable, "%q does not match its recorded SHA-256 and size; restore it from a backup before exporting", d.Filename)
	}
	fmt.Fprintf(sums, "%s  %s\n", d.SHA256, path)
	return n, nil
}

// writeEntry adds a small file to the archive and, unless sums is nil, its
// line to sums.
func writeEntry(zw *zip.Writer, name string, body []byte, at time.Time, sums *strings.Builder) error {
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: at.UTC()})
	if err == nil {
		_, err = fw.Write(body)
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", name, err)
	}
	if sums != nil {
		sum := sha256.Sum256(body)
		fmt.Fprintf(sums, "%s  %s\n", hex.EncodeToString(sum[:]), name)
	}
	return nil
}

// ctxReader stops a copy at the next read once ctx is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// countingWriter reports how many bytes pass.
type countingWriter func(int64)

func (c countingWriter) Write(p []byte) (int, error) {
	c(int64(len(p)))
	return len(p), nil
}

// archiveName makes a stored file name safe as the last part of a path in
// the archive: letters, digits, spaces and ._-() stay, anything else
// (slashes, control characters) becomes _, and it never starts with a dot.
func archiveName(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" ._-()", r) {
			return r
		}
		return '_'
	}, s)
	s = strings.TrimLeft(strings.TrimSpace(s), ".")
	if s == "" {
		return "file"
	}
	return s
}

// documentPath is where d goes in the archive: one folder per engagement,
// one per source, the document id first so equal names never collide.
func documentPath(d store.MatterDocument) string {
	if d.Document.KEKID == unsealedKEK {
		return ""
	}
	return fmt.Sprintf("documents/engagement-%d/%s/%d-%s", d.EngagementID, d.Source, d.Document.ID, archiveName(d.Document.Filename))
}

// rfc3339 writes t in UTC, or "" when it is zero.
func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// auditEventOut is an audit event as the archive shows it: no network
// address or request id, which are the firm's operational records.
func auditEventOut(e *auditlog.Event) exportAuditEvent {
	return exportAuditEvent{Seq: e.Seq, At: rfc3339(e.At), ActorName: e.ActorName, ActorRole: e.ActorRole, Org: e.Org, Action: e.Action,
		ObjectType: e.ObjectType, ObjectID: e.ObjectID, Summary: e.Summary, Hash: hex.EncodeToString(e.Hash)}
}
