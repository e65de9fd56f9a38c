// Package backup writes and restores a consistent online backup of a SQLite
// installation as one tar.gz archive: a snapshot of the database taken with
// VACUUM INTO (one read transaction, so the server keeps writing meanwhile),
// the encrypted documents of the blob directory, and a manifest naming every
// file with its size and SHA-256. The documents' data keys travel wrapped in
// their database rows; the key-encryption key that unwraps them is never
// read, so an archive alone opens no document.
//
// The snapshot is taken before the blob directory is copied: a document's
// ciphertext is stored, under a key never reused, before the transaction
// that names it commits, and is never changed afterwards, so every document
// the snapshot names is in the directory when it is copied (later uploads
// add files no row names, which are harmless).
package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/progress"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/sqlite"
)

// Format is the archive layout's version, written in the manifest.
const Format = 1

// Names inside the archive.
const (
	ManifestName = "manifest.json"
	DatabaseName = "probity.db"
	BlobPrefix   = "blobs/objects/"
)

// Manifest describes an archive. It is its last entry: the checksums are
// known only once every file has been written.
type Manifest struct {
	Format        int       `json:"format"`
	Probity       string    `json:"probity_version"`
	Engine        string    `json:"engine"`
	SchemaVersion int       `json:"schema_version"`
	CreatedAt     time.Time `json:"created_at"`
	// Documents is how many stored documents the database names, each with
	// its data key wrapped by one of KEKIDs, the key-encryption keys needed
	// to open them, which are not in the archive.
	Documents int64    `json:"documents"`
	KEKIDs    []string `json:"kek_ids"`
	Files     []File   `json:"files"`
}

// File is one file of the archive.
type File struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Options say what Create backs up.
type Options struct {
	Store   *store.Store // a SQLite store
	BlobDir string       // the blob directory (its objects/ are copied); "" or missing: none
	Out     string       // the archive to write; it must not exist
	Version string       // the probity version, for the manifest
	Now     time.Time
}

// Create writes the archive to o.Out, first as o.Out+".partial", renamed
// when complete and synced; on any error or cancellation nothing is left
// at o.Out and the partial file is removed.
func Create(ctx context.Context, o Options) (man Manifest, err error) {
	if o.Store.Engine() != "sqlite" {
		return man, domain.Errorf(domain.EInvalid, "backup copies the embedded SQLite engine; for PostgreSQL use pg_dump and a copy of the blob store (docs/OPERATIONS.md, \"Backups\")")
	}
	if _, err := os.Lstat(o.Out); err == nil {
		return man, domain.Invalid("out", "%s already exists: choose a new file name", o.Out)
	}
	dir := filepath.Dir(o.Out)
	tmp, err := os.MkdirTemp(dir, ".probity-backup-*")
	if err != nil {
		return man, domain.Errorf(domain.EUnavailable, "cannot write in %s: %v", dir, err)
	}
	defer os.RemoveAll(tmp)

	// 1. The database: a consistent snapshot while writers carry on.
	progress.Report(ctx, "Copying the database", 0, 0)
	snap := filepath.Join(tmp, DatabaseName)
	// On the writer connection (the readers are query_only), yet only a
	// read transaction on the source: other processes keep writing.
	if _, err := o.Store.DB().ExecContext(ctx, `VACUUM INTO $1`, snap); err != nil {
		return man, fmt.Errorf("snapshot the database: %w", err)
	}
	man, err = describe(ctx, snap)
	if err != nil {
		return man, err
	}
	man.Format, man.Probity, man.Engine, man.CreatedAt = Format, o.Version, "sqlite", o.Now.UTC()

	// 2. The documents present now (a superset of those the snapshot names).
	type blobFile struct {
		name, path string
		size       int64
	}
	var blobs []blobFile
	var total int64
	if o.BlobDir != "" {
		root := filepath.Join(o.BlobDir, "objects")
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) && p == root {
					return fs.SkipDir
				}
				return err
			}
			if !d.Type().IsRegular() {
				return nil
			}
			fi, err := d.Info()
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			blobs = append(blobs, blobFile{BlobPrefix + filepath.ToSlash(rel), p, fi.Size()})
			total += fi.Size()
			return nil
		})
		if err != nil {
			return man, fmt.Errorf("list the blob directory: %w", err)
		}
	}

	// 3. The archive.
	partial := o.Out + ".partial"
	f, err := os.OpenFile(partial, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return man, domain.Errorf(domain.EUnavailable, "cannot create %s: %v", partial, err)
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(partial)
		}
	}()
	// Fastest compression: a database compresses well even so, and a
	// backup of a large one is bound by this CPU time.
	gz, err := gzip.NewWriterLevel(f, gzip.BestSpeed)
	if err != nil {
		return man, err
	}
	tw := tar.NewWriter(gz)
	add := func(name, p string, size int64, done *int64) error {
		src, err := os.Open(p)
		if err != nil {
			return err
		}
		defer src.Close()
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: size, ModTime: man.CreatedAt, Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
			return err
		}
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(tw, h), io.LimitReader(ctxReader{ctx, src}, size))
		if err != nil {
			return err
		}
		if n != size {
			return fmt.Errorf("%s shrank while it was copied", p)
		}
		man.Files = append(man.Files, File{Path: name, Size: size, SHA256: hex.EncodeToString(h.Sum(nil))})
		if done != nil {
			*done += size
			progress.Report(ctx, "Copying the documents", *done, total)
		}
		return nil
	}
	fi, err := os.Stat(snap)
	if err != nil {
		return man, err
	}
	if err := add(DatabaseName, snap, fi.Size(), nil); err != nil {
		return man, fmt.Errorf("archive the database: %w", err)
	}
	var done int64
	for _, b := range blobs {
		if err := add(b.name, b.path, b.size, &done); err != nil {
			return man, fmt.Errorf("archive %s: %w", b.name, err)
		}
	}
	mb, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return man, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: ManifestName, Mode: 0o600, Size: int64(len(mb)), ModTime: man.CreatedAt, Typeflag: tar.TypeReg}); err != nil {
		return man, err
	}
	if _, err := tw.Write(mb); err != nil {
		return man, err
	}
	if err := tw.Close(); err != nil {
		return man, err
	}
	if err := gz.Close(); err != nil {
		return man, err
	}
	if err := f.Sync(); err != nil {
		return man, err
	}
	if err := f.Close(); err != nil {
		return man, err
	}
	if err := os.Rename(partial, o.Out); err != nil {
		return man, err
	}
	return man, nil
}

