package scheduler

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"pacer/share/graph"
	"pacer/share/opdigest"
)

// clone wraps resources in a clone with the given meta attributes.
func clone(id, inner string, meta ...string) string {
	m := ""
	for i := 0; i+1 < len(meta); i += 2 {
		m += fmt.Sprintf(`<nvpair id="%s-%s" name="%s" value="%s"/>`, id, meta[i], meta[i], meta[i+1])
	}
	return `<clone id="` + id + `"><meta_attributes id="` + id + `-meta">` + m + `</meta_attributes>` + inner + `</clone>`
}

// onlineWithAttrs is an online node with transient attributes (promotion
// scores) and history.
func onlineWithAttrs(id int, name string, attrs map[string]string, history ...string) string {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var nv strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&nv, `<nvpair id="%d-%s" name="%s" value="%s"/>`, id, k, k, attrs[k])
	}
	return fmt.Sprintf(`<node_state id="%d" uname="%s" in_ccm="true" crmd="online" join="member" expected="member">`+
		`<transient_attributes id="%d"><instance_attributes id="%d-ta">%s</instance_attributes></transient_attributes>`+
		`<lrm id="%d"><lrm_resources>%s</lrm_resources></lrm></node_state>`, id, name, id, id, nv.String(), id, strings.Join(history, ""))
}

// promotedHistory records a start then a promote of rsc.
func promotedHistory(rsc string) string {
	callID += 2
	return fmt.Sprintf(`<lrm_resource id="%s" class="ocf" provider="pacemaker" type="Dummy">`+
		`<lrm_rsc_op id="%s_last_0" operation_key="%s_promote_0" operation="promote" transition-key="1:1:0:x" call-id="%d" rc-code="0" op-status="0" interval="0" op-digest="%s"/>`+
		`<lrm_rsc_op id="%s_start_0" operation_key="%s_start_0" operation="start" transition-key="1:1:0:x" call-id="%d" rc-code="0" op-status="0" interval="0" op-digest="%s"/>`+
		`</lrm_resource>`, rsc, rsc, rsc, callID, opdigest.Digest(nil), rsc, rsc, callID-1, opdigest.Digest(nil))
}

func TestCloneInstancesSpreadOnePerNode(t *testing.T) {
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2", "n3"), clone("c", dummy("d")), "",
		online(1, "n1")+online(2, "n2")+online(3, "n3")))
	wantSummary(t, res, "* Start d:0 ( n1 )", "* Start d:1 ( n2 )", "* Start d:2 ( n3 )")
}

func TestCloneNodeMaxLetsUniqueInstancesShareNodes(t *testing.T) {
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"),
		clone("c", dummy("d"), "clone-max", "4", "clone-node-max", "2", "globally-unique", "true"), "",
		online(1, "n1")+online(2, "n2")))
	wantSummary(t, res, "* Start d:0 ( n1 )", "* Start d:1 ( n2 )", "* Start d:2 ( n1 )", "* Start d:3 ( n2 )")
	// An anonymous clone never runs two instances on one node (with
	// clone-node-max above 1 a clone is unique unless it says otherwise).
	res = run(t, testCIB(noFencing, nodesXML("n1", "n2"), clone("c", dummy("d"), "clone-max", "4", "clone-node-max", "2", "globally-unique", "false"), "",
		online(1, "n1")+online(2, "n2")))
	wantSummary(t, res, "* Start d:0 ( n1 )", "* Start d:1 ( n2 )")
	res = run(t, testCIB(noFencing, nodesXML("n1", "n2"), clone("c", dummy("d"), "clone-max", "4", "clone-node-max", "2"), "",
		online(1, "n1")+online(2, "n2")))
	wantSummary(t, res, "* Start d:0 ( n1 )", "* Start d:1 ( n2 )", "* Start d:2 ( n1 )", "* Start d:3 ( n2 )")
}

func TestAnonymousHistoryMapsToInstancesInStatusOrder(t *testing.T) {
	// The history says "d" on n3 and n2 (in that order): instance 0 is the
	// one on n3, 1 on n2; the new one, 2, starts on n1.
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2", "n3"), clone("c", dummy("d")), "",
		online(3, "n3", ran("d", nil))+online(2, "n2", ran("d", nil))+online(1, "n1")))
	wantSummary(t, res, "* Start d:2 ( n1 )")
}

