package scheduler

import (
	"fmt"
	"pacer/share/options"
	"pacer/share/score"
	"sort"
	"strconv"
	"strings"
	"time"
)

// action is one step the transition may contain. Optional actions exist so
// orderings can refer to them; only required, runnable ones are executed.
type action struct {
	id          int
	rsc         *Resource
	task        string // start, stop, monitor, stonith, do_shutdown, running, stopped, ...
	node        *Node
	interval    time.Duration
	reason      string
	op          *Op
	seq         int
	fenceTarget *Node
	pseudo      bool
	required    bool
	runnable    bool
	implied     bool // stop implied by fencing
	probe       bool
	nostart     bool // placeholder start of a resource that only stops
	reasonless  bool // a stop required only because its start cannot run
	outer       bool // a group's or clone's stopped, required by an order with another resource
	notify      *notifyAction
}

type orderFlag uint8

const (
	fImpliesThen  orderFlag = 1 << iota // first required => then required
	fImpliesFirst                       // then required => first required
	fRunnableLeft                       // first unrunnable => then unrunnable
	fRestart                            // then unrunnable => first required (stop/start of one resource)
	fStopStart                          // stop required => start required when the resource stays
)

// order is kept small: a large cluster has one per probe.
type order struct {
	first, then *action
	any         *anyOf // set for a one-or-more order
	flags       orderFlag
	asym        bool // from an asymmetrical constraint
	inverse     bool // the stop order implied by a symmetrical one
}

// anyOf: the then action of a one-or-more order is runnable if any of
// these is.
type anyOf struct {
	firsts []*action
	name   string // the set it waits for
	need   int    // how many must be runnable (0: one)
}

func (a *action) name() string {
	if a.rsc == nil {
		if a.node != nil {
			return a.task + " " + a.node.Name
		}
		return a.task
	}
	return a.rsc.ID + " " + a.task
}

// key is Pacemaker's operation key RSC_TASK_INTERVALMS.
func (a *action) key() string {
	if a.rsc == nil {
		return a.task
	}
	if n := a.notify; n != nil {
		typ := "pre"
		if n.post {
			typ = "post"
		}
		return a.rsc.ID + "_" + typ + "_notify_" + n.phase.op + "_0"
	}
	// The same key recurs on every node (probes): build it once.
	k := opKey{a.task, a.interval}
	if a.task == "cancel" {
		k.task = "monitor" // a cancel is keyed by the operation it cancels
	}
	if s, ok := a.rsc.keys[k]; ok {
		return s
	}
	s := a.rsc.ID + "_" + k.task + "_" + strconv.FormatInt(int64(a.interval/time.Millisecond), 10)
	if a.rsc.keys == nil {
		a.rsc.keys = map[opKey]string{}
	}
	a.rsc.keys[k] = s
	return s
}

type opKey struct {
	task     string
	interval time.Duration
}

func (c *cluster) newAction(r *Resource, task string, n *Node) *action {
	if len(c.actionSlab) == 0 {
		c.actionSlab = make([]action, slabSize)
	}
	a := &c.actionSlab[0]
	c.actionSlab = c.actionSlab[1:]
	*a = action{rsc: r, task: task, node: n, runnable: true, seq: len(c.actions)}
	c.actions = append(c.actions, a)
	return a
}

const slabSize = 256

func (c *cluster) newOrder() *order {
	if len(c.orderSlab) == 0 {
		c.orderSlab = make([]order, slabSize)
	}
	o := &c.orderSlab[0]
	c.orderSlab = c.orderSlab[1:]
	return o
}

func (c *cluster) addOrder(first, then *action, f orderFlag) {
	if first == nil || then == nil || first == then {
		return
	}
	o := c.newOrder()
	o.first, o.then, o.flags = first, then, f
	c.orders = append(c.orders, o)
}

func (c *cluster) markRequired(a *action, reason string) bool {
	if a.required {
		return false
	}
	a.required = true
	if a.reason == "" {
		a.reason = reason
	}
	return true
}