// describe checks the snapshot's integrity and reads its schema version
// and the documents' key ids.
func describe(ctx context.Context, snap string) (Manifest, error) {
	var man Manifest
	s, err := sqlite.Open(ctx, snap)
	if err != nil {
		return man, err
	}
	defer s.Close()
	// The writer connection: the readers map up to 1 GiB of the file.
	db := s.DB()
	var check string
	if err := db.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&check); err != nil {
		return man, fmt.Errorf("check the snapshot: %w", err)
	}
	if check != "ok" {
		return man, fmt.Errorf("the database snapshot fails its integrity check: %s", check)
	}
	if man.SchemaVersion, _, err = s.SchemaStatus(ctx); err != nil {
		return man, err
	}
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM documents`).Scan(&man.Documents); err != nil {
		return man, fmt.Errorf("count the documents: %w", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT DISTINCT kek_id FROM documents ORDER BY kek_id`)
	if err != nil {
		return man, fmt.Errorf("read the documents' key ids: %w", err)
	}
	defer rows.Close()
	man.KEKIDs = []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return man, err
		}
		man.KEKIDs = append(man.KEKIDs, id)
	}
	return man, rows.Err()
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

// validName accepts only the names Create writes.
func validName(name string) bool {
	if name == DatabaseName || name == ManifestName {
		return true
	}
	rest, ok := strings.CutPrefix(name, BlobPrefix)
	return ok && rest != "" && path.Clean(name) == name && !strings.Contains(rest, "..") && !strings.HasPrefix(rest, "/")
}

// damaged is the refusal of an archive that is not what its manifest says.
func damaged(format string, args ...any) error {
	return domain.Errorf(domain.EInvalid, "the backup is damaged or not a Probity backup: "+format+"; nothing was restored", args...)
}

// walk reads every entry of the archive, calling fn with each file's name
// and content; it hashes every file and returns the hashes found and the
// manifest.
func walk(ctx context.Context, archive string, stage string, fn func(name string, r io.Reader) error) (map[string]File, *Manifest, error) {
	f, err := os.Open(archive)
	if err != nil {
		return nil, nil, domain.Errorf(domain.ENotFound, "cannot open the backup %s: %v", archive, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	cr := &countingReader{ctx: ctx, r: f, stage: stage, total: fi.Size()}
	gz, err := gzip.NewReader(cr)
	if err != nil {
		return nil, nil, damaged("%v", err)
	}
	tr := tar.NewReader(gz)
	found := map[string]File{}
	var man *Manifest
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			return nil, nil, damaged("%v", err)
		}
		if h.Typeflag != tar.TypeReg || !validName(h.Name) {
			return nil, nil, damaged("unexpected entry %q", h.Name)
		}
		if _, dup := found[h.Name]; dup || man != nil {
			return nil, nil, damaged("entry %q is repeated or follows the manifest", h.Name)
		}
		if h.Name == ManifestName {
			var m Manifest
			if err := json.NewDecoder(io.LimitReader(tr, 64<<20)).Decode(&m); err != nil {
				return nil, nil, damaged("the manifest cannot be read: %v", err)
			}
			man = &m
			continue
		}
		hs := sha256.New()
		var r io.Reader = io.TeeReader(tr, hs)
		if fn != nil {
			if err := fn(h.Name, r); err != nil {
				return nil, nil, err
			}
		}
		if _, err := io.Copy(io.Discard, r); err != nil { // what fn left unread
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			return nil, nil, damaged("%s: %v", h.Name, err)
		}
		found[h.Name] = File{Path: h.Name, Size: h.Size, SHA256: hex.EncodeToString(hs.Sum(nil))}
	}
	if man == nil {
		return nil, nil, damaged("it has no manifest")
	}
	return found, man, nil
}

