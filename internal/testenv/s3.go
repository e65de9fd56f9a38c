package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/probity/probity/internal/blob"
)

// S3 starts a real S3-compatible server (Versity's versitygw, posix
// backend, in a temporary directory, on a free local port) for the test,
// with a fresh bucket, and returns the configuration to reach it. The
// binary is $PROBITY_TEST_VERSITYGW, or .tools/bin/versitygw at the module
// root (scripts/test installs it there), or versitygw on $PATH; when none
// is found the test is skipped, or fails under CI=true.
func S3(tb testing.TB) blob.S3Config {
	tb.Helper()
	bin := versitygw()
	if bin == "" {
		Missing(tb, "versitygw (PROBITY_TEST_VERSITYGW)")
	}
	root := tb.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	key := make([]byte, 20)
	_, _ = rand.Read(key)
	c := blob.S3Config{Endpoint: "http://" + addr, Region: "us-east-1", Bucket: "probity-test", AccessKey: "probitytest", SecretKey: hex.EncodeToString(key), PathStyle: true}
	// Object metadata (part ETags) goes to a sidecar directory, so the
	// temporary directory's file system needs no extended attributes.
	sidecar := tb.TempDir()
	cmd := exec.Command(bin, "--port", addr, "--quiet", "posix", "--sidecar", sidecar, root)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY_ID="+c.AccessKey, "ROOT_SECRET_ACCESS_KEY="+c.SecretKey)
	logf, err := os.Create(filepath.Join(tb.TempDir(), "versitygw.log"))
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start versitygw: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
		_ = logf.Close()
	})
	// Wait until it answers: the bucket is created as soon as it does.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		err := blob.CreateS3Bucket(ctx, c)
		if err == nil {
			return c
		}
		select {
		case <-done:
			b, _ := os.ReadFile(logf.Name())
			tb.Fatalf("versitygw exited: %s", b)
		case <-ctx.Done():
			tb.Fatalf("versitygw did not answer at %s: %v", addr, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func versitygw() string {
	if p := os.Getenv("PROBITY_TEST_VERSITYGW"); p != "" {
		return p
	}
	_, file, _, ok := runtime.Caller(0)
	if ok {
		p := filepath.Join(filepath.Dir(file), "..", "..", ".tools", "bin", "versitygw")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	return ""
}
