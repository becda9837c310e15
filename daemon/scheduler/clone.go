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

// sortInstances orders instances for placement (Pacemaker Explained
// does not say; crm_simulate shows it): of two active instances the one
// active on fewer nodes first; one not active where it may no longer run
// before one that is; the higher priority (a promotable instance's
// highest promotion score); active before inactive; active on a node
// that can run resources; active where the clone may run; active on a
// node with fewer instances; not failed before failed; the higher score
// on its current node from the clone's colocations; the lower number.
func (c *cluster) sortInstances(cl *Resource, insts []*Resource) {
	type key struct {
		nodes      int
		disallowed bool
		canRun     bool
		parentOK   bool
		crowd      int
		failed     bool
		coloc      score.Score
	}
	onNode := map[*Node]int{}
	for _, in := range insts {
		if n, _ := currentNode(in); n != nil {
			onNode[n]++
		}
	}
	keys := make(map[*Resource]key, len(insts))
	for _, in := range insts {
		n, count := currentNode(in)
		k := key{nodes: count}
		if n != nil {
			if v, ok := instanceTable(in).get(n); !ok || v < 0 {
				k.disallowed = true
			}
			k.canRun = n.canRun()
			k.parentOK = cl.Allowed == nil || cl.Allowed.has(n)
			k.crowd = onNode[n]
			k.coloc = c.colocationOrderScore(cl, in, n)
		}
		k.failed = instanceFailed(in)
		keys[in] = k
	}
	sort.SliceStable(insts, func(i, j int) bool {
		a, b := keys[insts[i]], keys[insts[j]]
		if a.nodes > 0 && b.nodes > 0 && a.nodes != b.nodes {
			return a.nodes < b.nodes
		}
		if a.disallowed != b.disallowed {
			return b.disallowed
		}
		if pa, pb := insts[i].promotionFirst, insts[j].promotionFirst; pa != pb {
			return pa > pb
		}
		if (a.nodes > 0) != (b.nodes > 0) {
			return a.nodes > 0
		}
		if a.nodes == 0 {
			return false
		}
		if a.canRun != b.canRun {
			return a.canRun
		}
		if a.parentOK != b.parentOK {
			return a.parentOK
		}
		if !a.parentOK {
			return false
		}
		if a.crowd != b.crowd {
			return a.crowd < b.crowd
		}
		if a.failed != b.failed {
			return b.failed
		}
		if a.coloc != b.coloc {
			return a.coloc > b.coloc
		}
		return false
	})
}

// instanceTable is the node scores an instance is placed by: a cloned
// group instance's own, a primitive instance's.
func instanceTable(in *Resource) scores {
	return in.Allowed
}

// colocationOrderScore is what the clone's colocations make of an
// instance's current node n: the primaries' and (non-negative) the
// dependents' scores there, as each colocation scales them.
func (c *cluster) colocationOrderScore(cl, in *Resource, n *Node) score.Score {
	t := newScores(len(c.nodes))
	t.set(n, n.Base)
	for _, col := range c.colByDep[cl] {
		f := float32(col.Score) / float32(score.Infinity)
		t = c.addColocatedScores(col.Prim, t, col, f, 0, nil)
	}
	for _, col := range c.colByPrim[cl] {
		if col.dep == nil || !(col.Influence || !in.isRunningAny()) {
			continue
		}
		f := float32(col.Score) / float32(score.Infinity)
		t = c.addColocatedScores(col.Dep, t, col, f, mergeNonNegative, nil)
	}
	return t.at(n)
}

// isRunningAny reports whether any primitive of r is active.
func (r *Resource) isRunningAny() bool {
	for _, p := range r.primitives() {
		if len(p.Running) > 0 {
			return true
		}
	}
	return false
}

// banUnavailable keeps an instance off the nodes that cannot run
// resources, that its clone may not run on, or that already hold
// clone-node-max instances.
func (c *cluster) banUnavailable(inst *Resource, count map[*Node]int, max int) {
	cl := inst.cloneOf()
	for _, n := range c.nodes {
		if count[n] < max && n.canRun() && (cl == nil || cl.Allowed == nil || cl.Allowed.at(n) >= 0 && cl.Allowed.has(n)) {
			continue
		}
		if inst.Kind == Group {
			if v, ok := inst.Allowed.get(n); ok && v > score.MinusInfinity {
				inst.Allowed.set(n, score.MinusInfinity)
			}
		}
		for _, p := range inst.primitives() {
			if v, ok := p.Allowed.get(n); ok && v > score.MinusInfinity {
				p.Allowed.set(n, score.MinusInfinity)
			}
		}
	}
}

