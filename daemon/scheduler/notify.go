package scheduler

// Clone notifications (notify=true): around each of a clone's start,
// stop, promote and demote, every active instance's agent is told what
// is about to happen (pre) and what happened (post), with the lists of
// instances and nodes involved in the CRM_meta_notify_* parameters, as
// Pacemaker's agents (drbd and the like) expect.

import (
	"strings"
)

// notifyPhase is one notified clone operation: its pseudo actions and
// the notify actions of the instances.
type notifyPhase struct {
	clone            *Resource
	op, done         string  // start/running, stop/stopped, ...
	action, finished *action // the clone's own pseudo actions for op
	pre, preDone     *action
	post, postDone   *action
	notifies         []*action         // candidate notify actions of the instances
	meta             map[string]string // the lists, computed once
}

// notifyAction marks a's notify phase and type (pre/post).
type notifyAction struct {
	phase *notifyPhase
	post  bool
}

// notifications creates a notifying clone's notify pseudo actions and the
// instances' notify actions, and orders them around the clone's own.
func (c *cluster) notifications(cl *Resource) {
	phases := []*notifyPhase{
		{op: "stop", done: "stopped", action: cl.gStop, finished: cl.gStopped},
		{op: "start", done: "running", action: cl.gStart, finished: cl.gRunning},
	}
	if cl.Promotable {
		phases = append([]*notifyPhase{{op: "demote", done: "demoted", action: cl.gDemote, finished: cl.gDemoted}}, phases...)
		phases = append(phases, &notifyPhase{op: "promote", done: "promoted", action: cl.gPromote, finished: cl.gPromoted})
	}
	var prev *notifyPhase
	for _, ph := range phases {
		ph.clone = cl
		ph.pre = c.newAction(cl, "pre_notify_"+ph.op, nil)
		ph.preDone = c.newAction(cl, "confirmed-pre_notify_"+ph.op, nil)
		ph.post = c.newAction(cl, "post_notify_"+ph.done, nil)
		ph.postDone = c.newAction(cl, "confirmed-post_notify_"+ph.done, nil)
		for _, a := range []*action{ph.pre, ph.preDone, ph.post, ph.postDone} {
			a.pseudo = true
		}
		c.addOrder(ph.pre, ph.preDone, 0)
		c.addOrder(ph.preDone, ph.action, 0)
		c.addOrder(ph.finished, ph.post, 0)
		c.addOrder(ph.post, ph.postDone, 0)
		if prev != nil {
			// one phase is over before the next is announced
			c.addOrder(prev.postDone, ph.pre, 0)
		}
		prev = ph
		// Candidates: each instance where it runs now and where it will
		// run; which are told is decided once the actions are known.
		for _, p := range cl.primitives() {
			var where []*Node
			if len(p.Running) == 1 {
				where = append(where, p.Running[0])
			}
			if p.Assigned != nil && (len(where) == 0 || where[0] != p.Assigned) {
				where = append(where, p.Assigned)
			}
			for _, n := range where {
				if n.Fence || !n.Online {
					continue
				}
				pre := c.newAction(p, "notify", n)
				pre.notify = &notifyAction{phase: ph}
				c.addOrder(ph.pre, pre, 0)
				c.addOrder(pre, ph.preDone, 0)
				post := c.newAction(p, "notify", n)
				post.notify = &notifyAction{phase: ph, post: true}
				c.addOrder(ph.post, post, 0)
				c.addOrder(post, ph.postDone, 0)
				ph.notifies = append(ph.notifies, pre, post)
			}
		}
	}
	cl.notifyPhases = phases
}

// finishNotifications keeps the phases whose clone operation happens.
func (c *cluster) finishNotifications(cl *Resource) {
	for _, ph := range cl.notifyPhases {
		if ph.action == nil || !ph.action.required || !(ph.action.runnable || ph.action.pseudo && ph.finished.runnable) {
			continue
		}
		for _, a := range []*action{ph.pre, ph.preDone, ph.post, ph.postDone} {
			a.required = true
		}
		for _, a := range ph.notifies {
			a.required = activeAt(a.rsc, a.node, ph.op, a.notify.post)
		}
	}
}

