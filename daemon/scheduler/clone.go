package scheduler

// Clones and promotable clones. A clone's configured child (a primitive
// or a group) is a template; the scheduler works on its instances
// "child:0" .. "child:N-1" (a cloned group's instance "grp:0" holds
// "member:0" ...). Anonymous instances are interchangeable: the history
// on each node is mapped onto an instance number the way Pacemaker does
// it, so crm_simulate and pacer name the same instance. Instances are
// placed one by one like primitives, with clone-node-max per node and
// their current node first; a promotable clone then picks the instances
// to promote from the promotion scores (master-<rsc> node attributes),
// role locations and role colocations.

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"pacer/share/graph"
	"pacer/share/options"
	"pacer/share/score"
)

// cloneSpec is what a clone's meta attributes say about its instances.
type cloneSpec struct {
	max, nodeMax                 int
	min                          int // clone-min: instances that must run before dependents may start
	unique, interleave, ordered  bool
	notify                       bool
	promotedMax, promotedNodeMax int
	// slots are the instances by number; for a cloned group a slot holds
	// one instance per template member (keyed by the member).
	slots []map[*Resource]*Resource
	tmpl  *Resource // the configured child
}

func metaInt(m map[string]string, def int, names ...string) int {
	for _, n := range names {
		if v, ok := m[n]; ok {
			if i, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
				return i
			}
		}
	}
	return def
}

// unpackCloneSpec reads a clone's meta attributes (3.x names and their
// 2.x aliases). clone-max defaults to the number of configured nodes.
func (c *cluster) unpackCloneSpec(r *Resource) {
	m := r.Meta
	s := &cloneSpec{
		max:        metaInt(m, len(c.nodes), "clone-max"),
		nodeMax:    metaInt(m, 1, "clone-node-max"),
		min:        metaInt(m, 0, "clone-min"),
		interleave: options.IsTrue(m["interleave"]),
		ordered:    options.IsTrue(m["ordered"]),
		notify:     options.IsTrue(m["notify"]),
	}
	// globally-unique defaults to true when instances may share a node
	s.unique = s.nodeMax > 1
	if v, ok := m["globally-unique"]; ok {
		s.unique = options.IsTrue(v)
	}
	s.promotedMax = metaInt(m, 1, "promoted-max", "master-max")
	s.promotedNodeMax = metaInt(m, 1, "promoted-node-max", "master-node-max")
	if s.max < 0 {
		s.max = 0
	}
	if s.nodeMax < 1 {
		s.nodeMax = 1
	}
	if !s.unique {
		// anonymous instances are indistinguishable: one per node
		s.nodeMax = 1
	}
	r.clone = s
}

// cloneOf is the clone r is an instance (or instance member) of.
func (r *Resource) cloneOf() *Resource {
	for p := r.Parent; p != nil; p = p.Parent {
		if p.Kind == Clone {
			return p
		}
	}
	return nil
}

// promotable reports whether r is (in) an instance of a promotable clone.
func (r *Resource) promotable() bool {
	cl := r.cloneOf()
	return cl != nil && cl.Promotable
}

// slotActive reports whether any member of an instance slot is active,
// and whether it is active on n.
func slotActive(slot map[*Resource]*Resource, n *Node) (anywhere, on bool) {
	for _, inst := range slot {
		if len(inst.Running) > 0 || inst.Pending != "" && !inst.pendingProbe {
			// (a probe still in flight finds out whether it is active:
			// it claims no instance)
			anywhere = true
		}
		if inst.runningOn(n) {
			on = true
		}
	}
	return anywhere, on
}

