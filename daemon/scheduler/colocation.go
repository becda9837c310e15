package scheduler

import (
	"pacer/share/score"
	"slices"
)

// Colocation's influence on where the primary goes (Pacemaker Explained,
// "Colocation constraints" and "influence"): when a primary is assigned,
// the node scores of the resources that will follow it are added to its
// own, scaled by the colocation's score over INFINITY, and so on down the
// chain of resources colocated with those. This file holds that merge;
// the dependent's side (a placed primary narrowing where the dependent
// may go) is applyColocation.

// mergeFlags select how dependents' scores are merged.
type mergeFlags uint8

const (
	// mergeRollback: if nothing is left available after adding the
	// dependent's scores, keep the scores as they were.
	mergeRollback mergeFlags = 1 << iota
	// mergeNonNegative: the dependent may not make an allowed node
	// negative; a positive node it would is marked and ends up at 1.
	mergeNonNegative
	// mergeNested: a merge along the chain of another one (the marks of
	// a non-negative merge stay until the outermost one ends)
	mergeNested
)

// unusableMark is what a node scored by a non-negative merge is marked
// with until the merge ends (far below -INFINITY, so it is never taken
// for a real score).
const unusableMark = score.Score(-100 * int64(score.Infinity))

// hasInfluence: the dependent of col may pull its primary towards its own
// preferred nodes when the colocation's influence is on (the default) or
// the primary is not active anywhere yet.
func (c *cluster) hasInfluence(col *Colocation) bool {
	if col.Influence {
		return true
	}
	for _, p := range col.Prim.primitives() {
		if len(p.Running) > 0 {
			return false
		}
	}
	return true
}

// scoreTable is the node scores a resource brings into a merge: a
// primitive's own, a group's through its first member (the members
// follow it), a clone's own table.
func (c *cluster) scoreTable(r *Resource) scores {
	switch r.Kind {
	case Group:
		if len(r.Children) == 0 {
			return nil
		}
		return c.scoreTable(r.Children[0])
	case Clone:
		return c.cloneTable(r)
	}
	return r.Allowed
}

// addColocatedScores merges into nodes what src, the dependent of col,
// thinks of them, scaled by factor, then what the resources colocated
// with src think, each scaled once more by its own colocation's score.
// It returns the merged scores (nodes itself is left as it was).
//
// along is the resources whose merge this one is part of (a colocation
// loop ends where it would merge one of them again).
func (c *cluster) addColocatedScores(src *Resource, nodes scores, col *Colocation, factor float32, flags mergeFlags, along []*Resource) scores {
	for _, x := range along {
		if x == src {
			return nodes // a colocation loop
		}
	}
	along = append(along, src)
	if src.Kind == Group && len(src.Children) > 0 {
		// the first member carries the group: the others follow it
		// through the group's own colocations
		return c.addColocatedScores(src.Children[0], nodes, col, factor, flags, along[:len(along)-1])
	}
	work := nodes.copy()
	c.addMatchingScores(work, src, col, factor, flags&mergeNonNegative != 0)
	if c.anyAvailable(work) {
		for _, next := range c.withThis(src) {
			if next.dep == nil || !c.hasInfluence(next) {
				continue
			}
			f := factor * float32(next.Score) / float32(score.Infinity)
			work = c.addColocatedScores(next.Dep, work, next, f, mergeRollback|flags&mergeNonNegative|mergeNested, along)
		}
	} else if flags&mergeRollback != 0 {
		return nodes
	}
	if flags&mergeNonNegative != 0 && flags&mergeNested == 0 {
		for i, v := range work {
			if v == unusableMark {
				work[i] = 1
			}
		}
	}
	return work
}

// addMatchingScores adds to each node of work the best score src has on
// an available node sharing the colocation's node attribute with it,
// times factor.
func (c *cluster) addMatchingScores(work scores, src *Resource, col *Colocation, factor float32, nonNegative bool) {
	table := c.scoreTable(src)
	for i, cur := range work {
		if cur == noScore || cur == unusableMark {
			// a node marked unusable by a non-negative merge stays
			// marked until that merge ends
			continue
		}
		n := c.nodes[i]
		best := score.MinusInfinity
		for j, v := range table {
			if v == noScore || v <= best || !c.nodes[j].canRun() || !c.sameAttr(col.NodeAttribute, n, c.nodes[j]) {
				continue
			}
			best = v
		}
		if factor < 0 && best < 0 && !allowedOnOne(c.scoreTable(col.Dep)) {
			// Avoiding where an anti-colocated dependent cannot run is
			// no reason to prefer a node, unless the dependent could
			// run on one node at most.
			continue
		}
		add := scaleScore(best, factor)
		merged := score.Add(add, cur)
		if nonNegative && merged < 0 {
			if cur > 0 {
				work[i] = unusableMark
			}
			if cur >= 0 {
				continue
			}
		}
		work[i] = merged
	}
}

