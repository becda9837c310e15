package scheduler

// Probes (Pacemaker Explained, "Resource discovery"), recurring monitors,
// and the actions around fencing and shutdown that never change the
// Transition Summary but belong in the graph.

import "slices"

// probeAllowed reports whether r may be probed on n (resource-discovery).
func (c *cluster) probeAllowed(r *Resource, n *Node) bool {
	if !n.Online || n.Unclean || n.Pending || n.Shutdown {
		return false
	}
	// walked in place: this runs for every resource on every node
	idx := c.locIndex()
	for x := r; x != nil; x = x.Parent {
		for _, l := range idx[x] {
			if l.Discovery == "never" && (l.Node == n.Name || l.Node == "") {
				return false
			}
		}
	}
	return true
}

// extraActions adds probes, monitors, fencing and shutdown ordering.
func (c *cluster) extraActions() {
	var fences []*action
	var dcFence *action
	for _, n := range c.nodes {
		if a := c.fenceOps[n]; a != nil {
			if n.DC {
				dcFence = a
			} else {
				fences = append(fences, a)
			}
		}
	}
	if dcFence != nil {
		for _, f := range fences {
			c.addOrder(f, dcFence, 0)
		}
		fences = append(fences, dcFence)
	}
	// Room for a probe and its ordering per primitive and node up front:
	// growing these lists step by step copies them again and again.
	prims := 0
	for _, r := range c.allList {
		if r.Kind == Primitive {
			prims++
		}
	}
	c.actions = slices.Grow(c.actions, prims*(len(c.nodes)+1))
	for _, r := range c.allList {
		if r.Kind != Primitive || r.stops == nil || !r.Managed || r.fixed {
			continue
		}
		var probes []*action
		for _, n := range c.nodes {
			if n.Pending && !r.Probed[n] && r.start != nil && r.start.node != nil && !r.runningOn(r.start.node) {
				// A node still joining may run anything: nothing starts
				// until it can be probed.
				p := c.newAction(r, "monitor", n)
				p.probe = true
				p.runnable = false
				c.addOrder(p, r.start, fRunnableLeft)
				continue
			}
			if r.Probed[n] || !c.probeAllowed(r, n) || !c.probesFor(r, n) {
				continue
			}
			p := c.newAction(r, "monitor", n)
			p.required = true
			p.probe = true
			if probes == nil {
				probes = make([]*action, 0, len(c.nodes))
			}
			probes = append(probes, p)
		}
		st := r.start
		if st != nil && st.node != nil {
			// The start waits for the probes. These orderings imply
			// nothing, so instead of one order each among c.orders (one
			// per resource and node) they stay with the resource and only
			// become graph inputs.
			r.probes = probes
			if cl := r.cloneOf(); cl != nil && cl.gStart != nil {
				// no instance starts before the clone is probed everywhere
				for _, p := range probes {
					c.addOrder(p, cl.gStart, 0)
				}
			}
			if r.Requires == "fencing" || r.Requires == "unfencing" {
				for _, f := range fences {
					c.addOrder(f, st, 0)
				}
			}
			// recurring monitors on the node it will run on
			for _, op := range r.Ops {
				if op.Name != "monitor" || op.Interval == 0 || !op.Enabled {
					continue
				}
				if !monitorForRole(r, op) {
					continue
				}
				m := c.newAction(r, "monitor", st.node)
				m.interval = op.Interval
				m.op = op
				m.runnable = st.runnable
				m.required = st.required
				if !st.required && r.runningOn(st.node) {
					if h := r.history[st.node]; h != nil {
						if _, ok := h.monitors[op.Interval]; !ok {
							m.required = true
						}
					}
				}
				c.addOrder(st, m, fImpliesThen|fRunnableLeft)
				if op.Role == "Promoted" && r.promote != nil {
					// the promoted role's monitor runs once promoted
					c.addOrder(r.promote, m, fImpliesThen|fRunnableLeft)
				}
			}
		}
	}
	for _, n := range c.nodes {
		if !n.Shutdown || n.Fence {
			continue
		}
		sd := c.newAction(nil, "do_shutdown", n)
		sd.required = true
		for _, r := range c.allList {
			if r.Kind == Primitive && r.stops != nil {
				if s := r.stops[n]; s != nil {
					c.addOrder(s, sd, 0)
				}
			}
		}
	}
}
