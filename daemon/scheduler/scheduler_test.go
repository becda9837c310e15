package scheduler

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"pacer/share/opdigest"
	"pacer/share/xmltree"
)

var testNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// cluster text helpers: a CIB from its parts, in 2.x option names.
func testCIB(opts, nodes, rscs, cons, status string) string {
	return `<cib validate-with="pacemaker-3.0" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="1">
<configuration><crm_config><cluster_property_set id="o">` + opts + `</cluster_property_set></crm_config>
<nodes>` + nodes + `</nodes><resources>` + rscs + `</resources><constraints>` + cons + `</constraints></configuration>
<status>` + status + `</status></cib>`
}

func opt(name, value string) string {
	return fmt.Sprintf(`<nvpair id="o-%s" name="%s" value="%s"/>`, name, name, value)
}

const noFencing = `<nvpair id="o-sf" name="stonith-enabled" value="false"/>`

func nodesXML(names ...string) string {
	var b strings.Builder
	for i, n := range names {
		fmt.Fprintf(&b, `<node id="%d" uname="%s"/>`, i+1, n)
	}
	return b.String()
}

func dummy(id string, meta ...string) string {
	m := ""
	if len(meta) > 0 {
		m = `<meta_attributes id="` + id + `-meta">`
		for i := 0; i+1 < len(meta); i += 2 {
			m += fmt.Sprintf(`<nvpair id="%s-%s" name="%s" value="%s"/>`, id, meta[i], meta[i], meta[i+1])
		}
		m += `</meta_attributes>`
	}
	return `<primitive id="` + id + `" class="ocf" provider="pacemaker" type="Dummy">` + m + `</primitive>`
}

// online returns a node_state for an online node with the given history.
func online(id int, name string, history ...string) string {
	return fmt.Sprintf(`<node_state id="%d" uname="%s" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="%d"><lrm_resources>%s</lrm_resources></lrm>`,
		id, name, id, strings.Join(history, "")) + `</node_state>`
}

var callID = 10

// ran records a successful start of rsc (with its current digest).
func ran(rsc string, params map[string]string) string {
	callID++
	return fmt.Sprintf(`<lrm_resource id="%s" class="ocf" provider="pacemaker" type="Dummy"><lrm_rsc_op id="%s_last_0" operation_key="%s_start_0" operation="start" transition-key="1:1:0:x" call-id="%d" rc-code="0" op-status="0" interval="0" last-rc-change="1700000000" op-digest="%s"/></lrm_resource>`,
		rsc, rsc, rsc, callID, opdigest.Digest(params))
}

// failed records a start, then a failed recurring monitor.
func failed(rsc string) string {
	callID += 2
	return fmt.Sprintf(`<lrm_resource id="%s" class="ocf" provider="pacemaker" type="Dummy"><lrm_rsc_op id="%s_last_0" operation_key="%s_start_0" operation="start" transition-key="1:1:0:x" call-id="%d" rc-code="0" op-status="0" interval="0" op-digest="%s"/><lrm_rsc_op id="%s_last_failure_0" operation_key="%s_monitor_10000" operation="monitor" transition-key="2:1:0:x" call-id="%d" rc-code="1" op-status="0" interval="10000" last-rc-change="1700000000"/></lrm_resource>`,
		rsc, rsc, rsc, callID-1, opdigest.Digest(nil), rsc, rsc, callID)
}

func run(t *testing.T, cib string) *Result {
	t.Helper()
	doc, err := xmltree.Parse(strings.NewReader(cib))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	res, err := Run(doc, Input{Now: testNow})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if err := res.Graph.Validate(); err != nil {
		t.Fatalf("invalid graph: %v", err)
	}
	return res
}

func summary(res *Result) string { return strings.Join(normalize(res.Summary), "\n") }

func wantSummary(t *testing.T, res *Result, want ...string) {
	t.Helper()
	got := summary(res)
	if exp := strings.Join(normalize(want), "\n"); got != exp {
		t.Errorf("summary:\n%s\nwant:\n%s", got, exp)
	}
}

func TestStoppedResourcesSpreadOverNodes(t *testing.T) {
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), dummy("a")+dummy("b"), "",
		online(1, "n1")+online(2, "n2")))
	wantSummary(t, res, "* Start a ( n1 )", "* Start b ( n2 )")
}

