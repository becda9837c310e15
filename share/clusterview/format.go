package clusterview

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// TextOptions choose the sections of FormatText, after crm_mon's options.
type TextOptions struct {
	// Inactive lists stopped resources too (crm_mon -r); the resource
	// section is then called "Full List of Resources" instead of
	// "Active Resources".
	Inactive bool
	// Attributes adds the "Node Attributes" section (crm_mon -A).
	Attributes bool
	// FailCounts adds the "Migration Summary" section (crm_mon -f).
	FailCounts bool
	// Tickets adds the "Tickets" section (crm_mon -c).
	Tickets bool
	// FenceHistory is crm_mon's -m level: 0 none, 1 failed and pending
	// (crm_mon's default), 2 and up the whole history.
	FenceHistory int
	// GroupByNode lists under each node the resource instances active
	// there, then the resources not fully active (crm_mon -n).
	GroupByNode bool
	// Location renders times; nil means time.Local, as crm_mon does.
	Location *time.Location
}

// DefaultTextOptions is what `pacer status` shows: crm_mon -1 -r with the
// default fencing history level.
var DefaultTextOptions = TextOptions{Inactive: true, FenceHistory: 1}

// ctimeLayout is how crm_mon prints times (C's ctime without the newline).
const ctimeLayout = "Mon Jan _2 15:04:05 2006"

// FormatText renders s as crm_mon 2.1's one-shot text output. It never
// emits escape sequences: it is also what goes into pipes, files and mails.
func FormatText(s *Snapshot, opts TextOptions) string {
	f := textFormatter{s: s, opts: opts, loc: opts.Location}
	if f.loc == nil {
		f.loc = time.Local
	}
	return f.format()
}

type textFormatter struct {
	s    *Snapshot
	opts TextOptions
	loc  *time.Location
	b    strings.Builder
}

func (f *textFormatter) line(indent int, format string, args ...any) {
	f.b.WriteString(strings.Repeat("  ", indent))
	f.b.WriteString("* ")
	fmt.Fprintf(&f.b, format, args...)
	f.b.WriteByte('\n')
}

func (f *textFormatter) section(title string) {
	if f.b.Len() > 0 {
		f.b.WriteByte('\n')
	}
	f.b.WriteString(title)
	f.b.WriteString(":\n")
}

func (f *textFormatter) ctime(t time.Time) string { return t.In(f.loc).Format(ctimeLayout) }

func (f *textFormatter) format() string {
	f.summary()
	if f.opts.GroupByNode {
		f.nodesWithResources()
	} else {
		f.nodes()
		f.resources()
	}
	if f.opts.Attributes {
		f.attributes()
	}
	if f.opts.FailCounts {
		f.migrationSummary()
	}
	f.failedActions()
	if f.opts.Tickets {
		f.tickets()
	}
	f.fencing()
	return f.b.String()
}

