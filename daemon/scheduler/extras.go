package scheduler

// Actions that never change the summary but belong in the graph: probes,
// recurring monitors, fencing and shutdown order, and the group pseudo
// actions that mark a group started or stopped.

import "slices"

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

// finishPseudo marks group pseudo actions needed when a member acts.
func (c *cluster) finishPseudo() {
	for _, r := range c.allList {
		if r.migrateTo != nil {
			c.finishMigration(r)
		}
	}
	for _, g := range c.allList {
		if g.Kind == Clone && g.gStart != nil {
			c.finishClonePseudo(g)
			continue
		}
		if g.Kind != Group || g.gStart == nil {
			continue
		}
		for _, m := range g.Children {
			if st := c.startOf(m); st != nil && st.required && st.runnable && st.node != nil {
				g.gStart.required = true
				g.gRunning.required = true
			}
			for _, s := range c.stopsOf(m) {
				if s.required && (s.runnable || s.pseudo) {
					g.gStop.required = true
					g.gStopped.required = true
				}
			}
		}
		if !g.gRunning.runnable {
			g.gRunning.required = false
		}
	}
}

// unfencing: a fencing device that provides unfencing (fence_scsi and the
// like) must unfence each node before it is probed or started there.
func (c *cluster) unfencing() {
	if !c.opts.FencingEnabled {
		return
	}
	for _, r := range c.allList {
		if r.Kind != Primitive || r.Class != "stonith" || r.Meta["provides"] != "unfencing" {
			continue
		}
		for _, n := range c.nodes {
			if !n.Online || n.Unclean || n.Fence || r.Probed[n] {
				continue
			}
			if _, done := n.Attrs["#node-unfenced"]; done {
				continue
			}
			if c.unfenceOps == nil {
				c.unfenceOps = map[*Node]*action{}
			}
			if c.unfenceOps[n] != nil {
				continue
			}
			a := c.newAction(nil, "stonith", n)
			a.required = true
			a.reason = "required by " + r.ID + " monitor"
			c.unfenceOps[n] = a
			if r.start != nil && r.start.node != nil {
				c.addOrder(a, r.start, 0)
			}
		}
	}
	for _, n := range c.nodes {
		if !c.reunfence[n] {
			continue
		}
		if c.unfenceOps == nil {
			c.unfenceOps = map[*Node]*action{}
		}
		a := c.unfenceOps[n]
		if a == nil {
			a = c.newAction(nil, "stonith", n)
			a.required = true
			a.reason = "Device definition changed"
			c.unfenceOps[n] = a
		}
		// what needs the node unfenced stops first (and starts after)
		for _, r := range c.allList {
			if r.Kind != Primitive || !r.runningOn(n) || r.stops[n] == nil {
				continue
			}
			if r.Requires == "unfencing" || r.Class == "stonith" && r.Meta["provides"] == "unfencing" {
				c.addOrder(r.stops[n], a, 0)
				if r.start != nil && r.start.node == n {
					c.addOrder(a, r.start, fImpliesThen)
				}
			}
		}
	}
	if len(c.unfenceOps) == 0 {
		return
	}
	// Nothing that needs the node unfenced is probed or started there
	// before it is: not the devices that unfence, not the resources
	// that require unfencing.
	for _, a := range c.actions[:len(c.actions):len(c.actions)] {
		u := c.unfenceOps[a.node]
		if u == nil || a.rsc == nil || a.pseudo || (a.task != "start" && !a.probe) {
			continue
		}
		if a.rsc.Requires == "unfencing" || a.probe && a.rsc.Class == "stonith" && a.rsc.Meta["provides"] == "unfencing" {
			c.addOrder(u, a, 0)
		}
	}
}

// requireUnfencing: when a fencing device provides unfencing, resources
// default to requires=unfencing (Pacemaker Explained): they run only on
// nodes that have been unfenced, which includes having been fenced.
func (c *cluster) requireUnfencing() {
	if !c.opts.FencingEnabled {
		return
	}
	any := false
	for _, r := range c.allList {
		if r.Kind == Primitive && r.Class == "stonith" && r.Meta["provides"] == "unfencing" {
			any = true
			break
		}
	}
	if !any {
		return
	}
	for _, r := range c.allList {
		if r.Kind == Primitive && r.Class != "stonith" && !r.requiresSet {
			r.Requires = "unfencing"
		}
	}
}