func TestStickinessKeepsRunningResourceWherePreferenceIsWeaker(t *testing.T) {
	cons := `<rsc_location id="l" rsc="a" node="n2" score="50"/>`
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), dummy("a", "resource-stickiness", "100"), cons,
		online(1, "n1", ran("a", nil))+online(2, "n2")))
	wantSummary(t, res)
	res = run(t, testCIB(noFencing, nodesXML("n1", "n2"), dummy("a", "resource-stickiness", "10"), cons,
		online(1, "n1", ran("a", nil))+online(2, "n2")))
	wantSummary(t, res, "* Move a ( n1 -> n2 )")
}

func TestLocationMinusInfinityBansNode(t *testing.T) {
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), dummy("a"), `<rsc_location id="l" rsc="a" node="n1" score="-INFINITY"/>`,
		online(1, "n1", ran("a", nil))+online(2, "n2")))
	wantSummary(t, res, "* Move a ( n1 -> n2 )")
}

func TestMandatoryColocationPlacesDependentWithPrimary(t *testing.T) {
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), dummy("a")+dummy("b"),
		`<rsc_location id="l" rsc="a" node="n2" score="100"/><rsc_colocation id="c" rsc="b" with-rsc="a" score="INFINITY"/>`,
		online(1, "n1")+online(2, "n2")))
	wantSummary(t, res, "* Start a ( n2 )", "* Start b ( n2 )")
}

func TestAntiColocationKeepsResourcesApartOrStopped(t *testing.T) {
	res := run(t, testCIB(noFencing, nodesXML("n1"), dummy("a")+dummy("b"),
		`<rsc_colocation id="c" rsc="b" with-rsc="a" score="-INFINITY"/>`, online(1, "n1")))
	wantSummary(t, res, "* Start a ( n1 )")
}

func TestMandatoryOrderBlocksThenWhenFirstCannotStart(t *testing.T) {
	res := run(t, testCIB(noFencing, nodesXML("n1"), dummy("a")+dummy("b"),
		`<rsc_location id="l" rsc="a" node="n1" score="-INFINITY"/><rsc_order id="o1" first="a" then="b" kind="Mandatory"/>`,
		online(1, "n1")))
	wantSummary(t, res, "* Start b ( n1 ) due to unrunnable a start (blocked)")
}

func TestOptionalOrderDoesNotBlock(t *testing.T) {
	res := run(t, testCIB(noFencing, nodesXML("n1"), dummy("a")+dummy("b"),
		`<rsc_location id="l" rsc="a" node="n1" score="-INFINITY"/><rsc_order id="o1" first="a" then="b" kind="Optional"/>`,
		online(1, "n1")))
	wantSummary(t, res, "* Start b ( n1 )")
}

func TestRestartOfFirstRestartsThen(t *testing.T) {
	params := map[string]string{"x": "1"}
	rscs := `<primitive id="a" class="ocf" provider="pacemaker" type="Dummy"><instance_attributes id="a-ia"><nvpair id="a-x" name="x" value="2"/></instance_attributes></primitive>` + dummy("b")
	res := run(t, testCIB(noFencing, nodesXML("n1"), rscs, `<rsc_order id="o1" first="a" then="b"/>`,
		online(1, "n1", ran("a", params), ran("b", nil))))
	wantSummary(t, res, "* Restart a ( n1 ) due to resource definition change", "* Restart b ( n1 ) due to required a start")
}

func TestGroupMembersMoveTogether(t *testing.T) {
	rscs := `<group id="g">` + dummy("a") + dummy("b") + `</group>`
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), rscs, `<rsc_location id="l" rsc="b" node="n1" score="-INFINITY"/>`,
		online(1, "n1", ran("a", nil), ran("b", nil))+online(2, "n2")))
	wantSummary(t, res, "* Move a ( n1 -> n2 )", "* Move b ( n1 -> n2 )")
}

func TestLostNodeIsFencedAndItsResourcesRecovered(t *testing.T) {
	lost := fmt.Sprintf(`<node_state id="2" uname="n2" in_ccm="false" crmd="online" join="member" expected="member"><lrm id="2"><lrm_resources>%s</lrm_resources></lrm></node_state>`, ran("a", nil))
	fence := `<primitive id="fence" class="stonith" type="fence_dummy"/>`
	res := run(t, testCIB(opt("stonith-enabled", "true"), nodesXML("n1", "n2"), fence+dummy("a"), "", online(1, "n1")+lost))
	wantSummary(t, res, "* Fence (reboot) n2 'peer is no longer part of the cluster'", "* Move a ( n2 -> n1 )", "* Start fence ( n1 )")
	// The start waits for the fencing.
	var fencing, start int = -1, -1
	for _, a := range res.Graph.Actions {
		switch {
		case a.Task == "stonith":
			fencing = a.ID
		case a.Key == "a_start_0":
			start = a.ID
		}
	}
	if fencing < 0 || start < 0 {
		t.Fatalf("graph lacks fencing or start: %+v", res.Graph.Actions)
	}
	if !dependsOn(res, start, fencing) {
		t.Errorf("start of a does not wait for fencing n2")
	}
}

