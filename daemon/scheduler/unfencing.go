package scheduler

// Unfencing (Pacemaker Explained, "Unfencing"): devices that provide it
// unfence each node before resources that require it are probed or
// started there.

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
