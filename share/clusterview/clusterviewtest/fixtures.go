// Package clusterviewtest builds snapshots for tests and benchmarks of the
// packages that render clusterview.Snapshot. They are hand-built models of
// real situations: Mixed is the same cluster as ../testdata/mixed.xml, so a
// test can hold the rendering against crm_mon's for that CIB.
package clusterviewtest

import (
	"fmt"
	"time"

	cv "pacer/share/clusterview"
)

// T0 is the fixed "now" of the fixtures (2026-11-23 10:00:00 UTC, the CIB's
// last write).
var T0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func prim(id, class, provider, typ string, role cv.Role, nodes ...string) cv.Resource {
	return cv.Resource{ID: id, Kind: cv.KindPrimitive, Class: class, Provider: provider, Type: typ, Role: role, Nodes: nodes}
}

// Mixed is a 4-node cluster with a group, a clone, a promotable clone, a
// failed monitor, a disabled and an unmanaged resource, a standby node and an
// offline node: testdata/mixed.xml as the scheduler would unpack it.
func Mixed() *cv.Snapshot {
	failedAt := time.Unix(1795942800, 0).UTC()
	started := time.Unix(1795939200, 0).UTC()
	ip := prim("ip", "ocf", "heartbeat", "IPaddr2", cv.RoleStarted, "node1")
	ip.Failed = true
	spare := prim("spare", "ocf", "heartbeat", "Dummy", cv.RoleStopped)
	spare.Disabled, spare.TargetRole = true, cv.RoleStopped
	legacy := prim("legacy", "lsb", "", "legacy-app", cv.RoleStarted, "node1")
	legacy.Unmanaged = true
	pingInst := func(n int, node string) cv.Resource {
		r := prim(fmt.Sprintf("ping:%d", n), "ocf", "pacemaker", "ping", cv.RoleStarted, node)
		if node == "" {
			r.Role, r.Nodes = cv.RoleStopped, nil
		}
		return r
	}
	dbInst := func(n int, role cv.Role, node string) cv.Resource {
		r := prim(fmt.Sprintf("db:%d", n), "ocf", "pacemaker", "Stateful", role, node)
		if node == "" {
			r.Nodes = nil
		}
		return r
	}
	return &cv.Snapshot{
		ClusterName: "demo", Stack: "corosync", DC: "node1", DCVersion: "2.1.5-a3f44794f94", HaveQuorum: true,
		Generated: T0.Add(5 * time.Minute), LastChange: T0,
		LastChangeUser: "root", LastChangeClient: "cibadmin", LastChangeNode: "node1",
		Epoch: "0.42.7", FencingEnabled: true,
		Transition: cv.Transition{ID: 12},
		Nodes: []cv.Node{
			{Name: "node1", ID: "1", State: cv.NodeOnline, Online: true, RunningResources: 6,
				Attributes: map[string]string{"pingd": "100"}},
			{Name: "node2", ID: "2", State: cv.NodeOnline, Online: true, RunningResources: 2},
			{Name: "node3", ID: "3", State: cv.NodeStandby, Online: true},
			{Name: "node4", ID: "4", State: cv.NodeOffline},
		},
		Resources: []cv.Resource{
			prim("fence", "stonith", "", "fence_dummy", cv.RoleStarted, "node1"),
			{ID: "web", Kind: cv.KindGroup, Children: []cv.Resource{ip, prim("www", "systemd", "", "nginx", cv.RoleStarted, "node1")}},
			{ID: "ping-clone", Kind: cv.KindClone, Template: "ping", Children: []cv.Resource{
				pingInst(0, "node1"), pingInst(1, "node2"), pingInst(2, ""), pingInst(3, "")}},
			{ID: "db-clone", Kind: cv.KindClone, Template: "db", Promotable: true, Children: []cv.Resource{
				dbInst(0, cv.RolePromoted, "node1"), dbInst(1, cv.RoleUnpromoted, "node2"),
				dbInst(2, cv.RoleStopped, ""), dbInst(3, cv.RoleStopped, "")}},
			spare,
			legacy,
		},
		FailedActions: []cv.FailedAction{{
			Resource: "ip", Op: "monitor", IntervalMS: 10000, Node: "node1", RC: 7, RCText: "not running",
			Status: "complete", ExitReason: "IP address 127.0.0.9 vanished", CallID: 7,
			LastRCChange: failedAt, ExecMS: 12,
		}},
		FailCounts: []cv.FailCount{{Resource: "ip", Node: "node1", Count: 1, LastFailure: failedAt}},
		Fencing: []cv.FencingEvent{{Target: "node4", Action: "reboot", Delegate: "node2", Origin: "node1",
			Client: "pacer-controller", Result: cv.FencingSuccess, Completed: T0.Add(-2 * time.Hour)}},
		Tickets: []cv.Ticket{{ID: "ticketA", Granted: true, LastGranted: started}},
		Events: []cv.Event{
			{Seq: 1, Time: T0.Add(-2 * time.Hour), Kind: cv.EventFencing, Node: "node4", Result: "success", OK: true,
				Message: "node4 fenced (reboot) by node2"},
			{Seq: 2, Time: T0.Add(-time.Minute), Kind: cv.EventActionFinished, Node: "node1", Resource: "www", Op: "start",
				Result: "ok", OK: true, DurationMS: 2000, Message: "www start on node1: ok (2s)"},
			{Seq: 3, Time: T0.Add(-30 * time.Second), Kind: cv.EventActionFinished, Node: "node1", Resource: "ip", Op: "monitor",
				IntervalMS: 10000, Result: "not running", RC: 7, DurationMS: 12,
				Message: "ip monitor (10s) on node1: not running (12ms)"},
		},
	}
}

