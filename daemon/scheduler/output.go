package scheduler

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"pacer/share/graph"
)

// Status is the unpacked cluster state.
type Status struct {
	Nodes      []NodeStatus
	Resources  []RscStatus // top level, configuration order
	HaveQuorum bool
	DC         string
}

// NodeStatus is one node's state.
type NodeStatus struct {
	Name, ID                                                 string
	Online, Unclean, Pending, Standby, Maintenance, Shutdown bool
	StandbyOnFail                                            bool
	FenceReason                                              string
	Health                                                   string
	Attrs                                                    map[string]string
	Util                                                     map[string]int
}

// RscStatus is one resource (tree) and where it runs.
type RscStatus struct {
	ID                    string
	Kind                  string // primitive, group, clone
	Promotable            bool
	Unique                bool   // a globally-unique clone
	Template              string // the id of what a clone clones
	Agent                 string
	Class, Provider, Type string
	Role                  string
	Nodes                 []string
	Failed                bool
	Managed               bool
	Blocked               bool
	Orphan                bool
	TargetRole            string
	Pending               string
	Children              []RscStatus
	FailIgnored           bool
}

func (c *cluster) status() *Status {
	s := &Status{HaveQuorum: c.opts.HaveQuorum}
	if c.dc != nil {
		s.DC = c.dc.Name
	}
	for _, n := range c.nodes {
		health := ""
		if c.opts.HealthStrategy != "none" && c.opts.HealthStrategy != "" {
			health = healthWord(n)
		}
		s.Nodes = append(s.Nodes, NodeStatus{Health: health, Name: n.Name, ID: n.ID, Online: n.Online, Unclean: n.Unclean, Pending: n.Pending,
			Standby: n.Standby, Maintenance: n.Maintenance, Shutdown: n.Shutdown, StandbyOnFail: n.StandbyFail, FenceReason: n.FenceReason,
			Attrs: n.Attrs, Util: n.Util})
	}
	for _, r := range c.resources {
		if r.Orphan && len(r.Running) == 0 {
			continue
		}
		s.Resources = append(s.Resources, rscStatus(r))
	}
	return s
}

func rscStatus(r *Resource) RscStatus {
	rs := RscStatus{ID: r.ID, Promotable: r.Promotable, Class: r.Class, Provider: r.Provider, Type: r.Type, Role: r.Role,
		Failed: r.Failed, Managed: r.Managed, Blocked: r.Blocked, Orphan: r.Orphan, TargetRole: r.TargetRole, Pending: r.Pending, FailIgnored: r.failIgnored}
	switch r.Kind {
	case Primitive:
		rs.Kind = "primitive"
		rs.Agent = r.agent()
	case Group:
		rs.Kind = "group"
	case Clone:
		rs.Kind = "clone"
		rs.Unique = r.clone != nil && r.clone.unique
		if r.clone != nil && r.clone.tmpl != nil {
			rs.Template = r.clone.tmpl.ID
		} else if t := cloneTemplate(r); t != nil {
			rs.Template = t.ID
		}
	}
	if rs.Role == "" {
		rs.Role = "Stopped"
	}
	for _, n := range r.Running {
		rs.Nodes = append(rs.Nodes, n.Name)
	}
	for _, ch := range r.Children {
		rs.Children = append(rs.Children, rscStatus(ch))
	}
	return rs
}

// scoreLines renders allocation scores like crm_simulate -s.
func (c *cluster) scoreLines() []string {
	out := append([]string(nil), c.scoreLog...)
	sort.Strings(out)
	return out
}

// logScores keeps the node scores of r as crm_simulate -s prints them at
// step fn of the assignment (pcmk__primitive_assign, ...): every node
// that has a score.
func (c *cluster) logScores(fn string, r *Resource, s scores) {
	for _, n := range c.nodes {
		if v, ok := s.get(n); ok {
			c.scoreLog = append(c.scoreLog, fn+": "+r.ID+" allocation score on "+n.Name+": "+v.String())
		}
	}
}

