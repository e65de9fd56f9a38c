package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/domain"
)

const documentUsage = `Usage:
  probity document list --engagement ID --as EMAIL
      list the documents shared on the engagement: id, folder, name, version,
      size, who shared it
  probity document upload --engagement ID --file PATH --as EMAIL [--folder F] [--description D]
      share a matter document on the engagement (PDF, Word, Excel, PowerPoint,
      plain text, CSV, .eml, PNG or JPEG); the file is streamed into the
      encrypted document store, never read whole
  probity document download --engagement ID --document N --as EMAIL [--out PATH]
      stream document N to PATH (default: standard output), verified as it is
      read; the download is recorded in the audit trail

Each acts as the user given by --as, through the same rules as the web UI and
the API (the stage, the client's consent, the briefing acknowledgement,
lapsed NDA or training); a refusal prints why and exits 1, changing nothing.
`

func (m *Main) document(ctx context.Context, args []string) error {
	subs := map[string]string{
		"list":     "document list --engagement ID --as EMAIL [flags]",
		"upload":   "document upload --engagement ID --file PATH --as EMAIL [--folder F] [--description D] [flags]",
		"download": "document download --engagement ID --document N --as EMAIL [--out PATH] [flags]",
	}
	if len(args) == 0 || subs[args[0]] == "" {
		fmt.Fprint(m.Stderr, documentUsage)
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
			return nil
		}
		return usageError("document needs a subcommand: list, upload or download")
	}
	sub := args[0]
	var as, file, folder, desc, out string
	var eid, did int64
	c, _, err := m.parse("document "+sub, subs[sub], args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "email of the user to act as")
		fs.Int64Var(&eid, "engagement", 0, "id of the engagement")
		switch sub {
		case "upload":
			fs.StringVar(&file, "file", "", "the file to share")
			fs.StringVar(&folder, "folder", "", "the folder to file it in (optional)")
			fs.StringVar(&desc, "description", "", "what the document is (optional)")
		case "download":
			fs.Int64Var(&did, "document", 0, "id of the shared document (see document list)")
			fs.StringVar(&out, "out", "", "where to write it (default: standard output)")
		}
	})
	if err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(as) == "":
		return usageError("document " + sub + " needs --as EMAIL: the user to act as")
	case eid <= 0:
		return usageError("document " + sub + " needs --engagement ID")
	case sub == "upload" && file == "":
		return usageError("document upload needs --file PATH")
	case sub == "download" && did <= 0:
		return usageError("document download needs --document N (see document list)")
	}
	var f *os.File
	if sub == "upload" {
		if f, err = os.Open(file); errors.Is(err, fs.ErrNotExist) {
			return usageError("--file " + file + " does not exist")
		} else if err != nil {
			return err
		}
		defer f.Close()
	}
	s, err := m.openCurrent(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	a := m.newApp(s, c)
	if a.Blobs, err = m.openBlobs(c, m.logger(c)); err != nil {
		return err
	}
	ctx = app.WithMeta(ctx, app.Meta{RequestID: "cli", MFA: true})
	actor, err := a.UserByEmail(ctx, app.Operator, as)
	if err != nil {
		return err
	}
	switch sub {
	case "upload":
		ed, err := a.UploadEngagementDocument(ctx, actor, eid, app.DocumentUpload{Filename: filepath.Base(file), Folder: folder, Description: desc, Body: f})
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Shared %q version %d (document %d, %s, %d bytes, SHA-256 %s).\n", ed.Document.Filename, ed.Version, ed.ID,
			app.DescribeContentType(ed.Document.ContentType), ed.Document.Size, ed.Document.SHA256)
		return nil
	case "download":
		return m.downloadDocument(ctx, a, actor, eid, did, out)
	}
	list, err := a.EngagementDocuments(ctx, actor, eid)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(m.Stdout, "No documents shared yet: share one with `probity document upload`.")
	}
	for _, d := range list {
		folder := d.Folder
		if folder == "" {
			folder = "-"
		}
		fmt.Fprintf(m.Stdout, "%d\t%s\t%s\tversion %d\t%d bytes\t%s (%s)\t%s\n", d.ID, folder, d.Document.Filename, d.Version, d.Document.Size,
			d.Document.UploaderName, d.Side, d.Description)
	}
	return nil
}

// downloadDocument streams a shared document to out (or standard output).
// A file is written beside out and renamed into place only once the whole
// content has been read and verified, so a damaged document never leaves a
// partial copy under the name asked for.
func (m *Main) downloadDocument(ctx context.Context, a *app.App, actor domain.User, eid, did int64, out string) error {
	ds, err := a.DownloadEngagementDocument(ctx, actor, eid, did)
	if err != nil {
		return err
	}
	defer ds.Body.Close()
	if out == "" || out == "-" {
		_, err := io.Copy(m.Stdout, ds.Body)
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".probity-download-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // gone after the rename; removes a partial copy
	n, err := io.Copy(tmp, ds.Body)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "Wrote %s (%d bytes, SHA-256 %s).\n", out, n, ds.Document.SHA256)
	return nil
}
