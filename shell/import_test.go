package shell_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// lsbScript is an init script whose state lives in the node's HA_RSCTMP,
// so that each sandbox node has its own.
const lsbScript = `#!/bin/sh
state="${HA_RSCTMP:?}/%[1]s.running"
case "$1" in
start) touch "$state"; exit 0 ;;
stop) rm -f "$state"; exit 0 ;;
status) [ -e "$state" ] && exit 0; exit 3 ;;
restart|force-reload) rm -f "$state"; touch "$state"; exit 0 ;;
*) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
`

// TestImportApplyOnSandbox imports a Heartbeat and then a CMAN
// configuration into a two-node sandbox on network namespaces with
// --apply: the converted IPaddr2, Filesystem (tmpfs) and LSB resources
// start where the old configuration put them, and move as it said.
func TestImportApplyOnSandbox(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root (network namespaces, mounts, /etc/init.d)")
	}
	pacerd := filepath.Join(filepath.Dir(pacerBin), "pacerd")
	if _, err := os.Stat(pacerd); err != nil {
		t.Skipf("no pacerd beside %s (make build)", pacerBin)
	}
	for _, f := range []string{"/usr/lib/ocf/resource.d/heartbeat/IPaddr2", "/usr/lib/ocf/resource.d/heartbeat/Filesystem"} {
		if _, err := os.Stat(f); err != nil {
			t.Skip("resource-agents not installed")
		}
	}
	for _, tool := range []string{"ip", "modprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	dir := t.TempDir()
	script := fmt.Sprintf("pacer-import-test-%d", os.Getpid())
	if err := os.WriteFile("/etc/init.d/"+script, []byte(fmt.Sprintf(lsbScript, script)), 0o755); err != nil {
		t.Skipf("cannot write an init script: %v", err)
	}
	t.Cleanup(func() { os.Remove("/etc/init.d/" + script) })

	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	pacer := func(stdin string, args ...string) result {
		t.Helper()
		return pacerIn(t, env, stdin, 90*time.Second, args...)
	}
	must := func(args ...string) result {
		t.Helper()
		r := pacer("", args...)
		if r.code != 0 {
			t.Fatalf("pacer %v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
		return r
	}
	out := must("sandbox", "start", "-n", "2", "--netns", "--dir", dir).stdout
	t.Cleanup(func() { pacer("", "sandbox", "stop", "--dir", dir) })
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "export ") {
			env = append(env, strings.TrimPrefix(l, "export "))
		}
	}
	var layout struct {
		Nodes []struct{ Name, Addr, NS string }
	}
	b, err := os.ReadFile(filepath.Join(dir, "sandbox.json"))
	if err != nil || json.Unmarshal(b, &layout) != nil || len(layout.Nodes) != 2 {
		t.Fatalf("sandbox.json: %v %s", err, b)
	}
	ns := map[string]string{}
	for _, n := range layout.Nodes {
		ns[n.Name] = n.NS
	}
	// A free address on the nodes' subnet.
	vip := regexp.MustCompile(`\.\d+$`).ReplaceAllString(layout.Nodes[0].Addr, ".200")
	mnt := filepath.Join(dir, "mnt")
	if err := os.MkdirAll(mnt, 0o755); err != nil {
		t.Fatal(err)
	}

	locate := func(rsc, want string) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		var last string
		for time.Now().Before(deadline) {
			last = pacer("", "resource", "locate", rsc).stdout
			if strings.TrimSpace(last) == "resource "+rsc+" is running on: "+want ||
				want == "" && strings.HasPrefix(last, "resource "+rsc+" is running on: ") {
				return
			}
			time.Sleep(300 * time.Millisecond)
		}
		var logs strings.Builder
		for _, n := range layout.Nodes {
			b, _ := os.ReadFile(filepath.Join(dir, n.Name, "pacerd.log"))
			if len(b) > 6000 {
				b = b[len(b)-6000:]
			}
			fmt.Fprintf(&logs, "--- %s log (end):\n%s\n", n.Name, b)
		}
		t.Fatalf("%s not running on %s: %q\n%s\n%s\n%s", rsc, want, last, pacer("", "status").stdout,
			pacer("", "stonith", "history").stdout, logs.String())
	}
	hasIP := func(node string) bool {
		out, _ := exec.Command("ip", "-n", ns[node], "-o", "addr", "show", "dev", "eth0").CombinedOutput()
		return strings.Contains(string(out), " "+vip+"/24 ")
	}
	// The tmpfs is mounted in the node's own mount namespace: its
	// pacerd's.
	mounted := func(node string) bool {
		pid, _ := os.ReadFile(filepath.Join(dir, node, "pacerd.pid"))
		m, _ := os.ReadFile(filepath.Join("/proc", strings.TrimSpace(string(pid)), "mounts"))
		return strings.Contains(string(m), " "+mnt+" tmpfs ")
	}
	lsbRunning := func(node string) bool {
		_, err := os.Stat(filepath.Join(dir, node, "run", "resource-agents", script+".running"))
		return err == nil
	}
	checkOn := func(on, off string) {
		t.Helper()
		if !hasIP(on) || hasIP(off) {
			t.Errorf("address %s: on %s %v, on %s %v", vip, on, hasIP(on), off, hasIP(off))
		}
		if !mounted(on) || mounted(off) {
			t.Errorf("tmpfs %s: mounted on %s %v, on %s %v", mnt, on, mounted(on), off, mounted(off))
		}
		if !lsbRunning(on) || lsbRunning(off) {
			t.Errorf("lsb:%s: running on %s %v, on %s %v", script, on, lsbRunning(on), off, lsbRunning(off))
		}
	}

	// Heartbeat: the group prefers n2; auto_failback on brings it back.
	hacf := filepath.Join(dir, "ha.cf")
	har := filepath.Join(dir, "haresources")
	os.WriteFile(hacf, []byte("node n1 n2\nauto_failback on\nkeepalive 1\ndeadtime 10\n"), 0o644)
	os.WriteFile(har, []byte(fmt.Sprintf("n2 IPaddr2::%s/24/eth0 \\\n   Filesystem::tmpfs::%s::tmpfs %s\n", vip, mnt, script)), 0o644)
	r := must("-w", "import", "heartbeat", "--apply", "-y", hacf, har)
	if !strings.Contains(r.stdout, "The cluster will:") || !strings.Contains(r.stdout, "Start") {
		t.Errorf("--apply did not show what the cluster would do:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "stonith-enabled=false") {
		t.Errorf("no word on disabled fencing:\n%s", r.stderr)
	}
	group := "group_IPaddr2_" + vip
	locate(group, "n2")
	checkOn("n2", "n1")
	must("-w", "node", "standby", "n2")
	locate(group, "n1")
	checkOn("n1", "n2")
	must("-w", "node", "online", "n2")
	locate(group, "n2")
	checkOn("n2", "n1")

	// A cluster with resources is not replaced by accident.
	conf := filepath.Join(dir, "cluster.conf")
	os.WriteFile(conf, []byte(fmt.Sprintf(`<?xml version="1.0"?>
<cluster name="sandbox" config_version="3">
  <cman two_node="1" expected_votes="1"/>
  <clusternodes>
    <clusternode name="n1" nodeid="1"><fence><method name="1"><device name="power" port="n1"/></method></fence></clusternode>
    <clusternode name="n2" nodeid="2"><fence><method name="1"><device name="power" port="n2"/></method></fence></clusternode>
  </clusternodes>
  <fencedevices><fencedevice agent="fence_pacer_sandbox" name="power"/></fencedevices>
  <rm>
    <failoverdomains>
      <failoverdomain name="prefer-n1" ordered="1" restricted="1">
        <failoverdomainnode name="n1" priority="1"/><failoverdomainnode name="n2" priority="2"/>
      </failoverdomain>
    </failoverdomains>
    <resources>
      <script name="app" file="/etc/init.d/%[1]s"/>
    </resources>
    <service name="svc" domain="prefer-n1" recovery="relocate">
      <script ref="app"/>
      <ip address="%[2]s/24"/>
      <fs name="data" device="tmpfs" mountpoint="%[3]s" fstype="tmpfs"/>
    </service>
  </rm>
</cluster>
`, script, vip, mnt)), 0o644)
	if r := pacer("", "import", "cman", "--apply", "-y", conf); r.code == 0 || !strings.Contains(r.stderr, "resource(s) already") || !strings.Contains(r.stderr, "group_IPaddr2_"+vip) {
		t.Fatalf("--apply over existing resources without --force: exit %d\n%s", r.code, r.stderr)
	}
	// With --force the CMAN service replaces the Heartbeat group, once that
	// is stopped (running resources are never removed: pacerd would stop
	// them as orphans, without the parameters they ran with, which fails
	// for Filesystem and gets the node fenced); its domain prefers n1, and
	// fencing is on with the sandbox's agent.
	if r := pacer("", "--force", "import", "cman", "--apply", "-y", conf); r.code == 0 || !strings.Contains(r.stderr, "are running and would be removed: stop them first") {
		t.Fatalf("--apply --force over running resources: exit %d\n%s", r.code, r.stderr)
	}
	must("-w", "resource", "stop", group)
	must("-w", "--force", "import", "cman", "--apply", "-y", conf)
	locate("svc", "n1")
	checkOn("n1", "n2")
	locate("fence-power", "")
	if show := must("configure", "show").stdout; !strings.Contains(show, "stonith-enabled=true") || !strings.Contains(show, "fencing_topology") {
		t.Errorf("configuration after import:\n%s", show)
	}
	// Restricted to n1 and n2, relocate on failure: standby moves it.
	must("-w", "node", "standby", "n1")
	locate("svc", "n2")
	checkOn("n2", "n1")
}

