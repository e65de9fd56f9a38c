package main

import (
	"bytes"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/probity/probity/internal/blob"
	"github.com/probity/probity/internal/testenv"
)

// apiCaller calls the JSON API of a running server with an API token.
type apiCaller struct {
	base, token string
}

func newAPICaller(tb testing.TB, r *running, email string) apiCaller {
	tb.Helper()
	args := append([]string{"token", "create", "--user", email, "--name", "documents test", "--scope", "write"}, engineArgs(r.DB, r.Data)...)
	out, errOut, err := runCLI(tb, nil, "", args...)
	if err != nil {
		tb.Fatalf("token create: %v\n%s", err, errOut)
	}
	return apiCaller{base: r.URL + "/api/v1", token: strings.TrimSpace(out)}
}

func (c apiCaller) do(tb testing.TB, method, path, contentType string, body io.Reader) *http.Response {
	tb.Helper()
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	return resp
}

func (c apiCaller) json(tb testing.TB, method, path string, body io.Reader, want int, v any) {
	tb.Helper()
	resp := c.do(tb, method, path, "", body)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		tb.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, b, want)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			tb.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// activeEngagement finds the demo's active Calloway/Lexora engagement.
func (c apiCaller) activeEngagement(tb testing.TB) int64 {
	tb.Helper()
	var list struct {
		Items []struct {
			ID          int64  `json:"id"`
			Description string `json:"description"`
		} `json:"items"`
	}
	c.json(tb, http.MethodGet, "/engagements?limit=200", nil, http.StatusOK, &list)
	for _, e := range list.Items {
		if strings.Contains(e.Description, "48,000") {
			return e.ID
		}
	}
	tb.Fatalf("no active Calloway engagement in %+v", list.Items)
	return 0
}

type uploadedDoc struct {
	ID       int64 `json:"id"`
	Document struct {
		ID     int64  `json:"id"`
		SHA256 string `json:"sha256"`
		Size   int64  `json:"size"`
	} `json:"document"`
}

// Quality bars (a) and (b): a file uploaded through the HTTP API leaves no
// plaintext anywhere in the data directory (SQLite database, WAL, blobs) or
// in any PostgreSQL table; a flipped byte in one ciphertext segment makes
// the download fail clearly (an error before anything is sent, or the
// connection cut before the declared length once streaming has begun).
func TestDocumentsLeaveNoPlaintextAndTamperingAborts(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		r := startServer(t, e, "--demo")
		marcus := newAPICaller(t, r, "marcus.oyelaran@hartwellcrane.example")
		id := marcus.activeEngagement(t)
		mk := make([]byte, 16)
		_, _ = rand.Read(mk)
		marker := "PLAINTEXT-MARKER-" + hex.EncodeToString(mk)
		var content bytes.Buffer
		for content.Len() < 1<<20 {
			fmt.Fprintf(&content, "%s line %d of the privileged memo\n", marker, content.Len())
		}
		var doc uploadedDoc
		marcus.json(t, http.MethodPut, fmt.Sprintf("/engagements/%d/documents?filename=PLAINTEXmemo-name.txt&folder=Memos", id), bytes.NewReader(content.Bytes()), http.StatusCreated, &doc)
		if doc.Document.SHA256 != blob.Sum(content.Bytes()) || doc.Document.Size != int64(content.Len()) {
			t.Fatalf("upload recorded %+v", doc)
		}
		resp := marcus.do(t, http.MethodGet, fmt.Sprintf("/engagements/%d/documents/%d/content", id, doc.ID), "", nil)
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || !bytes.Equal(got, content.Bytes()) {
			t.Fatalf("download: %d, %d bytes, %v", resp.StatusCode, len(got), err)
		}
		// (a) No plaintext in any file of the data directory...
		var files, named int
		var blobPath string
		err = filepath.WalkDir(r.Data, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			files++
			if bytes.Contains(b, []byte(marker)) {
				t.Errorf("%s holds the plaintext marker", p)
			}
			if bytes.Contains(b, []byte(marker[:8]+"memo-name")) {
				named++ // the positive control: the file name is metadata, stored as such
			}
			if strings.Contains(p, filepath.Join("blobs", "objects")) && int64(len(b)) > doc.Document.Size {
				blobPath = p // the only stored object larger than the memo
			}
			return nil
		})
		if r.DB == "" && named == 0 {
			t.Error("the scan does not find even the document's name in the SQLite files: it would not find the content either")
		}
		if err != nil || files == 0 || blobPath == "" {
			t.Fatalf("scanned %d files, blob %q: %v", files, blobPath, err)
		}
		// ...nor in any row of any PostgreSQL table.
		if r.DB != "" {
			scanPostgres(t, r.DB, marker, marker[:8]+"memo-name")
		}
		// (b) Tamper with a segment well past the first response buffer:
		// the response starts, then is cut before its declared length.
		raw, err := os.ReadFile(blobPath)
		if err != nil {
			t.Fatal(err)
		}
		raw[len(raw)*3/4] ^= 0x20
		if err := os.WriteFile(blobPath, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		resp = marcus.do(t, http.MethodGet, fmt.Sprintf("/engagements/%d/documents/%d/content", id, doc.ID), "", nil)
		got, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.ContentLength != doc.Document.Size {
			t.Fatalf("tampered download began with %d, length %d", resp.StatusCode, resp.ContentLength)
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) || int64(len(got)) >= doc.Document.Size {
			t.Fatalf("tampered download completed: %d of %d bytes, %v", len(got), doc.Document.Size, err)
		}
		if !strings.Contains(r.Stderr.String(), "document failed its integrity check") {
			t.Errorf("the server did not log the integrity failure:\n%s", r.Stderr.String())
		}
		// Tampering in the first segment: refused before anything is sent, with a clear error.
		raw[len(raw)*3/4] ^= 0x20
		raw[40] ^= 0x01
		if err := os.WriteFile(blobPath, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		resp = marcus.do(t, http.MethodGet, fmt.Sprintf("/engagements/%d/documents/%d/content", id, doc.ID), "", nil)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK || !strings.Contains(string(b), "failed its integrity check") {
			t.Fatalf("first-segment tampering: %d %s", resp.StatusCode, b)
		}
	})
}

