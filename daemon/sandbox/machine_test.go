package sandbox_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"pacer/daemon/sandbox"
	"pacer/share/client"
)

// escaped is a resource whose daemon leaves the node's environment behind
// (env -i, a new session), as an agent running `su -` would: powering the
// node off must still kill it.
func escaped(id, mark string) string {
	return fmt.Sprintf(`<primitive id="%[1]s" class="ocf" provider="heartbeat" type="anything">
  <instance_attributes id="%[1]s-ia">
    <nvpair id="%[1]s-bin" name="binfile" value="/bin/sh"/>
    <nvpair id="%[1]s-args" name="cmdline_options" value="-c 'env -i setsid sleep %[2]s &amp; exec sleep 3600'"/>
  </instance_attributes>
  <operations><op id="%[1]s-monitor-5s" name="monitor" interval="5s" timeout="20s"/></operations>
</primitive>`, id, mark)
}

// procsWith lists the pids whose command line contains arg.
func procsWith(arg string) []int {
	var out []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err == nil && bytes.Contains(b, []byte("\x00"+arg+"\x00")) {
			out = append(out, pid)
		}
	}
	return out
}

func pidNS(pid int) uint64 {
	var st syscall.Stat_t
	if syscall.Stat(fmt.Sprintf("/proc/%d/ns/pid", pid), &st) != nil {
		return 0
	}
	return st.Ino
}

func TestPowerOffKillsEveryProcessOfTheMachine(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("machines (PID namespaces) need root")
	}
	if _, err := os.Stat("/usr/lib/ocf/resource.d/heartbeat/anything"); err != nil {
		t.Skip("needs ocf:heartbeat:anything (resource-agents)")
	}
	c := startCluster(t, 3, false)
	c.oneDC(10*time.Second, "n1", "n2", "n3")
	mark := fmt.Sprintf("%d.%d", os.Getpid(), time.Now().UnixNano()%1e6)
	cl := c.dial("n1")
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second),
			configWith(t, true, []string{escaped("esc", mark)}, []string{prefer("esc", "n2")}), client.Version{})
	})
	if where := c.runningOnce("n1", "esc", 30*time.Second); where != "n2" {
		t.Fatalf("esc on %s, want n2", where)
	}
	var pids []int
	eventually(t, 10*time.Second, "the escaped daemon", func() error {
		if pids = procsWith(mark); len(pids) != 1 {
			return fmt.Errorf("processes with %s: %v", mark, pids)
		}
		return nil
	})
	env, _ := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pids[0]))
	if bytes.Contains(env, []byte(sandbox.EnvMarker)) {
		t.Fatalf("the escaped daemon kept the environment (%q): the test proves nothing", env)
	}
	if got, want := pidNS(pids[0]), sandbox.PIDNamespace(c.dir, "n2"); got != want || want == 0 {
		t.Fatalf("escaped daemon in PID namespace %d, n2's machine is %d", got, want)
	}
	// A crash of pacerd leaves the machine and its processes running.
	if err := sandbox.Kill(c.dir, "n2"); err != nil {
		t.Fatal(err)
	}
	if !sandbox.MachineRunning(c.dir, "n2") || len(procsWith(mark)) != 1 {
		t.Fatal("killing pacerd took the machine (or the daemon) down with it")
	}
	// The cluster fences n2: nothing of it survives, the DC's power-off is logged.
	eventually(t, 30*time.Second, "n2 powered off", func() error {
		if sandbox.MachineRunning(c.dir, "n2") {
			return fmt.Errorf("n2's machine still on")
		}
		return nil
	})
	if p := procsWith(mark); len(p) != 0 {
		t.Fatalf("processes of fenced n2 survive: %v", p)
	}
	log, _ := os.ReadFile(filepath.Join(c.dir, sandbox.PowerLog))
	if f := strings.Fields(string(log)); len(f) < 3 || f[1] != "n2" || f[2] == "n2" || f[2] == "-" {
		t.Fatalf("power log %q: want n2 powered off by another node's fence agent", log)
	}
	c.runningOnce("n1", "esc", 30*time.Second, "n2")
	// Powered on again, n2 rejoins.
	if _, err := sandbox.Start(c.dir, 3, false, c.bin, []string{"n2"}, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	c.oneDC(20*time.Second, "n1", "n2", "n3")
}

// A clean stop of one node's pacerd leaves its machine on; start brings
// the daemon back on the same machine.
func TestStopAndStartOneNode(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("machines (PID namespaces) need root")
	}
	c := startCluster(t, 3, false)
	c.oneDC(10*time.Second, "n1", "n2", "n3")
	ns := sandbox.PIDNamespace(c.dir, "n3")
	var out, errb bytes.Buffer
	if rc := sandbox.Main([]string{"stop", "n3", "--dir", c.dir}, &out, &errb); rc != 0 {
		t.Fatalf("sandbox stop n3: rc %d: %s", rc, errb.String())
	}
	if !sandbox.MachineRunning(c.dir, "n3") {
		t.Fatal("stop n3 powered its machine off")
	}
	if rc := sandbox.Main([]string{"start", "n3", "--dir", c.dir, "--pacerd", c.bin}, &out, &errb); rc != 0 {
		t.Fatalf("sandbox start n3: rc %d: %s", rc, errb.String())
	}
	if got := sandbox.PIDNamespace(c.dir, "n3"); got != ns {
		t.Fatalf("n3 restarted on another machine (PID namespace %d, was %d)", got, ns)
	}
	c.oneDC(20*time.Second, "n1", "n2", "n3")
	// restart is the two at once.
	before, _ := os.ReadFile(filepath.Join(c.dir, "n3", "pacerd.pid"))
	if rc := sandbox.Main([]string{"restart", "n3", "--dir", c.dir, "--pacerd", c.bin}, &out, &errb); rc != 0 {
		t.Fatalf("sandbox restart n3: rc %d: %s", rc, errb.String())
	}
	after, _ := os.ReadFile(filepath.Join(c.dir, "n3", "pacerd.pid"))
	if string(before) == string(after) || !sandbox.DaemonRunning(c.dir, "n3") {
		t.Fatalf("restart n3: pacerd pid %q then %q", before, after)
	}
	c.oneDC(20*time.Second, "n1", "n2", "n3")
}
