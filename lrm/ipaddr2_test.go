package lrm

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// netns is a network namespace of the test's own, with a dummy (or veth) interface
// on 192.0.2.0/24 (TEST-NET-1): no traffic can leave it.
type netns struct{ name string }

func newNetns(t *testing.T) netns {
	t.Helper()
	needRoot(t)
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("ip (iproute2) not installed")
	}
	ns := netns{name: fmt.Sprintf("pacer-lrm-%d", os.Getpid())}
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	_ = exec.Command("ip", "netns", "del", ns.name).Run() // a leftover of a killed run
	if out, err := exec.Command("ip", "netns", "add", ns.name).CombinedOutput(); err != nil {
		if strings.Contains(string(out), "not permitted") || strings.Contains(string(out), "ermission denied") {
			t.Skipf("cannot create network namespaces here (%s); run as root with CAP_SYS_ADMIN", strings.TrimSpace(string(out)))
		}
		t.Fatalf("ip netns add: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns.name).Run() })
	run("-n", ns.name, "link", "set", "lo", "up")
	// A dummy interface where the kernel has the module, else a veth pair
	// with both ends inside the namespace.
	if exec.Command("ip", "-n", ns.name, "link", "add", "pacer0", "type", "dummy").Run() != nil {
		run("-n", ns.name, "link", "add", "pacer0", "type", "veth", "peer", "name", "pacer1")
		run("-n", ns.name, "link", "set", "pacer1", "up")
	}
	run("-n", ns.name, "addr", "add", "192.0.2.1/24", "dev", "pacer0")
	run("-n", ns.name, "link", "set", "pacer0", "up")
	return ns
}

func (ns netns) addrs(t *testing.T) string {
	out, err := exec.Command("ip", "-n", ns.name, "-o", "addr", "show").CombinedOutput()
	if err != nil {
		t.Fatalf("ip addr: %v\n%s", err, out)
	}
	return string(out)
}

// in runs f on an OS thread moved into the namespace: agents the executor
// forks from that thread are born inside it. The thread is never unlocked,
// so Go discards it afterwards instead of reusing it in the wrong netns.
func (ns netns) in(t *testing.T, f func()) {
	t.Helper()
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		fd, err := unix.Open(filepath.Join("/run/netns", ns.name), unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			errc <- err
			return
		}
		defer unix.Close(fd)
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("setns: %w", err)
			return
		}
		f()
		errc <- nil
	}()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

func TestIPaddr2InNetns(t *testing.T) {
	needFile(t, filepath.Join(heartbeatDir, "IPaddr2"), "resource-agents")
	ns := newNetns(t)
	e, _ := nodeExec(t, Config{})
	ctx := context.Background()
	const ip = "192.0.2.77"
	params := map[string]string{"ip": ip, "cidr_netmask": "24"}
	op := func(action string) Result {
		var r Result
		ns.in(t, func() {
			r = e.Exec(ctx, Op{Resource: "vip", Agent: "ocf:heartbeat:IPaddr2", Action: action, Params: params, Timeout: 20 * time.Second})
		})
		return r
	}
	wantRC(t, op("monitor"), OCFNotRunning, StatusDone)
	wantRC(t, op("start"), OCFSuccess, StatusDone)
	t.Cleanup(func() { op("stop") })
	if a := ns.addrs(t); !strings.Contains(a, ip+"/24") || !strings.Contains(a, "pacer0") {
		t.Fatalf("address %s not on pacer0 after start:\n%s", ip, a)
	}
	if host, _ := exec.Command("ip", "-o", "addr", "show").CombinedOutput(); strings.Contains(string(host), ip) {
		t.Fatalf("address leaked into the host namespace:\n%s", host)
	}
	wantRC(t, op("monitor"), OCFSuccess, StatusDone)
	wantRC(t, op("stop"), OCFSuccess, StatusDone)
	if a := ns.addrs(t); strings.Contains(a, ip+"/") {
		t.Fatalf("address %s still there after stop:\n%s", ip, a)
	}
	wantRC(t, op("monitor"), OCFNotRunning, StatusDone)

	// A missing required parameter: the agent's own clear complaint.
	delete(params, "ip")
	r := op("start")
	wantRC(t, r, OCFErrConfigured, StatusDone)
	if !strings.Contains(r.ExitReason, "ip") {
		t.Errorf("exit reason %q does not name the missing parameter", r.ExitReason)
	}
}
