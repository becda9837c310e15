package daemon

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"pacer/daemon/alerts"
	"pacer/daemon/cibedit"
	"pacer/stonith"
)

// alert tells the CIB's alert agents about ev. Every node alerts on what
// it sees: membership changes and fencing results (so each node's agents
// hear of them, as with Pacemaker), and its own resource operations; the
// DC on node attribute changes.
func (n *Node) alert(ev alerts.Event) {
	n.mu.Lock()
	as, problems := alerts.FromCIB(n.doc.Root, time.Now())
	report := strings.Join(problems, "; ")
	if report == n.alertProblems {
		report = ""
	} else {
		n.alertProblems = report
	}
	n.mu.Unlock()
	if report != "" {
		n.log.Warn("alerts configuration", "problems", report)
	}
	if len(as) > 0 {
		n.alerts.Send(as, ev)
	}
}

func (n *Node) alertNode(name string, member bool) {
	ev := alerts.Event{Kind: alerts.Node, Node: name, Desc: "lost"}
	if member {
		ev.Desc = "member"
	}
	for _, nd := range n.cfg.Nodes { // the configuration fills in default ids
		if nd.Name == name {
			ev.NodeID = strconv.Itoa(nd.ID)
		}
	}
	n.alert(ev)
}

// alertFencing is called for each completed fencing operation, with
// Pacemaker's summary in CRM_alert_desc.
func (n *Node) alertFencing(e stonith.Entry) {
	ev := alerts.Event{Kind: alerts.Fencing, Node: e.Target, Task: e.Action}
	result := "OK"
	if e.State != stonith.StateSuccess {
		ev.RC, result = 1, "Error"
		if e.Reason != "" {
			result += " (" + e.Reason + ")"
		}
	}
	ev.Desc = fmt.Sprintf("Operation %s of %s by %s for %s@%s: %s", e.Action, e.Target, e.Delegate, e.Client, e.Origin, result)
	n.alert(ev)
}

func (n *Node) alertResource(rec cibedit.OpRecord) {
	n.alert(alerts.Event{Kind: alerts.Resource, Node: n.name, Rsc: rec.Resource, Task: rec.Task,
		IntervalMS: rec.IntervalMS, RC: rec.RC, TargetRC: rec.TargetRC, Status: rec.OpStatus, ExecMS: rec.ExecMS,
		Desc: rcText(rec.RC, rec.OpStatus), Time: rec.LastRCChange})
}

// alertAttribute: the DC, which writes every node attribute, alerts once
// per change (a deleted attribute has an empty value).
func (n *Node) alertAttribute(node, name, value string) {
	n.alert(alerts.Event{Kind: alerts.Attribute, Node: node, AttrName: name, AttrValue: value})
}
