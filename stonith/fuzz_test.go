package stonith

import (
	"os"
	"path/filepath"
	"testing"

	"pacer/share/xmltree"
)

// FuzzLoadConfig feeds arbitrary CIB text through the fencing
// configuration: whatever is wrong must come back as errors, never a panic,
// and every device loaded must be usable.
func FuzzLoadConfig(f *testing.F) {
	f.Add(`<cib><configuration><resources><primitive id="d" class="stonith" type="fence_x"><instance_attributes id="i"><nvpair id="n" name="pcmk_host_map" value="a:1;b:2"/></instance_attributes></primitive></resources><fencing-topology><fencing-level id="l" target-pattern="a.*" index="1" devices="d"/></fencing-topology></configuration></cib>`)
	f.Add(`<cib><configuration><crm_config><cluster_property_set id="c"><nvpair id="x" name="stonith-timeout" value="-1"/></cluster_property_set></crm_config></configuration></cib>`)
	f.Add(`<configuration><resources><clone id="c"><primitive id="d" class="stonith" type="fence_y"><instance_attributes id-ref="zz"/></primitive></clone></resources></configuration>`)
	f.Fuzz(func(t *testing.T, s string) {
		doc, err := xmltree.ParseString(s)
		if err != nil {
			return
		}
		cfg, _ := LoadConfig(doc.Root)
		if cfg == nil {
			t.Fatal("LoadConfig returned no config")
		}
		for _, id := range cfg.Order {
			d := cfg.Devices[id]
			d.Delay("a", nil)
			d.Action("reboot", cfg.Options.Timeout)
			cfg.Executors(id, "a", []string{"a", "b"}, "b")
		}
		cfg.Plan("a")
	})
}

// FuzzOpenHistory: a history file with any content is either loaded or
// set aside; the history stays usable.
func FuzzOpenHistory(f *testing.F) {
	f.Add([]byte(`{"version":1,"entries":[{"id":"a-1","target":"n","action":"off","origin":"a","state":"success","started":"2026-01-01T00:00:00Z"}]}`))
	f.Add([]byte(`{"version":2}`))
	f.Add([]byte{0xff, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "h.json")
		os.WriteFile(path, data, 0o600)
		h, _ := OpenHistory(path)
		if h == nil {
			t.Fatal("no history")
		}
		if err := h.Record(Entry{ID: "z", Target: "n", State: StatePending}); err != nil {
			t.Fatal(err)
		}
		if h2, err := OpenHistory(path); err != nil || len(h2.List("n")) == 0 {
			t.Fatalf("reopen: %v", err)
		}
	})
}

// FuzzAgentOutput: metadata and list output come from agents and may be
// anything.
func FuzzAgentOutput(f *testing.F) {
	f.Add(`<resource-agent name="x"><parameters><parameter name="port"/></parameters><actions><action name="list"/></actions></resource-agent>`)
	f.Add("node1,alias\nnode2\n\n")
	f.Fuzz(func(t *testing.T, s string) {
		if m, err := ParseAgentMeta("x", []byte(s)); err == nil && len(m.Actions) == 0 {
			t.Fatal("metadata without actions accepted")
		}
		for _, n := range parseList(s) {
			if n == "" {
				t.Fatal("empty name in list")
			}
		}
		_ = AgentResult{RC: 1, Stderr: s, Stdout: s}.Reason()
	})
}
