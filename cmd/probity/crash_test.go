package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/probity/probity/internal/store/engine"
	"github.com/probity/probity/internal/testenv"
)

// Crash safety (issue 10, part 3): `probity serve` runs as a child process
// and is killed with SIGKILL, again and again, in the middle of a stream of
// writes (new matters through the JSON API) and uploads (documents shared on
// an engagement, some cut off mid-body by the kill). After each kill the
// server is restarted on the same data and the test proves that every write
// the server acknowledged (a 2xx answer with an id, fully received) is still
// there; at the end it proves that no half-written document is visible (every
// document row has its blob, and every shared document downloads with the
// SHA-256 of the bytes that were sent), that every row came with its audit
// event and no audit event without its row, that the database passes its
// integrity check (SQLite: integrity_check and foreign_key_check;
// PostgreSQL: every foreign key re-checked by query), and that the audit
// chain verifies (`probity audit verify`).
//
// PROBITY_CRASH_KILLS (default 50) sets the kills per engine and
// PROBITY_CRASH_SEED (default below) the seed; the test logs both, so a
// failing run can be replayed with the same choices of what to write and
// when to kill (the interleaving of the concurrent writers is the
// scheduler's).

const crashDefaultSeed = 20261126

func TestCrashSafetyUnderSIGKILL(t *testing.T) {
	kills := envInt(t, "PROBITY_CRASH_KILLS", 50)
	seed := uint64(envInt(t, "PROBITY_CRASH_SEED", crashDefaultSeed))
	if testenv.CI() && kills < 50 {
		t.Fatalf("PROBITY_CRASH_KILLS=%d: CI holds the issue's bar of at least 50 kills per engine", kills)
	}
	bin := probityBinary(t)
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		t.Parallel() // the engines share nothing but the binary; PostgreSQL's demo load overlaps SQLite's cycles
		start := time.Now()
		t.Logf("seed %d, %d kills (PROBITY_CRASH_SEED, PROBITY_CRASH_KILLS)", seed, kills)
		dbURL, data := e.URL(t)
		h := &crashHarness{bin: bin, db: dbURL, data: data, ledger: newCrashLedger()}
		p := h.start(t, true)
		h.setUp(t, p)
		t.Logf("demo firm loaded and ready in %s", time.Since(start).Round(time.Millisecond))
		cycles := time.Now()
		var restarts time.Duration
		for cycle := range kills {
			h.cycle(t, p, seed, cycle)
			if t.Failed() {
				t.Fatalf("stopped after cycle %d (seed %d)", cycle, seed)
			}
			if cycle%10 == 9 {
				h.checkIntegrity(t) // between the kill and the restart
			}
			restart := time.Now()
			p = h.start(t, false)
			restarts += time.Since(restart)
			h.checkAcknowledged(t, p, cycle)
		}
		t.Logf("%d kill-restart cycles in %s, of which %s restarting", kills, time.Since(cycles).Round(time.Millisecond), restarts.Round(time.Millisecond))
		h.checkDocuments(t, p)
		p.kill(t) // the final checks look at the state a last crash left behind
		h.checkDatabase(t)
		h.checkAudit(t)
		h.checkSweep(t) // blobs_test.go: the orphans the kills left are swept; every document still verifies
		l := h.ledger
		t.Logf("%s: %d kills (%d mid-upload), %d writes attempted, %d acknowledged (%d matters, %d documents), %d unacknowledged writes found committed, %d documents downloaded and hashed, %d integrity checks (%d PostgreSQL foreign keys each); %s",
			e.Name, kills, l.midUpload, l.attempts, len(l.matters)+len(l.docs), len(l.matters), len(l.docs), l.committedUnacked, l.downloaded, l.integrityChecks, l.foreignKeys, time.Since(start).Round(time.Millisecond))
	})
}

// envInt reads a positive whole number from the environment variable name
// (PROBITY_CRASH_*, PROBITY_LOAD_*, ...), or def when it is unset.
func envInt(tb testing.TB, name string, def int) int {
	tb.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		tb.Fatalf("%s=%q: want a positive whole number", name, v)
	}
	return n
}

