package main

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/blob"
)

// kekFile is where the key-encryption key is, and whether it was named.
func kekFile(c *Config) (path string, explicit bool) {
	if c.KeyFile != "" {
		return c.KeyFile, true
	}
	return filepath.Join(c.Data, "keys", "probity.kek"), false
}

// blobDir is where encrypted documents are kept.
func blobDir(c *Config) string {
	if c.BlobDir != "" {
		return c.BlobDir
	}
	return filepath.Join(c.Data, "blobs")
}

// openBlobs opens the encrypted document store: the key-encryption key from
// --key-file, or from <data>/keys/probity.kek, generated there on first
// start; documents in --blob-dir, or <data>/blobs. A named key file that
// does not exist is an error, never replaced by a new key: a new key cannot
// open the documents sealed with the old one.
func (m *Main) openBlobs(c *Config, log *slog.Logger) (*blob.Store, error) {
	path, explicit := kekFile(c)
	kek, err := blob.LoadKEKFile(path)
	switch {
	case err == nil:
		if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
			log.Warn("the key file can be read by other users of this machine: chmod 600 it", slog.String("key_file", path), slog.String("mode", fi.Mode().Perm().String()))
		}
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		if kek, err = blob.CreateKEKFile(path); err != nil {
			return nil, errors.New("cannot create the key-encryption key: " + err.Error())
		}
		log.Warn("generated a new key-encryption key for documents: back it up now, separately from the database and the blob directory; "+
			"without it no stored document can ever be read", slog.String("key_file", path), slog.String("key_id", kek.ID()))
	case errors.Is(err, fs.ErrNotExist):
		return nil, usageError("--key-file " + path + " does not exist (Probity generates a key only at the default place, " +
			filepath.Join(c.Data, "keys", "probity.kek") + ")")
	default:
		return nil, errors.New("cannot read the key-encryption key: " + err.Error())
	}
	dir, err := blob.NewDir(blobDir(c))
	if err != nil {
		return nil, err
	}
	log.Info("documents: encrypted at rest", slog.String("blob_dir", dir.Root()), slog.String("key_id", kek.ID()))
	return blob.New(dir, kek), nil
}

// reminderPoll is how often serve looks for approvals nearing their end.
const reminderPoll = time.Hour

// startReminders sends approval-lapse reminders at start and every
// reminderPoll until ctx ends; the returned func stops it and waits.
func (m *Main) startReminders(ctx context.Context, a *app.App, log *slog.Logger) func() {
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(reminderPoll)
		defer t.Stop()
		for {
			if n, err := a.SendApprovalReminders(rctx); err != nil && rctx.Err() == nil {
				log.Error("approval reminders", slog.Any("err", err))
			} else if n > 0 {
				log.Info("approval reminders queued", slog.Int("emails", n))
			}
			select {
			case <-rctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() { cancel(); <-done }
}