func (f *textFormatter) summary() {
	s := f.s
	f.section("Cluster Summary")
	f.line(1, "Stack: %s", orDefault(s.Stack, "unknown"))
	if s.DC == "" {
		f.line(1, "Current DC: NONE")
	} else {
		quorum := "partition with quorum"
		if !s.HaveQuorum {
			quorum = "partition WITHOUT quorum"
		}
		f.line(1, "Current DC: %s (version %s) - %s", s.DC, orDefault(s.DCVersion, "unknown"), quorum)
	}
	// crm_mon always prints when it looked; a snapshot that does not say
	// when it was made is shown as made now.
	updated := s.Generated
	if updated.IsZero() {
		updated = time.Now()
	}
	f.line(1, "Last updated: %s", f.ctime(updated))
	{
		// crm_mon prints the line even when the CIB does not say.
		var by strings.Builder
		if s.LastChangeUser != "" {
			by.WriteString(" by " + s.LastChangeUser)
		}
		if s.LastChangeClient != "" {
			by.WriteString(" via " + s.LastChangeClient)
		}
		if s.LastChangeNode != "" {
			by.WriteString(" on " + s.LastChangeNode)
		}
		when := ""
		if !s.LastChange.IsZero() {
			when = f.ctime(s.LastChange)
		}
		f.line(1, "Last change:  %s%s", when, by.String())
	}
	c := s.Count()
	f.line(1, "%d node%s configured", c.Nodes, plural(c.Nodes))
	var extra []string
	if c.Disabled > 0 {
		extra = append(extra, fmt.Sprintf("%d DISABLED", c.Disabled))
	}
	if c.Blocked > 0 {
		extra = append(extra, fmt.Sprintf("%d BLOCKED from further action due to failure", c.Blocked))
	}
	counts := fmt.Sprintf("%d resource instance%s configured", c.Instances, plural(c.Instances))
	if len(extra) > 0 {
		counts += " (" + strings.Join(extra, ", ") + ")"
	}
	f.line(1, "%s", counts)
	if s.MaintenanceMode {
		f.b.WriteString("\n              *** Resource management is DISABLED ***\n")
		f.b.WriteString("  The cluster will not attempt to start, stop or recover services\n")
	} else if s.StopAllResources {
		f.b.WriteString("\n              *** Resource management is DISABLED ***\n")
		f.b.WriteString("  The cluster will keep all resources stopped\n")
	}
	// Snapshot.Warnings are for the live monitor: crm_mon -1 prints none of
	// them (not even "no fencing devices"), and this text is crm_mon's.
}

// NodeStateText is crm_mon's wording of a node's state ("standby (with
// active resources)", "UNCLEAN (offline)", ...).
func NodeStateText(n *Node) string {
	switch n.State {
	case NodeUnclean:
		switch {
		case n.Online:
			return "UNCLEAN (online)"
		default:
			return "UNCLEAN (offline)"
		}
	case NodePending:
		return "pending"
	case NodeStandbyOnFail:
		if n.RunningResources > 0 {
			return "standby (on-fail, with active resources)"
		}
		return "standby (on-fail)"
	case NodeStandby:
		if !n.Online {
			return "OFFLINE (standby)"
		}
		if n.RunningResources > 0 {
			return "standby (with active resources)"
		}
		return "standby"
	case NodeMaintenance:
		if !n.Online {
			return "OFFLINE (maintenance)"
		}
		return "maintenance"
	case NodeShuttingDown:
		return "shutting down"
	case NodeOffline:
		return "OFFLINE"
	default:
		return "online"
	}
}

// unhealthy: crm_mon lists a yellow or red node on a line of its own.
func unhealthy(n *Node) bool { return n.Health == "yellow" || n.Health == "red" }

func (f *textFormatter) nodes() {
	f.section("Node List")
	var online, offline, remoteOn, remoteOff, guestOn, guestOff []string
	for i := range f.s.Nodes {
		n := &f.s.Nodes[i]
		switch {
		// crm_mon lists a node that is shutting down with the online ones.
		case (n.State == NodeOnline || n.State == NodeShuttingDown && n.Online) && !n.BeingFenced && !unhealthy(n):
			switch n.Type {
			case NodeRemote:
				remoteOn = append(remoteOn, n.Name)
			case NodeGuest:
				guestOn = append(guestOn, n.Name)
			default:
				online = append(online, n.Name)
			}
		case n.State == NodeOffline && !n.BeingFenced:
			switch n.Type {
			case NodeRemote:
				remoteOff = append(remoteOff, n.Name)
			case NodeGuest:
				guestOff = append(guestOff, n.Name)
			default:
				offline = append(offline, n.Name)
			}
		default:
			state := NodeStateText(n)
			if unhealthy(n) {
				state += " (health is " + strings.ToUpper(n.Health) + ")"
			}
			if n.BeingFenced {
				state += " (being fenced)"
			}
			kind := "Node"
			switch n.Type {
			case NodeRemote:
				kind = "RemoteNode"
			case NodeGuest:
				kind = "GuestNode"
			}
			f.line(1, "%s %s: %s", kind, n.Name, state)
		}
	}
	list := func(label string, names []string) {
		if len(names) > 0 {
			f.line(1, "%s: [ %s ]", label, strings.Join(sortedCopy(names), " "))
		}
	}
	list("Online", online)
	list("OFFLINE", offline)
	list("RemoteOnline", remoteOn)
	list("RemoteOFFLINE", remoteOff)
	list("GuestOnline", guestOn)
	list("GuestOFFLINE", guestOff)
}

