package shell_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDaemonCommands drives a 3-node sandbox cluster through the shell:
// the commands the daemon's tests and `make demo` rely on.
func TestDaemonCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	pacerd := filepath.Join(filepath.Dir(pacerBin), "pacerd")
	if _, err := os.Stat(pacerd); err != nil {
		t.Skipf("no pacerd beside %s (make build)", pacerBin)
	}
	if _, err := os.Stat("/usr/lib/ocf/resource.d/heartbeat/Dummy"); err != nil {
		t.Skip("resource-agents not installed")
	}
	dir := t.TempDir()
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	pacer := func(args ...string) result {
		t.Helper()
		return pacerIn(t, env, "", 60*time.Second, args...)
	}
	must := func(args ...string) string {
		t.Helper()
		r := pacer(args...)
		if r.code != 0 {
			t.Fatalf("pacer %v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
		return r.stdout
	}
	out := must("sandbox", "start", "-n", "3", "--dir", dir)
	t.Cleanup(func() { pacer("sandbox", "stop", "--dir", dir) })
	m := regexp.MustCompile(`export PACER_SOCKET=(\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no PACER_SOCKET in %q", out)
	}
	env = append(env, "PACER_SOCKET="+m[1])
	for _, l := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(strings.TrimPrefix(l, "export "), "="); ok && strings.HasPrefix(l, "export ") && k != "PACER_SOCKET" {
			env = append(env, k+"="+v)
		}
	}

	must("configure", "property", "fencing-enabled=false")
	must("configure", "primitive", "d1", "ocf:heartbeat:Dummy", "op", "monitor", "interval=5s")
	must("configure", "primitive", "d2", "ocf:heartbeat:Dummy")
	must("configure", "group", "g1", "d1", "d2")
	must("configure", "primitive", "c", "ocf:heartbeat:Dummy")
	must("-w", "configure", "clone", "cl", "c")
	st := must("status")
	for _, want := range []string{"Online: [ n1 n2 n3 ]", "Resource Group: g1", "Clone Set: cl"} {
		if !strings.Contains(st, want) {
			t.Errorf("status lacks %q:\n%s", want, st)
		}
	}
	locate := func(rsc string) string {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			out := must("resource", "locate", rsc)
			if m := regexp.MustCompile(`^resource ` + rsc + ` is running on: (\S+)\n$`).FindStringSubmatch(out); m != nil {
				return m[1]
			}
			if time.Now().After(deadline) {
				t.Fatalf("locate %s: %q", rsc, out)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	n := locate("d1")
	must("-w", "node", "standby", n)
	if n2 := locate("d1"); n2 == n {
		t.Fatalf("d1 still on %s after standby", n)
	}
	must("-w", "node", "online", n)
	must("-w", "resource", "move", "g1", n)
	if got := locate("d2"); got != n {
		t.Errorf("after move g1 to %s, d2 on %s", n, got)
	}
	must("resource", "clear", "g1")
	if r := pacer("configure", "location", "l1", "nothere", "100:", n); r.code == 0 {
		t.Error("location on a missing resource was accepted")
	}
	if show := must("configure", "show"); !strings.Contains(show, "group g1 d1 d2") {
		t.Errorf("configure show:\n%s", show)
	}

	// node delete (crm_node -R): refused for a member, then, once its
	// pacerd is stopped, the node's entry and state are gone.
	if r := pacer("node", "delete", "n3"); r.code == 0 {
		t.Error("node delete of a running member was accepted")
	}
	must("sandbox", "stop", "n3", "--dir", dir)
	deadline := time.Now().Add(30 * time.Second)
	for {
		r := pacer("node", "delete", "n3")
		if r.code == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("node delete n3 after its stop: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		time.Sleep(time.Second)
	}
	if st := must("status"); strings.Contains(st, "n3") {
		t.Errorf("n3 still in status after node delete:\n%s", st)
	}
	if show := must("configure", "show"); strings.Contains(show, "node n3") {
		t.Errorf("n3 still configured after node delete:\n%s", show)
	}
}
