package scheduler

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"pacer/share/clusterview"
	"pacer/share/xmltree"
)

// viewCIB builds a CIB from its parts: extra cluster options (nvpairs),
// the nodes, resources and constraints sections' contents, and status.
type viewCIB struct {
	options, nodes, resources, constraints, status string
}

func (v viewCIB) snapshot(t *testing.T) *clusterview.Snapshot {
	t.Helper()
	xml := fmt.Sprintf(`<cib admin_epoch="0" epoch="1" num_updates="1" have-quorum="1" dc-uuid="n1">
<configuration><crm_config><cluster_property_set id="o">%s</cluster_property_set></crm_config>
<nodes>%s</nodes><resources>%s</resources><constraints>%s</constraints></configuration>
<status>%s</status></cib>`, v.options, v.nodes, v.resources, v.constraints, v.status)
	doc, err := xmltree.ParseString(xml)
	if err != nil {
		t.Fatal(err)
	}
	s, err := View(doc, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const threeNodes = `<node id="n1" uname="n1"/><node id="n2" uname="n2"/><node id="n3" uname="n3"/>`

func up(id, lrm string) string {
	return `<node_state id="` + id + `" uname="` + id + `" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="` + id + `"><lrm_resources>` + lrm + `</lrm_resources></lrm></node_state>`
}

// op is one recorded operation of resource rsc (the lrm_resource id).
func op(rsc, task string, interval, rc, call int) string {
	return fmt.Sprintf(`<lrm_rsc_op id="%s_%s_%d" operation_key="%s_%s_%d" operation="%s" interval="%d" rc-code="%d" op-status="0" call-id="%d" transition-key="1:1:0:x"/>`,
		rsc, task, interval, rsc, task, interval, task, interval, rc, call)
}

func lrmRsc(id, agent string, ops ...string) string {
	parts := strings.Split(agent, ":")
	return `<lrm_resource id="` + id + `" class="` + parts[0] + `" provider="` + parts[1] + `" type="` + parts[2] + `">` + strings.Join(ops, "") + `</lrm_resource>`
}

func TestViewStackIsClusterInfrastructureOrUnknown(t *testing.T) {
	s := viewCIB{nodes: threeNodes}.snapshot(t)
	if s.Stack != "unknown" {
		t.Errorf("no cluster-infrastructure: stack %q, want unknown", s.Stack)
	}
	s = viewCIB{options: `<nvpair id="o1" name="cluster-infrastructure" value="corosync"/>`, nodes: threeNodes}.snapshot(t)
	if s.Stack != "corosync" {
		t.Errorf("stack %q, want corosync", s.Stack)
	}
}

const pingClone = `<clone id="ping-clone"><primitive id="ping" class="ocf" provider="pacemaker" type="ping"/></clone>`

func TestViewAnonymousCloneHasOneInstancePerNode(t *testing.T) {
	started := lrmRsc("ping", "ocf:pacemaker:ping", op("ping", "start", 0, 0, 2))
	s := viewCIB{nodes: threeNodes, resources: pingClone, status: up("n1", started) + up("n2", started) + up("n3", "")}.snapshot(t)
	c := s.Resource("ping-clone")
	if c == nil || c.Template != "ping" {
		t.Fatalf("clone %+v, want template ping", c)
	}
	if len(c.Children) != 3 {
		t.Fatalf("%d instances, want clone-max (3 nodes)", len(c.Children))
	}
	var on []string
	for _, inst := range c.Children {
		if len(inst.Nodes) > 1 {
			t.Errorf("instance %s active on %v: one node per instance", inst.ID, inst.Nodes)
		}
		on = append(on, strings.Join(inst.Nodes, ","))
	}
	if strings.Join(on, " ") != "n1 n2 " {
		t.Errorf("instances on %q, want n1, n2 and one stopped", on)
	}
	if got := s.Count().Instances; got != 3 {
		t.Errorf("counted %d instances, want 3", got)
	}
}

func TestViewCloneMaxBoundsInstancesAndStoppedList(t *testing.T) {
	clone := `<clone id="ping-clone"><meta_attributes id="m"><nvpair id="m1" name="clone-max" value="2"/></meta_attributes><primitive id="ping" class="ocf" provider="pacemaker" type="ping"/></clone>`
	started := lrmRsc("ping", "ocf:pacemaker:ping", op("ping", "start", 0, 0, 2))
	s := viewCIB{nodes: threeNodes, resources: clone, status: up("n1", started) + up("n2", started) + up("n3", "")}.snapshot(t)
	c := s.Resource("ping-clone")
	if len(c.Children) != 2 {
		t.Fatalf("%d instances, want clone-max 2", len(c.Children))
	}
	text := clusterview.FormatText(s, clusterview.DefaultTextOptions)
	if strings.Contains(text, "Stopped: [") {
		t.Errorf("every instance is active, yet a stopped list:\n%s", text)
	}
}

func TestViewClonedGroupInstancesAreGroupsOfMembers(t *testing.T) {
	rsc := `<clone id="base-clone"><group id="base"><primitive id="a" class="ocf" provider="pacemaker" type="Dummy"/><primitive id="b" class="ocf" provider="pacemaker" type="Dummy"/></group></clone>`
	onBoth := lrmRsc("a", "ocf:pacemaker:Dummy", op("a", "start", 0, 0, 2)) + lrmRsc("b", "ocf:pacemaker:Dummy", op("b", "start", 0, 0, 3))
	onlyA := lrmRsc("a", "ocf:pacemaker:Dummy", op("a", "start", 0, 0, 2))
	s := viewCIB{nodes: threeNodes, resources: rsc, status: up("n1", onBoth) + up("n2", onlyA) + up("n3", "")}.snapshot(t)
	c := s.Resource("base-clone")
	if c.Template != "base" || len(c.Children) != 3 {
		t.Fatalf("clone template %q with %d instances, want base with 3", c.Template, len(c.Children))
	}
	g0, g1 := c.Children[0], c.Children[1]
	if g0.Kind != clusterview.KindGroup || g0.ID != "base:0" || len(g0.Children) != 2 || g0.Children[0].ID != "a:0" {
		t.Fatalf("first instance %+v, want group base:0 of a:0, b:0", g0)
	}
	if g0.Children[1].Nodes[0] != "n1" || len(g1.Children[1].Nodes) != 0 || g1.Children[1].Role != clusterview.RoleStopped {
		t.Errorf("b should run in the n1 instance and be stopped in the n2 one: %+v / %+v", g0.Children[1], g1.Children[1])
	}
	if got := s.Count().Instances; got != 6 {
		t.Errorf("counted %d instances, want 3 groups x 2 members", got)
	}
}

func TestViewPromotableRoles(t *testing.T) {
	rsc := `<clone id="db-clone"><meta_attributes id="m"><nvpair id="m1" name="promotable" value="true"/></meta_attributes><primitive id="db" class="ocf" provider="pacemaker" type="Stateful"/></clone>`
	promoted := lrmRsc("db", "ocf:pacemaker:Stateful", op("db", "start", 0, 0, 2), op("db", "promote", 0, 0, 3))
	started := lrmRsc("db", "ocf:pacemaker:Stateful", op("db", "start", 0, 0, 2))
	s := viewCIB{nodes: threeNodes, resources: rsc, status: up("n1", promoted) + up("n2", started) + up("n3", "")}.snapshot(t)
	roles := map[string]clusterview.Role{}
	for _, inst := range s.Resource("db-clone").Children {
		if len(inst.Nodes) == 1 {
			roles[inst.Nodes[0]] = inst.Role
		}
	}
	if roles["n1"] != clusterview.RolePromoted || roles["n2"] != clusterview.RoleUnpromoted {
		t.Errorf("roles %v, want n1 Promoted and n2 Unpromoted", roles)
	}
}

func TestViewUniqueCloneInstancesInNumberOrder(t *testing.T) {
	rsc := `<clone id="f"><meta_attributes id="m"><nvpair id="m1" name="globally-unique" value="true"/></meta_attributes><primitive id="fx" class="ocf" provider="pacemaker" type="Dummy"/></clone>`
	s := viewCIB{nodes: threeNodes, resources: rsc, status: up("n1", lrmRsc("fx:2", "ocf:pacemaker:Dummy", op("fx:2", "start", 0, 0, 2))) +
		up("n2", lrmRsc("fx:0", "ocf:pacemaker:Dummy", op("fx:0", "start", 0, 0, 2)))}.snapshot(t)
	var ids []string
	for _, inst := range s.Resource("f").Children {
		ids = append(ids, inst.ID+"@"+strings.Join(inst.Nodes, ","))
	}
	if got := strings.Join(ids, " "); got != "fx:0@n2 fx:1@ fx:2@n1" {
		t.Errorf("instances %q, want fx:0@n2 fx:1@ fx:2@n1", got)
	}
}

func TestViewNodeStates(t *testing.T) {
	nodes := threeNodes + `<node id="n4" uname="n4"><instance_attributes id="a4"><nvpair id="a41" name="standby" value="on"/></instance_attributes></node>`
	status := up("n1", "") +
		// expected up, but gone from the membership: must be fenced
		`<node_state id="n2" uname="n2" in_ccm="false" crmd="offline" join="down" expected="member"/>` +
		`<node_state id="n3" uname="n3" in_ccm="false" crmd="offline" join="down" expected="down"/>` +
		`<node_state id="n4" uname="n4" in_ccm="false" crmd="offline" join="down" expected="down"/>`
	s := viewCIB{nodes: nodes, status: status}.snapshot(t)
	want := map[string]string{"n1": "online", "n2": "UNCLEAN (offline)", "n3": "OFFLINE", "n4": "OFFLINE (standby)"}
	for _, n := range s.Nodes {
		if got := clusterview.NodeStateText(&n); got != want[n.Name] {
			t.Errorf("node %s: %q, want %q", n.Name, got, want[n.Name])
		}
		if _, ok := n.Attributes["standby"]; ok {
			t.Errorf("node %s lists standby as an attribute; it is the state", n.Name)
		}
	}
}

func TestViewNodesInNaturalOrder(t *testing.T) {
	s := viewCIB{nodes: `<node id="a" uname="node10"/><node id="b" uname="node9"/><node id="c" uname="Node1"/>`}.snapshot(t)
	var names []string
	for _, n := range s.Nodes {
		names = append(names, n.Name)
	}
	if got := strings.Join(names, " "); got != "Node1 node9 node10" {
		t.Errorf("nodes %q, want Node1 node9 node10", got)
	}
}

func TestViewResourcesByPriority(t *testing.T) {
	rsc := `<primitive id="low" class="ocf" provider="pacemaker" type="Dummy"/>` +
		`<primitive id="high" class="ocf" provider="pacemaker" type="Dummy"><meta_attributes id="m"><nvpair id="m1" name="priority" value="5"/></meta_attributes></primitive>` +
		`<primitive id="low2" class="ocf" provider="pacemaker" type="Dummy"/>`
	s := viewCIB{nodes: threeNodes, resources: rsc}.snapshot(t)
	var ids []string
	for _, r := range s.Resources {
		ids = append(ids, r.ID)
	}
	if got := strings.Join(ids, " "); got != "high low low2" {
		t.Errorf("resources %q, want high first, then configuration order", got)
	}
}

func TestViewFailedActionsNamedByHistoryInStatusOrder(t *testing.T) {
	failedProbe := lrmRsc("ping", "ocf:pacemaker:ping", op("ping", "monitor", 0, 4, 2))
	failedMon := lrmRsc("ip", "ocf:heartbeat:IPaddr2", op("ip", "start", 0, 0, 2), op("ip", "monitor", 10000, 7, 3))
	s := viewCIB{nodes: threeNodes, resources: pingClone + `<primitive id="ip" class="ocf" provider="heartbeat" type="IPaddr2"/>`,
		status: up("n2", failedMon) + up("n1", failedProbe)}.snapshot(t)
	var got []string
	for _, f := range s.FailedActions {
		got = append(got, fmt.Sprintf("%s %s %d on %s", f.Resource, f.Op, f.IntervalMS, f.Node))
	}
	want := "ip monitor 10000 on n2|ping monitor 0 on n1"
	if strings.Join(got, "|") != want {
		t.Errorf("failed actions %q, want %q", strings.Join(got, "|"), want)
	}
}

func TestViewFailedActionShownOnceWhenRecordedTwice(t *testing.T) {
	last := `<lrm_rsc_op id="ip_last_0" operation_key="ip_start_0" operation="start" interval="0" rc-code="1" op-status="0" call-id="5" transition-key="1:1:0:x"/>`
	lastFailure := `<lrm_rsc_op id="ip_last_failure_0" operation_key="ip_start_0" operation="start" interval="0" rc-code="1" op-status="0" call-id="5" transition-key="1:1:0:x"/>`
	s := viewCIB{nodes: threeNodes, resources: `<primitive id="ip" class="ocf" provider="heartbeat" type="IPaddr2"/>`,
		status: up("n1", lrmRsc("ip", "ocf:heartbeat:IPaddr2", last, lastFailure))}.snapshot(t)
	if len(s.FailedActions) != 1 {
		t.Errorf("%d failed actions, want the one failure once: %+v", len(s.FailedActions), s.FailedActions)
	}
}

func TestViewOldHistoryKeysNameTheAction(t *testing.T) {
	for key, want := range map[string]string{
		"ocf_msdummy-6_stop_0":     "ocf_msdummy-6 stop",
		"vm_migrate_to_0":          "vm migrate_to",
		"ip_monitor_10000":         "ip monitor",
		"db_pre_notify_start_0":    "db notify",
		"rsc:1_monitor_0":          "rsc:1 monitor",
		"nokey":                    "",
		"trailing_":                "",
		"group-1-child_1_start_0x": "",
	} {
		rsc, task, ok := parseOpKey(key)
		got := ""
		if ok {
			got = rsc + " " + task
		}
		if got != want {
			t.Errorf("parseOpKey(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestViewTicketLastGranted(t *testing.T) {
	cons := `<rsc_ticket id="t1" rsc="ip" ticket="ticketA"/>`
	s := viewCIB{nodes: threeNodes, resources: `<primitive id="ip" class="ocf" provider="heartbeat" type="IPaddr2"/>`, constraints: cons,
		status: up("n1", "") + `<tickets><ticket_state id="ticketA" granted="true" last-granted="1700000000"/></tickets>`}.snapshot(t)
	if len(s.Tickets) != 1 || !s.Tickets[0].Granted || !s.Tickets[0].LastGranted.Equal(time.Unix(1700000000, 0)) {
		t.Errorf("tickets %+v, want ticketA granted at 1700000000", s.Tickets)
	}
}

func TestViewRemoteAndGuestNodesFollowTheirConnection(t *testing.T) {
	rsc := `<primitive id="remote1" class="ocf" provider="pacemaker" type="remote"/>` +
		`<primitive id="remote2" class="ocf" provider="pacemaker" type="remote"/>` +
		`<primitive id="vm1" class="ocf" provider="heartbeat" type="VirtualDomain"><meta_attributes id="m"><nvpair id="m1" name="remote-node" value="guest1"/></meta_attributes></primitive>`
	status := up("n1", lrmRsc("remote1", "ocf:pacemaker:remote", op("remote1", "start", 0, 0, 2))+
		lrmRsc("vm1", "ocf:heartbeat:VirtualDomain", op("vm1", "start", 0, 0, 3)))
	s := viewCIB{nodes: threeNodes, resources: rsc, status: status}.snapshot(t)
	want := map[string]string{"remote1": "remote online", "remote2": "remote offline", "guest1": "guest online"}
	for name, w := range want {
		n := s.Node(name)
		if n == nil {
			t.Errorf("no node %s", name)
			continue
		}
		if got := string(n.Type) + " " + string(n.State); got != w {
			t.Errorf("node %s: %q, want %q", name, got, w)
		}
	}
	if c := s.Count(); c.Nodes != 6 {
		t.Errorf("%d nodes configured, want 3 members + 2 remote + 1 guest", c.Nodes)
	}
}

func TestViewStandbyOfNeverSeenNodeIsJustOffline(t *testing.T) {
	nodes := `<node id="n1" uname="n1"/><node id="n2" uname="n2"><instance_attributes id="a"><nvpair id="a1" name="standby" value="on"/></instance_attributes></node>`
	s := viewCIB{options: `<nvpair id="o1" name="fencing-enabled" value="false"/>`, nodes: nodes, status: up("n1", "")}.snapshot(t)
	if got := clusterview.NodeStateText(s.Node("n2")); got != "OFFLINE" {
		t.Errorf("never-seen standby node: %q, want OFFLINE", got)
	}
}

func TestViewMultiplyActiveWithBlockBlocksTheGroup(t *testing.T) {
	rsc := `<group id="g"><meta_attributes id="m"><nvpair id="m1" name="multiple-active" value="block"/></meta_attributes>` +
		`<primitive id="a" class="ocf" provider="pacemaker" type="Dummy"/><primitive id="b" class="ocf" provider="pacemaker" type="Dummy"/></group>`
	a := lrmRsc("a", "ocf:pacemaker:Dummy", op("a", "start", 0, 0, 2))
	b := lrmRsc("b", "ocf:pacemaker:Dummy", op("b", "start", 0, 0, 3))
	s := viewCIB{nodes: threeNodes, resources: rsc, status: up("n1", a+b) + up("n2", a)}.snapshot(t)
	if c := s.Count(); c.Blocked != 2 {
		t.Errorf("%d blocked, want both members of the group (a runs twice)", c.Blocked)
	}
}

// With a node-health-strategy, status shows a node's worst #health-*
// colour (crm_mon: "online (health is YELLOW)"); numbers other than
// -INFINITY are no colour; with strategy none health is not tracked.
func TestViewNodeHealthIsTheWorstColour(t *testing.T) {
	health := func(id string, attrs ...string) string {
		s := `<node_state id="` + id + `" uname="` + id + `" in_ccm="true" crmd="online" join="member" expected="member"><transient_attributes id="` + id + `"><instance_attributes id="ta-` + id + `">`
		for i, a := range attrs {
			s += fmt.Sprintf(`<nvpair id="%s-h%d" name="#health-%d" value="%s"/>`, id, i, i, a)
		}
		return s + `</instance_attributes></transient_attributes></node_state>`
	}
	status := health("n1", "green", "yellow") + health("n2", "yellow", "red") + health("n3", "-100", "green")
	for strategy, want := range map[string][]string{
		"migrate-on-red": {"yellow", "red", "green"},
		"progressive":    {"yellow", "red", "green"},
		"none":           {"", "", ""},
	} {
		s := viewCIB{options: `<nvpair id="o-h" name="node-health-strategy" value="` + strategy + `"/>`, nodes: threeNodes, status: status}.snapshot(t)
		for i, n := range s.Nodes {
			if n.Health != want[i] {
				t.Errorf("%s: %s health %q, want %q", strategy, n.Name, n.Health, want[i])
			}
		}
	}
}

// A removed resource still running is shown ORPHANED, and unmanaged when
// stop-removed-resources (stop-orphan-resources) is false: nothing stops it.
func TestViewOrphanIsUnmanagedWhenOrphansAreKept(t *testing.T) {
	status := up("n1", lrmRsc("gone", "ocf:pacemaker:Dummy", op("gone", "start", 0, 0, 2)))
	for keep, want := range map[string]bool{"false": true, "true": false} {
		s := viewCIB{options: `<nvpair id="o-so" name="stop-orphan-resources" value="` + keep + `"/>`, nodes: threeNodes, status: status}.snapshot(t)
		if len(s.Resources) != 1 || !s.Resources[0].Orphaned || s.Resources[0].Unmanaged != want {
			t.Errorf("stop-orphan-resources=%s: %+v, want one orphan, unmanaged %v", keep, s.Resources, want)
		}
	}
}

// A probe that finds the agent missing (rc 5) is no failure: status says
// "Stopped (not installed) " as crm_mon does, and where.
func TestViewProbeNotInstalledIsShownNotFailed(t *testing.T) {
	rsc := `<primitive id="r" class="ocf" provider="pacemaker" type="Dummy"/>`
	status := up("n1", lrmRsc("r", "ocf:pacemaker:Dummy", op("r", "monitor", 0, 5, 2))) + up("n2", lrmRsc("r", "ocf:pacemaker:Dummy", op("r", "monitor", 0, 7, 2)))
	s := viewCIB{options: `<nvpair id="o-s" name="stonith-enabled" value="false"/>`, nodes: threeNodes, resources: rsc, status: status}.snapshot(t)
	r := s.Resources[0]
	if got := clusterview.StatusText(&r, s); got != "Stopped (not installed) " || !slices.Equal(r.NotInstalledOn, []string{"n1"}) || len(s.FailedActions) != 0 {
		t.Fatalf("status %q, not installed on %v, failed actions %+v; want \"Stopped (not installed) \" on n1, none failed", got, r.NotInstalledOn, s.FailedActions)
	}
}

// A failed stop with on-fail=ignore counts as a stop: status shows the
// resource Stopped (failure ignored), not Started.
func TestViewIgnoredFailedStopIsStopped(t *testing.T) {
	rsc := `<primitive id="r" class="ocf" provider="pacemaker" type="Dummy"><operations><op id="r-stop" name="stop" interval="0" on-fail="ignore"/></operations></primitive>`
	status := up("n1", lrmRsc("r", "ocf:pacemaker:Dummy", strings.Replace(op("r", "stop", 0, 1, 2), `op-status="0"`, `op-status="4"`, 1)))
	s := viewCIB{options: `<nvpair id="o-s" name="stonith-enabled" value="false"/>`, nodes: threeNodes, resources: rsc, status: status}.snapshot(t)
	if got := clusterview.StatusText(&s.Resources[0], s); got != "Stopped (failure ignored)" {
		t.Fatalf("status %q, want Stopped (failure ignored)", got)
	}
}
