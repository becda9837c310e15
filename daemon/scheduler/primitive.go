package scheduler

import "sort"

// runnable reports whether nodes may host the resource at all.
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
	for _, t := range c.ticketsOf(r) {
		if t.Role == "Promoted" && t.LossPolicy != "stop" {
			continue // limits promotion only (setPromotedRoles)
		}
		st := c.ticketState[t.Ticket]
		granted := st != nil && st.Granted
		standby := st != nil && st.Standby
		if !granted || standby {
			// freeze keeps running resources where they are when the
			// ticket is revoked; standby always hands over gracefully.
			if t.LossPolicy == "freeze" && !granted && len(r.Running) > 0 {
				continue
			}
			return true
		}
	}
	return false
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
		// A clone instance's first try: its current node, wherever it
		// may run at all, so instances do not shuffle between nodes.
		for _, n := range cands {
			if n == r.prefer {
				return n
			}
		}
		return nil
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
