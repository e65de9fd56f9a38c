package main

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

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

// openBlobs opens the encrypted document store. The key-encryption key
// comes from PROBITY_KEK (or PROBITY_KEK_FILE), else --key-file, else
// <data>/keys/probity.kek, generated there on first start; --retired-key-files
// adds older keys that still open documents until a rotation has rewrapped
// them. Documents go to --blob-store (an s3:// URL) or to the directory
// --blob-dir (<data>/blobs). A named key file that does not exist is an
// error, never replaced by a new key: a new key cannot open the documents
// sealed with the old one.
func (m *Main) openBlobs(c *Config, log *slog.Logger) (*blob.Store, error) {
	kek, err := m.loadKEK(c, log)
	if err != nil {
		return nil, err
	}
	var retired []*blob.KEK
	for _, f := range splitList(c.RetiredKeyFiles) {
		k, err := blob.LoadKEKFile(f)
		if err != nil {
			return nil, usageError("--retired-key-files: " + err.Error())
		}
		retired = append(retired, k)
	}
	var backend blob.Backend
	if c.BlobStore != "" {
		sc, err := blob.ParseS3URL(c.BlobStore)
		if err != nil {
			return nil, usageError("--blob-store: " + err.Error())
		}
		sc.AccessKey, sc.SecretKey = c.S3AccessKey, c.S3SecretKey
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s3, err := blob.NewS3(ctx, sc)
		if err != nil {
			return nil, err
		}
		backend = s3
		log.Info("documents: encrypted at rest", slog.String("blob_store", sc.String()), slog.String("key_id", kek.ID()))
	} else {
		dir, err := blob.NewDir(blobDir(c))
		if err != nil {
			return nil, err
		}
		backend = dir
		log.Info("documents: encrypted at rest", slog.String("blob_dir", dir.Root()), slog.String("key_id", kek.ID()))
	}
	s := blob.New(backend, kek)
	if len(retired) > 0 {
		s = s.WithRetired(retired...)
		_, ids := s.KEKIDs()
		log.Info("documents: retired keys still open older documents until they are rewrapped", slog.Any("retired_key_ids", ids))
	}
	return s, nil
}

// loadKEK reads the configured key-encryption key (see openBlobs).
func (m *Main) loadKEK(c *Config, log *slog.Logger) (*blob.KEK, error) {
	if c.KEK != "" {
		if c.KeyFile != "" {
			return nil, usageError("set either PROBITY_KEK or --key-file, not both")
		}
		k, err := blob.ParseKEK([]byte(c.KEK))
		if err != nil {
			return nil, usageError("PROBITY_KEK: " + err.Error())
		}
		return k, nil
	}
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
	return kek, nil
}

// blobPlace says where documents are kept, for `probity config`.
func blobPlace(c *Config) string {
	if c.BlobStore != "" {
		if sc, err := blob.ParseS3URL(c.BlobStore); err == nil {
			return sc.String()
		}
		return "(an invalid --blob-store)"
	}
	return blobDir(c)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseSize reads "2GiB", "500MiB", "64KiB" or a number of bytes.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.m
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/mult {
		return 0, errors.New("give a size such as 2GiB, 500MiB or a number of bytes (at most 1 TiB)")
	}
	return n * mult, nil
}

// checkDocuments validates the document settings.
func checkDocuments(c *Config) error {
	if _, err := parseSize(c.MaxDocumentSize); err != nil {
		return usageError("--max-document-size: " + err.Error())
	}
	if c.BlobStore != "" {
		if _, err := blob.ParseS3URL(c.BlobStore); err != nil {
			return usageError("--blob-store: " + err.Error())
		}
		if c.S3AccessKey == "" || c.S3SecretKey == "" {
			return usageError("--blob-store s3://… needs PROBITY_S3_ACCESS_KEY and PROBITY_S3_SECRET_KEY (or their *_FILE)")
		}
	}
	if c.KEK != "" {
		if _, err := blob.ParseKEK([]byte(c.KEK)); err != nil {
			return usageError("PROBITY_KEK: " + err.Error())
		}
	}
	return nil
}