func (c *cluster) markUnrunnable(a *action, reason string) bool {
	if !a.runnable {
		return false
	}
	a.runnable = false
	if a.reason == "" {
		a.reason = reason
	}
	return true
}

// canFence reports whether the cluster may fence nodes now.
func (c *cluster) canFence() bool {
	if !c.opts.FencingEnabled {
		return false
	}
	return c.opts.HaveQuorum || c.opts.NoQuorumPolicy == "ignore"
}

// canFenceNode reports whether n may be fenced now: fencing enabled and a
// device to do it with, and quorum (or no-quorum-policy=ignore); without
// quorum a node still in this partition's membership may be fenced, one
// that left it may not (it may be the side that has quorum).
func (c *cluster) canFenceNode(n *Node) bool {
	if !c.opts.FencingEnabled || c.noFencingDevice {
		return false
	}
	return c.canFence() || n.Online
}

func (c *cluster) noQuorumBlocks() bool {
	return !c.opts.HaveQuorum && c.opts.NoQuorumPolicy != "ignore"
}

// createActions builds actions for every resource and node.
func (c *cluster) createActions() {
	c.fenceOps = map[*Node]*action{}
	for _, n := range c.nodes {
		if n.Unclean && c.canFenceNode(n) {
			a := c.newAction(nil, "stonith", n)
			a.required = true
			a.fenceTarget = n
			a.reason = n.FenceReason
			n.Fence = true
			n.FenceAction = c.opts.FencingAction
			c.fenceOps[n] = a
		}
	}
	for _, r := range c.allList {
		switch r.Kind {
		case Group, Clone:
			r.gStart = c.newAction(r, "start", nil)
			r.gStart.pseudo = true
			r.gRunning = c.newAction(r, "running", nil)
			r.gRunning.pseudo = true
			r.gStop = c.newAction(r, "stop", nil)
			r.gStop.pseudo = true
			r.gStopped = c.newAction(r, "stopped", nil)
			r.gStopped.pseudo = true
			if r.Kind == Clone && r.Promotable {
				c.promotablePseudoActions(r)
			}
		case Primitive:
			c.primitiveActions(r)
		}
	}
	for _, r := range c.allList {
		if r.Kind == Primitive && r.promotable() {
			c.roleActions(r)
		}
	}
	// group internals
	for _, g := range c.allList {
		if g.Kind == Clone && g.gStart != nil {
			c.cloneOrders(g)
			if g.clone != nil && g.clone.notify {
				c.notifications(g)
			}
			continue
		}
		if g.Kind != Group || g.gStart == nil {
			continue
		}
		ordered := true
		if v, ok := g.Meta["ordered"]; ok && !options.IsTrue(v) {
			ordered = false
		}
		for i, m := range g.Children {
			c.addOrder(g.gStart, c.startOf(m), fImpliesThen|fRunnableLeft)
			c.addOrder(c.startOf(m), g.gRunning, fImpliesThen|fRunnableLeft)
			for _, s := range c.stopsOf(m) {
				c.addOrder(g.gStop, s, fImpliesThen)
				c.addOrder(s, g.gStopped, fImpliesThen)
			}
			if ordered && m.Kind == Primitive && len(m.Running) == 0 && m.start != nil {
				// An inactive member starts only once the active members
				// after it, which must start after it, have stopped: one
				// that cannot stop (unmanaged) blocks its start.
				for _, k := range g.Children[i+1:] {
					if k.Kind != Primitive {
						continue
					}
					for _, n := range k.Running {
						if s := k.stops[n]; s != nil && !s.runnable {
							c.addOrder(s, m.start, fRunnableLeft)
						}
					}
				}
			}
			if i > 0 && ordered {
				p := g.Children[i-1]
				c.addOrder(c.startOf(p), c.startOf(m), fImpliesThen|fRunnableLeft)
				for _, ms := range c.stopsOf(m) {
					for _, ps := range c.stopsOf(p) {
						c.addOrder(ms, ps, fImpliesFirst|fRunnableLeft)
					}
				}
			}
		}
	}
	// configured orderings
	for _, o := range c.orderings {
		n0 := len(c.orders)
		c.orderActions(o.First, o.FirstAction, o.Then, o.ThenAction, o.Kind, false)
		if !o.Symmetrical {
			for _, x := range c.orders[n0:] {
				x.asym = true
			}
		}
		if o.Symmetrical && o.Kind != "Serialize" {
			inv := map[string]string{"start": "stop", "stop": "start", "promote": "demote", "demote": "promote"}
			fa, ok1 := inv[o.FirstAction]
			ta, ok2 := inv[o.ThenAction]
			if ok1 && ok2 {
				n0 := len(c.orders)
				c.orderActions(o.Then, ta, o.First, fa, o.Kind, true)
				for _, x := range c.orders[n0:] {
					x.inverse = true
				}
			}
		}
	}
	for _, r := range c.allList {
		r.migrating = c.migrates(r)
	}
	// after every ordering: the migrations take over the starts' orderings
	defer c.migrationActions()
	for _, ao := range c.anyOf {
		var firsts []*action
		for _, f := range ao.firsts {
			if f.Kind == Clone {
				// a clone counts its instances
				for _, in := range f.Children {
					firsts = append(firsts, c.actionsFor(in, ao.fa, true)...)
				}
				continue
			}
			firsts = append(firsts, c.actionsFor(f, ao.fa, true)...)
		}
		for _, t := range ao.thens {
			for _, ta := range c.actionsFor(t, ao.ta, false) {
				o := c.newOrder()
				o.then, o.any = ta, &anyOf{firsts: firsts, name: ao.id, need: ao.need}
				c.orders = append(c.orders, o)
				for _, f := range firsts {
					c.addOrder(f, ta, 0)
				}
			}
		}
	}
}

