package tui

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	cv "pacer/share/clusterview"
)

// tone picks the style of a row's status part.
type tone int

const (
	toneNormal tone = iota
	toneOK
	tonePromoted
	toneUnpromoted
	toneStopped
	toneFailed
	tonePending
	toneSpecial
	toneDim
)

// row is one line of a pane, laid out but not yet styled: the panes are
// rebuilt only when the snapshot, filter or folding changes, and View styles
// only the rows on screen, which keeps a redraw of a big cluster cheap.
type row struct {
	depth  int
	name   string // first column
	agent  string // second column (resources), dim
	status string // the part styled by tone
	tone   tone
	detail string // after the status, dim

	// What an action on this row acts on.
	rsc    string // resource id to start/stop/move/clear/cleanup
	node   string // node for standby/online, or the node for cleanup
	clone  string // clone id, for expand/fold
	header bool   // a group/clone header (not selectable for node actions)
}

// matches reports whether the filter (lower case) hits any of the strings.
func matches(filter string, fields ...string) bool {
	if filter == "" {
		return true
	}
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f), filter) {
			return true
		}
	}
	return false
}

func nodeTone(n *cv.Node) tone {
	switch {
	case n.BeingFenced || n.State == cv.NodeUnclean:
		return toneFailed
	case n.State == cv.NodeOffline:
		return toneFailed
	case n.State == cv.NodePending || n.State == cv.NodeShuttingDown:
		return tonePending
	case n.Health == "red":
		return toneFailed
	case n.Health == "yellow":
		return tonePending
	case n.State == cv.NodeOnline:
		return toneOK
	default:
		return toneSpecial
	}
}

func nodeRows(s *cv.Snapshot, filter string, attrs bool) []row {
	var rows []row
	stateW := 0
	for i := range s.Nodes {
		stateW = max(stateW, len(nodeStatus(&s.Nodes[i])))
	}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		if !matches(filter, n.Name) {
			continue
		}
		status := nodeStatus(n)
		var extra []string
		if n.Name == s.DC {
			extra = append(extra, "DC")
		}
		if n.Type != "" && n.Type != cv.NodeMember {
			extra = append(extra, string(n.Type))
		}
		extra = append(extra, fmt.Sprintf("%d active", n.RunningResources))
		rows = append(rows, row{name: n.Name, status: fmt.Sprintf("%-*s", stateW, status), detail: strings.Join(extra, " · "), tone: nodeTone(n), node: n.Name})
		if !attrs {
			continue
		}
		for _, k := range sortedKeys(n.Attributes) {
			rows = append(rows, row{depth: 1, name: k, status: n.Attributes[k], tone: toneDim, node: n.Name})
		}
		for _, k := range sortedKeys(n.Utilization) {
			rows = append(rows, row{depth: 1, name: "utilization " + k, status: n.Utilization[k], tone: toneDim, node: n.Name})
		}
		if len(n.Attributes)+len(n.Utilization) == 0 {
			rows = append(rows, row{depth: 1, name: "(no attributes)", tone: toneDim, node: n.Name})
		}
	}
	return rows
}

func nodeStatus(n *cv.Node) string {
	status := cv.NodeStateText(n)
	if n.Health == "yellow" || n.Health == "red" {
		status += ", health " + strings.ToUpper(n.Health)
	}
	if n.BeingFenced {
		status += ", being fenced"
	}
	return status
}

func primitiveTone(r *cv.Resource) tone {
	switch {
	case r.Failed && !r.FailureIgnored:
		return toneFailed
	case r.Blocked:
		return toneFailed
	case r.PendingOp != "":
		return tonePending
	case r.Unmanaged || r.Orphaned || len(r.Nodes) > 1:
		return toneSpecial
	case r.Role == cv.RolePromoted:
		return tonePromoted
	case r.Role == cv.RoleUnpromoted:
		return toneUnpromoted
	case r.Role == cv.RoleStarted:
		return toneOK
	default:
		return toneStopped
	}
}

