package scheduler

import (
	"slices"
	"sort"
	"strings"
	"time"

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
		if cl.clone != nil && !cl.clone.unique && p.instOf != nil {
			// an anonymous instance also reads its primitive's name
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
		case p != nil && (!p.Managed || p.Blocked) && p.Role == "Promoted" && p.Assigned != nil:
			// left as it is: promoted it stays
			final[in] = score.Infinity
		case p != nil && (!p.Managed || p.Blocked) && p.Assigned != nil:
			// left as it is: never promoted
			final[in] = score.MinusInfinity
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
			if col.Score >= score.Infinity && col.DepRole == "Promoted" {
				// it must be promoted with a primary that will not run
				total = score.Add(total, score.MinusInfinity)
			}
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

// promotable reports whether r is (in) an instance of a promotable clone.
func (r *Resource) promotable() bool {
	cl := r.cloneOf()
	return cl != nil && cl.Promotable
}

// promotionScore is an instance's promotion score on n: the master-<rsc>
// node attribute its agent sets (a globally-unique instance's own name
// first), summed over a cloned group's members; ok is false when no
// member has one.
func (c *cluster) promotionScore(in *Resource, n *Node, unique bool) (score.Score, bool) {
	var total score.Score
	found := false
	for _, p := range in.primitives() {
		// the name the history knows the instance by, then its own,
		// then (anonymous) the primitive's
		names := []string{"master-" + p.ID}
		if p.histID != "" {
			names = []string{"master-" + p.histID, "master-" + p.ID}
		}
		if !unique {
			names = append(names, "master-"+p.instOf.ID)
		}
		for _, name := range names {
			if v, ok := n.Attrs[name]; ok {
				sc, _ := score.Lenient(v)
				total = score.Add(total, sc)
				found = true
				break
			}
		}
	}
	return total, found
}

// roleLocationScore sums the clone's location constraints for the
// Promoted role on n.
func (c *cluster) roleLocationScore(cl *Resource, in *Resource, n *Node) score.Score {
	var total score.Score
	for _, l := range c.locationsOf(in) {
		if l.Role != "Promoted" && l.Role != "" {
			continue
		}
		if l.Node != "" {
			if l.Node == n.Name && l.Role == "Promoted" {
				total = score.Add(total, l.Score)
			}
			continue
		}
		p := firstPrimitive(in)
		for _, rule := range l.Rules {
			if l.Role == "" && normRole(rule.Attr("role")) != "Promoted" {
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

// roleColocationScore is what the colocations of the clone's Promoted
// role say about promoting on n: "ms:Promoted with X" follows X; "Y with
// ms:Promoted" brings Y's own preferences (Y is placed later).
func (c *cluster) roleColocationScore(cl *Resource, n *Node) score.Score {
	var total score.Score
	for _, col := range c.colByDep[cl] {
		if col.DepRole == "Unpromoted" {
			// the unpromoted instances go with the primary: promote
			// elsewhere
			if c.primaryOn(col, n) && col.Score > 0 {
				total = score.Add(total, -col.Score)
			}
			continue
		}
		if col.DepRole != "Promoted" {
			continue
		}
		on := c.primaryOn(col, n)
		switch {
		case col.Score >= score.Infinity && !on:
			total = score.Add(total, score.MinusInfinity)
		case col.Score >= score.Infinity && on:
			// with the primary is where it must be promoted, even when
			// nothing else gives it a promotion score
			total = score.Add(total, score.Infinity)
		case col.Score <= score.MinusInfinity && on:
			total = score.Add(total, score.MinusInfinity)
		case on && !col.Score.IsInfinite():
			total = score.Add(total, col.Score)
		}
	}
	for _, col := range c.colByPrim[cl] {
		if col.PrimRole != "Promoted" || !col.Influence || col.dep == nil || col.dep.Kind != Primitive {
			continue
		}
		d := col.dep
		if d.assigned {
			if d.Assigned == nil {
				continue
			}
			if c.sameAttr(col.NodeAttribute, d.Assigned, n) {
				total = score.Add(total, col.Score)
			} else if col.Score >= score.Infinity {
				total = score.Add(total, score.MinusInfinity)
			}
			continue
		}
		if dv, ok := d.Allowed.get(n); ok && dv != 0 {
			f := float64(col.Score) / float64(score.Infinity)
			if dv.IsInfinite() && f >= 1 {
				total = score.Add(total, dv)
			} else if !dv.IsInfinite() {
				total = score.Add(total, score.Clip(int64(float64(dv)*f)))
			}
		}
	}
	return total
}

// setPromotedRoles picks the instances to promote: the ones with the
// highest promotion priority (score attribute, else -1, plus Promoted
// role locations and colocations), at most promoted-max in all and
// promoted-node-max per node, never one with a negative priority.
func (c *cluster) setPromotedRoles(cl *Resource, insts []*Resource) {
	s := cl.clone
	type cand struct {
		in       *Resource
		prio     score.Score
		promoted bool
		order    int
	}
	var cands []cand
	for i, in := range insts {
		n := in.Assigned
		if n == nil {
			continue
		}
		prio, ok := c.promotionScore(in, n, s.unique)
		if !ok {
			prio = -1
		}
		for _, p := range in.primitives() {
			if p.demoteOnFail && p.runningOn(n) {
				prio = score.MinusInfinity // demoted where it failed
			}
		}
		prio = score.Add(prio, c.roleLocationScore(cl, in, n))
		prio = score.Add(prio, c.roleColocationScore(cl, n))
		p := firstPrimitive(in)
		cands = append(cands, cand{in: in, prio: prio, promoted: p != nil && p.Role == "Promoted" && p.runningOn(n), order: i})
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.prio != b.prio {
			return a.prio > b.prio
		}
		if a.promoted != b.promoted {
			return a.promoted
		}
		return a.order < b.order
	})
	max := s.promotedMax
	if cl.TargetRole == "Unpromoted" || c.noQuorumBlocks() && c.opts.NoQuorumPolicy == "demote" {
		max = 0
	}
	// A ticket for the Promoted role: without it nothing is promoted,
	// except that loss-policy=freeze leaves promoted instances be.
	frozen := false
	for _, t := range c.ticketsOf(cl) {
		st := c.ticketState[t.Ticket]
		if t.Role != "Promoted" || (st != nil && st.Granted && !st.Standby) {
			continue
		}
		if t.LossPolicy == "freeze" && (st == nil || !st.Granted) {
			frozen = true
		} else {
			max = 0
		}
	}
	if frozen {
		for _, k := range cands {
			if k.promoted && max > 0 {
				setNextRole(k.in, "Promoted")
			}
		}
		return
	}
	perNode := map[*Node]int{}
	promoted := 0
	for _, in := range insts {
		// A promoted instance that can neither be demoted nor stopped
		// (on a lost node that will not be fenced) stays promoted and
		// counts against promoted-max.
		p := firstPrimitive(in)
		if in.Assigned != nil || p == nil || p.Role != "Promoted" {
			continue
		}
		for _, n := range p.Running {
			if n.Unclean && !n.Fence {
				promoted++
				break
			}
		}
	}
	// An unmanaged instance keeps the role it has, whatever its promotion
	// score: the cluster neither promotes nor demotes it.
	unmanaged := func(in *Resource) bool {
		p := firstPrimitive(in)
		return p != nil && !p.Managed
	}
	for _, k := range cands {
		if unmanaged(k.in) && k.promoted {
			setNextRole(k.in, "Promoted")
			perNode[k.in.Assigned]++
			promoted++
		}
	}
	for _, k := range cands {
		if unmanaged(k.in) {
			continue
		}
		if promoted >= max || k.prio < 0 || perNode[k.in.Assigned] >= s.promotedNodeMax {
			continue
		}
		if k.in.TargetRole == "Unpromoted" {
			continue
		}
		setNextRole(k.in, "Promoted")
		perNode[k.in.Assigned]++
		promoted++
	}
}

// promotablePseudoActions adds a promotable clone's promote/promoted and
// demote/demoted pseudo actions.
func (c *cluster) promotablePseudoActions(cl *Resource) {
	for _, a := range []**action{&cl.gPromote, &cl.gPromoted, &cl.gDemote, &cl.gDemoted} {
		task := map[**action]string{&cl.gPromote: "promote", &cl.gPromoted: "promoted", &cl.gDemote: "demote", &cl.gDemoted: "demoted"}[a]
		*a = c.newAction(cl, task, nil)
		(*a).pseudo = true
	}
}

// roleActions creates a promotable instance's demote (where it is
// promoted now) and promote (where it will be promoted).
func (c *cluster) roleActions(r *Resource) {
	var cur *Node
	if r.Role == "Promoted" && len(r.Running) > 0 {
		cur = r.Running[0]
	}
	if cur != nil {
		d := c.newAction(r, "demote", cur)
		r.demote = d
		switch {
		case cur.Fence:
			d.pseudo, d.implied = true, true
			c.addOrder(c.fenceOps[cur], d, fImpliesThen|fRunnableLeft)
		case cur.Unclean || !cur.Online:
			d.runnable = false
		}
		if !r.Managed {
			d.runnable = false
		}
		// a promoted instance stops only once demoted
		if s := r.stops[cur]; s != nil {
			c.addOrder(d, s, fImpliesFirst)
		}
		if r.NextRole != "Promoted" || r.Assigned != cur {
			c.markRequired(d, "")
		}
		if r.Assigned == cur {
			c.cancelMonitors(r, cur, d, func(op *Op) bool { return op.Role == "Promoted" })
		}
	}
	if r.NextRole == "Promoted" && r.Assigned != nil && r.start != nil {
		p := c.newAction(r, "promote", r.Assigned)
		r.promote = p
		c.addOrder(r.start, p, fImpliesThen|fRunnableLeft)
		if r.demote != nil {
			c.addOrder(r.demote, p, 0)
		}
		if !r.Managed {
			p.runnable = false
		}
		if cur != r.Assigned {
			c.markRequired(p, "")
			if r.runningOn(r.Assigned) {
				c.cancelMonitors(r, r.Assigned, p, func(op *Op) bool { return op.Role != "Promoted" })
			}
		}
	}
}

// cancelMonitors cancels, before a role change, the recurring monitors
// of the old role that run on n: they would report the new role as a
// failure. They go only if the role change does (finishClonePseudo).
func (c *cluster) cancelMonitors(r *Resource, n *Node, change *action, oldRole func(*Op) bool) {
	h := r.history[n]
	if h == nil {
		return
	}
	ivs := make([]time.Duration, 0, len(h.monitors))
	for iv := range h.monitors {
		ivs = append(ivs, iv)
	}
	slices.Sort(ivs)
	for _, iv := range ivs {
		op := r.findOp("monitor", iv)
		if op == nil || !oldRole(op) {
			continue
		}
		a := c.newAction(r, "cancel", n)
		a.interval = iv
		c.addOrder(a, change, 0)
		r.cancels = append(r.cancels, roleCancel{a, change})
	}
}

// monitorForRole reports whether a recurring monitor op applies to the
// role r will have: a promotable instance runs its Promoted monitors
// when promoted and its other ones otherwise.
func monitorForRole(r *Resource, op *Op) bool {
	if r.promotable() && r.NextRole == "Promoted" {
		return op.Role == "Promoted"
	}
	return op.Role == "" || op.Role == "Started" || op.Role == "Unpromoted"
}
