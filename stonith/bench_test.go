package stonith

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// BenchmarkLoadConfig reads the fencing configuration of a 64-node
// cluster with a device per node plus shared PDUs and two levels each: the
// fencer does this on every request.
func BenchmarkLoadConfig(b *testing.B) {
	var res, topo strings.Builder
	for i := range 64 {
		res.WriteString(device(fmt.Sprintf("ipmi%d", i), "fence_ipmilan", "ip", fmt.Sprintf("10.0.0.%d", i),
			"pcmk_host_list", fmt.Sprintf("node%d", i), "pcmk_delay_max", "5s"))
		fmt.Fprintf(&topo, `<fencing-level id="l%d-1" target="node%d" index="1" devices="ipmi%d"/><fencing-level id="l%d-2" target="node%d" index="2" devices="pdu%d"/>`, i, i, i, i, i, i%4)
	}
	for i := range 4 {
		var m []string
		for n := i; n < 64; n += 4 {
			m = append(m, fmt.Sprintf("node%d:%d", n, n))
		}
		res.WriteString(device(fmt.Sprintf("pdu%d", i), "fence_apc", "pcmk_host_map", strings.Join(m, ";")))
	}
	root := cib(b, res.String(), "<fencing-topology>"+topo.String()+"</fencing-topology>")
	b.ReportAllocs()
	for b.Loop() {
		cfg, err := LoadConfig(root)
		if err != nil || len(cfg.Devices) != 68 {
			b.Fatal(err)
		}
		if steps, _ := cfg.Plan("node63"); len(steps) != 2 {
			b.Fatal(steps)
		}
	}
}

// BenchmarkHistoryMerge merges a full peer history (500 entries) into a
// node's in-memory history, as on a join.
func BenchmarkHistoryMerge(b *testing.B) {
	t0 := time.Unix(1700000000, 0)
	var in []Entry
	for i := range MaxHistory {
		in = append(in, Entry{ID: fmt.Sprintf("n1-%d", i), Target: fmt.Sprintf("node%d", i%16), Action: "reboot",
			Origin: "n1", Delegate: "n2", State: StateSuccess, Started: t0.Add(time.Duration(i) * time.Second),
			Completed: t0.Add(time.Duration(i)*time.Second + time.Second)})
	}
	b.ReportAllocs()
	for b.Loop() {
		h, _ := OpenHistory("")
		if ch, _ := h.Merge(in); len(ch) != len(in) {
			b.Fatal(len(ch))
		}
	}
}

// BenchmarkFenceRequest is one whole request with the test agent on a
// static list: plan, placement, and one agent process (the fixed cost of
// fencing before any device delay).
func BenchmarkFenceRequest(b *testing.B) {
	sw := newSwitch(b)
	cfg, err := LoadConfig(cib(b, device("d", "fence_pacertest", "state_dir", string(sw), "hosts", "node2",
		"pcmk_host_list", "node2"), ""))
	if err != nil {
		b.Fatal(err)
	}
	co := coordinator(newCluster(b, cfg, "node1", "node3"), "node1")
	for b.Loop() {
		if r := fence(b, co, cfg, "node2", "off"); !r.OK {
			b.Fatal(r.Reason)
		}
	}
}