// scaleScore is s times factor, rounded half away from zero; a non-zero
// score never scales to nothing. (Single precision, as Pacemaker
// computes it: where a product lands near .5 the rounding depends on it.)
func scaleScore(s score.Score, factor float32) score.Score {
	f := factor * float32(s)
	var v int64
	if f < 0 {
		v = int64(f - 0.5)
	} else {
		v = int64(f + 0.5)
	}
	if v == 0 && s != 0 {
		if factor > 0 {
			v = 1
		} else if factor < 0 {
			v = -1
		}
	}
	return score.Clip(v)
}

// allowedOnOne reports whether at most one node has a non-negative score.
func allowedOnOne(s scores) bool {
	count := 0
	for _, v := range s {
		if v != noScore && v >= 0 {
			count++
			if count > 1 {
				return false
			}
		}
	}
	return true
}

// mergeWithThis adds to s the preferences of the resources colocated
// with r (mandatory colocations or optional ones), each as
// addColocatedScores merges it, left out when it would leave nowhere to
// run.
func (c *cluster) mergeWithThis(r *Resource, s scores, mandatory bool) scores {
	var stack [8]*Resource // the chains are short: no allocation for them
	for _, col := range c.withThis(r) {
		if col.dep == nil || col.Score.IsInfinite() != mandatory || !c.hasInfluence(col) {
			continue
		}
		f := float32(col.Score) / float32(score.Infinity)
		merged := c.addColocatedScores(col.Dep, s, col, f, mergeRollback, stack[:0])
		for i, v := range merged {
			if before := s[i]; v != before && v != noScore && before != noScore {
				delta := v
				if !v.IsInfinite() && !before.IsInfinite() {
					delta = v - before
				}
				c.contribute(r, c.nodes[i], delta, "what "+col.Dep.ID+" (colocated with it by "+col.ID+") prefers")
			}
		}
		s = merged
	}
	return s
}

// thisWith is the colocations r is the dependent of: its own and, for
// the first primitive of a clone instance, the clone's (those that
// decide placement; the role ones decide promotion).
func (c *cluster) thisWith(r *Resource) []*Colocation {
	out := c.colByDep[r]
	cl := r.cloneOf()
	if cl == nil {
		return out[:len(out):len(out)] // appending to it copies
	}
	out = append([]*Colocation(nil), out...)
	for in := r; in.Parent != nil; in = in.Parent {
		if in.Parent == cl {
			if firstPrimitive(in) != r {
				return out
			}
			break
		}
	}
	for _, col := range c.colByDep[cl] {
		if col.DepRole == "Promoted" || col.DepRole == "Unpromoted" {
			continue
		}
		out = append(out, col)
	}
	return out
}

// nodesLike returns the nodes sharing the node-attribute value with n.
func (c *cluster) sameAttr(attr string, a, b *Node) bool {
	if attr == "" || attr == "#uname" {
		return a == b
	}
	va, oka := a.Attrs[attr]
	vb, okb := b.Attrs[attr]
	return oka && okb && va == vb
}

func (c *cluster) primNode(p *Resource) *Node {
	if p.Kind == Group {
		if len(p.Children) == 0 {
			return nil
		}
		return p.Children[0].Assigned
	}
	if p.Kind == Clone {
		return nil
	}
	return p.Assigned
}

func (c *cluster) applyColocation(r *Resource, col *Colocation, s scores) {
	if col.Prim.Kind == Clone && (col.DepRole == "" || col.DepRole == "Started") {
		c.applyCloneColocation(r, col, s)
		return
	}
	if col.PrimRole == "Promoted" || col.PrimRole == "Unpromoted" || col.DepRole == "Promoted" || col.DepRole == "Unpromoted" {
		if col.Prim.Kind != Clone {
			// role-specific colocation with a non-promotable resource never matches
		}
		return
	}
	if col.Prim.Kind == Clone {
		c.applyCloneColocation(r, col, s)
		return
	}
	if p := firstPrimitive(col.Prim); p != nil && !p.assigned {
		// A colocation loop: the primary is still being placed.
		return
	}
	pn := c.primNode(col.Prim)
	src := "colocation " + col.ID + " with " + col.Prim.ID
	if col.Score >= score.Infinity {
		// usually bans all nodes but one: room for their reasons at once
		r.Why = slices.Grow(r.Why, len(s))
		for i, v := range s {
			if n := c.nodes[i]; v != noScore && (pn == nil || !c.sameAttr(col.NodeAttribute, n, pn)) {
				if v != score.MinusInfinity {
					s[i] = score.MinusInfinity
					c.contribute(r, n, score.MinusInfinity, src)
				}
			}
		}
		return
	}
	if pn == nil {
		return
	}
	work := s.copy()
	for i, v := range work {
		if v != noScore && c.sameAttr(col.NodeAttribute, c.nodes[i], pn) {
			work[i] = score.Add(v, col.Score)
		}
	}
	if col.Score > score.MinusInfinity && !c.anyAvailable(work) {
		// An optional colocation never leaves a resource nowhere to run.
		return
	}
	for i, v := range s {
		if v != noScore && work[i] != v {
			c.contribute(r, c.nodes[i], col.Score, src)
		}
		s[i] = work[i]
	}
}

