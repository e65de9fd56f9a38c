package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/mail/smtptest"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/engine"
	"github.com/probity/probity/internal/testenv"
)

// multiLeaseTTL is the servers' --lease-ttl: short, so that a dead leader
// would be replaced quickly, yet several renewals long.
const multiLeaseTTL = 3 * time.Second

// appServer is one `probity serve` process of a multi-server installation.
type appServer struct {
	name, url string
	cmd       *exec.Cmd
	stderr    *lockedBuffer
	exited    chan struct{}
}

// startAppServer runs the real binary with args and waits until it is ready.
// Its data directory is a new one unless args give --data. It is interrupted
// (and, failing that, killed) at cleanup.
func startAppServer(tb testing.TB, name string, args ...string) *appServer {
	tb.Helper()
	full := []string{"serve", "--addr", "127.0.0.1:0"}
	if !slices.Contains(args, "--data") {
		full = append(full, "--data", tb.TempDir())
	}
	cmd := exec.Command(probityBinary(tb), append(full, args...)...)
	cmd.Env = append(os.Environ(), "GOMAXPROCS=2")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	s := &appServer{name: name, cmd: cmd, stderr: &lockedBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() { _ = cmd.Wait(); close(s.exited) }()
	tb.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-s.exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-s.exited
		}
		if tb.Failed() {
			tb.Logf("server %s stderr:\n%s", name, s.stderr.String())
		}
	})
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "Probity is ready at "); ok {
			s.url, _, _ = strings.Cut(rest, " ")
			break
		}
	}
	if s.url == "" {
		tb.Fatalf("server %s did not become ready: %v\nstderr:\n%s", name, sc.Err(), s.stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return s
}

// jobs is what the server's /healthz says of the jobs lease: "leader" or
// "standby" ("" when it does not answer).
func (s *appServer) jobs(tb testing.TB) string {
	tb.Helper()
	resp, err := http.Get(s.url + "/healthz")
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	var h struct {
		Status, Jobs string
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil || h.Status != "ok" {
		tb.Fatalf("%s /healthz: %v %+v", s.name, err, h)
	}
	return h.Jobs
}

// eventually polls cond until it holds or the deadline passes.
func eventually(tb testing.TB, within time.Duration, what string, cond func() bool) time.Duration {
	tb.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > within {
			tb.Fatalf("not within %v: %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

// sentIDs are the outbox ids a server's log says it delivered.
var mailSentLine = regexp.MustCompile(`msg="mail sent" message=(\d+)`)

func sentIDs(s *appServer) []string {
	var ids []string
	for _, m := range mailSentLine.FindAllStringSubmatch(s.stderr.String(), -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// TestTwoServersOneSystem runs two `probity serve` processes of the real
// binary against one PostgreSQL database and one S3-compatible store
// (versitygw), with the same key-encryption key, and walks a journey across
// both: a session made on one works on the other; a document uploaded on
// one downloads from the other byte for byte; a screen added on one is
// enforced by the other on the very next request; exactly one server holds
// the jobs lease and delivers the mail both queue, each message once; and
// when the leader stops, the other takes the lease and delivers new mail.
func TestTwoServersOneSystem(t *testing.T) {
	dbURL := testenv.PostgresURL(t) // PostgreSQL only: several servers need a shared database
	sc := testenv.S3(t)
	smtp := smtptest.Start(t, smtptest.Options{STARTTLS: true, User: "probity", Password: "mail-pa55word"})
	kek := make([]byte, 32)
	_, _ = rand.Read(kek)
	kekFile := filepath.Join(t.TempDir(), "probity.kek")
	if err := os.WriteFile(kekFile, []byte(hex.EncodeToString(kek)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	shared := []string{"--database", dbURL, "--key-file", kekFile,
		"--blob-store", "s3://" + sc.Bucket + "/probity?endpoint=" + sc.Endpoint + "&region=" + sc.Region,
		"--s3-access-key", sc.AccessKey, "--s3-secret-key", sc.SecretKey}
	// The demo firm is loaded once, before either server starts.
	if _, errOut, err := runCLI(t, nil, "", append([]string{"demo", "--data", t.TempDir()}, shared...)...); err != nil {
		t.Fatalf("demo: %v\n%s", err, errOut)
	}
	ctx := context.Background()
	st, err := engine.Open(ctx, dbURL, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// Marcus takes a daily digest and one notification waits for it: the
	// digest job of whichever server leads sends it at start, once.
	var marcus domain.User
	if err := st.Write(ctx, func(tx *store.Tx) (err error) {
		if marcus, _, err = tx.UserByEmail(ctx, "marcus.oyelaran@hartwellcrane.example"); err != nil {
			return err
		}
		now := time.Now().UTC()
		if err := tx.SaveNotificationPrefs(ctx, domain.NotificationPrefs{UserID: marcus.ID, EmailMode: domain.EmailDigest, UpdatedAt: now}); err != nil {
			return err
		}
		return tx.InsertNotification(ctx, &domain.Notification{UserID: marcus.ID, Kind: domain.NotifyReviewRequested,
			Subject: "A deliverable waits for your review", Link: "/home", Email: domain.EmailPending, CreatedAt: now})
	}); err != nil {
		t.Fatal(err)
	}

	args := append(append([]string{"--lease-ttl", multiLeaseTTL.String()}, shared...), smtpArgs(smtp)...)
	a := startAppServer(t, "A", args...)
	b := startAppServer(t, "B", args...)

	// Exactly one server holds the lease, and only it says it took it.
	eventually(t, 2*multiLeaseTTL, "one server leads", func() bool { return a.jobs(t) == "leader" || b.jobs(t) == "leader" })
	leader, standby := a, b
	if b.jobs(t) == "leader" {
		leader, standby = b, a
	}
	if standby.jobs(t) != "standby" {
		t.Fatalf("both servers lead")
	}
	if strings.Contains(standby.stderr.String(), "leadership taken") {
		t.Fatalf("the standby %s logged taking the lease", standby.name)
	}

	// The administrator signs in once, on A; the same session (a cookie jar
	// sends it to both ports) serves every later step on either server.
	admin := newClient(t)
	formSignInOK(t, admin, a.url, "eleanor.hartwell@hartwellcrane.example")

	t.Run("a session made on A works on B", func(t *testing.T) {
		cookie := jarValue(t, admin, a.url, "probity_session")
		if cookie == "" {
			t.Fatal("no session cookie after signing in on A")
		}
		fresh := newClient(t) // carries only the session cookie to B
		u, _ := url.Parse(b.url)
		fresh.Jar.SetCookies(u, []*http.Cookie{{Name: "probity_session", Value: cookie}})
		r := httpGet(t, fresh, b.url+"/home")
		requireStatus(t, r, http.StatusOK)
		if !strings.Contains(string(r.body), "Eleanor Hartwell") {
			t.Fatal("B's home page does not show the person signed in on A")
		}
	})

	t.Run("a document uploaded on A downloads from B", func(t *testing.T) {
		out, errOut, err := runCLI(t, nil, "", "token", "create", "--user", "marcus.oyelaran@hartwellcrane.example", "--name", "multi-instance test",
			"--scope", "write", "--database", dbURL, "--data", t.TempDir())
		if err != nil {
			t.Fatalf("token create: %v\n%s", err, errOut)
		}
		token := strings.TrimSpace(out)
		onA, onB := apiCaller{base: a.url + "/api/v1", token: token}, apiCaller{base: b.url + "/api/v1", token: token}
		id := onA.activeEngagement(t)
		var text strings.Builder
		for i := 0; text.Len() < 3<<20; i++ {
			fmt.Fprintf(&text, "Line %d of a production set, nonce %s.\n", i, rand.Text())
		}
		content := []byte(text.String())
		want := sha256.Sum256(content)
		var doc uploadedDoc
		onA.json(t, http.MethodPut, fmt.Sprintf("/engagements/%d/documents?filename=multi.txt", id), bytes.NewReader(content), http.StatusCreated, &doc)
		resp := onB.do(t, http.MethodGet, fmt.Sprintf("/engagements/%d/documents/%d/content", id, doc.ID), "", nil)
		h := sha256.New()
		n, err := io.Copy(h, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || n != int64(len(content)) || !bytes.Equal(h.Sum(nil), want[:]) {
			t.Fatalf("download from B: %d, %d bytes, sha256 %x (want %x), %v", resp.StatusCode, n, h.Sum(nil), want, err)
		}
	})

	t.Run("a screen added on A is enforced on B at the next request", func(t *testing.T) {
		var calloway int64
		var priya domain.User
		if err := st.Read(ctx, func(tx *store.Tx) error {
			ms, err := tx.ListMatters(ctx, store.Scope{All: true}, store.MatterFilter{})
			for _, m := range ms {
				if m.Number == "2026-0142" {
					calloway = m.ID
				}
			}
			if err != nil {
				return err
			}
			priya, _, err = tx.UserByEmail(ctx, "priya.raman@hartwellcrane.example")
			return err
		}); err != nil || calloway == 0 {
			t.Fatalf("demo matter 2026-0142: %d, %v", calloway, err)
		}
		matter := fmt.Sprintf("/matters/%d", calloway)
		p := newClient(t)
		formSignInOK(t, p, b.url, priya.Email)
		requireStatus(t, httpGet(t, p, b.url+matter), http.StatusOK)

		form := formFields(t, admin, a.url, matter, matter+"/screens")
		form.Set("user_id", fmt.Sprint(priya.ID))
		form.Set("reason", "acted for Tidewater at her former firm")
		if loc := redirectTarget(t, httpPost(t, admin, a.url+matter+"/screens", form)); loc.Path != matter {
			t.Fatalf("screening on A redirected to %s", loc)
		}
		if r := httpGet(t, p, b.url+matter); r.StatusCode == http.StatusOK {
			t.Fatalf("B still shows the matter to the person screened from it on A: %d", r.StatusCode)
		}
	})

	// Mail queued on both servers is delivered once each, by the leader.
	inviteOn := func(t *testing.T, s *appServer, email string) {
		t.Helper()
		r := invite(t, admin, s.url, url.Values{"name": {"Invited " + s.name}, "email": {email}, "role": {"staff"}})
		if loc := redirectTarget(t, r); loc.Query().Get("sent") != email {
			t.Fatalf("invite on %s redirected to %s", s.name, loc)
		}
	}
	// checkMailOnce waits until every queued message is sent, then checks
	// each arrived once and each was delivered (logged) by one server.
	checkMailOnce := func(t *testing.T, servers ...*appServer) {
		t.Helper()
		var msgs []store.OutboxMessage
		eventually(t, 60*time.Second, "the outbox is delivered", func() bool {
			if err := st.Read(ctx, func(tx *store.Tx) (err error) {
				msgs, err = tx.ListOutbox(ctx, store.OutboxFilter{Limit: store.MaxPageSize})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			for _, m := range msgs {
				if m.SentAt.IsZero() {
					return false
				}
			}
			return len(msgs) > 0
		})
		got := smtp.Wait(t, len(msgs), 30*time.Second)
		if len(got) != len(msgs) {
			t.Fatalf("the SMTP server received %d messages for %d in the outbox", len(got), len(msgs))
		}
		ids, pairs := map[string]bool{}, map[string]int{}
		for _, m := range got {
			id := m.Header.Get("Message-Id")
			if id == "" || ids[id] {
				t.Errorf("Message-ID %q missing or repeated", id)
			}
			ids[id] = true
			pairs[strings.Join(m.To, ",")+"|"+m.Subject]++
		}
		for _, m := range msgs {
			if m.Attempts != 1 {
				t.Errorf("message %d to %s: %d delivery attempts, want 1", m.ID, m.To, m.Attempts)
			}
			if pairs[m.To+"|"+m.Subject] < 1 {
				t.Errorf("message %d to %s (%q) never arrived", m.ID, m.To, m.Subject)
			}
		}
		// A server logs "mail sent" just after it records the delivery, so
		// the log may trail the outbox by a moment.
		eventually(t, 5*time.Second, "every delivery is in a server's log", func() bool {
			n := 0
			for _, s := range servers {
				n += len(sentIDs(s))
			}
			return n >= len(msgs)
		})
		logged := map[string]string{}
		for _, s := range servers {
			for _, id := range sentIDs(s) {
				if other, dup := logged[id]; dup {
					t.Errorf("message %s was sent by %s and by %s", id, other, s.name)
				}
				logged[id] = s.name
			}
		}
		if len(logged) != len(msgs) {
			t.Errorf("the servers logged %d deliveries for %d messages", len(logged), len(msgs))
		}
	}

	t.Run("mail queued on both servers is delivered once each by the leader", func(t *testing.T) {
		inviteOn(t, a, "first.invitee@hartwellcrane.example")
		inviteOn(t, b, "second.invitee@hartwellcrane.example")
		checkMailOnce(t, a, b)
		digests := 0
		for _, m := range smtp.Messages() {
			if strings.Join(m.To, ",") == marcus.Email && strings.HasPrefix(m.Subject, "Your Probity digest") {
				digests++
			}
		}
		if digests != 1 || strings.Count(leader.stderr.String(), "notification digests queued") != 1 ||
			strings.Contains(standby.stderr.String(), "notification digests queued") {
			t.Errorf("Marcus got %d digests (want 1), queued by the leader %d times and by the standby %v", digests,
				strings.Count(leader.stderr.String(), "notification digests queued"), strings.Contains(standby.stderr.String(), "notification digests queued"))
		}
		if n := len(sentIDs(standby)); n != 0 {
			t.Errorf("the standby %s delivered %d messages", standby.name, n)
		}
		if strings.Count(leader.stderr.String(), "leadership taken") != 1 {
			t.Errorf("the leader %s took the lease %d times", leader.name, strings.Count(leader.stderr.String(), "leadership taken"))
		}
	})

	t.Run("when the leader stops, the other takes over and delivers", func(t *testing.T) {
		if err := leader.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		stopped := time.Now()
		select {
		case <-leader.exited:
		case <-time.After(30 * time.Second):
			t.Fatalf("the leader %s did not stop on SIGTERM", leader.name)
		}
		if !strings.Contains(leader.stderr.String(), "leadership released") {
			t.Errorf("the leader %s did not release the lease on a clean stop", leader.name)
		}
		eventually(t, multiLeaseTTL, "the standby takes the lease within the TTL", func() bool { return standby.jobs(t) == "leader" })
		t.Logf("%s took over %v after %s was told to stop (TTL %v)", standby.name, time.Since(stopped).Round(time.Millisecond), leader.name, multiLeaseTTL)
		inviteOn(t, standby, "third.invitee@hartwellcrane.example")
		checkMailOnce(t, a, b)
	})
}
