package server

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"pacer/share/protocol"
)

// TestMain doubles as a tiny client so that a test can talk to the socket
// as another user.
func TestMain(m *testing.M) {
	if path := os.Getenv("PACER_TEST_DIAL"); path != "" {
		c, err := net.Dial("unix", path)
		if err != nil {
			fmt.Println("dial:", err)
			os.Exit(0)
		}
		protocol.WriteFrame(c, &protocol.Request{V: 1, ID: 1, Op: "hello"})
		var r protocol.Response
		if err := protocol.ReadFrame(c, &r, 0); err != nil {
			fmt.Println("read:", err)
			os.Exit(0)
		}
		if r.Error != nil {
			fmt.Println("error:", r.Error.Code)
		} else {
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
	dir, err := os.MkdirTemp("", "pacer-creds-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	exe, _ := os.Executable()
	// The test binary must be reachable by the other user.
	bin := filepath.Join(dir, "client")
	data, _ := os.ReadFile(exe)
	os.WriteFile(bin, data, 0o755)
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
		cmd := exec.Command(bin)
		cmd.Env = append(os.Environ(), "PACER_TEST_DIAL="+path)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: gid}}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("client as uid %d: %v: %s", uid, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if got := run(65534, 65534); got != "error: denied" {
		t.Fatalf("nobody got %q, want error: denied", got)
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
