package fencer

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"pacer/share/client"
	"pacer/share/clusterview"
	"pacer/share/xmltree"
	"pacer/stonith"
)

// The sandbox writes its fence agent, fence_pacer_sandbox, into DIR/bin
// and puts that directory on its nodes' PACER_FENCE_PATH (package
// daemon/sandbox).
const sandboxAgent = "fence_pacer_sandbox"

// Sandbox tests run real pacerd processes (`pacerd sandbox`) from
// $PACER_BIN, which `make test` sets; they skip with a message without it.

func pacerd(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("PACER_BIN")
	if bin == "" {
		t.Skip("PACER_BIN is not set: sandbox tests need bin/pacerd (run them through make test)")
	}
	p := filepath.Join(bin, "pacerd")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("no %s: build it first (make build)", p)
	}
	return p
}

type sandbox struct {
	t      *testing.T
	pacerd string
	dir    string
	nodes  map[string]string // name -> socket
	names  []string
}

// startSandbox starts n nodes. agents are copied into the sandbox's agent
// directory (DIR/bin) so that its nodes find them.
func startSandbox(t *testing.T, n int, agents ...string) *sandbox {
	sb := &sandbox{t: t, pacerd: pacerd(t), nodes: map[string]string{}}
	// Short paths: Unix socket names are limited to 108 bytes.
	dir, err := os.MkdirTemp("", "pfs")
	if err != nil {
		t.Fatal(err)
	}
	sb.dir = dir
	t.Cleanup(func() {
		exec.Command(sb.pacerd, "sandbox", "stop", "--dir", dir).Run()
		if !t.Failed() {
			os.RemoveAll(dir)
		} else {
			t.Logf("sandbox kept in %s for a look at the node logs", dir)
		}
	})
	out, err := exec.Command(sb.pacerd, "sandbox", "start", "-n", strconv.Itoa(n), "--dir", dir, "--timeout", "60s").CombinedOutput()
	if err != nil {
		t.Fatalf("pacerd sandbox start: %v\n%s", err, out)
	}
	for _, l := range sb.status() {
		sb.nodes[l[0]] = l[2]
		sb.names = append(sb.names, l[0])
	}
	if _, err := os.Stat(filepath.Join(dir, "bin", sandboxAgent)); err != nil {
		t.Skipf("this pacerd's sandbox has no fence agent in DIR/bin (%v)", err)
	}
	for _, a := range agents {
		data, err := os.ReadFile(a)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "bin", filepath.Base(a)), data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if len(sb.names) != n {
		t.Fatalf("sandbox has nodes %v, want %d", sb.names, n)
	}
	return sb
}

// status is `pacerd sandbox status`: name, address, socket, state.
func (sb *sandbox) status() [][]string {
	out, err := exec.Command(sb.pacerd, "sandbox", "status", "--dir", sb.dir).Output()
	if err != nil {
		sb.t.Fatalf("sandbox status: %v", err)
	}
	var rows [][]string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if f := strings.Split(sc.Text(), "\t"); len(f) == 4 {
			rows = append(rows, f)
		}
	}
	return rows
}

func (sb *sandbox) running(node string) bool {
	for _, r := range sb.status() {
		if r[0] == node {
			return strings.HasPrefix(r[3], "running")
		}
	}
	return false
}

func (sb *sandbox) client(node string) *client.Client {
	c, err := client.Dial(sb.nodes[node])
	if err != nil {
		sb.t.Fatalf("dial %s: %v", node, err)
	}
	sb.t.Cleanup(func() { c.Close() })
	return c
}