func TestCloneInstanceStaysOnItsNode(t *testing.T) {
	// One instance allowed, running on n2: n1 would win a tie for a new
	// resource, but the instance keeps its node.
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), clone("c", dummy("d"), "clone-max", "1"), "",
		online(1, "n1")+online(2, "n2", ran("d", nil))))
	wantSummary(t, res)
}

func TestCloneInstanceStopsOnStandbyNode(t *testing.T) {
	nodes := `<node id="1" uname="n1"/><node id="2" uname="n2"><instance_attributes id="n2-ia"><nvpair id="n2-sb" name="standby" value="on"/></instance_attributes></node>`
	res := run(t, testCIB(noFencing, nodes, clone("c", dummy("d")), "",
		online(1, "n1", ran("d", nil))+online(2, "n2", ran("d", nil))))
	wantSummary(t, res, "* Stop d:1 ( n2 ) due to node availability")
}

func TestPrimitiveColocatedWithCloneGoesWhereAnInstanceRuns(t *testing.T) {
	cons := `<rsc_location id="l" rsc="c" node="n1" score="-INFINITY"/>` +
		`<rsc_location id="l2" rsc="c" node="n2" score="-INFINITY"/>` +
		`<rsc_colocation id="with" rsc="p" with-rsc="c" score="INFINITY"/>`
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2", "n3"), clone("c", dummy("d"))+dummy("p"), cons,
		online(1, "n1")+online(2, "n2")+online(3, "n3")))
	wantSummary(t, res, "* Start d:0 ( n3 )", "* Start p ( n3 )")
}

func TestCloneOrderedAfterPrimitiveWaitsForIt(t *testing.T) {
	cons := `<rsc_order id="o" first="p" then="c"/>`
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), dummy("p")+clone("c", dummy("d")), cons,
		online(1, "n1")+online(2, "n2")))
	// p is placed first, so instance 0 takes the emptier node
	wantSummary(t, res, "* Start p ( n1 )", "* Start d:0 ( n2 )", "* Start d:1 ( n1 )")
	p, cs := actionByKey(t, res, "p_start_0"), actionByKey(t, res, "c_start_0")
	if !dependsOn(res, cs.ID, p.ID) {
		t.Errorf("c_start_0 does not wait for p_start_0")
	}
	for _, key := range []string{"d:0_start_0", "d:1_start_0"} {
		if a := actionByKey(t, res, key); !dependsOn(res, a.ID, cs.ID) {
			t.Errorf("%s does not wait for c_start_0", key)
		}
	}
	if r := actionByKey(t, res, "c_running_0"); !dependsOn(res, r.ID, actionByKey(t, res, "d:1_start_0").ID) {
		t.Errorf("c_running_0 does not wait for the instances")
	}
}

func TestInterleavedCloneWaitsOnlyForTheInstanceOnItsNode(t *testing.T) {
	cons := `<rsc_order id="o" first="a" then="b"/>`
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), clone("a", dummy("x"))+clone("b", dummy("y"), "interleave", "true"), cons,
		online(1, "n1")+online(2, "n2")))
	y0, x0, x1 := actionByKey(t, res, "y:0_start_0"), actionByKey(t, res, "x:0_start_0"), actionByKey(t, res, "x:1_start_0")
	if y0.Node != x0.Node || !dependsOn(res, y0.ID, x0.ID) {
		t.Errorf("y:0 on %s does not wait for x:0 on %s", y0.Node, x0.Node)
	}
	if dependsOn(res, y0.ID, x1.ID) {
		t.Errorf("interleaved y:0 on %s waits for x:1 on %s", y0.Node, x1.Node)
	}
}

func TestAnonymousInstanceActsUnderItsPrimitivesID(t *testing.T) {
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), clone("c", dummy("d")), "", online(1, "n1")+online(2, "n2")))
	a := actionByKey(t, res, "d:1_start_0")
	if a.Resource.ID != "d" || a.Resource.LongID != "d:1" {
		t.Errorf("d:1's start names resource %q (long id %q), want d (d:1): the executor records the primitive", a.Resource.ID, a.Resource.LongID)
	}
	if a.Attrs["CRM_meta_clone"] != "1" || a.Attrs["CRM_meta_clone_max"] != "2" || a.Attrs["CRM_meta_globally_unique"] != "false" {
		t.Errorf("clone meta of d:1's start: %v", a.Attrs)
	}
	res = run(t, testCIB(noFencing, nodesXML("n1", "n2"), clone("c", dummy("d"), "globally-unique", "true"), "", online(1, "n1")+online(2, "n2")))
	if a := actionByKey(t, res, "d:1_start_0"); a.Resource.ID != "d:1" {
		t.Errorf("a unique instance's start names resource %q, want d:1", a.Resource.ID)
	}
}