func dependsOn(res *Result, id, on int) bool {
	seen := map[int]bool{}
	var walk func(int) bool
	walk = func(x int) bool {
		if x == on {
			return true
		}
		if seen[x] {
			return false
		}
		seen[x] = true
		for _, in := range res.Graph.ByID(x).Inputs {
			if walk(in) {
				return true
			}
		}
		return false
	}
	return walk(id)
}

func TestWithoutFencingALostNodeIsJustDown(t *testing.T) {
	lost := `<node_state id="2" uname="n2" in_ccm="false" crmd="offline" join="down" expected="member"/>`
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), dummy("a"), "", online(1, "n1")+lost))
	wantSummary(t, res, "* Start a ( n1 )")
}

func TestNoQuorumStopPolicyStopsAndBlocks(t *testing.T) {
	cib := testCIB(noFencing, nodesXML("n1", "n2"), dummy("a")+dummy("b"), `<rsc_location id="l" rsc="b" node="n2" score="-INFINITY"/>`,
		online(1, "n1", ran("a", nil))+online(2, "n2"))
	cib = strings.Replace(cib, `have-quorum="1"`, `have-quorum="0"`, 1)
	res := run(t, cib)
	wantSummary(t, res, "* Stop a ( n1 ) due to no quorum", "* Start b ( n1 ) due to no quorum (blocked)")
}

func TestNoQuorumIgnoreCarriesOn(t *testing.T) {
	cib := testCIB(noFencing+opt("no-quorum-policy", "ignore"), nodesXML("n1"), dummy("a"), "", online(1, "n1"))
	cib = strings.Replace(cib, `have-quorum="1"`, `have-quorum="0"`, 1)
	wantSummary(t, run(t, cib), "* Start a ( n1 )")
}

func TestFailureRecoversInPlaceBelowMigrationThreshold(t *testing.T) {
	fc := `<transient_attributes id="1"><instance_attributes id="t1"><nvpair id="t1-f" name="fail-count-a#monitor_10000" value="1"/></instance_attributes></transient_attributes>`
	st := strings.Replace(online(1, "n1", failed("a")), "</node_state>", fc+"</node_state>", 1) + online(2, "n2")
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), dummy("a", "migration-threshold", "3"), "", st))
	wantSummary(t, res, "* Recover a ( n1 )")
	res = run(t, testCIB(noFencing, nodesXML("n1", "n2"), dummy("a", "migration-threshold", "1"), "", st))
	wantSummary(t, res, "* Recover a ( n1 -> n2 )")
}

func TestFailureTimeoutForgetsOldFailures(t *testing.T) {
	fc := `<transient_attributes id="1"><instance_attributes id="t1"><nvpair id="t1-f" name="fail-count-a#monitor_10000" value="1"/><nvpair id="t1-l" name="last-failure-a#monitor_10000" value="1700000000"/></instance_attributes></transient_attributes>`
	st := strings.Replace(online(1, "n1", ran("a", nil)), "</node_state>", fc+"</node_state>", 1) + online(2, "n2")
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), dummy("a", "migration-threshold", "1", "failure-timeout", "60s"), "", st))
	wantSummary(t, res) // 2023's failure long expired by testNow
	res = run(t, testCIB(noFencing, nodesXML("n1", "n2"), dummy("a", "migration-threshold", "1"), "", st))
	wantSummary(t, res, "* Move a ( n1 -> n2 )")
}

func TestTargetRoleStoppedStopsResource(t *testing.T) {
	res := run(t, testCIB(noFencing, nodesXML("n1"), dummy("a", "target-role", "Stopped"), "", online(1, "n1", ran("a", nil))))
	wantSummary(t, res, "* Stop a ( n1 ) due to node availability")
}

func TestUnmanagedResourceIsLeftAlone(t *testing.T) {
	res := run(t, testCIB(noFencing, nodesXML("n1"), dummy("a", "is-managed", "false", "target-role", "Stopped"), "", online(1, "n1", ran("a", nil))))
	wantSummary(t, res)
}

func TestStandbyNodeIsEmptied(t *testing.T) {
	nodes := `<node id="1" uname="n1"><instance_attributes id="n1-a"><nvpair id="n1-s" name="standby" value="on"/></instance_attributes></node><node id="2" uname="n2"/>`
	res := run(t, testCIB(noFencing, nodes, dummy("a"), "", online(1, "n1", ran("a", nil))+online(2, "n2")))
	wantSummary(t, res, "* Move a ( n1 -> n2 )")
}