// historyInstance maps a node's history entry id of clone template member
// m onto an instance. A globally-unique clone's history names its
// instance. An anonymous clone's does not (or names one that means
// nothing): it goes to the instance already active on the node (another
// member of a cloned group), else to the lowest-numbered instance active
// nowhere, else to a new number, an orphan beyond clone-max. Nodes are
// read in status order, so the numbering is crm_simulate's.
func (c *cluster) historyInstance(m *Resource, id string, n *Node) *Resource {
	cl := m.cloneOf()
	s := cl.clone
	if s.unique {
		num := -1
		if i := strings.LastIndexByte(id, ':'); i > 0 && id[:i] == m.ID {
			num = atoiDef(id[i+1:], -1)
		}
		if num < 0 {
			return nil
		}
		return c.slotInstance(cl, m, num)
	}
	free := -1
	duplicate := false
	for k, slot := range s.slots {
		anywhere, on := slotActive(slot, n)
		if on {
			if inst := slot[m]; inst != nil && inst.runningOn(n) {
				// a second history of the same anonymous instance on one
				// node (globally-unique was switched off): an orphan,
				// unless an orphan active here has room for it
				duplicate = true
				continue
			}
			return c.slotInstance(cl, m, k)
		}
		if !anywhere && free < 0 {
			free = k
		}
	}
	if free < 0 {
		free = len(s.slots)
	}
	if duplicate {
		free = max(len(s.slots), s.max)
	}
	if m.Requires != "fencing" && m.Requires != "unfencing" && (!n.Online || n.Unclean) {
		// An instance that needs no fencing to recover must not hold an
		// instance number while its node is gone: its history there
		// becomes an orphan, and the number can start elsewhere.
		free = max(len(s.slots), s.max)
	}
	return c.slotInstance(cl, m, free)
}

// slotInstance returns (creating it) instance num of template member m.
// For `pacer status` the instance hangs under m's parent, next to m.
func (c *cluster) slotInstance(cl, m *Resource, num int) *Resource {
	s := cl.clone
	for len(s.slots) <= num {
		s.slots = append(s.slots, map[*Resource]*Resource{})
	}
	if inst := s.slots[num][m]; inst != nil {
		return inst
	}
	r := &Resource{ID: m.ID + ":" + strconv.Itoa(num), Kind: Primitive, Parent: m.Parent, Class: m.Class, Provider: m.Provider, Type: m.Type,
		Meta: m.Meta, Params: m.Params, Util: m.Util, Ops: m.Ops, Elem: m.Elem, instOf: m, instNum: num}
	c.resMeta(r)
	if _, ok := r.Meta["resource-stickiness"]; !ok && r.Meta["stickiness"] == "" && c.opts.DefaultStickiness == 0 {
		r.Stickiness = 1 // Pacemaker's default for clone instances
	}
	r.Orphan = num >= s.max
	c.addRsc(r)
	m.Parent.Children = append(m.Parent.Children, r)
	s.slots[num][m] = r
	return r
}

// templateMembers are the configured primitives of a clone's template.
func templateMembers(t *Resource) []*Resource {
	if t.Kind == Primitive {
		return []*Resource{t}
	}
	var out []*Resource
	for _, ch := range t.Children {
		if ch.Kind == Primitive && ch.instOf == nil {
			out = append(out, ch)
		}
	}
	return out
}

// expandClones turns each clone into its instances before placement:
// clone-max of them (plus orphans found in the history), a cloned
// group's members regrouped under group instances. Templates leave the
// list of resources to place; constraints naming them name the clone.
// Only a scheduler run does this: the status view keeps the instances as
// the history found them.
func (c *cluster) expandClones() {
	expanded := false
	for _, cl := range c.allList {
		if cl.Kind != Clone || cl.clone == nil {
			continue
		}
		s := cl.clone
		t := cloneTemplate(cl)
		if t == nil {
			continue
		}
		s.tmpl = t
		members := templateMembers(t)
		for k := 0; k < s.max; k++ {
			for _, m := range members {
				c.slotInstance(cl, m, k)
			}
		}
		// Instances no history names were made just now, after the
		// status was read: an anonymous clone's fail counts hold for
		// them too (a node where the primitive failed enough is banned
		// for every instance, not only for those that ran there).
		for _, slot := range s.slots {
			for _, inst := range slot {
				if inst.failCount == nil && inst.expired == nil {
					c.failCounts(inst)
				}
			}
		}
		if !s.unique {
			shareBans(s, members)
		}
		var insts []*Resource
		for k, slot := range s.slots {
			if t.Kind == Primitive {
				if inst := slot[t]; inst != nil {
					insts = append(insts, inst)
				}
				continue
			}
			g := &Resource{ID: t.ID + ":" + strconv.Itoa(k), Kind: Group, Parent: cl, Elem: t.Elem, Meta: t.Meta,
				Params: map[string]string{}, Util: map[string]int{}, instOf: t, instNum: k}
			c.resMeta(g)
			g.Orphan = k >= s.max
			for _, m := range members {
				inst := c.slotInstance(cl, m, k)
				inst.Parent = g
				inst.Orphan = inst.Orphan || g.Orphan
				g.Children = append(g.Children, inst)
			}
			c.all[g.ID] = g
			insts = append(insts, g)
		}
		cl.Children = insts
		expanded = true
	}
	if !expanded {
		return
	}
	// Rebuild the list in configuration order: each clone followed by
	// its instances (and a group instance by its members).
	out := make([]*Resource, 0, len(c.allList))
	var add func(r *Resource)
	add = func(r *Resource) {
		r.Index = len(out)
		out = append(out, r)
		for _, ch := range r.Children {
			add(ch)
		}
	}
	for _, r := range c.allList {
		if r.Parent == nil {
			add(r)
		}
	}
	c.allList = out
}

