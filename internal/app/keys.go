package app

import (
	"context"
	"fmt"
	"io"

	"github.com/probity/probity/internal/blob"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
)

// Key rotation (`probity keys rotate`): every document's data key is
// rewrapped under a new key-encryption key without re-encrypting content.
// Documents are taken in id order in batches; each batch is rewrapped and
// recorded (documents.wrapped_key, kek_id) in one transaction with an audit
// event, so a rotation stopped part-way resumes where it left off (only
// documents not yet under the new key are selected). The old key must stay
// available (as the configured key or a retired one) until KeyStatus shows
// no document under it.

// unsealedKEK marks document rows recorded without a stored file (the demo
// without a document store): nothing to rewrap.
const unsealedKEK = "none"

// RotationResult is what a rotation did.
type RotationResult struct {
	Rewrapped int
	Skipped   int // rows with no sealed file (kek_id "none")
	Batches   int
}

// RotateKeys rewraps every document's data key under to. progress, if set,
// is called after each batch with the running total. Operators only.
func (a *App) RotateKeys(ctx context.Context, actor domain.User, to *blob.KEK, batch int, progress func(done int)) (RotationResult, error) {
	var res RotationResult
	if !isOperator(actor) {
		return res, domain.Errorf(domain.EForbidden, "keys are rotated from the command line by the operator")
	}
	if a.Blobs == nil {
		return res, domain.Errorf(domain.EUnavailable, "document storage is not configured")
	}
	if batch <= 0 {
		batch = 500
	}
	after := int64(0)
	for {
		var docs []domain.Document
		if err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
			docs, err = tx.DocumentKeys(ctx, to.ID(), after, batch)
			return err
		}); err != nil {
			return res, err
		}
		if len(docs) == 0 {
			return res, nil
		}
		after = docs[len(docs)-1].ID
		type rewrap struct {
			id       int64
			from     string
			wrapped  []byte
			filename string
		}
		var todo []rewrap
		for _, d := range docs {
			if d.KEKID == unsealedKEK {
				res.Skipped++
				continue
			}
			w, _, err := a.Blobs.Rewrap(sealedOf(d), to)
			if err != nil {
				return res, fmt.Errorf("document %d (%s): %w", d.ID, d.Filename, err)
			}
			todo = append(todo, rewrap{d.ID, d.KEKID, w, d.Filename})
		}
		if len(todo) == 0 {
			continue
		}
		err := a.Store.Write(ctx, func(tx *store.Tx) error {
			for _, r := range todo {
				if err := tx.RewrapDocument(ctx, r.id, r.from, r.wrapped, to.ID()); err != nil {
					return fmt.Errorf("document %d (%s): %w", r.id, r.filename, err)
				}
			}
			return a.audit(ctx, tx, actor, Record{Action: "documents.rewrap", ObjectType: "documents",
				Summary: fmt.Sprintf("rewrapped the data keys of %d documents (ids %d to %d) under key %s", len(todo), todo[0].id, todo[len(todo)-1].id, to.ID())})
		})
		if err != nil {
			return res, err
		}
		res.Rewrapped += len(todo)
		res.Batches++
		if progress != nil {
			progress(res.Rewrapped)
		}
	}
}

// KeyStatus is how many documents each key-encryption key wraps, and which
// of those keys this server has.
type KeyStatus struct {
	Current string
	Retired []string
	ByKEK   map[string]int64
}

// Missing lists the keys documents still need that this server lacks.
func (k KeyStatus) Missing() []string {
	have := map[string]bool{k.Current: true, unsealedKEK: true}
	for _, r := range k.Retired {
		have[r] = true
	}
	var out []string
	for id, n := range k.ByKEK {
		if n > 0 && !have[id] {
			out = append(out, id)
		}
	}
	return out
}

// KeyStatus reports which keys the stored documents need.
func (a *App) KeyStatus(ctx context.Context) (KeyStatus, error) {
	var k KeyStatus
	if a.Blobs == nil {
		return k, domain.Errorf(domain.EUnavailable, "document storage is not configured")
	}
	k.Current, k.Retired = a.Blobs.KEKIDs()
	err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
		k.ByKEK, err = tx.KEKCounts(ctx)
		return err
	})
	return k, err
}

// VerifyDocuments opens and reads every stored document to its end
// (authenticating every segment and checking size and SHA-256), and
// returns the ids of those that fail with why. progress, if set, is called
// after each document; cancelling ctx stops the check between documents.
func (a *App) VerifyDocuments(ctx context.Context, progress func(done int)) (checked int, failed map[int64]error, err error) {
	failed = map[int64]error{}
	after := int64(0)
	for {
		var docs []domain.Document
		if err := a.Store.Read(ctx, func(tx *store.Tx) (err error) {
			docs, err = tx.AllDocuments(ctx, after, 200)
			return err
		}); err != nil {
			return checked, failed, err
		}
		if len(docs) == 0 {
			return checked, failed, nil
		}
		after = docs[len(docs)-1].ID
		for _, d := range docs {
			if err := ctx.Err(); err != nil {
				return checked, failed, err
			}
			if d.KEKID == unsealedKEK {
				continue
			}
			rc, err := a.Blobs.Open(ctx, sealedOf(d))
			if err == nil {
				_, err = io.Copy(io.Discard, rc)
				_ = rc.Close()
			}
			if err != nil {
				failed[d.ID] = a.documentError(d, err)
			}
			checked++
			if progress != nil {
				progress(checked)
			}
		}
	}
}