func TestPromotableHighestMasterScorePromoted(t *testing.T) {
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2", "n3"), clone("ms", dummy("s"), "promotable", "true"), "",
		onlineWithAttrs(1, "n1", map[string]string{"master-s": "5"})+
			onlineWithAttrs(2, "n2", map[string]string{"master-s": "10"})+
			onlineWithAttrs(3, "n3", nil)))
	// Every instance has the same promotion scores (nothing has run
	// yet), so the first one placed, s:0, takes the node that scores
	// highest and is promoted there (Pacemaker 3.0 decides so).
	wantSummary(t, res, "* Promote s:0 ( Stopped -> Promoted n2 )", "* Start s:1 ( n1 )", "* Start s:2 ( n3 )")
	p, st := actionByKey(t, res, "s:0_promote_0"), actionByKey(t, res, "s:0_start_0")
	if p.Node != "n2" || !dependsOn(res, p.ID, st.ID) {
		t.Errorf("promote of s:0 on %s does not follow its start", p.Node)
	}
}

func TestPromotableWithoutScoresPromotesNothing(t *testing.T) {
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), clone("ms", dummy("s"), "promotable", "true"), "",
		online(1, "n1")+online(2, "n2")))
	wantSummary(t, res, "* Start s:0 ( n1 )", "* Start s:1 ( n2 )")
}

func TestPromotedMaxTwoPromotesTwo(t *testing.T) {
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2", "n3"), clone("ms", dummy("s"), "promotable", "true", "promoted-max", "2"), "",
		onlineWithAttrs(1, "n1", map[string]string{"master-s": "5"})+
			onlineWithAttrs(2, "n2", map[string]string{"master-s": "10"})+
			onlineWithAttrs(3, "n3", map[string]string{"master-s": "1"})))
	wantSummary(t, res, "* Promote s:0 ( Stopped -> Promoted n2 )", "* Promote s:1 ( Stopped -> Promoted n1 )", "* Start s:2 ( n3 )")
}

func TestPromotedInstanceDemotedWhenAnotherScoresHigher(t *testing.T) {
	unp := func(rsc string) string { return ran(rsc, nil) }
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), clone("ms", dummy("s"), "promotable", "true"), "",
		onlineWithAttrs(1, "n1", map[string]string{"master-s": "5"}, promotedHistory("s"))+
			onlineWithAttrs(2, "n2", map[string]string{"master-s": "100"}, unp("s"))))
	wantSummary(t, res, "* Demote s:0 ( Promoted -> Unpromoted n1 )", "* Promote s:1 ( Unpromoted -> Promoted n2 )")
	d, p := actionByKey(t, res, "s:0_demote_0"), actionByKey(t, res, "s:1_promote_0")
	if !dependsOn(res, p.ID, d.ID) {
		t.Errorf("promote on n2 does not wait for the demote on n1")
	}
}

func TestPromotedRoleLocationPicksTheNode(t *testing.T) {
	cons := `<rsc_location id="l" rsc="ms" role="Promoted" node="n1" score="50"/>`
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), clone("ms", dummy("s"), "promotable", "true"), cons,
		onlineWithAttrs(1, "n1", map[string]string{"master-s": "1"})+
			onlineWithAttrs(2, "n2", map[string]string{"master-s": "10"})))
	// s:0 is placed first, where the promotion score is highest (n2);
	// the Promoted-role location then promotes the instance on n1.
	wantSummary(t, res, "* Start s:0 ( n2 )", "* Promote s:1 ( Stopped -> Promoted n1 )")
}

func TestColocationWithPromotedRoleFollowsThePromotedInstance(t *testing.T) {
	cons := `<rsc_colocation id="c" rsc="ip" with-rsc="ms" with-rsc-role="Promoted" score="INFINITY"/>`
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), clone("ms", dummy("s"), "promotable", "true")+dummy("ip"), cons,
		onlineWithAttrs(1, "n1", map[string]string{"master-s": "1"})+
			onlineWithAttrs(2, "n2", map[string]string{"master-s": "10"})))
	wantSummary(t, res, "* Promote s:0 ( Stopped -> Promoted n2 )", "* Start s:1 ( n1 )", "* Start ip ( n2 )")
}

