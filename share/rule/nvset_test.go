package rule

import (
	"maps"
	"testing"
	"time"

	"pacer/share/xmltree"
)

// The example from Pacemaker Explained, "Using Rules to Control Resource
// Options".
const specialRsc = `<primitive id="mySpecialRsc" class="ocf" type="Special" provider="me">
  <instance_attributes id="special-node1" score="3">
    <rule id="node1-special-case" score="INFINITY">
      <expression id="node1-special-case-expr" attribute="#uname" operation="eq" value="node1"/>
    </rule>
    <nvpair id="node1-interface" name="interface" value="eth1"/>
  </instance_attributes>
  <instance_attributes id="special-node2" score="2">
    <rule id="node2-special-case" score="INFINITY">
      <expression id="node2-special-case-expr" attribute="#uname" operation="eq" value="node2"/>
    </rule>
    <nvpair id="node2-interface" name="interface" value="eth2"/>
    <nvpair id="node2-port" name="port" value="8888"/>
  </instance_attributes>
  <instance_attributes id="defaults" score="1">
    <nvpair id="default-interface" name="interface" value="eth0"/>
    <nvpair id="default-port" name="port" value="9999"/>
  </instance_attributes>
</primitive>`

func TestUnpackNVSetsHigherScoreFirstAndFirstValueWins(t *testing.T) {
	p := el(t, specialRsc)
	sets := p.ChildrenNamed("instance_attributes")
	for node, want := range map[string]map[string]string{
		"node1": {"interface": "eth1", "port": "9999"},
		"node2": {"interface": "eth2", "port": "8888"},
		"node3": {"interface": "eth0", "port": "9999"},
	} {
		got := UnpackNVSets(sets, &Context{Node: map[string]string{"#uname": node}})
		if !maps.Equal(got, want) {
			t.Errorf("%s: %v, want %v", node, got, want)
		}
	}
}

func TestUnpackNVSetsEqualScoresLastListedWins(t *testing.T) {
	p := el(t, `<x><meta_attributes id="a"><nvpair id="a1" name="k" value="first"/><nvpair id="a2" name="i" value="i"/></meta_attributes>
		<meta_attributes id="b"><nvpair id="b1" name="k" value="second"/><nvpair id="b2" name="j" value="j"/></meta_attributes></x>`)
	got := UnpackNVSets(p.Children, nil)
	if got["k"] != "second" || got["j"] != "j" || got["i"] != "i" {
		t.Errorf("got %v", got)
	}
}

// op-defaults-3 from Pacemaker's regression suite: both blocks match a 10s
// monitor; the graph gives it the later block's timeout (7s).
func TestUnpackNVSetsOpDefaultsLikeRegressionCase(t *testing.T) {
	d := el(t, `<op_defaults>
      <meta_attributes id="op-10s-monitor-defaults">
        <rule id="r1" score="INFINITY"><op_expression id="e1" name="monitor" interval="10s"/></rule>
        <nvpair id="n1" name="timeout" value="8s"/>
      </meta_attributes>
      <meta_attributes id="op-monitor-defaults">
        <rule id="r2" score="INFINITY"><op_expression id="e2" name="monitor"/></rule>
        <nvpair id="n2" name="timeout" value="7s"/>
      </meta_attributes></op_defaults>`)
	mon10 := UnpackNVSets(d.Children, &Context{Op: &Op{Name: "monitor", Interval: 10 * time.Second}})
	start := UnpackNVSets(d.Children, &Context{Op: &Op{Name: "start"}})
	if mon10["timeout"] != "7s" || len(start) != 0 {
		t.Errorf("monitor 10s: %v; start: %v", mon10, start)
	}
}

func TestUnpackNVSetsBootstrapSetAlwaysWins(t *testing.T) {
	// Pacemaker Explained: cib-bootstrap-options has the highest priority
	// regardless of scores.
	c := el(t, `<crm_config>
	  <cluster_property_set id="cib-bootstrap-options"><nvpair id="o1" name="maintenance-mode" value="false"/></cluster_property_set>
	  <cluster_property_set id="maint" score="1000"><nvpair id="o2" name="maintenance-mode" value="true"/>
	    <nvpair id="o3" name="stonith-enabled" value="false"/></cluster_property_set>
	</crm_config>`)
	got := UnpackNVSets(c.Children, &Context{FirstSetID: "cib-bootstrap-options"})
	if got["maintenance-mode"] != "false" || got["stonith-enabled"] != "false" {
		t.Errorf("got %v", got)
	}
	got = UnpackNVSets(c.Children, nil)
	if got["maintenance-mode"] != "true" {
		t.Errorf("without FirstSetID the score decides: %v", got)
	}
}

