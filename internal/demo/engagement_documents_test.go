package demo_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/probity/probity/internal/blob"
	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/testenv"
)

// The demo's conversations (a kickoff thread and a Lexora reviewer's
// question mentioning the attorney on the active engagement; a welcome on
// the communication-stage one) and, with a document store, two sealed
// engagement documents that open to their content; without one, none.
func TestDemoMessagesAndDocuments(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		dir, err := blob.NewDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		kek, _ := blob.GenerateKEK()
		blobs := blob.New(dir, kek)
		s := testenv.OpenStore(t, e)
		if err := demo.LoadWith(ctx, s, time.Now(), demo.Options{Blobs: blobs}); err != nil {
			t.Fatal(err)
		}
		var question string
		if err := s.DB().QueryRow(`SELECT m.body FROM messages m JOIN message_mentions mn ON mn.message_id = m.id JOIN users u ON u.id = mn.user_id
			JOIN users a ON a.id = m.author_id WHERE u.email = 'marcus.oyelaran@hartwellcrane.example' AND a.email = 'rohan.kulkarni@lexora.example'`).Scan(&question); err != nil {
			t.Fatalf("Rohan's question mentioning Marcus: %v", err)
		}
		var commThreads int
		_ = s.DB().QueryRow(`SELECT COUNT(*) FROM message_threads t JOIN engagements e ON e.id = t.engagement_id WHERE e.stage = 'communication'`).Scan(&commThreads)
		if commThreads == 0 {
			t.Error("no conversation on the communication-stage engagement")
		}
		err = s.Read(ctx, func(tx *store.Tx) error {
			var id int64
			if err := s.DB().QueryRow(`SELECT id FROM engagements WHERE description LIKE '%48,000%'`).Scan(&id); err != nil {
				return err
			}
			docs, err := tx.EngagementDocuments(ctx, id)
			if err != nil {
				return err
			}
			if len(docs) != 2 {
				t.Fatalf("%d engagement documents, want 2", len(docs))
			}
			for _, d := range docs {
				b, err := blobs.ReadAll(ctx, blob.Sealed{Key: d.Document.StorageKey, Size: d.Document.Size, SHA256: d.Document.SHA256, WrappedKey: d.Document.WrappedKey, KEKID: d.Document.KEKID})
				if err != nil || len(b) == 0 || bytes.IndexByte(b, 0) >= 0 {
					t.Errorf("%s: %v", d.Document.Filename, err)
				}
				if d.Document.Filename == "coding-sheet.csv" && !strings.HasPrefix(string(b), "control_no,") {
					t.Errorf("coding sheet reads %q", b)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// Without a document store: the messages, but no documents.
		s2 := testenv.OpenStore(t, e)
		if err := demo.Load(ctx, s2, time.Now()); err != nil {
			t.Fatal(err)
		}
		var n, m int
		_ = s2.DB().QueryRow(`SELECT COUNT(*) FROM engagement_documents`).Scan(&n)
		_ = s2.DB().QueryRow(`SELECT COUNT(*) FROM messages`).Scan(&m)
		if n != 0 || m < 4 {
			t.Fatalf("without blobs: %d documents, %d messages", n, m)
		}
	})
}