// resourceRows flattens the resource tree. A clone shows a header with
// instance counts and, like crm_mon, one line per role listing the nodes,
// plus every instance that needs attention on its own line; expanded clones
// list all instances.
func resourceRows(s *cv.Snapshot, filter string, expanded map[string]bool) []row {
	var rows []row
	for i := range s.Resources {
		rows = appendResource(rows, s, &s.Resources[i], 0, filter, expanded, "")
	}
	return rows
}

// subtreeMatches: the filter hits the id, agent or a node of r or below.
func subtreeMatches(r *cv.Resource, filter string) bool {
	if filter == "" {
		return true
	}
	hit := false
	r.Walk(func(x *cv.Resource, _ int) bool {
		fields := append([]string{x.ID, x.Template}, x.Nodes...)
		if x.Kind == cv.KindPrimitive {
			fields = append(fields, x.Agent())
		}
		if matches(filter, fields...) {
			hit = true
			return false
		}
		return true
	})
	return hit
}

func appendResource(rows []row, s *cv.Snapshot, r *cv.Resource, depth int, filter string, expanded map[string]bool, target string) []row {
	if !subtreeMatches(r, filter) {
		return rows
	}
	// A match on a collective's own id shows all of it.
	if matches(filter, r.ID) {
		filter = ""
	}
	if target == "" {
		target = r.ID
	}
	switch r.Kind {
	case cv.KindGroup:
		rows = append(rows, row{depth: depth, name: r.ID, agent: "group", status: collectiveStatus(r), tone: collectiveTone(r), rsc: target, header: true})
		for i := range r.Children {
			c := &r.Children[i]
			ct := c.ID
			if target != r.ID { // a group inside a clone: act on the clone
				ct = target
			}
			rows = appendResource(rows, s, c, depth+1, filter, expanded, ct)
		}
	case cv.KindClone:
		rows = appendClone(rows, s, r, depth, filter, expanded)
	case cv.KindBundle:
		rows = append(rows, row{depth: depth, name: r.ID, agent: "bundle", status: collectiveStatus(r), tone: collectiveTone(r), rsc: target, header: true})
		for i := range r.Children {
			rows = appendResource(rows, s, &r.Children[i], depth+1, filter, expanded, target)
		}
	default:
		node := ""
		if len(r.Nodes) > 0 {
			node = r.Nodes[0]
		}
		rows = append(rows, row{depth: depth, name: r.ID, agent: r.Agent(), status: cv.StatusText(r, s), tone: primitiveTone(r), rsc: target, node: node})
	}
	return rows
}

// instanceCounts counts a collective's primitive instances by state.
type instanceCounts struct{ total, active, promoted, failed int }

func countInstances(r *cv.Resource) instanceCounts {
	var c instanceCounts
	r.Walk(func(x *cv.Resource, _ int) bool {
		if x.Kind != cv.KindPrimitive {
			return true
		}
		c.total++
		if len(x.Nodes) > 0 {
			c.active++
		}
		if x.Role == cv.RolePromoted {
			c.promoted++
		}
		if x.Failed && !x.FailureIgnored {
			c.failed++
		}
		return true
	})
	return c
}

func collectiveStatus(r *cv.Resource) string {
	c := countInstances(r)
	parts := []string{fmt.Sprintf("%d/%d active", c.active, c.total)}
	if r.Promotable {
		parts = append(parts, fmt.Sprintf("%d promoted", c.promoted))
	}
	if c.failed > 0 {
		parts = append(parts, fmt.Sprintf("%d FAILED", c.failed))
	}
	for _, f := range []struct {
		on   bool
		text string
	}{{r.Unmanaged, "unmanaged"}, {r.Disabled, "disabled"}, {r.Blocked, "blocked"}} {
		if f.on {
			parts = append(parts, f.text)
		}
	}
	return strings.Join(parts, ", ")
}

func collectiveTone(r *cv.Resource) tone {
	c := countInstances(r)
	switch {
	case c.failed > 0 || r.Blocked:
		return toneFailed
	case r.Unmanaged:
		return toneSpecial
	case c.active == 0:
		return toneStopped
	case c.active < c.total && r.Kind == cv.KindGroup:
		return tonePending
	default:
		return toneOK
	}
}

