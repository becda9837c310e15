package scheduler

// Utilization and placement-strategy (Pacemaker Explained, "Utilization
// and Placement Strategy"): whether a node has room for a resource (with
// what must follow it), and the room left for choosing among equals.

import "pacer/share/score"

// fits reports whether n has room for r (whole: with the resources that
// must follow it).
func (c *cluster) fits(r *Resource, n *Node, whole bool) bool {
	if c.opts.PlacementStrategy == "default" || c.opts.PlacementStrategy == "" {
		return true
	}
	need := r.Util
	if whole {
		need = c.groupNeed(r)
	}
	if c.usage == nil {
		c.usage = map[*Node]map[string]int{}
	}
	for k, v := range need {
		capV, ok := n.Util[k]
		if !ok {
			capV = 0
		}
		if c.usage[n][k]+v > capV {
			return false
		}
	}
	return true
}

func (c *cluster) useCapacity(r *Resource, n *Node) {
	if c.usage == nil {
		c.usage = map[*Node]map[string]int{}
	}
	if c.usage[n] == nil {
		c.usage[n] = map[string]int{}
	}
	for k, v := range r.Util {
		c.usage[n][k] += v
	}
}

func (c *cluster) freeCapacity(n *Node) int {
	total := 0
	for k, v := range n.Util {
		total += v - c.usage[n][k]
	}
	return total
}

// groupNeed is the capacity r needs on a node: its own utilization plus
// that of the unplaced resources that must follow it there.
func (c *cluster) groupNeed(r *Resource) map[string]int {
	need := map[string]int{}
	seen := map[*Resource]bool{}
	var add func(x *Resource)
	add = func(x *Resource) {
		if seen[x] {
			return
		}
		seen[x] = true
		for k, v := range x.Util {
			need[k] += v
		}
		for _, col := range c.colByPrim[x] {
			if col.dep != nil && col.Score >= score.Infinity && !col.dep.assigned && col.dep.Managed && !c.disabled(col.dep) {
				add(col.dep)
			}
		}
	}
	add(r)
	return need
}

// releaseCapacity gives back what r used on n (an assignment undone).
func (c *cluster) releaseCapacity(r *Resource, n *Node) {
	for k, v := range r.Util {
		c.usage[n][k] -= v
	}
}