// buildGraph turns the required, runnable actions into a transition graph.
func (c *cluster) buildGraph(id int) *graph.Graph {
	g := &graph.Graph{TransitionID: id, ClusterDelay: c.opts.ClusterDelay, FencingTimeout: c.opts.FencingTimeout}
	var in []*action
	for _, a := range c.actions {
		if c.inGraph(a) {
			in = append(in, a)
		}
	}
	for i, a := range in {
		a.id = i
	}
	idx := make([]*graph.Action, len(c.actions))
	// One backing array for all actions: large clusters have a graph
	// action per probe, and one allocation each costs more than the rest
	// of the graph.
	slab := make([]graph.Action, len(in))
	g.Actions = make([]*graph.Action, 0, len(in))
	for i, a := range in {
		ga := &slab[i]
		ga.ID, ga.Task = a.id, a.task
		ga.Attrs = make(map[string]string, c.attrCount(a))
		switch {
		case a.task == "stonith" || a.task == "do_shutdown":
			ga.Kind = graph.Event
			ga.Key = a.task
			if a.task == "stonith" {
				act := c.opts.FencingAction
				if c.unfenceOps[a.node] == a {
					act = "on"
				}
				ga.Key = "stonith-" + a.node.Name + "-" + act
				ga.Attrs["CRM_meta_stonith_action"] = act
			}
		case a.pseudo:
			ga.Kind = graph.Pseudo
			ga.Key = a.rsc.ID + "_" + a.task + "_0"
		default:
			ga.Kind = graph.RscOp
			ga.Key = a.key()
			if a.rsc.graphRsc == nil {
				a.rsc.graphRsc = graphResource(a.rsc)
			}
			ga.Resource = a.rsc.graphRsc
			for k, v := range a.rsc.Params {
				ga.Attrs[k] = v
			}
			c.cloneMeta(a, ga.Attrs)
			if a.notify != nil {
				c.notifyMeta(a, ga.Attrs)
			}
			if a.task == "migrate_to" || a.task == "migrate_from" {
				c.migrateMeta(a, ga.Attrs)
			}
			ga.Attrs["CRM_meta_timeout"] = c.timeoutText(c.opTimeout(a.rsc, a.task, a.interval))
			if a.interval > 0 {
				ga.Attrs["CRM_meta_interval"] = strconv.FormatInt(int64(a.interval/time.Millisecond), 10)
				ga.Attrs["CRM_meta_name"] = a.task
			} else if a.task == "monitor" {
				// A probe succeeds when it finds the resource stopped; the
				// controller and the recorded transition key read this.
				ga.Attrs["CRM_meta_op_target_rc"] = "7"
			}
		}
		if a.node != nil && !a.pseudo {
			ga.Node = a.node.Name
			ga.NodeUUID = a.node.ID
			ga.Attrs["CRM_meta_on_node"] = a.node.Name
			ga.Attrs["CRM_meta_on_node_uuid"] = a.node.ID
		}
		idx[a.seq] = ga
		g.Actions = append(g.Actions, ga)
	}
	// Inputs are counted first so that all of them share one array, each
	// action's part capped so an append elsewhere cannot spill over.
	count := make([]int, len(in))
	total := 0
	for _, o := range c.orders {
		if o.first == nil {
			continue
		}
		if f, t := idx[o.first.seq], idx[o.then.seq]; f != nil && t != nil {
			count[t.ID]++
			total++
		}
	}
	for _, r := range c.allList {
		if t := probedStart(r, idx); t != nil {
			for _, p := range r.probes {
				if idx[p.seq] != nil {
					count[t.ID]++
					total++
				}
			}
		}
	}
	inputs := make([]int, total)
	for i, ga := range g.Actions {
		if n := count[i]; n > 0 {
			ga.Inputs, inputs = inputs[:0:n], inputs[n:]
		}
	}
	for _, o := range c.orders {
		if o.first == nil {
			continue
		}
		f, t := idx[o.first.seq], idx[o.then.seq]
		if f == nil || t == nil {
			continue
		}
		t.Inputs = append(t.Inputs, f.ID)
	}
	for _, r := range c.allList {
		if t := probedStart(r, idx); t != nil {
			for _, p := range r.probes {
				if f := idx[p.seq]; f != nil {
					t.Inputs = append(t.Inputs, f.ID)
				}
			}
		}
	}
	// Several orderings may link the same pair: each input once, sorted.
	for _, a := range g.Actions {
		if len(a.Inputs) > 1 {
			sort.Ints(a.Inputs)
			a.Inputs = slices.Compact(a.Inputs)
		}
	}
	return g
}

// probedStart is the graph action of r's start when it waits for probes.
func probedStart(r *Resource, idx []*graph.Action) *graph.Action {
	if len(r.probes) == 0 || r.start == nil {
		return nil
	}
	return idx[r.start.seq]
}

// attrCount is how many attributes buildGraph gives a's graph action, so
// its map is made at the right size (a small map is much cheaper).
func (c *cluster) attrCount(a *action) int {
	n := 0
	switch {
	case a.task == "stonith" || a.task == "do_shutdown":
		n = 1
	case a.pseudo:
	default:
		n = len(a.rsc.Params) + 1
		if a.rsc.instOf != nil {
			n += 7
		}
		if a.notify != nil {
			n += 25
		}
		if a.interval > 0 || a.task == "monitor" {
			n += 2
		}
	}
	if a.node != nil && !a.pseudo {
		n += 2
	}
	return n
}

