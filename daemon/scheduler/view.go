package scheduler

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"pacer/share/clusterview"
	"pacer/share/xmltree"
)

// View unpacks the CIB's status into the snapshot `pacer status` and
// `pacer mon` render. It does not schedule; now decides rules and expiry.
func View(doc *xmltree.Document, now time.Time) (*clusterview.Snapshot, error) {
	if doc == nil || doc.Root == nil || doc.Root.Name != "cib" {
		return nil, fmt.Errorf("scheduler view: not a CIB")
	}
	c, err := unpack(doc, now)
	if err != nil {
		return nil, err
	}
	s := &clusterview.Snapshot{
		Stack:            "corosync",
		HaveQuorum:       c.opts.HaveQuorum,
		Generated:        now,
		MaintenanceMode:  c.opts.MaintenanceMode,
		StopAllResources: c.opts.StopAll,
		FencingEnabled:   c.opts.FencingEnabled,
		NoQuorumPolicy:   c.opts.NoQuorumPolicy,
		ClusterName:      c.opts.Raw["cluster-name"],
		DCVersion:        c.opts.Raw["dc-version"],
	}
	if c.dc != nil {
		s.DC = c.dc.Name
	}
	root := doc.Root
	s.Epoch = root.Attr("admin_epoch") + "." + root.Attr("epoch") + "." + root.Attr("num_updates")
	if t, err := time.Parse("Mon Jan _2 15:04:05 2006", root.Attr("cib-last-written")); err == nil {
		s.LastChange = t
	}
	s.LastChangeUser = root.Attr("update-user")
	s.LastChangeClient = root.Attr("update-client")
	s.LastChangeNode = root.Attr("update-origin")
	running := map[*Node]int{}
	for _, r := range c.allList {
		if r.Kind == Primitive {
			for _, n := range r.Running {
				running[n]++
			}
		}
	}
	for _, n := range c.nodes {
		vn := clusterview.Node{Name: n.Name, ID: n.ID, Online: n.Online, Attributes: map[string]string{}, RunningResources: running[n]}
		switch {
		case n.Unclean:
			vn.State = clusterview.NodeUnclean
		case n.Pending:
			vn.State = clusterview.NodePending
		case !n.Online:
			vn.State = clusterview.NodeOffline
		case n.Maintenance:
			vn.State = clusterview.NodeMaintenance
		case n.StandbyFail:
			vn.State = clusterview.NodeStandbyOnFail
		case n.Standby:
			vn.State = clusterview.NodeStandby
		case n.Shutdown:
			vn.State = clusterview.NodeShuttingDown
		default:
			vn.State = clusterview.NodeOnline
		}
		for k, v := range n.Attrs {
			if strings.HasPrefix(k, "#") || strings.HasPrefix(k, "fail-count-") || strings.HasPrefix(k, "last-failure-") {
				continue
			}
			vn.Attributes[k] = v
		}
		if len(n.Util) > 0 {
			vn.Utilization = map[string]string{}
			for k, v := range n.Util {
				vn.Utilization[k] = strconv.Itoa(v)
			}
		}
		s.Nodes = append(s.Nodes, vn)
	}
	for _, r := range c.resources {
		if r.Orphan && len(r.Running) == 0 {
			continue
		}
		s.Resources = append(s.Resources, c.viewRsc(r))
	}
	for _, r := range c.allList {
		if r.Kind != Primitive {
			continue
		}
		for _, n := range c.nodes {
			h := r.history[n]
			if h != nil {
				for _, f := range h.failures {
					s.FailedActions = append(s.FailedActions, failedAction(r, n, f))
				}
			}
			if fc, last := c.failCount(r, n); fc > 0 {
				s.FailCounts = append(s.FailCounts, clusterview.FailCount{Resource: r.ID, Node: n.Name, Count: fc,
					MigrationThreshold: r.MigrationThreshold, LastFailure: last})
			}
		}
	}
	var tickets []string
	for id := range c.ticketState {
		tickets = append(tickets, id)
	}
	sort.Strings(tickets)
	for _, id := range tickets {
		t := c.ticketState[id]
		s.Tickets = append(s.Tickets, clusterview.Ticket{ID: id, Granted: t.Granted, Standby: t.Standby})
	}
	if c.opts.FencingEnabled && !c.hasFencingDevice() {
		s.Warnings = append(s.Warnings, "No fencing devices are configured and fencing-enabled is not false")
	}
	return s, nil
}

func (c *cluster) hasFencingDevice() bool {
	for _, r := range c.allList {
		if r.Class == "stonith" && !r.Orphan {
			return true
		}
	}
	return false
}

func (c *cluster) viewRsc(r *Resource) clusterview.Resource {
	v := clusterview.Resource{ID: r.ID, Description: r.Meta["description"], Unmanaged: !r.Managed, Blocked: r.Blocked,
		Orphaned: r.Orphan, Disabled: c.disabledByRole(r), FailureIgnored: r.failIgnored, Promotable: r.Promotable}
	if r.TargetRole != "" {
		v.TargetRole = clusterview.Role(r.TargetRole)
	}
	switch r.Kind {
	case Primitive:
		v.Kind = clusterview.KindPrimitive
		v.Class, v.Provider, v.Type = r.Class, r.Provider, r.Type
		v.Role = clusterview.Role(r.Role)
		if v.Role == "" {
			v.Role = clusterview.RoleStopped
		}
		for _, n := range r.Running {
			v.Nodes = append(v.Nodes, n.Name)
		}
		v.Failed = r.Failed
		v.PendingOp = r.Pending
	case Group:
		v.Kind = clusterview.KindGroup
	case Clone:
		v.Kind = clusterview.KindClone
		v.Unique = isTrue(r.Meta["globally-unique"])
		if len(r.Elem.Children) > 0 {
			for _, ce := range r.Elem.Children {
				if ce.Name == "primitive" || ce.Name == "group" {
					v.Template = ce.ID()
				}
			}
		}
	}
	for _, ch := range r.Children {
		if r.Kind == Clone && ch.Kind == Primitive && !strings.Contains(ch.ID, ":") {
			continue // the template itself, not an instance
		}
		v.Children = append(v.Children, c.viewRsc(ch))
	}
	return v
}

func (c *cluster) disabledByRole(r *Resource) bool {
	for _, x := range r.chain() {
		if x.TargetRole == "Stopped" {
			return true
		}
	}
	return false
}

var rcText = map[int]string{0: "ok", 1: "error", 2: "invalid parameter", 3: "unimplemented feature", 4: "insufficient privileges",
	5: "not installed", 6: "not configured", 7: "not running", 8: "promoted", 9: "promoted (failed)", 190: "degraded", 191: "degraded promoted"}

var opStatusText = map[int]string{0: "complete", 1: "Cancelled", 2: "Timed Out", 3: "NOT SUPPORTED", 4: "Error", 5: "Error", 6: "Error",
	7: "Not installed", 8: "No connection", 9: "Invalid"}

func failedAction(r *Resource, n *Node, h *histOp) clusterview.FailedAction {
	return clusterview.FailedAction{Resource: r.ID, Op: h.task, IntervalMS: int64(h.interval / time.Millisecond), Node: n.Name,
		RC: h.rc, RCText: rcText[h.rc], Status: opStatusText[h.status], ExitReason: h.e.Attr("exit-reason"), CallID: h.callID,
		LastRCChange: h.lastRC, ExecMS: int64(atoiDef(h.e.Attr("exec-time"), 0)), QueueMS: int64(atoiDef(h.e.Attr("queue-time"), 0))}
}
