package app_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/blob"
	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/progress"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// exportFixture is the demo firm with a real document store whose
// key-encryption key the test knows.
type exportFixture struct {
	a      *app.App
	s      *store.Store
	kekHex string
}

func newExportFixture(t *testing.T, e testenv.Engine) exportFixture {
	t.Helper()
	ctx := context.Background()
	dir, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	kek, err := blob.NewKEK(key)
	if err != nil {
		t.Fatal(err)
	}
	s := testenv.OpenStore(t, e)
	blobs := blob.New(dir, kek)
	if err := demo.LoadWith(ctx, s, time.Now(), demo.Options{Blobs: blobs}); err != nil {
		t.Fatal(err)
	}
	a := app.New(s, app.DefaultConfig(), slog.New(slog.DiscardHandler))
	a.Blobs = blobs
	return exportFixture{a: a, s: s, kekHex: hex.EncodeToString(key)}
}

func (f exportFixture) user(t *testing.T, email string) domain.User {
	t.Helper()
	u, err := f.a.UserByEmail(context.Background(), app.Operator, email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (f exportFixture) exportEvents(t *testing.T) int {
	t.Helper()
	var n int
	if err := f.s.DB().QueryRow(`SELECT COUNT(*) FROM audit_events WHERE action = 'matter.export'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// unzip reads every file of an archive.
func unzip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a ZIP archive: %v", err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// TestExportMatter: the responsible attorney's export of Calloway v.
// Tidewater (2026-0142) is a ZIP whose matter.json names the matter's
// engagements, documents, sent invoices and audit events; every document
// is there decrypted, with the SHA-256 the store records and SHA256SUMS
// lists; SHA256SUMS covers every other file; nothing of another client's
// matter, no draft invoice and no secret (the KEK, wrapped keys, password
// hashes, TOTP secrets) appears; the export is audited.
func TestExportMatter(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newExportFixture(t, e)
		ctx := app.WithMeta(context.Background(), app.Meta{RequestID: "test", MFA: true})
		marcus := f.user(t, "marcus.oyelaran@hartwellcrane.example")
		var buf bytes.Buffer
		res, err := f.a.ExportMatter(ctx, marcus, "2026-0142", &buf)
		if err != nil {
			t.Fatal(err)
		}
		files := unzip(t, buf.Bytes())
		var x struct {
			FormatVersion int `json:"format_version"`
			Matter        struct {
				Number     string `json:"number"`
				ClientName string `json:"client_name"`
			} `json:"matter"`
			Engagements []struct {
				ID      int64  `json:"id"`
				Vendor  string `json:"vendor"`
				Threads []struct {
					Messages []struct{ Body string } `json:"messages"`
				} `json:"message_threads"`
			} `json:"engagements"`
			Documents []struct {
				ID          int64  `json:"id"`
				FileName    string `json:"file_name"`
				SHA256      string `json:"sha256"`
				Size        int64  `json:"size"`
				ArchivePath string `json:"archive_path"`
				UploadedBy  string `json:"uploaded_by"`
				UploadedAt  string `json:"uploaded_at"`
			} `json:"documents"`
			ClientInvoices []struct {
				Number string `json:"number"`
				State  string `json:"state"`
				Total  struct {
					Minor    int64  `json:"minor"`
					Currency string `json:"currency"`
				} `json:"total"`
				Lines []json.RawMessage `json:"lines"`
			} `json:"client_invoices"`
			AuditEvents []struct {
				Action string `json:"action"`
				At     string `json:"at"`
			} `json:"audit_events"`
		}
		if err := json.Unmarshal(files["matter.json"], &x); err != nil {
			t.Fatalf("matter.json: %v", err)
		}
		if x.FormatVersion != 1 || x.Matter.Number != "2026-0142" || x.Matter.ClientName != "Calloway Freight Systems, Inc." {
			t.Fatalf("matter.json names %+v (format %d)", x.Matter, x.FormatVersion)
		}
		vendors := map[string]bool{}
		messages := 0
		for _, en := range x.Engagements {
			vendors[en.Vendor] = true
			for _, th := range en.Threads {
				messages += len(th.Messages)
			}
		}
		var engagements int
		if err := f.s.DB().QueryRow(`SELECT COUNT(*) FROM engagements e JOIN matters m ON m.id = e.matter_id WHERE m.number = '2026-0142'`).Scan(&engagements); err != nil {
			t.Fatal(err)
		}
		if len(x.Engagements) != engagements || !vendors["Lexora Legal Services Pvt. Ltd."] || !vendors["Meridian Discovery Partners Ltd"] || messages < 3 {
			t.Errorf("%d engagements of %v, %d messages; want all the matter's, Lexora's and Meridian's among them, with the kickoff and question threads", len(x.Engagements), vendors, messages)
		}
		created := false
		for _, ev := range x.AuditEvents {
			created = created || ev.Action == "matter.create"
			if _, err := time.Parse(time.RFC3339, ev.At); err != nil || !strings.HasSuffix(ev.At, "Z") {
				t.Errorf("audit event time %q is not RFC 3339 UTC", ev.At)
			}
		}
		if !created || res.Events != len(x.AuditEvents) {
			t.Errorf("audit events %+v: want the matter's opening among them", x.AuditEvents)
		}
		// Invoices: the ones Calloway received, with lines, never a draft.
		var sent, drafts []string
		rows, err := f.s.DB().Query(`SELECT ci.number, ci.state FROM client_invoices ci JOIN matters m ON m.id = ci.matter_id WHERE m.number = '2026-0142'`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var n, st string
			_ = rows.Scan(&n, &st)
			if st == "sent" || st == "paid" || st == "written_off" {
				sent = append(sent, n)
			} else {
				drafts = append(drafts, n)
			}
		}
		rows.Close()
		if len(sent) == 0 || len(x.ClientInvoices) != len(sent) {
			t.Errorf("%d invoices exported, want the %d sent ones %v", len(x.ClientInvoices), len(sent), sent)
		}
		for _, inv := range x.ClientInvoices {
			if len(inv.Lines) == 0 || inv.Total.Currency != "USD" || inv.Total.Minor == 0 {
				t.Errorf("invoice %s: %d lines, total %+v", inv.Number, len(inv.Lines), inv.Total)
			}
		}
		all := string(files["matter.json"])
		for _, n := range drafts {
			if strings.Contains(all, n) {
				t.Errorf("draft or unsent invoice %s is in the export", n)
			}
		}
		// Documents: each in the archive, matching the store and SHA256SUMS.
		sums := map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(string(files["SHA256SUMS"])), "\n") {
			sum, name, ok := strings.Cut(line, "  ")
			if !ok {
				t.Fatalf("SHA256SUMS line %q", line)
			}
			sums[name] = sum
		}
		for name, body := range files {
			if name == "SHA256SUMS" {
				continue
			}
			got := sha256.Sum256(body)
			if sums[name] != hex.EncodeToString(got[:]) {
				t.Errorf("%s: SHA256SUMS says %q, content hashes to %x", name, sums[name], got)
			}
		}
		if len(sums) != len(files)-1 {
			t.Errorf("SHA256SUMS lists %d files, the archive holds %d besides it", len(sums), len(files)-1)
		}
		stored := 0
		for _, d := range x.Documents {
			var sha string
			var size int64
			if err := f.s.DB().QueryRow(`SELECT sha256, size FROM documents WHERE id = $1`, d.ID).Scan(&sha, &size); err != nil {
				t.Fatal(err)
			}
			if d.SHA256 != sha || d.Size != size || d.UploadedBy == "" || d.UploadedAt == "" {
				t.Errorf("document %+v, the store has %s (%d bytes)", d, sha, size)
			}
			if d.ArchivePath == "" {
				continue
			}
			stored++
			body, ok := files[d.ArchivePath]
			got := sha256.Sum256(body)
			if !ok || hex.EncodeToString(got[:]) != sha || sums[d.ArchivePath] != sha || !strings.HasPrefix(d.ArchivePath, "documents/") {
				t.Errorf("%s at %q: in archive %v, hash %x, want %s", d.FileName, d.ArchivePath, ok, got, sha)
			}
		}
		if stored < 2 || res.Documents != stored {
			t.Errorf("%d documents with files (result %d), want the protocol and the coding sheet at least", stored, res.Documents)
		}
		if !strings.Contains(string(files[docPath(x.Documents, "Review protocol.txt")]), "first-level review protocol") {
			t.Error("the review protocol is not in the archive in clear text")
		}
		// Nothing of other matters, nothing secret.
		var everything strings.Builder
		for _, body := range files {
			everything.Write(body)
		}
		text := strings.ToLower(everything.String())
		for _, bad := range []string{"solace", "ardent", "greenfield", "harbor point", "loan-file", strings.ToLower(f.kekHex), "password", "totp", "argon2", "wrapped"} {
			if strings.Contains(text, bad) {
				t.Errorf("the archive contains %q", bad)
			}
		}
		var wrapped []byte
		if err := f.s.DB().QueryRow(`SELECT wrapped_key FROM documents WHERE kek_id <> 'none' ORDER BY id LIMIT 1`).Scan(&wrapped); err != nil {
			t.Fatal(err)
		}
		for _, enc := range []string{hex.EncodeToString(wrapped), base64.StdEncoding.EncodeToString(wrapped)} {
			if strings.Contains(everything.String(), enc) || bytes.Contains([]byte(everything.String()), wrapped) {
				t.Errorf("a wrapped document key is in the archive")
			}
		}
		if f.exportEvents(t) != 1 {
			t.Error("the export is not in the audit trail")
		}
	})
}

func docPath(ds []struct {
	ID          int64  `json:"id"`
	FileName    string `json:"file_name"`
	SHA256      string `json:"sha256"`
	Size        int64  `json:"size"`
	ArchivePath string `json:"archive_path"`
	UploadedBy  string `json:"uploaded_by"`
	UploadedAt  string `json:"uploaded_at"`
}, name string) string {
	for _, d := range ds {
		if d.FileName == name {
			return d.ArchivePath
		}
	}
	return ""
}

// TestExportMatterRefuses: an unknown matter is not found, and only a firm
// administrator or the matter's responsible attorney may export (not an
// attorney on its team, staff, the client's contact or a vendor); a
// refusal writes nothing and audits nothing. Cancelling the context while
// documents are written stops the export with ctx's error, unaudited.
func TestExportMatterRefuses(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newExportFixture(t, e)
		ctx := app.WithMeta(context.Background(), app.Meta{RequestID: "test", MFA: true})
		for _, c := range []struct {
			email, matter, code string
		}{
			{"marcus.oyelaran@hartwellcrane.example", "2099-9999", domain.ENotFound},
			{"priya.raman@hartwellcrane.example", "2026-0142", domain.EForbidden},
			{"daniel.brooks@hartwellcrane.example", "2026-0142", domain.EForbidden},
			{"helen.calloway@callowayfreight.example", "2026-0142", domain.EForbidden},
			{"anika.deshmukh@lexora.example", "2026-0142", domain.EForbidden},
			{"marcus.oyelaran@hartwellcrane.example", "2026-0203", domain.EForbidden}, // Priya's matter
		} {
			var buf bytes.Buffer
			_, err := f.a.ExportMatter(ctx, f.user(t, c.email), c.matter, &buf)
			if domain.ErrorCode(err) != c.code || buf.Len() != 0 {
				t.Errorf("%s exporting %s: %v (%s), %d bytes written; want %s and nothing", c.email, c.matter, err, domain.ErrorCode(err), buf.Len(), c.code)
			}
		}
		if f.exportEvents(t) != 0 {
			t.Error("a refused export was audited")
		}
		var buf bytes.Buffer
		if _, err := f.a.ExportMatter(ctx, f.user(t, "eleanor.hartwell@hartwellcrane.example"), "2026-0203", &buf); err != nil || buf.Len() == 0 {
			t.Errorf("the firm administrator's export of another attorney's matter: %v", err)
		}
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		cctx = progress.WithFunc(cctx, func(_ string, done, _ int64) {
			if done > 0 {
				cancel()
			}
		})
		buf.Reset()
		if _, err := f.a.ExportMatter(cctx, f.user(t, "marcus.oyelaran@hartwellcrane.example"), "2026-0142", &buf); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled export: %v, want context.Canceled", err)
		}
		if f.exportEvents(t) != 1 {
			t.Error("the cancelled export was audited (or the administrator's was not)")
		}
	})
}