func TestOrphanIsStoppedUnlessKept(t *testing.T) {
	st := online(1, "n1", ran("gone", nil))
	wantSummary(t, run(t, testCIB(noFencing, nodesXML("n1"), "", "", st)), "* Stop gone ( n1 ) due to node availability")
	wantSummary(t, run(t, testCIB(noFencing+opt("stop-orphan-resources", "false"), nodesXML("n1"), "", "", st)))
}

func TestRevokedTicketStopsDependentResource(t *testing.T) {
	cib := testCIB(noFencing, nodesXML("n1"), dummy("a"), `<rsc_ticket id="t" rsc="a" ticket="T"/>`,
		online(1, "n1", ran("a", nil))+`<tickets><ticket_state id="T" granted="false"/></tickets>`)
	wantSummary(t, run(t, cib), "* Stop a ( n1 ) due to node availability")
}

func TestDateRuleLocationDependsOnNow(t *testing.T) {
	cons := `<rsc_location id="l" rsc="a"><rule id="r" score="-INFINITY"><date_expression id="d" operation="lt" end="2030-01-01"/></rule></rsc_location>`
	cib := testCIB(noFencing, nodesXML("n1"), dummy("a"), cons, online(1, "n1"))
	wantSummary(t, run(t, cib)) // banned until 2030
	doc, _ := xmltree.Parse(strings.NewReader(cib))
	res, err := Run(doc, Input{Now: time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	wantSummary(t, res, "* Start a ( n1 )")
}

func TestScoresExplainPlacement(t *testing.T) {
	cib := testCIB(noFencing, nodesXML("n1", "n2"), dummy("a"), `<rsc_location id="prefer" rsc="a" node="n2" score="75"/>`, online(1, "n1")+online(2, "n2"))
	doc, _ := xmltree.Parse(strings.NewReader(cib))
	res, err := Run(doc, Input{Now: testNow, Scores: true})
	if err != nil {
		t.Fatal(err)
	}
	if !contains(res.Scores, "pcmk__primitive_assign: a allocation score on n2: 75") {
		t.Errorf("scores: %q", res.Scores)
	}
	found := false
	for _, c := range res.Why["a"] {
		if c.Node == "n2" && c.Score == 75 && strings.Contains(c.Source, "prefer") {
			found = true
		}
	}
	if !found {
		t.Errorf("why a: %+v", res.Why["a"])
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestSameInputGivesByteIdenticalOutput(t *testing.T) {
	cib := testCIB(opt("stonith-enabled", "true"), nodesXML("n1", "n2", "n3"),
		`<group id="g">`+dummy("a")+dummy("b")+`</group>`+dummy("c")+dummy("d"),
		`<rsc_colocation id="c1" rsc="c" with-rsc="g" score="-100"/><rsc_order id="o1" first="d" then="g"/>`,
		online(1, "n1", ran("a", nil))+online(2, "n2", ran("c", nil))+`<node_state id="3" uname="n3" in_ccm="false" crmd="online" join="member" expected="member"/>`)
	var first []byte
	for i := 0; i < 5; i++ {
		doc, _ := xmltree.Parse(strings.NewReader(cib))
		res, err := Run(doc, Input{Now: testNow, Scores: true, Transcript: true})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.WriteString(strings.Join(res.Summary, "\n"))
		b.WriteString(strings.Join(res.Scores, "\n"))
		b.WriteString(strings.Join(ExecutionLines(res.Graph), "\n"))
		if err := res.Graph.XML().WriteTo(&b, xmltree.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = b.Bytes()
		} else if !bytes.Equal(first, b.Bytes()) {
			t.Fatalf("run %d differs from run 0", i)
		}
	}
}

func TestNotACIBIsAClearError(t *testing.T) {
	doc, err := xmltree.Parse(strings.NewReader(`<configuration/>`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(doc, Input{Now: testNow}); err == nil || !strings.Contains(err.Error(), "<cib>") {
		t.Errorf("err = %v", err)
	}
}

func TestViewShowsNodeStatesAndFailures(t *testing.T) {
	lost := `<node_state id="2" uname="n2" in_ccm="false" crmd="online" join="member" expected="member"/>`
	cib := testCIB(opt("stonith-enabled", "true"), nodesXML("n1", "n2"), dummy("a"), "", online(1, "n1", failed("a"))+lost)
	doc, _ := xmltree.Parse(strings.NewReader(cib))
	v, err := View(doc, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Nodes) != 2 || v.Nodes[0].State != "online" || v.Nodes[1].State != "unclean" {
		t.Errorf("nodes: %+v", v.Nodes)
	}
	if len(v.Resources) != 1 || !v.Resources[0].Failed || len(v.Resources[0].Nodes) != 1 {
		t.Errorf("resources: %+v", v.Resources)
	}
	if len(v.FailedActions) != 1 || v.FailedActions[0].Op != "monitor" || v.FailedActions[0].IntervalMS != 10000 {
		t.Errorf("failed actions: %+v", v.FailedActions)
	}
}

func TestProbeExpectsNotRunningAndRecurringMonitorSuccess(t *testing.T) {
	rsc := `<primitive id="r" class="ocf" provider="pacemaker" type="Dummy"><operations><op id="r-mon" name="monitor" interval="10s"/></operations></primitive>`
	res := run(t, testCIB(noFencing, nodesXML("n1"), rsc, "", online(1, "n1")))
	var probe, mon bool
	for _, a := range res.Graph.Actions {
		if a.Task != "monitor" {
			continue
		}
		rc, set := a.Attrs["CRM_meta_op_target_rc"]
		if a.Interval() == 0 {
			probe = true
			if rc != "7" {
				t.Errorf("probe %s: CRM_meta_op_target_rc=%q (set %v), want 7", a.Key, rc, set)
			}
		} else {
			mon = true
			if set {
				t.Errorf("recurring monitor %s carries CRM_meta_op_target_rc=%q; success is rc 0", a.Key, rc)
			}
		}
	}
	if !probe || !mon {
		t.Fatalf("want a probe and a recurring monitor in the graph, got %+v", res.Graph.Actions)
	}
}

// A reloadable parameter change (op-force-restart parameters unchanged)
// reloads a started resource, but restarts one whose start is still in
// flight: a reload cannot change what that start was given.
func TestParameterChangeDuringPendingStartRestartsInsteadOfReload(t *testing.T) {
	rsc := `<primitive id="r" class="ocf" provider="pacemaker" type="Dummy"><instance_attributes id="r-ia">` +
		`<nvpair id="r-a" name="a" value="new"/><nvpair id="r-k" name="keep" value="1"/></instance_attributes></primitive>`
	old := map[string]string{"a": "old", "keep": "1"}
	history := func(status, callID string) string {
		return fmt.Sprintf(`<lrm_resource id="r" class="ocf" provider="pacemaker" type="Dummy"><lrm_rsc_op id="r_last_0" operation_key="r_start_0" operation="start" transition-key="1:1:0:x" call-id="%s" rc-code="0" op-status="%s" interval="0" op-digest="%s" op-force-restart=" keep " op-restart-digest="%s"/></lrm_resource>`,
			callID, status, opdigest.Digest(old), opdigest.Subset(old, " keep ", true))
	}
	started := run(t, testCIB(noFencing, nodesXML("n1"), rsc, "", online(1, "n1", history("0", "3"))))
	wantSummary(t, started, "* Reload r ( n1 )")
	pending := run(t, testCIB(noFencing, nodesXML("n1"), rsc, "", online(1, "n1", history("-1", "-1"))))
	wantSummary(t, pending, "* Restart r ( n1 )")
}

// value-source="param" compares a node attribute with the resource's
// parameter as that node would run it: instance attribute sets with rules
// on #uname give each node its own value.
func TestParamValueSourceUsesTheNodesOwnParameterValue(t *testing.T) {
	nodes := `<node id="1" uname="n1"><instance_attributes id="n1-a"><nvpair id="n1-f" name="fake" value="100"/></instance_attributes></node>` +
		`<node id="2" uname="n2"><instance_attributes id="n2-a"><nvpair id="n2-f" name="fake" value="400"/></instance_attributes></node>`
	set := func(id, node, value string, sc int) string {
		r := ""
		if node != "" {
			r = fmt.Sprintf(`<rule id="%s-r" score="INFINITY"><expression id="%s-e" attribute="#uname" operation="eq" value="%s"/></rule>`, id, id, node)
		}
		return fmt.Sprintf(`<instance_attributes id="%s" score="%d">%s<nvpair id="%s-f" name="fake" value="%s"/></instance_attributes>`, id, sc, r, id, value)
	}
	rsc := `<primitive id="r" class="ocf" provider="pacemaker" type="Dummy">` +
		set("any", "", "100", 10) + set("on-n1", "n1", "200", 20) + set("on-n2", "n2", "400", 20) + `</primitive>`
	loc := `<rsc_location id="l" rsc="r"><rule id="l-r" score="INFINITY"><expression id="l-e" attribute="fake" operation="eq" value="fake" value-source="param"/></rule></rsc_location>`
	res := run(t, testCIB(noFencing, nodes, rsc, loc, online(1, "n1")+online(2, "n2")))
	// n1's own value is 200, not its attribute's 100; n2's is 400.
	wantSummary(t, res, "* Start r ( n2 )")
}

// A fencing device that provides unfencing (fence_scsi) makes resources
// require unfencing by default: each node is unfenced ("Fence (on)")
// before anything that needs it is probed or started there.
func TestUnfencingPrecedesProbesAndStartsOnThatNode(t *testing.T) {
	dev := `<primitive id="scsi" class="stonith" type="fence_scsi"><meta_attributes id="scsi-m"><nvpair id="scsi-p" name="provides" value="unfencing"/></meta_attributes></primitive>`
	res := run(t, testCIB(opt("stonith-enabled", "true"), nodesXML("n1", "n2"), dev+dummy("r"), "", online(1, "n1")+online(2, "n2")))
	sum := summary(res)
	for _, n := range []string{"n1", "n2"} {
		if !strings.Contains(sum, "* Fence (on) "+n+" 'required by scsi monitor'") {
			t.Fatalf("no unfencing of %s:\n%s", n, sum)
		}
	}
	byID := map[int]string{}
	for _, a := range res.Graph.Actions {
		byID[a.ID] = a.Key + "@" + a.Node
	}
	checked := 0
	for _, a := range res.Graph.Actions {
		if a.Resource == nil || a.Resource.ID != "r" || (a.Task != "start" && !(a.Task == "monitor" && a.Interval() == 0)) {
			continue
		}
		want := "stonith-" + a.Node + "-on@" + a.Node
		found := false
		for _, in := range a.Inputs {
			found = found || byID[in] == want
		}
		if !found {
			t.Errorf("%s on %s does not wait for %s (inputs %v)", a.Task, a.Node, want, a.Inputs)
		}
		checked++
	}
	if checked < 3 { // two probes and a start
		t.Fatalf("only %d probes/starts of r in the graph", checked)
	}
}

// A start whose expected result was "not running" (rc 7 as the
// transition-key's target) leaves the resource stopped there.
func TestStartExpectedNotRunningMeansStopped(t *testing.T) {
	hist := `<lrm_resource id="r" class="ocf" provider="pacemaker" type="Dummy"><lrm_rsc_op id="r_last_0" operation_key="r_start_0" operation="start" transition-key="3:1:7:x" call-id="5" rc-code="7" op-status="0" interval="0" op-digest="` + opdigest.Digest(nil) + `"/></lrm_resource>`
	res := run(t, testCIB(noFencing, nodesXML("n1"), dummy("r", "target-role", "Stopped"), "", online(1, "n1", hist)))
	wantSummary(t, res)
}

// What must stop because an order's first cannot start names that start
// as "unrunnable" when the first is not active, and as "required" when the
// first is active and stops itself (its restart where it runs is needed
// and cannot happen); a group's "running" is required when a member's is.
func TestStopAfterAnActiveFirstThatStopsNamesItsStartRequired(t *testing.T) {
	cons := `<rsc_order id="o1" first="X" then="Y"/><rsc_order id="o2" first="Y" then="Z"/>`
	res := run(t, testCIB(noFencing, nodesXML("n1"), dummy("X", "target-role", "Stopped")+dummy("Y")+dummy("Z"), cons,
		online(1, "n1", ran("Y", nil), ran("Z", nil))))
	wantSummary(t, res, "* Stop Y ( n1 ) due to unrunnable X start", "* Stop Z ( n1 ) due to required Y start")
	cons = `<rsc_order id="o1" first="W" then="G"/><rsc_order id="o2" first="G" then="Y"/>`
	res = run(t, testCIB(noFencing, nodesXML("n1"), dummy("W", "target-role", "Stopped")+`<group id="G">`+dummy("X")+`</group>`+dummy("Y"), cons,
		online(1, "n1", ran("X", nil), ran("Y", nil))))
	wantSummary(t, res, "* Stop X ( n1 ) due to unrunnable W start", "* Stop Y ( n1 ) due to required G running")
}

// An order's first that is active and stops for its own reason makes a
// group or clone after it stop for that reason too: its members (the
// first of an ordered group; the next one follows it) and instances name
// the first's start, as a primitive does.
func TestGroupAfterAStoppingFirstStopsForTheSameReason(t *testing.T) {
	cons := `<rsc_order id="o1" first="W" then="G"/>`
	res := run(t, testCIB(noFencing, nodesXML("n1"), dummy("W", "target-role", "Stopped")+`<group id="G">`+dummy("X")+dummy("Y")+`</group>`, cons,
		online(1, "n1", ran("W", nil), ran("X", nil), ran("Y", nil))))
	wantSummary(t, res, "* Stop W ( n1 ) due to node availability", "* Stop X ( n1 ) due to required W start", "* Stop Y ( n1 ) due to required X stop")
	cons = `<rsc_order id="o1" first="W" then="C"/>`
	res = run(t, testCIB(noFencing, nodesXML("n1", "n2"), dummy("W", "target-role", "Stopped")+clone("C", dummy("X")), cons,
		online(1, "n1", ran("W", nil), ran("X", nil))+online(2, "n2", ran("X", nil))))
	wantSummary(t, res, "* Stop W ( n1 ) due to node availability", "* Stop X:0 ( n1 ) due to required W start", "* Stop X:1 ( n2 ) due to required W start")
}

// In an ordered group a member starts before the members after it: an
// inactive member cannot start while a later one is active and cannot be
// stopped (unmanaged) to start again after it.
func TestGroupMemberBeforeAnUnmanagedActiveMemberCannotStart(t *testing.T) {
	grp := `<group id="g">` + dummy("a") + dummy("new") + dummy("b", "is-managed", "false") + `</group>`
	res := run(t, testCIB(noFencing, nodesXML("n1"), grp, "", online(1, "n1", ran("a", nil), ran("b", nil))))
	wantSummary(t, res, "* Start new ( n1 ) due to unrunnable b stop (blocked)")
}

// A colocation may reference a template (all primitives derived from it)
// on one side only; one between two templates is invalid and ignored.
func TestColocationBetweenTwoTemplatesIsIgnored(t *testing.T) {
	rscs := `<template id="t1" class="ocf" provider="pacemaker" type="Dummy"/><template id="t2" class="ocf" provider="pacemaker" type="Dummy"/>` +
		`<primitive id="a1" template="t1"/><primitive id="a2" template="t1"/><primitive id="b1" template="t2"/><primitive id="b2" template="t2"/>`
	cons := `<rsc_colocation id="c" rsc="t1" with-rsc="t2" score="INFINITY"/>`
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), rscs, cons, online(1, "n1")+online(2, "n2")))
	wantSummary(t, res, "* Start a1 ( n1 )", "* Start a2 ( n2 )", "* Start b1 ( n1 )", "* Start b2 ( n2 )")
	cons = `<rsc_colocation id="c" rsc="t1" with-rsc="b1" score="INFINITY"/>`
	res = run(t, testCIB(noFencing, nodesXML("n1", "n2"), rscs, cons, online(1, "n1")+online(2, "n2")))
	wantSummary(t, res, "* Start a1 ( n1 )", "* Start a2 ( n1 )", "* Start b1 ( n1 )", "* Start b2 ( n2 )")
}

// With utilization, a resource goes where it fits with the resources that
// must follow it (mandatory colocations); when no node takes them all, it
// goes, among the nodes it fits alone, to the one with the most room left.
func TestUtilizationPrimaryWithFollowersThatFitNowherePrefersMostRoom(t *testing.T) {
	node := func(id int, name string, cpu int) string {
		return fmt.Sprintf(`<node id="%d" uname="%s"><utilization id="%s-u"><nvpair id="%s-cpu" name="cpu" value="%d"/></utilization></node>`, id, name, name, name, cpu)
	}
	rsc := func(id string, cpu int) string {
		return fmt.Sprintf(`<primitive id="%s" class="ocf" provider="pacemaker" type="Dummy"><utilization id="%s-u"><nvpair id="%s-cpu" name="cpu" value="%d"/></utilization></primitive>`, id, id, id, cpu)
	}
	cons := `<rsc_colocation id="cb" rsc="b" with-rsc="a" score="INFINITY"/><rsc_colocation id="cc" rsc="c" with-rsc="a" score="INFINITY"/>`
	res := run(t, testCIB(noFencing+opt("placement-strategy", "utilization"), node(1, "n1", 2)+node(2, "n2", 3),
		rsc("a", 1)+rsc("b", 1)+rsc("c", 5), cons, online(1, "n1")+online(2, "n2")))
	wantSummary(t, res, "* Start a ( n2 )", "* Start b ( n2 )")
}

// A colocation without a score has a score of 0: it has no effect.
func TestColocationWithoutScoreHasNoEffect(t *testing.T) {
	cons := `<rsc_colocation id="c" rsc="b" with-rsc="a"/><rsc_location id="la" rsc="a" node="n1" score="10"/><rsc_location id="lb" rsc="b" node="n2" score="10"/>`
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), dummy("a")+dummy("b"), cons, online(1, "n1")+online(2, "n2")))
	wantSummary(t, res, "* Start a ( n1 )", "* Start b ( n2 )")
}