func (c *cluster) unassign(inst *Resource) {
	for _, p := range inst.primitives() {
		if p.Assigned != nil {
			c.assignedCount[p.Assigned]--
			if !p.fixed {
				c.releaseCapacity(p, p.Assigned)
			}
		}
		p.assigned, p.Assigned, p.prefer = false, nil, nil
	}
	inst.assigned, inst.Assigned = false, nil
}

// assignEarly tries to assign an active instance to its current node
// before the others are placed, so instances do not shuffle. When it
// would rather go elsewhere, one instance is reserved for that node and
// it tries again, as often as there are nodes for the clone; a node
// that gets reserved instances prefers those active there.
func (c *cluster) assignEarly(in *Resource, cur *Node, count map[*Node]int, max, available int) bool {
	type saved struct {
		r *Resource
		s scores
	}
	var backup []saved
	for _, x := range append([]*Resource{in}, in.primitives()...) {
		if x.Allowed != nil {
			backup = append(backup, saved{x, x.Allowed.copy()})
		}
	}
	restore := func() {
		for _, b := range backup {
			copy(b.r.Allowed, b.s)
		}
	}
	scratch := make(map[*Node]int, len(count))
	for n, k := range count {
		scratch[n] = k
	}
	for reserved := 0; ; {
		c.banUnavailable(in, scratch, max)
		p := firstPrimitive(in)
		if p != nil {
			p.prefer = cur
		}
		c.assign(in)
		if p != nil {
			p.prefer = nil
		}
		n := in.Assigned
		if in.Kind == Group && len(in.Children) > 0 {
			n = in.Children[0].Assigned
			in.Assigned = n
		}
		if n == cur {
			count[cur]++
			return true
		}
		restore()
		c.unassign(in)
		if n == nil {
			return false
		}
		if reserved++; reserved >= available {
			return false
		}
		scratch[n]++
	}
}

// cloneTable is a clone's own node scores: its locations, and the nodes
// where an anonymous instance failed too often (which ban the clone).
func (c *cluster) cloneTable(cl *Resource) scores {
	if cl.Allowed != nil {
		return cl.Allowed
	}
	s := c.baseScores(cl)
	if cl.clone != nil && !cl.clone.unique {
		// an anonymous instance that failed too often on a node bans
		// the whole clone there, every instance with it
		var banned []*Node
		for _, in := range cl.Children {
			for _, p := range in.primitives() {
				for _, n := range c.nodes {
					if fc := p.failCount[n]; fc > 0 && fc >= p.MigrationThreshold && !p.failIgnored {
						banned = append(banned, n)
					}
				}
			}
		}
		for _, n := range banned {
			if s.has(n) {
				s.set(n, score.MinusInfinity)
			}
			for _, in := range cl.Children {
				for _, x := range append([]*Resource{in}, in.primitives()...) {
					if x.Allowed.has(n) {
						x.Allowed.set(n, score.MinusInfinity)
					}
				}
			}
		}
	}
	cl.Allowed = s
	return s
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
	if cl.Promotable {
		c.addPromotionScores(cl)
	}
	// The clone's own scores take in the preferences of the resources
	// that will follow it (never turning an allowed node negative).
	table := c.cloneTable(cl)
	for _, col := range c.colByPrim[cl] {
		if col.dep != nil && c.hasInfluence(col) {
			f := float32(col.Score) / float32(score.Infinity)
			table = c.addColocatedScores(col.Dep, table, col, f, mergeRollback|mergeNonNegative, nil)
		}
	}
	cl.Allowed = table
	if c.showScores {
		c.logScores("pcmk__clone_assign", cl, table)
		for _, in := range cl.Children {
			if in.Orphan {
				continue
			}
			if in.Kind == Group {
				c.logScores("pcmk__clone_assign", in, in.Allowed)
				for _, m := range in.Children {
					c.logScores("pcmk__clone_assign", m, m.Allowed)
				}
				continue
			}
			c.logScores("pcmk__clone_assign", in, in.Allowed)
		}
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
	c.sortInstances(cl, insts)
	count := map[*Node]int{}
	assigned := 0
	place := func(in *Resource, prefer *Node) bool {
		c.banUnavailable(in, count, s.nodeMax)
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
		if c.assignEarly(in, cur, count, s.nodeMax, available) {
			assigned++
		}
	}
	for _, in := range insts {
		if in.assigned {
			continue
		}
		if c.disabled(in) && assigned < s.max {
			// assigned nowhere, as Pacemaker assigns it (banned everywhere)
			place(in, nil)
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
		if c.showScores {
			c.logPromotionScores(cl)
		}
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