// shareBans: what one anonymous instance's history says about a node (the
// agent is not installed there, the resource is not configured right)
// holds for every instance of the same primitive.
func shareBans(s *cloneSpec, members []*Resource) {
	for _, m := range members {
		var bans []*Node
		banAll := false
		for _, slot := range s.slots {
			if inst := slot[m]; inst != nil {
				bans = append(bans, inst.banNodes...)
				banAll = banAll || inst.banAll
			}
		}
		if len(bans) == 0 && !banAll {
			continue
		}
		for _, slot := range s.slots {
			if inst := slot[m]; inst != nil {
				inst.banNodes = append(inst.banNodes[:0:0], bans...)
				inst.banAll = banAll
			}
		}
	}
}

// currentNode is where an instance runs now (a group instance: where its
// first active member runs), and on how many nodes.
func currentNode(inst *Resource) (*Node, int) {
	var n *Node
	count := 0
	for _, p := range inst.primitives() {
		if len(p.Running) > 0 {
			if n == nil {
				n = p.Running[0]
			}
			if len(p.Running) > count {
				count = len(p.Running)
			}
		}
	}
	return n, count
}

// instanceScore is what an instance's primitives together think of n.
func instanceScore(inst *Resource, n *Node) (score.Score, bool) {
	var total score.Score
	for i, p := range inst.primitives() {
		v, ok := p.Allowed.get(n)
		if !ok {
			if i == 0 {
				return 0, false
			}
			continue
		}
		total = score.Add(total, v)
	}
	return total, true
}

func (c *cluster) canStay(inst *Resource) bool {
	n, _ := currentNode(inst)
	if n == nil || !n.canRun() {
		return false
	}
	v, ok := instanceScore(inst, n)
	return ok && v >= 0
}

// sortInstances orders instances for placement: active ones first (those
// active on fewer nodes first), those that can stay where they are before
// those that cannot, then by their score there; otherwise by number.
func (c *cluster) sortInstances(insts []*Resource) {
	type key struct {
		nodes int
		stay  bool
		cur   score.Score
	}
	keys := make(map[*Resource]key, len(insts))
	for _, in := range insts {
		n, count := currentNode(in)
		k := key{nodes: count, stay: c.canStay(in)}
		if n != nil {
			k.cur, _ = instanceScore(in, n)
		}
		keys[in] = k
	}
	sort.SliceStable(insts, func(i, j int) bool {
		a, b := keys[insts[i]], keys[insts[j]]
		if a.nodes > 0 && b.nodes > 0 && a.nodes != b.nodes {
			return a.nodes < b.nodes
		}
		if (a.nodes > 0) != (b.nodes > 0) {
			return a.nodes > 0
		}
		if a.stay != b.stay {
			return a.stay
		}
		if a.nodes > 0 && a.cur != b.cur {
			return a.cur > b.cur
		}
		return false
	})
}