func (f *textFormatter) resources() {
	if f.opts.Inactive {
		f.section("Full List of Resources")
	} else {
		f.section("Active Resources")
	}
	before := f.b.Len()
	for i := range f.s.Resources {
		f.resource(&f.s.Resources[i], 1)
	}
	if f.b.Len() == before {
		if len(f.s.Resources) == 0 {
			f.line(1, "No resources")
		} else {
			f.line(1, "No active resources")
		}
	}
}

// nodesWithResources is crm_mon -n: every node with what runs on it, then
// (with Inactive) the top-level resources that are not fully active.
func (f *textFormatter) nodesWithResources() {
	f.section("Node List")
	for i := range f.s.Nodes {
		n := &f.s.Nodes[i]
		f.line(1, "Node %s: %s:", n.Name, NodeStateText(n))
		f.line(2, "Resources:")
		for j := range f.s.Resources {
			top := &f.s.Resources[j]
			top.Walk(func(r *Resource, _ int) bool {
				if r.Kind != KindPrimitive || !slices.Contains(r.Nodes, n.Name) {
					return true
				}
				name := r.ID
				if top.Kind == KindClone && !top.Unique && top.Template != "" && r.Kind == KindPrimitive {
					name = strings.SplitN(r.ID, ":", 2)[0]
				}
				local := *r
				local.Nodes = nil
				f.line(3, "%s", PrimitiveLine(&local, name, f.s))
				return true
			})
		}
	}
	if !f.opts.Inactive {
		return
	}
	var inactive []*Resource
	for j := range f.s.Resources {
		top := &f.s.Resources[j]
		whole := true
		top.Walk(func(r *Resource, _ int) bool {
			if r.Kind == KindPrimitive && len(r.Nodes) == 0 {
				whole = false
				return false
			}
			return true
		})
		if !whole {
			inactive = append(inactive, top)
		}
	}
	if len(inactive) == 0 {
		return
	}
	f.section("Inactive Resources")
	for _, r := range inactive {
		f.resource(r, 1)
	}
}

// active reports whether any primitive below r is active (or failed, which
// crm_mon always shows).
func active(r *Resource) bool {
	found := false
	r.Walk(func(x *Resource, _ int) bool {
		if x.Kind == KindPrimitive && (len(x.Nodes) > 0 || x.Failed || x.PendingOp != "") {
			found = true
			return false
		}
		return true
	})
	return found
}

func (f *textFormatter) resource(r *Resource, depth int) {
	if !f.opts.Inactive && !active(r) {
		return
	}
	switch r.Kind {
	case KindGroup:
		suffix := ""
		if r.Unmanaged {
			suffix = " (unmanaged)"
		} else if r.Disabled {
			suffix = " (disabled)"
		}
		f.line(depth, "Resource Group: %s%s:", r.ID, suffix)
		for i := range r.Children {
			f.resource(&r.Children[i], depth+1)
		}
	case KindClone:
		f.clone(r, depth)
	case KindBundle:
		f.line(depth, "Container bundle set: %s:", r.ID)
		for i := range r.Children {
			f.resource(&r.Children[i], depth+1)
		}
	default:
		f.line(depth, "%s", PrimitiveLine(r, r.ID, f.s))
	}
}

// PrimitiveLine is crm_mon's line for one primitive, without the bullet:
// "ip\t(ocf:heartbeat:IPaddr2):\t Started node1 (unmanaged)". name is the id
// to show (anonymous clone instances show their template's id).
func PrimitiveLine(r *Resource, name string, s *Snapshot) string {
	var b strings.Builder
	b.WriteString(name)
	b.WriteString("\t(" + r.Agent() + "):\t ")
	b.WriteString(StatusText(r, s))
	return b.String()
}

