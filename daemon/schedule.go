package daemon

import (
	"pacer/share/options"
	"strconv"
	"strings"
	"time"

	"pacer/daemon/scheduler"
	"pacer/share/cib"
	"pacer/share/clusterview"
	"pacer/share/graph"
	"pacer/share/xmltree"
)

// defaultScheduler runs daemon/scheduler on the controller's copy.
func defaultScheduler(doc *xmltree.Document, now time.Time) (*graph.Graph, error) {
	res, err := scheduler.Run(doc, scheduler.Input{Now: now})
	if err != nil {
		return nil, err
	}
	return res.Graph, nil
}

// defaultView builds the status snapshot from the scheduler's reading of
// the CIB (what runs where, node states), plus failures and fail counts
// from the status section.
func defaultView(doc *xmltree.Document, now time.Time) (*clusterview.Snapshot, error) {
	res, err := scheduler.Run(doc, scheduler.Input{Now: now})
	if err != nil {
		return nil, err
	}
	st := res.Status
	s := &clusterview.Snapshot{Generated: now, Warnings: res.Warnings}
	if c, err := cib.Decode(doc); err == nil && c.Config != nil {
		if v, ok := c.Config.Property("cluster-name"); ok {
			s.ClusterName = v
		}
		if v, ok := c.Config.Property("no-quorum-policy"); ok {
			s.NoQuorumPolicy = v
		} else {
			s.NoQuorumPolicy = "stop"
		}
		v, ok := c.Config.Property("stonith-enabled", "fencing-enabled")
		s.FencingEnabled = !ok || options.IsTrue(v)
		if v, ok := c.Config.Property("maintenance-mode"); ok {
			s.MaintenanceMode = options.IsTrue(v)
		}
	}
	running := map[string]int{}
	var walk func(r scheduler.RscStatus) clusterview.Resource
	walk = func(r scheduler.RscStatus) clusterview.Resource {
		out := clusterview.Resource{ID: r.ID, Kind: clusterview.ResourceKind(r.Kind), Class: r.Class, Provider: r.Provider,
			Type: r.Type, Nodes: r.Nodes, Failed: r.Failed, Unmanaged: !r.Managed, Blocked: r.Blocked, Orphaned: r.Orphan,
			PendingOp: r.Pending, TargetRole: clusterview.Role(r.TargetRole), Promotable: r.Promotable,
			Unique: r.Unique, Template: r.Template}
		if r.Kind == "primitive" {
			out.Role = clusterview.Role(r.Role)
			if out.Role == "" {
				out.Role = clusterview.RoleStopped
			}
			for _, n := range r.Nodes {
				running[n]++
			}
		}
		out.Disabled = strings.EqualFold(r.TargetRole, "Stopped")
		for _, ch := range r.Children {
			out.Children = append(out.Children, walk(ch))
		}
		return out
	}
	for _, r := range st.Resources {
		s.Resources = append(s.Resources, walk(r))
	}
	for _, n := range st.Nodes {
		cn := clusterview.Node{Name: n.Name, ID: n.ID, Online: n.Online, Attributes: n.Attrs, RunningResources: running[n.Name]}
		switch {
		case n.Unclean:
			cn.State = clusterview.NodeUnclean
		case n.Pending:
			cn.State = clusterview.NodePending
		case !n.Online:
			cn.State = clusterview.NodeOffline
		case n.Maintenance:
			cn.State = clusterview.NodeMaintenance
		case n.StandbyOnFail:
			cn.State = clusterview.NodeStandbyOnFail
		case n.Standby:
			cn.State = clusterview.NodeStandby
		case n.Shutdown:
			cn.State = clusterview.NodeShuttingDown
		default:
			cn.State = clusterview.NodeOnline
		}
		s.Nodes = append(s.Nodes, cn)
		for k, v := range n.Attrs {
			if rest, ok := strings.CutPrefix(k, "fail-count-"); ok {
				rsc, _, _ := strings.Cut(rest, "#")
				cnt, _ := strconv.Atoi(v)
				if v == "INFINITY" {
					cnt = clusterview.FailCountInfinity
				}
				if cnt > 0 {
					s.FailCounts = append(s.FailCounts, clusterview.FailCount{Resource: rsc, Node: n.Name, Count: cnt})
				}
			}
		}
	}
	s.FailedActions = failedActions(doc)
	return s, nil
}

func failedActions(doc *xmltree.Document) []clusterview.FailedAction {
	var out []clusterview.FailedAction
	st := doc.Root.Child("status")
	if st == nil {
		return nil
	}
	st.Walk(func(e *xmltree.Element) bool {
		if e.Name != "lrm_rsc_op" || !strings.HasSuffix(e.ID(), "_last_failure_0") {
			return true
		}
		rc, _ := strconv.Atoi(e.Attr("rc-code"))
		status, _ := strconv.Atoi(e.Attr("op-status"))
		iv, _ := strconv.ParseInt(e.Attr("interval"), 10, 64)
		rsc := ""
		if e.Parent != nil {
			rsc = e.Parent.ID()
		}
		fa := clusterview.FailedAction{Resource: rsc, Op: e.Attr("operation"), IntervalMS: iv, Node: e.Attr("on_node"),
			RC: rc, RCText: rcText(rc, 0), ExitReason: e.Attr("exit-reason"), Status: statusText(status)}
		fa.CallID, _ = strconv.Atoi(e.Attr("call-id"))
		fa.ExecMS, _ = strconv.ParseInt(e.Attr("exec-time"), 10, 64)
		if t, err := strconv.ParseInt(e.Attr("last-rc-change"), 10, 64); err == nil {
			fa.LastRCChange = time.Unix(t, 0)
		}
		out = append(out, fa)
		return true
	})
	return out
}

func statusText(s int) string {
	switch s {
	case 0:
		return "complete"
	case 1:
		return "Cancelled"
	case 2:
		return "Timed Out"
	case 3:
		return "Not supported"
	case 7:
		return "Not installed"
	}
	return "Error"
}