func TestSandboxAgentPowersOffThroughTheFencer(t *testing.T) {
	sb := startSandbox(t, 2)
	// This node's fencer (in the test process): a topology whose first
	// level is Debian's fence_dummy of type "fail", and whose second is
	// the sandbox's device, given as implicit (not in the CIB), asked for
	// its list, powering off a real pacerd.
	res := ""
	topo := ""
	dirs := []string{filepath.Join(sb.dir, "bin")}
	if fileExists("/usr/sbin/fence_dummy") {
		res = dev("ipmi", "fence_dummy", "type", "fail", "status_file", filepath.Join(sb.dir, "dummy.status"),
			"power_timeout", "1", "pcmk_host_check", "none", "pcmk_off_retries", "0", "pcmk_reboot_retries", "0")
		topo = `<fencing-topology><fencing-level id="l1" target-pattern="^n" index="1" devices="ipmi"/>` +
			`<fencing-level id="l2" target-pattern="^n" index="2" devices="sbfence"/></fencing-topology>`
		dirs = append(dirs, "/usr/sbin")
	}
	doc, err := xmltree.ParseString(`<cib><configuration><crm_config/><nodes><node id="1" uname="n1"/><node id="2" uname="n2"/></nodes><resources>` +
		res + `</resources><constraints/>` + topo + `</configuration><status/></cib>`)
	if err != nil {
		t.Fatal(err)
	}
	prim, err := xmltree.ParseElement(dev("sbfence", sandboxAgent, "pcmk_host_check", "dynamic-list"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Node: "n1", CIB: func() *xmltree.Element { return doc.Root }, Log: quiet(),
		Implicit: []*xmltree.Element{prim}, Runner: stonith.ExecRunner{Dirs: dirs}})
	if err != nil {
		t.Fatal(err)
	}
	infos, err := s.Devices(ctx(t))
	if err != nil || len(infos) == 0 || infos[len(infos)-1].ID != "sbfence" || strings.Join(infos[len(infos)-1].Targets, ",") != "n1,n2" {
		t.Fatalf("devices %+v, %v", infos, err)
	}
	if r := s.Fence(ctx(t), "n9", "off", "", "test"); r.OK || !strings.Contains(r.Reason, "not in the list") {
		t.Fatalf("fencing an unknown node: %+v", r)
	}
	if !sb.running("n2") {
		t.Fatal("n2 is not running before the test")
	}
	r := s.Fence(ctx(t), "n2", "reboot", "", "test")
	if !r.OK || r.Delegate != "n1" {
		t.Fatalf("fencing n2: %+v", r)
	}
	if topo != "" && (r.Level != 2 || r.Devices[0].Device != "ipmi" || r.Devices[0].OK) {
		t.Fatalf("level 1 (fence_dummy, failing) should have been tried first, then level 2: %+v", r)
	}
	if sb.running("n2") {
		t.Fatal("n2's pacerd still runs after it was fenced")
	}
	if h := s.History("n2"); len(h) != 1 || h[0].State != stonith.StateSuccess || !h[0].Completed.After(h[0].Started) {
		t.Fatalf("history %+v", h)
	}
}

// configure replaces the configuration through node's socket with one
// built from crm_config properties and resources.
func (sb *sandbox) configure(node, props, resources string) {
	c := sb.client(node)
	ctx := ctx(sb.t)
	doc, err := c.GetCIB(ctx)
	if err != nil {
		sb.t.Fatal(err)
	}
	v, err := client.CIBVersion(doc)
	if err != nil {
		sb.t.Fatal(err)
	}
	conf := doc.Root.Child("configuration")
	fresh, err := xmltree.ParseElement(`<configuration><crm_config><cluster_property_set id="cib-bootstrap-options">` + props +
		`</cluster_property_set></crm_config>` + conf.Child("nodes").String() + `<resources>` + resources + `</resources><constraints/></configuration>`)
	if err != nil {
		sb.t.Fatal(err)
	}
	if _, err := c.ReplaceConfiguration(ctx, fresh, v); err != nil {
		sb.t.Fatalf("configure: %v", err)
	}
}

