package server

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	osuser "os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"pacer/share/client"
	"pacer/share/protocol"
)

// TestMain doubles as a tiny client so that a test can talk to the socket
// as another user.
func TestMain(m *testing.M) {
	if path := os.Getenv("PACER_TEST_DIAL"); path != "" {
		// Through the shell's own client, with a request large enough
		// (PACER_TEST_PAD bytes) that it cannot be sent whole to a server
		// that refuses the peer.
		c, err := client.Dial(path)
		if err != nil {
			fmt.Println("dial:", err)
			os.Exit(0)
		}
		pad, _ := strconv.Atoi(os.Getenv("PACER_TEST_PAD"))
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r, err := c.Do(ctx, protocol.Request{Op: "hello", Name: strings.Repeat("x", pad)})
		var perr *protocol.Error
		switch {
		case errors.As(err, &perr):
			fmt.Println("error:", perr.Code)
		case err != nil:
			fmt.Println("failed:", err)
		default:
			fmt.Println("ok:", r.XML)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestPeerCredentials(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to run a client as another user")
	}
	dir, dialAs := clientAs(t)
	path := filepath.Join(dir, "s.sock")
	s, err := Listen(path, echo{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Open the file permissions so that only the credential check stands
	// between nobody and the daemon.
	os.Chmod(path, 0o666)
	run := func(uid, gid uint32) string {
		out, err := dialAs(path, uid, gid)
		if err != nil {
			t.Fatalf("client as uid %d: %v: %s", uid, err, out)
		}
		return out
	}
	if got := run(65534, 65534); got != "error: denied" {
		t.Fatalf("nobody got %q, want error: denied", got)
	}
	// Also when the request is too large to be taken in before the
	// server closes: the reason, not "broken pipe" or "connection reset".
	os.Setenv("PACER_TEST_PAD", "4000000")
	got := run(65534, 65534)
	os.Unsetenv("PACER_TEST_PAD")
	if got != "error: denied" {
		t.Fatalf("nobody with a large request got %q, want error: denied", got)
	}
	if got := run(0, 0); got != "ok: hello:" {
		t.Fatalf("root got %q", got)
	}
	if s.gid >= 0 {
		if got := run(65534, uint32(s.gid)); got != "ok: hello:" {
			t.Fatalf("a haclient member got %q", got)
		}
	}
}

// The default socket lives in a directory pacerd makes (/run/pacer): a
// member of haclient must be able to reach the socket through it, others
// not even that far.
func TestHaclientReachesTheSocketThroughTheDirectoryListenMakes(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to run a client as another user")
	}
	g, err := osuser.LookupGroup(Group)
	if err != nil {
		t.Skipf("no group %s: %v", Group, err)
	}
	gid, _ := strconv.Atoi(g.Gid)
	dir, dialAs := clientAs(t)
	path := filepath.Join(dir, "run", "pacerd.sock")
	s, err := Listen(path, echo{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if sys := st.Sys().(*syscall.Stat_t); int(sys.Gid) != gid || st.Mode().Perm() != 0o750 {
		t.Fatalf("socket directory: group %d mode %v, want group %s (%d) mode 0750", sys.Gid, st.Mode().Perm(), Group, gid)
	}
	run := func(uid, gid uint32) string {
		out, _ := dialAs(path, uid, gid)
		return out
	}
	if got := run(65534, uint32(gid)); got != "ok: hello:" {
		t.Fatalf("a haclient member got %q through the new directory", got)
	}
	if got := run(65534, 65534); !strings.Contains(got, "permission denied") {
		t.Fatalf("nobody got %q, want the directory to keep it out", got)
	}
}

// clientAs makes a directory other users can reach, holding a copy of the
// test binary, and returns it with a function that runs that copy as
// uid:gid to say hello on the socket at path (see TestMain).
func clientAs(t *testing.T) (string, func(path string, uid, gid uint32) (string, error)) {
	t.Helper()
	dir, err := os.MkdirTemp("", "pacer-creds-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	exe, _ := os.Executable()
	bin := filepath.Join(dir, "client")
	data, _ := os.ReadFile(exe)
	os.WriteFile(bin, data, 0o755)
	return dir, func(path string, uid, gid uint32) (string, error) {
		cmd := exec.Command(bin)
		cmd.Env = append(os.Environ(), "PACER_TEST_DIAL="+path)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: gid}}
		out, err := cmd.CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
}
