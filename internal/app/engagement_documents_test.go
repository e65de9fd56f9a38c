package app_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/blob"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

const (
	emRohan = "rohan.kulkarni@lexora.example"
	emMaria = "maria.santos@bayanihan.example"
	emThom  = "thomas.walsh@keystonereview.example"
)

// docFixture is the demo firm with a real blob store: Calloway's Lexora
// review is active; Greenfield's Bayanihan abstraction is at the
// communication stage.
type docFixture struct {
	a       *app.App
	ctx     context.Context
	people  map[string]domain.User
	dir     *blob.Dir
	active  int64 // Calloway / Lexora, active
	comm    int64 // Greenfield / Bayanihan, communication
	blobDir string
	kek     *blob.KEK
}

func newDocFixture(tb testing.TB, e testenv.Engine) *docFixture {
	tb.Helper()
	a, people, _ := demoApp(tb, e)
	f := &docFixture{a: a, people: people, ctx: app.WithMeta(context.Background(), app.Meta{Address: "192.0.2.7", RequestID: "docs-test", MFA: true})}
	f.blobDir = tb.TempDir()
	dir, err := blob.NewDir(f.blobDir)
	if err != nil {
		tb.Fatal(err)
	}
	kek, _ := blob.GenerateKEK()
	f.dir, f.kek, a.Blobs = dir, kek, blob.New(dir, kek).WithSegment(1024)
	err = a.Store.Read(context.Background(), func(tx *store.Tx) error {
		list, err := tx.ListEngagements(context.Background(), store.Scope{All: true}, store.EngagementFilter{Page: store.Page{Limit: store.MaxPageSize}})
		for _, s := range list {
			switch {
			case s.Stage == domain.StageActive && strings.Contains(s.Description, "48,000"):
				f.active = s.ID
			case s.Stage == domain.StageCommunication:
				f.comm = s.ID
			}
		}
		return err
	})
	if err != nil || f.active == 0 || f.comm == 0 {
		tb.Fatalf("demo engagements: active %d, communication %d, %v", f.active, f.comm, err)
	}
	f.acknowledgeBriefing(tb, emAnika, emRohan)
	return f
}

// acknowledgeBriefing publishes a briefing on the active engagement and has
// the named vendor members acknowledge it (the gate before documents).
func (f *docFixture) acknowledgeBriefing(tb testing.TB, who ...string) {
	tb.Helper()
	s := domain.BriefingSections{JurisdictionRules: "S.D.N.Y. local rules apply.", LocalRules: "Local Civil Rule 26.2 on privilege logs.",
		ClientGuidelines: "Calloway's outside counsel guidelines, 2026.", Formatting: "Bates-stamped PDF.", PrivilegeHandling: "Tag PRIV; never produce.",
		StrategyFit: "First-level review feeds the privilege log.", Confidentiality: "Matter data stays in the review platform."}
	if _, err := f.a.SaveBriefingDraft(f.ctx, f.people[emMarcus], f.active, s); err != nil {
		tb.Fatalf("briefing draft: %v", err)
	}
	if _, err := f.a.PublishBriefing(f.ctx, f.people[emMarcus], f.active); err != nil {
		tb.Fatalf("publish briefing: %v", err)
	}
	for _, em := range who {
		if _, err := f.a.AcknowledgeBriefing(f.ctx, f.people[em], f.active, f.people[em].Name); err != nil {
			tb.Fatalf("%s acknowledges: %v", em, err)
		}
	}
}