// StatusText is the part of a primitive's line after the agent: role (or
// FAILED / the pending action), node(s) and markers.
func StatusText(r *Resource, s *Snapshot) string {
	var b strings.Builder
	if r.Orphaned {
		b.WriteString("ORPHANED ")
	}
	role := r.Role
	if role == RoleUnknown {
		role = RoleStopped
	}
	// A monitor in progress changes nothing about the state: crm_mon says
	// so among the flags, "Started n1 (Monitoring)".
	monitoring := r.PendingOp == "monitor"
	switch {
	case r.PendingOp != "" && !monitoring:
		b.WriteString(pendingText(r.PendingOp, role))
	case r.Failed && !r.FailureIgnored:
		b.WriteString("FAILED")
		if role == RolePromoted { // crm_mon names no other role of a failed instance
			b.WriteString(" " + string(role))
		}
	default:
		b.WriteString(string(role))
		if role == RoleStopped && len(r.Nodes) == 0 && len(r.NotInstalledOn) > 0 {
			// crm_mon's spelling, trailing space included
			b.WriteString(" (not installed) ")
		}
	}
	var flags []string
	if monitoring {
		flags = append(flags, "Monitoring")
	}
	if r.Disabled {
		flags = append(flags, "disabled")
	}
	if r.Unmanaged {
		flags = append(flags, "unmanaged")
	}
	if r.Blocked {
		flags = append(flags, "blocked")
	}
	if r.FailureIgnored {
		flags = append(flags, "failure ignored")
	}
	// Only a promotable clone's instance has roles to aim at.
	if (r.TargetRole == RolePromoted || r.TargetRole == RoleUnpromoted) && (role == RolePromoted || role == RoleUnpromoted) {
		if r.TargetRole != role {
			flags = append(flags, "target-role:"+string(r.TargetRole))
		}
	}
	if r.LockedTo != "" {
		flags = append(flags, "LOCKED to "+r.LockedTo)
	}
	flagText := ""
	if len(flags) > 0 {
		flagText = " (" + strings.Join(flags, ", ") + ")"
	}
	// One node: "Started n1 (unmanaged)"; several: "FAILED (disabled) [ n1 n2 ]".
	switch len(r.Nodes) {
	case 0:
		b.WriteString(flagText)
	case 1:
		b.WriteString(" " + r.Nodes[0])
		if s != nil {
			// crm_mon marks only a node that is gone: an unclean node
			// still online shows as usual.
			if n := s.Node(r.Nodes[0]); n != nil && n.State == NodeUnclean && !n.Online {
				b.WriteString(" (UNCLEAN)")
			}
		}
		b.WriteString(flagText)
	default:
		b.WriteString(flagText)
		b.WriteString(" [ " + strings.Join(r.Nodes, " ") + " ]")
	}
	return b.String()
}

func pendingText(op string, role Role) string {
	switch op {
	case "start":
		return "Starting"
	case "stop":
		return "Stopping"
	case "promote":
		return "Promoting"
	case "demote":
		return "Demoting"
	case "migrate_to", "migrate_from":
		return "Migrating"
	}
	return string(role) + " (" + op + ")"
}

// FoldableInstance tells whether a clone instance is one crm_mon folds
// into a "Role: [ nodes ]" line (active on exactly one node with nothing
// special to say), and with which role on which node.
func FoldableInstance(r *Resource) (Role, string, bool) {
	return plainInstance(r)
}

func plainInstance(r *Resource) (Role, string, bool) {
	if r.Kind == KindGroup {
		var role Role
		node := ""
		for i := range r.Children {
			cr, cn, ok := plainInstance(&r.Children[i])
			if !ok || (node != "" && (cn != node || cr != role)) {
				return "", "", false
			}
			role, node = cr, cn
		}
		return role, node, node != ""
	}
	if r.Kind != KindPrimitive || len(r.Nodes) != 1 || r.Failed || r.Unmanaged || r.Blocked ||
		r.Orphaned || r.PendingOp != "" || r.Role == RoleStopped || r.Role == RoleUnknown || r.LockedTo != "" {
		return "", "", false
	}
	return r.Role, r.Nodes[0], true
}

