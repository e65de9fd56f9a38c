package app_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/blob"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/testenv"
)

// TestConsentEvidenceFile: an attorney records a consent given outside
// Probity with the signed letter attached; the file is sealed, the firm
// and the client open it (audited), a vendor user cannot, and a refused
// recording (bad file, no answer pending) leaves neither a row nor a file.
func TestConsentEvidenceFile(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		f := newGatesFixture(t, e)
		dir, err := blob.NewDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		kek, err := blob.GenerateKEK()
		if err != nil {
			t.Fatal(err)
		}
		f.a.Blobs = blob.New(dir, kek)
		marcus, sam, anika := f.people[emMarcus], f.people[emSam], f.people[emAnika]
		p, err := f.a.ProposeEngagement(f.ctx, marcus, f.proposal(greenNo, "good"))
		if err != nil {
			t.Fatal(err)
		}
		id := p.Engagement.ID
		if _, err := f.a.IssueDisclosure(f.ctx, marcus, id); err != nil {
			t.Fatal(err)
		}
		files := func() int {
			n := 0
			_ = filepath.WalkDir(dir.Root(), func(_ string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					n++
				}
				return err
			})
			return n
		}
		docs := func() (n int) {
			if err := f.a.Store.DB().QueryRow(`SELECT COUNT(*) FROM documents WHERE kind = 'consent_evidence'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := consentRows(t, f.a)
		_, err = f.a.RecordConsent(f.ctx, marcus, id, app.RecordedConsent{Give: true,
			File: &app.Upload{Filename: "letter.pdf", Body: strings.NewReader("<html>not a letter</html>")}})
		wantCode(t, err, domain.EInvalid, "a web page sent as the signed letter")
		if consentRows(t, f.a) != before || files() != 0 || docs() != 0 {
			t.Fatalf("a refused file left something behind: rows %v→%v, %d files, %d documents", before, consentRows(t, f.a), files(), docs())
		}

		letter := []byte("%PDF-1.4\n1 0 obj << >> endobj\nSigned: Sam Okafor, Greenfield Municipal Credit Union\n%%EOF\n")
		c, err := f.a.RecordConsent(f.ctx, marcus, id, app.RecordedConsent{Give: true,
			File: &app.Upload{Filename: "Signed consent GMCU.pdf", ClaimedType: "application/pdf", Body: bytes.NewReader(letter)}})
		if err != nil || c.State != domain.ConsentGiven || c.EvidenceDocumentID == 0 || !strings.Contains(c.Evidence, "Signed consent GMCU.pdf") {
			t.Fatalf("record with the letter: %+v %v", c, err)
		}
		if files() != 1 || docs() != 1 {
			t.Fatalf("%d files and %d documents after one letter", files(), docs())
		}

		for _, u := range []domain.User{marcus, sam} {
			doc, rc, err := f.a.ConsentEvidence(f.ctx, u, id, c.ID)
			if err != nil {
				t.Fatalf("%s opening the letter: %v", u.Name, err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || !bytes.Equal(got, letter) || doc.Filename != "Signed consent GMCU.pdf" {
				t.Fatalf("%s read %q (%v), want the letter", u.Name, got, err)
			}
		}
		if n := auditCount(t, f.a, "consent.evidence_download", f.matters[greenNo]); n != 2 {
			t.Errorf("%d audited openings, want 2", n)
		}
		_, _, err = f.a.ConsentEvidence(f.ctx, anika, id, c.ID)
		wantCode(t, err, domain.ENotFound, "a vendor user opening the client's letter")
		_, _, err = f.a.ConsentEvidence(f.ctx, marcus, id, c.ID+1000)
		wantCode(t, err, domain.ENotFound, "another consent's evidence")

		// Nothing is pending any more: a second letter is refused and not kept.
		_, err = f.a.RecordConsent(f.ctx, marcus, id, app.RecordedConsent{Give: false,
			File: &app.Upload{Filename: "second.pdf", Body: bytes.NewReader(letter)}})
		if err == nil {
			t.Fatal("recording a second answer was accepted")
		}
		if files() != 1 || docs() != 1 {
			t.Errorf("a refused second letter left %d files and %d documents", files(), docs())
		}
	})
}
