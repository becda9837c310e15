package scheduler

import (
	"pacer/share/options"
	"sort"
	"strings"

	"pacer/share/score"
)

func (c *cluster) contribute(r *Resource, n *Node, s score.Score, src string) {
	if s == 0 || r.Kind != Primitive {
		// a group's or clone's own scores are its members' reasons
		return
	}
	r.Why = append(r.Why, Contribution{Node: n.Name, Score: s, Source: src})
}

// ancestors returns r and its parents, innermost first.
func (r *Resource) chain() []*Resource {
	var out []*Resource
	for x := r; x != nil; x = x.Parent {
		out = append(out, x)
	}
	return out
}

func itoa(n int) string { return score.Score(n).String() }

// place assigns every resource to a node (or none).
func (c *cluster) place() {
	for _, r := range c.allList {
		if r.Kind == Primitive || r.Kind == Group {
			r.Allowed = c.baseScores(r)
		}
	}
	// implicit group colocations
	for _, g := range c.allList {
		if g.Kind != Group {
			continue
		}
		if v, ok := g.Meta["collocated"]; ok && !options.IsTrue(v) {
			continue
		}
		for i := 1; i < len(g.Children); i++ {
			c.colocations = append(c.colocations, &Colocation{ID: g.ID + "-members", Dep: g.Children[i], Prim: g.Children[i-1], Score: score.Infinity, Influence: true, implicit: true})
		}
	}
	c.colByDep = map[*Resource][]*Colocation{}
	c.colByPrim = map[*Resource][]*Colocation{}
	for _, col := range c.colocations {
		col.dep, col.prim = firstPrimitive(col.Dep), firstPrimitive(col.Prim)
		c.colByDep[col.dep] = append(c.colByDep[col.dep], col)
		c.colByPrim[col.prim] = append(c.colByPrim[col.prim], col)
	}
	c.assignedCount = map[*Node]int{}
	for _, r := range c.allList {
		for _, n := range r.partialOn {
			c.assignedCount[n]++
		}
	}
	order := c.assignOrder()
	for _, r := range order {
		c.assign(r)
	}
	c.unassignUninterleaved()
}

// assignOrder sorts top-level resources: higher priority first, then the
// ones with a higher score on their current node, then configuration order.
func (c *cluster) assignOrder() []*Resource {
	var out []*Resource
	for _, r := range c.resources {
		out = append(out, r)
	}
	first := func(r *Resource) *Resource {
		p := r
		for p != nil && p.Kind != Primitive {
			if len(p.Children) == 0 {
				return nil
			}
			p = p.Children[0]
		}
		return p
	}
	cur := func(r *Resource) score.Score {
		// Pacemaker compares a resource that is not running by its
		// priority here; keep that so ties break the same way.
		p := first(r)
		if p == nil || len(p.Running) == 0 {
			return r.Priority
		}
		n := p.Running[0]
		v, ok := p.Allowed.get(n)
		if !ok {
			return r.Priority
		}
		if !n.canRun() {
			return score.MinusInfinity
		}
		if r.Kind == Group {
			// a group counts what all its members think of the node
			for _, m := range r.primitives()[1:] {
				v = score.Add(v, m.Allowed.at(n))
			}
		}
		if r.Kind == Clone && p.Managed && len(p.Running) == 1 && !v.IsInfinite() {
			// a clone is ordered by its own preferences, not by the
			// stickiness of an instance
			v -= p.Stickiness
		}
		return v
	}
	at := func(r *Resource, n *Node) score.Score {
		p := first(r)
		if p == nil {
			return score.MinusInfinity
		}
		v, ok := p.Allowed.get(n)
		if !ok {
			return score.MinusInfinity
		}
		return v
	}
	_ = at
	// Each resource's score on its current node is computed once, not in
	// every comparison.
	type keyed struct {
		r   *Resource
		cur score.Score
	}
	ks := make([]keyed, len(out))
	for i, r := range out {
		ks[i] = keyed{r, cur(r)}
	}
	sort.SliceStable(ks, func(i, j int) bool {
		a, b := ks[i], ks[j]
		if a.r.Priority != b.r.Priority {
			return a.r.Priority > b.r.Priority
		}
		if a.cur != b.cur {
			return a.cur > b.cur
		}
		return false
	})
	for i, k := range ks {
		out[i] = k.r
	}
	return out
}