// banFullNodes keeps an instance off the nodes that already hold
// clone-node-max instances.
func (c *cluster) banFullNodes(inst *Resource, count map[*Node]int, max int) {
	for _, n := range c.nodes {
		if count[n] < max {
			continue
		}
		for _, p := range inst.primitives() {
			if v, ok := p.Allowed.get(n); ok && v > score.MinusInfinity {
				p.Allowed.set(n, score.MinusInfinity)
			}
		}
	}
}

func unassign(inst *Resource) {
	inst.assigned, inst.Assigned = false, nil
	for _, p := range inst.primitives() {
		p.assigned, p.Assigned, p.prefer = false, nil, nil
	}
}

// assignClone places a clone's instances.
func (c *cluster) assignClone(cl *Resource) {
	cl.assigning = true
	defer func() { cl.assigning = false; cl.assigned = true }()
	s := cl.clone
	// The clone's own colocations: primaries first, then every instance
	// carries them in its scores.
	for _, col := range c.colByDep[cl] {
		c.assign(col.Prim.top())
	}
	var insts []*Resource
	for _, in := range cl.Children {
		if in.Orphan {
			// beyond clone-max: stopped, unless unmanaged, by itself or
			// by running on a node in maintenance (then left be)
			for _, p := range in.primitives() {
				for _, n := range p.Running {
					if n.Maintenance {
						p.Managed = false
					}
				}
				if !p.Managed && len(p.Running) > 0 {
					p.Assigned = p.Running[0]
					c.assignedCount[p.Assigned]++
					p.fixed = true
				}
			}
			continue
		}
		insts = append(insts, in)
		p := firstPrimitive(in)
		if p == nil {
			continue
		}
		for _, col := range c.colByDep[cl] {
			if col.DepRole == "Promoted" || col.DepRole == "Unpromoted" {
				continue // decides promotion, not placement
			}
			c.applyColocation(p, col, p.Allowed)
		}
	}
	// Instances are placed one at a time, so the colocations of a cloned
	// group's later members with other resources stay with the members.
	available := 0
	for _, n := range c.nodes {
		if len(insts) == 0 || !n.canRun() {
			continue
		}
		if v, ok := instanceScore(insts[0], n); ok && v >= 0 {
			available++
		}
	}
	optimal := 1
	if available > 0 && s.max/available > 1 {
		optimal = s.max / available
	}
	c.sortInstances(insts)
	count := map[*Node]int{}
	assigned := 0
	place := func(in *Resource, prefer *Node) bool {
		c.banFullNodes(in, count, s.nodeMax)
		if p := firstPrimitive(in); p != nil {
			p.prefer = prefer
		}
		c.assign(in)
		if p := firstPrimitive(in); p != nil {
			p.prefer = nil
		}
		n := in.Assigned
		if in.Kind == Group && len(in.Children) > 0 {
			n = in.Children[0].Assigned
			in.Assigned = n
		}
		if n == nil || (prefer != nil && n != prefer) {
			return false
		}
		count[n]++
		assigned++
		return true
	}
	for _, in := range insts {
		if assigned >= s.max {
			break
		}
		cur, nodes := currentNode(in)
		if cur == nil || nodes != 1 || count[cur] >= optimal || !c.canStay(in) || instanceFailed(in) {
			// a failed instance is recovered wherever is best
			continue
		}
		if !place(in, cur) {
			unassign(in)
		}
	}
	for _, in := range insts {
		if in.assigned {
			continue
		}
		if assigned >= s.max || c.disabled(in) {
			// beyond clone-max: stays (or becomes) stopped
			for _, p := range in.primitives() {
				p.assigned = true
			}
			in.assigned = true
			continue
		}
		place(in, nil)
	}
	for _, in := range cl.Children {
		role := "Stopped"
		if in.Assigned != nil {
			role = "Started"
			if cl.Promotable {
				role = "Unpromoted"
			}
		}
		setNextRole(in, role)
	}
	if cl.Promotable {
		c.setPromotedRoles(cl, insts)
	}
}

func instanceFailed(in *Resource) bool {
	for _, p := range in.primitives() {
		if p.Failed && !p.failIgnored {
			return true
		}
	}
	return false
}