func (c *cluster) inGraph(a *action) bool {
	if !a.required || !a.runnable {
		return false
	}
	if a.rsc != nil && a.node == nil && !a.pseudo {
		return false
	}
	if a.pseudo && a.rsc != nil && a.rsc.Kind == Group && !a.required {
		return false
	}
	return true
}

func (c *cluster) opTimeout(r *Resource, task string, interval time.Duration) time.Duration {
	if o := r.findOp(task, interval); o != nil && o.Timeout > 0 {
		return o.Timeout
	}
	if v, ok := c.opDefaults["timeout"]; ok {
		if d, err := parseIntervalLoose(v); err == nil {
			return d
		}
	}
	return 20 * time.Second
}

// executedLines lists the graph's actions in a dependency order: in rounds,
// each round taking, in graph order, every action whose inputs are done
// (including those done earlier in the same round).
func executedLines(g *graph.Graph) []string {
	// The scheduler numbers actions 0..n-1; a graph read from elsewhere
	// may not, and then its ids are mapped onto that range first.
	pos := func(id int) int { return id }
	dense := true
	for _, a := range g.Actions {
		if a.ID < 0 || a.ID >= len(g.Actions) {
			dense = false
			break
		}
	}
	if !dense {
		m := make(map[int]int, len(g.Actions))
		for i, a := range g.Actions {
			if _, ok := m[a.ID]; !ok {
				m[a.ID] = i
			}
		}
		pos = func(id int) int {
			if i, ok := m[id]; ok {
				return i
			}
			return -1
		}
	}
	done := make([]bool, len(g.Actions))
	order := make([]*graph.Action, 0, len(g.Actions))
	remaining := append([]*graph.Action(nil), g.Actions...)
	next := make([]*graph.Action, 0, len(remaining))
	for len(remaining) > 0 {
		next = next[:0]
		progressed := false
		for _, a := range remaining {
			ready := true
			for _, in := range a.Inputs {
				if p := pos(in); p < 0 || p >= len(done) || !done[p] {
					ready = false
					break
				}
			}
			if !ready {
				next = append(next, a)
				continue
			}
			done[pos(a.ID)] = true
			progressed = true
			order = append(order, a)
		}
		if !progressed {
			break
		}
		remaining, next = next, remaining
	}
	// All lines are written into one buffer and cut from a single string:
	// a large transition has a line per probe.
	var b strings.Builder
	b.Grow(len(order) * 56) // a typical resource action line
	ends := make([]int, len(order))
	for i, a := range order {
		writeExecLine(&b, a)
		ends[i] = b.Len()
	}
	text := b.String()
	out := make([]string, len(order))
	start := 0
	for i, end := range ends {
		out[i] = text[start:end]
		start = end
	}
	return out
}

// writeExecLine writes a's line of the transcript to b.
func writeExecLine(b *strings.Builder, a *graph.Action) {
	switch a.Kind {
	case graph.Event:
		if a.Task == "stonith" {
			fmt.Fprintf(b, "  * Fencing %s (%s)", a.Node, a.Attrs["CRM_meta_stonith_action"])
			return
		}
		fmt.Fprintf(b, "  * Cluster action:  %s on %s", a.Task, a.Node)
		return
	case graph.Pseudo:
		fmt.Fprintf(b, "  * Pseudo action:   %s", a.Key)
		return
	}
	b.WriteString("  * Resource action: ")
	id := a.Resource.ID
	if a.Resource.LongID != "" {
		id = a.Resource.LongID // the clone instance
	}
	b.WriteString(id)
	for i := len(id); i < 15; i++ {
		b.WriteByte(' ')
	}
	b.WriteByte(' ')
	b.WriteString(a.Task)
	if iv := a.Attrs["CRM_meta_interval"]; iv != "" && iv != "0" {
		b.WriteByte('=')
		b.WriteString(iv)
	}
	b.WriteString(" on ")
	b.WriteString(a.Node)
}

// healthWord is the worst #health attribute colour of a node, "" when green.
func healthWord(n *Node) string {
	worst := ""
	for k, v := range n.Attrs {
		if !strings.HasPrefix(k, "#health") {
			continue
		}
		switch strings.ToLower(v) {
		case "red":
			worst = "RED"
		case "yellow":
			if worst == "" {
				worst = "YELLOW"
			}
		}
	}
	return worst
}

// timeoutText formats a timeout in ms, reusing the few distinct strings.
func (c *cluster) timeoutText(d time.Duration) string {
	if s, ok := c.msText[d]; ok {
		return s
	}
	if c.msText == nil {
		c.msText = map[time.Duration]string{}
	}
	s := strconv.FormatInt(int64(d/time.Millisecond), 10)
	c.msText[d] = s
	return s
}
