package main

import (
	"bufio"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Streaming documents through the real server, run as a separate process
// so its peak memory (VmHWM, the high-water mark of its resident set, from
// /proc) is the server's alone. The CI test sends 256 MiB each way under a
// 100 MB ceiling; the benchmark (scripts/bench Documents) measures
// throughput against raw AES-256-GCM sealing on the same machine, with
// PROBITY_BENCH_DOC_SIZE (default 256 MiB; 2 GiB for the recorded run).

// textBlock is one 64 KiB block of plain text the generator repeats.
var textBlock = func() []byte {
	var b strings.Builder
	for i := 0; b.Len() < 64<<10; i++ {
		fmt.Fprintf(&b, "Line %06d of a large production set: privileged and confidential review material.\n", i)
	}
	return []byte(b.String()[:64<<10-1] + "\n")
}()

// textReader yields n bytes of textBlock, repeated, without holding them.
type textReader struct{ n, off int64 }

func (t *textReader) Read(p []byte) (int, error) {
	if t.off >= t.n {
		return 0, io.EOF
	}
	k := 0
	for k < len(p) && t.off < t.n {
		i := t.off % int64(len(textBlock))
		c := copy(p[k:], textBlock[i:min(int64(len(textBlock)), i+t.n-t.off)])
		k += c
		t.off += int64(c)
	}
	return k, nil
}

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

// probityBinary builds this command once per test binary run.
func probityBinary(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "probity-bin-")
		if err != nil {
			buildErr = err
			return
		}
		buildPath = filepath.Join(dir, "probity")
		out, err := exec.Command("go", "build", "-o", buildPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	return buildPath
}

// serverProcess is `probity serve --demo` running as its own process on
// SQLite; metrics is its metrics listener's address when args open one.
type serverProcess struct {
	url, metrics, data string
	cmd                *exec.Cmd
}

func startServerProcess(tb testing.TB, args ...string) *serverProcess {
	tb.Helper()
	if runtime.GOOS != "linux" {
		tb.Skip("peak memory is read from /proc (Linux)")
	}
	bin := probityBinary(tb)
	data := tb.TempDir()
	cmd := exec.Command(bin, append([]string{"serve", "--demo", "--addr", "127.0.0.1:0", "--data", data, "--log-level", "warn"}, args...)...)
	cmd.Env = append(os.Environ(), "GOMAXPROCS=2")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	p := &serverProcess{data: data, cmd: cmd}
	tb.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "Metrics at "); ok {
			p.metrics, _, _ = strings.Cut(rest, " ")
		}
		if rest, ok := strings.CutPrefix(sc.Text(), "Probity is ready at "); ok {
			p.url, _, _ = strings.Cut(rest, " ")
			break
		}
	}
	if p.url == "" {
		tb.Fatalf("the server did not become ready: %v", sc.Err())
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return p
}

// peakRSS is the server process's resident-set high-water mark in bytes.
func (p *serverProcess) peakRSS(tb testing.TB) int64 {
	tb.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		tb.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				tb.Fatal(err)
			}
			return kb << 10
		}
	}
	tb.Fatal("no VmHWM in /proc status")
	return 0
}

func (p *serverProcess) caller(tb testing.TB) apiCaller {
	tb.Helper()
	out, errOut, err := runCLI(tb, nil, "", "token", "create", "--user", "marcus.oyelaran@hartwellcrane.example", "--name", "stream test", "--scope", "write", "--data", p.data)
	if err != nil {
		tb.Fatalf("token create: %v\n%s", err, errOut)
	}
	return apiCaller{base: p.url + "/api/v1", token: strings.TrimSpace(out)}
}

// streamUpload sends size bytes of text as a raw-body upload.
func streamUpload(tb testing.TB, c apiCaller, engagement, size int64) uploadedDoc {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPut, fmt.Sprintf("%s/engagements/%d/documents?filename=production.txt", c.base, engagement), &textReader{n: size})
	if err != nil {
		tb.Fatal(err)
	}
	req.ContentLength = size
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "text/plain")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var doc uploadedDoc
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(b, &doc) != nil || doc.Document.Size != size {
		tb.Fatalf("upload: %d %s", resp.StatusCode, b)
	}
	return doc
}

