package lrm

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	sdbus "github.com/coreos/go-systemd/v22/dbus"
	"golang.org/x/sys/unix"
)

const (
	heartbeatDir = "/usr/lib/ocf/resource.d/heartbeat"
	fenceDummy   = "/usr/sbin/fence_dummy"
)

// needFile skips a test whose real agent is not installed here (CI
// installs resource-agents and fence-agents, so there they run).
func TestMain(m *testing.M) {
	// Daemons started by test agents detach (setsid) and would be
	// reparented to init, which may not reap them here; make them ours.
	_ = unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
	os.Exit(m.Run())
}

func needFile(t *testing.T, path, pkg string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s missing (install Debian package %s): %v", path, pkg, err)
	}
}

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
}

func testdata(t *testing.T, p ...string) string {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join(append([]string{"testdata"}, p...)...))
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// nodeExec is an executor with a private state directory, as one sandbox
// node would have: HA_RSCTMP and the test daemon's PACER_TEST_STATE.
func nodeExec(t *testing.T, cfg Config) (*Executor, string) {
	t.Helper()
	state := t.TempDir()
	if cfg.Env == nil {
		cfg.Env = map[string]string{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(testLog{t}, nil))
	}
	cfg.Env["HA_RSCTMP"] = state
	cfg.Env["PACER_TEST_STATE"] = state
	e := New(cfg)
	t.Cleanup(e.Close)
	return e, state
}

// testLog sends the executor's log to the test's, shown on failure.
type testLog struct{ t *testing.T }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

func testExec(t *testing.T, cfg Config) (*Executor, string) {
	t.Helper()
	cfg.OCFRoot = testdata(t, "ocf")
	cfg.LSBDir = testdata(t, "init.d")
	cfg.FenceDirs = []string{testdata(t, "fence")}
	return nodeExec(t, cfg)
}

// groupMembers lists live processes whose process group is pgid.
func groupMembers(pgid int) []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		rest := s[strings.LastIndexByte(s, ')')+2:]
		f := strings.Fields(rest) // state ppid pgrp ...
		if len(f) > 2 && f[0] != "Z" {
			if g, _ := strconv.Atoi(f[2]); g == pgid {
				out = append(out, pid)
			}
		}
	}
	return out
}

func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func wantRC(t *testing.T, r Result, rc int, st ExecStatus) {
	t.Helper()
	if r.RC != rc || r.Status != st {
		t.Fatalf("%s: got rc=%d (%s) status=%s, want rc=%d (%s) status=%s\nreason: %s\nstdout: %.500s\nstderr: %.500s",
			r.Key(), r.RC, RCString(r.RC), r.Status, rc, RCString(rc), st, r.ExitReason, r.Output, r.Stderr)
	}
}

type sdbusConn = sdbus.Conn

var errNoSystemd = errors.New("no systemd here")
