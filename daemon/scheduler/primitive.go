package scheduler

// Assigning a primitive (pcmk__primitive_assign): target-role and
// tickets, the colocations both ways (colocation.go), unmanaged and
// blocked resources left where they are, then the best node.

import (
	"pacer/share/score"
	"sort"
)

// nodeUsable reports whether n may host r at all.
func (c *cluster) nodeUsable(r *Resource, n *Node) bool {
	if !n.canRun() {
		return false
	}
	return true
}

// disabled reports whether target-role or tickets keep r stopped.
func (c *cluster) disabled(r *Resource) bool {
	if c.opts.StopAll {
		return true
	}
	for _, x := range r.chain() {
		if x != r && x.Kind == Clone {
			// an instance inherits the clone's target-role unless its
			// template sets its own, which wins
			continue
		}
		if x.TargetRole == "Stopped" {
			return true
		}
		if x.stopOnFailOf() {
			return true
		}
	}
	return c.ticketDenied(r)
}

func (r *Resource) stopOnFailOf() bool { return r.stopOnFail }

// choose picks the best node: highest score, then the current node, then
// the node with fewest resources, then configuration order.
func (c *cluster) choose(r *Resource, s scores) *Node {
	var cands []*Node
	alone := false
	for _, whole := range []bool{true, false} {
		alone = !whole
		for i, v := range s {
			n := c.nodes[i]
			if v < 0 || !c.nodeUsable(r, n) { // noScore is negative
				continue
			}
			if !c.fits(r, n, whole) {
				continue
			}
			cands = append(cands, n)
		}
		if len(cands) > 0 {
			break
		}
		// Nowhere fits it with its followers: place it alone.
	}
	if len(cands) == 0 {
		return nil
	}
	var cur *Node
	if len(r.Running) == 1 {
		cur = r.Running[0]
	}
	sort.Slice(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if sa, sb := s.at(a), s.at(b); sa != sb {
			return sa > sb
		}
		if alone {
			// No node takes it with the resources that must follow it:
			// the one with the most room left takes as many as it can.
			if ca, cb := c.freeCapacity(a), c.freeCapacity(b); ca != cb {
				return ca > cb
			}
		}
		if c.opts.PlacementStrategy == "balanced" || c.opts.PlacementStrategy == "minimal" {
			// more remaining capacity first for balanced
			ca, cb := c.freeCapacity(a), c.freeCapacity(b)
			if c.opts.PlacementStrategy == "balanced" && ca != cb {
				return ca > cb
			}
		}
		if c.assignedCount[a] != c.assignedCount[b] && c.opts.PlacementStrategy != "minimal" {
			return c.assignedCount[a] < c.assignedCount[b]
		}
		return a.Name < b.Name
	})
	best := cands[0]
	if r.prefer != nil {
		// A clone instance's first try: its current node, if that is
		// among the best.
		for _, n := range cands {
			if n == r.prefer && s.at(n) == s.at(best) {
				return n
			}
		}
	}
	if cur != nil && s.at(cur) == s.at(best) && cur != best && (c.assignedCount[cur] == c.assignedCount[best] || c.opts.PlacementStrategy == "minimal") {
		for _, n := range cands {
			if n == cur {
				return cur
			}
		}
	}
	return best
}

// assignPrimitive assigns a primitive to its best node (or none), as
// pcmk__primitive_assign does: its mandatory colocations with primaries
// first, then what must follow it, then optional colocations both ways;
// unmanaged and blocked resources stay where they are.
func (c *cluster) assignPrimitive(r *Resource) {
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
	// Unmanaged resources stay where they are, and so do those a revoked
	// ticket freezes.
	if !r.Managed || r.Blocked || c.ticketFrozen(r) {
		if c.showScores {
			// what its colocations make of its scores all the same
			s := r.Allowed.copy()
			for _, col := range mine {
				if col.Score.IsInfinite() {
					c.applyColocation(r, col, s)
				}
			}
			s = c.mergeWithThis(r, s, true)
			for _, col := range c.thisWith(r) {
				if !col.Score.IsInfinite() {
					c.applyColocation(r, col, s)
				}
			}
			r.final = c.mergeWithThis(r, s, false)
		}
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