// TestImportCommand: the command's outputs and --apply on a CIB file.
func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "cluster.conf")
	os.WriteFile(conf, []byte(`<cluster name="c" config_version="1">
  <clusternodes><clusternode name="x" nodeid="1"/><clusternode name="y" nodeid="2"/></clusternodes>
  <rm><service name="s" autostart="0"><ip address="10.0.0.1"/><script name="a" file="/etc/init.d/a"/></service></rm>
</cluster>`), 0o644)
	r := run(t, "", "", "import", "cman", conf)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "<cib ") || !strings.Contains(r.stdout, `<group id="s">`) {
		t.Fatalf("XML output: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "no fencing device") || !strings.Contains(r.stderr, "stonith-enabled=false") {
		t.Errorf("notes missing on stderr:\n%s", r.stderr)
	}
	r = run(t, "", "", "import", "cman", "-o", "crm", "--conf", filepath.Join(dir, "pacer.conf"), conf)
	if r.code != 0 || !strings.Contains(r.stdout, "group s s-ip-10.0.0.1 s-a") || !strings.Contains(r.stdout, "target-role=Stopped") {
		t.Fatalf("crm output: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "pacer.conf")); err != nil || !strings.Contains(string(b), `cluster_name = "c"`) {
		t.Errorf("--conf: %v %s", err, b)
	}
	if r := run(t, "", "", "import", "cman", filepath.Join(dir, "missing.conf")); r.code != 1 || !strings.Contains(r.stderr, "missing.conf") {
		t.Errorf("missing file: exit %d %s", r.code, r.stderr)
	}
	// --apply on a CIB file: shown, confirmed, stored.
	cib := filepath.Join(dir, "cib.xml")
	os.WriteFile(cib, []byte(`<cib crm_feature_set="3.17.4" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0"><configuration><crm_config/><nodes><node id="1" uname="x"/><node id="2" uname="y"/></nodes><resources/><constraints/></configuration><status/></cib>`), 0o644)
	if r := run(t, cib, "", "import", "cman", "--apply", conf); r.code == 0 || !strings.Contains(r.stderr, "not applied") {
		t.Errorf("--apply without a terminal or --yes must refuse: exit %d\n%s", r.code, r.stderr)
	}
	if r := run(t, cib, "", "import", "cman", "--apply", "-y", conf); r.code != 0 {
		t.Fatalf("--apply -y: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if show := run(t, cib, "", "configure", "show").stdout; !strings.Contains(show, "group s ") || !strings.Contains(show, "stonith-enabled=false") {
		t.Errorf("after --apply:\n%s", show)
	}
	if r := run(t, cib, "", "import", "cman", "--apply", "-y", conf); r.code == 0 || !strings.Contains(r.stderr, "resource(s) already") {
		t.Errorf("second --apply must refuse without --force: exit %d\n%s", r.code, r.stderr)
	}
}