// With fencing enabled and no fencing device, nothing starts, unless
// the cluster has watchdog fencing (SBD: have-watchdog).
func TestWatchdogFencingNeedsNoFencingDevice(t *testing.T) {
	res := run(t, testCIB(opt("stonith-enabled", "true"), nodesXML("n1"), dummy("r"), "", online(1, "n1")))
	wantSummary(t, res)
	res = run(t, testCIB(opt("stonith-enabled", "true")+opt("have-watchdog", "true"), nodesXML("n1"), dummy("r"), "", online(1, "n1")))
	wantSummary(t, res, "* Start r ( n1 )")
}

// A history recorded for another agent (class, provider or type) than
// the one configured now: the resource is restarted with the new one.
func TestChangedAgentRestartsTheResource(t *testing.T) {
	old := strings.Replace(ran("r", nil), `type="Dummy"`, `type="Stateful"`, 1)
	res := run(t, testCIB(noFencing, nodesXML("n1"), dummy("r"), "", online(1, "n1", old)))
	wantSummary(t, res, "* Restart r ( n1 )")
}

// A fencing device that provides unfencing and whose agent changed on a
// node unfences that node again ("Device definition changed"); what
// requires unfencing there stops before and starts after.
func TestChangedUnfencingDeviceUnfencesItsNodeAgain(t *testing.T) {
	dev := `<primitive id="scsi" class="stonith" type="fence_scsi"><meta_attributes id="scsi-m"><nvpair id="scsi-p" name="provides" value="unfencing"/></meta_attributes></primitive>`
	devRan := strings.Replace(ran("scsi", nil), `class="ocf" provider="pacemaker" type="Dummy"`, `class="stonith" type="fence_virt"`, 1)
	n1 := fmt.Sprintf(`<node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member"><transient_attributes id="1"><instance_attributes id="1-ta"><nvpair id="1-u" name="#node-unfenced" value="1"/></instance_attributes></transient_attributes><lrm id="1"><lrm_resources>%s%s</lrm_resources></lrm></node_state>`,
		devRan, ran("r", nil))
	res := run(t, testCIB(opt("stonith-enabled", "true"), nodesXML("n1"), dev+dummy("r"), "", n1))
	wantSummary(t, res, "* Fence (on) n1 'Device definition changed'", "* Restart scsi ( n1 )", "* Restart r ( n1 ) due to required stonith")
}