func (c *cluster) startOf(r *Resource) *action {
	if r.Kind == Group {
		return r.gStart
	}
	return r.start
}

func (c *cluster) stopsOf(r *Resource) []*action {
	if r.Kind == Group {
		if r.gStop == nil {
			return nil
		}
		return []*action{r.gStop}
	}
	var out []*action
	for _, n := range r.Running {
		if s := r.stops[n]; s != nil {
			out = append(out, s)
		}
	}
	return out
}

// actionsFor maps a constraint's resource+action to actions; as first, a
// group's start is its "running" and its stop its "stopped".
func (c *cluster) actionsFor(r *Resource, task string, asFirst bool) []*action {
	if r.Kind == Clone && r.gStart != nil {
		switch task {
		case "promote":
			if r.gPromote == nil {
				return nil
			}
			if asFirst {
				return []*action{r.gPromoted}
			}
			return []*action{r.gPromote}
		case "demote":
			if r.gDemote == nil {
				return nil
			}
			if asFirst {
				return []*action{r.gDemoted}
			}
			return []*action{r.gDemote}
		}
	}
	if r.Kind == Group || r.Kind == Clone {
		if r.gStart == nil {
			return nil
		}
		switch task {
		case "start":
			if asFirst {
				return []*action{r.gRunning}
			}
			return []*action{r.gStart}
		case "stop":
			if asFirst {
				return []*action{r.gStopped}
			}
			return []*action{r.gStop}
		}
		return nil
	}
	if r.Kind != Primitive {
		return nil
	}
	switch task {
	case "start":
		if r.start != nil {
			return []*action{r.start}
		}
	case "stop":
		return c.stopsOf(r)
	case "promote":
		if r.promote != nil {
			return []*action{r.promote}
		}
	case "demote":
		if r.demote != nil {
			return []*action{r.demote}
		}
	}
	return nil
}

