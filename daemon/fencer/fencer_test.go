package fencer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"pacer/share/xmltree"
	"pacer/stonith"
)

// These tests run real fence agents (stonith/testdata/fence_pacertest and
// Debian's fence_dummy) on several Services in one process. What is a
// stand-in is the network between them: bus delivers PeerRequests and
// history broadcasts as JSON, the way the daemon's transport will, because
// that transport belongs to the daemon.

type bus struct {
	mu    sync.Mutex
	svcs  map[string]*Service
	order []string
	down  map[string]bool
}

func (b *bus) members() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, n := range b.order {
		if !b.down[n] {
			out = append(out, n)
		}
	}
	return out
}

type busPeers struct {
	b    *bus
	self string
}

func (p busPeers) Members() []string { return p.b.members() }

func (p busPeers) Call(ctx context.Context, node string, req PeerRequest) (PeerReply, error) {
	p.b.mu.Lock()
	s, down := p.b.svcs[node], p.b.down[node]
	p.b.mu.Unlock()
	if s == nil || down {
		return PeerReply{}, fmt.Errorf("%s unreachable", node)
	}
	var wire PeerRequest
	data, _ := json.Marshal(req)
	if err := json.Unmarshal(data, &wire); err != nil {
		return PeerReply{}, err
	}
	rep := s.HandlePeer(ctx, wire)
	var back PeerReply
	data, _ = json.Marshal(rep)
	err := json.Unmarshal(data, &back)
	return back, err
}

func (p busPeers) Broadcast(entries []stonith.Entry) {
	data, _ := json.Marshal(entries)
	for _, n := range p.b.members() {
		if n == p.self {
			continue
		}
		var e []stonith.Entry
		json.Unmarshal(data, &e)
		p.b.mu.Lock()
		s := p.b.svcs[n]
		p.b.mu.Unlock()
		s.MergeHistory(e)
	}
}

