package scheduler

import (
	"math"
	"pacer/share/options"
	"pacer/share/xmltree"
	"slices"
	"sort"
	"strings"

	"pacer/share/score"
)

// scores are a resource's node scores, indexed by Node.Index. A node may
// have no score at all (an asymmetric cluster without a location for it),
// which is not the same as a score of 0. A slice of plain integers costs
// far less than a map keyed by node, and the collector never scans it.
type scores []score.Score

// noScore marks a node without a score; real scores stay within
// MinusInfinity..Infinity.
const noScore = score.Score(math.MinInt64)

func newScores(nodes int) scores {
	s := make(scores, nodes)
	for i := range s {
		s[i] = noScore
	}
	return s
}

func (s scores) copy() scores {
	return append(make(scores, 0, len(s)), s...)
}

// get returns n's score and whether n has one.
func (s scores) get(n *Node) (score.Score, bool) {
	if n.Index >= len(s) || s[n.Index] == noScore {
		return 0, false
	}
	return s[n.Index], true
}

// orBase returns n's score, the node's own score when it has none.
func (s scores) orBase(n *Node) score.Score {
	if v, ok := s.get(n); ok {
		return v
	}
	return n.Base
}

// at returns n's score, 0 when it has none.
func (s scores) at(n *Node) score.Score {
	v, _ := s.get(n)
	return v
}

func (s scores) has(n *Node) bool {
	_, ok := s.get(n)
	return ok
}

func (s scores) set(n *Node, v score.Score) { s[n.Index] = v }

func (c *cluster) contribute(r *Resource, n *Node, s score.Score, src string) {
	if s == 0 || r.Kind != Primitive {
		// a group's or clone's own scores are its members' reasons
		return
	}
	r.Why = append(r.Why, Contribution{Node: n.Name, Score: s, Source: src})
}

// ancestors returns r and its parents, innermost first.
func (r *Resource) chain() []*Resource {
	var out []*Resource
	for x := r; x != nil; x = x.Parent {
		out = append(out, x)
	}
	return out
}

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
	if r.Managed && len(r.Running) == 1 {
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
	if r.Kind == Primitive && (!r.Managed || r.Blocked) {
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

func itoa(n int) string { return score.Score(n).String() }

// runnable reports whether nodes may host the resource at all.
func (c *cluster) nodeUsable(r *Resource, n *Node) bool {
	if !n.canRun() {
		return false
	}
	return true
}

// place assigns every resource to a node (or none).
func (c *cluster) place() {
	for _, r := range c.allList {
		if r.Kind == Primitive || r.Kind == Group {
			r.Allowed = c.baseScores(r)
		}
	}
	// implicit group colocations
	for _, g := range c.allList {
		if g.Kind != Group {
			continue
		}
		if v, ok := g.Meta["collocated"]; ok && !options.IsTrue(v) {
			continue
		}
		for i := 1; i < len(g.Children); i++ {
			c.colocations = append(c.colocations, &Colocation{ID: g.ID + "-members", Dep: g.Children[i], Prim: g.Children[i-1], Score: score.Infinity, Influence: true, implicit: true})
		}
	}
	c.colByDep = map[*Resource][]*Colocation{}
	c.colByPrim = map[*Resource][]*Colocation{}
	for _, col := range c.colocations {
		col.dep, col.prim = firstPrimitive(col.Dep), firstPrimitive(col.Prim)
		c.colByDep[col.dep] = append(c.colByDep[col.dep], col)
		c.colByPrim[col.prim] = append(c.colByPrim[col.prim], col)
	}
	c.assignedCount = map[*Node]int{}
	for _, r := range c.allList {
		for _, n := range r.partialOn {
			c.assignedCount[n]++
		}
	}
	order := c.assignOrder()
	for _, r := range order {
		c.assign(r)
	}
	c.unassignUninterleaved()
}

// assignOrder sorts top-level resources: higher priority first, then the
// ones with a higher score on their current node, then configuration order.
func (c *cluster) assignOrder() []*Resource {
	var out []*Resource
	for _, r := range c.resources {
		out = append(out, r)
	}
	first := func(r *Resource) *Resource {
		p := r
		for p != nil && p.Kind != Primitive {
			if len(p.Children) == 0 {
				return nil
			}
			p = p.Children[0]
		}
		return p
	}
	cur := func(r *Resource) score.Score {
		// Pacemaker compares a resource that is not running by its
		// priority here; keep that so ties break the same way.
		p := first(r)
		if p == nil || len(p.Running) == 0 {
			return r.Priority
		}
		n := p.Running[0]
		v, ok := p.Allowed.get(n)
		if !ok {
			return r.Priority
		}
		if !n.canRun() {
			return score.MinusInfinity
		}
		if r.Kind == Group {
			// a group counts what all its members think of the node
			for _, m := range r.primitives()[1:] {
				v = score.Add(v, m.Allowed.at(n))
			}
		}
		if r.Kind == Clone && p.Managed && len(p.Running) == 1 && !v.IsInfinite() {
			// a clone is ordered by its own preferences, not by the
			// stickiness of an instance
			v -= p.Stickiness
		}
		return v
	}
	at := func(r *Resource, n *Node) score.Score {
		p := first(r)
		if p == nil {
			return score.MinusInfinity
		}
		v, ok := p.Allowed.get(n)
		if !ok {
			return score.MinusInfinity
		}
		return v
	}
	_ = at
	// Each resource's score on its current node is computed once, not in
	// every comparison.
	type keyed struct {
		r   *Resource
		cur score.Score
	}
	ks := make([]keyed, len(out))
	for i, r := range out {
		ks[i] = keyed{r, cur(r)}
	}
	sort.SliceStable(ks, func(i, j int) bool {
		a, b := ks[i], ks[j]
		if a.r.Priority != b.r.Priority {
			return a.r.Priority > b.r.Priority
		}
		if a.cur != b.cur {
			return a.cur > b.cur
		}
		return false
	})
	for i, k := range ks {
		out[i] = k.r
	}
	return out
}

func (c *cluster) assign(r *Resource) {
	if r.assigned || r.assigning {
		return
	}
	switch r.Kind {
	case Group:
		r.assigning = true
		if c.showScores {
			// crm_simulate shows a group's scores and its members' as
			// they are when the group's assignment begins
			c.logScores("pcmk__group_assign", r, r.Allowed)
			for _, m := range r.Children {
				c.logScores("pcmk__group_assign", m, m.Allowed)
			}
		}
		for _, ch := range r.Children {
			c.assign(ch)
		}
		r.assigning = false
		r.assigned = true
		if len(r.Children) > 0 {
			r.Assigned = r.Children[0].Assigned
		}
		return
	case Clone:
		if r.clone != nil {
			c.assignClone(r)
		}
		r.assigned = true
		return
	}
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
	// Unmanaged resources stay where they are.
	if !r.Managed || r.Blocked {
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

var _ = strings.TrimSpace

// firstPrimitive is the primitive a group's placement follows.
func firstPrimitive(r *Resource) *Resource {
	for r != nil && r.Kind == Group {
		if len(r.Children) == 0 {
			return nil
		}
		r = r.Children[0]
	}
	return r
}

func (c *cluster) sortedNodes() []*Node {
	out := append([]*Node(nil), c.nodes...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
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

func (c *cluster) ticketsOf(r *Resource) []*TicketDep {
	if len(c.tickets) == 0 {
		return nil
	}
	var out []*TicketDep
	for _, t := range c.tickets {
		for x := r; x != nil; x = x.Parent {
			if t.Rsc == x {
				out = append(out, t)
			}
		}
	}
	return out
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
