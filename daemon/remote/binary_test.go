package remote

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"pacer/lrm"
	"pacer/share/keyfile"
	"pacer/share/protocol"
)

// The real `pacerd remote` binary: a member connects with the cluster key,
// runs a Dummy there, and the agent tools linked for its agents answer
// from the cluster: crm_node -n says the name the member gave, and an
// attrd_updater reaches the member.
func TestPacerdRemoteBinary(t *testing.T) {
	needDummy(t)
	bin := os.Getenv("PACER_BIN")
	if bin == "" {
		abs, _ := filepath.Abs("../../bin")
		bin = abs
	}
	pacerd := filepath.Join(bin, "pacerd")
	if _, err := os.Stat(pacerd); err != nil {
		t.Skipf("no %s (make build): %v", pacerd, err)
	}
	dir := t.TempDir()
	key := filepath.Join(dir, "authkey")
	if err := keyfile.Generate(key, false); err != nil {
		t.Fatal(err)
	}
	k, err := keyfile.Load(key)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	sock := filepath.Join(dir, "remote.sock")
	cmd := exec.Command(pacerd, "remote", "--listen", addr, "--key-file", key, "--state-dir", filepath.Join(dir, "state"),
		"--socket", sock, "--node", "boot")
	logf, _ := os.Create(filepath.Join(dir, "remote.log"))
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), "HA_RSCTMP="+dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "remote.log"))
			t.Logf("pacerd remote's log:\n%s", b)
		}
	})
	var c *Conn
	attrs := make(chan *protocol.Request, 1)
	for i := 0; ; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		c, err = Dial(ctx, addr, DialConfig{Key: k, From: "n1", Node: "rem1", API: func(ctx context.Context, r *protocol.Request) *protocol.Response {
			if r.Op == protocol.OpSetNodeAttr {
				attrs <- r
			}
			return &protocol.Response{CIBVersion: "0.1.1"}
		}})
		cancel()
		if err == nil {
			break
		}
		if i > 100 {
			t.Fatalf("pacerd remote never answered: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	defer c.Close()

	state := filepath.Join(dir, "d.state")
	r, err := c.Exec(ctxT(t, 30*time.Second), lrm.Op{Resource: "d", Agent: dummy, Action: "start", Timeout: 20 * time.Second,
		Params: map[string]string{"state": state}})
	if err != nil || !r.OK() {
		t.Fatalf("start: %v %v", r, err)
	}
	tools := filepath.Join(dir, "state", "agent-tools")
	env := append(os.Environ(), "PACER_SOCKET="+sock)
	out, err := (&exec.Cmd{Path: filepath.Join(tools, "crm_node"), Args: []string{"crm_node", "-n"}, Env: env}).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "rem1" {
		t.Fatalf("crm_node -n on the remote: %q %v", out, err)
	}
	out, err = (&exec.Cmd{Path: filepath.Join(tools, "attrd_updater"), Args: []string{"attrd_updater", "-n", "pingd", "-U", "100"}, Env: env}).CombinedOutput()
	if err != nil {
		t.Fatalf("attrd_updater on the remote: %q %v", out, err)
	}
	select {
	case r := <-attrs:
		if r.Name != "pingd" || r.Value != "100" || r.Node != "rem1" {
			t.Fatalf("the member got %+v", r)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("attrd_updater's update never reached the member")
	}
}