func agentDirs(t testing.TB) []string {
	d, err := filepath.Abs("../../stonith/testdata")
	if err != nil {
		t.Fatal(err)
	}
	return []string{d, "/usr/sbin"}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

type cluster struct {
	t    *testing.T
	bus  *bus
	cib  *xmltree.Element
	dirs map[string]string
}

func newCluster(t *testing.T, cibXML string, names ...string) *cluster {
	doc, err := xmltree.ParseString(cibXML)
	if err != nil {
		t.Fatal(err)
	}
	c := &cluster{t: t, bus: &bus{svcs: map[string]*Service{}, down: map[string]bool{}}, cib: doc.Root, dirs: map[string]string{}}
	for _, n := range names {
		c.start(n)
	}
	return c
}

func (c *cluster) start(name string) *Service {
	if c.dirs[name] == "" {
		c.dirs[name] = c.t.TempDir()
	}
	s, err := New(Config{Node: name, StateDir: c.dirs[name], CIB: func() *xmltree.Element { return c.cib },
		Peers: busPeers{c.bus, name}, Runner: stonith.ExecRunner{Dirs: agentDirs(c.t)}, Log: quiet()})
	if err != nil {
		c.t.Fatal(err)
	}
	c.bus.mu.Lock()
	c.bus.svcs[name] = s
	if !slices.Contains(c.bus.order, name) {
		c.bus.order = append(c.bus.order, name)
	}
	delete(c.bus.down, name)
	c.bus.mu.Unlock()
	return s
}

func (c *cluster) kill(name string) {
	c.bus.mu.Lock()
	c.bus.down[name] = true
	c.bus.mu.Unlock()
}

func (c *cluster) svc(name string) *Service {
	c.bus.mu.Lock()
	defer c.bus.mu.Unlock()
	return c.bus.svcs[name]
}

func cibWith(resources, constraints, extra string) string {
	return `<cib><configuration><crm_config/><nodes><node id="1" uname="node1"/><node id="2" uname="node2"/><node id="3" uname="node3"/></nodes>
<resources>` + resources + `</resources><constraints>` + constraints + `</constraints>` + extra + `</configuration><status/></cib>`
}

func dev(id, agent string, params ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<primitive id="%s" class="stonith" type="%s"><instance_attributes id="%s-ia">`, id, agent, id)
	for i := 0; i+1 < len(params); i += 2 {
		fmt.Fprintf(&b, `<nvpair id="%s-%d" name="%s" value="%s"/>`, id, i, params[i], params[i+1])
	}
	b.WriteString(`</instance_attributes></primitive>`)
	return b.String()
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}

func TestHistorySurvivesDCChange(t *testing.T) {
	sw := t.TempDir()
	// The power switch may not be driven from node1 (the DC): the request
	// must be delegated. Level 1 always fails, level 2 works.
	res := dev("broken", "fence_pacertest", "state_dir", sw, "hosts", "node3", "fail", "off,reboot") +
		dev("pdu", "fence_pacertest", "state_dir", sw, "hosts", "node3")
	cons := `<rsc_location id="no-pdu-on-1" rsc="pdu" node="node1" score="-INFINITY"/>`
	topo := `<fencing-topology><fencing-level id="l1" target="node3" index="1" devices="broken"/>
<fencing-level id="l2" target="node3" index="2" devices="pdu"/></fencing-topology>`
	c := newCluster(t, cibWith(res, cons, topo), "node1", "node2", "node3")
	c.kill("node3") // node3 stops answering: the DC fences it
	r := c.svc("node1").Controller("pacer-controller")
	if err := r.Fence(ctx(t), "node3", "reboot"); err != nil {
		t.Fatal(err)
	}
	h := c.svc("node1").History("node3")
	if len(h) != 1 || h[0].State != stonith.StateSuccess || h[0].Delegate != "node2" || h[0].Origin != "node1" ||
		h[0].Level != 2 || h[0].Client != "pacer-controller" {
		t.Fatalf("history on node1: %+v", h)
	}

	// The DC dies and its disk with it; node2 takes over.
	c.kill("node1")
	os.RemoveAll(c.dirs["node1"])
	got := c.svc("node2").History("node3")
	if len(got) != 1 || got[0].ID != h[0].ID || got[0].State != stonith.StateSuccess {
		t.Fatalf("history on node2 after the DC died: %+v", got)
	}
	if _, ok := c.svc("node2").Fenced("node3", h[0].Started); !ok {
		t.Fatal("node2 does not know node3 was fenced")
	}
	// node2's copy is on disk: a restarted fencer still has it.
	s2 := c.start("node2")
	if got := s2.History("node3"); len(got) != 1 || got[0].ID != h[0].ID {
		t.Fatalf("node2 after restart: %+v", got)
	}
	// node1 comes back empty and is sent the snapshot on join.
	s1 := c.start("node1")
	if len(s1.History("")) != 0 {
		t.Fatal("node1's history should be gone with its disk")
	}
	if err := s1.MergeHistory(s2.HistorySnapshot()); err != nil {
		t.Fatal(err)
	}
	if got := s1.History("node3"); len(got) != 1 || got[0].Delegate != "node2" {
		t.Fatalf("node1 after join: %+v", got)
	}
}

func TestFailingFencingIsRecordedEverywhere(t *testing.T) {
	sw := t.TempDir()
	c := newCluster(t, cibWith(dev("pdu", "fence_pacertest", "state_dir", sw, "hosts", "node3", "fail", "reboot"), "", ""),
		"node1", "node2")
	err := c.svc("node1").Controller("pacer-controller").Fence(ctx(t), "node3", "")
	if err == nil || !strings.Contains(err.Error(), "reboot failed (as configured)") {
		t.Fatalf("err = %v", err)
	}
	for _, n := range []string{"node1", "node2"} {
		h := c.svc(n).History("node3")
		if len(h) != 1 || h[0].State != stonith.StateFailed || !strings.Contains(h[0].Reason, "as configured") {
			t.Fatalf("%s history %+v", n, h)
		}
		if _, ok := c.svc(n).Fenced("node3", time.Time{}); ok {
			t.Fatalf("%s thinks node3 is fenced", n)
		}
	}
	c.svc("node2").Controller("pacer-controller").Fence(ctx(t), "node3", "reboot")
	if got := c.svc("node1").Failures("node3"); got != 2 {
		t.Fatalf("failures of node3 = %d, want 2", got)
	}
	if _, err := c.svc("node1").ConfirmManual("node3", "root"); err != nil {
		t.Fatal(err)
	}
	if got := c.svc("node2").Failures("node3"); got != 0 {
		t.Fatalf("failures after a confirmation = %d, want 0", got)
	}
}

func TestConfirmManual(t *testing.T) {
	c := newCluster(t, cibWith("", "", ""), "node1", "node2")
	s := c.svc("node1")
	if _, err := s.ConfirmManual("node2", "root"); err == nil {
		t.Fatal("confirmed an active member down")
	}
	if _, err := s.ConfirmManual("node1", "root"); err == nil {
		t.Fatal("confirmed this node down")
	}
	var logbuf strings.Builder
	s.log = slog.New(slog.NewTextHandler(&logbuf, nil))
	e, err := s.ConfirmManual("node3", "root")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logbuf.String(), "MANUAL FENCING CONFIRMATION") || !strings.Contains(logbuf.String(), "level=WARN") {
		t.Fatalf("no loud warning: %s", logbuf.String())
	}
	if got, ok := c.svc("node2").Fenced("node3", e.Started); !ok || got.Delegate != stonith.ManualDelegate {
		t.Fatalf("node2 sees %+v, %v", got, ok)
	}
}

func TestSelfFencedNodeAppliesFenceReaction(t *testing.T) {
	props := `<cluster_property_set id="o"><nvpair id="o1" name="fence-reaction" value="panic"/></cluster_property_set>`
	x := strings.Replace(cibWith("", "", ""), "<crm_config/>", "<crm_config>"+props+"</crm_config>", 1)
	c := newCluster(t, x, "node1")
	var got []string
	s := c.svc("node1")
	s.cfg.OnSelfFenced = func(reaction string, e stonith.Entry) { got = append(got, reaction+":"+e.Delegate) }
	old := stonith.Entry{ID: "x-1", Target: "node1", Action: "off", Delegate: "node2", State: stonith.StateSuccess,
		Started: s.started.Add(-time.Hour), Completed: s.started.Add(-time.Hour)}
	s.MergeHistory([]stonith.Entry{old})
	if len(got) != 0 {
		t.Fatalf("a fencing from before this start triggered the reaction")
	}
	now := time.Now()
	s.MergeHistory([]stonith.Entry{{ID: "x-2", Target: "node1", Action: "reboot", Delegate: "node2", State: stonith.StateSuccess, Started: now, Completed: now}})
	s.MergeHistory([]stonith.Entry{{ID: "x-3", Target: "node1", Action: "reboot", Delegate: "node2", State: stonith.StateSuccess, Started: now, Completed: now}})
	if !slices.Equal(got, []string{"panic:node2"}) {
		t.Fatalf("reactions %v, want one panic", got)
	}
}

func TestNodeLeftFailsItsPendingRequests(t *testing.T) {
	c := newCluster(t, cibWith("", "", ""), "node1", "node2")
	s := c.svc("node2")
	t0 := time.Now()
	pending := stonith.Entry{ID: "node1-9", Target: "node3", Action: "reboot", Origin: "node1", State: stonith.StatePending, Started: t0}
	s.MergeHistory([]stonith.Entry{pending})
	c.kill("node1")
	s.NodeLeft("node1")
	if h := s.History("node3"); h[0].State != stonith.StateFailed || !strings.Contains(h[0].Reason, "left the cluster") {
		t.Fatalf("%+v", h)
	}
	// The delegate's success, arriving late, still wins.
	done := pending
	done.State, done.Delegate, done.Completed = stonith.StateSuccess, "node2", t0.Add(time.Second)
	s.MergeHistory([]stonith.Entry{done})
	if h := s.History("node3"); h[0].State != stonith.StateSuccess {
		t.Fatalf("%+v", h)
	}
}

func TestDevicesSaysWhatCanFenceWhat(t *testing.T) {
	if _, err := os.Stat("/usr/sbin/fence_dummy"); err != nil {
		t.Skip("fence_dummy not installed (fence-agents)")
	}
	sw := t.TempDir()
	status := filepath.Join(t.TempDir(), "st")
	res := dev("static", "fence_pacertest", "state_dir", sw, "pcmk_host_list", "node1 node2") +
		dev("dyn", "fence_pacertest", "state_dir", sw, "hosts", "node2,node3") +
		dev("nolist", "fence_dummy", "status_file", status, "pcmk_host_check", "dynamic-list") +
		dev("bystatus", "fence_dummy", "status_file", status)
	topo := `<fencing-topology><fencing-level id="l1" target="node2" index="1" devices="static,dyn"/></fencing-topology>`
	c := newCluster(t, cibWith(res, `<rsc_location id="b" rsc="dyn" node="node2" score="-INFINITY"/>`, topo), "node1", "node2")
	infos, err := c.svc("node1").Devices(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]DeviceInfo{}
	for _, i := range infos {
		by[i.ID] = i
	}
	if i := by["static"]; i.Check != stonith.CheckStatic || !slices.Equal(i.Targets, []string{"node1", "node2"}) || !slices.Equal(i.Levels, []string{"node2:1"}) {
		t.Errorf("static: %+v", i)
	}
	if i := by["dyn"]; i.Check != stonith.CheckDynamic || !slices.Equal(i.Targets, []string{"node2", "node3"}) || !slices.Equal(i.Executors, []string{"node1"}) {
		t.Errorf("dyn: %+v", i)
	}
	if i := by["nolist"]; len(i.Targets) != 0 || !strings.Contains(i.Error, "Unrecognised action 'list'") {
		t.Errorf("nolist: %+v", i)
	}
	if i := by["bystatus"]; i.Check != stonith.CheckStatus || len(i.Targets) != 3 {
		t.Errorf("bystatus: %+v", i)
	}
}

func TestCorruptHistoryStillGivesAService(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, HistoryFile), []byte("garbage"), 0o600)
	s, err := New(Config{Node: "n", StateDir: dir, CIB: func() *xmltree.Element { return nil }, Log: quiet()})
	if !errors.Is(err, stonith.ErrCorruptHistory) || s == nil {
		t.Fatalf("New = %v, %v", s, err)
	}
	if r := s.Fence(ctx(t), "x", "off", "", "test"); r.OK || !strings.Contains(r.Reason, "no CIB") {
		t.Fatalf("fencing without a CIB: %+v", r)
	}
}

func TestResourceOpRunsTheDeviceMonitor(t *testing.T) {
	sw := t.TempDir()
	res := dev("good", "fence_pacertest", "state_dir", sw) +
		dev("bad", "fence_pacertest", "state_dir", sw, "fail", "check", "pcmk_monitor_action", "check", "pcmk_monitor_retries", "0")
	c := newCluster(t, cibWith(res, "", ""), "node1")
	s := c.svc("node1")
	if rc, why := s.ResourceOp(ctx(t), "good", "start", false); rc != 0 {
		t.Fatalf("start good: %d %s", rc, why)
	}
	rc, why := s.ResourceOp(ctx(t), "bad", "monitor", false)
	if rc != 1 || !strings.Contains(why, "check failed") {
		t.Fatalf("monitor bad: %d %q (pcmk_monitor_action=check must reach the agent)", rc, why)
	}
	if rc, _ := s.ResourceOp(ctx(t), "good", "monitor", true); rc != 7 {
		t.Fatalf("probe: %d", rc)
	}
	if rc, _ := s.ResourceOp(ctx(t), "bad", "stop", false); rc != 0 {
		t.Fatalf("stop: %d", rc)
	}
	data, _ := os.ReadFile(filepath.Join(sw, "calls.log"))
	if !strings.Contains(string(data), "action=check") || strings.Contains(string(data), "extra=") {
		t.Fatalf("agent calls %q", data)
	}
}

func TestWarningsSayWhyAnUncleanNodeWaits(t *testing.T) {
	sw := t.TempDir()
	c := newCluster(t, cibWith(dev("pdu", "fence_pacertest", "state_dir", sw, "hosts", "node3", "fail", "reboot", "pcmk_reboot_retries", "0"), "", ""), "node1")
	s := c.svc("node1")
	s.Fence(ctx(t), "node3", "reboot", "", "pacer-controller")
	w := s.Warnings([]string{"node3"})
	if len(w) != 1 || !strings.Contains(w[0], "node3 is UNCLEAN") || !strings.Contains(w[0], "fencing failed 1 time") ||
		!strings.Contains(w[0], "reboot failed (as configured)") {
		t.Fatalf("warnings %q", w)
	}
	empty := newCluster(t, cibWith("", "", ""), "node1")
	if w := empty.svc("node1").Warnings(nil); len(w) != 1 || !strings.Contains(w[0], "No fencing devices") {
		t.Fatalf("warnings without devices %q", w)
	}
}

func TestRestartFailsOwnPendingRequests(t *testing.T) {
	c := newCluster(t, cibWith("", "", ""), "node1")
	t0 := time.Now()
	c.svc("node1").MergeHistory([]stonith.Entry{
		{ID: "node1-1", Target: "node3", Action: "reboot", Origin: "node1", State: stonith.StatePending, Started: t0},
		{ID: "node2-1", Target: "node3", Action: "reboot", Origin: "node2", State: stonith.StatePending, Started: t0},
	})
	s := c.start("node1") // same state directory
	for _, e := range s.History("node3") {
		want := stonith.StatePending
		if e.Origin == "node1" {
			want = stonith.StateFailed
		}
		if e.State != want {
			t.Errorf("%s: state %s, want %s", e.ID, e.State, want)
		}
	}
}