// applyCloneColocation: a primitive with a clone may run where an instance runs.
func (c *cluster) applyCloneColocation(r *Resource, col *Colocation, s scores) {
	src := "colocation " + col.ID + " with " + col.Prim.ID
	for i, v := range s {
		if v == noScore {
			continue
		}
		n := c.nodes[i]
		on := c.primaryOn(col, n)
		switch {
		case col.Score >= score.Infinity && !on:
			if v != score.MinusInfinity {
				s[i] = score.MinusInfinity
				c.contribute(r, n, score.MinusInfinity, src)
			}
		case col.Score >= score.Infinity && (col.PrimRole == "Promoted" || col.PrimRole == "Unpromoted") && !(col.PrimRole == "Promoted" && col.DepRole == "Promoted"):
			// with a role of a promotable clone, the dependent takes on
			// the score the instance in that role was placed with
			if add := c.roleInstanceScore(col, n); add != 0 {
				s[i] = score.Add(v, add)
				c.contribute(r, n, add, src)
			}
		case on && col.Score < score.Infinity:
			s[i] = score.Add(v, col.Score)
			c.contribute(r, n, col.Score, src)
		}
	}
}

// roleInstanceScore is the node score the first instance of a
// colocation's primary in the colocation's role was placed on n with.
func (c *cluster) roleInstanceScore(col *Colocation, n *Node) score.Score {
	for _, in := range col.Prim.Children {
		p := firstPrimitive(in)
		if p == nil || p.Assigned == nil || p.NextRole != col.PrimRole || !c.sameAttr(col.NodeAttribute, p.Assigned, n) {
			continue
		}
		if p.final == nil {
			return p.Allowed.at(p.Assigned)
		}
		return p.final.at(p.Assigned)
	}
	return 0
}

// anyAvailable reports whether some node that can run resources has a
// non-negative score.
func (c *cluster) anyAvailable(s scores) bool {
	for i, v := range s {
		if v >= 0 && c.nodes[i].canRun() { // noScore is negative
			return true
		}
	}
	return false
}

// primaryOn reports whether a colocation's primary (in its role) is
// placed on n.
func (c *cluster) primaryOn(col *Colocation, n *Node) bool {
	for _, p := range col.Prim.primitives() {
		if p.Assigned == nil || !c.sameAttr(col.NodeAttribute, p.Assigned, n) {
			continue
		}
		if p.Blocked && p.FailedOn[p.Assigned] {
			continue // a failed instance left blocked is no place to be
		}
		if col.PrimRole == "Promoted" && p.NextRole != "Promoted" {
			continue
		}
		if col.PrimRole == "Unpromoted" && p.NextRole == "Promoted" {
			continue
		}
		return true
	}
	return false
}

// withThis is the colocations r is the primary of, as a primitive
// takes them in when it is assigned: its own; for a group's last member
// the group's (the members before it reach them through the group's
// own colocations); for the last primitive of a clone instance, the
// clone's too.
func (c *cluster) withThis(r *Resource) []*Colocation {
	if !r.withThisKnown {
		r.withThisCols, r.withThisKnown = c.withThisOf(r), true
	}
	return r.withThisCols
}

func (c *cluster) withThisOf(r *Resource) []*Colocation {
	own := c.colByPrim[r]
	g := r.Parent
	if g == nil || g.Kind != Group || len(g.Children) < 2 {
		if cl := r.cloneOf(); cl != nil && len(c.colByPrim[cl]) > 0 && (g == nil || g == cl || g.Kind != Group || g.Children[len(g.Children)-1] == r) {
			return append(append([]*Colocation(nil), own...), c.colByPrim[cl]...)
		}
		return own
	}
	first, last := g.Children[0], g.Children[len(g.Children)-1]
	var out []*Colocation
	switch r {
	case first:
		// "R with group" is keyed on the first member: the last takes it
		for _, col := range own {
			if col.Prim != g {
				out = append(out, col)
			}
		}
	case last:
		out = append(out, own...)
		for _, col := range c.colByPrim[first] {
			if col.Prim == g {
				out = append(out, col)
			}
		}
		if cl := r.cloneOf(); cl != nil {
			out = append(out, c.colByPrim[cl]...)
		}
	default:
		return own
	}
	return out
}