func (c *cluster) orderActions(first *Resource, fa string, then *Resource, ta string, kind string, inverse bool) {
	var f orderFlag
	if kind == "Mandatory" {
		if inverse {
			f = fImpliesFirst | fRunnableLeft
		} else {
			f = fImpliesThen | fRunnableLeft
		}
	}
	if c.interleaved(first, then) {
		c.orderInterleaved(first, fa, then, ta, f)
		return
	}
	fs := c.actionsFor(first, fa, true)
	ts := c.actionsFor(then, ta, false)
	for _, x := range fs {
		for _, y := range ts {
			c.addOrder(x, y, f)
		}
	}
}

// primitiveActions creates start/stop actions for a primitive and decides
// which are needed on their own (before orderings propagate).
func (c *cluster) primitiveActions(r *Resource) {
	r.stops = map[*Node]*action{}
	next := r.Assigned
	multi := len(r.Running) > 1
	for _, n := range r.Running {
		s := c.newAction(r, "stop", n)
		r.stops[n] = s
		if n.Fence && r.fixed && !r.Managed {
			// fencing stops an unmanaged resource too, but the cluster
			// neither acts on it nor plans anything for it there
			s.runnable = false
			continue
		}
		if n.Fence {
			s.pseudo = true
			s.implied = true
			c.addOrder(c.fenceOps[n], s, fImpliesThen|fRunnableLeft)
		} else if n.Unclean || !n.Online {
			s.runnable = false
		}
		if r.fixed {
			if n.Fence && r.Managed {
				s.required = true
			} else {
				s.runnable = false
			}
			continue
		}
		switch {
		case next == nil:
			c.markRequired(s, "node availability")
		case next != n:
			c.markRequired(s, "")
		case r.FailedOn[n] && !r.failIgnored:
			c.markRequired(s, "")
		case multi:
			c.markRequired(s, "")
		case hasKey(r.restartNeed, n):
			c.markRequired(s, r.restartNeed[n])
		}
	}
	st := c.newAction(r, "start", next)
	r.start = st
	if next == nil {
		// A resource that is only stopping has no start for others to
		// wait on; one that stays stopped has an unrunnable one.
		st.runnable = false
		st.nostart = len(r.Running) > 0 && !r.fixed
		return
	}
	if r.fixed {
		if !r.runningOn(next) {
			st.runnable = false
		}
		return
	}
	if !r.runningOn(next) || (r.FailedOn[next] && !r.failIgnored) || multi {
		st.required = true
	}
	if rs, ok := r.restartNeed[next]; ok {
		c.markRequired(st, rs)
	}
	if c.noQuorumBlocks() && r.Requires != "nothing" {
		switch {
		case c.opts.NoQuorumPolicy == "freeze" || c.opts.NoQuorumPolicy == "demote" && r.promotable():
			// demote: promotable instances keep running, unpromoted
			// (setPromotedRoles); everything else stops as with "stop"
			if len(r.Running) == 0 {
				st.runnable = false
				st.reason = "quorum freeze"
			}
		default:
			st.runnable = false
			st.reason = "no quorum"
			for _, s := range r.stops {
				c.markRequired(s, "no quorum")
			}
		}
	}
	// A move waits for the stop; an unrunnable stop (unfenceable node)
	// blocks the start elsewhere so no second copy can run.
	for n, s := range r.stops {
		f := fImpliesThen | fRestart
		if n != next {
			f = fRunnableLeft
		}
		c.addOrder(s, st, f)
	}
}