func (f *textFormatter) clone(r *Resource, depth int) {
	var attrs []string
	if r.Promotable {
		attrs = append(attrs, "promotable")
	}
	if r.Unique {
		attrs = append(attrs, "unique")
	}
	if r.Unmanaged {
		attrs = append(attrs, "unmanaged")
	}
	if r.Disabled {
		attrs = append(attrs, "disabled")
	}
	head := "Clone Set: " + r.ID
	if r.Template != "" {
		head += " [" + r.Template + "]"
	}
	if len(attrs) > 0 {
		head += " (" + strings.Join(attrs, ", ") + ")"
	}
	f.line(depth, "%s:", head)

	if r.Unique {
		for i := range r.Children {
			c := &r.Children[i]
			if !f.opts.Inactive && !active(c) {
				continue
			}
			f.instance(c, c.ID, depth+1, false)
		}
		return
	}
	byRole := map[Role][]string{}
	activeOn := map[string]bool{}
	for i := range r.Children {
		c := &r.Children[i]
		c.Walk(func(x *Resource, _ int) bool {
			if x.Kind == KindPrimitive {
				for _, n := range x.Nodes {
					activeOn[n] = true
				}
			}
			return true
		})
		if role, node, ok := plainInstance(c); ok {
			byRole[role] = append(byRole[role], node)
			continue
		}
		if !active(c) {
			continue // stopped instances are summed up in "Stopped: [ ]"
		}
		name := r.Template
		if name == "" {
			name = c.ID
		}
		f.instance(c, name, depth+1, true)
	}
	for _, role := range []Role{RolePromoted, RoleUnpromoted, RoleStarted} {
		if nodes := byRole[role]; len(nodes) > 0 {
			f.line(depth+1, "%s: [ %s ]", role, strings.Join(sortedCopy(nodes), " "))
		}
	}
	if !f.opts.Inactive {
		return
	}
	allowed := r.AllowedNodes
	if len(allowed) == 0 {
		for _, n := range f.s.Nodes {
			allowed = append(allowed, n.Name)
		}
	}
	// Where a probe found the agent missing crm_mon says so, in a list of
	// its own after the plain one.
	var stopped, missing []string
	for _, n := range allowed {
		switch {
		case activeOn[n]:
		case slices.Contains(r.NotInstalledOn, n):
			missing = append(missing, n)
		default:
			stopped = append(stopped, n)
		}
	}
	if len(stopped) > 0 {
		label := "Stopped"
		if r.Disabled {
			label = "Stopped (disabled)"
		}
		f.line(depth+1, "%s: [ %s ]", label, strings.Join(sortedCopy(stopped), " "))
	}
	if len(missing) > 0 {
		f.line(depth+1, "Stopped (not installed): [ %s ]", strings.Join(sortedCopy(missing), " "))
	}
}

// instance prints one clone instance that could not be folded. In an
// anonymous clone's group instance ("Resource Group: grp:0:") crm_mon
// names the members without the instance number.
func (f *textFormatter) instance(c *Resource, name string, depth int, anonymous bool) {
	if c.Kind == KindGroup {
		f.line(depth, "Resource Group: %s:", c.ID)
		for i := range c.Children {
			m := &c.Children[i]
			if anonymous && m.Kind == KindPrimitive {
				base, _, _ := strings.Cut(m.ID, ":")
				f.line(depth+1, "%s", PrimitiveLine(m, base, f.s))
				continue
			}
			f.resource(m, depth+1)
		}
		return
	}
	f.line(depth, "%s", PrimitiveLine(c, name, f.s))
}

func (f *textFormatter) attributes() {
	started := false
	for i := range f.s.Nodes {
		n := &f.s.Nodes[i]
		if !n.Online || len(n.Attributes) == 0 {
			continue
		}
		if !started {
			f.section("Node Attributes")
			started = true
		}
		f.line(1, "Node: %s:", n.Name)
		for _, k := range sortedKeys(n.Attributes) {
			f.line(2, "%-32s\t: %-10s", k, n.Attributes[k])
		}
	}
}