// runningOn finds where rsc runs per the status section: the node whose
// latest operation on it is a successful start or monitor.
func (sb *sandbox) runningOn(node, rsc string) string {
	c, err := client.Dial(sb.nodes[node])
	if err != nil {
		return ""
	}
	defer c.Close()
	doc, err := c.GetSection(ctx(sb.t), "status")
	if err != nil {
		return ""
	}
	found := ""
	doc.Root.Walk(func(e *xmltree.Element) bool {
		if e.Name != "lrm_resource" || e.ID() != rsc {
			return true
		}
		var best *xmltree.Element
		bestCall := -1
		for _, op := range e.ChildrenNamed("lrm_rsc_op") {
			if n, _ := strconv.Atoi(op.Attr("call-id")); n > bestCall {
				best, bestCall = op, n
			}
		}
		if best != nil && best.Attr("rc-code") == "0" && (best.Attr("operation") == "start" || best.Attr("operation") == "monitor") {
			for p := e.Parent; p != nil; p = p.Parent {
				if p.Name == "node_state" {
					found = p.Attr("uname")
				}
			}
		}
		return false
	})
	return found
}

func (sb *sandbox) waitRunning(node, rsc string, d time.Duration) string {
	// A daemon built without its scheduler says so; waiting is pointless.
	if _, err := sb.client(node).Status(ctx(sb.t)); err != nil && strings.Contains(err.Error(), "not available in this build") {
		sb.t.Skipf("this pacerd cannot schedule resources yet (%v)", err)
	}
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if n := sb.runningOn(node, rsc); n != "" {
			return n
		}
		time.Sleep(200 * time.Millisecond)
	}
	return ""
}

func other(names []string, not string) string {
	for _, n := range names {
		if n != not {
			return n
		}
	}
	return ""
}