func (f *docFixture) count(tb testing.TB, table string) int {
	tb.Helper()
	var n int
	if err := f.a.Store.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// dirBytes is every stored object's bytes, in path order.
func (f *docFixture) dirBytes(tb testing.TB) []byte {
	tb.Helper()
	var out []byte
	err := filepath.WalkDir(filepath.Join(f.blobDir, "objects"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out = append(append(out, p...), b...)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func (f *docFixture) objects(tb testing.TB) int {
	tb.Helper()
	n, temps, err := f.dir.Count()
	if err != nil || temps != 0 {
		tb.Fatalf("blob dir: %d temps, %v", temps, err)
	}
	return n
}

func (f *docFixture) upload(tb testing.TB, who string, name, folder string, content []byte) store.EngagementDocument {
	tb.Helper()
	ed, err := f.a.UploadEngagementDocument(f.ctx, f.people[who], f.active, app.DocumentUpload{Filename: name, Folder: folder, Body: bytes.NewReader(content)})
	if err != nil {
		tb.Fatalf("upload %s as %s: %v", name, who, err)
	}
	return ed
}

func readStream(tb testing.TB, ds app.DocumentStream) ([]byte, error) {
	tb.Helper()
	defer ds.Body.Close()
	return io.ReadAll(ds.Body)
}

func TestEngagementDocumentsShareListDownload(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newDocFixture(t, e)
		audit0 := f.count(t, "audit_events")
		protocol := []byte(strings.Repeat("Review protocol: tag privileged documents PRIV.\n", 200))
		ed := f.upload(t, emMarcus, "  ../../Review Protocol.txt", "Protocols", protocol)
		if ed.Document.Filename != "Review Protocol.txt" || ed.Version != 1 || ed.Side != "firm" || ed.Folder != "Protocols" ||
			ed.Document.SHA256 != blob.Sum(protocol) || ed.Document.Size != int64(len(protocol)) || ed.Document.ContentType != "text/plain" {
			t.Fatalf("shared: %+v", ed)
		}
		again := f.upload(t, emMarcus, "review protocol.txt", "Protocols", []byte("second version\n"))
		if again.Version != 2 {
			t.Fatalf("second upload of the same name is version %d, want 2", again.Version)
		}
		csv := f.upload(t, emAnika, "coding.csv", "", []byte("doc,tag\n1,PRIV\n"))
		if csv.Side != "vendor" || csv.Document.ContentType != "text/csv" || csv.Version != 1 {
			t.Fatalf("vendor upload: %+v", csv)
		}
		list, err := f.a.EngagementDocuments(f.ctx, f.people[emRohan], f.active)
		if err != nil || len(list) != 3 {
			t.Fatalf("Rohan lists %d documents, %v", len(list), err)
		}
		ds, err := f.a.DownloadEngagementDocument(f.ctx, f.people[emRohan], f.active, ed.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := readStream(t, ds)
		if err != nil || !bytes.Equal(got, protocol) {
			t.Fatalf("download: %d bytes, %v", len(got), err)
		}
		if _, err := f.a.EngagementDocument(f.ctx, f.people[emAnika], f.active, csv.ID); err != nil {
			t.Fatal(err)
		}
		// Three uploads, one download, one view: five audit events.
		if n := f.count(t, "audit_events") - audit0; n != 5 {
			t.Fatalf("%d audit events, want 5", n)
		}
		var actions []string
		rows, err := f.a.Store.DB().Query(`SELECT action FROM audit_events ORDER BY seq DESC LIMIT 2`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			_ = rows.Scan(&s)
			actions = append(actions, s)
		}
		rows.Close()
		if strings.Join(actions, ",") != "engagement.document_view,engagement.document_download" {
			t.Fatalf("last audit actions %v", actions)
		}
		// A document of one engagement is not found through another.
		_, err = f.a.DownloadEngagementDocument(f.ctx, f.people[emPriya], f.comm, ed.ID)
		if code := domain.ErrorCode(err); code != domain.ENotFound && code != domain.EGateClosed {
			t.Fatalf("cross-engagement download: %v", err)
		}
	})
}

func TestEngagementDocumentsRefuseBadInputAndLeaveNothing(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newDocFixture(t, e)
		f.a.Config.MaxDocument = 4096
		docs0, rows0, objs0, audit0 := f.count(t, "documents"), f.count(t, "engagement_documents"), f.objects(t), f.count(t, "audit_events")
		marcus := f.people[emMarcus]
		cases := []struct {
			name, file, claimed, want string
			body                      []byte
		}{
			{"empty", "notes.txt", "", "is empty", nil},
			{"oversize", "big.txt", "", "larger than the 4 KiB limit", bytes.Repeat([]byte("a"), 5000)},
			{"extension", "tool.exe", "", "the file must be", []byte("MZ\x90\x00")},
			{"mismatch", "brief.pdf", "", "this file says .pdf but is", []byte("just text\n")},
			{"claimed", "notes.txt", "image/png", "was sent as image/png", []byte("just text\n")},
			{"binary text", "notes.txt", "", "binary content", append(bytes.Repeat([]byte("a"), 3000), 0, 1, 2)},
			{"bare zip", "archive.zip", "", "the file must be", []byte("PK\x03\x04rest")},
			{"folder", "notes.txt", "", "folder name", []byte("x")},
		}
		for _, c := range cases {
			up := app.DocumentUpload{Filename: c.file, ClaimedType: c.claimed, Body: bytes.NewReader(c.body)}
			if c.name == "folder" {
				up.Folder = strings.Repeat("f", 81)
			}
			_, err := f.a.UploadEngagementDocument(f.ctx, marcus, f.active, up)
			wantCode(t, err, domain.EInvalid, c.name)
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %q does not say %q", c.name, err, c.want)
			}
		}
		if f.count(t, "documents") != docs0 || f.count(t, "engagement_documents") != rows0 || f.objects(t) != objs0 || f.count(t, "audit_events") != audit0 {
			t.Fatal("a refused upload left something behind")
		}
		// A Word document (ZIP inside) is accepted under its own extension.
		docx := append([]byte("PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml"), bytes.Repeat([]byte{0xAB}, 600)...)
		ed, err := f.a.UploadEngagementDocument(f.ctx, marcus, f.active, app.DocumentUpload{Filename: "Memo.docx", Body: bytes.NewReader(docx)})
		if err != nil || !strings.Contains(ed.Document.ContentType, "wordprocessingml") {
			t.Fatalf("docx: %+v %v", ed.Document, err)
		}
	})
}