func appendClone(rows []row, s *cv.Snapshot, r *cv.Resource, depth int, filter string, expanded map[string]bool) []row {
	kind := "clone"
	if r.Promotable {
		kind = "promotable"
	}
	if r.Unique {
		kind += " unique"
	}
	name := r.ID
	if r.Template != "" {
		name += " [" + r.Template + "]"
	}
	rows = append(rows, row{depth: depth, name: name, agent: kind, status: collectiveStatus(r), tone: collectiveTone(r), rsc: r.ID, clone: r.ID, header: true})
	if expanded[r.ID] || r.Unique || filter != "" {
		for i := range r.Children {
			rows = appendResource(rows, s, &r.Children[i], depth+1, filter, expanded, r.ID)
		}
		return rows
	}
	byRole := map[cv.Role][]string{}
	activeOn := map[string]bool{}
	for i := range r.Children {
		c := &r.Children[i]
		c.Walk(func(x *cv.Resource, _ int) bool {
			for _, n := range x.Nodes {
				activeOn[n] = true
			}
			return true
		})
		if role, node, ok := cv.FoldableInstance(c); ok && !unclean(s, node) {
			byRole[role] = append(byRole[role], node)
			continue
		}
		if countInstances(c).active == 0 && !c.Failed && c.PendingOp == "" {
			continue
		}
		rows = appendResource(rows, s, c, depth+1, "", expanded, r.ID)
	}
	for _, role := range []cv.Role{cv.RolePromoted, cv.RoleUnpromoted, cv.RoleStarted} {
		if nodes := byRole[role]; len(nodes) > 0 {
			sort.Strings(nodes)
			t := toneOK
			switch role {
			case cv.RolePromoted:
				t = tonePromoted
			case cv.RoleUnpromoted:
				t = toneUnpromoted
			}
			rows = append(rows, row{depth: depth + 1, name: string(role) + ":", status: "[ " + strings.Join(nodes, " ") + " ]", tone: t, rsc: r.ID})
		}
	}
	allowed := r.AllowedNodes
	if len(allowed) == 0 {
		for _, n := range s.Nodes {
			allowed = append(allowed, n.Name)
		}
	}
	var stopped []string
	for _, n := range allowed {
		if !activeOn[n] {
			stopped = append(stopped, n)
		}
	}
	if len(stopped) > 0 {
		sort.Strings(stopped)
		rows = append(rows, row{depth: depth + 1, name: "Stopped:", status: "[ " + strings.Join(stopped, " ") + " ]", tone: toneStopped, rsc: r.ID})
	}
	return rows
}

func unclean(s *cv.Snapshot, node string) bool {
	n := s.Node(node)
	return n != nil && (n.State == cv.NodeUnclean || n.BeingFenced)
}

// failureRows gives each failed action a line with what failed and
// indented lines with the exit reason and timing, then the fail counts.
func failureRows(s *cv.Snapshot, filter string, loc *time.Location) []row {
	var rows []row
	for i := range s.FailedActions {
		fa := &s.FailedActions[i]
		if !matches(filter, fa.Resource, fa.Node) {
			continue
		}
		op := fa.Op
		switch {
		case fa.Op == "monitor" && fa.IntervalMS == 0:
			op = "probe"
		case fa.IntervalMS > 0:
			op += " (" + cv.ReadableDuration(fa.IntervalMS) + ")"
		}
		what := fmt.Sprintf("%s on %s: '%s' (rc=%d)", op, fa.Node, fa.RCText, fa.RC)
		if fa.Status != "" && fa.Status != "complete" {
			what = fmt.Sprintf("%s on %s: could not be executed (%s)", op, fa.Node, fa.Status)
		}
		rows = append(rows, row{name: fa.Resource, status: what, tone: toneFailed, rsc: fa.Resource, node: fa.Node})
		if fa.ExitReason != "" {
			rows = append(rows, row{depth: 1, status: "exit-reason: " + fa.ExitReason, tone: toneNormal, rsc: fa.Resource, node: fa.Node})
		}
		var when []string
		if !fa.LastRCChange.IsZero() {
			when = append(when, "at "+fa.LastRCChange.In(loc).Format("2006-01-02 15:04:05"))
		}
		when = append(when, "exec "+cv.ReadableDuration(fa.ExecMS))
		if fa.QueueMS > 0 {
			when = append(when, "queued "+cv.ReadableDuration(fa.QueueMS))
		}
		if fa.CallID != 0 {
			when = append(when, fmt.Sprintf("call %d", fa.CallID))
		}
		rows = append(rows, row{depth: 1, status: strings.Join(when, ", "), tone: toneDim, rsc: fa.Resource, node: fa.Node})
	}
	var counts []row
	for _, fc := range s.FailCounts {
		if !matches(filter, fc.Resource, fc.Node) {
			continue
		}
		count := fmt.Sprint(fc.Count)
		if fc.Count >= cv.FailCountInfinity {
			count = "INFINITY"
		}
		threshold := "INFINITY"
		if fc.MigrationThreshold > 0 && fc.MigrationThreshold < cv.FailCountInfinity {
			threshold = fmt.Sprint(fc.MigrationThreshold)
		}
		status := fmt.Sprintf("fail-count=%s migration-threshold=%s", count, threshold)
		if !fc.LastFailure.IsZero() {
			status += " last-failure " + fc.LastFailure.In(loc).Format("2006-01-02 15:04:05")
		}
		counts = append(counts, row{name: fc.Resource + " on " + fc.Node, status: status, tone: tonePending, rsc: fc.Resource, node: fc.Node})
	}
	if len(counts) > 0 {
		rows = append(rows, row{name: "Fail counts:", header: true})
		rows = append(rows, counts...)
	}
	return rows
}

