package dist

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	sdbus "github.com/coreos/go-systemd/v22/dbus"
	"golang.org/x/sys/unix"

	"pacer/daemon/remote"
	"pacer/lrm"
	"pacer/lrm/systemdtest"
	"pacer/share/keyfile"
)

// pacerd-remote.service under a real systemd: the start job ends when the
// port answers a member holding the key, a crash is restarted, and the
// agents it started keep running across the restart (the cluster decides
// when they stop, not the executor).
func TestRemoteUnitStartsReadyAndRestartsAfterACrash(t *testing.T) {
	binDir := os.Getenv("PACER_BIN")
	if binDir == "" {
		t.Skip("PACER_BIN not set (make test sets it to the built binaries)")
	}
	pacerd, err := os.ReadFile(filepath.Join(binDir, "pacerd"))
	if err != nil {
		t.Skipf("no pacerd binary: %v (make build)", err)
	}
	if _, err := os.Stat("/usr/lib/ocf/resource.d/heartbeat/Dummy"); err != nil {
		t.Skipf("resource-agents not installed: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	unit := editUnit(t, "pacerd-remote.service", []unitEdit{
		{"ExecStart=/usr/sbin/pacerd remote\n", "ExecStart=" + testDir + "/pacerd remote --listen " + addr + " --key-file " + testDir +
			"/authkey --state-dir " + testDir + "/state --socket " + testDir + "/remote.sock\nStandardError=file:" + testDir + "/remote.log\n"},
		{"ConditionPathExists=/etc/pacer/authkey\n", "ConditionPathExists=" + testDir + "/authkey\nDefaultDependencies=no\n"},
		{"After=network-online.target time-sync.target\n", ""},
		{"Wants=network-online.target\n", ""},
	})
	s := systemdtest.Start(t, map[string]string{"pacerd-remote.service": unit})
	root := s.Root()
	if err := os.MkdirAll(root+testDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(root+testDir+"/pacerd", pacerd, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := keyfile.Generate(root+testDir+"/authkey", false); err != nil {
		t.Fatal(err)
	}
	key, err := keyfile.Load(root + testDir + "/authkey")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(root+"/run/resource-agents", 0o755|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	logs := func() string {
		b, _ := os.ReadFile(root + testDir + "/remote.log")
		return "--- remote.log ---\n" + string(b) + "\n--- systemd ---\n" + s.Output()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	sd, err := s.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sd.Close()
	prop := func(name string) string {
		t.Helper()
		p, err := sd.GetServicePropertyContext(ctx, "pacerd-remote.service", name)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(p.Value.Value())
	}
	ch := make(chan string, 1)
	if _, err := sd.StartUnitContext(ctx, "pacerd-remote.service", "replace", ch); err != nil {
		t.Fatal(err)
	}
	if r := <-ch; r != "done" {
		t.Fatalf("start pacerd-remote.service: job %s\n%s", r, logs())
	}
	dialIn := func() (*remote.Conn, error) {
		return inNetNS(s.PID, func() (*remote.Conn, error) {
			return remote.Dial(ctx, addr, remote.DialConfig{Key: key, From: "n1", Node: "rem1"})
		})
	}
	dial := func() *remote.Conn {
		t.Helper()
		c, err := dialIn()
		if err != nil {
			t.Fatalf("pacerd-remote.service is started but does not answer: %v\n%s", err, logs())
		}
		return c
	}
	c := dial()
	state := root + "/run/resource-agents/Dummy-d.state"
	r, err := c.Exec(ctx, lrm.Op{Resource: "d", Agent: "ocf:heartbeat:Dummy", Action: "start", Timeout: 20 * time.Second})
	if err != nil || !r.OK() {
		t.Fatalf("start d: %v %v\n%s", r, err, logs())
	}
	c.Close()
	if _, err := os.Stat(state); err != nil {
		t.Fatalf("d did not start: %v", err)
	}

	first := prop("MainPID")
	if err := sd.KillUnitWithTarget(ctx, "pacerd-remote.service", sdbus.Main, int32(syscall.SIGKILL)); err != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, "pacerd remote is restarted", func() error {
		if pid := prop("MainPID"); pid == "0" || pid == first {
			return fmt.Errorf("MainPID %s (was %s)", pid, first)
		}
		return nil
	})
	eventually(t, 30*time.Second, "the restarted pacerd remote answers", func() error {
		c, err := dialIn()
		if err != nil {
			return err
		}
		defer c.Close()
		r, err := c.Exec(ctx, lrm.Op{Resource: "d", Agent: "ocf:heartbeat:Dummy", Action: "monitor", Timeout: 20 * time.Second})
		if err != nil {
			return err
		}
		if !r.OK() {
			return fmt.Errorf("d's probe after the restart: %v (the agent should have outlived its executor)", r)
		}
		return nil
	})
}

// inNetNS runs dial on a thread in the network namespace of process pid
// (the private systemd has its own loopback): a socket belongs to the
// namespace it was made in, and stays usable from any thread after.
func inNetNS[T any](pid int, dial func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		// The thread is left locked, so Go retires it rather than reuse
		// it in the other namespace.
		runtime.LockOSThread()
		var zero T
		f, err := os.Open(fmt.Sprintf("/proc/%d/ns/net", pid))
		if err != nil {
			ch <- result{zero, err}
			return
		}
		defer f.Close()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			ch <- result{zero, fmt.Errorf("setns: %w", err)}
			return
		}
		v, err := dial()
		ch <- result{v, err}
	}()
	r := <-ch
	return r.v, r.err
}
