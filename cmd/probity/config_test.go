package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver, to tamper with a database as an outsider would

	"github.com/probity/probity/internal/app"
	"github.com/probity/probity/internal/demo"
	"github.com/probity/probity/internal/domain"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/engine"
	"github.com/probity/probity/internal/testenv"
)

// entryState is what a snapshot records of one path.
type entryState struct {
	Mode fs.FileMode
	Size int64
	Sum  string
}

// snapshotTree records every path under root with its type, permissions,
// size and (for files) the sha256 of its contents.
func snapshotTree(tb testing.TB, root string) map[string]entryState {
	tb.Helper()
	out := map[string]entryState{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		st := entryState{Mode: info.Mode()}
		if info.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			st.Size, st.Sum = info.Size(), hex.EncodeToString(sum[:])
		}
		out[rel] = st
		return nil
	})
	if err != nil {
		tb.Fatalf("snapshot %s: %v", root, err)
	}
	return out
}

func diffTrees(before, after map[string]entryState) []string {
	var d []string
	for p, b := range before {
		a, ok := after[p]
		switch {
		case !ok:
			d = append(d, "removed "+p)
		case a != b:
			d = append(d, "changed "+p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			d = append(d, "created "+p)
		}
	}
	slices.Sort(d)
	return d
}

// runCLI runs one command line through Main and returns its output and error.
func runCLI(tb testing.TB, env map[string]string, stdin string, args ...string) (stdout, stderr string, err error) {
	tb.Helper()
	m, out, errb := testMain(env)
	m.Stdin = strings.NewReader(stdin)
	m.Ready = func(url string) { tb.Errorf("%v became ready at %s", args, url) }
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err = m.Run(ctx, args)
	if errors.Is(err, context.DeadlineExceeded) {
		tb.Fatalf("%v did not finish by itself: %v", args, err)
	}
	return out.String(), errb.String(), err
}

// engineArgs are the flags that select engine e's database.
func engineArgs(dbURL, dataDir string) []string {
	args := []string{"--data", dataDir}
	if dbURL != "" {
		args = append(args, "--database", dbURL)
	}
	return args
}

// TestBadConfigurationChangesNothing: each misconfiguration fails at once,
// with a message naming the problem and a non-zero exit, before anything on
// disk is created or changed.
func TestBadConfigurationChangesNothing(t *testing.T) {
	const secret = "hunter2-s3cret"
	cases := []struct {
		name     string
		commands []string // subcommands to try (each against the same setup)
		setup    func(t *testing.T, root string) []string
		want     []string // each must appear (case-insensitively) in the message
	}{
		{
			name:     "unreachable database",
			commands: []string{"serve", "migrate", "demo"},
			setup: func(t *testing.T, root string) []string {
				return []string{"--data", filepath.Join(root, "data"),
					"--database", "postgres://postgres:" + secret + "@127.0.0.1:1/x?sslmode=disable&connect_timeout=2"}
			},
			want: []string{"postgresql", "127.0.0.1"},
		},
		{
			name:     "data dir under a regular file",
			commands: []string{"serve", "migrate", "demo"},
			setup: func(t *testing.T, root string) []string {
				if err := os.WriteFile(filepath.Join(root, "file"), []byte("not a directory\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				return []string{"--data", filepath.Join(root, "file", "data")}
			},
			want: []string{"data directory"},
		},
		{
			name:     "address already in use",
			commands: []string{"serve"},
			setup: func(t *testing.T, root string) []string {
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { ln.Close() })
				return []string{"--data", filepath.Join(root, "data"), "--addr", ln.Addr().String()}
			},
			want: []string{"listen", "127.0.0.1:"},
		},
		{
			name:     "database file of garbage",
			commands: []string{"serve", "migrate", "demo"},
			setup: func(t *testing.T, root string) []string {
				dir := filepath.Join(root, "data")
				if err := os.Mkdir(dir, 0o700); err != nil {
					t.Fatal(err)
				}
				r := rand.New(rand.NewPCG(1, 2))
				garbage := make([]byte, 8192)
				for i := range garbage {
					garbage[i] = byte(r.UintN(256))
				}
				if err := os.WriteFile(filepath.Join(dir, engine.SQLiteFile), garbage, 0o600); err != nil {
					t.Fatal(err)
				}
				return []string{"--data", dir}
			},
			want: []string{"not a sqlite database"},
		},
		{
			name:     "database from a newer schema",
			commands: []string{"serve", "migrate", "demo"},
			setup: func(t *testing.T, root string) []string {
				dir := filepath.Join(root, "data")
				if _, errOut, err := runCLI(t, nil, "", "migrate", "--data", dir); err != nil {
					t.Fatalf("migrate: %v\n%s", err, errOut)
				}
				db, err := sql.Open("sqlite", filepath.Join(dir, engine.SQLiteFile))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from_the_future', 0)`); err != nil {
					t.Fatal(err)
				}
				if err := db.Close(); err != nil {
					t.Fatal(err)
				}
				return []string{"--data", dir}
			},
			want: []string{"newer"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			flags := tc.setup(t, root)
			for _, cmd := range tc.commands {
				t.Run(cmd, func(t *testing.T) {
					before := snapshotTree(t, root)
					args := append([]string{cmd}, flags...)
					if cmd == "serve" && !slices.Contains(flags, "--addr") {
						args = append(args, "--addr", "127.0.0.1:0")
					}
					out, errOut, err := runCLI(t, nil, "", args...)
					if err == nil {
						t.Fatalf("%v succeeded\nstdout:\n%s", args, out)
					}
					if code := exitStatus(err); code == 0 {
						t.Errorf("exit code 0 for %v", err)
					}
					msg := strings.ToLower(describe(err))
					for _, w := range tc.want {
						if !strings.Contains(msg, w) {
							t.Errorf("message %q does not mention %q", describe(err), w)
						}
					}
					for _, s := range []string{describe(err), err.Error(), out, errOut} {
						if strings.Contains(s, secret) {
							t.Errorf("the database password was printed: %q", s)
						}
					}
					if diff := diffTrees(before, snapshotTree(t, root)); len(diff) > 0 {
						t.Errorf("%v changed the disk: %v", args, diff)
					}
				})
			}
		})
	}
}

// configLine is one setting as `probity config` prints it.
type configLine struct{ value, source string }

func parseConfig(tb testing.TB, out string) map[string]configLine {
	tb.Helper()
	got := map[string]configLine{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		key, rest, ok := strings.Cut(line, "=")
		if !ok {
			tb.Fatalf("config line without '=': %q", line)
		}
		value, source := rest, ""
		if i := strings.LastIndex(rest, " # "); i >= 0 {
			value, source = rest[:i], rest[i+3:]
		}
		got[strings.TrimSpace(key)] = configLine{strings.TrimSpace(value), strings.TrimSpace(source)}
	}
	return got
}

func TestConfigPrintsEffectiveSettings(t *testing.T) {
	const secret = "pa55-w0rd-never-shown"
	secretFile := filepath.Join(t.TempDir(), "database-url")
	if err := os.WriteFile(secretFile, []byte("postgres://probity:"+secret+"@db.example:5432/probity?sslmode=require\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		env        map[string]string
		args       []string
		wantSource string
	}{
		{"from the flag", nil, []string{"--database", "postgres://probity:" + secret + "@db.example:5432/probity"}, "flag --database"},
		{"from the environment", map[string]string{"PROBITY_DATABASE": "postgres://probity:" + secret + "@db.example/probity"}, nil, "env PROBITY_DATABASE"},
		{"from a file", map[string]string{"PROBITY_DATABASE_FILE": secretFile}, nil, "file PROBITY_DATABASE_FILE"},
		{"in the query", nil, []string{"--database", "postgres://probity@db.example/probity?password=" + secret}, "flag --database"},
	}
	for _, tc := range cases {
		t.Run("password masked "+tc.name, func(t *testing.T) {
			out, errOut, err := runCLI(t, tc.env, "", append([]string{"config"}, tc.args...)...)
			if err != nil {
				t.Fatalf("config: %v\n%s", err, errOut)
			}
			if strings.Contains(out, secret) || strings.Contains(errOut, secret) {
				t.Fatalf("config printed the password:\n%s%s", out, errOut)
			}
			got := parseConfig(t, out)
			db := got["database"]
			if !strings.Contains(db.value, "*****") || !strings.Contains(db.value, "db.example") || !strings.Contains(db.value, "probity") {
				t.Errorf("database = %q, want the URL with its password masked", db.value)
			}
			if db.source != tc.wantSource {
				t.Errorf("database source = %q, want %q", db.source, tc.wantSource)
			}
			if got["engine"].value != "postgres" {
				t.Errorf("engine = %q, want postgres", got["engine"].value)
			}
		})
	}

	t.Run("defaults, environment over defaults, flags over environment", func(t *testing.T) {
		out, errOut, err := runCLI(t, nil, "", "config")
		if err != nil {
			t.Fatalf("config: %v\n%s", err, errOut)
		}
		got := parseConfig(t, out)
		for _, s := range settings {
			if got[s.flag].source != "default" {
				t.Errorf("%s source = %q with nothing set, want default", s.flag, got[s.flag].source)
			}
		}
		if got["addr"].value != "127.0.0.1:8080" || got["data"].value != "./probity-data" {
			t.Errorf("defaults: addr %q data %q", got["addr"].value, got["data"].value)
		}
		if !strings.HasPrefix(got["engine"].value, "sqlite") {
			t.Errorf("engine = %q by default, want sqlite", got["engine"].value)
		}

		env := map[string]string{"PROBITY_ADDR": "127.0.0.1:9001", "PROBITY_LOG_LEVEL": "debug", "PROBITY_DATA": "/srv/probity-env"}
		out, errOut, err = runCLI(t, env, "", "config")
		if err != nil {
			t.Fatalf("config: %v\n%s", err, errOut)
		}
		got = parseConfig(t, out)
		for flagName, want := range map[string]configLine{
			"addr":       {"127.0.0.1:9001", "env PROBITY_ADDR"},
			"log-level":  {"debug", "env PROBITY_LOG_LEVEL"},
			"data":       {"/srv/probity-env", "env PROBITY_DATA"},
			"log-format": {"text", "default"},
		} {
			if got[flagName] != want {
				t.Errorf("with env: %s = %+v, want %+v", flagName, got[flagName], want)
			}
		}

		out, errOut, err = runCLI(t, env, "", "config", "--addr", "127.0.0.1:9002", "--data", "/srv/probity-flag")
		if err != nil {
			t.Fatalf("config: %v\n%s", err, errOut)
		}
		got = parseConfig(t, out)
		for flagName, want := range map[string]configLine{
			"addr":      {"127.0.0.1:9002", "flag --addr"},
			"data":      {"/srv/probity-flag", "flag --data"},
			"log-level": {"debug", "env PROBITY_LOG_LEVEL"},
		} {
			if got[flagName] != want {
				t.Errorf("with env and flags: %s = %+v, want %+v", flagName, got[flagName], want)
			}
		}
		if _, err := os.Stat("/srv/probity-flag"); err == nil {
			t.Errorf("config created the data directory")
		}
	})

	t.Run("bad values are refused with the flag named", func(t *testing.T) {
		for _, tc := range []struct {
			args []string
			env  map[string]string
			want string
		}{
			{[]string{"--log-level", "chatty"}, nil, "--log-level"},
			{nil, map[string]string{"PROBITY_LOG_FORMAT": "xml"}, "--log-format"},
			{[]string{"--database", "mysql://u:p@h/db"}, nil, "--database"},
		} {
			_, _, err := runCLI(t, tc.env, "", append([]string{"config"}, tc.args...)...)
			if err == nil || !strings.Contains(describe(err), tc.want) {
				t.Errorf("config %v %v: %v, want an error naming %s", tc.args, tc.env, err, tc.want)
			}
			if exitStatus(err) != 2 {
				t.Errorf("config %v %v: exit code %d, want 2", tc.args, tc.env, exitStatus(err))
			}
		}
	})
}

func TestHelpAndUsage(t *testing.T) {
	// Nothing here may touch the default data directory.
	_, statErr := os.Stat("probity-data")
	hadDefaultData := statErr == nil

	// Every command, including ones added later, answers --help with exit 0.
	for _, c := range commands() {
		out, errOut, err := runCLI(t, nil, "", c.name, "--help")
		if exitStatus(err) != 0 {
			t.Errorf("%s --help: exit code %d (%v)", c.name, exitStatus(err), err)
		}
		if !strings.Contains(out+errOut, "probity "+c.name) {
			t.Errorf("%s --help printed no usage:\n%s%s", c.name, out, errOut)
		}
	}
	for _, tc := range []struct {
		args  []string
		flags []string
	}{
		{[]string{"serve"}, []string{"-demo", "-migrate", "-addr", "-data", "-database", "-tls-cert"}},
		{[]string{"migrate"}, []string{"-status", "-data", "-database"}},
		{[]string{"demo"}, []string{"-json", "-data", "-database"}},
		{[]string{"config"}, []string{"-data", "-database", "-log-level"}},
		{[]string{"version"}, []string{"-data"}},
		{[]string{"user", "create"}, []string{"-email", "-name", "-role", "-vendor", "-client", "-password-file", "-password-stdin"}},
		{[]string{"user", "passwd"}, []string{"-email", "-password-file", "-password-stdin"}},
	} {
		for _, h := range []string{"--help", "-h"} {
			args := append(slices.Clone(tc.args), h)
			out, errOut, err := runCLI(t, nil, "", args...)
			if err != nil && !errors.Is(err, flag.ErrHelp) {
				t.Errorf("%v: %v", args, err)
			}
			if exitStatus(err) != 0 {
				t.Errorf("%v: exit code %d, want 0", args, exitStatus(err))
			}
			text := out + errOut
			if !strings.Contains(text, "Usage: probity "+strings.Join(tc.args, " ")) {
				t.Errorf("%v printed no usage line:\n%s", args, text)
			}
			for _, f := range tc.flags {
				if !strings.Contains(text, "  "+f+" ") && !strings.Contains(text, "  "+f+"\n") {
					t.Errorf("%v does not describe %s:\n%s", args, f, text)
				}
			}
		}
	}

	_, errOut, err := runCLI(t, nil, "", "help")
	if err != nil {
		t.Errorf("help: %v", err)
	}
	for _, c := range commands() {
		if !strings.Contains(errOut, "  "+c.name+" ") {
			t.Errorf("help does not list %s:\n%s", c.name, errOut)
		}
	}

	for _, args := range [][]string{{"frobnicate"}, {}, {"serve", "--no-such-flag"}, {"user"}, {"user", "delete"}} {
		_, errOut, err := runCLI(t, nil, "", args...)
		if code := exitStatus(err); code != 2 {
			t.Errorf("%q: exit code %d (%v), want 2", args, code, err)
		}
		if errOut == "" {
			t.Errorf("%q printed no usage", args)
		}
	}

	out, _, err := runCLI(t, nil, "", "version")
	if err != nil {
		t.Fatalf("version: %v", err)
	}
	if f := strings.Fields(out); len(f) < 2 || f[0] != "probity" {
		t.Errorf("version printed %q, want \"probity <version> ...\"", out)
	}

	if _, err := os.Stat("probity-data"); (err == nil) != hadDefaultData {
		t.Errorf("help and usage created the default data directory ./probity-data")
	}
}

func TestDemoJSON(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		dbURL, dir := e.URL(t)
		args := append([]string{"demo", "--json"}, engineArgs(dbURL, dir)...)
		first, errOut, err := runCLI(t, nil, "", args...)
		if err != nil {
			t.Fatalf("demo --json: %v\n%s", err, errOut)
		}
		var accounts []struct{ Role, Name, Email, Password string }
		if err := json.Unmarshal([]byte(first), &accounts); err != nil {
			t.Fatalf("demo --json printed no JSON array: %v\n%s", err, first)
		}
		want := demo.Accounts()
		if len(accounts) != len(want) {
			t.Fatalf("%d accounts, want %d", len(accounts), len(want))
		}
		roles := map[string]bool{}
		for i, a := range accounts {
			if a.Role == "" || a.Name == "" || a.Email == "" || a.Password != demo.Password {
				t.Errorf("account %d incomplete: %+v", i, a)
			}
			if a.Email != want[i].Email || a.Role != string(want[i].Role) {
				t.Errorf("account %d = %s %s, want %s %s", i, a.Role, a.Email, want[i].Role, want[i].Email)
			}
			roles[a.Role] = true
		}
		for _, r := range domain.Roles {
			if !roles[string(r)] {
				t.Errorf("no demo account with role %s", r)
			}
		}

		second, errOut, err := runCLI(t, nil, "", args...)
		if err != nil {
			t.Fatalf("second demo --json: %v\n%s", err, errOut)
		}
		if second != first {
			t.Errorf("second demo --json printed differently:\n%s\nvs\n%s", second, first)
		}
		text, errOut, err := runCLI(t, nil, "", append([]string{"demo"}, engineArgs(dbURL, dir)...)...)
		if err != nil || !strings.Contains(text, "already loaded") {
			t.Errorf("third demo: %v, %q (%s), want it to say the firm is already loaded", err, text, errOut)
		}

		s := openTestStore(t, dbURL, dir)
		if n := countTableRows(t, s, "users"); n != len(want) {
			t.Errorf("%d users after loading the demo three times, want %d", n, len(want))
		}
	})
}