// streamDownload reads a document to its end, returning its SHA-256 if hash.
func streamDownload(tb testing.TB, c apiCaller, engagement int64, doc uploadedDoc, hash bool) string {
	tb.Helper()
	resp := c.do(tb, http.MethodGet, fmt.Sprintf("/engagements/%d/documents/%d/content", engagement, doc.ID), "", nil)
	defer resp.Body.Close()
	var w io.Writer = io.Discard
	h := sha256.New()
	if hash {
		w = h
	}
	n, err := io.Copy(w, resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK || n != doc.Document.Size {
		tb.Fatalf("download: %d, %d of %d bytes, %v", resp.StatusCode, n, doc.Document.Size, err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestDocumentStreamingKeepsMemoryBounded: 256 MiB up and down through the
// real server process, whose peak resident memory stays under 100 MB.
func TestDocumentStreamingKeepsMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 256 MiB each way")
	}
	const size = 256 << 20
	p := startServerProcess(t)
	c := p.caller(t)
	id := c.activeEngagement(t)
	doc := streamUpload(t, c, id, size)
	want := sha256.New()
	_, _ = io.Copy(want, &textReader{n: size})
	if doc.Document.SHA256 != hex.EncodeToString(want.Sum(nil)) {
		t.Fatal("the recorded SHA-256 is not the content's")
	}
	if got := streamDownload(t, c, id, doc, true); got != doc.Document.SHA256 {
		t.Fatal("the download differs from the upload")
	}
	peak := p.peakRSS(t)
	t.Logf("server peak resident memory after %d MiB up and down: %.1f MB", size>>20, float64(peak)/1e6)
	if peak >= 100e6 {
		t.Fatalf("the server's peak resident memory was %.1f MB, over the 100 MB ceiling", float64(peak)/1e6)
	}
}

func benchDocSize(b *testing.B) int64 {
	if v := os.Getenv("PROBITY_BENCH_DOC_SIZE"); v != "" {
		n, err := parseSize(v)
		if err != nil {
			b.Fatal(err)
		}
		return n
	}
	return 256 << 20
}

// BenchmarkDocuments: a document of PROBITY_BENCH_DOC_SIZE bytes streamed
// into and out of the real server (a separate process, SQLite, encrypted
// blob directory) through the API, against the reference of raw
// AES-256-GCM sealing of the same bytes in 64 KiB segments in this process.
// peak-RSS-MB is the server process's resident high-water mark.
func BenchmarkDocuments(b *testing.B) {
	size := benchDocSize(b)
	b.Run("reference-aes256gcm-seal", func(b *testing.B) {
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		blk, _ := aes.NewCipher(key)
		aead, _ := cipher.NewGCM(blk)
		plain := textBlock
		out := make([]byte, 0, len(plain)+aead.Overhead())
		nonce := make([]byte, aead.NonceSize())
		b.SetBytes(size)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			for done := int64(0); done < size; done += int64(len(plain)) {
				nonce[0]++
				out = aead.Seal(out[:0], nonce, plain, nil)
			}
		}
	})
	// The ceiling an upload cannot pass on this machine: writing the same
	// bytes to a file on the data directory's file system and syncing it,
	// as the blob store must before it acknowledges a document.
	b.Run("ceiling-disk-write-fsync", func(b *testing.B) {
		dir := b.TempDir()
		b.SetBytes(size)
		for i := 0; i < b.N; i++ {
			f, err := os.CreateTemp(dir, "ceiling-")
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(f, &textReader{n: size}); err != nil {
				b.Fatal(err)
			}
			if err := f.Sync(); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			_ = f.Close()
			_ = os.Remove(f.Name())
			b.StartTimer()
		}
	})
	for _, dir := range []string{"upload", "download"} {
		b.Run("http-"+dir, func(b *testing.B) {
			b.StopTimer()
			p := startServerProcess(b, "--max-document-size", strconv.FormatInt(size+1<<20, 10))
			c := p.caller(b)
			id := c.activeEngagement(b)
			var doc uploadedDoc
			if dir == "download" {
				doc = streamUpload(b, c, id, size)
			}
			b.SetBytes(size)
			b.StartTimer()
			for i := 0; i < b.N; i++ {
				if dir == "upload" {
					streamUpload(b, c, id, size)
				} else {
					streamDownload(b, c, id, doc, false)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(p.peakRSS(b))/1e6, "peak-RSS-MB")
		})
	}
}