// check compares what an archive holds with its manifest.
func check(found map[string]File, man *Manifest) error {
	if man.Format != Format {
		return damaged("its format is %d, this probity reads %d", man.Format, Format)
	}
	if man.Engine != "sqlite" {
		return damaged("it is of engine %q", man.Engine)
	}
	if len(found) != len(man.Files) {
		return damaged("it holds %d files, its manifest lists %d", len(found), len(man.Files))
	}
	hasDB := false
	for _, mf := range man.Files {
		got, ok := found[mf.Path]
		switch {
		case !ok:
			return damaged("%s is missing", mf.Path)
		case got.Size != mf.Size || got.SHA256 != mf.SHA256:
			return damaged("%s does not match its SHA-256 in the manifest", mf.Path)
		}
		hasDB = hasDB || mf.Path == DatabaseName
	}
	if !hasDB {
		return damaged("it holds no database")
	}
	return nil
}

// Verify reads the whole archive and checks every file against the
// manifest, writing nothing.
func Verify(ctx context.Context, archive string) (Manifest, error) {
	found, man, err := walk(ctx, archive, "Checking the backup", nil)
	if err != nil {
		return Manifest{}, err
	}
	if err := check(found, man); err != nil {
		return Manifest{}, err
	}
	return *man, nil
}

// Empty reports whether dir is missing or an empty directory.
func Empty(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return len(entries) == 0, nil
}

// Restore checks the whole archive (Verify), then accept (which may refuse
// the manifest, e.g. a newer schema), then writes the database and the
// documents into dir, which must be missing or empty: first into a new
// directory beside it, hashed again as written, then renamed into place.
// On any refusal or error dir is as it was.
func Restore(ctx context.Context, archive, dir string, accept func(Manifest) error) (Manifest, error) {
	if ok, err := Empty(dir); err != nil {
		return Manifest{}, err
	} else if !ok {
		return Manifest{}, domain.Errorf(domain.EConflict, "%s is not empty: restore only into a new or empty data directory (nothing was changed)", dir)
	}
	man, err := Verify(ctx, archive)
	if err != nil {
		return man, err
	}
	if accept != nil {
		if err := accept(man); err != nil {
			return man, err
		}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return man, err
	}
	parent := filepath.Dir(abs)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return man, err
	}
	tmp, err := os.MkdirTemp(parent, ".probity-restore-*")
	if err != nil {
		return man, domain.Errorf(domain.EUnavailable, "cannot write in %s: %v", parent, err)
	}
	defer os.RemoveAll(tmp) // gone after the rename; the leftovers of a failure otherwise
	// keys/ waits, empty, for the key file the operator copies in.
	for _, d := range []string{filepath.Join(tmp, "blobs", "tmp"), filepath.Join(tmp, "keys")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return man, err
		}
	}
	found, _, err := walk(ctx, archive, "Restoring", func(name string, r io.Reader) error {
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return err
		}
		out, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, r); err != nil {
			_ = out.Close()
			return err
		}
		if err := out.Sync(); err != nil {
			_ = out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		return man, err
	}
	// The archive could have changed between the two readings.
	if err := check(found, &man); err != nil {
		return man, err
	}
	if ok, err := Empty(dir); err != nil || !ok {
		return man, domain.Errorf(domain.EConflict, "%s was written to during the restore: nothing was restored", dir)
	}
	_ = os.Remove(abs) // an empty directory makes way for the rename
	if err := os.Rename(tmp, abs); err != nil {
		return man, err
	}
	return man, nil
}

// countingReader reports how much of the archive has been read.
type countingReader struct {
	ctx         context.Context
	r           io.Reader
	stage       string
	done, total int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	c.done += int64(n)
	progress.Report(c.ctx, c.stage, c.done, c.total)
	return n, err
}
