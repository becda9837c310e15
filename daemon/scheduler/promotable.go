package scheduler

import (
	"strings"

	"pacer/share/score"
)

// Promotable clones (Pacemaker Explained, "Promotable clones"): once the
// instances are placed, each gets a promotion priority on its node, from
// the promotion score its agent set (the master-<resource> node
// attribute, -1 when there is none), the Promoted-role locations and the
// role colocations; the clone adds the priorities up per node together
// with the preferences of the resources that want to be with its
// promoted instance, and the instances with the highest result are
// promoted, up to promoted-max.

// promotionScoreApplies reports whether the promotion score of instance
// primitive p counts on n: where it is active; for an anonymous
// instance where no instance is active but one was probed; where it was
// probed or is active; anywhere while it was probed nowhere yet; and in
// each case only where it is allowed.
func (c *cluster) promotionScoreApplies(cl, p *Resource, n *Node) bool {
	applies := false
	if cl.clone != nil && !cl.clone.unique {
		active, known := c.anonymousOn(cl, p.instOf, n)
		if active == p {
			applies = true
		} else if active == nil && known {
			applies = true
		}
	}
	if !applies {
		if len(p.Running) == 0 && len(p.Probed) == 0 {
			applies = true
		} else if p.Probed[n] || p.runningOn(n) {
			applies = true
		}
	}
	if !applies {
		return false
	}
	v, ok := p.Allowed.get(n)
	return ok && v >= 0
}

// anonymousOn is the instance of template member m active on n, and
// whether any instance of it has history there.
func (c *cluster) anonymousOn(cl, m *Resource, n *Node) (active *Resource, known bool) {
	for _, slot := range cl.clone.slots {
		in := slot[m]
		if in == nil {
			continue
		}
		if active == nil && in.runningOn(n) {
			active = in
		}
		if in.Probed[n] {
			known = true
		}
	}
	return active, known
}

// instancePromotionScore is the promotion score of an instance on n (a
// cloned group's: the sum of its members'); isDefault when no member has
// one that counts.
func (c *cluster) instancePromotionScore(cl, in *Resource, n *Node) (total score.Score, isDefault bool) {
	isDefault = true
	for _, p := range in.primitives() {
		if !c.promotionScoreApplies(cl, p, n) {
			continue
		}
		// the name the history knows the instance by, else its own;
		// an anonymous instance without history: its primitive's
		names := []string{"master-" + p.ID}
		if p.histID != "" {
			names = []string{"master-" + p.histID}
		}
		if cl.clone != nil && !cl.clone.unique && p.instOf != nil && p.histID == "" {
			names = append(names, "master-"+p.instOf.ID)
		}
		for _, name := range names {
			if v, ok := n.Attrs[name]; ok {
				sc, _ := score.Lenient(strings.TrimSpace(v))
				total = score.Add(total, sc)
				isDefault = false
				break
			}
		}
	}
	return total, isDefault
}

// addPromotionScores: before the instances are placed, a positive
// promotion score adds to an instance's score on each node that can run
// resources, so that instances stay where they may be promoted.
func (c *cluster) addPromotionScores(cl *Resource) {
	for _, in := range cl.Children {
		in.promotionFirst = in.Priority
		if in.Orphan {
			continue
		}
		p := firstPrimitive(in)
		if p == nil {
			continue
		}
		for _, n := range c.nodes {
			v, ok := p.Allowed.get(n)
			if !ok || !n.canRun() {
				continue
			}
			sc, _ := c.instancePromotionScore(cl, in, n)
			if sc > 0 {
				p.Allowed.set(n, score.Add(v, sc))
			}
			if sc > in.promotionFirst {
				in.promotionFirst = sc
			}
		}
	}
}