// propagate applies ordering implications until nothing changes.
func (c *cluster) propagate() {
	for iter := 0; iter < 10000; iter++ {
		changed := false
		for _, o := range c.orders {
			if o.any != nil && o.any.firsts != nil {
				runnable, stopping := 0, 0
				for _, f := range o.any.firsts {
					if f.runnable {
						runnable++
					}
					if f.nostart {
						stopping++
					}
				}
				if runnable < max(o.any.need, 1) && c.markUnrunnable(o.then, "unrunnable "+o.any.name) {
					// only stopping: an asymmetrical order after it blocks nothing
					o.then.nostart = stopping > 0
					changed = true
				}
				continue
			}
			f, t := o.first, o.then
			if o.flags&fImpliesThen != 0 && f.required && !t.required && f.pseudo && f.rsc != nil && f.rsc.Kind == Clone && t.rsc != f.rsc &&
				(f.task == "start" || f.task == "running" || f.task == "promoted") {
				// A clone starting somewhere (an instance on a new node)
				// restarts neither its other instances nor what follows it.
			} else if o.flags&fImpliesThen != 0 && f.required && !t.required && f.task == "start" && f.rsc != nil && f.rsc.migrating && t.rsc != f.rsc {
				// A live migration keeps the resource running: what
				// follows it has no reason to restart.
			} else if o.flags&fImpliesThen != 0 && f.required && !t.required && t.node != nil || (o.flags&fImpliesThen != 0 && f.required && !t.required && t.pseudo) {
				if t.rsc != nil && t.rsc.fixed && !t.pseudo {
					// unmanaged: never forced
				} else if c.markRequired(t, reqReason(f, t)) {
					changed = true
				}
			}
			if o.flags&fRunnableLeft != 0 && !f.runnable && t.runnable && !(f.nostart && o.asym) {
				reason := ""
				switch {
				case f.probe:
				case f.rsc != nil && f.rsc == t.rsc && t.task == "promote":
					// a promotion that cannot start says no more
				case f.rsc != nil && f.rsc == t.rsc && f.task == "stop":
					// nor does a move its own stop blocks
				case f.rsc == nil:
					reason = "unrunnable " + f.task
				case f.pseudo && f.reason != "" && (f.rsc.Kind == Group || f.rsc.Kind == Clone) && f.task == "start":
					reason = f.reason
				default:
					reason = "unrunnable " + f.rsc.ID + " " + f.task
				}
				if c.markUnrunnable(t, reason) {
					if f.nostart && t.pseudo {
						t.nostart = true
					}
					changed = true
				}
			}
			// A stop needed only because its start cannot run is
			// named after what else requires it.
			if o.flags&fImpliesThen != 0 && f.required && !f.reasonless && t.reasonless && t.reason == "" && t.rsc != nil && !t.rsc.fixed {
				if rr := reqReason(f, t); rr != "" {
					t.reason, t.reasonless = rr, false
					changed = true
				}
			}
			if o.flags&fImpliesFirst != 0 && t.required && !t.reasonless && f.reasonless && f.reason == "" && f.rsc != nil && !f.rsc.fixed {
				if rr := invReason(o, t, f); rr != "" {
					f.reason, f.reasonless = rr, false
					changed = true
				}
			}
			if t.pseudo && t.task == "stopped" && t.outer && f.required && f.reason == "" &&
				(f.reasonless || f.pseudo && f.task == "stopped") && f.rsc != nil && !f.rsc.fixed && !laterMember(f.rsc) {
				// and so is one its group or clone has to stop for
				// (a later member of a group: for the one before it)
				f.reason, f.reasonless, f.outer = t.reason, false, f.pseudo
				changed = true
			}
			if o.flags&fRunnableLeft != 0 && !f.runnable && !t.runnable && f.rsc != nil && t.reason != "" &&
				strings.HasPrefix(t.reason, "unrunnable ") && blockedRestart(f) {
				// what waits for an active resource that cannot start
				// again where it is waits for a required start
				t.reason = "required " + f.rsc.ID + " " + f.task
				changed = true
			}
			if o.flags&fImpliesFirst != 0 && t.required && !f.required && (f.node != nil || f.pseudo) {
				if f.rsc != nil && f.rsc.fixed && !f.pseudo {
				} else if t.task == "stop" && t.rsc != nil && t.rsc.migrating && f.rsc != t.rsc {
					// nor must anything stop before it leaves
				} else if c.markRequired(f, invReason(o, t, f)) {
					f.outer = o.inverse && f.pseudo && f.reason != ""
					changed = true
				}
			}
			if o.flags&fRestart != 0 && !t.runnable && !f.required && f.rsc != nil && f.rsc.Managed && !f.rsc.fixed {
				f.required = true
				f.reasonless = true
				changed = true
			}
			if o.flags&fRestart != 0 && t.required && !f.required && f.node == t.node && f.rsc != nil && !f.rsc.fixed {
				f.required = true
				changed = true
			}
		}
		if !changed {
			return
		}
	}
}