func actionByKey(t *testing.T, res *Result, key string) *graph.Action {
	t.Helper()
	for _, a := range res.Graph.Actions {
		if a.Key == key {
			return a
		}
	}
	var keys []string
	for _, a := range res.Graph.Actions {
		keys = append(keys, a.Key)
	}
	t.Fatalf("no action %s in the graph: %v", key, keys)
	return nil
}

func TestNewCloneInstanceDoesNotShuffleRunningOnes(t *testing.T) {
	// n1 is preferred, but the instances on n2 and n3 stay: the third one
	// starts on n1.
	cons := `<rsc_location id="l" rsc="c" node="n1" score="100"/>`
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2", "n3"), clone("c", dummy("d")), cons,
		online(1, "n1")+online(2, "n2", ran("d", nil))+online(3, "n3", ran("d", nil))))
	wantSummary(t, res, "* Start d:2 ( n1 )")
}

func TestDuplicateAnonymousHistoryIsAnOrphanBeyondCloneMax(t *testing.T) {
	// "d:0" and "d:1" both on n1 (the clone was unique once): the second
	// is an orphan numbered after the clone-max instances, and stops.
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), clone("c", dummy("d")), "",
		online(1, "n1", ran("d:0", nil), ran("d:1", nil))+online(2, "n2", ran("d", nil))))
	wantSummary(t, res, "* Stop d:2 ( n1 ) due to node availability")
}

func TestNotifyingCloneTellsActiveInstancesAroundAStart(t *testing.T) {
	// d:0 runs on n1; d:1 starts on n2. Before the start only d:0 is told,
	// afterwards both are, with what started where.
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), clone("c", dummy("d"), "notify", "true"), "",
		online(1, "n1", ran("d", nil))+online(2, "n2")))
	wantSummary(t, res, "* Start d:1 ( n2 )")
	pre := actionByKey(t, res, "d:0_pre_notify_start_0")
	if pre.Task != "notify" || pre.Node != "n1" || pre.Attrs["CRM_meta_notify_type"] != "pre" ||
		pre.Attrs["CRM_meta_notify_start_resource"] != "d:1" || pre.Attrs["CRM_meta_notify_start_uname"] != "n2" {
		t.Errorf("pre-start notification of d:0: %s on %s %v", pre.Task, pre.Node, pre.Attrs)
	}
	for _, a := range res.Graph.Actions {
		if a.Key == "d:1_pre_notify_start_0" {
			t.Errorf("d:1 is told before it starts")
		}
	}
	post := actionByKey(t, res, "d:1_post_notify_start_0")
	start, confirmed := actionByKey(t, res, "d:1_start_0"), actionByKey(t, res, "c_confirmed-pre_notify_start_0")
	if !dependsOn(res, start.ID, confirmed.ID) || !dependsOn(res, post.ID, start.ID) {
		t.Errorf("the start is not between the pre and post notifications")
	}
	if post.Attrs["CRM_meta_notify_key_operation"] != "running" || post.Attrs["CRM_meta_notify_active_resource"] != "d:0" {
		t.Errorf("post-start notification of d:1: %v", post.Attrs)
	}
	// Without notify=true: no notifications.
	res = run(t, testCIB(noFencing, nodesXML("n1", "n2"), clone("c", dummy("d")), "", online(1, "n1", ran("d", nil))+online(2, "n2")))
	for _, a := range res.Graph.Actions {
		if a.Task == "notify" || strings.Contains(a.Key, "notify") {
			t.Errorf("notification %s without notify=true", a.Key)
		}
	}
}