func TestSandboxKilledNodeIsFencedBeforeItsResourceStartsElsewhere(t *testing.T) {
	sb := startSandbox(t, 3)
	dev := dev("sbfence", sandboxAgent)
	sb.configure("n1", `<nvpair id="o1" name="stonith-enabled" value="true"/>`,
		dev+`<primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"><operations><op id="d1-mon" name="monitor" interval="2s"/></operations></primitive>`)
	victim := sb.waitRunning("n1", "d1", 20*time.Second)
	if victim == "" {
		t.Skip("the sandbox never started d1 within 20s: the daemon cannot run resources yet")
	}
	watcher := other(sb.names, victim)
	ctx := ctx(t)
	events, err := sb.client(watcher).Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	killedAt := time.Now()
	if out, err := exec.Command(sb.pacerd, "sandbox", "kill", victim, "--dir", sb.dir).CombinedOutput(); err != nil {
		t.Fatalf("kill %s: %v %s", victim, err, out)
	}
	var fencedAt time.Time
	var seen []string
	for started := false; !started; {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("event stream ended; seen %v", seen)
			}
			seen = append(seen, fmt.Sprintf("%s %s %s %s %s", ev.Kind, ev.Node, ev.Resource, ev.Op, ev.Result))
			switch {
			case ev.Kind == clusterview.EventFencing && ev.Node == victim && ev.Result == "success":
				fencedAt = ev.Time
			case ev.Kind == clusterview.EventActionStarted && ev.Resource == "d1" && ev.Op == "start":
				if ev.Node == victim {
					continue
				}
				if fencedAt.IsZero() {
					t.Fatalf("d1 started on %s before %s was fenced; events: %v", ev.Node, victim, seen)
				}
				if ev.Time.Before(fencedAt) {
					t.Fatalf("d1 start at %s precedes the fencing of %s at %s", ev.Time, victim, fencedAt)
				}
				started = true
				t.Logf("kill -9 of %s: fenced after %s, d1 starting on %s after %s", victim,
					fencedAt.Sub(killedAt).Round(time.Millisecond), ev.Node, ev.Time.Sub(killedAt).Round(time.Millisecond))
			}
		case <-ctx.Done():
			t.Fatalf("d1 was not recovered within a minute; events: %v", seen)
		}
	}
	// The history, read from a surviving node, agrees.
	h, err := sb.client(watcher).FenceHistory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ok := false
	for _, e := range h {
		if e.Target == victim && e.Result == clusterview.FencingSuccess && !e.Completed.After(fencedAt.Add(time.Second)) {
			ok = true
		}
	}
	if !ok {
		t.Fatalf("fencing history %+v has no success for %s", h, victim)
	}
	if sb.running(victim) {
		t.Fatalf("%s still runs after it was fenced", victim)
	}
	// And so does the shell, asked on another node.
	if pacer := filepath.Join(filepath.Dir(sb.pacerd), "pacer"); fileExists(pacer) {
		cmd := exec.Command(pacer, "stonith", "history", victim)
		cmd.Env = append(os.Environ(), "PACER_SOCKET="+sb.nodes[watcher])
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), " of "+victim+" successful") {
			t.Fatalf("pacer stonith history %s: %v\n%s", victim, err, out)
		}
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func TestSandboxFailingFencingNeverRecoversElsewhere(t *testing.T) {
	agent, _ := filepath.Abs("../../stonith/testdata/fence_pacertest")
	sb := startSandbox(t, 3, agent)
	sw := filepath.Join(sb.dir, "switch")
	os.MkdirAll(sw, 0o755)
	failing := dev("broken", "fence_pacertest", "state_dir", sw, "hosts", "n1,n2,n3", "fail", "off,reboot",
		"pcmk_reboot_retries", "0", "pcmk_off_retries", "0")
	sb.configure("n1", `<nvpair id="o1" name="stonith-enabled" value="true"/><nvpair id="o2" name="stonith-timeout" value="5s"/>`,
		failing+`<primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"/>`)
	victim := sb.waitRunning("n1", "d1", 20*time.Second)
	if victim == "" {
		t.Skip("the sandbox never started d1 within 20s: the daemon cannot run resources yet")
	}
	watcher := other(sb.names, victim)
	// Does the daemon fence with the configured devices at all? An admin
	// request against a device that always fails must fail.
	c := sb.client(watcher)
	fctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := c.Fence(fctx, victim, "off"); err == nil {
		t.Skip("the daemon fenced " + victim + " although every configured device fails: it does not fence through the CIB's devices yet (daemon/fencer)")
	}
	ctx := ctx(t)
	events, err := c.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(sb.pacerd, "sandbox", "kill", victim, "--dir", sb.dir).CombinedOutput(); err != nil {
		t.Fatalf("kill %s: %v %s", victim, err, out)
	}
	failures := 0
	watch := time.After(12 * time.Second)
	for done := false; !done; {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatal("event stream ended")
			}
			if ev.Kind == clusterview.EventFencing && ev.Node == victim && ev.Result == "failed" {
				failures++
			}
			if ev.Kind == clusterview.EventActionStarted && ev.Resource == "d1" && ev.Op == "start" && ev.Node != victim {
				t.Fatalf("d1 started on %s while %s was never fenced", ev.Node, victim)
			}
		case <-watch:
			done = true
		}
	}
	if failures == 0 {
		t.Fatalf("no failed fencing of %s was reported in 12s", victim)
	}
	if n := sb.runningOn(watcher, "d1"); n != "" && n != victim {
		t.Fatalf("status says d1 runs on %s", n)
	}
	// pacer status says why: the node is unclean, waiting for fencing.
	snap, err := c.Status(ctx)
	if err != nil {
		if strings.Contains(err.Error(), "not available") {
			t.Skipf("status is not available from this daemon yet: %v", err)
		}
		t.Fatal(err)
	}
	// What `pacer status` prints: the node UNCLEAN, and the failed
	// fencing (crm_mon's "Failed Fencing Actions") or a warning about it.
	text := clusterview.FormatText(snap, clusterview.DefaultTextOptions)
	if !strings.Contains(text, victim+": UNCLEAN") && !strings.Contains(text, "UNCLEAN (offline)") {
		t.Errorf("pacer status does not show %s as UNCLEAN:\n%s", victim, text)
	}
	failedShown := false
	for _, e := range snap.Fencing {
		if e.Target == victim && e.Result == clusterview.FencingFailed {
			failedShown = true
		}
	}
	for _, w := range snap.Warnings {
		if strings.Contains(w, victim) && strings.Contains(strings.ToLower(w), "fenc") {
			failedShown = true
		}
	}
	if !failedShown {
		t.Errorf("pacer status on %s does not say that fencing %s failed (the history must reach every node):\n%s", watcher, victim, text)
	}
}