// crashLedger is what the client side knows: every write it attempted and
// every one the server acknowledged.
type crashLedger struct {
	mu               sync.Mutex
	matters          map[int64]string // acknowledged matter id -> number
	docs             map[int64]string // acknowledged engagement document id -> SHA-256 sent
	sent             map[string]string
	attempts         int
	midUpload        int
	committedUnacked int
	downloaded       int
	integrityChecks  int
	foreignKeys      int // PostgreSQL foreign keys re-checked by query
	ackedInCycle     []crashAck
}

type crashAck struct {
	kind string // "matter" or "document"
	id   int64
}

func newCrashLedger() *crashLedger {
	return &crashLedger{matters: map[int64]string{}, docs: map[int64]string{}, sent: map[string]string{}}
}

// crashHarness holds what survives the kills: the binary, the engine's
// database and data directory, the demo ids the writes use, and the ledger.
type crashHarness struct {
	bin, db, data string
	token         string
	engagement    int64
	clientID      int64
	attorneyID    int64
	ledger        *crashLedger
}

// crashServer is one life of the server process.
type crashServer struct {
	base   string // .../api/v1
	cmd    *exec.Cmd
	stderr *lockedBuffer
	waited chan struct{}
}

// start runs `probity serve` on the harness's data and waits for its ready
// line. The first start loads the demo firm.
func (h *crashHarness) start(tb testing.TB, demo bool) *crashServer {
	tb.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "warn", "--api-token-rate", "0", "--api-address-rate", "0"}, engineArgs(h.db, h.data)...)
	if demo {
		args = append(args, "--demo")
	}
	cmd := exec.Command(h.bin, args...)
	cmd.Env = append(os.Environ(), "GOMAXPROCS=2")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	p := &crashServer{cmd: cmd, stderr: &lockedBuffer{}, waited: make(chan struct{})}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() { _ = cmd.Wait(); close(p.waited) }()
	tb.Cleanup(func() { _ = cmd.Process.Kill(); <-p.waited })
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "Probity is ready at "); ok {
				u, _, _ := strings.Cut(rest, " ")
				ready <- u
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case u := <-ready:
		p.base = u + "/api/v1"
	case <-p.waited:
		tb.Fatalf("the server exited before it was ready (%v)\nstderr:\n%s", cmd.ProcessState, p.stderr.String())
	case <-time.After(90 * time.Second):
		tb.Fatalf("the server was not ready after 90s\nstderr:\n%s", p.stderr.String())
	}
	return p
}

// kill sends SIGKILL and waits until the process is gone.
func (p *crashServer) kill(tb testing.TB) {
	tb.Helper()
	_ = p.cmd.Process.Kill()
	<-p.waited
	if p.cmd.ProcessState.Success() {
		tb.Fatalf("the server exited cleanly instead of being killed")
	}
}

// call sends one API request with the harness's token.
func (h *crashHarness) call(c *http.Client, base, method, path, contentType string, body io.Reader, size int64) (*http.Response, error) {
	req, err := http.NewRequest(method, base+path, body)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.ContentLength = size
	}
	req.Header.Set("Authorization", "Bearer "+h.token)
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return c.Do(req)
}

// getJSON is a GET that must answer 200 with JSON.
func (h *crashHarness) getJSON(tb testing.TB, p *crashServer, path string, v any) {
	tb.Helper()
	resp, err := h.call(http.DefaultClient, p.base, http.MethodGet, path, "", nil, 0)
	if err != nil {
		tb.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		tb.Fatalf("GET %s: %v", path, err)
	}
}

// setUp takes an API token for Marcus (a supervising attorney in the demo)
// and finds the engagement, client and attorney the writes use.
func (h *crashHarness) setUp(t *testing.T, p *crashServer) {
	t.Helper()
	out, errOut, err := runCLI(t, nil, "", append([]string{"token", "create", "--user", "marcus.oyelaran@hartwellcrane.example", "--name", "crash test", "--scope", "write"}, engineArgs(h.db, h.data)...)...)
	if err != nil {
		t.Fatalf("token create: %v\n%s", err, errOut)
	}
	h.token = strings.TrimSpace(out)
	h.engagement = apiCaller{base: p.base, token: h.token}.activeEngagement(t)
	var me struct {
		ID int64 `json:"id"`
	}
	h.getJSON(t, p, "/me", &me)
	var clients struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	h.getJSON(t, p, "/clients", &clients)
	if me.ID == 0 || len(clients.Items) == 0 {
		t.Fatalf("me %+v, clients %+v", me, clients)
	}
	h.attorneyID, h.clientID = me.ID, clients.Items[0].ID
}