func (r *Resource) fixedRunning() bool { return false }

// laterMember: r follows another member in an ordered group.
func laterMember(r *Resource) bool {
	g := r.Parent
	if g == nil || g.Kind != Group || len(g.Children) == 0 || g.Children[0] == r {
		return false
	}
	v, ok := g.Meta["ordered"]
	return !ok || options.IsTrue(v)
}

// blockedRestart: a is the start of an active resource where it runs,
// required (it restarts) but unrunnable, so the resource stops; for a
// group or clone, its "running" when a member's start is such a one.
func blockedRestart(a *action) bool {
	if a.runnable || !a.required {
		return false
	}
	r := a.rsc
	switch {
	case r.Kind == Primitive && a.task == "start":
		return a.node != nil && r.runningOn(a.node)
	case (r.Kind == Group || r.Kind == Clone) && a.task == "running":
		for _, p := range r.primitives() {
			if p.start != nil && p.start.node != nil && p.runningOn(p.start.node) && p.start.required && !p.start.runnable {
				return true
			}
		}
	}
	return false
}

// summaryLines describes what happens to each resource, as crm_simulate's
// Transition Summary does.
func (c *cluster) summaryLines() []string {
	var out []string
	for _, n := range c.nodes {
		if a := c.fenceOps[n]; a != nil {
			out = append(out, fmt.Sprintf("  * Fence (%s) %s '%s'", n.FenceAction, n.Name, n.FenceReason))
		}
		if a := c.unfenceOps[n]; a != nil {
			out = append(out, fmt.Sprintf("  * Fence (on) %s '%s'", n.Name, a.reason))
		}
	}
	for _, r := range c.allList {
		if r.Kind != Primitive || r.stops == nil {
			continue
		}
		if r.promotable() {
			if l := c.roleSummary(r); l != "" {
				out = append(out, l)
			}
			continue
		}
		if l := c.rscSummary(r); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func withReason(reason string, blocked bool) string {
	switch {
	case reason != "" && blocked:
		return " due to " + reason + " (blocked)"
	case reason != "":
		return " due to " + reason
	case blocked:
		return " blocked"
	}
	return ""
}

func (c *cluster) rscSummary(r *Resource) string {
	st := r.start
	next := r.Assigned
	if st == nil || next == nil || (!st.runnable && len(r.Running) > 0) {
		next = nil
	}
	if len(r.Running) == 0 {
		if st != nil && st.node != nil && st.required {
			if st.runnable {
				return fmt.Sprintf("  * Start      %-20s ( %s )", r.ID, st.node.Name)
			}
			return fmt.Sprintf("  * Start      %-20s ( %s )%s", r.ID, st.node.Name, withReason(st.reason, true))
		}
		return ""
	}
	cur := r.Running[0]
	if len(r.Running) > 1 {
		return c.multiSummary(r, next)
	}
	stop := r.stops[cur]
	blocked := !stop.runnable && !stop.pseudo
	if next == nil {
		if !stop.required {
			return ""
		}
		reason := stopReason(stop, st)
		return fmt.Sprintf("  * Stop       %-20s ( %s%s )%s", r.ID, rolePrefix(r), cur.Name, withReason(reason, blocked))
	}
	failed := r.FailedOn[cur] && !r.failIgnored
	if next == cur {
		if !stop.required && !st.required {
			if r.reloadOn[cur] {
				return fmt.Sprintf("  * Reload     %-20s ( %s )", r.ID, cur.Name)
			}
			return ""
		}
		if failed {
			return fmt.Sprintf("  * Recover    %-20s ( %s )%s", r.ID, cur.Name, withReason("", blocked))
		}
		reason := st.reason
		return fmt.Sprintf("  * Restart    %-20s ( %s )%s", r.ID, cur.Name, withReason(reason, blocked))
	}
	verb := "Move   "
	reason := ""
	switch {
	case failed:
		verb = "Recover"
	case c.migratable(r, cur):
		// live migration moves it without a stop and start
		if blocker := c.unmigratableBefore(r, cur); blocker != nil {
			reason = "unmigrateable " + blocker.ID + " stop"
		} else {
			verb = "Migrate"
		}
	}
	return fmt.Sprintf("  * %s    %-20s ( %s%s -> %s%s )%s", verb, r.ID, rolePrefix(r), cur.Name, nextRolePrefix(r), next.Name, withReason(reason, blocked))
}

// migrates reports whether r moves by live migration.
func (c *cluster) migrates(r *Resource) bool {
	if r.Kind != Primitive || len(r.Running) != 1 || r.Assigned == nil || r.cloneOf() != nil {
		return false // clone instances do not migrate
	}
	cur := r.Running[0]
	return r.Assigned != cur && c.migratable(r, cur) && c.unmigratableBefore(r, cur) == nil
}

// migratable: allow-migrate is set and the resource can leave cur alive.
func (c *cluster) migratable(r *Resource, cur *Node) bool {
	if !options.IsTrue(r.Meta["allow-migrate"]) || r.Failed || len(r.Running) != 1 || r.unsettled {
		return false
	}
	if cur.Fence || !cur.Online || cur.Unclean {
		return false
	}
	if _, ok := r.restartNeed[cur]; ok {
		return false
	}
	return true
}

// unmigratableBefore returns an earlier member of r's group that moves
// without live migration: r then has to stop and start after it.
func (c *cluster) unmigratableBefore(r *Resource, cur *Node) *Resource {
	// Whatever r must start after and that moves the hard way stops
	// first, and r's stop comes after that: r cannot migrate either.
	for _, o := range c.orderings {
		if o.Then != r.top() && o.Then != r || o.Kind != "Mandatory" || o.FirstAction != "start" || o.ThenAction != "start" || !o.Symmetrical {
			continue
		}
		for _, p := range o.First.primitives() {
			if len(p.Running) == 1 && p.Assigned != nil && p.Assigned != p.Running[0] && !c.migratable(p, p.Running[0]) {
				return o.First
			}
		}
	}
	g := r.Parent
	if g == nil || g.Kind != Group {
		return nil
	}
	for _, m := range g.Children {
		if m == r {
			return nil
		}
		if m.Kind == Primitive && m.runningOn(cur) && m.Assigned != cur && !c.migratable(m, cur) {
			return m
		}
	}
	return nil
}

func joinLines(ls []string) string {
	s := ""
	for i, l := range ls {
		if i > 0 {
			s += "\n"
		}
		s += l
	}
	return s
}

var _ = sort.Strings

// reqReason is why an ordering made an action required; implications
// between one resource's own actions carry no reason.
func reqReason(cause, a *action) string {
	if cause.rsc == nil || cause.rsc == a.rsc {
		return ""
	}
	if cause.pseudo && cause.rsc.Kind == Group && cause.task == "start" && cause.reason != "" {
		// a group's start only passes on why it is needed
		return cause.reason
	}
	if cause.pseudo && (cause.rsc.Kind == Group || cause.rsc.Kind == Clone) && cause.task == "stop" && cause.reason != "" {
		// so does a group's or clone's stop
		return cause.reason
	}
	return "required " + cause.rsc.ID + " " + cause.task
}

// multiSummary describes a resource active on several nodes.
func (c *cluster) multiSummary(r *Resource, next *Node) string {
	var parts []string
	st := r.start
	if next != nil && st.required && st.runnable {
		if r.Running[0] == next {
			verb := "Restart"
			reason := ""
			if r.Failed {
				verb = "Recover"
			}
			if r.MultipleActive == "stop_unexpected" {
				verb, reason = "Recover", " due to being multiply active"
			}
			parts = append(parts, fmt.Sprintf("  * %s    %-20s ( %s )%s", verb, r.ID, next.Name, reason))
		} else {
			verb := "Move   "
			if r.Failed {
				verb = "Recover"
			}
			parts = append(parts, fmt.Sprintf("  * %s    %-20s ( %s%s -> %s%s )", verb, r.ID, rolePrefix(r), r.Running[0].Name, nextRolePrefix(r), next.Name))
		}
		return joinLines(parts)
	}
	for _, n := range r.Running {
		s := r.stops[n]
		if s == nil || !s.required {
			continue
		}
		if next == n {
			continue
		}
		parts = append(parts, fmt.Sprintf("  * Stop       %-20s ( %s )%s", r.ID, n.Name, withReason("node availability", !s.runnable && !s.pseudo)))
	}
	return joinLines(parts)
}

func hasKey(m map[*Node]string, n *Node) bool {
	_, ok := m[n]
	return ok
}

// invReason names an implication through the stop order a symmetrical
// constraint implies after the constraint's own action, as Pacemaker does.
func invReason(o *order, cause, a *action) string {
	r := reqReason(cause, a)
	if r != "" && o.inverse && cause.task == "stop" {
		return "required " + cause.rsc.ID + " start"
	}
	return r
}

// blockColocated keeps a resource from starting where a mandatory
// colocation primary cannot start, then lets orderings carry that on.
func (c *cluster) blockColocated() {
	for round := 0; round < 10; round++ {
		changed := false
		for _, col := range c.colocations {
			if col.Score < score.Infinity || col.implicit || col.dep == nil || col.prim == nil {
				continue
			}
			ps := col.prim.start
			if col.Prim.Kind == Group && col.Prim.gStart != nil {
				ps = firstUnrunnableMember(col.Prim)
			}
			// the primary cannot start, or runs and must stop where it is
			stopping := ps != nil && !ps.runnable && ps.node != nil && ps.rsc.runningOn(ps.node) && ps.rsc.Kind == Primitive && !ps.rsc.fixed
			if ps == nil || ps.runnable || !ps.required && !stopping {
				continue
			}
			for _, d := range col.Dep.primitives() {
				if col.DepRole == "Promoted" {
					// only the promotion follows the primary
					if d.promote != nil && d.promote.runnable && d.promote.required && c.markUnrunnable(d.promote, "colocation with "+col.Prim.ID) {
						changed = true
					}
					continue
				}
				ds := d.start
				if ds == nil || !ds.runnable || ds.node == nil {
					continue
				}
				if !ds.required && !(stopping && d.runningOn(ds.node) && ds.node == ps.node) {
					continue
				}
				if c.markUnrunnable(ds, "colocation with "+col.Prim.ID) {
					changed = true
				}
			}
		}
		if !changed {
			return
		}
		c.propagate()
	}
}

func firstUnrunnableMember(g *Resource) *action {
	for _, m := range g.primitives() {
		if m.start != nil && !m.start.runnable && m.start.required {
			return m.start
		}
	}
	return nil
}

// rolePrefix names the current role in a summary line when it is not the
// plain Started one (a primitive found promoted is moved as started).
func rolePrefix(r *Resource) string {
	if r.Role == "Promoted" && !(r.Parent != nil && r.Parent.Promotable) {
		return "Promoted "
	}
	return ""
}

func nextRolePrefix(r *Resource) string {
	if rolePrefix(r) != "" {
		return "Started "
	}
	return ""
}

// stopReason is why a resource stops where it runs: the stop's own
// reason, else why its start elsewhere cannot run, else that it may run
// nowhere.
func stopReason(stop, st *action) string {
	switch {
	case stop.reason != "":
		return stop.reason
	case st != nil && st.node != nil && !st.runnable:
		return st.reason
	case st != nil && st.node == nil:
		return "node availability"
	}
	return ""
}
