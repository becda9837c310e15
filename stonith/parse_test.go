package stonith

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseHostMap(t *testing.T) {
	cases := []struct {
		in   string
		want map[string]string
	}{
		{"node1:1;node2:2,3", map[string]string{"node1": "1", "node2": "2,3"}},
		{"node1=a node2=b", map[string]string{"node1": "a", "node2": "b"}},
		{"node1:1,node2:2", map[string]string{"node1": "1", "node2": "2"}},
		{"node1:1;\n node2:2,3,node3:4;", map[string]string{"node1": "1", "node2": "2,3", "node3": "4"}},
		{`node1:my\ port;node2:a\;b`, map[string]string{"node1": "my port", "node2": "a;b"}},
	}
	for _, c := range cases {
		m, err := ParseHostMap(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if len(m.Ports) != len(c.want) {
			t.Errorf("%q: got %v, want %v", c.in, m.Ports, c.want)
		}
		for k, v := range c.want {
			if m.Ports[k] != v {
				t.Errorf("%q: %s -> %q, want %q", c.in, k, m.Ports[k], v)
			}
		}
	}
	for _, bad := range []string{"node1", "node1:", ":1", "node1:1;node1:2", `node1:1\`} {
		if _, err := ParseHostMap(bad); err == nil || !strings.Contains(err.Error(), "pcmk_host_map") {
			t.Errorf("%q: err = %v, want a pcmk_host_map error", bad, err)
		}
	}
}

func FuzzParseHostMap(f *testing.F) {
	for _, s := range []string{"node1:1;node2:2,3", `a\:b:c`, "x=y z=w", ",,:;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseHostMap(s)
		if err != nil {
			return
		}
		if len(m.Nodes) != len(m.Ports) {
			t.Fatalf("%q: %d nodes but %d ports", s, len(m.Nodes), len(m.Ports))
		}
		for _, n := range m.Nodes {
			if n == "" || m.Ports[n] == "" {
				t.Fatalf("%q: empty node or port in %v", s, m.Ports)
			}
		}
	})
}

func FuzzParseInterval(f *testing.F) {
	for _, s := range []string{"60s", "1min", "500ms", "2", "1.5h", "-1", "9e99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseInterval(s)
		if err == nil && d < 0 {
			t.Fatalf("%q: negative %s", s, d)
		}
	})
}

func TestParseInterval(t *testing.T) {
	for in, want := range map[string]time.Duration{"60": time.Minute, "60s": time.Minute, "1min": time.Minute,
		"500ms": 500 * time.Millisecond, "2h": 2 * time.Hour, " 3 sec ": 3 * time.Second} {
		if got, err := ParseInterval(in); err != nil || got != want {
			t.Errorf("%q = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "abc", "5 parsecs", "-3s"} {
		if _, err := ParseInterval(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseOptionsNamesAndAliases(t *testing.T) {
	root := cib(t, "", "")
	crm := root.Child("configuration").Child("crm_config")
	crm.Append(mustEl(t, `<cluster_property_set id="o">
<nvpair id="o1" name="stonith-enabled" value="false"/>
<nvpair id="o2" name="stonith-action" value="poweroff"/>
<nvpair id="o3" name="stonith-timeout" value="90s"/>
<nvpair id="o4" name="fencing-timeout" value="2min"/>
<nvpair id="o5" name="priority-fencing-delay" value="15s"/>
<nvpair id="o6" name="fence-reaction" value="panic"/>
<nvpair id="o7" name="concurrent-fencing" value="true"/>
</cluster_property_set>`))
	o, err := ParseOptions(root)
	if err != nil {
		t.Fatal(err)
	}
	want := Options{Enabled: false, Action: "off", Timeout: 2 * time.Minute, PriorityDelay: 15 * time.Second,
		Reaction: "panic", Concurrent: true, MaxAttempts: 10}
	if o != want {
		t.Fatalf("options = %+v, want %+v (fencing-timeout wins over its alias)", o, want)
	}
	if o, _ := ParseOptions(nil); o != DefaultOptions() {
		t.Fatalf("no crm_config: %+v", o)
	}
	crm.Children[0].Children[1].SetAttr("value", "explode")
	o, err = ParseOptions(root)
	if err == nil || !strings.Contains(err.Error(), "stonith-action (explode)") || !strings.Contains(err.Error(), "o2") {
		t.Fatalf("bad action: err %v", err)
	}
	if o.Action != "reboot" {
		t.Fatalf("a bad value must leave the default, got %q", o.Action)
	}
}

func TestPriorityDelayApplies(t *testing.T) {
	o := Options{PriorityDelay: 10 * time.Second}
	// Two-node split: the side without the important resources delays.
	if !PriorityDelayApplies(o, 10, []int{0}, 1, 2) {
		t.Error("node with less priority should delay fencing the more important one")
	}
	if PriorityDelayApplies(o, 0, []int{10}, 1, 2) {
		t.Error("important node must not delay")
	}
	if PriorityDelayApplies(o, 10, []int{0, 0}, 2, 3) {
		t.Error("a majority partition must not delay")
	}
	if PriorityDelayApplies(Options{}, 10, []int{0}, 1, 2) {
		t.Error("disabled delay applied")
	}
}

func TestParseDevice(t *testing.T) {
	res := device("d", "fence_ipmilan", "ip", "10.0.0.1", "username", "admin", "pcmk_host_list", "node1, node2;node3",
		"pcmk_reboot_action", "off", "pcmk_reboot_timeout", "90s", "pcmk_reboot_retries", "5", "pcmk_delay_max", "4s",
		"pcmk_action_limit", "-1", "provides", "unfencing", "pcmk_off_timeout", "20")
	cfg := loadCfg(t, cib(t, res, ""))
	d := cfg.Devices["d"]
	if !slices.Equal(d.HostList, []string{"node1", "node2", "node3"}) {
		t.Errorf("host list %v", d.HostList)
	}
	if len(d.Params) != 2 || d.Params["ip"] != "10.0.0.1" {
		t.Errorf("agent params %v: fencer-only parameters leaked or agent ones lost", d.Params)
	}
	if a := d.Action("reboot", time.Minute); a != (ActionConf{Command: "off", Timeout: 90 * time.Second, Retries: 5}) {
		t.Errorf("reboot conf %+v", a)
	}
	if a := d.Action("off", time.Minute); a != (ActionConf{Command: "off", Timeout: 20 * time.Second, Retries: 2}) {
		t.Errorf("off conf %+v", a)
	}
	if a := d.Action("on", 45*time.Second); a != (ActionConf{Command: "on", Timeout: 45 * time.Second, Retries: 2}) {
		t.Errorf("on conf %+v (defaults: fencing-timeout, 2 retries)", a)
	}
	if d.ActionLimit != -1 || d.DelayMax != 4*time.Second || d.EffectiveCheck(nil) != CheckStatic {
		t.Errorf("device %+v", d)
	}
	for _, bad := range [][]string{{"pcmk_host_check", "maybe"}, {"pcmk_delay_max", "soon"}, {"pcmk_action_limit", "0"},
		{"pcmk_off_retries", "-1"}, {"pcmk_host_check", "static-list"}, {"pcmk_host_map", "node1"}} {
		_, err := LoadConfig(cib(t, device("x", "fence_ipmilan", bad...), ""))
		if err == nil || !strings.Contains(err.Error(), "device x") || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%v: err = %v, want one naming device x and %s", bad, err, bad[0])
		}
	}
	// One bad device does not hide the good ones.
	cfg, err := LoadConfig(cib(t, device("x", "fence_ipmilan", "pcmk_delay_max", "soon")+device("y", "fence_ipmilan"), ""))
	if err == nil || cfg.Devices["y"] == nil {
		t.Fatalf("err %v, devices %v", err, cfg.Devices)
	}
}

func TestTopologyFor(t *testing.T) {
	topo := `<fencing-topology>
<fencing-level id="p2" target-pattern="node[0-9]" index="2" devices="pdu"/>
<fencing-level id="p1" target-pattern="node[0-9]" index="1" devices="ipmi"/>
<fencing-level id="a1" target-attribute="rack" target-value="r2" index="1" devices="rackpdu"/>
<fencing-level id="n1" target="node3" index="1" devices="disk,net"/>
</fencing-topology>`
	cfg, err := LoadConfig(cib(t, device("pdu", "fence_x")+device("ipmi", "fence_x")+device("rackpdu", "fence_x")+
		device("disk", "fence_x")+device("net", "fence_x"), topo))
	if err != nil {
		t.Fatal(err)
	}
	ids := func(target string) []string {
		var out []string
		for _, l := range cfg.Topology.For(target, cfg.NodeAttrs[target]) {
			out = append(out, l.ID)
		}
		return out
	}
	if got := ids("node1"); !slices.Equal(got, []string{"p1", "p2"}) {
		t.Errorf("node1 levels %v, want pattern levels in index order", got)
	}
	if got := ids("node3"); !slices.Equal(got, []string{"n1"}) {
		t.Errorf("node3 levels %v, want its own level only", got)
	}
	if got := ids("db"); len(got) != 0 {
		t.Errorf("db levels %v", got)
	}
	steps, _ := cfg.Plan("node3")
	if len(steps) != 1 || !slices.Equal(steps[0].Devices, []string{"disk", "net"}) {
		t.Errorf("plan for node3 %+v", steps)
	}
	// node2 has rack=r2 but the pattern topology comes first in the
	// document, so it wins; a node named otherwise gets the rack levels.
	if got := ids("node2"); !slices.Equal(got, []string{"p1", "p2"}) {
		t.Errorf("node2 levels %v", got)
	}
	if got := cfg.Topology.For("db9x", map[string]string{"rack": "r2"}); len(got) != 1 || got[0].ID != "a1" {
		t.Errorf("attribute match: %v", got)
	}
	for _, bad := range []string{
		`<fencing-level id="b" target="n" index="0" devices="d"/>`,
		`<fencing-level id="b" target="n" index="1" devices=""/>`,
		`<fencing-level id="b" index="1" devices="d"/>`,
		`<fencing-level id="b" target="n" target-pattern="x" index="1" devices="d"/>`,
		`<fencing-level id="b" target-pattern="(" index="1" devices="d"/>`,
		`<fencing-level id="b" target="n" index="1" devices="d"/><fencing-level id="c" target="n" index="1" devices="d"/>`,
	} {
		_, err := ParseTopology(cib(t, "", "<fencing-topology>"+bad+"</fencing-topology>"))
		if err == nil || !strings.Contains(err.Error(), "fencing-level") {
			t.Errorf("%s: err %v", bad, err)
		}
	}
	if _, err := LoadConfig(cib(t, "", `<fencing-topology><fencing-level id="z" target="n" index="1" devices="ghost"/></fencing-topology>`)); err == nil || !strings.Contains(err.Error(), "ghost") {
		t.Errorf("unknown device in a level: err %v", err)
	}
}

func TestHistoryPersistsAndMerges(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fencing-history.json")
	h, err := OpenHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Unix(1700000000, 0).UTC()
	pending := Entry{ID: "node1-1", Target: "node2", Action: "reboot", Origin: "node1", State: StatePending, Started: t0}
	done := pending
	done.State, done.Delegate, done.Completed = StateSuccess, "node3", t0.Add(3*time.Second)
	if err := h.Record(pending); err != nil {
		t.Fatal(err)
	}
	// Reopened from disk.
	h2, err := OpenHistory(path)
	if err != nil || len(h2.List("")) != 1 || h2.List("")[0].State != StatePending {
		t.Fatalf("reopened: %v, %+v", err, h2.List(""))
	}
	// A stale pending copy arriving after the result does not undo it,
	// in either order.
	a, _ := OpenHistory("")
	b, _ := OpenHistory("")
	a.Merge([]Entry{pending})
	a.Merge([]Entry{done})
	b.Merge([]Entry{done})
	b.Merge([]Entry{pending})
	if ga, gb := a.List(""), b.List(""); len(ga) != 1 || !reflect.DeepEqual(ga[0], done) || !reflect.DeepEqual(gb[0], done) {
		t.Fatalf("merge order matters: %+v vs %+v", ga, gb)
	}
	if changed, _ := a.Merge([]Entry{done}); len(changed) != 0 {
		t.Fatalf("merging the same entry again changed %v", changed)
	}
	if _, ok := a.LastSuccess("node2", t0); !ok {
		t.Fatal("LastSuccess misses the reboot")
	}
	if _, ok := a.LastSuccess("node2", t0.Add(time.Hour)); ok {
		t.Fatal("LastSuccess returns a fencing older than asked")
	}
}

func TestHistoryCorruptFileIsKeptAside(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.json")
	os.WriteFile(path, []byte(`{"version":1,"entries":[{"id":`), 0o600)
	h, err := OpenHistory(path)
	if !errors.Is(err, ErrCorruptHistory) || h == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("err %v", err)
	}
	if data, _ := os.ReadFile(path + ".corrupt"); !strings.Contains(string(data), `"entries"`) {
		t.Fatal("corrupt file not kept aside")
	}
	if err := h.Record(Entry{ID: "x", Target: "n", State: StateFailed}); err != nil {
		t.Fatal(err)
	}
	if h2, err := OpenHistory(path); err != nil || len(h2.List("n")) != 1 {
		t.Fatalf("after recovery: %v", err)
	}
}

func TestHistoryIsBounded(t *testing.T) {
	h, _ := OpenHistory("")
	t0 := time.Unix(1700000000, 0)
	var in []Entry
	for i := range MaxHistory + 50 {
		in = append(in, Entry{ID: "n-" + time.Duration(i).String(), Target: "n", State: StateSuccess,
			Started: t0.Add(time.Duration(i) * time.Second), Completed: t0.Add(time.Duration(i) * time.Second)})
	}
	h.Merge(in)
	l := h.List("")
	if len(l) != MaxHistory || !l[0].Completed.Equal(t0.Add(time.Duration(MaxHistory+49)*time.Second)) {
		t.Fatalf("kept %d, newest %v", len(l), l[0].Completed)
	}
}