// killingReader is an upload body that kills the server once cut bytes of
// it have been read by the transport: the kill lands inside the upload.
type killingReader struct {
	r    *bytes.Reader
	read int
	cut  int
	kill func()
}

func (k *killingReader) Read(p []byte) (int, error) {
	if k.read >= k.cut {
		k.kill()
	} else {
		p = p[:min(len(p), k.cut-k.read)]
	}
	n, err := k.r.Read(p)
	k.read += n
	return n, err
}

// crashText is n bytes of printable text drawn from rng.
func crashText(rng *rand.Rand, n int) []byte {
	const alphabet = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789.,;\n"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	b[0] = 'M' // never a leading byte a type sniffer reads as something else
	return b
}

// cycle is one life of the server: concurrent writers until the kill.
// Half the cycles kill after a random number of acknowledged writes (other
// writes in flight), half in the middle of a random upload's body.
func (h *crashHarness) cycle(t *testing.T, p *crashServer, seed uint64, cycle int) {
	t.Helper()
	plan := rand.New(rand.NewPCG(seed, uint64(cycle)))
	midUpload := plan.IntN(2) == 1
	killAfterAcks := 1 + plan.IntN(16)
	killAtUpload := 1 + plan.IntN(6)
	var (
		killed  atomic.Bool
		once    sync.Once
		acks    atomic.Int64
		uploads atomic.Int64
	)
	kill := func() {
		once.Do(func() {
			killed.Store(true)
			_ = p.cmd.Process.Kill()
		})
	}
	client := &http.Client{Transport: &http.Transport{}, Timeout: 60 * time.Second}
	defer client.CloseIdleConnections()
	l := h.ledger
	l.mu.Lock()
	l.ackedInCycle = l.ackedInCycle[:0]
	if midUpload {
		l.midUpload++
	}
	l.mu.Unlock()
	const writers = 3
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(cycle)<<8|uint64(w)+1))
			for n := 0; !killed.Load(); n++ {
				if n >= 400 { // a kill trigger that never fired would be a bug in this test
					t.Errorf("cycle %d: writer %d made 400 writes without a kill", cycle, w)
					kill()
					return
				}
				var (
					resp *http.Response
					err  error
					kind string
					sent string
				)
				l.mu.Lock()
				l.attempts++
				l.mu.Unlock()
				if rng.IntN(5) < 2 {
					kind = "matter"
					number := fmt.Sprintf("CRASH-%d-%d-%d", cycle, w, n)
					body := fmt.Sprintf(`{"client_id":%d,"number":%q,"title":"Crash test matter %s","sensitivity":"confidential","responsible_attorney_id":%d}`,
						h.clientID, number, number, h.attorneyID)
					sent = number
					resp, err = h.call(client, p.base, http.MethodPost, "/matters", "application/json", strings.NewReader(body), int64(len(body)))
				} else {
					kind = "document"
					content := crashText(rng, 256+rng.IntN(128<<10))
					name := fmt.Sprintf("crash-%d-%d-%d.txt", cycle, w, n)
					sum := sha256.Sum256(content)
					sent = hex.EncodeToString(sum[:])
					l.mu.Lock()
					l.sent[name] = sent
					l.mu.Unlock()
					var body io.Reader = bytes.NewReader(content)
					if midUpload && uploads.Add(1) == int64(killAtUpload) {
						body = &killingReader{r: bytes.NewReader(content), cut: rng.IntN(len(content)), kill: kill}
					}
					q := url.Values{"filename": {name}, "folder": {"Crash"}}
					resp, err = h.call(client, p.base, http.MethodPut, fmt.Sprintf("/engagements/%d/documents?%s", h.engagement, q.Encode()), "text/plain", body, int64(len(content)))
				}
				var b []byte
				if err == nil {
					b, err = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
				if err != nil {
					if !killed.Load() {
						t.Errorf("cycle %d: %s write failed before any kill: %v", cycle, kind, err)
						kill()
					}
					return // not acknowledged: it may or may not have been committed
				}
				if resp.StatusCode != http.StatusCreated {
					t.Errorf("cycle %d: %s write answered %d %s", cycle, kind, resp.StatusCode, b)
					kill()
					return
				}
				var ack struct {
					ID       int64 `json:"id"`
					Number   string
					Document struct {
						SHA256 string `json:"sha256"`
					} `json:"document"`
				}
				if err := json.Unmarshal(b, &ack); err != nil || ack.ID == 0 {
					t.Errorf("cycle %d: %s acknowledged without an id: %s", cycle, kind, b)
					kill()
					return
				}
				l.mu.Lock()
				switch kind {
				case "matter":
					if ack.Number != sent {
						t.Errorf("matter %d acknowledged as %q, sent %q", ack.ID, ack.Number, sent)
					}
					l.matters[ack.ID] = sent
				case "document":
					if ack.Document.SHA256 != sent {
						t.Errorf("document %d acknowledged with SHA-256 %s, sent %s", ack.ID, ack.Document.SHA256, sent)
					}
					l.docs[ack.ID] = sent
				}
				l.ackedInCycle = append(l.ackedInCycle, crashAck{kind, ack.ID})
				l.mu.Unlock()
				if !midUpload && acks.Add(1) == int64(killAfterAcks) {
					kill()
				}
			}
		})
	}
	wg.Wait()
	<-p.waited
	if p.cmd.ProcessState.Success() {
		t.Fatalf("cycle %d: the server exited cleanly instead of being killed", cycle)
	}
}

