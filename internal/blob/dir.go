package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Dir is the local-directory backend: objects under root/objects/xx/key,
// written first to root/tmp and renamed into place when complete, so no
// half-written document is ever visible under its key. The directories are
// created 0700 and files 0600.
type Dir struct {
	root string
}

// NewDir opens (creating if needed) a directory backend at root.
func NewDir(root string) (*Dir, error) {
	for _, d := range []string{root, filepath.Join(root, "objects"), filepath.Join(root, "tmp")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("blob directory: %w", err)
		}
	}
	return &Dir{root: root}, nil
}

// Root is the directory the backend keeps its objects under.
func (d *Dir) Root() string { return d.root }

func validKey(key string) bool {
	if len(key) < 4 || len(key) > 64 {
		return false
	}
	for _, c := range key {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func (d *Dir) path(key string) (string, error) {
	if !validKey(key) {
		return "", fmt.Errorf("blob: invalid storage key %q", key)
	}
	return filepath.Join(d.root, "objects", key[:2], key), nil
}

// ctxReader stops a copy when its context ends.
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

// Put implements Backend.
func (d *Dir) Put(ctx context.Context, key string, r io.Reader) (err error) {
	final, err := d.path(key)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(final); err == nil {
		return fmt.Errorf("blob: %s already exists", key)
	}
	f, err := os.CreateTemp(filepath.Join(d.root, "tmp"), "put-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if _, err = io.Copy(f, ctxReader{ctx, r}); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return err
	}
	if err = os.Rename(tmp, final); err != nil {
		return err
	}
	syncDir(filepath.Dir(final))
	return nil
}

// syncDir makes a rename durable where the platform allows it.
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		_ = f.Sync()
		_ = f.Close()
	}
}

// Get implements Backend.
func (d *Dir) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	return f, err
}

// Delete implements Backend.
func (d *Dir) Delete(ctx context.Context, key string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Count reports how many objects and leftover temporary files the directory
// holds (for tests and operators checking that nothing is left behind).
func (d *Dir) Count() (objects, temps int, err error) {
	err = filepath.WalkDir(d.root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		if filepath.Base(filepath.Dir(p)) == "tmp" {
			temps++
		} else {
			objects++
		}
		return nil
	})
	return objects, temps, err
}
