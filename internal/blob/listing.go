package blob

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
)

// Listing what a backend holds, so that objects no database row names
// (orphans of a crash or a failed transaction) and leftovers of writes cut
// off part-way can be found and removed (app.SweepOrphanBlobs).

// Object is one complete stored object.
type Object struct {
	Key     string    // storage key
	Size    int64     // stored (ciphertext) bytes
	ModTime time.Time // when it was written
}

// Partial is the leftover of a write that never completed: a temporary file
// of Dir, or an unfinished multipart upload of S3.
type Partial struct {
	Name     string    // the temporary file's name, or the object name of the upload
	UploadID string    // S3 only: which upload
	Size     int64     // bytes held, where the backend tells (S3 does not: 0)
	Started  time.Time // when the write began (Dir: last written)
}

// List implements Backend. Files under objects/ that are not named as
// Probity names its objects (objects/xx/key) are not reported: they are not
// Probity's to remove.
func (d *Dir) List(ctx context.Context, fn func(Object) error) error {
	root := filepath.Join(d.root, "objects")
	return filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.IsDir() {
			return nil
		}
		key := e.Name()
		if !e.Type().IsRegular() || !validKey(key) || filepath.Join(root, key[:2], key) != p {
			return nil
		}
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // deleted while listing
		}
		if err != nil {
			return err
		}
		return fn(Object{Key: key, Size: info.Size(), ModTime: info.ModTime()})
	})
}

// partialPrefix begins the name of every temporary file Put writes.
const partialPrefix = "put-"

// ListPartial implements Backend: the temporary files under tmp/.
func (d *Dir) ListPartial(ctx context.Context, fn func(Partial) error) error {
	entries, err := os.ReadDir(filepath.Join(d.root, "tmp"))
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), partialPrefix) {
			continue
		}
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // renamed into place or removed meanwhile
		}
		if err != nil {
			return err
		}
		if err := fn(Partial{Name: e.Name(), Size: info.Size(), Started: info.ModTime()}); err != nil {
			return err
		}
	}
	return nil
}

// DeletePartial implements Backend. Only a bare temporary file name is
// accepted, never a path.
func (d *Dir) DeletePartial(ctx context.Context, p Partial) error {
	if !strings.HasPrefix(p.Name, partialPrefix) || filepath.Base(p.Name) != p.Name || strings.ContainsAny(p.Name, `/\`) {
		return fmt.Errorf("blob: %q is not a temporary file name", p.Name)
	}
	if err := os.Remove(filepath.Join(d.root, "tmp", p.Name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// keyOf is the storage key an object name under the prefix stands for, or
// "" for a name that is not one of Probity's (prefix + xx/key).
func (s *S3) keyOf(name string) string {
	rest, ok := strings.CutPrefix(name, s.prefix)
	if !ok {
		return ""
	}
	dir, key, ok := strings.Cut(rest, "/")
	if !ok || !validKey(key) || dir != key[:2] {
		return ""
	}
	return key
}

// List implements Backend: the objects under the prefix named as Probity
// names them; anything else in the bucket is not reported.
func (s *S3) List(ctx context.Context, fn func(Object) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing goroutine when fn fails
	for o := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix, Recursive: true}) {
		if o.Err != nil {
			return fmt.Errorf("S3 list: %w", o.Err)
		}
		key := s.keyOf(o.Key)
		if key == "" {
			continue
		}
		if err := fn(Object{Key: key, Size: o.Size, ModTime: o.LastModified}); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// ListPartial implements Backend: the unfinished multipart uploads of
// Probity's object names under the prefix.
func (s *S3) ListPartial(ctx context.Context, fn func(Partial) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for u := range s.client.ListIncompleteUploads(ctx, s.bucket, s.prefix, true) {
		if u.Err != nil {
			return fmt.Errorf("S3 list incomplete uploads: %w", u.Err)
		}
		if s.keyOf(u.Key) == "" {
			continue
		}
		if err := fn(Partial{Name: u.Key, UploadID: u.UploadID, Size: u.Size, Started: u.Initiated}); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// DeletePartial implements Backend: aborts that one upload.
func (s *S3) DeletePartial(ctx context.Context, p Partial) error {
	if s.keyOf(p.Name) == "" || p.UploadID == "" {
		return fmt.Errorf("blob: %q is not an upload of this store", p.Name)
	}
	err := minio.Core{Client: s.client}.AbortMultipartUpload(ctx, s.bucket, p.Name, p.UploadID)
	if err != nil && minio.ToErrorResponse(err).Code != "NoSuchUpload" {
		return fmt.Errorf("S3 abort upload: %w", err)
	}
	return nil
}