func (f *textFormatter) migrationSummary() {
	if len(f.s.FailCounts) == 0 {
		return
	}
	f.section("Migration Summary")
	byNode := map[string][]FailCount{}
	var order []string
	for _, fc := range f.s.FailCounts {
		if _, ok := byNode[fc.Node]; !ok {
			order = append(order, fc.Node)
		}
		byNode[fc.Node] = append(byNode[fc.Node], fc)
	}
	for _, node := range order {
		f.line(1, "Node: %s:", node)
		for _, fc := range byNode[node] {
			threshold := fc.MigrationThreshold
			if threshold == 0 {
				threshold = FailCountInfinity
			}
			line := fmt.Sprintf("%s: migration-threshold=%d fail-count=%d", fc.Resource, threshold, fc.Count)
			if !fc.LastFailure.IsZero() {
				line += fmt.Sprintf(" last-failure='%s'", f.ctime(fc.LastFailure))
			}
			f.line(2, "%s", line)
		}
	}
}

// FailedActionText is crm_mon's one-line description of a failed action.
func FailedActionText(fa *FailedAction, loc *time.Location) string {
	var b strings.Builder
	b.WriteString(fa.Resource + " ")
	switch {
	case fa.Op == "monitor" && fa.IntervalMS == 0:
		b.WriteString("probe")
	case fa.IntervalMS > 0:
		b.WriteString(crmMonDuration(fa.IntervalMS) + "-interval " + fa.Op)
	default:
		b.WriteString(fa.Op)
	}
	b.WriteString(" on " + fa.Node)
	if fa.Status == "" || fa.Status == "complete" {
		b.WriteString(" returned '" + orDefault(fa.RCText, "rc="+strconv.Itoa(fa.RC)) + "'")
		if fa.ExitReason != "" {
			b.WriteString(" (" + fa.ExitReason + ")")
		}
	} else {
		b.WriteString(" could not be executed (" + fa.Status)
		if fa.ExitReason != "" {
			b.WriteString(": " + fa.ExitReason)
		}
		b.WriteString(")")
	}
	if !fa.LastRCChange.IsZero() {
		if loc == nil {
			loc = time.Local
		}
		b.WriteString(" at " + fa.LastRCChange.In(loc).Format(ctimeLayout))
		if fa.ExecMS > 0 { // crm_mon leaves out an unknown (or zero) run time
			b.WriteString(" after " + crmMonDuration(fa.ExecMS))
		}
	}
	return b.String()
}

func (f *textFormatter) failedActions() {
	if len(f.s.FailedActions) == 0 {
		return
	}
	f.section("Failed Resource Actions")
	for i := range f.s.FailedActions {
		f.line(1, "%s", FailedActionText(&f.s.FailedActions[i], f.loc))
	}
}

func (f *textFormatter) tickets() {
	if len(f.s.Tickets) == 0 {
		return
	}
	f.section("Tickets")
	for _, t := range f.s.Tickets {
		state := "revoked"
		if t.Granted {
			state = "granted"
		}
		line := t.ID + ": " + state
		if t.Standby {
			line += " [standby]"
		}
		if !t.LastGranted.IsZero() {
			line += fmt.Sprintf(" last-granted=%q", f.ctime(t.LastGranted))
		}
		f.line(1, "%s", line)
	}
}

// fenceTimeLayout is how crm_mon prints fencing times.
const fenceTimeLayout = "2006-01-02 15:04:05 -07:00"