// activeAt reports whether instance p is active on n when a notification
// of op is sent: a demote changes nothing, a stop leaves the instances that
// stay, a start adds those that start, and promotions come last.
func activeAt(p *Resource, n *Node, op string, post bool) bool {
	now := p.runningOn(n)
	stopping := false
	if s := p.stops[n]; s != nil && s.required && (s.runnable || s.pseudo) {
		stopping = true
	}
	st := p.start
	after := p.Assigned == n && st != nil && st.node == n && st.runnable && (st.required || now && !stopping)
	switch {
	case op == "demote", op == "stop" && !post:
		return now
	case op == "stop", op == "start" && !post:
		return now && !stopping
	default:
		return after
	}
}

// notifyMeta adds the CRM_meta_notify_* parameters of a notify action.
func (c *cluster) notifyMeta(a *action, attrs map[string]string) {
	ph := a.notify.phase
	if ph.meta == nil {
		ph.meta = c.notifyLists(ph.clone)
	}
	for k, v := range ph.meta {
		attrs[k] = v
	}
	typ, key := "pre", ph.op
	if a.notify.post {
		typ, key = "post", ph.done
	}
	attrs["CRM_meta_notify_type"] = typ
	attrs["CRM_meta_notify_operation"] = ph.op
	attrs["CRM_meta_notify_key_type"] = typ
	attrs["CRM_meta_notify_key_operation"] = key
}

// notifyLists are the instances (and their nodes) a notification names:
// what is active, inactive, promoted, unpromoted now, and what starts,
// stops, promotes and demotes.
func (c *cluster) notifyLists(cl *Resource) map[string]string {
	var active, activeN, inactive, promoted, promotedN, unpromoted, unpromotedN []string
	var start, startN, stop, stopN, promote, promoteN, demote, demoteN []string
	for _, p := range cl.primitives() {
		if len(p.Running) == 0 {
			inactive = append(inactive, p.ID)
		}
		for _, n := range p.Running {
			active, activeN = append(active, p.ID), append(activeN, n.Name)
			if p.promotable() {
				if p.Role == "Promoted" {
					promoted, promotedN = append(promoted, p.ID), append(promotedN, n.Name)
				} else {
					unpromoted, unpromotedN = append(unpromoted, p.ID), append(unpromotedN, n.Name)
				}
			}
			if s := p.stops[n]; s != nil && s.required && (s.runnable || s.pseudo) {
				stop, stopN = append(stop, p.ID), append(stopN, n.Name)
			}
		}
		if st := p.start; st != nil && st.node != nil && st.required && st.runnable {
			start, startN = append(start, p.ID), append(startN, st.node.Name)
		}
		if a := p.promote; a != nil && a.required && a.runnable {
			promote, promoteN = append(promote, p.ID), append(promoteN, a.node.Name)
		}
		if a := p.demote; a != nil && a.required && (a.runnable || a.pseudo) {
			demote, demoteN = append(demote, p.ID), append(demoteN, a.node.Name)
		}
	}
	var all, available []string
	for _, n := range c.nodes {
		all = append(all, n.Name)
		if n.canRun() {
			available = append(available, n.Name)
		}
	}
	list := func(xs []string) string {
		if len(xs) == 0 {
			return " " // Pacemaker's empty list
		}
		return strings.Join(xs, " ")
	}
	m := map[string]string{}
	set := func(name string, rs, ns []string) {
		m["CRM_meta_notify_"+name+"_resource"] = list(rs)
		m["CRM_meta_notify_"+name+"_uname"] = list(ns)
	}
	set("active", active, activeN)
	set("start", start, startN)
	set("stop", stop, stopN)
	set("promote", promote, promoteN)
	set("demote", demote, demoteN)
	set("promoted", promoted, promotedN)
	set("unpromoted", unpromoted, unpromotedN)
	// the 2.x names agents still read
	set("master", promoted, promotedN)
	set("slave", unpromoted, unpromotedN)
	m["CRM_meta_notify_inactive_resource"] = list(inactive)
	m["CRM_meta_notify_all_uname"] = list(all)
	m["CRM_meta_notify_available_uname"] = list(available)
	return m
}