func TestLiveMigrationRunsMigrateToThenMigrateFrom(t *testing.T) {
	cons := `<rsc_location id="l" rsc="vm" node="n2" score="100"/>`
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), dummy("vm", "allow-migrate", "true"), cons,
		online(1, "n1", ran("vm", nil))+online(2, "n2")))
	wantSummary(t, res, "* Migrate vm ( n1 -> n2 )")
	to, from := actionByKey(t, res, "vm_migrate_to_0"), actionByKey(t, res, "vm_migrate_from_0")
	stop, start := actionByKey(t, res, "vm_stop_0"), actionByKey(t, res, "vm_start_0")
	if to.Node != "n1" || from.Node != "n2" || stop.Node != "n1" || start.Kind != graph.Pseudo {
		t.Errorf("migrate_to on %s, migrate_from on %s, stop on %s, start kind %v", to.Node, from.Node, stop.Node, start.Kind)
	}
	if !dependsOn(res, from.ID, to.ID) || !dependsOn(res, stop.ID, from.ID) || !dependsOn(res, start.ID, stop.ID) {
		t.Errorf("not migrate_to -> migrate_from -> stop -> start")
	}
	if to.Attrs["CRM_meta_migrate_source"] != "n1" || to.Attrs["CRM_meta_migrate_target"] != "n2" {
		t.Errorf("migrate_to meta: %v", to.Attrs)
	}
	// Without allow-migrate it is a stop and a start.
	res = run(t, testCIB(noFencing, nodesXML("n1", "n2"), dummy("vm"), cons, online(1, "n1", ran("vm", nil))+online(2, "n2")))
	wantSummary(t, res, "* Move vm ( n1 -> n2 )")
	if st := actionByKey(t, res, "vm_start_0"); st.Kind != graph.RscOp || st.Node != "n2" {
		t.Errorf("start of a plain move: %v on %s", st.Kind, st.Node)
	}
}

// A clone's (or group's) instance attributes are inherited by its child:
// they are part of the parameters the child's start digest covers, so a
// history recorded with them is no definition change.
func TestCloneInstanceAttributesAreInheritedByTheChild(t *testing.T) {
	rsc := `<clone id="c"><instance_attributes id="c-ia"><nvpair id="c-max" name="clone-max" value="1"/></instance_attributes>` +
		dummy("d") + `</clone>`
	res := run(t, testCIB(noFencing, nodesXML("n1"), rsc, "",
		online(1, "n1", ran("d", map[string]string{"clone-max": "1"}))))
	wantSummary(t, res)
	res = run(t, testCIB(noFencing, nodesXML("n1"), rsc, "", online(1, "n1", ran("d", nil))))
	wantSummary(t, res, "* Restart d:0 ( n1 ) due to resource definition change")
}

// A promoted instance on a lost node that cannot be fenced (no quorum)
// can be neither demoted nor stopped: it stays promoted and counts
// against promoted-max, so no other instance is promoted meanwhile.
func TestBlockedPromotedInstanceCountsAgainstPromotedMax(t *testing.T) {
	lost := func(id int, name, history string) string {
		return fmt.Sprintf(`<node_state id="%d" uname="%s" in_ccm="false" crmd="offline" join="down" expected="down"><lrm id="%d"><lrm_resources>%s</lrm_resources></lrm></node_state>`, id, name, id, history)
	}
	dev := `<primitive id="fence" class="stonith" type="fence_xvm"/>`
	cib := testCIB(opt("stonith-enabled", "true")+opt("no-quorum-policy", "freeze"), nodesXML("n1", "n2", "n3"), dev+clone("ms", dummy("s"), "promotable", "true"), "",
		onlineWithAttrs(1, "n1", map[string]string{"master-s": "10"}, ran("s", nil))+lost(2, "n2", promotedHistory("s"))+lost(3, "n3", ran("s", nil)))
	cib = strings.Replace(cib, `have-quorum="1"`, `have-quorum="0"`, 1)
	s := summary(run(t, cib))
	if strings.Contains(s, "* Promote") || !strings.Contains(s, "* Stop s:1 ( Promoted n2 ) due to node availability (blocked)") {
		t.Errorf("summary:\n%s", s)
	}
}

// A move that its own stop blocks names no reason: the stop is blocked.
func TestMoveBlockedByItsOwnStopNamesNoReason(t *testing.T) {
	rsc := `<group id="g"><primitive id="f" class="stonith" type="fence_xvm"/></group>`
	cib := testCIB(opt("stonith-enabled", "true")+opt("no-quorum-policy", "freeze"), nodesXML("n1", "n2"), rsc, "",
		online(1, "n1")+`<node_state id="2" uname="n2" in_ccm="false" crmd="offline" join="down" expected="down"><lrm id="2"><lrm_resources>`+
			strings.Replace(ran("f", nil), `class="ocf" provider="pacemaker" type="Dummy"`, `class="stonith" type="fence_xvm"`, 1)+`</lrm_resources></lrm></node_state>`)
	cib = strings.Replace(cib, `have-quorum="1"`, `have-quorum="0"`, 1)
	wantSummary(t, run(t, cib), "* Stop f ( n2 ) blocked")
}