// checkAcknowledged proves, on the restarted server, that the writes
// acknowledged in the cycle just ended are all there and intact.
func (h *crashHarness) checkAcknowledged(t *testing.T, p *crashServer, cycle int) {
	t.Helper()
	l := h.ledger
	docs := h.listDocuments(t, p)
	for _, a := range l.ackedInCycle {
		switch a.kind {
		case "matter":
			var m struct {
				Number string `json:"number"`
			}
			h.getJSON(t, p, fmt.Sprintf("/matters/%d", a.id), &m)
			if m.Number != l.matters[a.id] {
				t.Errorf("cycle %d: acknowledged matter %d is %q after the restart, want %q", cycle, a.id, m.Number, l.matters[a.id])
			}
		case "document":
			if got, ok := docs[a.id]; !ok || got.sha != l.docs[a.id] {
				t.Errorf("cycle %d: acknowledged document %d lost or changed after the restart: %+v", cycle, a.id, got)
			}
		}
	}
}

type listedDoc struct {
	name, sha string
	size      int64
}

// listDocuments is every document shared on the engagement, by id.
func (h *crashHarness) listDocuments(t *testing.T, p *crashServer) map[int64]listedDoc {
	t.Helper()
	var list struct {
		Items []struct {
			ID       int64 `json:"id"`
			Document struct {
				Filename string `json:"filename"`
				SHA256   string `json:"sha256"`
				Size     int64  `json:"size"`
			} `json:"document"`
		} `json:"items"`
	}
	h.getJSON(t, p, fmt.Sprintf("/engagements/%d/documents", h.engagement), &list)
	out := make(map[int64]listedDoc, len(list.Items))
	for _, d := range list.Items {
		out[d.ID] = listedDoc{d.Document.Filename, d.Document.SHA256, d.Document.Size}
	}
	return out
}