func fencingRows(s *cv.Snapshot, filter string, loc *time.Location) []row {
	var rows []row
	for i := range s.Fencing {
		e := &s.Fencing[i]
		if !matches(filter, e.Target, e.Delegate, e.Origin) {
			continue
		}
		t, result := toneOK, "successful"
		switch e.Result {
		case cv.FencingFailed:
			t, result = toneFailed, "failed"
		case cv.FencingPending:
			t, result = tonePending, "pending"
		}
		if e.ExitReason != "" {
			result += " (" + e.ExitReason + ")"
		}
		rows = append(rows, row{name: e.Target, status: e.Action + " " + result, tone: t, node: e.Target})
		var detail []string
		for _, kv := range [][2]string{{"delegate", e.Delegate}, {"origin", e.Origin}, {"client", e.Client}} {
			if kv[1] != "" {
				detail = append(detail, kv[0]+" "+kv[1])
			}
		}
		if !e.Completed.IsZero() {
			detail = append(detail, "completed "+e.Completed.In(loc).Format("2006-01-02 15:04:05"))
		} else if !e.Started.IsZero() {
			detail = append(detail, "requested "+e.Started.In(loc).Format("2006-01-02 15:04:05"))
		}
		if len(detail) > 0 {
			rows = append(rows, row{depth: 1, status: strings.Join(detail, ", "), tone: toneDim, node: e.Target})
		}
	}
	return rows
}

func ticketRows(s *cv.Snapshot, filter string, loc *time.Location) []row {
	var rows []row
	for _, t := range s.Tickets {
		if !matches(filter, t.ID) {
			continue
		}
		status, tn := "revoked", toneStopped
		if t.Granted {
			status, tn = "granted", toneOK
		}
		if t.Standby {
			status += " [standby]"
			tn = toneSpecial
		}
		if !t.LastGranted.IsZero() {
			status += "  last-granted " + t.LastGranted.In(loc).Format("2006-01-02 15:04:05")
		}
		rows = append(rows, row{name: t.ID, status: status, tone: tn})
	}
	return rows
}

