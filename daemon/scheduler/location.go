package scheduler

// Where a resource's scores start (Pacemaker Explained, "Location
// constraints", "Resource stickiness", "Failure handling"): the cluster's
// symmetry and each node's own score, location constraints and their
// rules (a group's location: full for its first member, 0 for the
// others), stickiness where it runs, bans for too many failures, a
// failed stop, a missing agent, node health, shutdown locks.

import (
	"pacer/share/options"
	"pacer/share/score"
	"pacer/share/xmltree"
)

// baseScores computes a primitive's node scores before colocation.
func (c *cluster) baseScores(r *Resource) scores {
	s := newScores(len(c.nodes))
	if c.opts.Symmetric {
		for i, n := range c.nodes {
			s[i] = n.Base
		}
	}
	var exclusive map[*Node]bool // only locations with resource-discovery=exclusive fill it
	hasExclusive := false
	// A location of a group gives its first member the constraint's
	// scores; later members only learn which nodes it names (score 0):
	// they follow the first member through the group's colocation.
	later := laterMemberOf(r)
	for _, l := range c.locationsOf(r) {
		if l.Role != "" && l.Role != "Started" && !(r.Parent != nil && r.Parent.Promotable) {
			continue
		}
		if l.Role == "Promoted" || l.Role == "Unpromoted" {
			continue
		}
		if l.Discovery == "exclusive" {
			hasExclusive = true
			if exclusive == nil {
				exclusive = map[*Node]bool{}
			}
		}
		if l.Node != "" {
			n := c.byName[l.Node]
			if n == nil {
				continue
			}
			if l.Discovery == "exclusive" {
				exclusive[n] = true
			}
			sc := l.Score
			if later != nil && isSelfOrAncestor(l.Rsc, later) {
				sc = 0
			}
			s.set(n, score.Add(s.orBase(n), sc))
			c.contribute(r, n, sc, "location "+l.ID)
			continue
		}
		for _, n := range c.nodes {
			params := r.Params
			if l.paramSource {
				params = c.paramsOn(r, n)
			}
			for _, rule := range l.Rules {
				if role := normRole(rule.Attr("role")); role == "Promoted" || role == "Unpromoted" {
					continue // a promotion preference (setPromotedRoles)
				}
				ctx := &ruleCtx{now: c.now, nodeAttrs: n.Attrs, rscParams: params, rscMeta: r.Meta}
				if !evalRule(rule, ctx, c.root) {
					continue
				}
				sc, ok := ruleScore(rule, n.Attrs)
				if !ok {
					continue
				}
				if l.Discovery == "exclusive" {
					exclusive[n] = true
				}
				if later != nil && isSelfOrAncestor(l.Rsc, later) {
					sc = 0
				}
				s.set(n, score.Add(s.orBase(n), sc))
				c.contribute(r, n, sc, "location "+l.ID)
			}
		}
	}
	if hasExclusive {
		for i, v := range s {
			if v != noScore && !exclusive[c.nodes[i]] {
				s[i] = score.MinusInfinity
			}
		}
	}
	// Stickiness keeps a healthy resource where it is.
	if r.Managed && len(r.Running) == 1 && !c.ticketFrozen(r) {
		n := r.Running[0]
		if v, ok := s.get(n); ok || c.opts.Symmetric {
			s.set(n, score.Add(v, r.Stickiness))
			c.contribute(r, n, r.Stickiness, "stickiness")
		}
	}
	for _, n := range c.nodes {
		if !s.has(n) {
			continue
		}
		if fc := r.failCount[n]; fc > 0 && fc >= r.MigrationThreshold && !r.failIgnored {
			s.set(n, score.MinusInfinity)
			c.contribute(r, n, score.MinusInfinity, "failed "+itoa(fc)+" times (migration-threshold "+itoa(r.MigrationThreshold)+")")
		}
		if n.Health != 0 && !options.IsTrue(r.Meta["allow-unhealthy-nodes"]) {
			s.set(n, score.Add(s.at(n), n.Health))
			c.contribute(r, n, n.Health, "node health")
		}
	}
	if r.Kind == Primitive && c.ticketDenied(r) {
		// a ticket it lacks bans it everywhere (its clone or group
		// keeps its own scores)
		for i, v := range s {
			if v != noScore {
				s[i] = score.MinusInfinity
			}
		}
	}
	if r.banAll {
		for i, v := range s {
			if v != noScore {
				s[i] = score.MinusInfinity
			}
		}
	}
	if c.opts.ShutdownLock && r.Class != "stonith" && !r.inCollective() && r.lockNode == nil {
		for _, n := range r.Running {
			if n.Shutdown {
				r.lockNode = n
			}
		}
	}
	if r.lockNode != nil {
		for i, v := range s {
			if n := c.nodes[i]; v != noScore && n != r.lockNode {
				s[i] = score.MinusInfinity
				c.contribute(r, n, score.MinusInfinity, "shutdown lock on "+r.lockNode.Name)
			}
		}
	}
	for _, n := range r.banNodes {
		s.set(n, score.MinusInfinity)
		c.contribute(r, n, score.MinusInfinity, "agent not installed")
	}
	onMaintenance := false
	for _, n := range r.Running {
		onMaintenance = onMaintenance || n.Maintenance
	}
	if r.Kind == Primitive && len(r.Running) > 1 && r.MultipleActive == "stop_only" {
		// active on several nodes and to be stopped only: banned from
		// every node
		for i := range s {
			s[i] = score.MinusInfinity
		}
	}
	if r.Kind == Primitive && (!r.Managed || r.Blocked || onMaintenance) {
		// an unmanaged (or blocked) resource is where it is
		for _, n := range r.Running {
			if s.has(n) || c.opts.Symmetric {
				s.set(n, score.Add(s.at(n), score.Infinity))
			}
		}
	}
	for _, n := range r.stopFailedOn {
		if s.has(n) {
			s.set(n, score.MinusInfinity)
			c.contribute(r, n, score.MinusInfinity, "failed to stop there")
		}
	}
	return s
}