// checkDocuments downloads every document the crash writes left visible,
// acknowledged or not, and compares its SHA-256 with the bytes sent under
// its name: a visible document is a whole one.
func (h *crashHarness) checkDocuments(t *testing.T, p *crashServer) {
	t.Helper()
	l := h.ledger
	docs := h.listDocuments(t, p)
	for id, sha := range l.docs {
		if d, ok := docs[id]; !ok || d.sha != sha {
			t.Errorf("acknowledged document %d: listed %v as %+v", id, ok, d)
		}
	}
	for id, d := range docs {
		if !strings.HasPrefix(d.name, "crash-") {
			continue
		}
		want, ok := l.sent[d.name]
		if !ok {
			t.Errorf("document %d %q was never sent", id, d.name)
			continue
		}
		resp, err := h.call(http.DefaultClient, p.base, http.MethodGet, fmt.Sprintf("/engagements/%d/documents/%d/content", h.engagement, id), "", nil, 0)
		if err != nil {
			t.Fatalf("download %d: %v", id, err)
		}
		sum := sha256.New()
		n, err := io.Copy(sum, resp.Body)
		resp.Body.Close()
		got := hex.EncodeToString(sum.Sum(nil))
		if err != nil || resp.StatusCode != http.StatusOK || got != want || d.sha != want || n != d.size {
			t.Errorf("document %d %q: download %d, %d of %d bytes, SHA-256 %s (recorded %s), sent %s, %v", id, d.name, resp.StatusCode, n, d.size, got, d.sha, want, err)
		}
		l.downloaded++
	}
}