func (c *cluster) assign(r *Resource) {
	if r.assigned || r.assigning {
		return
	}
	switch r.Kind {
	case Group:
		r.assigning = true
		if c.showScores {
			// crm_simulate shows a group's scores and its members' as
			// they are when the group's assignment begins
			c.logScores("pcmk__group_assign", r, r.Allowed)
			for _, m := range r.Children {
				c.logScores("pcmk__group_assign", m, m.Allowed)
			}
		}
		for _, ch := range r.Children {
			c.assign(ch)
		}
		r.assigning = false
		r.assigned = true
		if len(r.Children) > 0 {
			r.Assigned = r.Children[0].Assigned
		}
		return
	case Clone:
		if r.clone != nil {
			c.assignClone(r)
		}
		r.assigned = true
		return
	}
	r.assigning = true
	r.final = nil
	defer func() {
		r.assigning = false
		r.assigned = true
		if c.showScores && !r.Orphan {
			if r.final != nil {
				c.logScores("pcmk__primitive_assign", r, r.final)
			} else {
				c.logScores("pcmk__primitive_assign", r, r.Allowed)
			}
		}
	}()
	// Primaries first; a mandatory colocation narrows where this resource
	// may go at once, so primaries placed later see it.
	mine := c.thisWith(r)
	// A group goes where all of its members may go: the first member
	// carries the mandatory colocations of the later ones with resources
	// outside the group.
	if g := r.Parent; g != nil && g.Kind == Group && len(g.Children) > 0 && g.Children[0] == r {
		for _, m := range g.Children[1:] {
			for _, col := range c.colByDep[m] {
				if col.Score.IsInfinite() && col.Prim.top() != g.top() && !col.implicit {
					mine = append(mine, col)
				}
			}
		}
	}
	// Higher-priority primaries are placed first.
	sort.SliceStable(mine, func(i, j int) bool { return mine[i].Prim.top().Priority > mine[j].Prim.top().Priority })
	for _, col := range mine {
		{
			c.assign(col.Prim.top())
			c.assign(col.Prim)
			if col.Score.IsInfinite() && r.Managed && !r.Blocked {
				c.applyColocation(r, col, r.Allowed)
			}
		}
	}
	if c.disabled(r) {
		// it will be stopped: banned from every node before anything
		// else is decided (and shown so)
		for i, v := range r.Allowed {
			if v != noScore {
				r.Allowed[i] = score.MinusInfinity
			}
		}
	}
	for _, n := range r.Running {
		if n.Maintenance {
			r.Managed = false
		}
	}
	if len(r.Running) > 1 && r.MultipleActive == "block" {
		r.Blocked = true
	}
	if len(r.Running) > 1 && r.MultipleActive == "stop_only" {
		return
	}
	// Unmanaged resources stay where they are.
	if !r.Managed || r.Blocked {
		if len(r.Running) > 0 {
			r.Assigned = r.Running[0]
			c.assignedCount[r.Assigned]++
		}
		r.fixed = true
		return
	}
	if r.Orphan {
		if !c.opts.StopOrphans && len(r.Running) > 0 {
			r.Assigned = r.Running[0]
			r.fixed = true
		}
		return
	}
	// Nodes that cannot run anything keep their scores: they are
	// passed over when the node is chosen (and count as unavailable when
	// an optional colocation asks whether anywhere is left).
	s := r.Allowed.copy()
	// Mandatory colocations first (those with primaries were applied
	// above), so that as many as possible are satisfied: the preferences
	// of the resources that must follow this one, then optional
	// colocations with placed primaries and the preferences of those
	// that would like to follow (each dropped when it would leave
	// nowhere to run).
	s = c.mergeWithThis(r, s, true)
	for _, col := range c.thisWith(r) {
		if !col.Score.IsInfinite() {
			c.applyColocation(r, col, s)
		}
	}
	s = c.mergeWithThis(r, s, false)
	if c.disabled(r) {
		for i, v := range s {
			if v != noScore {
				s[i] = score.MinusInfinity
			}
		}
	}
	r.final = s
	// Utilization
	best := c.choose(r, s)
	if best != nil {
		r.Assigned = best
		c.assignedCount[best]++
		c.useCapacity(r, best)
	}
}

var _ = strings.TrimSpace

// firstPrimitive is the primitive a group's placement follows.
func firstPrimitive(r *Resource) *Resource {
	for r != nil && r.Kind == Group {
		if len(r.Children) == 0 {
			return nil
		}
		r = r.Children[0]
	}
	return r
}

func (c *cluster) sortedNodes() []*Node {
	out := append([]*Node(nil), c.nodes...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