// laterMemberOf is the innermost group r belongs to as a later member
// (not through its first member), if any: a location of that group or
// of anything containing it gives r score 0.
func laterMemberOf(r *Resource) *Resource {
	for x := r; x.Parent != nil; x = x.Parent {
		if g := x.Parent; g.Kind == Group && len(g.Children) > 0 && g.Children[0] != x {
			return g
		}
	}
	return nil
}

// isSelfOrAncestor reports whether a is r or contains it.
func isSelfOrAncestor(a, r *Resource) bool {
	for x := r; x != nil; x = x.Parent {
		if x == a {
			return true
		}
	}
	return false
}

// locationsOf returns the location constraints that apply to r (its own
// and its parents'), using an index built on first use.
func (c *cluster) locationsOf(r *Resource) []*Location {
	idx := c.locIndex()
	var out []*Location
	for x := r; x != nil; x = x.Parent {
		out = append(out, idx[x]...)
	}
	return out
}

// locIndex is the location constraints by the resource they name.
func (c *cluster) locIndex() map[*Resource][]*Location {
	if c.locByRsc == nil {
		c.locByRsc = map[*Resource][]*Location{}
		for _, l := range c.locations {
			c.locByRsc[l.Rsc] = append(c.locByRsc[l.Rsc], l)
		}
	}
	return c.locByRsc
}

// paramsOn is r's parameters as node n would run it with: instance
// attribute sets may have rules on node attributes (#uname), and a
// location rule comparing with value-source="param" compares with that
// node's value. Without such rules it is r.Params.
func (c *cluster) paramsOn(r *Resource, n *Node) map[string]string {
	if r.Kind != Primitive || r.Elem == nil || !nodeRuledSets(r.Elem, c.templates[r.Elem.Attr("template")]) {
		return r.Params
	}
	ctx := &ruleCtx{now: c.now, nodeAttrs: n.Attrs}
	p := map[string]string{}
	mergeNVSets(p, c.templates[r.Elem.Attr("template")], "instance_attributes", ctx, c.root)
	mergeNVSets(p, r.Elem, "instance_attributes", ctx, c.root)
	return p
}

func nodeRuledSets(els ...*xmltree.Element) bool {
	for _, e := range els {
		if e == nil {
			continue
		}
		for _, set := range e.ChildrenNamed("instance_attributes") {
			if set.Child("rule") != nil {
				return true
			}
		}
	}
	return false
}