// eventText is one log line without the time. Resource actions are
// spelled from their fields, so every one shows result and duration the
// same way whoever sent it; anything else shows the sender's message.
func eventText(e *cv.Event) string {
	isAction := e.Kind == cv.EventActionStarted || e.Kind == cv.EventActionFinished
	if !isAction || e.Resource == "" || e.Op == "" {
		if e.Message != "" {
			return e.Message
		}
		text := string(e.Kind)
		if e.Node != "" {
			text += " " + e.Node
		}
		if e.Result != "" {
			text += ": " + e.Result
		}
		return text
	}
	var b strings.Builder
	op := e.Op
	if op == "monitor" && e.IntervalMS == 0 {
		op = "probe" // a one-shot monitor finds out the state: "not running" is news, not a failure
	}
	b.WriteString(e.Resource + " " + op)
	if e.IntervalMS > 0 {
		b.WriteString(" (" + cv.ReadableDuration(e.IntervalMS) + ")")
	}
	if e.Node != "" {
		b.WriteString(" on " + e.Node)
	}
	if e.Kind == cv.EventActionStarted {
		b.WriteString(": started")
		return b.String()
	}
	result := e.Result
	if result == "" {
		result = "done"
	}
	b.WriteString(": " + result + " (")
	if !e.OK && e.RC != 0 {
		fmt.Fprintf(&b, "rc=%d, ", e.RC)
	}
	b.WriteString(cv.ReadableDuration(e.DurationMS) + ")")
	return b.String()
}

func eventTone(e *cv.Event) tone {
	switch e.Kind {
	case cv.EventActionStarted:
		return tonePending
	case cv.EventActionFinished, cv.EventFencing:
		if e.OK {
			return toneOK
		}
		return toneFailed
	case cv.EventNodeLeft:
		return toneFailed
	case cv.EventNodeJoined:
		return toneOK
	}
	return toneNormal
}

// eventRows lists the log newest first.
func eventRows(events []cv.Event, filter string, loc *time.Location) []row {
	rows := make([]row, 0, len(events))
	for i := len(events) - 1; i >= 0; i-- {
		e := &events[i]
		text := eventText(e)
		if !matches(filter, e.Node, e.Resource, text) {
			continue
		}
		rows = append(rows, row{name: e.Time.In(loc).Format("15:04:05"), status: text, tone: eventTone(e), rsc: e.Resource, node: e.Node})
	}
	return rows
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// byNodeRows lists, node by node, the resource instances active there (like
// crm_mon -n), then what runs nowhere. An instance of a clone acts on the
// clone, anything else on itself.
func byNodeRows(s *cv.Snapshot, filter string) []row {
	type inst struct {
		r      *cv.Resource
		target string
	}
	var all []inst
	for i := range s.Resources {
		top := &s.Resources[i]
		top.Walk(func(r *cv.Resource, _ int) bool {
			if r.Kind != cv.KindPrimitive {
				return true
			}
			target := r.ID
			if top.Kind == cv.KindClone || top.Kind == cv.KindBundle {
				target = top.ID
			}
			all = append(all, inst{r, target})
			return true
		})
	}
	var rows []row
	onNode := map[string][]inst{}
	var idle []inst
	for _, in := range all {
		if len(in.r.Nodes) == 0 {
			if in.target == in.r.ID || in.r.Failed { // stopped clone instances are not news
				idle = append(idle, in)
			}
			continue
		}
		for _, n := range in.r.Nodes {
			onNode[n] = append(onNode[n], in)
		}
	}
	add := func(depth int, in inst, node string) {
		st := *in.r
		st.Nodes = nil // the node is the heading
		rows = append(rows, row{depth: depth, name: in.r.ID, agent: in.r.Agent(), status: cv.StatusText(&st, s),
			tone: primitiveTone(in.r), rsc: in.target, node: node})
	}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		var mine []inst
		for _, in := range onNode[n.Name] {
			if matches(filter, n.Name, in.r.ID, in.target, in.r.Agent()) {
				mine = append(mine, in)
			}
		}
		if len(mine) == 0 && !matches(filter, n.Name) {
			continue
		}
		rows = append(rows, row{name: n.Name, status: nodeStatus(n), tone: nodeTone(n), node: n.Name, header: true,
			detail: fmt.Sprintf("%d active", len(onNode[n.Name]))})
		for _, in := range mine {
			add(1, in, n.Name)
		}
	}
	var shown []inst
	for _, in := range idle {
		if matches(filter, in.r.ID, in.target, in.r.Agent()) {
			shown = append(shown, in)
		}
	}
	if len(shown) > 0 {
		rows = append(rows, row{name: "not running", header: true, tone: toneDim})
		for _, in := range shown {
			add(1, in, "")
		}
	}
	return rows
}