func setNextRole(in *Resource, role string) {
	in.NextRole = role
	for _, p := range in.primitives() {
		p.NextRole = role
	}
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

// roleCancel is a monitor cancelled for a role change.
type roleCancel struct{ cancel, change *action }

// cloneOrders links a clone's pseudo actions with its instances' actions.
func (c *cluster) cloneOrders(cl *Resource) {
	s := cl.clone
	var up []*action
	for i, in := range cl.Children {
		st := c.startOf(in)
		c.addOrder(cl.gStart, st, fImpliesThen|fRunnableLeft)
		for _, r := range c.actionsFor(in, "start", true) {
			// Unlike a group, a clone runs with whichever instances can
			// start: the running action waits for them but is runnable
			// while enough are (below).
			c.addOrder(r, cl.gRunning, fImpliesThen)
			up = append(up, r)
		}
		for _, sp := range c.stopsOf(in) {
			c.addOrder(cl.gStop, sp, fImpliesThen)
			c.addOrder(sp, cl.gStopped, fImpliesThen)
		}
		if s.ordered && i > 0 {
			// ordered: one after the other, with no implication (one
			// instance restarting restarts no other)
			prev := cl.Children[i-1]
			c.addOrder(c.startOf(prev), st, 0)
			for _, ms := range c.stopsOf(in) {
				for _, ps := range c.stopsOf(prev) {
					c.addOrder(ms, ps, 0)
				}
			}
		}
	}
	need := s.min
	if need < 1 {
		need = 1
	}
	o := c.newOrder()
	o.then, o.any = cl.gRunning, &anyOf{firsts: up, name: cl.ID + " start", need: need}
	c.orders = append(c.orders, o)
	c.addOrder(cl.gStopped, cl.gStart, 0)
	if !cl.Promotable {
		return
	}
	for _, p := range cl.primitives() {
		if p.promote != nil {
			c.addOrder(cl.gPromote, p.promote, fRunnableLeft)
			c.addOrder(p.promote, cl.gPromoted, fImpliesThen)
		}
		if p.demote != nil {
			c.addOrder(cl.gDemote, p.demote, fImpliesThen)
			c.addOrder(p.demote, cl.gDemoted, fImpliesThen)
		}
	}
	c.addOrder(cl.gRunning, cl.gPromote, 0)
	c.addOrder(cl.gStopped, cl.gPromote, 0)
	c.addOrder(cl.gDemoted, cl.gStop, 0)
	c.addOrder(cl.gDemoted, cl.gStart, 0)
	c.addOrder(cl.gDemoted, cl.gPromote, 0)
}

// interleaved: an ordering between two clones where the dependent clone
// interleaves orders each of its instances after the first clone's
// instance on the same node only.
func (c *cluster) interleaved(first, then *Resource) bool {
	return c.interleavedClones(first, then) && first.gStart != nil && then.gStart != nil
}

// instanceNode is where an instance acts for task: where it will run for
// a start or promote, where it runs now otherwise.
func instanceNode(in *Resource, task string) *Node {
	switch task {
	case "start", "promote":
		if in.Kind == Group && len(in.Children) > 0 {
			return in.Children[0].Assigned
		}
		return in.Assigned
	}
	n, _ := currentNode(in)
	return n
}

func (c *cluster) orderInterleaved(first *Resource, fa string, then *Resource, ta string, f orderFlag) {
	for _, ti := range then.Children {
		n := instanceNode(ti, ta)
		if n == nil {
			continue
		}
		for _, fi := range first.Children {
			if instanceNode(fi, fa) != n {
				continue
			}
			for _, x := range c.actionsFor(fi, fa, true) {
				for _, y := range c.actionsFor(ti, ta, false) {
					c.addOrder(x, y, f)
				}
			}
		}
	}
}

// finishClonePseudo marks a clone's pseudo actions needed when an
// instance acts.
func (c *cluster) finishClonePseudo(cl *Resource) {
	for _, p := range cl.primitives() {
		for _, rc := range p.cancels {
			rc.cancel.required = rc.change.required && (rc.change.runnable || rc.change.pseudo)
			rc.cancel.runnable = rc.change.runnable
		}
		if st := p.start; st != nil && st.required && st.runnable && st.node != nil {
			cl.gStart.required, cl.gRunning.required = true, true
		}
		for _, s := range c.stopsOf(p) {
			if s.required && (s.runnable || s.pseudo) {
				cl.gStop.required, cl.gStopped.required = true, true
			}
		}
		if a := p.promote; a != nil && a.required && a.runnable {
			cl.gPromote.required, cl.gPromoted.required = true, true
		}
		if a := p.demote; a != nil && a.required && (a.runnable || a.pseudo) {
			cl.gDemote.required, cl.gDemoted.required = true, true
		}
	}
	for _, a := range []*action{cl.gRunning, cl.gPromoted, cl.gPromote} {
		if a != nil && !a.runnable {
			a.required = false
		}
	}
	c.finishNotifications(cl)
}

// roleSummary is the Transition Summary line of a promotable instance,
// which names roles where they matter.
func (c *cluster) roleSummary(r *Resource) string {
	st := r.start
	next := r.Assigned
	if st == nil || next == nil || (!st.runnable && len(r.Running) > 0) {
		next = nil
	}
	var cur *Node
	curRole := "Stopped"
	if len(r.Running) > 0 {
		cur = r.Running[0]
		curRole = r.Role
		if curRole != "Promoted" {
			curRole = "Unpromoted"
		}
	}
	nextRole := "Stopped"
	if next != nil {
		nextRole = "Unpromoted"
		switch {
		case r.promote != nil && r.promote.required && r.promote.runnable:
			nextRole = "Promoted"
		case curRole == "Promoted" && cur == next && (r.demote == nil || !r.demote.required):
			nextRole = "Promoted"
		}
	}
	if len(r.Running) > 1 {
		return c.multiSummary(r, next)
	}
	line := func(verb, details, suffix string) string {
		return "  * " + padRight(verb, 10) + " " + padRight(r.ID, 20) + " ( " + details + " )" + suffix
	}
	if cur == nil {
		if st == nil || st.node == nil || !st.required {
			return ""
		}
		suffix := ""
		if !st.runnable {
			suffix = withReason(st.reason, true)
		}
		if nextRole == "Promoted" && st.runnable {
			return line("Promote", "Stopped -> Promoted "+st.node.Name, suffix)
		}
		if r.promote != nil && !r.promote.runnable {
			// chosen for promotion, but it cannot even start
			return line("Promote", "Stopped -> Promoted "+st.node.Name, withReason(r.promote.reason, true))
		}
		return line("Start", st.node.Name, suffix)
	}
	stop := r.stops[cur]
	blocked := stop != nil && !stop.runnable && !stop.pseudo
	if next == nil {
		if stop == nil || !stop.required {
			return ""
		}
		reason := stopReason(stop, st)
		return line("Stop", curRole+" "+cur.Name, withReason(reason, blocked))
	}
	failed := r.FailedOn[cur] && !r.failIgnored
	if next == cur {
		restart := (stop != nil && stop.required) || st.required
		switch {
		case restart:
			verb := "Restart"
			if failed {
				verb = "Recover"
			}
			details := curRole + " " + cur.Name
			if curRole != nextRole {
				details = curRole + " -> " + nextRole + " " + cur.Name
			}
			reason := ""
			if !failed {
				reason = st.reason
			}
			return line(verb, details, withReason(reason, blocked))
		case curRole == nextRole:
			return ""
		case nextRole == "Promoted":
			return line("Promote", curRole+" -> "+nextRole+" "+cur.Name, "")
		default:
			return line("Demote", curRole+" -> "+nextRole+" "+cur.Name, withReason("", r.demote != nil && !r.demote.runnable && !r.demote.pseudo))
		}
	}
	verb := "Move"
	if failed {
		verb = "Recover"
	}
	details := curRole + " " + cur.Name + " -> " + nextRole + " " + next.Name
	if curRole == nextRole {
		details = cur.Name + " -> " + next.Name + " " + curRole
	}
	return line(verb, details, withReason("", blocked))
}

func padRight(s string, n int) string {
	for len(s) < n {
		s += " "
	}
	return s
}

// graphResource names r in the graph as the executor records it: an
// anonymous clone's instance by its primitive's id (its history on a node
// is the primitive's, whichever instance runs there), with the instance
// as long-id; a globally-unique instance by its own id.
func graphResource(r *Resource) *graph.Resource {
	g := &graph.Resource{ID: r.ID, Class: r.Class, Provider: r.Provider, Type: r.Type}
	if r.instOf != nil && !r.cloneOf().clone.unique {
		g.ID, g.LongID = r.instOf.ID, r.ID
	}
	return g
}

// cloneMeta adds the clone settings an agent of an instance is told
// (CRM_meta_clone and the like).
func (c *cluster) cloneMeta(a *action, attrs map[string]string) {
	r := a.rsc
	if r.instOf == nil {
		return
	}
	if a.op != nil && a.op.Role == "Promoted" {
		// the Promoted role's monitor expects "running promoted"
		attrs["CRM_meta_role"] = "Promoted"
		attrs["CRM_meta_op_target_rc"] = "8"
	}
	if a.task == "cancel" {
		attrs["CRM_meta_operation"] = "monitor"
		attrs["CRM_meta_interval"] = strconv.FormatInt(int64(a.interval/time.Millisecond), 10)
	}
	s := r.cloneOf().clone
	attrs["CRM_meta_clone"] = strconv.Itoa(r.instNum)
	attrs["CRM_meta_clone_max"] = strconv.Itoa(s.max)
	attrs["CRM_meta_clone_node_max"] = strconv.Itoa(s.nodeMax)
	attrs["CRM_meta_globally_unique"] = strconv.FormatBool(s.unique)
	attrs["CRM_meta_notify"] = strconv.FormatBool(s.notify)
	if r.cloneOf().Promotable {
		attrs["CRM_meta_promoted_max"] = strconv.Itoa(s.promotedMax)
		attrs["CRM_meta_promoted_node_max"] = strconv.Itoa(s.promotedNodeMax)
	}
}

// unassignUninterleaved stops the instances of an interleaved clone that
// must start after an instance of another clone on the same node when
// that other clone has none there: they could never start.
func (c *cluster) unassignUninterleaved() {
	for changed := true; changed; {
		changed = false
		for _, o := range c.orderings {
			if o.Kind != "Mandatory" || o.FirstAction != "start" || o.ThenAction != "start" || !c.interleavedClones(o.First, o.Then) {
				continue
			}
			for _, ti := range o.Then.Children {
				n := instanceNode(ti, "start")
				if n == nil || ti.Orphan {
					continue
				}
				found := false
				for _, fi := range o.First.Children {
					if instanceNode(fi, "start") == n {
						found = true
						break
					}
				}
				if !found {
					ti.Assigned = nil
					for _, p := range ti.primitives() {
						p.Assigned = nil
					}
					setNextRole(ti, "Stopped")
					changed = true
				}
			}
		}
	}
}

func (c *cluster) interleavedClones(first, then *Resource) bool {
	return first.Kind == Clone && then.Kind == Clone && then.clone != nil && then.clone.interleave
}

// probesFor reports whether r is probed on n. A globally-unique instance
// is its own resource everywhere; an anonymous clone is probed once per
// node, by the instance that runs or will run there (else the first
// free one), and not at all where any instance has history.
func (c *cluster) probesFor(r *Resource, n *Node) bool {
	cl := r.cloneOf()
	if r.instOf == nil || cl == nil || cl.clone.unique {
		return true
	}
	var pick, free *Resource
	for _, slot := range cl.clone.slots {
		inst := slot[r.instOf]
		if inst == nil {
			continue
		}
		if inst.Probed[n] {
			return false
		}
		if pick == nil && (inst.runningOn(n) || inst.Assigned == n) {
			pick = inst
		}
		if free == nil && !inst.Orphan && inst.Assigned == nil && len(inst.Running) == 0 {
			free = inst
		}
	}
	if pick == nil {
		pick = free
	}
	return pick == r
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