// A mandatory colocation of the Promoted role with a primary makes the
// instance with the primary the one to promote (promotion score
// INFINITY there), even when nothing else scores it; when the primary
// cannot start, that promotion is blocked.
func TestPromotedRoleMandatoryColocationPromotesWithThePrimary(t *testing.T) {
	cons := `<rsc_colocation id="c" rsc="ms" rsc-role="Promoted" with-rsc="p" score="INFINITY"/><rsc_location id="l" rsc="p" node="n2" score="10"/>`
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), clone("ms", dummy("s"), "promotable", "true")+dummy("p"), cons, online(1, "n1")+online(2, "n2")))
	wantSummary(t, res, "* Start p ( n2 )", "* Start s:0 ( n1 )", "* Promote s:1 ( Stopped -> Promoted n2 )")
	cons += `<rsc_order id="o" first="q" then="p"/>`
	res = run(t, testCIB(noFencing, nodesXML("n1", "n2"), clone("ms", dummy("s"), "promotable", "true")+dummy("p")+dummy("q", "target-role", "Stopped"), cons, online(1, "n1")+online(2, "n2")))
	wantSummary(t, res, "* Start p ( n2 ) due to unrunnable q start (blocked)", "* Start s:0 ( n1 )", "* Promote s:1 ( Stopped -> Promoted n2 ) due to colocation with p (blocked)")
}

// An ordered clone starts (and stops) its instances one after the
// other, but one instance restarting restarts no other.
func TestOrderedCloneInstanceRestartRestartsNoOther(t *testing.T) {
	rsc := clone("c", `<primitive id="d" class="ocf" provider="pacemaker" type="Dummy"><instance_attributes id="d-ia"><nvpair id="d-a" name="a" value="new"/></instance_attributes></primitive>`, "ordered", "true")
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), rsc, "",
		online(1, "n1", ran("d", map[string]string{"a": "old"}))+online(2, "n2", ran("d", map[string]string{"a": "new"}))))
	wantSummary(t, res, "* Restart d:0 ( n1 ) due to resource definition change")
}

// Clone instances require unfencing like any resource when a device
// provides it: an instance starts on a node only once it is unfenced.
func TestCloneInstanceStartWaitsForUnfencing(t *testing.T) {
	dev := `<primitive id="scsi" class="stonith" type="fence_scsi"><meta_attributes id="scsi-m"><nvpair id="scsi-p" name="provides" value="unfencing"/></meta_attributes></primitive>`
	res := run(t, testCIB(opt("stonith-enabled", "true"), nodesXML("n1"), dev+clone("c", dummy("d")), "", online(1, "n1")))
	byID := map[int]string{}
	for _, a := range res.Graph.Actions {
		byID[a.ID] = a.Key + "@" + a.Node
	}
	checked := 0
	for _, a := range res.Graph.Actions {
		if a.Task != "start" || a.Resource == nil || a.Resource.ID != "d" {
			continue
		}
		checked++
		found := false
		for _, in := range a.Inputs {
			found = found || byID[in] == "stonith-n1-on@n1"
		}
		if !found {
			t.Errorf("start of d on n1 does not wait for its unfencing (inputs %v)", a.Inputs)
		}
	}
	if checked != 1 {
		t.Fatalf("%d starts of d", checked)
	}
}

// A probe still in flight does not make an anonymous instance active:
// it claims no instance number, so the instance active on the next node
// in the status is still the lowest one.
func TestPendingProbeClaimsNoAnonymousInstance(t *testing.T) {
	pending := `<lrm_resource id="d" class="ocf" provider="pacemaker" type="Dummy"><lrm_rsc_op id="d_last_0" operation_key="d_monitor_0" operation="monitor" transition-key="1:1:7:x" call-id="-1" rc-code="193" op-status="-1" interval="0"/></lrm_resource>`
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2", "n3"), clone("c", dummy("d")), "",
		online(1, "n1", pending)+online(2, "n2", ran("d", nil))+online(3, "n3")))
	wantSummary(t, res, "* Start d:1 ( n1 )", "* Start d:2 ( n3 )")
}