func TestUnpackNVSetsMaintenanceWindowByDate(t *testing.T) {
	// The maintenance-window example from Pacemaker Explained.
	c := el(t, `<crm_config>
	  <cluster_property_set id="normal-set" score="10"><nvpair id="n1" name="maintenance-mode" value="false"/></cluster_property_set>
	  <cluster_property_set id="maintenance-window-set" score="1000">
	    <nvpair id="m1" name="maintenance-mode" value="true"/>
	    <rule id="maintenance-rule1" score="INFINITY">
	      <date_expression id="maintenance-date1" operation="in_range" start="2019-09-20 21:00:00 -05:00" end="2019-09-20 23:00:00 -05:00"/>
	    </rule>
	  </cluster_property_set>
	</crm_config>`)
	cdt := time.FixedZone("CDT", -5*3600)
	for at, want := range map[time.Time]string{
		time.Date(2019, 9, 20, 20, 59, 59, 0, cdt):   "false",
		time.Date(2019, 9, 20, 21, 0, 0, 0, cdt):     "true",
		time.Date(2019, 9, 21, 4, 0, 0, 0, time.UTC): "true", // 23:00 CDT, end included
		time.Date(2019, 9, 20, 23, 0, 1, 0, cdt):     "false",
	} {
		dst := map[string]string{}
		next, err := UnpackNVSetsInto(dst, c.Children, &Context{Now: at})
		if err != nil {
			t.Fatal(err)
		}
		if dst["maintenance-mode"] != want {
			t.Errorf("at %v: maintenance-mode=%s, want %s", at, dst["maintenance-mode"], want)
		}
		if at.Before(time.Date(2019, 9, 20, 21, 0, 0, 0, cdt)) && !next.Equal(time.Date(2019, 9, 20, 21, 0, 0, 0, cdt)) {
			t.Errorf("at %v: next change %v, want the window start", at, next)
		}
	}
}

func TestUnpackNVSetsIntoKeepsExistingAndSkipsDefaultMarker(t *testing.T) {
	p := el(t, `<x><meta_attributes id="a"><nvpair id="a1" name="target-role" value="Stopped"/>
		<nvpair id="a2" name="is-managed" value="#default"/><nvpair id="a3" name="novalue"/></meta_attributes>
		<meta_attributes id="b" score="-1"><nvpair id="b1" name="is-managed" value="false"/></meta_attributes></x>`)
	dst := map[string]string{"target-role": "Started"}
	if _, err := UnpackNVSetsInto(dst, p.Children, nil); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"target-role": "Started", "is-managed": "false"}
	if !maps.Equal(dst, want) {
		t.Errorf("got %v, want %v", dst, want)
	}
}

func TestUnpackNVSetsFollowsIDRefs(t *testing.T) {
	doc := el(t, `<cib>
	  <meta_attributes id="shared" score="5"><nvpair id="s1" name="priority" value="9"/></meta_attributes>
	  <nvpair id="lone" name="resource-stickiness" value="100"/>
	  <primitive id="p">
	    <meta_attributes id-ref="shared"/>
	    <meta_attributes id="own"><nvpair id-ref="lone"/><nvpair id="o1" name="priority" value="1"/></meta_attributes>
	    <meta_attributes id-ref="nowhere"/>
	  </primitive></cib>`)
	byID := map[string]*xmltree.Element{}
	var walk func(*xmltree.Element)
	walk = func(e *xmltree.Element) {
		if id := e.ID(); id != "" {
			byID[id] = e
		}
		for _, c := range e.Children {
			walk(c)
		}
	}
	walk(doc)
	ctx := &Context{Resolve: func(id string) *xmltree.Element { return byID[id] }}
	dst := map[string]string{}
	_, err := UnpackNVSetsInto(dst, byID["p"].ChildrenNamed("meta_attributes"), ctx)
	want := map[string]string{"priority": "9", "resource-stickiness": "100"}
	if !maps.Equal(dst, want) {
		t.Errorf("got %v, want %v", dst, want)
	}
	if err == nil {
		t.Error("dangling id-ref not reported")
	}
}

func TestUnpackNVSetsRscDefaultsByAgent(t *testing.T) {
	d := el(t, `<rsc_defaults>
	  <meta_attributes id="op-target-role">
	    <rule id="r" score="INFINITY"><rsc_expression id="e" class="ocf" provider="heartbeat" type="IPaddr2"/></rule>
	    <nvpair id="n" name="target-role" value="Stopped"/>
	  </meta_attributes></rsc_defaults>`)
	ip := UnpackNVSets(d.Children, &Context{Rsc: &Resource{"ocf", "heartbeat", "IPaddr2"}})
	other := UnpackNVSets(d.Children, &Context{Rsc: &Resource{"ocf", "pacemaker", "Dummy"}})
	if ip["target-role"] != "Stopped" || len(other) != 0 {
		t.Errorf("IPaddr2: %v, Dummy: %v", ip, other)
	}
}