func TestEngagementDocumentsGates(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newDocFixture(t, e)
		objs0 := f.objects(t)
		body := func() io.Reader { return strings.NewReader("hello\n") }
		// Communication stage: no documents yet, for either side.
		_, err := f.a.UploadEngagementDocument(f.ctx, f.people[emPriya], f.comm, app.DocumentUpload{Filename: "a.txt", Body: body()})
		wantCode(t, err, domain.EGateClosed, "documents at the communication stage")
		_, err = f.a.EngagementDocuments(f.ctx, f.people[emMaria], f.comm)
		wantCode(t, err, domain.EGateClosed, "vendor listing at the communication stage")
		// The client takes no part; another vendor's user does not see it.
		_, err = f.a.UploadEngagementDocument(f.ctx, f.people[emHelen], f.active, app.DocumentUpload{Filename: "a.txt", Body: body()})
		if code := domain.ErrorCode(err); code != domain.EForbidden && code != domain.ENotFound {
			t.Fatalf("client upload: %v", err)
		}
		_, err = f.a.EngagementDocuments(f.ctx, f.people[emThom], f.active)
		wantCode(t, err, domain.ENotFound, "another vendor's user")
		if f.objects(t) != objs0 {
			t.Fatal("a refused upload stored a blob")
		}
	})
}

func TestEngagementDocumentTamperedChunkFailsClearly(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newDocFixture(t, e)
		content := bytes.Repeat([]byte("0123456789abcdef"), 1000) // 16 segments of 1 KiB
		ed := f.upload(t, emMarcus, "data.txt", "", content)
		p := filepath.Join(f.blobDir, "objects", ed.Document.StorageKey[:2], ed.Document.StorageKey)
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		raw[len(raw)/2] ^= 0x01
		if err := os.WriteFile(p, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		ds, err := f.a.DownloadEngagementDocument(f.ctx, f.people[emMarcus], f.active, ed.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := readStream(t, ds)
		if domain.ErrorCode(err) != domain.EUnavailable || !strings.Contains(err.Error(), "failed its integrity check") {
			t.Fatalf("tampered download: %v", err)
		}
		if len(got) >= len(content)/2+1024 {
			t.Fatalf("%d bytes were released past the tampered segment", len(got))
		}
	})
}
