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
		Stack:            orStr(c.opts.Raw["cluster-infrastructure"], "unknown"),
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
	for _, r := range c.resources {
		if r.Orphan && len(r.Running) == 0 {
			continue
		}
		s.Resources = append(s.Resources, c.viewRsc(r))
	}
	// crm_mon lists resources by priority, highest first, ties in
	// configuration order.
	sort.SliceStable(s.Resources, func(i, j int) bool {
		return c.all[s.Resources[i].ID].priority() > c.all[s.Resources[j].ID].priority()
	})
	running := map[string]int{}
	s.Primitives(func(r *clusterview.Resource) {
		for _, n := range r.Nodes {
			running[n]++
		}
	})
	for _, n := range c.nodes {
		s.Nodes = append(s.Nodes, c.viewNode(n, running[n.Name]))
	}
	s.Nodes = append(s.Nodes, c.viewRemoteNodes(running)...)
	sort.SliceStable(s.Nodes, func(i, j int) bool { return clusterview.NaturalLess(s.Nodes[i].Name, s.Nodes[j].Name) })
	s.FailedActions = c.failedActions()
	for _, r := range c.allList {
		if r.Kind != Primitive {
			continue
		}
		for _, n := range c.nodes {
			if fc, last := c.recordedFailCount(r, n); fc > 0 {
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
		s.Tickets = append(s.Tickets, clusterview.Ticket{ID: id, Granted: t.Granted, Standby: t.Standby, LastGranted: c.lastGranted(id)})
	}
	if c.opts.FencingEnabled && !c.hasFencingDevice() {
		s.Warnings = append(s.Warnings, "No fencing devices are configured and fencing-enabled is not false")
	}
	return s, nil
}

// failedActions lists the failures in the order the status section
// records them (node, then resource, then operation), as crm_mon does,
// each under the id its history has: an anonymous clone's instance is
// "ping" there, not "ping:0".
func (c *cluster) failedActions() []clusterview.FailedAction {
	type failure struct {
		r *Resource
		n *Node
		h *histOp
	}
	failed := map[*xmltree.Element]failure{}
	for _, r := range c.allList {
		if r.Kind != Primitive {
			continue
		}
		for n, h := range r.history {
			for _, f := range h.failures {
				failed[f.e] = failure{r, n, f}
			}
		}
	}
	if len(failed) == 0 {
		return nil
	}
	var out []clusterview.FailedAction
	st := c.root.Child("status")
	for _, ns := range st.ChildrenNamed("node_state") {
		lrm := ns.Child("lrm")
		if lrm == nil {
			continue
		}
		for _, lrs := range lrm.ChildrenNamed("lrm_resources") {
			for _, le := range lrs.ChildrenNamed("lrm_resource") {
				// A failure is often recorded twice, as the op's last
				// result and as its last failure: crm_mon shows it once.
				shown := map[int]bool{}
				for _, oe := range le.ChildrenNamed("lrm_rsc_op") {
					if f, ok := failed[oe]; ok {
						if f.h.callID >= 0 && shown[f.h.callID] {
							continue
						}
						shown[f.h.callID] = true
						fa := failedAction(f.r, f.n, f.h)
						fa.Resource = le.ID()
						// crm_mon names the action by its key, which in old
						// histories spells "rsc:1" as "rsc-1".
						key := oe.Attr("operation_key")
						if key == "" {
							key = oe.ID()
						}
						if rsc, task, ok := parseOpKey(key); ok {
							fa.Resource, fa.Op = rsc, task
						}
						out = append(out, fa)
						delete(failed, oe)
					}
				}
			}
		}
	}
	return out
}

// parseOpKey splits an operation key "rsc_task_interval" ("ip_monitor_10000",
// "vm_migrate_to_0").
func parseOpKey(key string) (rsc, task string, ok bool) {
	i := strings.LastIndexByte(key, '_')
	if i <= 0 || digitRun(key[i+1:]) != len(key)-i-1 || i == len(key)-1 {
		return "", "", false
	}
	rest := key[:i]
	for _, t := range []string{"migrate_to", "migrate_from"} {
		if strings.HasSuffix(rest, "_"+t) {
			return rest[:len(rest)-len(t)-1], t, true
		}
	}
	j := strings.LastIndexByte(rest, '_')
	if j <= 0 || j == len(rest)-1 {
		return "", "", false
	}
	rsc, task = rest[:j], rest[j+1:]
	// Notifications are "rsc_pre_notify_start_0" and the like.
	for _, p := range []string{"_pre_notify", "_post_notify", "_confirmed-pre_notify", "_confirmed-post_notify"} {
		if strings.HasSuffix(rsc, p) {
			return rsc[:len(rsc)-len(p)], "notify", true
		}
	}
	return rsc, task, true
}

// lastGranted is when the ticket was last granted, from its status entry.
func (c *cluster) lastGranted(id string) time.Time {
	st := c.root.Child("status")
	if st == nil {
		return time.Time{}
	}
	for _, ts := range st.ChildrenNamed("tickets") {
		for _, t := range ts.ChildrenNamed("ticket_state") {
			if t.ID() != id {
				continue
			}
			if n, err := strconv.ParseInt(t.Attr("last-granted"), 10, 64); err == nil && n > 0 {
				return time.Unix(n, 0).UTC()
			}
		}
	}
	return time.Time{}
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
	// A removed resource the cluster is told not to stop is left alone:
	// unmanaged, as status says.
	unmanaged := !r.Managed || r.Orphan && !c.opts.StopOrphans
	v := clusterview.Resource{ID: r.ID, Description: r.Meta["description"], Unmanaged: unmanaged, Blocked: r.Blocked,
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
		if v.Role == clusterview.RoleStarted && c.inPromotable(r) {
			v.Role = clusterview.RoleUnpromoted
		}
		for _, n := range r.Running {
			v.Nodes = append(v.Nodes, n.Name)
			if n.Maintenance {
				v.Unmanaged = true // nothing is managed on a node in maintenance
			}
		}
		v.Failed = r.Failed
		v.NotInstalledOn = c.notInstalledOn(r)
		v.PendingOp = pendingShown(r)
		if c.multiplyActiveBlocked(r) {
			v.Blocked = true
		}
	case Group:
		v.Kind = clusterview.KindGroup
		for _, ch := range r.Children {
			v.Children = append(v.Children, c.viewRsc(ch))
		}
	case Clone:
		v.Kind = clusterview.KindClone
		v.Unique = r.clone != nil && r.clone.unique
		if t := cloneTemplate(r); t != nil {
			v.Template = t.ID
		}
		v.Children = c.cloneInstances(r, v.Unique)
		v.AllowedNodes = c.cloneAllowed(v.Children)
		v.NotInstalledOn = c.notInstalledOn(r)
	}
	return v
}

// notInstalledOn lists the nodes where a probe of r (or of a primitive in
// it) found its agent missing.
func (c *cluster) notInstalledOn(r *Resource) []string {
	var out []string
	for _, n := range c.nodes {
		if notInstalled(r, n) {
			out = append(out, n.Name)
		}
	}
	return out
}

func notInstalled(r *Resource, n *Node) bool {
	if h := r.history[n]; h != nil && h.notInstalled {
		return true
	}
	for _, ch := range r.Children {
		if notInstalled(ch, n) {
			return true
		}
	}
	return false
}

// cloneAllowed is where a clone's stopped instances could run, for its
// "Stopped: [ ]" list: nowhere when every instance is active (clone-max
// below the node count), else every node (nil).
func (c *cluster) cloneAllowed(insts []clusterview.Resource) []string {
	var active []string
	for i := range insts {
		node := ""
		insts[i].Walk(func(x *clusterview.Resource, _ int) bool {
			if x.Kind == clusterview.KindPrimitive && len(x.Nodes) > 0 {
				node = x.Nodes[0]
				return false
			}
			return true
		})
		if node == "" {
			return nil
		}
		active = append(active, node)
	}
	if len(active) == 0 {
		return nil
	}
	return active
}

// multiplyActiveBlocked says whether r, or a member of its group, is active
// on several nodes with multiple-active=block: the cluster then leaves
// the whole group alone.
func (c *cluster) multiplyActiveBlocked(r *Resource) bool {
	if r.inCollective() {
		return false
	}
	scope := r
	if r.Parent != nil && r.Parent.Kind == Group {
		scope = r.Parent
	}
	for _, p := range scope.primitives() {
		if len(p.Running) > 1 && p.MultipleActive == "block" {
			return true
		}
	}
	return false
}

// priority orders top-level resources; orphans and unknowns have none.
func (r *Resource) priority() int64 {
	if r == nil {
		return 0
	}
	return int64(r.Priority)
}

func (c *cluster) inPromotable(r *Resource) bool {
	for p := r.Parent; p != nil; p = p.Parent {
		if p.Kind == Clone && p.Promotable {
			return true
		}
	}
	return false
}

// cloneTemplate is the configured primitive or group a clone clones.
func cloneTemplate(r *Resource) *Resource {
	for _, ch := range r.Children {
		if !strings.Contains(ch.ID, ":") {
			return ch
		}
	}
	return nil
}

// instancesOf are the instances the history created for the template
// primitive t ("t:0", "t:1", ...), in creation order.
func instancesOf(t *Resource) []*Resource {
	var out []*Resource
	if t.Parent == nil {
		return nil
	}
	for _, ch := range t.Parent.Children {
		if ch.Kind == Primitive && strings.HasPrefix(ch.ID, t.ID+":") {
			out = append(out, ch)
		}
	}
	return out
}

// cloneMax is how many instances a clone has: clone-max, by default one
// per node.
func (c *cluster) cloneMax(r *Resource) int {
	if n, err := strconv.Atoi(strings.TrimSpace(r.Meta["clone-max"])); err == nil && n >= 0 {
		return n
	}
	return len(c.nodes)
}

// instanceNumber is the N of "rsc:N", or -1.
func instanceNumber(id string) int {
	i := strings.LastIndexByte(id, ':')
	if i < 0 {
		return -1
	}
	return atoiDef(id[i+1:], -1)
}

// cloneInstances are a clone's clone-max instances as crm_mon counts and
// shows them. The scheduler keeps one history resource per recorded
// instance id, and an anonymous clone's history does not say which
// instance ran where, so an anonymous instance active on two nodes
// becomes two instances here, one per node.
func (c *cluster) cloneInstances(r *Resource, unique bool) []clusterview.Resource {
	t := cloneTemplate(r)
	if t == nil {
		return nil
	}
	max := c.cloneMax(r)
	if unique {
		return c.uniqueInstances(r, t, max)
	}
	// The nodes where anything of the clone is active, in the order the
	// history shows them, each one instance.
	var nodes []*Node
	seen := map[*Node]bool{}
	for _, p := range t.primitives() {
		for _, inst := range instancesOf(p) {
			for _, n := range inst.Running {
				if !seen[n] {
					seen[n] = true
					nodes = append(nodes, n)
				}
			}
		}
	}
	var out []clusterview.Resource
	for i, n := range nodes {
		out = append(out, c.anonInstance(t, i, n))
	}
	for i := len(out); i < max; i++ {
		out = append(out, c.anonInstance(t, i, nil))
	}
	return out
}

// anonInstance is instance i of template t, active on n (nil: stopped).
func (c *cluster) anonInstance(t *Resource, i int, n *Node) clusterview.Resource {
	suffix := ":" + strconv.Itoa(i)
	if t.Kind == Group {
		g := clusterview.Resource{ID: t.ID + suffix, Kind: clusterview.KindGroup, Unmanaged: !t.Managed,
			Disabled: c.disabledByRole(t), Description: t.Meta["description"]}
		for _, m := range t.Children {
			if strings.Contains(m.ID, ":") || m.Kind != Primitive {
				continue
			}
			g.Children = append(g.Children, c.memberOn(m, suffix, n))
		}
		return g
	}
	return c.memberOn(t, suffix, n)
}

// memberOn is template primitive t's instance (id t+suffix) as it is on
// node n: whichever recorded instance is active there, else stopped.
func (c *cluster) memberOn(t *Resource, suffix string, n *Node) clusterview.Resource {
	if n != nil {
		for _, inst := range instancesOf(t) {
			if inst.runningOn(n) {
				v := c.viewRsc(inst)
				v.ID = t.ID + suffix
				v.Nodes = []string{n.Name}
				v.Unmanaged = !inst.Managed || n.Maintenance
				v.Role = c.roleOn(inst, n)
				v.Failed = inst.Failed && inst.FailedOn[n]
				v.PendingOp = ""
				if h := inst.history[n]; h != nil && h.last != nil && h.last.pending && !h.last.isProbe() {
					v.PendingOp = h.last.task
				}
				return v
			}
		}
	}
	v := c.viewRsc(t)
	v.ID = t.ID + suffix
	v.Nodes, v.Role, v.Failed, v.PendingOp, v.Blocked, v.FailureIgnored = nil, clusterview.RoleStopped, false, "", false, false
	return v
}

// roleOn is the role of an instance on one of the nodes it is active on.
func (c *cluster) roleOn(r *Resource, n *Node) clusterview.Role {
	role := clusterview.RoleStarted
	if h := r.history[n]; h != nil && h.last != nil {
		op := h.last
		switch {
		case op.task == "promote", op.task == "demote" && (op.pending || op.rc != 0):
			role = clusterview.RolePromoted
		case op.task == "monitor" && (op.rc == 8 || op.rc == 9 || op.rc == 191):
			role = clusterview.RolePromoted
		}
	}
	if role == clusterview.RoleStarted && c.inPromotable(r) {
		role = clusterview.RoleUnpromoted
	}
	return role
}

// uniqueInstances are a globally-unique clone's instances by number,
// the ones without history stopped.
func (c *cluster) uniqueInstances(r, t *Resource, max int) []clusterview.Resource {
	byNum := map[int]bool{}
	var extra []clusterview.Resource
	var out []clusterview.Resource
	add := func(num int) {
		suffix := ":" + strconv.Itoa(num)
		if t.Kind == Group {
			g := clusterview.Resource{ID: t.ID + suffix, Kind: clusterview.KindGroup, Unmanaged: !t.Managed, Disabled: c.disabledByRole(t)}
			for _, m := range t.Children {
				if strings.Contains(m.ID, ":") || m.Kind != Primitive {
					continue
				}
				g.Children = append(g.Children, c.uniqueMember(m, suffix))
			}
			out = append(out, g)
			return
		}
		out = append(out, c.uniqueMember(t, suffix))
	}
	for _, p := range t.primitives() {
		for _, inst := range instancesOf(p) {
			if num := instanceNumber(inst.ID); num >= 0 {
				byNum[num] = true
			}
		}
	}
	nums := make([]int, 0, len(byNum))
	for num := range byNum {
		nums = append(nums, num)
	}
	for i := 0; i < max; i++ {
		if !byNum[i] {
			nums = append(nums, i)
		}
	}
	sort.Ints(nums)
	for _, num := range nums {
		add(num)
	}
	return append(out, extra...)
}

func (c *cluster) uniqueMember(t *Resource, suffix string) clusterview.Resource {
	if inst := c.all[t.ID+suffix]; inst != nil && inst.Kind == Primitive {
		v := c.viewRsc(inst)
		if len(inst.Running) == 1 {
			v.Role = c.roleOn(inst, inst.Running[0])
		}
		return v
	}
	v := c.viewRsc(t)
	v.ID = t.ID + suffix
	v.Nodes, v.Role, v.Failed, v.PendingOp, v.Blocked, v.FailureIgnored = nil, clusterview.RoleStopped, false, "", false, false
	return v
}

func (c *cluster) viewNode(n *Node, running int) clusterview.Node {
	vn := clusterview.Node{Name: n.Name, ID: n.ID, Online: n.Online, Attributes: map[string]string{}, RunningResources: running}
	if c.opts.HealthStrategy != "none" && c.opts.HealthStrategy != "" {
		vn.Health = healthColor(n.Attrs)
	}
	unexpectedlyDown, inCluster := c.unexpectedlyDown(n)
	switch {
	case unexpectedlyDown && !n.Unclean:
		vn.State, vn.Online = clusterview.NodeUnclean, inCluster
	case n.Unclean:
		vn.State = clusterview.NodeUnclean
	case n.Pending:
		vn.State = clusterview.NodePending
	case n.StandbyFail && n.Online:
		vn.State = clusterview.NodeStandbyOnFail
	case n.Standby && (n.Online || n.HasState):
		// crm_mon says "OFFLINE (standby)" for a node that is both, once
		// the cluster has seen it.
		vn.State = clusterview.NodeStandby
	case n.Maintenance && (n.Online || n.HasState):
		vn.State = clusterview.NodeMaintenance
	case !n.Online:
		vn.State = clusterview.NodeOffline
	case n.Shutdown:
		vn.State = clusterview.NodeShuttingDown
	default:
		vn.State = clusterview.NodeOnline
	}
	for k, v := range n.Attrs {
		if strings.HasPrefix(k, "#") || strings.HasPrefix(k, "fail-count-") || strings.HasPrefix(k, "last-failure-") ||
			k == "standby" || k == "shutdown" {
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
	return vn
}

// unexpectedlyDown says whether a node the cluster expects up
// (expected="member") is not fully up: crm_mon shows it UNCLEAN, online
// when it is still in the membership. Without fencing a node that left the
// membership is simply down; only one whose controller is gone while it
// stays a member counts.
func (c *cluster) unexpectedlyDown(n *Node) (down, inCluster bool) {
	if n.Online && !n.Unclean {
		return false, false
	}
	ns := c.nodeState(n)
	if ns == nil || ns.Attr("expected") != "member" {
		return false, false
	}
	inCCMv, known := ns.AttrOK("in_ccm")
	if !known {
		return false, false
	}
	inCCM := stateFlag(inCCMv, "true")
	crmd := stateFlag(ns.Attr("crmd"), "online")
	if inCCM && crmd {
		return false, false
	}
	if !c.opts.FencingEnabled {
		return inCCM && !crmd, false
	}
	return true, inCCM
}

func (c *cluster) nodeState(n *Node) *xmltree.Element {
	st := c.root.Child("status")
	if st == nil {
		return nil
	}
	for _, ns := range st.ChildrenNamed("node_state") {
		if ns.Attr("id") == n.ID || (ns.Attr("id") == "" && ns.Attr("uname") == n.Name) {
			return ns
		}
	}
	return nil
}

// viewRemoteNodes are the Pacemaker Remote nodes (an ocf:pacemaker:remote
// connection resource names one) and guest nodes (a resource's
// remote-node meta-attribute names one), which the scheduler does not
// place resources on: each is up while its connection or container runs.
func (c *cluster) viewRemoteNodes(running map[string]int) []clusterview.Node {
	var out []clusterview.Node
	seen := map[string]bool{}
	for _, n := range c.nodes {
		seen[n.Name] = true
	}
	add := func(name string, typ clusterview.NodeType, conn *Resource) {
		if name == "" || seen[name] {
			return
		}
		seen[name] = true
		vn := clusterview.Node{Name: name, ID: name, Type: typ, State: clusterview.NodeOffline, RunningResources: running[name]}
		if conn != nil && len(conn.Running) > 0 && !conn.Failed {
			vn.State, vn.Online = clusterview.NodeOnline, true
		}
		out = append(out, vn)
	}
	for _, r := range c.allList {
		if r.Kind != Primitive || r.Orphan || strings.Contains(r.ID, ":") {
			continue
		}
		if r.Class == "ocf" && r.Provider == "pacemaker" && r.Type == "remote" {
			add(r.ID, clusterview.NodeRemote, r)
		} else if g := r.Meta["remote-node"]; g != "" {
			add(g, clusterview.NodeGuest, r)
		}
	}
	return out
}

func digitRun(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
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

// pendingShown is the operation in progress that status shows: a probe
// still running is not one (the resource shows as it was before).
func pendingShown(r *Resource) string {
	if r.Pending != "monitor" {
		return r.Pending
	}
	for _, h := range r.history {
		if h != nil && h.last != nil && h.last.pending && h.last.task == "monitor" && !h.last.isProbe() {
			return "monitor"
		}
	}
	return ""
}

// healthColor is the worst colour among a node's #health-* attributes, as
// status shows it: the words themselves, and a score of -INFINITY as red
// (other numbers are no colour).
func healthColor(attrs map[string]string) string {
	worst := "green"
	for k, v := range attrs {
		if !strings.HasPrefix(k, "#health") {
			continue
		}
		switch v = strings.ToLower(strings.TrimSpace(v)); {
		case v == "red" || v == "-infinity":
			return "red"
		case v == "yellow":
			worst = "yellow"
		}
	}
	return worst
}