// Large is a cluster of nodes nodes and about rscs primitive instances:
// groups of 3, anonymous clones over all nodes and plain primitives, with
// some failures, spread round-robin. For redraw benchmarks.
func Large(nodes, rscs int) *cv.Snapshot {
	s := &cv.Snapshot{ClusterName: "large", Stack: "pacer", DC: "node01", HaveQuorum: true,
		Generated: T0, LastChange: T0}
	for i := 1; i <= nodes; i++ {
		n := cv.Node{Name: fmt.Sprintf("node%02d", i), ID: fmt.Sprint(i), State: cv.NodeOnline, Online: true,
			Attributes: map[string]string{"pingd": "100", "site": fmt.Sprintf("dc%d", i%2)}}
		switch i % 16 {
		case 7:
			n.State, n.Online = cv.NodeOffline, false
		case 9:
			n.State = cv.NodeStandby
		}
		s.Nodes = append(s.Nodes, n)
	}
	node := func(i int) string { return s.Nodes[i%nodes].Name }
	count := 0
	for k := 0; count < rscs; k++ {
		switch k % 5 {
		case 0:
			g := cv.Resource{ID: fmt.Sprintf("grp%03d", k), Kind: cv.KindGroup}
			for m := 0; m < 3; m++ {
				g.Children = append(g.Children, prim(fmt.Sprintf("grp%03d-m%d", k, m), "ocf", "heartbeat", "Dummy", cv.RoleStarted, node(k)))
			}
			s.Resources = append(s.Resources, g)
			count += 3
		case 1:
			c := cv.Resource{ID: fmt.Sprintf("cl%03d-clone", k), Kind: cv.KindClone, Template: fmt.Sprintf("cl%03d", k), Promotable: k%2 == 0}
			for m := 0; m < nodes; m++ {
				role := cv.RoleStarted
				if c.Promotable {
					role = cv.RoleUnpromoted
					if m == 0 {
						role = cv.RolePromoted
					}
				}
				c.Children = append(c.Children, prim(fmt.Sprintf("cl%03d:%d", k, m), "ocf", "pacemaker", "Stateful", role, node(m)))
			}
			s.Resources = append(s.Resources, c)
			count += nodes
		default:
			r := prim(fmt.Sprintf("rsc%04d", k), "ocf", "heartbeat", "Dummy", cv.RoleStarted, node(k))
			if k%37 == 0 {
				r.Failed = true
				s.FailedActions = append(s.FailedActions, cv.FailedAction{Resource: r.ID, Op: "monitor", IntervalMS: 10000,
					Node: node(k), RC: 7, RCText: "not running", Status: "complete", LastRCChange: T0, ExecMS: 10})
			}
			s.Resources = append(s.Resources, r)
			count++
		}
	}
	return s
}