func openTestStore(tb testing.TB, dbURL, dir string) *store.Store {
	tb.Helper()
	s, err := engine.Open(context.Background(), dbURL, dir)
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

func countTableRows(tb testing.TB, s *store.Store, table string) int {
	tb.Helper()
	var n int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		tb.Fatalf("count %s: %v", table, err)
	}
	return n
}

func TestUserCommands(t *testing.T) {
	testenv.ForEachEngine(t, func(t *testing.T, e testenv.Engine) {
		ctx := context.Background()
		dbURL, dir := e.URL(t)
		db := engineArgs(dbURL, dir)
		tmp := t.TempDir()
		pwFile := filepath.Join(tmp, "password")
		if err := os.WriteFile(pwFile, []byte("first-password-2026\n"), 0o600); err != nil {
			t.Fatal(err)
		}

		if _, errOut, err := runCLI(t, nil, "", append([]string{"migrate"}, db...)...); err != nil {
			t.Fatalf("migrate: %v\n%s", err, errOut)
		}
		_, errOut, err := runCLI(t, nil, "", append([]string{"user", "create", "--email", "nina@hartwellcrane.example", "--name", "Nina Park",
			"--role", "staff", "--password-file", pwFile}, db...)...)
		if err == nil || !strings.Contains(describe(err), "no firm") {
			t.Errorf("user create on an empty database: %v (%s), want a message that there is no firm", err, errOut)
		}

		if _, errOut, err := runCLI(t, nil, "", append([]string{"demo"}, db...)...); err != nil {
			t.Fatalf("demo: %v\n%s", err, errOut)
		}
		s := openTestStore(t, dbURL, dir)
		a := app.New(s, app.DefaultConfig(), slog.New(slog.DiscardHandler))
		users := countTableRows(t, s, "users")

		out, errOut, err := runCLI(t, nil, "", append([]string{"user", "create", "--email", " Nina.Park@HartwellCrane.example ", "--name", "Nina Park",
			"--role", "staff", "--title", "Docketing clerk", "--time-zone", "America/Chicago", "--password-file", pwFile}, db...)...)
		if err != nil {
			t.Fatalf("user create: %v\n%s", err, errOut)
		}
		if !strings.Contains(out, "nina.park@hartwellcrane.example") {
			t.Errorf("user create printed %q, want the normalised email", out)
		}
		if n := countTableRows(t, s, "users"); n != users+1 {
			t.Fatalf("%d users after create, want %d", n, users+1)
		}
		users++
		token, u, err := a.SignIn(ctx, app.SignInRequest{Email: "nina.park@hartwellcrane.example", Password: "first-password-2026", Address: "192.0.2.1"})
		if err != nil {
			t.Fatalf("the new user cannot sign in: %v", err)
		}
		if u.Name != "Nina Park" || u.Role != domain.RoleStaff || u.TimeZone != "America/Chicago" {
			t.Errorf("created user = %+v", u)
		}

		out, errOut, err = runCLI(t, nil, "second-password-2026\nignored\n", append([]string{"user", "passwd", "--email", "nina.park@hartwellcrane.example",
			"--password-stdin"}, db...)...)
		if err != nil {
			t.Fatalf("user passwd: %v\n%s", err, errOut)
		}
		if strings.Contains(out+errOut, "second-password-2026") {
			t.Errorf("user passwd echoed the password: %s%s", out, errOut)
		}
		if _, err := a.Authenticate(ctx, token); domain.ErrorCode(err) != domain.EUnauthorized {
			t.Errorf("the session from before the password change still works: %v", err)
		}
		if _, _, err := a.SignIn(ctx, app.SignInRequest{Email: "nina.park@hartwellcrane.example", Password: "first-password-2026", Address: "192.0.2.1"}); domain.ErrorCode(err) != domain.EUnauthorized {
			t.Errorf("the old password still signs in: %v", err)
		}
		if _, _, err := a.SignIn(ctx, app.SignInRequest{Email: "nina.park@hartwellcrane.example", Password: "second-password-2026", Address: "192.0.2.1"}); err != nil {
			t.Errorf("the new password does not sign in: %v", err)
		}

		for _, tc := range []struct {
			name  string
			args  []string
			stdin string
			want  string
		}{
			{"bad role", []string{"user", "create", "--email", "x1@hartwellcrane.example", "--name", "X One", "--role", "wizard", "--password-file", pwFile}, "", "role"},
			{"duplicate email", []string{"user", "create", "--email", demo.Accounts()[0].Email, "--name", "Eleanor Again", "--role", "staff", "--password-file", pwFile}, "", "already exists"},
			{"duplicate email in other case", []string{"user", "create", "--email", strings.ToUpper(demo.Accounts()[1].Email), "--name", "Marcus Again", "--role", "staff", "--password-file", pwFile}, "", "already exists"},
			{"vendor role without a vendor", []string{"user", "create", "--email", "x2@lexora.example", "--name", "X Two", "--role", "vendor_professional", "--password-file", pwFile}, "", "vendor"},
			{"unknown vendor", []string{"user", "create", "--email", "x3@lexora.example", "--name", "X Three", "--role", "vendor_professional", "--vendor", "999999", "--password-file", pwFile}, "", "vendor"},
			{"short password", []string{"user", "create", "--email", "x4@hartwellcrane.example", "--name", "X Four", "--role", "staff", "--password-stdin"}, "short\n", "password"},
			{"missing name", []string{"user", "create", "--email", "x5@hartwellcrane.example", "--role", "staff", "--password-file", pwFile}, "", "name"},
			{"password file missing", []string{"user", "create", "--email", "x6@hartwellcrane.example", "--name", "X Six", "--role", "staff", "--password-file", filepath.Join(tmp, "nope")}, "", "password file"},
			{"passwd for nobody", []string{"user", "passwd", "--email", "nobody@hartwellcrane.example", "--password-stdin"}, "a-long-enough-password\n", "not found"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				out, errOut, err := runCLI(t, nil, tc.stdin, append(tc.args, db...)...)
				if err == nil {
					t.Fatalf("%v succeeded: %s", tc.args, out)
				}
				if exitStatus(err) == 0 {
					t.Errorf("exit code 0 for %v", err)
				}
				if !strings.Contains(strings.ToLower(describe(err)), tc.want) {
					t.Errorf("message %q does not mention %q (stderr %s)", describe(err), tc.want, errOut)
				}
				if n := countTableRows(t, s, "users"); n != users {
					t.Errorf("%d users after a failed %s, want %d", n, tc.name, users)
				}
			})
		}
		if bytes.Contains([]byte(errOut), []byte("first-password-2026")) {
			t.Errorf("a password reached the output")
		}
	})
}

// exitStatus is the process's exit status for Run's error, as main sets it
// (main calls exitCode only for a non-nil error).
func exitStatus(err error) int {
	if err == nil {
		return 0
	}
	return exitCode(err)
}