// A restart for a changed definition names it, except for a resource
// that requires nothing to start (as crm_simulate prints it).
func TestDefinitionChangeRestartOfRequiresNothingNamesNoReason(t *testing.T) {
	old := map[string]string{"x": "old"}
	res := run(t, testCIB(noFencing, nodesXML("n1"), dummy("a", "requires", "nothing")+dummy("b"), "",
		online(1, "n1", ran("a", old), ran("b", old))))
	wantSummary(t, res, "* Restart a ( n1 )", "* Restart b ( n1 ) due to resource definition change")
}

// A node that left the cluster while still expected up is fenced, unless
// it was shutting down (its shutdown attribute set): then it is just down.
func TestNodeGoneWithoutShuttingDownIsFenced(t *testing.T) {
	dev := `<primitive id="f" class="stonith" type="fence_xvm"/>`
	fRan := strings.Replace(ran("f", nil), `class="ocf" provider="pacemaker" type="Dummy"`, `class="stonith" type="fence_xvm"`, 1)
	gone := func(attrs string) string {
		return `<node_state id="2" uname="n2" in_ccm="false" crmd="offline" join="down" expected="member"><transient_attributes id="2"><instance_attributes id="2-ta">` +
			attrs + `</instance_attributes></transient_attributes></node_state>`
	}
	res := run(t, testCIB(opt("stonith-enabled", "true"), nodesXML("n1", "n2"), dev, "", online(1, "n1", fRan)+gone("")))
	wantSummary(t, res, "* Fence (reboot) n2 'peer is no longer part of the cluster'")
	res = run(t, testCIB(opt("stonith-enabled", "true"), nodesXML("n1", "n2"), dev, "", online(1, "n1", fRan)+gone(`<nvpair id="2-s" name="shutdown" value="1"/>`)))
	wantSummary(t, res)
}