func scanPostgres(t *testing.T, dbURL, marker, control string) {
	t.Helper()
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		_ = rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) < 10 {
		t.Fatalf("only %d tables found to scan", len(tables))
	}
	found := 0
	for _, tb := range tables {
		var n, c int
		// Every column of every row as text (bytea as hex and as escaped text).
		q := fmt.Sprintf(`SELECT COUNT(*) FROM %q t WHERE t::text LIKE '%%' || $1 || '%%' OR encode(convert_to(t::text, 'UTF8'), 'escape') LIKE '%%' || $1 || '%%'`, tb)
		if err := db.QueryRow(q, marker).Scan(&n); err != nil {
			t.Fatalf("scan %s: %v", tb, err)
		}
		if n > 0 {
			t.Errorf("table %s holds the plaintext marker in %d rows", tb, n)
		}
		if err := db.QueryRow(q, control).Scan(&c); err != nil {
			t.Fatalf("scan %s: %v", tb, err)
		}
		found += c
	}
	if found == 0 {
		t.Error("the scan does not find even the document's name in the tables: it would not find the content either")
	}
}

// TestDocumentsOnS3: `serve --blob-store s3://…` keeps the demo's and new
// documents in a real S3-compatible server (versitygw, started by the test):
// an upload and download round-trip through it, and the bucket holds only
// ciphertext. Bad S3 settings are refused before anything starts, and
// `config` never shows the secret key.
func TestDocumentsOnS3(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		sc := testenv.S3(t)
		store := "s3://" + sc.Bucket + "/probity?endpoint=" + sc.Endpoint + "&region=" + sc.Region
		r := startServer(t, e, "--demo", "--blob-store", store, "--s3-access-key", sc.AccessKey, "--s3-secret-key", sc.SecretKey)
		marcus := newAPICaller(t, r, "marcus.oyelaran@hartwellcrane.example")
		id := marcus.activeEngagement(t)
		content := []byte(strings.Repeat("S3 round trip of a matter document.\n", 5000))
		var doc uploadedDoc
		marcus.json(t, http.MethodPut, fmt.Sprintf("/engagements/%d/documents?filename=s3.txt", id), bytes.NewReader(content), http.StatusCreated, &doc)
		resp := marcus.do(t, http.MethodGet, fmt.Sprintf("/engagements/%d/documents/%d/content", id, doc.ID), "", nil)
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || !bytes.Equal(got, content) {
			t.Fatalf("download from S3: %d bytes, %v", len(got), err)
		}
		if _, err := os.Stat(filepath.Join(r.Data, "blobs", "objects")); err == nil {
			t.Error("documents went to the blob directory, not the S3 store")
		}
		s3, err := blob.NewS3(t.Context(), func() blob.S3Config { c := sc; c.Prefix = "probity"; return c }())
		if err != nil {
			t.Fatal(err)
		}
		if objs, incomplete, err := s3.Count(t.Context()); err != nil || objs < 3 || incomplete != 0 {
			t.Fatalf("bucket: %d objects, %d unfinished uploads, %v", objs, incomplete, err)
		}
		base := engineArgs(r.DB, r.Data)
		out, _, err := runCLI(t, nil, "", append([]string{"config", "--blob-store", store, "--s3-access-key", sc.AccessKey, "--s3-secret-key", sc.SecretKey}, base...)...)
		if err != nil || strings.Contains(out, sc.SecretKey) || !strings.Contains(out, "s3://"+sc.Bucket) {
			t.Fatalf("config: %v\n%s", err, out)
		}
		for _, bad := range [][]string{
			{"--blob-store", "s3://"}, // no bucket
			{"--blob-store", store},   // no credentials
			{"--blob-store", "s3://key:secret@bucket?endpoint=" + sc.Endpoint}, // credentials in the URL
			{"--max-document-size", "lots"},
		} {
			if _, _, err := runCLI(t, nil, "", append(append([]string{"config"}, bad...), base...)...); err == nil {
				t.Errorf("config %v was accepted", bad)
			}
		}
	})
}