// FencingText is crm_mon's line for one fencing history entry.
func FencingText(e *FencingEvent, loc *time.Location) string {
	if loc == nil {
		loc = time.Local
	}
	var parts []string
	if e.Delegate != "" && e.Result != FencingPending {
		parts = append(parts, "delegate="+e.Delegate)
	}
	if e.Client != "" {
		parts = append(parts, "client="+e.Client)
	}
	if e.Origin != "" {
		parts = append(parts, "origin="+e.Origin)
	}
	var state string
	switch e.Result {
	case FencingSuccess:
		state = "successful"
		if !e.Completed.IsZero() {
			parts = append(parts, "completed='"+e.Completed.In(loc).Format(fenceTimeLayout)+"'")
		}
	case FencingFailed:
		state = "failed"
		if !e.Completed.IsZero() {
			parts = append(parts, "last-failed='"+e.Completed.In(loc).Format(fenceTimeLayout)+"'")
		}
	default:
		state = "pending"
	}
	line := e.Action + " of " + e.Target + " " + state
	if e.ExitReason != "" && e.Result == FencingFailed {
		line += " (" + e.ExitReason + ")"
	}
	if len(parts) > 0 {
		line += ": " + strings.Join(parts, ", ")
	}
	return line
}

func (f *textFormatter) fencing() {
	switch {
	case f.opts.FenceHistory <= 0 || len(f.s.Fencing) == 0:
		return
	case f.opts.FenceHistory >= 2:
		f.section("Fencing History")
		for i := range f.s.Fencing {
			f.line(1, "%s", FencingText(&f.s.Fencing[i], f.loc))
		}
	default:
		for _, want := range []FencingResult{FencingFailed, FencingPending} {
			started := false
			for i := range f.s.Fencing {
				e := &f.s.Fencing[i]
				if e.Result != want {
					continue
				}
				if !started {
					if want == FencingFailed {
						f.section("Failed Fencing Actions")
					} else {
						f.section("Pending Fencing Actions")
					}
					started = true
				}
				f.line(1, "%s", FencingText(e, f.loc))
			}
		}
	}
}

// ReadableDuration spells milliseconds the way Pacemaker does in status
// output: "12ms", "10s", "30.160s", "1m30s", "2h".
func ReadableDuration(ms int64) string {
	if ms == 0 {
		return "0s"
	}
	return spellDuration(ms, false)
}

// crmMonDuration is a duration as crm_mon 2.1 spells it in failed actions:
// a unit is used only for more than one of it, so 1000 ms is "1000ms",
// 60 s is "60s" and 61 s is "1m1000ms" (ReadableDuration says 1s, 1m, 1m1s).
func crmMonDuration(ms int64) string { return spellDuration(ms, true) }

// spellDuration writes days, hours and minutes, then seconds with a
// millisecond fraction. Below a second alone it writes milliseconds; so
// does crmMon for any rest of one second or less, where a unit needs more
// than one of it.
func spellDuration(ms int64, crmMon bool) string {
	const (
		second = 1000
		minute = 60 * second
		hour   = 60 * minute
		day    = 24 * hour
	)
	uses := func(v, unit int64) bool { return v > unit || !crmMon && v == unit }
	var b strings.Builder
	for _, u := range []struct {
		n    int64
		name string
	}{{day, "d"}, {hour, "h"}, {minute, "m"}} {
		if uses(ms, u.n) {
			fmt.Fprintf(&b, "%d%s", ms/u.n, u.name)
			ms %= u.n
		}
	}
	switch {
	case ms == 0 && b.Len() > 0:
	case ms < second && b.Len() == 0, crmMon && !uses(ms, second):
		fmt.Fprintf(&b, "%dms", ms)
	case ms%second == 0:
		fmt.Fprintf(&b, "%ds", ms/second)
	default:
		fmt.Fprintf(&b, "%d.%03ds", ms/second, ms%second)
	}
	return b.String()
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// sortedCopy orders node names as crm_mon lists them: naturally.
func sortedCopy(in []string) []string {
	out := slices.Clone(in)
	slices.SortFunc(out, func(a, b string) int {
		if c := naturalCompare(a, b); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return out
}

// NaturalLess orders names as people (and crm_mon) do: "node2" before
// "node10", case aside.
func NaturalLess(a, b string) bool { return naturalCompare(a, b) < 0 }

func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return cmp.Compare(len(na), len(nb))
			}
			if na != nb {
				return strings.Compare(na, nb)
			}
			a, b = a[da:], b[db:]
			continue
		}
		if ca, cb := strings.ToLower(a[:1]), strings.ToLower(b[:1]); ca != cb {
			return strings.Compare(ca, cb)
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digitRun(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