// checkIntegrity runs the engine's own integrity check on the state a kill
// left behind: SQLite's integrity_check and foreign_key_check; on
// PostgreSQL every foreign key of the schema re-checked by query.
func (h *crashHarness) checkIntegrity(t *testing.T) {
	t.Helper()
	db := h.openDB(t)
	defer db.Close()
	h.ledger.integrityChecks++
	if h.db != "" {
		h.checkPostgresForeignKeys(t, db)
		return
	}
	var res string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		t.Errorf("PRAGMA integrity_check: %q %v", res, err)
	}
	rows, err := db.Query(`PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, parent string
		var rowid, fkid sql.NullInt64
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			t.Fatal(err)
		}
		t.Errorf("foreign key broken: %s row %d -> %s", table, rowid.Int64, parent)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// openDB opens the harness's database directly, as an operator would after
// the crash (SQLite recovers its write-ahead log on open).
func (h *crashHarness) openDB(t *testing.T) *sql.DB {
	t.Helper()
	driver, dsn := "sqlite", filepath.Join(h.data, engine.SQLiteFile)
	if h.db != "" {
		driver, dsn = "pgx", h.db
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func crashCount(t *testing.T, db *sql.DB, q string) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// checkDatabase runs the engine's integrity check and the invariants the
// crash writes must keep: each row with its audit event and each audit
// event with its row, each document row with its blob.
func (h *crashHarness) checkDatabase(t *testing.T) {
	t.Helper()
	h.checkIntegrity(t)
	db := h.openDB(t)
	l := h.ledger
	// Every acknowledged matter is there with its audit event; the crash
	// matters and their matter.create events match one for one.
	for id, number := range l.matters {
		if n := crashCount(t, db, fmt.Sprintf(`SELECT count(*) FROM matters WHERE id = %d AND number = '%s'`, id, number)); n != 1 {
			t.Errorf("acknowledged matter %d %s: %d rows", id, number, n)
		}
		if n := crashCount(t, db, fmt.Sprintf(`SELECT count(*) FROM audit_events WHERE action = 'matter.create' AND object_id = %d`, id)); n != 1 {
			t.Errorf("acknowledged matter %d: %d matter.create events", id, n)
		}
	}
	matters := crashCount(t, db, `SELECT count(*) FROM matters WHERE number LIKE 'CRASH-%'`)
	events := crashCount(t, db, `SELECT count(*) FROM audit_events WHERE action = 'matter.create' AND summary LIKE '%CRASH-%'`)
	if matters != events || matters < int64(len(l.matters)) {
		t.Errorf("%d crash matters, %d matter.create events for them, %d acknowledged", matters, events, len(l.matters))
	}
	docs := crashCount(t, db, `SELECT count(*) FROM engagement_documents ed JOIN documents d ON d.id = ed.document_id WHERE d.filename LIKE 'crash-%'`)
	events = crashCount(t, db, `SELECT count(*) FROM audit_events WHERE action = 'engagement.document_upload' AND summary LIKE '%"crash-%'`)
	if docs != events || docs < int64(len(l.docs)) {
		t.Errorf("%d crash documents, %d upload events for them, %d acknowledged", docs, events, len(l.docs))
	}
	l.committedUnacked = int(matters-int64(len(l.matters))) + int(docs-int64(len(l.docs)))
	for id, sha := range l.docs {
		if n := crashCount(t, db, fmt.Sprintf(`SELECT count(*) FROM audit_events WHERE action = 'engagement.document_upload' AND summary LIKE '%%%s%%'`, sha)); n != 1 {
			t.Errorf("acknowledged document %d: %d upload events naming its SHA-256", id, n)
		}
	}
	// Every document row (the demo's and the crash's) has its sealed blob.
	rows, err := db.Query(`SELECT id, storage_key FROM documents`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var rowsSeen int
	keys := map[string]bool{}
	for rows.Next() {
		var id int64
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			t.Fatal(err)
		}
		rowsSeen++
		keys[key] = true
		if len(key) < 4 {
			t.Errorf("document %d: storage key %q", id, key)
			continue
		}
		if _, err := os.Stat(filepath.Join(h.data, "blobs", "objects", key[:2], key)); err != nil {
			t.Errorf("document %d has no blob: %v", id, err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	objects, _ := filepath.Glob(filepath.Join(h.data, "blobs", "objects", "*", "*"))
	temps, _ := filepath.Glob(filepath.Join(h.data, "blobs", "tmp", "*"))
	orphans := 0
	for _, o := range objects {
		if !keys[filepath.Base(o)] {
			orphans++
		}
	}
	// Orphans and temporary files are sealed ciphertext whose data key was
	// only ever in the uncommitted row: unreadable, and never listed.
	t.Logf("%d document rows checked for their blob; %d blob objects without a row (sealed before a kill, never committed); %d temporary files left by kills mid-upload",
		rowsSeen, orphans, len(temps))
}

// checkPostgresForeignKeys re-checks every foreign key of the schema by
// query: PostgreSQL enforces them, and this proves no crash left a row
// that escaped the enforcement.
func (h *crashHarness) checkPostgresForeignKeys(t *testing.T, db *sql.DB) {
	t.Helper()
	rows, err := db.Query(`
SELECT c.conname, c.conrelid::regclass::text, c.confrelid::regclass::text,
  (SELECT string_agg(quote_ident(a.attname), ',' ORDER BY k.i) FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n),
  (SELECT string_agg(quote_ident(a.attname), ',' ORDER BY k.i) FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
     JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n)
FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`)
	if err != nil {
		t.Fatal(err)
	}
	type fk struct{ name, child, parent, cols, pcols string }
	var fks []fk
	for rows.Next() {
		var f fk
		if err := rows.Scan(&f.name, &f.child, &f.parent, &f.cols, &f.pcols); err != nil {
			t.Fatal(err)
		}
		fks = append(fks, f)
	}
	rows.Close()
	if len(fks) < 10 {
		t.Fatalf("found only %d foreign keys in the schema: the check would prove nothing", len(fks))
	}
	for _, f := range fks {
		cols, pcols := strings.Split(f.cols, ","), strings.Split(f.pcols, ",")
		var notNull, match []string
		for i := range cols {
			notNull = append(notNull, "x."+cols[i]+" IS NOT NULL")
			match = append(match, "p."+pcols[i]+" = x."+cols[i])
		}
		q := fmt.Sprintf(`SELECT count(*) FROM %s x WHERE %s AND NOT EXISTS (SELECT 1 FROM %s p WHERE %s)`,
			f.child, strings.Join(notNull, " AND "), f.parent, strings.Join(match, " AND "))
		if n := crashCount(t, db, q); n != 0 {
			t.Errorf("foreign key %s: %d rows of %s point at nothing in %s", f.name, n, f.child, f.parent)
		}
	}
	h.ledger.foreignKeys = len(fks)
}

// checkAudit runs `probity audit verify` on the crashed data.
func (h *crashHarness) checkAudit(t *testing.T) {
	t.Helper()
	out, errOut, err := runCLI(t, nil, "", append([]string{"audit", "verify", "--quiet"}, engineArgs(h.db, h.data)...)...)
	if err != nil || !strings.Contains(out, "The audit trail verifies") {
		t.Errorf("audit verify: %v\n%s\n%s", err, out, errOut)
	}
}
