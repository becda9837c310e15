package cibedit

import (
	"strings"
	"testing"
	"time"

	"pacer/share/xmltree"
)

func TestRecordOpKeepsLastAndFailure(t *testing.T) {
	d := Empty()
	EnsureNode(d, "1", "n1")
	base := OpRecord{Resource: "r", Class: "ocf", Provider: "heartbeat", Type: "Dummy", LastRun: time.Unix(100, 0), LastRCChange: time.Unix(100, 0)}
	start := base
	start.Task, start.CallID = "start", 1
	RecordOp(d, "n1", start)
	mon := base
	mon.Task, mon.IntervalMS, mon.CallID = "monitor", 10000, 2
	RecordOp(d, "n1", mon)
	mon.RC, mon.CallID = 7, 2 // the monitor fails
	RecordOp(d, "n1", mon)
	lr := LRMResource(d, "n1", "r", "ocf", "heartbeat", "Dummy")
	ids := map[string]*xmltree.Element{}
	for _, o := range lr.ChildrenNamed("lrm_rsc_op") {
		ids[o.ID()] = o
	}
	if ids["r_last_0"] == nil || ids["r_last_0"].Attr("operation") != "start" {
		t.Fatalf("last one-shot op: %v", lr)
	}
	if ids["r_monitor_10000"] == nil || ids["r_monitor_10000"].Attr("rc-code") != "7" {
		t.Fatalf("recurring entry: %v", lr)
	}
	if ids["r_last_failure_0"] == nil || ids["r_last_failure_0"].Attr("operation_key") != "r_monitor_10000" {
		t.Fatalf("failure entry: %v", lr)
	}
	// A stop ends recurring entries.
	stop := base
	stop.Task, stop.CallID = "stop", 3
	RecordOp(d, "n1", stop)
	for _, o := range lr.ChildrenNamed("lrm_rsc_op") {
		if o.Attr("interval") != "0" {
			t.Fatalf("recurring op survived the stop: %s", o)
		}
	}
}

func TestPendingIsNotAFailure(t *testing.T) {
	d := Empty()
	RecordOp(d, "n1", OpRecord{Resource: "r", Class: "ocf", Type: "Dummy", Task: "start", CallID: -1, OpStatus: -1, RC: 193})
	if strings.Contains(d.Root.String(), "last_failure") {
		t.Fatal("pending op recorded as failure")
	}
}

func TestNodeAttrsAndCleanup(t *testing.T) {
	d := Empty()
	EnsureNode(d, "1", "n1")
	cnt, last := FailAttrs("r", "monitor", 10000)
	SetNodeAttr(d, "n1", cnt, "2", false)
	SetNodeAttr(d, "n1", last, "100", false)
	SetNodeAttr(d, "n1", "fail-count-other#start_0", "1", false)
	if ch, err := SetNodeAttr(d, "n1", "standby", "on", true); !ch || err != nil {
		t.Fatal(err)
	}
	if _, err := SetNodeAttr(d, "ghost", "standby", "on", true); err == nil {
		t.Fatal("permanent attribute of an unknown node")
	}
	RecordOp(d, "n1", OpRecord{Resource: "r", Class: "ocf", Type: "Dummy", Task: "start"})
	attrs := NodeAttrs(d, "n1")
	if attrs[cnt] != "2" || attrs["standby"] != "on" {
		t.Fatalf("%v", attrs)
	}
	if !Cleanup(d, "r", "") {
		t.Fatal("cleanup changed nothing")
	}
	attrs = NodeAttrs(d, "n1")
	if _, ok := attrs[cnt]; ok {
		t.Fatal("fail count survived cleanup")
	}
	if attrs["fail-count-other#start_0"] != "1" || attrs["standby"] != "on" {
		t.Fatalf("cleanup of r touched other attributes: %v", attrs)
	}
	if strings.Contains(d.Root.String(), `lrm_resource id="r"`) {
		t.Fatal("history of r survived cleanup")
	}
}

func TestReplaceConfigurationRefusesInvalidAndKeepsOld(t *testing.T) {
	d := Empty()
	before := d.Root.String()
	bad, _ := xmltree.ParseElement(`<configuration><crm_config/><nodes/><resources>
<primitive id="x" class="ocf" provider="heartbeat" type="Dummy"/><primitive id="x" class="ocf" provider="heartbeat" type="Dummy"/>
</resources><constraints/></configuration>`)
	if err := ReplaceConfiguration(d, bad); err == nil {
		t.Fatal("duplicate ids accepted")
	}
	if d.Root.String() != before {
		t.Fatal("a refused change modified the CIB")
	}
}

func TestMembershipStates(t *testing.T) {
	d := Empty()
	SetMember(d, "n1", true)
	SetMember(d, "n1", false)
	ns := NodeState(d, "n1", false)
	if ns.Attr("in_ccm") != "false" || ns.Attr("expected") != "member" || ns.Attr("join") != "member" {
		t.Fatalf("a lost member must stay expected (unclean): %s", ns)
	}
	Fenced(d, "n1")
	if ns.Attr("expected") != "down" || ns.Attr("join") != "down" {
		t.Fatalf("fenced: %s", ns)
	}
}

func TestRecordOpKeepsWhereAMigrationGoes(t *testing.T) {
	doc := Empty()
	RecordOp(doc, "n2", OpRecord{Resource: "vm", Class: "ocf", Provider: "heartbeat", Type: "Dummy", Task: "migrate_to",
		TransitionKey: "1:1:0:x", MigrateSource: "n2", MigrateTarget: "n3"})
	op := doc.Root.FindID("vm_last_0")
	if op == nil || op.Attr("migrate_source") != "n2" || op.Attr("migrate_target") != "n3" {
		t.Fatalf("recorded %v", op)
	}
	RecordOp(doc, "n2", OpRecord{Resource: "vm", Class: "ocf", Provider: "heartbeat", Type: "Dummy", Task: "stop", TransitionKey: "2:1:0:x"})
	if op := doc.Root.FindID("vm_last_0"); op.Attr("migrate_source") != "" {
		t.Fatalf("a stop carries migrate_source: %v", op)
	}
}
