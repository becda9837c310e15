package scheduler

// Assignment (Pacemaker Explained, "Resource placement"): each resource
// in turn, highest priority first, is assigned to the node where its
// score is highest (or to none), each variant as its file says:
// primitive.go, group.go, clone.go, promotable.go. Scores start from
// locations and stickiness (location.go) and move with colocations
// (colocation.go) and utilization (utilization.go).

import (
	"pacer/share/options"
	"sort"

	"pacer/share/score"
)

// contribute records one reason a primitive's score on n changed (for
// resource why).
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
		if r.Kind == Clone {
			// A clone is ordered by its own table, not by what only an
			// instance has there: its stickiness, or the INFINITY of an
			// unmanaged instance where it runs.
			cv, ok := r.Allowed.get(n)
			if !ok {
				return r.Priority
			}
			v = cv
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
		c.assignGroup(r)
	case Clone:
		if r.clone != nil {
			c.assignClone(r)
		}
		r.assigned = true
	default:
		c.assignPrimitive(r)
	}
}

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