// promotionPriorities computes each instance's promotion priority as
// Pacemaker shows it ("rsc:N promotion score on node: V").
func (c *cluster) promotionPriorities(cl *Resource) map[*Resource]score.Score {
	prio := map[*Resource]score.Score{}
	for _, in := range cl.Children {
		n := in.Assigned
		p := firstPrimitive(in)
		if n == nil || p == nil {
			continue
		}
		v, isDefault := c.instancePromotionScore(cl, in, n)
		if isDefault {
			v = -1
		}
		if p.TargetRole == "Unpromoted" || cl.TargetRole == "Unpromoted" {
			v = score.MinusInfinity
		}
		v = score.Add(v, c.promotedLocationScore(in, n))
		v = score.Add(v, c.promotedColocationScore(cl, in, n))
		prio[in] = v
	}
	// The clone adds its instances' priorities up per node, with the
	// preferences of the resources colocated with its promoted role.
	t := cl.Allowed.copy()
	for _, in := range cl.Children {
		if v, ok := prio[in]; ok && v >= 0 && t.has(in.Assigned) {
			t.set(in.Assigned, score.Add(t.at(in.Assigned), v))
		}
	}
	for _, col := range c.colByPrim[cl] {
		if col.PrimRole != "Promoted" || col.dep == nil || !c.hasInfluence(col) {
			continue
		}
		f := float32(col.Score) / float32(score.Infinity)
		t = c.addColocatedScores(col.Dep, t, col, f, mergeRollback|mergeNonNegative, nil)
	}
	if c.promotionTicketMissing(cl) {
		for i, v := range t {
			if v != noScore {
				t[i] = score.MinusInfinity
			}
		}
	}
	final := map[*Resource]score.Score{}
	for _, in := range cl.Children {
		p := firstPrimitive(in)
		v, ok := prio[in]
		switch {
		case p != nil && !p.Managed && p.Role == "Promoted":
			final[in] = score.Infinity
		case !ok:
			final[in] = score.MinusInfinity
		case v < 0:
			final[in] = v
		default:
			final[in] = t.at(in.Assigned)
		}
	}
	return final
}

// promotedLocationScore sums the Promoted-role locations of the
// instance and its clone on n.
func (c *cluster) promotedLocationScore(in *Resource, n *Node) score.Score {
	var total score.Score
	p := firstPrimitive(in)
	for _, l := range c.locationsOf(in) {
		if l.Node != "" {
			if l.Role == "Promoted" && l.Node == n.Name {
				total = score.Add(total, l.Score)
			}
			continue
		}
		for _, rule := range l.Rules {
			if l.Role != "Promoted" && normRole(rule.Attr("role")) != "Promoted" {
				continue
			}
			ctx := &ruleCtx{now: c.now, nodeAttrs: n.Attrs, rscParams: p.Params, rscMeta: p.Meta}
			if !evalRule(rule, ctx, c.root) {
				continue
			}
			if sc, ok := ruleScore(rule, n.Attrs); ok {
				total = score.Add(total, sc)
			}
		}
	}
	return total
}

// promotedColocationScore is what the clone's role colocations (those
// naming the dependent's Promoted or Unpromoted role) do to the
// priority of an instance placed on n.
func (c *cluster) promotedColocationScore(cl, in *Resource, n *Node) score.Score {
	var total score.Score
	for _, col := range c.colByDep[cl] {
		if col.DepRole != "Promoted" && col.DepRole != "Unpromoted" {
			continue
		}
		if col.Prim.Kind == Clone {
			on := c.primaryOn(col, n)
			switch {
			case on && col.DepRole == "Unpromoted":
				total = score.Add(total, -col.Score)
			case on:
				total = score.Add(total, col.Score)
			case col.Score >= score.Infinity && col.DepRole == "Promoted":
				total = score.Add(total, score.MinusInfinity)
			}
			continue
		}
		pn := c.primNode(col.Prim)
		if pn == nil {
			continue
		}
		if col.PrimRole != "" && col.PrimRole != "Started" && firstPrimitive(col.Prim).NextRole != col.PrimRole {
			continue
		}
		mult := score.Score(1)
		if !c.sameAttr(col.NodeAttribute, n, pn) {
			if col.Score < score.Infinity || col.DepRole != "Promoted" {
				continue
			}
			mult = -1
		} else if col.DepRole == "Unpromoted" {
			mult = -1
		}
		total = score.Add(total, mult*col.Score)
	}
	return total
}

// promotionTicketMissing: a ticket for the Promoted role that is not
// granted (or in standby) keeps every instance from being promoted.
func (c *cluster) promotionTicketMissing(cl *Resource) bool {
	for _, t := range c.ticketsOf(cl) {
		if t.Role != "Promoted" {
			continue
		}
		if st := c.ticketState[t.Ticket]; st == nil || !st.Granted || st.Standby {
			return true
		}
	}
	return false
}

// logPromotionScores keeps the promotion score lines crm_simulate -s
// prints for a promotable clone's instances.
func (c *cluster) logPromotionScores(cl *Resource) {
	final := c.promotionPriorities(cl)
	for _, in := range cl.Children {
		v := final[in]
		if in.Assigned == nil {
			c.scoreLog = append(c.scoreLog, in.ID+" promotion score (inactive): "+v.String())
			continue
		}
		c.scoreLog = append(c.scoreLog, in.ID+" promotion score on "+in.Assigned.Name+": "+v.String())
	}
}
